"""The register, outstanding principal and Annex 1 of an agreement as of a date.

Pure functions of an agreement's events: they replay the timeline up to the
date (and, for "as known at", only what was recorded by then) through the same
ledger the aggregate checks commands with, and shape the result for reading.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from domain.ledger import Ledger, Movement, TimelineEvent, replay
from domain.money import ZERO
from domain.values import AgreementTerms, SeriesTerms


@dataclass(frozen=True)
class NoteLine:
    number: int
    series: str
    registered_name: str | None
    holder: str
    account: str | None
    principal: Decimal
    dated: date | None
    origin: str


@dataclass(frozen=True)
class HolderLine:
    holder: str
    principal: dict[str, Decimal]
    notes: tuple[int, ...]


@dataclass(frozen=True)
class Register:
    """Who held which notes on ``as_of``; ``not_on_file`` says why it is unknown."""

    agreement: str
    issuer: str
    as_of: date
    known_at: datetime | None
    series: tuple[SeriesTerms, ...]
    notes: tuple[NoteLine, ...]
    holders: tuple[HolderLine, ...]
    not_on_file: str | None = None

    def totals(self) -> dict[str, Decimal]:
        return {
            s.key: sum((n.principal for n in self.notes if n.series == s.key), ZERO)
            for s in self.series
        }


@dataclass(frozen=True)
class SeriesOutstanding:
    """A series' principal outstanding and the movements that make it up."""

    series: SeriesTerms
    outstanding: Decimal | None
    movements: tuple[Movement, ...]
    paid_off_on: date | None
    not_on_file: str | None = None


def register_as_of(
    key: str, events: Sequence[TimelineEvent], as_of: date, known_at: datetime | None = None
) -> Register:
    ledger, terms, gap = _replay(events, as_of, known_at)
    series = terms.series
    if gap:
        return Register(key, terms.issuer, as_of, known_at, series, (), (), gap)
    notes = tuple(
        NoteLine(
            n.number, n.series, n.registered_name, n.holder, n.account, n.principal, n.dated, n.origin
        )
        for n in ledger.live()
    )
    holders = tuple(
        HolderLine(
            holder,
            {s.key: p for s in series if (p := _sum(notes, holder, s.key))},
            tuple(n.number for n in notes if n.holder == holder),
        )
        for holder in ledger.holders()
    )
    return Register(key, terms.issuer, as_of, known_at, series, notes, holders)


def outstanding_as_of(
    events: Sequence[TimelineEvent], as_of: date, known_at: datetime | None = None
) -> list[SeriesOutstanding]:
    ledger, terms, gap = _replay(events, as_of, known_at)
    return [
        SeriesOutstanding(
            series,
            None if gap else ledger.outstanding(series.key),
            () if gap else tuple(ledger.series[series.key].movements),
            None if gap else ledger.series[series.key].paid_off_on,
            gap,
        )
        for series in terms.series
    ]


def _replay(
    events: Sequence[TimelineEvent], as_of: date, known_at: datetime | None
) -> tuple[Ledger, AgreementTerms, str | None]:
    """The ledger as of the date, the agreement's terms, and any gap in the record."""
    everything = replay(events, known_at=known_at)
    terms = everything.terms
    assert terms is not None, "an agreement's first event registers it"
    if everything.on_file_from is not None and as_of < everything.on_file_from:
        return everything, terms, f"not on file: the earliest register on file is as of {everything.on_file_from}"
    return replay(events, as_of=as_of, known_at=known_at), terms, None


def _sum(notes: Sequence[NoteLine], holder: str, series: str) -> Decimal:
    return sum((n.principal for n in notes if n.holder == holder and n.series == series), ZERO)
