"""Ownership as of (date, known_at), from the maintained projections: one aggregate, no fold.

Holdings are the sum of each holder's position changes effective by the date and counted by the
view (`rec_seq` at or before the issuer's last seq known then): one indexed aggregate on either
backend. Shares then outstanding, the links that form groups and the adopted reports come from
the few non-trade facts. The answer equals the full replay's `ownership` (a property test holds
them equal).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from ledger.events import (
    AffiliationEnded,
    AffiliationFormed,
    AnyEvent,
    OutstandingReported,
    SharesIssued,
    SharesRepurchased,
    StockSplit,
    event_from_payload,
)
from ledger.store import FactRow, Reader
from projections.groups import Link, LinkKey, form_groups, group_labels, link_key
from projections.numbers import format_percent, percent
from projections.report import Json, record_ref


def live_facts(facts: Iterable[FactRow]) -> list[tuple[FactRow, AnyEvent]]:
    """The facts no known void removes, with their events, in replay order."""
    listed = list(facts)
    voided = {f.target_seq for f in listed if f.type == "EventVoided"}
    return [
        (f, event_from_payload(f.payload, f"seq:{f.seq}"))
        for f in listed
        if f.type != "EventVoided" and f.seq not in voided
    ]


def outstanding_of(facts: list[tuple[FactRow, AnyEvent]]) -> int | None:
    """Shares then outstanding: the latest count, adjusted by issuances, repurchases and splits
    after it (the same rule the fold applies)."""
    count: int | None = None
    for _, ev in facts:
        if isinstance(ev, OutstandingReported):
            count = ev.shares
        elif count is None:
            continue
        elif isinstance(ev, SharesIssued):
            count += ev.shares
        elif isinstance(ev, SharesRepurchased):
            count -= ev.shares
        elif isinstance(ev, StockSplit):
            count = count * ev.numerator // ev.denominator
    return count


def links_of(facts: list[tuple[FactRow, AnyEvent]]) -> dict[LinkKey, Link]:
    links: dict[LinkKey, Link] = {}
    for fact, ev in facts:
        if isinstance(ev, AffiliationFormed):
            links[link_key(ev.person, ev.affiliate)] = Link(
                fact.seq, ev.person, ev.affiliate, ev.group
            )
        elif isinstance(ev, AffiliationEnded):
            links.pop(link_key(ev.person, ev.affiliate), None)
    return links


def ownership_view(
    reader: Reader, issuer: str, as_of: date, upto_seq: int, known_at: str | None
) -> Json:
    day = as_of.isoformat()
    holdings = reader.holdings(issuer, day, upto_seq)
    facts = live_facts(reader.facts(issuer, upto_seq, day))
    out = outstanding_of(facts)
    links = links_of(facts)
    labels = group_labels(links)
    persons = {*holdings, *(name for key in links for name in key)} - labels

    def pct(shares: int) -> str | None:
        return format_percent(percent(shares, out)) if out else None

    groups = []
    for group in form_groups(persons, links):
        shares = sum(holdings.get(m, 0) for m in group.members)
        if shares:
            groups.append((group, shares))
    groups.sort(key=lambda gs: (-gs[1], gs[0].label))
    holders = sorted(((h, s) for h, s in holdings.items() if s), key=lambda x: (-x[1], x[0]))
    adopted = reader.adopted(issuer, day, upto_seq)
    records = reader.events_by_seq(row.seq for row in adopted)
    unexplained: list[dict[str, Any]] = [
        {
            "date": row.effective_date,
            "holder": row.holder,
            "reported": row.target,
            "computed": (row.target or 0) - row.delta,
            "difference": row.delta,
            "event": record_ref(records.get(row.seq)),
        }
        for row in adopted
    ]
    return {
        "issuer": issuer,
        "as_of": day,
        "known_at": known_at,
        "shares_outstanding": out,
        "holders": [{"holder": h, "shares": s, "percent": pct(s)} for h, s in holders],
        "groups": [
            {
                "group": g.label,
                "members": list(g.members),
                "shares": shares,
                "percent": pct(shares),
            }
            for g, shares in groups
        ],
        "unexplained_changes": unexplained,
    }
