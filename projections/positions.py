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
    SharesIssued,
    SharesPurchased,
    SharesRepurchased,
    SharesSold,
    SharesTransferred,
    StockSplit,
)
from ledger.log import Recorded

MOVE, SPLIT, ADOPT = 0, 1, 2
OUTSTANDING = "(shares outstanding)"  # the "holder" of a repurchase larger than the float


def moves_of(ev: AnyEvent) -> tuple[tuple[str, int], ...]:
    """The fixed moves an event makes: (holder, shares added; negative when taken)."""
    if isinstance(ev, SharesPurchased):
        return ((ev.holder, ev.shares),)
    if isinstance(ev, SharesSold):
        return ((ev.holder, -ev.shares),)
    if isinstance(ev, SharesTransferred):
        return ((ev.from_holder, -ev.shares), (ev.to_holder, ev.shares))
    if isinstance(ev, SharesIssued) and ev.holder is not None:
        return ((ev.holder, ev.shares),)
    if isinstance(ev, SharesRepurchased) and ev.holder is not None:
        return ((ev.holder, -ev.shares),)
    return ()


def split_adds(held: int, numerator: int, denominator: int) -> int:
    """What a split adds to a position (rounding the result down)."""
    return held * numerator // denominator - held


class Shortfall(NamedTuple):
    """An event that takes more shares from a holder (or the float) than there are."""

    seq: int
    effective_date: date
    holder: str
    held: int
    needed: int


def shortfalls(records: Iterable[Recorded]) -> list[Shortfall]:
    """Every shortfall in a history given in replay order, corrections honoured."""
    listed = list(records)
    voided_ids = {r.event.voids for r in listed if isinstance(r.event, EventVoided)}
    held: dict[str, int] = {}
    outstanding: int | None = None
    found: list[Shortfall] = []
    for record in listed:
        ev = record.event
        if record.event_id in voided_ids or isinstance(ev, EventVoided):
            continue
        when = ev.effective_date
        for holder, delta in moves_of(ev):
            before = held.get(holder, 0)
            held[holder] = before + delta
            if delta < 0 and before + delta < 0:
                found.append(Shortfall(record.seq, when, holder, before, -delta))
        if isinstance(ev, StockSplit):
            held = {h: n + split_adds(n, ev.numerator, ev.denominator) for h, n in held.items()}
            if outstanding is not None:
                outstanding = outstanding * ev.numerator // ev.denominator
        elif isinstance(ev, HoldingReported) and ev.adopt:
            held[ev.holder] = ev.shares
        elif isinstance(ev, OutstandingReported):
            outstanding = ev.shares
        elif isinstance(ev, SharesIssued) and outstanding is not None:
            outstanding += ev.shares
        elif isinstance(ev, SharesRepurchased) and outstanding is not None:
            if ev.shares > outstanding:
                found.append(Shortfall(record.seq, when, OUTSTANDING, outstanding, ev.shares))
            outstanding -= ev.shares
    return found
