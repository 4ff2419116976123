"""When payments fall due: coupons, instalments, day count and Business Days.

Day count: the 1995 notes bear interest "computed on the basis of a 360-day
year of twelve 30-day months" (Exhibit B). debtreg reads that as the 30/360
Bond Basis (ISDA 2006 Definitions, Section 4.16(f)), the usual reading for
United States corporate notes:

    days = 360 (Y2 - Y1) + 30 (M2 - M1) + (D2 - D1)
    where D1 = 30 if D1 is 31, and D2 = 30 if D2 is 31 and D1 is then 30.

February gets no adjustment: from the 5th of December to the 28th of February
is 83 days, and to the 1st of March 86. A full semi-annual period is 180 days.

Business Day (Section 10.1): any day other than a Saturday, Sunday or a
national, Connecticut or New York holiday. The holidays are passed in (the
adapters take them from a maintained calendar); the domain only counts.
"""

from __future__ import annotations

from collections.abc import Container, Sequence
from datetime import date, timedelta
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from domain.errors import NotOnFile
from domain.money import round_cents
from domain.values import ScheduledPayment, SeriesTerms

BOND_BASIS = "30/360"


def days_30_360(start: date, end: date) -> int:
    d1 = 30 if start.day == 31 else start.day
    d2 = 30 if end.day == 31 and d1 == 30 else end.day
    return 360 * (end.year - start.year) + 30 * (end.month - start.month) + (d2 - d1)


def interest(principal: Decimal, rate_percent: Decimal, days: int) -> Decimal:
    """Interest on ``principal`` for ``days`` (30/360), rounded half up to the cent."""
    return round_cents(principal * rate_percent * days / Decimal(36000), ROUND_HALF_UP)


def coupon_dates(series: SeriesTerms, start: date) -> list[date]:
    """Interest payment dates after ``start`` (the notes' date) up to maturity.

    "payable semi-annually on the fifth day of June and the fifth day of
    December ..., commencing with the payment date next succeeding the date of
    the Note" (Section 1.1).
    """
    if series.interest_dates is None:
        raise NotOnFile(f"the interest payment dates of the {series.key} notes are not on file")
    days = sorted((int(md[:2]), int(md[3:])) for md in series.interest_dates)
    found = []
    for year in range(start.year, series.maturity.year + 1):
        for month, day in days:
            due = date(year, month, day)
            if start < due <= series.maturity:
                found.append(due)
    return found


def equal_instalments(total: Decimal, due_dates: Sequence[date]) -> tuple[ScheduledPayment, ...]:
    """``total`` in equal instalments on ``due_dates``; the last absorbs the rounding.

    Each instalment but the last is ``total / n`` rounded down to the cent; the
    last is what remains, so the instalments sum exactly to ``total``.
    """
    if not due_dates:
        return ()
    each = round_cents(total / len(due_dates), ROUND_DOWN)
    last = total - each * (len(due_dates) - 1)
    return tuple(ScheduledPayment(d, each) for d in due_dates[:-1]) + (ScheduledPayment(due_dates[-1], last),)


def is_business_day(day: date, holidays: Container[date]) -> bool:
    return day.weekday() < 5 and day not in holidays


def business_days_after(day: date, count: int, holidays: Container[date]) -> date:
    """The ``count``-th Business Day after ``day``."""
    found = day
    while count:
        found += timedelta(days=1)
        if is_business_day(found, holidays):
            count -= 1
    return found


def require_day_count(series: SeriesTerms) -> None:
    if series.day_count is None:
        raise NotOnFile(f"the day count of the {series.key} notes is not on file")
    if series.day_count != BOND_BASIS:
        raise NotOnFile(f"the {series.key} notes use {series.day_count}, which debtreg does not compute")

