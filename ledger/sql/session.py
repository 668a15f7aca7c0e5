"""Reads and writes inside one transaction: the `Reader` and `Writer` of `ledger.store`.

The log's own statements are here; the derived tables' are with the projections that keep them
(`owl.projections.maintained.tables`), run through the SQL port below.

Statements are written for the driver directly (`exec_driver_sql`), with the driver's own
parameter style, because these are the hot paths: an append writes millions of rows and a fold
reads them back. On PostgreSQL rows go in with `COPY`, and long reads use a server-side cursor so
that nothing holds a whole history in memory.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import Connection

from owl.ledger.chain import ChainRow
from owl.ledger.content import CorruptRow, parse_row
from owl.ledger.log import Recorded
from owl.ledger.store import (
    EventRow,
    Head,
)

_BATCH = 2000  # rows per round trip when looking up many keys
_STREAM = 5000  # rows a streaming read holds at once


class Session:
    def __init__(self, conn: Connection, dialect: str) -> None:
        self.conn = conn
        self.dialect = dialect
        self.p = "?" if dialect == "sqlite" else "%s"

    # --- the SQL port (`ledger.store.Sql`): the derived tables are read and written by it

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        """Every row, as the driver's tuples (through the connection's own cursor: the result
        wrapper costs more than the read on big pages)."""
        dbapi: Any = self.conn.connection.dbapi_connection
        cursor = dbapi.cursor()
        try:
            cursor.execute(sql.replace("?", self.p), tuple(params))
            return cursor.fetchall() if cursor.description is not None else []
        finally:
            cursor.close()

    def stream(self, sql: str, params: Sequence[Any] = ()) -> Iterator[Any]:
        """The rows a block at a time: on PostgreSQL from a server-side cursor, on SQLite
        (which steps through its rows anyway) from the connection's own cursor."""
        if self.dialect == "postgresql":
            options = {"stream_results": True, "yield_per": _STREAM}
            yield from self.conn.exec_driver_sql(
                sql.replace("?", self.p), tuple(params), execution_options=options
            )
            return
        dbapi: Any = self.conn.connection.dbapi_connection
        cursor = dbapi.cursor()
        try:
            cursor.execute(sql, tuple(params))
            while rows := cursor.fetchmany(_STREAM):
                yield from rows
        finally:
            cursor.close()

    def insert(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        if not rows:
            return
        if self.dialect == "postgresql":
            dbapi: Any = self.conn.connection.dbapi_connection
            with (
                dbapi.cursor() as cursor,
                cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join("?" for _ in columns)
        self.conn.exec_driver_sql(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", list(rows)
        )

    def one_of(
        self, column: str, values: Sequence[Any], kind: str = "text"
    ) -> tuple[str, list[Any]]:
        """`column` is one of `values`: the condition and its parameters. On PostgreSQL one
        array parameter (a statement with thousands of placeholders costs the driver more to
        prepare than to run), elsewhere a list of placeholders."""
        if self.dialect == "postgresql":
            return f"{column} = ANY(?::{kind}[])", [list(values)]
        return f"{column} IN ({', '.join('?' for _ in values)})", list(values)

    # --- the log -----------------------------------------------------------------------------

    def head(self) -> Head:
        found = self.rows("SELECT seq, hash, recorded_at FROM events ORDER BY seq DESC LIMIT 1")
        if not found:
            return Head(0, "0" * 64, "")
        seq, hsh, rec = found[0]
        return Head(int(seq), str(hsh), str(rec))

    def stored_ids(self, ids: Sequence[str]) -> dict[str, tuple[int, str, str, str, str]]:
        found: dict[str, tuple[int, str, str, str, str]] = {}
        for start in range(0, len(ids), _BATCH):
            where, params = self.one_of("event_id", ids[start : start + _BATCH])
            rows = self.rows(
                "SELECT event_id, seq, payload, issuer, type, effective_date FROM events "
                f"WHERE {where}",
                params,
            )
            for eid, seq, payload, issuer, kind, effective in rows:
                found[eid] = (int(seq), payload, issuer, kind, effective)
        missing = [i for i in ids if i not in found and i.startswith("sha256:")]
        for start in range(0, len(missing), _BATCH):
            where, params = self.one_of("a.alias", missing[start : start + _BATCH])
            rows = self.rows(
                "SELECT a.alias, e.seq, e.payload, e.issuer, e.type, e.effective_date "
                f"FROM id_aliases a JOIN events e ON e.seq = a.seq WHERE {where}",
                params,
            )
            for eid, seq, payload, issuer, kind, effective in rows:
                found[eid] = (int(seq), payload, issuer, kind, effective)
        return found

    def stored_aliases(self, names: Sequence[str]) -> dict[str, int]:
        """The seq of the event each name is known by: as its id, or as a recorded alias."""
        found: dict[str, int] = {}
        for start in range(0, len(names), _BATCH):
            part = names[start : start + _BATCH]
            where, params = self.one_of("event_id", part)
            found.update(self.rows(f"SELECT event_id, seq FROM events WHERE {where}", params))
            where, params = self.one_of("alias", part)
            found.update(self.rows(f"SELECT alias, seq FROM id_aliases WHERE {where}", params))
        return {name: int(seq) for name, seq in found.items()}

    def insert_events(
        self, rows: Sequence[EventRow], aliases: Sequence[tuple[str, int]] = ()
    ) -> None:
        self.insert("events", EventRow._fields, rows)
        self.insert("id_aliases", ("alias", "seq"), aliases)

    def note_clock(self, seq: int, clock_at: str, recorded_at: str) -> None:
        row = (seq, clock_at, recorded_at)
        self.insert("clock_notes", ("seq", "clock_at", "recorded_at"), [row])

    def clock_notes(self) -> dict[int, tuple[str, str]]:
        rows = self.rows("SELECT seq, clock_at, recorded_at FROM clock_notes ORDER BY seq", [])
        return {int(seq): (str(clock), str(stamp)) for seq, clock, stamp in rows}

    def events(
        self,
        issuer: str | None = None,
        *,
        upto_seq: int | None = None,
        after_date: str | None = None,
        through_date: str | None = None,
        replay_order: bool = True,
        seq_scan: bool = False,
    ) -> Iterator[Recorded]:
        where: list[str] = []
        params: list[Any] = []
        # SQLite takes no index for a column written `+column`: it walks the rows by seq
        # (PostgreSQL plans a cursor for its first rows already)
        plus = "+" if seq_scan and not replay_order and self.dialect == "sqlite" else ""
        if issuer is not None:
            where.append(f"{plus}issuer = ?")
            params.append(issuer)
        if upto_seq is not None:
            where.append("seq <= ?")
            params.append(upto_seq)
        if after_date is not None:
            where.append(f"{plus}effective_date > ?")
            params.append(after_date)
        if through_date is not None:
            where.append(f"{plus}effective_date <= ?")
            params.append(through_date)
        order = "effective_date, seq" if replay_order else "seq"
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        rows = self.stream(
            "SELECT seq, event_id, recorded_at, payload, prev_hash, hash, issuer, effective_date "
            f"FROM events {clause} ORDER BY {order}",
            params,
        )
        for seq, eid, rec, payload, prev, hsh, row_issuer, row_date in rows:
            ev = parse_row(seq, eid, payload)
            if ev.issuer != row_issuer or ev.effective_date.isoformat() != row_date:
                stated = f"{ev.issuer} {ev.effective_date}"
                raise CorruptRow(
                    seq, f"says {stated} in its payload, {row_issuer} {row_date} beside"
                )
            yield Recorded(seq, rec, prev, hsh, ev)

    def page(self, after_seq: int, limit: int) -> list[tuple[Recorded, str]]:
        """The next `limit` events of the log after `after_seq`, in seq order, each with its
        payload as stored."""
        rows = self.rows(
            "SELECT seq, event_id, recorded_at, payload, prev_hash, hash FROM events "
            "WHERE seq > ? ORDER BY seq LIMIT ?",
            [after_seq, limit],
        )
        return [
            (Recorded(seq, rec, prev, hsh, parse_row(seq, eid, payload)), payload)
            for seq, eid, rec, payload, prev, hsh in rows
        ]

    def events_by_seq(self, seqs: Iterable[int]) -> dict[int, Recorded]:
        wanted = sorted(set(seqs))
        found: dict[int, Recorded] = {}
        for start in range(0, len(wanted), _BATCH):
            where, params = self.one_of("seq", wanted[start : start + _BATCH], "bigint")
            rows = self.rows(
                "SELECT seq, event_id, recorded_at, payload, prev_hash, hash FROM events "
                f"WHERE {where}",
                params,
            )
            for seq, eid, rec, payload, prev, hsh in rows:
                found[int(seq)] = Recorded(seq, rec, prev, hsh, parse_row(seq, eid, payload))
        return found

    def chain(self, after_seq: int = 0) -> Iterator[ChainRow]:
        rows = self.stream(
            "SELECT seq, event_id, issuer, type, effective_date, recorded_at, payload, "
            "prev_hash, hash FROM events WHERE seq > ? ORDER BY seq",
            [after_seq],
        )
        for row in rows:
            yield ChainRow(*row)

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self.conn.exec_driver_sql(sql.replace("?", self.p), tuple(params))

    def execute_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """One statement for each row (an upsert of many rows: one round trip per batch)."""
        if rows:
            self.conn.exec_driver_sql(sql.replace("?", self.p), [tuple(r) for r in rows])
