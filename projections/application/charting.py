"""A chart's data: the standing of the followed groups over a range, from one fold.

The range defaults to the issuer's first and last dates; the groups followed default to those
that crossed a level or changed status in it, the largest `most` of them. The fold starts from
the best checkpoint valid for the range's first day (`Reading.fold`) and goes on through its last,
with a `Plotter` taking each date's standing (`owl.projections.views.series`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from owl.ledger.events import CAPITAL_NAMES
from owl.ledger.log import Recorded
from owl.projections.application.inputs import EmptyRange, as_date
from owl.projections.application.reading import Reading
from owl.projections.maintained import tables
from owl.projections.views.series import Plotter, series_json
from owl.projections.views.shapes import Json


def chart_series(
    at: Reading,
    names: Sequence[str] | None,
    first_asked: date | None,
    last_asked: date | None,
    most: int,
) -> Json:
    first, last = _range(at, first_asked, last_asked)
    if names is None:
        names = [
            c.members[0]
            for c in at.changes()
            if c.kind in ("status", "crossing") and c.members and first <= c.date <= last
        ]
    fold = at.begin(first)
    plot = Plotter(fold, names, first)
    at.go_on(fold, first, plot)
    plot(first, fold.s.counted)  # every line starts at `from`
    at.go_on(fold, last, plot, after=first)
    plot(last, fold.s.counted)
    if len(plot.names) > most:
        peak = {
            n: max((float(p["percent"] or 0) for p in plot.points[n]), default=0.0)
            for n in plot.names
        }
        plot.names = sorted(plot.names, key=lambda n: -peak[n])[:most]
    moved: dict[str, list[Recorded]] = {}
    for name in plot.names:
        group = fold.group_of(name)
        members = group.names if group is not None else {name}
        found = at.reader.events_by_seq(
            at.unvoided(tables.naming(at.reader, at.issuer, members, last.isoformat(), at.upto))
        )
        moved[name] = sorted(
            (r for r in found.values() if r.event.effective_date >= first),
            key=lambda r: (r.event.effective_date, r.seq),
        )
    plan = [c for c in fold.changes if c.kind == "plan" and first <= c.date <= last]
    wanted = {c.seq for c in plan if c.seq is not None}
    wanted.update(
        f.seq
        for f in tables.facts(at.reader, at.issuer, at.upto, last.isoformat())
        if f.type in CAPITAL_NAMES and f.effective_date >= first.isoformat()
        and f.seq not in at.voided
    )  # fmt: skip
    body = series_json(at.issuer, plot, plan, moved, at.reader.events_by_seq(wanted), last)
    body["from"], body["to"], body["known_at"] = first.isoformat(), last.isoformat(), at.stamp
    return body


def _range(at: Reading, first_asked: date | None, last_asked: date | None) -> tuple[date, date]:
    first = first_asked or as_date(at.summary.first_date)
    last = last_asked or as_date(at.summary.last_date)
    if first > last and last_asked is None:
        raise EmptyRange(
            f"the range starts on {first}, after {at.issuer}'s last event ({last}); "
            "give an end date to look further"
        )
    if first > last:
        raise EmptyRange(
            f"nothing of {at.issuer} is effective by {last}: its first event is effective "
            f"on {first}"
        )
    return first, last
