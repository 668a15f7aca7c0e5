"""The tables maintained beside the log, and the SQL that reads and writes them.

Beside the log (`events`), in the same transaction as every append, the maintainer keeps:
per-account position changes (`positions`), the events other than plain trades (`facts`), each
account's current position (`balances`), one row per recording run of an issuer (`appends`, which
says what each append touched, by which a checkpoint is judged valid) and the fold's checkpoints
(`checkpoints`). All of it is derived: `owl rebuild` writes it again from the log. The SQL lives
here and goes through the store's narrow SQL port (`owl.ledger.store.Sql`: plain statements with
`?` parameters); the log store knows no event type and no table but its own. The tables are
created with the log's by the store (`owl.ledger.sql.schema`): one `owl init` makes a ledger.

A position row's `kind` is the rules' (`owl.projections.domain.rules`): MOVE, SPLIT, ADOPT (a
report taken as the position), OPENING (a report stating a position before any trade) or FOLLOW
(a filing's holding after a row, which the account follows). Amounts are stored as their whole
part and their millionths (`amounts`: fractional shares, exactly).
Longer than the ~300 lines STYLE.md asks: one function per statement on the five derived tables,
each a few lines of SQL, kept together so the tables' SQL has one home.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, NamedTuple

from owl.ledger.events import EventVoided, IssuerIdentified, PersonIdentified, event_from_payload
from owl.ledger.shares import Amount
from owl.ledger.store import Sql
from owl.projections.domain.rules import ADOPT, SPLIT
from owl.projections.maintained import amounts

VOID = EventVoided.__name__
IDENTIFIED = IssuerIdentified.__name__
PERSON = PersonIdentified.__name__
_BATCH = 2000  # keys per round trip when looking up many


class PositionRow(NamedTuple):
    """One change of one holder's record holding. `rec_seq` is the log position from which the
    change counts (the event's own seq; for a correction or a reversal, the seq of the run that
    made it), so a holding as known at an instant is the sum of the rows with `rec_seq` at or
    before the last seq recorded by then. `kind`: MOVE, SPLIT, ADOPT (an adopted report),
    OPENING (an opening report) or FOLLOW (a filing's holding after a row; the last three state
    the position: `target`)."""

    issuer: str
    effective_date: str
    seq: int
    holder: str
    security: str  # "" the common stock
    nature: str  # "" held directly
    rec_seq: int
    delta: Amount
    kind: int
    target: Amount | None


class FactRow(NamedTuple):
    """An event other than a plain trade, with the names it gives and (for a void) its target."""

    issuer: str
    effective_date: str
    seq: int
    type: str
    person: str | None
    other: str | None
    target_seq: int | None
    payload: str


class Balance(NamedTuple):
    """A holder's position over its whole known history, and the last point that changed it."""

    issuer: str
    holder: str
    security: str
    nature: str
    position: Amount
    last_date: str
    last_seq: int


class HolderSpan(NamedTuple):
    """When a holder's position in one class changed, as known at some seq: the first and last
    effective dates and the number of events that changed it (splits and voided events aside)."""

    holder: str
    security: str
    first_date: str
    last_date: str
    changes: int


class AppendRow(NamedTuple):
    """A run of one issuer's events recorded at one instant, and the earliest date it touched
    (a void touches its target's date): what a checkpoint's validity is judged by."""

    issuer: str
    first_seq: int
    last_seq: int
    recorded_at: str
    min_date: str
    max_date: str
    events: int


class CheckpointRow(NamedTuple):
    """The fold's state at the end of `through`, built from the issuer's events up to
    `built_seq`; `changes` are the timeline changes since the checkpoint it was folded from
    (`previous`, `previous_seq`: that one's `through` and `built_seq`; None for the first)."""

    issuer: str
    through: str
    built_seq: int
    previous: str | None
    previous_seq: int | None
    counted: int
    state: bytes
    changes: bytes
    format: int  # the codec's version: a checkpoint of another is ignored
    watch: bytes | None = None  # the obligations' watches as a whole (`maintained.watching`)
    watch_new: bytes | None = None  # ... and their lists' entries since `previous`


