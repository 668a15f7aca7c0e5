"""The Python API an analyst calls from a notebook: plain data in, plain data out.

    >>> from projections.api import Ledger
    >>> ledger = Ledger("sqlite:///owl.db")
    >>> ledger.status("INOC", "2003-11-24")["groups"][0]["percent"]
    '24.0138'

Every query takes the date a fact held (`as_of`: a `date` or "YYYY-MM-DD") and, optionally, the
instant the ledger knew it (`known_at`: an aware `datetime`, an ISO 8601 string with a zone, or
"YYYY-MM-DD" for the end of that day in UTC; default: everything recorded). Results are
JSON-ready dicts, the same as the command line's `--format json`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from ledger.errors import InvalidEvents, UnknownIssuer, UnknownPerson
from ledger.events import involved
from ledger.feeds import Format, detect_format, read_path
from ledger.log import (
    AppendResult,
    Clock,
    EventLog,
    Pending,
    Recorded,
    format_instant,
    parse_known_at,
)
from ledger.sql import SqlLog
from projections.explain import absent, explain
from projections.replay import history, state_at
from projections.report import Json, ownership_json, status_json
from projections.snapshot import Snapshot
from projections.timeline import timeline_json
from projections.validate import check_batch

DateLike = date | str
InstantLike = datetime | str | None


def _date(value: DateLike) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def _instant(value: InstantLike) -> datetime | None:
    return parse_known_at(value) if isinstance(value, str) else value


class Ledger:
    """An owl ledger at a database URL (SQLite file or PostgreSQL)."""

    def __init__(self, url: str = "sqlite:///owl.db", log: EventLog | None = None) -> None:
        self.log: EventLog = log or SqlLog(url)

    def close(self) -> None:
        self.log.close()

    # --- writing -----------------------------------------------------------------------------

    def append(
        self, batch: Sequence[Pending], recorded_at: datetime | Clock, dry_run: bool = False
    ) -> AppendResult:
        """Append with the projections' validation (no holder ever goes negative)."""
        return self.log.append(batch, recorded_at, check=check_batch, dry_run=dry_run)

    def ingest(
        self,
        path: str,
        recorded_at: datetime | Clock,
        fmt: Format | None = None,
        dry_run: bool = False,
    ) -> AppendResult:
        """Append a jsonl or csv feed file, all or nothing (format from the extension unless
        given). Raises `InvalidEvents` listing every bad line."""
        feed = read_path(path, fmt or detect_format(path))
        batch = list(feed)
        if feed.problems:
            raise InvalidEvents(feed.problems)
        return self.append(batch, recorded_at, dry_run)

    def verify(self, expect: tuple[int, str] | None = None) -> Json:
        """The chain recomputed from row 1: `ok`, the head digest, or the first bad seq."""
        result = self.log.verify(expect)
        return {
            "ok": result.ok,
            "events": result.rows,
            "head_seq": result.head_seq,
            "head_hash": result.head_hash,
            "bad_seq": result.bad_seq,
            "reason": result.reason,
            "digest_mismatch": result.digest_mismatch,
        }

    # --- reading -----------------------------------------------------------------------------

    def records(
        self, issuer: str, known_at: InstantLike = None, as_of: DateLike | None = None
    ) -> list[Recorded]:
        """The issuer's events as known at `known_at`, through `as_of` (with every correction)."""
        day = _date(as_of) if as_of is not None else None
        found = list(self.log.read(issuer, _instant(known_at), day, with_corrections=True))
        if not found and issuer not in self.log.issuers():
            raise UnknownIssuer(issuer, self.log.issuers())
        return found

    def view(
        self, issuer: str, as_of: DateLike | None, known_at: InstantLike = None
    ) -> tuple[list[Recorded], str | None]:
        """The records a view sees, and the instant it is known at: the one asked for, or else
        the latest recording committed when it was read, which reproduces the same answer later
        (appends in flight are stamped after it)."""
        moment = _instant(known_at)
        if moment is not None:
            return self.records(issuer, moment, as_of), format_instant(moment)
        head = self.log.last_recorded_at()  # read first: all it covers is visible to the read
        records = self.records(issuer, None, as_of)
        seen = [r.recorded_at for r in records] + ([head] if head else [])
        return records, max(seen, default=None)

    def snapshot(self, issuer: str, as_of: DateLike, known_at: InstantLike = None) -> Snapshot:
        day = _date(as_of)
        return state_at(issuer, self.records(issuer, known_at, day), day)

    def status(self, issuer: str, as_of: DateLike, known_at: InstantLike = None) -> Json:
        records, stamp = self.view(issuer, as_of, known_at)
        body = status_json(state_at(issuer, records, _date(as_of)), stamp)
        body["events_known"] = len(records)
        return body

    def ownership(self, issuer: str, as_of: DateLike, known_at: InstantLike = None) -> Json:
        records, stamp = self.view(issuer, as_of, known_at)
        return ownership_json(state_at(issuer, records, _date(as_of)), stamp)

    def timeline(
        self, issuer: str, person: str | None = None, known_at: InstantLike = None
    ) -> Json:
        records, stamp = self.view(issuer, None, known_at)
        changes, _ = history(issuer, records)
        if person is not None and person not in _names(records):
            raise UnknownPerson(person, issuer, "any date")
        body = timeline_json(changes, issuer, person, {r.seq: r for r in records})
        body["known_at"] = stamp
        return body

    def explain(
        self, issuer: str, person: str, as_of: DateLike, known_at: InstantLike = None
    ) -> Json:
        seen, stamp = self.view(issuer, as_of, known_at)
        snapshot = state_at(issuer, seen, _date(as_of))
        try:
            group = snapshot.group_named(person)
            names = group.names if group is not None else frozenset({person})
            naming = [
                r.seq
                for r in seen
                if r.event.effective_date <= snapshot.as_of and names & _names([r])
            ]
            body = explain(snapshot, person, naming)
        except UnknownPerson:
            records = self.records(issuer, known_at)
            first = next((r for r in records if person in _names([r])), None)
            if first is None:
                raise
            body = absent(snapshot, person, first)
        body["known_at"] = stamp
        return body


def _names(records: Sequence[Recorded]) -> set[str]:
    """Every person and group label the events name."""
    names: set[str] = set()
    for record in records:
        names.update(involved(record.event))
        label = getattr(record.event, "group", None)
        if isinstance(label, str):
            names.add(label)
    return names
