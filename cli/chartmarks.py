"""What a chart marks, worked out from the series before anything is drawn.

A group's percent is a step line (a point's value holds from its date until the next); a busy
history would bury the line under markers, so a group's trades are marked only on the dates they
moved its percent noticeably, crossed a level or changed its status or limit (the largest
`MOST_TRADE_MARKS` of them); its reports, affiliations and declarations are always marked. The
detail window is where the groups hold shares, when that is a small part of the range. Text from
the ledger is shown without the characters that reorder it. No matplotlib here: `owl.cli.chart`
draws.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

NOTICEABLE = 0.5  # percentage points: a trade date that moved the line this much is marked
MOST_TRADE_MARKS = 24  # per group; the largest moves win
# The kind of marker for a group's event: (marker, legend label). Trades are filtered; the rest
# (reports, affiliations, declarations) are few and always drawn.
MARKS = {
    "trade": ("o", "trade that moved it noticeably or changed its status"),
    "HoldingReported": ("s", "holding reported"),
    "AffiliationFormed": ("D", "affiliation formed"),
    "AffiliationEnded": ("d", "affiliation ended"),
    "ControlIntentDeclared": ("X", "control intent declared"),
    "BoardApprovalGranted": ("P", "Board approval"),
    "InadvertenceDetermined": ("h", "inadvertence determined"),
    "TenderOfferCommenced": (">", "tender offer"),
    "TenderOfferTerminated": ("<", "tender offer ended"),
}
# The marks, embeddings, overrides and isolates that reorder text (the ledger refuses them too).
BIDI = set("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def shown(text: str) -> str:
    """A name as people should see it: bidi and other control characters written out
    (U+202E) so they can neither reorder the text around them nor hide."""
    return "".join(
        f"<U+{ord(c):04X}>" if c in BIDI or unicodedata.category(c) == "Cc" else c for c in text
    )


def steps(points: list[dict[str, Any]], key: str) -> list[tuple[date, float | None]]:
    """A point field as a step function: (date, value) where the value changes, in date order.
    The limit is drawn in percent: a limit in shares (an approval) is converted with the count
    the point was judged against."""
    out: list[tuple[date, float | None]] = []
    for p in points:
        value = _limit_percent(p) if key == "limit" else number(p.get(key))
        if not out or out[-1][1] != value:
            out.append((date.fromisoformat(p["date"]), value))
    return out


def number(text: Any) -> float | None:
    return None if text is None else float(text)


def _limit_percent(p: dict[str, Any]) -> float | None:
    if p.get("limit_percent") is not None:
        return float(p["limit_percent"])
    outstanding = p.get("outstanding") or _implied_outstanding(p)
    if p.get("limit_shares") is None or not outstanding:
        return None
    return float(p["limit_shares"]) * 100 / outstanding


def _implied_outstanding(p: dict[str, Any]) -> float | None:
    percent = number(p.get("percent"))
    return p["shares"] * 100 / percent if percent and p.get("shares") else None


def _crossed(before: float, now: float, levels: list[float]) -> bool:
    return any(min(before, now) < level <= max(before, now) for level in levels)


def notable_dates(points: list[dict[str, Any]], levels: list[float]) -> set[date]:
    """The dates on which a group's trades deserve a marker: its first point and the first
    date it holds shares, and each date its percent moved by NOTICEABLE points or more, crossed
    a level or its limit, or its status or limit changed; the largest MOST_TRADE_MARKS moves
    when there are more."""
    scored: dict[date, float] = {}
    for before, now in zip([None, *points], points, strict=False):
        day = date.fromisoformat(now["date"])
        if before is None or (not before["shares"] and now["shares"]):
            scored[day] = math.inf  # where the line starts, or the group first holds shares
            continue
        a, b = number(before["percent"]) or 0.0, number(now["percent"]) or 0.0
        marks = [*levels, *(v for v in (_limit_percent(before), _limit_percent(now)) if v)]
        changed = (before["status"], _limit_percent(before)) != (now["status"], _limit_percent(now))
        move = math.inf if changed or _crossed(a, b, marks) else abs(b - a)
        if move >= NOTICEABLE:
            scored[day] = move
    kept = sorted(scored, key=lambda d: -scored[d])[:MOST_TRADE_MARKS]
    return set(kept) | {d for d, s in scored.items() if s == math.inf}


@dataclass(frozen=True)
class Mark:
    day: date
    kind: str
    percent: float


def group_marks(group: dict[str, Any], levels: list[float]) -> list[Mark]:
    """The markers for a group's events, one per date and kind, at the group's percent at the
    end of that date."""
    line = steps(group["points"], "percent")
    notable = notable_dates(group["points"], levels)
    seen: dict[tuple[date, str], Mark] = {}
    for event in group["events"]:
        day = date.fromisoformat(event["date"])
        kind = "trade" if event["trade"] else event["type"]
        if kind not in MARKS or (kind == "trade" and day not in notable):
            continue
        value = _value_at(line, day)
        if value is not None:
            seen.setdefault((day, kind), Mark(day, kind, value))
    return list(seen.values())


def _value_at(line: list[tuple[date, float | None]], day: date) -> float | None:
    value = None
    for start, v in line:
        if start > day:
            break
        value = v
    return value


SHORT = {  # plan events named by their kind along the top of the chart
    "sad": "Stock Acquisition Date",
    "dd": "Distribution Date",
    "ended": "plan ended",
    "redeemed": "rights redeemed",
    "lapse": "exemption lapses",
}


def short_name(event: dict[str, Any]) -> str:
    """A plan event's name along the top of the chart."""
    if event["kind"] in SHORT:
        return SHORT[event["kind"]]
    if event.get("amendment"):
        return shown(f"Amendment {event['amendment']}")
    text = shown(event["text"]).split(":")[0].replace(" takes effect", "")
    return text if len(text) <= 30 else text[:29] + "…"


def detail_range(series: dict[str, Any]) -> tuple[date, date] | None:
    """The window where the groups hold shares, drawn again below the whole range when it is
    less than a third of it (Innotrac: August to November 2003 in six years of plan)."""
    firsts = [
        date.fromisoformat(next(p["date"] for p in g["points"] if p["shares"]))
        for g in series["groups"]
        if any(p["shares"] for p in g["points"])
    ]
    start, end = date.fromisoformat(series["from"]), date.fromisoformat(series["to"])
    if not firsts or (end - min(firsts)) * 3 >= (end - start):
        return None
    margin = max((end - min(firsts)) / 10, timedelta(days=7))
    return max(start, min(firsts) - margin), end
