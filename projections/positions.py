"""Positions: how each event moves holders' record holdings, and the walk that checks them.

Three kinds of change move a position. A *move* (a purchase, sale, transfer leg, issuance to or
repurchase from a holder) adds a fixed number of shares. A *split* multiplies every position held
at that point by numerator/denominator, rounding down. An *adopted* report sets the position to
the stated figure. Moves are known from the event alone; splits and adoptions are *derived*: how
many shares they add depends on the position before them, so a backdated event (or a void) before
one of them changes what it adds.

The same arithmetic serves the maintained `positions` table (one row per change, so a holding as
of any date is a sum) and append validation: walking a holder's changes in replay order, a sale,
transfer or repurchase that takes more shares than the holder has is a shortfall.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import NamedTuple

from ledger.events import (
    AnyEvent,
    EventVoided,
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
from ledger.log import Recorded

MOVE, SPLIT, ADOPT, OPENING = 0, 1, 2, 3
OUTSTANDING = "(shares outstanding)"  # the "holder" of a repurchase larger than the float
Account = tuple[str, str, str]  # (holder, security, nature): "" the common stock, held directly


def account(holder: str, security: str | None, nature: str | None) -> Account:
    return (holder, security or "", nature or "")


_ADDS = (SharesPurchased, SharesAcquired)
_TAKES = (SharesSold, SharesDisposed)


def moves_of(ev: AnyEvent) -> tuple[tuple[Account, int], ...]:
    """The fixed moves an event makes: (account, shares added; negative when taken)."""
    if isinstance(ev, _ADDS):
        return ((account(ev.holder, ev.security, ev.nature), ev.shares),)
    if isinstance(ev, _TAKES):
        return ((account(ev.holder, ev.security, ev.nature), -ev.shares),)
    if isinstance(ev, SharesTransferred):
        return (
            (account(ev.from_holder, ev.security, ev.from_nature), -ev.shares),
            (account(ev.to_holder, ev.security, ev.to_nature), ev.shares),
        )
    if isinstance(ev, SharesIssued) and ev.holder is not None:
        return ((account(ev.holder, ev.security, ev.nature), ev.shares),)
    if isinstance(ev, SharesRepurchased) and ev.holder is not None:
        return ((account(ev.holder, ev.security, ev.nature), -ev.shares),)
    return ()


def split_adds(held: int, numerator: int, denominator: int) -> int:
    """What a split adds to a position (rounding the result down)."""
    return held * numerator // denominator - held


def report_adds(held: int, target: int, kind: int) -> int:
    """What an adopted report (or an opening one) adds: it sets the position to what it states;
    an opening report only on an empty account."""
    if kind == OPENING and held != 0:
        return 0
    return target - held


class Shortfall(NamedTuple):
    """An event that takes more shares from an account (or the float) than there are."""

    seq: int
    effective_date: date
    holder: str
    held: int
    needed: int


def shortfalls(records: Iterable[Recorded]) -> list[Shortfall]:
    """Every shortfall in a history given in replay order, corrections honoured."""
    listed = list(records)
    voided_ids = {r.event.voids for r in listed if isinstance(r.event, EventVoided)}
    held: dict[Account, int] = {}
    outstanding: dict[str, int] = {}
    found: list[Shortfall] = []
    for record in listed:
        ev = record.event
        if record.event_id in voided_ids or isinstance(ev, EventVoided):
            continue
        when = ev.effective_date
        for key, delta in moves_of(ev):
            before = held.get(key, 0)
            held[key] = before + delta
            if delta < 0 and before + delta < 0:
                found.append(Shortfall(record.seq, when, key[0], before, -delta))
        security = getattr(ev, "security", None) or ""
        if isinstance(ev, StockSplit):
            held = {
                k: n + (split_adds(n, ev.numerator, ev.denominator) if k[1] == security else 0)
                for k, n in held.items()
            }
            if security in outstanding:
                outstanding[security] = outstanding[security] * ev.numerator // ev.denominator
        elif isinstance(ev, HoldingReported) and (ev.adopt or ev.opening):
            key = account(ev.holder, ev.security, ev.nature)
            kind = ADOPT if ev.adopt else OPENING
            held[key] = held.get(key, 0) + report_adds(held.get(key, 0), ev.shares, kind)
        elif isinstance(ev, OutstandingReported):
            outstanding[security] = ev.shares
        elif isinstance(ev, SharesIssued) and security in outstanding:
            outstanding[security] += ev.shares
        elif isinstance(ev, SharesRepurchased) and security in outstanding:
            if ev.shares > outstanding[security]:
                found.append(
                    Shortfall(record.seq, when, OUTSTANDING, outstanding[security], ev.shares)
                )
            outstanding[security] -= ev.shares
    return found
