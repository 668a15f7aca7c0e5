"""Business days for the plan's date arithmetic.

A business day is a weekday that is not a US bank holiday. The holidays are the Federal Reserve's,
as maintained by the `holidays` package (financial calendar "XFED"), never a hand-written list.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Literal

import holidays

_BANK_HOLIDAYS = holidays.financial_holidays("XFED")
_DAY = timedelta(days=1)


def is_business_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _BANK_HOLIDAYS


def roll_forward(day: date) -> date:
    """The day itself if it is a business day, else the next business day."""
    while not is_business_day(day):
        day += _DAY
    return day


def add_days(start: date, count: int, basis: Literal["calendar", "business"]) -> date:
    """The `count`th calendar or business day after `start` (not rolled)."""
    if basis == "calendar":
        return start + timedelta(days=count)
    day = start
    for _ in range(count):
        day = roll_forward(day + _DAY)
    return day
