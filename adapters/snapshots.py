"""Snapshots: an agreement's state after its first ``size`` events, kept beside them, so a command appended at the
end of a long history starts from it instead of reading and folding every event (``Timeline.resumed``), and a view
of a date on or after the latest starts from it instead of decoding and folding them (it still checks them all).
Beside the state it keeps what views derive from the whole history: the record's horizon and the events'
assumptions (``derived``), brought up to date from the events since.

A snapshot is a read model, never the record: it is written, signed by the recording identity, in the transaction
that saves the events it follows, bound to the signed tree head of the same size (its root is in what is signed),
and to the code that folded it (``schema``, a digest of the domain's source and ``projections.record``: a release
that folds differently ignores the snapshots of another). One that does not hold is not used: the stream is read
and folded whole, the reference. The state is written as JSON a person can read: the live notes only (notes off
the register are looked up in the events when a command asks for one), each note's basis as the event it rests on
last and those that carry assumptions (``Basis.kept``: the chain before is in the events); objects are rebuilt
only as classes of the domain, so reading a snapshot runs no code it names.
"""

from __future__ import annotations

import hashlib
import importlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import domain
from adapters.heads import Head, IdentityRecord, extends, frontier_root, parse_frontier, signed
from domain.state import AgreementState, Basis, ClosedNotes
from domain.stream import Stream
from domain.timeline import Timeline
from projections import record
from projections.record import ASSUMED, HORIZON, Horizon, assumptions_of, horizon_of

FORMAT = "debtreg-snapshot-v1"
LEFT_OUT = ("closed_notes", "_calendar")
STORED = ("stream", "size", "in_force", "latest", "closed", "last_number", "names", "state", "schema", "claimed")  # an AgreementState's: the notes off the register, and a cache


@cache
def schema() -> str:
    """A digest of the code a state was folded by (the domain's source) and what is kept beside it derived by
    (``projections.record``). Snapshots of other code are not used."""
    digest = hashlib.sha256()
    for path in [*sorted(Path(domain.__file__).parent.glob("*.py")), Path(record.__file__)]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


@dataclass(frozen=True)
class Snapshot:
    """An agreement's state after its first ``size`` events, and what a command asks of that history besides."""

    stream: str
    size: int
    in_force: int
    latest: date  # the latest effective date among the events in force
    closed: int  # notes off the register
    last_number: int  # the highest note number ever used
    names: tuple[str, ...]  # holder names on notes in force, in the order first recorded
    state: str  # the state, as ``encode_state`` writes it
    schema: str
    # whether every entry among its events has its request id claimed (``Ledger.claim_requests``), so an entry not
    # claimed for this stream is not among them: not so in a store written before request ids were claimed
    claimed: bool = False
    entries: int | None = None  # how many entries its events record, where the stream at hand knows

    @classmethod
    def of(cls, stream: Stream) -> Snapshot | None:
        """The snapshot of an agreement's stream as it stands; ``None`` for a stream with nothing in force."""
        timeline, state = stream.timeline, stream.timeline.final
        if not isinstance(state, AgreementState) or timeline.latest is None:
            return None
        return cls(stream.id.hex, stream.version, timeline.in_force, timeline.latest, state.closed_count,
                   stream.last_number, stream.holder_names, encode_state(state, derived(stream.key, timeline)), schema(),
                   entries=stream.entries.count(stream.version))

    def digest(self) -> str:
        return hashlib.sha256(self.state.encode()).hexdigest()

    def row(self) -> dict:
        """Its row of the snapshots table, without the signature."""
        return {**{name: getattr(self, name) for name in STORED}, "latest": self.latest.isoformat(),
                "names": json.dumps(list(self.names))}

    def message(self, root: str) -> bytes:
        """What the recording identity signs: the row (the state by its digest), bound to the tree head of its size
        by its root."""
        row = {**self.row(), "state": self.digest()}
        return "\0".join([FORMAT, root, *(str(row[name]) for name in STORED)]).encode()

    @classmethod
    def of_row(cls, row: Any) -> Snapshot:
        stored = {name: getattr(row, name) for name in STORED}
        return cls(**{**stored, "latest": date.fromisoformat(row.latest), "names": tuple(json.loads(row.names)),
                      "claimed": bool(row.claimed)})


def derived(key: str, timeline: Timeline) -> dict[str, object]:
    """What views derive from the whole timeline besides its state (``Timeline.kept_since``): the record's
    horizon, and the assumptions of its events by position."""
    return {HORIZON: horizon_of(key, timeline), ASSUMED: assumptions_of(key, timeline)}


