"""Securities-law filing obligations found from the record: who had to file what, by when, and did
they. Pure: from what `projections.domain.watch` collected of a fold.

Schedule 13D (Exchange Act §13(d), Rules 13d-1 and 13d-2), on Rule 13d-3 counts (rights
exercisable within 60 days included) of the shares outstanding the issuer last reported (Rule
13d-1(j): a fall it has not reported moves no one over a level; a rise counts at once):
- a group that acquires beneficial ownership of more than 5% of the class owes a Schedule 13D:
  within 10 calendar days of the crossing for crossings before 5 February 2024 (a due date on a
  weekend or holiday rolls to the next SEC business day, Rule 0-3), within 5 SEC business days
  from then. A group pushed over 5% only by a fall in shares outstanding acquired nothing: it
  owes one from its next acquisition while still over 5%, else, if still over 5% at the end of
  the calendar year (from 30 September 2024, the quarter), a Schedule 13G under Rule 13d-1(d).
  A Schedule 13G meets it, unless the group had declared a control intent before filing it; and
  a 13G that states the rule it was
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
from datetime import date

from owl.ledger.log import Recorded
from owl.ledger.shares import Amount
from owl.projections.domain import form5, passive
from owl.projections.domain.duties import (
    Found,
    Held,
    Kind,
    NotOwed,
    Obligation,
    Record,
    Unknown,
    UnknownKind,
    after_period,
    amendment_due,
    form_3_due,
    form_4_due,
    obligation,
    period_end,
    schedule_13d_due,
    schedule_13g_due,
)
from owl.projections.domain.filings import SCHEDULES, Filing
from owl.projections.domain.fold import Fold
from owl.projections.domain.numbers import magnitude
from owl.projections.domain.state import FoldState
from owl.projections.domain.watch import Point, Transaction, Watch

# --- finding them -----------------------------------------------------------------------------


def from_records(
    issuer: str,
    records: Iterable[Recorded],
    voided: Iterable[int],
    as_of: date,
    classes: Iterable[str] = ("",),
) -> Found:
    """Fold the records (an issuer's events known to the view, in replay order, effective by
    `as_of`) from nothing, once, watching each class of `classes` ("": the common stock), and
    find the obligations: Section 16's in every class, Section 13(d)'s in each voting one."""
    fold = Fold(FoldState(issuer), voided)
    watches = [Watch(fold, c) for c in dict.fromkeys(("", *classes))]

    def each_day(day: date, counted: int) -> None:
        for watch in watches:
            watch(day, counted)

    fold.run(_noted(watches, records), as_of, each_day)
    return find(watches, as_of)


def _noted(watches: list[Watch], records: Iterable[Recorded]) -> Iterable[Recorded]:
    for record in records:
        for watch in watches:
            watch.note(record)
        yield record


def find(watches: list[Watch], as_of: date) -> Found:
    """The obligations, what the ledger cannot know, and the crossings that owed nothing, from
    what each class's watch collected (crossings are read from its points: Rule 13d-3's count
    of the shares outstanding the issuer last reported). The first watch's class-free facts
    (who became an insider, the Forms 5) are taken once."""
    records = [Record(w, as_of) for w in watches]
    parts = [_in_class(r, w) for r, w in zip(records, watches, strict=True)]
    first = records[0]
    obligations = [o for part in parts for o in part[0].obligations]
    obligations += [_became_insider(first, *b) for b in first.became]
    form_4s = [o for part in parts for o in part[1]]
    deferred = [t for part in parts for t in part[2]]
    obligations += form5.owed(first, deferred, form_4s)
    obligations.sort(key=lambda o: (o.arose_on, o.group, o.kind, o.cause or 0))
    unknown = {(u.date, u.group, u.kind): u for part in parts for u in part[0].unknown}
    for day, seq, person, role, source in first.became_unknown:
        unknown[(day, person, "insider_unknown_since")] = Unknown(
            "insider_unknown_since", person, (person,), frozenset({person}), day, seq, 0, 0, 0,
            ("form_3",), (role, source),
        )  # fmt: skip
    unknowns = sorted(unknown.values(), key=lambda u: (u.date, u.group))
    not_owed = [n for part in parts for n in part[0].not_owed]
    return Found(tuple(obligations), tuple(unknowns), tuple(not_owed), len(first.filings))


def _in_class(r: Record, watch: Watch) -> tuple[Found, list[Obligation], list[Transaction]]:
    """One class's obligations (with its Forms 4 and the transactions eligible for a Form 5)."""
    # Which groups formed over 5% (their first point): asked once per group
    formed = {label: _formed_over_five(r, points[0]) for label, points in r.by_label.items()}
    obligations: list[Obligation] = []
    unknown: dict[tuple[date, str], Unknown] = {}
    not_owed: list[NotOwed] = []
    tens: set[str] = set()
    over: dict[str, tuple[bool, bool]] = {}  # label -> over 5%, over 10% at its last point
    voting = watch.voting is not False  # Section 13(d) reaches only a voting class
    for p in r.points:  # crossings on Rule 13d-3's count, of the count the issuer reported
        was_five, was_ten = over.get(p.label, (False, False))
        ten = p.held * 100 > 10 * p.base
        over[p.label] = (p.over_five, ten)
        for key, now, was in (("5%", p.over_five, was_five), ("10%", ten, was_ten)):
            if not now or was or (key == "5%" and not voting):
                continue
            if key == "5%" and p is r.by_label[p.label][0] and formed[p.label]:
                continue  # a group formed over 5%: see `_formed`
            if p.adopted:
                _unknown_crossing(unknown, p, key)
            elif key == "5%":
                found = _schedule_13d(r, p)
                if isinstance(found, NotOwed):
                    not_owed.append(found)
                else:
                    obligations.append(found)
            elif _qualified_institution(r, p.names, p.date):
                not_owed.append(
                    NotOwed(p.label, p.members, p.names, p.date, p.cause, p.held, p.base,
                            "qualified_institution")
                )  # fmt: skip
            else:
                for member in p.members or (p.label,):  # each insider owes its own Form 3
                    obligations.append(_form_3(r, p, member, first=member not in tens))
                    tens.add(member)
    owed_13d = {(o.group, o.arose_on) for o in obligations if o.kind.startswith("schedule_13")}
    for label, points in r.by_label.items():
        if voting:
            was_formed = _formed(r, points) if formed[label] else None
            if was_formed is not None and (label, was_formed.arose_on) not in owed_13d:
                obligations.append(was_formed)
            obligations += _amendments(r, points, formed[label])
            obligations += passive.duties(r, points)
        for p in points:
            if p.adopted and not p.first and p.held != p.before:
                _unitemized(unknown, p)
    if voting:
        obligations += [o for i in r.intents if (o := passive.after_intent(r, i)) is not None]
    reportable = [
        t for t in r.transactions if t.insider or not _qualified_institution(r, t.names, t.date)
    ]
    form_4s = [_form_4(r, t) for t in reportable if t.deferred is None]
    obligations += form_4s
    if watch.security:  # a class other than the common stock: each obligation names it
        obligations = [_in_named_class(o, watch) for o in obligations]
        form_4s = [o for o in obligations if o.kind == "form_4"]
    mine = Found(tuple(obligations), tuple(unknown.values()), tuple(not_owed), len(r.filings))
    return mine, form_4s, [t for t in reportable if t.deferred is not None]


