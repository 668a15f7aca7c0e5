"""Holdings per holder and shares "then outstanding", folded from capital events.

Shares then outstanding on a date are the latest `OutstandingReported` count on or before it,
adjusted by company issuances, repurchases and splits effective after that report. Holder trades
(purchases, sales, transfers) never change it.

`HoldingReported` is a checkpoint: the ledger compares the stated position with the one it computed.
A mismatch is a reported break, never silently absorbed, unless the report says `adopt`, in which
case the stated position is taken and the difference recorded as an explicit unexplained change.
A sale or transfer larger than the position is a shortfall: append validation refuses it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from ledger.events import (
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


@dataclass(frozen=True)
class Reconciliation:
    """A stated holding compared with the computed one."""

    date: date
    holder: str
    reported: int
    computed: int
    adopted: bool
    record: Recorded

    @property
    def difference(self) -> int:
        return self.reported - self.computed

    @property
    def is_break(self) -> bool:
        return self.difference != 0 and not self.adopted


class Move(NamedTuple):
    """A change in one holder's record holding; `other` is the holder on the other side of a
    transfer (None: the market or the company). An increase from outside a group is an
    acquisition by the group; a stock split is no move at all."""

    holder: str
    delta: int
    other: str | None


OUTSTANDING = "(shares outstanding)"  # the "holder" of a repurchase larger than the float


@dataclass(frozen=True)
class Shortfall:
    """An event that takes more shares from a holder than the holder has."""

    record: Recorded
    holder: str
    held: int
    needed: int


# The events that move holdings or the share count (the rest concern persons and the plan).
CAPITAL = (
    SharesPurchased, SharesSold, SharesTransferred, SharesIssued, SharesRepurchased, StockSplit,
    OutstandingReported, HoldingReported,
)  # fmt: skip
CAPITAL_TYPES = frozenset(kind.model_fields["type"].default for kind in CAPITAL)


@dataclass
class Book:
    """The capital state while a replay walks forward; read it through its properties."""

    holdings: dict[str, int] = field(default_factory=dict)
    report: Recorded | None = None
    outstanding: int | None = None
    adjustments: list[Recorded] = field(default_factory=list)
    reports: list[Recorded] = field(default_factory=list)
    reconciliations: list[Reconciliation] = field(default_factory=list)
    shortfalls: list[Shortfall] = field(default_factory=list)
    history: dict[str, list[Recorded]] = field(default_factory=dict)

    def held(self, holder: str) -> int:
        return self.holdings.get(holder, 0)

    def apply(self, record: Recorded) -> list[Move]:
        """Apply one capital event; return how each holder's record holding moved by it."""
        ev = record.event
        if isinstance(ev, SharesPurchased):
            return [self._add(record, ev.holder, ev.shares, None)]
        if isinstance(ev, SharesSold):
            return [self._take(record, ev.holder, ev.shares, None)]
        if isinstance(ev, SharesTransferred):
            return [
                self._take(record, ev.from_holder, ev.shares, ev.to_holder),
                self._add(record, ev.to_holder, ev.shares, ev.from_holder),
            ]
        if isinstance(ev, SharesIssued):
            self._adjust(record, ev.shares)
            if ev.holder is not None:
                return [self._add(record, ev.holder, ev.shares, None)]
        elif isinstance(ev, SharesRepurchased):
            self._adjust(record, -ev.shares)
            if ev.holder is not None:
                return [self._take(record, ev.holder, ev.shares, None)]
        elif isinstance(ev, StockSplit):
            self._split(record, ev.numerator, ev.denominator)
        elif isinstance(ev, OutstandingReported):
            self.report, self.outstanding, self.adjustments = record, ev.shares, []
            self.reports.append(record)
        elif isinstance(ev, HoldingReported):
            return self._reconcile(record, ev)
        return []

    def _note(self, record: Recorded, holder: str) -> None:
        self.history.setdefault(holder, []).append(record)

    def _add(self, record: Recorded, holder: str, shares: int, other: str | None) -> Move:
        self.holdings[holder] = self.held(holder) + shares
        self._note(record, holder)
        return Move(holder, shares, other)

    def _take(self, record: Recorded, holder: str, shares: int, other: str | None) -> Move:
        held = self.held(holder)
        if shares > held:
            self.shortfalls.append(Shortfall(record, holder, held, shares))
        self.holdings[holder] = held - shares
        self._note(record, holder)
        return Move(holder, -shares, other)

    def _adjust(self, record: Recorded, delta: int) -> None:
        if self.outstanding is not None:
            if self.outstanding + delta < 0:
                self.shortfalls.append(Shortfall(record, OUTSTANDING, self.outstanding, -delta))
            self.outstanding += delta
            self.adjustments.append(record)

    def _split(self, record: Recorded, numerator: int, denominator: int) -> None:
        for holder, held in self.holdings.items():
            self.holdings[holder] = held * numerator // denominator
            self._note(record, holder)
        if self.outstanding is not None:
            self.outstanding = self.outstanding * numerator // denominator
            self.adjustments.append(record)

    def _reconcile(self, record: Recorded, ev: HoldingReported) -> list[Move]:
        computed = self.held(ev.holder)
        self.reconciliations.append(
            Reconciliation(ev.effective_date, ev.holder, ev.shares, computed, ev.adopt, record)
        )
        self._note(record, ev.holder)
        if ev.adopt and ev.shares != computed:
            self.holdings[ev.holder] = ev.shares
            return [Move(ev.holder, ev.shares - computed, None)]
        return []
