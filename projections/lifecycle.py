"""The plan's life: in force or not, the Stock Acquisition Date, the Distribution Date, redemption.

These are plan-level facts, once reached permanent: a Distribution Date is the earlier of the SAD
plus the plan's delay (calendar or business days) and, for a tender offer that reaches the
threshold, its commencement plus the delay in business days; a non-business day rolls forward.
The Board may redeem the rights up to close of business on the Distribution Date; a redemption in
that window ends the plan, one after it is flagged and has no effect.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction

from ledger.events import TenderOfferCommenced
from ledger.log import Recorded
from projections.calendar import add_days, roll_forward
from projections.numbers import breaches
from projections.terms import Terms


@dataclass
class Lifecycle:
    tenders: dict[str, tuple[Recorded, date]] = field(default_factory=dict)
    sad: tuple[date, Recorded] | None = None
    fixed_distribution: date | None = None
    redemption: Recorded | None = None
    ended: bool = False  # expired: no later amendment revives it
    flags: list[str] = field(default_factory=list)

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
        candidates = [due for _, due in self.tenders.values()]
        if self.sad is not None:
            delay = add_days(self.sad[0], terms.distribution_delay, terms.distribution_delay_basis)
            candidates.append(roll_forward(delay))
        expires = terms.expires_on
        candidates = [c for c in candidates if expires is None or c <= expires]
        return min(candidates) if candidates else None

    def commence_tender(
        self, terms: Terms, day: date, record: Recorded, ev: TenderOfferCommenced
    ) -> date | None:
        """Register an offer that reaches the threshold; return the date its limb falls due.
        A second offer by the same person does not move the first one's date."""
        reaches = breaches(Fraction(ev.percent_sought), terms.threshold, terms.threshold_test)
        if not (self.in_force(terms, day) and reaches) or ev.person in self.tenders:
            return None
        due = roll_forward(add_days(day, terms.distribution_delay, "business"))
        self.tenders[ev.person] = (record, due)
        return due

    def terminate_tender(self, person: str, day: date) -> None:
        """An offer ended before its Distribution Date no longer counts."""
        offer = self.tenders.get(person)
        if offer is not None and offer[1] > day:
            del self.tenders[person]

    def redeem(self, terms: Terms, day: date, record: Recorded) -> str:
        """Apply a redemption; return what it did, in words."""
        due = self.distribution_date(terms)
        if not self.in_force(terms, day):
            return "redemption while no plan is in force has no effect"
        if due is None or day <= due:
            self.redemption = record
            return "rights redeemed: the plan ends"
        self.flags.append("redemption_out_of_window")
        return f"redemption after the Distribution Date {due} is out of the window; no effect"

    def stock_acquisition(self, terms: Terms, day: date, record: Recorded) -> date | None:
        """Record the SAD (if none yet); return the Distribution Date it leads to."""
        if self.sad is not None:
            return None
        self.sad = (day, record)
        return self.distribution_date(terms)

    def reach_distribution(self, terms: Terms, day: date, in_force: bool) -> date | None:
        """Fix the Distribution Date once its day has come; return it the first time."""
        due = self.distribution_date(terms)
        if self.fixed_distribution is None and due is not None and due <= day and in_force:
            self.fixed_distribution = due
            return due
        return None
