"""The 1995 notes' register, told as the treasurer lived it, and the rules that stop mistakes."""

from datetime import date
from decimal import Decimal as D

import pytest

from domain.errors import (
    BackdatingConflict,
    BeforeIssuance,
    BelowMinimumDenomination,
    NotAMultiple,
    NotesPaidOff,
    OverPayment,
    OverTransfer,
    RegisterMismatch,
    UnknownHolder,
    UnknownNote,
    UnknownSeries,
    UnscheduledPayment,
)
from domain.names import series_key
from support import (
    ACE_AM,
    ACE_PC,
    CG,
    CIGNA_PC,
    LINA,
    LINCOLN,
    TERMS_1995,
    as_of_2003,
    as_of_2003_then_lincoln_sells_out,
    issued_1995,
)

TERMS = TERMS_1995

def test_the_four_purchasers_hold_single_notes_from_the_closing():
    book = issued_1995()
    assert book.holdings() == {CG: D(15000000), CIGNA_PC: D(5000000), LINA: D(5000000)}
    assert [(n.number, n.holder, n.principal) for n in book.state().live()] == [
        (1, CG, D(10000000)),
        (2, CG, D(5000000)),
        (3, CIGNA_PC, D(5000000)),
        (4, LINA, D(5000000)),
    ]


def test_a_partial_transfer_surrenders_the_note_and_issues_the_transferee_and_a_remainder():
    book = issued_1995()
    [event] = book.transfer(date(1998, 1, 2), CG, LINCOLN, "8200000")
    assert event.surrendered == 1
    assert [(c.number, c.holder, c.principal) for c in event.issued] == [
        (5, LINCOLN, D(8200000)),
        (6, CG, D(1800000)),
    ]
    assert book.state().note(1).status == "surrendered"
    assert book.state().note(6).registered_name == "CIG & Co."


def test_a_transfer_larger_than_one_note_takes_the_holders_notes_in_number_order():
    book = issued_1995()
    events = book.transfer(date(1998, 1, 2), CG, LINCOLN, "12000000")
    assert [e.surrendered for e in events] == [1, 2]
    assert book.holdings()[CG] == D(3000000)


def test_the_2002_prepayment_leaves_exactly_the_annex_1_register():
    book = as_of_2003()
    assert book.holdings() == {
        CG: D("5100000"),
        LINA: D("3750000"),
        LINCOLN: D("6150000"),
        ACE_AM: D("2594625"),
        ACE_PC: D("1155375"),
    }
    assert book.state().outstanding("7.13%") == D("18750000")


def test_the_register_as_of_an_earlier_date_ignores_later_events():
    book = as_of_2003()
    assert book.holdings(date(1998, 6, 30)) == {
        CG: D(6800000),
        CIGNA_PC: D(5000000),
        LINA: D(5000000),
        LINCOLN: D(8200000),
    }


def test_a_transfer_cannot_exceed_the_holding():
    book = as_of_2003()
    with pytest.raises(OverTransfer, match=r"holds \$6,150,000.00 .* cannot transfer \$7,000,000.00") as refused:
        book.transfer(date(2003, 3, 1), "Lincoln", "New Holder", "7000000")
    assert refused.value.section == "6.2"


def test_new_notes_below_the_minimum_denomination_are_refused_unless_they_carry_the_odd_amount():
    book = as_of_2003()
    with pytest.raises(BelowMinimumDenomination, match=r"\$44,625.00") as refused:
        book.transfer(date(2003, 3, 1), ACE_AM, "New Holder", "2550000")
    assert refused.value.section == "6.2"
    book.transfer(date(2003, 3, 1), ACE_AM, "New Holder", "2500000")
    assert book.holdings()[ACE_AM] == D("94625")


def test_a_holder_is_named_by_any_unique_part_of_its_name_and_an_unknown_one_is_refused():
    book = as_of_2003()
    book.transfer(date(2003, 3, 1), "lincoln", "New Holder", "1000000")
    assert book.holdings()[LINCOLN] == D(5150000)
    with pytest.raises(UnknownHolder, match="could be any of"):
        book.transfer(date(2003, 3, 1), "ACE", "New Holder", "1000000")
    with pytest.raises(UnknownHolder, match="is not a holder of 7.13% notes on 2003-03-01"):
        book.transfer(date(2003, 3, 1), "Prudential", "New Holder", "1000000")


def test_a_named_note_must_be_the_transferors():
    book = as_of_2003()
    with pytest.raises(UnknownNote, match="does not hold note No. 4"):
        book.transfer(date(2003, 3, 1), LINCOLN, "New Holder", "100000", note=4)


def test_nothing_is_recorded_before_issuance():
    book = issued_1995()
    with pytest.raises(BeforeIssuance, match="issued on 1995-12-05"):
        book.transfer(date(1995, 12, 4), CG, LINCOLN, "100000")


def test_a_backdated_transfer_is_accepted_when_the_timeline_stays_valid():
    book = as_of_2003()
    book.transfer(date(2003, 6, 1), LINCOLN, "New Holder", "1000000")
    book.transfer(date(2003, 3, 1), LINA, "Other Holder", "1000000")
    assert book.holdings(date(2003, 4, 1))["Other Holder"] == D(1000000)
    assert "New Holder" not in book.holdings(date(2003, 4, 1))


