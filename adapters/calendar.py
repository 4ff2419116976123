"""Business Days (Section 10.1 of the 1995 agreement): not a Saturday, Sunday, or a
national, Connecticut or New York holiday, from the maintained ``holidays`` calendar."""

from __future__ import annotations

from datetime import date

import holidays


class BusinessCalendar:
    """The holidays of the United States, Connecticut and New York; years load as asked."""

    def __init__(self) -> None:
        self._calendars = [
            holidays.country_holidays("US"),
            holidays.country_holidays("US", subdiv="CT"),
            holidays.country_holidays("US", subdiv="NY"),
        ]

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and any(day in calendar for calendar in self._calendars)

    def name(self, day: date) -> str | None:
        return next((calendar.get(day) for calendar in self._calendars if day in calendar), None)
