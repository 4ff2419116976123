"""The application service: commands in, events saved; streams out for the queries.

Every write goes the same way, whether it comes from a journal, the command
line or (later) the HTTP API: read the stream, skip the request if it is
already on file, decide the command (``domain.decide``: the events, checked by
folding the timeline with them in place), and save them with their hash chain
entries in one transaction. If another writer saved to the same stream first,
the save fails on the stream's version and the command is decided again on
fresh state, after a short random wait. A command reads its agreement from the
snapshot its last save kept and the events recorded since (``adapters.snapshots``),
so its cost does not grow with the agreement's history. A view reads and checks
every event, as ever, but starts from the snapshot too: it decodes and folds the
events only if it asks for a date before the latest, or for the events themselves.

Streams are read through eventsourcing's repository with a projector that
makes a ``Stream`` value of the events, kept in the repository's cache and
brought up to date with any events recorded since. An ``EventSourcedLog``
lists the streams on the registry.
"""

from __future__ import annotations

import contextlib
import random
import time
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid4

from eventsourcing.application import Application, EventSourcedLog
from eventsourcing.domain import DomainEvent
from eventsourcing.persistence import IntegrityError
from sqlalchemy import inspect

from adapters.audit import Chain, Digest, verify
from adapters.codec import CREATION_TOPICS, EARLIER_CREATION_TOPICS, EventMapper, event_mapper
from adapters.identity import ADMINISTRATOR, RECORDERS, Signer
from adapters.ledger import Checked, Ledger, Tampered
from adapters.reading import (
    DirectoryMade,
    KeptNames,
    Listed,
    PartsProgress,
    Progress,
    Reading,
    Recent,
    StreamRows,
    advancing,
    in_part,
)
from adapters.settings import TABLES
from adapters.snapshots import Snapshot, dated_problem
from adapters.store import persistence_env
from adapters.workers import in_order
from domain.commands import Command
from domain.decide import decide, not_on_registry
from domain.errors import ConflictingEntry, RegistryError
from domain.events import AGREEMENT, HOLDER, Event, stream_id
from domain.holders import Directory
from domain.stream import Stream
from domain.timeline import Dated, Known, Timeline
from domain.values import Provenance

if TYPE_CHECKING:  # the journal's models are loaded by whoever reads journals; a view needs none of them
    from adapters.entries import EntryIn

PATIENCE = 30.0  # seconds a command keeps deciding again while other writers win the race for its stream
BATCH = 500  # events a load saves in one transaction (each entry's tree head still signed apart)
UNSEALED = ("written before debtreg signed its log: its hash chain holds, but nothing binds its entries to who"
            " recorded them until an administrator records (which seals it)")


class LoadInterrupted(RegistryError):
    rule = "a load records whole entries, in order; a rerun completes it"


@dataclass(frozen=True)
class Request:
    """Where a command comes from: the entry or request id (recorded once) and its content's fingerprint."""

    entry: str | None = None
    fingerprint: str | None = None
    source: str | None = None


@dataclass(frozen=True)
class Staged:
    """One command's new events, ready to save together (none if its request is already on file)."""

    command: Command
    provenance: Provenance
    stream: Stream
    events: tuple[Event, ...] = ()
    earlier: tuple[Event, ...] = ()

    @property
    def key(self) -> str:
        return self.stream.key

    @property
    def refs(self) -> list[str]:
        return [self.stream.ref(e) for e in self.events]

    def superseded(self) -> Staged:
        """This command without the stream as it left it, once a later command's stream supersedes that: a load
        of n entries keeps one stream per agreement, not n of them (each with its own state). The stream left in
        its place shares one empty timeline (a new one each was a quarter of what a load held as it checked)."""
        return replace(self, stream=Stream(self.stream.kind, self.stream.key, _SUPERSEDED))


_SUPERSEDED = Timeline(())  # a superseded command's stream is asked its kind, key and (no) events, never its state


class Contended(RegistryError):
    rule = "an entry is checked against the stream as it stands when it is saved"


