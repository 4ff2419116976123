"""The 1995 notes' register, told as the treasurer lived it, and the rules that stop mistakes."""

from datetime import date
from decimal import Decimal as D

import pytest

from domain.agreement import Agreement, NewNote
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
from domain.values import (
    AgreementTerms,
    Evidence,
    Holding,
    Provenance,
    ScheduledPayment,
    SeriesTerms,
)

CG = "Connecticut General Life Insurance Company"
CIGNA_PC = "CIGNA Property and Casualty Insurance Company"
LINA = "Life Insurance Company of North America"
LINCOLN = "Lincoln Investment Management, Inc."
ACE_AM = "ACE American Insurance Co."
ACE_PC = "ACE Property & Casualty Insurance Company"
BY_TREASURY = Provenance("treasurer", Evidence("treasury entry"))

TERMS = AgreementTerms(
    key="barnes-1995",
    title="Note Purchase Agreement",
    issuer="Barnes Group Inc.",
    guarantors=(),
    dated_as_of=date(1995, 12, 1),
    closing_on=date(1995, 12, 5),
    series=(
        SeriesTerms(
            key="7.13%",
            title="7.13% Senior Notes due December 5, 2005",
            label="7.13% Notes",
            principal=D("25000000.00"),
            rate_percent=D("7.13"),
            maturity=date(2005, 12, 5),
            interest_dates=("06-05", "12-05"),
            day_count="30/360",
            required_prepayments=tuple(ScheduledPayment(date(y, 12, 5), D("6250000.00")) for y in (2002, 2003, 2004)),
            min_denomination=D("100000.00"),
            optional_prepayment_multiple=D("1000000.00"),
        ),
    ),
    amendment_threshold="66-2/3%",
    sections={"transfer": "6.2", "pro_rata": "5.4", "required_prepayment": "5.1(a)", "optional_prepayment": "5.2"},
    reacquired_notes_count_pro_rata=True,
)


def issued_1995() -> Agreement:
    agreement = Agreement.register(TERMS, effective_on=date(1995, 12, 1), provenance=BY_TREASURY)
    agreement.issue(
        [
            NewNote("7.13%", CG, D("10000000"), "CIG & Co."),
            NewNote("7.13%", CG, D("5000000"), "CIG & Co.", "on behalf of one or more separate accounts"),
            NewNote("7.13%", CIGNA_PC, D("5000000"), "CIG & Co."),
            NewNote("7.13%", LINA, D("5000000"), "CIG & Co."),
        ],
        on=date(1995, 12, 5),
        provenance=BY_TREASURY,
    )
    return agreement


def as_of_2003() -> Agreement:
    agreement = issued_1995()
    transfer(agreement, date(1998, 1, 2), CG, LINCOLN, "8200000")
    transfer(agreement, date(1999, 7, 2), CIGNA_PC, ACE_AM, "3459500")
    transfer(agreement, date(1999, 7, 2), CIGNA_PC, ACE_PC, "1540500")
    agreement.prepay(on=date(2002, 12, 5), amount=D("6250000"), kind="required", provenance=BY_TREASURY)
    return agreement


def as_of_2003_then_lincoln_sells_out() -> Agreement:
    agreement = as_of_2003()
    transfer(agreement, date(2003, 6, 1), LINCOLN, "New Holder", "6150000")
    return agreement


def transfer(agreement, on, giver, taker, amount, **options):
    agreement.transfer(on=on, transferor=giver, transferee=taker, amount=D(amount), provenance=BY_TREASURY, **options)


def holdings(agreement, on=None):
    return {holder: amount for (holder, _), amount in agreement.ledger(as_of=on).holdings().items()}


def test_the_four_purchasers_hold_single_notes_from_the_closing():
    agreement = issued_1995()
    assert holdings(agreement) == {CG: D(15000000), CIGNA_PC: D(5000000), LINA: D(5000000)}
    assert [(n.number, n.holder, n.principal) for n in agreement.ledger().live()] == [
        (1, CG, D(10000000)),
        (2, CG, D(5000000)),
        (3, CIGNA_PC, D(5000000)),
        (4, LINA, D(5000000)),
    ]


def test_a_partial_transfer_surrenders_the_note_and_issues_the_transferee_and_a_remainder():
    agreement = issued_1995()
    transfer(agreement, date(1998, 1, 2), CG, LINCOLN, "8200000")
    [event] = agreement.history[-1:]
    assert event.surrendered == 1
    assert [(c.number, c.holder, c.principal) for c in event.issued] == [
        (5, LINCOLN, D(8200000)),
        (6, CG, D(1800000)),
    ]
    assert agreement.ledger().notes[1].status == "surrendered"
    assert agreement.ledger().notes[6].registered_name == "CIG & Co."


