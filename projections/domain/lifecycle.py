"""The plan's life: in force or not, the Stock Acquisition Date, the Distribution Date, redemption.

These are plan-level facts, once reached permanent: a Distribution Date is the earlier of the SAD
plus the plan's delay (calendar or business days) and, for a tender offer that reaches the
threshold, its commencement plus the delay in business days; a non-business day rolls forward.
The Board may redeem the rights up to close of business on the Distribution Date; a redemption in
that window ends the plan, one after it is flagged and has no effect.

The value is small and the fold copies it before changing it (`clone`), so a checkpoint's copy is
never touched by a later fold.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Literal, NamedTuple

from owl.ledger.shares import Amount
from owl.projections.domain.calendar import add_days, roll_forward
from owl.projections.domain.numbers import breaches
from owl.projections.domain.terms import Terms


class Tender(NamedTuple):
    seq: int
    due: date  # the Distribution Date it leads to


class Sad(NamedTuple):
    """The Stock Acquisition Date and the public report that made it."""

    date: date
    seq: int
    holder: str
    shares: Amount


class Redemption(NamedTuple):
    seq: int
    date: date


RedeemOutcome = Literal["redeemed", "no_plan", "out_of_window"]


@dataclass
class Lifecycle:
    tenders: dict[str, Tender] = field(default_factory=dict)
    sad: Sad | None = None
    fixed_distribution: date | None = None
    redemption: Redemption | None = None
    ended: bool = False  # expired: no later amendment revives it
    flags: list[str] = field(default_factory=list)
    # A SAD resting on a crossing the Board found inadvertent, while the cure is pending.
    suspended: Sad | None = None

    def clone(self) -> Lifecycle:
        return Lifecycle(
            dict(self.tenders),
            self.sad,
            self.fixed_distribution,
            self.redemption,
            self.ended,
            list(self.flags),
            self.suspended,
        )

    def in_force(self, terms: Terms, day: date) -> bool:
        return (
            terms.adopted
            and not self.ended
            and self.redemption is None
            and not terms.expired_on(day)
        )

    def distribution_date(self, terms: Terms) -> date | None:
        """Close of business on the earlier limb; once reached it is a permanent fact. None if
        redeemed first or due after the plan expires."""
        if self.fixed_distribution is not None:
            return self.fixed_distribution
        if self.redemption is not None:
            return None
        candidates = [tender.due for tender in self.tenders.values()]
        if self.sad is not None:
            basis = terms.distribution_delay_basis
            delay = add_days(self.sad.date, terms.distribution_delay, basis)
            candidates.append(roll_forward(delay))
        expires = terms.expires_on
        candidates = [c for c in candidates if expires is None or c <= expires]
        return min(candidates) if candidates else None

    def commence_tender(
        self,
        terms: Terms,
        day: date,
        seq: int,
        person: str,
        percent_sought: str,
        held: Fraction = Fraction(0),
    ) -> date | None:
        """Register an offer that would result in beneficial ownership of the threshold (`held`,
        the percent the offeror already holds, plus `percent_sought`); return the date its limb
        falls due. A second offer by the same person does not move the first one's date."""
        total = held + Fraction(percent_sought)
        reaches = breaches(total, terms.threshold, terms.threshold_test)
        if not (self.in_force(terms, day) and reaches) or person in self.tenders:
            return None
        due = roll_forward(add_days(day, terms.distribution_delay, "business"))
        self.tenders[person] = Tender(seq, due)
        return due

    def terminate_tender(self, person: str, day: date) -> None:
        """An offer ended before its Distribution Date no longer counts."""
        offer = self.tenders.get(person)
        if offer is not None and offer.due > day:
            del self.tenders[person]

    def redeem(self, terms: Terms, day: date, seq: int) -> tuple[RedeemOutcome, date | None]:
        """Apply a redemption; return what it did (and the Distribution Date it came after)."""
        due = self.distribution_date(terms)
        if not self.in_force(terms, day):
            return "no_plan", None
        if due is None or day <= due:
            self.redemption = Redemption(seq, day)
            return "redeemed", None
        self.flags.append("redemption_out_of_window")
        return "out_of_window", due

    def stock_acquisition(self, terms: Terms, sad: Sad) -> date | None:
        """Record the SAD (if none yet); return the Distribution Date it leads to."""
        if self.sad is not None:
            return None
        self.sad = sad
        return self.distribution_date(terms)

    def reach_distribution(self, terms: Terms, day: date, in_force: bool) -> date | None:
        """Fix the Distribution Date once its day has come; return it the first time."""
        due = self.distribution_date(terms)
        if self.fixed_distribution is None and due is not None and due <= day and in_force:
            self.fixed_distribution = due
            return due
        return None
