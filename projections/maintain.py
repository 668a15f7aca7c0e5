"""The projections kept beside the log, in the append's own transaction, and the append's check.

For every new event: its position changes (`positions`), its row in `facts` when it is not a plain
trade, and each holder's running `balance`. An event dated after everything the holder (and the
issuer's splits) already has is the common case and is settled at once: its rows are final and a
sale is checked against the balance. An event that lands earlier (backdated, out of order in the
batch, a void, a split before later events) changes what the splits and adopted reports after it
add; such holders are *walked* at the end of the run: their changes are read back in replay order
from the earliest point touched, every split and adoption is recomputed, and a correction row is
written where it now adds something else. Corrections and reversals carry `rec_seq` = the run's
last seq, so views known before the run still see the old figures and views after see the new:
bitemporal by construction (see docs/rules.md, "Maintained projections").

The check refuses the whole batch (`InvalidEvents`, every problem with its line) when a sale,
transfer or repurchase would take more shares than the holder (or the float) has, on its date or
on any later date, or when a holding is recorded in the name of a group's label. A problem that
was already in the log before the batch is not the batch's fault; one the batch causes in an
event already in the log is blamed on the batch's event that caused it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from ledger.append import Appended, Run
from ledger.errors import InvalidEvents, Problem
from ledger.events import (
    AffiliationFormed,
    AnyEvent,
    EventVoided,
    HoldingReported,
    OutstandingReported,
    SharesIssued,
    SharesPurchased,
    SharesRepurchased,
    SharesSold,
    SharesTransferred,
    StockSplit,
    canonical_payload,
    event_from_payload,
    involved,
)
from ledger.store import AppendRow, Balance, FactRow, PositionRow, Writer
from projections.ownership import live_facts
from projections.positions import ADOPT, MOVE, OUTSTANDING, SPLIT, moves_of, split_adds

TRADES = (SharesPurchased, SharesSold, SharesTransferred)
CAPITAL = ("OutstandingReported", "SharesIssued", "SharesRepurchased", "StockSplit")
Point = tuple[str, int]  # (effective_date, seq): the replay order
LineOf = Callable[[int], tuple[int | None, str | None]]
_NOWHERE: Point = ("", 0)
_ALL = 2**62  # a seq beyond any: every row


class _Balance:
    __slots__ = ("last", "position")

    def __init__(self, position: int, last: Point) -> None:
        self.position = position
        self.last = last


@dataclass
class _Issuer:
    """What the batch has done to one issuer so far."""

    name: str
    balances: dict[str, _Balance] = field(default_factory=dict)
    all_loaded: bool = False
    last_split: Point = _NOWHERE
    walk: dict[str, Point] = field(default_factory=dict)  # holder -> earliest point touched
    walk_all: Point | None = None  # a split (or its void) before later events: everyone
    pending_adopts: dict[tuple[str, int, str], int] = field(default_factory=dict)
    culprits: dict[str, list[tuple[Point, int]]] = field(default_factory=dict)
    named: set[str] = field(default_factory=set)  # every holder the batch names
    void_culprits: list[tuple[Point, int]] = field(default_factory=list)
    split_culprits: list[tuple[Point, int]] = field(default_factory=list)
    # Shortfalls found at once, withdrawn if a walk later covers them (it finds them again).
    provisional: dict[str, list[tuple[Point, int, int]]] = field(default_factory=dict)
    capital: bool = False
    run_min: str | None = None
    run_max: str | None = None
    run_events: int = 0


class Maintainer:
    """Maintains the projections for one append (or a rebuild, which checks nothing)."""

    def __init__(self, line_of: LineOf | None = None, check: bool = True) -> None:
        self.line_of = line_of or (lambda seq: (None, None))
        self.check = check
        self.start_seq = 0
        self.issuers: dict[str, _Issuer] = {}
        self.problems: list[Problem] = []

    # --- chunks ------------------------------------------------------------------------------

    def chunk(self, writer: Writer, appended: Sequence[Appended], start_seq: int) -> None:
        self.start_seq = start_seq
        rows: list[PositionRow] = []
        facts: list[FactRow] = []
        self._preload(writer, appended)
        for item in appended:
            record = item.record
            ev = record.event
            seq = record.seq
            work = self._issuer(writer, ev.issuer)
            eff = ev.effective_date.isoformat()
            point = (eff, seq)
            self._note(work, eff)
            moves = moves_of(ev)
            if moves:
                work.named.update(holder for holder, _ in moves)
                net: dict[str, int] = {}
                for holder, delta in moves:
                    net[holder] = net.get(holder, 0) + delta
                for holder, delta in net.items():
                    rows.append(PositionRow(work.name, eff, seq, holder, seq, delta, MOVE, None))
                    self._move(writer, work, holder, point, delta, seq)
            if isinstance(ev, TRADES):
                continue
            if isinstance(ev, EventVoided):
                continue  # written when its run ends, with its target
            facts.append(_fact(ev, eff, seq, None))
            if ev.type in CAPITAL:
                work.capital = True
                work.culprits.setdefault(OUTSTANDING, []).append((point, seq))
            if isinstance(ev, StockSplit):
                self._split(writer, work, point, ev.numerator, ev.denominator, rows)
            elif isinstance(ev, HoldingReported):
                work.named.add(ev.holder)
                if ev.adopt:
                    self._adopt(writer, work, ev.holder, point, ev.shares, rows)
        writer.insert_positions(rows)
        writer.insert_facts(facts)

    def _issuer(self, writer: Writer, issuer: str) -> _Issuer:
        work = self.issuers.get(issuer)
        if work is None:
            work = self.issuers[issuer] = _Issuer(issuer)
            splits = [
                (f.effective_date, f.seq)
                for f in _live(writer.facts(issuer, upto_seq=self.start_seq))
                if f.type == "StockSplit"
            ]
            work.last_split = max(splits, default=_NOWHERE)
        return work

    def _preload(self, writer: Writer, appended: Sequence[Appended]) -> None:
        """Read, in one query per issuer, the balances of the chunk's holders not yet read."""
        wanted: dict[str, set[str]] = {}
        for item in appended:
            ev = item.record.event
            for holder, _ in moves_of(ev):
                wanted.setdefault(ev.issuer, set()).add(holder)
            if isinstance(ev, HoldingReported):
                wanted.setdefault(ev.issuer, set()).add(ev.holder)
        for issuer, holders in wanted.items():
            work = self._issuer(writer, issuer)
            missing = holders - work.balances.keys()
            if work.all_loaded or not missing:
                continue
            stored = writer.balances(issuer, missing)
            for holder in missing:
                found = stored.get(holder)
                work.balances[holder] = (
                    _Balance(found.position, (found.last_date, found.last_seq))
                    if found
                    else _Balance(0, _NOWHERE)
                )

    @staticmethod
    def _note(work: _Issuer, eff: str) -> None:
        work.run_events += 1
        if work.run_min is None or eff < work.run_min:
            work.run_min = eff
        if work.run_max is None or eff > work.run_max:
            work.run_max = eff

    def _balance(self, writer: Writer, work: _Issuer, holder: str) -> _Balance:
        found = work.balances.get(holder)
        if found is None:
            stored = None if work.all_loaded else writer.balances(work.name, [holder]).get(holder)
            last = (stored.last_date, stored.last_seq) if stored else _NOWHERE
            found = work.balances[holder] = _Balance(stored.position if stored else 0, last)
        return found

    def _load_all(self, writer: Writer, work: _Issuer) -> None:
        if work.all_loaded:
            return
        for holder, stored in writer.balances(work.name).items():
            if holder not in work.balances:
                work.balances[holder] = _Balance(
                    stored.position, (stored.last_date, stored.last_seq)
                )
        work.all_loaded = True

    def _move(
        self, writer: Writer, work: _Issuer, holder: str, point: Point, delta: int, seq: int
    ) -> None:
        balance = self._balance(writer, work, holder)
        balance.position += delta  # a balance is always the sum of the holder's rows
        fast = work.walk_all is None and holder not in work.walk
        if fast and point > balance.last and point > work.last_split:
            balance.last = point
            if delta < 0 and balance.position < 0 and self.check:
                held = balance.position - delta
                work.provisional.setdefault(holder, []).append((point, held, -delta))
            return
        _walk_from(work, holder, point)
        work.culprits.setdefault(holder, []).append((point, seq))
        balance.last = max(balance.last, point)

    def _split(
        self,
        writer: Writer,
        work: _Issuer,
        point: Point,
        numerator: int,
        denominator: int,
        rows: list[PositionRow],
    ) -> None:
        self._load_all(writer, work)
        latest = max((b.last for b in work.balances.values()), default=_NOWHERE)
        if work.walk_all is None and not work.walk and point > latest and point > work.last_split:
            eff, seq = point
            for holder, balance in work.balances.items():
                added = split_adds(balance.position, numerator, denominator)
                if added:
                    rows.append(PositionRow(work.name, eff, seq, holder, seq, added, SPLIT, None))
                    balance.position += added
                    balance.last = point
        else:
            work.walk_all = min(work.walk_all or point, point)
            _withdraw(work, point)
            work.split_culprits.append((point, point[1]))
        work.last_split = max(work.last_split, point)

    def _adopt(
        self,
        writer: Writer,
        work: _Issuer,
        holder: str,
        point: Point,
        target: int,
        rows: list[PositionRow],
    ) -> None:
        balance = self._balance(writer, work, holder)
        fast = work.walk_all is None and holder not in work.walk
        if fast and point > balance.last and point > work.last_split:
            eff, seq = point
            added = target - balance.position
            rows.append(PositionRow(work.name, eff, seq, holder, seq, added, ADOPT, target))
            balance.position = target
            balance.last = point
            return
        # Settled by the walk at the end of the run, which knows the position before it.
        work.pending_adopts[(point[0], point[1], holder)] = target
        _walk_from(work, holder, point)
        work.culprits.setdefault(holder, []).append((point, point[1]))
        balance.last = max(balance.last, point)

    # --- runs --------------------------------------------------------------------------------

    def run_ended(self, writer: Writer, run: Run) -> None:
        work = self._issuer(writer, run.issuer)
        facts: list[FactRow] = []
        for void in run.voids:
            reversals: list[PositionRow] = []
            seq = void.appended.record.seq
            ev = void.appended.record.event
            facts.append(_fact(ev, ev.effective_date.isoformat(), seq, void.target_seq))
            point = (void.target_date, void.target_seq)
            work.run_min = min(work.run_min or void.target_date, void.target_date)
            work.void_culprits.append((point, seq))
            if void.target_type in CAPITAL:
                work.capital = True
            if void.target_type == "StockSplit":
                work.walk_all = min(work.walk_all or point, point)
                _withdraw(work, point)
            net: dict[tuple[str, int], tuple[int, int | None]] = {}
            for row in writer.rows_of_event(run.issuer, void.target_date, void.target_seq):
                total, _ = net.get((row.holder, row.kind), (0, None))
                net[(row.holder, row.kind)] = (total + row.delta, row.target)
            for (holder, kind), (total, target) in net.items():
                if total:
                    reversals.append(
                        PositionRow(
                            run.issuer,
                            void.target_date,
                            void.target_seq,
                            holder,
                            seq,
                            -total,
                            kind,
                            target,
                        )
                    )
                    self._balance(writer, work, holder).position -= total
                _walk_from(work, holder, point)
            # Written at once: a second void of the same event finds nothing left to reverse.
            writer.add_positions(reversals)
        writer.insert_facts(facts)
        if work.walk or work.walk_all is not None:
            _Walk(self, writer, work, run.last_seq).run()
            work.walk, work.walk_all, work.pending_adopts = {}, None, {}
        if work.run_events or run.voids:
            writer.insert_appends(
                [
                    AppendRow(
                        run.issuer,
                        run.first_seq,
                        run.last_seq,
                        run.recorded_at,
                        work.run_min or run.recorded_at[:10],
                        work.run_max or work.run_min or run.recorded_at[:10],
                        work.run_events,
                    )
                ]
            )
        work.run_min = work.run_max = None
        work.run_events = 0

    def touched(self) -> list[str]:
        """The issuers this append changed."""
        return sorted(self.issuers)

    # --- the end -----------------------------------------------------------------------------

    def finish(self, writer: Writer) -> None:
        for work in self.issuers.values():
            for holder, found in work.provisional.items():
                for (when, seq), held, needed in found:
                    self._shortfall(writer, work.name, seq, when, holder, held, needed)
            writer.put_balances(
                [
                    Balance(work.name, holder, b.position, b.last[0], b.last[1])
                    for holder, b in work.balances.items()
                    if b.last != _NOWHERE
                ]
            )
            if self.check:
                self._labels(writer, work)
                if work.capital:
                    self._float(writer, work)
        if self.check and self.problems:
            unique = list(dict.fromkeys(self.problems))
            raise InvalidEvents(sorted(unique, key=lambda p: (p.origin or "", p.line or 0)))

    def _labels(self, writer: Writer, work: _Issuer) -> None:
        """A holding recorded in the name of a group's label is refused: holdings belong to
        the group's members."""
        labels = set()
        for fact in writer.facts(work.name, upto_seq=_ALL):
            if fact.type == "AffiliationFormed":
                ev = _event(fact)
                if isinstance(ev, AffiliationFormed) and ev.group:
                    labels.add(ev.group)
        if not labels & work.named:
            return
        reason = "'{}' is a group's label; holdings belong to its members (each share has one "
        reason += "record holder)"
        named = sorted(labels & work.named)
        for seq, holder in writer.named_after(work.name, named, self.start_seq):
            line, origin = self.line_of(seq)
            self.problems.append(Problem(line, "holder", reason.format(holder), origin))

    def _float(self, writer: Writer, work: _Issuer) -> None:
        """A repurchase larger than the shares outstanding (the float) is a shortfall too."""
        outstanding: int | None = None
        for fact, ev in live_facts(writer.facts(work.name, upto_seq=_ALL)):
            if isinstance(ev, OutstandingReported):
                outstanding = ev.shares
            elif outstanding is None:
                continue
            elif isinstance(ev, StockSplit):
                outstanding = outstanding * ev.numerator // ev.denominator
            elif isinstance(ev, SharesIssued):
                outstanding += ev.shares
            elif isinstance(ev, SharesRepurchased):
                if ev.shares > outstanding:
                    self._shortfall(
                        writer,
                        work.name, fact.seq, fact.effective_date, OUTSTANDING, outstanding,
                        ev.shares,
                    )  # fmt: skip
                outstanding -= ev.shares

    def _shortfall(
        self,
        writer: Writer,
        issuer: str,
        seq: int,
        when: str,
        holder: str,
        held: int,
        needed: int,
    ) -> None:
        record = writer.events_by_seq([seq])[seq]
        if seq > self.start_seq:
            line, origin = self.line_of(seq)
            reason = _refusal(record.event.type, holder, when, held, needed)
            self.problems.append(Problem(line, "shares", reason, origin))
            return
        work = self.issuers[issuer]
        point = (when, seq)
        candidates = [c for c in work.culprits.get(holder, []) if c[0] <= point]
        splits = [c for c in work.split_culprits if c[0] <= point]
        if candidates:
            field_name, culprit = "shares", max(candidates)[1]
        elif splits:
            field_name, culprit = "numerator", max(splits)[1]
        elif work.void_culprits:
            field_name, culprit = "voids", work.void_culprits[0][1]
        else:
            return  # already so before this batch: not its fault
        line, origin = self.line_of(culprit)
        reason = (
            f"this would leave {holder} with {held:,} shares on {when}, short of the "
            f"{needed:,} taken then by seq {seq} ({record.event_id}), already in the log"
        )
        self.problems.append(Problem(line, field_name, reason, origin))


