"""Schedule 13G after it is filed: its amendments, and the switches from it to a Schedule 13D.
Pure: from the points and filings `projections.domain.duties.Record` indexes.

A group files on Schedule 13G under one rule, which the filing states (`filing.rule`): Rule
13d-1(b) (a qualified institution: broker, bank, insurer, registered fund or adviser, ...),
13d-1(c) (a passive investor) or 13d-1(d) (an exempt investor). While the last Schedule 13D or
13G it filed is a 13G (its *regime*), it owes:
- **Rule 13d-2(b)**, any rule: an amendment within 45 days after the end of each calendar year
  in which its holding at the year's end differs from the one its previous filing reported;
  for periods ending from 30 September 2024, after the end of each calendar quarter in which
  the change is material (1% of the class or more, the measure Rule 13d-2(a) deems material).
  Holdings are compared in shares, so a change in shares outstanding alone owes nothing (the
  rule's proviso). After an amendment reporting 5% or less, nothing more until it crosses again;
- **Rule 13d-2(c)**, a qualified institution: an amendment within 10 days (from 30 September
  2024, 5 SEC business days) after the end of the first month at whose end it holds more than
  10%, and then after the end of each month at whose end its holding has moved by more than 5%
  of the class since;
- **Rule 13d-2(d)**, a passive investor: an amendment promptly (from 30 September 2024, within 2
  SEC business days) after acquiring more than 10%, and then after each move of more than 5% of
  the class;
- **Rule 13d-1(e)**: a Schedule 13D within 10 days (5 SEC business days from 5 February 2024) of
  declaring a control intent, and may neither vote nor acquire more from then until 10 days
  after filing it (the cooling-off period);
- **Rule 13d-1(f)**, a passive investor: the same on coming to hold 20% or more.

A qualified institution's first Schedule 13G is due sooner when it holds more than 10% at the
end of a month before the year's (or quarter's) end: 10 days after that month's end (5 SEC
business days from 30 September 2024), Rule 13d-1(b)(2) (`over_ten_at_month_end`).
"""

from __future__ import annotations

from datetime import date, timedelta

from owl.ledger.shares import Amount
from owl.projections.domain.calendar import SEC, after
from owl.projections.domain.duties import (
    NEW_13G_DEADLINES,
    Held,
    Obligation,
    Record,
    after_period,
    month_end,
    month_end_due,
    obligation,
    period_end,
    schedule_13d_due,
)
from owl.projections.domain.filings import SCHEDULES, Filing
from owl.projections.domain.numbers import magnitude
from owl.projections.domain.watch import Intent, Point

_DAY = timedelta(days=1)


def duties(r: Record, points: list[Point]) -> list[Obligation]:
    """What a group that filed on Schedule 13G owes after filing it."""
    names = frozenset().union(*(p.names for p in points))
    schedules = r.filed(names, SCHEDULES)
    if not any(f.family == "13G" for f in schedules):
        return []
    held = Held(points)
    return [
        *_periodic(r, held, schedules),
        *_monthly_over_ten(r, held, schedules),
        *_passive_over_ten(r, held, schedules),
        *_at_twenty(r, held, schedules),
    ]


def regime(schedules: list[Filing], day: date) -> Filing | None:
    """The last Schedule 13D or 13G filed by `day`, if it is a 13G, with the rule the group's
    Schedule 13G states (an amendment that states none keeps its original's)."""
    last: Filing | None = None
    rule: str | None = None
    for f in schedules:
        if f.filed_on > day:
            break
        last = f
        rule = (f.rule or rule) if f.family == "13G" else None
    if last is None or last.family != "13G":
        return None
    return last._replace(rule=rule)


def _answer(schedules: list[Filing], end: date) -> Filing | None:
    """The first Schedule 13G or 13G amendment filed after `end`."""
    return next((f for f in schedules if f.family == "13G" and f.filed_on > end), None)


def _ends(start: date, until: date, step: str) -> list[date]:
    found: list[date] = []
    end = period_end(start) if step == "period" else month_end(start)
    while end <= until:
        found.append(end)
        if end == date.max:
            break
        end = period_end(end + _DAY) if step == "period" else month_end(end + _DAY)
    return found


def _periodic(r: Record, held: Held, schedules: list[Filing]) -> list[Obligation]:
    first = next(f for f in schedules if f.family == "13G")
    found: list[Obligation] = []
    for end in _ends(first.event_date, r.as_of, "period"):
        previous = regime(schedules, end)
        now = held.at(end)
        if previous is None or now is None:
            continue
        since = held.shares(previous.event_date)
        if previous.amendment and since * 100 <= 5 * now.base:
            continue  # it reported 5% or less: nothing more until it crosses again
        moved = magnitude(now.held - since)
        if moved == 0 or (end >= NEW_13G_DEADLINES and moved * 100 < now.base):
            continue
        p = now._replace(date=end, cause=None, cause_type=None)
        owed = obligation(
            r, "schedule_13g_amendment", "Rule 13d-2(b)", p, after_period(end),
            _answer(schedules, end), notes=("period_end",),
        )  # fmt: skip
        found.append(owed._replace(since=(previous.event_date, since)))
    return found