def test_a_transfer_larger_than_one_note_takes_the_holders_notes_in_number_order():
    agreement = issued_1995()
    transfer(agreement, date(1998, 1, 2), CG, LINCOLN, "12000000")
    surrendered = [e.surrendered for e in agreement.history[-2:]]
    assert surrendered == [1, 2]
    assert holdings(agreement)[CG] == D(3000000)


def test_the_2002_prepayment_leaves_exactly_the_annex_1_register():
    agreement = as_of_2003()
    assert holdings(agreement) == {
        CG: D("5100000"),
        LINA: D("3750000"),
        LINCOLN: D("6150000"),
        ACE_AM: D("2594625"),
        ACE_PC: D("1155375"),
    }
    assert agreement.ledger().outstanding("7.13%") == D("18750000")


def test_the_register_as_of_an_earlier_date_ignores_later_events():
    agreement = as_of_2003()
    assert holdings(agreement, date(1998, 6, 30)) == {
        CG: D(6800000),
        CIGNA_PC: D(5000000),
        LINA: D(5000000),
        LINCOLN: D(8200000),
    }


def test_a_transfer_cannot_exceed_the_holding():
    agreement = as_of_2003()
    with pytest.raises(OverTransfer, match=r"holds \$6,150,000.00 .* cannot transfer \$7,000,000.00") as refused:
        transfer(agreement, date(2003, 3, 1), "Lincoln", "New Holder", "7000000")
    assert refused.value.section == "6.2"


def test_new_notes_below_the_minimum_denomination_are_refused_unless_they_carry_the_odd_amount():
    agreement = as_of_2003()
    with pytest.raises(BelowMinimumDenomination, match=r"\$44,625.00") as refused:
        transfer(agreement, date(2003, 3, 1), ACE_AM, "New Holder", "2550000")
    assert refused.value.section == "6.2"
    transfer(agreement, date(2003, 3, 1), ACE_AM, "New Holder", "2500000")
    assert holdings(agreement)[ACE_AM] == D("94625")


def test_a_holder_is_named_by_any_unique_part_of_its_name_and_an_unknown_one_is_refused():
    agreement = as_of_2003()
    transfer(agreement, date(2003, 3, 1), "lincoln", "New Holder", "1000000")
    assert holdings(agreement)[LINCOLN] == D(5150000)
    with pytest.raises(UnknownHolder, match="could be any of"):
        transfer(agreement, date(2003, 3, 1), "ACE", "New Holder", "1000000")
    with pytest.raises(UnknownHolder, match="is not a holder of 7.13% notes on 2003-03-01"):
        transfer(agreement, date(2003, 3, 1), "Prudential", "New Holder", "1000000")


def test_a_named_note_must_be_the_transferors():
    agreement = as_of_2003()
    with pytest.raises(UnknownNote, match="does not hold note No. 4"):
        transfer(agreement, date(2003, 3, 1), LINCOLN, "New Holder", "100000", note=4)


def test_nothing_is_recorded_before_issuance():
    agreement = issued_1995()
    with pytest.raises(BeforeIssuance, match="issued on 1995-12-05"):
        transfer(agreement, date(1995, 12, 4), CG, LINCOLN, "100000")


def test_a_backdated_transfer_is_accepted_when_the_timeline_stays_valid():
    agreement = as_of_2003()
    transfer(agreement, date(2003, 6, 1), LINCOLN, "New Holder", "1000000")
    transfer(agreement, date(2003, 3, 1), LINA, "Other Holder", "1000000")
    assert holdings(agreement, date(2003, 4, 1))["Other Holder"] == D(1000000)
    assert "New Holder" not in holdings(agreement, date(2003, 4, 1))


def test_a_backdated_entry_that_would_invalidate_a_later_one_is_refused_and_changes_nothing():
    agreement = as_of_2003_then_lincoln_sells_out()
    version, history, pending = agreement.version, list(agreement.history), list(agreement.pending_events)
    with pytest.raises(BackdatingConflict, match="would invalidate barnes-1995:7"):
        transfer(agreement, date(2003, 3, 1), LINCOLN, "Other Holder", "1000000")
    assert agreement.version == version
    assert agreement.history == history
    assert agreement.pending_events == pending
    assert agreement.ledger().holdings() == as_of_2003_then_lincoln_sells_out().ledger().holdings()


def test_a_backdated_transfer_before_a_prepayment_is_refused_because_the_allocation_would_change():
    agreement = as_of_2003()
    with pytest.raises(BackdatingConflict, match="required prepayment"):
        transfer(agreement, date(2001, 1, 2), LINA, "Other Holder", "1000000")


