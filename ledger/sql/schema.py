"""The tables: the log, the projections kept beside it, and the statements that protect the log.

Schema version 3 (3 added `clock_notes`, `id_aliases`). The log (`events`) is append-only: triggers
refuse UPDATE and DELETE (and, on PostgreSQL, TRUNCATE) at the database level, so even a stray
SQL client cannot edit history without first removing them; an edit made behind them breaks the
hash chain, which `verify` names. SQLite has no trigger against an INSERT OR REPLACE over a
stored row (a BEFORE INSERT trigger would double the cost of every append); such a replace
deletes the old row, which leaves a gap in `seq` that `verify` reports.

The projection tables are derived data, rebuilt from the log by `owl rebuild`:
- `positions`: one row per change of one account (a holder's shares of one class, held directly
  or in one way indirectly), keyed by (issuer, effective date, seq), so "holdings as of (date,
  known_at)" is one indexed aggregate;
- `facts`: the events other than plain trades (capital, plan, links, reports, corrections);
- `balances`: each holder's current position, for the append check;
- `appends`: one row per run (an issuer's events recorded at one instant), with the dates it
  touched: what decides whether a checkpoint still holds for a view;
- `checkpoints`: the fold's state at chosen dates.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
)

# 4: the writers' own lock on PostgreSQL; 5: a filing's holding is followed, fractional shares
# (the `*_frac` columns of positions and balances), and each checkpoint's digest; 6: the
# obligations' watches in checkpoints (`watch`, `watch_new`)
SCHEMA_VERSION = "6"
# The columns version 5 added to tables an older owl created: (table, column, SQL type).
ADDED_IN_5 = (
    ("positions", "delta_frac", "BIGINT NOT NULL DEFAULT 0"),
    ("positions", "target_frac", "BIGINT"),
    ("balances", "position_frac", "BIGINT NOT NULL DEFAULT 0"),
    ("checkpoints", "digest", "VARCHAR(64)"),
)
# The columns version 6 added: (table, column, SQL type on SQLite, on PostgreSQL).
ADDED_IN_6 = (
    ("checkpoints", "watch", "BLOB", "BYTEA"),
    ("checkpoints", "watch_new", "BLOB", "BYTEA"),
)

metadata = MetaData()

# On SQLite an INTEGER PRIMARY KEY is the row id itself: one B-tree less per append.
_SEQ = BigInteger().with_variant(Integer(), "sqlite")

events = Table(
    "events",
    metadata,
    Column("seq", _SEQ, primary_key=True, autoincrement=False),
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

positions = Table(
    "positions",
    metadata,
    Column("issuer", String(64), primary_key=True),
    Column("effective_date", String(10), primary_key=True),
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("holder", String(200), primary_key=True),
    Column("security", String(200), primary_key=True),  # "" the common stock
    Column("nature", String(2000), primary_key=True),  # "" held directly
    Column("rec_seq", BigInteger, primary_key=True, autoincrement=False),
    Column("kind", SmallInteger, primary_key=True, autoincrement=False),
    Column("delta", BigInteger, nullable=False),
    Column("target", BigInteger, nullable=True),
    # A fractional amount's millionths beside its whole part (`maintained.amounts`).
    Column("delta_frac", BigInteger, nullable=False, server_default="0"),
    Column("target_frac", BigInteger, nullable=True),
    sqlite_with_rowid=False,
)
# Adopted and opening reports are few: a partial index finds them without reading every trade.
Index(
    "ix_positions_adopted",
    positions.c.issuer,
    positions.c.effective_date,
    positions.c.seq,
    sqlite_where=positions.c.kind >= 2,
    postgresql_where=positions.c.kind >= 2,
)

facts = Table(
    "facts",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("issuer", String(64), nullable=False),
    Column("effective_date", String(10), nullable=False),
    Column("type", String(40), nullable=False),
    Column("person", String(200), nullable=True),
    Column("other", String(200), nullable=True),
    Column("target_seq", BigInteger, nullable=True),
    Column("payload", Text, nullable=False),
    Index("ix_facts_issuer_effective", "issuer", "effective_date", "seq"),
)

balances = Table(
    "balances",
    metadata,
    Column("issuer", String(64), primary_key=True),
    Column("holder", String(200), primary_key=True),
    Column("security", String(200), primary_key=True),
    Column("nature", String(2000), primary_key=True),
    Column("position", BigInteger, nullable=False),
    Column("last_date", String(10), nullable=False),
    Column("last_seq", BigInteger, nullable=False),
    Column("position_frac", BigInteger, nullable=False, server_default="0"),
)

appends = Table(
    "appends",
    metadata,
    Column("issuer", String(64), primary_key=True),
    Column("first_seq", BigInteger, primary_key=True, autoincrement=False),
    Column("last_seq", BigInteger, nullable=False),
    Column("recorded_at", String(27), nullable=False),
    Column("min_date", String(10), nullable=False),
    Column("max_date", String(10), nullable=False),
    Column("events", BigInteger, nullable=False),
    Index("ix_appends_issuer_recorded", "issuer", "recorded_at"),
)

checkpoints = Table(
    "checkpoints",
    metadata,
    Column("issuer", String(64), primary_key=True),
    Column("through", String(10), primary_key=True),
    Column("built_seq", BigInteger, primary_key=True, autoincrement=False),
    Column("previous", String(10), nullable=True),
    Column("previous_seq", BigInteger, nullable=True),
    Column("counted", BigInteger, nullable=False),
    Column("state", LargeBinary, nullable=False),
    Column("changes", LargeBinary, nullable=False),
    Column("format", Integer, nullable=False),
    # SHA-256 of the chain hash at `built_seq` and of the row (`maintained.tables`): a row
    # changed or copied from another ledger is passed over on read
    Column("digest", String(64), nullable=True),
    # The obligations' watches at `through` (`maintained.watching`): as a whole, and the
    # entries their lists gained since `previous`
    Column("watch", LargeBinary, nullable=True),
    Column("watch_new", LargeBinary, nullable=True),
)

# Part of the log, not a projection: when the clock read earlier than the last stamp, the batch
# was stamped just after that stamp instead; the wall clock's reading is kept here so `owl log`
# can say so (a `--known-at` between the two instants does not see the batch).
clock_notes = Table(
    "clock_notes",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),  # the batch's first seq
    Column("clock_at", String(27), nullable=False),
    Column("recorded_at", String(27), nullable=False),
)

# Part of the log's index, not a projection: events appended by an owl that did not yet normalize
# names were stored as given, and an event without an id is named by a digest of its content; the
# digest of its normalized content is recorded here (once, when `init` upgrades the schema), so
# the same event sent again is still found present.
id_aliases = Table(
    "id_aliases",
    metadata,
    Column("alias", String(200), primary_key=True),
    Column("seq", BigInteger, nullable=False),
)

owl_meta = Table(
    "owl_meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", String(200), nullable=False),
)

# The writers' lock on PostgreSQL: no rows; a writer locks the table through the owner's function
# `owl_take_write_lock()`, which only the roles granted EXECUTE may call, so a role that can
# merely connect (or only read) can neither take the lock nor hold up the writers.
writer_lock = Table("writer_lock", metadata, Column("id", SmallInteger, primary_key=True))

PROJECTIONS = (positions, facts, balances, appends, checkpoints)

SQLITE_TRIGGERS = (
    """CREATE TRIGGER IF NOT EXISTS events_no_update BEFORE UPDATE ON events
       BEGIN SELECT RAISE(ABORT, 'owl: the events table is append-only'); END""",
    """CREATE TRIGGER IF NOT EXISTS events_no_delete BEFORE DELETE ON events
       BEGIN SELECT RAISE(ABORT, 'owl: the events table is append-only'); END""",
    # Schema 1 had a BEFORE INSERT trigger against INSERT OR REPLACE; it doubled the cost of
    # every append (see the module docstring).
    "DROP TRIGGER IF EXISTS events_no_replace",
)

PG_TRIGGERS = (
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


def pg_writer_lock(schema: str) -> tuple[str, ...]:
    """The writers' lock function, bound to the ledger's schema (a SECURITY DEFINER function
    runs with a fixed search_path, so no caller can point it at another table)."""
    quoted = '"' + schema.replace('"', '""') + '"'
    return (
        f"""CREATE OR REPLACE FUNCTION {quoted}.owl_take_write_lock() RETURNS void AS $$
            BEGIN LOCK TABLE {quoted}.writer_lock IN EXCLUSIVE MODE; END
            $$ LANGUAGE plpgsql SECURITY DEFINER SET search_path = {quoted}, pg_temp""",
        f"REVOKE ALL ON FUNCTION {quoted}.owl_take_write_lock() FROM PUBLIC",
    )
