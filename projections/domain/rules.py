"""The rules: how each event moves shares, shares outstanding and links. The only code that does.

The fold (state as of a date), the maintainer (the `positions` table and the append's check), the
ownership view (holdings summed from that table, outstanding and links from the facts) and the
tests' oracle all ask here; none of them knows on its own what a purchase or a split does.

**Shares** sit in *accounts*: a holder's shares of one class (`security`, "" the common stock)
held one way (`nature`, "" directly). Three kinds of change move an account:
- a *move* adds a fixed number of shares, known from the event alone: a purchase or acquisition
  adds, a sale or disposition takes, a transfer takes from one account and adds to another (each
  leg names the other holder), an issuance to a holder adds, a repurchase from one takes;
- a *split* multiplies every account of its class by numerator/denominator, each rounded down on
  its own (each account is a position);
- a *report* taken as the position (`adopt`, or `opening` on an empty account) sets the account
  to the stated figure.
Splits and reports are *derived*: what they add depends on the position before them, so a
backdated event (or a void) before one changes what it adds.

**Shares outstanding** of a class: a reported count sets it; an issuance adds, a repurchase
takes, a split scales it (rounded down). Before the first count nothing is known (`None`) and
only a count starts it.

**Links**: an affiliation formed links two persons (and may label their group); ended, it
unlinks them. Groups are formed from the links in force (`projections.domain.groups`).

**Plan terms**: adoption, amendment and Board approval change them; `projections.domain.terms` is
that rule, and the plan's life is `projections.domain.lifecycle`.

Which types do any of this is declared by the event classes (`moves_shares`, `moves_capital`,
`changes_links`); the registry test fails when a type that declares one has no rule here.
"""

from __future__ import annotations

from collections.abc import Callable, MutableMapping
from decimal import Decimal
from fractions import Fraction
from math import floor
from typing import NamedTuple

