"""Tamper evidence: each stream's entries as a Merkle tree, every batch signed by who recorded it.

Every save appends its events to their streams' trees (RFC 6962, as in
Certificate Transparency) and writes, in the same transaction, one signed tree
head per stream: its size, root and the recording time, signed with the
recording identity's Ed25519 key. Streams never wait on one another: there is
no global chain head. The registry's root is the Merkle root of every stream's
latest head; it is what an auditor keeps (``debtreg digest``).

Reading checks what is read, in one snapshot of the store: a stream's events
rebuild its tree, and every signed head must match it and be signed by a
recording identity an administrator registered. An edited, deleted, inserted
or reordered event, and an event appended without a signature, are named, never
shown as if they held (the checks are ``adapters.heads``'s, shared with a view's reader). The proofs an
auditor checks alone are made here too (``adapters.offline_verifier`` checks them).
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any
from uuid import UUID

from sqlalchemy import (
    Boolean,
    Column,
    Index,
    Integer,
    MetaData,
    Select,
    String,
    Table,
    Text,
    delete,
    func,
    inspect,
    select,
    text,
    true,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

from adapters.heads import (
    HEAD_COLUMNS,
    Head,
    IdentityRecord,
    Row,
    Tampered,
    check_stream,
    extends,
    frontier_of,
    frontier_root,
    head_of_row,
    leaf,
    parse_frontier,
    signatures_hold,
    stored_bytes,
    stream_hex,
    verified,
)
from adapters.identity import ADMINISTRATOR, REVOKED, ROLES, NotAllowed, Signer, signed_by
from adapters.offline_verifier import (
    consistency_proof,
    head_message,
    identity_message,
    inclusion_path,
    leaf_hash,
    root,
)
from adapters.reading import KeptNames, Progress, advancing, fresh_names
from adapters.snapshots import Snapshot, holding, schema, snapshot_signed, well_formed
from domain.errors import RegistryError

PAGE = 2000
RECHECK = 60.0  # seconds a process trusts what it verified before checking a stream in full again


class NoSuchHead(RegistryError):
    rule = "a proof is made between tree heads the registry signed, of the entries they cover"


class UnknownIdentity(RegistryError):
    rule = "identities are registered by an administrator"


@dataclass(frozen=True)
class Checked:
    """The outcome of checking the log: how many events, the first problem, the registry head now."""

    events: int
    problem: str | None
    head: dict | None
    note: str | None = None

    @property
    def intact(self) -> bool:
        return self.problem is None


@dataclass(frozen=True)
class Checkpoint:
    """A stream as this process verified it: its first ``size`` events, their tree's frontier, and the
    signature of the head they matched."""

    size: int
    frontier: list
    rows: list
    signature: str
    checked_at: float = field(default_factory=time.monotonic)

    @property
    def fresh(self) -> bool:
        return time.monotonic() - self.checked_at < RECHECK


def signature_columns() -> list[Column]:
    """When, by whom and with which key a row was signed, and the signature: a tree head's, a snapshot's."""
    return [Column("recorded_at", String(40), nullable=False), Column("signer", String(200), nullable=False),
            Column("public_key", String(64), nullable=False), Column("signature", String(128), nullable=False)]


class Ledger:
    """The tables beside the event table: signed tree heads, identities, request ids."""

    def __init__(self, engine: Engine, events_table: Table, *, create: bool = True) -> None:
        self.engine, self.events_table = engine, events_table
        prefix = events_table.name.removesuffix("_events")
        metadata = MetaData()
        self.heads = Table(
            f"{prefix}_heads", metadata,
            Column("stream", String(32), primary_key=True),
            Column("size", Integer, primary_key=True),
            Column("root", String(64), nullable=False),
            Column("frontier", Text, nullable=False),
            *signature_columns(),
        )
        self.identities = Table(
            f"{prefix}_identities", metadata,
            Column("seq", Integer, primary_key=True, autoincrement=True),
            Column("name", String(200), nullable=False),
            Column("role", String(20), nullable=False),
            Column("public_key", String(64), nullable=False),
            Column("added_at", String(40), nullable=False),
            Column("added_by", String(200), nullable=False),
            Column("signed_by", String(64), nullable=False),
            Column("signature", String(128), nullable=False),
        )
        self.requests = Table(
            f"{prefix}_requests", metadata,
            Column("request", String(500), primary_key=True),
            Column("stream", String(32), nullable=False),
        )
        # a read model, not the record: each agreement's holder names as its last save left them (see ``kept_names``)
        self.names = Table(
            f"{prefix}_holder_names", metadata,
            Column("stream", String(32), primary_key=True),
            Column("version", Integer, nullable=False),
            Column("names", Text, nullable=False),
        )
        # a read model too: each agreement's state after its latest save, signed (see ``adapters.snapshots``)
        self.snapshots = Table(
            f"{prefix}_snapshots", metadata,
            Column("stream", String(32), primary_key=True),
            Column("size", Integer, nullable=False),
            Column("in_force", Integer, nullable=False),
            Column("latest", String(10), nullable=False),
            Column("closed", Integer, nullable=False),
            Column("last_number", Integer, nullable=False),
            Column("names", Text, nullable=False),
            Column("state", Text, nullable=False),
            Column("schema", String(64), nullable=False),
            Column("claimed", Boolean, nullable=False),
            *signature_columns(),
        )
        # and the states along business time each snapshot lists by digest (see ``along_business_time``)
        self.dated = Table(
            f"{prefix}_dated", metadata,
            Column("stream", String(32), primary_key=True),
            Column("position", Integer, primary_key=True),
            Column("segment", Text, nullable=False),
            Column("state", Text, nullable=False),
        )
        # each stream's size, as its latest save left it: what a process asks of the others' writes (``tips``)
        self.tips = Table(
            f"{prefix}_tips", metadata,
            Column("stream", String(32), primary_key=True),
            Column("size", Integer, nullable=False),
        )
        indexes = [Index(f"{prefix}_heads_recorded_at", self.heads.c.recorded_at),  # the latest time, found at once
                   Index(f"{prefix}_requests_stream", self.requests.c.stream)]  # a stream's claims, counted at once
        if create:
            new_tips = not inspect(engine).has_table(self.tips.name)
            metadata.create_all(engine, checkfirst=True)
            if new_tips:  # a store written before the sizes were kept: taken from its heads, once
                with engine.begin() as connection:
                    connection.execute(_insert(engine, self.tips).from_select(
                        ["stream", "size"],  # (SQLite reads ON CONFLICT after a SELECT without WHERE as a join's)
                        select(self.heads.c.stream, func.max(self.heads.c.size)).where(true()).group_by(self.heads.c.stream),
                    ).on_conflict_do_nothing())
            for index in indexes:  # a store made before an index was kept gets it too
                index.create(engine, checkfirst=True)
        self._present = create
        self._checkpoints: dict[str, Checkpoint] = {}

    @property
    def present(self) -> bool:
        """Whether the ledger's tables exist (a store opened read-only may predate them)."""
        if not self._present:
            self._present = inspect(self.engine).has_table(self.heads.name)
        return self._present

    def _has(self, table: Table) -> bool:
        """Whether a table beside the log exists: a store written by an earlier release may lack the newer ones."""
        return self.present and inspect(self.engine).has_table(table.name)

    # ---------------------------------------------------------------- writing

    def append(self, session: Session, entries: Sequence[Sequence], signer: Signer,
               recorded_at: datetime) -> dict[str, tuple[int, list]]:
        """Extend each stream's tree with its new events and sign a new head after each entry's events (the
        notifications of one entry on one stream, in order), in the saving transaction; each stream's new size
        and frontier."""
        when = recorded_at.astimezone(UTC).isoformat()
        tips: dict[str, tuple[int, list]] = {}
        heads = []
        for items in entries:
            stream = stream_hex(items[0].originator_id)
            if stream not in tips:
                tips[stream] = self.tip(session, stream)
            size, frontier = tips[stream]
            if items[0].originator_version != size + 1:
                raise Tampered(f"the log of stream {stream[:8]} has a signed head of {size} events but the next event"
                               f" recorded is No. {items[0].originator_version}: run `debtreg verify`")
            frontier = frontier_of(items, frontier)
            heads.append(signed_head(stream, size + len(items), frontier, when, signer))
            tips[stream] = (size + len(items), frontier)
        if heads:
            session.execute(self.heads.insert(), heads)  # one statement for all of them
            for stream in sorted(tips):  # in one order, so two saves of the same streams never wait on each other in turn
                upsert = _insert(session.get_bind(), self.tips).values(stream=stream, size=tips[stream][0])
                session.execute(upsert.on_conflict_do_update(index_elements=["stream"], set_={"size": upsert.excluded.size}))
        return tips

    def tip(self, session: Session, stream: str) -> tuple[int, list]:
        """A stream's size and tree frontier as its latest signed head has them, in the writing transaction."""
        last = session.execute(
            select(self.heads).where(self.heads.c.stream == stream).order_by(self.heads.c.size.desc()).limit(1)
        ).first()
        return (last.size, parse_frontier(last.frontier)) if last else (0, [])

    def keep_snapshots(self, session: Session, snapshots: Sequence[Snapshot], tips: dict[str, tuple[int, list]],
                       signer: Signer, recorded_at: datetime) -> list[str]:
        """Each agreement's snapshot, replacing the one kept for it, signed and bound to the tree head of its size
        (``tips``, as ``append`` just signed them), in the saving transaction; the streams whose snapshot it wrote
        (not one whose head is not of its size)."""
        when = recorded_at.astimezone(UTC).isoformat()
        rows = []
        for snapshot in snapshots:
            size, frontier = tips.get(snapshot.stream, (None, []))
            if size != snapshot.size:
                continue
            previous = session.execute(select(self.snapshots.c.claimed).where(self.snapshots.c.stream == snapshot.stream)).first()
            claimed = bool(previous and previous.claimed) or snapshot.entries == session.execute(
                select(func.count()).select_from(self.requests).where(self.requests.c.stream == snapshot.stream)).scalar()
            snapshot = replace(snapshot, claimed=claimed)
            rows.append({**snapshot.row(), "recorded_at": when, "signer": signer.name, "public_key": signer.public_key,
                         "signature": signer.sign(snapshot.message(frontier_root(frontier).hex()))})
            session.execute(delete(self.dated).where((self.dated.c.stream == snapshot.stream)
                                                     & (self.dated.c.position > snapshot.rewrite_from)))
            if snapshot.rows:
                session.execute(self.dated.insert(), [{"stream": snapshot.stream, "position": position, "segment": segment,
                                                       "state": state} for position, segment, state in snapshot.rows])
        if rows:
            session.execute(delete(self.snapshots).where(self.snapshots.c.stream.in_([r["stream"] for r in rows])))
            session.execute(self.snapshots.insert(), rows)
        return [row["stream"] for row in rows]

    def dated_rows(self, stream: str, positions: Sequence[int] | None = None) -> dict[int, tuple[str, str]]:
        """A stream's rows of states along business time (at ``positions``, or all), as (segment, state) by position."""
        if not positions and positions is not None or not self._has(self.dated):
            return {}
        query = select(self.dated).where(self.dated.c.stream == stream)
        if positions is not None:
            query = query.where(self.dated.c.position.in_(positions))
        with snapshot(self.engine) as connection:
            return {row.position: (row.segment, row.state) for row in connection.execute(query)}

    def claim_requests(self, session: Session, requests: Sequence[tuple[str, str]]) -> None:
        """Request ids are unique across the registry: each is claimed by one stream, in the saving transaction."""
        if requests:
            session.execute(self.requests.insert(), [{"request": request, "stream": stream} for request, stream in requests])

    def keep_names(self, session: Session, kept: Sequence[KeptNames]) -> None:
        """Each saved agreement's holder names in force, replacing what was kept for it, in the saving transaction."""
        if kept:
            session.execute(delete(self.names).where(self.names.c.stream.in_([k.stream for k in kept])))
            session.execute(self.names.insert(), [k.row() for k in kept])

    def kept_names(self, unreadable: bool = False) -> dict[str, KeptNames]:
        """The holder names kept for each agreement whose row is as recent as its latest signed head (see
        ``adapters.reading.fresh_names``, and for ``unreadable``); none on a store from before they were kept."""
        if not self._has(self.names):
            return {}
        with snapshot(self.engine) as connection:
            rows = connection.execute(select(self.names.c.stream, self.names.c.version, self.names.c.names)).all()
            latest = self.latest_heads(connection)
        return fresh_names(rows, {stream: head.size for stream, head in latest.items()}, unreadable)

    def request_stream(self, request: str) -> str | None:
        return self.request_streams([request]).get(request)

    def request_streams(self, requests: Sequence[str]) -> dict[str, str]:
        """The streams (hex ids) that claimed any of ``requests`` already: a load asks for all its entries at once."""
        if not self.present:
            return {}
        found: dict[str, str] = {}
        with self.engine.connect() as connection:
            for start in range(0, len(requests), PAGE):
                chunk = requests[start:start + PAGE]
                found.update(connection.execute(select(self.requests.c.request, self.requests.c.stream)
                                                .where(self.requests.c.request.in_(chunk))).all())
        return found

    def store_time(self) -> datetime:
        """Recorded time from the store, never a workstation's clock: PostgreSQL's clock; for an SQLite file, the
        writing machine's clock but never before the latest time already recorded (one sequence all writers share)."""
        with self.engine.connect() as connection:
            if self.engine.dialect.name == "postgresql":
                return connection.execute(text("select clock_timestamp()")).scalar_one().astimezone(UTC)
            recorded = [connection.execute(select(func.max(self.heads.c.recorded_at))).scalar(),
                        connection.execute(select(func.max(self.identities.c.added_at))).scalar()] if self.present else []
        now = datetime.now(UTC)
        latest = max((datetime.fromisoformat(t) for t in recorded if t), default=None)
        return latest + timedelta(microseconds=1) if latest is not None and latest >= now else now

    # ------------------------------------------------------------- identities

    def identity_records(self, connection: Connection | None = None) -> list[IdentityRecord]:
        if not self.present:
            return []
        if connection is None:
            with self.engine.connect() as fresh:
                return self.identity_records(fresh)
        rows = connection.execute(select(self.identities).order_by(self.identities.c.seq)).all()
        return [IdentityRecord(**row._mapping) for row in rows]

    def current(self, name: str) -> IdentityRecord | None:
        return _current_of(self.identity_records(), name)

    def register(self, name: str, role: str, public_key: str, by: Signer, at: datetime | None = None) -> IdentityRecord:
        """An identity added (or its role changed, or revoked) by an administrator; the first administrator
        registers itself. Rows are only ever added. Added now, in store time, or ``at``: a time read from the store
        (``store_time``) since which nothing was recorded, as when a first load enrols its recorder as of the
        time it stamped its entries with."""
        records = self.identity_records()
        if role not in (*ROLES, REVOKED):
            raise NotAllowed(f"{role!r} is not a role; the roles are {', '.join(ROLES)}")
        if records:
            admin = _current_of(records, by.name)
            if admin is None or admin.role != ADMINISTRATOR or admin.public_key != by.public_key:
                raise NotAllowed(f"{by.name} is not an administrator of this registry: only an administrator manages identities")
        elif not (name == by.name and role == ADMINISTRATOR and public_key == by.public_key):
            raise NotAllowed("this registry has no identities yet: its first is an administrator registering itself")
        if any(r.public_key == public_key and r.name != name for r in records):
            raise NotAllowed("that key is another identity's")
        if records and role != ADMINISTRATOR and not _administrators(records, besides=name):
            raise NotAllowed(f"{name} is the registry's only administrator: no administrator left could add an identity"
                             " or load a journal again; add another administrator first (debtreg identity add NAME"
                             " --role administrator)")
        record = {"name": name, "role": role, "public_key": public_key, "added_at": (at or self.store_time()).isoformat(),
                  "added_by": by.name, "signed_by": by.public_key}
        with self.engine.begin() as connection:
            connection.execute(self.identities.insert().values(**record, signature=by.sign(identity_message(record))))
        found = self.current(name)
        assert found is not None
        return found

    def enrol_first(self, signer: Signer, at: datetime | None = None) -> bool:
        """A registry with no identities yet takes ``signer`` as its first administrator, registering itself (what
        ``debtreg identity init`` does), as of ``at`` if given (see ``register``); whether it did."""
        if self.identity_records():
            return False
        self.register(signer.name, ADMINISTRATOR, signer.public_key, signer, at=at)
        return True

    def require(self, signer: Signer | None, roles: Sequence[str], what: str) -> None:
        """The acting identity is registered, with this key, in one of ``roles``."""
        if not self.identity_records():
            raise UnknownIdentity(f"to {what}: this registry has no identities yet: its first administrator makes"
                                  " itself one with `debtreg identity init NAME` (a first load does it too)")
        if signer is None:
            raise NotAllowed(f"to {what} needs an identity: give --identity KEYFILE (or set DEBTREG_IDENTITY);"
                             " an administrator makes one with `debtreg identity add`")
        record = self.current(signer.name)
        if record is None or record.public_key != signer.public_key:
            raise UnknownIdentity(f"{signer.name} is not an identity of this registry (or its key file is not the one"
                                  " registered): ask an administrator to add it")
        if record.role not in roles:
            raise NotAllowed(f"{signer.name} is registered as {record.role}; to {what} needs the role"
                             f" {' or '.join(roles)}")

    # ---------------------------------------------------------------- reading

    def stream_rows(self, stream_id: UUID, *, verify: bool = True, name: str | None = None) -> list:
        """A stream's stored events, checked against its latest signed head in the same snapshot of the store
        (``name`` is what the stream is called in a problem): every event shown is one its recorder signed.

        What this process verified already is a checkpoint (the events, and the frontier of their tree): a later
        read fetches and hashes only the events recorded since, and every ``RECHECK`` seconds everything again
        (so a long-running server notices an old event edited). ``verify`` checks every head and event, every time."""
        stream = stream_hex(stream_id)
        checkpoint = self._checkpoints.get(stream) if verify else None
        checkpoint = checkpoint if checkpoint is not None and checkpoint.fresh else None
        known = checkpoint.rows if checkpoint else []
        with snapshot(self.engine) as connection:
            new = self._rows(connection, stream_id, len(known))
            rows = [*known, *new] if new else known  # not copied when nothing is new: a long stream's list is long
            if not verify or not self.present:
                return rows
            # the latest head alone binds every event shown; `verify` checks the earlier heads too
            latest = connection.execute(
                select(self.heads).where(self.heads.c.stream == stream).order_by(self.heads.c.size.desc()).limit(1)).all()
            heads = [head_of_row(r._mapping) for r in latest]
            sealed = bool(heads) or connection.execute(select(self.heads.c.stream).limit(1)).first() is not None
            identities = self.identity_records(connection) if heads else []
        called = name or f"stream {stream[:8]}"
        if checkpoint and heads and heads[0].size >= checkpoint.size and len(rows) == heads[0].size:
            if heads[0].size == checkpoint.size and heads[0].signature == checkpoint.signature:
                return rows
            frontier = extends(checkpoint.frontier, rows[checkpoint.size:], heads[0], identities)
            if frontier is not None:
                self._checkpoints[stream] = Checkpoint(len(rows), frontier, rows, heads[0].signature, checkpoint.checked_at)
                return rows
        self._checkpoints.pop(stream, None)
        if checkpoint:  # check everything afresh: what was verified may since have changed
            return self.stream_rows(stream_id, verify=True, name=name)
        verified(called, rows, heads, identities, sealed=sealed, every_head=lambda: self.heads_of(stream_id))
        if heads:  # the frontier the rows were just checked to make: as the head keeps it, if its root is the same
            kept = parse_frontier(latest[0].frontier)
            frontier = kept if frontier_root(kept).hex() == heads[0].root else frontier_of(rows)
            self._checkpoints[stream] = Checkpoint(len(rows), frontier, rows, heads[0].signature)
        return rows

    def rows_at(self, stream_id: UUID, versions: Collection[int]) -> dict[int, Row] | None:
        """A stream's stored events at these positions (with their neighbours), by position, read in runs of recording
        order, each run checked alone against the first signed head at or after its end: the frontier kept with the
        last head before the run, extended by the events from there, must give that head's signed root. Each event's
        leaf commits to its place in the stream, so an event that passes is the one recorded there, whatever that
        frontier holds. How a command reads a few earlier events (those a reversal takes out, those after a state
        kept along business time) without reading the stream; ``None`` where a run cannot be read so (no head
        after it, or one that does not hold): read the stream, which names the problem."""
        stream = stream_hex(stream_id)
        checkpoint = self._checkpoints.get(stream)
        if checkpoint is not None and checkpoint.fresh and max(versions, default=0) <= checkpoint.size:
            return {v: checkpoint.rows[v - 1] for v in versions}  # checked already
        heads, found = self.heads.c, {}
        with snapshot(self.engine) as connection:
            identities = self.identity_records(connection)
            for first, last in runs(sorted(set(versions)), RUN_GAP):
                after = connection.execute(select(self.heads).where((heads.stream == stream) & (heads.size >= last))
                                           .order_by(heads.size).limit(1)).first()
                before = connection.execute(select(heads.size, heads.frontier).where((heads.stream == stream) & (heads.size < first))
                                            .order_by(heads.size.desc()).limit(1)).first()
                if after is None:
                    return None
                rows = self._rows(connection, stream_id, before.size if before is not None else 0, after.size)
                try:
                    frontier = parse_frontier(before.frontier) if before is not None else []
                    if extends(frontier, rows, head_of_row(after._mapping), identities) is None:
                        return None
                except (TypeError, ValueError, Tampered):  # a frontier or head edited into what is not one
                    return None
                found.update((r.originator_version, r) for r in rows)
        return found

    def _rows(self, connection: Connection, stream_id: UUID, after: int, upto: int | None = None) -> list[Row]:
        """A stream's stored events after position ``after`` (up to ``upto``), in order, as they are read to check."""
        events = self.events_table.c
        range_ = (events.originator_id == stream_id) & (events.originator_version > after)
        if upto is not None:
            range_ &= events.originator_version <= upto
        return [Row(r[0], stream_id, r[1], r[2], r[3]) for r in connection.execute(
            select(events.id, events.originator_version, events.topic, events.state).where(range_)
            .order_by(events.originator_version))]

    def resume(self, stream_id: UUID, rows: Sequence | None = None) -> tuple[Snapshot, Sequence] | None:
        """A stream's snapshot and the events recorded after it, in one snapshot of the store, if they hold: the
        snapshot signed by a recording identity over the root of its stream's tree head of the same size, folded
        by this code, and the events after it extending that tree to the latest signed head. Else ``None``: the
        stream is read whole (``stream_rows``), which names whatever does not hold. Given the stream's ``rows``
        (read and checked), the events after it are those."""
        stream = stream_hex(stream_id)
        if not self._has(self.snapshots):
            return None
        with snapshot(self.engine) as connection:
            kept = connection.execute(select(self.snapshots).where(self.snapshots.c.stream == stream)).first()
            if kept is None or not well_formed(kept) or kept.schema != schema():
                return None
            heads = {r.size: r for r in connection.execute(select(self.heads).where(
                (self.heads.c.stream == stream) & ((self.heads.c.size == kept.size) | (self.heads.c.size == select(
                    func.max(self.heads.c.size)).where(self.heads.c.stream == stream).scalar_subquery())))).all()}
            tail = rows[kept.size:] if rows is not None else self._rows(connection, stream_id, kept.size)
            identities = self.identity_records(connection)
        latest = heads.get(max(heads, default=0))
        found = holding(kept, heads.get(kept.size), head_of_row(latest._mapping) if latest else None, tail, identities)
        return (found, tail) if found is not None else None

    def snapshot_problems(self) -> Iterator[tuple[Any, str | None]]:
        """Each snapshot kept by this code (see ``adapters.snapshots.schema``), as its row, and what is wrong with
        its signature or its binding to its stream's tree head, if anything."""
        if not self._has(self.snapshots):
            return
        with snapshot(self.engine) as connection:
            kept = connection.execute(select(self.snapshots).where(self.snapshots.c.schema == schema())).all()
            identities = self.identity_records(connection)
            heads = {(r.stream, r.size): r for r in connection.execute(select(self.heads).join(
                self.snapshots, (self.heads.c.stream == self.snapshots.c.stream) & (self.heads.c.size == self.snapshots.c.size)))}
        for row in kept:
            at = heads.get((row.stream, row.size))
            if not well_formed(row):
                problem = "is malformed (a value not of its column's kind)"
            elif at is None:
                problem = f"is of {row.size} events, but no tree head of {row.size} events is signed: events removed?"
            elif not snapshot_signed(row, at, identities):
                problem = "is not signed by a recording identity over its stream's tree head of the same size"
            else:
                problem = None
            yield row, problem

    def sizes(self) -> dict[str, int]:
        """Each stream's size (hex id: events), as its latest save left it: one row a stream, however long their
        histories. A store whose sizes are not kept (opened read-only, written before they were) gives its heads'."""
        if not self.present:
            return {}
        query = (select(self.tips.c.stream, self.tips.c.size) if self._has(self.tips)
                 else select(self.heads.c.stream, func.max(self.heads.c.size)).group_by(self.heads.c.stream))
        with self.engine.connect() as connection:
            return dict(connection.execute(query).all())  # type: ignore[arg-type]

    def latest_heads(self, connection: Connection) -> dict[str, Head]:
        if not self.present:
            return {}
        latest = select(self.heads.c.stream, func.max(self.heads.c.size).label("size")).group_by(self.heads.c.stream).subquery()
        rows = connection.execute(
            select(self.heads).join(latest, (self.heads.c.stream == latest.c.stream) & (self.heads.c.size == latest.c.size))
        ).all()
        return {r.stream: head_of_row(r._mapping) for r in rows}

    def heads_of(self, stream_id: UUID) -> list[Head]:
        if not self.present:
            return []
        with self.engine.connect() as connection:
            rows = connection.execute(
                self._every_head().where(self.heads.c.stream == stream_hex(stream_id)).order_by(self.heads.c.size)
            ).all()
        return [Head(*row) for row in rows]

    def _every_head(self) -> Select:
        """Heads as read in number (every head of a stream, or of the log): their ``HEAD_COLUMNS``, in that order."""
        return select(*(self.heads.c[name] for name in HEAD_COLUMNS))

    # ------------------------------------------------------------------ proofs

    def inclusion(self, stream_id: UUID, version: int, size: int | None = None) -> dict:
        """An inclusion proof of one entry against a signed head of its stream (the latest, or that of ``size``)."""
        rows = self.stream_rows(stream_id)
        heads = self.heads_of(stream_id)
        head = _head_of(heads, size)
        if not 1 <= version <= head.size:
            raise NoSuchHead(f"the signed head of {head.size} entries does not cover entry {version}: a head of {version}"
                             " entries or more does, the latest among them")
        leaves = [leaf(r) for r in rows[: head.size]]
        row = rows[version - 1]
        return {
            "format": "debtreg-inclusion-v1",
            "entry": {"stream": stream_hex(stream_id), "version": version, "topic": row.topic,
                      "state": base64.b64encode(stored_bytes(row.state)).decode()},
            "head": head.as_dict(),
            "audit_path": [h.hex() for h in inclusion_path(version - 1, leaves)],
            "identity": self._registration(head),
        }

    def consistency(self, stream_id: UUID, old_size: int, new_size: int | None = None) -> dict:
        """A consistency proof between two signed heads of a stream."""
        rows = self.stream_rows(stream_id)
        heads = self.heads_of(stream_id)
        old, new = _head_of(heads, old_size), _head_of(heads, new_size)
        if old.size > new.size:
            raise NoSuchHead(f"the head of {old.size} entries is later than the head of {new.size}")
        leaves = [leaf(r) for r in rows[: new.size]]
        return {
            "format": "debtreg-consistency-v1",
            "old": old.as_dict(), "new": new.as_dict(),
            "proof": [h.hex() for h in consistency_proof(old.size, leaves)],
            "old_identity": self._registration(old), "new_identity": self._registration(new),
        }

    def _registration(self, head: Head) -> dict | None:
        records = [r for r in self.identity_records() if r.name == head.signer and r.public_key == head.public_key]
        return records[-1].as_dict() if records else None

    # ----------------------------------------------------------------- verify

    def verify(self, kept: dict | None = None, trusted: str | None = None, names: dict[str, str] | None = None,
               progress: Progress | None = None) -> Checked:
        """Everything, in one snapshot: identities registered by administrators (the first by the key
        ``trusted``, if given), every stream's events under its signed heads, and a kept registry head extended.
        ``names`` are what streams are called in a problem, by their hex id; ``progress``, given how many streams
        have signed heads, is what to call after each stream."""
        try:
            return self._verify(kept, trusted, names, progress)
        except Tampered as malformed:  # a row of the heads, the identities or the events not of its kind
            return Checked(0, malformed.problem, None)

    def _verify(self, kept: dict | None, trusted: str | None, names: dict[str, str] | None,
                progress: Progress | None) -> Checked:
        def called(stream: str) -> str:
            return (names or {}).get(stream) or f"stream {stream[:8]}"

        with snapshot(self.engine) as connection:
            identities = self.identity_records(connection)
            problem = check_identities(identities, trusted)
            heads: dict[str, list[Head]] = {}
            for row in connection.execute(self._every_head().order_by(self.heads.c.stream, self.heads.c.size)) if self.present else ():
                heads.setdefault(row.stream, []).append(Head(*row))
            every = [head for listed in heads.values() for head in listed]

            @cache
            def signatures() -> dict[tuple[str, int], bool]:
                """Every head's signature checked at once, on every core (many short agreements have too few heads
                each to share out), when first asked for: once the progress is shown."""
                return {(h.stream, h.size): holds for h, holds in zip(every, signatures_hold(every, identities), strict=True)}

            count, seen = 0, set()
            for stream, rows in advancing(self._streams(connection), progress, total=len(heads)):
                seen.add(stream)
                count += len(rows)
                problem = problem or check_stream(called(stream), rows, heads.get(stream, []), identities, sealed=True,
                                                  signatures=signatures())
                if kept and not problem:
                    problem = check_kept(called(stream), stream, rows, kept)
            for stream in sorted(set(heads) - seen):
                problem = problem or f"{called(stream)} has signed heads but no events: its events were deleted"
            for stream in sorted({s["stream"] for s in (kept or {}).get("streams", [])} - seen):
                problem = problem or f"{called(stream)} of the registry head kept has no events now: they were deleted"
            latest = self.latest_heads(connection)
        return Checked(count, problem, registry_head(latest) if latest else None)

    def _streams(self, connection: Connection) -> Iterator[tuple[str, list]]:
        """Every stream's stored events, a stream at a time, in one snapshot."""
        events = self.events_table
        current, rows, start = None, [], (UUID(int=0), 0)
        while True:
            try:
                page = connection.execute(
                    select(events).where(
                        (events.c.originator_id > start[0])
                        | ((events.c.originator_id == start[0]) & (events.c.originator_version > start[1]))
                    ).order_by(events.c.originator_id, events.c.originator_version).limit(PAGE)
                ).all()
            except (TypeError, ValueError) as error:  # (the driver's conversion of a stream id that is not one)
                raise Tampered(f"a row of the events has a stream id that is not one ({error}): edited outside"
                               " debtreg") from None
            for row in page:
                stream = stream_hex(row.originator_id)
                if stream != current:
                    if current is not None:
                        yield current, rows
                    current, rows = stream, []
                rows.append(row)
            if len(page) < PAGE:
                break
            start = (page[-1].originator_id, page[-1].originator_version)
        if current is not None:
            yield current, rows

    def seal(self, signer: Signer, rows_by_stream: Iterator[tuple[str, list]]) -> int:
        """Sign a head for every stream of a store written before debtreg signed its log (once, checked first)."""
        sealed = 0
        now = self.store_time().isoformat()
        with self.engine.begin() as connection:
            for stream, rows in rows_by_stream:
                connection.execute(self.heads.insert().values(signed_head(stream, len(rows), frontier_of(rows), now, signer)))
                sealed += len(rows)
        return sealed

    def unverified_streams(self) -> list[tuple[str, list]]:
        """Every stream's stored events as they stand (for sealing a store written before signatures)."""
        with snapshot(self.engine) as connection:
            return list(self._streams(connection))

    def sealed(self) -> bool:
        if not self.present:
            return False
        with self.engine.connect() as connection:
            return connection.execute(select(self.heads.c.stream).limit(1)).first() is not None


