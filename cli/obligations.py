"""`owl obligations`: the securities-law filings owed, their due dates and whether they were met."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import click

from owl.cli.common import Day, Settings, format_option, issuer_option, known_at_option, open_ledger
from owl.cli.output import emit_csv, emit_json, emit_lines
from owl.cli.tables import render_table

HEADERS = ("arose", "group", "owed", "rule", "cause", "due", "status", "filing")
CSV_HEADERS = (
    "kind",
    "form",
    "group",
    "members",
    "arose_on",
    "cause_seq",
    "cause_type",
    "rule",
    "due",
    "status",
    "days_late",
    "filing_form",
    "filing_filed_on",
    "filing_accession",
)


@click.command()
@issuer_option
@click.option("--person", metavar="PERSON", help="Only what concerns this person or group label.")
@click.option(
    "--as-of",
    type=Day(),
    default=None,
    help="Judge each obligation as of this date, YYYY-MM-DD (default: today): filings made "
    "after it do not count yet.",
)
@known_at_option
@format_option("table", "json", "csv")
@click.pass_obj
def obligations(
    settings: Settings,
    issuer: str,
    person: str | None,
    as_of: date | None,
    known_at: datetime | None,
    fmt: str,
) -> None:
    """Who had to file what under the securities laws, by when, and did they.

    Schedule 13D on crossing above 5% of a class (Rule 13d-3 counts, rights exercisable within
    60 days included): due 10 days after the acquisition before 2024-02-05 (a weekend or
    holiday rolls forward), 5 SEC business days from then; an amendment on each change of 1% of
    the class since the last filing (2 SEC business days; "promptly" before 2024-02-05); a
    Schedule 13D after a Schedule 13G when a control intent is declared. Section 16: a Form 3
    within 10 days of crossing above 10%, a Form 4 by the end of the second SEC business day
    after each later transaction. Each obligation names the event that created it, its due
    date, and the filing that met it (a reported holding or imported filing of the form), or
    says late (by how many days), missing, pending (not yet due) or owed (no fixed date).
    What the ledger cannot know (a holding it first learned of from a report) is said, not
    guessed.

    \b
    Examples:
      owl obligations --issuer INOC
      owl obligations --issuer INOC --person "IPOF Group" --as-of 2003-12-31
      owl obligations --issuer INOC --format csv > obligations.csv
    """
    body = open_ledger(settings).obligations(issuer, person, as_of, known_at)
    if fmt == "json":
        emit_json(body)
    elif fmt == "csv":
        emit_csv(CSV_HEADERS, csv_rows(body))
    else:
        emit_lines(table_lines(body))


def _cause(o: dict[str, Any]) -> str:
    cause = o["cause"]
    if cause is None:
        return f"(the date {o['arose_on']})"
    return f"{cause['type']} #{cause['seq']}"


def _status(o: dict[str, Any]) -> str:
    if o["status"] == "late":
        days = o["days_late"]
        return f"late by {days} day{'s' if days != 1 else ''}"
    if o["status"] == "filed_date_unknown":
        return "filed, date unknown"
    return str(o["status"])


def _filing(o: dict[str, Any]) -> str:
    f = o["filing"]
    if f is None:
        return "-"
    stated = "" if f["filed_on_stated"] else " (date not on record)"
    return f"{f['form']} filed {f['filed_on']}{stated}"


def table_lines(body: dict[str, Any]) -> list[str]:
    whose = f" ({body['person']})" if body["person"] else ""
    lines = [
        f"{body['issuer']}{whose}: filing obligations as of {body['as_of']} "
        f"(known at {body['known_at']})"
    ]
    rows = [
        (
            o["arose_on"],
            o["group"],
            o["form"] + (f" ({o['security']})" if o["security"] else ""),
            o["rule"].removeprefix("Rule "),
            _cause(o),
            o["due"] or "promptly",
            _status(o),
            _filing(o),
        )
        for o in body["obligations"]
    ]
    if rows:
        lines += ["", *render_table(HEADERS, rows)]
    else:
        lines += ["", "No obligation the ledger can date."]
    notes = [
        f"  {o['arose_on']} {o['group']}, {o['form']}: {note}"
        for o in body["obligations"]
        for note in o["notes"]
    ]
    if notes:
        lines += ["", "Notes:", *notes]
    if body["cannot_know"]:
        lines += ["", "What the ledger cannot know:"]
        lines += [f"  {u['date']} {u['text']}." for u in body["cannot_know"]]
    if body["not_owed"]:
        lines += ["", "Crossings that owed nothing:"]
        lines += [f"  {n['date']} {n['text']}." for n in body["not_owed"]]
    count = body["filings_on_record"]
    lines += [
        "",
        f"'missing' means no filing of that form on record by {body['as_of']}: the ledger "
        f"knows only the filings it was given ({count} on record).",
    ]
    return lines


def csv_rows(body: dict[str, Any]) -> list[list[Any]]:
    """One row per obligation; what the ledger cannot know, and crossings that owed nothing, as
    rows with status `cannot_know` and `not_owed`."""
    out = []
    for o in body["obligations"]:
        f = o["filing"] or {}
        filing = (f.get("form", ""), f.get("filed_on", ""), f.get("accession") or "")
        late = o["days_late"] if o["days_late"] is not None else ""
        due = o["due"] or ""
        row = _row(
            o["kind"], o["form"], o, o["arose_on"], o["cause"], o["rule"], due, o["status"], late
        )
        out.append([*row[:-3], *filing])
    for u in body["cannot_know"]:
        owed = "; ".join(u["owed"])
        out.append(_row(u["kind"], owed, u, u["date"], u["event"], "", "", "cannot_know"))
    for n in body["not_owed"]:
        kind, form = (
            ("passive_crossing", "Schedule 13D")
            if n["kind"] == "dilution"
            else ("qualified_institution", "Forms 3 and 4")
        )
        out.append(_row(kind, form, n, n["date"], n["event"], "", "", "not_owed"))
    return out


def _row(
    kind: str,
    form: str,
    item: dict[str, Any],
    day: str,
    cause: dict[str, Any] | None,
    *rest: Any,
) -> list[Any]:
    rest = rest + ("",) * (len(CSV_HEADERS) - 7 - len(rest))
    event = cause or {}
    members = ";".join(item["members"])
    return [kind, form, item["group"], members, day, event.get("seq", ""), event.get("type", ""),
            *rest]  # fmt: skip
