"""Events that move shares: trades, company issuances and repurchases, splits, share counts, and
reported holdings.

A holding is of a *security* (a class of stock: `security` names it; absent, the common stock)
and is held directly or indirectly (`nature` says how: "By Trust", "By LLC"; absent, directly):
both count for the holder, and `ownership` shows them apart. Each class has its own count of
shares outstanding and its own splits; the rights plan counts the class it names.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import model_validator

from owl.ledger.events.base import Event
from owl.ledger.events.values import (
    Decimal,
    Name,
    Ratio,
    ShareCount,
    Shares,
    StatedPercent,
    Text,
    WholeShares,
)


class _MarketTrade(Event):
    """What a purchase and a sale in the market both say (not an event type of its own)."""

    persons: ClassVar[tuple[str, ...]] = ("holder",)
    moves_shares: ClassVar[bool] = True
    is_trade: ClassVar[bool] = True
    acquires_or_disposes: ClassVar[bool] = True
    holder: Name
    shares: Shares
    price: Decimal | None = None
    security: Name | None = None
    nature: Text | None = None


class SharesPurchased(_MarketTrade):
    """A holder bought shares in the market; shares outstanding are unchanged."""

    type: Literal["SharesPurchased"] = "SharesPurchased"


class SharesSold(_MarketTrade):
    """A holder sold shares in the market; shares outstanding are unchanged."""

    type: Literal["SharesSold"] = "SharesSold"


class SharesTransferred(Event):
    """Shares moved between two holders (or two accounts of one) outside the market: a gift, a
    distribution, a move into a trust."""

    type: Literal["SharesTransferred"] = "SharesTransferred"
    persons: ClassVar[tuple[str, ...]] = ("from_holder", "to_holder")
    moves_shares: ClassVar[bool] = True
    is_trade: ClassVar[bool] = True
    acquires_or_disposes: ClassVar[bool] = True  # between two holders (Rule 16a-13)
    from_holder: Name
    to_holder: Name
    shares: Shares
    security: Name | None = None
    from_nature: Text | None = None
    to_nature: Text | None = None

    @model_validator(mode="after")
    def _two_accounts(self) -> SharesTransferred:
        if self.from_holder == self.to_holder and self.from_nature == self.to_nature:
            raise ValueError("a transfer needs two accounts: from_holder and to_holder are one")
        return self


class SharesIssued(Event):
    """The company issued new shares, optionally to a known holder (an award, an option
    exercised, a conversion); outstanding rises."""

    type: Literal["SharesIssued"] = "SharesIssued"
    persons: ClassVar[tuple[str, ...]] = ("holder",)
    moves_shares: ClassVar[bool] = True
    moves_capital: ClassVar[bool] = True
    acquires_or_disposes: ClassVar[bool] = True  # to or from a holder
    shares: Shares
    holder: Name | None = None
    security: Name | None = None
    nature: Text | None = None


class SharesRepurchased(Event):
    """The company bought back shares, optionally from a known holder (shares withheld for tax,
    a disposition to the issuer); outstanding falls."""

    type: Literal["SharesRepurchased"] = "SharesRepurchased"
    persons: ClassVar[tuple[str, ...]] = ("holder",)
    moves_shares: ClassVar[bool] = True
    moves_capital: ClassVar[bool] = True
    acquires_or_disposes: ClassVar[bool] = True  # to or from a holder
    shares: Shares
    holder: Name | None = None
    security: Name | None = None
    nature: Text | None = None


class SharesAcquired(Event):
    """A holder acquired shares neither in the market nor from the company (a gift received,
    an inheritance, a distribution): an acquisition for the plan; outstanding is unchanged."""

    type: Literal["SharesAcquired"] = "SharesAcquired"
    persons: ClassVar[tuple[str, ...]] = ("holder",)
    moves_shares: ClassVar[bool] = True
    acquires_or_disposes: ClassVar[bool] = True
    holder: Name
    shares: Shares
    how: Text | None = None
    security: Name | None = None
    nature: Text | None = None


class SharesDisposed(Event):
    """A holder disposed of shares neither in the market nor to the company (a gift made, a
    distribution); outstanding is unchanged."""

    type: Literal["SharesDisposed"] = "SharesDisposed"
    persons: ClassVar[tuple[str, ...]] = ("holder",)
    moves_shares: ClassVar[bool] = True
    acquires_or_disposes: ClassVar[bool] = True
    holder: Name
    shares: Shares
    how: Text | None = None
    security: Name | None = None
    nature: Text | None = None


class StockSplit(Event):
    """Every holding and the outstanding count of the class multiply by numerator/denominator,
    rounding down."""

    type: Literal["StockSplit"] = "StockSplit"
    moves_shares: ClassVar[bool] = True
    moves_capital: ClassVar[bool] = True
    numerator: Ratio
    denominator: Ratio
    security: Name | None = None


class OutstandingReported(Event):
    """The count of shares outstanding stated on a filing's cover page, as of `effective_date`."""

    type: Literal["OutstandingReported"] = "OutstandingReported"
    moves_capital: ClassVar[bool] = True
    shares: WholeShares
    security: Name | None = None


class HoldingReported(Event):
    """A holder's position as stated in a filing: a checkpoint the ledger reconciles against;
    with `adopt`, the position itself (any difference an explicit unexplained change); with
    `opening`, the position only when the ledger knows none for that account (how a filing
    opens a position the ledger lacks), else a checkpoint. `holder` may be a group's label: the
    checkpoint is then of the group's total, never of a new person."""

    type: Literal["HoldingReported"] = "HoldingReported"
    persons: ClassVar[tuple[str, ...]] = ("holder",)
    moves_shares: ClassVar[bool] = True  # when `adopt`, or `opening` on an empty account
    is_report: ClassVar[bool] = True
    holder: Name
    shares: ShareCount
    percent: StatedPercent | None = None
    form: Text | None = None
    public: bool = True
    adopt: bool = False
    # New fields default to None, not to a value: a stored payload never gains a key (its hash
    # and its derived id stay as they were).
    opening: bool | None = None
    security: Name | None = None
    nature: Text | None = None
