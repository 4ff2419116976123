"""Snapshots: a command appended at the end of a long history starts from the agreement's state as its last save
kept it, and records exactly what reading and folding the whole stream would have, refusals included."""

from __future__ import annotations

import gc
import sqlite3
import weakref
from collections import Counter
from collections.abc import Iterable
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from adapters import snapshots
from adapters.encoding import to_json
from adapters.entries import CancellationEntry, InterestEntry, ReversalEntry, TransferEntry
from adapters.queries import Queries
from adapters.reader import FileReader
from adapters.registry import Registry
from adapters.snapshots import Snapshot, decode_state, derived, encode_state
from domain.errors import RegistryError
from domain.events import AGREEMENT, stream_id
from domain.state import ClosedNotes, Coupon
from domain.stream import Stream
from projections.record import ASSUMED
from support import ADMIN, counting_decoded, views_seen

KEY = "barnes-1995"
LINCOLN = "Lincoln Investment Management, Inc."


def transfer(on: str, giver: str, taker: str, amount: str, **more: object) -> TransferEntry:
    return TransferEntry.model_validate({"type": "transfer", "effective_on": on, "evidence": {"document": "t"},
                                         "from": giver, "to": taker, "amount": amount, **more})


def reversal(target: int) -> ReversalEntry:
    return ReversalEntry.model_validate({"type": "reversal", "evidence": {"document": "t"}, "target": target,
                                         "reason": "recorded in error"})


def kept(url: str) -> dict[str, Snapshot]:
    registry = Registry(url, read_only=True)
    try:
        with registry.ledger.engine.connect() as connection:
            return {row.stream: Snapshot.of_row(row) for row in connection.execute(registry.ledger.snapshots.select())}
    finally:
        registry.close()


def whole(registry: Registry, key: str = KEY) -> Stream:
    """The stream read and folded whole: the reference."""
    return Stream.of(registry.decoded(registry.ledger.stream_rows(stream_id(AGREEMENT, key))))


def outcome(url: str, entry: object, request: str) -> tuple:
    """What recording ``entry`` in a fresh registry does: the events' content (not their recording time), or the
    refusal; and how many of the agreement's stored events it decoded."""
    registry = Registry(url, identity=ADMIN)
    decoded = _counting(registry, KEY)
    try:
        staged = registry.record(KEY, entry, request_id=request)  # type: ignore[arg-type]
        events = tuple(replace(e, timestamp=None, provenance=None) for e in staged.events or staged.earlier)
        return ("recorded", events), len(decoded)
    except RegistryError as refused:
        return ("refused", type(refused).__name__, str(refused)), len(decoded)
    finally:
        registry.close()


@pytest.fixture
def without_snapshots(loaded_file: Path, tmp_path: Path) -> str:
    copy = tmp_path / "whole.sqlite"
    copy.write_bytes(loaded_file.read_bytes())
    with sqlite3.connect(copy) as connection:
        connection.execute("delete from debtreg_snapshots")
    return f"sqlite:///{copy}"


def test_every_agreement_loaded_has_a_snapshot_equal_to_its_fold(loaded: Registry) -> None:
    snapshots = kept(str(loaded.factory.datastore.engine.url))
    agreements = [key for kind, key in loaded.listed() if kind == AGREEMENT]
    assert agreements and {stream_id(AGREEMENT, key).hex for key in agreements} <= set(snapshots)
    for key in agreements:
        reference = Snapshot.of(whole(loaded, key))
        assert reference is not None
        assert replace(snapshots[reference.stream], entries=None, claimed=False) == replace(reference, entries=None)
        assert snapshots[reference.stream].claimed, "every entry loaded claimed its request id"


def test_a_state_read_back_from_its_snapshot_writes_the_same_snapshot(loaded: Registry) -> None:
    stream = whole(loaded)
    state = stream.state
    text = encode_state(state, derived(stream.key, stream.timeline))
    again, kept_again = decode_state(text, ClosedNotes.earlier(state.closed_count, stream.last_number, dict), state.closed_count)
    assert encode_state(again, kept_again) == text
    assert again.holdings() == state.holdings() and again.live() != []
    assert kept_again[ASSUMED] and kept_again == derived(stream.key, stream.timeline)


def test_a_running_process_saves_the_snapshot_the_whole_stream_folds_to(loaded: Registry, loaded_url: str) -> None:
    """A process that records one entry after another writes each snapshot from the state it holds, objects shared
    with the state before (a coupon passed, a note not transferred): each is the one the whole stream folds to, a
    coupon paid and its payment reversed included."""
    loaded.record(KEY, transfer("2003-06-02", LINCOLN, "A New Holder", "1,000,000", new_holder=True), request_id="p/1")
    paid = loaded.record(KEY, InterestEntry.model_validate({"type": "interest", "effective_on": "2003-06-05",
                                                            "evidence": {"document": "t"}, "series": "7.13%"}), request_id="p/2")
    for step, entry in enumerate([reversal(paid.events[0].originator_version),
                                  transfer("2003-06-09", "A New Holder", LINCOLN, "1,000,000")]):
        before = kept(loaded_url)[stream_id(AGREEMENT, KEY).hex]
        loaded.record(KEY, entry, request_id=f"p/{step + 3}")
        saved, reference = kept(loaded_url)[stream_id(AGREEMENT, KEY).hex], Snapshot.of(whole(loaded))
        assert reference is not None and saved.state != before.state
        assert replace(saved, entries=None, claimed=False) == replace(reference, entries=None)


