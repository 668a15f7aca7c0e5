"""Reads and writes inside one transaction: the `Reader` and `Writer` of `ledger.store`.

Statements are written for the driver directly (`exec_driver_sql`), with the driver's own
parameter style, because these are the hot paths: an append writes millions of rows and a fold
reads them back. On PostgreSQL rows go in with `COPY`, and long reads use a server-side cursor so
that nothing holds a whole history in memory.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import Connection

from owl.ledger.chain import ChainRow
from owl.ledger.content import CorruptRow, parse_row
from owl.ledger.log import Recorded
from owl.ledger.store import (
    AppendRow,
    Balance,
    CheckpointRow,
    EventRow,
    FactRow,
    Head,
    HolderSpan,
    IssuerSummary,
    PositionRow,
)

_BATCH = 2000  # rows per round trip when looking up many keys
_STREAM = 5000  # rows a streaming read holds at once


class Session:
    def __init__(self, conn: Connection, dialect: str) -> None:
        self.conn = conn
        self.dialect = dialect
        self.p = "?" if dialect == "sqlite" else "%s"

    # --- helpers -----------------------------------------------------------------------------

    def _all(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        """Every row, as the driver's tuples (through the connection's own cursor: the result
        wrapper costs more than the read on big pages)."""
        dbapi: Any = self.conn.connection.dbapi_connection
        cursor = dbapi.cursor()
        try:
            cursor.execute(sql.replace("?", self.p), tuple(params))
            return cursor.fetchall() if cursor.description is not None else []
        finally:
            cursor.close()

    def _stream(self, sql: str, params: Sequence[Any] = ()) -> Iterator[Any]:
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

    def _insert(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
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

    def _in(self, column: str, values: Sequence[Any], kind: str = "text") -> tuple[str, list[Any]]:
        """`column` is one of `values`: the condition and its parameters. On PostgreSQL one
        array parameter (a statement with thousands of placeholders costs the driver more to
        prepare than to run), elsewhere a list of placeholders."""
        if self.dialect == "postgresql":
            return f"{column} = ANY(?::{kind}[])", [list(values)]
        return f"{column} IN ({', '.join('?' for _ in values)})", list(values)

    # --- the log -----------------------------------------------------------------------------

    def head(self) -> Head:
        found = self._all("SELECT seq, hash, recorded_at FROM events ORDER BY seq DESC LIMIT 1")
        if not found:
            return Head(0, "0" * 64, "")
        seq, hsh, rec = found[0]
        return Head(int(seq), str(hsh), str(rec))

    def stored_ids(self, ids: Sequence[str]) -> dict[str, tuple[int, str, str, str, str]]:
        found: dict[str, tuple[int, str, str, str, str]] = {}
        for start in range(0, len(ids), _BATCH):
            where, params = self._in("event_id", ids[start : start + _BATCH])
            rows = self._all(
                "SELECT event_id, seq, payload, issuer, type, effective_date FROM events "
                f"WHERE {where}",
                params,
            )
            for eid, seq, payload, issuer, kind, effective in rows:
                found[eid] = (int(seq), payload, issuer, kind, effective)
        missing = [i for i in ids if i not in found and i.startswith("sha256:")]
        for start in range(0, len(missing), _BATCH):
            where, params = self._in("a.alias", missing[start : start + _BATCH])
            rows = self._all(
                "SELECT a.alias, e.seq, e.payload, e.issuer, e.type, e.effective_date "
                f"FROM id_aliases a JOIN events e ON e.seq = a.seq WHERE {where}",
                params,
            )
            for eid, seq, payload, issuer, kind, effective in rows:
                found[eid] = (int(seq), payload, issuer, kind, effective)
        return found

    def insert_events(self, rows: Sequence[EventRow]) -> None:
        self._insert("events", EventRow._fields, rows)

    def note_clock(self, seq: int, clock_at: str, recorded_at: str) -> None:
        row = (seq, clock_at, recorded_at)
        self._insert("clock_notes", ("seq", "clock_at", "recorded_at"), [row])

    def clock_notes(self) -> dict[int, tuple[str, str]]:
        rows = self._all("SELECT seq, clock_at, recorded_at FROM clock_notes ORDER BY seq", [])
        return {int(seq): (str(clock), str(stamp)) for seq, clock, stamp in rows}

    def events(
        self,
        issuer: str | None = None,
        *,
        upto_seq: int | None = None,
        after_date: str | None = None,
        through_date: str | None = None,
        replay_order: bool = True,
    ) -> Iterator[Recorded]:
        where: list[str] = []
        params: list[Any] = []
        if issuer is not None:
            where.append("issuer = ?")
            params.append(issuer)
        if upto_seq is not None:
            where.append("seq <= ?")
            params.append(upto_seq)
        if after_date is not None:
            where.append("effective_date > ?")
            params.append(after_date)
        if through_date is not None:
            where.append("effective_date <= ?")
            params.append(through_date)
        order = "effective_date, seq" if replay_order else "seq"
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        rows = self._stream(
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
        rows = self._all(
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
            where, params = self._in("seq", wanted[start : start + _BATCH], "bigint")
            rows = self._all(
                "SELECT seq, event_id, recorded_at, payload, prev_hash, hash FROM events "
                f"WHERE {where}",
                params,
            )
            for seq, eid, rec, payload, prev, hsh in rows:
                found[int(seq)] = Recorded(seq, rec, prev, hsh, parse_row(seq, eid, payload))
        return found

    def chain(self, after_seq: int = 0) -> Iterator[ChainRow]:
        rows = self._stream(
            "SELECT seq, event_id, issuer, type, effective_date, recorded_at, payload, "
            "prev_hash, hash FROM events WHERE seq > ? ORDER BY seq",
            [after_seq],
        )
        for row in rows:
            yield ChainRow(*row)

    def projected_seq(self) -> int:
        found = self._all("SELECT MAX(last_seq) FROM appends")
        return int(found[0][0]) if found and found[0][0] is not None else 0

    def issuers(self) -> list[IssuerSummary]:
        rows = self._all(
            "SELECT issuer, SUM(events), MIN(min_date), MAX(max_date), MAX(recorded_at) "
            "FROM appends GROUP BY issuer ORDER BY issuer"
        )
        return [IssuerSummary(i, int(n), a, b, r) for i, n, a, b, r in rows]

    def identities(self) -> list[tuple[str, str, str | None]]:
        rows = self._all(
            "SELECT issuer, payload FROM facts WHERE type = 'IssuerIdentified' ORDER BY seq"
        )
        found = []
        for issuer, payload in rows:
            body = json.loads(payload)
            ticker = body.get("ticker")
            found.append((str(issuer), str(body["cik"]), str(ticker) if ticker else None))
        return found

    def known_seq(self, issuer: str, recorded_at: str | None) -> int:
        if recorded_at is None:
            found = self._all("SELECT MAX(last_seq) FROM appends WHERE issuer = ?", [issuer])
        else:
            found = self._all(
                "SELECT MAX(last_seq) FROM appends WHERE issuer = ? AND recorded_at <= ?",
                [issuer, recorded_at],
            )
        value = found[0][0] if found else None
        return int(value) if value is not None else 0

    def last_recorded_at(self, upto_seq: int) -> str:
        found = self._all("SELECT recorded_at FROM events WHERE seq = ?", [upto_seq])
        return str(found[0][0]) if found else ""

    # --- projections -------------------------------------------------------------------------

    def insert_positions(self, rows: Sequence[PositionRow]) -> None:
        self._insert("positions", PositionRow._fields, rows)

    def add_positions(self, rows: Sequence[PositionRow]) -> None:
        """Corrections and reversals: a row for the same change, holder, kind and `rec_seq` as
        one already written adds to it (both count from the same seq, so nothing is lost)."""
        if not rows:
            return
        sql = (
            "INSERT INTO positions (issuer, effective_date, seq, holder, security, nature, "
            "rec_seq, delta, kind, target) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT "
            "(issuer, effective_date, seq, holder, security, nature, rec_seq, kind) DO UPDATE "
            "SET delta = positions.delta + excluded.delta"
        )
        self.conn.exec_driver_sql(sql.replace("?", self.p), [tuple(r) for r in rows])

    def insert_facts(self, rows: Sequence[FactRow]) -> None:
        self._insert("facts", FactRow._fields, rows)

    def insert_appends(self, rows: Sequence[AppendRow]) -> None:
        self._insert("appends", AppendRow._fields, rows)

    def put_balances(self, rows: Sequence[Balance]) -> None:
        if not rows:
            return
        sql = (
            "INSERT INTO balances (issuer, holder, security, nature, position, last_date, "
            "last_seq) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (issuer, holder, security, "
            "nature) DO UPDATE SET position = excluded.position, last_date = "
            "excluded.last_date, last_seq = excluded.last_seq"
        )
        self.conn.exec_driver_sql(sql.replace("?", self.p), [tuple(r) for r in rows])

    def facts(self, issuer: str, upto_seq: int, through_date: str | None = None) -> list[FactRow]:
        params: list[Any] = [issuer, upto_seq]
        clause = ""
        if through_date is not None:
            clause = " AND (effective_date <= ? OR type = 'EventVoided')"
            params.append(through_date)
        rows = self._all(
            "SELECT issuer, effective_date, seq, type, person, other, target_seq, payload "
            f"FROM facts WHERE issuer = ? AND seq <= ?{clause} ORDER BY effective_date, seq",
            params,
        )
        return [FactRow(*row) for row in rows]

    def holdings(
        self, issuer: str, through_date: str, upto_seq: int
    ) -> dict[tuple[str, str, str], int]:
        """Each account's shares: (holder, security, nature) -> shares, zeros left out."""
        rows = self._all(
            "SELECT holder, security, nature, SUM(delta) FROM positions WHERE issuer = ? AND "
            "effective_date <= ? AND rec_seq <= ? GROUP BY holder, security, nature",
            [issuer, through_date, upto_seq],
        )
        return {(h, s, n): int(total) for h, s, n, total in rows if total}

    def holder_spans(self, issuer: str, through_date: str, upto_seq: int) -> list[HolderSpan]:
        rows = self._all(
            "SELECT holder, security, MIN(effective_date), MAX(effective_date), "
            "COUNT(DISTINCT seq) FROM positions WHERE issuer = ? AND effective_date <= ? AND "
            "rec_seq <= ? AND kind <> 1 AND seq NOT IN (SELECT target_seq FROM facts WHERE "
            "issuer = ? AND type = 'EventVoided' AND seq <= ? AND target_seq IS NOT NULL) "
            "GROUP BY holder, security ORDER BY holder, security",
            [issuer, through_date, upto_seq, issuer, upto_seq],
        )
        return [HolderSpan(h, s, a, b, int(n)) for h, s, a, b, n in rows]

    def adopted(self, issuer: str, through_date: str, upto_seq: int) -> list[PositionRow]:
        """The adopted reports up to a date whose net change is not nothing: each one's net row
        (its `delta` is what the report changed; `target` what it stated)."""
        rows = self._all(
            "SELECT issuer, effective_date, seq, holder, security, nature, MAX(rec_seq), "
            "SUM(delta), kind, MAX(target) FROM positions WHERE issuer = ? AND kind >= 2 AND "
            "effective_date <= ? AND rec_seq <= ? GROUP BY issuer, effective_date, seq, holder, "
            "security, nature, kind HAVING SUM(delta) <> 0 ORDER BY effective_date, seq",
            [issuer, through_date, upto_seq],
        )
        return [PositionRow(*row) for row in rows]

    def position_rows(
        self, issuer: str, from_date: str, holders: Iterable[str] | None
    ) -> Iterator[PositionRow]:
        wanted = None if holders is None else set(holders)
        rows = self._stream(
            "SELECT issuer, effective_date, seq, holder, security, nature, rec_seq, delta, kind, "
            "target FROM positions WHERE issuer = ? AND effective_date >= ? "
            "ORDER BY effective_date, seq, holder, security, nature",
            [issuer, from_date],
        )
        for row in rows:
            if wanted is None or row[3] in wanted:
                yield PositionRow(*row)

    def rows_of_event(self, issuer: str, effective_date: str, seq: int) -> list[PositionRow]:
        rows = self._all(
            "SELECT issuer, effective_date, seq, holder, security, nature, rec_seq, delta, kind, "
            "target FROM positions WHERE issuer = ? AND effective_date = ? AND seq = ?",
            [issuer, effective_date, seq],
        )
        return [PositionRow(*row) for row in rows]

    def sums_from(
        self, issuer: str, effective_date: str, seq: int
    ) -> dict[tuple[str, str, str], int]:
        """Each account's total of the rows at or after the point (effective_date, seq)."""
        rows = self._all(
            "SELECT holder, security, nature, SUM(delta) FROM positions WHERE issuer = ? AND "
            "effective_date >= ? AND NOT (effective_date = ? AND seq < ?) "
            "GROUP BY holder, security, nature",
            [issuer, effective_date, effective_date, seq],
        )
        return {(h, s, n): int(total) for h, s, n, total in rows}

    def named_after(
        self, issuer: str, holders: Sequence[str], after_seq: int
    ) -> list[tuple[int, str]]:
        """(seq, holder) of the position changes and reports after `after_seq` in these names."""
        named, params = self._in("holder", holders)
        moved = self._all(
            f"SELECT DISTINCT seq, holder FROM positions WHERE issuer = ? AND {named} AND seq > ?",
            [issuer, *params, after_seq],
        )
        return sorted({(int(s), h) for s, h in moved})

    def naming(
        self, issuer: str, names: Iterable[str], through_date: str, upto_seq: int
    ) -> list[int]:
        listed = sorted(set(names))
        if not listed:
            return []
        holder, params = self._in("holder", listed)
        person, _ = self._in("person", listed)
        other, _ = self._in("other", listed)
        moved = self._all(
            f"SELECT DISTINCT seq FROM positions WHERE issuer = ? AND {holder} "
            "AND effective_date <= ? AND rec_seq <= ? AND seq <= ?",
            [issuer, *params, through_date, upto_seq, upto_seq],
        )
        named = self._all(
            f"SELECT seq FROM facts WHERE issuer = ? AND ({person} OR {other}) "
            "AND effective_date <= ? AND seq <= ?",
            [issuer, *params, *params, through_date, upto_seq],
        )
        return sorted({int(s) for (s,) in moved} | {int(s) for (s,) in named})

    def balances(
        self, issuer: str, accounts: Iterable[tuple[str, str, str]] | None = None
    ) -> dict[tuple[str, str, str], Balance]:
        columns = "issuer, holder, security, nature, position, last_date, last_seq"
        if accounts is None:
            rows = self._all(f"SELECT {columns} FROM balances WHERE issuer = ?", [issuer])
        else:
            wanted = set(accounts)
            holders = sorted({h for h, _, _ in wanted})
            rows = []
            for start in range(0, len(holders), _BATCH):
                where, params = self._in("holder", holders[start : start + _BATCH])
                rows += self._all(
                    f"SELECT {columns} FROM balances WHERE issuer = ? AND {where}",
                    [issuer, *params],
                )
            rows = [r for r in rows if (r[1], r[2], r[3]) in wanted]
        return {
            (r[1], r[2], r[3]): Balance(r[0], r[1], r[2], r[3], int(r[4]), r[5], int(r[6]))
            for r in rows
        }

    def earliest_touch(self, issuer: str, after_seq: int, upto_seq: int) -> str | None:
        found = self._all(
            "SELECT MIN(min_date) FROM appends WHERE issuer = ? AND last_seq > ? "
            "AND first_seq <= ?",
            [issuer, after_seq, upto_seq],
        )
        return found[0][0] if found and found[0][0] is not None else None

    # --- checkpoints -------------------------------------------------------------------------

    def checkpoint_heads(
        self, issuer: str
    ) -> list[tuple[str, int, str | None, int | None, int, int]]:
        rows = self._all(
            "SELECT through, built_seq, previous, previous_seq, counted, format FROM checkpoints "
            "WHERE issuer = ? ORDER BY through, built_seq",
            [issuer],
        )
        return [
            (t, int(b), p, int(ps) if ps is not None else None, int(c), int(f))
            for t, b, p, ps, c, f in rows
        ]

    def issuer_events(self, issuer: str) -> int:
        """How many events of the issuer the log holds."""
        found = self._all("SELECT SUM(events) FROM appends WHERE issuer = ?", [issuer])
        return int(found[0][0] or 0) if found else 0

    def checkpoint(self, issuer: str, through: str, built_seq: int) -> CheckpointRow | None:
        rows = self._all(
            "SELECT issuer, through, built_seq, previous, previous_seq, counted, state, changes, "
            "format FROM checkpoints WHERE issuer = ? AND through = ? AND built_seq = ?",
            [issuer, through, built_seq],
        )
        if not rows:
            return None
        i, t, b, p, ps, c, state, changes, f = rows[0]
        previous_seq = int(ps) if ps is not None else None
        return CheckpointRow(
            i, t, int(b), p, previous_seq, int(c), bytes(state), bytes(changes), int(f)
        )

    def drop_checkpoint(self, issuer: str, through: str, built_seq: int) -> None:
        self._all_no_result(
            "DELETE FROM checkpoints WHERE issuer = ? AND through = ? AND built_seq = ?",
            [issuer, through, built_seq],
        )

    def insert_checkpoints(self, rows: Sequence[CheckpointRow]) -> None:
        self._insert("checkpoints", CheckpointRow._fields, rows)

    def drop_checkpoints(self, issuer: str | None = None) -> None:
        if issuer is None:
            self.conn.exec_driver_sql("DELETE FROM checkpoints")
        else:
            self._all_no_result("DELETE FROM checkpoints WHERE issuer = ?", [issuer])

    def clear_projections(self) -> None:
        for table in ("positions", "facts", "balances", "appends", "checkpoints"):
            self.conn.exec_driver_sql(f"DELETE FROM {table}")

    def _all_no_result(self, sql: str, params: Sequence[Any]) -> None:
        self.conn.exec_driver_sql(sql.replace("?", self.p), tuple(params))
