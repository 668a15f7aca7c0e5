"""Checking the derived tables against the log: `owl verify` keeps a copy of each as stored,
writes them again from the log in the same transaction (rolled back), and compares.
"""

from __future__ import annotations

from typing import NamedTuple

from owl.ledger.store import Sql

DERIVED = ("positions", "facts", "balances", "appends")


def keep_copies(db: Sql) -> None:
    """Copy every derived table as it is stored, in this transaction only (temporary tables),
    before they are written again from the log."""
    for table in (*DERIVED, "checkpoints"):
        db.execute(f"CREATE TEMPORARY TABLE owl_was_{table} AS SELECT * FROM {table}")


class Difference(NamedTuple):
    """The first row where a stored derived table differs from what the log implies."""

    table: str
    how: str  # "stored" (a row the log does not imply) or "missing" (one it implies, not stored)
    row: tuple[object, ...]


def first_difference(db: Sql) -> Difference | None:
    """Compare each derived table kept by `keep_copies` with the same table written again from
    the log; a checkpoint is compared where both have it (the log implies one at each interval
    a build reaches; one taken elsewhere is checked by the fold that reads it)."""
    for table in DERIVED:
        for how, first, second in (("stored", f"owl_was_{table}", table),
                                   ("missing", table, f"owl_was_{table}")):  # fmt: skip
            found = db.rows(f"SELECT * FROM {first} EXCEPT SELECT * FROM {second} LIMIT 1")
            if found:
                return Difference(table, how, tuple(found[0]))
    found = db.rows(
        "SELECT w.issuer, w.through, w.built_seq FROM owl_was_checkpoints w JOIN checkpoints c "
        "ON c.issuer = w.issuer AND c.through = w.through AND c.built_seq = w.built_seq "
        "WHERE w.state <> c.state OR w.counted <> c.counted OR w.format <> c.format "
        "OR w.watch <> c.watch OR (w.watch IS NULL) <> (c.watch IS NULL) "
        # Changes are since the chain's checkpoint before: compared where both chains step from
        # the same one (an append and a rebuild may cut the history at other dates, each right).
        "OR ((w.changes <> c.changes OR w.watch_new <> c.watch_new "
        "OR (w.watch_new IS NULL) <> (c.watch_new IS NULL)) "
        "AND COALESCE(w.previous, '') = COALESCE(c.previous, '') "
        "AND COALESCE(w.previous_seq, -1) = COALESCE(c.previous_seq, -1)) "
        "ORDER BY w.issuer, w.through, w.built_seq LIMIT 1"
    )
    if found:
        return Difference("checkpoints", "stored", tuple(found[0]))
    return None


def checkpoints_compared(db: Sql) -> tuple[int, int]:
    """(checkpoints stored, of which the rebuild from the log recomputed the same key)."""
    stored = db.rows("SELECT COUNT(*) FROM owl_was_checkpoints")[0][0]
    common = db.rows(
        "SELECT COUNT(*) FROM owl_was_checkpoints w JOIN checkpoints c ON c.issuer = w.issuer "
        "AND c.through = w.through AND c.built_seq = w.built_seq"
    )[0][0]
    return int(stored), int(common)
