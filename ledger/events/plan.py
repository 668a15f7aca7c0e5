"""The rights plan: its adoption, amendments, Board decisions, tender offers and redemption.

Every threshold, test, cap, delay and date is data on these events, never a constant in code.
`grandfathering` (default on) says whether a holder already at or over the threshold when the
plan is adopted is spared until it acquires more; an exemption's `ends_on_control_intent` and
`ends_on_disposition` say which events end it (the two readings of a "ceases to hold ... without
any intention of changing or influencing control" limb).
`security` names the class of stock the plan covers (absent: the common stock) and
`derivatives` how it counts rights to acquire shares: `all` (the common form: "whether such
right is exercisable immediately or only after the passage of time"), `exercisable` (only those
exercisable now) or `none`.
"""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from owl.ledger.events.base import Event
from owl.ledger.events.values import Decimal, IsoDate, Name, Percent, Test, Text, WholeShares


class RightsAgreementAdopted(Event):
    type: Literal["RightsAgreementAdopted"] = "RightsAgreementAdopted"
    changes_terms: ClassVar[bool] = True
    threshold: Percent = "15"
    threshold_test: Test = "at_or_above"
    expires_on: IsoDate | None = None
    rights_agent: Text | None = None
    distribution_delay: Annotated[int, Field(strict=True, ge=0, le=3650)] = 10
    distribution_delay_basis: Literal["calendar", "business"] = "calendar"
    exempt_persons: tuple[Name, ...] = ()
    security: Name | None = None
    derivatives: Literal["all", "exercisable", "none"] | None = None  # None: "all"
    # New fields default to None, so a stored payload never gains a key (its hash stays).
    grandfathering: bool | None = None  # None: on (a holder over the threshold at adoption)


class ExemptionChange(BaseModel):
    """The named person (and its group) is not an AP unless it breaches `cap` under `cap_test`."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    change: Literal["exemption"] = "exemption"
    person: Name
    cap: Percent
    cap_test: Test = "above"
    ends_on_control_intent: bool = False
    ends_on_disposition: bool | None = None  # None: no (the literal reading of a "ceases" limb)


class RemoveExemption(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    change: Literal["remove_exemption"] = "remove_exemption"
    person: Name


class ThresholdChange(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    change: Literal["threshold"] = "threshold"
    threshold: Percent
    threshold_test: Test = "at_or_above"


class RightsAgentChange(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    change: Literal["rights_agent"] = "rights_agent"
    rights_agent: Name


class ExpirationChange(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    change: Literal["expiration"] = "expiration"
    expires_on: IsoDate


PlanChange = Annotated[
    ExemptionChange | RemoveExemption | ThresholdChange | RightsAgentChange | ExpirationChange,
    Field(discriminator="change"),
]


class RightsAgreementAmended(Event):
    """An amendment; its changes apply from `effective_date` (execution), not authorization."""

    type: Literal["RightsAgreementAmended"] = "RightsAgreementAmended"
    changes_terms: ClassVar[bool] = True
    amendment: Name
    authorized_on: IsoDate | None = None
    changes: tuple[PlanChange, ...] = ()


class BoardApprovalGranted(Event):
    """The Board approves a person's acquisitions up to a share count or a percentage."""

    type: Literal["BoardApprovalGranted"] = "BoardApprovalGranted"
    persons: ClassVar[tuple[str, ...]] = ("person",)
    changes_terms: ClassVar[bool] = True
    person: Name
    max_shares: WholeShares | None = None
    max_percent: Percent | None = None

    @model_validator(mode="after")
    def _one_limit(self) -> BoardApprovalGranted:
        if (self.max_shares is None) == (self.max_percent is None):
            raise ValueError("give exactly one of max_shares or max_percent")
        return self


class InadvertenceDetermined(Event):
    type: Literal["InadvertenceDetermined"] = "InadvertenceDetermined"
    persons: ClassVar[tuple[str, ...]] = ("person",)
    changes_terms: ClassVar[bool] = True
    person: Name
    divest_by: IsoDate


class TenderOfferCommenced(Event):
    type: Literal["TenderOfferCommenced"] = "TenderOfferCommenced"
    persons: ClassVar[tuple[str, ...]] = ("person",)
    changes_terms: ClassVar[bool] = True
    person: Name
    percent_sought: Percent


class TenderOfferTerminated(Event):
    type: Literal["TenderOfferTerminated"] = "TenderOfferTerminated"
    persons: ClassVar[tuple[str, ...]] = ("person",)
    changes_terms: ClassVar[bool] = True
    person: Name


class RightsRedeemed(Event):
    type: Literal["RightsRedeemed"] = "RightsRedeemed"
    changes_terms: ClassVar[bool] = True
    price: Decimal | None = None
