"""Signed tree heads, and the checks of what a store gave: pure functions over its rows, no database here, so
whatever reads a stream (the registry through SQLAlchemy, or a view through the standard library's sqlite3)
checks it the same way, in one place.

A stream's events are the leaves of a Merkle tree (RFC 6962); a head is its size and root, signed by the
recording identity. The frontier (the roots of the tree's perfect subtrees) extends a tree without its leaves.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple
from uuid import UUID

from adapters.identity import RECORDERS, signed_by
from adapters.offline_verifier import entry_bytes, head_message, leaf_hash, node_hash, root
from domain.errors import RegistryError

PARALLEL_FROM = 64  # heads: fewer are checked one after another


class Tampered(RegistryError):
    rule = "the log must verify: every event as recorded, under a signed tree head"

    def __init__(self, problem: str, *, advice: str = "", **details: Any) -> None:
        """``problem``: what is wrong, as verify reports it; ``advice``: what a view's refusal adds (``RUN_VERIFY``)."""
        super().__init__(problem + advice, **details)
        self.problem = problem


RUN_VERIFY = "; the store does not verify (run `debtreg verify`)"


def misfit(row: object, kinds: Mapping[str, type]) -> str | None:
    """The first of ``row``'s fields not of its kind in ``kinds`` (a whole number, or text), in words; ``None`` if
    each is: a row edited outside debtreg into something else is named as such, not met later as a failure of
    debtreg's own."""
    for name, kind in kinds.items():
        value = getattr(row, name, None)
        if type(value) is not kind:
            return f"has {value!r:.40} for its {name}, not {'a whole number' if kind is int else 'text'}"
    return None


def _refused_if_misfit(row: object, table: str) -> None:
    found = misfit(row, _KINDS[type(row)])
    if found:
        raise Tampered(f"a row of {table} {found}: edited outside debtreg", advice=RUN_VERIFY)


@dataclass(frozen=True)
class Head:
    """A signed tree head: a stream's log of ``size`` entries has ``root``, said by ``signer`` at ``recorded_at``."""

    stream: str
    size: int
    root: str
    recorded_at: str
    signer: str
    public_key: str
    signature: str

    def __post_init__(self) -> None:
        _refused_if_misfit(self, "the signed tree heads")

    def as_dict(self, key: str | None = None) -> dict:
        found = {"stream": self.stream, "size": self.size, "root": self.root, "recorded_at": self.recorded_at,
                 "signer": self.signer, "public_key": self.public_key, "signature": self.signature}
        return {**found, "key": key} if key else found


@dataclass(frozen=True)
class IdentityRecord:
    seq: int
    name: str
    role: str
    public_key: str
    added_at: str
    added_by: str
    signed_by: str
    signature: str

    def __post_init__(self) -> None:
        _refused_if_misfit(self, "the registered identities")

    def as_dict(self) -> dict:
        return {"name": self.name, "role": self.role, "public_key": self.public_key, "added_at": self.added_at,
                "added_by": self.added_by, "signed_by": self.signed_by, "signature": self.signature}



# each row class's fields and their kinds, from its annotations: whole numbers, or text
_KINDS = {cls: {name: int if kind == "int" else str for name, kind in cls.__annotations__.items()}
          for cls in (Head, IdentityRecord)}


def check_stream(name: str, rows: Sequence, heads: Sequence[Head], identities: Sequence[IdentityRecord],
                 *, sealed: bool, signatures: Mapping[tuple[str, int], bool] | None = None) -> str | None:
    """The first problem with the stream ``name``'s events and signed heads, in words; ``None`` if they hold.
    ``signatures``: whether each head (by stream and size) is ``signed``, where checked already."""
    for expected, row in enumerate(rows, start=1):
        if row.originator_version != expected:
            return f"event {expected} of {name} is missing (deleted?)"
    if not heads:
        return f"{name} has {len(rows)} events and no signed tree head: written outside debtreg" if sealed and rows else None
    frontier: list = []
    done, matched, problem = 0, [], None  # the heads the events match, in order, up to the first that does not
    for head in heads:
        if head.size > len(rows):
            problem = f"a signed head of {name} covers {head.size} events but only {len(rows)} are in the store: events were deleted"
            break
        frontier = frontier_of(rows[done: head.size], frontier)
        if frontier_root(frontier).hex() != head.root:
            problem = (f"{_events(done + 1, head.size)} of {name} {'does' if head.size == done + 1 else 'do'} not match the tree head signed by {head.signer} at"
                       f" {head.recorded_at}: changed, removed or reordered after they were recorded")
            break
        matched.append(head)
        done = head.size
    held = ([signatures[head.stream, head.size] for head in matched] if signatures is not None
            else signatures_hold(matched, identities))
    for head, holds in zip(matched, held, strict=True):
        if not holds:  # before any later head's problem, as a check head by head would find it
            return (f"the tree head of {name} at {head.size} events is not signed by a recording identity"
                    " an administrator registered: forged?")
    if problem:
        return problem
    if len(rows) > done:
        return f"{_events(done + 1, len(rows))} of {name} {'is' if len(rows) == done + 1 else 'are'} under no signed tree head: written outside debtreg"
    return None


def verified(name: str, rows: Sequence, latest: Sequence[Head], identities: Sequence[IdentityRecord], *, sealed: bool,
             every_head: Callable[[], Sequence[Head]]) -> Sequence:
    """A stream's rows, once its latest signed head (``latest``: none or one) binds them all; else refused, naming the
    first event that differs against ``every_head`` of the stream (read only then)."""
    problem = check_stream(name, rows, latest, identities, sealed=sealed)
    if problem and latest:
        problem = check_stream(name, rows, every_head(), identities, sealed=sealed) or problem
    if problem:
        raise Tampered(problem, advice=RUN_VERIFY)
    return rows