def test_what_a_save_wrote_is_kept_for_the_streams_saved_last_and_holds_no_object_alive(
        loaded: Registry, monkeypatch: pytest.MonkeyPatch) -> None:
    """A running process hands what a save wrote of a state's objects to the stream's next save, for the streams
    saved last only (a load of 1,000 agreements saves each once, and would hold all of them), and keeps no object
    alive by it."""
    monkeypatch.setattr(snapshots, "KEEP_WRITTEN", 2)
    monkeypatch.setattr(snapshots.Written, "_last", {})
    streams = [whole(loaded, key) for key in ("barnes-1995", "barnes-2000", "novascotia-1999")]
    for stream in streams:
        Snapshot.of(stream)
    assert list(snapshots.Written._last) == [stream.id.hex for stream in streams[1:]]
    objects = [ref for ref, _ in snapshots.Written._last[streams[-1].id.hex].values()]
    assert len(objects) > 10 and all(ref() is not None for ref in objects)
    del streams, stream
    gc.collect()
    assert all(ref() is None for ref in objects)


def test_an_object_is_never_written_as_another_that_had_its_id() -> None:
    unpaid = Coupon(due_on=date(2003, 6, 5), start=date(2002, 12, 5), principals={1: Decimal("100.00")})
    paid = replace(unpaid, paid_ref=31, paid_on=date(2003, 6, 5))
    written = snapshots.Written({id(paid): (weakref.ref(unpaid), snapshots._plain(unpaid))})  # as if it had its id
    assert written.of(paid) == snapshots._plain(paid) != snapshots._plain(unpaid)


COMMANDS = {
    "a transfer at the end": (transfer("2003-06-02", LINCOLN, "A New Holder", "1,000,000", new_holder=True), True),
    "a backdated transfer": (transfer("2001-06-01", LINCOLN, "A New Holder", "1,000,000", new_holder=True), False),
    "an over-transfer": (transfer("2003-06-02", LINCOLN, "A New Holder", "900,000,000", new_holder=True), True),
    "a cancellation of a note surrendered long ago": (CancellationEntry.model_validate(
        {"type": "cancellation", "effective_on": "2003-06-02", "evidence": {"document": "t"}, "note": 1}), None),
    "an unknown holder": (transfer("2003-06-02", "Nobody Inc.", "A New Holder", "1,000,000", new_holder=True), True),
    "a reversal": (reversal(5), False),
}


@pytest.mark.parametrize("name", COMMANDS)
def test_a_command_resumed_from_a_snapshot_does_what_the_whole_stream_would(
        name: str, loaded_url: str, without_snapshots: str) -> None:
    entry, at_the_end = COMMANDS[name]
    resumed, decoded = outcome(loaded_url, entry, f"snapshots/{name}")
    reference, decoded_whole = outcome(without_snapshots, entry, f"snapshots/{name}")
    assert resumed == reference
    assert decoded_whole >= 20  # barnes-1995 read whole: every event it has
    if at_the_end:  # nothing before the snapshot is read: the events after it, none here
        assert decoded == 0
    elif at_the_end is False:  # a backdated entry or a reversal reads the history it changes
        assert decoded >= decoded_whole


def test_a_request_recorded_before_the_snapshot_is_recorded_once(loaded_url: str) -> None:
    first, _ = outcome(loaded_url, transfer("2003-06-02", LINCOLN, "A New Holder", "1,000,000", new_holder=True), "once")
    outcome(loaded_url, transfer("2003-06-03", LINCOLN, "A New Holder", "1,000,000"), "after")  # a snapshot after it
    again, _ = outcome(loaded_url, transfer("2003-06-02", LINCOLN, "A New Holder", "1,000,000", new_holder=True), "once")
    assert again == first and first[0] == "recorded"
    changed, _ = outcome(loaded_url, transfer("2003-06-02", LINCOLN, "A New Holder", "2,000,000", new_holder=True), "once")
    assert changed[:2] == ("refused", "ConflictingEntry")


def _edit(url: str, sql: str) -> None:
    with sqlite3.connect(url.removeprefix("sqlite:///")) as connection:
        connection.execute(sql)