def _monthly_over_ten(r: Record, held: Held, schedules: list[Filing]) -> list[Obligation]:
    """Rule 13d-2(c): a qualified institution's holding at the end of each month."""
    start = next((f for f in schedules if f.family == "13G" and f.rule == "13d-1(b)"), None)
    if start is None:
        return []
    found: list[Obligation] = []
    baseline: Amount | None = None
    for end in _ends(start.event_date, r.as_of, "month"):
        filer = regime(schedules, end)
        now = held.at(end)
        if filer is None or filer.rule != "13d-1(b)" or now is None:
            baseline = None
            continue
        if baseline is None:
            reported = held.at(filer.event_date)
            if reported is not None and reported.held * 100 > 10 * reported.base:
                baseline = reported.held  # its filing already reported it over 10%
        if baseline is None and now.held * 100 <= 10 * now.base:
            continue
        if baseline is not None and magnitude(now.held - baseline) * 100 <= 5 * now.base:
            continue
        note = "over_ten" if baseline is None else "moved_five"
        p = now._replace(date=end, cause=None, cause_type=None)
        owed = obligation(
            r, "schedule_13g_amendment", "Rule 13d-2(c)", p, month_end_due(end),
            _answer(schedules, end), notes=(note,),
        )  # fmt: skip
        found.append(owed._replace(since=(filer.event_date, held.shares(filer.event_date))))
        baseline = now.held
    return found


def _passive_over_ten(r: Record, held: Held, schedules: list[Filing]) -> list[Obligation]:
    """Rule 13d-2(d): a passive investor's acquisition of more than 10%, then each 5% move."""
    found: list[Obligation] = []
    baseline: Amount | None = None
    for p in held.points:
        filer = regime(schedules, p.date)
        if filer is None or filer.rule != "13d-1(c)":
            baseline = None
            continue
        if baseline is None:
            if p.held * 100 <= 10 * p.base or p.held <= p.before:
                continue  # not over 10%, or only through a fall in shares outstanding
            note = "over_ten"
        elif magnitude(p.held - baseline) * 100 <= 5 * p.base:
            continue
        else:
            note = "moved_five"
        due = SEC.add_days(p.date, 2, "business") if p.date >= NEW_13G_DEADLINES else None
        later = [f for f in schedules if f.family == "13G" and f.filed_on >= p.date]
        owed = obligation(
            r, "schedule_13g_amendment", "Rule 13d-2(d)", p, due,
            later[0] if later else None, notes=(note,),
        )  # fmt: skip
        found.append(owed._replace(since=(filer.event_date, held.shares(filer.event_date))))
        baseline = p.held
    return found


def _at_twenty(r: Record, held: Held, schedules: list[Filing]) -> list[Obligation]:
    """Rule 13d-1(f): a passive investor that comes to hold 20% or more owes a Schedule 13D."""
    found: list[Obligation] = []
    for p in held.points:
        filer = regime(schedules, p.date)
        if filer is None or filer.rule != "13d-1(c)":
            continue
        if p.held * 100 < 20 * p.base or p.before * 100 >= 20 * p.base or p.held <= p.before:
            continue
        found.append(_switch(r, p, p.names, "Rule 13d-1(f)"))
    return found


def after_intent(r: Record, i: Intent) -> Obligation | None:
    """Rule 13d-1(e): a Schedule 13G filer over 5% that declares a control intent."""
    if regime(r.filed(i.names, SCHEDULES), i.date) is None:
        return None
    points = [p for p in r.points if p.names & i.names and p.date <= i.date]
    if not points or not points[-1].over_five:
        return None
    p = points[-1]._replace(date=i.date, cause=i.seq, label=i.label)
    return _switch(r, p, i.names, "Rule 13d-1(e)")


def _switch(r: Record, p: Point, names: frozenset[str], rule: str) -> Obligation:
    """A Schedule 13D owed by a 13G filer, with its cooling-off period: from `p.date` until 10
    days after filing it, it may neither vote nor acquire more (acquisitions in it listed)."""
    later = [f for f in r.filed(names, ("13D",)) if f.filed_on >= p.date]
    filing = later[0] if later else None
    until = after(filing.filed_on, 10) if filing is not None else None
    bought = tuple(
        (q.date, q.cause)
        for q in r.points
        if q.names & names
        and q.date >= p.date
        and (until is None or q.date <= until)
        and q.held > q.before
        and (q.date > p.date or rule == "Rule 13d-1(e)")  # (f): the crossing itself is allowed
    )
    owed = obligation(
        r, "schedule_13d_after_13g", rule, p, schedule_13d_due(p.date), filing,
        notes=(f"switch:{rule.removeprefix('Rule ')}",),
    )  # fmt: skip
    return owed._replace(cooling_off=(p.date, until, bought))


def over_ten_at_month_end(r: Record, p: Point, due: date) -> date | None:
    """A qualified institution's first Schedule 13G when it holds more than 10% at the end of a
    month before its regular due date: 10 days after that month's end (5 SEC business days from
    30 September 2024), Rule 13d-1(b)(2). None: not sooner than `due`."""
    held = Held(r.by_label.get(p.label, []))
    for end in _ends(p.date, min(r.as_of, period_end(p.date)), "month"):
        now = held.at(end)
        if now is not None and now.held * 100 > 10 * now.base:
            sooner = month_end_due(end)
            return sooner if sooner < due else None
    return None
