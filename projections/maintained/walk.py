"""The walk: an account's changes replayed from the earliest place a batch touched.

When an event lands before what its account already has (backdated, out of order in the batch,
a void, a split before later events), what each later split and adopted or opening report adds
may change. The walk reads the account's position rows back in replay order from that place,
recomputes each split and report by the rules (`owl.projections.domain.rules`), writes a
correction row where one now adds something else, and reports every place the account goes
below zero to the maintainer's `Shortfall` (when it checks).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from owl.ledger.events import StockSplit
from owl.ledger.shares import Amount
from owl.ledger.store import Writer
from owl.projections.domain.rules import SPLIT, TAKEN, Account, report_adds, split_adds
from owl.projections.maintained import tables
from owl.projections.maintained.facts import live_facts
from owl.projections.maintained.tables import VOID, PositionRow
from owl.projections.maintained.work import ALL, IssuerWork, Place

# (writer, issuer, seq, date, holder, held, needed): an account short of what a change takes
Shortfall = Callable[[Writer, str, int, str, str, Amount, Amount], None]


class Walk:
    """Replays the walked accounts' changes from the earliest point touched: recomputes what
    each split and adopted or opening report adds, writes corrections, and finds shortfalls."""

    def __init__(
        self, writer: Writer, work: IssuerWork, run_seq: int, shortfall: Shortfall | None
    ) -> None:
        self.w, self.work, self.run_seq, self.shortfall = writer, work, run_seq, shortfall

    def run(self) -> None:
        work, writer = self.work, self.w
        start = min([*work.walk.values(), *work.walk_all.values()])
        if work.walk_all:
            work.load_all(writer)
        accounts = set(work.walk) | {k for k in work.balances if k[1] in work.walk_all}
        after = tables.sums_from(writer, work.name, *start)
        position = {k: work.balance(writer, k).position - after.get(k, 0) for k in accounts}
        facts = tables.facts(writer, work.name, upto_seq=ALL)
        voided = {f.target_seq for f in facts if f.type == VOID}
        splits: list[tuple[Place, StockSplit]] = sorted(
            ((f.effective_date, f.seq), ev)
            for f, ev in live_facts(facts)
            if isinstance(ev, StockSplit) and (f.effective_date, f.seq) >= start
        )
        pending: dict[Place, dict[Account, tuple[Amount, int]]] = {}
        for (at, owner), stated in work.pending.items():
            pending.setdefault(at, {})[owner] = stated
        corrections: list[PositionRow] = []
        holders = None if work.walk_all else {k[0] for k in accounts}
        rows = tables.position_rows(writer, work.name, start[0], holders)
        groups = by_place(r for r in rows if (r.effective_date, r.seq) >= start)
        for point, found, split, reports in merge(groups, splits, pending):
            if point[1] in voided:
                continue
            if split is not None:
                cls = split.security or ""
                for key in accounts:
                    if key[1] != cls:
                        continue
                    have = sum(r.delta for r in found.get(key, ()) if r.kind == SPLIT)
                    want = split_adds(position[key], split.numerator, split.denominator)
                    self._correct(corrections, point, key, want - have, SPLIT, None)
                    position[key] += want
                continue
            for key, here in found.items():
                if key not in position:
                    continue
                report = next((r for r in here if r.kind in TAKEN), None)
                if report is not None:
                    assert report.target is not None
                    have = sum(r.delta for r in here)
                    want = report_adds(position[key], report.target, report.kind)
                    self._correct(corrections, point, key, want - have, report.kind,
                                  report.target)  # fmt: skip
                    position[key] += want
                    continue
                net = sum(r.delta for r in here)
                position[key] += net
                if net < 0 and position[key] < 0 and self.shortfall is not None:
                    self.shortfall(writer, work.name, point[1], point[0], key[0],
                                   position[key] - net, -net)  # fmt: skip
            for key, (target, kind) in reports.items():
                if key in position:
                    # Written even when it adds nothing: its row is what later walks find. It
                    # is the report's own row, not a correction: it counts from the report's
                    # seq, as the row an append settles at once (`Maintainer._report`) does
                    # (one run is recorded at one instant, so no view tells the two apart, but
                    # the rows must be the same for `owl verify` to compare them with a rebuild)
                    want = report_adds(position[key], target, kind)
                    self._correct(corrections, point, key, want, kind, target, always=True,
                                  rec_seq=point[1])  # fmt: skip
                    position[key] += want
        tables.add_positions(writer, corrections)
        for key in accounts:
            work.balance(writer, key).position = position[key]

    def _correct(
        self,
        out: list[PositionRow],
        point: Place,
        key: Account,
        delta: Amount,
        kind: int,
        target: Amount | None,
        always: bool = False,
        rec_seq: int | None = None,
    ) -> None:
        if delta or always:
            name = self.work.name
            counts_from = self.run_seq if rec_seq is None else rec_seq
            out.append(
                PositionRow(name, point[0], point[1], *key, counts_from, delta, kind, target)
            )


RowsOf = dict[Account, list[PositionRow]]  # the position rows of one place, by account


def by_place(rows: Iterator[PositionRow]) -> Iterator[tuple[Place, RowsOf]]:
    current: Place | None = None
    found: RowsOf = {}
    for row in rows:
        point = (row.effective_date, row.seq)
        if point != current:
            if current is not None:
                yield current, found
            current, found = point, {}
        found.setdefault((row.holder, row.security, row.nature), []).append(row)
    if current is not None:
        yield current, found


def merge(
    groups: Iterator[tuple[Place, RowsOf]],
    splits: list[tuple[Place, StockSplit]],
    pending: dict[Place, dict[Account, tuple[Amount, int]]],
) -> Iterator[tuple[Place, RowsOf, StockSplit | None, dict[Account, tuple[Amount, int]]]]:
    """Every point in replay order: its rows, the split made there (if any), and the adopted or
    opening reports of this run there that have no row yet."""
    extra = sorted({*(p for p, _ in splits), *pending})
    split_at = dict(splits)
    group = next(groups, None)
    i = 0
    while group is not None or i < len(extra):
        if group is not None and (i >= len(extra) or group[0] <= extra[i]):
            point, found = group
            group = next(groups, None)
            if i < len(extra) and extra[i] == point:
                i += 1
        else:
            point, found = extra[i], {}
            i += 1
        yield point, found, split_at.get(point), pending.get(point, {})
