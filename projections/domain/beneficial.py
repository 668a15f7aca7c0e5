"""Beneficial ownership: a holder's shares plus the shares it has the right to acquire.

Two definitions apply on the same date. The rights plan counts rights to acquire shares as its
terms say (`all`: "whether exercisable immediately or only after the passage of time", the common
form and the default; `exercisable`: only those exercisable now; `none`). The securities-law
levels (5% for Schedule 13D, 10% for Section 16) count them as Rule 13d-3(d)(1) does: only those
exercisable within 60 days, except that a right acquired with a control purpose counts at once
(the rule's proviso; `control_rights`). Either way an expired right never counts, and the
percentage is taken of the shares outstanding plus the holder's (its group's) own counted rights,
never anyone else's (Rule 13d-3(d)(1)(i)).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from owl.ledger.events import DerivativeAcquired, DerivativeDisposed, DerivativeReported
from owl.ledger.shares import Amount, norm
from owl.projections.domain.calendar import after
from owl.projections.domain.state import Book, Derivative

WINDOW = timedelta(days=60)


def plan_counts(right: Derivative, day: date, mode: str) -> bool:
    if mode == "none" or right.underlying <= 0:
        return False
    if right.expires_on is not None and right.expires_on < day:
        return False
    if mode == "exercisable":
        return not right.unknown and (
            right.exercisable_from is None or right.exercisable_from <= day
        )
    return True


def rule_counts(right: Derivative, day: date) -> bool:
    """Rule 13d-3(d)(1): exercisable within 60 days, and not expired; a right whose exercise
    date is unknown (a footnote gives it, not plainly) is not counted, and `uncertain` says so."""
    if right.underlying <= 0 or right.unknown:
        return False
    if right.expires_on is not None and right.expires_on < day:
        return False
    return right.exercisable_from is None or right.exercisable_from <= after(day, WINDOW.days)


def uncertain(right: Derivative, day: date) -> bool:
    """Rule 13d-3 might count this right, but the ledger cannot tell: its exercise date is
    unknown (not expired, some shares to acquire)."""
    if not right.unknown or right.underlying <= 0:
        return False
    return right.expires_on is None or right.expires_on >= day


def rights(book: Book, members: Iterable[str], day: date, mode: str) -> tuple[Amount, Amount]:
    """The shares the members may acquire: (as the plan counts them, as Rule 13d-3 does)."""
    plan: Amount = 0
    rule: Amount = 0
    held = book.derivatives
    if not held:
        return 0, 0
    for member in members:
        for right in held.get(member, {}).values():
            if plan_counts(right, day, mode):
                plan += right.underlying
            if rule_counts(right, day):
                rule += right.underlying
    return plan, rule


def control_rights(
    book: Book, members: Iterable[str], day: date, acquired: dict[str, set[str]]
) -> Amount:
    """The shares of rights acquired with a control purpose (`acquired`: holder -> series) that
    Rule 13d-3(d)(1)(i)'s proviso counts at once, beyond those `rule_counts` already counts:
    not yet exercisable within 60 days, not expired."""
    extra: Amount = 0
    for member in members:
        for key in acquired.get(member, ()):
            right = book.derivatives.get(member, {}).get(key)
            if right is None or right.underlying <= 0 or rule_counts(right, day):
                continue
            if right.expires_on is None or right.expires_on >= day:
                extra += right.underlying
    return extra


def due_dates(right: Derivative, day: date) -> list[date]:
    """The dates after `day` on which this right starts or stops counting: 60 days before it
    becomes exercisable (Rule 13d-3), the day it does (a plan counting only exercisable rights),
    the day after it expires."""
    found = []
    if right.exercisable_from is not None:
        found += [right.exercisable_from - WINDOW, right.exercisable_from]
    if right.expires_on is not None:
        found.append(after(right.expires_on, 1))
    return [d for d in found if d > day]


def series_key(ev: DerivativeAcquired | DerivativeDisposed | DerivativeReported) -> str:
    """One holder's series of a derivative: instrument, price, window, expiry, nature."""
    parts = (
        ev.instrument,
        ev.exercise_price or "",
        ev.exercisable_from.isoformat()
        if ev.exercisable_from
        else "?"
        if ev.exercisable_unknown
        else "",
        ev.expires_on.isoformat() if ev.expires_on else "",
        ev.nature or "",
    )
    return " | ".join(parts)


Rights = dict[str, dict[str, Derivative]]  # holder -> series -> what it holds


def apply_right(
    held: Rights, ev: DerivativeAcquired | DerivativeDisposed | DerivativeReported
) -> tuple[str, Derivative, Derivative]:
    """Apply a derivative event to the holders' series; return (series, before, after). A report
    changes nothing, unless it opens a series the ledger holds none of."""
    key = series_key(ev)
    series = held.setdefault(ev.holder, {})
    gives = 0 if ev.obliges else 1  # an obligation to sell or deliver gives no shares to acquire
    before = series.get(key) or Derivative(
        0, 0, ev.exercisable_from, ev.expires_on, bool(ev.exercisable_unknown)
    )
    if isinstance(ev, DerivativeReported):
        if not (ev.opening and before.quantity == 0 and ev.quantity):
            return key, before, before
        underlying = ev.underlying_shares if ev.underlying_shares is not None else ev.quantity
        after = before._replace(quantity=ev.quantity, underlying=underlying * gives)
    elif isinstance(ev, DerivativeAcquired):
        after = before._replace(
            quantity=before.quantity + ev.quantity,
            underlying=before.underlying + ev.underlying_shares * gives,
        )
    else:
        after = before._replace(
            quantity=before.quantity - ev.quantity,
            underlying=before.underlying - ev.underlying_shares * gives,
        )
    if type(after.quantity) is not int or type(after.underlying) is not int:
        after = after._replace(quantity=norm(after.quantity), underlying=norm(after.underlying))
    series[key] = after
    return key, before, after
