"""Every rule holds on replay, not only when a command is given.

Rules that were once checked only when a command was decided (over-transfer,
self-transfer, one consent per holder, one text, amendment numbers, the record
on file, the make-whole recorded with a prepayment) now live in ``evolve``: a
backdated entry or a reversal that would leave an event already recorded in
breach of one of them is refused, naming the event and the rule, and nothing
is recorded.
"""

from dataclasses import replace
from datetime import date
from decimal import Decimal as D

import pytest

from adapters.entries import (
    AmendmentEntry,
    ConsentEntry,
    PrepaymentEntry,
    ReversalEntry,
    TextEntry,
    TransferEntry,
)
from conftest import FIXTURES
from domain.commands import RecordText
from domain.errors import BackdatingConflict, NotOnFile, TextRefused, TransferRefused
from domain.rules import prepaid_portions
from domain.timeline import Timeline
from support import LINCOLN, TREASURY, as_of_2003, give_notice

pytestmark = pytest.mark.usefixtures("checkpoint_spacing")  # every test twice: checkpoints as kept, and after every event

CURVE = "1y=1.25, 2y=1.60, 3y=2.10, 5y=2.90"


def record(registry, key, model, **fields):
    entry = model.model_validate({"evidence": {"document": "test"}, **fields})
    return registry.record(key, entry)


def stored(registry):
    return registry.recorder.select_notifications(start=None, limit=100_000)


def position(registry, key, kind, **match):
    """The recording position of the first event of ``kind`` whose fields match."""
    return next(
        e.originator_version
        for e in registry.agreement(key).events
        if type(e).__name__ == kind and all(getattr(e, k) == v for k, v in match.items())
    )


# --------------------------------------------------------------- over-transfer


def test_a_backdated_prepayment_that_would_shrink_a_note_already_transferred_whole_is_refused():
    book = as_of_2003()
    book.transfer(date(2003, 6, 1), LINCOLN, "New Holder", "6150000")
    with pytest.raises(BackdatingConflict, match=r"would invalidate barnes-1995:7 \(transfer of \$6,150,000.00.*cannot replace it"):
        book.prepay(date(2003, 3, 1), "1000000", "optional")


def test_reversing_a_prepayment_that_a_later_whole_note_transfer_relies_on_is_refused():
    book = as_of_2003()
    book.transfer(date(2003, 3, 1), LINCOLN, "New Holder", "6150000")
    before = book.stream
    with pytest.raises(BackdatingConflict, match=r"note No. 5 has \$8,200,000.00 unpaid on 2003-03-01; new notes for \$6,150,000.00"):
        book.reverse(6)
    assert book.stream is before


# --------------------------------------------------------------- self-transfer


def test_a_transfer_to_oneself_is_refused_in_the_fold_whatever_presents_it():
    """Names are resolved when a command is decided, so no command can produce this history;
    a history written by another tool, or edited in the store, is refused by the same rule."""
    book = as_of_2003()
    [transfer] = book.transfer(date(2003, 6, 1), LINCOLN, "New Holder", "1000000")
    forged = replace(transfer, originator_version=transfer.originator_version + 1, surrendered=11, transferee=LINCOLN,
                     issued=tuple(replace(c, number=c.number + 2) for c in transfer.issued))
    with pytest.raises(TransferRefused, match="cannot transfer notes to itself"):
        Timeline(book.events).extended((forged,), book.key)
    with pytest.raises(TransferRefused, match="cannot transfer notes to itself"):
        book.transfer(date(2003, 6, 2), LINCOLN, "lincoln investment management, inc.", "1000000")


# -------------------------------------------------------------------- consents


def test_a_backdated_second_consent_from_the_same_holder_is_refused(loaded):
    record(loaded, "barnes-1995", AmendmentEntry, type="amendment", effective_on="2003-06-02", number=3, name="Amendment No. 3")
    record(loaded, "barnes-1995", ConsentEntry, type="consent", effective_on="2003-06-10", amendment=3, holder="Lincoln")
    before = stored(loaded)
    with pytest.raises(BackdatingConflict, match="Lincoln Investment Management, Inc. has already consented to Amendment No. 3"):
        record(loaded, "barnes-1995", ConsentEntry, type="consent", effective_on="2003-06-05", amendment=3, holder="Lincoln")
    assert stored(loaded) == before


def test_a_consent_counts_from_the_amendment_date_and_reversing_a_consented_amendment_is_refused(loaded):
    record(loaded, "barnes-1995", AmendmentEntry, type="amendment", effective_on="2003-06-02", number=3, name="Amendment No. 3")
    with pytest.raises(Exception, match=r"Amendment No. 3 of barnes-1995 is dated as of 2003-06-02: .* not 2003-06-01"):
        record(loaded, "barnes-1995", ConsentEntry, type="consent", effective_on="2003-06-01", amendment=3, holder="Lincoln")
    record(loaded, "barnes-1995", ConsentEntry, type="consent", effective_on="2003-06-02", amendment=3, holder="Lincoln")
    amendment = position(loaded, "barnes-1995", "AmendmentExecuted", number=3)
    before = stored(loaded)
    with pytest.raises(BackdatingConflict, match="consents to Amendment No. 3.*no Amendment No. 3 on file") as refused:
        record(loaded, "barnes-1995", ReversalEntry, type="reversal", target=amendment, reason="test")
    assert stored(loaded) == before
    assert refused.value.rule == "a backdated entry, or a reversal, leaves valid every entry recorded after it"


# ------------------------------------------------------------ text, amendments


