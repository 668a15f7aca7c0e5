"""Why a group has the status it has on a date: the rule that decided, and the events behind it.

Every event listed carries its `source`, so an auditor can follow each number back to a filing.
The events behind a standing are those that name one of the group's members or labels (found by
the caller: from the log, or from the records a replay was given), the share count and its
adjustments, the plan's adoption and amendments, and the count a stated percent was taken on.
"""

from __future__ import annotations

from collections.abc import Iterable

from owl.ledger.errors import UnknownPerson
from owl.ledger.log import Recorded
from owl.projections.domain.numbers import TEST_WORDS, format_percent
from owl.projections.views.report import (
    group_json,
    latest_statement,
    limit_json,
    open_breaks,
    record_ref,
    stated_basis,
    unexplained,
)
from owl.projections.views.shapes import Json
from owl.projections.views.snapshot import GroupStatus, Snapshot


def explain(snapshot: Snapshot, person: str, naming: Iterable[int]) -> Json:
    """The explanation of `person`'s group; `naming` are the seqs of the events (effective by
    the date) that name one of its members or labels."""
    status = snapshot.group_of(person)
    if status is None:
        raise UnknownPerson(person, snapshot.issuer, snapshot.as_of.isoformat())
    body = group_json(snapshot, status)
    return {
        "issuer": snapshot.issuer,
        "as_of": snapshot.as_of.isoformat(),
        "person": person,
        "group": status.group.label,
        "members": list(status.group.members),
        "status": status.status,
        "rule": rule(snapshot, status),
        "shares": status.shares,
        "derivative_shares": status.derivatives,
        "percent": body["percent"],
        "shares_outstanding": snapshot.outstanding,
        "limit": limit_json(status.limit),
        "headroom_shares": status.headroom,
        "holdings": [
            {"holder": m, "shares": snapshot.holdings.get(m, 0)} for m in status.group.members
        ],
        "reported": body["reported"],
        "acquiring_person_intervals": body["acquiring_person_intervals"],
        "flags": body["flags"],
        "unexplained_changes": unexplained(snapshot, status.group.member_set),
        "open_breaks": open_breaks(snapshot, frozenset(status.group.names)),
        "events": [record_ref(r) for r in evidence(snapshot, status, naming)],
    }


def absent(snapshot: Snapshot, person: str, first: Recorded) -> Json:
    """A person the history knows who holds nothing and belongs to no group on the date."""
    when = first.event.effective_date
    later = "first appears" if when > snapshot.as_of else "appears"
    status = "below" if snapshot.in_force else "plan_not_in_force"
    return {
        "issuer": snapshot.issuer,
        "as_of": snapshot.as_of.isoformat(),
        "person": person,
        "group": person,
        "members": [person],
        "status": status,
        "rule": f"{person} holds no shares on {snapshot.as_of} and belongs to no group "
        f"({later} in the ledger on {when}).",
        "shares": 0,
        "derivative_shares": 0,
        "percent": "0.0000" if snapshot.outstanding else None,
        "shares_outstanding": snapshot.outstanding,
        "limit": None,
        "headroom_shares": None,
        "holdings": [{"holder": person, "shares": 0}],
        "reported": None,
        "acquiring_person_intervals": [],
        "flags": [],
        "unexplained_changes": [],
        "open_breaks": [],
        "events": [record_ref(first)] if when <= snapshot.as_of else [],
    }


def evidence(snapshot: Snapshot, status: GroupStatus, naming: Iterable[int]) -> list[Recorded]:
    book, terms, names = snapshot.book, snapshot.terms, status.group.names
    seqs: set[int | None] = set(naming)
    statement = latest_statement(snapshot, status)
    basis = stated_basis(snapshot, statement) if statement else None
    sad = snapshot.life.sad
    seqs.update(
        [
            basis.seq if basis else None,
            book.report,
            sad.seq if sad is not None and sad.holder in names else None,
            *terms.records,
            *book.adjustments,
        ]
    )
    found = snapshot.records(seqs).values()
    kept = [r for r in found if r.event.effective_date <= snapshot.as_of]
    return sorted(kept, key=lambda r: (r.event.effective_date, r.seq))