_VERB = {
    "SharesSold": "sell {:,}",
    "SharesTransferred": "transfer {:,}",
    "SharesRepurchased": "sell {:,} back to the company",
}


def _refusal(kind: str, holder: str, when: str, held: int, needed: int) -> str:
    if holder == OUTSTANDING:
        return f"only {held:,} shares are outstanding on {when}; cannot repurchase {needed:,}"
    action = _VERB.get(kind, "give up {:,}").format(needed)
    return f"{holder} holds {held:,} shares on {when}; cannot {action}"


def _walk_from(work: _Issuer, holder: str, point: Point) -> None:
    """Mark a holder to be walked from `point`; a shortfall found at once at or after it is
    withdrawn (the walk finds it again if it still is one)."""
    work.walk[holder] = min(work.walk.get(holder, point), point)
    _withdraw(work, point, holder)


def _withdraw(work: _Issuer, point: Point, holder: str | None = None) -> None:
    """Withdraw the shortfalls found at once at or after `point` (of one holder, or all)."""
    for name in [holder] if holder is not None else list(work.provisional):
        found = work.provisional.get(name)
        if found:
            work.provisional[name] = [f for f in found if f[0] < point]


def _fact(ev: AnyEvent, eff: str, seq: int, target: int | None) -> FactRow:
    names = involved(ev)
    return FactRow(
        ev.issuer,
        eff,
        seq,
        ev.type,
        names[0] if names else None,
        names[1] if len(names) > 1 else None,
        target,
        canonical_payload(ev),
    )


