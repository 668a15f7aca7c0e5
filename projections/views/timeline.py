"""The timeline view: every dated change of standing, crossing and plan fact, in words.

A group's levels are 5% and 10% (securities-law thresholds, "more than"), the plan threshold under
its test, and the cap or approval that applies to it. A crossing is reported when a level's state
differs from the last date the group was judged; a level that newly applies (a raised cap) is
reported only when the group is already beyond it. The fold records changes as data; the words
come from `projections.views.wording`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from owl.ledger.log import Recorded
from owl.projections.domain.state import Change
from owl.projections.views.report import record_ref
from owl.projections.views.shapes import Json
from owl.projections.views.wording import change_text


def concerns(change: Change, person: str | None) -> bool:
    """Does the change concern `person` (a member or a group label)? Plan-wide changes concern
    everyone."""
    return (
        person is None or change.group == person or person in change.members or not change.members
    )


def timeline_json(
    changes: Iterable[Change],
    issuer: str,
    person: str | None,
    records: Mapping[int, Recorded],
) -> Json:
    rows = []
    for change in changes:
        if not concerns(change, person):
            continue
        record = records.get(change.seq) if change.seq is not None else None
        rows.append(
            {
                "date": change.date.isoformat(),
                "kind": change.kind,
                "group": change.group,
                "detail": change_text(change, records),
                "from": change.before,
                "to": change.after,
                "event": record_ref(record),
            }
        )
    return {"issuer": issuer, "person": person, "changes": rows}