class IssuerSummary(NamedTuple):
    issuer: str
    events: int
    first_date: str
    last_date: str
    last_recorded_at: str


def projected_seq(db: Sql) -> int:
    found = db.rows("SELECT MAX(last_seq) FROM appends")
    return int(found[0][0]) if found and found[0][0] is not None else 0


def issuers(db: Sql) -> list[IssuerSummary]:
    rows = db.rows(
        "SELECT issuer, SUM(events), MIN(min_date), MAX(max_date), MAX(recorded_at) "
        "FROM appends GROUP BY issuer ORDER BY issuer"
    )
    return [IssuerSummary(i, int(n), a, b, r) for i, n, a, b, r in rows]


def identities(db: Sql) -> list[tuple[str, str, str | None]]:
    rows = db.rows(f"SELECT seq, payload FROM facts WHERE type = '{IDENTIFIED}' ORDER BY seq")
    found = []
    for seq, payload in rows:
        ev = event_from_payload(payload, f"seq:{seq}")
        assert isinstance(ev, IssuerIdentified)
        found.append((ev.issuer, ev.cik, ev.ticker or None))
    return found


def person_names(db: Sql) -> dict[str, str]:
    """The name each person's CIK is known by: the first it came with, in any issuer's filings."""
    found: dict[str, str] = {}
    rows = db.rows(f"SELECT seq, payload FROM facts WHERE type = '{PERSON}' ORDER BY seq")
    for seq, payload in rows:
        ev = event_from_payload(payload, f"seq:{seq}")
        assert isinstance(ev, PersonIdentified)
        found.setdefault(ev.cik, ev.person)
    return found


def known_seq(db: Sql, issuer: str, recorded_at: str | None) -> int:
    if recorded_at is None:
        found = db.rows("SELECT MAX(last_seq) FROM appends WHERE issuer = ?", [issuer])
    else:
        found = db.rows(
            "SELECT MAX(last_seq) FROM appends WHERE issuer = ? AND recorded_at <= ?",
            [issuer, recorded_at],
        )
    value = found[0][0] if found else None
    return int(value) if value is not None else 0


# A position row as stored: each amount as its whole part and its millionths (`amounts`).
_POSITION = ("issuer, effective_date, seq, holder, security, nature, rec_seq, delta, kind, "
             "target, delta_frac, target_frac")  # fmt: skip


def _stored(r: PositionRow) -> tuple[object, ...]:
    delta, delta_frac = amounts.split(r.delta)
    target, target_frac = amounts.split_or_none(r.target)
    return (*r[:7], delta, r.kind, target, delta_frac, target_frac)


def _position(row: Sequence[Any]) -> PositionRow:
    return PositionRow(row[0], row[1], row[2], row[3], row[4], row[5], row[6],
                       amounts.join(row[7], row[10]), row[8],
                       amounts.join_or_none(row[9], row[11]))  # fmt: skip


def insert_positions(db: Sql, rows: Sequence[PositionRow]) -> None:
    db.insert("positions", _POSITION.split(", "), [_stored(r) for r in rows])


def add_positions(db: Sql, rows: Sequence[PositionRow]) -> None:
    """Corrections and reversals: a row for the same change, holder, kind and `rec_seq` as
    one already written adds to it (both count from the same seq, so nothing is lost)."""
    if not rows:
        return
    sql = (
        f"INSERT INTO positions ({_POSITION}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON "
        "CONFLICT (issuer, effective_date, seq, holder, security, nature, rec_seq, kind) DO "
        "UPDATE SET delta = positions.delta + excluded.delta, "
        "delta_frac = positions.delta_frac + excluded.delta_frac"
    )
    db.execute_many(sql, [_stored(r) for r in rows])


def insert_facts(db: Sql, rows: Sequence[FactRow]) -> None:
    db.insert("facts", FactRow._fields, rows)


def insert_appends(db: Sql, rows: Sequence[AppendRow]) -> None:
    db.insert("appends", AppendRow._fields, rows)


