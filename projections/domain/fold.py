"""The fold: walk an issuer's events date by date, one handler per event type, over a state value.

Boundary: the records given (events recorded at or before the view's `known_at`, in replay order
`(effective_date, seq)`), less those whose seq is in `voided`, through `until`. The ledger is
date-granular: each date's events are applied in log order, then every group whose standing can
have changed is judged on the state at the end of that date, so a crossing undone within the same
date is not a crossing and an amendment and a purchase on the same date are judged together. Dates
with no events are visited when something falls due on them (a divest-by deadline, the day after
an expiration, a Distribution Date).

Each event type has exactly one handler (`_apply` dispatches with `match`, ending in
`assert_never`, so a type without one fails the type check). Handlers change the working state;
`projections.domain.judge` decides; the timeline is recorded as data (`Change`) and worded
elsewhere.

Only what can have changed is judged again: the groups of the persons the day's events name, and
every group when shares outstanding, the plan terms, the links or the calendar moved; even then a
group with nothing to say (under every level, no standing to keep, not named by the plan) is
passed over, since judging it would change nothing.

Longer than the ~300 lines STYLE.md asks: one handler per kind of event (about twenty-five types);
the judging half is in deciding.py.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Iterator
from datetime import date, timedelta
from itertools import chain, groupby
from typing import assert_never

from owl.ledger.events import (
    AffiliationEnded,
    AffiliationFormed,
    BoardApprovalGranted,
    ControlIntentDeclared,
    DerivativeAcquired,
    DerivativeDisposed,
    DerivativeReported,
    Event,
    EventVoided,
    FiscalYearEndReported,
    HoldingReported,
    InadvertenceDetermined,
    IssuerIdentified,
    OutstandingReported,
    PersonIdentified,
    RightsAgreementAdopted,
    RightsAgreementAmended,
    RightsRedeemed,
    SecurityClassReported,
    SharesAcquired,
    SharesDisposed,
    SharesIssued,
    SharesPurchased,
    SharesRepurchased,
    SharesSold,
    SharesTransferred,
    StockSplit,
    TenderOfferCommenced,
    TenderOfferTerminated,
    involved,
)
from owl.ledger.log import Recorded
from owl.ledger.shares import Amount, norm
from owl.projections.domain import rules
from owl.projections.domain import terms as plan
from owl.projections.domain.beneficial import apply_right, due_dates, plan_counts
from owl.projections.domain.causes import likely_cause
from owl.projections.domain.deciding import Deciding, Today
from owl.projections.domain.groups import Group, alone
from owl.projections.domain.lifecycle import Lifecycle
from owl.projections.domain.state import (
    NEWCOMER,
    Book,
    Change,
    CountReport,
    FoldState,
    Reconciliation,
    Statement,
)

_DAY = timedelta(days=1)


class Fold(Deciding):
    """Folds records into `state` (which it changes: give it a clone of a state to keep)."""

    def __init__(self, state: FoldState, voided: Iterable[int] = ()) -> None:
        self.s = state
        self.voided = frozenset(voided)
        self.changes: list[Change] = []
        self._members: dict[str, Group] = {}  # person -> its group
        self._labels: dict[str, Group] = {}  # label -> its group
        self._grouped = False

    # --- the walk ----------------------------------------------------------------------------

    def run(
        self,
        records: Iterable[Recorded],
        until: date | None,
        each_day: Callable[[date, int], None] | None = None,
    ) -> date | None:
        """Fold the records through `until` (None: through the last date anything happens or
        falls due); return the last date folded. `each_day(day, events)` is called after each
        date with the number of events counted so far (checkpoints are taken there)."""
        days = groupby(_events(records), key=lambda r: r.event.effective_date)
        pending = next(days, None)
        last = self.s.through
        schedule = self.s.schedule
        while pending is not None or schedule:
            next_event = pending[0] if pending is not None else None
            next_due = schedule[0] if schedule else None
            day = min(d for d in (next_event, next_due) if d is not None)
            if until is not None and day > until:
                break
            due = False
            causes = self.s.due_causes
            cause: int | None = None
            while schedule and schedule[0] <= day:
                passed = heapq.heappop(schedule)
                due = True
                set_by = causes.pop(passed, None)
                if set_by is not None and (cause is None or set_by > cause):
                    cause = set_by
            # A date's events are streamed through, not held (a date may have millions); the
            # group is consumed before the next date is asked for.
            todays: Iterable[Recorded] = ()
            has_events = False
            eventful = pending is not None and pending[0] == day
            if eventful:
                assert pending is not None
                live = self._live(pending[1])
                first = next(live, None)
                if first is not None:
                    todays, has_events = chain((first,), live), True
            if not (last is not None and day <= last and not has_events):
                self._day(day, todays, due, cause)
                last = self.s.through = day
                if each_day is not None:
                    each_day(day, self.s.counted)
            # (else a deadline already passed before this state was taken)
            if eventful:
                pending = next(days, None)
        if until is not None and last != until and (last is None or last < until):
            self._day(until, [], False)
            last = self.s.through = until
        return last

    def _live(self, records: Iterable[Recorded]) -> Iterator[Recorded]:
        """A date's records, counted, less the voided ones."""
        voided, s = self.voided, self.s
        for record in records:
            s.counted += 1
            if record.seq not in voided:
                yield record

    def _day(
        self, day: date, records: Iterable[Recorded], due: bool, cause: int | None = None
    ) -> None:
        today = Today(everyone=due)
        today.last = cause
        for record in records:
            self._apply(day, record, today)
        self._evaluate(day, today)

    # --- applying one event ------------------------------------------------------------------

    def _apply(self, day: date, record: Recorded, today: Today) -> None:
        ev = record.event
        seq = record.seq
        today.last = seq
        persons = self.s.persons
        for name in involved(ev):
            if name not in persons:
                persons[name] = NEWCOMER
                if self._grouped and name not in self._labels:
                    self._members.setdefault(name, alone(name))
            today.named.add(name)
            today.cause[name] = seq
        match ev:
            case SharesPurchased() | SharesSold() | SharesAcquired() | SharesDisposed():
                # One account, no capital change: the rules' signed move, without the tuples.
                self._add(today, self._book(ev.security), ev.holder, rules.signed(ev), None,
                          ev.nature)  # fmt: skip
            case SharesTransferred() | SharesIssued() | SharesRepurchased() | OutstandingReported():
                self._shares(day, seq, ev, today)
            case StockSplit():
                self._shares(day, seq, ev, today)
                if (ev.security or "") == self.s.terms.security:
                    today.split = True
                    self.s.grandfathered = {
                        m: g._replace(shares=rules.scaled(g.shares, ev.numerator, ev.denominator))
                        for m, g in self.s.grandfathered.items()
                    }
            case HoldingReported():
                self._reported(day, seq, ev, today)
            case DerivativeAcquired() | DerivativeDisposed() | DerivativeReported():
                self._derivative(day, seq, ev, today)
            case AffiliationFormed() | AffiliationEnded():
                rules.relink(self.s.links, seq, ev)
                today.everyone = today.links_changed = True
            case ControlIntentDeclared():
                today.intents.append((seq, ev.person))
            case (
                PersonIdentified()
                | IssuerIdentified()
                | FiscalYearEndReported()
                | SecurityClassReported()
            ):
                pass  # who is who: read by the views, no bearing on the plan
            case RightsAgreementAdopted():
                life = self.s.life
                if life.ended or life.redemption is not None:
                    self.s.terms, self.s.life, self.s.inadvertence = plan.Terms(), Lifecycle(), {}
                self.s.grandfathered = {}  # who is spared is decided at the end of this date
                today.adopted = seq
                self._terms(day, seq, plan.adopt(self.s.terms, seq, ev), today)
            case RightsAgreementAmended():
                life = self.s.life
                if life.ended or life.redemption is not None:
                    self._plan(day, "after_end", seq, ev)
                else:
                    self._terms(day, seq, plan.amend(self.s.terms, seq, ev), today)
            case BoardApprovalGranted():
                self.s.terms = plan.approve(self.s.terms, seq, ev)
                today.everyone = True
                self._plan(day, "event", seq, ev)
            case InadvertenceDetermined():
                today.determinations.append((seq, ev))
            case TenderOfferCommenced():
                today.tenders.append((seq, ev))  # judged at the end of the date, with holdings
                self._plan(day, "event", seq, ev)
            case TenderOfferTerminated():
                today.tenders.append((seq, ev))
                self._plan(day, "event", seq, ev)
            case RightsRedeemed():
                outcome, after = self.s.life.redeem(self.s.terms, day, seq)
                what = {"redeemed": "redeemed", "no_plan": "redemption_no_plan"}.get(
                    outcome, "redemption_out_of_window"
                )
                detail = (after.isoformat(),) if after is not None else ()
                self.changes.append(Change(day, "plan", what, seq=seq, detail=detail))
                today.everyone = True
            case EventVoided():
                pass  # corrections act before the fold: the voided events are never given
            case _:
                assert_never(ev)

    def _shares(self, day: date, seq: int, ev: Event, today: Today) -> None:
        """Apply the rules' moves and change of shares outstanding (`projections.domain.rules`)."""
        change = rules.capital_change(ev)
        if change is not None:
            book = self._book(change.security)
            before = book.outstanding
            book.outstanding = rules.outstanding_after(before, change)
            if change.ratio is not None:
                _split(book, *change.ratio)
            if change.reported is not None:
                book.report, book.adjustments = seq, []
                book.reports.append(CountReport(seq, day, change.reported))
            elif before is not None:
                book.adjustments.append(seq)
        for (holder, security, nature), delta, other in rules.moves(ev):
            self._add(today, self._book(security), holder, delta, other, nature)

    def _book(self, security: str | None) -> Book:
        """The book of a class: the plan's own, or another class's."""
        name = security or ""
        if name == self.s.terms.security:
            return self.s.book
        book = self.s.others.get(name)
        if book is None:
            book = self.s.others[name] = Book()
        return book

    def _add(
        self,
        today: Today,
        book: Book,
        holder: str,
        delta: Amount,
        other: str | None,
        nature: str | None = None,
    ) -> None:
        holdings = book.holdings
        held = holdings.get(holder, 0) + delta
        holdings[holder] = held if type(held) is int else norm(held)
        if nature:
            key = (holder, nature)
            inside = book.indirect.get(key, 0) + delta
            book.indirect[key] = inside if type(inside) is int else norm(inside)
        if book is not self.s.book:
            return  # only the plan's class moves a group's standing
        moves = today.moves.get(holder)
        if moves is None:
            today.moves[holder] = [(delta, other)]
        else:
            moves.append((delta, other))

    def _reported(self, day: date, seq: int, ev: HoldingReported, today: Today) -> None:
        book = self._book(ev.security)
        group = self._label(ev.holder)
        nature = ev.nature or ""
        if group is not None:  # a group's label: a checkpoint of the group's total
            computed = sum(book.held(m) for m in group.members)
            taken = followed = False
        else:
            computed = book.account(ev.holder, nature)
            kind = rules.report_kind(ev)
            taken = kind is not None and rules.report_adds(computed, ev.shares, kind) != 0
            # (a filing's opening of an empty account opens it: not a break)
            followed = taken and kind == rules.FOLLOW and not (ev.opening and computed == 0)
        if book is self.s.book and ev.public:  # a filer's statement of its holding
            book.statements[ev.holder] = Statement(day, seq)
        self._reconcile(book, day, seq, ev.holder, nature, "", ev.shares, computed, taken, ev,
                        followed)  # fmt: skip
        if taken:
            self._add(today, book, ev.holder, ev.shares - computed, None, ev.nature)
        if ev.public and book is self.s.book:
            today.reports.append((seq, ev.holder, ev.shares))

    def _reconcile(
        self,
        book: Book,
        day: date,
        seq: int,
        holder: str,
        nature: str,
        series: str,
        reported: Amount,
        computed: Amount,
        taken: bool,
        ev: HoldingReported | DerivativeReported,
        followed: bool = False,
    ) -> None:
        """Record a report that differs from the computed position (and whether it only goes on
        with the account's open offset); remember the account's offset for the next report. A
        followed report (a filing's holding after a row) is a break with its likely cause (the
        missing history, where the ledger's position had gone below zero), after which the
        account follows the filing."""
        account = (holder, nature, series)
        difference = reported - computed
        previous, since = book.differences.get(account, (0, seq))
        last = book.last_reports.get(account)
        book.last_reports[account] = (day, reported, reported if taken else computed)
        if taken or difference == 0:
            book.differences.pop(account, None)
        else:
            book.differences[account] = (difference, since if previous == difference else seq)
        if difference == 0:
            return
        adopted = taken and isinstance(ev, HoldingReported) and ev.adopt
        opening = taken and not adopted and not followed
        stated = ev.percent if isinstance(ev, HoldingReported) else None
        if followed and computed < 0:
            cause = f"history_missing:{computed}"
        elif followed:
            cause = likely_cause(last, reported, computed, stated, book.reports, day)
        elif taken:
            cause = ""
        else:
            cause = likely_cause(last, reported, computed, stated, book.reports, day)
        book.reconciliations.append(
            Reconciliation(
                day,
                holder,
                reported,
                computed,
                adopted,
                seq,
                nature,
                series,
                opening,
                not taken and previous == difference,
                cause,
                followed,
            )
        )

    def _derivative(
        self,
        day: date,
        seq: int,
        ev: DerivativeAcquired | DerivativeDisposed | DerivativeReported,
        today: Today,
    ) -> None:
        book = self._book(ev.security)
        key, before, after = apply_right(book.derivatives, ev)
        if isinstance(ev, DerivativeReported):
            taken = after != before
            self._reconcile(book, day, seq, ev.holder, ev.nature or "", key, ev.quantity,
                            before.quantity, taken, ev)  # fmt: skip
        for due in due_dates(after, day):
            self._due(due, seq)
        mode = self.s.terms.derivatives
        if book is self.s.book:
            counted = after.underlying if plan_counts(after, day, mode) else 0
            counted -= before.underlying if plan_counts(before, day, mode) else 0
            if counted:
                self._add_right(today, ev.holder, counted)

    def _add_right(self, today: Today, holder: str, delta: Amount) -> None:
        """A right the plan counts is beneficial ownership: acquiring one is an acquisition."""
        today.rights[holder] = today.rights.get(holder, 0) + delta
        moves = today.moves.get(holder)
        if moves is None:
            today.moves[holder] = [(delta, None)]
        else:
            moves.append((delta, None))

    def _terms(self, day: date, seq: int, terms: plan.Terms, today: Today) -> None:
        if terms.security != self.s.terms.security:  # the plan covers another class now
            self.s.others[self.s.terms.security] = self.s.book
            others = self.s.others
            self.s.book = others.pop(terms.security) if terms.security in others else Book()
        self.s.terms = terms
        if terms.expires_on is not None:
            self._due(terms.expires_on + _DAY, seq)
        today.everyone = True
        self._plan(day, "event", seq, None)


def _events(records: Iterable[Recorded]) -> Iterator[Recorded]:
    """The records the fold applies: corrections act before it (see `Fold`)."""
    return (r for r in records if not isinstance(r.event, EventVoided))


def _split(book: Book, numerator: int, denominator: int) -> None:
    """Every account of the class multiplies, each rounded down on its own (`rules.scaled`);
    a holder's total is its direct account plus its indirect ones."""
    indirect = {k: rules.scaled(n, numerator, denominator) for k, n in book.indirect.items()}
    inside: dict[str, Amount] = {}
    for (holder, _), n in book.indirect.items():
        inside[holder] = inside.get(holder, 0) + n
    holdings = {}
    for holder, total in book.holdings.items():
        holdings[holder] = rules.scaled(total - inside.get(holder, 0), numerator, denominator)
    for (holder, _), n in indirect.items():
        holdings[holder] = holdings.get(holder, 0) + n
    book.holdings, book.indirect = holdings, indirect
