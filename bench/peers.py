"""Peers for owl's benchmark: what other tools do with exactly the same events.

Every peer reads the same JSON Lines history (`python -m bench.history N > file.jsonl`) and times
only its own work; parsing the file and preparing rows happen before the clock starts.

* `raw_sqlite_executemany`: the physical limit for ingest on SQLite. The events table and its
  indexes are compiled at run time from owl's own SQLAlchemy definition (`ledger.sql.events`), so
  the columns, types, primary key, unique `event_id` and the `(issuer, effective_date, seq)` index
  are owl's; the triggers and every other table are left out. The rows carry the same payload
  bytes owl would store for the trades (the canonical JSON of the line without `event_id`; owl's
  payload adds the defaults of a few hundred plan and report events) and 64-hex placeholders for
  the hashes. The database is opened as owl's store opens it (WAL, synchronous=NORMAL) and the
  rows go in through plain `sqlite3` `executemany`, 1,000 at a time, in one transaction: owl's
  ingest minus validation, idempotency, the fold check, hashing and SQLAlchemy.
* `raw_postgres_copy`: the same rows and table on PostgreSQL through psycopg 3's `COPY ... FROM
  STDIN`, the fastest way in; the time includes the COMMIT.
* `python_floor_sqlite` / `python_floor_postgres`: the least any Python ledger with owl's hash
  chain must do per event, timed from the file's first line to the commit: decode the line,
  write its canonical JSON, hash it into the chain with owl's `row_hash`, and insert the row
  (`executemany`, `COPY`) into the same events table. Unlike the raw peers, this one's time
  includes reading the file: it is the Python floor of an ingest, and the raw peers are the
  databases' floor. `read_floor_sqlite`: the least a rebuild in Python must do, reading every
  row back and decoding its payload.
* `eventsourcing_append_and_replay`: the Python library `eventsourcing` on its SQLite recorder,
  modelled as its users would: an `Issuer` aggregate appends the events, then a fresh application
  rebuilds the aggregate from the stored events (see the function for the model).
* `holdings_sqlite_sql` / `holdings_duckdb_sql`: an analyst with the events in one plain table
  and one hand-written query for every holder's shares as of a date (the split and rounding
  included), on SQLite and on DuckDB.

Why these are fair: every peer stores or reads the same events, on the same machine, in the same
process, and answers a question owl answers (the rows appended; the holdings as of a date). They
do less than owl (no hash chain, no idempotency, no validation, no rights-plan status, no
`known_at`), which is the point: the gap is the price of what owl adds. `compare` runs them all
and checks the answers agree; `python -m bench.peers FILE [--as-of DATE] [--postgres URL]` prints
a Markdown table.
"""

from __future__ import annotations

import argparse
import csv
import json
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice
from pathlib import Path
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate
from sqlalchemy import MetaData, Table
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.engine import Dialect
from sqlalchemy.schema import CreateIndex, CreateTable

RECORDED_AT = "2026-11-29T00:00:00.000000Z"
CHUNK = 1_000  # rows per executemany, as owl's store inserts them

Event = dict[str, Any]
Row = tuple[Any, ...]


# --- the input ---------------------------------------------------------------------------------


