"""The SQL store: the log on SQLite (embedded default) or PostgreSQL, through SQLAlchemy Core.

Why writers are serialized: `seq` is gapless and every row's hash links to the row before, so two
appends must never interleave. On SQLite the append opens with `BEGIN IMMEDIATE`, taking the
database's single write lock (other writers wait up to the busy timeout). On PostgreSQL the append
takes `LOCK TABLE events IN EXCLUSIVE MODE`, which blocks other writers but not readers. Either way
insert order equals commit order: one chain, no fork, no gap.

Why the database refuses UPDATE and DELETE: the only way to change the past is to append (a
correction, a backdated event). Triggers make the events table append-only on both backends, so
even a stray SQL client cannot edit history without first removing them (SQLite also refuses an
INSERT OR REPLACE over a stored row). An edit made behind them breaks the chain, which `verify`
names; a chain re-forged from the edited row on is caught by a digest written down earlier
(`verify --expect`).

This is the only module that imports SQLAlchemy; driver errors become `LedgerError`s here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Engine,
    Index,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
    insert,
    or_,
    select,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

from ledger.chain import GENESIS, ChainRow, Verification, row_hash, verify_rows
from ledger.errors import (
    DuplicateEventId,
    NotInitialized,
    Problem,
    RecordedAtBackwards,
    StoreUnavailable,
    UnknownEventId,
    conflicting_id,
    unknown_void,
)
from ledger.events import EventVoided, event_from_payload, event_id_of, payload_of
from ledger.log import (
    AppendResult,
    BatchCheck,
    Clock,
    IssuerReader,
    Pending,
    Recorded,
    after,
    format_instant,
)

SCHEMA_VERSION = "1"
_CHUNK = 1000
_ANALYZE_AFTER = 10_000  # appended rows after which PostgreSQL's statistics are refreshed

metadata = MetaData()

events = Table(
    "events",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("event_id", String(200), nullable=False, unique=True),
    Column("issuer", String(64), nullable=False),
    Column("type", String(40), nullable=False),
    Column("effective_date", String(10), nullable=False),
    Column("recorded_at", String(27), nullable=False),
    Column("payload", Text, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    Index("ix_events_issuer_effective", "issuer", "effective_date", "seq"),
)

owl_meta = Table(
    "owl_meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", String(200), nullable=False),
)

_SQLITE_TRIGGERS = (
    """CREATE TRIGGER IF NOT EXISTS events_no_update BEFORE UPDATE ON events
       BEGIN SELECT RAISE(ABORT, 'owl: the events table is append-only'); END""",
    """CREATE TRIGGER IF NOT EXISTS events_no_delete BEFORE DELETE ON events
       BEGIN SELECT RAISE(ABORT, 'owl: the events table is append-only'); END""",
    # INSERT OR REPLACE deletes the old row without firing DELETE triggers: refuse any insert
    # that would collide with a stored row.
    """CREATE TRIGGER IF NOT EXISTS events_no_replace BEFORE INSERT ON events
       WHEN EXISTS (SELECT 1 FROM events WHERE seq = NEW.seq OR event_id = NEW.event_id)
       BEGIN SELECT RAISE(ABORT, 'owl: the events table is append-only'); END""",
)

_PG_TRIGGERS = (
    """CREATE OR REPLACE FUNCTION owl_refuse_change() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'owl: the events table is append-only'; END
       $$ LANGUAGE plpgsql""",
    "DROP TRIGGER IF EXISTS events_no_update_delete ON events",
    """CREATE TRIGGER events_no_update_delete BEFORE UPDATE OR DELETE ON events
       FOR EACH ROW EXECUTE FUNCTION owl_refuse_change()""",
    "DROP TRIGGER IF EXISTS events_no_truncate ON events",
    """CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
       FOR EACH STATEMENT EXECUTE FUNCTION owl_refuse_change()""",
)


def _make_engine(url: str) -> Engine:
    try:
        if url.startswith("sqlite"):
            engine = create_engine(url, connect_args={"timeout": 60})
            _configure_sqlite(engine)
            return engine
        return create_engine(url, pool_pre_ping=True)
    except (ArgumentError, NoSuchModuleError, ImportError, ValueError) as exc:
        reason = (
            f"not a database URL owl can use ({type(exc).__name__}: {_safe_text(url, exc)}); "
            "use sqlite:///FILE or postgresql+psycopg://USER@HOST/DB"
        )
        raise StoreUnavailable(safe_url(url), reason) from None


def _configure_sqlite(engine: Engine) -> None:
    # pysqlite's own transaction handling is switched off so that we say BEGIN ourselves:
    # BEGIN IMMEDIATE for appends (take the write lock first), plain BEGIN for reads.
    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=60000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get("owl_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


class _RolledBack(Exception):
    """Carries a dry run's result out of its transaction, which the exception rolls back."""

    def __init__(self, result: AppendResult) -> None:
        super().__init__("dry run")
        self.result = result


