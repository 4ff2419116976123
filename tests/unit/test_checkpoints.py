"""Checkpoints along business time change no figure, only how far back a fold starts.

A timeline keeps the state after every ``spacing`` events in business order. A state as of a date, or the
check of a backdated entry, folds from the checkpoint before its date; the result must be the state a fold
from the first event gives, whatever the spacing, and a backdated entry must still be refused when it would
invalidate a later event.
"""

import threading
from dataclasses import replace
from datetime import date, timedelta

import pytest

import domain.timeline as timeline_module
from domain.errors import BackdatingConflict
from domain.stream import EntryLog
from domain.timeline import Timeline
from projections.register import outstanding_as_of, register_as_of
from support import CG, LINCOLN, as_of_2003


@pytest.fixture
def every_event(monkeypatch):
    """A checkpoint after every event (as many as a timeline keeps)."""
    monkeypatch.setattr(timeline_module, "MIN_SPACING", 1)
    monkeypatch.setattr(timeline_module, "CHECKPOINTS", 1_000)


def dates_of(events):
    days = sorted({e.effective_on for e in events})
    return sorted({d + timedelta(days=shift) for d in days for shift in (-1, 0, 1)})


def test_a_register_as_of_any_date_is_the_same_from_a_checkpoint_as_from_the_first_event(every_event):
    events = as_of_2003().events
    checkpointed = Timeline(events)
    assert checkpointed.final is not None and len(checkpointed._checkpoints) == len(events) - 1
    for day in dates_of(events):
        plain = Timeline(events)
        plain._checkpoints = _NoCheckpoints()
        assert register_as_of("barnes-1995", checkpointed, day) == register_as_of("barnes-1995", plain, day), day
        assert outstanding_as_of("barnes-1995", checkpointed, day) == outstanding_as_of("barnes-1995", plain, day), day


def test_a_backdated_entry_folds_from_the_checkpoint_before_its_date(every_event, monkeypatch):
    book = as_of_2003()
    book.stream.timeline.final  # noqa: B018 - folded once, with its checkpoints
    folded = []
    real = timeline_module.evolve
    monkeypatch.setattr(timeline_module, "evolve", lambda state, event: folded.append(event) or real(state, event))
    book.transfer(date(2002, 12, 6), LINCOLN, "New Holder", "1000000")  # at the end of business time
    assert [type(e).__name__ for e in folded] == ["NoteTransferred"], "only the new event is folded"
    book.transfer(date(2002, 12, 7), LINCOLN, "Another Holder", "1000000")
    book.transfer(date(2002, 12, 8), LINCOLN, "A Third Holder", "1000000")

    folded.clear()
    book.transfer(date(2002, 12, 6), CG, "A Fourth Holder", "100000")  # backdated two days, from another holder
    assert len(book.events) == 10, "six events before its date were not folded again"
    assert [e.effective_on for e in folded] == [date(2002, 12, 6), date(2002, 12, 7), date(2002, 12, 8)], (
        "the new event and every event after its date, nothing before")
    plain = Timeline(book.events)
    plain._checkpoints = _NoCheckpoints()
    for day in dates_of(book.events):
        assert register_as_of("barnes-1995", book.stream.timeline, day) == register_as_of("barnes-1995", plain, day)


def test_a_backdated_entry_that_breaks_a_later_event_is_refused_from_a_checkpoint_too(every_event):
    book = as_of_2003()
    book.transfer(date(2003, 6, 1), LINCOLN, "New Holder", "6150000")
    before = book.stream
    with pytest.raises(BackdatingConflict, match=r"would invalidate barnes-1995:7 \(transfer of \$6,150,000.00"):
        book.prepay(date(2003, 3, 1), "1000000", "optional")
    assert book.stream is before


def test_timelines_extended_from_one_another_share_older_checkpoints_and_keep_their_own(every_event, monkeypatch):
    """Extending a timeline copies the few states it kept last, not one every MIN_SPACING events of its history; two
    timelines extended from one (a command decided again, or after a refusal) never see each other's states."""
    monkeypatch.setattr(timeline_module, "SHARE_EVERY", 3)
    book = as_of_2003()
    base = book.stream
    lines = {}
    for line in ("Holder", "Fund"):
        book.stream = base
        for n in range(8):  # each a checkpoint of its own, in a line of timelines extended one from another
            book.transfer(date(2003, 1, 1 + n), LINCOLN, f"{line} {chr(65 + n) * 3} Insurance Company", "100000")
        assert len(book.stream.timeline._checkpoints._own) <= 3, "older states shared, not copied entry by entry"
        book.transfer(date(2003, 1, 4), CG, f"{line} ZZZ Backdated", "100000")  # folds from a checkpoint before its date
        lines[line] = book.stream
    for stream in lines.values():
        for day in dates_of(stream.events):
            assert register_as_of("barnes-1995", stream.timeline, day) == register_as_of("barnes-1995", _plain(stream.events), day), day
    assert not any(n.holder.startswith("Fund") for n in lines["Holder"].timeline.final.live())
    assert not any(n.holder.startswith("Holder") for n in lines["Fund"].timeline.final.live())


