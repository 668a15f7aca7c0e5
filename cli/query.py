"""The query commands: `owl ownership`, `owl status`, `owl timeline`, `owl explain`,
`owl reconcile`."""

from __future__ import annotations

from datetime import date, datetime

import click

from owl.cli import render, rows
from owl.cli.common import (
    Settings,
    as_of_option,
    format_option,
    issuer_option,
    known_at_option,
    open_ledger,
)
from owl.cli.output import emit_csv, emit_json, emit_lines


@click.command()
@issuer_option
@as_of_option
@known_at_option
@format_option("table", "json", "csv")
@click.option(
    "--security",
    default=None,
    metavar="CLASS",
    help='The class of stock, as filings name it ("Class A Common Stock"); default: the class '
    "the rights plan covers (the common stock, when no plan names one).",
)
@click.pass_obj
def ownership(
    settings: Settings,
    issuer: str,
    as_of: date,
    known_at: datetime | None,
    fmt: str,
    security: str | None,
) -> None:
    """Holdings per holder and per group on a date, in shares and exact percent: indirect
    holdings (a trust) under their holder, rights to acquire shares and whether the plan and
    Rule 13d-3 count them, positions opened by filings, open reconciliation breaks.

    \b
    Examples:
      owl ownership --issuer INOC --as-of 2003-11-24
      owl ownership --issuer INOC --as-of 2003-11-24 --format csv > inoc.csv
      owl ownership --issuer SNOW --as-of 2022-12-13 --security "Class A Common Stock"
    """
    body = open_ledger(settings).ownership(issuer, as_of, known_at, security)
    if fmt == "json":
        emit_json(body)
    elif fmt == "csv":
        emit_csv(("kind", "name", "members", "shares", "percent"), rows.ownership_rows(body))
    else:
        emit_lines(render.ownership_lines(body))


@click.command()
@issuer_option
@as_of_option
@known_at_option
@format_option("table", "json")
@click.pass_obj
def status(
    settings: Settings, issuer: str, as_of: date, known_at: datetime | None, fmt: str
) -> None:
    """The rights-plan status on a date: plan terms in force, each group's limit and status.

    Lists every group over 5% and every group whose status is not "below", with its exact
    percent of the shares then outstanding, the limit that applies and why, the headroom, and
    any Acquiring Person intervals; then the Stock Acquisition and Distribution Dates.

    \b
    Examples:
      owl status --issuer INOC --as-of 2003-11-24
      owl status --issuer INOC --as-of 2003-11-24 --known-at 2026-01-01 --format json
    """
    body = open_ledger(settings).status(issuer, as_of, known_at)
    emit_json(body) if fmt == "json" else emit_lines(render.status_lines(body))


@click.command()
@issuer_option
@click.option("--person", metavar="PERSON", help="Only changes concerning this person or group.")
@known_at_option
@format_option("table", "json", "csv")
@click.pass_obj
def timeline(
    settings: Settings, issuer: str, person: str | None, known_at: datetime | None, fmt: str
) -> None:
    """Every change of status and every 5% / 10% / threshold / cap crossing, dated, with its cause.

    \b
    Examples:
      owl timeline --issuer INOC
      owl timeline --issuer INOC --person "IPOF Fund" --format json
      owl timeline --issuer INOC --format csv > inoc-timeline.csv
    """
    body = open_ledger(settings).timeline(issuer, person, known_at)
    if fmt == "json":
        emit_json(body)
    elif fmt == "csv":
        headers = ("date", "group", "kind", "change", "from", "to", "seq", "event_id", "source")
        emit_csv(headers, rows.timeline_rows(body))
    else:
        emit_lines(render.timeline_lines(body))


@click.command()
@issuer_option
@click.option("--person", required=True, metavar="PERSON", help="A holder, person or group label.")
@as_of_option
@known_at_option
@format_option("table", "json", aliases={"text": "table"})
@click.pass_obj
def explain(
    settings: Settings, issuer: str, person: str, as_of: date, known_at: datetime | None, fmt: str
) -> None:
    """Why a person's group has its status on a date: the rule, the limit, and every event behind
    it with its source.

    \b
    Examples:
      owl explain --issuer INOC --person "IPOF Fund" --as-of 2003-11-24
      owl explain --issuer INOC --person "IPOF Group" --as-of 2003-11-20 --format json
    """
    body = open_ledger(settings).explain(issuer, person, as_of, known_at)
    emit_json(body) if fmt == "json" else emit_lines(render.explain_lines(body))


@click.command()
@issuer_option
@click.option("--holder", metavar="HOLDER", help="Only this holder's (or group label's) breaks.")
@known_at_option
@click.option(
    "--taken",
    is_flag=True,
    help="Also list the reports the ledger took as the position where it computed another "
    "(adopted and opening reports).",
)
@format_option("table", "json", "csv")
@click.pass_obj
def reconcile(
    settings: Settings,
    issuer: str,
    holder: str | None,
    known_at: datetime | None,
    taken: bool,
    fmt: str,
) -> None:
    """Each break between a reported holding and the ledger's replay: date, holder, reported,
    computed, difference, the filing and row, and the likely cause when one is evident.

    A constant offset that persists over later reports is one break, named at its first report;
    "open" says whether the holder's latest report still differs by it. Every break names a
    cause ("unexplained" when none is evident). Adopted and opening reports are not breaks: the
    ledger took them as the position (ownership lists them; --taken lists them here too).

    \b
    Examples:
      owl reconcile --issuer SNOW
      owl reconcile --issuer SNOW --holder "Scarpelli Michael" --format csv > breaks.csv
      owl reconcile --issuer SNOW --taken
    """
    body = open_ledger(settings).reconcile(issuer, holder, known_at, taken)
    if fmt == "json":
        emit_json(body)
    elif fmt == "csv":
        emit_csv(rows.RECONCILE_HEADERS, rows.reconcile_rows(body))
    else:
        emit_lines(render.reconcile_lines(body))
