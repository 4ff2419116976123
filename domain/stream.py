"""What every stream of the registry shares: ids, provenance, and entries recorded once.

An agreement and a guaranty are each one stream of events. Each event carries
its business date (``effective_on``) beside the library's recording
``timestamp``, and its provenance: who recorded it, on what evidence, from which
entry. Stream ids are derived from natural keys, so loading a journal twice
finds the same streams.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate

from domain.errors import ConflictingEntry, InvalidCommand
from domain.values import NoteCertificate, Provenance

NAMESPACE = UUID("6b1f0c52-3f43-5a38-9d57-2a4c8e0f7d15")


def stream_id(kind: str, key: str) -> UUID:
    return uuid5(NAMESPACE, f"{kind}/{key}")


class Entry:
    """What every event carries and does; mixed into each stream's event classes."""

    effective_on: date
    provenance: Provenance
    originator_version: int

    def apply(self, stream: Stream) -> None:
        stream._take(self)  # noqa: SLF001 - the stream's own bookkeeping

    def certificates(self) -> Sequence[NoteCertificate]:
        return ()

    def reverses(self) -> tuple[int, ...]:
        """The recording positions this event takes out of the timeline (a reversal's)."""
        return ()

    def headline(self) -> str:
        raise NotImplementedError

    def details(self) -> str:
        return ""

    def summary(self) -> str:
        details = self.details()
        return f"{self.headline()}: {details}" if details else self.headline()


def recorded_by(events: Iterable[Entry], known_at: datetime | None) -> list[Entry]:
    """The events recorded by ``known_at`` (all of them without it): the registry's second clock."""
    return [event for event in events if known_at is None or event.timestamp <= known_at]  # type: ignore[attr-defined]


def known(events: Iterable[Entry], known_at: datetime | None) -> list[Entry]:
    """The events recorded by ``known_at`` that were in force then (reversals recorded by then applied)."""
    return in_force(recorded_by(events, known_at))


def in_force(events: Iterable[Entry]) -> list[Entry]:
    """A stream's events without those a later reversal took out (the reversals stay)."""
    events = list(events)
    reversed_positions = {position for event in events for position in event.reverses()}
    return [event for event in events if event.originator_version not in reversed_positions]


class Stream(Aggregate):
    """An aggregate that keeps its events and the entries that made them.

    (No class-level annotations here: eventsourcing would take them for the
    fields of the aggregate's creation event.)
    """

    class Reversed(Entry, Aggregate.Event):
        """An entry recorded in error, taken out of the timeline; it stays in the history.

        ``targets`` are the recording positions of the entry's events; the
        reversal is effective as of the earliest of them.
        """

        effective_on: date
        provenance: Provenance
        targets: tuple[int, ...]
        reason: str

        def reverses(self) -> tuple[int, ...]:
            return tuple(self.targets)

        def settle(self, ledger: object) -> None:
            return None

        def headline(self) -> str:
            events = ", ".join(f"No. {t}" for t in self.targets)
            return f"reversal of event{'s' if len(self.targets) > 1 else ''} {events}: {self.reason}"

    def reverse(self, target: int, *, reason: str, provenance: Provenance) -> None:
        """Take an entry recorded in error out of the timeline, in the open.

        All the events of the entry the target belongs to are reversed together.
        The first event, which put the stream on the registry, and reversals
        themselves cannot be reversed.
        """
        targets = self._reversible(target)
        on = min(e.effective_on for e in self.history if e.originator_version in targets)
        self.trigger_event(
            type(self).Reversed, effective_on=on, provenance=provenance, targets=targets, reason=reason
        )

    def _reversible(self, target: int) -> tuple[int, ...]:
        if not 1 <= target <= len(self.history):
            raise InvalidCommand(f"{self.key} has no event No. {target} (its events are 1 to {len(self.history)})")
        event = self.history[target - 1]
        if target == 1:
            raise InvalidCommand(f"{self.ref(event)} put {self.key} on the registry; it cannot be reversed")
        if event.reverses():
            raise InvalidCommand(f"{self.ref(event)} is itself a reversal; record the entry again instead")
        if any(target in e.reverses() for e in self.history):
            raise InvalidCommand(f"{self.ref(event)} is already reversed")
        entry = event.provenance.entry
        if entry is None:
            return (target,)
        return tuple(e.originator_version for e in self.history if e.provenance.entry == entry and not e.reverses())

    def _start(self, key: str) -> None:
        self.key = key
        self.history: list[Entry] = []
        self.entries: dict[str, str | None] = {}
        self.latest_effective_on = date.min

    def _take(self, event: Entry) -> None:
        self.history.append(event)
        self.latest_effective_on = max(self.latest_effective_on, event.effective_on)
        if event.provenance.entry is not None:
            self.entries[event.provenance.entry] = event.provenance.fingerprint

    def __deepcopy__(self, memo: dict) -> Stream:
        """A copy that shares the (immutable) events and copies everything that changes.

        The application's stream cache hands out copies; copying each frozen
        event again would cost more than reading the stream from the database.
        """
        copy = object.__new__(type(self))
        copy.__dict__.update(self.__dict__)
        copy.history = list(self.history)
        copy.entries = dict(self.entries)
        copy._pending_events = list(self._pending_events)
        self._copy_state(copy, memo)
        return copy

    def _copy_state(self, copy: Stream, memo: dict) -> None:
        """Copy any further mutable state of a subclass into ``copy``."""

    def ref(self, event: Entry) -> str:
        """How an event is named to users: the stream's key and recording position."""
        return f"{self.key}:{event.originator_version}"

    def already_recorded(self, provenance: Provenance) -> bool:
        """Whether this entry is on file already; the same id with other content is refused."""
        if provenance.entry is None or provenance.entry not in self.entries:
            return False
        if self.entries[provenance.entry] != provenance.fingerprint:
            raise ConflictingEntry(
                f"entry {provenance.entry!r} is already recorded for {self.key} with different"
                " content; a recorded entry is never changed: record a correction as a new entry"
            )
        return True
