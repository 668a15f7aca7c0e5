"""A group's standing over time: the data behind a chart.

For each group followed, a point at the end of the range's first date (`from`), then one on every
date its holding, its percent of shares outstanding, the shares then outstanding, the limit that
applies to it, its status or its label changed; the levels (5%, 10%, the plan threshold as
amendments change it, None while no plan is in force); its Acquiring Person intervals; and the
dated events that moved it (its members' trades and reports, the company's counts, issuances,
repurchases and splits, plan events with their type and amendment label, the Stock Acquisition
and Distribution Dates). Computed by one fold over the range, from the best checkpoint before it.

A name followed before the ledger knows it (a holder's first trade is later in the range) stands
at 0 shares, as a holder on its own, until it appears; a point's `group` is the label of the
group the name belonged to on that date, so a holder that joins a group later changes label.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from owl.ledger.events import CAPITAL_MOVERS, TRADES
from owl.ledger.log import Recorded
from owl.ledger.shares import Amount
from owl.projections.domain.fold import Fold
from owl.projections.domain.groups import alone
from owl.projections.domain.numbers import format_percent
from owl.projections.domain.state import Change
from owl.projections.views.shapes import Json
from owl.projections.views.snapshot import GroupStatus, Snapshot
from owl.projections.views.wording import change_text, describe


def point(day: date, standing: GroupStatus, outstanding: Amount | None) -> Json:
    limit = standing.limit
    return {
        "date": day.isoformat(),
        "group": standing.group.label,
        "shares": standing.shares,
        "percent": format_percent(standing.percent) if standing.percent is not None else None,
        "outstanding": outstanding,
        "limit_percent": limit.percent_text if limit is not None else None,
        "limit_shares": limit.shares if limit is not None else None,
        "limit_test": limit.test if limit is not None else None,
        "limit_basis": limit.basis if limit is not None else None,
        "status": standing.status,
    }


class Plotter:
    """Collects the standing of the followed names (members or labels) at each date's end."""

    def __init__(self, fold: Fold, names: Iterable[str], start: date) -> None:
        self.fold = fold
        self.names = list(dict.fromkeys(names))
        self.start = start
        self.points: dict[str, list[Json]] = {name: [] for name in self.names}
        self.labels: dict[str, str] = {}
        self.threshold: list[Json] = []

    def __call__(self, day: date, counted: int) -> None:
        if day < self.start:
            return
        snapshot = Snapshot(self.fold.s, day, lambda seqs: {})
        terms = self.fold.s.terms
        in_force = snapshot.in_force
        level = {
            "date": day.isoformat(),
            "percent": terms.threshold_text if in_force else None,
            "test": terms.threshold_test if in_force else None,
        }
        if not self.threshold or _differs(self.threshold[-1], level):
            self.threshold.append(level)
        outstanding = snapshot.outstanding
        for name in self.names:
            series = self.points[name]
            group = self.fold.group_of(name)
            if group is None:
                if name in self.labels:
                    continue  # known before, and no longer: its last point holds
                group = alone(name)  # not known yet: a holder of nothing, on its own
            else:
                self.labels[name] = group.label
            now = point(day, snapshot.standing(group), outstanding)
            if not series or _differs(series[-1], now):
                series.append(now)


def _differs(before: Json, now: Json) -> bool:
    return any(before[k] != now[k] for k in now if k != "date")


def series_json(
    issuer: str,
    plotter: Plotter,
    changes: list[Change],
    moved: Mapping[str, list[Recorded]],
    records: Mapping[int, Recorded],
    end: date,
) -> Json:
    groups = []
    snapshot = Snapshot(plotter.fold.s, end, lambda seqs: {})
    for name in plotter.names:
        if name not in plotter.labels:
            continue  # never known in the range: no line to draw
        label = plotter.labels.get(name, name)
        group = plotter.fold.group_of(name)
        standing = snapshot.standing(group) if group is not None else None
        groups.append(
            {
                "group": label,
                "followed_as": name,
                "members": list(group.members) if group is not None else [name],
                "labels": _labels(plotter.points[name]),
                "points": plotter.points[name],
                "acquiring_person_intervals": [
                    {"from": a.isoformat(), "to": b.isoformat() if b else None}
                    for a, b in (standing.intervals if standing else ())
                ],
                "events": [_marker(r) for r in moved.get(name, [])],
            }
        )
    plan_events = [_plan_event(c, records) for c in changes if c.kind == "plan"]
    return {
        "issuer": issuer,
        "threshold": plotter.threshold,
        "levels": ["5", "10"],
        "groups": groups,
        "plan_events": plan_events,
        "capital_events": [
            _marker(r) for r in records.values() if isinstance(r.event, CAPITAL_MOVERS)
        ],
    }


def _labels(points: list[Json]) -> list[Json]:
    """The group's label over time: each label with the date from which it held."""
    out: list[Json] = []
    for p in points:
        if not out or out[-1]["group"] != p["group"]:
            out.append({"from": p["date"], "group": p["group"]})
    return out


def _plan_event(change: Change, records: Mapping[int, Recorded]) -> Json:
    """A plan event: `kind` says what happened ("event": the event at `seq` took effect; "sad",
    "dd", "ended", "redeemed", "lapse", ...), `type` the event's type when there is one, and
    `amendment` the label of an amendment ("No. 3")."""
    record = records.get(change.seq) if change.seq is not None else None
    event = record.event if record is not None else None
    return {
        "date": change.date.isoformat(),
        "kind": change.what,
        "type": event.type if event is not None else None,
        "amendment": getattr(event, "amendment", None),
        "text": change_text(change, records),
        "seq": change.seq,
    }


def _marker(record: Recorded) -> Json:
    return {
        "date": record.event.effective_date.isoformat(),
        "seq": record.seq,
        "type": record.event.type,
        "trade": isinstance(record.event, TRADES),
        "text": describe(record.event),
    }