def _events(first: int, last: int) -> str:
    return f"event {first}" if first == last else f"events {first}-{last}"


def signatures_hold(heads: Sequence[Head], identities: Sequence[IdentityRecord]) -> list[bool]:
    """Whether each head is ``signed``. A long log's heads are checked on every core: one Ed25519 check per
    entry is most of `verify`'s time, and the library releases the GIL while it checks."""
    if len(heads) < PARALLEL_FROM:
        return [signed(head, identities) for head in heads]
    # imported here: a view checks one head, and does not need it
    from concurrent.futures import ThreadPoolExecutor

    workers = max(2, min(os.cpu_count() or 2, 8))
    size = -(-len(heads) // workers)
    parts = [heads[start: start + size] for start in range(0, len(heads), size)]
    with ThreadPoolExecutor(workers) as pool:
        return [holds for part in pool.map(lambda part: [signed(head, identities) for head in part], parts) for holds in part]


def signed(head: Head, identities: Sequence[IdentityRecord], message: bytes | None = None) -> bool:
    """The head (or anything signed as one is: a signer, key, time and signature) is signed by the key of an
    identity registered, in a recording role, when it was signed; over ``message``, or the head's own."""
    message = head_message(head.as_dict()) if message is None else message
    return _registered(identities, head) is not None and signed_by(head.public_key, message, head.signature)


def extends(frontier: Sequence, rows: Sequence, head: Head, identities: Sequence[IdentityRecord]) -> list | None:
    """The frontier of a tree with ``frontier`` once ``rows`` are added, if it gives the root of ``head`` and
    ``head`` is ``signed``; else ``None``: how what was verified once (a checkpoint, a snapshot's tree head) is
    brought up to date by hashing only the events since."""
    found = frontier_of(rows, frontier)
    return found if frontier_root(found).hex() == head.root and signed(head, identities) else None


def _registered(identities: Sequence[IdentityRecord], head: Head) -> IdentityRecord | None:
    """The identity that signed a head, in a recording role when it did (registrations before it count)."""
    found, signed_at = None, _moment(head.recorded_at)
    for record in identities:
        added_at = _moment(record.added_at)
        if signed_at is None or added_at is None or added_at > signed_at:
            break
        if record.name == head.signer:
            found = record
    if found is None or found.public_key != head.public_key or found.role not in RECORDERS:
        return None
    return found


def _moment(text: str) -> datetime | None:
    """A recording time as stored (ISO 8601, with its offset); ``None`` for anything else, which no signature holds."""
    try:
        found = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None
    return found if found.tzinfo is not None else None


def leaf(row, stream: str | None = None) -> bytes:
    """The leaf hash of a stored event; ``stream`` is its stream's id in hex, where the caller knows it already."""
    stream = stream or stream_hex(row.originator_id)
    return leaf_hash(entry_bytes(stream, row.originator_version, row.topic, stored_bytes(row.state)))


HEAD_COLUMNS = tuple(Head.__annotations__)
"""The heads table's columns a head is made of, in its fields' order: not the frontier, which is most of a row's
bytes and read only from a stream's latest head (to extend it)."""


def head_of_row(row: Mapping) -> Head:
    """A row of the heads table (as a mapping of its columns) as a head."""
    return Head(*(row[name] for name in HEAD_COLUMNS))


def frontier_of(rows: Sequence, frontier: Sequence = ()) -> list:
    """The frontier after ``rows`` (stored events or notifications) are added to a tree with ``frontier``."""
    found, streams = list(frontier), {}
    for row in rows:  # a stream's hex id worked out once, not per row: a long stream's rows are read by every view
        oid = row.originator_id
        stream = streams.get(oid) or streams.setdefault(oid, stream_hex(oid))
        push(found, leaf(row, stream))
    return found


def push(frontier: list, hashed: bytes) -> None:
    """One more leaf added to a frontier of perfect subtrees (size, root), in place: how a root is kept without the
    leaves."""
    size = 1
    while frontier and frontier[-1][0] == size:  # the subtree before is as large: the two make one twice the size
        hashed = node_hash(frontier.pop()[1], hashed)
        size *= 2
    frontier.append((size, hashed))


def frontier_root(frontier: Sequence) -> bytes:
    if not frontier:
        return root([])
    acc = frontier[-1][1]
    for _, subtree in reversed(frontier[:-1]):
        acc = node_hash(subtree, acc)
    return acc


def parse_frontier(stored: str) -> list:
    return [(size, bytes.fromhex(h)) for size, h in json.loads(stored)]


class Row(NamedTuple):
    """A stored event, as a stream's rows are read: its stream's id given, not converted row by row."""

    id: int
    originator_id: UUID
    originator_version: int
    topic: str
    state: bytes


def stored_bytes(state: object) -> bytes:
    """An event's stored state as bytes: a row edited by hand may hold text, and hashes and reads the same; or
    anything else, which hashes as its text (and matches no signed head)."""
    if isinstance(state, bytes | bytearray | memoryview):
        return bytes(state)
    return (state if isinstance(state, str) else repr(state)).encode()


def stream_hex(originator_id: UUID | str) -> str:
    return originator_id.hex if isinstance(originator_id, UUID) else UUID(str(originator_id)).hex
