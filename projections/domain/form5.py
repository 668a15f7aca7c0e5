"""Form 5: each insider's annual statement, within 45 days after the issuer's fiscal year ends
(Rule 16a-3(f)). Pure.

An insider owes a Form 5 for a fiscal year in which it had, on the ledger's record:
- a transaction eligible for deferred reporting (`watch.deferrable`: a gift received, a small
  acquisition under Rule 16a-6, a gift made before 27 February 2023), which owes no Form 4; or
- a transaction that owed a Form 4 and was not reported on one by the fiscal year's end.
A year with neither owes none. The fiscal year ends on the day the issuer's latest
`FiscalYearEndReported` by then names; without one, 31 December, and the obligation says it was
assumed. The Form 5 the insider itself filed after the year's end meets it.
"""

from __future__ import annotations

from calendar import monthrange
from datetime import date

from owl.projections.domain.duties import Obligation, Record, after_period, obligation
from owl.projections.domain.watch import Point, Transaction

DEFAULT_YEAR_END = "12-31"


def year_end(day: date, fiscal: list[tuple[date, str]]) -> tuple[date, bool]:
    """The end of the fiscal year `day` falls in, and whether the issuer stated it (else 31
    December is assumed)."""
    stated = [month_day for start, month_day in fiscal if start <= day]
    month_day = stated[-1] if stated else DEFAULT_YEAR_END
    month, _, dd = month_day.partition("-")
    for year in (day.year, day.year + 1):
        if year > date.max.year:  # the calendar's end: its last day stands for the year's end
            return date.max, bool(stated)
        last = monthrange(year, int(month))[1]
        end = date(year, int(month), min(int(dd), last))  # 02-29 in a common year: 28 February
        if end >= day:
            return end, bool(stated)
    raise AssertionError("a fiscal year ends within a year")  # pragma: no cover


def owed(r: Record, deferred: list[Transaction], form_4s: list[Obligation]) -> list[Obligation]:
    """The Forms 5 owed by `r.as_of`: one per insider and fiscal year with something to report
    (`deferred`: the transactions eligible for it; `form_4s`: the Forms 4 owed)."""
    fiscal = r.fiscal
    items: dict[tuple[str, date], list[tuple[int, str]]] = {}
    stated: dict[date, bool] = {}

    def add(person: str, day: date, seq: int, what: str) -> None:
        end, known = year_end(day, fiscal)
        stated[end] = known
        items.setdefault((person, end), []).append((seq, what))

    for t in deferred:
        for person in t.persons:
            add(person, t.date, t.seq, t.deferred or "")
    for o in form_4s:
        end, _ = year_end(o.arose_on, fiscal)
        if o.filing is None or o.filing.filed_on > end:
            for person in o.members:
                add(person, o.arose_on, o.cause or 0, "not reported on a Form 4")
    found: list[Obligation] = []
    for (person, end), what in sorted(items.items(), key=lambda item: (item[0][1], item[0][0])):
        if end > r.as_of:
            continue
        filing = next((f for f in r.filed_by(person, ("5",)) if f.filed_on > end), None)
        first = min(seq for seq, _ in what)
        p = Point(end, person, (person,), frozenset({person}), 0, 0, 0, False, first,
                  None, False)  # fmt: skip
        notes = tuple(f"item:{seq}:{kind}" for seq, kind in sorted(what))
        if not stated[end]:
            notes += ("fiscal_year_end_assumed",)
        due = after_period(end)
        found.append(
            obligation(r, "form_5", "Rule 16a-3(f)", p, due, filing, notes)._replace(
                held=None, base=None
            )
        )
    return found
