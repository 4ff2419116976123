"""The Makewhole Price of an optional prepayment (Sections 5.2 and 10.1, 1995 agreement).

Following the definitions word for word:

- "Makewhole Price": the present value of all scheduled payments of principal
  and interest in respect of the Notes (or portions thereof being prepaid) which
  would be made after the prepayment date, discounted semi-annually at the
  Treasury Constant Yield plus 0.50%, each from its due date to the prepayment date.
- The portion prepaid is the part of each remaining scheduled principal payment
  that the prepayment pays off: exactly the reduction of Section 5.1(b) the
  register records (``rules.prepaid_portions``), so the notice and the register
  agree to the cent; its interest is paid on each coupon date on the portion
  still unpaid, for the whole period (the first payment thus includes the
  interest accrued to the prepayment date).
- "Weighted Average Life to Maturity": the Remaining Dollar-years (each remaining
  principal payment times the years to its due date, "calculated at the nearest
  one-twelfth") over the principal. Years to the nearest twelfth: the 30/360 days
  over 30 give months, rounded half up to a whole month.
- "Treasury Constant Yield": the yield of the Treasury with that remaining life,
  or the linear interpolation between the nearest shorter and longer ones.
- Discounting: each payment over (1 + (yield + 0.50%) / 2) to the power of the
  30/360 half-years from the prepayment date to its due date.

The price is the greater of par plus accrued interest and the Makewhole Price.
Arithmetic is exact (fractions) up to the discounting, which runs at 40 digits;
each payment's present value is then rounded half up to the cent, and the
Makewhole Price is their sum, so the figures of the notice add up exactly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction
from typing import TYPE_CHECKING

from domain import rules
from domain.daycount import convention
from domain.errors import InvalidCommand, NotOnFile, OverPayment
from domain.money import ZERO, format_amount, round_cents
from domain.schedule import interest_for
from domain.values import MakewholeTerms, ScheduledPayment, SeriesTerms, Value, shown_as, shown_if_set

if TYPE_CHECKING:
    from domain.state import AgreementState


@dataclass(frozen=True)
class CurvePoint(Value):
    """A Treasury yield (percent) for a remaining life (years)."""

    years: Decimal
    yield_percent: Decimal

    def life(self, *, words: bool = False) -> str:
        """The life as it is given, "2y" or "1m" ("2-year", "1-month" in ``words``): a month is kept as a twelfth of a
        year to the decimal context's 28 digits, which printed as "0.08333333333333333333333333333y"."""
        months = (self.years * 12).quantize(Decimal("1e-20"))
        if self.years != self.years.to_integral_value() and months == months.to_integral_value():
            return f"{months:.0f}-month" if words else f"{months:.0f}m"
        return f"{self.years}-year" if words else f"{self.years}y"


@dataclass(frozen=True)
class MakewholeLine(Value):
    """One remaining scheduled payment of the portion prepaid, and its present value."""

    due_on: date
    principal: Decimal
    interest: Decimal
    months: int
    periods: Decimal = shown_as("discount_periods")
    discount_factor: Decimal = shown_as("discount_factor")
    present_value: Decimal = shown_as("present_value")


@dataclass(frozen=True)
class MakewholeQuote(Value):
    """Every step of the calculation, as the Section 5.3 notice must set it out."""

    prepay_on: date
    amount: Decimal
    outstanding: Decimal
    lines: tuple[MakewholeLine, ...] = shown_as("payments")
    weighted_average_life: Decimal = shown_as("weighted_average_life_years")
    curve: tuple[CurvePoint, ...] = shown_as("treasury_curve")
    treasury_points: tuple[CurvePoint, ...] = shown_as("treasury_points_used")
    treasury_yield: Decimal = shown_as("treasury_constant_yield_percent")
    discount_rate: Decimal = shown_as("discount_rate_percent")
    makewhole_price: Decimal = shown_as("makewhole_price")
    accrued_interest: Decimal = shown_as("accrued_interest")
    par_plus_accrued: Decimal = shown_as("par_plus_accrued")
    price: Decimal = shown_as("price")
    premium: Decimal = shown_as("premium")
    definition: MakewholeTerms
    series: str | None = None  # the series quoted (not kept by debtreg 0.1)
    reacquired_share: Decimal | None = shown_if_set()  # of the prepayment, the reacquired notes': paid to no one, unpriced

    @property
    def prepaid(self) -> Decimal:
        """The whole prepayment: the principal priced (``amount``, paid to holders) and the reacquired notes' share."""
        return self.amount + (self.reacquired_share or ZERO)

    @classmethod
    def upgrade(cls, stored: dict) -> dict:
        """A quote stored by debtreg 0.1 kept no definition: it computed one alone (``QUOTED_BY_0_1``)."""
        return {**stored, "definition": stored.get("definition") or QUOTED_BY_0_1}


