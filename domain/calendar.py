"""Business Days from the maintained ``holidays`` calendars an agreement names.

A Business Day is any day other than a Saturday, a Sunday or a holiday of one
of the agreement's calendars: "US" (a country), "US-CT" (a country and a
subdivision). Which calendars apply is a term of the agreement; with none on
file, nothing is counted in Business Days.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from types import ModuleType

from domain.errors import InvalidTerms


def check_calendar(name: str) -> tuple[str, str | None]:
    """ "US-CT" as ("US", "CT"); refused if the maintained calendars do not have it."""
    country, _, subdivision = name.partition("-")
    supported = _holidays().list_supported_countries()
    if country not in supported:
        raise InvalidTerms(f"{name!r} is not a holiday calendar: give a country code such as \"US\" or \"GB\"")
    if subdivision and subdivision not in supported[country]:
        raise InvalidTerms(f"{name!r} is not a holiday calendar: {country} has no subdivision {subdivision!r}")
    return country, subdivision or None


class BusinessCalendar:
    """The holidays of the agreement's calendars; years load as asked."""

    def __init__(self, calendars: Sequence[str]) -> None:
        self.names = tuple(calendars)
        self._calendars = [_holidays().country_holidays(c, subdiv=s) for c, s in map(check_calendar, calendars)]

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and any(day in calendar for calendar in self._calendars)

    def name(self, day: date) -> str | None:
        return next((calendar.get(day) for calendar in self._calendars if day in calendar), None)


def _holidays() -> ModuleType:
    """The maintained calendars, imported when a Business Day is first counted (a view of holdings never does)."""
    import holidays

    return holidays
