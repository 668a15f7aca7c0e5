"""The fold's judging half: who counts together, and each date's end judged.

At the end of every date the fold (`owl.projections.domain.fold`) has applied that date's events;
`Deciding._evaluate` then forms groups again if links moved, judges every group whose standing
can have changed (`owl.projections.domain.judge`), applies the limits that grandfather a holder,
lapses what an intent or a disposition ends, registers the Board's determinations, and sets or
suspends the Stock Acquisition Date. What it decides goes into the state and the timeline.

Longer than the ~300 lines STYLE.md asks: judging a date's end is one sequence of steps over one
state (regroup, candidates, judge, limits, lapses, determinations, the Stock Acquisition Date);
apart, each step would take the fold's state as arguments.
"""

from __future__ import annotations

import heapq
from datetime import date, timedelta
from fractions import Fraction

from owl.ledger.events import (
    Event,
    InadvertenceDetermined,
    TenderOfferCommenced,
    TenderOfferTerminated,
    involved,
)
from owl.ledger.shares import Amount
from owl.projections.domain import terms as plan
from owl.projections.domain.beneficial import rights
from owl.projections.domain.groups import Group, form_groups, group_labels
from owl.projections.domain.judge import (
    Facts,
    apply_verdict,
    crossings,
    judge,
    levels_beyond,
    quiet_bound,
)
from owl.projections.domain.lifecycle import Sad
from owl.projections.domain.limits import Limit, limit_for, threshold_limit
from owl.projections.domain.numbers import percent
from owl.projections.domain.state import (
    NEWCOMER,
    QUIET,
    Change,
    Determination,
    FoldState,
    Grandfathered,
    Level,
)

_DAY = timedelta(days=1)


class Today:
    """What one date's events did, for judging at its end."""

    __slots__ = (
        "adopted",
        "cause",
        "determinations",
        "everyone",
        "intents",
        "last",
        "links_changed",
        "moves",
        "named",
        "reports",
        "rights",
        "split",
        "tenders",
    )

    def __init__(self, everyone: bool) -> None:
        self.moves: dict[str, list[tuple[Amount, str | None]]] = {}  # holder -> (delta, other)
        self.rights: dict[str, Amount] = {}  # holder -> the part of its moves that is rights
        self.named: set[str] = set()
        self.cause: dict[str, int] = {}  # person -> seq of its latest event today
        self.intents: list[tuple[int, str]] = []
        self.determinations: list[tuple[int, InadvertenceDetermined]] = []
        self.reports: list[tuple[int, str, Amount]] = []  # public reports: seq, holder, shares
        self.tenders: list[tuple[int, TenderOfferCommenced | TenderOfferTerminated]] = []
        self.adopted: int | None = None  # seq of a plan adopted today
        self.split = False
        self.everyone = everyone  # terms, links, capital or the calendar moved
        self.links_changed = False
        self.last: int | None = None


