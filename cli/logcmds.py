"""Commands over the log itself: `owl init`, `owl rebuild`, `owl log`, `owl verify`."""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import click

from owl.cli.common import (
    Day,
    Settings,
    check_range,
    format_option,
    known_at_option,
    open_ledger,
)
from owl.cli.output import emit_csv, emit_json, emit_lines
from owl.cli.progress import progress_bar
from owl.cli.tables import stream_table
from owl.ledger.dates import format_instant

if TYPE_CHECKING:
    from owl.ledger.log import Recorded

_HEX = re.compile(r"^[0-9a-fA-F]{64}$")


@click.command()
@click.pass_obj
def init(settings: Settings) -> None:
    """Create the ledger's tables (and, for SQLite, its file). Safe to run twice: on a ledger
    already initialized it only checks the schema, and says so.

    \b
    Examples:
      owl init
      owl --db sqlite:///ledgers/inoc.db init
    """
    from owl.ledger.sql import safe_url
    from owl.projections.application.api import Ledger

    ledger = Ledger(settings.db)
    try:
        done = ledger.init()
    finally:
        ledger.close()
    where = safe_url(settings.db)
    if done == "current":
        click.echo(f"The ledger at {where} is already initialized: nothing created (checked only)")
    else:
        how = "Upgraded (projections rebuilt)" if done == "upgraded" else "Initialized"
        click.echo(f"{how} the ledger at {where}")


@click.command()
@click.pass_obj
def rebuild(settings: Settings) -> None:
    """Drop and rebuild every maintained projection and checkpoint from the log.

    The log is the only source of truth: positions, facts, balances, the record of appends and
    the fold's checkpoints are derived from it and can be rebuilt at any time, with the same
    answers for every --as-of and --known-at. Run it after restoring a database from a file
    copy, or when a projection is suspected.

    \b
    Example:
      owl rebuild
    """
    ledger = open_ledger(settings)
    with progress_bar(ledger.head_seq(), "Rebuilding") as bar:
        count = ledger.rebuild(progress=bar.update)
    click.echo(f"rebuilt the projections and checkpoints from {count} events")


LOG_HEADERS = ("seq", "recorded_at", "effective_date", "issuer", "type", "event_id", "hash")


@click.command()
@click.option("--issuer", metavar="ISSUER", help="Only this issuer's events.")
@click.option(
    "--type",
    "types",
    multiple=True,
    metavar="TYPE",
    shell_complete=lambda ctx, param, incomplete: _event_types(incomplete),
    help="Only events of this type, e.g. SharesPurchased (repeat for more).",
)
@click.option(
    "--holder",
    metavar="NAME",
    help="Only events naming this holder or person (either side of a transfer, an affiliate).",
)
@click.option("--from", "start", type=Day(), help="Only events effective on or after this date.")
@click.option("--to", "end", type=Day(), help="Only events effective on or before this date.")
@known_at_option
@format_option(
    "table",
    "jsonl",
    "csv",
    hints={"json": "the log is a stream: use jsonl (one JSON object per line)"},
)
@click.pass_obj
def log(
    settings: Settings,
    issuer: str | None,
    types: tuple[str, ...],
    holder: str | None,
    start: date | None,
    end: date | None,
    known_at: datetime | None,
    fmt: str,
) -> None:
    """Print the raw log in seq order, with what the ledger assigned to each event.

    The table shows seq, recorded_at, effective_date, issuer, type, event_id and the first 12
    characters of the hash; csv the same columns with the full hash. The jsonl format prints
    each event's fields plus seq, recorded_at, hash and prev_hash, one JSON object per line;
    `owl ingest` drops those four, so the output re-ingests into another ledger. The filters
    combine: every one given must hold.

    \b
    Examples:
      owl log --issuer INOC
      owl log --issuer INOC --type SharesPurchased --type SharesSold --from 2003-11-01
      owl log --holder "IPOF Fund" --to 2003-11-24
      owl log --known-at 2026-11-29
      owl log --format jsonl > export.jsonl
      owl log | tail -2
    """
    check_range(start, end)
    ledger = open_ledger(settings)
    rows = ledger.log(
        issuer, known_at, types=list(types) or None, holder=holder, start=start, end=end
    )
    if fmt == "jsonl":
        emit_lines(jsonl_line(recorded) for recorded in rows)
    elif fmt == "csv":
        emit_csv(LOG_HEADERS, (_log_cells(r, len(r.hash)) for r in rows))
    else:
        emit_lines(stream_table(LOG_HEADERS, (_log_cells(r, 12) for r in rows), right=[0]))
        for seq, (clock_at, stamp) in ledger.clock_notes().items():
            if known_at is None or stamp <= format_instant(known_at):
                click.echo(
                    f"note: the batch from seq {seq} is stamped {stamp}, just after the stamp "
                    f"before it, because the clock read {clock_at}"
                )


