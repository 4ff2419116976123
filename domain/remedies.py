"""What becomes due when notes are accelerated, computed one way for the command and its replay.

On acceleration the principal of the notes is due at once with the interest
accrued on it; where the agreement provides it, the Makewhole Price of the
remaining scheduled payments too (the greater of the two is paid), priced on
the Treasury curve of the day.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from domain.makewhole import CurvePoint, MakewholeQuote, quote_for
from domain.money import ZERO
from domain.state import AgreementState


@dataclass(frozen=True)
class Due:
    principal: Decimal
    interest: Decimal
    makewhole: tuple[MakewholeQuote, ...]


def acceleration_due(
    state: AgreementState, notes: Sequence[int], on: date, curve: Sequence[CurvePoint] | None
) -> Due:
    """Principal and accrued interest of ``notes`` on ``on`` and, with a curve, each series' make-whole quote."""
    by_series: dict[str, Decimal] = {}
    for number in notes:
        note = state.live_notes[number]
        by_series[note.series] = by_series.get(note.series, ZERO) + note.principal
    interest, quotes = ZERO, []
    defaults = state.terms.defaults
    for series, principal in by_series.items():
        interest += state.interest_with_prepayment(series, principal, on) or ZERO
        if curve and defaults is not None and defaults.makewhole_on_acceleration and state.series[series].terms.makewhole:
            quotes.append(quote_for(state, series, on, principal, curve, in_multiples=False))
    return Due(sum(by_series.values(), ZERO), interest, tuple(quotes))