def put_balances(db: Sql, rows: Sequence[Balance]) -> None:
    if not rows:
        return
    sql = (
        "INSERT INTO balances (issuer, holder, security, nature, position, last_date, "
        "last_seq, position_frac) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (issuer, holder, "
        "security, nature) DO UPDATE SET position = excluded.position, last_date = "
        "excluded.last_date, last_seq = excluded.last_seq, position_frac = "
        "excluded.position_frac"
    )
    db.execute_many(sql, [_balance_row(b) for b in rows])


def facts(db: Sql, issuer: str, upto_seq: int, through_date: str | None = None) -> list[FactRow]:
    params: list[Any] = [issuer, upto_seq]
    clause = ""
    if through_date is not None:
        clause = f" AND (effective_date <= ? OR type = '{VOID}')"
        params.append(through_date)
    rows = db.rows(
        "SELECT issuer, effective_date, seq, type, person, other, target_seq, payload "
        f"FROM facts WHERE issuer = ? AND seq <= ?{clause} ORDER BY effective_date, seq",
        params,
    )
    return [FactRow(*row) for row in rows]


def _balance_row(b: Balance) -> tuple[object, ...]:
    whole, millionths = amounts.split(b.position)
    return (*b[:4], whole, b.last_date, b.last_seq, millionths)


def holdings(
    db: Sql, issuer: str, through_date: str, upto_seq: int
) -> dict[tuple[str, str, str], Amount]:
    """Each account's shares: (holder, security, nature) -> shares, zeros left out."""
    rows = db.rows(
        "SELECT holder, security, nature, SUM(delta), SUM(delta_frac) FROM positions WHERE "
        "issuer = ? AND effective_date <= ? AND rec_seq <= ? GROUP BY holder, security, nature",
        [issuer, through_date, upto_seq],
    )
    found = {(h, s, n): amounts.join(total, frac) for h, s, n, total, frac in rows}
    return {key: total for key, total in found.items() if total}


def first_below_zero(
    db: Sql, issuer: str, holder: str, security: str, nature: str | None, through: str, upto: int
) -> tuple[str, int] | None:
    """(date, seq) of the event that first took an account (None nature: all) below zero."""
    where = "" if nature is None else " AND nature = ?"
    rows = db.rows(
        "SELECT effective_date, seq, SUM(delta), SUM(delta_frac) FROM positions WHERE "
        "issuer = ? AND holder = ? "
        f"AND security = ?{where} AND effective_date <= ? AND rec_seq <= ? "
        "GROUP BY effective_date, seq ORDER BY effective_date, seq",
        [issuer, holder, security, *([] if nature is None else [nature]), through, upto],
    )
    total: Amount = 0
    for day, seq, delta, frac in rows:
        total += amounts.join(delta, frac)
        if total < 0:
            return str(day), int(seq)
    return None


def holder_spans(db: Sql, issuer: str, through_date: str, upto_seq: int) -> list[HolderSpan]:
    rows = db.rows(
        "SELECT holder, security, MIN(effective_date), MAX(effective_date), "
        "COUNT(DISTINCT seq) FROM positions WHERE issuer = ? AND effective_date <= ? AND "
        f"rec_seq <= ? AND kind <> {SPLIT} AND seq NOT IN (SELECT target_seq FROM facts WHERE "
        f"issuer = ? AND type = '{VOID}' AND seq <= ? AND target_seq IS NOT NULL) "
        "GROUP BY holder, security ORDER BY holder, security",
        [issuer, through_date, upto_seq, issuer, upto_seq],
    )
    return [HolderSpan(h, s, a, b, int(n)) for h, s, a, b, n in rows]


def adopted(db: Sql, issuer: str, through_date: str, upto_seq: int) -> list[PositionRow]:
    """The adopted reports up to a date whose net change is not nothing: each one's net row
    (its `delta` is what the report changed; `target` what it stated)."""
    rows = db.rows(
        "SELECT issuer, effective_date, seq, holder, security, nature, MAX(rec_seq), "
        "SUM(delta), kind, MAX(target), SUM(delta_frac), MAX(target_frac) FROM positions "
        f"WHERE issuer = ? AND kind >= {ADOPT} AND "  # the taken kinds, as ix_positions_adopted
        "effective_date <= ? AND rec_seq <= ? GROUP BY issuer, effective_date, seq, holder, "
        "security, nature, kind HAVING SUM(delta) <> 0 OR SUM(delta_frac) <> 0 "
        "ORDER BY effective_date, seq",
        [issuer, through_date, upto_seq],
    )
    return [row for row in map(_position, rows) if row.delta]


