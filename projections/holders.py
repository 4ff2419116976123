"""Each holder's positions in every agreement as of a date: one holder however many agreements hold it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from domain.holders import Directory, holder_key
from domain.money import ZERO
from domain.values import shown_if_any, shown_if_set
from projections.record import AssumedFact, RecordEnds, union
from projections.register import NOT_ON_FILE, Register


@dataclass(frozen=True)
class Position:
    agreement: str
    series: str
    principal: Decimal
    notes: tuple[int, ...]
    rests_on: tuple[str, ...] = shown_if_any()


@dataclass(frozen=True)
class HolderPositions:
    """A holder (its stable key and its name on the date), the other names it is known by, what it holds, and the
    principal of all of it (every agreement and series)."""

    holder: str
    name: str
    also_known_as: tuple[str, ...]
    positions: tuple[Position, ...]
    total: Decimal


@dataclass(frozen=True)
class Holders:
    """Every holder's positions, and the principal of them all (``total``, of the registers on file); ``not_on_file``:
    the agreements whose register on the date is not on file, and why (a holder's positions in them are not known,
    not nil)."""

    as_of: date
    holders: tuple[HolderPositions, ...]
    total: Decimal
    assumptions: tuple[AssumedFact, ...] = shown_if_any()
    record_ends: dict[str, RecordEnds] = shown_if_any(dict)
    not_on_file: dict[str, str] = shown_if_any(dict)
    caveats: tuple[str, ...] = shown_if_any()  # each agreement's register's, naming it
    known_at: datetime | None = shown_if_set()  # the moment of a view as known at one (``--known-at``)


def holders_as_of(
    as_of: date, registers: list[Register], directory: Directory, assumptions: tuple[AssumedFact, ...] = (),
    holder: str | None = None,
) -> Holders:
    """Every holder of any agreement's notes on ``as_of``, by identity, in the order first met (the one whose key is
    ``holder``, given one)."""
    found: dict[str, list[Position]] = {}
    names: dict[str, tuple[str, tuple[str, ...]]] = {}
    for register in registers:
        if register.not_on_file:
            continue
        for line in register.holders:
            identity = directory.find(line.holder)
            key = identity.key if identity else holder_key(line.holder)
            name = identity.name_on(as_of) if identity else line.holder
            others = tuple(n for n in (identity.known_as() if identity else ()) if n != name)
            names.setdefault(key, (name, others))
            for series, principal in line.principal.items():
                held = [note for note in register.notes if note.number in line.notes and note.series == series]
                found.setdefault(key, []).append(
                    Position(register.agreement, series, principal, tuple(n.number for n in held),
                             union(*(n.held_on for n in held)))
                )
    shown = tuple(HolderPositions(key, *names[key], tuple(positions), sum((p.principal for p in positions), ZERO))
                  for key, positions in found.items() if holder in (None, key))
    return Holders(
        as_of,
        shown,
        sum((h.total for h in shown), ZERO),
        assumptions,
        {r.agreement: r.record_ends for r in registers if r.record_ends is not None},
        {r.agreement: r.not_on_file.removeprefix(NOT_ON_FILE) for r in registers if r.not_on_file},
        tuple(f"{r.agreement}: {caveat}" for r in registers for caveat in r.caveats),
    )
