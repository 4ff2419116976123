"""A stream as recorded: its events in recording order, and what they say about requests already seen.

The registry keeps one stream per agreement, guaranty or instrument. A
``Stream`` is a value: recording new events gives a new ``Stream``, checked by
folding its timeline (``Timeline.extended``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import islice, takewhile
from uuid import UUID

from domain.errors import ConflictingEntry, UnknownAgreement, UnknownEvent
from domain.events import CREATIONS, Event, stream_id
from domain.shared import Shared
from domain.state import State
from domain.timeline import Timeline, in_force

NAMED = "named"  # what a snapshot keeps of ``Stream.named``: [name, first position, certificates] of each


@dataclass(frozen=True)
class Stream:
    kind: str
    key: str
    timeline: Timeline

    @classmethod
    def of(cls, events: tuple[Event, ...] | list[Event]) -> Stream:
        """A stream from its recorded events, the first of which put it on the registry."""
        first = events[0]
        kind = next(kind for kind, created in CREATIONS.items() if isinstance(first, created))
        return cls(kind, first.terms.key, Timeline(events))  # type: ignore[attr-defined]

    @classmethod
    def resumed(cls, kind: str, key: str, timeline: Timeline, *, last_number: int, holder_names: Sequence[str],
                earlier_entry: Callable[[str], tuple[str | None, int] | None], named: object = None) -> Stream:
        """A stream known by a snapshot (see ``Timeline.resumed``): what a command asks of its history (the highest
        note number used, the holder names and ``named``, whether an entry is on file already, by ``earlier_entry``)
        is given, not worked out from its events."""
        stream = cls(kind, key, timeline)
        vars(stream).update(last_number=last_number, holder_names=tuple(holder_names),
                            entries=EntryLog((), tip=len(timeline), earlier=earlier_entry))
        if isinstance(named, list):  # as ``NAMED`` keeps it
            vars(stream)["named"] = {name: (first, count) for name, first, count in named}
        return stream

    @property
    def events(self) -> tuple[Event, ...]:
        return self.timeline.events

    def event(self, version: int) -> Event:
        """The event at recording position ``version`` (from 1), read alone where it can be; refused if none is."""
        if not 1 <= version <= self.version:
            raise UnknownEvent(f"{self.key} has no event No. {version} (its events are 1 to {self.version})")
        return self.timeline.event(version)

    @property
    def id(self) -> UUID:
        return stream_id(self.kind, self.key)

    @property
    def version(self) -> int:
        return len(self.timeline)

    @property
    def withdrawn(self) -> bool:
        """Whether the event that put the stream on the registry was reversed, leaving nothing in force."""
        return self.timeline.empty

    @property
    def state(self) -> State:
        """The state after the whole timeline (shared: do not change it)."""
        state = self.timeline.final
        if state is None:
            raise UnknownAgreement(
                f"{self.key} was taken off the registry: the entry that put it on was reversed; register it again"
            )
        return state

    @cached_property
    def entries(self) -> EntryLog:
        """The fingerprint of each entry (journal entry or request) recorded in this stream."""
        return EntryLog(self.events)

    @cached_property
    def last_number(self) -> int:
        """The highest note number ever used here, reversed entries included: numbers are never reused."""
        return max((c.number for e in self.events for c in e.certificates()), default=0)

    @cached_property
    def holder_names(self) -> tuple[str, ...]:
        """Every holder name on a certificate in force, in the order first recorded."""
        return names_on_notes(self.events)

    @cached_property
    def named(self) -> dict[str, tuple[int, int]]:
        """For each of ``holder_names``, in their order: the position of the first event in force naming it, and how
        many certificates in force name it; so a reversal knows the names it leaves on no note without the other
        events."""
        return notes_naming(self.events)

    def extended(self, new: tuple[Event, ...]) -> Stream:
        """This stream with ``new`` events recorded, refused if its timeline no longer folds. Events caught up on
        from the store may hold a reversal of an event among them: those before it are recorded first."""
        stream, run, versions = self, [], set()
        for event in new:
            if versions.intersection(event.reverses()):
                stream, run, versions = stream._extended(tuple(run)), [], set()
            run.append(event)
            versions.add(event.originator_version)
        return stream._extended(tuple(run))

    def _extended(self, new: tuple[Event, ...]) -> Stream:
        extended = Stream(self.kind, self.key, self.timeline.extended(new, self.key))
        known = vars(self)
        if "entries" in known:
            vars(extended)["entries"] = self.entries.extended(self.version, new)
        if "last_number" in known:
            vars(extended)["last_number"] = max([self.last_number, *(c.number for e in new for c in e.certificates())])
        if "holder_names" in known:  # (and ``named``, worked out now if it is not yet)
            after = named_after(self.named, new, self.timeline.event)
            if after is not None:
                vars(extended)["holder_names"], vars(extended)["named"] = tuple(after), after
        return extended

    def recorded(self, entry: str | None, fingerprint: str | None) -> tuple[Event, ...]:
        """The events an entry already on file recorded (none if it is new); other content under its id is refused."""
        found = self.entries.find(entry, self.version) if entry is not None else None
        if found is None:
            return ()
        if found[0] != fingerprint:
            raise ConflictingEntry(
                f"entry {entry!r} is already recorded for {self.key} with different"
                " content; a recorded entry is never changed: record a correction as a new entry"
            )
        return tuple(takewhile(lambda e: e.provenance.entry == entry, islice(self.events, found[1] - 1, None)))

    def ref(self, event: Event) -> str:
        """How an event is named to users: the stream's key and recording position."""
        return f"{self.key}:{event.originator_version}"