def test_a_required_prepayment_must_match_the_schedule():
    agreement = as_of_2003()
    with pytest.raises(UnscheduledPayment, match=r"due 2003-12-05 is \$6,250,000.00") as refused:
        agreement.prepay(on=date(2003, 12, 5), amount=D("6000000"), kind="required", provenance=BY_TREASURY)
    assert refused.value.section == "5.1(a)"
    with pytest.raises(UnscheduledPayment, match="next is .* due 2003-12-05"):
        agreement.prepay(on=date(2003, 6, 5), amount=D("6250000"), kind="required", provenance=BY_TREASURY)


def test_an_optional_prepayment_is_in_multiples_of_a_million_and_shrinks_the_schedule_pro_rata():
    agreement = as_of_2003()
    with pytest.raises(NotAMultiple, match="multiple of \\$1,000,000.00") as refused:
        agreement.prepay(on=date(2003, 6, 5), amount=D("1500000"), kind="optional", provenance=BY_TREASURY)
    assert refused.value.section == "5.2"
    agreement.prepay(on=date(2003, 6, 5), amount=D("3000000"), kind="optional", provenance=BY_TREASURY)
    schedule = agreement.ledger().series["7.13%"].schedule
    assert [(p.due_on, p.amount) for p in schedule] == [
        (date(2003, 12, 5), D("5250000.00")),
        (date(2004, 12, 5), D("5250000.00")),
        (date(2005, 12, 5), D("5250000.00")),
    ]
    agreement.prepay(on=date(2003, 12, 5), amount=D("5250000"), kind="required", provenance=BY_TREASURY)


def test_a_prepayment_cannot_exceed_what_is_outstanding():
    agreement = as_of_2003()
    with pytest.raises(OverPayment):
        agreement.prepay(on=date(2003, 6, 5), amount=D("19000000"), kind="optional", provenance=BY_TREASURY)


def test_after_payment_at_maturity_nothing_more_can_happen():
    agreement = as_of_2003()
    for year in (2003, 2004):
        agreement.prepay(on=date(year, 12, 5), amount=D("6250000"), kind="required", provenance=BY_TREASURY)
    with pytest.raises(UnscheduledPayment, match="mature on 2005-12-05"):
        agreement.pay_at_maturity(on=date(2005, 6, 5), provenance=BY_TREASURY)
    agreement.pay_at_maturity(on=date(2005, 12, 5), provenance=BY_TREASURY)
    assert agreement.ledger().outstanding("7.13%") == 0
    with pytest.raises(NotesPaidOff, match="paid off on 2005-12-05"):
        transfer(agreement, date(2006, 1, 5), LINCOLN, "New Holder", "100000")


def test_a_cancelled_note_still_takes_its_pro_rata_share_of_a_required_prepayment():
    agreement = as_of_2003()
    agreement.cancel(on=date(2003, 3, 1), note=4, provenance=BY_TREASURY)
    assert agreement.ledger().outstanding("7.13%") == D("15000000")
    agreement.prepay(on=date(2003, 12, 5), amount=D("6250000"), kind="required", provenance=BY_TREASURY)
    event = agreement.history[-1]
    deemed = [a for a in event.allocations if a.deemed]
    assert [(a.note, a.amount) for a in deemed] == [(4, D("1250000.00"))]
    assert sum(a.amount for a in event.allocations) == D("6250000")
    assert agreement.ledger().outstanding("7.13%") == D("10000000")


def test_a_schedule_of_holders_that_disagrees_with_the_register_is_refused():
    agreement = as_of_2003()
    wrong = [Holding(CG, "7.13%", D("5100000")), Holding(LINCOLN, "7.13%", D("6150000"))]
    with pytest.raises(RegisterMismatch, match="Life Insurance Company of North America 7.13%: register"):
        agreement.attest_register(wrong, on=date(2003, 2, 5), provenance=BY_TREASURY)


def test_an_attested_schedule_also_guards_the_past_against_backdated_entries():
    agreement = as_of_2003()
    annex = [(CG, "5100000"), (LINA, "3750000"), (ACE_AM, "2594625"), (ACE_PC, "1155375"), (LINCOLN, "6150000")]
    agreement.attest_register([Holding(h, "7.13%", D(a)) for h, a in annex], on=date(2003, 2, 5), provenance=BY_TREASURY)
    assert agreement.ledger().holders() == [h for h, _ in annex]
    with pytest.raises(BackdatingConflict, match="schedule of holders"):
        transfer(agreement, date(2003, 1, 10), LINCOLN, "New Holder", "1000000")


def test_a_series_is_named_by_key_rate_or_label():
    agreement = issued_1995()
    assert agreement.series_key(None) == agreement.series_key("7.13") == agreement.series_key("7.13% notes") == "7.13%"
    with pytest.raises(UnknownSeries):
        agreement.series_key("8.59%")