QUOTED_BY_0_1 = MakewholeTerms(Decimal("0.50"), "semi-annual", "30/360")
"""The one make-whole definition debtreg 0.1 computed, written into its code: the 1995 agreement's (0.50% over the
Treasury yield, semi-annual, 30/360). A fact about quotes that release stored, never a default for a new one."""


def years(definition: MakewholeTerms, start: date, end: date) -> Fraction:
    """Years from ``start`` to ``end`` for the average life: exact, or to the nearest twelfth (months half up)."""
    exact = convention(definition.day_count).fraction(start, end)
    if definition.average_life == "exact":
        return exact
    return Fraction(int((exact * 12 + Fraction(1, 2)).__floor__()), 12)


def treasury_constant_yield(
    curve: Sequence[CurvePoint], life: Fraction, outside_curve: str = "refuse", section: str | None = None
) -> tuple[Fraction, tuple[CurvePoint, ...]]:
    """The yield for ``life`` years: an exact match, else interpolated between its neighbours;
    outside the curve, refused, or the nearest maturity's yield if the agreement says so."""
    points = sorted(curve, key=lambda p: p.years)
    for point in points:
        if Fraction(point.years) == life:
            return Fraction(point.yield_percent), (point,)
    shorter = [p for p in points if Fraction(p.years) < life]
    longer = [p for p in points if Fraction(p.years) > life]
    if points and outside_curve == "nearest" and (not shorter or not longer):
        nearest = longer[0] if not shorter else shorter[-1]
        return Fraction(nearest.yield_percent), (nearest,)
    if not shorter or not longer:
        span = f"{points[0].life()} to {points[-1].life()}" if len(points) > 1 else (
            f"only the {points[0].life(words=True)} yield" if points else "no points"
        )
        raise InvalidCommand(
            f"the Treasury curve ({span}) must have maturities on both sides of the Weighted Average"
            f" Life to Maturity, {_decimal(life).quantize(Decimal('0.0001'))} years, to interpolate the Treasury"
            " Constant Yield",
            section=section,
        )
    low, high = shorter[-1], longer[0]
    t1, t2, y1, y2 = (Fraction(x) for x in (low.years, high.years, low.yield_percent, high.yield_percent))
    return y1 + (y2 - y1) * (life - t1) / (t2 - t1), (low, high)


def quote_for(
    state: AgreementState, series: str, on: date, amount: Decimal, curve: Sequence[CurvePoint], *,
    in_multiples: bool = True, paid: Decimal | None = None,
) -> MakewholeQuote:
    """The make-whole quote for prepaying ``amount`` of a series on ``on``, from the register then.

    ``state`` is the register as of ``on``; the same quote is recorded with an
    optional prepayment (in the agreement's multiples) or an acceleration (of
    whatever is accelerated) and checked against the register whenever it is replayed.
    It prices ``paid``, the part of ``amount`` paid to holders, where the rest is the
    share of notes the Company reacquired (paid to no one); all of it if not given.
    """
    terms = state.series_state(series).terms
    if terms.makewhole is None:
        raise NotOnFile(f"the make-whole terms of the {series} notes are not on file")
    section = state.section("optional_prepayment")
    rules.require_positive(amount, "a prepayment")
    found = rules.require_outstanding(state, series, on)
    outstanding = state.outstanding(series) + state.deemed_total(series)
    if in_multiples:
        rules.check_multiple(amount, terms.optional_prepayment_multiple, whole=outstanding, section=section)
    if amount > outstanding:
        raise OverPayment(
            f"a prepayment of ${format_amount(amount)}: ${format_amount(outstanding)} is outstanding on {on}"
        )
    if found.schedule is None:
        raise NotOnFile(f"the schedule of payments of the {series} notes is not on file")
    overdue = [p for p in found.schedule if p.due_on <= on]
    if overdue:
        raise InvalidCommand(
            f"the {series} notes have ${format_amount(overdue[0].amount)} of principal due {overdue[0].due_on}"
            " that is not recorded as paid; record it before quoting a make-whole, which is on the"
            " payments scheduled after the prepayment date",
            section=state.section("required_prepayment"),
        )
    assert found.first_on is not None
    paid = amount if paid is None else paid
    return quote(
        prepay_on=on,
        amount=paid,
        reacquired_share=amount - paid or None,
        outstanding=outstanding,
        portions=rules.prepaid_portions(found.schedule, paid),
        coupons=found.coupon_dates or (),
        period_start=state.last_coupon(series, on),
        series=terms,
        curve=curve,
        section=state.section("makewhole"),
    )