# ------------------------------------------------------------------- the checks


def _insert(bind: Any, table: Table) -> Any:
    """An INSERT that can say what to do when the row is there (PostgreSQL's and SQLite's ON CONFLICT)."""
    if bind.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table)


def check_identities(records: Sequence[IdentityRecord], trusted: str | None) -> str | None:
    """Every identity registered by an administrator registered before it (the first by itself; by the key
    ``trusted``, if given)."""
    admins: dict[str, str] = {}
    for index, record in enumerate(records):
        if not signed_by(record.signed_by, identity_message(record.as_dict()), record.signature):
            return f"the registration of {record.name} is not signed by the key it names: forged?"
        if index == 0:
            if record.signed_by != record.public_key or record.role != ADMINISTRATOR:
                return "the first identity is not an administrator registering itself"
            if trusted and record.public_key != trusted:
                return "the registry's first administrator is not the key trusted: the identities were replaced"
        elif admins.get(record.added_by) != record.signed_by:
            return f"{record.name} was registered by {record.added_by}, who was not then an administrator"
        if record.role == ADMINISTRATOR:
            admins[record.name] = record.public_key
        else:
            admins.pop(record.name, None)
    return None


def check_kept(name: str, stream: str, rows: Sequence, kept: dict) -> str | None:
    """The log extends the registry head kept: each stream's first ``size`` events still give its root."""
    for head in kept.get("streams", []):
        if head["stream"] == stream:
            if head["size"] > len(rows):
                return f"{name} had {head['size']} events in the head kept; it has {len(rows)}: events were removed"
            if root([leaf(r) for r in rows[: head["size"]]]).hex() != head["root"]:
                return f"{name} no longer extends the head kept: its first {head['size']} events were rewritten"
    return None


