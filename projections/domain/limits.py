"""The limit that applies to a group on a date, from the plan terms in force.

Precedence: an exemption naming the group (any member or label); else a Board approval; else a
grandfathered holding (a holder at or over the threshold when the plan was adopted may keep what
it held then, and no more); else the plan threshold and its test. A person named exempt at
adoption has no limit, but only while no one else in its group holds shares: affiliating with an
exempt person is no escape.

Tests are decided in integers: `shares / outstanding * 100` against a limit `p = a / b` is
`shares * 100 * b` against `a * outstanding`, exact and much cheaper than building fractions for
every group on every date.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from fractions import Fraction
from typing import Literal, NamedTuple

from owl.ledger.shares import Amount
from owl.projections.domain.groups import Group
from owl.projections.domain.numbers import Test, max_shares_within
from owl.projections.domain.state import Grandfathered
from owl.projections.domain.terms import Terms

Basis = Literal["threshold", "exemption", "approval", "exempt_person", "grandfathered"]


class Limit(NamedTuple):
    """The most a group may hold without becoming an Acquiring Person, and why."""

    basis: Basis
    percent_text: str | None
    shares: Amount | None
    test: Test | None
    source_amendment: str | None
    seq: int | None  # the event that set it (adoption, amendment or approval)
    effective: date | None = None  # for an exemption: the amendment's effective date
    percent: Fraction | None = None  # percent_text as an exact value

    def breached(self, shares: Amount, outstanding: Amount) -> bool:
        if self.basis == "exempt_person":
            return False
        if self.shares is not None:
            return shares > self.shares
        assert self.percent is not None and self.test is not None
        return beyond(shares, outstanding, self.percent, self.test)

    def max_holding(self, outstanding: Amount) -> Amount | None:
        if self.basis == "exempt_person":
            return None
        if self.shares is not None:
            return self.shares
        assert self.percent is not None and self.test is not None
        return max_shares_within(self.percent, self.test, outstanding)


def beyond(shares: Amount, outstanding: Amount, level: Fraction, test: Test) -> bool:
    """Is `shares` of `outstanding` beyond `level` percent under `test` (>= or >)? (A fractional
    amount is compared as an exact fraction.)"""
    if type(shares) is not int or type(outstanding) is not int:
        value = Fraction(shares) * 100 / Fraction(outstanding)
        return value >= level if test == "at_or_above" else value > level
    left = shares * 100 * level.denominator
    right = level.numerator * outstanding
    return left >= right if test == "at_or_above" else left > right


_EXEMPT_PERSON = Limit("exempt_person", None, None, None, None, None)


def limit_for(
    terms: Terms,
    group: Group,
    held: Callable[[str], Amount],
    grandfathered: Mapping[str, Grandfathered] | None = None,
) -> Limit:
    names = group.names
    if terms.specially_named.isdisjoint(names):
        spared = _grandfathered(group, grandfathered)
        return spared if spared is not None else threshold_limit(terms)
    exempt = terms.exempt_persons
    if exempt and names & exempt:
        holders = {m for m in group.members if held(m) > 0}
        if holders <= exempt:
            return _EXEMPT_PERSON
    exemptions = [ex for p, ex in terms.exemptions.items() if p in names]
    if exemptions:
        ex = max(exemptions, key=lambda e: e.seq or 0)
        return Limit(
            "exemption", ex.cap_text, None, ex.test, ex.amendment, ex.seq, ex.effective, ex.cap
        )
    approvals = [ap for p, ap in terms.approvals.items() if p in names]
    if approvals:
        ap = max(approvals, key=lambda a: a.seq)
        return Limit(
            "approval",
            ap.max_percent_text,
            ap.max_shares,
            "above",
            None,
            ap.seq,
            None,
            ap.max_percent,
        )
    spared = _grandfathered(group, grandfathered)
    return spared if spared is not None else threshold_limit(terms)


def _grandfathered(group: Group, grandfathered: Mapping[str, Grandfathered] | None) -> Limit | None:
    """The grandfathered cap of a group: any more shares than it breaches."""
    if not grandfathered:
        return None
    found = [grandfathered[m] for m in group.members if m in grandfathered]
    if not found:
        return None
    cap = min(found, key=lambda g: g.shares)
    return Limit("grandfathered", None, cap.shares, "above", None, cap.seq, cap.since)


_THRESHOLD_LIMITS: dict[int, tuple[Terms, Limit]] = {}


def threshold_limit(terms: Terms) -> Limit:
    """The plan threshold as a limit (kept per terms value: terms never change)."""
    cached = _THRESHOLD_LIMITS.get(id(terms))
    if cached is not None and cached[0] is terms:
        return cached[1]
    source = terms.records[-1] if terms.records else None
    limit = Limit(
        "threshold",
        terms.threshold_text,
        None,
        terms.threshold_test,
        terms.threshold_source,
        source,
        None,
        terms.threshold,
    )
    if len(_THRESHOLD_LIMITS) > 64:
        _THRESHOLD_LIMITS.clear()
    _THRESHOLD_LIMITS[id(terms)] = (terms, limit)
    return limit
