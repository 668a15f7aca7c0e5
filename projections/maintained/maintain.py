"""The projections kept beside the log, in the append's own transaction, and the append's check.

For every new event: its position changes (`positions`, one row per account changed: a holder's
shares of one class, held directly or in one way indirectly), its row in `facts` when it is not a
plain trade, and each account's running `balance`. An event dated after everything the account
(and its class's splits) already has is the common case and is settled at once: its rows are
final and a sale is checked against the balance. An event that lands earlier (backdated, out of
order in the batch, a void, a split before later events) changes what the splits and adopted or
opening reports after it add; such accounts are *walked* at the end of the run: their changes are
read back in replay order from the earliest point touched, every split and report is recomputed,
and a correction row is written where it now adds something else. Corrections and reversals carry
`rec_seq` = the run's last seq (a reversal, its void's seq), so views known before the run still
see the old figures and views after see the new: bitemporal by construction (docs/rules.md).

The check refuses the whole batch (`InvalidEvents`, every problem with its line) when a sale,
transfer or repurchase would take more shares than the account (or the float) has, on its date or
on any later date (a row of an SEC filing aside: a filing is evidence of what happened, and where
it disposes of more than the ledger knows, the account follows the holding it states, a break
naming the missing history), when a position is recorded in the name of a group's label, or when an
amendment removes an exemption by a name it was not granted to. A problem that
was already in the log before the batch is not the batch's fault; one the batch causes in an
event already in the log is blamed on the batch's event that caused it.

Longer than the ~300 lines STYLE.md asks: the position rows and the append's check are one pass
over each chunk; the walk (walk.py) and what an append has done to one issuer (work.py) are already
apart.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from owl.ledger.append import Appended, Run
from owl.ledger.errors import InvalidEvents, Problem
from owl.ledger.events import (
    BY_NAME,
    CAPITAL_NAMES,
    REPORTS,
    TRADES,
    AffiliationFormed,
    AnyEvent,
    EventVoided,
    HoldingReported,
    RemoveExemption,
    RightsAgreementAmended,
    SharesDisposed,
    SharesRepurchased,
    SharesSold,
    SharesTransferred,
    StockSplit,
    canonical_payload,
    event_from_payload,
    involved,
)
from owl.ledger.shares import Amount, norm
from owl.ledger.store import Writer
from owl.projections.domain.removals import refused_removals
from owl.projections.domain.rules import (
    MOVE,
    SPLIT,
    Account,
    Move,
    account,
    capital_change,
    may_oversell,
    moves,
    outstanding_after,
    report_adds,
    report_kind,
    split_adds,
)
from owl.projections.maintained import tables
from owl.projections.maintained.facts import live_facts
from owl.projections.maintained.following import Follow
from owl.projections.maintained.tables import AppendRow, Balance, FactRow, PositionRow
from owl.projections.maintained.walk import Walk
from owl.projections.maintained.work import (
    ALL,
    NOWHERE,
    IssuerWork,
    Place,
    Running,
    walk_from,
    withdraw,
)

OUTSTANDING = "(shares outstanding)"  # the "holder" of a repurchase larger than the float
LineOf = Callable[[int], tuple[int | None, str | None]]


class Maintainer:
    """Maintains the projections for one append (or a rebuild, which checks nothing)."""

    def __init__(
        self, line_of: LineOf | None = None, check: bool = True, follow: Follow | None = None
    ) -> None:
        self.line_of = line_of or (lambda seq: (None, None))
        self.check = check
        self.follow = follow  # checkpoints taken as the append goes (`maintained.following`)
        self.followed: set[str] = set()  # the issuers whose checkpoints it took
        self.start_seq = 0
        self.issuers: dict[str, IssuerWork] = {}
        self.problems: list[Problem] = []
        self.reporting: set[str] = set()  # issuers with a holding report in this append

    # --- chunks ------------------------------------------------------------------------------

    def chunk(self, writer: Writer, appended: Sequence[Appended], start_seq: int) -> None:
        self.start_seq = start_seq
        rows: list[PositionRow] = []
        facts: list[FactRow] = []
        self._preload(writer, appended)
        follow = self.follow
        for item in appended:
            ev = item.record.event
            seq = item.record.seq
            if follow is not None:
                follow.see(writer, item.record, item.payload)
            work = self._issuer(writer, ev.issuer)
            eff = ev.effective_date.isoformat()
            point = (eff, seq)
            self._note(work, eff)
            made = moves(ev)
            for key, delta, _ in made if len(made) < 2 else _net(made):
                work.named.add(key[0])
                rows.append(PositionRow(work.name, eff, seq, *key, seq, delta, MOVE, None))
                self._move(writer, work, key, point, delta, seq)
            if isinstance(ev, TRADES):
                continue
            if isinstance(ev, EventVoided):
                continue  # written when its run ends, with its target
            if isinstance(ev, REPORTS):
                self.reporting.add(work.name)
            facts.append(_fact(ev, eff, seq, None))
            if isinstance(ev, RightsAgreementAmended) and any(
                isinstance(c, RemoveExemption) for c in ev.changes
            ):
                work.removals = True
            if ev.type in CAPITAL_NAMES:
                work.capital = True
                work.culprits.setdefault(OUTSTANDING, []).append((point, seq))
            if isinstance(ev, StockSplit):
                self._split(writer, work, point, ev, rows)
            elif isinstance(ev, HoldingReported) and (kind := report_kind(ev)) is not None:
                work.named.add(ev.holder)
                key = account(ev.holder, ev.security, ev.nature)
                self._report(writer, work, key, point, ev.shares, kind, rows)
        tables.insert_positions(writer, rows)
        tables.insert_facts(writer, facts)

    def _issuer(self, writer: Writer, issuer: str) -> IssuerWork:
        work = self.issuers.get(issuer)
        if work is None:
            work = self.issuers[issuer] = IssuerWork(issuer)
            for fact, ev in live_facts(tables.facts(writer, issuer, upto_seq=self.start_seq)):
                if isinstance(ev, StockSplit):
                    cls = ev.security or ""
                    point = (fact.effective_date, fact.seq)
                    work.last_split[cls] = max(work.last_split.get(cls, NOWHERE), point)
        return work

    def _preload(self, writer: Writer, appended: Sequence[Appended]) -> None:
        """Read, in one query per issuer, the balances of the chunk's accounts not yet read."""
        wanted: dict[str, set[Account]] = {}
        for item in appended:
            ev = item.record.event
            for key, _, _ in moves(ev):
                wanted.setdefault(ev.issuer, set()).add(key)
            if isinstance(ev, HoldingReported):
                wanted.setdefault(ev.issuer, set()).add(account(ev.holder, ev.security, ev.nature))
        for issuer, accounts in wanted.items():
            work = self._issuer(writer, issuer)
            missing = accounts - work.balances.keys()
            if work.all_loaded or not missing:
                continue
            stored = tables.balances(writer, issuer, missing)
            for key in missing:
                found = stored.get(key)
                work.balances[key] = (
                    Running(found.position, (found.last_date, found.last_seq))
                    if found
                    else Running(0, NOWHERE)
                )

    @staticmethod
    def _note(work: IssuerWork, eff: str) -> None:
        work.run_events += 1
        if work.run_min is None or eff < work.run_min:
            work.run_min = eff
        if work.run_max is None or eff > work.run_max:
            work.run_max = eff

    def _move(
        self, writer: Writer, work: IssuerWork, key: Account, point: Place, delta: Amount, seq: int
    ) -> None:
        balance = work.balance(writer, key)
        balance.position += delta  # a balance is always the sum of the account's rows
        if work.settled(key, point, balance):
            balance.last = point
            if delta < 0 and balance.position < 0 and self.check:
                held = balance.position - delta
                work.provisional.setdefault(key, []).append((point, held, -delta))
            return
        walk_from(work, key, point)
        work.culprits.setdefault(key[0], []).append((point, seq))
        balance.last = max(balance.last, point)

    def _split(
        self,
        writer: Writer,
        work: IssuerWork,
        point: Place,
        ev: StockSplit,
        rows: list[PositionRow],
    ) -> None:
        cls = ev.security or ""
        work.load_all(writer)
        mine = {k: b for k, b in work.balances.items() if k[1] == cls}
        latest = max((b.last for b in mine.values()), default=NOWHERE)
        walking = cls in work.walk_all or any(k[1] == cls for k in work.walk)
        if not walking and point > latest and point > work.last_split.get(cls, NOWHERE):
            eff, seq = point
            for key, balance in mine.items():
                added = split_adds(balance.position, ev.numerator, ev.denominator)
                if added:
                    rows.append(PositionRow(work.name, eff, seq, *key, seq, added, SPLIT, None))
                    balance.position += added
                    balance.last = point
        else:
            work.walk_all[cls] = min(work.walk_all.get(cls, point), point)
            withdraw(work, point, cls=cls)
            work.split_culprits.append((point, point[1]))
        work.last_split[cls] = max(work.last_split.get(cls, NOWHERE), point)

    def _report(
        self,
        writer: Writer,
        work: IssuerWork,
        key: Account,
        point: Place,
        target: Amount,
        kind: int,
        rows: list[PositionRow],
    ) -> None:
        """An adopted (or opening) report sets the account's position."""
        balance = work.balance(writer, key)
        if work.settled(key, point, balance):
            eff, seq = point
            added = report_adds(balance.position, target, kind)
            rows.append(PositionRow(work.name, eff, seq, *key, seq, added, kind, target))
            balance.position += added
            balance.last = point
            return
        # Settled by the walk at the end of the run, which knows the position before it.
        work.pending[(point, key)] = (target, kind)
        walk_from(work, key, point)
        work.culprits.setdefault(key[0], []).append((point, point[1]))
        balance.last = max(balance.last, point)

    # --- runs --------------------------------------------------------------------------------

    def run_ended(self, writer: Writer, run: Run) -> None:
        work = self._issuer(writer, run.issuer)
        facts: list[FactRow] = []
        for void in run.voids:
            seq = void.appended.record.seq
            ev = void.appended.record.event
            facts.append(_fact(ev, ev.effective_date.isoformat(), seq, void.target_seq))
            point = (void.target_date, void.target_seq)
            work.run_min = min(work.run_min or void.target_date, void.target_date)
            work.void_culprits.append((point, seq))
            if void.target_type in CAPITAL_NAMES:
                work.capital = True
            rows = tables.rows_of_event(writer, run.issuer, void.target_date, void.target_seq)
            if BY_NAME[void.target_type] is StockSplit:
                split = writer.events_by_seq([void.target_seq])[void.target_seq].event
                cls = getattr(split, "security", None) or ""
                work.walk_all[cls] = min(work.walk_all.get(cls, point), point)
                withdraw(work, point, cls=cls)
            net: dict[tuple[Account, int], tuple[Amount, Amount | None]] = {}
            for row in rows:
                part = ((row.holder, row.security, row.nature), row.kind)
                total, _ = net.get(part, (0, None))
                net[part] = (total + row.delta, row.target)
            reversals = []
            for (key, kind), (total, target) in net.items():
                if total:
                    reversals.append(
                        PositionRow(
                            run.issuer,
                            void.target_date,
                            void.target_seq,
                            *key,
                            seq,
                            -total,
                            kind,
                            target,
                        )
                    )
                    work.balance(writer, key).position -= total
                walk_from(work, key, point)
            # Written at once: a second void of the same event finds nothing left to reverse.
            tables.add_positions(writer, reversals)
        tables.insert_facts(writer, facts)
        if work.walk or work.walk_all:
            Walk(writer, work, run.last_seq, self._shortfall if self.check else None).run()
            work.walk, work.walk_all, work.pending = {}, {}, {}
        if work.run_events or run.voids:
            fallback = run.recorded_at[:10]
            tables.insert_appends(
                writer,
                [
                    AppendRow(
                        run.issuer,
                        run.first_seq,
                        run.last_seq,
                        run.recorded_at,
                        work.run_min or fallback,
                        work.run_max or work.run_min or fallback,
                        work.run_events,
                    )
                ],
            )
        work.run_min = work.run_max = None
        work.run_events = 0

    def close(self) -> None:
        """Stop the checkpoint followers' work (called whatever became of the append)."""
        if self.follow is not None:
            self.follow.close()

    def touched(self) -> list[str]:
        """The issuers this append changed."""
        return sorted(self.issuers)

    def reported(self) -> list[str]:
        """The issuers this append brought holding reports for (only a report can open a
        reconciliation break)."""
        return sorted(self.reporting)

    # --- the end -----------------------------------------------------------------------------

    def finish(self, writer: Writer) -> None:
        for work in self.issuers.values():
            for key, found in work.provisional.items():
                for (when, seq), held, needed in found:
                    self._shortfall(writer, work.name, seq, when, key[0], held, needed)
            tables.put_balances(
                writer,
                [
                    Balance(work.name, *key, b.position, b.last[0], b.last[1])
                    for key, b in work.balances.items()
                    if b.last != NOWHERE
                ],
            )
            if self.check:
                self._labels(writer, work)
                if work.capital:
                    self._float(writer, work)
                if work.removals:
                    self._removals(writer, work)
        if self.check and self.problems:
            unique = list(dict.fromkeys(self.problems))
            raise InvalidEvents(sorted(unique, key=lambda p: (p.origin or "", p.line or 0)))
        if self.follow is not None:
            self.followed = self.follow.finish(writer)

    def _labels(self, writer: Writer, work: IssuerWork) -> None:
        """A position recorded in the name of a group's label is refused: holdings belong to
        the group's members (a report naming a label is a checkpoint of the group, and fine)."""
        labels = set()
        for fact in tables.facts(writer, work.name, upto_seq=ALL):
            if fact.type == AffiliationFormed.__name__:
                ev = _event(fact)
                if isinstance(ev, AffiliationFormed) and ev.group:
                    labels.add(ev.group)
        if not labels & work.named:
            return
        reason = "'{}' is a group's label; holdings belong to its members (each share has one "
        reason += "record holder)"
        named = sorted(labels & work.named)
        for seq, holder in tables.named_after(writer, work.name, named, self.start_seq):
            line, origin = self.line_of(seq)
            self.problems.append(Problem(line, "holder", reason.format(holder), origin))

    def _removals(self, writer: Writer, work: IssuerWork) -> None:
        """A removal of an exemption must name what the exemption was granted to."""
        facts = live_facts(tables.facts(writer, work.name, upto_seq=ALL))
        for seq, reason in refused_removals(((f.seq, ev) for f, ev in facts), self.start_seq):
            line, origin = self.line_of(seq)
            self.problems.append(Problem(line, "changes", reason, origin))

    def _float(self, writer: Writer, work: IssuerWork) -> None:
        """A repurchase larger than the shares outstanding (the float) is a shortfall too."""
        outstanding: dict[str, Amount | None] = {}
        for fact, ev in live_facts(tables.facts(writer, work.name, upto_seq=ALL)):
            change = capital_change(ev)
            if change is None:
                continue
            before = outstanding.get(change.security)
            if before is not None and change.delta < 0 and -change.delta > before:
                self._shortfall(
                    writer, work.name, fact.seq, fact.effective_date, OUTSTANDING, before,
                    -change.delta,
                )  # fmt: skip
            outstanding[change.security] = outstanding_after(before, change)

    def _shortfall(
        self,
        writer: Writer,
        issuer: str,
        seq: int,
        when: str,
        holder: str,
        held: Amount,
        needed: Amount,
    ) -> None:
        record = writer.events_by_seq([seq])[seq]
        if may_oversell(record.event):
            return
        held, needed = norm(held), norm(needed)
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
    SharesSold: "sell {:,}",
    SharesTransferred: "transfer {:,}",
    SharesRepurchased: "sell {:,} back to the company",
    SharesDisposed: "dispose of {:,}",
}


def _net(made: Sequence[Move]) -> list[Move]:
    """An event's moves summed by account (a single move, the common case, is its own sum)."""
    net: dict[Account, Amount] = {}
    for key, delta, _ in made:
        net[key] = net.get(key, 0) + delta
    return [(key, delta, None) for key, delta in net.items()]


def _refusal(kind: str, holder: str, when: str, held: Amount, needed: Amount) -> str:
    if holder == OUTSTANDING:
        return f"only {held:,} shares are outstanding on {when}; cannot repurchase {needed:,}"
    action = _VERB.get(BY_NAME[kind], "give up {:,}").format(needed)
    return f"{holder} holds {held:,} shares on {when}; cannot {action}"


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
