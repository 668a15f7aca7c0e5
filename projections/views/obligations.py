"""The obligations view: `owl obligations --format json`, and the words the other formats use.

Each obligation names the form owed, the group, the date it arose and the event that created it
(or the date alone, when a right becoming exercisable made the crossing), the due date and how it
is counted, its status, and the filing that met it. `cannot_know` says what the ledger cannot
know; `not_owed` the crossings that owed nothing (over 5% only through a fall in shares
outstanding, with no acquisition after it).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from owl.ledger.log import Recorded
from owl.projections.domain.filings import Filing
from owl.projections.domain.numbers import format_percent, percent
from owl.projections.domain.obligations import (
    NEW_13G_DEADLINES,
    NEW_DEADLINES,
    Found,
    Kind,
    NotOwed,
    Obligation,
    Unknown,
)
from owl.projections.views.report import record_ref
from owl.projections.views.shapes import Json

FORM_NAMES: dict[Kind, str] = {
    "schedule_13d": "Schedule 13D",
    "schedule_13g": "Schedule 13G",
    "schedule_13d_amendment": "Schedule 13D amendment",
    "schedule_13d_after_13g": "Schedule 13D (a 13G filer's control intent)",
    "form_3": "Form 3",
    "form_4": "Form 4",
}
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


def _holding(held: int | None, base: int | None) -> Json | None:
    if held is None or not base:
        return None
    return {"shares": held, "of": base, "percent": format_percent(percent(held, base))}


def _obligation(o: Obligation, records: Mapping[int, Recorded]) -> Json:
    body: Json = {
        "kind": o.kind,
        "form": FORM_NAMES[o.kind],
        "group": o.group,
        "members": list(o.members),
        "arose_on": o.arose_on.isoformat(),
        "cause": _ref(records, o.cause),
        "trigger": trigger(o),
        "holding": _holding(o.held, o.base),
        "due": o.due.isoformat() if o.due else None,
        "deadline": deadline(o.kind, o.arose_on, o.filing.rule if o.filing else None),
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


def deadline(kind: Kind, arose: date, rule: str | None = None) -> str:
    """How the due date is counted, in words."""
    new = arose >= NEW_DEADLINES
    if kind == "schedule_13g":
        later = arose >= NEW_13G_DEADLINES
        if rule == "13d-1(c)":
            if later:
                return "5 SEC business days after the acquisition (Rule 13d-1(c))"
            return "10 days after the acquisition (Rule 13d-1(c))"
        period = "calendar quarter" if later else "calendar year"
        return f"45 days after the end of the {period} of the acquisition (Rule {rule})"
    if kind == "schedule_13d":
        if new:
            return "5 SEC business days after the acquisition"
        return "10 days after the acquisition (a weekend or holiday rolls to the next business day)"
    if kind == "schedule_13d_amendment":
        if new:
            return "2 SEC business days after the material change"
        return "promptly after the material change (no fixed number of days before 2024-02-05)"
    if kind == "schedule_13d_after_13g":
        if new:
            return "5 SEC business days after the control intent"
        return "10 days after the control intent (a weekend or holiday rolls forward)"
    if kind == "form_3":
        return "10 days after becoming a 10% owner (a weekend or holiday rolls forward)"
    return "before the end of the second SEC business day after the transaction"


def trigger(o: Obligation) -> str:
    """What created the obligation, in words."""
    held = _pct(o.held, o.base)
    if o.kind in ("schedule_13d", "schedule_13g"):
        return f"more than 5% of the class ({held}, Rule 13d-3)"
    if o.kind == "schedule_13d_amendment":
        assert o.since is not None and o.held is not None and o.base
        moved = o.held - o.since[1]
        return (
            f"a material change: {moved:+,} shares ({format_percent(percent(abs(moved), o.base))}"
            f"% of the class) since its position of {o.since[0]} ({o.since[1]:,} shares)"
        )
    if o.kind == "schedule_13d_after_13g":
        return f"a control intent declared while filing on Schedule 13G ({held})"
    if o.kind == "form_3" and any(n.startswith("became:") for n in o.notes):
        role = next(n for n in o.notes if n.startswith("became:")).partition(":")[2]
        return f"became {'a ' if role in ('director', 'officer') else ''}{role} of the issuer"
    if o.kind == "form_3":
        return f"more than 10% of the class ({held}): a 10% owner under Section 16"
    return "a transaction by a 10% owner (over 10% at the end of the previous date)"


def _pct(held: int | None, base: int | None) -> str:
    if held is None or not base:
        return "-"
    return f"{held:,} of {base:,} shares, {format_percent(percent(held, base))}%"


_NOTES = {
    "already_reporting": "a Form 3 filed before the crossing: already reporting under Section 16",
    "group_formed": "a group formed by holders over 5% between them: it acquired its members' "
    "shares on the day it formed (Rule 13d-5(b)(1))",
    "filed_on_not_stated": "the filing date is not on record (a bare XML form; owl ingest "
    "--filed-on gives it): whether it was on time cannot be said",
    "first_known_position": "no Schedule 13D on record: measured from the first position the "
    "ledger knows",
}


def note_text(note: str) -> str:
    code, _, value = note.partition(":")
    if code == "became":
        return "a director or officer owes a Form 3 within 10 days of becoming one (Rule 16a-3(a))"
    if code == "rule":
        return f"a Schedule 13G filed under Rule {value}: held to that rule's deadline"
    if code == "passive_since":
        return (
            f"over 5% since {value} only through a fall in shares outstanding; owed from this "
            "acquisition"
        )
    return _NOTES[code]


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


def _forms(kinds: Iterable[Kind]) -> str:
    names = [FORM_NAMES[k] for k in kinds]
    return " and the ".join(names)


def unknown_text(u: Unknown) -> str:
    held = _pct(u.held, u.base)
    levels = " and ".join(u.levels)
    if u.kind == "crossed_before_first_record":
        return (
            f"{u.group} was already above {levels} when the ledger first learned of its holding "
            f"({held} on {u.date}, from a report taken as the position): when it crossed, and "
            f"whether it filed the {_forms(u.owed)} owed then, the ledger cannot know"
        )
    if u.kind == "crossed_unitemized":
        return (
            f"{u.group} went above {levels} by {u.date} with no trades on record (a report taken "
            f"as the position: {held}): the date it crossed, and whether it filed the "
            f"{_forms(u.owed)} owed then, the ledger cannot know"
        )
    moved = u.held - u.before
    owed = []
    if "schedule_13d_amendment" in u.owed:
        owed.append("a Schedule 13D amendment once the change reached 1% of the class")
    if "form_4" in u.owed:
        owed.append("a Form 4 for each trade (it was a 10% owner)")
    return (
        f"{u.group}'s holding moved {moved:+,} shares "
        f"({format_percent(percent(abs(moved), u.base))}% of the class) to {held} by {u.date}, "
        "known only from a report taken as the position, with no trades on record: "
        f"{' and '.join(owed)} were owed on dates the ledger does not know, and whether they "
        "were filed it cannot know"
    )


def _not_owed(n: NotOwed, records: Mapping[int, Recorded]) -> Json:
    return {
        "group": n.group,
        "members": list(n.members),
        "date": n.date.isoformat(),
        "holding": _holding(n.held, n.base),
        "text": (
            f"{n.group} went above 5% on {n.date} only through a fall in shares outstanding "
            f"({_pct(n.held, n.base)}): it acquired nothing, so no Schedule 13D is owed until "
            "it acquires more while over 5%"
        ),
        "event": _ref(records, n.cause),
    }
