"""Plan terms in force: a projection of adoption, amendment and Board events.

An amendment applies from its `effective_date` (the day it is executed), never from the day the
Board authorized it. Board approvals and lapses of exemptions (on a declared control intent) are
part of the terms too, so "which rules applied on 20 Nov 2003" is a query like any other. Each step
returns new terms; nothing is changed in place. Terms name the events behind them by `seq`, so
they are a plain value that a checkpoint stores and reads back exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from fractions import Fraction
from functools import cached_property
from types import MappingProxyType
from typing import Literal, NamedTuple

from owl.ledger.events import (
    BoardApprovalGranted,
    ExemptionChange,
    ExpirationChange,
    RemoveExemption,
    RightsAgentChange,
    RightsAgreementAdopted,
    RightsAgreementAmended,
    ThresholdChange,
)
from owl.projections.domain.numbers import Test, format_decimal_text


class Exemption(NamedTuple):
    """A person (and its group) is not an AP unless it breaches `cap` under `test`."""

    person: str
    cap_text: str
    test: Test
    ends_on_control_intent: bool
    amendment: str | None
    seq: int | None  # the amendment that granted it
    effective: date | None
    ends_on_disposition: bool = False  # any disposition of its shares ends it

    @property
    def cap(self) -> Fraction:
        return Fraction(self.cap_text)


class Approval(NamedTuple):
    """The Board lets a person hold up to a share count or a percentage."""

    person: str
    max_shares: int | None
    max_percent_text: str | None
    seq: int

    @property
    def max_percent(self) -> Fraction | None:
        return Fraction(self.max_percent_text) if self.max_percent_text is not None else None


def _no_exemptions() -> MappingProxyType[str, Exemption]:
    return MappingProxyType({})


def _no_approvals() -> MappingProxyType[str, Approval]:
    return MappingProxyType({})


@dataclass(frozen=True)
class Terms:
    """The rights plan as it stands on one date."""

    adopted_on: date | None = None
    threshold_text: str = "15"
    threshold_test: Test = "at_or_above"
    threshold_source: str | None = None  # the amendment that last set it
    expires_on: date | None = None
    rights_agent: str | None = None
    distribution_delay: int = 10
    distribution_delay_basis: Literal["calendar", "business"] = "calendar"
    exempt_persons: frozenset[str] = frozenset()
    exemptions: MappingProxyType[str, Exemption] = field(default_factory=_no_exemptions)
    approvals: MappingProxyType[str, Approval] = field(default_factory=_no_approvals)
    amendments: tuple[str, ...] = ()
    records: tuple[int, ...] = ()  # seqs of the adoption and amendments, for explanations
    security: str = ""  # the class the plan covers ("" the common stock)
    derivatives: Literal["all", "exercisable", "none"] = "all"  # which rights count
    grandfathering: bool = True  # a holder over the threshold at adoption is spared (see fold)

    @property
    def adopted(self) -> bool:
        return self.adopted_on is not None

    @cached_property
    def threshold(self) -> Fraction:
        return Fraction(self.threshold_text)

    @cached_property
    def specially_named(self) -> frozenset[str]:
        """Every name an exemption, an approval or the exempt-person list gives."""
        return self.exempt_persons | frozenset(self.exemptions) | frozenset(self.approvals)

    def expired_on(self, day: date) -> bool:
        """After close of business on the expiration date the plan is no longer in force."""
        return self.expires_on is not None and day > self.expires_on


def adopt(terms: Terms, seq: int, ev: RightsAgreementAdopted) -> Terms:
    return replace(
        terms,
        adopted_on=ev.effective_date,
        threshold_text=format_decimal_text(ev.threshold),
        threshold_test=ev.threshold_test,
        expires_on=ev.expires_on,
        rights_agent=ev.rights_agent,
        distribution_delay=ev.distribution_delay,
        distribution_delay_basis=ev.distribution_delay_basis,
        exempt_persons=frozenset(ev.exempt_persons),
        records=(*terms.records, seq),
        security=ev.security or "",
        derivatives=ev.derivatives or "all",
        grandfathering=ev.grandfathering is not False,
    )


def amend(terms: Terms, seq: int, ev: RightsAgreementAmended) -> Terms:
    exemptions = dict(terms.exemptions)
    for change in ev.changes:
        if isinstance(change, ExemptionChange):
            exemptions[change.person] = Exemption(
                change.person,
                format_decimal_text(change.cap),
                change.cap_test,
                change.ends_on_control_intent,
                ev.amendment,
                seq,
                ev.effective_date,
                bool(change.ends_on_disposition),
            )
        elif isinstance(change, RemoveExemption):
            exemptions.pop(change.person, None)
            terms = replace(terms, exempt_persons=terms.exempt_persons - {change.person})
        elif isinstance(change, ThresholdChange):
            terms = replace(
                terms,
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
        records=(*terms.records, seq),
    )


def approve(terms: Terms, seq: int, ev: BoardApprovalGranted) -> Terms:
    percent = format_decimal_text(ev.max_percent) if ev.max_percent is not None else None
    approval = Approval(ev.person, ev.max_shares, percent, seq)
    return replace(terms, approvals=MappingProxyType({**terms.approvals, ev.person: approval}))


Lapse = Literal["control_intent", "disposition"]


def lapse(terms: Terms, names: frozenset[str], why: Lapse) -> tuple[Terms, list[Exemption]]:
    """End every exemption naming one of `names` that is marked to end on `why`: a declared
    control intent, or a disposition of any of the shares the group holds."""
    lapsed = [
        ex
        for person, ex in terms.exemptions.items()
        if person in names
        and (ex.ends_on_control_intent if why == "control_intent" else ex.ends_on_disposition)
    ]
    if not lapsed:
        return terms, []
    kept = {p: ex for p, ex in terms.exemptions.items() if ex not in lapsed}
    return replace(terms, exemptions=MappingProxyType(kept)), lapsed
