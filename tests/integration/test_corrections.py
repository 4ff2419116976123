"""Two clocks, corrections in the open, and requests recorded once, on SQLite and PostgreSQL."""

from datetime import UTC, date, datetime
from decimal import Decimal as D

import pytest

from adapters.entries import ReversalEntry, TransferEntry
from adapters.journal import load
from adapters.queries import Queries
from conftest import FIXTURES
from domain.errors import BackdatingConflict, ConflictingEntry, ReversalRefused
from support import writer

pytestmark = pytest.mark.usefixtures("checkpoint_spacing")  # every test twice: checkpoints as kept, and after every event


@pytest.fixture
def store(store_url):
    registry = writer(store_url)
    load(registry, [FIXTURES])
    yield registry
    registry.close()


def transfer(registry, on, giver, taker, amount, request=None):
    entry = TransferEntry.model_validate(
        {"type": "transfer", "effective_on": on, "evidence": {"document": "t"}, "from": giver, "to": taker, "amount": amount,
         "new_holder": True}
    )
    return registry.record("barnes-1995", entry, request_id=request or f"{on}/{taker}/{amount}")


def reverse(registry, target, reason="recorded in error"):
    entry = ReversalEntry.model_validate({"type": "reversal", "evidence": {"document": "t"}, "target": target, "reason": reason})
    return registry.record("barnes-1995", entry, request_id=f"reverse/{target}")


def holdings(registry, on, known_at=None):
    view = Queries(registry).register("barnes-1995", on, known_at)
    return {h.holder: h.principal["7.13%"] for h in view.holders}


def test_a_backdated_entry_shows_only_in_views_known_after_it_was_recorded(store):
    transfer(store, "2003-06-02", "Lincoln", "Late Holder", "1,000,000")
    moment = datetime.now(UTC)
    [event] = transfer(store, "2003-03-03", "ACE American", "Backdated Holder", "1,000,000").events
    assert "Backdated Holder" in holdings(store, date(2003, 4, 1))
    assert "Backdated Holder" not in holdings(store, date(2003, 4, 1), known_at=moment)
    lines = Queries(store).history("barnes-1995")
    line = next(found for found in lines if found.event == f"barnes-1995:{event.originator_version}")
    assert line.backdated and line.effective_on == date(2003, 3, 3) and line.recorded_at > moment


def test_a_reversed_entry_stays_in_the_history_and_leaves_the_views(store):
    [wrong] = transfer(store, "2003-03-03", "Lincoln", "Wrong Holder", "1,000,000").events
    before = datetime.now(UTC)
    [reversal] = reverse(store, wrong.originator_version, "wrong transferee").events
    assert "Wrong Holder" not in holdings(store, date(2003, 4, 1))
    assert holdings(store, date(2003, 4, 1))["Lincoln Investment Management, Inc."] == D(6150000)
    assert "Wrong Holder" in holdings(store, date(2003, 4, 1), known_at=before)
    lines = {line.event: line for line in Queries(store).history("barnes-1995")}
    assert lines[f"barnes-1995:{wrong.originator_version}"].reversed_by == f"barnes-1995:{reversal.originator_version}"
    assert lines[f"barnes-1995:{reversal.originator_version}"].summary.endswith("wrong transferee")
    assert store.verify().intact


def test_a_reversal_that_would_leave_the_timeline_invalid_is_refused(store):
    [first] = transfer(store, "2003-03-03", "Lincoln", "Middle Holder", "2,000,000").events
    transfer(store, "2003-04-01", "Middle Holder", "Final Holder", "2,000,000")
    before = store.recorder.select_notifications(start=None, limit=10_000)
    with pytest.raises(BackdatingConflict, match=r"would invalidate barnes-1995:\d+ \(transfer of \$2,000,000.00 from Middle Holder"):
        reverse(store, first.originator_version)
    assert store.recorder.select_notifications(start=None, limit=10_000) == before


@pytest.mark.parametrize("named", [0, -1], ids=["its first event named", "its last event named"])
def test_every_event_of_a_multi_note_transfer_is_reversed_together(store, named):
    staged = transfer(store, "2003-03-03", "Connecticut General", "Buyer", "5,000,000")
    assert len(staged.events) == 2
    [reversal] = reverse(store, staged.events[named].originator_version).events
    assert reversal.targets == tuple(e.originator_version for e in staged.events)
    assert holdings(store, date(2003, 4, 1))["Connecticut General Life Insurance Company"] == D(5100000)
    with pytest.raises(ReversalRefused, match="already reversed"):
        reverse(store, staged.events[-1 - named].originator_version, "again")


def test_a_command_given_no_request_id_gets_its_own_so_its_events_are_reversed_together(store):
    entry = TransferEntry.model_validate({"type": "transfer", "effective_on": "2003-03-03", "evidence": {"document": "t"},
                                          "from": "Connecticut General", "to": "Buyer", "new_holder": True, "amount": "5,000,000"})
    staged = store.record("barnes-1995", entry)  # in process, as a script or a test records
    [entry_id] = {e.provenance.entry for e in staged.events}
    assert len(staged.events) == 2 and entry_id.startswith("local/")
    [reversal] = reverse(store, staged.events[-1].originator_version).events
    assert reversal.targets == tuple(e.originator_version for e in staged.events)
    again = store.record("barnes-1995", entry)
    assert again.events[0].provenance.entry not in {entry_id, None}


def test_a_registration_everything_rests_on_and_a_reversal_cannot_be_reversed(store):
    with pytest.raises(BackdatingConflict, match=r"would invalidate barnes-1995:\d+ .*not yet in force"):
        reverse(store, 1)
    [wrong] = transfer(store, "2003-03-03", "Lincoln", "Wrong Holder", "1,000,000").events
    [reversal] = reverse(store, wrong.originator_version).events
    with pytest.raises(ReversalRefused, match="is itself a reversal"):
        reverse(store, reversal.originator_version)


def test_the_same_request_twice_returns_the_first_result_and_records_nothing(store):
    first = transfer(store, "2003-03-03", "Lincoln", "Buyer", "1,000,000", request="wire-42")
    count = store.agreement("barnes-1995").version
    again = transfer(store, "2003-03-03", "Lincoln", "Buyer", "1,000,000", request="wire-42")
    assert again.events == () and again.earlier == first.events
    assert store.agreement("barnes-1995").version == count
    with pytest.raises(ConflictingEntry, match="'wire-42' is already recorded for barnes-1995 with different content"):
        transfer(store, "2003-03-03", "Lincoln", "Buyer", "2,000,000", request="wire-42")