@dataclass
class Workspace:
    """Streams as the commands staged so far leave them, before anything is saved; the registry's list of
    streams and the recording time, read once for all the commands staged together (a journal load)."""

    streams: dict[UUID, Stream] = field(default_factory=dict)
    listed: list[tuple[str, str]] | None = None
    now: datetime | None = None
    requests: dict[str, str] | None = None  # request ids claimed already and their streams, read once for a load
    names: dict[UUID, Stream | tuple[str, ...]] | None = None  # the holders on the registry, as first read
    directory: DirectoryMade = field(default_factory=DirectoryMade)  # made again only from what changed


class Registry(Application, Reading):
    name = TABLES
    log_section_size = 1000

    def __init__(self, url: str | None = None, *, identity: Signer | None = None, read_only: bool = False) -> None:
        """The registry at ``url``, acting as ``identity`` (whose key signs what it records); a reader needs none."""
        super().__init__(env=persistence_env(url, read_only=read_only))
        engine = self.factory.datastore.engine
        if read_only:
            self.factory.datastore.is_sqlite_wal_mode = True  # a reader never sets the file's journal mode
        self.identity = identity
        self.url = url  # what a worker process opens (``adapters.workers``)
        self.ledger = Ledger(engine, self.recorder.events_record_cls.__table__, create=not read_only)
        self.legacy_chain = Chain(engine, self.recorder.events_table_name, create=False)
        self.index = EventSourcedLog(self.events, stream_id("registry", "streams"), Listed)
        self.initialised = inspect(engine).has_table(self.recorder.events_table_name)
        self._cache = Recent()
        self._names_seen: dict[str, int] = {}  # each stream's size when the cached streams last held every holder's name
        self._kept: dict[str, tuple[str, ...]] = {}  # agreements' holder names as kept, read up to there too
        self._prepared = False
        self.enrolled_first = False  # this registry's first administrator was made by this process's load
        self.keep_key: Callable[[Signer], None] | None = None  # called just before a load enrols its identity first

    # ---------------------------------------------------------------- storage

    def save(self, *objs: Any, requests: Sequence[tuple[str, str]] = (), names: Sequence[KeptNames] = (),
             snapshots: Sequence[Snapshot] = (), **kwargs: Any) -> list:
        """Save events, sign their streams' new tree heads, claim their request ids and keep the holder names and
        snapshots of the agreements saved, in one transaction (see ``adapters.ledger``)."""
        assert self.identity is not None, "writes are checked for an identity before they are decided"
        signed_at = self.ledger.store_time()  # after the events were decided; read outside the saving transaction
        with self.factory.datastore.transaction(commit=True) as session:
            recordings = super().save(*objs, session=session, **kwargs)
            self.ledger.claim_requests(session, requests)
            self.ledger.keep_names(session, names)
            tips = self.ledger.append(session, by_entry(recordings), self.identity, signed_at)
            self.ledger.keep_snapshots(session, snapshots, tips, self.identity, signed_at)
        return recordings

    def rewrite_snapshots(self, progress: Progress | None = None) -> list[str]:
        """Each agreement's snapshot and states along business time written again from its events (read whole and
        checked against its signed heads), signed by this identity over its latest head: after an upgrade whose
        code folds differently (until then its commands and views read and fold the whole history), or after
        verify names one edited. Nothing is recorded. The agreements written; one saved meanwhile keeps the
        snapshot its save wrote. ``progress``, given how many agreements there are, is what to call after each.
        Agreements are folded in worker processes when there are many events to fold (``adapters.workers``)."""
        self._prepare_to_write(RECORDERS, "write snapshots")
        assert self.identity is not None, "checked by _prepare_to_write"
        written = []
        keys = [key for kind, key in self.listed() if kind == AGREEMENT]
        folded = in_order(snapshot_of, keys, self, events=sum(self.sizes().values()))
        with contextlib.closing(folded):
            for key, found in zip(advancing(keys, progress), folded, strict=True):
                if found is not None:  # (none for an agreement taken off the registry)
                    signed_at = self.ledger.store_time()
                    with self.factory.datastore.transaction(commit=True) as session:
                        tips = {found.stream: self.ledger.tip(session, found.stream)}
                        if self.ledger.keep_snapshots(session, [found], tips, self.identity, signed_at):
                            written.append(key)
        return written

    def notifications(self, topics: Sequence[str] = ()) -> Iterator:
        """Stored events (of the given topics), in the order of the log, a page at a time."""
        if not self.initialised:
            return
        start = None
        while True:
            page = self.recorder.select_notifications(
                start=start, limit=self.log_section_size, topics=topics, inclusive_of_start=False
            )
            yield from page
            if len(page) < self.log_section_size:
                return
            start = page[-1].id

    def verify(self, kept: dict | Digest | None = None, trusted: str | None = None,
               progress: PartsProgress | None = None) -> Checked:
        """The whole log checked in one snapshot (see ``Ledger.verify``). A store written before debtreg signed
        its log is also checked against its hash chain (and a digest kept of it then), up to where it was sealed.
        ``progress``, given how many streams, then read models, there are to check, is what to call after each."""
        if not self.initialised:
            return Checked(0, None, None)
        legacy_kept = kept if isinstance(kept, Digest) else None
        if self.legacy_chain.exists():
            last = self.legacy_chain.last_position()
            legacy = verify((n for n in self.notifications() if n.id <= last), self.legacy_chain, legacy_kept)
            if not self.ledger.sealed():
                return Checked(legacy.events, legacy.problem, None, note=UNSEALED)
            if legacy.problem:
                return Checked(legacy.events, f"before the log was signed: {legacy.problem}", None)
        elif legacy_kept is not None:
            return Checked(0, "the digest given is of the form debtreg:v1 but this store has no hash chain of that"
                              " form: it is not the store the digest was taken of", None)
        streams = self.names_as_read()
        names = {hex_id: f"{kind} {key}" for hex_id, (kind, key) in streams.items()}
        agreements = {hex_id: key for hex_id, (kind, key) in streams.items() if kind == AGREEMENT}
        try:  # their folds started now, in worker processes beside the log's check, where worth it
            read_models = self._read_models(names, agreements)
        except Tampered:  # a row of the heads or identities not of its kinds: the log's check names it
            read_models = None
        try:
            checked = self.ledger.verify(None if legacy_kept else kept, trusted, names,  # type: ignore[arg-type]
                                         in_part(progress, "the log"))
            problem = None if checked.problem else self._first_problem(
                *(read_models or self._read_models(names, agreements)), progress)
        finally:
            if read_models:
                read_models[1].close()
        return replace(checked, problem=problem) if problem else checked

    def _read_models(self, names: dict[str, str], agreements: dict[str, str]) -> tuple[list[ReadModels], Iterator[str | None]]:
        """The read models kept beside the events, to check against them (``read_models_problem``), and what each
        check finds, stream by stream in order: worked out in worker processes, handed the work at once, when there
        are many events to fold (``adapters.workers``); else here, as each is asked for. ``names``: what each stream
        is called; ``agreements``: the key of each on the registry, by hex id."""
        kept_names = self.ledger.kept_names(unreadable=True)
        snapshots = {row.stream: (row, problem) for row, problem in self.ledger.snapshot_problems()}
        checks = [ReadModels(hex_id, names.get(hex_id) or f"stream {hex_id[:8]}", agreements.get(hex_id),
                             kept_names.get(hex_id), *_stored(snapshots.get(hex_id)))
                  for hex_id in dict.fromkeys([*kept_names, *snapshots])]
        events = sum(check.stored.size if check.stored else check.kept.version if check.kept else 0 for check in checks)
        return checks, in_order(read_models_problem, checks, self, events=events, beside=True)

    @staticmethod
    def _first_problem(checks: list[ReadModels], found: Iterator[str | None], progress: PartsProgress | None) -> str | None:
        with contextlib.closing(found):
            for _, problem in zip(advancing(checks, in_part(progress, "the read models")), found, strict=True):
                if problem:
                    return problem
        return None

    def sizes(self) -> dict[str, int]:
        return self.ledger.sizes()

    def reopened(self) -> tuple[Callable[[str | None], Registry], str | None]:
        return open_reader, self.url

    def stream_names(self) -> dict[str, tuple[str, str]]:
        """Each stream's id (hex), as the log and its proofs name it, and its (kind, key), as users do."""
        found = {stream_id(kind, key).hex: (kind, key) for kind, key in self.listed()}
        return {**found, self.index.originator_id.hex: ("registry", "streams")}

    def names_as_read(self) -> dict[str, tuple[str, str]]:
        """``stream_names``, as far as the registry's list of streams reads: what verify names streams by, and the
        head it gives, on a store whose list was edited (its check says so; the other streams go by their ids)."""
        try:
            return self.stream_names()
        except Exception:  # noqa: BLE001 - an edited event of the list decodes as anything, or as nothing
            return {self.index.originator_id.hex: ("registry", "streams")}

    def construct_mapper(self) -> EventMapper:
        return event_mapper()

    def close(self) -> None:
        super().close()
        engine = getattr(getattr(self.factory, "datastore", None), "engine", None)
        if engine is not None:
            engine.dispose()

    # ---------------------------------------------------------------- reading

    def listed(self) -> list[tuple[str, str]]:
        if not self.initialised:
            return []
        listed = [(e.kind, e.key) for e in self.index.get()]
        return listed or [(s.kind, s.key) for s in self._created()]

    def stream(self, kind: str, key: str, *, resume: bool = False) -> Stream | None:
        """The stream as recorded now (see ``Reading.stream``), read again only from where this process last read it.
        To ``resume`` is to start from the agreement's snapshot, if it holds, and read only the events after it:
        what a command needs (see ``Timeline.resumed``); the events before it are read if the command asks for them."""
        if not self.initialised:
            return None
        found_id = stream_id(kind, key)
        resumed = self.ledger.resume(found_id) if resume and kind == AGREEMENT else None
        found = self._resumed(kind, key, *resumed) if resumed is not None else None
        if found is not None:
            return found
        rows = self.rows_of(kind, key)
        if not rows:
            return None
        cached = self._cache.get(found_id)
        if cached is not None and cached.version == len(rows):
            return cached
        if cached is not None and cached.version < len(rows):
            new = tuple(self.decoded(rows[cached.version:]))
            # what others recorded at the end of business time extends what this process holds; what they recorded
            # before it is taken up from the snapshot they wrote, with its states along business time, if it holds
            if cached.timeline.appends(new) or (found := self._from_store(kind, key, found_id, rows)) is None:
                found = cached.extended(new)
        else:
            found = self._from_store(kind, key, found_id, rows) or Stream.of(self.decoded(rows))
        self._remember([found])
        return found

    def checked_size(self, kind: str, key: str) -> int | None:
        return len(self.rows_of(kind, key))

    def rows_of(self, kind: str, key: str) -> list:
        """A stream's stored events, checked against its signed head (``Ledger.stream_rows``); a problem names the
        stream as users do ("agreement barnes-1995")."""
        return self.ledger.stream_rows(stream_id(kind, key), name=f"{kind} {key}")

    def _from_store(self, kind: str, key: str, found_id: UUID, rows: Sequence) -> Stream | None:
        """An agreement from its snapshot and the events after it among its ``rows`` (read and checked), if it holds."""
        resumed = self.ledger.resume(found_id, rows) if kind == AGREEMENT else None
        return resumed and self.from_snapshot(kind, key, *resumed, lambda: rows, self.ledger.request_stream)

    def dated_rows(self, stream: str, positions: Sequence[int]) -> dict[int, tuple[str, str]]:
        return self.ledger.dated_rows(stream, positions)

    def rows_at(self, found_id: UUID, versions: Collection[int]) -> Mapping[int, Any] | None:
        return self.ledger.rows_at(found_id, versions)

    def _resumed(self, kind: str, key: str, snapshot: Snapshot, tail: Sequence) -> Stream | None:
        """The stream from its snapshot and the events after it (see ``stream``); as cached, if it is as recent."""
        found_id, size = stream_id(kind, key), snapshot.size + len(tail)
        cached = self._cache.get(found_id)
        if cached is not None and snapshot.size <= cached.version <= size:
            found = cached.extended(tuple(self.decoded(tail[cached.version - snapshot.size:]))) if cached.version < size else cached
        else:
            found = self.from_snapshot(kind, key, snapshot, tail, lambda: self.rows_of(kind, key),
                                       self.ledger.request_stream)
            if found is None:
                return None
        self._remember([found])
        return found

    def directory(self, workspace: Workspace | None = None) -> Directory:
        """Every holder on the registry (see ``Reading.directory``), with the streams staged in ``workspace``:
        the registry's are read once for all the commands staged together, and the directory is made again only
        when a staged command changed the names it is made of."""
        workspace = workspace or Workspace()
        if workspace.names is None:
            workspace.names = self._names_on_registry(workspace)
        return workspace.directory.of(tuple({**workspace.names, **workspace.streams}.values()))

    def _names_on_registry(self, workspace: Workspace) -> dict[UUID, Stream | tuple[str, ...]]:
        """Every agreement and holder on the registry: a stream, or an agreement's names as kept beside its events."""
        if workspace.listed is None:
            workspace.listed = self.listed()
        streams = {stream_id(kind, key): (kind, key) for kind, key in workspace.listed if kind in (AGREEMENT, HOLDER)}
        # only streams recorded in since the last look are read again: one query, however many agreements
        seen = self.ledger.sizes() if self.initialised else {}
        changed = {hex_id for hex_id, size in seen.items() if self._names_seen.get(hex_id) != size}
        for hex_id in changed:
            self._kept.pop(hex_id, None)
        found = {sid: self._at_hand(sid, workspace, changed) for sid in streams}
        if any(names is None for names in found.values()):  # agreements' names as kept beside their events: one query
            self._kept.update((hex_id, kept.names) for hex_id, kept in self.ledger.kept_names().items())
            found = {sid: self._kept.get(sid.hex) if names is None else names for sid, names in found.items()}
        found = {sid: self.stream(*streams[sid]) if names is None else names for sid, names in found.items()}
        self._names_seen = seen
        return found

    def _at_hand(self, sid: UUID, workspace: Workspace, changed: set[str]) -> Stream | tuple[str, ...] | None:
        """A stream staged in the workspace; else as this process last read it, or its names as last kept, if
        nothing was recorded in it since (see ``directory``)."""
        found = workspace.streams.get(sid) or (self._cache.get(sid) if sid.hex not in changed else None)
        return found if found is not None else self._kept.get(sid.hex)

    def _created(self) -> Iterable[Stream]:
        """Streams found by their first events, for stores written before the list was kept."""
        for notification in self.notifications(CREATION_TOPICS + EARLIER_CREATION_TOPICS):
            event = self.mapper.to_domain_event(notification)
            yield Stream.of([event])  # type: ignore[list-item]

    def _prepare_to_write(self, roles: Sequence[str], what: str) -> None:
        """Before a write: the identity may do it; a store written before debtreg signed its log is sealed (its hash
        chain checked, then every stream signed as it stands) and its streams listed, once."""
        self.ledger.require(self.identity, roles, what)
        if self._prepared or not self.initialised:
            self._prepared = True
            return
        if not self.ledger.sealed() and any(True for _ in self.notifications()):
            legacy = verify(self.notifications(), self.legacy_chain) if self.legacy_chain.exists() else None
            if legacy is not None and legacy.problem:
                raise Tampered(f"this store was written before debtreg signed its log, and its hash chain does not hold:"
                               f" {legacy.problem}; it is not sealed")
            assert self.identity is not None
            self.ledger.seal(self.identity, self.ledger.unverified_streams())
        if self.index.get_last() is None:
            earlier = list(self._created())
            if earlier:
                with contextlib.suppress(IntegrityError):  # another writer listed them first
                    self.save(*self._listings([(s.kind, s.key) for s in earlier]))
        self._prepared = True

    def authorise_load(self) -> None:
        """The identity may load journals: an administrator; on a registry without identities, any identity, which
        the load makes its first administrator only once its entries are checked (``record_all``): a refused first
        load leaves the registry without one."""
        if not self._first_to_enrol():
            self._prepare_to_write((ADMINISTRATOR,), "load journals")

    def _first_to_enrol(self) -> bool:
        """Whether this identity is to be the registry's first administrator: there is none yet."""
        return self.identity is not None and not self.ledger.identity_records()

    def _enrol_first(self, at: datetime | None) -> None:
        """On a registry without identities, this identity becomes its first administrator, as of ``at``: the
        recording time its load's entries were stamped with (so they are recorded once their recorder exists).
        Its key is kept first (``keep_key``: the command line writes its key file), so none is enrolled unkept."""
        if not self._first_to_enrol():
            return
        if self.keep_key is not None:
            self.keep_key(self.identity)
        self.enrolled_first = self.ledger.enrol_first(self.identity, at=at)

    def _listings(self, streams: Sequence[tuple[str, str]]) -> list[Listed]:
        last = self.index.get_last()
        version = last.originator_version if last is not None else 0
        return [
            self.index.trigger_event(next_originator_version=version + n, kind=kind, key=key)
            for n, (kind, key) in enumerate(streams, start=1)
        ]

    # ---------------------------------------------------------------- writing

    def execute(self, command: Command, *, request: Request | None = None) -> Staged:
        """Decide and record one command as the registry's identity; decided again on fresh state if another writer won.
        A command given no request id gets one of its own (``local/...``), as the command line's do: an entry's
        events are found together by their id, so a reversal of one of them takes them all."""
        self._prepare_to_write(RECORDERS, "record")
        request = request or Request()
        if request.entry is None:
            request = replace(request, entry=f"local/{uuid4().hex}")
        provenance = provenance_of(command, self.recorder_name, request)
        deadline = time.monotonic() + PATIENCE
        attempt = 0
        while True:
            staged = self.stage(command, provenance, Workspace())
            if not staged.events:
                return staged
            try:
                self._save_staged([staged], snapshot={staged.stream.id})
            except IntegrityError:
                attempt += 1
                if time.monotonic() >= deadline:
                    break
                # back off with jitter, so racing writers do not retry in step
                time.sleep(random.uniform(0, min(0.5, 0.005 * 2**attempt)))
                continue
            self._remember([staged.stream])
            return staged
        raise Contended(
            f"other writers kept changing {command.key} while this entry was checked ({attempt} tries in"
            f" {PATIENCE:.0f} s); nothing was recorded: run the command again"
        )

    def record(self, key: str, entry: EntryIn, *, request_id: str | None = None, source: str | None = None) -> Staged:
        """Record an entry given from outside (the command line, the API, a test): its command, once per request id."""
        request = Request(request_id, entry.fingerprint() if request_id else None, source)
        return self.execute(entry.command(key), request=request)

    def preview(self, key: str, entry: EntryIn, *, request_id: str | None = None) -> Staged:
        """What recording an entry would record, decided as ``record`` decides it, with nothing saved (a dry run).
        Like checking a journal it asks no role: it changes nothing."""
        command = entry.command(key)
        request = Request(request_id, entry.fingerprint() if request_id else None)
        return self.stage(command, provenance_of(command, self.recorder_name, request), Workspace())

    @property
    def recorder_name(self) -> str:
        """Who records: the registry's identity (``nobody`` for a registry that only checks)."""
        return self.identity.name if self.identity is not None else "nobody"

    def stage(self, command: Command, provenance: Provenance, workspace: Workspace) -> Staged:
        """Decide a command against the workspace (streams as earlier staged commands leave them)."""
        stream = self._stream(command.stream_kind, command.key, workspace)
        if stream is not None:
            earlier = stream.recorded(provenance.entry, provenance.fingerprint)
            if earlier:
                return Staged(command, provenance, stream, earlier=earlier)
        if provenance.entry is not None:
            claimed = workspace.requests
            owner = claimed.get(provenance.entry) if claimed is not None else self.ledger.request_stream(provenance.entry)
            if owner is not None and owner != stream_id(command.stream_kind, command.key).hex:
                raise ConflictingEntry(f"request id {provenance.entry!r} was used already, for another stream;"
                                       " request ids are unique across the registry: give another")
        for kind, key in command.requires():
            if self._stream(kind, key, workspace) is None:
                raise not_on_registry(kind, key)
        # a command that names no holder (a coupon, a prepayment) is decided without the registry's directory
        directory = self.directory(workspace) if command.names_holders else None
        if workspace.now is None:
            workspace.now = self.now()
        decision = decide(command, stream, provenance, now=workspace.now, directory=directory)
        workspace.streams[decision.stream.id] = decision.stream
        return Staged(command, provenance, decision.stream, decision.events)

    def record_all(self, staged: Sequence[Staged], progress: Callable[[Staged], None] | None = None) -> None:
        """Save staged commands (a load of journals) in order, whole commands in batches of about ``BATCH``
        events, each batch in its own transaction; an agreement's snapshot with its last batch. On a registry
        without identities, the load's identity is made its first administrator before (``_enrol_first``)."""
        self._enrol_first(at=min((event.timestamp for item in staged for event in item.events), default=None))
        self._prepare_to_write((ADMINISTRATOR,), "load journals")
        done = 0
        last = {item.stream.id: at for at, item in enumerate(staged) if item.events}
        try:
            for batch in batches(staged, BATCH):
                if any(item.events for item in batch):
                    ends = {sid for sid, at in last.items() if done <= at < done + len(batch)}
                    self._save_staged([item for item in batch if item.events], snapshot=ends)
                done += len(batch)
                for item in batch if progress is not None else ():
                    progress(item)
        except (KeyboardInterrupt, Exception) as error:
            reason = "interrupted" if isinstance(error, KeyboardInterrupt) else getattr(error, "args", [""])[0] or type(error).__name__
            raise LoadInterrupted(f"the load stopped after {done} of {len(staged)} entries ({reason}); the {done} entries"
                                  " before it are recorded, whole, and loading the same journals again records the rest") from error
        finally:
            self._remember([item.stream for item in staged[:done] if item.stream.version])

    def now(self) -> datetime:
        """The recording time: the store's, never this machine's (see ``Ledger.store_time``)."""
        return self.ledger.store_time()

    def _save_staged(self, staged: Sequence[Staged], snapshot: Collection[UUID] = ()) -> None:
        """Save staged commands in one transaction, with the snapshots of the agreements in ``snapshot``."""
        events: list[DomainEvent] = [e for item in staged for e in item.events]
        created = [(item.stream.kind, item.stream.key) for item in staged if item.command.creates and item.events]
        requests = [(item.provenance.entry, item.stream.id.hex) for item in staged if item.provenance.entry and item.events]
        latest = {item.stream.id: item.stream for item in staged if item.events and item.stream.version}
        agreements = [stream for stream in latest.values() if stream.kind == AGREEMENT]
        names = [KeptNames.of(stream) for stream in agreements]
        snapshots = {stream.id.hex: found for stream in agreements if stream.id in snapshot and (found := Snapshot.of(stream))}
        self.save(*events, *(self._listings(created) if created else ()), requests=requests, names=names,
                  snapshots=list(snapshots.values()))
        for stream in agreements:  # what the next save keeps of it, and writes again, starts from what this one kept
            if stream.id.hex in snapshots:
                stream.timeline.keep(snapshots[stream.id.hex].values, self._saved_along(stream, snapshots[stream.id.hex]))

    def _saved_along(self, stream: Stream, snapshot: Snapshot) -> tuple[Dated, Known] | None:
        """How a stream just saved finds its states as of earlier dates, and as known at earlier moments, from the
        states the save wrote along business time (``Reading._along_business_time``), its events read (and checked)
        only when a view or a command asks for one of them."""
        rows = StreamRows(lambda: self.rows_of(stream.kind, stream.key))
        return self._along_business_time(stream.key, stream.id.hex, snapshot.values, rows,
                                         lambda: self.decoded(rows()[: snapshot.size]))

    def _remember(self, streams: Iterable[Stream]) -> None:
        """Cache streams as saved; only after their events are saved, so the cache never runs ahead of the store."""
        for stream in streams:
            self._cache.put(stream.id, stream)

    def _stream(self, kind: str, key: str, workspace: Workspace) -> Stream | None:
        found_id = stream_id(kind, key)
        if found_id not in workspace.streams:
            found = self.stream(kind, key, resume=True)
            if found is None:
                return None
            workspace.streams[found_id] = found
        return workspace.streams[found_id]


