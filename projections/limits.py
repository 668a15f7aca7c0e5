"""The limit that applies to a group on a date, from the plan terms in force.

Precedence: an exemption naming the group (any member or label); else a Board approval; else the
plan threshold and its test. A person named exempt at adoption has no limit, but only while no
one else in its group holds shares: affiliating with an exempt person is no escape.
"""

from __future__ import annotations

from collections.abc import Callable

from projections.groups import Group
from projections.state import Limit
from projections.terms import Terms


def limit_for(terms: Terms, group: Group, held: Callable[[str], int]) -> Limit:
    names = group.names
    exempt = terms.exempt_persons
    holders = {m for m in group.members if held(m) > 0}
    if names & exempt and holders <= exempt:
        return Limit("exempt_person", None, None, None, None, None, None)
    exemptions = [ex for p, ex in terms.exemptions.items() if p in names]
    if exemptions:
        ex = max(exemptions, key=lambda e: e.record.seq if e.record else 0)
        return Limit("exemption", ex.cap, ex.cap_text, None, ex.test, ex.amendment, ex.record)
    approvals = [ap for p, ap in terms.approvals.items() if p in names]
    if approvals:
        ap = max(approvals, key=lambda a: a.record.seq)
        return Limit(
            "approval", ap.max_percent, ap.max_percent_text, ap.max_shares, "above", None, ap.record
        )
    source = terms.records[-1] if terms.records else None
    return Limit(
        "threshold",
        terms.threshold,
        terms.threshold_text,
        None,
        terms.threshold_test,
        terms.threshold_source,
        source,
    )