def holding(kept: Any, at: Any, latest: Head | None, tail: Sequence, identities: Sequence[IdentityRecord]) -> Snapshot | None:
    """The snapshot in row ``kept`` (of the snapshots table) if it holds: folded by this code, signed by a recording
    identity over the root of ``at`` (the row of its stream's tree head of the same size), and the events after it
    (``tail``) extending that tree to the ``latest`` signed head. Else ``None``: the stream is to be read whole, the
    reference, which names whatever does not hold."""
    if (kept is None or kept.schema != schema() or at is None or latest is None or latest.size != kept.size + len(tail)
            or not snapshot_signed(kept, at, identities)
            or extends(parse_frontier(at.frontier), tail, latest, identities) is None):
        return None  # (each event's position is in its leaf: events out of place would not give the root)
    return Snapshot.of_row(kept)


def snapshot_signed(kept: Any, at: Any, identities: Sequence[IdentityRecord]) -> bool:
    """A row of the snapshots table is signed by a recording identity, over the root of ``at``, the row of its
    stream's tree head of the same size (whose frontier gives that root)."""
    try:
        message = Snapshot.of_row(kept).message(at.root)
    except (ValueError, TypeError):  # a row edited into something that is not a snapshot
        return False
    return frontier_root(parse_frontier(at.frontier)).hex() == at.root and signed(kept, identities, message)


# --------------------------------------------------------------------- the state as JSON


def encode_state(state: AgreementState, kept: Mapping[str, object]) -> str:
    """An agreement's state as JSON, without its closed notes, and what views keep beside it (``kept``; see
    ``decode_state``)."""
    fields = {name: value for name, value in vars(state).items() if name not in LEFT_OUT}
    horizon = kept[HORIZON]
    assert isinstance(horizon, Horizon)
    return json.dumps({"state": _plain(fields), HORIZON: _plain((horizon.register, horizon.payments, horizon.event)),
                       ASSUMED: _plain(kept[ASSUMED])}, separators=(",", ":"))


def decode_state(text: str, closed: ClosedNotes, closed_count: int) -> tuple[AgreementState, dict[str, object]]:
    """The state ``encode_state`` wrote, its closed notes ``closed`` (see ``ClosedNotes.earlier``), and what was kept
    beside it."""
    found = json.loads(text)
    state = object.__new__(AgreementState)
    state.__dict__.update(_built(found["state"]))
    state.closed_notes, state.closed_count, state._calendar = closed, closed_count, None
    return state, {HORIZON: Horizon(*_built(found[HORIZON])), ASSUMED: _built(found[ASSUMED])}


def _plain(value: Any) -> Any:
    """``value`` as JSON's types, each of the others tagged: a one-key object whose key starts with ``$``."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        return {"$d": str(value)}
    if isinstance(value, datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, date):
        return {"$t": value.isoformat()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, tuple):
        return {"$tu": [_plain(v) for v in value]}
    if isinstance(value, frozenset):
        return {"$fs": sorted((_plain(v) for v in value), key=json.dumps)}
    if isinstance(value, dict):
        return {"$m": [[_plain(k), _plain(v)] for k, v in value.items()]}
    if isinstance(value, Basis):
        return {"$b": [value.latest, list(value.assumed)]}
    kind = type(value)
    if kind.__module__.split(".")[0] == "domain" and hasattr(value, "__dict__"):
        return {"$o": [f"{kind.__module__}:{kind.__qualname__}", {k: _plain(v) for k, v in vars(value).items()}]}
    raise TypeError(f"a snapshot cannot hold a {kind.__name__}")


def _built(value: Any) -> Any:
    if isinstance(value, list):
        return [_built(v) for v in value]
    if not isinstance(value, dict):
        return value
    (tag, inner), = value.items()
    if tag == "$d":
        return Decimal(inner)
    if tag == "$t":
        return date.fromisoformat(inner)
    if tag == "$dt":
        return datetime.fromisoformat(inner)
    if tag == "$tu":
        return tuple(_built(v) for v in inner)
    if tag == "$fs":
        return frozenset(_built(v) for v in inner)
    if tag == "$m":
        return {_built(k): _built(v) for k, v in inner}
    if tag == "$b":
        return Basis.kept(inner[0], inner[1])
    if tag == "$o":
        name, fields = inner
        found = object.__new__(_domain_class(name))
        found.__dict__.update({k: _built(v) for k, v in fields.items()})
        return found
    raise ValueError(f"a snapshot holds {tag!r}, which is not a value it writes")


def _domain_class(name: str) -> type:
    """A class of the domain by its name; nothing else is ever made from a snapshot."""
    module, _, qualname = name.partition(":")
    if module.split(".")[0] != "domain" or not qualname:
        raise ValueError(f"a snapshot names {name!r}, which is not a class of the domain")
    found: Any = importlib.import_module(module)
    for part in qualname.split("."):
        found = getattr(found, part)
    if not isinstance(found, type) or issubclass(found, BaseException):
        raise ValueError(f"a snapshot names {name!r}, which is not a class of the domain")
    return found
