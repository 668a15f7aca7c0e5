"""`owl ingest`: parse feed files, check them against the log, append them all or nothing."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, cast

import click

from owl.cli.common import Day, Instant, Settings, open_ledger
from owl.cli.progress import NoProgress, progress_bar
from owl.cli.safe import printable

if TYPE_CHECKING:
    from owl.ledger.feeds import Format

# The input formats (`ledger.feeds.FORMATS`, which a test holds this equal to), named here so
# that `owl ingest --help` does not load the feed parsers.
INPUT_FORMATS = ("jsonl", "csv", "form345", "sc13")
STDIN = "-"


@click.command()
@click.argument(
    "paths",
    nargs=-1,
    required=True,
    metavar="PATH...",
    type=click.Path(exists=True, dir_okay=False, allow_dash=True),
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["auto", *INPUT_FORMATS]),
    default="auto",
    show_default=True,
    help="auto: by extension (.jsonl, .ndjson, .json are jsonl; .csv is the csv trade feed; "
    ".xml, .txt, .nc, .htm, .html are SEC filings, Forms 3/4/5 or Schedule 13D/13G by their "
    "content). "
    "form345 and sc13 insist on one form.",
)
@click.option(
    "--recorded-at",
    type=Instant(),
    default=None,
    help="Stamp the events as recorded at this ISO 8601 instant with a zone "
    "(2026-11-29T12:00:00Z) instead of now. It may not precede the last recorded event.",
)
@click.option(
    "--keep-recorded-at",
    is_flag=True,
    help="Restore an export (owl log --format jsonl): keep each event's own recorded_at instead "
    "of stamping it now. Into an empty ledger this rebuilds the same chain, so the original's "
    "digest verifies on the copy.",
)
@click.option(
    "--filed-on",
    type=Day(),
    default=None,
    help="The date an SEC filing that states none was filed (a bare XML form has no EDGAR "
    "header). Without it such a filing's date is unknown, and an obligation it meets says "
    "'filed, date unknown'. A submission whose header gives another date is refused.",
)
@click.option(
    "--issuer-cik",
    metavar="CIK",
    default=None,
    help="The issuer's CIK for an older Schedule 13D or 13G whose document names the issuer only "
    "by name and CUSIP (a primary document without its EDGAR header). A submission whose header "
    "names another issuer is refused.",
)
@click.option(
    "--dry-run",
    is_flag=True,
    help="Parse and check everything, then write nothing; print how many events would be "
    "appended and how many are already present (problems are listed as in a real run).",
)
@click.pass_obj
def ingest(
    settings: Settings,
    paths: tuple[str, ...],
    fmt: str,
    recorded_at: datetime | None,
    keep_recorded_at: bool,
    filed_on: date | None,
    issuer_cik: str | None,
    dry_run: bool,
) -> None:
    """Append the events in PATH... to the ledger: all of them, or none.

    PATH is a jsonl file of events, a csv trade feed (header trade_id, issuer, holder, side,
    shares, trade_date and optionally price), or an SEC filing: a Form 3, 4 or 5 or a Schedule
    13D or 13G (XML, bare or in a full EDGAR submission .txt/.nc; docs/sec.md says what each
    row becomes); "-" reads standard input (its first line tells the format, unless --format
    says), whole (up to 1 GiB) before the ledger is locked, so a slow producer never holds up
    another writer. Every problem in every file is reported, with file, line (or filing element) and
    field, and then nothing is written. Events already in the log (same event_id, same
    content) are counted, not appended again; a filing's events are named by its accession
    number and row, so importing it twice appends nothing. The count of new reconciliation
    breaks the batch brings is printed (owl reconcile lists them), then the ledger's new head
    digest, SEQ:HASH: write it down, and `owl verify --expect SEQ:HASH` later proves that
    nothing up to it has changed.

    \b
    Examples:
      owl ingest data/innotrac/events.jsonl
      owl ingest trades-*.csv --recorded-at 2026-11-29T12:00:00Z
      cat export.jsonl | owl ingest -
      owl ingest --dry-run new-filings.jsonl
      owl ingest 0001127602-25-001055.txt form4.xml
      owl ingest --filed-on 2025-01-10 form4.xml
      owl ingest --issuer-cik 1318605 --filed-on 2013-02-14 sc13ga.htm
      owl --db sqlite:///copy.db ingest --keep-recorded-at export.jsonl
    """
    if keep_recorded_at and recorded_at is not None:
        raise click.UsageError("--keep-recorded-at and --recorded-at exclude each other")
    from owl.ledger.feeds import FeedRefused
    from owl.projections.application.inputs import FutureStamp

    chosen: Format | None = None if fmt == "auto" else cast("Format", fmt)
    ledger = open_ledger(settings)
    with _progress(paths) as bar:
        try:
            result = ledger.ingest(
                list(paths),
                recorded_at,
                chosen,
                dry_run=dry_run,
                keep_recorded_at=keep_recorded_at,
                progress=bar.update,
                filed_on=filed_on,
                issuer_cik=issuer_cik,
            )
        except FeedRefused as exc:
            if exc.usage:
                raise click.UsageError(str(exc)) from None
            raise
        except FutureStamp as exc:
            if recorded_at is None:
                raise
            raise click.BadParameter(
                f"{exc.stamp} is in the future (it is now {exc.now}); a ledger records what it "
                "learned, when it learned it (a future stamp would also hold back every later "
                "append until then)",
                param_hint="'--recorded-at'",
            ) from None
    for warning in result.warnings:
        click.echo(printable(f"warning: {warning}"), err=True)
    if result.clamped and result.appended:
        click.echo(
            f"warning: the clock reads {result.clock_at}, not after the last recorded stamp; "
            f"the events are stamped {result.stamp} instead, so a view --known-at before that "
            "instant does not see them (owl log notes it)",
            err=True,
        )
    prefix = "dry run: would append" if dry_run else "appended"
    repeated = f", repeated in the input {result.repeated}" if result.repeated else ""
    breaks = (
        f"; new reconciliation breaks {result.breaks} (owl reconcile lists them)"
        if result.breaks
        else ""
    )
    click.echo(
        f"{prefix} {result.appended}, already present {result.already_present}{repeated}{breaks}"
    )
    if not dry_run:
        click.echo(f"head digest {result.head_seq}:{result.head_hash}")


def _progress(paths: Sequence[str]) -> Any:
    """A progress bar on stderr for big inputs read at a terminal; otherwise one that is silent."""
    if not sys.stderr.isatty() or STDIN in paths:
        return NoProgress()
    return progress_bar(sum(_count_lines(path) for path in paths), "Reading")


def _count_lines(path: str) -> int:
    count, last = 0, b"\n"
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(1 << 20):
                count += chunk.count(b"\n")
                last = chunk[-1:]
    except OSError:
        return 0  # reported when the file is read
    return count + (last != b"\n")
