"""What a caller may hand the application: dates, instants, and the refusals of bad ones.

A date is a `date` or "YYYY-MM-DD"; an instant (`known_at`, `recorded_at`) is an aware
`datetime`, an ISO 8601 string with a zone, or "YYYY-MM-DD" for the end of that day in UTC. A bad
one is a `LedgerError` naming what was wrong, never a traceback.
"""

from __future__ import annotations

from datetime import date, datetime

from owl.ledger.dates import parse_day
from owl.ledger.errors import LedgerError
from owl.ledger.log import format_instant, parse_known_at

DateLike = date | str
InstantLike = datetime | str | None
MAX_PROBLEMS = 20  # problems listed in full; the rest are counted


class FutureStamp(LedgerError):
    def __init__(self, stamp: str, now: str) -> None:
        self.stamp, self.now = stamp, now
        super().__init__(
            f"recorded_at {stamp} is in the future (it is now {now}); a ledger records what it "
            "learned when it learned it, and a future stamp would hold back every later append"
        )


class EmptyRange(LedgerError):
    """A date range with no day in it, or none on which the issuer has anything to show."""


def as_date(value: DateLike) -> date:
    if isinstance(value, date):
        return value
    try:
        return parse_day(value)
    except ValueError as exc:
        raise LedgerError(str(exc)) from None


def as_instant(value: InstantLike) -> datetime | None:
    if value is None or isinstance(value, datetime):
        if isinstance(value, datetime):
            format_instant(value)  # refuses a naive or out-of-range instant
        return value
    try:
        return parse_known_at(value)
    except ValueError as exc:
        raise LedgerError(str(exc)) from None


def date_range(start: DateLike | None, end: DateLike | None) -> tuple[date | None, date | None]:
    """The days asked for, either end open; a range that ends before it starts is refused."""
    first = as_date(start) if start is not None else None
    last = as_date(end) if end is not None else None
    if first is not None and last is not None and first > last:
        raise EmptyRange(f"the range starts on {first}, after it ends ({last})")
    return first, last