def _in_named_class(o: Obligation, watch: Watch) -> Obligation:
    notes = o.notes
    if o.kind.startswith("schedule_13") and watch.voting is None:
        notes += ("class_voting_assumed",)
    return o._replace(security=watch.security or None, notes=notes)


def concerning(found: Found, person: str) -> Found:
    """Only what concerns one person or group (a member or a label)."""
    return Found(
        tuple(o for o in found.obligations if person in o.names),
        tuple(u for u in found.unknown if person in u.names),
        tuple(n for n in found.not_owed if person in n.names),
        found.filings,
    )


def _schedule_13d(r: Record, p: Point) -> Obligation | NotOwed:
    notes: tuple[str, ...] = ()
    if p.held <= p.before:  # over 5% only because shares outstanding fell: no acquisition
        later = _next_acquisition(r.by_label[p.label], p)
        if later is None:
            exempt = _exempt_13g(r, p)
            if exempt is not None:
                return exempt
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
            rule = f"Rule {filing.rule}"
            if filing.rule == "13d-1(b)":  # over 10% at a month's end: due sooner
                sooner = passive.over_ten_at_month_end(r, p, due)
                if sooner is not None:
                    due, rule, notes = sooner, "Rule 13d-1(b)(2)", (*notes, "over_ten")
            return obligation(r, "schedule_13g", rule, p, due, filing, notes=notes)
    return obligation(
        r, "schedule_13d", "Rule 13d-1(a)", p, schedule_13d_due(p.date), filing, notes=notes
    )


def _exempt_13g(r: Record, p: Point) -> Obligation | None:
    """Over 5% without acquiring (shares outstanding fell) and still over 5% at the end of the
    calendar year (from 30 September 2024, the quarter): a Schedule 13G under Rule 13d-1(d),
    due 45 days after that end. None: the period has not ended by `as_of`, or it ended at 5% or
    below."""
    end = period_end(p.date)
    at_end = Held(r.by_label[p.label]).at(end)
    if end > r.as_of or at_end is None or not at_end.over_five:
        return None
    later = [f for f in r.filed(p.names, SCHEDULES) if f.filed_on >= p.date]
    return obligation(
        r, "schedule_13g", "Rule 13d-1(d)", p, after_period(end), later[0] if later else None,
        notes=("passive_crossing",),
    )  # fmt: skip


