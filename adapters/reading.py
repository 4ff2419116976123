"""Reading the registry: what the query service needs of a store, written once over two primitives.

A store lists its streams (``listed``) and gives one checked against its signed heads (``stream``). The
registry (``adapters.registry``, through eventsourcing and SQLAlchemy) and a view's reader of an SQLite file
(``adapters.reader``, through the standard library) provide those two; everything built on them is here.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache, cached_property
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.domain import DomainEvent
from eventsourcing.persistence import Mapper, StoredEvent
from eventsourcing.utils import register_topic, resolve_topic

from adapters.heads import stored_bytes
from adapters.snapshots import CORRECTED, DATED, ORDER, Snapshot, dated_digest, decode_dated, decode_state
from domain.errors import UnknownAgreement
from domain.events import AGREEMENT, HOLDER, KINDS, Agreement, Event, stream_id
from domain.holders import Directory, Identity
from domain.state import AgreementState, ClosedNotes, State
from domain.stream import NAMED, EntryLog, Stream, names_on_notes
from domain.timeline import Dated, Known, Timeline, corrected, fold, known_at, latest_correction, taken_by
from projections.record import ASSUMED, HORIZON, RECORDED, record_horizon

T = TypeVar("T")
KEPT_STREAMS = 64
KEPT_VIEWS = 4
Progress = Callable[[int], Callable[[object], None]]  # given how many steps there are, what to call after each
PartsProgress = Callable[[int, str], Callable[[object], None]]  # the same, for each part of the work, named


def advancing(steps: Sequence[T] | Iterable[T], progress: Progress | None, total: int | None = None) -> Iterator[T]:
    """``steps``, ``progress`` told after each (and first, how many there are: ``total`` where ``steps`` is not a
    sequence)."""
    done = progress(len(steps) if total is None else total) if progress is not None else None  # type: ignore[arg-type]
    for step in steps:
        yield step
        if done is not None:
            done(step)


def in_part(progress: PartsProgress | None, part: str) -> Progress | None:
    """``progress`` told of one part of the work, by name."""
    return (lambda total: progress(total, part)) if progress is not None else None


class Recent:
    """The streams a process read last, at most ``KEPT_STREAMS`` of them (``None`` for one not on the registry): a
    stream holds its events and state, so a view across a thousand agreements, or a server that has shown them all,
    keeps a few in memory, not the registry (`holders` across 1,000 short agreements peaked at 963 MB, now 162 MB).
    One evicted is read again when next asked for."""

    def __init__(self) -> None:
        self._kept: OrderedDict[UUID, Stream | None] = OrderedDict()

    def __contains__(self, found_id: UUID) -> bool:
        return found_id in self._kept

    def get(self, found_id: UUID) -> Stream | None:
        if found_id in self._kept:
            self._kept.move_to_end(found_id)
        return self._kept.get(found_id)

    def put(self, found_id: UUID, stream: Stream | None) -> None:
        self._kept[found_id] = stream
        self._kept.move_to_end(found_id)
        while len(self._kept) > KEPT_STREAMS:
            self._kept.popitem(last=False)


class KeptRegisters:
    """``holders``' registers of each agreement by the date and moment asked, with the agreement's size when it was
    worked out, for the last ``KEPT_VIEWS`` asked: a server asked for the holders as of the same date again works out
    only the agreements recorded since (it still checks every agreement's rows, as every view does). A register that
    cites assumptions is not kept: they are numbered across every register, in order."""

    def __init__(self) -> None:
        self._views: OrderedDict[tuple[date, datetime | None], dict[str, tuple[int, Any, Any]]] = OrderedDict()

    def of(self, as_of: date, then: datetime | None) -> dict[str, tuple[int, Any, Any]]:
        """Each agreement's (size, register, first recorded) kept for that view, to read and add to."""
        found = self._views.setdefault((as_of, then), {})
        self._views.move_to_end((as_of, then))
        while len(self._views) > KEPT_VIEWS:
            self._views.popitem(last=False)
        return found


class Listed(DomainEvent):
    """A stream put on the registry: the registry's list of streams is a log of these."""

    kind: str
    key: str


register_topic("adapters.registry:Listed", Listed)  # where stores written before 0.3 name it


class StreamRows:
    """A stream's rows, read and checked whole the first time they are asked for, then kept; until then, a reader that
    needs a few of them reads those alone (``Reading.rows_needed``)."""

    def __init__(self, read: Callable[[], Sequence]) -> None:
        self._read, self._rows = read, None

    def __call__(self) -> Sequence:
        if self._rows is None:
            self._rows = self._read()
        return self._rows

    @property
    def read(self) -> bool:
        """Whether they were read (so taking a few from them costs nothing)."""
        return self._rows is not None


class Reading:
    """The reads every view is made of, given ``listed`` and ``stream``."""

    mapper: Mapper

    def listed(self) -> list[tuple[str, str]]:
        """Every stream on the registry as (kind, key), in the order they were put on it."""
        raise NotImplementedError

    def stream(self, kind: str, key: str) -> Stream | None:
        """The stream of that kind and key, checked against its signed tree heads; ``None`` if it is not on the
        registry. A stream that does not verify is refused, naming the problem. An agreement is folded from its
        snapshot, if one holds (``from_snapshot``): its events are decoded and folded only when a view asks for
        them (an earlier date, its history), so a view of its latest state costs a check of its rows, not a fold."""
        raise NotImplementedError

    def sizes(self) -> dict[str, int]:
        """Each stream's size (by its id, hex) as this reader sees the store, as its latest save left it."""
        raise NotImplementedError

    def checked_size(self, kind: str, key: str) -> int | None:
        """How many events a stream holds, its rows checked as ``stream`` checks them, where that costs less than
        reading the stream (``None`` where it does not: what is kept of it is not used)."""
        return None

    @cached_property
    def kept_registers(self) -> KeptRegisters:
        return KeptRegisters()

    def reopened(self) -> tuple[Callable[[Any], Reading | None], Any] | None:
        """How a worker process opens a reader of the same store (``adapters.workers``): a function importable there
        and what to give it; ``None`` if it cannot."""
        return None

    def rows_at(self, found_id: UUID, versions: Collection[int]) -> Mapping[int, Any] | None:
        """A stream's rows at these positions, by position, read and checked without reading the stream
        (``Ledger.rows_at``), where the store can; ``None`` where it cannot."""
        return None

    def rows_needed(self, found_id: UUID, rows: StreamRows, versions: Sequence[int]) -> list:
        """A stream's rows at these positions, in their order: from ``rows`` (all of them, each checked) if they were
        read already, else read alone (``rows_at``) if the store can, else from ``rows``."""
        found = None if rows.read else self.rows_at(found_id, versions)
        if found is None:
            every = rows()
            return [every[v - 1] for v in versions]
        return [found[v] for v in versions]

    def decoded(self, rows: Iterable) -> list[Event]:
        """Stored events (rows of the events table) as domain events."""
        return [self.mapper.to_domain_event(StoredEvent(r.originator_id, r.originator_version, r.topic, stored_bytes(r.state)))
                for r in rows]

    def agreement(self, key: str) -> Stream:
        """An agreement's stream; refused, with the agreements there are, if it is not on the registry."""
        found = self.stream(AGREEMENT, key)
        if found is None:
            known = ", ".join(k for kind, k in self.listed() if kind == AGREEMENT) or "none yet (load a journal first)"
            raise UnknownAgreement(f"no agreement {key!r} is on the registry; agreements: {known}")
        found.state  # noqa: B018 - refuses an agreement taken off the registry, saying so
        return found

    def from_snapshot(self, kind: str, key: str, snapshot: Snapshot, tail: Sequence, rows: Callable[[], Sequence],
                      claimed_by: Callable[[str], str | None] | None = None) -> Stream | None:
        """A stream resumed from ``snapshot`` (``adapters.snapshots.holding``) and the events after it (``tail``): its
        earlier events, from its ``rows`` checked, are read once, only when something asks for them (see
        ``Timeline.resumed``). ``claimed_by`` gives the stream that claimed a request id, where the store keeps
        them. ``None`` if the snapshot, though signed, holds no state this code reads."""
        found_id = stream_id(kind, key)
        rows = StreamRows(rows)

        @cache
        def earlier() -> list[Event]:
            return self.decoded(rows()[: snapshot.size])

        def closed() -> dict:
            final = Timeline(earlier()).final
            assert isinstance(final, AgreementState)
            return final.closed_notes.numbered(final.closed_count)

        def earlier_entry(entry: str) -> tuple[str | None, int] | None:
            if snapshot.claimed and claimed_by is not None and claimed_by(entry) != found_id.hex:
                return None  # every entry before the snapshot claimed its request id: this one is not among them
            return EntryLog(earlier()).find(entry, snapshot.size)

        try:
            state, kept = decode_state(snapshot.state, ClosedNotes.earlier(snapshot.closed, snapshot.last_number, closed),
                                       snapshot.closed)
        except (ValueError, TypeError, KeyError, AttributeError):  # signed, yet not a state this code reads
            return None
        dated, known = (None if tail else self._along_business_time(key, found_id.hex, kept, rows, earlier)) or (None, None)
        timeline = Timeline.resumed(snapshot.size, snapshot.in_force, snapshot.latest, state, earlier, kept, dated, known,
                                    lambda version: self.decoded(self.rows_needed(found_id, rows, [version]))[0])
        found = Stream.resumed(kind, key, timeline, last_number=snapshot.last_number, holder_names=snapshot.names,
                               earlier_entry=earlier_entry, named=kept.get(NAMED))
        return found.extended(tuple(self.decoded(tail))) if tail else found

    def dated_rows(self, stream: str, positions: Sequence[int]) -> dict[int, tuple[str, str]]:
        """The rows of states along business time kept for ``stream`` (hex id) at these positions, as (segment,
        state) by position (see ``adapters.snapshots.along_business_time``); none where the store keeps none."""
        return {}

    def _along_business_time(self, key: str, stream: str, kept: Mapping[str, object], rows: StreamRows,
                             earlier: Callable[[], list[Event]]) -> tuple[Dated, Known] | None:
        """An agreement's states as of earlier dates, and as known at earlier moments, from the states its snapshot
        lists along business time (see ``Timeline.resumed``): the latest kept before the date, and the events
        after it up to the date, decoded from the agreement's checked ``rows``. Either gives ``None`` (read and
        fold the events) where a row is missing, or is not the one the signed snapshot lists by its digest. What
        is read is kept for the next view."""
        listed, order, corrected_by = kept.get(DATED), kept.get(ORDER), kept.get(CORRECTED)
        if not isinstance(listed, list) or not isinstance(order, list):
            return None
        throughs, positions = [entry[1] for entry in listed], [entry[0] for entry in listed]
        segments: dict[int, list] = {}
        states: dict[int, AgreementState] = {}
        events: dict[int, Event] = {}

        def closed_after(start: int) -> Callable[[int, int], ClosedNotes]:
            def load() -> dict:
                state = fold(Timeline(earlier()).ordered[:start])
                assert isinstance(state, AgreementState)
                return state.closed_notes.numbered(state.closed_count)
            return lambda count, highest: ClosedNotes.earlier(count, highest, load)

        def read(before: list | None, after: list[list]) -> bool:
            """The state listed ``before`` and the segments listed ``after``, if they are as listed."""
            wanted = [entry for entry, known in ((before, states), *((entry, segments) for entry in after))
                      if entry and entry[0] not in known]
            found = self.dated_rows(stream, [entry[0] for entry in wanted])
            if any(entry[0] not in found or dated_digest(*found[entry[0]]) != entry[2] for entry in wanted):
                return False
            for entry in wanted:
                if entry is before:
                    states[entry[0]] = decode_dated(found[entry[0]][1], closed_after(entry[0]))
                else:
                    segments[entry[0]] = json.loads(found[entry[0]][0])
            return True

        def decoded(versions: list[int]) -> list[Event]:
            needed = self.rows_needed(UUID(hex=stream), rows, [v for v in versions if v not in events])
            events.update((e.originator_version, e) for e in self.decoded(needed))
            return [events[version] for version in versions]

        def following(start: int, after: list[list], tail: bool) -> list | None:
            """The places of the events after position ``start``: the segments of the rows listed ``after`` (read),
            in turn, and, with ``tail``, those after the last row; ``None`` if they do not follow on (a row was
            not in hand when it was written)."""
            found: list = []
            for first, part in [*((entry[0] - len(segments[entry[0]]), segments[entry[0]]) for entry in after),
                                *([order] if tail else [])]:
                if first != start + len(found):
                    return None
                found.extend(part)
            return found

        def from_row(at: int, versions: list[int]) -> tuple[int, State | None, Sequence[Event]]:
            """The state the ``at``-th row listed holds (none before the first) and the events ``versions`` after
            it, decoded, the latest terms corrected in force in place of the registration's."""
            before = listed[at - 1] if at else None
            found = decoded(versions)
            if corrected_by is not None and any(isinstance(e, Agreement.Registered) for e in found):
                found = corrected(found, decoded([corrected_by])[0])  # type: ignore[list-item]
            return (before[0] if before else 0), (states[before[0]].copy() if before else None), found

        def dated(day: date, to_end: bool) -> tuple[int, State | None, Sequence[Event]] | None:
            at = bisect_right(throughs, day.isoformat())  # the rows listed before it take in no event after the date
            before, after = (listed[at - 1] if at else None), (listed[at:] if to_end else listed[at: at + 1])
            if not read(before, after):
                return None
            segment = following(before[0] if before else 0, after, to_end or not after)
            if segment is None:
                return None
            return from_row(at, [entry[0] for entry in segment if to_end or entry[1] <= day.isoformat()])

        def known(moment: datetime) -> tuple[datetime, Timeline | None] | None:
            """When the agreement's first event was recorded, and its timeline as known at ``moment``: its events
            recorded by then in business order (less those their reversals take out) are the events the rows
            list up to the first place where the two differ, so the rows up to there serve it. ``None`` (read the
            events) if terms corrected since change how every state folds, or a row is not as listed."""
            if not read(None, listed):
                return None
            places = following(0, listed, True)  # [version, date, recorded] of every event in force now, in order
            if places is None or any(len(place) != 3 for place in places):
                return None  # (rows written before they kept recording times)
            in_force = {place[0] for place in places}
            taken_out = decoded([v for v in range(1, len(rows()) + 1) if v not in in_force])  # by reversals: few
            recorded = {version: datetime.fromisoformat(at) for version, _, at in places}
            recorded.update((e.originator_version, e.timestamp) for e in taken_out)
            dates = {version: on for version, on, _ in places}
            dates.update((e.originator_version, e.effective_on.isoformat()) for e in taken_out)
            then = sorted(version for version, at in recorded.items() if at <= moment)
            if not then:
                return recorded[1], None
            reversed_then = taken_by(decoded([v for v in then if reverses(rows()[v - 1].topic)]))
            ordered = sorted((v for v in then if v not in reversed_then), key=lambda v: (dates[v], v))
            correction = latest_correction(decoded([v for v in ordered if corrects_terms(rows()[v - 1].topic)]))
            if not ordered or (correction.originator_version if correction is not None else None) != corrected_by:
                return None  # taken off the registry then, or terms corrected (or a correction reversed) since
            same = next((n for n, (place, version) in enumerate(zip(places, ordered, strict=False)) if place[0] != version),
                        min(len(places), len(ordered)))
            usable = bisect_right(positions, same)  # the rows listed up to there

            def dated_then(day: date, to_end: bool) -> tuple[int, State | None, Sequence[Event]] | None:
                at = min(bisect_right(throughs, day.isoformat()), usable)
                start = listed[at - 1][0] if at else 0
                if not read(listed[at - 1] if at else None, []):
                    return None
                return from_row(at, [v for v in ordered[start:] if to_end or dates[v] <= day.isoformat()])

            found = dated_then(date.max, True)
            if found is None:
                return None
            values = {HORIZON: record_horizon(key, decoded([v for v in then if sets_horizon(rows()[v - 1].topic)])),
                      ASSUMED: {ref: facts for ref, facts in kept.get(ASSUMED, {}).items() if recorded[ref[1]] <= moment},  # type: ignore[attr-defined]
                      RECORDED: max(recorded[version] for version in then)}
            timeline = Timeline.resumed(len(then), len(ordered), date.fromisoformat(dates[ordered[-1]]),
                                        fold(found[2], found[1]), lambda: known_at(earlier(), moment), values, dated_then)
            return recorded[1], timeline
        return dated, known

    def named(self, key: str) -> Stream:
        """The agreement, guaranty or instrument called ``key``."""
        for kind in KINDS:
            found = self.stream(kind, key)
            if found is not None:
                return found
        raise self._not_on_registry(key)

    def kind_of(self, key: str) -> str:
        """What the stream called ``key`` is (an agreement, a guaranty, ...), from the registry's list: without
        reading it, for a command that reads it next."""
        kind = next((kind for kind, listed in self.listed() if listed == key), None)
        if kind is None:
            raise self._not_on_registry(key)
        return kind

    def _not_on_registry(self, key: str) -> UnknownAgreement:
        known = ", ".join(k for _, k in self.listed()) or "nothing yet (load a journal first)"
        return UnknownAgreement(f"nothing on the registry is called {key!r}; on the registry: {known}")

    def streams(self) -> dict[str, tuple[Event, ...]]:
        """Every stream's events by reference ("agreement/barnes-1995", "guaranty/kar-2003", ...).

        Amendments' conditions and guaranties span streams, so their views read them all.
        """
        found = {}
        for kind, key in self.listed():
            stream = self.stream(kind, key)
            if stream is not None:
                found[f"{kind}/{key}"] = stream.events
        return found

    def kept_names(self) -> dict[str, KeptNames]:
        """Each agreement's holder names as the read model keeps them, by stream (hex id), where it is as recent as
        the stream; an agreement not in it is read."""
        return {}

    def names_of(self, rows: Sequence) -> tuple[str, ...]:
        """The holder names on notes in force after these stored events of an agreement (none if it was taken off
        the registry), decoding only the events that name holders or reverse others (not the coupons)."""
        events = self.decoded(r for r in rows if r.originator_version == 1 or names_holders(r.topic))
        if any(events[0].originator_version in e.reverses() for e in events):  # its registration reversed: fold
            return KeptNames.of(Stream.of(self.decoded(rows))).names
        return names_on_notes(events)

    def directory(self) -> Directory:
        """Every holder on the registry: the names on every agreement's notes (kept apart, so a registry of a
        thousand agreements is not read whole to resolve a name), and the holders' own streams."""
        return self._directory_of(lambda stream: stream)

    def directory_known_at(self, moment: datetime | None) -> Directory:
        """The directory as known at ``moment`` (now, without one): the holders' own entries recorded by then, so a
        holder renamed later is not named so in a view as known before. (Every name on a note counts: one recorded
        later is not asked of a view of then.)"""
        if moment is None:
            return self.directory()
        return self._directory_of(lambda stream: _known_then(stream, moment) if stream.kind == HOLDER else stream)

    def declared_holders(self, moment: datetime | None) -> Directory:
        """The holders with entries of their own (names over time, aliases), as recorded by ``moment``: what renames
        a holder in a view, without the names on every agreement's notes that the whole directory reads. Made again
        only when a holder's stream grew or a stream was put on the registry (every view of a register asks it: one
        query for the streams' sizes, where listing them and reading the holders' doubled a warm register's cost)."""
        kept, sizes = self._declared, self.sizes()
        if kept.streams != len(sizes):  # (streams are put on the registry, never taken off it)
            kept.streams, kept.holders = len(sizes), [key for kind, key in self.listed() if kind == HOLDER]
        seen = (moment, tuple(sizes.get(stream_id(HOLDER, key).hex) for key in kept.holders))
        if kept.seen != seen:
            streams = (self.stream(HOLDER, key) for key in kept.holders)
            kept.seen, kept.directory = seen, Directory(
                known.state.identity for stream in streams
                if stream is not None and (known := _known_then(stream, moment)) is not None)
        return kept.directory

    @cached_property
    def _declared(self) -> _Declared:
        return _Declared()

    def _directory_of(self, as_known: Callable[[Stream], Stream | None]) -> Directory:
        kept = self.kept_names()
        return directory_of(
            kept[sid.hex].names if kind == AGREEMENT and (sid := stream_id(kind, key)).hex in kept
            else as_known(stream) if (stream := self.stream(kind, key)) is not None else None
            for kind, key in self.listed() if kind in (AGREEMENT, HOLDER)
        )


@dataclass(frozen=True)
class KeptNames:
    """An agreement's holder names in force after its first ``version`` events (none once it is withdrawn): the
    row of the read model its save writes, beside the events."""

    stream: str
    version: int
    names: tuple[str, ...]

    @classmethod
    def of(cls, stream: Stream) -> KeptNames:
        return cls(stream.id.hex, stream.version, () if stream.withdrawn else stream.holder_names)

    def row(self) -> dict:
        return {"stream": self.stream, "version": self.version, "names": json.dumps(list(self.names))}


UNREADABLE = (None,)  # the names of a row that is not a list of names, as verify compares them: no agreement's


def fresh_names(rows: Iterable[Sequence], sizes: Mapping[str, int], unreadable: bool = False) -> dict[str, KeptNames]:
    """The kept names (rows of stream, version, names) of the agreements whose latest signed head (``sizes``)
    covers exactly the events they were kept after: anything else (a store written by an earlier release, or an
    entry recorded since by one) is read from the stream instead; so is a row edited into something that is not
    a list of names (or, ``unreadable``, it is given as ``UNREADABLE``, for verify to name)."""
    found = {}
    for stream, version, text in rows:
        if sizes.get(stream) == version:
            names = _names(text)
            if names is not None or unreadable:
                found[stream] = KeptNames(stream, version, UNREADABLE if names is None else names)  # type: ignore[arg-type]
    return found


def _names(text: object) -> tuple[str, ...] | None:
    try:
        names = json.loads(text)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return tuple(names) if isinstance(names, list) and all(isinstance(n, str) for n in names) else None


@cache
def reverses(topic: str) -> bool:
    """Whether events stored under ``topic`` take others out of the timeline (a reversal's)."""
    return resolve_topic(topic).reverses is not Event.reverses


@cache
def corrects_terms(topic: str) -> bool:
    """Whether events stored under ``topic`` correct the agreement's terms (see ``timeline.corrected``)."""
    return resolve_topic(topic) is Agreement.TermsCorrected


@cache
def sets_horizon(topic: str) -> bool:
    """Whether events stored under ``topic`` set the record's horizon, or reverse others (see ``record_horizon``)."""
    return resolve_topic(topic) is Agreement.RecordHorizonSet or reverses(topic)


@cache
def names_holders(topic: str) -> bool:
    """Whether events stored under ``topic`` put notes on the register or reverse others: the only events the
    holder names on an agreement's notes depend on."""
    return resolve_topic(topic).certificates is not Event.certificates or reverses(topic)


Source = Stream | tuple[str, ...] | None  # what a directory is made of: a stream, an agreement's names as kept, or none


@dataclass
class _Declared:
    """What ``declared_holders`` last made, and of what: how many streams were listed, which are holders', and
    the moment and holders' sizes it was made for."""

    streams: int = -1
    holders: list[str] = field(default_factory=list)
    seen: tuple | None = None
    directory: Directory = field(default_factory=lambda: Directory(()))


def _known_then(stream: Stream, moment: datetime | None) -> Stream | None:
    """A holder's stream as recorded by ``moment`` (whole without one); ``None`` if nothing of it was by then."""
    if moment is None:
        return stream
    known = known_at(stream.events, moment)
    return Stream.of(known) if known else None


def directory_of(sources: Iterable[Source]) -> Directory:
    """The holders named on agreements' notes (their streams, or their names as kept) and declared in holders'
    own streams."""
    return DirectoryMade().of(tuple(sources))


def _names_in(source: Source) -> tuple[str, ...] | None:
    """The names a source records on notes, in their order; ``None`` for a holder's own stream (it declares one)."""
    if source is None or isinstance(source, tuple):
        return source or ()
    if source.withdrawn:
        return ()
    return source.holder_names if source.kind == AGREEMENT else None if source.kind == HOLDER else ()


class DirectoryMade:
    """A directory and what it was made of (``directory_of``), made again from the sources that changed since.

    A load stages agreement after agreement, each adding its holders' names after the others'. When only the last
    source changed, by names added after its own, or sources were added after it, their names are added to those
    kept: made again from every source each time, a load of 1,000 agreements spent 4 s of its 22 s of checking on
    it, and more on each agreement the more there were. Anything else (a name gone, a holder declared) makes it
    again whole. A name given again adds nothing to a directory: each is kept once, in the order first given."""

    def __init__(self) -> None:
        self.sources: tuple[Source, ...] = ()
        self._each: tuple[tuple[str, ...] | None, ...] = ()  # each source's names (``_names_in``)
        self._names: dict[str, None] = {}
        self._declared: dict[str, Identity] = {}
        self._directory: Directory | None = None

    def of(self, sources: tuple[Source, ...]) -> Directory:
        """The directory of ``sources``, in their order: of the names a holder is given, the first is its name."""
        if self._directory is not None and sources == self.sources:  # (compared by identity first, then by value)
            return self._directory
        last = len(self.sources) - 1
        if self._directory is not None and last >= 0 and len(sources) > last and sources[:last] == self.sources[:last]:
            tail, before = tuple(map(_names_in, sources[last:])), self._each[last]
            if before is not None and None not in tail and tail[0][:len(before)] == before:
                self.sources, self._each = sources, self._each[:last] + tail
                self._add([tail[0][len(before):], *tail[1:]])
                return self._directory
        self.sources, self._each = sources, tuple(map(_names_in, sources))
        self._names, self._directory = {}, None
        self._declared = {s.key: s.state.identity for s, names in zip(sources, self._each, strict=True) if names is None}
        self._add(self._each)
        assert self._directory is not None
        return self._directory

    def _add(self, given: Iterable[tuple[str, ...] | None]) -> None:
        """The names ``given`` kept after the others, and the directory made again if any is new."""
        new = dict.fromkeys(name for names in given if names for name in names if name not in self._names)
        if new or self._directory is None:
            self._names.update(new)
            self._directory = Directory.of(self._names, self._declared)