def position_rows(
    db: Sql, issuer: str, from_date: str, holders: Iterable[str] | None
) -> Iterator[PositionRow]:
    wanted = None if holders is None else set(holders)
    rows = db.stream(
        f"SELECT {_POSITION} FROM positions WHERE issuer = ? AND effective_date >= ? "
        "ORDER BY effective_date, seq, holder, security, nature",
        [issuer, from_date],
    )
    for row in rows:
        if wanted is None or row[3] in wanted:
            yield _position(row)


def rows_of_event(db: Sql, issuer: str, effective_date: str, seq: int) -> list[PositionRow]:
    rows = db.rows(
        f"SELECT {_POSITION} FROM positions WHERE issuer = ? AND effective_date = ? AND seq = ?",
        [issuer, effective_date, seq],
    )
    return [_position(row) for row in rows]


def sums_from(
    db: Sql, issuer: str, effective_date: str, seq: int
) -> dict[tuple[str, str, str], Amount]:
    """Each account's total of the rows at or after the point (effective_date, seq)."""
    rows = db.rows(
        "SELECT holder, security, nature, SUM(delta), SUM(delta_frac) FROM positions WHERE "
        "issuer = ? AND effective_date >= ? AND NOT (effective_date = ? AND seq < ?) "
        "GROUP BY holder, security, nature",
        [issuer, effective_date, effective_date, seq],
    )
    return {(h, s, n): amounts.join(total, frac) for h, s, n, total, frac in rows}


def named_after(
    db: Sql, issuer: str, holders: Sequence[str], after_seq: int
) -> list[tuple[int, str]]:
    """(seq, holder) of the position changes and reports after `after_seq` in these names."""
    named, params = db.one_of("holder", holders)
    moved = db.rows(
        f"SELECT DISTINCT seq, holder FROM positions WHERE issuer = ? AND {named} AND seq > ?",
        [issuer, *params, after_seq],
    )
    return sorted({(int(s), h) for s, h in moved})


def naming(
    db: Sql, issuer: str, names: Iterable[str], through_date: str, upto_seq: int
) -> list[int]:
    listed = sorted(set(names))
    if not listed:
        return []
    holder, params = db.one_of("holder", listed)
    person, _ = db.one_of("person", listed)
    other, _ = db.one_of("other", listed)
    moved = db.rows(
        f"SELECT DISTINCT seq FROM positions WHERE issuer = ? AND {holder} "
        "AND effective_date <= ? AND rec_seq <= ? AND seq <= ?",
        [issuer, *params, through_date, upto_seq, upto_seq],
    )
    named = db.rows(
        f"SELECT seq FROM facts WHERE issuer = ? AND ({person} OR {other}) "
        "AND effective_date <= ? AND seq <= ?",
        [issuer, *params, *params, through_date, upto_seq],
    )
    return sorted({int(s) for (s,) in moved} | {int(s) for (s,) in named})


def classes(db: Sql, issuer: str) -> list[str]:
    """Every class an account of the issuer has ever been in ("": the common stock)."""
    return sorted({str(r[0]) for r in db.rows("SELECT DISTINCT security FROM balances "
                                             "WHERE issuer = ?", [issuer])})  # fmt: skip


def balances(
    db: Sql, issuer: str, accounts: Iterable[tuple[str, str, str]] | None = None
) -> dict[tuple[str, str, str], Balance]:
    columns = "issuer, holder, security, nature, position, last_date, last_seq, position_frac"
    if accounts is None:
        rows = db.rows(f"SELECT {columns} FROM balances WHERE issuer = ?", [issuer])
    else:
        wanted = set(accounts)
        holders = sorted({h for h, _, _ in wanted})
        rows = []
        for start in range(0, len(holders), _BATCH):
            where, params = db.one_of("holder", holders[start : start + _BATCH])
            rows += db.rows(
                f"SELECT {columns} FROM balances WHERE issuer = ? AND {where}",
                [issuer, *params],
            )
        rows = [r for r in rows if (r[1], r[2], r[3]) in wanted]
    return {
        (r[1], r[2], r[3]): Balance(
            r[0], r[1], r[2], r[3], amounts.join(r[4], r[7]), r[5], int(r[6])
        )
        for r in rows
    }