def _formed(r: Record, points: list[Point]) -> Obligation | None:
    """A group formed by holders already over 5% between them (`_formed_over_five`), without
    crossing: under Rule 13d-5(b)(1) the group acquires its members' shares on the day it forms,
    and owes its Schedule 13D then (a member's own filing, or its amendment, naming the group
    meets it)."""
    found = _schedule_13d(r, points[0])
    if isinstance(found, NotOwed):
        return None
    return found._replace(notes=(*found.notes, "group_formed"), rule="Rule 13d-5(b)(1)")


def _formed_over_five(r: Record, first: Point) -> bool:
    """Is a group's first point its forming, over 5%, from trades on record, by members one of
    whom was over 5% already (so the group crossed nothing)?"""
    if len(first.members) < 2 or not first.over_five or first.adopted or first.before:
        return False
    for member in first.members:
        last = None
        for q in r.points:
            if q.date >= first.date:
                break
            if member in q.members:
                last = q
        if last is not None and last.over_five:
            return True
    return False


def _next_acquisition(points: list[Point], crossing: Point) -> Point | None:
    for q in points:
        if q.date <= crossing.date:
            continue
        if not q.over_five:
            return None
        if q.held > q.before:
            return q
    return None


def _form_3(r: Record, p: Point, member: str, first: bool) -> Obligation:
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
    return obligation(r, "form_3", "Rule 16a-3(a)", p, form_3_due(p.date), filing, notes=notes)


def _became_insider(r: Record, day: date, seq: int, person: str, role: str) -> Obligation:
    """A director's or officer's Form 3, within 10 days of becoming one (Rule 16a-3(a)): the
    date is the one its own Form 3 gives (the ledger learns of the role from it), and it is
    judged on the date that Form 3 was filed."""
    filing = next((f for f in r.filed_by(person, ("3",)) if f.filed_on >= day), None)
    p = Point(day, person, (person,), frozenset({person}), 0, 0, 0, False, seq,
              "PersonIdentified", False)  # fmt: skip
    found = obligation(
        r, "form_3", "Rule 16a-3(a)", p, form_3_due(day), filing, notes=(f"became:{role}",)
    )
    return found._replace(held=None, base=None)


def _form_4(r: Record, t: Transaction) -> Obligation:
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
    owed = obligation(r, "form_4", "Rule 16a-3(g)", p, form_4_due(t.date), filing)
    return owed._replace(held=None, base=None)


def _amendments(r: Record, points: list[Point], formed: bool) -> list[Obligation]:
    """Material changes since the group's last Schedule 13D (or, when the ledger holds none for a
    group first known over 5%, since its first known position)."""
    names = frozenset().union(*(p.names for p in points))
    schedules = r.filed(names, SCHEDULES)
    items: list[tuple[date, int, int, Point | Filing]] = [(p.date, 0, 0, p) for p in points]
    items += [(f.event_date, 1, f.seq, f) for f in schedules]
    items.sort(key=lambda item: item[:3])
    found: list[Obligation] = []
    first = points[0]
    active = first.adopted and first.over_five and not schedules
    since = (first.date, first.held) if active else None
    notes = ("first_known_position",) if active else ()
    held: Amount = 0
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
                owed = obligation(
                    r, "schedule_13d_amendment", "Rule 13d-2(a)", p, amendment_due(p.date),
                    filing, notes,
                )  # fmt: skip
                found.append(owed._replace(since=since))
            since = (p.date, p.held)
        if not p.over_five:  # at 5% or below: a later crossing owes a new Schedule 13D
            active = False
    return found


def _material(p: Point, since: Amount) -> bool:
    """A change of 1% of the class or more, while over 5% before or after it."""
    moved = magnitude(p.held - since)
    return moved * 100 >= p.base and (p.over_five or since * 100 > 5 * p.base)


def _qualified_institution(r: Record, names: frozenset[str], day: date) -> bool:
    """Is the group a qualified institution on `day` for Rule 16a-1(a)(1): the Schedule 13G it
    filed for its holding then (the last with an event by `day`, else its first after) states
    Rule 13d-1(b), and it had declared no control intent by then? Its shares held for others in
    the ordinary course do not make it a 10% owner under Section 16."""
    schedules = r.filed(names, SCHEDULES)
    if not schedules:
        return False
    by_day = [f for f in schedules if f.event_date <= day]
    chosen = by_day[-1] if by_day else schedules[0]
    rule = passive.regime(schedules, chosen.filed_on)
    return rule is not None and rule.rule == "13d-1(b)" and not r.intent_before(names, day)


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
