"""Small helpers to write event histories in tests as readable one-liners."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ledger.events import parse_event
from ledger.log import Pending


def ev(type: str, date: str, issuer: str = "INOC", **fields: Any) -> Any:
    parsed = parse_event({"type": type, "issuer": issuer, "effective_date": date, **fields})
    assert not isinstance(parsed, list), parsed
    return parsed


def pending(*events: Any) -> list[Pending]:
    return [Pending(e, line=i + 1) for i, e in enumerate(events)]


def at(text: str) -> datetime:
    """An instant in UTC: at("2003-11-24T12:00")."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)
