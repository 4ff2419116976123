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
import threading
import weakref
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any, ClassVar

import domain
from adapters.heads import Head, IdentityRecord, extends, frontier_root, misfit, parse_frontier, signed
from domain.state import AgreementState, Basis, ClosedNotes
from domain.stream import NAMED, Stream
from domain.timeline import TAKEN_OUT, Timeline, latest_correction
from projections import record
from projections.record import ASSUMED, HORIZON, RECORDED, Horizon, assumptions_of, horizon_of, last_recorded

FORMAT = "debtreg-snapshot-v3"  # v2: the events listed along business time with their recording times; v3: the
# positions reversals took out, and how many notes name each holder
# Events in business order between the states a snapshot keeps along business time (rows of their own, each listed
# by its digest in the snapshot): a view of an earlier date folds at most this many events from the one before it.
# A multiple of the timeline's checkpoint spacing, so a save has the states it writes in hand.
DATED_EVERY = 1024
# what a snapshot keeps of the states along business time (plain JSON): [position, date of the last event in, digest]
# of each row; [position, [[version, date, recorded], ...]] of the events in force after the last row (each row's
# segment lists the events before it alike); the latest terms corrected in force (its version), which supersede the
# registration's
DATED, ORDER, CORRECTED = "dated", "order", "corrected"
LEFT_OUT = ("closed_notes", "_calendar")
STORED = ("stream", "size", "in_force", "latest", "closed", "last_number", "names", "state", "schema", "claimed")  # an AgreementState's: the notes off the register, and a cache


@cache
def schema() -> str:
    """A digest of the code a state was folded by (the domain's source), what is kept beside it derived by
    (``projections.record``), and the layout they are written in (``FORMAT``). Snapshots of other code are not used."""
    digest = hashlib.sha256(FORMAT.encode() + b"\0")
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
    # the states along business time to write with it: rows after ``rewrite_from`` are replaced by ``rows``
    rewrite_from: int = field(default=0, compare=False)
    rows: tuple[tuple[int, str, str], ...] = field(default=(), compare=False)  # (position, segment, state)
    values: Mapping[str, object] = field(default_factory=dict, compare=False)  # all it keeps beside the state

    @classmethod
    def of(cls, stream: Stream) -> Snapshot | None:
        """The snapshot of an agreement's stream as it stands; ``None`` for a stream with nothing in force."""
        timeline, state = stream.timeline, stream.timeline.final
        if not isinstance(state, AgreementState) or timeline.latest is None:
            return None
        with Written.for_stream(stream.id.hex) as written:
            dated, rewrite_from, rows = along_business_time(timeline, written)
            named = [[name, *stream.named[name]] for name in stream.holder_names]
            values = {**derived(stream.key, timeline), **dated, NAMED: named}
            encoded = encode_state(state, values, written)
        return cls(stream.id.hex, stream.version, timeline.in_force, timeline.latest, state.closed_count,
                   stream.last_number, stream.holder_names, encoded, schema(),
                   entries=stream.entries.count(stream.version), rewrite_from=rewrite_from, rows=rows, values=values)

    def folds_as(self, expected: Snapshot) -> bool:
        """Whether this (stored) snapshot is the ``expected`` one, the fold's: the same in all but the states along
        business time, and each state it lists one the fold lists too (a store may list fewer: those its saves
        had in hand)."""
        if self.state == expected.state:  # as a store written by a save of the same events keeps it
            return replace(self, state="") == replace(expected, state="")
        mine, theirs = json.loads(self.state), json.loads(expected.state)
        listed, known = mine.pop(DATED, []), theirs.pop(DATED, [])
        return (mine == theirs and all(entry in known for entry in listed)
                and replace(self, state="") == replace(expected, state=""))

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
    """What views and commands derive from the whole timeline besides its state (``Timeline.kept_since``): the
    record's horizon, the assumptions of its events by position, when the latest was recorded, and the positions
    reversals took out."""
    return {HORIZON: horizon_of(key, timeline), ASSUMED: assumptions_of(key, timeline), RECORDED: last_recorded(timeline),
            TAKEN_OUT: sorted(timeline.taken_out())}


