"""The `owl` command group: the --db option, the version, and the translation of ledger errors.

Every `LedgerError` a command raises becomes `Error: <message>` on stderr with exit status 1;
usage errors (bad options, bad timestamps) exit 2 as click does. Anything else is a bug and shows
its traceback. A reader that stops reading (`owl log | head`) is not an error: the command stops
quietly with exit status 0. `-h` is `--help`, and `--db` works before or after the command.
"""

from __future__ import annotations

import logging
import os
import sys
from typing import Any

import click

from owl.cli.chart import chart
from owl.cli.common import DB_HELP, Settings, as_url, db_after_option
from owl.cli.directory import holders, issuers
from owl.cli.follow import follow
from owl.cli.htmlreport import report
from owl.cli.ingest import ingest
from owl.cli.logcmds import init, log, rebuild, verify
from owl.cli.obligations import obligations
from owl.cli.query import explain, ownership, reconcile, status, timeline
from owl.cli.safe import printable
from owl.cli.serve import serve
from owl.ledger.errors import LedgerError

# The drivers' own log records (SQLAlchemy's pool, psycopg) never reach the terminal: with no
# handler, Python's last-resort handler would print them, tracebacks and all, on stderr, beside
# owl's own `Error:` line. What went wrong reaches the user as that one line.
for _library in ("sqlalchemy", "psycopg"):
    logging.getLogger(_library).addHandler(logging.NullHandler())


class OwlGroup(click.Group):
    """A click group whose commands' `LedgerError`s become click errors (exit 1, no traceback),
    whose commands stop quietly when their reader goes away, and whose every command also takes
    --db after its name."""

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        if not any(p.name == "db" for p in cmd.params):
            cmd.params.append(db_after_option())
        if cmd.add_help_option:
            # -h as well as --help, as the command's own option: click's help option follows the
            # first context it is made in, and a help rendered elsewhere must not lose -h.
            click.help_option("-h", "--help")(cmd)
            cmd.add_help_option = False
        super().add_command(cmd, name)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except LedgerError as exc:
            message = str(exc)
            settings = ctx.obj
            if isinstance(settings, Settings) and settings.db_from and settings.db in message:
                message += f" (the URL came from the environment variable {settings.db_from})"
            raise click.ClickException(printable(message)) from exc
        except BrokenPipeError:
            _discard_stdout()
            ctx.exit(0)


def _discard_stdout() -> None:
    """Send what is left in stdout's buffer nowhere, so flushing it at exit cannot fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    finally:
        os.close(devnull)


@click.group(name="owl", cls=OwlGroup, add_help_option=False)
@click.option(
    "--db",
    metavar="URL",
    envvar="OWL_DB",
    default="sqlite:///owl.db",
    show_default=True,
    show_envvar=True,
    help=f"{DB_HELP} May also follow the command.",
)
@click.option(
    "--wait",
    metavar="SECONDS",
    envvar="OWL_WAIT",
    type=click.FloatRange(min=0),
    default=30.0,
    show_default=True,
    show_envvar=True,
    help="How long a writer waits for another writer to finish before giving up (SQLite and "
    "PostgreSQL alike).",
)
@click.version_option(package_name="owl-ledger", prog_name="owl")
@click.help_option("-h", "--help")
@click.pass_context
def cli(ctx: click.Context, db: str, wait: float) -> None:
    """owl: an append-only, hash-chained ownership ledger.

    Events go in with `owl ingest`, or from a NATS JetStream stream with `owl follow`;
    `owl status`, `owl ownership`, `owl timeline` and `owl explain` answer "who owned how
    much, and had anyone tripped the rights plan?" for any date, as known at any time;
    `owl obligations` says who had to file what with the SEC, by when, and whether they did;
    `owl issuers` and `owl holders` list what the ledger knows, `owl log` shows the events as
    recorded and `owl verify` proves the log is unchanged.

    Every command that prints an answer takes --format: table (the default, for people), json,
    csv where the answer is a table, jsonl for the log. -h is --help.

    \b
    Examples:
      owl init
      owl ingest trades.csv filings.jsonl
      owl status --issuer INOC --as-of 2003-11-24
      owl --db postgresql+psycopg://owl@db.example/owl verify
      eval "$(_OWL_COMPLETE=bash_source owl)"    # tab completion in bash
    """
    from_env = ctx.get_parameter_source("db") == click.core.ParameterSource.ENVIRONMENT
    ctx.obj = Settings(db=as_url(db), wait=wait, db_from="OWL_DB" if from_env else None)


for _command in (
    init,
    ingest,
    follow,
    log,
    verify,
    rebuild,
    issuers,
    holders,
    ownership,
    status,
    timeline,
    explain,
    reconcile,
    obligations,
    chart,
    report,
    serve,
):
    cli.add_command(_command)
