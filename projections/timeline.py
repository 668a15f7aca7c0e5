"""The timeline's vocabulary: which levels a group can cross, and how plan events read.

A group's levels are 5% and 10% (securities-law thresholds, "more than"), the plan threshold under
its test, and the cap or approval that applies to it. A crossing is reported when a level's state
differs from the last date the group was judged; a level that newly applies (a raised cap) is
reported only when the group is already beyond it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ledger.events import (
    AnyEvent,
    BoardApprovalGranted,
    ExemptionChange,
    ExpirationChange,
    InadvertenceDetermined,
    RemoveExemption,
    RightsAgentChange,
    RightsAgreementAdopted,
    RightsAgreementAmended,
    TenderOfferCommenced,
    TenderOfferTerminated,
    ThresholdChange,
)
from projections.numbers import TEST_WORDS, breaches

if TYPE_CHECKING:
    from projections.state import GroupStatus
    from projections.terms import Terms

Levels = dict[str, tuple[bool, str]]  # level -> (beyond it?, its name at the time)


_PERSON_FIELDS = ("holder", "from_holder", "to_holder", "person", "affiliate")
_NAMED_BY: dict[type, tuple[str, ...]] = {}


def involved(ev: AnyEvent) -> tuple[str, ...]:
    """The persons an event names."""
    kind = type(ev)
    fields = _NAMED_BY.get(kind)
    if fields is None:
        fields = _NAMED_BY[kind] = tuple(f for f in _PERSON_FIELDS if f in kind.model_fields)
    return tuple(value for f in fields if isinstance(value := getattr(ev, f), str))


def levels_of(status: GroupStatus, terms: Terms) -> dict[str, bool]:
    """Which of the group's levels it is beyond: "5%", "10%", "threshold", and "cap" (the cap or
    approval that applies to it, when one does)."""
    pct = status.percent
    if pct is None:
        return {}
    levels = {
        "5%": pct > 5,
        "10%": pct > 10,
        "threshold": breaches(pct, terms.threshold, terms.threshold_test),
    }
    limit = status.limit
    if limit is not None and limit.basis in ("exemption", "approval"):
        if limit.percent is not None and limit.test is not None:
            levels["cap"] = breaches(pct, limit.percent, limit.test)
        elif limit.shares is not None:
            levels["cap"] = status.shares > limit.shares
    return levels


def level_name(key: str, status: GroupStatus, terms: Terms) -> str:
    if key == "threshold":
        return f"the {terms.threshold_text}% threshold ({TEST_WORDS[terms.threshold_test]})"
    limit = status.limit
    if key == "cap" and limit is not None:
        if limit.shares is not None:
            return f"the approved {limit.shares:,} shares"
        return f"the {limit.percent_text}% {limit.basis} cap ({TEST_WORDS[limit.test or 'above']})"
    if key == "cap":
        return "its former cap"
    return key


def crossings(status: GroupStatus, terms: Terms, previous: Levels) -> tuple[Levels, list[str]]:
    """The levels now, and a line for each level whose state differs from `previous`: "above"
    the level as it now stands, "no longer above" it, or "within" a level whose value changed
    (a raised cap); a level that no longer applies (an exemption removed) is reported as left."""
    current = {k: (up, level_name(k, status, terms)) for k, up in levels_of(status, terms).items()}
    found = []
    for key in [*current, *(k for k in previous if k not in current)]:
        was, old_name = previous.get(key, (False, ""))
        now, new_name = current.get(key, (False, old_name))
        if was == now:
            continue
        if now:
            found.append(f"above {new_name}")
        elif key in current and new_name != old_name:
            found.append(f"within {new_name} (was above {old_name})")
        else:
            found.append(f"no longer above {old_name}")
    return current, found


def describe_plan_event(ev: AnyEvent) -> str:
    if isinstance(ev, RightsAgreementAdopted):
        test = TEST_WORDS[ev.threshold_test]
        return f"rights plan adopted: Acquiring Person {test} {ev.threshold}%" + (
            f", expires {ev.expires_on}" if ev.expires_on else ""
        )
    if isinstance(ev, RightsAgreementAmended):
        parts = [_describe_change(c) for c in ev.changes]
        return f"Amendment {ev.amendment} takes effect" + (f": {'; '.join(parts)}" if parts else "")
    if isinstance(ev, BoardApprovalGranted):
        limit = f"{ev.max_shares:,} shares" if ev.max_shares else f"{ev.max_percent}%"
        return f"Board approves {ev.person} up to {limit}"
    if isinstance(ev, InadvertenceDetermined):
        return f"Board determines {ev.person}'s crossing inadvertent; divest by {ev.divest_by}"
    if isinstance(ev, TenderOfferCommenced):
        return f"{ev.person} commences a tender offer for {ev.percent_sought}%"
    if isinstance(ev, TenderOfferTerminated):
        return f"{ev.person} terminates its tender offer"
    return ev.type


def _describe_change(change: object) -> str:
    if isinstance(change, ExemptionChange):
        intent = ", ends on a control intent" if change.ends_on_control_intent else ""
        bound = TEST_WORDS[change.cap_test]
        return f"{change.person} exempt unless it holds {bound} {change.cap}%{intent}"
    if isinstance(change, RemoveExemption):
        return f"exemption of {change.person} removed"
    if isinstance(change, ThresholdChange):
        return f"threshold {TEST_WORDS[change.threshold_test]} {change.threshold}%"
    if isinstance(change, RightsAgentChange):
        return f"rights agent {change.rights_agent}"
    if isinstance(change, ExpirationChange):
        return f"expires {change.expires_on}"
    raise AssertionError(change)