from owl.ledger.events import (
    AffiliationEnded,
    AffiliationFormed,
    Event,
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
from owl.ledger.shares import SHARE_PLACES, Amount, exact_shares
from owl.projections.domain.groups import Link, LinkKey, link_key

Account = tuple[str, str, str]  # (holder, security, nature): "" the common stock, held directly
# A fixed move: (account, shares added (negative when taken), the other holder of a transfer).
# A plain tuple, not a named one: it is made once per event on the append's hot path.
Move = tuple[Account, Amount, str | None]

# The kinds of change a `positions` row records. FOLLOW: a filing's statement of the holding after
# a row, which the account follows.
MOVE, SPLIT, ADOPT, OPENING, FOLLOW = 0, 1, 2, 3, 4
# The kinds that state the position (`target`): every kind from ADOPT on, which is how the
# positions table's partial index (`kind >= 2`) and its queries find them.
TAKEN = (ADOPT, OPENING, FOLLOW)
assert tuple(range(ADOPT, FOLLOW + 1)) == TAKEN


def account(holder: str, security: str | None, nature: str | None) -> Account:
    return (holder, security or "", nature or "")


# --- shares ---------------------------------------------------------------------------------


# A one-account event moves its shares into (+1) or out of (-1) the holder's account.
_SIGN: dict[type[Event], int] = {
    SharesPurchased: 1,
    SharesAcquired: 1,
    SharesSold: -1,
    SharesDisposed: -1,
}
ONE_ACCOUNT: tuple[type[Event], ...] = tuple(_SIGN)


def signed(ev: SharesPurchased | SharesAcquired | SharesSold | SharesDisposed) -> Amount:
    """A one-account event's move: its shares, signed (the fold's hot path asks this alone)."""
    return _SIGN[type(ev)] * ev.shares


def _one(ev: SharesPurchased | SharesAcquired | SharesSold | SharesDisposed) -> tuple[Move, ...]:
    return (((ev.holder, ev.security or "", ev.nature or ""), signed(ev), None),)


def _transfer(ev: SharesTransferred) -> tuple[Move, ...]:
    return (
        (account(ev.from_holder, ev.security, ev.from_nature), -ev.shares, ev.to_holder),
        (account(ev.to_holder, ev.security, ev.to_nature), ev.shares, ev.from_holder),
    )


def _issued(ev: SharesIssued) -> tuple[Move, ...]:
    if ev.holder is None:
        return ()
    return ((account(ev.holder, ev.security, ev.nature), ev.shares, None),)


def _repurchased(ev: SharesRepurchased) -> tuple[Move, ...]:
    if ev.holder is None:
        return ()
    return ((account(ev.holder, ev.security, ev.nature), -ev.shares, None),)


def _none(ev: Event) -> tuple[Move, ...]:
    return ()


# Each function takes its own type only: the dict is keyed by that type (mypy cannot say so).
_MOVERS: dict[type[Event], Callable[[Event], tuple[Move, ...]]] = {
    SharesPurchased: _one,  # type: ignore[dict-item]
    SharesAcquired: _one,  # type: ignore[dict-item]
    SharesSold: _one,  # type: ignore[dict-item]
    SharesDisposed: _one,  # type: ignore[dict-item]
    SharesTransferred: _transfer,  # type: ignore[dict-item]
    SharesIssued: _issued,  # type: ignore[dict-item]
    SharesRepurchased: _repurchased,  # type: ignore[dict-item]
    # Derived, not fixed: a split scales (`split_adds`), a taken report sets (`report_adds`).
    StockSplit: _none,
    HoldingReported: _none,
}
# The types with a share rule: the registry test holds this equal to the declared movers.
SHARE_RULES: frozenset[type[Event]] = frozenset(_MOVERS)


def may_oversell(ev: Event) -> bool:
    """An event read from a filing is evidence of what happened, not a trade to refuse: where it
    takes more than the ledger holds, the earlier history is missing (the report after it is
    followed, FOLLOW). Every other event is refused when it would leave an account below zero."""
    return ev.filing is not None


def moves(ev: Event) -> tuple[Move, ...]:
    """The fixed moves an event makes, in the order it makes them (a transfer: the giving leg
    first)."""
    mover = _MOVERS.get(type(ev))
    return mover(ev) if mover is not None else ()


def scaled(shares: Amount, numerator: int, denominator: int) -> Amount:
    """A position (or a count) after a split, rounded down: to a whole share, or, for a
    fractional position, to the millionth of a share owl holds."""
    if isinstance(shares, int):
        return shares * numerator // denominator
    millionths = floor(Fraction(shares) * numerator * 10**SHARE_PLACES / denominator)
    return exact_shares(Decimal(millionths).scaleb(-SHARE_PLACES))


def split_adds(held: Amount, numerator: int, denominator: int) -> Amount:
    """What a split adds to a position."""
    return scaled(held, numerator, denominator) - held


def report_kind(ev: HoldingReported) -> int | None:
    """ADOPT or OPENING when the report is taken as the position; FOLLOW for a Form 3/4/5's
    statement of an account's holding after a row (a filing is evidence: where it states
    another holding than the ledger computes, the ledger's history of the account is incomplete,
    the difference is a break with its cause, and the account follows the filing, so one
    missing transaction is one break, not a wrong holding ever after); None when it is only
    compared with the position (a reconciliation)."""
    if ev.adopt:
        return ADOPT
    # (A public statement, a Schedule 13D's, is of a group's or a person's beneficial holding,
    # not of one account: it is compared, never followed.)
    followed = ev.filing is not None and not ev.public
    if ev.opening:  # a filing's opening of an account the ledger already holds is followed
        return FOLLOW if followed else OPENING
    return FOLLOW if followed else None


def report_adds(held: Amount, target: Amount, kind: int) -> Amount:
    """What a report taken as the position adds: it sets the position to what it states; an
    opening report only on an empty account."""
    if kind == OPENING and held != 0:
        return 0
    return target - held


# --- shares outstanding ---------------------------------------------------------------------


class CapitalChange(NamedTuple):
    """How an event changes a class's shares outstanding: a count reported, a delta or a ratio."""

    security: str  # "" the common stock
    reported: int | None = None  # a reported count: sets it
    delta: Amount = 0  # an issuance (+) or a repurchase (-)
    ratio: tuple[int, int] | None = None  # a split: numerator, denominator


def _count(ev: OutstandingReported) -> CapitalChange:
    return CapitalChange(ev.security or "", reported=ev.shares)


def _issuance(ev: SharesIssued) -> CapitalChange:
    return CapitalChange(ev.security or "", delta=ev.shares)


def _repurchase(ev: SharesRepurchased) -> CapitalChange:
    return CapitalChange(ev.security or "", delta=-ev.shares)


def _split(ev: StockSplit) -> CapitalChange:
    return CapitalChange(ev.security or "", ratio=(ev.numerator, ev.denominator))


# Each function takes its own type only: the dict is keyed by that type (mypy cannot say so).
_CAPITAL: dict[type[Event], Callable[[Event], CapitalChange]] = {
    OutstandingReported: _count,  # type: ignore[dict-item]
    SharesIssued: _issuance,  # type: ignore[dict-item]
    SharesRepurchased: _repurchase,  # type: ignore[dict-item]
    StockSplit: _split,  # type: ignore[dict-item]
}
# The types with a capital rule: the registry test holds this equal to the declared movers.
CAPITAL_RULES: frozenset[type[Event]] = frozenset(_CAPITAL)


def capital_change(ev: Event) -> CapitalChange | None:
    """The change an event makes to shares outstanding, or None."""
    rule = _CAPITAL.get(type(ev))
    return rule(ev) if rule is not None else None


def outstanding_after(count: Amount | None, change: CapitalChange) -> Amount | None:
    """Shares outstanding after a change, from `count` before it (None: not yet known)."""
    if change.reported is not None:
        return change.reported
    if count is None:
        return None
    if change.ratio is not None:
        return scaled(count, *change.ratio)
    return count + change.delta


# --- links ----------------------------------------------------------------------------------


def relink(links: MutableMapping[LinkKey, Link], seq: int, ev: Event) -> bool:
    """Apply an event's change of links to `links`; True when it is a link change."""
    if isinstance(ev, AffiliationFormed):
        links[link_key(ev.person, ev.affiliate)] = Link(seq, ev.person, ev.affiliate, ev.group)
        return True
    if isinstance(ev, AffiliationEnded):
        links.pop(link_key(ev.person, ev.affiliate), None)
        return True
    return False


LINK_RULES: frozenset[type[Event]] = frozenset({AffiliationFormed, AffiliationEnded})
