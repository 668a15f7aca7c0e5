"""A group's standing over time: the data behind a chart.

For each group followed, a point on every date its holding, its percent of shares outstanding,
the limit that applies to it or its status changed; the levels (5%, 10%, the plan threshold as
amendments change it); its Acquiring Person intervals; and the dated events that moved it (its
members' trades and reports, the company's counts, issuances, repurchases and splits, plan events,
the Stock Acquisition and Distribution Dates). Computed by one fold over the range, from the best
checkpoint before it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from ledger.log import Recorded
from projections.fold import Fold
from projections.numbers import format_percent
from projections.snapshot import GroupStatus, Snapshot
from projections.state import Change
from projections.wording import change_text, describe

Json = dict[str, Any]
CAPITAL = {"OutstandingReported", "SharesIssued", "SharesRepurchased", "StockSplit"}


def point(day: date, standing: GroupStatus) -> Json:
    limit = standing.limit
    return {
        "date": day.isoformat(),
        "shares": standing.shares,
        "percent": format_percent(standing.percent) if standing.percent is not None else None,
        "limit_percent": limit.percent_text if limit is not None else None,
        "limit_shares": limit.shares if limit is not None else None,
        "limit_test": limit.test if limit is not None else None,
        "limit_basis": limit.basis if limit is not None else None,
        "status": standing.status,
    }


class Follower:
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
        level = {
            "date": day.isoformat(),
            "percent": terms.threshold_text,
            "test": terms.threshold_test,
        }
        if not self.threshold or self.threshold[-1]["percent"] != level["percent"]:
            self.threshold.append(level)
        for name in self.names:
            group = self.fold.group_of(name)
            if group is None:
                continue
            self.labels[name] = group.label
            now = point(day, snapshot.standing(group))
            series = self.points[name]
            if not series or _differs(series[-1], now):
                series.append(now)


def _differs(before: Json, now: Json) -> bool:
    return any(before[k] != now[k] for k in now if k != "date")


def series_json(
    issuer: str,
    follower: Follower,
    changes: list[Change],
    moved: Mapping[str, list[Recorded]],
    records: Mapping[int, Recorded],
    end: date,
) -> Json:
    groups = []
    snapshot = Snapshot(follower.fold.s, end, lambda seqs: {})
    for name in follower.names:
        if not follower.points[name]:
            continue
        label = follower.labels.get(name, name)
        group = follower.fold.group_of(name)
        standing = snapshot.standing(group) if group is not None else None
        groups.append(
            {
                "group": label,
                "followed_as": name,
                "members": list(group.members) if group is not None else [name],
                "points": follower.points[name],
                "acquiring_person_intervals": [
                    {"from": a.isoformat(), "to": b.isoformat() if b else None}
                    for a, b in (standing.intervals if standing else ())
                ],
                "events": [_marker(r) for r in moved.get(name, [])],
            }
        )
    plan_events = [
        {
            "date": c.date.isoformat(),
            "kind": c.what,
            "text": change_text(c, records),
            "seq": c.seq,
        }
        for c in changes
        if c.kind == "plan"
    ]
    return {
        "issuer": issuer,
        "threshold": follower.threshold,
        "levels": ["5", "10"],
        "groups": groups,
        "plan_events": plan_events,
        "capital_events": [_marker(r) for r in records.values() if r.event.type in CAPITAL],
    }


def _marker(record: Recorded) -> Json:
    return {
        "date": record.event.effective_date.isoformat(),
        "seq": record.seq,
        "type": record.event.type,
        "text": describe(record.event),
    }