def test_a_backdated_entry_that_would_invalidate_a_later_one_is_refused_and_changes_nothing():
    book = as_of_2003_then_lincoln_sells_out()
    before = book.stream
    with pytest.raises(BackdatingConflict, match="would invalidate barnes-1995:7"):
        book.transfer(date(2003, 3, 1), LINCOLN, "Other Holder", "1000000")
    assert book.stream is before
    assert book.state().holdings() == as_of_2003_then_lincoln_sells_out().state().holdings()


def test_a_backdated_transfer_before_a_prepayment_is_refused_because_the_allocation_would_change():
    book = as_of_2003()
    with pytest.raises(BackdatingConflict, match="required prepayment"):
        book.transfer(date(2001, 1, 2), LINA, "Other Holder", "1000000")


def test_a_required_prepayment_must_match_the_schedule():
    book = as_of_2003()
    with pytest.raises(UnscheduledPayment, match=r"due 2003-12-05 is \$6,250,000.00") as refused:
        book.prepay(date(2003, 12, 5), "6000000", "required")
    assert refused.value.section == "5.1(a)"
    with pytest.raises(UnscheduledPayment, match="next is .* due 2003-12-05"):
        book.prepay(date(2003, 6, 5), "6250000", "required")


def test_an_optional_prepayment_is_in_multiples_of_a_million_and_shrinks_the_schedule_pro_rata():
    book = as_of_2003()
    with pytest.raises(NotAMultiple, match="multiple of \\$1,000,000.00") as refused:
        book.prepay(date(2003, 6, 5), "1500000", "optional")
    assert refused.value.section == "5.2"
    book.prepay(date(2003, 6, 5), "3000000", "optional")
    schedule = book.state().series["7.13%"].schedule
    assert [(p.due_on, p.amount) for p in schedule] == [
        (date(2003, 12, 5), D("5250000.00")),
        (date(2004, 12, 5), D("5250000.00")),
        (date(2005, 12, 5), D("5250000.00")),
    ]
    book.prepay(date(2003, 12, 5), "5250000", "required")


def test_a_prepayment_cannot_exceed_what_is_outstanding():
    book = as_of_2003()
    with pytest.raises(OverPayment):
        book.prepay(date(2003, 6, 5), "19000000", "optional")


def test_after_payment_at_maturity_nothing_more_can_happen():
    book = as_of_2003()
    for year in (2003, 2004):
        book.prepay(date(year, 12, 5), "6250000", "required")
    with pytest.raises(UnscheduledPayment, match="mature on 2005-12-05"):
        book.pay_at_maturity(date(2005, 6, 5))
    book.pay_at_maturity(date(2005, 12, 5))
    assert book.state().outstanding("7.13%") == 0
    with pytest.raises(NotesPaidOff, match="paid off on 2005-12-05"):
        book.transfer(date(2006, 1, 5), LINCOLN, "New Holder", "100000")


def test_a_cancelled_note_still_takes_its_pro_rata_share_of_a_required_prepayment():
    book = as_of_2003()
    book.cancel(date(2003, 3, 1), 4)
    assert book.state().outstanding("7.13%") == D("15000000")
    [event] = book.prepay(date(2003, 12, 5), "6250000", "required")
    deemed = [a for a in event.allocations if a.deemed]
    assert [(a.note, a.amount) for a in deemed] == [(4, D("1250000.00"))]
    assert sum(a.amount for a in event.allocations) == D("6250000")
    assert book.state().outstanding("7.13%") == D("10000000")
    from projections.payments import payees

    wires = payees(event, book.state())
    assert 4 not in [n for p in wires for n in p.notes], "the Company's own note takes its share, and no wire"
    assert sum(p.amount for p in wires) == D("5000000.00") and [p.notes for p in wires][0] == (2, 6)


def test_a_schedule_of_holders_that_disagrees_with_the_register_is_refused():
    book = as_of_2003()
    with pytest.raises(RegisterMismatch, match="Life Insurance Company of North America 7.13%: register"):
        book.attest(date(2003, 2, 5), [(CG, "5100000"), (LINCOLN, "6150000")])


def test_an_attested_schedule_also_guards_the_past_against_backdated_entries():
    book = as_of_2003()
    annex = [(CG, "5100000"), (LINA, "3750000"), (ACE_AM, "2594625"), (ACE_PC, "1155375"), (LINCOLN, "6150000")]
    book.attest(date(2003, 2, 5), annex)
    assert book.state().holders() == [h for h, _ in annex]
    with pytest.raises(BackdatingConflict, match="schedule of holders"):
        book.transfer(date(2003, 1, 10), LINCOLN, "New Holder", "1000000")


def test_a_series_is_named_by_key_rate_or_label():
    assert series_key(TERMS, None) == series_key(TERMS, "7.13") == series_key(TERMS, "7.13% notes") == "7.13%"
    with pytest.raises(UnknownSeries):
        series_key(TERMS, "8.59%")


def test_a_directory_of_holders_is_made_only_for_a_command_that_names_one(monkeypatch):
    """Deciding a payment makes no directory of holders (it cost 14% of loading a registry of short agreements);
    a transfer, which names its holders, makes one, and finds them in it."""
    from domain.holders import Directory

    made = []
    real = Directory.of.__func__
    monkeypatch.setattr(Directory, "of", classmethod(lambda cls, *args: made.append(args) or real(cls, *args)))
    book, paid = as_of_2003(), as_of_2003()
    made.clear()
    paid.pay_at_maturity(date(2005, 12, 5))
    assert made == []
    book.transfer(date(2003, 6, 1), LINCOLN, "New Holder", "1000000")
    assert len(made) == 1 and book.holdings()["New Holder"] == D("1000000")
