"""What a batch changed, as messages a downstream system acts on (`owl follow --publish`).

After a batch commits, each change the views show that the batch brought is one message: a
change of standing on the timeline (a group crossing 5%, 10% or a plan limit, an Acquiring
Person, a Stock Acquisition or Distribution Date, a plan's adoption, amendment or expiry), a new
filing obligation, a new reconciliation break. Each names the issuer, the group (or holder), the
date it holds from (`as_of`) and the seqs behind it, and carries the row exactly as the view
gives it (`owl timeline`, `owl obligations`, `owl reconcile` with `--format json`).

What the batch brought is read bitemporally: the views as the ledger knew them just before the
batch's events were recorded, against the views as it knew them once they were. So a change is
found whatever event it names (a holder's purchase may end the standing a plan's adoption
began), and it is found again, the same, when the batch is delivered again after a crash
between its commit and its acknowledgement (its events are found by their ids, whichever
delivery appended them). A message's key is a digest of what names the change, so a change
published twice is stored once by a broker that drops a key it has seen (JetStream, within its
duplicate window).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime, timedelta
from typing import Any

from owl.ledger.errors import LedgerError
from owl.projections.application.api import Ledger
from owl.projections.views.shapes import Json

_CHUNK = 500
# What makes an obligation or a break new (its status, days late or openness may change later).
_OBLIGATION = ("kind", "form", "rule", "security", "group", "arose_on", "cause")
_BREAK = ("date", "holder", "security", "nature", "series", "reported", "event")
_NAMINGS: dict[str, tuple[str, ...] | None] = {
    "timeline": None,
    "obligation": _OBLIGATION,
    "break": _BREAK,
}


def batch_spans(ledger: Ledger, ids: Sequence[str]) -> dict[str, tuple[str, str]]:
    """For each issuer, when the first and the last of the events with these ids were
    recorded."""
    spans: dict[str, tuple[str, str]] = {}
    with ledger.store.reading() as reader:
        for start in range(0, len(ids), _CHUNK):
            where, params = reader.one_of("event_id", list(ids[start : start + _CHUNK]))
            for issuer, first, last in reader.rows(
                "SELECT issuer, MIN(recorded_at), MAX(recorded_at) FROM events "
                f"WHERE {where} GROUP BY issuer",
                params,
            ):
                was = spans.get(issuer, (first, last))
                spans[issuer] = (min(was[0], first), max(was[1], last))
    return spans


def changes(ledger: Ledger, spans: dict[str, tuple[str, str]]) -> list[Json]:
    """Every change the batch recorded over `spans` (by issuer) brought, issuer by issuer, in
    the views' order: the timeline's, then the obligations', then the breaks'."""
    found: list[Json] = []
    for issuer in sorted(spans):
        first, last = spans[issuer]
        before = datetime.fromisoformat(first) - timedelta(microseconds=1)
        found.extend(_of_issuer(ledger, issuer, before, datetime.fromisoformat(last)))
    return found


def key(change: Json) -> str:
    """The change's name for the broker: the same change published twice has the same key
    (an obligation's status and days late, which move with the clock, are not part of it)."""
    named = _name(change["row"], _NAMINGS[change["change"]])
    text = f"{change['change']}\n{change['issuer']}\n{named}"
    return f"owl-change:{hashlib.sha256(text.encode()).hexdigest()}"


def _of_issuer(ledger: Ledger, issuer: str, before: datetime, after: datetime) -> Iterator[Json]:
    views: tuple[tuple[str, Callable[[datetime], list[Json]], str, str, str], ...] = (
        ("timeline", lambda at: ledger.timeline(issuer, known_at=at)["changes"],
         "group", "date", "event"),
        ("obligation", lambda at: ledger.obligations(issuer, known_at=at)["obligations"],
         "group", "arose_on", "cause"),
        ("break", lambda at: ledger.reconcile(issuer, known_at=at)["breaks"],
         "holder", "date", "event"),
    )  # fmt: skip
    for kind, rows, group, day, ref in views:
        naming = _NAMINGS[kind]
        known = {_name(row, naming) for row in _rows(rows, before)}
        for row in _rows(rows, after):
            if _name(row, naming) not in known:
                yield _message(kind, issuer, row.get(group), row[day], _seqs(row.get(ref)), row)


def _rows(view: Callable[[datetime], list[Json]], at: datetime) -> list[Json]:
    try:
        return view(at)
    except LedgerError:  # the issuer was not known yet
        return []


def _name(row: Json, naming: tuple[str, ...] | None) -> str:
    named = row if naming is None else {k: row.get(k) for k in naming}
    return json.dumps(named, sort_keys=True, default=str)


def _seqs(ref: Any) -> set[int]:
    """The seqs a view's reference to an event (or a list of them) names."""
    refs: Iterable[Any] = ref if isinstance(ref, list) else [ref]
    return {r["seq"] for r in refs if isinstance(r, dict) and isinstance(r.get("seq"), int)}


def _message(
    kind: str, issuer: str, group: str | None, as_of: str, seqs: set[int], row: Json
) -> Json:
    return {
        "change": kind,
        "issuer": issuer,
        "group": group,
        "as_of": as_of,
        "seqs": sorted(seqs),
        "row": row,
    }