def _is_missing_table(exc: DBAPIError) -> bool:
    message = str(exc.orig).lower()
    return "no such table" in message or ("relation" in message and "does not exist" in message)


class SqlLog:
    """The event log in a SQL database. Open with a URL; call `init()` once to create the schema."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = _make_engine(url)
        self.dialect = self.engine.dialect.name
        database = self.engine.url.database
        in_memory = database in (None, "", ":memory:") or str(database).startswith("file:")
        self._file = Path(str(database)) if self.dialect == "sqlite" and not in_memory else None

    # --- lifecycle ---------------------------------------------------------------------------

    def init(self) -> None:
        """Create the schema, triggers and metadata. Safe to run any number of times."""
        with self._guard(creating=True), self.engine.connect() as conn, conn.begin():
            metadata.create_all(conn)
            for statement in _SQLITE_TRIGGERS if self.dialect == "sqlite" else _PG_TRIGGERS:
                conn.exec_driver_sql(statement)
            existing = conn.execute(
                select(owl_meta.c.value).where(owl_meta.c.key == "schema_version")
            ).scalar()
            if existing is None:
                conn.execute(insert(owl_meta), [{"key": "schema_version", "value": SCHEMA_VERSION}])

    def close(self) -> None:
        self.engine.dispose()

    def _guard(self, creating: bool = False) -> AbstractContextManager[None]:
        # Only `init` may create a SQLite file: anything else on a missing file would leave an
        # empty database behind and then report it uninitialized.
        if not creating and self._file is not None and not self._file.exists():
            raise NotInitialized(safe_url(self.url), str(self._file))
        return _translate(self.url)

    # --- append ------------------------------------------------------------------------------

    def append(
        self,
        batch: Sequence[Pending],
        recorded_at: datetime | Clock,
        check: BatchCheck | None = None,
        dry_run: bool = False,
    ) -> AppendResult:
        """Append a batch in one transaction: all of it, or (on any error) none of it.

        `recorded_at` is an instant, or a clock the store calls once it holds the write lock (so
        concurrent writers stamp in commit order). It may equal but never precede the last row's.
        An event that carries its own `recorded_at` (restored from an export) keeps it, under the
        same rule: never earlier than the row before it.
        Events whose `event_id` is already in the log with the same content are skipped and
        counted as already present; with different content the whole batch is refused. `check`
        (the projections' validation) sees the new events and the log, under the same lock.
        `dry_run` does all of it, writes included, then rolls the transaction back: the result is
        what the append would have done, and the log is unchanged.
        """
        try:
            result = self._append(batch, recorded_at, check, dry_run)
        except _RolledBack as rolled:
            return rolled.result
        if result.appended >= _ANALYZE_AFTER and self.dialect == "postgresql":
            # A big load leaves the planner's statistics describing a much smaller table, and
            # the next batch's event_id lookups would scan it; refresh them now.
            with self._guard(), self.engine.begin() as conn:
                conn.exec_driver_sql("ANALYZE events")
        return result

    def _append(
        self,
        batch: Sequence[Pending],
        recorded_at: datetime | Clock,
        check: BatchCheck | None,
        dry_run: bool,
    ) -> AppendResult:
        with self._guard(), self.engine.connect() as raw:
            conn = raw.execution_options(owl_write=True)
            with conn.begin():
                if self.dialect == "postgresql":
                    conn.exec_driver_sql("LOCK TABLE events IN EXCLUSIVE MODE")
                head = conn.execute(
                    select(events.c.seq, events.c.hash, events.c.recorded_at)
                    .order_by(events.c.seq.desc())
                    .limit(1)
                ).first()
                head_seq, head_hash, last = tuple(head) if head else (0, GENESIS, "")
                if callable(recorded_at):
                    # A clock's stamp is made strictly later than every committed row, so a
                    # reader's "known at the latest stamp I saw" never gains rows later.
                    stamp = format_instant(recorded_at())
                    stamp = max(stamp, after(last)) if last else stamp
                else:
                    stamp = format_instant(recorded_at)
                if stamp < last:
                    raise RecordedAtBackwards(stamp, last)
                fresh, present, repeated = self._new_entries(conn, batch)
                self._check_voids(conn, fresh)
                if check is not None:
                    check([p for p, _, _ in fresh], self._reader(conn))
                rows = []
                for pending, event_id, payload in fresh:
                    head_seq += 1
                    ev = pending.event
                    row_stamp = pending.recorded_at or stamp
                    if row_stamp < last:
                        raise RecordedAtBackwards(row_stamp, last)
                    last = row_stamp
                    values = {
                        "seq": head_seq,
                        "event_id": event_id,
                        "issuer": ev.issuer,
                        "type": ev.type,
                        "effective_date": ev.effective_date.isoformat(),
                        "recorded_at": row_stamp,
                        "payload": payload,
                        "prev_hash": head_hash,
                    }
                    head_hash = row_hash(
                        head_hash,
                        head_seq,
                        event_id,
                        ev.issuer,
                        ev.type,
                        values["effective_date"],
                        row_stamp,
                        payload,
                    )
                    values["hash"] = head_hash
                    rows.append(values)
                    if len(rows) >= _CHUNK:
                        conn.execute(insert(events), rows)
                        rows = []
                if rows:
                    conn.execute(insert(events), rows)
                result = AppendResult(len(fresh), present, head_seq, head_hash, repeated)
                if dry_run:
                    raise _RolledBack(result)  # leaving conn.begin() by an exception rolls back
        return result

    def _new_entries(
        self, conn: Connection, batch: Sequence[Pending]
    ) -> tuple[list[tuple[Pending, str, str]], int, int]:
        keyed = []
        for pending in batch:
            payload = payload_of(pending.event)
            keyed.append((pending, event_id_of(pending.event, payload), payload))
        stored: dict[str, str] = {}
        ids = list({k for _, k, _ in keyed})
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            for eid, payload in conn.execute(
                select(events.c.event_id, events.c.payload).where(events.c.event_id.in_(chunk))
            ):
                stored[eid] = payload
        fresh, present, repeated = [], 0, 0
        first_line: dict[str, int | None] = {}
        conflicts: list[Problem] = []
        for pending, eid, payload in keyed:
            if eid in stored:
                if stored[eid] != payload:
                    in_batch = eid in first_line
                    conflicts.append(
                        conflicting_id(
                            eid, pending.line, pending.origin, first_line.get(eid), in_batch
                        )
                    )
                elif eid in first_line:
                    repeated += 1
                else:
                    present += 1
                    first_line[eid] = pending.line
                continue
            stored[eid] = payload
            first_line[eid] = pending.line
            ev = pending.event
            with_id = ev if ev.event_id == eid else ev.model_copy(update={"event_id": eid})
            fresh.append((replace(pending, event=with_id), eid, payload))
        if conflicts:
            raise DuplicateEventId(conflicts)
        return fresh, present, repeated

    def _check_voids(self, conn: Connection, fresh: list[tuple[Pending, str, str]]) -> None:
        in_batch = {eid: (p.event.issuer, p.event.type) for p, eid, _ in fresh}
        unknown: list[Problem] = []
        for pending, _, _ in fresh:
            ev = pending.event
            if not isinstance(ev, EventVoided):
                continue
            issuer, kind = in_batch.get(ev.voids, (None, None))
            if issuer is None:
                found = conn.execute(
                    select(events.c.issuer, events.c.type).where(events.c.event_id == ev.voids)
                ).first()
                issuer, kind = (found[0], found[1]) if found else (None, None)
            if issuer is None:
                unknown.append(unknown_void(ev.voids, pending.line, pending.origin))
            elif kind == "EventVoided":
                reason = (
                    f"'{ev.voids}' is itself a void; a void cannot be voided (append "
                    "the event again instead)"
                )
                unknown.append(Problem(pending.line, "voids", reason, pending.origin))
            elif issuer != ev.issuer:
                reason = (
                    f"'{ev.voids}' is an event of issuer '{issuer}'; file the void under '{issuer}'"
                )
                unknown.append(Problem(pending.line, "voids", reason, pending.origin))
        if unknown:
            raise UnknownEventId(unknown)

    # --- read --------------------------------------------------------------------------------

    def _reader(self, conn: Connection) -> IssuerReader:
        def read(issuer: str) -> Iterator[Recorded]:
            return self._select(conn, events.c.issuer == issuer, replay_order=True)

        return read

    def _select(self, conn: Connection, *where: Any, replay_order: bool) -> Iterator[Recorded]:
        order = (events.c.effective_date, events.c.seq) if replay_order else (events.c.seq,)
        stmt = (
            select(
                events.c.seq,
                events.c.event_id,
                events.c.recorded_at,
                events.c.payload,
                events.c.prev_hash,
                events.c.hash,
            )
            .where(*where)
            .order_by(*order)
        )
        result = conn.execute(stmt.execution_options(yield_per=_CHUNK))
        for seq, eid, rec, payload, prev, hsh in result:
            yield Recorded(seq, rec, prev, hsh, event_from_payload(payload, eid))

    def read(
        self,
        issuer: str,
        known_at: datetime | None = None,
        as_of: date | None = None,
        with_corrections: bool = False,
    ) -> Iterator[Recorded]:
        """Events of `issuer` in replay order `(effective_date, seq)`, streamed.

        Only events recorded at or before `known_at` (all, when None) and effective on or
        before `as_of` (all, when None). `with_corrections` adds every `EventVoided` whatever
        its date: a void counts for every view known after it, even one of an earlier date.
        """
        where = [events.c.issuer == issuer]
        if known_at is not None:
            where.append(events.c.recorded_at <= format_instant(known_at))
        if as_of is not None:
            effective = events.c.effective_date <= as_of.isoformat()
            if with_corrections:
                effective = or_(effective, events.c.type == "EventVoided")
            where.append(effective)
        yield from self._stream(*where, replay_order=True)

    def read_all(
        self, issuer: str | None = None, known_at: datetime | None = None
    ) -> Iterator[Recorded]:
        """The raw log in `seq` order, optionally for one issuer and as known at an instant."""
        where = []
        if issuer is not None:
            where.append(events.c.issuer == issuer)
        if known_at is not None:
            where.append(events.c.recorded_at <= format_instant(known_at))
        yield from self._stream(*where, replay_order=False)

    def _stream(self, *where: Any, replay_order: bool) -> Iterator[Recorded]:
        with self._guard(), self.engine.connect() as conn, conn.begin():
            yield from self._select(conn, *where, replay_order=replay_order)

    def last_recorded_at(self) -> str | None:
        """The newest row's recorded_at (None for an empty log)."""
        with self._guard(), self.engine.connect() as conn:
            found = conn.execute(
                select(events.c.recorded_at).order_by(events.c.seq.desc()).limit(1)
            ).first()
            return str(found[0]) if found else None

    def issuers(self) -> list[str]:
        with self._guard(), self.engine.connect() as conn:
            return [str(r[0]) for r in conn.execute(select(events.c.issuer).distinct())]

    # --- verify ------------------------------------------------------------------------------

    def verify(self, expect: tuple[int, str] | None = None) -> Verification:
        """Recompute the chain from row 1, and check a digest written down earlier (see
        `ledger.chain.verify_rows`)."""
        with self._guard(), self.engine.connect() as conn, conn.begin():
            stmt = select(
                events.c.seq,
                events.c.event_id,
                events.c.issuer,
                events.c.type,
                events.c.effective_date,
                events.c.recorded_at,
                events.c.payload,
                events.c.prev_hash,
                events.c.hash,
            ).order_by(events.c.seq)
            result = conn.execute(stmt.execution_options(yield_per=_CHUNK))
            return verify_rows((ChainRow(*row) for row in result), expect)


@contextmanager
def _translate(url: str) -> Iterator[None]:
    """Turns driver errors into `LedgerError`s at the edge of the store."""
    try:
        yield
    except DBAPIError as exc:
        message = str(exc.orig).lower()
        if _is_missing_table(exc):
            raise NotInitialized(safe_url(url)) from None
        if exc.connection_invalidated or any(word in message for word in _UNAVAILABLE):
            raise StoreUnavailable(safe_url(url), _safe_text(url, exc.orig or exc)) from None
        raise


# Driver messages that mean the store cannot be used as asked (not a bug in owl).
_UNAVAILABLE = (
    "connect",
    "unable to open",
    "not a database",
    "readonly",
    "read-only",
    "database is locked",
    "permission denied",
    "could not",
    "does not exist",
)


def _safe_text(url: str, exc: BaseException) -> str:
    """An error's text with any password from the URL blanked."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    try:
        password = make_url(url).password
    except (ArgumentError, ValueError):
        password = None
    return text.replace(str(password), "***") if password else text


def safe_url(url: str) -> str:
    """The URL without a password, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return re.sub(r"^([^:/]+://[^:@/]*):[^@/]*@", r"\1:***@", url)
