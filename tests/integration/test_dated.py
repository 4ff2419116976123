"""States kept along business time: a view of an earlier date, in a fresh reader, starts from the state its
agreement's snapshot keeps before that date and folds only the events after it up to the date. Whatever was
recorded since the history was loaded (entries at the end, backdated ones, reversals), every view on every date
is what folding the whole stream gives, figure for figure; a row edited outside debtreg is not used, and
verify names it."""

from __future__ import annotations

import json
import shutil
import sqlite3
import sys
import tempfile
import tomllib
from collections import Counter
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from uuid import UUID

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from adapters import journal
from adapters.encoding import to_json
from adapters.entries import RecordHorizonEntry, ReversalEntry, TermsCorrectedEntry, TransferEntry
from adapters.ledger import runs
from adapters.queries import Queries
from adapters.reader import FileReader
from adapters.reading import Reading
from adapters.registry import Registry
from adapters.snapshots import DATED
from domain.errors import RegistryError
from domain.events import AGREEMENT, stream_id
from domain.timeline import Timeline
from support import ADMIN, counting_decoded, views_seen

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import history  # noqa: E402 - the benchmarks' synthetic journals

KEY = "synthetic"
EVERY = 64  # a state kept every 64 events here (1024 in use), so a short history has several
VIEWS = ("register", "annex1", "outstanding", "status", "accrued")
DAYS = [date(1999, 6, 1), date(2000, 1, 3), date(2000, 2, 1), date(2001, 7, 3), date(2003, 3, 17), date(2006, 8, 1),
        date(2009, 1, 2), date(2012, 5, 5), date(2015, 10, 1), date(2019, 12, 1), date(2020, 1, 3), date(2024, 7, 3),
        date(2029, 7, 2)]


