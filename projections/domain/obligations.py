"""Securities-law filing obligations found from the record: who had to file what, by when, and did
they. Pure: from the fold's crossings of 5% and 10% and what `projections.domain.watch` collected.

Schedule 13D (Exchange Act §13(d), Rules 13d-1 and 13d-2), on Rule 13d-3 counts (rights
exercisable within 60 days included):
- a group that acquires beneficial ownership of more than 5% of the class owes a Schedule 13D:
  within 10 calendar days of the crossing for crossings before 5 February 2024 (a due date on a
  weekend or holiday rolls to the next SEC business day, Rule 0-3), within 5 SEC business days
  from then. A group pushed over 5% only by a fall in shares outstanding acquired nothing: it
  owes one from its next acquisition while still over 5%. A Schedule 13G meets it, unless the
  group had declared a control intent before filing it; and a 13G that states the rule it was
  filed under is held to that rule's deadline, not the 13D's (`schedule_13g`): Rule 13d-1(b) or
  (d), 45 days after the end of the calendar year (from 30 September 2024, of the quarter);
  (c), 10 days (from 30 September 2024, 5 SEC business days);
- a group formed by holders already over 5% between them owes its Schedule 13D on the day it
  forms (Rule 13d-5(b)(1)), and its amendments are measured from its holding as formed;
- a material change owes an amendment: acquisitions or dispositions of 1% or more of the class
  since the last Schedule 13D the group filed (the net change of its holding against 1% of the
  class as it now stands, so a change in shares outstanding alone is none): within 2 SEC
  business days from 5 February 2024, "promptly" before (owed, with no date to be late by);
- a Schedule 13G filer that declares a control intent owes a Schedule 13D within 10 days (5 SEC
  business days from 5 February 2024), and may neither vote nor acquire more from then until 10
  days after filing it (the cooling-off period): acquisitions in it are listed.

Section 16 (Exchange Act §16(a), Rules 16a-2 and 16a-3), on the same counts, each insider's own
duty (a filing meets only the obligations of the reporting owners it names; a joint filing names
each of them):
- each member of a group over 10% (exactly 10% is not) owes its own Form 3 within 10 days of the
  crossing (rolled like the Schedule 13D); a Form 3 the member filed before its first crossing
  (it was an insider already) meets it;
- each transaction of a director or officer (named so by a Form 3/4/5), and each later
  transaction of a member while the group was over 10% at the end of the previous date judged,
  owes a Form 4 before the end of the second SEC business day after it: the trade
  that made it a 10% owner needs none (Rule 16a-2(c)), the one that takes it to 10% or below
  does. Date-granular, like the rest of the ledger: the trades of the crossing date need none.

What the ledger cannot know is said, never invented: a group already over a level when the ledger
first learns of its holding (from a report taken as the position) crossed on a date the ledger
does not know, and whether it filed for it the ledger cannot know; a change known only from such
a report (no trades on record) owed filings on dates the ledger does not know.

Longer than the ~300 lines STYLE.md asks: one function per kind of obligation, each with its rule
and its dates.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Literal, NamedTuple

from owl.ledger.log import Recorded
from owl.projections.domain.calendar import SEC
from owl.projections.domain.filings import SCHEDULES, Family, Filing
from owl.projections.domain.fold import Fold
from owl.projections.domain.state import Change, FoldState
from owl.projections.domain.watch import Intent, Point, Transaction, Watch

NEW_DEADLINES = date(2024, 2, 5)  # the amended Rules 13d-1 and 13d-2 apply from this date
NEW_13G_DEADLINES = date(2024, 9, 30)  # their compliance date for the Schedule 13G deadlines
_45_DAYS = timedelta(days=45)
_TEN_DAYS = timedelta(days=10)

Kind = Literal[
    "schedule_13d",
    "schedule_13g",
    "schedule_13d_amendment",
    "schedule_13d_after_13g",
    "form_3",
    "form_4",
]
Status = Literal["met", "late", "missing", "pending", "owed", "filed", "filed_date_unknown"]


class Obligation(NamedTuple):
    kind: Kind
    group: str
    members: tuple[str, ...]
    names: frozenset[str]
    arose_on: date
    cause: int | None  # the event that created it; None: the date itself
    due: date | None  # None: "promptly"
    status: Status
    filing: Filing | None
    days_late: int | None
    held: int | None  # the group's Rule 13d-3 holding then, of `base`
    base: int | None
    since: tuple[date, int] | None = None  # an amendment's measure: the position it moved from
    cooling_off: tuple[date, date | None, tuple[tuple[date, int | None], ...]] | None = None
    notes: tuple[str, ...] = ()


UnknownKind = Literal["crossed_before_first_record", "crossed_unitemized", "unitemized_change"]


class Unknown(NamedTuple):
    """What the ledger cannot know: a crossing or a change known only from a report."""

    kind: UnknownKind
    group: str
    members: tuple[str, ...]
    names: frozenset[str]
    date: date
    cause: int | None
    held: int
    base: int
    before: int
    owed: tuple[Kind, ...]
    levels: tuple[str, ...] = ()


class NotOwed(NamedTuple):
    """Over 5% through a fall in shares outstanding, with no acquisition after it."""

    group: str
    members: tuple[str, ...]
    names: frozenset[str]
    date: date
    cause: int | None
    held: int
    base: int


class Found(NamedTuple):
    obligations: tuple[Obligation, ...]
    unknown: tuple[Unknown, ...]
    not_owed: tuple[NotOwed, ...]
    filings: int  # filings that count on record by `as_of`


# --- deadlines --------------------------------------------------------------------------------


def schedule_13d_due(day: date) -> date:
    if day < NEW_DEADLINES:
        return SEC.roll_forward(day + _TEN_DAYS)
    return SEC.add_days(day, 5, "business")


def schedule_13g_due(day: date, rule: str) -> date | None:
    """When a Schedule 13G filed under `rule` was due for a crossing on `day`: under Rule
    13d-1(b) (a qualified institution) or (d) (an exempt investor), 45 days after the end of the
    calendar year (from 30 September 2024: of the calendar quarter); under (c) (a passive
    investor), 10 days after (from 30 September 2024: 5 SEC business days). None: no such rule."""
    if rule in ("13d-1(b)", "13d-1(d)"):
        if day < NEW_13G_DEADLINES:
            return SEC.roll_forward(date(day.year, 12, 31) + _45_DAYS)
        last_month = 3 * ((day.month - 1) // 3) + 3
        after = date(day.year + last_month // 12, last_month % 12 + 1, 1)
        return SEC.roll_forward(after - timedelta(days=1) + _45_DAYS)  # the quarter's end + 45
    if rule == "13d-1(c)":
        if day < NEW_13G_DEADLINES:
            return SEC.roll_forward(day + _TEN_DAYS)
        return SEC.add_days(day, 5, "business")
    return None


def amendment_due(day: date) -> date | None:
    return SEC.add_days(day, 2, "business") if day >= NEW_DEADLINES else None


def form_3_due(day: date) -> date:
    return SEC.roll_forward(day + _TEN_DAYS)


def form_4_due(day: date) -> date:
    return SEC.add_days(day, 2, "business")


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


# --- finding them -----------------------------------------------------------------------------


class _Record:
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
        self.by_key = {f.key: f for f in self.filings}

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


def from_records(
    issuer: str, records: Iterable[Recorded], voided: Iterable[int], as_of: date
) -> Found:
    """Fold the records (an issuer's events known to the view, in replay order, effective by
    `as_of`) from nothing, watching, and find the obligations."""
    fold = Fold(FoldState(issuer), voided)
    watch = Watch(fold)
    fold.run(watch.feed(records), as_of, watch)
    return find(fold.changes, watch, as_of)


def find(changes: Iterable[Change], watch: Watch, as_of: date) -> Found:
    r = _Record(watch, as_of)
    obligations: list[Obligation] = []
    unknown: dict[tuple[date, str], Unknown] = {}
    not_owed: list[NotOwed] = []
    tens: set[str] = set()
    for c in changes:
        if c.kind != "crossing" or c.what != "above" or c.level is None or c.date > as_of:
            continue
        key = c.level.key
        if key not in ("5%", "10%") or c.group is None:
            continue
        p = r.at.get((c.date, c.group))
        if p is None:
            continue
        if p.adopted:
            _unknown_crossing(unknown, p, key)
            continue
        if key == "5%":
            found = _schedule_13d(r, p)
            if isinstance(found, NotOwed):
                not_owed.append(found)
            else:
                obligations.append(found)
        else:
            for member in p.members or (p.label,):  # each insider owes its own Form 3
                obligations.append(_form_3(r, p, member, first=member not in tens))
                tens.add(member)
    owed_13d = {(o.group, o.arose_on) for o in obligations if o.kind.startswith("schedule_13")}
    for label, points in r.by_label.items():
        formed = _formed(r, points)
        if formed is not None and (label, formed.arose_on) not in owed_13d:
            obligations.append(formed)
        obligations += _amendments(r, points)
        for p in points:
            if p.adopted and not p.first and p.held != p.before:
                _unitemized(unknown, p)
    obligations += [o for i in r.intents if (o := _after_13g(r, i)) is not None]
    obligations += [_became_insider(r, *b) for b in r.became]
    obligations += [_form_4(r, t) for t in r.transactions]
    obligations.sort(key=lambda o: (o.arose_on, o.group, o.kind, o.cause or 0))
    unknowns = sorted(unknown.values(), key=lambda u: (u.date, u.group))
    return Found(tuple(obligations), tuple(unknowns), tuple(not_owed), len(r.filings))


def concerning(found: Found, person: str) -> Found:
    """Only what concerns one person or group (a member or a label)."""
    return Found(
        tuple(o for o in found.obligations if person in o.names),
        tuple(u for u in found.unknown if person in u.names),
        tuple(n for n in found.not_owed if person in n.names),
        found.filings,
    )


def _obligation(
    r: _Record,
    kind: Kind,
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
        kind, p.label, p.members, p.names, p.date, p.cause, due, status, filing, late, p.held,
        p.base, notes=notes,
    )  # fmt: skip


def _schedule_13d(r: _Record, p: Point) -> Obligation | NotOwed:
    notes: tuple[str, ...] = ()
    if p.held <= p.before:  # over 5% only because shares outstanding fell: no acquisition
        later = _next_acquisition(r.by_label[p.label], p)
        if later is None:
            return NotOwed(p.label, p.members, p.names, p.date, p.cause, p.held, p.base)
        notes = (f"passive_since:{p.date.isoformat()}",)
        p = later
    candidates = [
        f
        for f in r.filed(p.names, SCHEDULES)
        if f.filed_on >= p.date and (f.family == "13D" or not r.intent_before(p.names, f.filed_on))
    ]
    filing = candidates[0] if candidates else None
    if filing is not None and filing.family == "13G" and filing.rule is not None:
        due = schedule_13g_due(p.date, filing.rule)
        if due is not None:  # a 13G filer is held to the 13G's own deadline
            notes += (f"rule:{filing.rule}",)
            return _obligation(r, "schedule_13g", p, due, filing, notes=notes)
    return _obligation(r, "schedule_13d", p, schedule_13d_due(p.date), filing, notes=notes)


def _formed(r: _Record, points: list[Point]) -> Obligation | None:
    """A group formed by holders already over 5% between them, without crossing (a member was
    over 5% already): under Rule 13d-5(b)(1) the group acquires its members' shares on the day it
    forms, and owes its Schedule 13D then (a member's own filing, or its amendment, naming the
    group meets it)."""
    first = points[0]
    if not _formed_over_five(first):
        return None
    found = _schedule_13d(r, first)
    if isinstance(found, NotOwed):
        return None
    return found._replace(notes=(*found.notes, "group_formed"))


def _formed_over_five(first: Point) -> bool:
    """Is a group's first point its forming, over 5%, from trades on record?"""
    return len(first.members) > 1 and first.over_five and not first.adopted and not first.before


