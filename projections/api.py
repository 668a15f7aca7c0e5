"""The Python API an analyst calls from a notebook: plain data in, plain data out.

    >>> from projections.api import Ledger
    >>> ledger = Ledger("sqlite:///owl.db")
    >>> ledger.status("INOC", "2003-11-24")["groups"][0]["percent"]
    '24.0138'

Every query takes the date a fact held (`as_of`) and, optionally, the instant the ledger knew it
(`known_at`; default: everything recorded). Results are JSON-ready dicts, the same as the
command line's `--format json`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from ledger.errors import UnknownIssuer
from ledger.log import AppendResult, Clock, Pending, Recorded, format_instant
from ledger.sql import SqlLog
from projections.explain import explain
from projections.replay import history, state_at
from projections.report import Json, ownership_json, status_json, timeline_json
from projections.state import Snapshot
from projections.validate import check_batch

DateLike = date | str


def _date(value: DateLike) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


class Ledger:
    """An owl ledger at a database URL (SQLite file or PostgreSQL)."""

    def __init__(self, url: str = "sqlite:///owl.db", log: SqlLog | None = None) -> None:
        self.log = log or SqlLog(url)

    def close(self) -> None:
        self.log.close()

    def append(
        self, batch: Sequence[Pending], recorded_at: datetime | Clock, dry_run: bool = False
    ) -> AppendResult:
        """Append with the projections' validation (no holder ever goes negative)."""
        return self.log.append(batch, recorded_at, check=check_batch, dry_run=dry_run)

    def records(
        self, issuer: str, known_at: datetime | None = None, as_of: date | None = None
    ) -> list[Recorded]:
        """The issuer's events as known at `known_at`, through `as_of` (with every correction)."""
        found = list(self.log.read(issuer, known_at, as_of, with_corrections=True))
        if not found and issuer not in self.log.issuers():
            raise UnknownIssuer(issuer, self.log.issuers())
        return found

    def snapshot(self, issuer: str, as_of: DateLike, known_at: datetime | None = None) -> Snapshot:
        day = _date(as_of)
        return state_at(issuer, self.records(issuer, known_at, day), day)

    def status(self, issuer: str, as_of: DateLike, known_at: datetime | None = None) -> Json:
        return status_json(self.snapshot(issuer, as_of, known_at), _stamp(known_at))

    def ownership(self, issuer: str, as_of: DateLike, known_at: datetime | None = None) -> Json:
        return ownership_json(self.snapshot(issuer, as_of, known_at), _stamp(known_at))

    def timeline(
        self, issuer: str, person: str | None = None, known_at: datetime | None = None
    ) -> Json:
        changes, _ = history(issuer, self.records(issuer, known_at))
        body = timeline_json(changes, issuer, person)
        body["known_at"] = _stamp(known_at)
        return body

    def explain(
        self, issuer: str, person: str, as_of: DateLike, known_at: datetime | None = None
    ) -> Json:
        body = explain(self.snapshot(issuer, as_of, known_at), person)
        body["known_at"] = _stamp(known_at)
        return body


def _stamp(known_at: datetime | None) -> str | None:
    return format_instant(known_at) if known_at is not None else None
