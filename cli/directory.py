"""What the ledger knows about: `owl issuers` and `owl holders`."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import click

from owl.cli.common import (
    Day,
    Settings,
    format_option,
    issuer_option,
    known_at_option,
    open_ledger,
)
from owl.cli.output import emit_csv, emit_json, emit_lines
from owl.cli.render import n, pct
from owl.cli.tables import render_table

ISSUER_COLUMNS = (
    "issuer",
    "cik",
    "ticker",
    "name",
    "events",
    "holders",
    "first_date",
    "last_date",
    "last_recorded_at",
)
HOLDER_COLUMNS = ("holder", "shares", "percent", "group", "first_date", "last_date", "changes")


@click.command()
@format_option("table", "json", "csv")
@click.pass_obj
def issuers(settings: Settings, fmt: str) -> None:
    """List the issuers in the ledger: key, CIK, ticker and name (when a filing gave them),
    events recorded, holders holding shares now, and the first and last dates their events
    touch.

    The key is what --issuer takes (a CIK or ticker a filing gave works too).

    \b
    Examples:
      owl issuers
      owl issuers --format csv > issuers.csv
    """
    body = open_ledger(settings).directory()
    rows = [tuple(i[c] for c in ISSUER_COLUMNS) for i in body["issuers"]]
    if fmt == "json":
        emit_json(body)
    elif fmt == "csv":
        emit_csv(ISSUER_COLUMNS, rows)
    elif not rows:
        click.echo("No issuers: the ledger is empty (owl ingest adds events).")
    else:
        shown = [tuple("-" if v is None else f"{v:,}" if isinstance(v, int) else v for v in row)
                 for row in rows]  # fmt: skip
        emit_lines(render_table(ISSUER_COLUMNS, shown, right=[4, 5]))


@click.command()
@issuer_option
@click.option(
    "--as-of", type=Day(), default=None, help="The date, YYYY-MM-DD (default: its last event's)."
)
@known_at_option
@click.option(
    "--security",
    default=None,
    metavar="CLASS",
    help="The class of stock, as for owl ownership (default: the class the plan covers).",
)
@format_option("table", "json", "csv")
@click.pass_obj
def holders(
    settings: Settings,
    issuer: str,
    as_of: date | None,
    known_at: datetime | None,
    security: str | None,
    fmt: str,
) -> None:
    """List the holders of an issuer on a date: every holder whose position changed by then,
    with the shares held on the date (0: a former holder), percent, group, the first and last
    dates its position changed and how many events changed it.

    The names are the ones --person, --holder and --group take. Voided events do not count;
    stock splits change every position and are not counted as a holder's changes.

    \b
    Examples:
      owl holders --issuer INOC
      owl holders --issuer INOC --as-of 2003-11-24 --format csv > holders.csv
    """
    body = open_ledger(settings).holders(issuer, as_of, known_at, security)
    if fmt == "json":
        emit_json(body)
        return
    rows = [tuple(h[c] for c in HOLDER_COLUMNS) for h in body["holders"]]
    if fmt == "csv":
        emit_csv(HOLDER_COLUMNS, rows)
        return
    emit_lines(holder_lines(body))


def holder_lines(body: dict[str, Any]) -> list[str]:
    security = f" {body['security']}" if body.get("security") else ""
    out = [
        f"{body['issuer']}{security} holders as of {body['as_of']} (known at {body['known_at']}); "
        f"shares outstanding {n(body['shares_outstanding'])}",
        "",
    ]
    if not body["holders"]:
        return [*out, "No holders."]
    rows = [
        (
            h["holder"],
            n(h["shares"]),
            pct(h["percent"]),
            h["group"] or "-",
            h["first_date"] or "-",
            h["last_date"] or "-",
            str(h["changes"]),
        )
        for h in body["holders"]
    ]
    return [*out, *render_table(HOLDER_COLUMNS, rows, right=[1, 2, 6])]
