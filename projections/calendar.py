"""Business days: two calendars, for two kinds of deadline.

The rights plan's date arithmetic (a Distribution Date "ten business days" on) counts bank
business days: weekdays that are not US bank holidays, the Federal Reserve's (financial calendar
"XFED"). Filing deadlines under the securities laws (a Schedule 13D within five business days, a
Form 4 before the end of the second business day) count SEC business days: weekdays that are not
US federal holidays *as the government observes them*, so a holiday on a Saturday closes the
Friday before (Christmas 2021 was observed on Friday 24 December 2021, when the Federal Reserve
was open). Both come from the `holidays` package, never a hand-written list.
"""

from __future__ import annotations

from collections.abc import Container
from datetime import date, timedelta
from typing import Literal

import holidays

_DAY = timedelta(days=1)


class Calendar:
    """Weekends and the given holidays are not business days."""

    def __init__(self, closed: Container[date]) -> None:
        self._closed = closed

    def is_business_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self._closed

    def roll_forward(self, day: date) -> date:
        """The day itself if it is a business day, else the next business day."""
        while not self.is_business_day(day):
            day += _DAY
        return day

    def add_days(self, start: date, count: int, basis: Literal["calendar", "business"]) -> date:
        """The `count`th calendar or business day after `start` (not rolled)."""
        if basis == "calendar":
            return start + timedelta(days=count)
        day = start
        for _ in range(count):
            day = self.roll_forward(day + _DAY)
        return day


BANK = Calendar(holidays.financial_holidays("XFED"))
SEC = Calendar(holidays.country_holidays("US", observed=True))


def is_business_day(day: date) -> bool:
    """A bank business day (the plan's calendar)."""
    return BANK.is_business_day(day)


def roll_forward(day: date) -> date:
    """The day itself if it is a bank business day, else the next one."""
    return BANK.roll_forward(day)


def add_days(start: date, count: int, basis: Literal["calendar", "business"]) -> date:
    """The `count`th calendar or bank business day after `start` (not rolled)."""
    return BANK.add_days(start, count, basis)
