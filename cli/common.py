"""What every command shares: the settings from the group, opening the ledger, and the options.

Nothing here loads the ledger when it is imported: `owl --help` and `owl CMD --help` must start
quickly, so SQLAlchemy, pydantic and the projections are imported when a command runs
(`open_ledger`), and a date or timestamp option is checked with `ledger.dates`, which needs none
of them. tests/test_cli_startup.py holds every command module to this.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click
from click.core import ParameterSource

from owl.ledger.dates import is_written_as_a_date, parse_day, parse_known_at

if TYPE_CHECKING:
    from owl.projections.application.api import Ledger


def utc_now() -> datetime:
    """The clock the command line stamps `recorded_at` with (`projections.application.clock`)."""
    from owl.projections.application.clock import system_clock

    return system_clock()


@dataclass(frozen=True)
class Settings:
    """The group's options, handed to every command as the context object."""

    db: str
    wait: float = 30.0
    db_from: str | None = None  # the environment variable the URL came from, if one did


def open_ledger(settings: Settings) -> Ledger:
    """The ledger named by --db, closed when the command ends. (A missing SQLite file is not
    created: only `owl init` creates a ledger, so a mistyped --db is an error, not an empty
    ledger; the store says so.)"""
    from owl.projections.application.api import Ledger

    ledger = Ledger(settings.db, clock=utc_now, wait=settings.wait)
    click.get_current_context().call_on_close(ledger.close)
    return ledger


# --- --db after the command ----------------------------------------------------------------------

DB_HELP = (
    "The ledger's database: a SQLite file (sqlite:///FILE, or the file's path) or "
    "postgresql+psycopg://user@host/dbname."
)


def as_url(value: str) -> str:
    """A database URL, or a plain path taken as a SQLite file (`ledger.db`, `~/owl.db`)."""
    if not value.strip():
        raise click.UsageError("--db (or OWL_DB) is empty: give a SQLite file or a database URL")
    return value if "://" in value else f"sqlite:///{Path(value).expanduser()}"


def output_folder(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """An output file whose folder exists (it is never made silently)."""
    path = Path(value).expanduser()
    folder = path.parent
    if not folder.is_dir():
        raise click.BadParameter(
            f"{value}: the folder {folder} does not exist (make it first: mkdir -p {folder})",
            ctx,
            param,
        )
    return str(path)


def _db_here(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    """`owl CMD --db URL` means what `owl --db URL CMD` means; two different URLs are refused."""
    if value is None:
        return
    parent = ctx.parent
    given = ctx.find_object(Settings)
    if (
        parent is not None
        and given is not None
        and parent.get_parameter_source("db") is ParameterSource.COMMANDLINE
        and given.db != as_url(value)
    ):
        raise click.UsageError(
            f"--db is given twice, before the command ({given.db}) and after it ({value}); "
            "give it once",
            ctx,
        )
    value = as_url(value)
    ctx.obj = Settings(db=value) if given is None else replace(given, db=value, db_from=None)


def db_after_option() -> click.Option:
    """--db as a command's own option (the group adds it to every command)."""
    return click.Option(
        ["--db"],
        metavar="URL",
        default=None,
        expose_value=False,
        callback=_db_here,
        help=f"{DB_HELP} As `owl --db URL`: either place works.",
    )


# --- dates and instants --------------------------------------------------------------------------


class Day(click.ParamType):
    """A calendar date written YYYY-MM-DD; a date that does not exist is named as such."""

    name = "date"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, date):
            return value
        try:
            return parse_day(value)
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


class Instant(click.ParamType):
    """An ISO 8601 timestamp with a time zone ('Z' for UTC); a timestamp without one is refused."""

    name = "timestamp"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, datetime):
            return value
        if is_written_as_a_date(value):
            self.fail(
                f"{value!r} is a date; give a timestamp such as {value}T12:00:00Z", param, ctx
            )
        return self._parse(value, param, ctx)

    def _parse(self, value: str, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        try:
            return parse_known_at(value)
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


class KnownAt(Instant):
    """A timestamp as for `Instant`, or a bare date YYYY-MM-DD: the end of that day in UTC; an
    instant still ahead is refused (the answer it gave could change before then)."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, datetime):
            return value
        moment = self._parse(value, param, ctx)
        now = utc_now()  # a date may be today's: its end is still ahead
        latest = datetime.combine(now.date(), time.max, UTC) if is_written_as_a_date(value) else now
        if moment > latest:
            self.fail(
                f"{value} is still ahead (now {now:%Y-%m-%dT%H:%M:%SZ}): what the ledger knows "
                "then could still change; leave --known-at out for everything recorded",
                param,
                ctx,
            )
        return moment


KNOWN_AT_HELP = (
    "Answer as the ledger knew it at this instant: only events recorded at or before it count. "
    "An ISO 8601 timestamp with a zone (2026-11-29T12:00:00Z), or a date YYYY-MM-DD meaning the "
    "end of that day in UTC (23:59:59.999999Z); an instant still ahead is refused. Default: "
    "everything recorded; the output names the latest recording it saw, which reproduces the "
    "answer later."
)


# The shared options, as decorators: `@known_at_option`, `@issuer_option`, `@as_of_option`.
known_at_option = click.option("--known-at", type=KnownAt(), default=None, help=KNOWN_AT_HELP)
issuer_option = click.option(
    "--issuer", required=True, metavar="ISSUER", help="Issuer key, e.g. INOC (or its CIK)."
)
as_of_option = click.option("--as-of", required=True, type=Day(), help="The date, YYYY-MM-DD.")


def check_range(start: date | None, end: date | None) -> None:
    """--from after --to is a usage error, named before anything is read."""
    if start is not None and end is not None and start > end:
        raise click.BadParameter(f"{start} is after --to {end}", param_hint="'--from'")


# --- --format --------------------------------------------------------------------------------

# The one vocabulary of output formats: what each name means wherever it is offered.
FORMAT_WORDS = {
    "table": "aligned text for people",
    "json": "one JSON document",
    "csv": "one row per line, with a header",
    "jsonl": "one JSON object per line",
}


class OutputFormat(click.Choice):
    """One of a command's output formats. Old names still work (`aliases`: explain's `text` is
    `table`); a format of the vocabulary the command does not offer gets a `hint`."""

    def __init__(
        self,
        choices: Sequence[str],
        aliases: Mapping[str, str] | None = None,
        hints: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(list(choices))
        self.aliases = dict(aliases or {})
        self.hints = dict(hints or {})

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str):
            value = value.strip().lower()  # --format JSON is --format json
        if value in self.aliases:
            return self.aliases[value]
        if value in self.hints:
            self.fail(f"{value!r}: {self.hints[value]}", param, ctx)
        return super().convert(value, param, ctx)


FC = TypeVar("FC", bound=Callable[..., Any])


def format_option(
    *choices: str,
    aliases: Mapping[str, str] | None = None,
    hints: Mapping[str, str] | None = None,
) -> Callable[[FC], FC]:
    """--format with `choices` from the vocabulary, the first (table) being the default."""
    meanings = "; ".join(f"{c}: {FORMAT_WORDS[c]}" for c in choices)
    return click.option(
        "--format",
        "fmt",
        type=OutputFormat(choices, aliases, hints),
        default=choices[0],
        show_default=True,
        help=f"{meanings}.",
    )
