"""What an obligation is, how its due date is counted and how it is judged: the vocabulary
`projections.domain.obligations` (Schedule 13D and Section 16) and
`projections.domain.passive` (Schedule 13G amendments and the switches from 13G to 13D) share.
Pure.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Literal, NamedTuple

from owl.ledger.shares import Amount
from owl.projections.domain.calendar import SEC, after
from owl.projections.domain.filings import Family, Filing
from owl.projections.domain.watch import Point, Watch

NEW_DEADLINES = date(2024, 2, 5)  # the amended Rules 13d-1 and 13d-2 apply from this date
NEW_13G_DEADLINES = date(2024, 9, 30)  # their compliance date for the Schedule 13G deadlines

Kind = Literal[
    "schedule_13d",
    "schedule_13g",
    "schedule_13d_amendment",
    "schedule_13d_after_13g",
    "schedule_13g_amendment",
    "form_3",
    "form_4",
    "form_5",
]
Status = Literal["met", "late", "missing", "pending", "owed", "filed", "filed_date_unknown"]


class Obligation(NamedTuple):
    kind: Kind
    group: str
    members: tuple[str, ...]
    names: frozenset[str]
    arose_on: date
    cause: int | None  # the event that created it; None: the date itself
    rule: str  # the rule it comes from: "Rule 13d-1(a)", "Rule 16a-3(g)"
    due: date | None  # None: "promptly"
    status: Status
    filing: Filing | None
    days_late: int | None
    held: Amount | None  # the group's Rule 13d-3 holding then, of `base`
    base: Amount | None
    since: tuple[date, Amount] | None = None  # an amendment's measure: the position it moved from
    cooling_off: tuple[date, date | None, tuple[tuple[date, int | None], ...]] | None = None
    notes: tuple[str, ...] = ()
    security: str | None = None  # the class (None: the common stock)


UnknownKind = Literal[
    "crossed_before_first_record",
    "crossed_unitemized",
    "unitemized_change",
    "insider_unknown_since",
]


class Unknown(NamedTuple):
    """What the ledger cannot know: a crossing or a change known only from a report."""

    kind: UnknownKind
    group: str
    members: tuple[str, ...]
    names: frozenset[str]
    date: date
    cause: int | None
    held: Amount
    base: Amount
    before: Amount
    owed: tuple[Kind, ...]
    levels: tuple[str, ...] = ()


NotOwedKind = Literal["dilution", "qualified_institution"]


class NotOwed(NamedTuple):
    """Nothing owed where a reader might expect it: over 5% through a fall in shares outstanding
    with no acquisition after it (`dilution`), or over 10% as a qualified institution filing on
    Schedule 13G under Rule 13d-1(b), whose shares held for others in the ordinary course do not
    count toward a 10% owner under Rule 16a-1(a)(1) (`qualified_institution`)."""

    group: str
    members: tuple[str, ...]
    names: frozenset[str]
    date: date
    cause: int | None
    held: Amount
    base: Amount
    kind: NotOwedKind = "dilution"


class Found(NamedTuple):
    obligations: tuple[Obligation, ...]
    unknown: tuple[Unknown, ...]
    not_owed: tuple[NotOwed, ...]
    filings: int  # filings that count on record by `as_of`


# --- deadlines --------------------------------------------------------------------------------


def schedule_13d_due(day: date) -> date:
    if day < NEW_DEADLINES:
        return SEC.roll_forward(after(day, 10))
    return SEC.add_days(day, 5, "business")


def schedule_13g_due(day: date, rule: str) -> date | None:
    """When a Schedule 13G filed under `rule` was due for a crossing on `day`: under Rule
    13d-1(b) (a qualified institution) or (d) (an exempt investor), 45 days after the end of the
    calendar year (from 30 September 2024: of the calendar quarter); under (c) (a passive
    investor), 10 days after (from 30 September 2024: 5 SEC business days). None: no such rule."""
    if rule in ("13d-1(b)", "13d-1(d)"):
        return after_period(period_end(day))
    if rule == "13d-1(c)":
        if day < NEW_13G_DEADLINES:
            return SEC.roll_forward(after(day, 10))
        return SEC.add_days(day, 5, "business")
    return None


def amendment_due(day: date) -> date | None:
    return SEC.add_days(day, 2, "business") if day >= NEW_DEADLINES else None


def form_3_due(day: date) -> date:
    return SEC.roll_forward(after(day, 10))


def form_4_due(day: date) -> date:
    return SEC.add_days(day, 2, "business")


def month_end_due(month_end: date) -> date:
    """Rules 13d-1(b)(2) and 13d-2(c): 10 days after the end of the month (from 30 September
    2024: 5 SEC business days)."""
    if month_end < NEW_13G_DEADLINES:
        return SEC.roll_forward(after(month_end, 10))
    return SEC.add_days(month_end, 5, "business")


def period_end(day: date) -> date:
    """The end of the period a Schedule 13G's 45 days count from: the calendar year, or (for
    periods ending from 30 September 2024, the compliance date) the calendar quarter: a day of
    2024 before it belongs to the quarter ending 30 September 2024, the first counted so."""
    quarter = quarter_end(day)
    if quarter >= NEW_13G_DEADLINES:
        return quarter
    year = date(day.year, 12, 31)
    return min(year, NEW_13G_DEADLINES)  # the quarter ending 30 September 2024 is the first


def quarter_end(day: date) -> date:
    last_month = 3 * ((day.month - 1) // 3) + 3
    if day.year == date.max.year and last_month == 12:
        return date.max
    following = date(day.year + last_month // 12, last_month % 12 + 1, 1)
    return following - timedelta(days=1)


def month_end(day: date) -> date:
    if day.year == date.max.year and day.month == 12:
        return date.max
    following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return following - timedelta(days=1)


def after_period(end: date) -> date:
    """45 days after a period's end, rolled to a business day (Rules 13d-1(b), (d), 13d-2(b))."""
    return SEC.roll_forward(after(end, 45))


