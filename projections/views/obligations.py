"""The obligations view: `owl obligations --format json`, and the words the other formats use.

Each obligation names the form owed, the group, the date it arose and the event that created it
(or the date alone, when a right becoming exercisable made the crossing), the due date and how it
is counted, its status, and the filing that met it. `cannot_know` says what the ledger cannot
know; `not_owed` the crossings that owed nothing (over 5% only through a fall in shares
outstanding, with no acquisition after it).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from owl.ledger.log import Recorded
from owl.ledger.shares import Amount
from owl.projections.domain.duties import (
    Found,
    NotOwed,
    Obligation,
    Unknown,
)
from owl.projections.domain.filings import Filing
from owl.projections.domain.numbers import format_percent, percent
from owl.projections.views.duty_words import (
    FORM_NAMES,
    deadline,
    not_owed_text,
    note_text,
    trigger,
    unknown_text,
)
from owl.projections.views.report import record_ref
from owl.projections.views.shapes import Json

STATUSES = ("met", "late", "missing", "pending", "owed", "filed", "filed_date_unknown")


def seqs_named(found: Found) -> set[int]:
    """The events the view shows: causes, filings, acquisitions in a cooling-off period."""
    wanted: set[int] = set()
    for o in found.obligations:
        if o.cause is not None:
            wanted.add(o.cause)
        if o.filing is not None:
            wanted.add(o.filing.seq)
        if o.cooling_off is not None:
            wanted.update(seq for _, seq in o.cooling_off[2] if seq is not None)
    wanted.update(u.cause for u in found.unknown if u.cause is not None)
    wanted.update(n.cause for n in found.not_owed if n.cause is not None)
    return wanted


def obligations_json(
    found: Found,
    issuer: str,
    as_of: date,
    known_at: str | None,
    person: str | None,
    records: Mapping[int, Recorded],
) -> Json:
    counts = {status: 0 for status in STATUSES}
    for o in found.obligations:
        counts[o.status] += 1
    return {
        "issuer": issuer,
        "as_of": as_of.isoformat(),
        "known_at": known_at,
        "person": person,
        "filings_on_record": found.filings,
        "summary": counts,
        "obligations": [_obligation(o, records) for o in found.obligations],
        "cannot_know": [_unknown(u, records) for u in found.unknown],
        "not_owed": [_not_owed(n, records) for n in found.not_owed],
    }


def _ref(records: Mapping[int, Recorded], seq: int | None) -> Json | None:
    return record_ref(records.get(seq)) if seq is not None else None


def _holding(held: Amount | None, base: Amount | None) -> Json | None:
    if held is None or not base:
        return None
    return {"shares": held, "of": base, "percent": format_percent(percent(held, base))}


def _obligation(o: Obligation, records: Mapping[int, Recorded]) -> Json:
    body: Json = {
        "kind": o.kind,
        "form": "Schedule 13D (a 13G filer at 20%)"
        if o.rule == "Rule 13d-1(f)"
        else FORM_NAMES[o.kind],
        "security": o.security,
        "group": o.group,
        "members": list(o.members),
        "arose_on": o.arose_on.isoformat(),
        "cause": _ref(records, o.cause),
        "trigger": trigger(o),
        "holding": _holding(o.held, o.base),
        "rule": o.rule,
        "due": o.due.isoformat() if o.due else None,
        "deadline": deadline(o),
        "status": o.status,
        "days_late": o.days_late,
        "filing": _filing(o.filing, records),
        "notes": [note_text(n) for n in o.notes],
    }
    if o.since is not None:
        body["since"] = {"date": o.since[0].isoformat(), "shares": o.since[1]}
    if o.cooling_off is not None:
        start, until, bought = o.cooling_off
        body["cooling_off"] = {
            "from": start.isoformat(),
            "until": until.isoformat() if until else None,
            "acquisitions": [
                {"date": day.isoformat(), "event": _ref(records, seq)} for day, seq in bought
            ],
        }
    return body


def _filing(f: Filing | None, records: Mapping[int, Recorded]) -> Json | None:
    if f is None:
        return None
    return {
        "form": f.form,
        "filed_on": f.filed_on.isoformat(),
        "filed_on_stated": f.filed_on_stated,
        "accession": None if f.key.startswith("seq:") else f.key,
        "event": _ref(records, f.seq),
    }


def _unknown(u: Unknown, records: Mapping[int, Recorded]) -> Json:
    return {
        "kind": u.kind,
        "group": u.group,
        "members": list(u.members),
        "date": u.date.isoformat(),
        "owed": [FORM_NAMES[k] for k in u.owed],
        "holding": _holding(u.held, u.base),
        "text": unknown_text(u),
        "event": _ref(records, u.cause),
    }


def _not_owed(n: NotOwed, records: Mapping[int, Recorded]) -> Json:
    return {
        "group": n.group,
        "members": list(n.members),
        "date": n.date.isoformat(),
        "holding": _holding(n.held, n.base),
        "kind": n.kind,
        "text": not_owed_text(n),
        "event": _ref(records, n.cause),
    }
