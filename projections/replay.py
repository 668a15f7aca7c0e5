"""The fold: walk an issuer's events date by date and decide every group's rights-plan status.

Boundary: the events given (already limited to those recorded at or before the view's `known_at`),
with voided events removed, effective on or before `until`. The ledger is date-granular: each
date's events are applied in log order, then status is decided on the state at the end of that
date, so a crossing undone within the same date is not a crossing and an amendment and a purchase
on the same date are judged together. Dates with no events are visited when something is due on
them (the day after an expiration or a divest-by date, a Distribution Date).

The rules (DOMAIN.md §2) live in `_judge`; the order of precedence for a group's limit (exemption,
then Board approval, then the plan threshold) lives in `_limit_for`.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction
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
    TenderOfferCommenced,
    TenderOfferTerminated,
)
from ledger.log import Recorded
from projections import terms as plan
from projections.calendar import add_days, roll_forward
from projections.groups import Group, form_groups, link_key
from projections.holdings import CAPITAL_TYPES, Book
from projections.numbers import breaches, percent
from projections.state import WITHIN, Change, GroupStatus, Interval, Limit, Snapshot, Status
from projections.timeline import Levels, crossings, describe_plan_event, involved

_DAY = timedelta(days=1)


def effective(records: Iterable[Recorded]) -> Iterator[Recorded]:
    """The records that count: voided events and the voids themselves are dropped."""
    kept = list(records)
    voided = {r.event.voids for r in kept if isinstance(r.event, EventVoided)}
    return (r for r in kept if r.event_id not in voided and not isinstance(r.event, EventVoided))


@dataclass
class _Person:
    ap_from: date | None = None
    intervals: list[Interval] = field(default_factory=list)
    passive: bool = False
    breaching: bool = False
    ap_flags: set[str] = field(default_factory=set)


@dataclass
class _Replay:
    issuer: str
    book: Book = field(default_factory=Book)
    terms: plan.Terms = field(default_factory=plan.Terms)
    links: dict[frozenset[str], Recorded] = field(default_factory=dict)
    persons: dict[str, _Person] = field(default_factory=dict)
    person_records: dict[str, list[Recorded]] = field(default_factory=dict)
    previous_group: dict[str, frozenset[str]] = field(default_factory=dict)
    inadvertence: dict[str, Recorded] = field(default_factory=dict)
    tenders: dict[str, tuple[Recorded, date]] = field(default_factory=dict)
    sad: tuple[date, Recorded] | None = None
    redemption: Recorded | None = None
    flags: list[str] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    levels: dict[str, Levels] = field(default_factory=dict)
    last_status: dict[str, Status] = field(default_factory=dict)
    statuses: tuple[GroupStatus, ...] = ()
    in_force: bool = False
    last_outstanding: int | None = None
    schedule: list[date] = field(default_factory=list)

    # --- the walk ----------------------------------------------------------------------------

    def run(self, records: Iterable[Recorded], until: date | None) -> date | None:
        days = groupby(effective(records), key=lambda r: r.event.effective_date)
        pending = next(days, None)
        last: date | None = None
        while True:
            next_event = pending[0] if pending else None
            next_due = self.schedule[0] if self.schedule else None
            day = (
                min(d for d in (next_event, next_due) if d is not None)
                if (next_event or next_due)
                else None
            )
            if day is None or (until is not None and day > until):
                break
            while self.schedule and self.schedule[0] <= day:
                heapq.heappop(self.schedule)
            todays: list[Recorded] = []
            if pending is not None and pending[0] == day:
                todays = list(pending[1])
                pending = next(days, None)
            self._day(day, todays)
            last = day
        if until is not None and last != until:
            self._day(until, [])
            last = until
        return last

    def _due(self, day: date) -> None:
        heapq.heappush(self.schedule, day)

    def _day(self, day: date, records: list[Recorded]) -> None:
        acquired: set[str] = set()
        for record in records:
            acquired |= self._apply(day, record)
        self._evaluate(day, acquired, records)

    def _note(self, person: str, record: Recorded) -> None:
        self.persons.setdefault(person, _Person())
        self.person_records.setdefault(person, []).append(record)

    # --- applying one event ------------------------------------------------------------------

    def _apply(self, day: date, record: Recorded) -> set[str]:
        ev = record.event
        if ev.type in CAPITAL_TYPES:
            acquired = self.book.apply(record)
            for name in involved(ev):
                self.persons.setdefault(name, _Person())
            return acquired
        if isinstance(ev, AffiliationFormed):
            self.links[link_key(ev.person, ev.affiliate)] = record
            self._note(ev.person, record)
            self._note(ev.affiliate, record)
        elif isinstance(ev, AffiliationEnded):
            self.links.pop(link_key(ev.person, ev.affiliate), None)
            self._note(ev.person, record)
            self._note(ev.affiliate, record)
        elif isinstance(ev, ControlIntentDeclared):
            self._note(ev.person, record)
            group = self._group_of(ev.person)
            names = group.member_set | {group.label}
            self.terms, lapsed = plan.lapse_on_control_intent(self.terms, names)
            for exemption in lapsed:
                self._plan_change(
                    day,
                    f"exemption of {exemption.person} "
                    f"(Amendment {exemption.amendment}) lapses on a declared "
                    "control intent",
                    record,
                )
        elif isinstance(ev, RightsAgreementAdopted):
            self.terms = plan.adopt(self.terms, record)
            self._due_expiry()
            self._plan_change(day, describe_plan_event(ev), record)
        elif isinstance(ev, RightsAgreementAmended):
            self.terms = plan.amend(self.terms, record)
            self._due_expiry()
            self._plan_change(day, describe_plan_event(ev), record)
        elif isinstance(ev, BoardApprovalGranted):
            self._note(ev.person, record)
            self.terms = plan.approve(self.terms, record)
            self._plan_change(day, describe_plan_event(ev), record)
        elif isinstance(ev, InadvertenceDetermined):
            self._inadvertence(day, record, ev)
        elif isinstance(ev, TenderOfferCommenced):
            self._note(ev.person, record)
            if breaches(
                Fraction(ev.percent_sought), self.terms.threshold, self.terms.threshold_test
            ):
                delay = self.terms.distribution_delay
                due = roll_forward(add_days(day, delay, "business"))
                self.tenders[ev.person] = (record, due)
                self._due(due)
            self._plan_change(day, describe_plan_event(ev), record)
        elif isinstance(ev, TenderOfferTerminated):
            self._note(ev.person, record)
            offer = self.tenders.get(ev.person)
            if offer is not None and offer[1] > day:
                del self.tenders[ev.person]
            self._plan_change(day, describe_plan_event(ev), record)
        elif isinstance(ev, RightsRedeemed):
            self._redeem(day, record)
        return set()

    def _due_expiry(self) -> None:
        if self.terms.expires_on is not None:
            self._due(self.terms.expires_on + _DAY)

    def _inadvertence(self, day: date, record: Recorded, ev: InadvertenceDetermined) -> None:
        self._note(ev.person, record)
        group = self._group_of(ev.person)
        for member in group.members:
            self.inadvertence[member] = record
            person = self.persons.setdefault(member, _Person())
            if person.ap_from is not None:
                # Cured by the divest-by date, the group never was an Acquiring Person: the
                # interval opened by this crossing is withdrawn (it is reopened the day after
                # the divest-by date if the group is still over its limit).
                person.ap_from, person.ap_flags = None, set()
        self._due(ev.divest_by + _DAY)
        self._plan_change(day, describe_plan_event(ev), record)

    def _redeem(self, day: date, record: Recorded) -> None:
        due = self.distribution_date()
        if due is None or day <= due:
            self.redemption = record
            self._plan_change(day, "rights redeemed: the plan ends", record)
        else:
            self.flags.append("redemption_out_of_window")
            self._plan_change(
                day,
                f"redemption after the Distribution Date {due} is out of "
                "the window and has no effect",
                record,
            )

    def _plan_change(self, day: date, detail: str, record: Recorded | None) -> None:
        names = involved(record.event) if record is not None else ()
        self.changes.append(Change(day, "plan", None, detail, None, None, record, names))

    # --- deciding status ---------------------------------------------------------------------

    def _universe(self) -> set[str]:
        named = set(self.terms.exemptions) | set(self.terms.approvals) | self.terms.exempt_persons
        labels = {
            r.event.group for r in self.links.values() if isinstance(r.event, AffiliationFormed)
        }
        return set(self.persons) | (named - labels)

    def _group_of(self, person: str) -> Group:
        for group in form_groups(self._universe() | {person}, self.links):
            if person in group.members:
                return group
        raise AssertionError(person)  # form_groups always places every person

    def _limit_for(self, group: Group) -> Limit:
        members = group.member_set | {group.label}  # a plan may name the group itself
        if members & self.terms.exempt_persons:
            return Limit("exempt_person", None, None, None, None, None, None)
        exemptions = [ex for p, ex in self.terms.exemptions.items() if p in members]
        if exemptions:
            ex = max(exemptions, key=lambda e: e.record.seq if e.record else 0)
            return Limit("exemption", ex.cap, ex.cap_text, None, ex.test, ex.amendment, ex.record)
        approvals = [ap for p, ap in self.terms.approvals.items() if p in members]
        if approvals:
            ap = max(approvals, key=lambda a: a.record.seq)
            return Limit(
                "approval",
                ap.max_percent,
                ap.max_percent_text,
                ap.max_shares,
                "above",
                None,
                ap.record,
            )
        t = self.terms
        source = next((r for r in reversed(t.records)), None)
        return Limit(
            "threshold",
            t.threshold,
            t.threshold_text,
            None,
            t.threshold_test,
            t.threshold_source,
            source,
        )

    def _evaluate(self, day: date, acquired: set[str], records: list[Recorded]) -> None:
        in_force = self.terms.adopted and not self.terms.expired_on(day) and self.redemption is None
        if self.in_force and not in_force:
            reason = "redeemed" if self.redemption is not None else "expired"
            self._plan_change(day, f"plan no longer in force ({reason})", None)
        self.in_force = in_force
        outstanding = self.book.outstanding
        fell = (
            outstanding is not None
            and self.last_outstanding is not None
            and outstanding < self.last_outstanding
        )
        statuses = []
        for group in form_groups(self._universe(), self.links):
            statuses.append(self._judge(day, group, acquired, fell, in_force))
        self.statuses = tuple(statuses)
        self.previous_group = {m: s.group.member_set for s in statuses for m in s.group.members}
        self.last_outstanding = outstanding
        self._stock_acquisition(day, records)
        self._distribution(day)
        for status in self.statuses:
            self._record_changes(day, status, records)

    def _judge(
        self, day: date, group: Group, acquired: set[str], fell: bool, in_force: bool
    ) -> GroupStatus:
        people = [self.persons.setdefault(m, _Person()) for m in group.members]
        shares = sum(self.book.held(m) for m in group.members)
        outstanding = self.book.outstanding
        pct = percent(shares, outstanding) if outstanding else None
        if not in_force or not outstanding:
            for person in people:
                self._end_ap(person, day)
                person.passive = person.breaching = False
            status: Status = "plan_not_in_force" if not in_force else "below"
            return GroupStatus(group, shares, pct, None, status, None, self._intervals(people), ())
        limit = self._limit_for(group)
        breach = limit.breached(shares, outstanding)
        gained = bool(group.member_set & acquired) or self._gained_holders(group)
        was_ap = any(p.ap_from is not None for p in people)
        determination = next(
            (self.inadvertence[m] for m in group.members if m in self.inadvertence), None
        )
        divest_by = determination.event.divest_by if determination else None  # type: ignore[union-attr]
        if not breach:
            status = WITHIN[limit.basis]
            for person in people:
                self._end_ap(person, day)
                person.passive = False
            if divest_by is not None:
                for m in group.members:
                    self.inadvertence.pop(m, None)
        elif was_ap:
            status = "acquiring_person"
        elif divest_by is not None and day <= divest_by:
            status = "inadvertent_pending"
        else:
            for m in group.members:
                self.inadvertence.pop(m, None)
            was_passive = any(p.passive for p in people)
            was_breaching = any(p.breaching for p in people)
            passive = not gained and (was_passive or (fell and not was_breaching))
            if passive and limit.basis == "threshold" and divest_by is None:
                status = "passive_crossing"
                for person in people:
                    person.passive = True
            else:
                status = "acquiring_person"
                cause = {"passive_cap_crossing"} if passive and divest_by is None else set()
                for person in people:
                    person.ap_from, person.passive, person.ap_flags = day, False, set(cause)
        for person in people:
            person.breaching = breach
        flags = sorted(set().union(*(p.ap_flags for p in people))) if was_ap or breach else []
        if status in ("acquiring_person", "passive_crossing", "inadvertent_pending"):
            headroom: int | None = 0
        else:
            most = limit.max_holding(outstanding)
            headroom = None if most is None else max(most - shares, 0)
        return GroupStatus(
            group, shares, pct, limit, status, headroom, self._intervals(people), tuple(flags)
        )

    def _gained_holders(self, group: Group) -> bool:
        """A link that brings a holder with shares into the group is an acquisition."""
        for member in group.members:
            before = self.previous_group.get(member, frozenset({member}))
            if any(self.book.held(m) > 0 for m in group.member_set - before):
                return True
        return False

    @staticmethod
    def _end_ap(person: _Person, day: date) -> None:
        if person.ap_from is not None:
            person.intervals.append((person.ap_from, day))
            person.ap_from, person.ap_flags = None, set()

    @staticmethod
    def _intervals(people: list[_Person]) -> tuple[Interval, ...]:
        spans: set[Interval] = set()
        for person in people:
            spans.update(person.intervals)
            if person.ap_from is not None:
                spans.add((person.ap_from, None))
        return tuple(sorted(spans, key=lambda s: (s[0], s[1] or date.max)))

    # --- SAD, DD, and the timeline -----------------------------------------------------------

    def _stock_acquisition(self, day: date, records: list[Recorded]) -> None:
        if self.sad is not None:
            return
        acquiring = {
            m for s in self.statuses if s.status == "acquiring_person" for m in s.group.members
        }
        for record in records:
            ev = record.event
            if isinstance(ev, HoldingReported) and ev.public and ev.holder in acquiring:
                self.sad = (day, record)
                self._plan_change(
                    day,
                    f"Stock Acquisition Date: {ev.holder} publicly reports {ev.shares:,} shares",
                    record,
                )
                due = self.distribution_date()
                if due is not None:
                    self._due(due)
                return

    def distribution_date(self) -> date | None:
        """Close of business on the earlier of the SAD limb and any tender-offer limb."""
        if self.redemption is not None:
            return None
        candidates = [due for _, due in self.tenders.values()]
        if self.sad is not None:
            t = self.terms
            delay = add_days(self.sad[0], t.distribution_delay, t.distribution_delay_basis)
            candidates.append(roll_forward(delay))
        return min(candidates) if candidates else None

    def _distribution(self, day: date) -> None:
        if self.distribution_date() == day and self.in_force:
            self._plan_change(day, "Distribution Date (close of business)", None)

    def _record_changes(self, day: date, status: GroupStatus, records: list[Recorded]) -> None:
        label = status.group.label
        cause = next(
            (r for r in reversed(records) if set(involved(r.event)) & status.group.member_set), None
        )
        cause = cause or (records[-1] if records else None)
        before = self.last_status.get(label, "below" if self.in_force else "plan_not_in_force")
        if before != status.status:
            self.changes.append(
                Change(
                    day,
                    "status",
                    label,
                    f"{before} -> {status.status}",
                    before,
                    status.status,
                    cause,
                    status.group.members,
                )
            )
        self.last_status[label] = status.status
        previous = self.levels.get(label, {})
        current, found = crossings(status, self.terms, previous)
        for level, up in found:
            detail = f"{'above' if up else 'no longer above'} {level}"
            self.changes.append(
                Change(day, "crossing", label, detail, None, None, cause, status.group.members)
            )
        self.levels[label] = current

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
            groups=self.statuses,
            stock_acquisition_date=self.sad[0] if self.sad else None,
            stock_acquisition_record=self.sad[1] if self.sad else None,
            distribution_date=self.distribution_date(),
            redemption=self.redemption,
            flags=tuple(self.flags),
            reconciliations=tuple(book.reconciliations),
            person_records=MappingProxyType({k: tuple(v) for k, v in self.person_records.items()}),
        )


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
    return tuple(replay.changes), (replay.snapshot(last) if last else None)


def shortfalls(issuer: str, records: Iterable[Recorded]) -> list[tuple[Recorded, str, int, int]]:
    """Every sale, transfer or repurchase that takes more than the holder has (for validation)."""
    book = Book()
    for record in effective(records):
        if record.event.type in CAPITAL_TYPES:
            book.apply(record)
    return [(s.record, s.holder, s.held, s.needed) for s in book.shortfalls]