def _next_acquisition(points: list[Point], crossing: Point) -> Point | None:
    for q in points:
        if q.date <= crossing.date:
            continue
        if not q.over_five:
            return None
        if q.held > q.before:
            return q
    return None


def _form_3(r: _Record, p: Point, member: str, first: bool) -> Obligation:
    """A member's own Form 3 on the group's crossing of 10%: each member of a group over 10% is
    a 10% owner (Rule 16a-1(a)(1)), and each owes and files its own."""
    if len(p.members) > 1:  # found by the member's name or the group's label
        p = p._replace(label=member, members=(member,), names=frozenset({member, p.label}))
    forms = r.filed_by(member, ("3",))
    after = [f for f in forms if f.filed_on >= p.date]
    before = [f for f in forms if f.filed_on < p.date]
    notes: tuple[str, ...] = ()
    filing = after[0] if after else None
    if filing is None and first and before:
        filing, notes = before[-1], ("already_reporting",)
    return _obligation(r, "form_3", p, form_3_due(p.date), filing, notes=notes)


def _became_insider(r: _Record, day: date, seq: int, person: str, role: str) -> Obligation:
    """A director's or officer's Form 3, within 10 days of becoming one (Rule 16a-3(a)): the
    date is the one its own Form 3 gives (the ledger learns of the role from it), and it is
    judged on the date that Form 3 was filed."""
    filing = next((f for f in r.filed_by(person, ("3",)) if f.filed_on >= day), None)
    p = Point(day, person, (person,), frozenset({person}), 0, 0, 0, False, seq,
              "PersonIdentified", False)  # fmt: skip
    found = _obligation(r, "form_3", p, form_3_due(day), filing, notes=(f"became:{role}",))
    return found._replace(held=None, base=None)


