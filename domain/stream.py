"""A stream as recorded: its events in recording order, and what they say about requests already seen.

The registry keeps one stream per agreement, guaranty or instrument. A
``Stream`` is a value: recording new events gives a new ``Stream``, checked by
folding its timeline (``Timeline.extended``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from uuid import UUID

from domain.errors import ConflictingEntry, UnknownAgreement
from domain.events import CREATIONS, Event, stream_id
from domain.state import State
from domain.timeline import Timeline, in_force


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

    @property
    def events(self) -> tuple[Event, ...]:
        return self.timeline.events

    @property
    def id(self) -> UUID:
        return stream_id(self.kind, self.key)

    @property
    def version(self) -> int:
        return len(self.timeline)

    @property
    def withdrawn(self) -> bool:
        """Whether the event that put the stream on the registry was reversed, leaving nothing in force."""
        return self.timeline.final is None

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
    def entries(self) -> dict[str, str | None]:
        """The fingerprint of each entry (journal entry or request) recorded in this stream."""
        return _entries(self.events)

    @cached_property
    def last_number(self) -> int:
        """The highest note number ever used here, reversed entries included: numbers are never reused."""
        return max((c.number for e in self.events for c in e.certificates()), default=0)

    @cached_property
    def holder_names(self) -> tuple[str, ...]:
        """Every holder name on a certificate in force, in the order first recorded."""
        return tuple(dict.fromkeys(c.holder for e in in_force(self.events) for c in e.certificates()))

    def extended(self, new: tuple[Event, ...]) -> Stream:
        """This stream with ``new`` events recorded, refused if its timeline no longer folds."""
        extended = Stream(self.kind, self.key, self.timeline.extended(new, self.key))
        known = vars(self)
        if "entries" in known:
            vars(extended)["entries"] = {**self.entries, **_entries(new)}
        if "last_number" in known:
            vars(extended)["last_number"] = max([self.last_number, *(c.number for e in new for c in e.certificates())])
        if "holder_names" in known and not any(e.rewrites_the_past() for e in new):
            names = (c.holder for e in new for c in e.certificates())
            vars(extended)["holder_names"] = tuple(dict.fromkeys((*self.holder_names, *names)))
        return extended

    def recorded(self, entry: str | None, fingerprint: str | None) -> tuple[Event, ...]:
        """The events an entry already on file recorded (none if it is new); other content under its id is refused."""
        if entry is None or entry not in self.entries:
            return ()
        if self.entries[entry] != fingerprint:
            raise ConflictingEntry(
                f"entry {entry!r} is already recorded for {self.key} with different"
                " content; a recorded entry is never changed: record a correction as a new entry"
            )
        return tuple(e for e in self.events if e.provenance.entry == entry)

    def ref(self, event: Event) -> str:
        """How an event is named to users: the stream's key and recording position."""
        return f"{self.key}:{event.originator_version}"


def _entries(events: tuple[Event, ...]) -> dict[str, str | None]:
    return {e.provenance.entry: e.provenance.fingerprint for e in events if e.provenance.entry is not None}
