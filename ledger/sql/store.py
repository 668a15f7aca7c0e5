"""The SQL store: the log and its projections on SQLite (embedded default) or PostgreSQL.

Why writers are serialized: `seq` is gapless and every row's hash links to the row before, so two
appends must never interleave. On SQLite a write transaction opens with `BEGIN IMMEDIATE`, taking
the database's single write lock. On PostgreSQL it locks the `writer_lock` table through the
owner's `owl_take_write_lock()` function, which only roles granted EXECUTE on it may call: a role
that can merely connect (or only read) can neither take the writers' lock nor hold them up (an
advisory lock, which any role can take, could). Either way insert order equals commit order:
one chain, no fork, no gap. A writer waits for another at most `wait` seconds, then gives up
saying so, the same on both; a reader waits for a lock at most as long.

Reads run in one transaction each (a snapshot: SQLite's WAL, PostgreSQL's REPEATABLE READ), so a
view's several queries agree with each other even while an append commits.

This package is the only place that imports SQLAlchemy; driver errors become `LedgerError`s here.

Longer than the ~300 lines STYLE.md asks: engine set-up, schema creation and upgrade, and the
translation of driver errors, for SQLite and PostgreSQL both.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, insert, inspect, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

from owl.ledger.chain import Verification, verify_rows
from owl.ledger.content import row_problem
from owl.ledger.errors import ConnectionLost, LedgerError, NotInitialized, StoreUnavailable
from owl.ledger.events import canonical_payload, event_from_payload
from owl.ledger.sql.schema import (
    ADDED_IN_5,
    ADDED_IN_6,
    PG_TRIGGERS,
    SCHEMA_VERSION,
    SQLITE_TRIGGERS,
    events,
    id_aliases,
    metadata,
    owl_meta,
    pg_writer_lock,
)
from owl.ledger.sql.session import Session
from owl.ledger.store import InitState


class WriterBusy(LedgerError):
    def __init__(self, url: str, wait: float) -> None:
        self.url, self.wait = url, wait
        super().__init__(
            f"another writer is appending to the ledger at {url}; gave up after waiting "
            f"{wait:g} s (try again, or raise --wait)"
        )


class ReaderBlocked(LedgerError):
    """A question found a table locked (by a writer holding more than the append needs) and
    gave up after its bound, rather than waiting without one."""

    def __init__(self, url: str, wait: float) -> None:
        self.url, self.wait = url, wait
        super().__init__(
            f"a table of the ledger at {url} is locked by another session; the question gave up "
            f"after waiting {wait:g} s (lock timeout; try again, raise --wait, or ask the "
            "database's administrator which session holds the lock)"
        )


class SchemaTooNew(LedgerError):
    def __init__(self, url: str, found: str) -> None:
        super().__init__(
            f"the ledger at {url} has schema version {found}; this owl knows version "
            f"{SCHEMA_VERSION} (upgrade owl)"
        )


class SchemaOutdated(LedgerError):
    def __init__(self, url: str, found: str) -> None:
        super().__init__(
            f"the ledger at {url} has schema version {found}; this owl writes version "
            f"{SCHEMA_VERSION}: run 'owl init' once to bring it up to date (it keeps every event)"
        )


class _RollBack(Exception):
    """Leaves a dry run's transaction by an exception, which rolls it back."""


