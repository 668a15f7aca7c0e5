"""Business days: two calendars, for two kinds of deadline.

The rights plan's date arithmetic (a Distribution Date "ten business days" on) counts bank
business days: weekdays that are not US bank holidays, the Federal Reserve's (financial calendar
"XFED"). Filing deadlines under the securities laws (a Schedule 13D within five business days, a
Form 4 before the end of the second business day) count SEC business days: weekdays that are not
US federal holidays *as the government observes them*, so a holiday on a Saturday closes the
Friday before (Christmas 2021 was observed on Friday 24 December 2021, when the Federal Reserve
was open), nor days an executive order closed the government (24 December 2019, 9 January 2025),
which the SEC treats as holidays for filing. Both come from the `holidays` package, never a
hand-written list.
"""

from __future__ import annotations

from collections.abc import Callable, Container
from datetime import date, timedelta
from typing import Literal

_DAY = timedelta(days=1)


class Calendar:
    """Weekends and the given holidays are not business days. The holidays are loaded when
    first asked for (the `holidays` package takes a tenth of a second to import, and most
    commands never count a business day)."""

    def __init__(self, closed: Callable[[], Container[date]]) -> None:
        self._load = closed
        self._closed: Container[date] | None = None

    def is_business_day(self, day: date) -> bool:
        if day.weekday() >= 5:
            return False
        if self._closed is None:
            self._closed = self._load()
        return day not in self._closed

    def roll_forward(self, day: date) -> date:
        """The day itself if it is a business day, else the next business day (the calendar's
        last day, 9999-12-31, stands for any day after it)."""
        while not self.is_business_day(day) and day < date.max:
            day += _DAY
        return day

    def add_days(self, start: date, count: int, basis: Literal["calendar", "business"]) -> date:
        """The `count`th calendar or business day after `start` (not rolled; at most
        9999-12-31)."""
        if basis == "calendar":
            return after(start, count)
        day = start
        for _ in range(count):
            day = self.roll_forward(after(day, 1))
        return day


def after(day: date, days: int) -> date:
    """`days` days after `day`, or 9999-12-31 when that is past the calendar's end (a far-future
    date in the record gets due dates at the end of time, not an error)."""
    return day + timedelta(days=days) if (date.max - day).days >= days else date.max


def _bank() -> Container[date]:
    import holidays

    return holidays.financial_holidays("XFED")


class _SecClosed:
    """The days EDGAR is closed and the SEC counts as holidays for filing: the federal holidays
    as observed, and the days an executive order closed the government (Christmas Eves, days of
    mourning): the `holidays` package's US `government` category, less its half-day closings
    (the government worked those mornings; EDGAR took filings)."""

    def __init__(self) -> None:
        import holidays

        self._days = holidays.country_holidays("US", categories=("government",), observed=True)

    def __contains__(self, day: object) -> bool:
        if not isinstance(day, date) or day not in self._days:
            return False
        names = str(self._days.get(day, ""))
        return any("half-day" not in name for name in names.split("; "))


def _federal() -> Container[date]:
    return _SecClosed()


BANK = Calendar(_bank)
SEC = Calendar(_federal)


def is_business_day(day: date) -> bool:
    """A bank business day (the plan's calendar)."""
    return BANK.is_business_day(day)


def roll_forward(day: date) -> date:
    """The day itself if it is a bank business day, else the next one."""
    return BANK.roll_forward(day)


def add_days(start: date, count: int, basis: Literal["calendar", "business"]) -> date:
    """The `count`th calendar or bank business day after `start` (not rolled)."""
    return BANK.add_days(start, count, basis)
