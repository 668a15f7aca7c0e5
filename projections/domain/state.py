"""The fold's state between dates: a plain value a checkpoint stores and reads back exactly.

Everything the fold remembers about an issuer at the end of a date lives in `FoldState`: the
capital book (holdings, shares outstanding and the counts reported), the plan terms, the links in
force, each person's standing under the plan, pending inadvertence determinations, the plan's
life (SAD, Distribution Date, redemption), and the dates on which something falls due. It names
events by `seq`, never by holding them, so its size follows the number of holders and plan facts,
not the length of the history.

The leaves are immutable (named tuples, frozen dataclasses); the containers are dicts and lists
that `clone` copies, so a fold works on its own copy and a checkpoint's state is never changed by
a later fold. `projections.maintained.codec` turns a state into JSON and back, exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal, NamedTuple

from owl.ledger.shares import Amount
from owl.projections.domain.groups import Link, LinkKey
from owl.projections.domain.lifecycle import Lifecycle
from owl.projections.domain.terms import Terms

Status = Literal[
    "below",
    "exempt",
    "approved",
    "passive_crossing",
    "inadvertent_pending",
    "acquiring_person",
    "plan_not_in_force",
]
LevelKey = Literal["5%", "10%", "threshold", "cap"]


class Level(NamedTuple):
    """A level a group can be beyond: 5%, 10%, the plan threshold, or the cap that applies to it.

    The value and test are kept so that a raised cap is a different level from the one before."""

    key: LevelKey
    percent: str | None = None
    test: str | None = None
    basis: str | None = None  # a cap's basis: exemption or approval
    shares: Amount | None = None  # an approval by share count


class Person(NamedTuple):
    """What the fold remembers of one person between dates."""

    ap_from: date | None = None  # an open Acquiring Person interval started then
    intervals: tuple[tuple[date, date], ...] = ()  # closed AP intervals, half-open
    passive: bool = False  # over its limit only through a fall in shares outstanding
    breaching: bool = False  # over its limit at the end of the last date judged
    ap_flags: tuple[str, ...] = ()
    status: Status | None = None
    levels: tuple[Level, ...] = ()  # the levels its group was beyond when last judged
    group: tuple[str, ...] = ()  # its group's members when last judged (empty: alone)


NEWCOMER = Person()
# The record of a holder with nothing to report, by whether the plan is in force.
QUIET: dict[bool, Person] = {
    True: Person(status="below"),
    False: Person(status="plan_not_in_force"),
}


class CountReport(NamedTuple):
    """An `OutstandingReported` count, kept for matching a stated percent to its basis."""

    seq: int
    date: date
    shares: int


class Statement(NamedTuple):
    """The latest `HoldingReported` of a holder."""

    date: date
    seq: int


class Reconciliation(NamedTuple):
    """A stated holding that differed from the computed one, for one account (a holder's shares
    of a class held directly or in one way indirectly, or one series of its derivatives): a
    break; or, adopted, an unexplained change the ledger took on; or, opening, a position a
    filing opened. `continues`: the account's previous report differed by the same amount (a
    constant offset is one break, named at its first report)."""

    date: date
    holder: str
    reported: Amount
    computed: Amount
    adopted: bool
    seq: int
    nature: str = ""  # "" held directly
    series: str = ""  # "" shares; else the derivative series (instrument and terms)
    opening: bool = False
    continues: bool = False
    cause: str = ""  # the likely cause, when one is evident (see projections.domain.causes)
    followed: bool = False  # a filing's holding after a row: the account then follows it

    @property
    def difference(self) -> Amount:
        return self.reported - self.computed

    @property
    def is_break(self) -> bool:
        return self.difference != 0 and not self.adopted and not self.opening

    @property
    def is_new_break(self) -> bool:
        return self.is_break and not self.continues


class Determination(NamedTuple):
    """A Board determination that a crossing was inadvertent, pending until `divest_by`."""

    seq: int
    divest_by: date


class Grandfathered(NamedTuple):
    """A holder at or over the threshold when the plan was adopted: spared while it acquires
    nothing more. `shares` is its cap (what it held then, as the plan counts; lowered when it
    disposes of shares, scaled by splits); `seq` the adoption."""

    shares: Amount
    seq: int
    since: date


class Derivative(NamedTuple):
    """A holder's derivatives of one series: how many, the shares they give, and when."""

    quantity: Amount
    underlying: Amount
    exercisable_from: date | None
    expires_on: date | None
    unknown: bool = False  # exercisable on a date only a footnote gives, and not plainly


# (holder, nature, series): a line of a report (what moves is a `rules.Account`)
StatedLine = tuple[str, str, str]


