"""Removing an exemption by the name it was granted to.

An amendment's `remove_exemption` ends the exemption granted to the person it names. An
exemption granted to a group's label ("IPOF Group") covers every member, but it is held by the
label: a removal naming a member ("IPOF Fund") would match nothing and silently leave the
exemption in force. So a removal must name a person or label that an exemption (or the adoption's
exempt-person list) was granted to, by then, in replay order; otherwise the append is refused,
saying which grant covers the name instead, if any.
"""

from __future__ import annotations

from collections.abc import Iterable

from owl.ledger.events import (
    AnyEvent,
    ExemptionChange,
    RemoveExemption,
    RightsAgreementAdopted,
    RightsAgreementAmended,
)
from owl.projections.domain.groups import Link, LinkKey, form_groups
from owl.projections.domain.rules import relink


def refused_removals(
    facts: Iterable[tuple[int, AnyEvent]], after_seq: int
) -> list[tuple[int, str]]:
    """(seq, reason) for each removal in an event after `after_seq` that names no grant.
    `facts` are the issuer's plan and link events, voids applied, in replay order."""
    granted: dict[str, str] = {}  # name -> the amendment that granted it ("" at adoption)
    links: dict[LinkKey, Link] = {}
    refused: list[tuple[int, str]] = []
    for seq, ev in facts:
        if relink(links, seq, ev):
            continue
        if isinstance(ev, RightsAgreementAdopted):
            granted = {n: a for n, a in granted.items() if a} | dict.fromkeys(ev.exempt_persons, "")
        elif isinstance(ev, RightsAgreementAmended):
            for change in ev.changes:
                if isinstance(change, ExemptionChange):
                    granted[change.person] = ev.amendment
                elif isinstance(change, RemoveExemption):
                    if change.person in granted:
                        del granted[change.person]
                    elif seq > after_seq:
                        refused.append((seq, _reason(change.person, ev, granted, links)))
    return refused


def _reason(
    name: str, ev: RightsAgreementAmended, granted: dict[str, str], links: dict[LinkKey, Link]
) -> str:
    head = (
        f"remove_exemption names '{name}', but no exemption was granted to that name by "
        f"{ev.effective_date}"
    )
    for group in form_groups([name], links):
        if name not in group.names:
            continue
        covering = sorted(n for n in group.names if n in granted)
        if covering:
            by = ", ".join(f"'{n}'" + _by(granted[n]) for n in covering)
            return (
                f"{head}; the exemption covering its group was granted to {by}: remove it by "
                "the name it was granted to"
            )
    listed = ", ".join(f"'{n}'" for n in sorted(granted)) or "none"
    return f"{head} (exemptions in force: {listed})"


def _by(amendment: str) -> str:
    return f" (Amendment {amendment})" if amendment else " (at adoption)"
