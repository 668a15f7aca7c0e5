"""The fold: walk an issuer's events date by date and decide every group's rights-plan status.

Boundary: the events given (already limited to those recorded at or before the view's `known_at`),
with voided events removed, effective on or before `until`. The ledger is date-granular: each
date's events are applied in log order, then status is decided on the state at the end of that
date, so a crossing undone within the same date is not a crossing and an amendment and a purchase
on the same date are judged together. Dates with no events are visited when something is due on
them (a divest-by deadline, the day after an expiration, a Distribution Date).

Only what can have changed is judged again: every group when shares outstanding, the plan terms,
the links or the calendar moved; otherwise only the groups of the persons the day's events name.

The rules (DOMAIN.md §2) live in `_judge`; the precedence of limits (exemption, then Board
approval, then the plan threshold) in `_limit_for`; the readings taken where the rules are
ambiguous are listed in docs/rules.md.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import groupby
from types import MappingProxyType

from ledger.events import (
    AffiliationEnded,
    AffiliationFormed,
    BoardApprovalGranted,
    ControlIntentDeclared,
    EventVoided,
    HoldingReported,
    InadvertenceDetermined,
    RightsAgreementAdopted,
    RightsAgreementAmended,
    RightsRedeemed,
    StockSplit,
    TenderOfferCommenced,
    TenderOfferTerminated,
)
from ledger.log import Recorded
from projections import terms as plan
from projections.groups import Group, form_groups, group_labels, link_key
from projections.holdings import CAPITAL_TYPES, Book, Move
from projections.lifecycle import Lifecycle
from projections.limits import limit_for
from projections.numbers import percent
from projections.state import WITHIN, Change, GroupStatus, Interval, Snapshot, Status
from projections.timeline import Levels, crossings, describe_plan_event, involved

_DAY = timedelta(days=1)


def effective(records: Iterable[Recorded]) -> Iterator[Recorded]:
    """The records that count: voided events and the voids themselves are dropped."""
    kept = list(records)
    voided = {r.event.voids for r in kept if isinstance(r.event, EventVoided)}
    return (r for r in kept if r.event_id not in voided and not isinstance(r.event, EventVoided))


@dataclass
class _Person:
    """What the fold remembers of one person between dates."""

    ap_from: date | None = None
    intervals: list[Interval] = field(default_factory=list)
    passive: bool = False
    breaching: bool = False
    ap_flags: set[str] = field(default_factory=set)
    status: Status | None = None
    levels: Levels = field(default_factory=dict)
    group: frozenset[str] = frozenset()


@dataclass
class _Today:
    """What one date's events did, for judging at its end."""

    moves: dict[str, list[Move]] = field(default_factory=dict)  # by holder
    named: set[str] = field(default_factory=set)
    cause: dict[str, Recorded] = field(default_factory=dict)
    intents: list[Recorded] = field(default_factory=list)
    determinations: list[Recorded] = field(default_factory=list)
    reports: list[Recorded] = field(default_factory=list)
    split: bool = False
    everyone: bool = False  # terms, links or the calendar moved: judge every group
    last: Recorded | None = None