@dataclass
class Book:
    """One class of stock: holdings per holder and shares "then outstanding".

    Shares then outstanding are the latest `OutstandingReported` count adjusted by company
    issuances, repurchases and splits after it; holder trades never change it. `holdings` are
    each holder's shares however held; `indirect` the part held in each indirect way (the rest
    is held directly). `derivatives` are each holder's series of rights to acquire shares."""

    holdings: dict[str, Amount] = field(default_factory=dict)
    outstanding: Amount | None = None
    report: int | None = None  # seq of the count in force
    adjustments: list[int] = field(default_factory=list)  # seqs that adjusted it since
    reports: list[CountReport] = field(default_factory=list)
    reconciliations: list[Reconciliation] = field(default_factory=list)
    statements: dict[str, Statement] = field(default_factory=dict)
    indirect: dict[tuple[str, str], Amount] = field(default_factory=dict)
    derivatives: dict[str, dict[str, Derivative]] = field(default_factory=dict)
    # Open breaks: each account's offset at its last report, and the report that began it.
    differences: dict[StatedLine, tuple[Amount, int]] = field(default_factory=dict)
    # Each account's last report: (date, reported, computed), to tell what moved since.
    last_reports: dict[StatedLine, tuple[date, Amount, Amount]] = field(default_factory=dict)

    def clone(self) -> Book:
        return Book(
            dict(self.holdings),
            self.outstanding,
            self.report,
            list(self.adjustments),
            list(self.reports),
            list(self.reconciliations),
            dict(self.statements),
            dict(self.indirect),
            {holder: dict(series) for holder, series in self.derivatives.items()},
            dict(self.differences),
            dict(self.last_reports),
        )

    def held(self, holder: str) -> Amount:
        return self.holdings.get(holder, 0)

    def account(self, holder: str, nature: str) -> Amount:
        """What one account holds: shares held in that indirect way, or (nature "") directly."""
        if nature:
            return self.indirect.get((holder, nature), 0)
        inside = sum(n for (h, _), n in self.indirect.items() if h == holder)
        return self.held(holder) - inside


@dataclass
class FoldState:
    """An issuer's state at the end of `through` (None: before its first event)."""

    issuer: str
    through: date | None = None
    counted: int = 0  # events given to the fold (voided ones included), for `events_known`
    book: Book = field(default_factory=Book)  # the class the plan covers ("" the common stock)
    others: dict[str, Book] = field(default_factory=dict)  # every other class, by its name
    terms: Terms = field(default_factory=Terms)
    links: dict[LinkKey, Link] = field(default_factory=dict)
    persons: dict[str, Person] = field(default_factory=dict)
    inadvertence: dict[str, Determination] = field(default_factory=dict)
    life: Lifecycle = field(default_factory=Lifecycle)
    in_force: bool = False
    last_outstanding: Amount | None = None
    schedule: list[date] = field(default_factory=list)  # a heap of dates something falls due
    due_causes: dict[date, int] = field(default_factory=dict)  # the seq that set each due date
    grandfathered: dict[str, Grandfathered] = field(default_factory=dict)  # by member

    def clone(self) -> FoldState:
        return FoldState(
            self.issuer,
            self.through,
            self.counted,
            self.book.clone(),
            {name: book.clone() for name, book in self.others.items()},
            self.terms,
            dict(self.links),
            dict(self.persons),
            dict(self.inadvertence),
            self.life.clone(),
            self.in_force,
            self.last_outstanding,
            list(self.schedule),
            dict(self.due_causes),
            dict(self.grandfathered),
        )


ChangeKind = Literal["status", "crossing", "plan"]


class Change(NamedTuple):
    """One dated line of the timeline, as data; `projections.views.wording` says it in words.

    `what` names what happened: for a status change "status" (with `before`/`after`); for a
    crossing "above", "within" (a level whose value changed while the group stayed inside it)
    or "no_longer_above" (with `level` and `was`); for the plan "event" (the event at `seq` took
    effect), "after_end", "after_divest_by", "lapse", "redeemed", "redemption_no_plan",
    "redemption_out_of_window", "ended", "sad", "sad_suspended", "sad_withdrawn" or "dd" (with
    `detail`)."""

    date: date
    kind: ChangeKind
    what: str
    group: str | None = None
    members: tuple[str, ...] = ()  # the persons it concerns (empty: the whole plan)
    seq: int | None = None  # the event behind it
    before: str | None = None
    after: str | None = None
    level: Level | None = None
    was: Level | None = None
    detail: tuple[str, ...] = ()