def _event(fact: FactRow) -> AnyEvent:
    return event_from_payload(fact.payload, f"seq:{fact.seq}")


class _LiveFact:
    """A fact that no void (known to the read) removes, with its event decoded on demand."""

    __slots__ = ("effective_date", "row", "seq", "type")

    def __init__(self, row: FactRow) -> None:
        self.row = row
        self.type = row.type
        self.seq = row.seq
        self.effective_date = row.effective_date

    def event(self) -> object:
        return _event(self.row)


def _live(facts: list[FactRow]) -> Iterator[_LiveFact]:
    voided = {f.target_seq for f in facts if f.type == "EventVoided"}
    for fact in facts:
        if fact.type != "EventVoided" and fact.seq not in voided:
            yield _LiveFact(fact)


class _Walk:
    """Replays the walked holders' changes from the earliest point touched: recomputes what each
    split and adopted report adds, writes corrections, and finds shortfalls."""

    def __init__(self, owner: Maintainer, writer: Writer, work: _Issuer, run_seq: int) -> None:
        self.owner, self.w, self.work, self.run_seq = owner, writer, work, run_seq

    def run(self) -> None:
        work, w = self.work, self.w
        points = list(work.walk.values()) + ([work.walk_all] if work.walk_all else [])
        start = min(points)
        everyone = work.walk_all is not None
        if everyone:
            self.owner._load_all(w, work)
        holders = set(work.balances) if everyone else set(work.walk)
        after = w.sums_from(work.name, *start)
        position = {h: self.owner._balance(w, work, h).position - after.get(h, 0) for h in holders}
        facts = w.facts(work.name, upto_seq=_ALL)
        voided = {f.target_seq for f in facts if f.type == "EventVoided"}
        splits = sorted(
            ((f.effective_date, f.seq), f.event())
            for f in _live(facts)
            if f.type == "StockSplit" and (f.effective_date, f.seq) >= start
        )
        pending: dict[Point, dict[str, int]] = {}
        for (eff, seq, holder), target in work.pending_adopts.items():
            pending.setdefault((eff, seq), {})[holder] = target
        corrections: list[PositionRow] = []
        rows = w.position_rows(work.name, start[0], None if everyone else holders)
        groups = _by_point(r for r in rows if (r.effective_date, r.seq) >= start)
        merged = _merge(groups, splits, pending)
        for point, found, split, adopts in merged:
            if point[1] in voided:
                continue
            if split is not None:
                for holder in holders:
                    have = sum(r.delta for r in found.get(holder, ()) if r.kind == SPLIT)
                    want = split_adds(position[holder], split.numerator, split.denominator)  # type: ignore[attr-defined]
                    self._correct(corrections, point, holder, want - have, SPLIT, None)
                    position[holder] += want
                continue
            for holder, rows_here in found.items():
                if holder not in position:
                    continue
                kinds = {r.kind for r in rows_here}
                if ADOPT in kinds:
                    target = next(r.target for r in rows_here if r.target is not None)
                    have = sum(r.delta for r in rows_here)
                    self._correct(corrections, point, holder, target - position[holder] - have,
                                  ADOPT, target)  # fmt: skip
                    position[holder] = target
                else:
                    net = sum(r.delta for r in rows_here)
                    position[holder] += net
                    if net < 0 and position[holder] < 0 and self.owner.check:
                        self.owner._shortfall(w, work.name, point[1], point[0], holder,
                                              position[holder] - net, -net)  # fmt: skip
            for holder, target in adopts.items():
                if holder in position:
                    # Written even when it adds nothing: its row is what later walks find.
                    self._correct(corrections, point, holder, target - position[holder], ADOPT,
                                  target, always=True)  # fmt: skip
                    position[holder] = target
        w.add_positions(corrections)
        for holder in holders:
            balance = self.owner._balance(w, work, holder)
            balance.position = position[holder]

    def _correct(
        self,
        out: list[PositionRow],
        point: Point,
        holder: str,
        delta: int,
        kind: int,
        target: int | None,
        always: bool = False,
    ) -> None:
        if delta or always:
            name = self.work.name
            out.append(
                PositionRow(name, point[0], point[1], holder, self.run_seq, delta, kind, target)
            )


def _by_point(rows: Iterator[PositionRow]) -> Iterator[tuple[Point, dict[str, list[PositionRow]]]]:
    current: Point | None = None
    found: dict[str, list[PositionRow]] = {}
    for row in rows:
        point = (row.effective_date, row.seq)
        if point != current:
            if current is not None:
                yield current, found
            current, found = point, {}
        found.setdefault(row.holder, []).append(row)
    if current is not None:
        yield current, found


def _merge(
    groups: Iterator[tuple[Point, dict[str, list[PositionRow]]]],
    splits: list[tuple[Point, object]],
    pending: dict[Point, dict[str, int]],
) -> Iterator[tuple[Point, dict[str, list[PositionRow]], object | None, dict[str, int]]]:
    """Every point in replay order: its rows, the split made there (if any), and the adopted
    reports of this run there that have no row yet."""
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
