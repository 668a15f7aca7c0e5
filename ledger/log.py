"""The log's interface: what every store (SQLite, PostgreSQL) does and what it returns.

Two times: `effective_date` is when a fact holds in the world; `recorded_at` is when the ledger
learned it. Readers ask for events effective in some range *as known at* an instant, so the answer
given on any past day can be reproduced. Replay order is `(effective_date, seq)`.

Timestamps travel as aware `datetime`s and are stored as fixed-width UTC strings
(`YYYY-MM-DDTHH:MM:SS.ffffffZ`), which compare correctly as text on every backend.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from owl.ledger.dates import format_instant as format_instant
from owl.ledger.dates import parse_known_at as parse_known_at
from owl.ledger.errors import LedgerError
from owl.ledger.events import AnyEvent


def after(stamp: str) -> str:
    """The stored instant one microsecond after `stamp` (a stored instant)."""
    moment = datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    if moment.replace(tzinfo=None) == datetime.max:
        raise LedgerError(
            f"the last recorded stamp is {stamp}, the last instant there is: nothing can be "
            "recorded after it (a stamp this far in the future was never accepted by owl; "
            "run owl verify)"
        )
    return format_instant(moment + timedelta(microseconds=1))


class Recorded(NamedTuple):
    """An event as the log holds it, with the fields the ledger assigned."""

    seq: int
    recorded_at: str
    prev_hash: str
    hash: str
    event: AnyEvent

    @property
    def event_id(self) -> str:
        assert self.event.event_id is not None  # the store always sets it
        return self.event.event_id


@dataclass(frozen=True)
class AppendResult:
    appended: int
    already_present: int
    head_seq: int
    head_hash: str
    repeated: int = 0  # events given twice in the same input (same id, same content)
    stamp: str = ""  # the append's recorded_at
    clamped: bool = False  # the clock was behind the last stamp: stamped just after it instead
    clock_at: str = ""  # when clamped: what the clock read
    breaks: int = 0  # new reconciliation breaks among the appended reports
    warnings: tuple[str, ...] = ()  # e.g. a name that differs only in case from a known one


class Pending(NamedTuple):
    """An event about to be appended, with the input line it came from (for error messages)."""

    event: AnyEvent
    line: int | None = None
    origin: str | None = None
    recorded_at: str | None = None  # kept from an export (a restore); else the append's stamp
    # Other ids the same event is known by (a filing's content digest, an id an older owl gave
    # it): when any is already in the log the event is present, and a new event's are kept.
    aliases: tuple[str, ...] = ()


# What stamps an append when no instant is given: now, in UTC (`owl.projections.application.clock`
# is the one that reads the system clock; tests hand in their own).
Clock = Callable[[], datetime]