def judged(due: date | None, filing: Filing | None, as_of: date) -> tuple[Status, int | None]:
    """An obligation's status on `as_of`, and the days it was filed late."""
    if filing is not None:
        if due is None:
            return "filed", None
        if not filing.filed_on_stated:
            return "filed_date_unknown", None  # never "met" on a date the ledger does not have
        late = (filing.filed_on - due).days
        return ("met", None) if late <= 0 else ("late", late)
    if due is None:
        return "owed", None
    return ("missing", None) if as_of > due else ("pending", None)


# --- the record, indexed ---------------------------------------------------------------------


class Record:
    """The inputs, indexed."""

    def __init__(self, watch: Watch, as_of: date) -> None:
        self.as_of = as_of
        self.points = [p for p in watch.points if p.date <= as_of]
        self.at = {(p.date, p.label): p for p in self.points}
        self.by_label: dict[str, list[Point]] = {}
        for p in self.points:
            self.by_label.setdefault(p.label, []).append(p)
        self.filings = sorted(
            (f for f in watch.filings.values() if f.filed_on <= as_of),
            key=lambda f: (f.filed_on, f.seq),
        )
        self.intents = [i for i in watch.intents if i.date <= as_of]
        self.transactions = [t for t in watch.transactions if t.date <= as_of]
        self.became = [b for b in watch.became if b[0] <= as_of]
        self.became_unknown = [b for b in watch.became_unknown if b[0] <= as_of]
        self.by_key = {f.key: f for f in self.filings}
        self.fiscal = watch.fiscal

    def filed(self, names: frozenset[str], families: Iterable[Family]) -> list[Filing]:
        wanted = set(families)
        return [f for f in self.filings if f.family in wanted and f.names & names]

    def filed_by(self, person: str, families: Iterable[Family]) -> list[Filing]:
        """The filings a person made itself (one of its reporting owners): a Section 16 duty
        is each insider's own, met by no other member's filing."""
        wanted = set(families)
        return [f for f in self.filings if f.family in wanted and person in f.persons]

    def intent_before(self, names: frozenset[str], day: date) -> bool:
        return any(i.date <= day and i.names & names for i in self.intents)


class Held:
    """A group's holding at the end of any date, from its points (in date order)."""

    def __init__(self, points: list[Point]) -> None:
        self.points = points
        self.dates = [p.date for p in points]

    def at(self, day: date) -> Point | None:
        """Its last point on or before `day` (None: it held nothing the watch saw)."""
        index = bisect_right(self.dates, day)
        return self.points[index - 1] if index else None

    def shares(self, day: date) -> Amount:
        p = self.at(day)
        return p.held if p is not None else 0


def obligation(
    r: Record,
    kind: Kind,
    rule: str,
    p: Point,
    due: date | None,
    filing: Filing | None,
    notes: tuple[str, ...] = (),
) -> Obligation:
    """The obligation arising at a point of the group's holding, judged on `as_of`."""
    status, late = judged(due, filing, r.as_of)
    if filing is not None and not filing.filed_on_stated:
        notes += ("filed_on_not_stated",)
    return Obligation(
        kind, p.label, p.members, p.names, p.date, p.cause, rule, due, status, filing, late, p.held,
        p.base, notes=notes,
    )  # fmt: skip