class Deciding:
    """The fold's judging half: groups formed from the links, and each date's end judged
    (crossings, limits, verdicts, lapses, the Stock Acquisition Date). `Fold` walks the events
    and calls `_evaluate` at the end of each date; what it decides is recorded in the state and
    as timeline changes (`Change`)."""

    s: FoldState
    changes: list[Change]
    _members: dict[str, Group]  # person -> its group
    _labels: dict[str, Group]  # label -> its group
    _grouped: bool

    def _due(self, day: date, seq: int | None = None) -> None:
        """Visit `day` even with no event on it; `seq`: the event that set it (the cause a
        change on that day names, e.g. the grant of a right that becomes exercisable)."""
        heapq.heappush(self.s.schedule, day)
        if seq is not None:
            self.s.due_causes[day] = max(seq, self.s.due_causes.get(day, seq))

    def _plan(self, day: date, what: str, seq: int | None, ev: Event | None) -> None:
        names = involved(ev) if ev is not None else ()
        self.changes.append(Change(day, "plan", what, None, names, seq))

    # --- groups ------------------------------------------------------------------------------

    def _regroup(self, today: Today) -> None:
        """Form groups again when links moved (or on first use); newcomers join as they come."""
        if self._grouped and not today.links_changed:
            return
        links = self.s.links
        labels = group_labels(links)
        names = [p for p in self.s.persons if p not in labels]
        self._members, self._labels = {}, {}
        for group in form_groups(names, links):
            for member in group.members:
                self._members[member] = group
            for label in group.labels:
                self._labels.setdefault(label, group)
        self._grouped = True

    def _label(self, name: str) -> Group | None:
        """The group `name` labels (by a link in force now), or None when it names a person."""
        if not any(link.group == name for link in self.s.links.values()):
            return None
        if name not in self._labels:
            self._grouped = False
            self._regroup(Today(everyone=False))
        return self._labels.get(name)

    def group_of(self, name: str) -> Group | None:
        """The group a member or a label names."""
        return self._members.get(name) or self._labels.get(name)

    # --- deciding status ---------------------------------------------------------------------

    def _evaluate(self, day: date, today: Today) -> None:
        s = self.s
        was_in_force = s.in_force
        in_force = s.life.in_force(s.terms, day)
        if s.terms.adopted and s.terms.expired_on(day):
            s.life.ended = True
        if s.in_force != in_force:
            today.everyone = True
            if not in_force:
                reason = "redeemed" if s.life.redemption is not None else "expired"
                self.changes.append(Change(day, "plan", "ended", detail=(reason,)))
        s.in_force = in_force
        outstanding = s.book.outstanding
        if outstanding != s.last_outstanding:
            today.everyone = True
        fell = (
            outstanding is not None
            and s.last_outstanding is not None
            and outstanding < s.last_outstanding
        )
        self._regroup(today)
        self._tenders(day, today)
        self._lapse_on_intent(day, today)
        self._lapse_on_disposition(day, today)
        self._register_determinations(day, today)
        if today.everyone:
            dirty = self._candidates(today, all_groups=was_in_force != in_force)
        else:
            dirty = {}
            for name in today.named:
                group = self.group_of(name)
                if group is not None:
                    dirty[group.members] = group
        out = s.book.outstanding
        least = quiet_bound(out, s.terms) if out else None
        quiet = QUIET[in_force]
        persons, held, specially = s.persons, s.book.holdings, s.terms.specially_named
        for _, group in sorted(dirty.items(), key=lambda kv: kv[1].label):
            members = group.members
            if (
                least is not None
                and len(members) == 1
                and persons[members[0]] == quiet
                and held.get(members[0], 0) < least
                and members[0] not in specially
                and members[0] not in s.inadvertence
                and members[0] not in s.book.derivatives
            ):
                continue  # a lone quiet holder that stays under every level: nothing changes
            self._judge(day, group, today, fell)
        s.last_outstanding = outstanding
        self._stock_acquisition(day, today)
        reached = s.life.reach_distribution(s.terms, day, s.in_force)
        if reached is not None:
            self.changes.append(Change(reached, "plan", "dd"))

    def _candidates(self, today: Today, all_groups: bool) -> dict[tuple[str, ...], Group]:
        """The groups to judge on a day when shares outstanding, the terms, the links or the
        calendar moved. A group is passed over only when judging it would change nothing: each
        member's record is the quiet one (status below, or plan_not_in_force, and nothing else),
        the group is one holder under 5% and under the threshold, not named by the plan, not
        pending an inadvertence determination, and not named today."""
        s = self.s
        if all_groups:
            return {g.members: g for g in self._members.values()}
        quiet = QUIET[s.in_force]
        names = {name for name, person in s.persons.items() if person != quiet}
        names.update(today.named, s.inadvertence, s.terms.specially_named, s.book.derivatives)
        out = s.book.outstanding
        if out:
            least = quiet_bound(out, s.terms)
            names.update(h for h, n in s.book.holdings.items() if n >= least)
        dirty: dict[tuple[str, ...], Group] = {}
        for name in names:
            group = self.group_of(name)
            if group is not None:
                dirty[group.members] = group
        return dirty

    def _tenders(self, day: date, today: Today) -> None:
        """Tender offers of the date, in log order. An offer counts when it "would result in"
        beneficial ownership of the threshold: what the offeror's group holds (as the plan
        counts it) at the end of the date, plus the percent it seeks."""
        s = self.s
        for seq, ev in today.tenders:
            if isinstance(ev, TenderOfferTerminated):
                s.life.terminate_tender(ev.person, day)
                continue
            group = self.group_of(ev.person)
            members = group.members if group is not None else (ev.person,)
            held = Fraction(0)
            if s.book.outstanding:
                counted, _ = rights(s.book, members, day, s.terms.derivatives)
                shares = sum(s.book.held(m) for m in members) + counted
                held = percent(shares, s.book.outstanding + counted)
            due = s.life.commence_tender(s.terms, day, seq, ev.person, ev.percent_sought, held)
            if due is not None:
                self._due(due, seq)

    def _lapse_on_intent(self, day: date, today: Today) -> None:
        for seq, person in today.intents:
            group = self.group_of(person)
            names = group.names if group else frozenset({person})
            self.s.terms, lapsed = plan.lapse(self.s.terms, names, "control_intent")
            for exemption in lapsed:
                today.everyone = True
                self._lapsed(day, (person,), seq, exemption, "control_intent")

    def _lapse_on_disposition(self, day: date, today: Today) -> None:
        """An exemption marked `ends_on_disposition` ends on a date its group disposes, net, of
        any shares: a net outflow to persons outside it (a sale, a transfer out, shares taken
        back by the company), rights to acquire shares aside."""
        marked = [ex for ex in self.s.terms.exemptions.values() if ex.ends_on_disposition]
        for exemption in marked:
            group = self.group_of(exemption.person)
            if group is None or exemption.person not in self.s.terms.exemptions:
                continue
            members = group.member_set
            flow: Amount = 0
            for member in group.members:
                flow -= today.rights.get(member, 0)
                for delta, other in today.moves.get(member, ()):
                    if other is None or other not in members:
                        flow += delta
            if flow >= 0:
                continue
            self.s.terms, lapsed = plan.lapse(self.s.terms, group.names, "disposition")
            seq = max((today.cause[m] for m in group.members if m in today.cause), default=None)
            for ex in lapsed:
                today.everyone = True
                self._lapsed(day, group.members, seq, ex, "disposition")

    def _lapsed(
        self,
        day: date,
        persons: tuple[str, ...],
        seq: int | None,
        ex: plan.Exemption,
        why: plan.Lapse,
    ) -> None:
        detail = (ex.person, ex.amendment or "", why)
        self.changes.append(Change(day, "plan", "lapse", None, persons, seq, detail=detail))

    def _register_determinations(self, day: date, today: Today) -> None:
        s = self.s
        for seq, ev in today.determinations:
            if ev.divest_by < day:
                self._plan(day, "after_divest_by", seq, ev)
                continue
            group = self.group_of(ev.person)
            members = group.members if group else (ev.person,)
            for member in members:
                s.inadvertence[member] = Determination(seq, ev.divest_by)
                person = s.persons.get(member, NEWCOMER)
                if person.ap_from is not None:
                    # Cured by the divest-by date, the group never was an Acquiring Person: the
                    # interval this crossing opened is withdrawn (reopened the day after the
                    # deadline if the group is still over its limit then).
                    person = person._replace(ap_from=None, ap_flags=())
                s.persons[member] = person
            today.named.update(members)
            self._due(ev.divest_by + _DAY, seq)
            self._plan(day, "event", seq, ev)
            self._suspend_sad(day, seq, group.names if group else frozenset({ev.person}))

    def _suspend_sad(self, day: date, seq: int, names: frozenset[str]) -> None:
        """A Stock Acquisition Date resting on the crossing the Board found inadvertent waits
        with it: cured, the group never was an Acquiring Person and its announcement was of
        none; not cured, the group is one from the day after the divest-by date (see `_judge`).
        A Distribution Date already reached stays."""
        life = self.s.life
        sad = life.sad
        if sad is None or life.fixed_distribution is not None or sad.holder not in names:
            return
        life.sad, life.suspended = None, sad
        detail = (sad.holder, sad.date.isoformat())
        self.changes.append(Change(day, "plan", "sad_suspended", None, (sad.holder,), seq,
                                   detail=detail))  # fmt: skip

    def _resume_sad(self, day: date, group: Group, cured: bool) -> None:
        """The crossing a suspended Stock Acquisition Date rests on is settled today."""
        life = self.s.life
        sad = life.suspended
        if sad is None or sad.holder not in group.names:
            return
        life.suspended = None
        if cured or life.sad is not None or not self.s.in_force:
            gone = (sad.holder, sad.date.isoformat())
            self.changes.append(Change(day, "plan", "sad_withdrawn", None, (sad.holder,), sad.seq,
                                       detail=gone))  # fmt: skip
            return
        due = life.stock_acquisition(self.s.terms, sad._replace(date=day))
        detail = (sad.holder, str(sad.shares), sad.date.isoformat())
        self.changes.append(Change(day, "plan", "sad", None, (sad.holder,), sad.seq, detail=detail))
        if due is not None:
            self._due(due, sad.seq)

    def _acquired(self, group: Group, today: Today) -> bool:
        """Did the group acquire shares today: a net inflow from outside it, or a link that joined
        two parts that both held shares (each acquires the other's)."""
        members = group.member_set
        inflow: Amount = 0
        for member in group.members:
            for delta, other in today.moves.get(member, ()):
                if other is None or other not in members:
                    inflow += delta
        if inflow > 0:
            return True
        if len(group.members) < 2:
            return False
        persons, held = self.s.persons, self.s.book.holdings
        parts = {persons[m].group or (m,) for m in group.members}
        holding = [p for p in parts if any(held.get(h, 0) > 0 for h in p if h in members)]
        return len(holding) >= 2

    def _judge(self, day: date, group: Group, today: Today, fell: bool) -> None:
        s = self.s
        members = group.members
        people = [s.persons[m] for m in members]
        held = s.book.holdings
        shares = sum(held.get(m, 0) for m in members)
        counted, rule = rights(s.book, members, day, s.terms.derivatives)
        outstanding = s.book.outstanding
        in_force = s.in_force
        plan_out = outstanding + counted if outstanding else outstanding
        limit = self._limit(day, group, today, shares + counted, plan_out) if in_force else None
        determination = next((s.inadvertence[m] for m in members if m in s.inadvertence), None)
        verdict = judge(
            Facts(
                day,
                in_force,
                plan_out,
                shares + counted,
                limit,
                self._acquired(group, today) if limit is not None else False,
                fell,
                today.split,
                any(p.ap_from is not None for p in people),
                any(p.passive for p in people),
                any(p.breaching for p in people),
                determination.divest_by if determination else None,
            )
        )
        if verdict.clear_inadvertence:
            for m in members:
                s.inadvertence.pop(m, None)
            if determination is not None:
                self._resume_sad(day, group, cured=not verdict.breach)
        if limit is not None and limit.basis == "grandfathered":
            self._keep_grandfathered(members, verdict.breach, shares + counted)
        causes = [today.cause[m] for m in members if m in today.cause]
        cause = max(causes) if causes else today.last
        initial = "below" if in_force else "plan_not_in_force"
        before = sorted({p.status or initial for p in people})
        status = verdict.status
        label = group.label
        if before != [status]:
            was = " | ".join(before)
            self.changes.append(Change(day, "status", "status", label, members, cause, was, status))
        previous: dict[str, Level] = {}
        for person in people:
            for level in person.levels:
                previous[level.key] = level
        levels, up = levels_beyond(
            (shares + counted, outstanding + counted if outstanding else outstanding),
            (shares + rule, outstanding + rule if outstanding else outstanding),
            s.terms,
            limit if in_force else None,
        )
        for what, level, was_level in crossings(levels, up, previous):
            self.changes.append(
                Change(day, "crossing", what, label, members, cause, level=level, was=was_level)
            )
        now_up = tuple(up.values())
        together = members if len(members) > 1 else ()
        for member, person in zip(members, people, strict=True):
            person = apply_verdict(person, verdict, day)
            s.persons[member] = person._replace(status=status, levels=now_up, group=together)

    def _limit(
        self, day: date, group: Group, today: Today, shares: Amount, outstanding: Amount | None
    ) -> Limit | None:
        """The group's limit at the end of the date (the plan in force). On the adoption date a
        group at or over the threshold is grandfathered when the plan says so; a grandfathered
        group back under the threshold is no longer spared."""
        s = self.s
        if not outstanding:
            return None
        limit = limit_for(s.terms, group, s.book.held, s.grandfathered)
        adopted = today.adopted
        if (
            limit.basis == "threshold"
            and adopted is not None
            and s.terms.grandfathering
            and limit.breached(shares, outstanding)
        ):
            spared = Grandfathered(shares, adopted, day)
            for member in group.members:
                s.grandfathered[member] = spared
            return limit_for(s.terms, group, s.book.held, s.grandfathered)
        if limit.basis == "grandfathered":
            threshold = threshold_limit(s.terms)
            if not threshold.breached(shares, outstanding):
                for member in group.members:
                    s.grandfathered.pop(member, None)
                return limit_for(s.terms, group, s.book.held, s.grandfathered)
        return limit

    def _keep_grandfathered(self, members: tuple[str, ...], breach: bool, shares: Amount) -> None:
        """Grandfathering ends with a breach (the group acquired more); a disposition lowers the
        cap to what is left, so buying back is acquiring additional shares."""
        s = self.s
        for member in members:
            spared = s.grandfathered.get(member)
            if spared is None:
                continue
            if breach:
                del s.grandfathered[member]
            elif shares < spared.shares:
                s.grandfathered[member] = spared._replace(shares=shares)

    # --- SAD ---------------------------------------------------------------------------------

    def _stock_acquisition(self, day: date, today: Today) -> None:
        s = self.s
        if s.life.sad is not None or not s.in_force:
            return
        for seq, holder, shares in today.reports:
            group = self.group_of(holder)
            if group is None:
                continue
            if s.persons[group.members[0]].status == "acquiring_person":
                due = s.life.stock_acquisition(s.terms, Sad(day, seq, holder, shares))
                self.changes.append(
                    Change(day, "plan", "sad", None, (holder,), seq, detail=(holder, str(shares)))
                )
                if due is not None:
                    self._due(due, seq)
                return