def by_entry(recordings: Sequence[Any]) -> list[list]:
    """Saved events' notifications, each entry's events on a stream together, sorted by stream and position: a
    load saves many entries at once, yet every entry gets its own signed head, so `verify` still names the entry
    an edit touched."""
    groups: list[list] = []
    last = None
    for recording in sorted(recordings, key=lambda r: (r.notification.originator_id.hex, r.notification.originator_version)):
        provenance = getattr(recording.domain_event, "provenance", None)
        key = (recording.notification.originator_id, getattr(provenance, "entry", None))
        if key != last or not groups:
            groups.append([])
            last = key
        groups[-1].append(recording.notification)
    return groups


def batches(staged: Sequence[Staged], size: int) -> Iterator[list[Staged]]:
    """Staged commands in order, in runs of whole commands holding at least ``size`` events (the last, fewer)."""
    batch: list[Staged] = []
    events = 0
    for item in staged:
        batch.append(item)
        events += len(item.events)
        if events >= size:
            yield batch
            batch, events = [], 0
    if batch:
        yield batch


def provenance_of(command: Command, recorded_by: str, request: Request) -> Provenance:
    return Provenance(
        recorded_by=recorded_by,
        evidence=command.evidence,
        assumptions=command.assumptions,
        entry=request.entry,
        fingerprint=request.fingerprint,
        source=request.source,
    )


