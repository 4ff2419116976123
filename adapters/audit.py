"""Tamper evidence as debtreg kept it before it signed its log (see ``adapters.ledger``): a hash chain.

Stores written then still verify against their chain and against the digests
auditors kept of them; the first write of a signing release seals them (checks
the chain, then signs every stream as it stands), and the chain is kept, no
longer extended, so the digests kept before still check.

Each event, as stored (its position in the log, stream, version, topic and the
exact bytes of its state), is hashed; each hash is chained to the previous
event's chain hash, in the order of the log. The chain is written in the same
transaction as the events it covers (on PostgreSQL the event store locks its
table for each write, so writers take turns), and a digest (position and chain
hash of the last event) is what an auditor keeps: a later log must extend it.

``verify`` recomputes everything and reports the first event that does not
match: an edited row, a row deleted or inserted outside debtreg, rows reordered.
Someone able to rewrite every row and every chain entry can make a log that
verifies; they cannot make it match a digest taken before, which is why the
digest is kept somewhere else.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from uuid import UUID

from sqlalchemy import BigInteger, Column, Integer, MetaData, String, Table, func, inspect, select
from sqlalchemy.engine import Engine

from domain.errors import RegistryError

GENESIS = "0" * 64
PAGE = 1000


class InvalidDigest(RegistryError):
    rule = "a digest is debtreg:v1:<position>:<chain hash>"


@dataclass(frozen=True)
class Digest:
    position: int
    chain_hash: str

    def __str__(self) -> str:
        return f"debtreg:v1:{self.position}:{self.chain_hash}"

    @classmethod
    def parse(cls, text: str) -> Digest:
        match = re.fullmatch(r"debtreg:v1:(\d+):([0-9a-f]{64})", text.strip())
        if not match:
            raise InvalidDigest(f"{text!r} is not a debtreg digest (debtreg:v1:<position>:<64 hex digits>)")
        return cls(int(match[1]), match[2])


@dataclass(frozen=True)
class Verification:
    events: int
    problem: str | None
    digest: Digest | None

    @property
    def intact(self) -> bool:
        return self.problem is None


def entry_hash(position: int, originator_id: UUID | str, version: int, topic: str, state: bytes) -> str:
    """The hash of one stored event, as stored: its place in the log included."""
    stream = originator_id.hex if isinstance(originator_id, UUID) else str(originator_id)
    head = f"debtreg-event-v1\0{position}\0{stream}\0{version}\0{topic}\0".encode()
    body = state.encode() if isinstance(state, str) else bytes(state)  # a row edited by hand may hold text
    return hashlib.sha256(head + body).hexdigest()


def chained(previous: str, entry: str) -> str:
    return hashlib.sha256(f"{previous}{entry}".encode()).hexdigest()


class Chain:
    """The chain table beside the event table."""

    def __init__(self, engine: Engine, events_table: str, *, create: bool = True) -> None:
        self.engine = engine
        self.table = Table(
            f"{events_table.removesuffix('_events')}_chain",
            MetaData(),
            Column("position", BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=False),
            Column("stream", String(32), nullable=False),
            Column("version", Integer, nullable=False),
            Column("entry_hash", String(64), nullable=False),
            Column("chain_hash", String(64), nullable=False),
        )
        if create:
            self.table.create(engine, checkfirst=True)

    def exists(self) -> bool:
        return inspect(self.engine).has_table(self.table.name)

    def last_position(self) -> int:
        with self.engine.connect() as connection:
            return connection.execute(select(func.max(self.table.c.position))).scalar() or 0

    def rows(self) -> Iterator:
        with self.engine.connect() as connection:
            start = 0
            while True:
                page = connection.execute(
                    select(self.table).where(self.table.c.position > start).order_by(self.table.c.position).limit(PAGE)
                ).all()
                yield from page
                if len(page) < PAGE:
                    return
                start = page[-1].position


def verify(notifications: Iterator, chain: Chain | None, kept: Digest | None = None) -> Verification:
    """Recompute every hash in log order; the first mismatch, if any, and the digest now (an empty store has none)."""
    rows = chain.rows() if chain is not None else iter(())
    row = next(rows, None)
    previous, count, digest = GENESIS, 0, None
    seen_kept = kept is None
    for n in notifications:
        if row is not None and row.position < n.id:
            return Verification(count, f"the event at position {row.position} is missing (deleted?)", digest)
        if row is None or row.position != n.id:
            return Verification(count, f"the event at position {n.id} ({_ref(n)}) is not in the chain: written outside debtreg?", digest)
        entry = entry_hash(n.id, n.originator_id, n.originator_version, n.topic, n.state)
        if entry != row.entry_hash or row.stream != _hex(n.originator_id) or row.version != n.originator_version:
            return Verification(
                count, f"the event at position {n.id} ({_ref(n)}) does not match its hash: changed after it was recorded", digest
            )
        previous = chained(previous, entry)
        if previous != row.chain_hash:
            return Verification(count, f"the chain breaks at position {n.id} ({_ref(n)}): an earlier event was removed or reordered", digest)
        count += 1
        digest = Digest(n.id, previous)
        if kept is not None and n.id == kept.position:
            if previous != kept.chain_hash:
                return Verification(count, f"the log does not extend the digest kept: at position {n.id} it has been rewritten", digest)
            seen_kept = True
        row = next(rows, None)
    if row is not None:
        return Verification(count, f"the event at position {row.position} is missing (deleted?)", digest)
    if not seen_kept:
        assert kept is not None
        return Verification(count, f"the log ends before position {kept.position} of the digest kept: events were removed", digest)
    return Verification(count, None, digest)


def _hex(originator_id: UUID | str) -> str:
    return originator_id.hex if isinstance(originator_id, UUID) else UUID(str(originator_id)).hex


def _ref(notification) -> str:
    return f"stream {_hex(notification.originator_id)[:8]}, version {notification.originator_version}"
