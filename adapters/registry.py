"""The application service: entries in, events saved; events out for the views.

Every write goes the same way, whether it comes from a journal or from the
command line: load the agreement's aggregate, skip the entry if it is already
on file, run its command (which refuses anything the agreement forbids), and
save the new events in one transaction. If another writer saved to the same
agreement first, the save fails on the stream's version and the entry is
checked again on fresh state.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import IntegrityError, JSONTranscoder
from eventsourcing.utils import get_topic

from adapters.audit import Chain, Digest, Verification, verify
from adapters.entries import EntryIn, missing
from adapters.store import EventMapper, persistence_env, register_transcodings
from domain.agreement import Agreement, agreement_id
from domain.errors import ConflictingEntry, RegistryError, UnknownAgreement
from domain.guaranty import Guaranty
from domain.instrument import Instrument
from domain.stream import Stream, stream_id
from domain.values import Provenance

ATTEMPTS = 5
CREATIONS = {"agreement": Agreement.Registered, "guaranty": Guaranty.Delivered, "instrument": Instrument.Delivered}


@dataclass(frozen=True)
class Staged:
    """One entry's new events, ready to save together (none if already on file)."""

    key: str
    entry: EntryIn
    provenance: Provenance
    stream: Stream | None = None
    events: tuple = ()
    earlier: tuple = ()

    @property
    def refs(self) -> list[str]:
        return [f"{self.key}:{e.originator_version}" for e in self.events]


@dataclass
class Workspace:
    """Streams as commands leave them, before anything is saved."""

    streams: dict[UUID, Stream] = field(default_factory=dict)