def _event_types(prefix: str) -> list[str]:
    """The event types starting with `prefix`, for tab completion."""
    from owl.ledger.events import TYPE_NAMES

    return sorted(name for name in TYPE_NAMES if name.startswith(prefix))


def _log_cells(r: Recorded, width: int) -> tuple[str, ...]:
    event = r.event
    cells = (event.effective_date.isoformat(), event.issuer, event.type, r.event_id)
    return (str(r.seq), r.recorded_at, *cells, r.hash[:width])


def jsonl_line(recorded: Recorded) -> str:
    """One exported event: its fields and the ledger's, compact, keys sorted."""
    fields = recorded.event.model_dump(mode="json", exclude_none=True)
    fields.update(
        seq=recorded.seq,
        recorded_at=recorded.recorded_at,
        hash=recorded.hash,
        prev_hash=recorded.prev_hash,
    )
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


class Digest(click.ParamType):
    """SEQ:HASH, as `owl verify` printed it (the head seq and its 64-hex-digit hash)."""

    name = "SEQ:HASH"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, tuple):
            return value
        seq, _, digest = str(value).partition(":")
        if not seq.isdigit() or len(digest) != 64 or not _HEX.match(digest):
            self.fail(f"{value!r} is not SEQ:HASH (a seq and a 64-digit hex hash)", param, ctx)
        return int(seq), digest.lower()


@click.command()
@click.option(
    "--expect",
    type=Digest(),
    default=None,
    help="A digest written down earlier, SEQ:HASH: fail unless the chain still holds that row "
    "with that hash (catches rows removed from the end, or a log rebuilt with a new chain).",
)
@click.option(
    "--chain-only",
    is_flag=True,
    help="Check the hash chain only, not that the derived tables are what the log implies.",
)
@format_option("table", "json")
@click.pass_obj
def verify(settings: Settings, expect: tuple[int, str] | None, fmt: str, chain_only: bool) -> None:
    """Recompute the hash chain from the first event and print the head digest; then check
    that every derived table and checkpoint is what the log implies.

    Prints `ok: N events, head seq S, hash H`. Write down the head seq and hash (`owl ingest`
    prints them too, as SEQ:HASH): if any event at or before that seq is later changed, removed
    or reordered, verify fails (exit 1) and names the first bad seq. With --expect SEQ:HASH it
    also fails when that digest is no longer in the chain (the example is the digest of `make
    demo`'s ledger). Then the tables owl keeps beside the log (positions, facts, balances,
    appends, checkpoints) are written again from the log in a transaction that is rolled back
    and compared with what is stored: a row that differs fails verify (exit 1), naming the table
    and the row, and `owl rebuild` repairs it (this takes about as long as a rebuild and holds
    the write lock meanwhile; a role that may not write has the chain checked only, and is told
    so). --chain-only skips that check. With --format json the result is printed as JSON
    whether or not it holds (`ok` says which), and a failure still exits 1.

    \b
    Examples:
      owl verify
      owl verify --expect 10:d7b576b22baf5c342c639cf30fb802dee98cbcec95afe150385c89c3c744fed3
      owl verify --format json
      owl verify --chain-only
    """
    from owl.ledger.errors import ChainBroken, DerivedDiffers, DigestMismatch

    ledger = open_ledger(settings)
    with progress_bar(ledger.head_seq(), "Verifying") as bar:
        result = ledger.verify(expect, progress=bar.update, derived=not chain_only)
    if fmt == "json":
        emit_json(result)
    derived = result["derived"]
    if not result["ok"]:
        if derived is not None and derived["ok"] is False:
            raise DerivedDiffers(derived["table"], derived["how"], derived["row"])
        if result["digest_mismatch"] and expect is not None:
            raise DigestMismatch(expect[0], expect[1], result["reason"])
        raise ChainBroken(result["bad_seq"], result["reason"])
    if fmt == "json":
        return
    confirmed = f"; digest {expect[0]}:{expect[1]} confirmed" if expect else ""
    click.echo(
        f"ok: {result['events']} events, head seq {result['head_seq']}, hash "
        f"{result['head_hash']}{confirmed}"
    )
    if derived is not None and derived["ok"] is None:
        click.echo(derived["skipped"], err=True)
    elif derived is not None:
        kept = derived["checkpoints"]
        click.echo(
            "derived data: ok (positions, facts, balances and appends as the log implies them; "
            f"{kept['compared']} of {kept['stored']} checkpoints recomputed and equal)"
        )
