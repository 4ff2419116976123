"""Day count conventions: the fraction of a year between two dates, one implementation each.

The agreement names its convention; debtreg computes these, exactly (as
fractions), and nothing else:

- ``30/360``: the 30/360 Bond Basis (ISDA 2006 Definitions 4.16(f)), "a 360-day
  year of twelve 30-day months": D1 = 30 if it is 31; D2 = 30 if it is 31 and D1
  is then 30 or 31. February gets no adjustment.
- ``30E/360``: the Eurobond Basis (4.16(g)): D1 and D2 are 30 whenever they are 31.
- ``ACT/360``: actual days over 360.
- ``ACT/365F``: actual days over 365, leap years or not (4.16(d)).
- ``ACT/ACT-ICMA``: actual days over the actual days of the interest period the
  dates fall in, times the number of periods a year (ICMA Rule 251): a full
  period is exactly 1/frequency of a year.

Interest is the principal times the rate times the fraction, rounded half up to
the cent once per payment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from domain.errors import InvalidTerms
from domain.money import from_cents

BOND_BASIS = "30/360"
EUROBOND_BASIS = "30E/360"
ACTUAL_360 = "ACT/360"
ACTUAL_365_FIXED = "ACT/365F"
ACTUAL_ACTUAL_ICMA = "ACT/ACT-ICMA"


@dataclass(frozen=True)
class Convention:
    name: str
    title: str

    def days(self, start: date, end: date) -> int:
        """The days counted from ``start`` to ``end`` under this convention."""
        if self.name == BOND_BASIS:
            d1 = 30 if start.day == 31 else start.day
            d2 = 30 if end.day == 31 and d1 == 30 else end.day
            return 360 * (end.year - start.year) + 30 * (end.month - start.month) + (d2 - d1)
        if self.name == EUROBOND_BASIS:
            d1, d2 = min(start.day, 30), min(end.day, 30)
            return 360 * (end.year - start.year) + 30 * (end.month - start.month) + (d2 - d1)
        return (end - start).days

    def fraction(self, start: date, end: date, period: tuple[date, date] | None = None, per_year: int | None = None) -> Fraction:
        """The fraction of a year from ``start`` to ``end``.

        Actual/Actual (ICMA) needs the interest period the dates fall in and the
        number of periods a year; the others need neither.
        """
        if self.name in (BOND_BASIS, EUROBOND_BASIS, ACTUAL_360):
            return Fraction(self.days(start, end), 360)
        if self.name == ACTUAL_365_FIXED:
            return Fraction(self.days(start, end), 365)
        if period is None or per_year is None:
            raise InvalidTerms(f"{self.title} needs the interest period and the number of periods a year")
        return Fraction(self.days(start, end), per_year * (period[1] - period[0]).days)


CONVENTIONS: dict[str, Convention] = {
    c.name: c
    for c in (
        Convention(BOND_BASIS, "30/360 Bond Basis (ISDA 2006, 4.16(f))"),
        Convention(EUROBOND_BASIS, "30E/360 Eurobond Basis (ISDA 2006, 4.16(g))"),
        Convention(ACTUAL_360, "Actual/360 (ISDA 2006, 4.16(e))"),
        Convention(ACTUAL_365_FIXED, "Actual/365 (Fixed) (ISDA 2006, 4.16(d))"),
        Convention(ACTUAL_ACTUAL_ICMA, "Actual/Actual (ICMA Rule 251)"),
    )
}


def convention(name: str) -> Convention:
    try:
        return CONVENTIONS[name]
    except KeyError:
        raise InvalidTerms(f"{name!r} is not a day count debtreg computes; the day counts are: {', '.join(CONVENTIONS)}") from None


def interest_on(principal: Decimal, rate_percent: Decimal, fraction: Fraction) -> Decimal:
    """``principal`` at ``rate_percent`` a year for ``fraction`` of a year, rounded half up to the cent (exact arithmetic)."""
    cents = Fraction(principal) * Fraction(rate_percent) * fraction
    return from_cents((cents * 2 + 1) // 2 if cents >= 0 else -((-cents * 2 + 1) // 2))