@dataclass
class _Replay:
    issuer: str
    book: Book = field(default_factory=Book)
    terms: plan.Terms = field(default_factory=plan.Terms)
    links: dict[frozenset[str], Recorded] = field(default_factory=dict)
    persons: dict[str, _Person] = field(default_factory=dict)
    person_records: dict[str, list[Recorded]] = field(default_factory=dict)
    groups: dict[str, Group] = field(default_factory=dict)  # person -> current group
    statuses: dict[frozenset[str], GroupStatus] = field(default_factory=dict)
    inadvertence: dict[str, Recorded] = field(default_factory=dict)
    life: Lifecycle = field(default_factory=Lifecycle)
    changes: list[Change] = field(default_factory=list)
    in_force: bool = False
    last_outstanding: int | None = None
    schedule: list[date] = field(default_factory=list)

    # --- the walk ----------------------------------------------------------------------------

    def run(self, records: Iterable[Recorded], until: date | None) -> date | None:
        days = groupby(effective(records), key=lambda r: r.event.effective_date)
        pending = next(days, None)
        last: date | None = None
        while pending is not None or self.schedule:
            candidates = [
                d
                for d in (
                    pending[0] if pending else None,
                    self.schedule[0] if self.schedule else None,
                )
                if d
            ]
            day = min(candidates)
            if until is not None and day > until:
                break
            due = False
            while self.schedule and self.schedule[0] <= day:
                heapq.heappop(self.schedule)
                due = True
            todays: list[Recorded] = []
            if pending is not None and pending[0] == day:
                todays = list(pending[1])
                pending = next(days, None)
            self._day(day, todays, due)
            last = day
        if until is not None and last != until:
            self._day(until, [], False)
            last = until
        return last

    def _due(self, day: date) -> None:
        heapq.heappush(self.schedule, day)

    def _day(self, day: date, records: list[Recorded], due: bool) -> None:
        today = _Today(everyone=due)
        for record in records:
            self._apply(day, record, today)
        self._evaluate(day, today)

    # --- applying one event ------------------------------------------------------------------

    def _apply(self, day: date, record: Recorded, today: _Today) -> None:
        ev = record.event
        today.last = record
        for name in involved(ev):
            self.persons.setdefault(name, _Person())
            today.named.add(name)
            today.cause[name] = record
        if ev.type in CAPITAL_TYPES:
            for move in self.book.apply(record):
                today.moves.setdefault(move.holder, []).append(move)
            today.split = today.split or isinstance(ev, StockSplit)
            if isinstance(ev, HoldingReported) and ev.public:
                today.reports.append(record)
            return
        for name in involved(ev):  # (capital events are kept per holder by the book)
            self.person_records.setdefault(name, []).append(record)
        if isinstance(ev, AffiliationFormed):
            self.links[link_key(ev.person, ev.affiliate)] = record
            today.everyone = True
        elif isinstance(ev, AffiliationEnded):
            self.links.pop(link_key(ev.person, ev.affiliate), None)
            today.everyone = True
        elif isinstance(ev, ControlIntentDeclared):
            today.intents.append(record)
        elif isinstance(ev, RightsAgreementAdopted) and (self.life.ended or self.life.redemption):
            self._new_plan()
            self._apply(day, record, today)
        elif isinstance(ev, RightsAgreementAdopted | RightsAgreementAmended):
            if self.life.ended or self.life.redemption:
                self._plan_change(
                    day, f"{describe_plan_event(ev)} — after the plan ended; no effect", record
                )
                return
            if isinstance(ev, RightsAgreementAdopted):
                self.terms = plan.adopt(self.terms, record)
            else:
                self.terms = plan.amend(self.terms, record)
            if self.terms.expires_on is not None:
                self._due(self.terms.expires_on + _DAY)
            today.everyone = True
            self._plan_change(day, describe_plan_event(ev), record)
        elif isinstance(ev, BoardApprovalGranted):
            self.terms = plan.approve(self.terms, record)
            today.everyone = True
            self._plan_change(day, describe_plan_event(ev), record)
        elif isinstance(ev, InadvertenceDetermined):
            today.determinations.append(record)
        elif isinstance(ev, TenderOfferCommenced):
            due = self.life.commence_tender(self.terms, day, record, ev)
            if due is not None:
                self._due(due)
            self._plan_change(day, describe_plan_event(ev), record)
        elif isinstance(ev, TenderOfferTerminated):
            self.life.terminate_tender(ev.person, day)
            self._plan_change(day, describe_plan_event(ev), record)
        elif isinstance(ev, RightsRedeemed):
            self._plan_change(day, self.life.redeem(self.terms, day, record), record)
            today.everyone = True

    def _new_plan(self) -> None:
        """A new rights agreement after the last one expired or was redeemed starts afresh."""
        self.terms, self.life, self.inadvertence = plan.Terms(), Lifecycle(), {}

    def _plan_change(self, day: date, detail: str, record: Recorded | None) -> None:
        names = involved(record.event) if record is not None else ()
        self.changes.append(Change(day, "plan", None, detail, None, None, record, names))

    # --- groups ------------------------------------------------------------------------------

    def _regroup(self, today: _Today) -> None:
        """Recompute groups when links moved; otherwise place newcomers as lone holders."""
        if today.everyone:
            labels = group_labels(self.links)
            names = [p for p in self.persons if p not in labels]
            self.groups = {m: g for g in form_groups(names, self.links) for m in g.members}
            return
        for person in self.persons:
            if person not in self.groups:
                self.groups[person] = Group(person, (person,))

    def _group_of(self, name: str) -> Group | None:
        """The group a member or a label names."""
        if name in self.groups:
            return self.groups[name]
        return next((g for g in self.groups.values() if name in g.labels), None)

    # --- deciding status ---------------------------------------------------------------------

    def _evaluate(self, day: date, today: _Today) -> None:
        in_force = self.life.in_force(self.terms, day)
        if self.terms.adopted and self.terms.expired_on(day):
            self.life.ended = True
        if self.in_force != in_force:
            today.everyone = True
            if not in_force:
                reason = "redeemed" if self.life.redemption is not None else "expired"
                self._plan_change(day, f"plan no longer in force ({reason})", None)
        self.in_force = in_force
        outstanding = self.book.outstanding
        if outstanding != self.last_outstanding:
            today.everyone = True
        fell = (
            outstanding is not None
            and self.last_outstanding is not None
            and outstanding < self.last_outstanding
        )
        self._regroup(today)
        self._lapse_on_intent(day, today)
        self._register_determinations(day, today)
        if today.everyone:
            dirty = {g.member_set: g for g in self.groups.values()}
            self.statuses = {}
        else:
            touched = {self.groups[n] for n in today.named if n in self.groups}
            dirty = {g.member_set: g for g in touched}
        for key, group in sorted(dirty.items(), key=lambda kv: kv[1].label):
            status = self._judge(day, group, today, fell, in_force)
            self.statuses[key] = status
            self._record_changes(day, status, today)
        for key in dirty:
            for member in key:
                self.persons[member].group = key
        self.last_outstanding = outstanding
        self._stock_acquisition(day, today)
        self._distribution(day)

    def _lapse_on_intent(self, day: date, today: _Today) -> None:
        for record in today.intents:
            person = record.event.person  # type: ignore[union-attr]
            group = self._group_of(person)
            names = group.names if group else frozenset({person})
            self.terms, lapsed = plan.lapse_on_control_intent(self.terms, names)
            for exemption in lapsed:
                today.everyone = True
                self._plan_change(
                    day,
                    f"exemption of {exemption.person} (Amendment "
                    f"{exemption.amendment}) lapses on a declared control intent",
                    record,
                )
        if today.everyone and today.intents:
            self.statuses = {}

    def _register_determinations(self, day: date, today: _Today) -> None:
        for record in today.determinations:
            ev = record.event
            assert isinstance(ev, InadvertenceDetermined)
            if ev.divest_by < day:
                self._plan_change(
                    day, f"{describe_plan_event(ev)} — after its divest-by date; no effect", record
                )
                continue
            group = self._group_of(ev.person)
            members = group.members if group else (ev.person,)
            for member in members:
                self.inadvertence[member] = record
                person = self.persons.setdefault(member, _Person())
                if person.ap_from is not None:
                    # Cured by the divest-by date, the group never was an Acquiring Person: the
                    # interval this crossing opened is withdrawn (reopened the day after the
                    # deadline if the group is still over its limit then).
                    person.ap_from, person.ap_flags = None, set()
            today.named.update(members)
            self._due(ev.divest_by + _DAY)
            self._plan_change(day, describe_plan_event(ev), record)

    def _acquired(self, group: Group, today: _Today) -> bool:
        """Did the group acquire shares today: a net inflow from outside it, or a link that joined
        two parts that both held shares (each acquires the other's)."""
        members = group.member_set
        inflow = sum(
            move.delta
            for member in members
            for move in today.moves.get(member, ())
            if move.other is None or move.other not in members
        )
        if inflow > 0:
            return True
        parts = {self.persons[m].group or frozenset({m}) for m in members}
        holding = [p for p in parts if any(self.book.held(h) > 0 for h in p & members)]
        return len(holding) >= 2

    def _judge(
        self, day: date, group: Group, today: _Today, fell: bool, in_force: bool
    ) -> GroupStatus:
        people = [self.persons[m] for m in group.members]
        shares = sum(self.book.held(m) for m in group.members)
        outstanding = self.book.outstanding
        pct = percent(shares, outstanding) if outstanding else None
        if not in_force or not outstanding:
            for person in people:
                self._end_ap(person, day)
                person.passive = person.breaching = False
            status: Status = "plan_not_in_force" if not in_force else "below"
            return GroupStatus(group, shares, pct, None, status, None, _merged(people), ())
        limit = limit_for(self.terms, group, self.book.held)
        breach = limit.breached(shares, outstanding)
        gained = self._acquired(group, today)
        was_ap = any(p.ap_from is not None for p in people)
        was_passive = any(p.passive for p in people)
        was_breaching = any(p.breaching for p in people)
        determination = next(
            (self.inadvertence[m] for m in group.members if m in self.inadvertence), None
        )
        divest_by = getattr(determination.event, "divest_by", None) if determination else None
        cause: set[str] = set()
        if not breach:
            status = WITHIN[limit.basis]
            for person in people:
                self._end_ap(person, day)
                person.passive = False
            for m in group.members:
                self.inadvertence.pop(m, None)
        elif was_ap:
            status = "acquiring_person"
        elif was_passive and not gained:
            status = "passive_crossing"
        elif divest_by is not None and day <= divest_by:
            status = "inadvertent_pending"
        else:
            failed = divest_by is not None
            for m in group.members:
                self.inadvertence.pop(m, None)
            moved = fell or today.split
            passive = not gained and not failed and moved and not was_breaching
            if passive and limit.basis != "exemption":
                status = "passive_crossing"
            else:
                status = "acquiring_person"
                if passive:
                    cause = {"passive_cap_crossing"}
        if status == "acquiring_person":
            for person in people:
                if person.ap_from is None:
                    person.ap_from, person.ap_flags = day, set(cause)
                person.passive = False
        elif status == "passive_crossing":
            for person in people:
                person.passive = True
        for person in people:
            person.breaching = breach
        flags = sorted(set().union(*(p.ap_flags for p in people)))
        if status in ("acquiring_person", "passive_crossing", "inadvertent_pending"):
            headroom: int | None = 0
        else:
            most = limit.max_holding(outstanding)
            headroom = None if most is None else max(most - shares, 0)
        return GroupStatus(
            group, shares, pct, limit, status, headroom, _merged(people), tuple(flags)
        )

    @staticmethod
    def _end_ap(person: _Person, day: date) -> None:
        if person.ap_from is not None:
            if person.ap_from < day:
                person.intervals.append((person.ap_from, day))
            person.ap_from, person.ap_flags = None, set()

    # --- SAD, DD, and the timeline -----------------------------------------------------------

    def _stock_acquisition(self, day: date, today: _Today) -> None:
        if self.life.sad is not None or not self.in_force:
            return
        for record in today.reports:
            ev = record.event
            assert isinstance(ev, HoldingReported)
            group = self._group_of(ev.holder)
            status = self.statuses.get(group.member_set) if group else None
            if status is not None and status.status == "acquiring_person":
                due = self.life.stock_acquisition(self.terms, day, record)
                detail = (
                    f"Stock Acquisition Date: {ev.holder} publicly reports {ev.shares:,} shares"
                )
                self._plan_change(day, detail, record)
                if due is not None:
                    self._due(due)
                return

    def _distribution(self, day: date) -> None:
        reached = self.life.reach_distribution(self.terms, day, self.in_force)
        if reached is not None:
            self._plan_change(reached, "Distribution Date (close of business)", None)

    def _record_changes(self, day: date, status: GroupStatus, today: _Today) -> None:
        label, members = status.group.label, status.group.members
        people = [self.persons[m] for m in members]
        causes = [today.cause[m] for m in members if m in today.cause]
        cause = max(causes, key=lambda r: r.seq) if causes else today.last
        initial: Status = "below" if self.in_force else "plan_not_in_force"
        before = sorted({p.status or initial for p in people})
        if before != [status.status]:
            was = " | ".join(before)
            self.changes.append(
                Change(
                    day,
                    "status",
                    label,
                    f"{was} -> {status.status}",
                    was,
                    status.status,
                    cause,
                    members,
                )
            )
        previous: Levels = {}
        for person in people:
            for key, (up, name) in person.levels.items():
                if up or key not in previous:
                    previous[key] = (up, name)
        current, found = crossings(status, self.terms, previous)
        for detail in found:
            self.changes.append(Change(day, "crossing", label, detail, None, None, cause, members))
        for person in people:
            person.status, person.levels = status.status, dict(current)

    def snapshot(self, as_of: date) -> Snapshot:
        book = self.book
        return Snapshot(
            issuer=self.issuer,
            as_of=as_of,
            terms=self.terms,
            in_force=self.in_force,
            outstanding=book.outstanding,
            outstanding_report=book.report,
            outstanding_adjustments=tuple(book.adjustments),
            outstanding_reports=tuple(book.reports),
            holdings=MappingProxyType(dict(book.holdings)),
            holder_history=MappingProxyType({k: tuple(v) for k, v in book.history.items()}),
            links=tuple(self.links.values()),
            groups=tuple(sorted(self.statuses.values(), key=lambda s: s.group.label)),
            stock_acquisition_date=self.life.sad[0] if self.life.sad else None,
            stock_acquisition_record=self.life.sad[1] if self.life.sad else None,
            distribution_date=self.life.distribution_date(self.terms),
            redemption=self.life.redemption,
            flags=tuple(self.life.flags),
            reconciliations=tuple(book.reconciliations),
            person_records=MappingProxyType({k: tuple(v) for k, v in self.person_records.items()}),
        )