def read_events(jsonl: str | Path) -> list[Event]:
    """The history's events, in file order (seq is the line number)."""
    with open(jsonl, encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def canonical(event: Event) -> str:
    """The payload: the event without its event_id, as canonical JSON."""
    body = {k: v for k, v in event.items() if k != "event_id"}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _issuer_of(events: Sequence[Event]) -> str:
    issuers = {str(e["issuer"]) for e in events}
    if len(issuers) != 1:
        raise ValueError(f"one issuer expected, found {sorted(issuers)}")
    return issuers.pop()


def _fresh(path: Path) -> Path:
    for suffix in ("", "-wal", "-shm", ".wal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return path


def _timed(action: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    result = action()
    return result, time.perf_counter() - start


# --- 1 and 2: the raw insert rate into owl's own events table ------------------------------------


def events_schema(dialect: Dialect) -> tuple[list[str], list[str]]:
    """CREATE TABLE and CREATE INDEX for owl's events table, compiled now from `ledger.sql`
    (imported here, so the definition is whatever the store says today); and its columns."""
    from owl.ledger.sql import events

    table: Table = events.to_metadata(MetaData())
    ddl = [str(CreateTable(table).compile(dialect=dialect)).strip()]
    for index in sorted(table.indexes, key=lambda ix: str(ix.name)):
        ddl.append(str(CreateIndex(index).compile(dialect=dialect)).strip())
    return ddl, [column.name for column in table.columns]


def log_rows(events: Sequence[Event], columns: Sequence[str]) -> list[Row]:
    """owl's row for each event, in `columns` order (a column owl adds fails loudly here)."""
    rows = []
    for seq, event in enumerate(events, 1):
        values = {
            "seq": seq,
            "event_id": event["event_id"],
            "issuer": event["issuer"],
            "type": event["type"],
            "effective_date": event["effective_date"],
            "recorded_at": RECORDED_AT,
            "payload": canonical(event),
            "prev_hash": f"{seq - 1:064x}",
            "hash": f"{seq:064x}",
        }
        rows.append(tuple(values[name] for name in columns))
    return rows


def _insert_sql(table: str, columns: Sequence[str]) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"


def _events_table(path: Path) -> tuple[sqlite3.Connection, list[str]]:
    """A new SQLite file opened as owl opens its store (WAL, synchronous=NORMAL), holding a copy
    of owl's events table and indexes; and the table's columns."""
    ddl, columns = events_schema(sqlite_dialect.dialect())
    conn = sqlite3.connect(_fresh(path), isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    for statement in ddl:
        conn.execute(statement)
    return conn, columns


def raw_sqlite_executemany(jsonl: str | Path, folder: str | Path) -> float:
    """Seconds to executemany every row into a fresh copy of owl's events table, one transaction
    (BEGIN to COMMIT), on a new SQLite file in `folder` opened as owl opens its store."""
    conn, columns = _events_table(Path(folder) / "peer_raw.db")
    rows = log_rows(read_events(jsonl), columns)
    insert = _insert_sql("events", columns)
    try:

        def load() -> None:
            conn.execute("BEGIN")
            for start in range(0, len(rows), CHUNK):
                conn.executemany(insert, rows[start : start + CHUNK])
            conn.execute("COMMIT")

        _, seconds = _timed(load)
        assert conn.execute("SELECT count(*) FROM events").fetchone()[0] == len(rows)
    finally:
        conn.close()
    return seconds


def chained_rows(jsonl: str | Path) -> Iterator[Row]:
    """The least any Python ledger with owl's chain must do per event, the file read included:
    decode the line, write its canonical JSON and hash it into the chain (owl's `row_hash`);
    owl's events row for each line, in the events table's column order. No validation, no
    idempotency lookup, no projections: a floor, not a ledger."""
    from owl.ledger.chain import GENESIS, row_hash

    prev, seq = GENESIS, 0
    with open(jsonl, encoding="utf-8") as lines:
        for line in lines:
            event = json.loads(line)
            seq += 1
            eid = event.pop("event_id")
            issuer, kind, day = event["issuer"], event["type"], event["effective_date"]
            payload = json.dumps(event, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
            now = row_hash(prev, seq, eid, issuer, kind, day, RECORDED_AT, payload)
            yield (seq, eid, issuer, kind, day, RECORDED_AT, payload, prev, now)
            prev = now


FLOOR_COLUMNS = [
    "seq",
    "event_id",
    "issuer",
    "type",
    "effective_date",
    "recorded_at",
    "payload",
    "prev_hash",
    "hash",
]  # the order of `chained_rows`' values


def _floor_columns(columns: list[str]) -> list[str]:
    """owl's events columns, which must be those `chained_rows` writes, in its order."""
    if columns != FLOOR_COLUMNS:
        raise ValueError(f"owl's events columns changed: {columns}")
    return columns


def python_floor_sqlite(jsonl: str | Path, folder: str | Path) -> float:
    """Seconds for `chained_rows` executemany'd in chunks into a fresh copy of owl's events
    table, one transaction, on a new SQLite file in `folder`: the Python floor of an ingest."""
    conn, columns = _events_table(Path(folder) / "peer_floor.db")
    insert = _insert_sql("events", _floor_columns(columns))
    try:

        def load() -> None:
            conn.execute("BEGIN")
            rows = chained_rows(jsonl)
            while chunk := list(islice(rows, CHUNK)):
                conn.executemany(insert, chunk)
            conn.execute("COMMIT")

        _, seconds = _timed(load)
        count = conn.execute("SELECT count(*) FROM events").fetchone()[0]
        assert count == _line_count(jsonl)
    finally:
        conn.close()
    return seconds


def read_floor_sqlite(folder: str | Path) -> float:
    """Seconds for the least a rebuild in Python must do: read every row of the events table
    `python_floor_sqlite` filled in `folder` back in seq order and decode its payload."""
    conn = sqlite3.connect(Path(folder) / "peer_floor.db", isolation_level=None)
    try:

        def read() -> int:
            count = 0
            cursor = conn.execute("SELECT seq, event_id, payload FROM events ORDER BY seq")
            while rows := cursor.fetchmany(CHUNK):
                for _, _, payload in rows:
                    json.loads(payload)
                count += len(rows)
            return count

        count, seconds = _timed(read)
        assert count == conn.execute("SELECT count(*) FROM events").fetchone()[0]
    finally:
        conn.close()
    return seconds


def raw_postgres_copy(jsonl: str | Path, url: str) -> float:
    """Seconds to COPY every row into a copy of owl's events table in a scratch schema (created
    and dropped here), COMMIT included. `url` is a SQLAlchemy URL (`postgresql+psycopg://...`)."""
    _, columns = events_schema(postgresql.dialect())  # type: ignore[no-untyped-call]
    rows = log_rows(read_events(jsonl), columns)
    return _postgres_copy(url, rows, len(rows))


def python_floor_postgres(jsonl: str | Path, url: str) -> float:
    """Seconds for `chained_rows` COPYed into a copy of owl's events table in a scratch schema,
    COMMIT included: the Python floor of a PostgreSQL ingest."""
    _floor_columns(events_schema(postgresql.dialect())[1])  # type: ignore[no-untyped-call]
    return _postgres_copy(url, chained_rows(jsonl), _line_count(jsonl))


def _line_count(jsonl: str | Path) -> int:
    with open(jsonl, encoding="utf-8") as lines:
        return sum(1 for _ in lines)


def _postgres_copy(url: str, rows: Iterable[Row], expected: int) -> float:
    import psycopg

    ddl, columns = events_schema(postgresql.dialect())  # type: ignore[no-untyped-call]
    schema = f"bench_peer_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(url.replace("+psycopg", "", 1)) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
        conn.commit()
        try:
            conn.execute(f"SET search_path TO {schema}")
            for statement in ddl:
                conn.execute(statement)
            conn.commit()
            seconds = _copy(conn, columns, rows)
            count = conn.execute("SELECT count(*) FROM events").fetchone()
            assert count is not None and count[0] == expected
        finally:
            conn.rollback()
            conn.execute(f"DROP SCHEMA {schema} CASCADE")
            conn.commit()
    return seconds


def _copy(conn: Any, columns: Sequence[str], rows: Iterable[Row]) -> float:
    statement = f"COPY events ({', '.join(columns)}) FROM STDIN"
    start = time.perf_counter()
    with conn.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)
    conn.commit()
    return time.perf_counter() - start


# --- 3: the eventsourcing library ----------------------------------------------------------------


class Issuer(Aggregate):
    """One issuer's share register: owl's consistency boundary too (a sale is checked against the
    seller's position in the issuer's history; a split changes every holder at once)."""

    @staticmethod
    def create_id(symbol: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"owl:issuer:{symbol}")

    def __init__(self, symbol: str) -> None:
        self.symbol = symbol
        self.holdings: dict[str, int] = {}

    def _move(self, holder: str, delta: int) -> None:
        held = self.holdings.get(holder, 0)
        if held + delta < 0:
            raise ValueError(f"{holder} holds {held}, cannot give up {-delta}")
        self.holdings[holder] = held + delta

    class SharesPurchased(Aggregate.Event):
        event_id: str
        effective_date: str
        holder: str
        shares: int

        def apply(self, aggregate: Issuer) -> None:
            aggregate._move(self.holder, self.shares)

    class SharesSold(Aggregate.Event):
        event_id: str
        effective_date: str
        holder: str
        shares: int

        def apply(self, aggregate: Issuer) -> None:
            aggregate._move(self.holder, -self.shares)

    class SharesTransferred(Aggregate.Event):
        event_id: str
        effective_date: str
        from_holder: str
        to_holder: str
        shares: int

        def apply(self, aggregate: Issuer) -> None:
            aggregate._move(self.from_holder, -self.shares)
            aggregate._move(self.to_holder, self.shares)

    class StockSplit(Aggregate.Event):
        event_id: str
        effective_date: str
        numerator: int
        denominator: int

        def apply(self, aggregate: Issuer) -> None:
            for holder, held in aggregate.holdings.items():
                aggregate.holdings[holder] = held * self.numerator // self.denominator

    class Filed(Aggregate.Event):
        """Any other event (plan, amendment, share count, issuance, repurchase, affiliation,
        holding report): its type and its fields, as filed."""

        kind: str
        event_id: str
        effective_date: str
        fields: dict[str, Any]

        def apply(self, aggregate: Issuer) -> None:
            holder, shares = self.fields.get("holder"), self.fields.get("shares", 0)
            if holder is not None and self.kind in ("SharesIssued", "SharesRepurchased"):
                aggregate._move(holder, shares if self.kind == "SharesIssued" else -shares)

    def record(self, kind: str, fields: dict[str, Any]) -> None:
        """The command: one event of owl's `kind` with its fields (issuer and type removed)."""
        event_class = _ES_CLASSES.get(kind)
        if event_class is None:
            rest = {k: v for k, v in fields.items() if k not in ("event_id", "effective_date")}
            self.trigger_event(
                Issuer.Filed,
                kind=kind,
                event_id=fields["event_id"],
                effective_date=fields["effective_date"],
                fields=rest,
            )
        else:
            self.trigger_event(event_class, **fields)


_ES_CLASSES: dict[str, type[Aggregate.Event]] = {
    "SharesPurchased": Issuer.SharesPurchased,
    "SharesSold": Issuer.SharesSold,
    "SharesTransferred": Issuer.SharesTransferred,
    "StockSplit": Issuer.StockSplit,
}


class Registers(Application[UUID]):
    """The application holding the issuers' registers (no snapshots, no cache)."""


def _registers(path: Path) -> Registers:
    return Registers(env={"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(path)})


def eventsourcing_append_and_replay(
    jsonl: str | Path, folder: str | Path, batch: int = CHUNK
) -> dict[str, Any]:
    """Append every event through `eventsourcing` (SQLite recorder, a file in `folder`), then
    replay them all; return `events`, `append_s`, `replay_s` and the `holdings` after the last
    date.

    The model: one `Issuer` aggregate per issuer, not one per holder. The issuer is where owl's
    rules live (a sale is checked against the seller's position in the issuer's history, a
    split changes every holder at once, the plan and the share count are the issuer's), and the
    library orders events only within an aggregate: per-holder aggregates would need a second,
    cross-aggregate ordering (the notification log) to put each split among the trades.

    Append: the idiomatic path. Each line becomes a command on the aggregate, which triggers a
    domain event with the line's fields (and checks the sale, as owl does), and
    `Application.save` stores the pending events every `batch` events: the library's mapper
    turns them into `StoredEvent`s (JSON) and its SQLite application recorder inserts them in
    one transaction per save. Saving a million pending events at once is not an option: the
    aggregate collects its pending events with `list.pop(0)`, quadratic in their number.

    Replay: a fresh application (nothing cached) calls `repository.get`, which selects the
    aggregate's stored events, maps each back to a domain event and applies it; the holdings
    are the aggregate's state. The file must be in effective-date order (checked here), so
    version order is replay order; a backdated event would need a fold that sorts, which the
    aggregate does not do.
    """
    events = read_events(jsonl)
    dates = [e["effective_date"] for e in events]
    if dates != sorted(dates):
        raise ValueError(f"{jsonl}: not in effective-date order, so not in replay order")
    commands = [
        (e["type"], {k: v for k, v in e.items() if k not in ("type", "issuer")}) for e in events
    ]
    symbol = _issuer_of(events)
    path = _fresh(Path(folder) / "peer_eventsourcing.db")
    app = _registers(path)

    def append() -> None:
        issuer = Issuer(symbol=symbol)
        for number, (kind, fields) in enumerate(commands, 1):
            issuer.record(kind, fields)
            if number % batch == 0:
                app.save(issuer)
        app.save(issuer)

    _, append_s = _timed(append)
    app.close()
    reader = _registers(path)
    rebuilt, replay_s = _timed(lambda: reader.repository.get(Issuer.create_id(symbol)))
    reader.close()
    assert rebuilt.version == len(events) + 1  # the Created event, then one per line
    return {
        "events": len(events),
        "append_s": append_s,
        "replay_s": replay_s,
        "holdings": dict(rebuilt.holdings),
    }


# --- 4: an analyst's SQL ------------------------------------------------------------------------

NATURAL_COLUMNS = (
    "seq", "event_id", "issuer", "type", "effective_date", "holder", "from_holder", "to_holder",
    "shares", "numerator", "denominator",
)  # fmt: skip

NATURAL_TABLE = """
CREATE TABLE ev (
    seq BIGINT PRIMARY KEY, event_id TEXT NOT NULL, issuer TEXT NOT NULL, type TEXT NOT NULL,
    effective_date TEXT NOT NULL, holder TEXT, from_holder TEXT, to_holder TEXT,
    shares BIGINT, numerator BIGINT, denominator BIGINT
)"""

# One query, two dialects: only integer division is spelled differently (SQLite's `/` on
# integers truncates, DuckDB's `/` gives a double and `//` truncates). Positions are never
# negative in a valid history, so truncating is rounding down. Parameters: issuer, as_of.
HOLDINGS_SQL = """
WITH RECURSIVE
-- the events known as of the date, each with its era: how many splits precede it in replay
-- order (effective_date, seq), a split counting itself
eras AS (
    SELECT type, holder, from_holder, to_holder, shares, numerator, denominator,
           CAST(SUM(CASE WHEN type = 'StockSplit' THEN 1 ELSE 0 END)
                OVER (ORDER BY effective_date, seq ROWS UNBOUNDED PRECEDING) AS INTEGER) AS era
    FROM ev
    WHERE issuer = ? AND effective_date <= ?
),
moves AS (
    SELECT holder, era,
           CASE WHEN type IN ('SharesPurchased', 'SharesIssued') THEN shares ELSE -shares END
               AS delta
    FROM eras
    WHERE type IN ('SharesPurchased', 'SharesSold', 'SharesIssued', 'SharesRepurchased')
      AND holder IS NOT NULL
    UNION ALL
    SELECT from_holder, era, -shares FROM eras WHERE type = 'SharesTransferred'
    UNION ALL
    SELECT to_holder, era, shares FROM eras WHERE type = 'SharesTransferred'
),
per_era AS (
    SELECT holder, era, CAST(SUM(delta) AS BIGINT) AS delta FROM moves GROUP BY holder, era
),
splits AS (
    SELECT era, numerator, denominator FROM eras WHERE type = 'StockSplit'
),
-- walk each holder through the eras: at each split the position so far is scaled, rounding
-- down, then the era's own moves are added unchanged
walk AS (
    SELECT holder, 0 AS era,
           CAST(SUM(CASE WHEN era = 0 THEN delta ELSE 0 END) AS BIGINT) AS shares
    FROM per_era
    GROUP BY holder
    UNION ALL
    SELECT w.holder, s.era,
           CAST(w.shares * s.numerator {idiv} s.denominator + COALESCE(p.delta, 0) AS BIGINT)
    FROM walk AS w
    JOIN splits AS s ON s.era = w.era + 1
    LEFT JOIN per_era AS p ON p.holder = w.holder AND p.era = s.era
)
SELECT holder, shares FROM walk WHERE era = (SELECT count(*) FROM splits)
"""


def natural_rows(events: Sequence[Event]) -> list[Row]:
    """One row per event in `NATURAL_COLUMNS` order; seq is the line number."""
    rows = []
    for seq, e in enumerate(events, 1):
        get = e.get
        rows.append((
            seq, e["event_id"], e["issuer"], e["type"], e["effective_date"], get("holder"),
            get("from_holder"), get("to_holder"), get("shares"), get("numerator"),
            get("denominator"),
        ))  # fmt: skip
    return rows


def holdings_sqlite_sql(
    jsonl: str | Path, folder: str | Path, as_of: str
) -> tuple[float, dict[str, int]]:
    """Seconds for `HOLDINGS_SQL` on plain SQLite (a file in `folder`), and its answer:
    every holder that moved on or before `as_of`, with the shares held at its end."""
    events = read_events(jsonl)
    conn = sqlite3.connect(_fresh(Path(folder) / "peer_sql.db"))
    try:
        conn.execute(NATURAL_TABLE)
        conn.execute("CREATE INDEX ev_issuer_date ON ev (issuer, effective_date, seq)")
        conn.executemany(_insert_sql("ev", NATURAL_COLUMNS), natural_rows(events))
        conn.commit()
        query = HOLDINGS_SQL.format(idiv="/")
        params = (_issuer_of(events), as_of)
        holdings, seconds = _timed(lambda: dict(conn.execute(query, params).fetchall()))
    finally:
        conn.close()
    return seconds, holdings


def holdings_duckdb_sql(
    jsonl: str | Path, folder: str | Path, as_of: str
) -> tuple[float, dict[str, int]]:
    """Seconds for `HOLDINGS_SQL` on DuckDB (a file in `folder`, loaded through a CSV), and its
    answer, as `holdings_sqlite_sql`."""
    import duckdb

    events = read_events(jsonl)
    staged = Path(folder) / "peer_duckdb.csv"
    with open(staged, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(NATURAL_COLUMNS)
        writer.writerows(natural_rows(events))
    conn = duckdb.connect(str(_fresh(Path(folder) / "peer_duckdb.db")))
    try:
        conn.execute(NATURAL_TABLE)
        conn.execute(f"COPY ev FROM '{_quoted(staged)}' (HEADER)")
        query = HOLDINGS_SQL.format(idiv="//")
        params = [_issuer_of(events), as_of]
        holdings, seconds = _timed(lambda: dict(conn.execute(query, params).fetchall()))
    finally:
        conn.close()
        staged.unlink(missing_ok=True)
    return seconds, holdings


def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")


# --- all of them --------------------------------------------------------------------------------


def compare(
    jsonl: str | Path, folder: str | Path, as_of: str, postgres_url: str | None = None
) -> dict[str, Any]:
    """Run every peer on the same file; check the answers agree; return the figures.

    The two SQL answers as of `as_of` must be identical, and the eventsourcing replay (the state
    after every event) must equal the SQL answer as of the last date."""
    last = max(e["effective_date"] for e in read_events(jsonl))
    figures: dict[str, Any] = {"events": None, "as_of": as_of, "last_date": last}
    figures["raw_sqlite_s"] = raw_sqlite_executemany(jsonl, folder)
    if postgres_url:
        figures["raw_postgres_copy_s"] = raw_postgres_copy(jsonl, postgres_url)
    replayed = eventsourcing_append_and_replay(jsonl, folder)
    figures["events"] = replayed["events"]
    figures["es_append_s"], figures["es_replay_s"] = replayed["append_s"], replayed["replay_s"]
    figures["sqlite_sql_s"], holdings = holdings_sqlite_sql(jsonl, folder, as_of)
    figures["duckdb_sql_s"], holdings_duck = holdings_duckdb_sql(jsonl, folder, as_of)
    assert holdings == holdings_duck, "SQLite and DuckDB disagree"
    figures["holders"] = len(holdings)
    at_last = holdings if as_of == last else holdings_sqlite_sql(jsonl, folder, last)[1]
    assert replayed["holdings"] == at_last, "the eventsourcing replay and the SQL disagree"
    figures["holdings"] = holdings
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("jsonl", help="a history from `python -m bench.history N`")
    parser.add_argument("--as-of", default=None, help="YYYY-MM-DD (default: the last date)")
    parser.add_argument("--postgres", default=None, help="postgresql+psycopg://USER@HOST/DB")
    parser.add_argument("--folder", default=None, help="where the databases go (default: a temp)")
    args = parser.parse_args()
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        as_of = args.as_of or max(e["effective_date"] for e in read_events(args.jsonl))
        r = compare(args.jsonl, args.folder or scratch, as_of, args.postgres)
    pg = f"{r['raw_postgres_copy_s']:.2f}" if "raw_postgres_copy_s" in r else "-"
    print(
        "| events | as of | raw SQLite executemany s | raw PostgreSQL COPY s |"
        " eventsourcing append s | eventsourcing replay s | SQLite SQL s | DuckDB SQL s |"
    )
    print("|---|---|---|---|---|---|---|---|")
    print(f"| {r['events']:,} | {r['as_of']} | {r['raw_sqlite_s']:.2f} | {pg} | "
          f"{r['es_append_s']:.2f} | {r['es_replay_s']:.2f} | {r['sqlite_sql_s']:.2f} | "
          f"{r['duckdb_sql_s']:.2f} |")  # fmt: skip


if __name__ == "__main__":
    main()
