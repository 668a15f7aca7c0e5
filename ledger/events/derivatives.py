"""Derivative positions: options, warrants, convertibles, restricted units.

A derivative is a right to acquire shares of a class (its `security`): `quantity` derivative
securities give `underlying_shares` shares, from `exercisable_from` (absent: now) until
`expires_on`. Grants, purchases and conversions received are acquisitions; exercises,
expirations, cancellations and gifts are dispositions. Beneficial ownership counts the shares a
holder has the right to acquire: for the rights plan as the plan defines it (by default whether
exercisable now or only after the passage of time), for the 5% and 10% levels as Rule 13d-3(d)(1)
does (only those exercisable within 60 days).

A series is one holder's derivatives of one instrument, price, exercise window, expiry and nature
of ownership; events name it by those fields. A position that obliges its holder to sell or
deliver (`obliges`: a forward sale contract, a written call) is a series too, but not a right to
acquire: it never counts toward beneficial ownership.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from owl.ledger.events.base import Event
from owl.ledger.events.values import Decimal, IsoDate, Name, ShareCount, Shares, Text


class _Series(Event):
    persons: ClassVar[tuple[str, ...]] = ("holder",)
    holder: Name
    instrument: Name  # as the filing titles it: "Stock Option (right to buy)"
    security: Name | None = None  # the class it converts into (absent: the common stock)
    exercise_price: Decimal | None = None
    exercisable_from: IsoDate | None = None
    # True: the filing gives the exercise date only in a footnote that states none plainly
    # (`exercisable_from` is then absent but does not mean "now": Rule 13d-3 leaves it out).
    exercisable_unknown: bool | None = None
    expires_on: IsoDate | None = None
    nature: Text | None = None
    # The position obliges the holder to sell or deliver (a forward sale, a written call): it is
    # recorded and reconciled as a series, but it is no right to acquire and never counts.
    obliges: bool | None = None


class DerivativeAcquired(_Series):
    """A holder acquired derivatives (a grant, a purchase, a conversion received)."""

    type: Literal["DerivativeAcquired"] = "DerivativeAcquired"
    acquires_or_disposes: ClassVar[bool] = True
    quantity: Shares
    underlying_shares: Shares
    how: Text | None = None


class DerivativeDisposed(_Series):
    """A holder gave up derivatives (an exercise, an expiration, a cancellation, a sale)."""

    type: Literal["DerivativeDisposed"] = "DerivativeDisposed"
    acquires_or_disposes: ClassVar[bool] = True
    quantity: Shares
    underlying_shares: Shares
    how: Text | None = None


class DerivativeReported(_Series):
    """A holder's derivatives of one series as stated in a filing, after a row: a checkpoint;
    with `opening`, the position itself when the ledger knows none of that series."""

    type: Literal["DerivativeReported"] = "DerivativeReported"
    is_report: ClassVar[bool] = True
    quantity: ShareCount
    underlying_shares: ShareCount | None = None
    opening: bool | None = None
