"""The event types: the only facts the ledger knows.

Every event is a frozen pydantic model with a stable wire name in `type` (the stored name; it never
changes). Inputs are validated strictly: unknown fields and unknown types are refused, shares are
integers (never strings or floats), dates are `YYYY-MM-DD`, decimals are decimal strings. Parsing
returns errors as data (`Problem`) so a feed reports every bad line in one run.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, ClassVar, Literal, get_args

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
    ValidationError,
    model_validator,
)
from pydantic_core import to_json

from ledger.errors import Problem

_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_DECIMAL = r"^[0-9]+(\.[0-9]+)?$"
_NAME = r"^[^\x00]*\S[^\x00]*$"  # not blank, no NUL (which PostgreSQL text cannot hold)
_TEXT = r"^[^\x00]*$"


def _iso_date(value: object) -> object:
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not _DATE.match(value):
        raise ValueError(f"expected a date as YYYY-MM-DD, got {value!r}")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"not a calendar date: {value!r}") from None


IsoDate = Annotated[date, BeforeValidator(_iso_date)]
Name = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=_NAME)]
IssuerKey = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=_NAME)]
Text = Annotated[str, StringConstraints(pattern=_TEXT)]
Shares = Annotated[int, Field(strict=True, gt=0)]
ShareCount = Annotated[int, Field(strict=True, ge=0)]
Decimal = Annotated[str, StringConstraints(pattern=_DECIMAL)]
Test = Literal["at_or_above", "above"]


class Event(BaseModel):
    """Fields every event carries. `event_id` is the idempotency key; `source` is provenance.

    Each event type also declares, as class attributes, what the rest of the code needs to know
    about it, so that nothing has to guess from field names: `persons` (the fields that name a
    person or group), `moves_shares` (it can change a holder's position), `moves_capital` (it can
    change shares outstanding), `changes_terms` (it changes the plan's terms or its life) and
    `changes_links` (it joins or separates persons into groups).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    persons: ClassVar[tuple[str, ...]] = ()
    moves_shares: ClassVar[bool] = False
    moves_capital: ClassVar[bool] = False
    changes_terms: ClassVar[bool] = False
    changes_links: ClassVar[bool] = False

    issuer: IssuerKey
    effective_date: IsoDate
    event_id: Name | None = None
    source: Text | None = None


# --- ownership and capital -------------------------------------------------------------------


class SharesPurchased(Event):
    """A holder bought shares in the market; shares outstanding are unchanged."""

    type: Literal["SharesPurchased"] = "SharesPurchased"
    persons: ClassVar[tuple[str, ...]] = ("holder",)
    moves_shares: ClassVar[bool] = True
    holder: Name
    shares: Shares
    price: Decimal | None = None


class SharesSold(Event):
    """A holder sold shares in the market; shares outstanding are unchanged."""

    type: Literal["SharesSold"] = "SharesSold"
    persons: ClassVar[tuple[str, ...]] = ("holder",)
    moves_shares: ClassVar[bool] = True
    holder: Name
    shares: Shares
    price: Decimal | None = None


class SharesTransferred(Event):
    """Shares moved between two holders outside the market (gift, distribution, custody)."""

    type: Literal["SharesTransferred"] = "SharesTransferred"
    persons: ClassVar[tuple[str, ...]] = ("from_holder", "to_holder")
    moves_shares: ClassVar[bool] = True
    from_holder: Name
    to_holder: Name
    shares: Shares


class SharesIssued(Event):
    """The company issued new shares, optionally to a known holder; outstanding rises."""

    type: Literal["SharesIssued"] = "SharesIssued"
    persons: ClassVar[tuple[str, ...]] = ("holder",)
    moves_shares: ClassVar[bool] = True
    moves_capital: ClassVar[bool] = True
    shares: Shares
    holder: Name | None = None


class SharesRepurchased(Event):
    """The company bought back shares, optionally from a known holder; outstanding falls."""

    type: Literal["SharesRepurchased"] = "SharesRepurchased"
    persons: ClassVar[tuple[str, ...]] = ("holder",)
    moves_shares: ClassVar[bool] = True
    moves_capital: ClassVar[bool] = True
    shares: Shares
    holder: Name | None = None


class StockSplit(Event):
    """Every holding and the outstanding count multiply by numerator/denominator, rounding down."""

    type: Literal["StockSplit"] = "StockSplit"
    moves_shares: ClassVar[bool] = True
    moves_capital: ClassVar[bool] = True
    numerator: Shares
    denominator: Shares


class OutstandingReported(Event):
    """The count of shares outstanding stated on a filing's cover page, as of `effective_date`."""

    type: Literal["OutstandingReported"] = "OutstandingReported"
    moves_capital: ClassVar[bool] = True
    shares: Shares


class HoldingReported(Event):
    """A holder's position as stated in a filing: a checkpoint, or (`adopt`) the position itself."""

    type: Literal["HoldingReported"] = "HoldingReported"
    persons: ClassVar[tuple[str, ...]] = ("holder",)
    moves_shares: ClassVar[bool] = True  # when `adopt`
    holder: Name
    shares: ShareCount
    percent: Decimal | None = None
    form: Text | None = None
    public: bool = True
    adopt: bool = False


# --- relationships and intent ----------------------------------------------------------------


class AffiliationFormed(Event):
    """Two persons become affiliates (control, general partner, voting agreement, ...)."""

    type: Literal["AffiliationFormed"] = "AffiliationFormed"
    persons: ClassVar[tuple[str, ...]] = ("person", "affiliate")
    changes_links: ClassVar[bool] = True
    person: Name
    affiliate: Name
    relation: Text
    group: Name | None = None


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


# --- the rights plan -------------------------------------------------------------------------


class RightsAgreementAdopted(Event):
    type: Literal["RightsAgreementAdopted"] = "RightsAgreementAdopted"
    changes_terms: ClassVar[bool] = True
    threshold: Decimal = "15"
    threshold_test: Test = "at_or_above"
    expires_on: IsoDate | None = None
    rights_agent: Text | None = None
    distribution_delay: Annotated[int, Field(strict=True, ge=0)] = 10
    distribution_delay_basis: Literal["calendar", "business"] = "calendar"
    exempt_persons: tuple[Name, ...] = ()


class ExemptionChange(BaseModel):
    """The named person (and its group) is not an AP unless it breaches `cap` under `cap_test`."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    change: Literal["exemption"] = "exemption"
    person: Name
    cap: Decimal
    cap_test: Test = "above"
    ends_on_control_intent: bool = False


class RemoveExemption(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    change: Literal["remove_exemption"] = "remove_exemption"
    person: Name


class ThresholdChange(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    change: Literal["threshold"] = "threshold"
    threshold: Decimal
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
    max_shares: Shares | None = None
    max_percent: Decimal | None = None

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
    percent_sought: Decimal


class TenderOfferTerminated(Event):
    type: Literal["TenderOfferTerminated"] = "TenderOfferTerminated"
    persons: ClassVar[tuple[str, ...]] = ("person",)
    changes_terms: ClassVar[bool] = True
    person: Name


class RightsRedeemed(Event):
    type: Literal["RightsRedeemed"] = "RightsRedeemed"
    changes_terms: ClassVar[bool] = True
    price: Decimal | None = None


class EventVoided(Event):
    """A correction: the event `voids` stops counting for views known at or after this one."""

    type: Literal["EventVoided"] = "EventVoided"
    voids: Name
    reason: Text


AnyEvent = Annotated[
    SharesPurchased
    | SharesSold
    | SharesTransferred
    | SharesIssued
    | SharesRepurchased
    | StockSplit
    | OutstandingReported
    | HoldingReported
    | AffiliationFormed
    | AffiliationEnded
    | ControlIntentDeclared
    | RightsAgreementAdopted
    | RightsAgreementAmended
    | BoardApprovalGranted
    | InadvertenceDetermined
    | TenderOfferCommenced
    | TenderOfferTerminated
    | RightsRedeemed
    | EventVoided,
    Field(discriminator="type"),
]


_ADAPTER: TypeAdapter[AnyEvent] = TypeAdapter(AnyEvent)

# Every event type, in the order of the union: the registry the completeness tests walk.
EVENT_TYPES: tuple[type[Event], ...] = get_args(get_args(AnyEvent)[0])
TYPE_NAMES: tuple[str, ...] = tuple(t.model_fields["type"].default for t in EVENT_TYPES)


def involved(event: Event) -> tuple[str, ...]:
    """The persons (or group labels) an event names, in the order its type declares them."""
    return tuple(
        value for name in type(event).persons if isinstance(value := getattr(event, name), str)
    )

# Fields the ledger assigns; dropped from input so an exported log re-ingests elsewhere.
LEDGER_FIELDS = frozenset({"seq", "recorded_at", "hash", "prev_hash"})


def parse_event(
    raw: Any, line: int | None = None, origin: str | None = None
) -> AnyEvent | list[Problem]:
    """Validate one decoded JSON object; return the event or every problem found in it."""
    if not isinstance(raw, dict):
        return [Problem(line, None, "expected a JSON object", origin)]
    data = {k: v for k, v in raw.items() if k not in LEDGER_FIELDS}
    try:
        return _ADAPTER.validate_python(data)
    except ValidationError as exc:
        return [_problem(err, data, line, origin) for err in exc.errors()]


def validate_line(text: str) -> AnyEvent:
    """One JSON object's text, parsed and validated in one pass (raises `ValidationError`)."""
    return _ADAPTER.validate_json(text)


def _problem(err: Any, data: dict[str, Any], line: int | None, origin: str | None) -> Problem:
    loc = [str(p) for p in err["loc"]]
    kind = err["type"]
    if loc and loc[0] == data.get("type"):
        loc = loc[1:]
    if kind == "union_tag_not_found":
        where = ".".join(loc) + ".change" if loc else "type"
        return Problem(line, where, "missing required field", origin)
    if kind == "union_tag_invalid":
        tag = err.get("input", {}).get("type") if loc == [] else None
        where = ".".join(loc) + ".change" if loc else "type"
        what = "event type" if where == "type" else "change"
        value = tag if tag is not None else _dig(data, where)
        return Problem(line, where, f"unknown {what} {value!r}", origin)
    loc = [p for i, p in enumerate(loc) if not (i and loc[i - 1].isdigit() and p in _CHANGES)]
    field: str | None = ".".join(loc) or None
    if kind == "missing":
        reason = "missing required field"
    elif kind == "extra_forbidden":
        reason = "unknown field"
    elif kind == "value_error":
        reason = err["msg"].removeprefix("Value error, ")
    else:
        ctx = err.get("ctx", {})
        plain = _PATTERNS.get(ctx.get("pattern", "")) if kind == "string_pattern_mismatch" else None
        said = (
            plain
            or _PLAIN.get(kind, "").format(**ctx)
            or err["msg"].replace("Input should be", "expected")
        )
        reason = f"{said}, got {_shown(err['input'])}" if "input" in err else said
    return Problem(line, field, reason, origin)


# Plain words for pydantic's error kinds that users meet most (by field: shares, dates, names).
_PATTERNS = {
    _DECIMAL: 'expected a decimal number such as 24.2 (a string in JSON: "24.2")',
    _NAME: "must not be blank or contain NUL characters",
    _TEXT: "must not contain NUL characters",
}
_PLAIN = {
    "int_type": "expected a whole number (a JSON integer, not a string or a decimal)",
    "int_parsing": "expected a whole number",
    "int_from_float": "expected a whole number, not a decimal",
    "greater_than": "must be more than {gt}",
    "greater_than_equal": "must be {ge} or more",
    "bool_type": "expected true or false",
    "bool_parsing": "expected true or false",
    "string_type": "expected text (a JSON string)",
    "string_too_short": "must not be empty",
    "string_too_long": "must be at most {max_length} characters",
}


_CHANGES = frozenset({"exemption", "remove_exemption", "threshold", "rights_agent", "expiration"})


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _dig(data: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        if isinstance(data, dict):
            data = data.get(part)
        elif isinstance(data, list | tuple) and part.isdigit() and int(part) < len(data):
            data = data[int(part)]
        else:
            return None
    return data


def canonical_payload(event: Event) -> str:
    """The canonical JSON of an event's content: keys sorted at every level, no spaces, text as
    itself (not escaped to ASCII), without its event_id. This exact text is what the chain hashes
    and what an event id is derived from, so it never changes."""
    body = event.model_dump(mode="json", exclude=_NO_ID, exclude_none=True)
    if isinstance(event, RightsAgreementAmended):  # the one type with objects inside
        return to_json(_sorted(body)).decode()
    return to_json(dict(sorted(body.items()))).decode()


_NO_ID = {"event_id"}


def _sorted(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _sorted(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        return [_sorted(v) for v in value]
    return value


def event_from_payload(payload: str, event_id: str) -> AnyEvent:
    """Rebuild a stored event from its canonical payload and its id (trusted input: it was
    validated when appended). The id goes in as the first key, so one pass of the validator's
    own JSON parser does the rest."""
    return _ADAPTER.validate_json('{"event_id":' + to_json(event_id).decode() + "," + payload[1:])
