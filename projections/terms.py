"""Plan terms in force: a projection of adoption, amendment and Board events.

An amendment applies from its `effective_date` (the day it is executed), never from the day the
Board authorized it. Board approvals, inadvertence determinations and lapses of exemptions (on a
declared control intent) are part of the terms too, so "which rules applied on 20 Nov 2003" is a
query like any other. Each step returns new terms; nothing is changed in place.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from fractions import Fraction
from types import MappingProxyType
from typing import Literal

from ledger.events import (
    BoardApprovalGranted,
    ExemptionChange,
    ExpirationChange,
    RemoveExemption,
    RightsAgentChange,
    RightsAgreementAdopted,
    RightsAgreementAmended,
    ThresholdChange,
)
from ledger.log import Recorded
from projections.numbers import Test, format_decimal_text

_EMPTY: MappingProxyType[str, Exemption] = MappingProxyType({})


@dataclass(frozen=True)
class Exemption:
    """A person (and its group) is not an AP unless it breaches `cap` under `test`."""

    person: str
    cap: Fraction
    cap_text: str
    test: Test
    ends_on_control_intent: bool
    amendment: str | None
    record: Recorded | None


@dataclass(frozen=True)
class Approval:
    person: str
    max_shares: int | None
    max_percent: Fraction | None
    max_percent_text: str | None
    record: Recorded


@dataclass(frozen=True)
class Terms:
    """The rights plan as it stands on one date."""

    adopted_on: date | None = None
    threshold: Fraction = Fraction(15)
    threshold_text: str = "15"
    threshold_test: Test = "at_or_above"
    threshold_source: str | None = None  # the amendment that last set it
    expires_on: date | None = None
    rights_agent: str | None = None
    distribution_delay: int = 10
    distribution_delay_basis: Literal["calendar", "business"] = "calendar"
    exempt_persons: frozenset[str] = frozenset()
    exemptions: MappingProxyType[str, Exemption] = field(default_factory=lambda: _EMPTY)
    approvals: MappingProxyType[str, Approval] = field(default_factory=lambda: MappingProxyType({}))
    amendments: tuple[str, ...] = ()
    records: tuple[Recorded, ...] = ()  # adoption and amendments, for explanations

    @property
    def adopted(self) -> bool:
        return self.adopted_on is not None

    def expired_on(self, day: date) -> bool:
        """After close of business on the expiration date the plan is no longer in force."""
        return self.expires_on is not None and day > self.expires_on


def adopt(terms: Terms, record: Recorded) -> Terms:
    ev = record.event
    assert isinstance(ev, RightsAgreementAdopted)
    return replace(
        terms,
        adopted_on=ev.effective_date,
        threshold=Fraction(ev.threshold),
        threshold_text=format_decimal_text(ev.threshold),
        threshold_test=ev.threshold_test,
        expires_on=ev.expires_on,
        rights_agent=ev.rights_agent,
        distribution_delay=ev.distribution_delay,
        distribution_delay_basis=ev.distribution_delay_basis,
        exempt_persons=frozenset(ev.exempt_persons),
        records=(*terms.records, record),
    )


def amend(terms: Terms, record: Recorded) -> Terms:
    ev = record.event
    assert isinstance(ev, RightsAgreementAmended)
    exemptions = dict(terms.exemptions)
    for change in ev.changes:
        if isinstance(change, ExemptionChange):
            exemptions[change.person] = Exemption(
                change.person,
                Fraction(change.cap),
                format_decimal_text(change.cap),
                change.cap_test,
                change.ends_on_control_intent,
                ev.amendment,
                record,
            )
        elif isinstance(change, RemoveExemption):
            exemptions.pop(change.person, None)
            terms = replace(terms, exempt_persons=terms.exempt_persons - {change.person})
        elif isinstance(change, ThresholdChange):
            terms = replace(
                terms,
                threshold=Fraction(change.threshold),
                threshold_text=format_decimal_text(change.threshold),
                threshold_test=change.threshold_test,
                threshold_source=ev.amendment,
            )
        elif isinstance(change, RightsAgentChange):
            terms = replace(terms, rights_agent=change.rights_agent)
        elif isinstance(change, ExpirationChange):
            terms = replace(terms, expires_on=change.expires_on)
    return replace(
        terms,
        exemptions=MappingProxyType(exemptions),
        amendments=(*terms.amendments, ev.amendment),
        records=(*terms.records, record),
    )


def approve(terms: Terms, record: Recorded) -> Terms:
    ev = record.event
    assert isinstance(ev, BoardApprovalGranted)
    approval = Approval(
        ev.person,
        ev.max_shares,
        Fraction(ev.max_percent) if ev.max_percent is not None else None,
        format_decimal_text(ev.max_percent) if ev.max_percent is not None else None,
        record,
    )
    return replace(terms, approvals=MappingProxyType({**terms.approvals, ev.person: approval}))


def lapse_on_control_intent(terms: Terms, members: frozenset[str]) -> tuple[Terms, list[Exemption]]:
    """A declared control intent ends every exemption of the group marked to end on it."""
    lapsed = [
        ex
        for person, ex in terms.exemptions.items()
        if person in members and ex.ends_on_control_intent
    ]
    if not lapsed:
        return terms, []
    kept = {p: ex for p, ex in terms.exemptions.items() if ex not in lapsed}
    return replace(terms, exemptions=MappingProxyType(kept)), lapsed
