"""Judging a group at the end of a date: pure functions from facts to a verdict.

`judge` decides a group's status from its holding, its limit and what the fold remembers of it
(DOMAIN.md §2; the readings taken are listed in docs/rules.md). It returns a `Verdict` and changes
nothing; the fold applies it. `levels_beyond` and `crossings` say which levels (5%, 10%, the
threshold, its cap) a group is beyond and which it crossed since it was last judged.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import NamedTuple

from owl.ledger.shares import Amount
from owl.projections.domain.limits import Basis, Limit, beyond
from owl.projections.domain.state import Level, LevelKey, Person, Status
from owl.projections.domain.terms import Terms

WITHIN: dict[Basis, Status] = {
    "threshold": "below",
    "exemption": "exempt",
    "exempt_person": "exempt",
    "approval": "approved",
    "grandfathered": "exempt",
}
HELD_BACK: frozenset[Status] = frozenset(
    {"acquiring_person", "passive_crossing", "inadvertent_pending"}
)


class Facts(NamedTuple):
    """What a judgment needs to know about a group at the end of a date."""

    day: date
    in_force: bool
    outstanding: Amount | None
    shares: Amount
    limit: Limit | None  # None when the plan is not in force or no count is known
    gained: bool  # the group acquired shares that day
    fell: bool  # shares outstanding fell that day
    split: bool  # a stock split that day
    was_ap: bool
    was_passive: bool
    was_breaching: bool
    divest_by: date | None  # a pending inadvertence determination's deadline


class Verdict(NamedTuple):
    status: Status
    breach: bool
    open_ap: bool  # an Acquiring Person interval opens today (if none is open)
    close_ap: bool  # open intervals close today
    passive: bool | None  # the new passive mark (None: unchanged)
    clear_inadvertence: bool
    flags: tuple[str, ...] = ()  # flags of an interval opened today


def judge(f: Facts) -> Verdict:
    if not f.in_force or not f.outstanding or f.limit is None:
        status: Status = "plan_not_in_force" if not f.in_force else "below"
        return Verdict(status, False, False, True, False, False)
    limit = f.limit
    breach = limit.breached(f.shares, f.outstanding)
    if not breach:
        return Verdict(WITHIN[limit.basis], False, False, True, False, True)
    if f.was_ap:
        return Verdict("acquiring_person", True, True, False, False, False)
    if f.was_passive and not f.gained:
        return Verdict("passive_crossing", True, False, False, True, False)
    if f.divest_by is not None and f.day <= f.divest_by:
        return Verdict("inadvertent_pending", True, False, False, None, False)
    failed = f.divest_by is not None
    moved = f.fell or f.split
    passive = not f.gained and not failed and moved and not f.was_breaching
    if passive and limit.basis != "exemption":
        return Verdict("passive_crossing", True, False, False, True, True)
    flags = ("passive_cap_crossing",) if passive else ()
    return Verdict("acquiring_person", True, True, False, False, True, flags)


def apply_verdict(person: Person, verdict: Verdict, day: date) -> Person:
    """The person after its group's verdict (status and levels are set by the caller)."""
    ap_from, intervals, flags, passive = (
        person.ap_from,
        person.intervals,
        person.ap_flags,
        person.passive,
    )
    if verdict.close_ap and ap_from is not None:
        if ap_from < day:
            intervals = (*intervals, (ap_from, day))
        ap_from, flags = None, ()
    if verdict.open_ap and ap_from is None:
        ap_from, flags = day, verdict.flags
    if verdict.passive is not None:
        passive = verdict.passive
    return person._replace(
        ap_from=ap_from,
        intervals=intervals,
        ap_flags=flags,
        passive=passive,
        breaching=verdict.breach,
    )


def headroom(
    status: Status, limit: Limit | None, shares: Amount, outstanding: Amount | None
) -> Amount | None:
    """How many more shares the group could acquire without becoming an Acquiring Person."""
    if limit is None or not outstanding:
        return None
    if status in HELD_BACK:
        return 0
    most = limit.max_holding(outstanding)
    return None if most is None else max(most - shares, 0)


def levels_beyond(
    plan: tuple[Amount, Amount | None],
    rule: tuple[Amount, Amount | None],
    terms: Terms,
    limit: Limit | None,
) -> tuple[dict[LevelKey, Level], dict[LevelKey, Level]]:
    """The group's levels (by key, as they now stand) and those of them it is beyond: the plan
    threshold and cap on the plan's count (shares, of outstanding), the 5% and 10% levels on
    Rule 13d-3's (see `projections.domain.beneficial`)."""
    shares, outstanding = plan
    if not outstanding:
        return {}, {}
    held, base = rule
    assert base is not None
    threshold = Level("threshold", terms.threshold_text, terms.threshold_test)
    levels: dict[LevelKey, Level] = {"5%": _FIVE, "10%": _TEN, "threshold": threshold}
    up: dict[LevelKey, Level] = {}
    if held * 100 > 5 * base:
        up["5%"] = _FIVE
    if held * 100 > 10 * base:
        up["10%"] = _TEN
    if beyond(shares, outstanding, terms.threshold, terms.threshold_test):
        up["threshold"] = threshold
    if limit is not None and limit.basis in ("exemption", "approval", "grandfathered"):
        cap = Level("cap", limit.percent_text, limit.test, limit.basis, limit.shares)
        levels["cap"] = cap
        if limit.shares is not None:
            over = shares > limit.shares
        else:
            assert limit.percent is not None and limit.test is not None
            over = beyond(shares, outstanding, limit.percent, limit.test)
        if over:
            up["cap"] = cap
    return levels, up


def quiet_bound(outstanding: Amount, terms: Terms) -> Amount:
    """The fewest shares that put a lone holder beyond 5% or the plan threshold."""
    over_five = 5 * outstanding // 100 + 1
    threshold = terms.threshold
    exact, rest = divmod(threshold.numerator * outstanding, 100 * threshold.denominator)
    if terms.threshold_test == "at_or_above":
        at_threshold = exact + (1 if rest else 0)
    else:
        at_threshold = exact + 1
    return min(over_five, at_threshold)


_FIVE = Level("5%")
_TEN = Level("10%")


def crossings(
    levels: Mapping[LevelKey, Level], up: Mapping[LevelKey, Level], before: Mapping[str, Level]
) -> list[tuple[str, Level, Level | None]]:
    """(what, level, was) for each level whose state differs from `before` (the levels the group
    was beyond): "above" a level as it now stands, "no_longer_above" it, or "within" a level whose
    value changed (a raised cap); a level that no longer applies is reported as left."""
    found: list[tuple[str, Level, Level | None]] = []
    for key in [*levels, *(k for k in before if k not in levels)]:
        was = before.get(key)
        now = up.get(key)  # type: ignore[call-overload]
        if (was is not None) == (now is not None):
            continue
        if now is not None:
            found.append(("above", now, None))
        elif was is not None:
            current = levels.get(key)  # type: ignore[call-overload]
            if current is not None and current != was:
                found.append(("within", current, was))
            else:
                found.append(("no_longer_above", was, None))
    return found
