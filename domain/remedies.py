"""What becomes due when notes are accelerated, computed one way for the command and its replay.

On acceleration the principal of the notes is due at once with the interest
accrued on it; where the agreement provides it, the Makewhole Price of the
remaining scheduled payments too (the greater of the two is paid), priced on
the Treasury curve of the day.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from domain.makewhole import CurvePoint, MakewholeQuote, quote_for
from domain.money import ZERO
from domain.rules import pro_rata
from domain.state import AgreementState
from domain.values import Allocation


@dataclass(frozen=True)
class Due:
    principal: Decimal
    interest: Decimal
    makewhole: tuple[MakewholeQuote, ...]
    # each note's principal, and its part of the interest and of the premium (its series', pro rata to principal):
    # to whom they are paid
    principal_shares: tuple[Allocation, ...] = field(default=(), compare=False)
    interest_shares: tuple[Allocation, ...] = field(default=(), compare=False)
    premium_shares: tuple[Allocation, ...] = field(default=(), compare=False)


def acceleration_due(
    state: AgreementState, notes: Sequence[int], on: date, curve: Sequence[CurvePoint] | None
) -> Due:
    """Principal and accrued interest of ``notes`` on ``on`` and, with a curve, each series' make-whole quote."""
    by_series: dict[str, list[Allocation]] = {}
    for number in notes:
        note = state.live_notes[number]
        by_series.setdefault(note.series, []).append(Allocation(number, note.principal))
    interest, quotes, interest_shares, premium_shares = ZERO, [], [], []
    defaults = state.terms.defaults
    for series, shares in by_series.items():
        principal = Allocation.paid(shares)
        accrued = state.interest_with_prepayment(series, principal, on) or ZERO
        interest += accrued
        interest_shares += _shared(accrued, shares)
        if curve and defaults is not None and defaults.makewhole_on_acceleration and state.series[series].terms.makewhole:
            quotes.append(quote_for(state, series, on, principal, curve, in_multiples=False))
            premium_shares += _shared(quotes[-1].premium, shares)
    everyone = tuple(a for shares in by_series.values() for a in shares)
    return Due(Allocation.paid(everyone), interest, tuple(quotes), everyone, tuple(interest_shares), tuple(premium_shares))


def _shared(amount: Decimal, principal: Sequence[Allocation]) -> list[Allocation]:
    """``amount`` among notes of one series pro rata to their principal, exactly to the cent (``rules.pro_rata``)."""
    return [Allocation(note, part) for note, part in pro_rata(amount, {a.note: a.amount for a in principal}).items()]
