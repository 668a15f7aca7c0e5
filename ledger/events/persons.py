"""Events about persons: who is linked to whom, who intends what, and who is who (and the
issuer's own facts a filing duty needs: its fiscal year's end).

Persons are named by their names (trimmed, white space collapsed); an SEC filer also has a CIK,
its stable number across filings, which `PersonIdentified` and `IssuerIdentified` record so a
person or an issuer can be found by it.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, ClassVar, Literal

from pydantic import AfterValidator, StringConstraints, model_validator

from owl.ledger.events.base import Event
from owl.ledger.events.values import Cik, Name, Text


class AffiliationFormed(Event):
    """Two persons become affiliates (control, general partner, voting agreement, filing a
    schedule jointly, ...)."""

    type: Literal["AffiliationFormed"] = "AffiliationFormed"
    persons: ClassVar[tuple[str, ...]] = ("person", "affiliate")
    changes_links: ClassVar[bool] = True
    person: Name
    affiliate: Name
    relation: Text
    group: Name | None = None

    @model_validator(mode="after")
    def _two_persons(self) -> AffiliationFormed:
        if self.person == self.affiliate:
            raise ValueError("a person cannot be its own affiliate")
        return self


class AffiliationEnded(Event):
    type: Literal["AffiliationEnded"] = "AffiliationEnded"
    persons: ClassVar[tuple[str, ...]] = ("person", "affiliate")
    changes_links: ClassVar[bool] = True
    person: Name
    affiliate: Name


class ControlIntentDeclared(Event):
    """A person declares an intent to change or influence control of the issuer."""

    type: Literal["ControlIntentDeclared"] = "ControlIntentDeclared"
    persons: ClassVar[tuple[str, ...]] = ("person",)
    changes_terms: ClassVar[bool] = True  # lapses exemptions that end on it
    person: Name


class PersonIdentified(Event):
    """A person's CIK (and so the name the ledger knows it by). A person with a CIK is that CIK:
    when a filing spells the name otherwise than the ledger first learned it, `person` is the
    name the ledger knows and `as_filed` the filing's spelling (an alias)."""

    type: Literal["PersonIdentified"] = "PersonIdentified"
    persons: ClassVar[tuple[str, ...]] = ("person",)
    person: Name
    cik: Cik
    as_filed: Name | None = None
    # The reporting owner's relationship to the issuer, as a Form 3/4/5 states it on its date.
    director: bool | None = None
    officer: Text | None = None  # the officer's title ("officer" when none is given)
    ten_percent_owner: bool | None = None
    other: Text | None = None


class IssuerIdentified(Event):
    """The issuer's CIK, name, ticker and CUSIP, as a filing gives them."""

    type: Literal["IssuerIdentified"] = "IssuerIdentified"
    cik: Cik
    name: Name | None = None
    ticker: Name | None = None
    cusip: Name | None = None


def _month_day(value: str) -> str:
    month, _, day = value.partition("-")
    try:
        date(2000, int(month), int(day))  # a leap year: 02-29 is a month's end some years
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a month and day (MM-DD)") from exc
    return value


MonthDay = Annotated[
    str, StringConstraints(pattern=r"^[0-9]{2}-[0-9]{2}$"), AfterValidator(_month_day)
]


class FiscalYearEndReported(Event):
    """The issuer's fiscal year ends on `month_day` ("12-31") from `effective_date` on: Forms 5
    are due 45 days after it (Rule 16a-3(f)). Without one the ledger assumes 31 December and
    says so."""

    type: Literal["FiscalYearEndReported"] = "FiscalYearEndReported"
    month_day: MonthDay


class SecurityClassReported(Event):
    """A class of the issuer's equity and whether its holders vote (`voting`): Section 13(d)
    applies only to a voting class (Rule 13d-1(i)), Section 16 to every registered equity class.
    `security` names the class as the ledger keys it (absent: the common stock). Without one,
    a class is assumed to vote, and the obligations say so."""

    type: Literal["SecurityClassReported"] = "SecurityClassReported"
    security: Name | None = None
    voting: bool
    registered: bool | None = None  # under Section 12 (None: not stated)
