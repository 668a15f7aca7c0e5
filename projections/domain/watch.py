"""What the securities-law obligations need from a fold, collected date by date.

The fold decides rights-plan status; the obligations (`projections.domain.obligations`) need, beside
its crossings of 5% and 10%, a little more of each date's end: each group's beneficial ownership as
Rule 13d-3 counts it (shares, plus rights exercisable within 60 days, of the shares outstanding
plus those rights) whenever it moves while the group is over 5% (`Point`); each transaction of a
member of a group that was over 10% at the end of the previous date judged (`Transaction`: a
Form 4 is owed for it); each declared control intent with the group declaring it; and the
filings in the log that count (`projections.domain.filings`), with whom they concern.

One `Watch` per class of the issuer's equity: each is told every record as the fold reads it
(`note`) and is called at the end of each date (`each_day`). It keeps only what concerns groups
over 5% (and insiders), so it stays small however long the history.

Longer than the ~300 lines STYLE.md asks: one collector, whose parts (points, transactions,
insiders, the reported count, rights acquired with a control purpose) are read on the same date.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import NamedTuple

from owl.ledger.events import (
    REPORTS,
    TRANSACTIONS,
    ControlIntentDeclared,
    DerivativeAcquired,
    Event,
    FiscalYearEndReported,
    OutstandingReported,
    PersonIdentified,
    SecurityClassReported,
    SharesIssued,
    SharesRepurchased,
    SharesTransferred,
    StockSplit,
    involved,
)
from owl.ledger.log import Recorded
from owl.ledger.shares import Amount
from owl.projections.domain import filings
from owl.projections.domain.beneficial import control_rights, rights, series_key
from owl.projections.domain.fold import Fold
from owl.projections.domain.groups import Group


class Point(NamedTuple):
    """A group's Rule 13d-3 holding at the end of a date on which it moved (over 5%, or just
    back from over it)."""

    date: date
    label: str
    members: tuple[str, ...]
    names: frozenset[str]
    held: Amount  # shares plus rights exercisable within 60 days
    base: Amount  # shares outstanding plus those rights
    before: Amount  # held at the group's previous point (0: the first)
    first: bool  # the first date the ledger sees the group hold anything
    cause: int | None  # the date's latest event naming a member (else moving capital); None: none
    cause_type: str | None
    adopted: bool  # the cause is a report taken as the position (no trades behind it on record)

    @property
    def over_five(self) -> bool:
        return self.held * 100 > 5 * self.base


class Transaction(NamedTuple):
    """A change in a holding by a member of a group over 10% at the end of the previous date,
    or by a director or officer of the issuer."""

    seq: int
    date: date
    type: str
    persons: tuple[str, ...]
    label: str
    names: frozenset[str]
    filing: str | None  # the key of the filing the event itself was read from, if one counts
    insider: bool = False  # a director or officer made it (owed whatever its holding)
    deferred: str | None = None  # eligible for a Form 5 instead of a Form 4: what it is


class Intent(NamedTuple):
    seq: int
    date: date
    label: str
    names: frozenset[str]


def is_transaction(ev: Event) -> bool:
    """A change in what a holder owns: not a report of it, not a split (Rule 16a-9), not a move
    between two accounts of one holder (Rule 16a-13)."""
    if isinstance(ev, SharesTransferred):
        return ev.from_holder != ev.to_holder
    if isinstance(ev, SharesIssued | SharesRepurchased):
        return ev.holder is not None
    return isinstance(ev, TRANSACTIONS)


def _cause(records: list[Recorded]) -> Recorded | None:
    """The latest event that moved the group (a trade, a report taken as the position, a link),
    else the latest naming it."""
    movers = [r for r in records if is_transaction(r.event) or _taken(r) or _links(r.event)]
    found = movers or records
    return max(found, key=lambda r: r.seq) if found else None


def _links(ev: Event) -> bool:
    return type(ev).changes_links


def _taken(record: Recorded) -> bool:
    """Is this report the position itself (adopted, or an opening), not a checkpoint?"""
    ev = record.event
    return isinstance(ev, REPORTS) and bool(
        getattr(ev, "adopt", False) or getattr(ev, "opening", False)
    )


class Watch:
    def __init__(self, fold: Fold, security: str = "") -> None:
        self.fold = fold
        self.security = security  # the class watched ("": the common stock)
        self.voting: bool | None = None  # as a SecurityClassReported says (None: not stated)
        self.points: list[Point] = []
        self.transactions: list[Transaction] = []
        self.intents: list[Intent] = []
        self.filings: dict[str, filings.Filing] = {}
        self.last_day: date | None = None
        self._today: dict[date, list[Recorded]] = {}
        self._last: dict[str, tuple[Amount, Amount]] = {}  # label -> (held, base) when last seen
        self._tracked: dict[str, str] = {}  # a member of each group ever over 5% -> its label
        self._over_ten: dict[str, tuple[str, frozenset[str]]] = {}  # member -> (label, names)
        self._insiders: set[str] = set()  # directors and officers, from the filings that say so
        # Each insider as first known from its own Form 3: (date it became one, seq, person, role)
        self.became: list[tuple[date, int, str, str]] = []
        # ... and first known otherwise: (date, seq, person, role, what named it so)
        self.became_unknown: list[tuple[date, int, str, str, str]] = []
        self._outstanding: Amount | None = None
        self._reported: Amount | None = None  # shares outstanding as the issuer last reported them
        self._intending: set[str] = set()  # who declared a control intent
        self._control: dict[str, set[str]] = {}  # holder -> rights acquired with that purpose
        self.fiscal: list[tuple[date, str]] = []  # (from, month_day) of the issuer's fiscal year

    def note(self, record: Recorded) -> None:
        """A record the fold is about to read, kept for the end of its date."""
        self._today.setdefault(record.event.effective_date, []).append(record)

    def __call__(self, day: date, counted: int) -> None:
        fold = self.fold
        todays = [r for r in self._today.pop(day, []) if r.seq not in fold.voided]
        self.last_day = day
        latest: dict[str, Recorded] = {}
        capital: Recorded | None = None
        for record in todays:  # who is a director or officer, before the date's transactions
            ev = record.event
            if isinstance(ev, PersonIdentified) and (ev.director or ev.officer):
                first = ev.person not in self._insiders
                self._insiders.add(ev.person)
                form = ev.filing.form.upper() if ev.filing is not None else None
                role = "director" if ev.director else (ev.officer or "officer")
                if first and form in ("3", "3/A"):  # its Form 3 dates when it became one
                    self.became.append((day, record.seq, ev.person, role))
                elif first:  # first known from a later form: when it became one is unknown
                    source = f"a Form {form}" if form else "an event with no filing"
                    self.became_unknown.append((day, record.seq, ev.person, role, source))
        for record in todays:  # the count the issuer last reported (Rule 13d-1(j))
            ev = record.event
            if (
                isinstance(ev, OutstandingReported | StockSplit)
                and (ev.security or "") == self.security
            ):
                if isinstance(ev, OutstandingReported):
                    self._reported = ev.shares
                elif self._reported is not None:
                    self._reported = self._reported * ev.numerator // ev.denominator
        self._with_control_purpose(todays)
        for record in todays:
            ev = record.event
            if (getattr(ev, "security", None) or "") == self.security:
                for name in involved(ev):
                    latest[name] = record
            if type(ev).moves_capital and not involved(ev):
                capital = record
            if is_transaction(ev) and (getattr(ev, "security", None) or "") == self.security:
                self._transaction(day, record)
            if isinstance(ev, SecurityClassReported) and (ev.security or "") == self.security:
                self.voting = ev.voting
        self._judge(day, latest, capital)
        for record in todays:
            ev = record.event
            if isinstance(ev, FiscalYearEndReported):
                self.fiscal.append((day, ev.month_day))
            if isinstance(ev, ControlIntentDeclared):
                group = fold.group_of(ev.person)
                label = group.label if group is not None else ev.person
                self.intents.append(Intent(record.seq, day, label, self._names((ev.person,))))
            if filings.evidence(ev) is not None:
                persons = involved(ev)
                filings.add(self.filings, record, self._names(persons), frozenset(persons))

    def _with_control_purpose(self, todays: list[Recorded]) -> None:
        """Note the rights acquired by a holder whose group has declared a control intent (on
        the date or before): Rule 13d-3(d)(1)(i) counts them at once."""
        for record in todays:
            if isinstance(record.event, ControlIntentDeclared):
                self._intending.add(record.event.person)
        for record in todays:
            ev = record.event
            if isinstance(ev, DerivativeAcquired) and self._names((ev.holder,)) & self._intending:
                self._control.setdefault(ev.holder, set()).add(series_key(ev))

    def _names(self, persons: Iterable[str]) -> frozenset[str]:
        """The persons, and every name of their groups at the end of the date."""
        found: set[str] = set()
        for person in persons:
            found.add(person)
            group = self.fold.group_of(person)
            if group is not None:
                found.update(group.names)
        return frozenset(found)

    def _transaction(self, day: date, record: Recorded) -> None:
        """A transaction of a 10% owner (over 10% at the end of the previous date) or of a
        director or officer (any transaction: Rule 16a-2(c) exempts the crossing trade only of
        a person not otherwise subject to Section 16) owes a Form 4."""
        named = involved(record.event)
        persons = [p for p in named if p in self._over_ten or p in self._insiders]
        if not persons:
            return
        if persons[0] in self._over_ten:
            label, names = self._over_ten[persons[0]]
        else:
            label, names = persons[0], self._names((persons[0],))
        ev = record.event
        found = filings.evidence(ev)
        key = None
        if found is not None:
            key = found[4] or f"seq:{record.seq}"
        self.transactions.append(
            Transaction(
                record.seq,
                day,
                ev.type,
                tuple(persons),
                label,
                names,
                key,
                any(p in self._insiders for p in persons),
                filings.deferrable(ev),
            )
        )

    def _judge(self, day: date, latest: dict[str, Recorded], capital: Recorded | None) -> None:
        fold = self.fold
        s = fold.s
        book = s.book if self.security == s.terms.security else s.others.get(self.security)
        if book is None:
            return
        # Rule 13d-1(j): a holder may rely on the count the issuer last reported, so a fall in
        # shares outstanding it has not reported moves no one over a level; a rise counts at once
        outstanding = max(book.outstanding, self._reported or 0) if book.outstanding else 0
        wanted = set(latest) | set(self._tracked) | set(book.derivatives)
        if outstanding != self._outstanding:
            self._outstanding = outstanding
            if outstanding:  # who can have crossed a level without being named: the big, the linked
                wanted.update(h for h, n in book.holdings.items() if n * 100 > 5 * outstanding)
                wanted.update(name for key in s.links for name in key)
        if not outstanding:
            return
        groups: dict[tuple[str, ...], Group] = {}
        for name in wanted:
            group = fold.group_of(name)
            if group is not None:
                groups[group.members] = group
        for members, group in sorted(groups.items()):  # one order, however the set was filled
            shares = sum(book.held(m) for m in members)
            _, rule = rights(book, members, day, s.terms.derivatives)
            rule += control_rights(book, members, day, self._control)
            held, base = shares + rule, outstanding + rule
            label = group.label
            was = self._last.get(label)
            self._last[label] = (held, base)
            for member in members:
                self._over_ten.pop(member, None)
            if held * 100 > 10 * base:
                for member in members:
                    self._over_ten[member] = (label, group.names)
            over = held * 100 > 5 * base
            was_over = was is not None and was[0] * 100 > 5 * was[1]
            if not (over or was_over) or was == (held, base):
                continue
            self._tracked[members[0]] = label
            before = was[0] if was is not None else 0
            # Named by no event of the date, the group moved through shares outstanding (the
            # capital event is the cause) or through a right coming within 60 days (the date is)
            cause = _cause([latest[n] for n in group.names if n in latest]) or (
                capital if held <= before else None
            )
            self.points.append(
                Point(
                    day,
                    label,
                    members,
                    group.names,
                    held,
                    base,
                    before,
                    before == 0,
                    cause.seq if cause is not None else None,
                    cause.event.type if cause is not None else None,
                    cause is not None and _taken(cause),
                )
            )
