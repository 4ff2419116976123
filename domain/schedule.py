"""When payments fall due and what interest they carry: interest dates, accrual, instalments, Business Days.

Interest dates are given as month-days ("06-05", "12-05"), as evenly spaced
through the year as the frequency implies (two a year six months apart, four
three months apart...). With the end-of-month rule a day of 28 or more means
the last day of its month (so "02-28" is February 29 in a leap year and
"08-31" is August 31). A note pays interest on each such date after the date
it bears interest from, and at maturity.

Interest for a period is the principal times the rate in force (rate steps
split a period) times the day count fraction, rounded half up to the cent once
per payment (``domain.daycount``).

Business Days are passed in as a set of holidays (the adapters take them from
the maintained ``holidays`` calendars the agreement names); the domain only counts.
"""

from __future__ import annotations

import calendar
from collections.abc import Container, Sequence
from datetime import date, timedelta
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from fractions import Fraction

from domain.daycount import ACTUAL_ACTUAL_ICMA, convention, interest_on
from domain.errors import InvalidTerms, NotOnFile
from domain.money import round_cents
from domain.values import NEXT_BUSINESS_DAY, BusinessDayTerms, GraceTerms, ScheduledPayment, SeriesTerms

ROUNDINGS = {"half up": ROUND_HALF_UP, "down": ROUND_DOWN}


def parse_month_day(text: str, *, end_of_month: bool) -> tuple[int, int]:
    """ "06-05" as (6, 5); refuses what is not a day of every year."""
    parts = text.strip().split("-")
    if len(parts) != 2 or not all(p.isdigit() and len(p) == 2 for p in parts):
        raise InvalidTerms(f"{text!r} is not a month-day; write interest dates as MM-DD, e.g. \"06-05\"")
    month, day = int(parts[0]), int(parts[1])
    if not 1 <= month <= 12 or not 1 <= day <= calendar.monthrange(2001, month)[1]:
        if month == 2 and day == 29:
            raise InvalidTerms(
                '"02-29" is not a day of every year; for the last day of February write "02-28" with end_of_month = true'
            )
        raise InvalidTerms(f"{text!r} is not a day of the year")
    return month, (31 if end_of_month and day >= 28 else day)


