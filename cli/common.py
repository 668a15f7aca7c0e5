"""What every command shares: the settings from the group, opening the log, timestamp options."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import click

from ledger.log import parse_known_at
from projections.api import Ledger
from projections.clock import system_clock

_BARE_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def utc_now() -> datetime:
    """The clock the command line stamps `recorded_at` with (`projections.clock`)."""
    return system_clock()


@dataclass(frozen=True)
class Settings:
    """The group's options, handed to every command as the context object."""

    db: str
    wait: float = 30.0


def open_ledger(settings: Settings) -> Ledger:
    """The ledger named by --db, closed when the command ends. (A missing SQLite file is not
    created: only `owl init` creates a ledger, so a mistyped --db is an error, not an empty
    ledger; the store says so.)"""
    ledger = Ledger(settings.db, clock=utc_now, wait=settings.wait)
    click.get_current_context().call_on_close(ledger.close)
    return ledger


class Instant(click.ParamType):
    """An ISO 8601 timestamp with a time zone ('Z' for UTC); a timestamp without one is refused."""

    name = "timestamp"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, datetime):
            return value
        if _BARE_DATE.match(value):
            self.fail(
                f"{value!r} is a date; give a timestamp such as {value}T12:00:00Z", param, ctx
            )
        return self._parse(value, param, ctx)

    def _parse(self, value: str, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        try:
            return parse_known_at(value)
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


class KnownAt(Instant):
    """A timestamp as for `Instant`, or a bare date YYYY-MM-DD: the end of that day in UTC."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        return value if isinstance(value, datetime) else self._parse(value, param, ctx)


KNOWN_AT_HELP = (
    "Answer as the ledger knew it at this instant: only events recorded at or before it count. "
    "An ISO 8601 timestamp with a zone (2026-11-29T12:00:00Z), or a date YYYY-MM-DD meaning the "
    "end of that day in UTC (23:59:59.999999Z). Default: everything recorded; the output "
    "names the latest recording it saw, which reproduces the answer later."
)


# The shared --known-at option, as a decorator: `@known_at_option`.
known_at_option = click.option("--known-at", type=KnownAt(), default=None, help=KNOWN_AT_HELP)