def quote(
    *,
    prepay_on: date,
    amount: Decimal,
    outstanding: Decimal,
    portions: Sequence[ScheduledPayment],
    coupons: Sequence[date],
    period_start: date,
    series: SeriesTerms,
    curve: Sequence[CurvePoint],
    section: str | None = None,
    reacquired_share: Decimal | None = None,
) -> MakewholeQuote:
    """The Makewhole Price of prepaying ``amount`` of ``outstanding`` on ``prepay_on``.

    ``portions`` are the parts of the scheduled principal payments due after the
    prepayment date that it pays off (they sum to ``amount``), ``coupons`` the
    interest dates, ``period_start`` the interest date (or note date) before it.
    """
    definition = series.makewhole
    assert definition is not None
    if not portions:
        raise InvalidCommand(f"no scheduled payment of principal remains after {prepay_on}")
    shares = {p.due_on: p.amount for p in portions}
    dates = sorted(set(shares) | {c for c in coupons if c > prepay_on})
    unpaid, previous, payments = amount, period_start, []
    for due in dates:
        coupon = interest_for(series, unpaid, previous, due) if due in coupons else ZERO
        principal = shares.get(due, ZERO)
        payments.append((due, principal, coupon))
        unpaid -= principal
        previous = due if due in coupons else previous
    dollar_years = sum(
        (Fraction(principal) * years(definition, prepay_on, due) for due, principal, _ in payments), Fraction(0)
    )
    life = dollar_years / Fraction(amount)
    treasury, used = treasury_constant_yield(curve, life, definition.outside_curve, section)
    counted = convention(definition.day_count)
    with localcontext() as context:
        context.prec = 40
        yearly = _decimal(treasury) + definition.spread_percent
        base = 1 + yearly / (100 * definition.per_year)
        lines = []
        for due, principal, coupon in payments:
            exact = counted.fraction(prepay_on, due) * definition.per_year
            periods = Decimal(exact.numerator) / Decimal(exact.denominator)
            factor = base ** -periods
            value = (principal + coupon) * factor
            lines.append(
                MakewholeLine(
                    due, principal, coupon, int(years(definition, prepay_on, due) * 12),
                    periods, +factor, round_cents(value, ROUND_HALF_UP),
                )
            )
    present_value = sum((line.present_value for line in lines), ZERO)
    accrued = interest_for(series, amount, period_start, prepay_on)
    par_plus_accrued = amount + accrued
    price = max(par_plus_accrued, present_value)
    return MakewholeQuote(
        prepay_on=prepay_on,
        amount=amount,
        outstanding=outstanding,
        curve=tuple(sorted(curve, key=lambda p: p.years)),
        lines=tuple(lines),
        weighted_average_life=_decimal(life),
        treasury_points=used,
        treasury_yield=_decimal(treasury),
        discount_rate=_decimal(treasury) + definition.spread_percent,
        makewhole_price=present_value,
        accrued_interest=accrued,
        par_plus_accrued=par_plus_accrued,
        price=price,
        premium=price - par_plus_accrued,
        definition=definition,
        series=series.key,
        reacquired_share=reacquired_share,
    )


def _decimal(value: Fraction) -> Decimal:
    """An exact fraction as a decimal to 12 places, rounded half up (for showing and discounting)."""
    with localcontext() as context:
        context.prec = 40
        return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("1e-12"), rounding=ROUND_HALF_UP)