def interest_pattern(series: SeriesTerms) -> tuple[tuple[int, int], ...]:
    """The series' interest dates as (month, day), checked to be evenly spaced through the year."""
    if series.interest_dates is None:
        raise NotOnFile(f"the interest payment dates of the {series.key} notes are not on file")
    pattern = sorted(parse_month_day(md, end_of_month=series.end_of_month) for md in series.interest_dates)
    count = len(pattern)
    if count not in (1, 2, 3, 4, 6, 12) or len({day for _, day in pattern}) > 1 and not series.end_of_month:
        raise InvalidTerms(
            f"interest dates {', '.join(series.interest_dates)}: give 1, 2, 3, 4, 6 or 12 dates a year on the same"
            " day of the month (or the end of the month, with end_of_month = true)"
        )
    months = [month for month, _ in pattern]
    if any(b - a != 12 // count for a, b in zip(months, months[1:], strict=False)):
        raise InvalidTerms(f"interest dates {', '.join(series.interest_dates)} are not evenly spaced through the year")
    return tuple(pattern)


def _on(year: int, month: int, day: int) -> date:
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def pattern_dates(series: SeriesTerms, first_year: int, last_year: int) -> list[date]:
    return [_on(y, m, d) for y in range(first_year, last_year + 1) for m, d in interest_pattern(series)]


def coupon_dates(series: SeriesTerms, start: date) -> list[date]:
    """Interest payment dates after ``start`` (the date the notes bear interest from), and maturity.

    "payable semi-annually on the fifth day of June and the fifth day of
    December ..., commencing with the payment date next succeeding the date of
    the Note" (Section 1.1 of the 1995 agreement).
    """
    found = [d for d in pattern_dates(series, start.year, series.maturity.year) if start < d <= series.maturity]
    if series.maturity > start and (not found or found[-1] != series.maturity):
        found.append(series.maturity)
    return found


def interest_date_on_or_before(series: SeriesTerms, day: date) -> date:
    """The last interest date of the series' pattern on or before ``day`` (whether or not notes were out then)."""
    return max(d for d in pattern_dates(series, day.year - 1, day.year) if d <= day)


def per_year(series: SeriesTerms) -> int:
    return len(interest_pattern(series))


def require_day_count(series: SeriesTerms) -> None:
    """Interest can be computed: the day count is on file, and one debtreg computes."""
    if series.day_count is None:
        raise NotOnFile(f"the day count of the {series.key} notes is not on file")
    convention(series.day_count)


def days_counted(series: SeriesTerms, start: date, end: date) -> int:
    require_day_count(series)
    assert series.day_count is not None
    return convention(series.day_count).days(start, end)


def accrual(series: SeriesTerms, start: date, end: date) -> Fraction:
    """The fraction of a year from ``start`` to ``end`` under the series' day count.

    Actual/Actual (ICMA) counts each piece against the interest period it falls
    in, so an accrual across a period end is split there.
    """
    require_day_count(series)
    assert series.day_count is not None
    counted = convention(series.day_count)
    if counted.name != ACTUAL_ACTUAL_ICMA:
        return counted.fraction(start, end)
    bounds = sorted({start, end, *(d for d in pattern_dates(series, start.year - 1, end.year + 1) if start < d < end)})
    total = Fraction(0)
    for piece_start, piece_end in zip(bounds, bounds[1:], strict=False):
        period_end = min(d for d in pattern_dates(series, piece_start.year, piece_start.year + 1) if d > piece_start)
        period_start = interest_date_on_or_before(series, piece_start)
        total += counted.fraction(piece_start, piece_end, (period_start, period_end), per_year(series))
    return total


def interest_for(series: SeriesTerms, principal: Decimal, start: date, end: date) -> Decimal:
    """Interest on ``principal`` from ``start`` to ``end``: the rate in force on each day, rounded once, half up."""
    steps = sorted({start, end, *(s.starts_on for s in series.rate_steps if start < s.starts_on < end)})
    exact = sum(
        (Fraction(series.rate_on(a)) * accrual(series, a, b) for a, b in zip(steps, steps[1:], strict=False)),
        Fraction(0),
    )
    return interest_on(principal, Decimal(1), exact)


def equal_instalments(total: Decimal, due_dates: Sequence[date], rounding: str | None) -> tuple[ScheduledPayment, ...]:
    """``total`` in equal instalments on ``due_dates``; the last absorbs the rounding.

    Each instalment but the last is ``total / n`` rounded to the cent as the
    agreement says ("half up" or "down"); the last is what remains, so they sum
    exactly to ``total``. An amount that does not divide evenly needs the rule.
    """
    if not due_dates:
        return ()
    share = total / len(due_dates)
    if rounding is None:
        if share != round_cents(share, ROUND_DOWN):
            raise InvalidTerms(
                f"${total:,} in {len(due_dates)} equal instalments does not divide evenly to the cent; say how"
                ' each rounds: rounding = "half up" or "down" (the last instalment absorbs the difference)'
            )
        rounding = "down"
    each = round_cents(share, ROUNDINGS[rounding])
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


def payable_on(due_on: date, days: BusinessDayTerms | None, holidays: Container[date] | None) -> date | None:
    """The day a payment due ``due_on`` is to be made: the next Business Day where it is not one and the agreement
    says so (``days.payments``), else ``due_on``; ``None`` where the calendar that needs is not on file."""
    if days is None or days.payments != NEXT_BUSINESS_DAY:
        return due_on
    if holidays is None:
        return None
    return due_on if is_business_day(due_on, holidays) else business_days_after(due_on, 1, holidays)


def grace_ends(due_on: date, grace: GraceTerms, holidays: Container[date] | None, *,
               days: BusinessDayTerms | None) -> date | None:
    """The last day a payment due ``due_on`` may be made without an Event of Default: its grace counted in days, or in
    Business Days on the agreement's calendar (``holidays``), from the day it is to be made (``payable_on``, by the
    agreement's Business Day terms ``days``); ``None`` where those are counted and the calendar is not on file. The
    default exists from the day after."""
    start = payable_on(due_on, days, holidays)
    if start is None:
        return None
    if not grace.business_days:
        return start + timedelta(days=grace.days)
    return None if holidays is None else business_days_after(start, grace.days, holidays)

