"""The words of the obligations view: each form's name, how a due date is counted, what created
an obligation, its notes, and what the ledger cannot know or found owed nothing."""

from __future__ import annotations

from collections.abc import Iterable

from owl.ledger.shares import Amount
from owl.projections.domain.duties import (
    NEW_13G_DEADLINES,
    NEW_DEADLINES,
    Kind,
    NotOwed,
    Obligation,
    Unknown,
)
from owl.projections.domain.numbers import format_percent, magnitude, percent

FORM_NAMES: dict[Kind, str] = {
    "schedule_13d": "Schedule 13D",
    "schedule_13g": "Schedule 13G",
    "schedule_13d_amendment": "Schedule 13D amendment",
    "schedule_13d_after_13g": "Schedule 13D (a 13G filer's control intent)",
    "schedule_13g_amendment": "Schedule 13G amendment",
    "form_3": "Form 3",
    "form_4": "Form 4",
    "form_5": "Form 5",
}


def deadline(o: Obligation) -> str:
    """How the due date is counted, in words."""
    kind, arose = o.kind, o.arose_on
    rule = o.filing.rule if o.filing else None
    new = arose >= NEW_DEADLINES
    later = arose >= NEW_13G_DEADLINES
    if o.rule == "Rule 13d-1(b)(2)":
        days = "5 SEC business days" if later else "10 days"
        return f"{days} after the end of the first month at whose end it held more than 10%"
    if kind == "schedule_13g_amendment":
        return _13g_amendment_deadline(o.rule, later)
    if kind == "schedule_13g":
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
        what = "coming to hold 20% or more" if o.rule == "Rule 13d-1(f)" else "the control intent"
        if new:
            return f"5 SEC business days after {what}"
        return f"10 days after {what} (a weekend or holiday rolls forward)"
    if kind == "form_3":
        return "10 days after becoming a 10% owner (a weekend or holiday rolls forward)"
    if kind == "form_5":
        return (
            "45 days after the end of the issuer's fiscal year (a weekend or holiday rolls forward)"
        )
    return "before the end of the second SEC business day after the transaction"


def _13g_amendment_deadline(rule: str, later: bool) -> str:
    if rule == "Rule 13d-2(b)":
        period = "calendar quarter" if later else "calendar year"
        return f"45 days after the end of the {period} (a weekend or holiday rolls forward)"
    if rule == "Rule 13d-2(c)":
        days = "5 SEC business days" if later else "10 days"
        return f"{days} after the end of the month"
    if later:
        return "2 SEC business days after the change"
    return "promptly after the change (no fixed number of days before 2024-09-30)"


def trigger(o: Obligation) -> str:
    """What created the obligation, in words."""
    held = _pct(o.held, o.base)
    if o.kind in ("schedule_13d", "schedule_13g"):
        return f"more than 5% of the class ({held}, Rule 13d-3)"
    if o.kind == "schedule_13d_amendment":
        assert o.since is not None and o.held is not None and o.base
        moved = o.held - o.since[1]
        return (
            f"a material change: {moved:+,} shares ({_of(magnitude(moved), o.base)}"
            f"% of the class) since its position of {o.since[0]} ({o.since[1]:,} shares)"
        )
    if o.kind == "schedule_13d_after_13g" and o.rule == "Rule 13d-1(f)":
        return (
            f"20% or more of the class while filing on Schedule 13G as a passive investor ({held})"
        )
    if o.kind == "schedule_13d_after_13g":
        return f"a control intent declared while filing on Schedule 13G ({held})"
    if o.kind == "schedule_13g_amendment":
        assert o.since is not None and o.held is not None and o.base
        moved = o.held - o.since[1]
        change = f"{moved:+,} shares ({_of(magnitude(moved), o.base)}% of the class)"
        since = f"since its Schedule 13G reporting {o.since[0]} ({o.since[1]:,} shares)"
        if "over_ten" in o.notes:
            return f"more than 10% of the class ({held}), {since}"
        if "moved_five" in o.notes:
            return f"a change of more than 5% of the class: {change} {since}"
        return f"its holding at the period's end ({held}) changed {change} {since}"
    if o.kind == "form_3" and any(n.startswith("became:") for n in o.notes):
        role = next(n for n in o.notes if n.startswith("became:")).partition(":")[2]
        return f"became {'a ' if role in ('director', 'officer') else ''}{role} of the issuer"
    if o.kind == "form_3":
        return f"more than 10% of the class ({held}): a 10% owner under Section 16"
    if o.kind == "form_5":
        items = [n for n in o.notes if n.startswith("item:")]
        return (
            f"{len(items)} transaction{'s' if len(items) != 1 else ''} in the fiscal year ending "
            f"{o.arose_on} to report on Form 5"
        )
    return "a transaction by a 10% owner (over 10% at the end of the previous date)"