@pytest.mark.parametrize("edit", [
    "update debtreg_snapshots set state = replace(state, '\"$d\":\"', '\"$d\":\"1')",
    "update debtreg_snapshots set last_number = 2",
    "update debtreg_snapshots set schema = 'other code'",
    "update debtreg_snapshots set size = size - 1",
    "update debtreg_snapshots set state = '[1]'",
])
def test_a_snapshot_that_does_not_hold_is_not_used(edit: str, loaded_url: str, without_snapshots: str) -> None:
    _edit(loaded_url, edit)
    entry = transfer("2003-06-02", LINCOLN, "A New Holder", "1,000,000", new_holder=True)
    resumed, decoded = outcome(loaded_url, entry, "edited")
    assert resumed == outcome(without_snapshots, entry, "edited")[0]
    assert decoded >= 20


def test_verify_names_a_snapshot_edited_outside_debtreg(loaded_url: str) -> None:
    _edit(loaded_url, "update debtreg_snapshots set state = replace(state, '\"$d\":\"', '\"$d\":\"1')")
    registry = Registry(loaded_url, read_only=True)
    try:
        checked = registry.verify()
    finally:
        registry.close()
    assert not checked.intact and "snapshot" in checked.problem and "barnes" in checked.problem


def test_a_snapshot_row_edited_into_nonsense_is_not_used_and_named_by_verify(loaded_url: str, without_snapshots: str) -> None:
    _edit(loaded_url, "update debtreg_snapshots set latest = 'not a date', names = '{'")
    entry = transfer("2003-06-02", LINCOLN, "A New Holder", "1,000,000", new_holder=True)
    assert outcome(loaded_url, entry, "nonsense")[0] == outcome(without_snapshots, entry, "nonsense")[0]
    registry = Registry(loaded_url, read_only=True)
    try:
        assert "is not signed by a recording identity" in registry.verify().problem
    finally:
        registry.close()


AGREEMENTS = ("barnes-1995", "novascotia-1999", "barnes-2000")
VIEWS = ("register", "annex1", "outstanding", "status", "accrued", "schedule")


def _views(queries: Queries, key: str, days: Iterable[date]) -> list[str]:
    """Each view of ``key`` on each day (latest first: resumed, then read whole), as a user sees it."""
    return views_seen(queries, key, days, VIEWS)


_counting = counting_decoded


@pytest.mark.parametrize("reader", ["the command line's file reader", "the registry"])
@pytest.mark.parametrize("key", AGREEMENTS)
def test_a_view_resumed_from_a_snapshot_is_the_whole_streams(reader: str, key: str, loaded_url: str,
                                                               without_snapshots: str) -> None:
    """On or after the latest date an agreement's events take effect, a view starts from its snapshot and reads
    none of its events; before it, from the state kept before its date, decoding each event it folds once: either
    way, what the whole stream gives, figure for figure."""
    def opened(url: str) -> Registry | FileReader:
        found = FileReader.open(Path(url.removeprefix("sqlite:///"))) if reader.startswith("the command") else Registry(url, read_only=True)
        assert found is not None
        return found

    reference = opened(without_snapshots)
    latest = Queries(reference).history(key)[-1].effective_on  # the last recorded; not always the latest in effect
    days = sorted({d for d in (*(line.effective_on for line in Queries(reference).history(key)), latest, date(2040, 1, 1))},
                  reverse=True)[:3] + [date(1990, 1, 1)]
    resumed = opened(loaded_url)
    decoded = _counting(resumed, key)
    try:
        assert _views(Queries(resumed), key, days[:1]) == _views(Queries(reference), key, days[:1])
        assert decoded == [], "a view after the latest date decodes none of the agreement's events"
        assert _views(Queries(resumed), key, days) == _views(Queries(reference), key, days)
        times = Counter(row.originator_version for row in decoded)
        assert times and set(times.values()) == {1}, "a view of an earlier date decodes each event it folds once"
    finally:
        reference.close()
        resumed.close()


def test_holders_across_agreements_after_their_latest_dates_decode_none_of_their_events(loaded_url: str,
                                                                                      without_snapshots: str) -> None:
    reference, resumed = (FileReader.open(Path(url.removeprefix("sqlite:///"))) for url in (without_snapshots, loaded_url))
    assert reference is not None and resumed is not None
    decoded = _counting(resumed, *AGREEMENTS)
    try:
        assert to_json(Queries(resumed).holders(date(2040, 1, 1))) == to_json(Queries(reference).holders(date(2040, 1, 1)))
        assert decoded == []
        assert to_json(Queries(resumed).holders(date(2003, 2, 5))) == to_json(Queries(reference).holders(date(2003, 2, 5)))
    finally:
        reference.close()
        resumed.close()


def test_verify_decodes_each_agreements_events_once_to_check_its_read_models(loaded: Registry) -> None:
    decoded = _counting(loaded, *AGREEMENTS)
    assert loaded.verify().intact
    times = Counter((row.originator_id, row.originator_version) for row in decoded)
    assert len(times) == sum(loaded.agreement(key).version for key in AGREEMENTS) and set(times.values()) == {1}