class Registry(Application):
    name = "debtreg"
    log_section_size = 1000

    def __init__(self, url: str | None = None) -> None:
        super().__init__(env=persistence_env(url))
        self.chain = Chain(self.factory.datastore.engine, self.recorder.events_table_name)

    def save(self, *objs: Any, **kwargs: Any) -> list:
        """Save events and chain them, in one transaction (see ``adapters.audit``)."""
        with self.factory.datastore.transaction(commit=True) as session:
            recordings = super().save(*objs, session=session, **kwargs)
            self.chain.append(session, [recording.notification for recording in recordings])
        return recordings

    def notifications(self, topics: Sequence[str] = ()) -> Iterator:
        """Stored events (of the given topics), in the order of the log, a page at a time."""
        start = None
        while True:
            page = self.recorder.select_notifications(
                start=start, limit=self.log_section_size, topics=topics, inclusive_of_start=False
            )
            yield from page
            if len(page) < self.log_section_size:
                return
            start = page[-1].id

    def verify(self, kept: Digest | None = None) -> Verification:
        return verify(self.notifications(), self.chain, kept)

    def construct_mapper(self) -> EventMapper:
        return EventMapper(transcoder=self.construct_transcoder())

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        register_transcodings(transcoder)

    def close(self) -> None:
        super().close()
        engine = getattr(getattr(self.factory, "datastore", None), "engine", None)
        if engine is not None:
            engine.dispose()

    # ---------------------------------------------------------------- reading

    def agreement(self, key: str) -> Agreement:
        try:
            return self.repository.get(agreement_id(key))
        except AggregateNotFoundError:
            known = ", ".join(self.agreement_keys()) or "none yet (load a journal first)"
            raise UnknownAgreement(f"no agreement {key!r} is on the registry; agreements: {known}") from None

    def events_of(self, key: str) -> list:
        """An agreement's events in recording order (through the stream cache)."""
        return list(self.agreement(key).history)

    def agreement_keys(self) -> list[str]:
        return [event.terms.key for event in self._created(Agreement.Registered)]

    def agreements(self) -> list[Agreement.Registered]:
        return list(self._created(Agreement.Registered))

    def streams(self) -> dict[str, list]:
        """Every stream's events by reference ("agreement/barnes-1995", "guaranty/kar-2003", ...).

        Amendments' conditions and guaranties span streams, so their views read them all.
        """
        streams = {}
        for kind, created in CREATIONS.items():
            for event in self._created(created):
                stream = self.repository.get(event.originator_id)
                streams[f"{kind}/{stream.key}"] = list(stream.history)
        return streams

    def _created(self, event_class: type) -> Iterable:
        """The creation events of one kind of stream, in the order they were recorded."""
        for notification in self.notifications([get_topic(event_class)]):
            yield self.mapper.to_domain_event(notification)

    # ---------------------------------------------------------------- writing

    def execute(
        self,
        key: str,
        entry: EntryIn,
        *,
        recorded_by: str,
        entry_key: str | None = None,
        source: str | None = None,
    ) -> Staged:
        """Check and record one entry; retried on fresh state if another writer won."""
        provenance = entry.provenance(recorded_by, entry=entry_key, source=source)
        for _ in range(ATTEMPTS):
            staged = self.stage(key, entry, provenance, Workspace())
            try:
                self.save(*staged.events)
            except IntegrityError:
                continue
            self._remember([staged])
            return staged
        raise RegistryError(
            f"other writers kept changing {key} while this entry was checked; nothing was"
            " recorded: run the command again"
        )

    def stage(self, key: str, entry: EntryIn, provenance: Provenance, workspace: Workspace) -> Staged:
        """Run an entry's command against the workspace and collect its new events."""
        stream = self._stream(entry.stream(key), workspace)
        if entry.creates:
            if stream is not None:
                if not stream.already_recorded(provenance):
                    raise ConflictingEntry(
                        f"{entry.stream_kind} {key} is already on the registry (entry"
                        f" {stream.history[0].provenance.entry!r}); it is put on the registry once"
                    )
                return Staged(key, entry, provenance, stream, earlier=_of_entry(stream, provenance))
            for needed, needed_id in entry.prerequisites():
                if self._stream(needed_id, workspace) is None:
                    raise missing("agreement", needed)
            stream = entry.create(key, provenance)
            workspace.streams[stream.id] = stream
        else:
            if stream is None:
                raise missing(entry.stream_kind, key)
            if stream.already_recorded(provenance):
                return Staged(key, entry, provenance, stream, earlier=_of_entry(stream, provenance))
            entry.apply(stream, provenance)
        return Staged(key, entry, provenance, stream, tuple(stream.collect_events()))

    def record_all(
        self,
        staged: Sequence[Staged],
        progress: Callable[[Staged], None] | None = None,
    ) -> None:
        """Save staged entries in order, each in its own transaction."""
        for item in staged:
            if item.events:
                self.save(*item.events)
            if progress is not None:
                progress(item)
        self._remember(staged)

    def _remember(self, staged: Sequence[Staged]) -> None:
        """Cache streams as the saved entries left them, checked ledger and all.

        Only after their events are saved, so the cache never holds anything
        the database does not.
        """
        if self.repository.cache is not None:
            for stream in {item.stream.id: item.stream for item in staged if item.stream}.values():
                self.repository.cache.put(stream.id, stream)

    def kind_of(self, key: str) -> str:
        """Whether ``key`` names an agreement, a guaranty or an instrument."""
        return type(self.stream(key)).__name__.lower()

    def stream(self, key: str) -> Stream:
        """The agreement, guaranty or instrument called ``key``."""
        for kind in CREATIONS:
            try:
                return self.repository.get(stream_id(kind, key))
            except AggregateNotFoundError:
                continue
        known = ", ".join(ref.split("/", 1)[1] for ref in self.streams()) or "nothing yet (load a journal first)"
        raise UnknownAgreement(f"nothing on the registry is called {key!r}; on the registry: {known}")

    def _stream(self, stream_id: UUID, workspace: Workspace) -> Stream | None:
        if stream_id not in workspace.streams:
            try:
                workspace.streams[stream_id] = self.repository.get(stream_id)
            except AggregateNotFoundError:
                return None
        return workspace.streams[stream_id]


def _of_entry(stream: Stream, provenance: Provenance) -> tuple:
    """The events an entry already on file recorded: the first result of a repeated request."""
    return tuple(e for e in stream.history if e.provenance.entry == provenance.entry)
