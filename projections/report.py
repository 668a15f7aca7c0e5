"""Plain-data views of a snapshot: the `status` and `ownership` JSON of INTERFACE.md §3.

Everything here is JSON-ready (str, int, bool, None, lists, dicts). Percentages are exact values
rounded half-up to 4 decimals only here, at the edge; share counts are ints.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ledger.events import HoldingReported, OutstandingReported
from ledger.log import Recorded
from projections.holdings import Reconciliation
from projections.numbers import format_percent, percent
from projections.state import Change, GroupStatus, Limit, Snapshot

Json = dict[str, Any]


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def record_ref(record: Recorded | None) -> Json | None:
    if record is None:
        return None
    ev = record.event
    return {
        "seq": record.seq,
        "event_id": record.event_id,
        "type": ev.type,
        "effective_date": ev.effective_date.isoformat(),
        "source": ev.source,
    }


def limit_json(limit: Limit | None) -> Json | None:
    if limit is None:
        return None
    body: Json = {
        "percent": limit.percent_text,
        "test": limit.test,
        "basis": limit.basis,
        "source_amendment": limit.source_amendment,
    }
    if limit.shares is not None:
        body["shares"] = limit.shares
    return body


def stated_percent(snapshot: Snapshot, report: Recorded) -> Json:
    """A holder's stated position, and the reported share count its stated percent was taken on.

    A filer may rely on the issuer's last reported count (Rule 13d-1(j)), so the stated percent is
    matched, at its own precision, against every count reported on or before the statement.
    """
    ev = report.event
    assert isinstance(ev, HoldingReported)
    body: Json = {
        "holder": ev.holder,
        "date": ev.effective_date.isoformat(),
        "shares": ev.shares,
        "percent_stated": ev.percent,
        "form": ev.form,
        "source": ev.source,
        "basis_outstanding": None,
        "basis_reported_on": None,
        "basis_source": None,
        "percent_of_basis": None,
    }
    if snapshot.outstanding:
        body["percent_of_shares_then_outstanding"] = format_percent(
            percent(ev.shares, snapshot.outstanding)
        )
    basis = stated_basis(snapshot, report)
    if basis is not None:
        count = basis.event
        assert isinstance(count, OutstandingReported)
        body.update(
            basis_outstanding=count.shares,
            basis_reported_on=count.effective_date.isoformat(),
            basis_source=count.source,
            percent_of_basis=format_percent(percent(ev.shares, count.shares)),
        )
    return body


def stated_basis(snapshot: Snapshot, report: Recorded) -> Recorded | None:
    """The latest share count reported on or before a statement that its stated percent, at its
    own precision, was computed on (None when no count matches or no percent was stated)."""
    ev = report.event
    assert isinstance(ev, HoldingReported)
    if ev.percent is None:
        return None
    places = len(ev.percent.partition(".")[2])
    for record in reversed(snapshot.outstanding_reports):
        count = record.event
        assert isinstance(count, OutstandingReported)
        if count.effective_date > ev.effective_date:
            continue
        if format_percent(percent(ev.shares, count.shares), places) == _pad(ev.percent, places):
            return record
    return None


def _pad(text: str, places: int) -> str:
    whole, _, part = text.partition(".")
    return f"{int(whole)}.{part.ljust(places, '0')}" if places else str(int(whole))


def latest_statement(snapshot: Snapshot, status: GroupStatus) -> Recorded | None:
    found = None
    for member in status.group.members:
        for record in snapshot.holder_history.get(member, ()):
            if isinstance(record.event, HoldingReported) and (
                found is None
                or (record.event.effective_date, record.seq)
                > (found.event.effective_date, found.seq)
            ):
                found = record
    return found


def group_json(snapshot: Snapshot, status: GroupStatus) -> Json:
    statement = latest_statement(snapshot, status)
    return {
        "group": status.group.label,
        "members": list(status.group.members),
        "shares": status.shares,
        "percent": format_percent(status.percent) if status.percent is not None else None,
        "limit": limit_json(status.limit),
        "status": status.status,
        "headroom_shares": status.headroom,
        "acquiring_person_intervals": [
            {"from": _day(start), "to": _day(end)} for start, end in status.intervals
        ],
        "flags": list(status.flags),
        "reported": stated_percent(snapshot, statement) if statement else None,
    }


def listed(snapshot: Snapshot) -> list[GroupStatus]:
    """Groups holding more than 5%, and every group whose status is not `below`."""
    shown = [
        g
        for g in snapshot.groups
        if (g.percent is not None and g.percent > 5)
        or g.status not in ("below", "plan_not_in_force")
    ]
    return sorted(shown, key=lambda g: (-g.shares, g.group.label))


def status_json(snapshot: Snapshot, known_at: str | None) -> Json:
    terms = snapshot.terms
    report = snapshot.outstanding_report
    return {
        "issuer": snapshot.issuer,
        "as_of": snapshot.as_of.isoformat(),
        "known_at": known_at,
        "plan": {
            "in_force": snapshot.in_force,
            "adopted_on": _day(terms.adopted_on),
            "threshold": terms.threshold_text if terms.adopted else None,
            "threshold_test": terms.threshold_test if terms.adopted else None,
            "rights_agent": terms.rights_agent,
            "expires_on": _day(terms.expires_on),
            "amendments": list(terms.amendments),
            "redeemed_on": _day(snapshot.redemption.event.effective_date)
            if snapshot.redemption
            else None,
        },
        "shares_outstanding": snapshot.outstanding,
        "shares_outstanding_basis": {
            "reported": report.event.shares if report else None,  # type: ignore[union-attr]
            "reported_on": _day(report.event.effective_date) if report else None,
            "source": report.event.source if report else None,
            "adjustments": [record_ref(r) for r in snapshot.outstanding_adjustments],
        },
        "groups": [group_json(snapshot, g) for g in listed(snapshot)],
        "acquiring_persons": list(snapshot.acquiring_persons),
        "stock_acquisition_date": _day(snapshot.stock_acquisition_date),
        "distribution_date": _day(snapshot.distribution_date),
        "distribution_date_reached": snapshot.distribution_date is not None
        and snapshot.distribution_date <= snapshot.as_of,
        "flags": list(snapshot.flags),
        "reconciliation_breaks": [
            reconciliation_json(r) for r in snapshot.reconciliations if r.is_break
        ],
        "unexplained_changes": [
            reconciliation_json(r) for r in snapshot.reconciliations if r.adopted and r.difference
        ],
    }


def reconciliation_json(r: Reconciliation) -> Json:
    return {
        "date": r.date.isoformat(),
        "holder": r.holder,
        "reported": r.reported,
        "computed": r.computed,
        "difference": r.difference,
        "event": record_ref(r.record),
    }


def ownership_json(snapshot: Snapshot, known_at: str | None) -> Json:
    out = snapshot.outstanding

    def pct(shares: int) -> str | None:
        return format_percent(percent(shares, out)) if out else None

    holders = sorted(
        ((h, s) for h, s in snapshot.holdings.items() if s), key=lambda x: (-x[1], x[0])
    )
    groups = sorted(snapshot.groups, key=lambda g: (-g.shares, g.group.label))
    return {
        "issuer": snapshot.issuer,
        "as_of": snapshot.as_of.isoformat(),
        "known_at": known_at,
        "shares_outstanding": out,
        "holders": [{"holder": h, "shares": s, "percent": pct(s)} for h, s in holders],
        "groups": [
            {
                "group": g.group.label,
                "members": list(g.group.members),
                "shares": g.shares,
                "percent": pct(g.shares),
            }
            for g in groups
            if g.shares
        ],
        "unexplained_changes": [
            reconciliation_json(r) for r in snapshot.reconciliations if r.adopted and r.difference
        ],
    }


def timeline_json(changes: tuple[Change, ...], issuer: str, person: str | None) -> Json:
    rows = []
    for change in changes:
        concerned = change.group == person or person in change.members or not change.members
        if person is not None and not concerned:
            continue
        rows.append(
            {
                "date": change.date.isoformat(),
                "kind": change.kind,
                "group": change.group,
                "detail": change.detail,
                "from": change.before,
                "to": change.after,
                "event": record_ref(change.record),
            }
        )
    return {"issuer": issuer, "person": person, "changes": rows}