@dataclass(frozen=True)
class ReadModels:
    """What verify checks of one stream's read models (``read_models_problem``), as read with the registry's list
    of streams: plain values, so that a worker process can be handed it."""

    stream: str  # its id, hex
    name: str  # as a problem names it
    agreement: str | None  # its key, if it is an agreement on the registry
    kept: KeptNames | None  # its holder names as kept
    stored: Snapshot | None = None  # its snapshot, whose signature and binding to its tree head hold
    snapshot_problem: str | None = None  # or what is wrong with them


def _stored(found: tuple[Any, str | None] | None) -> tuple[Snapshot | None, str | None]:
    """A snapshot's row and the problem with its signature, if any, as ``ReadModels`` keeps them."""
    if found is None:
        return None, None
    row, problem = found
    return (None, problem) if problem else (Snapshot.of_row(row), None)


def read_models_problem(registry: Registry, check: ReadModels) -> str | None:
    """What is wrong with one stream's read models kept beside its events, in words; ``None`` if they hold. Its events
    are read and decoded once for both: the holder names (they decide no figure, but name holders and tell a new
    holder from a look-alike) and the snapshot (signed over its stream's tree head, and holding the state its events
    fold to: commands and views start from one). One edited outside debtreg is reported, as an event would be."""
    rows = registry.ledger.stream_rows(UUID(check.stream), verify=False) if not check.snapshot_problem else []
    folded = None  # the stream folded to its snapshot's size, once, for both checks
    problem, stored = check.snapshot_problem, check.stored
    if stored is not None:
        folded = Stream.of(registry.decoded(rows[: stored.size])) if len(rows) >= stored.size else None
        expected = folded and Snapshot.of(folded)
        same = expected is not None and stored.folds_as(replace(expected, claimed=stored.claimed, entries=None))
        problem = None if same else "does not hold the state its events fold to"
        dated = dated_problem(stored, registry.ledger.dated_rows(check.stream)) if same else None
        if dated:
            return (f"the snapshot of {check.name} {dated} (the read model a view of an earlier date starts from):"
                    " edited outside debtreg? It is not used: views of the dates it serves read and fold the events"
                    " instead until `debtreg snapshots` writes it again")
    if problem:
        return (f"the snapshot of {check.name} (the read model a command or view starts from) {problem}: edited"
                " outside debtreg? It is not used, and is written again when its next entry is recorded, or by"
                " `debtreg snapshots`")
    kept = check.kept
    if kept is None:
        return None
    if check.agreement is None or not 0 < kept.version <= len(rows):
        found = None
    elif folded is not None and folded.version == kept.version:
        found = KeptNames.of(folded).names
    else:
        found = registry.names_of(rows[: kept.version])
    if found != kept.names:
        called = f"agreement {check.agreement}" if check.agreement else f"stream {check.stream[:8]}, which is not an agreement on the registry,"
        return (f"the holder names kept for {called} (the read model that resolves holder names) do not match"
                " its events: edited outside debtreg? They are rewritten when its next entry is recorded")
    return None


def snapshot_of(registry: Registry, key: str) -> Snapshot | None:
    """An agreement's snapshot, from its events read whole and checked against its signed heads."""
    return Snapshot.of(Stream.of(registry.decoded(registry.rows_of(AGREEMENT, key))))


def open_reader(url: str | None) -> Registry:
    """The registry at ``url``, to read (a worker process's: see ``adapters.workers``)."""
    return Registry(url, read_only=True)
