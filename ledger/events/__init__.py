"""The event types: the only facts the ledger knows, and how input becomes them.

Every event is a frozen pydantic model with a stable wire name in `type`. Inputs are validated
strictly: unknown fields and unknown types are refused, shares are integers (never strings or
floats), dates are `YYYY-MM-DD`, decimals are decimal strings, names are normalized. Parsing
returns errors as data (`Problem`) so a feed reports every bad line in one run.

Modules: `values` (what fields are made of), `base` (the fields every event has), `capital`,
`derivatives`, `persons`, `plan` (the types), `registry` (the union, the canonical payload),
`parsing` (input to events or problems).
"""

from owl.ledger.events.base import Event, EventVoided, Filing
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
from owl.ledger.events.parsing import LEDGER_FIELDS, parse_event, validate_line
from owl.ledger.events.persons import (
    AffiliationEnded,
    AffiliationFormed,
    ControlIntentDeclared,
    IssuerIdentified,
    PersonIdentified,
)
from owl.ledger.events.plan import (
    BoardApprovalGranted,
    ExemptionChange,
    ExpirationChange,
    InadvertenceDetermined,
    PlanChange,
    RemoveExemption,
    RightsAgentChange,
    RightsAgreementAdopted,
    RightsAgreementAmended,
    RightsRedeemed,
    TenderOfferCommenced,
    TenderOfferTerminated,
    ThresholdChange,
)
from owl.ledger.events.registry import (
    BY_NAME,
    CAPITAL_MOVERS,
    CAPITAL_NAMES,
    EVENT_TYPES,
    LINK_CHANGERS,
    REPORTS,
    SHARE_MOVERS,
    TERMS_CHANGERS,
    TRADES,
    TRANSACTIONS,
    TYPE_NAMES,
    AnyEvent,
    canonical_payload,
    event_from_payload,
    having,
    involved,
    names_of,
)
from owl.ledger.events.values import MAX_SHARES, normal_name

__all__ = [
    "BY_NAME",
    "CAPITAL_MOVERS",
    "CAPITAL_NAMES",
    "EVENT_TYPES",
    "LEDGER_FIELDS",
    "LINK_CHANGERS",
    "MAX_SHARES",
    "REPORTS",
    "SHARE_MOVERS",
    "TERMS_CHANGERS",
    "TRADES",
    "TRANSACTIONS",
    "TYPE_NAMES",
    "AffiliationEnded",
    "AffiliationFormed",
    "AnyEvent",
    "BoardApprovalGranted",
    "ControlIntentDeclared",
    "DerivativeAcquired",
    "DerivativeDisposed",
    "DerivativeReported",
    "Event",
    "EventVoided",
    "ExemptionChange",
    "ExpirationChange",
    "Filing",
    "HoldingReported",
    "InadvertenceDetermined",
    "IssuerIdentified",
    "OutstandingReported",
    "PersonIdentified",
    "PlanChange",
    "RemoveExemption",
    "RightsAgentChange",
    "RightsAgreementAdopted",
    "RightsAgreementAmended",
    "RightsRedeemed",
    "SharesAcquired",
    "SharesDisposed",
    "SharesIssued",
    "SharesPurchased",
    "SharesRepurchased",
    "SharesSold",
    "SharesTransferred",
    "StockSplit",
    "TenderOfferCommenced",
    "TenderOfferTerminated",
    "ThresholdChange",
    "canonical_payload",
    "event_from_payload",
    "having",
    "involved",
    "names_of",
    "normal_name",
    "parse_event",
    "validate_line",
]