RIGHTS_WORDS = {
    "all": "the plan counts rights whether exercisable now or only after the passage of time",
    "exercisable": "the plan counts rights exercisable now",
    "none": "",
}


def rule(snapshot: Snapshot, status: GroupStatus) -> str:
    """One paragraph: the holding, the limit and where it comes from, and the verdict."""
    label, shares, out = status.group.label, status.shares, snapshot.outstanding
    if status.status == "plan_not_in_force":
        terms = snapshot.terms
        if not terms.adopted:
            why = "no rights plan has been adopted"
        elif snapshot.life.redemption is not None:
            why = f"the rights were redeemed on {snapshot.life.redemption.date}"
        else:
            why = f"the plan expired at close of business on {terms.expires_on}"
        return f"On {snapshot.as_of} {why}, so no one can be an Acquiring Person."
    if out is None or status.percent is None:
        return f"No count of shares outstanding is known on {snapshot.as_of}; no percentage."
    pct = format_percent(status.percent)
    rights = status.derivatives
    if rights:
        how = RIGHTS_WORDS[snapshot.terms.derivatives]
        holding = (
            f"{label} holds {shares - rights:,} shares and rights to acquire {rights:,} more "
            f"({how}): {shares:,} of the {out:,} shares then outstanding plus those "
            f"{rights:,} ({pct}%)."
        )
    else:
        holding = f"{label} holds {shares:,} of {out:,} shares then outstanding ({pct}%)."
    limit = status.limit
    assert limit is not None
    if limit.basis == "exempt_person":
        return (
            f"{holding} The plan names it an exempt person: it cannot become an Acquiring Person."
        )
    if limit.basis == "grandfathered":
        bound = f"more than {limit.shares:,} shares"
    elif limit.shares is not None:
        bound = f"more than the {limit.shares:,} shares the Board approved"
    else:
        bound = f"{TEST_WORDS[limit.test or 'above']} {limit.percent_text}%"
    if limit.basis == "exemption":
        origin = f"Amendment {limit.source_amendment}" if limit.source_amendment else "The plan"
        where = f" (effective {limit.effective})" if limit.effective else ""
        source = f"{origin}{where} exempts it unless it holds {bound}"
    elif limit.basis == "approval":
        source = f"A Board approval lets it hold up to its limit; above it, it would hold {bound}"
    elif limit.basis == "grandfathered":
        source = (
            f"It was at or over the threshold when the plan was adopted ({limit.effective}), so "
            "the plan grandfathers it unless it acquires any additional shares: its cap is what "
            f"it held then, less what it has disposed of since ({limit.shares:,} shares)"
        )
    else:
        by = f" (as set by Amendment {limit.source_amendment})" if limit.source_amendment else ""
        source = f"The plan makes an Acquiring Person of a holder {bound}{by}"
    within = f"{shares:,} shares are not {bound}" if limit.shares is not None else None
    verdicts = {
        "below": f"{pct}% is not {bound}, so it is not an Acquiring Person",
        "exempt": f"{within or f'{pct}% is not {bound}'}, so it is exempt",
        "approved": f"{pct}% is within the approval, so it is approved",
        "passive_crossing": "it is over the limit only because shares outstanding fell (a company "
        "repurchase), so it is not an Acquiring Person until it acquires any more shares",
        "inadvertent_pending": "the Board determined the crossing inadvertent; it is not an "
        "Acquiring Person if it is back under its limit by the end of the divest-by date",
        "acquiring_person": "it breaches its limit, so it is an Acquiring Person"
        + (f" since {status.intervals[-1][0]}" if status.intervals else ""),
    }
    head = f" It may acquire {status.headroom:,} more shares." if status.headroom else ""
    past = [f"[{start}, {end})" for start, end in status.intervals if end is not None]
    was = f" It was an Acquiring Person {', '.join(past)}." if past else ""
    return f"{holding} {source}; {verdicts[status.status]}.{head}{was}"
