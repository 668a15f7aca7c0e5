"""The `owl` command group: the --db option, the version, and the translation of ledger errors.

Every `LedgerError` a command raises becomes `Error: <message>` on stderr with exit status 1;
usage errors (bad options, bad timestamps) exit 2 as click does. Anything else is a bug and shows
its traceback.
"""

from __future__ import annotations

from typing import Any

import click

from cli.chart import chart
from cli.common import Settings
from cli.htmlreport import report
from cli.ingest import ingest
from cli.logcmds import init, log, rebuild, verify
from cli.obligations import obligations
from cli.query import explain, ownership, reconcile, status, timeline
from ledger.errors import LedgerError


class OwlGroup(click.Group):
    """A click group whose commands' `LedgerError`s become click errors (exit 1, no traceback)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except LedgerError as exc:
            raise click.ClickException(str(exc)) from exc


@click.group(name="owl", cls=OwlGroup)
@click.option(
    "--db",
    metavar="URL",
    envvar="OWL_DB",
    default="sqlite:///owl.db",
    show_default=True,
    show_envvar=True,
    help="The ledger's database: a SQLite file or postgresql+psycopg://user@host/dbname.",
)
@click.version_option(package_name="owl-ledger", prog_name="owl")
@click.pass_context
def cli(ctx: click.Context, db: str) -> None:
    """owl: an append-only, hash-chained ownership ledger.

    Events go in with `owl ingest`; `owl status`, `owl ownership`, `owl timeline` and
    `owl explain` answer "who owned how much, and had anyone tripped the rights plan?" for any
    date, as known at any time; `owl obligations` says who had to file what with the SEC, by
    when, and whether they did; `owl log` shows the events as recorded and `owl verify` proves
    the log is unchanged.

    \b
    Examples:
      owl init
      owl ingest trades.csv filings.jsonl
      owl status --issuer INOC --as-of 2003-11-24
      owl --db postgresql+psycopg://owl@db.example/owl verify
    """
    ctx.obj = Settings(db=db)


for _command in (
    init,
    ingest,
    log,
    verify,
    rebuild,
    ownership,
    status,
    timeline,
    explain,
    reconcile,
    obligations,
    chart,
    report,
):
    cli.add_command(_command)