def registry_head(latest: dict[str, Head], keys: dict[str, str] | None = None) -> dict:
    """The registry's root over every stream's latest signed head, with the heads: what an auditor keeps."""
    ordered = [latest[s] for s in sorted(latest)]
    leaves = [leaf_hash(f"debtreg-head-ref\0{h.stream}\0{h.size}\0{h.root}".encode()) for h in ordered]
    return {"format": "debtreg-registry-head-v1", "root": root(leaves).hex(), "events": sum(h.size for h in ordered),
            "streams": [h.as_dict((keys or {}).get(h.stream)) for h in ordered]}


def _administrators(records: Sequence[IdentityRecord], *, besides: str) -> list[str]:
    """The identities whose current role (their latest row, as ``_current_of``) is administrator, but ``besides``."""
    current = {r.name.casefold(): r for r in records}  # in order of registration: the latest row of each name wins
    return [r.name for name, r in current.items() if name != besides.casefold() and r.role == ADMINISTRATOR]


def _current_of(records: Sequence[IdentityRecord], name: str) -> IdentityRecord | None:
    found = [r for r in records if r.name.casefold() == name.casefold()]
    return found[-1] if found else None


RUN_GAP = 256
"""Positions fewer than this apart are read in one run (the events between them too): a run costs two reads of the
heads and a signature check, about as much as hashing this many events."""