class SqlStore:
    """The ledger in a SQL database. Open with a URL; `init()` creates (or upgrades) the schema."""

    def __init__(self, url: str, wait: float = 30.0) -> None:
        self.url = url
        self.wait = wait
        self.engine = _make_engine(url, wait)
        self.dialect = self.engine.dialect.name
        database = self.engine.url.database
        in_memory = database in (None, "", ":memory:") or str(database).startswith("file:")
        self._file = Path(str(database)) if self.dialect == "sqlite" and not in_memory else None

    # --- lifecycle ---------------------------------------------------------------------------

    def init(self) -> InitState:
        """Create the schema ("created"), or bring an older one up to date ("upgraded": the
        projections must be rebuilt); on a current schema do nothing ("current"), so a role
        without CREATE rights may run it once the owner has: it only checks."""
        with _translate(self.url, self.wait):
            found = self.schema_version(create=True)
            if found == SCHEMA_VERSION:
                return "current"
            if found is not None and found > SCHEMA_VERSION:
                raise SchemaTooNew(safe_url(self.url), found)
            with self.engine.connect() as raw:
                conn = raw.execution_options(owl_write=True)
                with conn.begin():
                    metadata.create_all(conn)
                    for statement in SQLITE_TRIGGERS if self.dialect == "sqlite" else PG_TRIGGERS:
                        conn.exec_driver_sql(statement)
                    if self.dialect == "postgresql":
                        schema = str(conn.exec_driver_sql("SELECT current_schema()").scalar())
                        for statement in pg_writer_lock(schema):
                            conn.exec_driver_sql(statement)
                    if found is not None and found < "3":
                        _alias_unnormalized(conn)
                    if found is not None and found < "6":
                        _add_columns(conn)
                    conn.execute(owl_meta.delete().where(owl_meta.c.key == "schema_version"))
                    conn.execute(
                        insert(owl_meta), [{"key": "schema_version", "value": SCHEMA_VERSION}]
                    )
            return "upgraded" if found is not None else "created"

    def schema_version(self, create: bool = False) -> str | None:
        """The stored schema version (None: no schema yet)."""
        if not create:
            self._check_file()
        with self.engine.connect() as conn:
            if not inspect(conn).has_table("owl_meta"):
                return None
            value = conn.execute(
                select(owl_meta.c.value).where(owl_meta.c.key == "schema_version")
            ).scalar()
            return None if value is None else str(value)

    def close(self) -> None:
        self.engine.dispose()

    def _check_file(self) -> None:
        # Only `init` may create a SQLite file: anything else on a missing file would leave an
        # empty database behind and then report it uninitialized.
        if self._file is not None and not self._file.exists():
            raise NotInitialized(safe_url(self.url), str(self._file))

    # --- transactions ------------------------------------------------------------------------

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """One read transaction: every query in it sees the same committed state."""
        self._check_file()
        with _translate(self.url, self.wait, reading=True), self.engine.connect() as raw:
            conn = raw
            if self.dialect == "postgresql":
                conn = raw.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                yield Session(conn, self.dialect)

    @contextmanager
    def writing(self, dry_run: bool = False) -> Iterator[Session]:
        """The one write transaction: holds the write lock; commits at the end, or rolls back
        on any error (or always, for a dry run)."""
        self._check_file()
        with _translate(self.url, self.wait), self.engine.connect() as raw:
            conn = raw.execution_options(owl_write=True)
            try:
                with conn.begin():
                    self._current_schema(conn)  # first: an older schema has no lock function
                    if self.dialect == "postgresql":
                        conn.exec_driver_sql("SELECT owl_take_write_lock()")
                    yield Session(conn, self.dialect)
                    if dry_run:
                        raise _RollBack
            except _RollBack:
                pass

    def _current_schema(self, conn: Connection) -> None:
        """A writer appends only to the schema it knows (an older one lacks tables it fills)."""
        found = conn.execute(
            select(owl_meta.c.value).where(owl_meta.c.key == "schema_version")
        ).scalar()
        if found is not None and str(found) < SCHEMA_VERSION:
            raise SchemaOutdated(safe_url(self.url), str(found))
        if found is not None and str(found) > SCHEMA_VERSION:
            raise SchemaTooNew(safe_url(self.url), str(found))

    def verify(
        self,
        expect: tuple[int, str] | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> Verification:
        """Recompute the chain from row 1, and check a digest written down earlier (see
        `ledger.chain.verify_rows`, which tells `progress` how many more rows were checked)."""
        with self.reading() as session:
            return verify_rows(session.chain(), expect, row_problem, progress=progress)


def _add_columns(conn: Connection) -> None:
    """Add the columns versions 5 and 6 added to the derived tables an older owl created (the
    upgrade then rebuilds them from the log)."""
    sqlite = conn.dialect.name == "sqlite"
    added = [*ADDED_IN_5, *((t, c, lite if sqlite else pg) for t, c, lite, pg in ADDED_IN_6)]
    for table, column, kind in added:
        present = {c["name"] for c in inspect(conn).get_columns(table)}
        if column not in present:
            conn.exec_driver_sql(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")


def _alias_unnormalized(conn: Connection) -> None:
    """Record the normalized-content id of every event an older owl stored with a name it did
    not normalize (see `id_aliases`): read once, when the schema is upgraded to version 3. An
    alias that is already an event's id (the same event stored normalized) is not needed."""
    found: dict[str, int] = {}
    last = 0
    while rows := conn.execute(
        select(events.c.seq, events.c.event_id, events.c.payload)
        .where(events.c.seq > last, events.c.event_id.like("sha256:%"))
        .order_by(events.c.seq)
        .limit(5000)
    ).all():
        for seq, event_id, payload in rows:
            normalized = canonical_payload(event_from_payload(payload, event_id))
            if normalized != payload:
                alias = f"sha256:{hashlib.sha256(normalized.encode()).hexdigest()[:32]}"
                found.setdefault(alias, seq)
        last = rows[-1][0]
    names = list(found)
    for start in range(0, len(names), 500):
        taken = conn.execute(
            select(events.c.event_id).where(events.c.event_id.in_(names[start : start + 500]))
        ).scalars()
        for event_id in taken:
            found.pop(event_id, None)
    if found:
        conn.execute(insert(id_aliases), [{"alias": a, "seq": q} for a, q in found.items()])


def _make_engine(url: str, wait: float) -> Engine:
    try:
        if url.startswith("sqlite"):
            engine = create_engine(url, connect_args={"timeout": wait})
            _configure_sqlite(engine, wait)
            return engine
        engine = create_engine(url, pool_pre_ping=True)
        _configure_postgres(engine, wait)
        return engine
    except (ArgumentError, NoSuchModuleError, ImportError, ValueError) as exc:
        reason = (
            f"not a database URL owl can use ({type(exc).__name__}: {_safe_text(url, exc)}); "
            "use sqlite:///FILE or postgresql+psycopg://USER@HOST/DB"
        )
        raise StoreUnavailable(safe_url(url), reason) from None


def _configure_sqlite(engine: Engine, wait: float) -> None:
    # pysqlite's own transaction handling is switched off so that we say BEGIN ourselves:
    # BEGIN IMMEDIATE for appends (take the write lock first), plain BEGIN for reads.
    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(wait * 1000)}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA cache_size=-65536")  # 64 MiB of pages: reads of big histories
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get("owl_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _configure_postgres(engine: Engine, wait: float) -> None:
    # Every wait for a lock is bounded, as SQLite's busy_timeout bounds it: a writer's for the
    # writers' lock, a reader's for a table another session locked.
    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(f"SET lock_timeout = '{int(wait * 1000)}ms'")
        cursor.close()
        dbapi_connection.commit()


@contextmanager
def _translate(url: str, wait: float, reading: bool = False) -> Iterator[None]:
    """Turns driver errors into `LedgerError`s at the edge of the store: no driver error reaches
    a user as a traceback (nothing was written: the transaction rolled back)."""
    try:
        yield
    except DBAPIError as exc:
        raise _meaning(url, wait, exc.orig or exc, exc.connection_invalidated, reading) from None
    except Exception as exc:
        if type(exc).__module__.split(".")[0] in ("psycopg", "sqlite3"):  # raw driver calls
            raise _meaning(url, wait, exc, False, reading) from None
        raise


def _meaning(
    url: str, wait: float, orig: BaseException, invalidated: bool, reading: bool = False
) -> LedgerError:
    message = str(orig).lower()
    kind = type(orig).__name__
    if "no such table" in message or ("relation" in message and "does not exist" in message):
        return NotInitialized(safe_url(url))
    if reading and "lock timeout" in message:
        return ReaderBlocked(safe_url(url), wait)
    if "database is locked" in message or "lock timeout" in message:
        return WriterBusy(safe_url(url), wait)
    if invalidated:
        return ConnectionLost(safe_url(url), _safe_text(url, orig))
    if any(word in message for word in _UNAVAILABLE):
        return StoreUnavailable(safe_url(url), _safe_text(url, orig))
    if kind in (
        "DataError",
        "IntegrityError",
        "NumericValueOutOfRange",
        "StringDataRightTruncation",
    ):
        return DatabaseRefused(safe_url(url), _safe_text(url, orig))
    return DatabaseRefused(safe_url(url), f"{kind}: {_safe_text(url, orig)}")


class DatabaseRefused(LedgerError):
    """The database refused what owl asked of it (a value it cannot hold, a constraint): the
    transaction rolled back, so nothing was written."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(
            f"the database at {url} refused the request ({reason}); nothing was written"
        )


# Driver messages that mean the store cannot be used as asked (not a bug in owl).
_UNAVAILABLE = (
    "connect",
    "unable to open",
    "not a database",
    "readonly",
    "read-only",
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
