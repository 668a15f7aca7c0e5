"""Every event type, in one union: the registry the fold, the wording and the docs are checked
against, and the canonical form the chain hashes."""

from __future__ import annotations

from typing import Annotated, Any, get_args

from pydantic import Field, TypeAdapter
from pydantic_core import to_json

from owl.ledger.events.base import Event, EventVoided
from owl.ledger.events.capital import (
    HoldingReported,
    OutstandingReported,
    SharesAcquired,
    SharesDisposed,
    SharesIssued,
    SharesPurchased,
    SharesRepurchased,
    SharesSold,
    SharesTransferred,
    StockSplit,
)
from owl.ledger.events.derivatives import DerivativeAcquired, DerivativeDisposed, DerivativeReported
from owl.ledger.events.persons import (
    AffiliationEnded,
    AffiliationFormed,
    ControlIntentDeclared,
    FiscalYearEndReported,
    IssuerIdentified,
    PersonIdentified,
    SecurityClassReported,
)
from owl.ledger.events.plain import plain_payload
from owl.ledger.events.plan import (
    BoardApprovalGranted,
    InadvertenceDetermined,
    RightsAgreementAdopted,
    RightsAgreementAmended,
    RightsRedeemed,
    TenderOfferCommenced,
    TenderOfferTerminated,
)

AnyEvent = Annotated[
    SharesPurchased
    | SharesSold
    | SharesTransferred
    | SharesIssued
    | SharesRepurchased
    | SharesAcquired
    | SharesDisposed
    | StockSplit
    | OutstandingReported
    | HoldingReported
    | DerivativeAcquired
    | DerivativeDisposed
    | DerivativeReported
    | AffiliationFormed
    | AffiliationEnded
    | ControlIntentDeclared
    | PersonIdentified
    | IssuerIdentified
    | FiscalYearEndReported
    | SecurityClassReported
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

ADAPTER: TypeAdapter[AnyEvent] = TypeAdapter(AnyEvent)

# Every event type, in the order of the union: the registry the completeness tests walk.
EVENT_TYPES: tuple[type[Event], ...] = get_args(get_args(AnyEvent)[0])
TYPE_NAMES: tuple[str, ...] = tuple(t.model_fields["type"].default for t in EVENT_TYPES)
BY_NAME: dict[str, type[Event]] = dict(zip(TYPE_NAMES, EVENT_TYPES, strict=True))


def having(trait: str) -> tuple[type[Event], ...]:
    """The event types that declare a trait (`moves_shares`, `is_trade`, ...), in union order."""
    return tuple(t for t in EVENT_TYPES if getattr(t, trait))


def names_of(types: tuple[type[Event], ...]) -> frozenset[str]:
    """The stored names of event types (for rows read without building their events)."""
    return frozenset(name for t, name in zip(EVENT_TYPES, TYPE_NAMES, strict=True) if t in types)


# The sets of types the rest of the code asks about: derived from the declared traits, never
# spelled out by hand (a new type joins them by declaring its traits).
SHARE_MOVERS = having("moves_shares")
CAPITAL_MOVERS = having("moves_capital")
LINK_CHANGERS = having("changes_links")
TERMS_CHANGERS = having("changes_terms")
TRADES = having("is_trade")
TRANSACTIONS = having("acquires_or_disposes")
REPORTS = having("is_report")
CAPITAL_NAMES = names_of(CAPITAL_MOVERS)


def involved(event: Event) -> tuple[str, ...]:
    """The persons (or group labels) an event names, in the order its type declares them."""
    fields = type(event).persons
    if len(fields) == 1:  # a trade: the hot case
        value = getattr(event, fields[0])
        return (value,) if isinstance(value, str) else ()
    return tuple(value for name in fields if isinstance(value := getattr(event, name), str))


def canonical_payload(event: Event) -> str:
    """The canonical JSON of an event's content: keys sorted at every level, no spaces, text as
    itself (not escaped to ASCII), without its event_id. This exact text is what the chain hashes
    and what an event id is derived from, so it never changes."""
    plain = plain_payload(event)  # a plain trade's, written directly (the same text)
    if plain is not None:
        return plain
    body = event.model_dump(mode="json", exclude=_NO_ID, exclude_none=True)
    if any(isinstance(value, dict | list) for value in body.values()):
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
    return ADAPTER.validate_json('{"event_id":' + to_json(event_id).decode() + "," + payload[1:])