def along_business_time(timeline: Timeline, written: Written | None = None
                        ) -> tuple[dict[str, object], int, tuple[tuple[int, str, str], ...]]:
    """What a snapshot of ``timeline`` keeps of its states along business time (``DATED``, ``ORDER``, ``CORRECTED``),
    the position after which its rows are written again, and those rows (position, segment, state): the states after
    every DATED_EVERY events in business order, each with the events before it back to the one before (its segment).

    Rows the snapshot it was resumed from listed are kept where nothing recorded since changed them (an entry
    appended at the end changes none); the others are written from the states the last folds kept. A state or
    an event's place not in hand (a snapshot of an earlier release, say) is left out: a view of a date it would
    have served reads and folds the events, the reference."""
    in_force, (previous, size) = timeline.in_force, timeline.kept or ({}, 0)
    listed: Any = previous.get(DATED)
    start = 0 if listed is None else timeline.changed_from(size)
    kept_rows, corrected_by = [entry for entry in listed or () if entry[0] <= start], previous.get(CORRECTED)
    if start == 0:  # everything written again: the timeline is in hand (else nothing is known of its order)
        correction = latest_correction(timeline.ordered_from(0))
        corrected_by = correction.originator_version if correction is not None else None
    base = start - start % DATED_EVERY
    keys = _keys(timeline, base, previous.get(ORDER), start)
    if keys is None:
        return {DATED: kept_rows, CORRECTED: corrected_by}, start, ()
    rows, found = [], list(kept_rows)
    for position in range(base + DATED_EVERY, in_force + 1, DATED_EVERY):
        state = timeline.state_after(position)
        if not isinstance(state, AgreementState):
            continue
        segment = keys[position - DATED_EVERY - base: position - base]
        row = (position, json.dumps(segment, separators=(",", ":")),
               json.dumps(_plain(_fields(state), written), separators=(",", ":")))
        rows.append(row)
        found.append([position, segment[-1][1], dated_digest(*row[1:])])
    tail = in_force - in_force % DATED_EVERY
    return {DATED: found, ORDER: [tail, keys[tail - base:]], CORRECTED: corrected_by}, start, tuple(rows)


def dated_problem(snapshot: Snapshot, rows: Mapping[int, tuple[str, str]]) -> str | None:
    """What is wrong with the rows of states along business time a snapshot lists (``rows``: as the store keeps
    them, by position), if anything: each must be there, as the snapshot's digest of it says."""
    for position, _, digest in json.loads(snapshot.state).get(DATED, []):
        if position not in rows or dated_digest(*rows[position]) != digest:
            return (f"lists a state after {position} events in business order that is"
                    f" {'missing' if position not in rows else 'not the one it lists'}")
    return None


def dated_digest(segment: str, state: str) -> str:
    """What a snapshot lists of a row of states along business time: the digest of its segment and state."""
    return hashlib.sha256(segment.encode() + b"\n" + state.encode()).hexdigest()


def _keys(timeline: Timeline, start: int, order: Any, unchanged: int) -> list[list] | None:
    """[version, effective date, recording time] of each event in force from position ``start`` in business order:
    before position ``unchanged``, as the snapshot the timeline was resumed from or last saved kept them (``order``),
    where it did; the others from the events, a resumed timeline's first events not being in hand; ``None`` if one is
    not known. With the recording times, a view as known at an earlier moment starts from a kept state too."""
    first, pairs = order if order is not None else (0, [])
    found = []
    for position, event in enumerate(timeline.ordered_from(start), start):
        if first <= position < min(first + len(pairs), unchanged if event is not None else position + 1):
            found.append(pairs[position - first])
        elif event is not None:
            found.append([event.originator_version, event.effective_on.isoformat(), event.timestamp.isoformat()])
        else:
            return None
    return found


WHOLE = ("size", "in_force", "closed", "last_number")  # a snapshot row's whole numbers; the rest but ``claimed`` text
KINDS = {name: int if name in WHOLE else str
         for name in (*STORED, "recorded_at", "signer", "public_key", "signature") if name != "claimed"}


def well_formed(kept: Any) -> bool:
    """Whether a row of the snapshots table holds values of its columns' kinds (``misfit``): one edited outside
    debtreg into something else is not used, and verify names it."""
    return misfit(kept, KINDS) is None