def _form_4(r: _Record, t: Transaction) -> Obligation:
    own = r.by_key.get(t.filing) if t.filing is not None else None
    filing = own if own is not None and own.family in ("4", "5") else None
    if filing is None:
        later = [
            f
            for person in t.persons
            for f in r.filed_by(person, ("4", "5"))
            if f.event_date >= t.date and f.filed_on >= t.date
        ]
        later.sort(key=lambda f: (f.filed_on, f.seq))
        filing = later[0] if later else None
    p = Point(t.date, t.label, t.persons, t.names, 0, 0, 0, False, t.seq, t.type, False)
    return _obligation(r, "form_4", p, form_4_due(t.date), filing)._replace(held=None, base=None)


def _amendments(r: _Record, points: list[Point]) -> list[Obligation]:
    """Material changes since the group's last Schedule 13D (or, when the ledger holds none for a
    group first known over 5%, since its first known position)."""
    names = frozenset().union(*(p.names for p in points))
    schedules = [f for f in r.filed(names, SCHEDULES)]
    items: list[tuple[date, int, int, Point | Filing]] = [(p.date, 0, 0, p) for p in points]
    items += [(f.event_date, 1, f.seq, f) for f in schedules]
    items.sort(key=lambda item: item[:3])
    found: list[Obligation] = []
    first = points[0]
    active = first.adopted and first.over_five and not schedules
    since = (first.date, first.held) if active else None
    notes = ("first_known_position",) if active else ()
    formed = _formed_over_five(first)
    held = 0
    for _, _, _, item in items:
        if isinstance(item, Filing):
            active = item.family == "13D"
            since, notes = (item.event_date, held), ()
            continue
        p = item
        held = p.held
        if p is first and formed:  # the group's own Schedule 13D reports it as formed
            active, since = True, (p.date, p.held)
            continue
        if active and since is not None and p is not first and _material(p, since[1]):
            if not p.adopted:  # a change known only from a report: see `_unitemized`
                later = [f for f in schedules if f.family == "13D" and f.filed_on >= p.date]
                filing = later[0] if later else None
                owed = _obligation(
                    r, "schedule_13d_amendment", p, amendment_due(p.date), filing, notes
                )
                found.append(owed._replace(since=since))
            since = (p.date, p.held)
        if not p.over_five:  # at 5% or below: a later crossing owes a new Schedule 13D
            active = False
    return found