class EntryLog(Shared):
    """Each entry's fingerprint and the position of its first event, shared by the streams extended one from
    another as their timelines share their events (see ``Shared``): a stream sees the entries within its first
    ``version`` events."""

    def __init__(self, events: Sequence[Event], found: dict[str, tuple[str | None, int]] | None = None,
                 tip: int = 0, earlier: Callable[[str], tuple[str | None, int] | None] | None = None) -> None:
        super().__init__()
        self._found: dict[str, tuple[str | None, int]] = {} if found is None else found
        self._tip = tip
        self._earlier = earlier  # a resumed stream's: the entries among the events its snapshot stands for
        self.add(events)

    def size(self) -> int:
        return self._tip

    def upto(self, n: int) -> EntryLog:
        return EntryLog((), {entry: found for entry, found in self._found.items() if found[1] <= n}, n, self._earlier)

    def add(self, new: Sequence[Event]) -> None:
        for event in new:
            if event.provenance.entry is not None:
                self._found.setdefault(event.provenance.entry, (event.provenance.fingerprint, event.originator_version))
            self._tip = max(self._tip, event.originator_version)

    def count(self, version: int) -> int | None:
        """How many entries the first ``version`` events record; ``None`` for a resumed stream's, not all in hand."""
        if self._earlier is not None:
            return None
        return len(self._found) if version >= self._tip else sum(1 for found in self._found.values() if found[1] <= version)

    def find(self, entry: str, version: int) -> tuple[str | None, int] | None:
        """``entry``'s fingerprint and first position, if it is within the first ``version`` events."""
        found = self._found.get(entry)
        if found is None and self._earlier is not None:
            found = self._earlier(entry)
        return found if found is not None and found[1] <= version else None


def named_after(named: dict[str, tuple[int, int]], new: Sequence[Event],
                event: Callable[[int], Event]) -> dict[str, tuple[int, int]] | None:
    """``Stream.named`` once ``new`` events are recorded, from what it was before and the events a reversal among
    them takes out (read by ``event``); ``None`` where the other events are needed: a reversal takes out the first
    note naming a holder that a later note names too (its place in the order moves)."""
    named = dict(named)
    for recorded in new:
        for position in recorded.reverses():
            gone = [c.holder for c in event(position).certificates()]
            for holder in gone:
                first, count = named.get(holder, (position, 0))
                named[holder] = (first, count - 1)
            for holder in dict.fromkeys(gone):
                first, count = named[holder]
                if count > 0 and first == position or count < 0:
                    return None
                if count == 0:
                    del named[holder]
        _count(named, recorded)
    return named


def notes_naming(events: Sequence[Event]) -> dict[str, tuple[int, int]]:
    """Each holder name on a certificate in force among ``events`` (which must include every reversal among
    them), in the order first recorded: the position of the first event naming it, and how many certificates do."""
    named: dict[str, tuple[int, int]] = {}
    for event in in_force(events):
        _count(named, event)
    return named


def _count(named: dict[str, tuple[int, int]], event: Event) -> None:
    for certificate in event.certificates():
        first, count = named.get(certificate.holder, (event.originator_version, 0))
        named[certificate.holder] = (first, count + 1)


def names_on_notes(events: Sequence[Event]) -> tuple[str, ...]:
    """Every holder name on a certificate in force among ``events`` (which must include every reversal among
    them), in the order first recorded."""
    return tuple(notes_naming(events))
