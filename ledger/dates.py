"""Calendar dates and instants as people write them, and what to say when one is wrong.

A date is written `YYYY-MM-DD`. Two different mistakes get two different answers: text that is
not written that way ("24/11/2003", "2003-W48-1") and a date written that way that does not exist
("2024-02-30": February 2024 has 29 days). This module imports nothing heavy, so the command
line can check a date option before it loads the ledger.

Instants (`recorded_at`, `known_at`) are aware datetimes, stored as fixed-width UTC strings
(`YYYY-MM-DDTHH:MM:SS.ffffffZ`) that compare correctly as text on every backend.
"""

from __future__ import annotations

import calendar
import re
from datetime import UTC, date, datetime, time

_YMD = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})$")


def is_written_as_a_date(text: str) -> bool:
    """Is `text` written YYYY-MM-DD (whether or not that day exists)?"""
    return _YMD.match(text) is not None


def parse_day(text: str) -> date:
    """The date `text` names. Raises ValueError saying what is wrong: not written YYYY-MM-DD,
    or (for a date written that way) why the day does not exist."""
    found = _YMD.match(text)
    if found is None:
        raise ValueError(f"{text!r} is not a date written YYYY-MM-DD")
    year, month, day = (int(part) for part in found.groups())
    why = missing_day(year, month, day)
    if why is not None:
        raise ValueError(f"{text!r} does not exist: {why}")
    return date(year, month, day)


def missing_day(year: int, month: int, day: int) -> str | None:
    """Why year-month-day is not a day of the calendar, or None when it is one."""
    if year < 1:
        return "there is no year 0"
    if not 1 <= month <= 12:
        return f"there is no month {month} (months are 01 to 12)"
    last = calendar.monthrange(year, month)[1]
    if day == 0:
        return "there is no day 00 (days start at 01)"
    if day > last:
        return f"{calendar.month_name[month]} {year} has {last} days"
    return None


def format_instant(moment: datetime) -> str:
    """The stored form of an instant; naive datetimes are refused, not guessed."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"timestamp {moment.isoformat()} has no time zone")
    try:
        utc = moment.astimezone(UTC)
    except OverflowError:
        raise ValueError(f"timestamp {moment.isoformat()} is out of range in UTC") from None
    # Fixed width whatever the year (strftime does not pad years before 1000), so stamps
    # compare correctly as text.
    return (
        f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d}T{utc.hour:02d}:{utc.minute:02d}:"
        f"{utc.second:02d}.{utc.microsecond:06d}Z"
    )


def parse_known_at(text: str) -> datetime:
    """An ISO 8601 instant with a zone ("Z" allowed), or a date YYYY-MM-DD meaning the end of
    that day in UTC. Raises ValueError naming the problem."""
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        return datetime.combine(parse_day(text), time.max, tzinfo=UTC)
    if len(text) > 10 and is_written_as_a_date(text[:10]):
        try:
            parse_day(text[:10])  # a day that does not exist is named as such
        except ValueError as exc:
            raise ValueError(f"in {text!r}, {exc}") from None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        example = "2026-11-29T12:00:00Z"
        raise ValueError(f"{text!r} is not an ISO 8601 timestamp such as {example}") from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{text!r} has no time zone; add Z for UTC or an offset such as +01:00")
    format_instant(moment)  # refuses an instant that has no place in UTC
    return moment
