"""The immutable results of a replay: limits, group statuses, snapshots and timeline changes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from types import MappingProxyType
from typing import Literal

from ledger.log import Recorded
from projections.groups import Group
from projections.holdings import Reconciliation
from projections.numbers import Test, breaches, max_shares_within, percent
from projections.terms import Terms

Basis = Literal["threshold", "exemption", "approval", "exempt_person"]
Status = Literal[
    "below",
    "exempt",
    "approved",
    "passive_crossing",
    "inadvertent_pending",
    "acquiring_person",
    "plan_not_in_force",
]
WITHIN: dict[Basis, Status] = {
    "threshold": "below",
    "exemption": "exempt",
    "exempt_person": "exempt",
    "approval": "approved",
}


@dataclass(frozen=True)
class Limit:
    """The most a group may hold without becoming an Acquiring Person, and why."""

    basis: Basis
    percent: Fraction | None
    percent_text: str | None
    shares: int | None
    test: Test | None
    source_amendment: str | None
    record: Recorded | None

    def breached(self, shares: int, outstanding: int) -> bool:
        if self.basis == "exempt_person":
            return False
        if self.shares is not None:
            return shares > self.shares
        assert self.percent is not None and self.test is not None
        return breaches(percent(shares, outstanding), self.percent, self.test)

    def max_holding(self, outstanding: int) -> int | None:
        if self.basis == "exempt_person":
            return None
        if self.shares is not None:
            return self.shares
        assert self.percent is not None and self.test is not None
        return max_shares_within(self.percent, self.test, outstanding)


Interval = tuple[date, date | None]


@dataclass(frozen=True)
class GroupStatus:
    group: Group
    shares: int
    percent: Fraction | None
    limit: Limit | None
    status: Status
    headroom: int | None
    intervals: tuple[Interval, ...]
    flags: tuple[str, ...]


@dataclass(frozen=True)
class Change:
    """One dated line of the timeline: a status change, a level crossing, or a plan event."""

    date: date
    kind: Literal["status", "crossing", "plan"]
    group: str | None
    detail: str
    before: str | None
    after: str | None
    record: Recorded | None
    members: tuple[str, ...] = ()  # the persons it concerns (empty: the whole plan)


@dataclass(frozen=True)
class Snapshot:
    """An issuer's state at the end of `as_of`, from the events recorded up to the view's time."""

    issuer: str
    as_of: date
    terms: Terms
    in_force: bool
    outstanding: int | None
    outstanding_report: Recorded | None
    outstanding_adjustments: tuple[Recorded, ...]
    outstanding_reports: tuple[Recorded, ...]
    holdings: MappingProxyType[str, int]
    holder_history: MappingProxyType[str, tuple[Recorded, ...]]
    links: tuple[Recorded, ...]
    groups: tuple[GroupStatus, ...]
    stock_acquisition_date: date | None
    stock_acquisition_record: Recorded | None
    distribution_date: date | None
    redemption: Recorded | None
    flags: tuple[str, ...]
    reconciliations: tuple[Reconciliation, ...]
    person_records: MappingProxyType[str, tuple[Recorded, ...]]

    @property
    def acquiring_persons(self) -> tuple[str, ...]:
        return tuple(g.group.label for g in self.groups if g.status == "acquiring_person")

    def group_of(self, person: str) -> GroupStatus | None:
        for status in self.groups:
            if person in status.group.names or person == status.group.label:
                return status
        return None