def test_a_second_text_is_refused_dated_after_or_backdated_before_the_first(loaded):
    text = {"type": "text", "file": "text/barnes-1995.toml"}
    entry = TextEntry.model_validate({"evidence": {"document": "test"}, "effective_on": "1995-12-02", **text}).resolve(FIXTURES)
    with pytest.raises(TextRefused, match="the text of barnes-1995 is already on file"):
        loaded.record("barnes-1995", entry)
    book = as_of_2003()
    book.record(RecordText(key=book.key, effective_on=date(1996, 1, 2), evidence=TREASURY, provisions=(), source="a", source_sha256="0"))
    with pytest.raises(BackdatingConflict, match=r"would invalidate barnes-1995:7 \(text on file.*already on file"):
        book.record(RecordText(key=book.key, effective_on=date(1995, 12, 15), evidence=TREASURY, provisions=(), source="b", source_sha256="1"))


def test_an_amendment_number_is_used_once_even_when_the_second_is_backdated(loaded):
    before = stored(loaded)
    with pytest.raises(BackdatingConflict, match=r"would invalidate barnes-1995:\d+ \(Amendment No. 2 to Note Purchase Agreement executed.*is already recorded for barnes-1995"):
        record(loaded, "barnes-1995", AmendmentEntry, type="amendment", effective_on="2003-01-01", number=2, name="Again")
    assert stored(loaded) == before


def test_reversing_an_amendment_that_holders_consented_to_is_refused(loaded):
    amendment = position(loaded, "barnes-1995", "AmendmentExecuted", number=2)
    with pytest.raises(BackdatingConflict, match="consents to Amendment No. 2"):
        record(loaded, "barnes-1995", ReversalEntry, type="reversal", target=amendment, reason="test")


# ------------------------------------------------------------ the record on file


def test_nothing_is_recorded_before_the_record_starts_nor_the_record_taken_away_under_what_rests_on_it(loaded):
    with pytest.raises(NotOnFile, match="on file only from 2003-02-05"):
        record(loaded, "novascotia-1999", TransferEntry, type="transfer", effective_on="2003-01-15", series="7.80%",
               **{"from": "Nationwide", "to": "X"}, new_holder=True, amount="1,000,000")
    opening = position(loaded, "novascotia-1999", "RegisterOpened")
    before = stored(loaded)
    with pytest.raises(BackdatingConflict, match="schedule of holders"):
        record(loaded, "novascotia-1999", ReversalEntry, type="reversal", target=opening, reason="test")
    assert stored(loaded) == before


# -------------------------------------------------------------------- make-whole


def test_a_backdated_optional_prepayment_that_would_change_a_recorded_make_whole_is_refused(loaded):
    give_notice(loaded, "barnes-1995", "2003-07-01", "3,000,000")
    record(loaded, "barnes-1995", PrepaymentEntry, type="prepayment", kind="optional", effective_on="2003-07-01",
           amount="3,000,000", treasury_curve=CURVE)
    give_notice(loaded, "barnes-1995", "2003-03-20", "1,000,000")
    before = stored(loaded)
    with pytest.raises(BackdatingConflict, match=r"optional prepayment of \$3,000,000.00.*make-whole recorded with this prepayment no longer matches"):
        record(loaded, "barnes-1995", PrepaymentEntry, type="prepayment", kind="optional", effective_on="2003-03-20",
               amount="1,000,000", treasury_curve=CURVE)
    assert stored(loaded) == before


def test_reversing_an_optional_prepayment_a_later_make_whole_rests_on_is_refused(loaded):
    give_notice(loaded, "barnes-1995", "2003-03-20", "1,000,000")
    [first] = record(loaded, "barnes-1995", PrepaymentEntry, type="prepayment", kind="optional", effective_on="2003-03-20",
                     amount="1,000,000", treasury_curve=CURVE).events
    give_notice(loaded, "barnes-1995", "2003-07-01", "2,000,000")
    record(loaded, "barnes-1995", PrepaymentEntry, type="prepayment", kind="optional", effective_on="2003-07-01",
           amount="2,000,000", treasury_curve=CURVE)
    with pytest.raises(BackdatingConflict, match="make-whole recorded with this prepayment no longer matches"):
        record(loaded, "barnes-1995", ReversalEntry, type="reversal", target=first.originator_version, reason="test")


@pytest.mark.parametrize("amount", ["1,000,000", "2,000,000", "5,000,000"])
def test_the_make_whole_prepays_exactly_the_schedule_reduction_the_register_records(loaded, amount):
    """Section 5.1(b) once: a prepayment that does not divide the instalments evenly leaves odd cents,
    and the quote's prepaid portions are the register's reductions, cent for cent."""
    give_notice(loaded, "barnes-1995", "2003-03-20", "1,000,000")
    record(loaded, "barnes-1995", PrepaymentEntry, type="prepayment", kind="optional", effective_on="2003-03-20",
           amount="1,000,000", treasury_curve=CURVE)
    before = loaded.agreement("barnes-1995").timeline.state_as_of(date(2003, 7, 1)).series["7.13%"].schedule
    give_notice(loaded, "barnes-1995", "2003-07-01", amount)
    [event] = record(loaded, "barnes-1995", PrepaymentEntry, type="prepayment", kind="optional", effective_on="2003-07-01",
                     amount=amount, treasury_curve=CURVE).events
    after = loaded.agreement("barnes-1995").timeline.state_as_of(date(2003, 7, 1)).series["7.13%"].schedule
    reductions = [old.amount - new.amount for old, new in zip(before, after, strict=True)]
    assert [line.principal for line in event.makewhole.lines if line.principal] == reductions
    assert [p.amount for p in prepaid_portions(before, event.amount)] == reductions
    assert sum(reductions) == D(amount.replace(",", ""))
    assert any(r != r.to_integral_value() for r in reductions), "odd cents are the point of this test"