@pytest.fixture(autouse=True)
def every_64(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("adapters.snapshots.DATED_EVERY", EVERY)


@pytest.fixture(scope="module")
def synthetic_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic history of a few hundred events (coupons, transfers, backdated ones, prepayments), loaded once."""
    folder = tmp_path_factory.mktemp("dated")
    path, journal_file = folder / "synthetic.sqlite", folder / "synthetic.toml"
    journal_file.write_text(history.journal(KEY, 320))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("adapters.snapshots.DATED_EVERY", EVERY)
        registry = Registry(f"sqlite:///{path}", identity=ADMIN)
        registry.ledger.enrol_first(ADMIN)
        registry.record_all(journal.check(registry, [journal_file]))
        registry.close()
    return path


@pytest.fixture
def store(synthetic_file: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "store.sqlite"
    shutil.copyfile(synthetic_file, copy)
    return copy


def transfer(on: str, giver: str, taker: str, amount: str) -> TransferEntry:
    return TransferEntry.model_validate({"type": "transfer", "effective_on": on, "evidence": {"document": "t"},
                                         "from": giver, "to": taker, "amount": amount})


def reversal(target: int) -> ReversalEntry:
    return ReversalEntry.model_validate({"type": "reversal", "evidence": {"document": "t"}, "reason": "in error",
                                         "target": target})


def record(path: Path, *entries: object) -> None:
    """Each entry recorded in turn by one registry process (so all but the first start from the stream it cached)."""
    registry = Registry(f"sqlite:///{path}", identity=ADMIN)
    try:
        for entry in entries:
            if entry == LAST_REVERSED:
                entry = reversal(registry.agreement(KEY).version)
            elif isinstance(entry, str):  # a backdated transfer of what a holder held on that date
                line = next(h for h in Queries(registry).register(KEY, date(2029, 8, 1)).holders if h.holder not in RESERVE)
                entry = transfer("2029-08-01", line.holder, RESERVE[0], str(line.principal["A"]))
            registry.record(KEY, entry)  # type: ignore[arg-type]
    finally:
        registry.close()


def whole_copy(path: Path, tmp_path: Path) -> Path:
    """The same store without its snapshots or states along business time: every view reads and folds the stream."""
    copy = tmp_path / "whole.sqlite"
    shutil.copyfile(path, copy)
    with sqlite3.connect(copy) as connection:
        connection.execute("delete from debtreg_snapshots")
        connection.execute("delete from debtreg_dated")
    return copy


def views(reading: Registry | FileReader, days: list[date] = DAYS, known_at: datetime | None = None) -> list[str]:
    return views_seen(Queries(reading), KEY, days, VIEWS, known_at)


def assert_as_whole(store: Path, whole: Path) -> None:
    """The store's views of the last days are those of ``whole`` (the same history, read and folded whole), and it
    verifies: its snapshot and the states it keeps along business time are the fold's."""
    resumed, reference = opened(store, "the registry"), opened(whole, "the registry")
    try:
        assert views(resumed, DAYS[-4:]) == views(reference, DAYS[-4:])
        assert resumed.verify().intact, "the snapshot and the states kept are the fold's"
    finally:
        resumed.close()
        reference.close()


def listed(path: Path) -> list[list]:
    """The states along business time the agreement's snapshot lists: every EVERY events in force, none left out."""
    with sqlite3.connect(path) as connection:
        state, in_force = connection.execute("select state, in_force from debtreg_snapshots").fetchone()
    found = json.loads(state)[DATED]
    assert [entry[0] for entry in found] == list(range(EVERY, in_force + 1, EVERY))
    return found


def opened(path: Path, reader: str) -> Registry | FileReader:
    if reader == "the registry":
        return Registry(f"sqlite:///{path}", read_only=True)
    found = FileReader.open(path)
    assert found is not None
    return found


LATE, RESERVE = "2029-12-01", history.RESERVE
REGISTERED = tomllib.loads(history.journal(KEY, 1))["entry"][0]
CORRECTED = TermsCorrectedEntry.model_validate({**REGISTERED, "type": "terms-corrected", "id": "corrected",
                                                "reason": "series misnamed",
                                                "series": [{**REGISTERED["series"][0], "title": "7.00% Senior Notes due 2030"}]})
LAST_REVERSED = "the agreement's last event, reversed"


def at_the_end(n: int) -> list[TransferEntry]:
    """n transfers between the reserve holders after every other entry, back and forth (an event each)."""
    return [transfer(f"2029-12-{1 + i // 8:02d}", *(RESERVE if i % 2 == 0 else RESERVE[::-1]), "100,000") for i in range(n)]


SCENARIOS = {
    "as loaded": [],
    "entries at the end, past the next state kept": at_the_end(EVERY + 6),
    # after the last coupon (a transfer before a coupon paid would change its allocation: refused), before the rest
    "a backdated entry": [*at_the_end(EVERY + 6), "a holder's notes, transferred whole on 2029-08-01"],
    "a reversal": [ReversalEntry.model_validate({"type": "reversal", "evidence": {"document": "t"}, "target": 41,
                                                 "reason": "recorded in error"})],  # a coupon paid in 2003
    "the last entry reversed": [*at_the_end(3), LAST_REVERSED],
}


@pytest.mark.parametrize("scenario", SCENARIOS)
@pytest.mark.parametrize("reader", ["the command line's file reader", "the registry"])
def test_a_view_of_any_date_is_the_whole_streams(scenario: str, reader: str, store: Path, tmp_path: Path) -> None:
    record(store, *SCENARIOS[scenario])
    assert len(listed(store)) >= 4, "the history is long enough to keep several states along it"
    reference, resumed = opened(whole_copy(store, tmp_path), reader), opened(store, reader)
    try:
        decoded = counting_decoded(resumed, KEY)
        assert views(resumed) == views(reference)
        times = Counter(row.originator_version for row in decoded)
        assert set(times.values()) == {1}, "each event folded is decoded once"
    finally:
        reference.close()
        resumed.close()
    registry = Registry(f"sqlite:///{store}", read_only=True)
    try:
        assert registry.verify().intact
    finally:
        registry.close()


def test_an_early_view_folds_at_most_the_events_between_two_states_kept(store: Path) -> None:
    reader = opened(store, "the command line's file reader")
    try:
        decoded = counting_decoded(reader, KEY)
        Queries(reader).register(KEY, date(2006, 8, 1))
        assert 0 < len(decoded) <= EVERY
    finally:
        reader.close()


@pytest.mark.parametrize("edit", [
    "update debtreg_dated set state = replace(state, '\"$d\":\"', '\"$d\":\"1') where position = 128",
    "update debtreg_dated set segment = '[]' where position = 128",
    "delete from debtreg_dated where position = 128",
])
def test_a_state_kept_along_business_time_edited_is_not_used_and_named_by_verify(edit: str, store: Path,
                                                                                 tmp_path: Path) -> None:
    with sqlite3.connect(store) as connection:
        connection.execute(edit)
    reference, resumed = opened(whole_copy(store, tmp_path), "the registry"), opened(store, "the registry")
    try:
        assert views(resumed) == views(reference)
        checked = resumed.verify()
        assert not checked.intact and "after 128 events" in checked.problem and KEY in checked.problem
    finally:
        reference.close()
        resumed.close()


def test_a_view_as_known_after_the_last_entry_is_the_view_as_recorded_now(store: Path, tmp_path: Path) -> None:
    """"As known at" a moment after the agreement's last entry was recorded is the view as recorded now: it starts
    from the snapshot too; a moment before it, from the state kept before the entries recorded later."""
    record(store, *at_the_end(2))
    reference, resumed = opened(whole_copy(store, tmp_path), "the registry"), opened(store, "the registry")
    size = reference.agreement(KEY).version
    later, between = datetime(2100, 1, 1, tzinfo=UTC), f"{KEY}:{size - 2}"  # before the last two were recorded
    try:
        decoded = counting_decoded(resumed, KEY)
        for day, known_at in ((date(2029, 12, 15), later), (date(2020, 6, 1), later), (date(2020, 6, 1), between)):
            if known_at is between:
                assert len(decoded) <= EVERY, "as known after the last entry: no more than a view as recorded now"
            for view in VIEWS:
                assert to_json(getattr(Queries(resumed), view)(KEY, day, known_at)) == to_json(
                    getattr(Queries(reference), view)(KEY, day, known_at))
        assert len({row.originator_version for row in decoded}) <= 2 * EVERY, "as known before the last entry: not every event"
    finally:
        reference.close()
        resumed.close()


@pytest.mark.parametrize("scenario", SCENARIOS)
@pytest.mark.parametrize("reader", ["the command line's file reader", "the registry"])
def test_a_view_as_known_at_any_moment_is_the_whole_streams(scenario: str, reader: str, store: Path, tmp_path: Path) -> None:
    """As known at a moment before the agreement's last entry, every view of every date is what the events
    recorded by then fold to, figure for figure, and a moment before its first is refused alike. The view starts
    from the state kept before the first place in business order where the events recorded by then differ from
    those in force now (where an entry recorded later goes, or one reversed since was), and does not read the
    history, unless that place is early (the reversal of a coupon paid in 2003)."""
    record(store, *SCENARIOS[scenario])
    reference, resumed = opened(whole_copy(store, tmp_path), reader), opened(store, reader)
    try:
        recorded = sorted({event.timestamp for event in reference.agreement(KEY).events})
        tick = timedelta(microseconds=1)
        moments = dict.fromkeys([recorded[0] - tick, recorded[0], recorded[len(recorded) // 2], recorded[-1] - tick])
        days = [*DAYS[::3], date(2029, 12, 15)]
        for moment in moments:
            decoded = counting_decoded(resumed, KEY)
            assert views(resumed, days, moment) == views(reference, days, moment), moment
            assert holders(resumed, days[-1], moment) == holders(reference, days[-1], moment)
            if scenario != "a reversal":
                assert len({row.originator_version for row in decoded}) < len(reference.agreement(KEY).events) / 2
            resumed.close()
            resumed = opened(store, reader)  # each moment in a fresh reader: none folds from another's events
    finally:
        reference.close()
        resumed.close()


def test_a_view_as_known_before_the_record_horizon_was_set_does_not_show_it(store: Path, tmp_path: Path) -> None:
    """What a view derives from the whole history (the record's horizon) is derived, as known at a moment, from
    the events recorded by then, not taken from the snapshot of them all."""
    record(store, RecordHorizonEntry.model_validate({"type": "record-horizon", "effective_on": "2029-12-01",
                                                     "evidence": {"document": "t"}, "register": "2025-01-03"}))
    reference, resumed = opened(whole_copy(store, tmp_path), "the registry"), opened(store, "the registry")
    try:
        loaded = reference.agreement(KEY).events[0].timestamp
        day = [date(2029, 12, 15)]
        assert views(resumed, day, loaded) == views(reference, day, loaded)
        ends = [Queries(resumed).register(KEY, day[0], known_at).record_ends for known_at in (loaded, None)]
        assert ends[0] is None and ends[1] is not None, "the horizon recorded since shows in the view now, not then"
    finally:
        reference.close()
        resumed.close()


def test_a_view_as_known_before_the_terms_were_corrected_has_the_terms_then(store: Path, tmp_path: Path) -> None:
    """Corrected terms change how every event folds: as known before they were recorded, a view has the terms
    registered then, figure for figure with the events recorded by then folded."""
    record(store, CORRECTED)
    reference, resumed = opened(whole_copy(store, tmp_path), "the registry"), opened(store, "the registry")
    try:
        loaded = reference.agreement(KEY).events[0].timestamp
        assert views(resumed, DAYS[::4], loaded) == views(reference, DAYS[::4], loaded)
        titles = [Queries(resumed).outstanding(KEY, date(2020, 6, 1), known_at).series[0].title for known_at in (loaded, None)]
        assert titles == [REGISTERED["series"][0]["title"], "7.00% Senior Notes due 2030"]
    finally:
        reference.close()
        resumed.close()


def holders(reading: Registry | FileReader, day: date, known_at: datetime) -> str:
    try:
        return to_json(Queries(reading).holders(day, known_at))
    except RegistryError as refused:
        return f"refused: {refused}"


def test_states_along_business_time_on_every_store(store_url: str, synthetic_file: Path, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The same history loaded into each database the registry supports: its states along business time written
    and read back there give every view the whole stream gives, and as known at the load, after entries at the
    end, what the events recorded by then fold to."""
    journal_file = tmp_path / "synthetic.toml"
    journal_file.write_text(history.journal(KEY, 320))
    registry = Registry(store_url, identity=ADMIN)
    try:
        registry.ledger.enrol_first(ADMIN)
        registry.record_all(journal.check(registry, [journal_file]))
    finally:
        registry.close()
    reference, resumed = opened(whole_copy(synthetic_file, tmp_path), "the registry"), Registry(store_url, read_only=True)
    try:
        decoded = counting_decoded(resumed, KEY)
        assert views(resumed, DAYS[::3]) == views(reference, DAYS[::3])
        assert 0 < len(decoded) < reference.agreement(KEY).version / 2
        assert resumed.verify().intact
    finally:
        reference.close()
        resumed.close()
    registry = Registry(store_url, identity=ADMIN)
    try:
        loaded = registry.agreement(KEY).timeline.event(1).timestamp
        for entry in at_the_end(2):
            registry.record(KEY, entry)
    finally:
        registry.close()
    seen = []
    for read_model in (True, False):
        if not read_model:  # the reference: the events recorded by then, read and folded
            monkeypatch.setattr(Timeline, "recorded_by", lambda timeline, moment: None)
        resumed = Registry(store_url, read_only=True)
        try:
            decoded = counting_decoded(resumed, KEY)
            seen.append(views(resumed, DAYS[::3], loaded))
            assert (len(decoded) < resumed.agreement(KEY).version / 2) is read_model
        finally:
            resumed.close()
    assert seen[0] == seen[1]


def test_states_along_business_time_written_again_serve_views_as_before(store: Path, tmp_path: Path) -> None:
    """A store whose snapshots and states along business time are gone (or another release's) is read whole until
    a recorder writes them again; then a view of an earlier date starts from them again."""
    reference = whole_copy(store, tmp_path)
    shutil.copyfile(reference, store)
    registry = Registry(f"sqlite:///{store}", identity=ADMIN)
    steps: list = []
    try:  # (the command line's bar, given how many agreements there are, advances after each)
        assert registry.rewrite_snapshots(lambda total: steps.append(total) or steps.append) == [KEY]
    finally:
        registry.close()
    assert steps == [1, KEY]
    listed(store)
    resumed, whole = opened(store, "the command line's file reader"), opened(reference, "the command line's file reader")
    try:
        decoded = counting_decoded(resumed, KEY)
        assert views(resumed, [date(2006, 8, 1)]) == views(whole, [date(2006, 8, 1)])
        assert 0 < len(decoded) <= EVERY
    finally:
        resumed.close()
        whole.close()


def _outcome(path: Path, entry: object, *, whole: bool = False) -> tuple[tuple, int]:
    """What recording ``entry`` in a fresh registry does (the events' content, or the refusal), and how many of
    the agreement's stored events it decoded; ``whole``: the registry reads and folds the stream whole."""
    registry = Registry(f"sqlite:///{path}", identity=ADMIN)
    if whole:
        registry.from_snapshot = lambda *_, **__: None  # type: ignore[method-assign]
    decoded = counting_decoded(registry, KEY)
    try:
        staged = registry.record(KEY, entry)  # type: ignore[arg-type]
        return ("recorded", tuple(replace(e, timestamp=None, provenance=None) for e in staged.events)), len(decoded)
    except RegistryError as refused:
        return ("refused", type(refused).__name__, str(refused)), len(decoded)
    finally:
        registry.close()


def test_a_backdated_entry_is_checked_from_the_state_kept_before_its_date(store: Path, tmp_path: Path) -> None:
    """An entry backdated into a long history, in a fresh process, starts from the state kept before its date and
    reads only the events after it: it records, or is refused, exactly as when the whole stream is read."""
    record(store, *at_the_end(EVERY + 6))
    reference = whole_copy(store, tmp_path)
    size = opened(reference, "the registry").agreement(KEY).version
    refused = transfer("2006-08-01", *RESERVE, "100,000")  # before coupons paid since: it would change them
    assert _outcome(store, refused)[0] == _outcome(reference, refused)[0]
    assert _outcome(store, refused)[0][:2] == ("refused", "BackdatingConflict")
    registry = Registry(f"sqlite:///{reference}", read_only=True)
    line = next(h for h in Queries(registry).register(KEY, date(2029, 8, 1)).holders if h.holder not in RESERVE)
    registry.close()
    backdated = transfer("2029-08-01", line.holder, RESERVE[0], str(line.principal["A"]))
    (recorded, decoded), (expected, _) = _outcome(store, backdated), _outcome(reference, backdated)
    assert recorded == expected and recorded[0] == "recorded"
    assert 0 < decoded < size / 3, "the events after the state kept before its date, not the whole history"
    listed(store)
    resumed, whole = opened(store, "the registry"), opened(reference, "the registry")
    try:
        assert views(resumed) == views(whole)
        assert resumed.verify().intact
    finally:
        resumed.close()
        whole.close()


def registry_id(key: str) -> UUID:
    return stream_id(AGREEMENT, key)


def _in_turn(path: Path, entries: list, versions: list[int], read_whole: list | None = None) -> tuple[list[tuple], int, tuple[str, ...]]:
    """What recording ``entries`` in turn in a fresh registry does (each one's events, or its refusal; "reverse N"
    reverses the events the N-th entry recorded, its position noted in ``versions``), how many of the agreement's
    stored events the last decoded, and the holder names the registry knows after them. ``read_whole`` notes each
    time the last read the agreement's stream whole (every row, checked against its signed head)."""
    registry = Registry(f"sqlite:///{path}", identity=ADMIN)
    outcomes: list[tuple] = []
    whole = registry.ledger.stream_rows
    try:
        for entry in entries:
            decoded = counting_decoded(registry, KEY)
            if read_whole is not None:
                read_whole.clear()
                registry.ledger.stream_rows = lambda found_id, **named: (  # type: ignore[method-assign]
                    read_whole.append(found_id) if found_id == registry_id(KEY) else None, whole(found_id, **named))[1]
            if isinstance(entry, str):
                target = versions[int(entry.split()[1]) - 1]
                if not target:  # the entry it names was refused: nothing to reverse
                    outcomes.append(("nothing to reverse",))
                    versions.append(0)
                    continue
                entry = reversal(target)
            try:
                staged = registry.record(KEY, entry)
                outcomes.append(("recorded", tuple(replace(e, timestamp=None, provenance=None) for e in staged.events)))
                versions.append(staged.events[0].originator_version)
            except RegistryError as refused:
                outcomes.append(("refused", type(refused).__name__, str(refused)))
                versions.append(0)
            finally:
                registry.ledger.stream_rows = whole  # type: ignore[method-assign]
        return outcomes, len(decoded), registry.agreement(KEY).holder_names
    finally:
        registry.close()


NEWCOMER = "Zelkova Trust Company"  # a holder new to the registry
AFTER = "2029-12-15"  # after the entries at the end
HORIZON = RecordHorizonEntry.model_validate({"type": "record-horizon", "effective_on": AFTER,
                                             "evidence": {"document": "t"}, "register": "2025-01-03"})
# (entries recorded in turn, the last in a fresh registry; whether it is checked from the state kept before its date)
REVERSALS = {
    "the last entry, between holders on the registry": ([transfer(AFTER, *RESERVE, "100,000"), "reverse 1"], True),
    "a transfer to a holder new to the registry, who holds nothing else": (
        [transfer(AFTER, RESERVE[0], NEWCOMER, "100,000").model_copy(update={"new_holder": True}), "reverse 1"], True),
    "a holder's first notes, when later notes name the holder too": (
        [transfer(AFTER, RESERVE[0], NEWCOMER, "100,000").model_copy(update={"new_holder": True}),
         transfer(AFTER, RESERVE[1], NEWCOMER, "100,000"), "reverse 1"], False),
    "a record horizon, which views derive from the whole history": ([HORIZON, "reverse 1"], False),
    "corrected terms, which change how every event folds": ([CORRECTED, "reverse 1"], False),
    "an entry already reversed": ([transfer(AFTER, *RESERVE, "100,000"), "reverse 1", "reverse 1"], True),
    "a reversal": ([transfer(AFTER, *RESERVE, "100,000"), "reverse 1", "reverse 2"], True),
}


@pytest.mark.parametrize("case", REVERSALS)
def test_a_reversal_is_checked_from_the_state_kept_before_what_it_takes_out(case: str, store: Path, tmp_path: Path) -> None:
    """A reversal in a fresh process starts from the state kept before the date of the first event it takes out
    and reads only the events after it, and the few it takes out: it records, or is refused, exactly as when the
    whole stream is read, and leaves the same holder names, snapshot and views. What it cannot know so (where a
    holder's first notes go when later ones name it too, the horizon before a horizon entry) it reads whole."""
    entries, bounded = REVERSALS[case]
    record(store, *at_the_end(EVERY + 6))
    reference = whole_copy(store, tmp_path)
    size = opened(reference, "the registry").agreement(KEY).version
    versions: list[int] = []
    _in_turn(store, entries[:-1], versions)
    _in_turn(reference, entries[:-1], [])
    (tmp_path / "again").mkdir()
    reference = whole_copy(reference, tmp_path / "again")  # read whole for the last entry too
    read_whole: list = []
    outcomes, decoded, names = _in_turn(store, entries[-1:], list(versions), read_whole)
    expected, _, expected_names = _in_turn(reference, entries[-1:], list(versions))
    assert outcomes == expected and names == expected_names
    assert (0 < decoded < size / 3) if bounded else decoded > size / 2
    if bounded:  # the events it takes out, and those after the state kept, are read alone: not every row
        assert read_whole == [], "the stream read whole"
    assert_as_whole(store, reference)


def read_alone(path: Path, versions: list[int]) -> dict | None:
    """The agreement's rows at ``versions`` as a command reads them alone, in a process that has read nothing yet."""
    registry = Registry(f"sqlite:///{path}", read_only=True)
    try:
        return registry.ledger.rows_at(registry_id(KEY), versions)
    finally:
        registry.close()


def test_events_read_alone_are_the_streams_own_rows(store: Path) -> None:
    """A command reads the few earlier events it needs in runs, each checked against the signed head of the entry
    that ends it: the rows it gets are those the stream's whole read gives, at every place asked."""
    reference = Registry(f"sqlite:///{store}", read_only=True)
    every = reference.ledger.stream_rows(registry_id(KEY))
    reference.close()
    for versions in ([1], [41], [2, 3, 300], list(range(100, 120)), [40, 41, 42, len(every)], [len(every)]):
        found = read_alone(store, versions)
        assert found is not None and [found[v] for v in versions] == [every[v - 1] for v in versions], versions


@given(st.lists(st.integers(1, 5_000), max_size=40), st.integers(1, 600))
@example([1, 11, 12], 10)  # exactly the gap apart: two runs
def test_positions_are_read_in_runs_no_wider_than_their_gaps(versions: list[int], gap: int) -> None:
    """Each run is read whole: positions ``gap`` or more apart are read in runs of their own, so a reversal of an
    entry near the end and one of an entry near the start read two short runs, not everything between them."""
    asked = sorted(set(versions))
    found = list(runs(asked, gap))
    assert [v for v in asked if any(first <= v <= last for first, last in found)] == asked
    assert all(first in asked and last in asked for first, last in found)
    assert all(later[0] - earlier[1] >= gap for earlier, later in zip(found, found[1:], strict=False))
    assert all(b - a < gap for a, b in zip(asked, asked[1:], strict=False) if any(first <= a and b <= last for first, last in found))


def test_an_event_read_alone_that_was_edited_is_refused_and_named(store: Path, tmp_path: Path) -> None:
    """Edited, the event a reversal takes out fails its entry's signed head: the command reads the stream whole, which
    names the event, and records nothing. A frontier edited on the head before it gives no event as read alone (it
    would have to match the signed root): the command reads the stream whole and records as on an untouched store."""
    untouched = whole_copy(store, tmp_path)
    edited = tmp_path / "edited.sqlite"
    shutil.copyfile(store, edited)
    with sqlite3.connect(edited) as connection:
        connection.execute("UPDATE debtreg_events SET state = CAST(state || ' ' AS BLOB) WHERE originator_version = 41")
    assert read_alone(edited, [41]) is None and read_alone(edited, [300]) is not None
    outcome, _ = _outcome(edited, reversal(41))
    assert outcome[:2] == ("refused", "Tampered") and "event 41 of agreement synthetic" in outcome[2], outcome

    forged = tmp_path / "forged.sqlite"
    shutil.copyfile(store, forged)
    with sqlite3.connect(forged) as connection:
        later = connection.execute("SELECT frontier FROM debtreg_heads WHERE size = 300").fetchone()[0]
        assert connection.execute("UPDATE debtreg_heads SET frontier = ? WHERE size = 40", (later,)).rowcount == 1
    assert read_alone(forged, [41]) is None
    recorded = _outcome(forged, reversal(41))[0]
    assert recorded == _outcome(untouched, reversal(41))[0] and recorded[0] == "recorded", recorded


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.one_of(st.tuples(st.just("reverse"), st.integers(0, 40)),
                          st.tuples(st.just("transfer"), st.dates(date(2029, 6, 1), date(2029, 12, 31))  # after the last coupon
                                    | st.dates(date(2019, 1, 1), date(2029, 12, 31)))), min_size=1, max_size=4))
def test_reversals_and_backdated_entries_in_fresh_processes_record_as_the_whole_stream(steps: list, synthetic_file: Path,
                                                                                     tmp_path: Path) -> None:
    """Reversals of any entry near the end and transfers backdated anywhere in the last decade, each in a fresh
    process: starting from the snapshot and reading the events it needs alone, each records, or is refused, exactly
    as a process that reads and folds the whole stream; and the store verifies."""
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    store, reference = folder / "store.sqlite", folder / "reference.sqlite"
    shutil.copyfile(synthetic_file, store)
    shutil.copyfile(synthetic_file, reference)
    size = opened(store, "the registry").agreement(KEY).version
    for kind, what in steps:  # how far back from the end to reverse, or the date to transfer on
        entry = reversal(max(2, size - what)) if kind == "reverse" else transfer(what.isoformat(), *RESERVE, "100,000")
        outcome, expected = _outcome(store, entry)[0], _outcome(reference, entry, whole=True)[0]
        assert outcome == expected, (kind, what)
        size += len(outcome[1]) if outcome[0] == "recorded" else 0
    resumed = opened(store, "the registry")
    try:
        assert resumed.verify().intact
    finally:
        resumed.close()


def test_a_process_that_recorded_entries_at_the_end_still_starts_from_the_states_kept(store: Path, tmp_path: Path,
                                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """A server resumes an agreement from its snapshot and records entries at the end of its history: a view of an
    earlier date and a reversal after them still start from the states kept along business time and the entries
    since (in hand), not from the whole stream; what they show and record is the whole stream's."""
    registry = Registry(f"sqlite:///{store}", identity=ADMIN)
    try:
        size = registry.agreement(KEY).version
        for entry in at_the_end(3):
            registry.record(KEY, entry)
        decoded = counting_decoded(registry, KEY)
        seen = views(registry, [date(2029, 7, 2), date(2029, 12, 2)])
        with monkeypatch.context() as whole_stream:  # the same store, each stream read and folded whole
            whole_stream.setattr(Reading, "from_snapshot", lambda *_, **__: None)
            reference = opened(store, "the registry")
            assert seen == views(reference, [date(2029, 7, 2), date(2029, 12, 2)])
            reference.close()
        registry.record(KEY, reversal(registry.agreement(KEY).version))
        assert 0 < len(decoded) < size / 3
    finally:
        registry.close()
    assert_as_whole(store, whole_copy(store, tmp_path))


# (entries recorded in turn by one process, a server's say: after a reversal it no longer holds the states the store
# kept along business time, only those its own folds kept from the state it started the reversal from)
AFTER_A_REVERSAL = {
    "a second reversal": [transfer(AFTER, *RESERVE, "100,000"), "reverse 1", transfer(AFTER, *RESERVE, "200,000"), "reverse 3"],
    # (before the reversal's date, after the transfers at the end: after the state the reversal started from)
    "a backdated entry": [transfer(AFTER, *RESERVE, "100,000"), "reverse 1", transfer("2029-12-10", *RESERVE, "100,000")],
    # (refused: the notes it moves were transferred on since; the refusal names the event from the whole stream)
    "an entry backdated before the state the reversal started from": [
        transfer(AFTER, *RESERVE, "100,000"), "reverse 1", transfer("2029-08-01", *RESERVE, "300,000")],
}


@pytest.mark.parametrize("case", AFTER_A_REVERSAL)
def test_a_process_that_reversed_an_entry_checks_the_next_from_the_states_its_folds_kept(case: str, store: Path,
                                                                                          tmp_path: Path) -> None:
    """After a reversal, a process holds the states its folds kept from where the reversal started: a second
    reversal, or an entry backdated after that place, is checked from them, reading no event again (it read the
    whole stream, 8 s at 100,000 events, before); one backdated before that place reads the stream. Each records
    exactly what a process that reads the whole stream records, and leaves the same views."""
    entries = AFTER_A_REVERSAL[case]
    record(store, *at_the_end(EVERY + 6))
    reference = whole_copy(store, tmp_path)
    size = opened(reference, "the registry").agreement(KEY).version
    outcomes, decoded, names = _in_turn(store, entries, [])
    expected, _, expected_names = _in_turn(reference, entries, [])
    before = case.startswith("an entry backdated before")
    assert outcomes == expected and names == expected_names and outcomes[-1][0] == ("refused" if before else "recorded")
    assert decoded > size / 2 if before else decoded == 0
    (tmp_path / "again").mkdir()
    assert_as_whole(store, whole_copy(reference, tmp_path / "again"))


def _mixed(seed: int) -> list:
    """Twelve entries recorded in turn: transfers between the reserve holders at the end of the history or
    backdated into its last weeks (some refused, as they would break a later one), and reversals of earlier ones."""
    import random

    chance, entries = random.Random(seed), []
    for n in range(12):
        if n and chance.random() < 0.35:
            entries.append(f"reverse {chance.randrange(n) + 1}")
        else:
            day = date(2029, 12, 15) - timedelta(days=chance.choice([0, 0, 3, 9, 20, 40]))
            entries.append(transfer(day.isoformat(), *(RESERVE if chance.random() < 0.5 else RESERVE[::-1]), "100,000"))
    return entries


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_entries_and_reversals_recorded_in_turn_by_one_process_are_the_whole_streams(seed: int, store: Path,
                                                                                       tmp_path: Path) -> None:
    """Whatever one process records in turn, from the states it kept or read, is what a process that reads the
    whole stream for each entry records or refuses, word for word, and leaves the same views."""
    record(store, *at_the_end(EVERY + 6))
    reference = whole_copy(store, tmp_path)
    outcomes, _, names = _in_turn(store, _mixed(seed), [])
    expected: list[tuple] = []
    versions: list[int] = []
    for n, entry in enumerate(_mixed(seed)):  # each by a process of its own, the stream read whole (no snapshot)
        (tmp_path / str(n)).mkdir()
        reference = whole_copy(reference, tmp_path / str(n))
        done, _, expected_names = _in_turn(reference, [entry], versions)
        expected += done
    assert outcomes == expected and names == expected_names
    assert {"recorded", "refused"} <= {outcome[0] for outcome in outcomes}
    assert any(o[0] == "recorded" and o[1][0].reverses() for o in outcomes), "a reversal among them"
    (tmp_path / "last").mkdir()
    assert_as_whole(store, whole_copy(reference, tmp_path / "last"))


@pytest.mark.parametrize("entry", ["a reversal", "a backdated entry"])
def test_a_process_that_recorded_a_reversal_views_earlier_dates_from_the_states_its_save_wrote(
        entry: str, store: Path, tmp_path: Path) -> None:
    """After a reversal or a backdated entry, a process (a server) holds the states from the place it started from;
    a view of an earlier date, or as known before it, starts from the states its save wrote along business time and
    decodes only the events after one of them (it read and folded the whole stream, 6.5 s at 100,000 events,
    before), and shows what the whole stream shows."""
    early = [date(2003, 3, 17), date(2012, 5, 5)]
    registry = Registry(f"sqlite:///{store}", identity=ADMIN)
    try:
        size = registry.agreement(KEY).version
        registry.record(KEY, transfer(AFTER, *RESERVE, "100,000"))
        before = registry.agreement(KEY).timeline.event(size + 1).timestamp
        registry.record(KEY, reversal(size + 1) if entry == "a reversal" else transfer("2029-12-10", *RESERVE[::-1], "100,000"))
        decoded = counting_decoded(registry, KEY)
        seen = views(registry, early), views(registry, early, known_at=before)
        assert 0 < len(decoded) < size / 3
    finally:
        registry.close()
    whole = opened(whole_copy(store, tmp_path), "the registry")
    try:
        assert seen == (views(whole, early), views(whole, early, known_at=before))
    finally:
        whole.close()


@pytest.mark.parametrize("taken_up", ["from the snapshot written", "by extending what it holds"])
def test_a_process_catches_up_on_a_transfer_and_its_reversal_recorded_by_another(taken_up: str, store: Path,
                                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """A process (a server) that holds an agreement reads what another recorded since: the agreement is taken up from
    the snapshot that process wrote or, where none holds, extended with the events as one batch, a transfer and its
    reversal among them taken in turn (the reversal's target was looked for among the events held before, and the
    view failed with an IndexError). Every view shows what a fresh reader shows."""
    if taken_up != "from the snapshot written":
        monkeypatch.setattr(Registry, "_from_store", lambda *_: None)
    server = Registry(f"sqlite:///{store}", identity=ADMIN)
    try:
        views(server, DAYS[-2:])  # the agreement read, and held
        record(store, transfer(AFTER, *RESERVE, "100,000"), LAST_REVERSED, transfer(AFTER, *RESERVE[::-1], "100,000"))
        seen = views(server, DAYS[-4:] + [date(2029, 12, 20)])
    finally:
        server.close()
    fresh = opened(store, "the file reader")
    try:
        assert seen == views(fresh, DAYS[-4:] + [date(2029, 12, 20)])
    finally:
        fresh.close()


@pytest.mark.parametrize("entry", ["a reversal", "a backdated entry"])
def test_a_process_views_earlier_dates_after_another_recorded_a_reversal_from_the_states_it_wrote(
        entry: str, store: Path, tmp_path: Path) -> None:
    """A server holds an agreement while another process records a reversal or a backdated entry: the server takes
    the agreement up from the snapshot that process wrote, so a view of an earlier date starts from the states it
    wrote along business time and decodes a few events, not the whole history, and shows what a fresh reader shows."""
    early = [date(2003, 3, 17), date(2012, 5, 5)]
    server = Registry(f"sqlite:///{store}", identity=ADMIN)
    try:
        size = server.agreement(KEY).version
        record(store, transfer(AFTER, *RESERVE, "100,000"))
        views(server, [date(2029, 12, 20)])  # the agreement read, and held, with that transfer
        record(store, LAST_REVERSED if entry == "a reversal" else transfer("2029-12-10", *RESERVE[::-1], "100,000"))
        decoded = counting_decoded(server, KEY)
        seen = views(server, early + [date(2029, 12, 20)])
        assert len(decoded) < size / 3
    finally:
        server.close()
    fresh = opened(store, "the file reader")
    try:
        assert seen == views(fresh, early + [date(2029, 12, 20)])
    finally:
        fresh.close()