def _material(p: Point, since: int) -> bool:
    """A change of 1% of the class or more, while over 5% before or after it."""
    moved = abs(p.held - since)
    return moved * 100 >= p.base and (p.over_five or since * 100 > 5 * p.base)


def _after_13g(r: _Record, i: Intent) -> Obligation | None:
    earlier = [f for f in r.filed(i.names, SCHEDULES) if f.filed_on <= i.date]
    if not earlier or earlier[-1].family != "13G":
        return None
    points = [p for p in r.points if p.names & i.names and p.date <= i.date]
    if not points or not points[-1].over_five:
        return None
    now = points[-1]
    later = [f for f in r.filed(i.names, ("13D",)) if f.filed_on >= i.date]
    filing = later[0] if later else None
    until = filing.filed_on + _TEN_DAYS if filing is not None else None
    bought = tuple(
        (p.date, p.cause)
        for p in r.points
        if p.names & i.names
        and p.date >= i.date
        and (until is None or p.date <= until)
        and p.held > p.before
    )
    p = now._replace(date=i.date, cause=i.seq, label=i.label)
    owed = _obligation(r, "schedule_13d_after_13g", p, schedule_13d_due(i.date), filing)
    return owed._replace(cooling_off=(i.date, until, bought))


def _unknown_crossing(unknown: dict[tuple[date, str], Unknown], p: Point, level: str) -> None:
    kind: UnknownKind = "crossed_before_first_record" if p.first else "crossed_unitemized"
    owed: Kind = "schedule_13d" if level == "5%" else "form_3"
    known = unknown.get((p.date, p.label))
    if known is None or known.kind == "unitemized_change":
        unknown[(p.date, p.label)] = Unknown(
            kind, p.label, p.members, p.names, p.date, p.cause, p.held, p.base, p.before,
            (owed,), (level,),
        )  # fmt: skip
        return
    unknown[(p.date, p.label)] = known._replace(
        owed=(*known.owed, owed), levels=(*known.levels, level)
    )


def _unitemized(unknown: dict[tuple[date, str], Unknown], p: Point) -> None:
    owed: list[Kind] = []
    if _material(p, p.before):
        owed.append("schedule_13d_amendment")
    if p.before * 100 > 10 * p.base:
        owed.append("form_4")
    if not owed or (p.date, p.label) in unknown:
        return
    unknown[(p.date, p.label)] = Unknown(
        "unitemized_change", p.label, p.members, p.names, p.date, p.cause, p.held, p.base,
        p.before, tuple(owed),
    )  # fmt: skip
