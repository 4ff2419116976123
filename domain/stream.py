"""What every stream of the registry shares: ids, provenance, and entries recorded once.

An agreement and a guaranty are each one stream of events. Each event carries
its business date (``effective_on``) beside the library's recording
``timestamp``, and its provenance: who recorded it, on what evidence, from which
entry. Stream ids are derived from natural keys, so loading a journal twice
finds the same streams.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate

from domain.errors import ConflictingEntry
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

    def headline(self) -> str:
        raise NotImplementedError

    def details(self) -> str:
        return ""

    def summary(self) -> str:
        details = self.details()
        return f"{self.headline()}: {details}" if details else self.headline()


class Stream(Aggregate):
    """An aggregate that keeps its events and the entries that made them.

    (No class-level annotations here: eventsourcing would take them for the
    fields of the aggregate's creation event.)
    """

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
