"""The log's facts as the domain reads them: which are live, and what they add up to.

A fact row (`owl.ledger.store.FactRow`) is a stored event of one issuer; these helpers decode the
ones no known void removes and total them by the rules (`owl.projections.domain.rules`), for the
ownership view and for the maintainer's checks alike.
"""

from __future__ import annotations

from collections.abc import Iterable

from owl.ledger.events import AnyEvent, event_from_payload
from owl.ledger.shares import Amount
from owl.projections.domain import rules
from owl.projections.domain.groups import Link, LinkKey
from owl.projections.maintained.tables import VOID, FactRow


def live_facts(facts: Iterable[FactRow]) -> list[tuple[FactRow, AnyEvent]]:
    """The facts no known void removes, with their events, in replay order."""
    listed = list(facts)
    voided = {f.target_seq for f in listed if f.type == VOID}
    return [
        (f, event_from_payload(f.payload, f"seq:{f.seq}"))
        for f in listed
        if f.type != VOID and f.seq not in voided
    ]


def outstanding_of(facts: list[tuple[FactRow, AnyEvent]], security: str) -> Amount | None:
    """Shares then outstanding of a class (`rules.outstanding_after`, as the fold counts it)."""
    count: Amount | None = None
    for _, ev in facts:
        change = rules.capital_change(ev)
        if change is not None and change.security == security:
            count = rules.outstanding_after(count, change)
    return count


def links_of(facts: list[tuple[FactRow, AnyEvent]]) -> dict[LinkKey, Link]:
    links: dict[LinkKey, Link] = {}
    for fact, ev in facts:
        rules.relink(links, fact.seq, ev)
    return links