def test_a_long_timeline_keeps_a_bounded_number_of_checkpoints(monkeypatch):
    monkeypatch.setattr(timeline_module, "MIN_SPACING", 1)
    monkeypatch.setattr(timeline_module, "CHECKPOINTS", 4)
    book = as_of_2003()
    for n in range(12):
        book.transfer(date(2003, 1, 1 + n), LINCOLN, f"Holder {chr(65 + n) * 3} Insurance Company", "100000")
    timeline = Timeline(book.events)
    timeline.final  # noqa: B018
    assert 0 < len(timeline._checkpoints) <= 4 + timeline_module.RECENT
    far_back = [at for at in timeline._checkpoints if len(timeline.ordered) - at > timeline_module.RECENT]
    assert far_back and all(at % timeline.spacing == 0 for at in far_back) and timeline.spacing > 1


def test_a_view_of_a_timeline_not_yet_folded_folds_each_event_once(monkeypatch):
    """A view as of a date before the last event, on a stream too short to have a checkpoint before it (most
    streams: `holders` folds every agreement), folds the whole timeline once and keeps the state at its date
    on the way, rather than folding the whole and then again from the first event up to the date."""
    events = as_of_2003().events
    folded = []
    real = timeline_module.evolve
    monkeypatch.setattr(timeline_module, "evolve", lambda state, event: folded.append(event) or real(state, event))
    for day in dates_of(events):
        folded.clear()
        timeline = Timeline(events)
        state = timeline.state_as_of(day)
        assert len(folded) == len(timeline.ordered), day
        assert register_as_of("barnes-1995", Timeline(events), day) == register_as_of("barnes-1995", _plain(events), day), day
        expected = _plain(events).state_as_of(day)
        assert (state and state.holdings()) == (expected and expected.holdings()), day


def test_a_view_asked_again_starts_from_the_state_the_last_one_folded_to(monkeypatch):
    """A warm process asked for the same date again (a server's "as of today") folds nothing, and a later date
    folds only the events between; the states are those a fold from the first event gives. Only the latest
    VIEWED such states are kept."""
    events = as_of_2003().events
    timeline = Timeline(events)
    timeline.final  # noqa: B018 - folded once, with its checkpoints (none: the stream is short)
    folded = []
    real = timeline_module.evolve
    monkeypatch.setattr(timeline_module, "evolve", lambda state, event: folded.append(event) or real(state, event))
    days = [day for day in dates_of(events) if day < max(e.effective_on for e in events)]
    first = timeline.state_as_of(days[-2])
    assert folded, "the first view of a date folds up to it"
    folded.clear()
    again = timeline.state_as_of(days[-2])
    assert folded == [] and again.holdings() == first.holdings()
    later = timeline.state_as_of(days[-1])
    assert len(folded) == len([e for e in timeline.ordered if days[-2] < e.effective_on <= days[-1]])
    assert later.holdings() == _plain(events).state_as_of(days[-1]).holdings()
    for day in days:
        found, expected = timeline.state_as_of(day), _plain(events).state_as_of(day)
        assert (found and found.holdings()) == (expected and expected.holdings()), day
    assert 0 < len(timeline._viewed) <= timeline_module.VIEWED


def _plain(events):
    """A timeline that keeps no checkpoint: every fold starts from the first event."""
    plain = Timeline(events)
    plain._checkpoints = _NoCheckpoints()
    return plain


class _NoCheckpoints(timeline_module._Checkpoints):
    """A timeline's checkpoints, never kept: every fold starts from the first event."""

    def __setitem__(self, key, value) -> None:
        pass


def test_two_entries_decided_on_the_same_stream_each_see_only_their_own_events():
    """Timelines extended from one another share their lists of events; a stream extended twice (a command
    decided again after another writer won, or a refusal followed by another entry) must not see the other's."""
    book = as_of_2003()
    before = book.stream
    book.transfer(date(2003, 6, 1), LINCOLN, "New Holder", "1000000")
    first = book.stream
    book.stream = before
    book.transfer(date(2003, 6, 1), LINCOLN, "Other Holder", "2000000")
    second = book.stream
    assert len(before.events) == len(before.timeline) == len(first.events) - 1 == len(second.events) - 1
    assert first.events[-1].transferee == "New Holder" and second.events[-1].transferee == "Other Holder"
    assert first.timeline.ordered[-1] is first.events[-1] and second.timeline.ordered[-1] is second.events[-1]
    holders = {n.holder for n in second.timeline.state_as_of(date(2003, 6, 2)).live()}
    assert "Other Holder" in holders and "New Holder" not in holders
    book.stream = first
    book.transfer(date(2003, 6, 2), "New Holder", "A Third Holder", "500000")  # the first goes on, on its own lists
    assert [e.transferee for e in book.events[-2:]] == ["New Holder", "A Third Holder"]
    assert second.events[-1].transferee == "Other Holder" and len(second.events) == len(first.events)