def _merged(people: list[_Person]) -> tuple[Interval, ...]:
    """The union of the members' AP intervals, as disjoint half-open intervals."""
    spans = [iv for p in people for iv in p.intervals]
    spans += [(p.ap_from, None) for p in people if p.ap_from is not None]
    spans.sort(key=lambda s: s[0])
    merged: list[Interval] = []
    for start, end in spans:
        if merged:
            last_start, last_end = merged[-1]
            if last_end is None or start <= last_end:
                if last_end is not None and (end is None or end > last_end):
                    merged[-1] = (last_start, end)
                continue
        merged.append((start, end))
    return tuple(merged)


def state_at(issuer: str, records: Iterable[Recorded], as_of: date) -> Snapshot:
    """The issuer's state at the end of `as_of` (boundary: see the module docstring)."""
    replay = _Replay(issuer)
    replay.run(records, as_of)
    return replay.snapshot(as_of)


def history(
    issuer: str, records: Iterable[Recorded], until: date | None = None
) -> tuple[tuple[Change, ...], Snapshot | None]:
    """Every change through `until` (or through the last date anything happens or falls due)."""
    replay = _Replay(issuer)
    last = replay.run(records, until)
    changes = sorted(replay.changes, key=lambda c: c.date)  # stable: same-date order kept
    return tuple(changes), (replay.snapshot(last) if last else None)


def shortfalls(issuer: str, records: Iterable[Recorded]) -> list[tuple[Recorded, str, int, int]]:
    """Every event that takes more shares than a holder (or the float) has, for validation."""
    book = Book()
    for record in effective(records):
        if record.event.type in CAPITAL_TYPES:
            book.apply(record)
    return [(s.record, s.holder, s.held, s.needed) for s in book.shortfalls]