def holding(kept: Any, at: Any, latest: Head | None, tail: Sequence, identities: Sequence[IdentityRecord]) -> Snapshot | None:
    """The snapshot in row ``kept`` (of the snapshots table) if it holds: folded by this code, signed by a recording
    identity over the root of ``at`` (the row of its stream's tree head of the same size), and the events after it
    (``tail``) extending that tree to the ``latest`` signed head. Else ``None``: the stream is to be read whole, the
    reference, which names whatever does not hold."""
    if (kept is None or not well_formed(kept) or kept.schema != schema() or at is None or latest is None or latest.size != kept.size + len(tail)
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


def encode_state(state: AgreementState, kept: Mapping[str, object], written: Written | None = None) -> str:
    """An agreement's state as JSON, without its closed notes, and what views keep beside it (``kept``; see
    ``decode_state``)."""
    horizon = kept[HORIZON]
    assert isinstance(horizon, Horizon)
    return json.dumps({"state": _plain(_fields(state), written), HORIZON: _plain((horizon.register, horizon.payments, horizon.event)),
                       **{name: _plain(value) for name, value in kept.items() if name != HORIZON}}, separators=(",", ":"))


def decode_state(text: str, closed: ClosedNotes, closed_count: int) -> tuple[AgreementState, dict[str, object]]:
    """The state ``encode_state`` wrote, its closed notes ``closed`` (see ``ClosedNotes.earlier``), and what was kept
    beside it."""
    found = _loads(text)
    state = _state(found["state"], closed, closed_count)
    return state, {**{name: value for name, value in found.items() if name != "state"}, HORIZON: Horizon(*found[HORIZON])}


def decode_dated(text: str, closed: Callable[[int, int], ClosedNotes]) -> AgreementState:
    """A state kept along business time (in a row ``along_business_time`` wrote), its closed notes
    ``closed(count, highest)`` (see ``ClosedNotes.earlier``)."""
    fields = _loads(text)
    return _state(fields, closed(fields["closed_count"], fields["highest_closed"]), fields["closed_count"])


def _fields(state: AgreementState) -> dict[str, Any]:
    return {name: value for name, value in vars(state).items() if name not in LEFT_OUT}


def _state(fields: dict[str, Any], closed: ClosedNotes, closed_count: int) -> AgreementState:
    state = object.__new__(AgreementState)
    state.__dict__.update(fields)
    state.closed_notes, state.closed_count, state._calendar = closed, closed_count, None
    return state


_JSON = frozenset((type(None), bool, int, str))


def _plain(value: Any, written: Written | None = None) -> Any:
    """``value`` as JSON's types, each of the others tagged: a one-key object whose key starts with ``$``; a frozen
    object of the domain as ``written`` wrote it already, if it did."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        return {"$d": str(value)}
    if isinstance(value, datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, date):
        return {"$t": value.isoformat()}
    if isinstance(value, list):
        return [v if type(v) in _JSON else _plain(v, written) for v in value]  # (JSON's own values inline: the order is long)
    if isinstance(value, tuple):
        return {"$tu": [v if type(v) in _JSON else _plain(v, written) for v in value]}
    if isinstance(value, frozenset):
        return {"$fs": sorted((_plain(v, written) for v in value), key=json.dumps)}
    if isinstance(value, dict):
        return {"$m": [[_plain(k, written), _plain(v, written)] for k, v in value.items()]}
    if isinstance(value, Basis):
        return {"$b": [value.latest, list(value.assumed), list(value.held)]}
    kind = type(value)
    if kind.__module__.split(".")[0] == "domain" and hasattr(value, "__dict__"):
        frozen = getattr(kind, "__dataclass_params__", None)
        return written.of(value) if written is not None and frozen is not None and frozen.frozen else _object(value, written)
    raise TypeError(f"a snapshot cannot hold a {kind.__name__}")


def _object(value: Any, written: Written | None) -> dict:
    kind = type(value)
    return {"$o": [f"{kind.__module__}:{kind.__qualname__}", {k: _plain(v, written) for k, v in vars(value).items()}]}


class Written:
    """What a save wrote of each frozen object of the domain in a stream's states (``_plain``), by the object's id,
    handed to the stream's next save in this process (the streams saved last, ``KEEP_WRITTEN``). The domain never
    changes such an object, nor what it holds (it makes another), and a state shares most of them with the state
    before it (a coupon passed: who held what then), so a running process's save writes again only what changed. It
    holds no object alive: one gone is written again if another takes its id."""

    _last: ClassVar[dict[str, dict[int, tuple[weakref.ref, dict]]]] = {}  # by stream, the one saved last at the end
    _lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, before: dict[int, tuple[weakref.ref, dict]]) -> None:
        self.before: dict[int, tuple[weakref.ref, dict]] = before
        self.now: dict[int, tuple[weakref.ref, dict]] = {}

    @classmethod
    @contextmanager
    def for_stream(cls, stream: str) -> Iterator[Written]:
        with cls._lock:
            written = cls(cls._last.pop(stream, {}))
        yield written
        with cls._lock:
            cls._last[stream] = written.now
            while len(cls._last) > KEEP_WRITTEN:
                del cls._last[next(iter(cls._last))]

    def of(self, value: Any) -> dict:
        kept = self.now.get(id(value)) or self.before.get(id(value))
        if kept is None or kept[0]() is not value:
            kept = (weakref.ref(value), _object(value, self))
        self.now[id(value)] = kept
        return kept[1]


KEEP_WRITTEN = 16  # a running process's streams whose last save's writing is kept: a load's are written once


def _loads(text: str) -> Any:
    """What ``_plain`` wrote, each tagged value built as the JSON is parsed (innermost first)."""
    return json.loads(text, object_hook=_built)


def _built(found: dict) -> Any:
    """A JSON object parsed, its values built already: a tagged value (a one-key object whose key starts with
    ``$``) as what it stands for; any other (a domain object's fields) as it is."""
    if len(found) != 1:
        return found
    (tag, inner), = found.items()
    if tag == "$d":
        return Decimal(inner)
    if tag == "$t":
        return date.fromisoformat(inner)
    if tag == "$dt":
        return datetime.fromisoformat(inner)
    if tag == "$tu":
        return tuple(inner)
    if tag == "$fs":
        return frozenset(inner)
    if tag == "$m":
        return {key: value for key, value in inner}
    if tag == "$b":
        return Basis.kept(*inner)
    if tag == "$o":
        name, fields = inner
        made = object.__new__(_domain_class(name))
        made.__dict__.update(fields)
        return made
    if tag.startswith("$"):
        raise ValueError(f"a snapshot holds {tag!r}, which is not a value it writes")
    return found


@cache
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