def _of(held: Amount, base: Amount) -> str:
    return format_percent(percent(held, base))


def _pct(held: Amount | None, base: Amount | None) -> str:
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
    "period_end": "compared in shares with the previous filing, so a change in shares outstanding "
    "alone owes nothing",
    "over_ten": "more than 10% of the class",
    "class_voting_assumed": "whether this class votes is not on record: assumed to (a "
    "SecurityClassReported event says otherwise; Section 13(d) reaches only voting classes)",
    "passive_crossing": "over 5% only through a fall in shares outstanding, and still over 5% at "
    "the period's end: an exempt investor's Schedule 13G (Rule 13d-1(d))",
    "fiscal_year_end_assumed": "the issuer's fiscal year end is not on record: 31 December "
    "assumed (a FiscalYearEndReported event gives it)",
    "moved_five": "a change of more than 5% of the class since it last reported",
}


def note_text(note: str) -> str:
    code, _, value = note.partition(":")
    if code == "became":
        return "a director or officer owes a Form 3 within 10 days of becoming one (Rule 16a-3(a))"
    if code == "item":
        seq, _, what = value.partition(":")
        return f"#{seq}: {what}"
    if code == "switch":
        return f"Rule {value}: it may neither vote nor acquire more until 10 days after filing"
    if code == "rule":
        return f"a Schedule 13G filed under Rule {value}: held to that rule's deadline"
    if code == "passive_since":
        return (
            f"over 5% since {value} only through a fall in shares outstanding; owed from this "
            "acquisition"
        )
    return _NOTES[code]


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
    if u.kind == "insider_unknown_since":
        role, source = u.levels
        return (
            f"{u.group} is named {'a ' if role in ('director', 'officer') else ''}{role} of the "
            f"issuer first by {source} (on {u.date}), with no Form 3 of its own before it: "
            "when it became one, and so when its Form 3 was due and whether it was filed, the "
            "ledger cannot know"
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
        f"({_of(magnitude(moved), u.base)}% of the class) to {held} by {u.date}, "
        "known only from a report taken as the position, with no trades on record: "
        f"{' and '.join(owed)} were owed on dates the ledger does not know, and whether they "
        "were filed it cannot know"
    )


def not_owed_text(n: NotOwed) -> str:
    if n.kind == "qualified_institution":
        return (
            f"{n.group} went above 10% on {n.date} ({_pct(n.held, n.base)}) as a qualified "
            "institution filing on Schedule 13G under Rule 13d-1(b) without a control intent: "
            "shares it holds for others in the ordinary course do not make it a 10% owner "
            "(Rule 16a-1(a)(1)), so no Form 3 or Form 4 is owed"
        )
    return (
        f"{n.group} went above 5% on {n.date} only through a fall in shares outstanding "
        f"({_pct(n.held, n.base)}): it acquired nothing, so no Schedule 13D is owed until "
        "it acquires more while over 5% (and a Schedule 13G under Rule 13d-1(d) only if it is "
        "still over 5% at the end of the calendar year, or quarter from 30 September 2024)"
    )
