"""Plain-data views of a snapshot: the `status` and `ownership` JSON of the command line.

Everything here is JSON-ready (str, int, bool, None, lists, dicts). Percentages are exact values
rounded half-up to 4 decimals only here, at the edge; share counts are ints. The snapshot names
events by seq; the events shown are fetched through it.
"""

from __future__ import annotations

from datetime import date

from owl.ledger.events import HoldingReported, OutstandingReported
from owl.ledger.log import Recorded
from owl.projections.domain.limits import Limit
from owl.projections.domain.numbers import format_percent, percent
from owl.projections.domain.state import Book, Reconciliation
from owl.projections.views.shapes import Json
from owl.projections.views.snapshot import GroupStatus, Snapshot


def day_text(value: date | None) -> str | None:
    return value.isoformat() if value else None


def record_ref(record: Recorded | None) -> Json | None:
    if record is None:
        return None
    ev = record.event
    body: Json = {
        "seq": record.seq,
        "event_id": record.event_id,
        "type": ev.type,
        "effective_date": ev.effective_date.isoformat(),
        "source": ev.source,
    }
    if ev.filing is not None:  # the evidence an SEC filing gives, as filed
        body["filing"] = ev.filing.model_dump(mode="json")
    return body


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
    for count in reversed(snapshot.book.reports):
        if count.date > ev.effective_date:
            continue
        if format_percent(percent(ev.shares, count.shares), places) == _pad(ev.percent, places):
            return snapshot.record(count.seq)
    return None


def _pad(text: str, places: int) -> str:
    whole, _, part = text.partition(".")
    return f"{int(whole)}.{part.ljust(places, '0')}" if places else str(int(whole))


def latest_statement(snapshot: Snapshot, status: GroupStatus) -> Recorded | None:
    statements = snapshot.book.statements
    found = [statements[m] for m in status.group.members if m in statements]
    return snapshot.record(max(found).seq) if found else None


def group_json(snapshot: Snapshot, status: GroupStatus) -> Json:
    statement = latest_statement(snapshot, status)
    return {
        "group": status.group.label,
        "members": list(status.group.members),
        "shares": status.shares,
        "derivative_shares": status.derivatives,
        "percent": format_percent(status.percent) if status.percent is not None else None,
        "limit": limit_json(status.limit),
        "status": status.status,
        "headroom_shares": status.headroom,
        "acquiring_person_intervals": [
            {"from": day_text(start), "to": day_text(end)} for start, end in status.intervals
        ],
        "flags": list(status.flags),
        "reported": stated_percent(snapshot, statement) if statement else None,
    }


def status_json(snapshot: Snapshot, known_at: str | None) -> Json:
    terms = snapshot.terms
    book = snapshot.book
    report = snapshot.record(book.report)
    redemption = snapshot.life.redemption
    sad = snapshot.life.sad
    distribution = snapshot.life.distribution_date(terms)
    snapshot.records([*book.adjustments, *(r.seq for r in book.reconciliations)])
    return {
        "issuer": snapshot.issuer,
        "as_of": snapshot.as_of.isoformat(),
        "known_at": known_at,
        "plan": {
            "in_force": snapshot.in_force,
            "adopted_on": day_text(terms.adopted_on),
            "threshold": terms.threshold_text if terms.adopted else None,
            "threshold_test": terms.threshold_test if terms.adopted else None,
            "rights_agent": terms.rights_agent,
            "expires_on": day_text(terms.expires_on),
            "amendments": list(terms.amendments),
            "security": terms.security or None,
            "derivatives_counted": terms.derivatives if terms.adopted else None,
            "redeemed_on": day_text(redemption.date) if redemption else None,
        },
        "shares_outstanding": snapshot.outstanding,
        "shares_outstanding_basis": {
            "reported": report.event.shares if report else None,  # type: ignore[union-attr]
            "reported_on": day_text(report.event.effective_date) if report else None,
            "source": report.event.source if report else None,
            "adjustments": [record_ref(snapshot.record(s)) for s in book.adjustments],
        },
        "groups": [group_json(snapshot, g) for g in snapshot.listed()],
        "acquiring_persons": list(snapshot.acquiring_persons),
        "stock_acquisition_date": day_text(sad.date) if sad else None,
        "distribution_date": day_text(distribution),
        "distribution_date_reached": distribution is not None and distribution <= snapshot.as_of,
        "flags": [*snapshot.life.flags, *capital_flags(snapshot)],
        "reconciliation_breaks": [
            reconciliation_json(snapshot, r) for r in book.reconciliations if r.is_new_break
        ],
        "unexplained_changes": unexplained(snapshot),
        "inconsistencies": below_zero(book),
    }


def below_zero(book: Book) -> list[Json]:
    """Each account of the plan's class below zero in the replay: the log holds an event that
    takes more than the account had (however it got there: the append refuses one). Shown, never
    a silent negative holding; `owl ownership` names the event that took it there."""
    found = []
    for holder in sorted(book.holdings):
        natures = sorted({n for h, n in book.indirect if h == holder})
        for nature in ("", *natures):
            shares = book.account(holder, nature)
            if shares < 0:
                found.append({"holder": holder, "nature": nature or None, "shares": shares})
    return found


def unexplained(snapshot: Snapshot, holders: frozenset[str] | None = None) -> list[Json]:
    """The adopted (or opening) statements that moved a position the ledger could not explain."""
    return [
        reconciliation_json(snapshot, r)
        for r in snapshot.book.reconciliations
        if (r.adopted or r.opening) and r.difference and (holders is None or r.holder in holders)
    ]


def reconciliation_json(snapshot: Snapshot, r: Reconciliation) -> Json:
    body: Json = {
        "date": r.date.isoformat(),
        "holder": r.holder,
        "reported": r.reported,
        "computed": r.computed,
        "difference": r.difference,
        "event": record_ref(snapshot.record(r.seq)),
    }
    if r.nature:
        body["nature"] = r.nature
    if r.series:
        body["series"] = r.series
    if r.opening:
        body["opening"] = True
    return body


def capital_flags(snapshot: Snapshot) -> list[str]:
    """`holdings_exceed_outstanding`: the holders of the plan's class hold more shares in all
    than the shares outstanding (a count reported late or wrong, or trades missing): every
    percent of the day is then suspect."""
    out = snapshot.outstanding
    held = sum(v for v in snapshot.book.holdings.values() if v > 0)
    return ["holdings_exceed_outstanding"] if out is not None and held > out else []


def open_breaks(snapshot: Snapshot, holders: frozenset[str] | None = None) -> list[Json]:
    """Each account whose last report differs from the ledger, since the report that began it."""
    book = snapshot.book
    found = [
        (account, difference, since)
        for account, (difference, since) in sorted(book.differences.items())
        if holders is None or account[0] in holders
    ]
    records = snapshot.records(since for _, _, since in found)
    out = []
    for (holder, nature, series), difference, since in found:
        body: Json = {"holder": holder, "difference": difference}
        if nature:
            body["nature"] = nature
        if series:
            body["series"] = series
        body["since"] = record_ref(records.get(since))
        out.append(body)
    return out


def listed(snapshot: Snapshot) -> list[GroupStatus]:
    return snapshot.listed()
