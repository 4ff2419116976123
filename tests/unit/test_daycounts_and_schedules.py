"""Day counts, interest dates, rate steps and instalments: each convention against figures worked by hand."""

from dataclasses import replace
from datetime import date
from decimal import Decimal as D
from fractions import Fraction

import pytest

from domain.daycount import convention, interest_on
from domain.errors import InvalidTerms
from domain.schedule import accrual, coupon_dates, equal_instalments, interest_for, interest_pattern
from domain.values import RateStep, SeriesTerms

SERIES = SeriesTerms(
    key="A", title="6.00% Notes", label="A", principal=D("10000000.00"), rate_percent=D("6.00"),
    maturity=date(2010, 12, 5), interest_dates=("06-05", "12-05"), day_count="30/360",
)


@pytest.mark.parametrize(
    ("name", "start", "end", "days"),
    [
        # 30E/360: a 31st is always the 30th, at either end
        ("30E/360", date(2003, 1, 31), date(2003, 2, 28), 28),  # 30 - 30 + 28
        ("30E/360", date(2003, 1, 30), date(2003, 3, 31), 60),
        ("30E/360", date(2003, 2, 28), date(2003, 3, 31), 32),  # the Bond Basis gives 33 here
        ("30E/360", date(2004, 2, 29), date(2004, 8, 31), 181),  # leap February, no adjustment
        ("30/360", date(2003, 2, 28), date(2003, 3, 31), 33),
        # actual days: Dec 5 to Feb 29 2004 is 26 + 31 + 29
        ("ACT/360", date(2003, 12, 5), date(2004, 2, 29), 86),
        ("ACT/365F", date(2004, 1, 1), date(2005, 1, 1), 366),
        ("ACT/ACT-ICMA", date(2003, 6, 5), date(2003, 12, 5), 183),
    ],
)
def test_days_counted_by_each_convention(name, start, end, days):
    assert convention(name).days(start, end) == days


@pytest.mark.parametrize(
    ("name", "start", "end", "interest"),
    [
        ("30/360", date(2003, 6, 5), date(2003, 12, 5), "300000.00"),  # 180/360
        ("30E/360", date(2004, 2, 29), date(2004, 8, 31), "301666.67"),  # 181/360 x 600,000
        ("ACT/360", date(2003, 6, 5), date(2003, 12, 5), "305000.00"),  # 183/360 x 600,000
        ("ACT/365F", date(2003, 6, 5), date(2003, 12, 5), "300821.92"),  # 183/365 x 600,000 = 300,821.917...
        ("ACT/ACT-ICMA", date(2003, 6, 5), date(2003, 12, 5), "300000.00"),  # a full period is half a year
        ("ACT/ACT-ICMA", date(2003, 12, 5), date(2004, 2, 29), "140983.61"),  # 86/(2 x 183) x 600,000 = 140,983.606...
        ("ACT/ACT-ICMA", date(2004, 5, 5), date(2004, 7, 5), "100000.00"),  # 31/366 + 30/366 = 61/366 of 600,000
    ],
)
def test_interest_on_ten_million_at_six_percent_under_each_convention(name, start, end, interest):
    assert interest_for(replace(SERIES, day_count=name), D("10000000.00"), start, end) == D(interest)


def test_actual_actual_icma_splits_an_accrual_at_the_period_end():
    series = replace(SERIES, day_count="ACT/ACT-ICMA")
    assert accrual(series, date(2004, 5, 5), date(2004, 7, 5)) == Fraction(31, 366) + Fraction(30, 366)


def test_interest_rounds_half_up_once_per_payment_in_exact_arithmetic():
    assert interest_on(D("1.00"), D("0.5"), Fraction(1)) == D("0.01")  # half a cent rounds up
    assert interest_on(D("1.00"), D("0.4999"), Fraction(1)) == D("0.00")


def test_end_of_month_interest_dates_fall_on_the_last_day_of_each_month():
    series = replace(SERIES, interest_dates=("02-28", "08-31"), end_of_month=True, maturity=date(2006, 2, 28))
    assert coupon_dates(series, date(2003, 12, 1)) == [
        date(2004, 2, 29), date(2004, 8, 31), date(2005, 2, 28), date(2005, 8, 31), date(2006, 2, 28),
    ]


@pytest.mark.parametrize(
    ("dates", "message"),
    [
        (("Jan 15", "Jul 15"), "is not a month-day"),
        (("02-30", "08-30"), "is not a day of the year"),
        (("02-29", "08-29"), 'write "02-28" with end_of_month = true'),
        (("01-15", "06-15"), "not evenly spaced"),
        (("01-15", "07-16"), "on the same day of the month"),
    ],
)
def test_interest_dates_that_are_not_every_year_or_not_evenly_spaced_are_refused(dates, message):
    with pytest.raises(InvalidTerms, match=message):
        interest_pattern(replace(SERIES, interest_dates=dates))


def test_quarterly_dates_are_three_months_apart_and_maturity_off_the_pattern_pays_its_broken_period():
    series = replace(SERIES, interest_dates=("03-15", "06-15", "09-15", "12-15"), maturity=date(2004, 8, 1))
    assert coupon_dates(series, date(2003, 12, 15)) == [date(2004, 3, 15), date(2004, 6, 15), date(2004, 8, 1)]


def test_a_rate_step_splits_the_period_it_falls_in():
    """7% to 2003-09-05, 8% from then: 90 days at each on 30/360 of 10,000,000 = 175,000 + 200,000."""
    series = replace(SERIES, rate_percent=D("7.00"), rate_steps=(RateStep(date(2003, 9, 5), D("8.00")),))
    assert interest_for(series, D("10000000.00"), date(2003, 6, 5), date(2003, 12, 5)) == D("375000.00")


def test_seven_equal_instalments_rounding_half_up_reproduce_the_published_schedule():
    dates = [date(y, 6, 30) for y in range(2010, 2017)]
    parts = equal_instalments(D("13290000.00"), dates, "half up")
    assert [p.amount for p in parts] == [D("1898571.43")] * 6 + [D("1898571.42")]
    assert [p.amount for p in equal_instalments(D("13290000.00"), dates, "down")] == [D("1898571.42")] * 6 + [D("1898571.48")]
    with pytest.raises(InvalidTerms, match="does not divide evenly to the cent; say how each rounds"):
        equal_instalments(D("13290000.00"), dates, None)
    assert sum(p.amount for p in parts) == D("13290000.00")