def runs(versions: Sequence[int], gap: int) -> Iterator[tuple[int, int]]:
    """Sorted positions as (first, last) runs, a new run wherever the next is ``gap`` or more after the one before."""
    first = last = None
    for version in versions:
        if last is not None and version - last >= gap:
            yield first, last
            first = None
        first, last = (version if first is None else first), version
    if last is not None:
        yield first, last


def _head_of(heads: Sequence[Head], size: int | None) -> Head:
    if not heads:
        raise NoSuchHead("this stream has no signed tree head")
    if size is None:
        return heads[-1]
    for head in heads:
        if head.size == size:
            return head
    sizes = [str(h.size) for h in heads]  # one a recorded entry: a long stream's are not all listed
    listed = ", ".join(sizes if len(sizes) <= 8 else [*sizes[:3], "...", *sizes[-3:]])
    raise NoSuchHead(f"no tree head of {size} entries was signed; the {len(sizes)} heads are of {listed} entries")


def signed_head(stream: str, size: int, frontier: list, when: str, signer: Signer) -> dict:
    """A row of the heads table: a stream's tree head of ``size`` events, signed by ``signer``, with the frontier
    to extend it."""
    head = {"stream": stream, "size": size, "root": frontier_root(frontier).hex(), "recorded_at": when,
            "signer": signer.name, "public_key": signer.public_key}
    return {**head, "frontier": json.dumps([[s, h.hex()] for s, h in frontier]), "signature": signer.sign(head_message(head))}


@contextmanager
def snapshot(engine: Engine) -> Iterator[Connection]:
    """One consistent view of the store for every read inside: a repeatable-read transaction on PostgreSQL,
    a read transaction (one snapshot of the write-ahead log) on SQLite. Nothing is written."""
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            connection = connection.execution_options(isolation_level="REPEATABLE READ")
            with connection.begin():
                yield connection
            return
        connection.exec_driver_sql("BEGIN")
        try:
            yield connection
        finally:
            connection.rollback()
