"""The query commands: `owl ownership`, `owl status`, `owl timeline`, `owl explain`."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, TypeVar

import click

from cli import render
from cli.common import Settings, known_at_option, open_ledger
from cli.safe import cell, printable
from cli.tables import render_table
from projections.api import Ledger

_YMD = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


class Day(click.ParamType):
    """A calendar date written YYYY-MM-DD."""

    name = "date"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, date):
            return value
        try:
            if _YMD.match(value):
                return date.fromisoformat(value)
        except ValueError:
            pass
        self.fail(f"{value!r} is not a date written YYYY-MM-DD", param, ctx)


issuer_option = click.option(
    "--issuer", required=True, metavar="ISSUER", help="Issuer key, e.g. INOC."
)
as_of_option = click.option("--as-of", required=True, type=Day(), help="The date, YYYY-MM-DD.")


FC = TypeVar("FC", bound=Callable[..., Any])


def format_option(*choices: str) -> Callable[[FC], FC]:
    """--format with `choices`, the first being the default (for people); the rest for machines."""
    people, machines = choices[0], " or ".join(choices[1:])
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(list(choices)),
        default=people,
        show_default=True,
        help=f"{people} for people; {machines} for machines.",
    )


def _cell(name: str) -> str:
    """A name as a spreadsheet cell: one that would start a formula is quoted with '."""
    return f"'{name}" if name[:1] in ("=", "+", "-", "@", "\t", "\r") else name


def _ledger(settings: Settings) -> Ledger:
    return open_ledger(settings)


def _json(body: dict[str, Any]) -> None:
    click.echo(printable(json.dumps(body, indent=2, ensure_ascii=False)))


def _lines(lines: list[str]) -> None:
    for line in lines:
        click.echo(cell(line))


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
    body = _ledger(settings).ownership(issuer, as_of, known_at, security)
    if fmt == "json":
        _json(body)
    elif fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["kind", "name", "members", "shares", "percent"])
        for h in body["holders"]:
            name = _cell(h["holder"])
            writer.writerow(["holder", name, name, h["shares"], h["percent"]])
        for g in body["groups"]:
            members = ";".join(_cell(m) for m in g["members"])
            writer.writerow(["group", _cell(g["group"]), members, g["shares"], g["percent"]])
        click.echo(printable(buffer.getvalue()), nl=False)
    else:
        _lines(render.ownership_lines(body))


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
    body = _ledger(settings).status(issuer, as_of, known_at)
    _json(body) if fmt == "json" else _lines(render.status_lines(body))


@click.command()
@issuer_option
@click.option("--person", metavar="PERSON", help="Only changes concerning this person or group.")
@known_at_option
@format_option("table", "json")
@click.pass_obj
def timeline(
    settings: Settings, issuer: str, person: str | None, known_at: datetime | None, fmt: str
) -> None:
    """Every change of status and every 5% / 10% / threshold / cap crossing, dated, with its cause.

    \b
    Examples:
      owl timeline --issuer INOC
      owl timeline --issuer INOC --person "IPOF Fund" --format json
    """
    body = _ledger(settings).timeline(issuer, person, known_at)
    _json(body) if fmt == "json" else _lines(render.timeline_lines(body))


@click.command()
@issuer_option
@click.option("--person", required=True, metavar="PERSON", help="A holder, person or group label.")
@as_of_option
@known_at_option
@format_option("text", "json")
@click.pass_obj
def explain(
    settings: Settings, issuer: str, person: str, as_of: date, known_at: datetime | None, fmt: str
) -> None:
    """Why a person's group has its status on a date: the rule, the limit, and every event behind
    it with its source.

    \b
    Example:
      owl explain --issuer INOC --person "IPOF Fund" --as-of 2003-11-24
    """
    body = _ledger(settings).explain(issuer, person, as_of, known_at)
    _json(body) if fmt == "json" else _lines(render.explain_lines(body))


@click.command()
@issuer_option
@click.option("--holder", metavar="HOLDER", help="Only this holder's (or group label's) breaks.")
@known_at_option
@format_option("table", "json", "csv")
@click.pass_obj
def reconcile(
    settings: Settings, issuer: str, holder: str | None, known_at: datetime | None, fmt: str
) -> None:
    """Each break between a reported holding and the ledger's replay: date, holder, reported,
    computed, difference, the filing and row, and the likely cause when one is evident.

    A constant offset that persists over later reports is one break, named at its first report;
    "open" says whether the holder's latest report still differs by it. Adopted and opening
    reports are not breaks: the ledger took them as the position (ownership lists them).

    \b
    Examples:
      owl reconcile --issuer SNOW
      owl reconcile --issuer SNOW --holder "Scarpelli Michael" --format csv > breaks.csv
    """
    body = _ledger(settings).reconcile(issuer, holder, known_at)
    if fmt == "json":
        _json(body)
        return
    headers = (
        "date",
        "holder",
        "account",
        "kind",
        "reported",
        "computed",
        "difference",
        "open",
        "filing",
        "cause",
    )
    rows = []
    for b in body["breaks"]:
        account = " / ".join(x for x in (b["security"], b["nature"], b["series"]) if x) or "-"
        form = f"Form {b['form']}" if b["form"] else None
        filing = " ".join(x for x in (form, b["accession"], b["row"]) if x) or "-"
        rows.append(
            (
                b["date"],
                b["holder"],
                account,
                b["kind"],
                f"{b['reported']:,}",
                f"{b['computed']:,}",
                f"{b['difference']:+,}",
                "open" if b["open"] else "-",
                filing,
                b["cause"] or "-",
            )
        )
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(headers)
        for row in rows:
            writer.writerow([_cell(c) for c in row])
        click.echo(printable(buffer.getvalue()), nl=False)
        return
    if not rows:
        click.echo(f"No reconciliation breaks for {body['issuer']} (known at {body['known_at']}).")
        return
    click.echo(f"{body['issuer']}: reconciliation breaks (known at {body['known_at']})")
    _lines(render_table(headers, rows, right=[4, 5, 6]))