def earliest_touch(db: Sql, issuer: str, after_seq: int, upto_seq: int) -> str | None:
    found = db.rows(
        "SELECT MIN(min_date) FROM appends WHERE issuer = ? AND last_seq > ? AND first_seq <= ?",
        [issuer, after_seq, upto_seq],
    )
    return found[0][0] if found and found[0][0] is not None else None


def checkpoint_heads(
    db: Sql, issuer: str
) -> list[tuple[str, int, str | None, int | None, int, int]]:
    rows = db.rows(
        "SELECT through, built_seq, previous, previous_seq, counted, format FROM checkpoints "
        "WHERE issuer = ? ORDER BY through, built_seq",
        [issuer],
    )
    return [
        (t, int(b), p, int(ps) if ps is not None else None, int(c), int(f))
        for t, b, p, ps, c, f in rows
    ]


def issuer_events(db: Sql, issuer: str) -> int:
    """How many events of the issuer the log holds."""
    found = db.rows("SELECT SUM(events) FROM appends WHERE issuer = ?", [issuer])
    return int(found[0][0] or 0) if found else 0


def checkpoint(db: Sql, issuer: str, through: str, built_seq: int) -> CheckpointRow | None:
    """The checkpoint, or None when there is none or its digest does not match it (it was
    changed, or copied from another ledger, behind owl's back)."""
    rows = db.rows(
        "SELECT issuer, through, built_seq, previous, previous_seq, counted, state, changes, "
        "format, watch, watch_new, digest FROM checkpoints "
        "WHERE issuer = ? AND through = ? AND built_seq = ?",
        [issuer, through, built_seq],
    )
    if not rows:
        return None
    i, t, b, p, ps, c, state, changes, f, watch, new, digest = rows[0]
    previous_seq = int(ps) if ps is not None else None
    row = CheckpointRow(
        i, t, int(b), p, previous_seq, int(c), bytes(state), bytes(changes), int(f),
        bytes(watch) if watch is not None else None, bytes(new) if new is not None else None,
    )  # fmt: skip
    return row if digest == checkpoint_digest(db, row) else None


def checkpoint_digest(db: Sql, row: CheckpointRow) -> str:
    """SHA-256 of the chain hash at the row's `built_seq` and of every field of the row. Unkeyed:
    it catches a corrupt or edited row before a view trusts it, not a forger who recomputes it
    (`owl verify` recomputes every checkpoint from the log and catches that one)."""
    found = db.rows("SELECT hash FROM events WHERE seq = ?", [row.built_seq])
    digest = hashlib.sha256(str(found[0][0] if found else "").encode())
    for part in (*row[:6], row.format):
        digest.update(b"\x00" + str(part).encode())
    digest.update(b"\x00" + row.state + b"\x00" + row.changes)
    for blob in (row.watch, row.watch_new):  # None and empty differ
        digest.update(b"\x00-" if blob is None else b"\x00+" + blob)
    return digest.hexdigest()


def drop_checkpoint(db: Sql, issuer: str, through: str, built_seq: int) -> None:
    db.execute(
        "DELETE FROM checkpoints WHERE issuer = ? AND through = ? AND built_seq = ?",
        [issuer, through, built_seq],
    )


def insert_checkpoints(db: Sql, rows: Sequence[CheckpointRow]) -> None:
    digested = [(*r, checkpoint_digest(db, r)) for r in rows]
    db.insert("checkpoints", (*CheckpointRow._fields, "digest"), digested)


def drop_checkpoints(db: Sql, issuer: str | None = None) -> None:
    if issuer is None:
        db.execute("DELETE FROM checkpoints")
    else:
        db.execute("DELETE FROM checkpoints WHERE issuer = ?", [issuer])


def clear_projections(db: Sql) -> None:
    for table in ("positions", "facts", "balances", "appends", "checkpoints"):
        db.execute(f"DELETE FROM {table}")