def test_an_entry_log_forked_while_another_thread_appends_to_it_sees_its_own_entries():
    """Streams extended from one another share their entry log (``Shared``); a fork copies it under its lock,
    so another thread appending in place (the API records and serves in threads) cannot break the copy."""
    last = as_of_2003().events[-1]
    events = [replace(last, originator_version=n, provenance=replace(last.provenance, entry=f"entry-{n}"))
              for n in range(1, 5_001)]  # long enough that a copy and an append overlap
    log = EntryLog(events)
    size = log.size()
    stop, errors = threading.Event(), []

    def append_more():
        position = size
        while not stop.is_set():
            position += 1
            log.extended(position - 1, [replace(events[-1], originator_version=position,
                                                provenance=replace(events[-1].provenance, entry=f"more-{position}"))])

    appender = threading.Thread(target=append_more)
    appender.start()
    try:
        for _ in range(300):
            try:
                fork = log.extended(size - 1, [])
            except RuntimeError as error:  # a dict changed size during iteration
                errors.append(error)
                break
            assert fork.size() == size - 1 and fork.find("entry-1", size - 1) is not None
            assert fork.find(f"entry-{size}", size) is None and fork.find(f"more-{size + 1}", size) is None
    finally:
        stop.set()
        appender.join()
    assert not errors


def test_a_reversal_changes_the_states_from_the_first_event_it_takes_out():
    """A read model kept along business time is out of date from the first event a reversal takes out: its place
    in business order, not the reversal's (last on that date), when a later event on the same date stays."""
    book = as_of_2003()
    taken = book.transfer(date(2002, 12, 6), LINCOLN, "New Holder", "1000000")[0]
    book.transfer(date(2002, 12, 6), CG, "Another Holder", "1000000")
    before = book.stream.timeline
    place = before.ordered.index(taken)
    assert before.ordered[place + 1].effective_on == taken.effective_on, "a later event on the same date stays"
    book.reverse(taken.originator_version)
    after = book.stream.timeline
    assert after.ordered[:place] == before.ordered[:place] and after.ordered[place] != taken
    assert after.changed_from(len(before)) == place


def test_a_reversal_checked_from_a_kept_state_starts_before_the_first_event_it_takes_out(every_event):
    """A resumed timeline checks a reversal from a state kept along business time (``dated``): the one before the
    date of the first event it takes out, not one after it on that date; the state it reaches is the whole fold's."""
    book = as_of_2003()
    taken = book.transfer(date(2002, 12, 6), LINCOLN, "New Holder", "1000000")[0]
    book.transfer(date(2002, 12, 6), CG, "Another Holder", "1000000")
    book.transfer(date(2002, 12, 7), CG, "A Third Holder", "1000000")
    events, whole = book.events, book.stream.timeline
    assert whole.final is not None

    def dated(day, to_end):  # the state kept after every event effective by ``day`` (one is kept after each)
        at = whole._position(day)
        return at, whole.state_after(at).copy(), whole.ordered[at:] if to_end else ()

    read = []
    resumed = Timeline.resumed(len(events), whole.in_force, whole.latest, whole.final.copy(),
                               lambda: read.append("all") or events, None, dated, None, lambda v: events[v - 1])
    reversal = book.reverse(taken.originator_version)
    bounded = resumed.extended(reversal, book.key)
    assert not read, "checked from the state kept, the events before it not read"
    assert bounded.final.holdings() == book.stream.timeline.final.holdings()
    assert ("New Holder", "7.13%") in whole.final.holdings()


def test_a_reversal_folds_from_the_checkpoint_before_the_first_event_it_takes_out(every_event, monkeypatch):
    """A timeline whose events are in hand (a load, a server) checks a reversal from its checkpoint before the
    date of the first event taken out, not from the first event; the state it reaches is the whole fold's."""
    book = as_of_2003()
    taken = book.transfer(date(2002, 12, 6), LINCOLN, "New Holder", "1000000")[0]
    book.transfer(date(2002, 12, 6), CG, "Another Holder", "1000000")
    book.transfer(date(2002, 12, 7), CG, "A Third Holder", "1000000")
    book.stream.timeline.final  # noqa: B018 - folded once, with its checkpoints
    folded = []
    real = timeline_module.evolve
    monkeypatch.setattr(timeline_module, "evolve", lambda state, event: folded.append(event) or real(state, event))
    book.reverse(taken.originator_version)
    assert [e.effective_on for e in folded] == [date(2002, 12, 6)] * 2 + [date(2002, 12, 7)], (
        "the events from the reversal's date on, less the one it takes out, and the reversal itself")
    monkeypatch.setattr(timeline_module, "evolve", real)
    assert book.stream.timeline.final.holdings() == Timeline(book.events).final.holdings()
    assert ("New Holder", "7.13%") not in book.stream.timeline.final.holdings()
