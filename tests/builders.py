"""Small helpers to write event histories in tests as readable one-liners."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from owl.ledger.events import parse_event
from owl.ledger.log import Pending


def ev(type: str, date: str, issuer: str = "INOC", **fields: Any) -> Any:
    parsed = parse_event({"type": type, "issuer": issuer, "effective_date": date, **fields})
    assert not isinstance(parsed, list), parsed
    return parsed


def pending(*events: Any) -> list[Pending]:
    return [Pending(e, line=i + 1) for i, e in enumerate(events)]


def at(text: str) -> datetime:
    """An instant in UTC: at("2003-11-24T12:00")."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


RECORDED = "2026-01-01T00:00:00.000000Z"


def records(*events: Any, recorded_at: str = RECORDED) -> list[Any]:
    """Events as the log would return them: seq in the order given, sorted for replay."""
    from owl.ledger.log import Recorded

    rows = [
        Recorded(i, recorded_at, "", "", e.model_copy(update={"event_id": e.event_id or f"e{i}"}))
        for i, e in enumerate(events, 1)
    ]
    return sorted(rows, key=lambda r: (r.event.effective_date, r.seq))


def innotrac_events() -> list[Any]:
    """The real Innotrac history from data/innotrac/events.jsonl, parsed."""
    import json
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "data" / "innotrac" / "events.jsonl"
    out = []
    for number, line in enumerate(path.read_text().splitlines(), 1):
        parsed = parse_event(json.loads(line), number)
        assert not isinstance(parsed, list), parsed
        out.append(parsed)
    return out


def plan(date: str = "1997-12-31", **terms: Any) -> Any:
    return ev("RightsAgreementAdopted", date, **{"threshold": "15", **terms})


def outstanding(date: str, shares: int) -> Any:
    return ev("OutstandingReported", date, shares=shares)


def buy(holder: str, shares: int, date: str) -> Any:
    return ev("SharesPurchased", date, holder=holder, shares=shares)


def sell(holder: str, shares: int, date: str) -> Any:
    return ev("SharesSold", date, holder=holder, shares=shares)


def exemption(date: str, person: str, cap: str, label: str = "No. 2", **kw: Any) -> Any:
    change = {"change": "exemption", "person": person, "cap": cap, **kw}
    return ev("RightsAgreementAmended", date, amendment=label, changes=[change])


def timeline(*events: Any, until: Any = None) -> list[Any]:
    """The full replay's timeline of `events`, each change with its words: (date, group, kind,
    text, seq)."""
    from owl.projections.views.wording import change_text
    from tests.oracle import history

    rows = records(*events)
    changes, _ = history("INOC", rows, until)
    by_seq = {r.seq: r for r in rows}
    return [(c.date.isoformat(), c.group, c.kind, change_text(c, by_seq), c.seq) for c in changes]


HEAD_DIGEST = re.compile(r"(?m)^head digest [0-9]+:[0-9a-f]{64}\n")


def counts(ingest_output: str) -> str:
    """What `owl ingest` printed without its head digest line (which tests of its own check)."""
    return HEAD_DIGEST.sub("", ingest_output)
