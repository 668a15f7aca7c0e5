"""Commands over the log itself: `owl init`, `owl log`, `owl verify`."""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

import click

from cli.common import Settings, known_at_option, open_ledger
from cli.safe import printable
from cli.tables import render_table
from ledger.errors import ChainBroken, DigestMismatch
from ledger.log import Recorded, format_instant
from ledger.sql import safe_url
from projections.api import Ledger

_HEX = re.compile(r"^[0-9a-fA-F]{64}$")


@click.command()
@click.pass_obj
def init(settings: Settings) -> None:
    """Create the ledger's tables (and, for SQLite, its file). Safe to run twice.

    \b
    Examples:
      owl init
      owl --db sqlite:///ledgers/inoc.db init
    """
    ledger = Ledger(settings.db)
    try:
        upgraded = ledger.init()
    finally:
        ledger.close()
    how = "Upgraded (projections rebuilt)" if upgraded else "Initialized"
    click.echo(f"{how} the ledger at {safe_url(settings.db)}")


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
    count = ledger.rebuild()
    click.echo(f"rebuilt the projections and checkpoints from {count} events")


@click.command()
@click.option("--issuer", metavar="ISSUER", help="Only this issuer's events.")
@known_at_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "jsonl"]),
    default="table",
    show_default=True,
    help="table: one aligned row per event. jsonl: every field, re-ingestable elsewhere.",
)
@click.pass_obj
def log(settings: Settings, issuer: str | None, known_at: datetime | None, fmt: str) -> None:
    """Print the raw log in seq order, with what the ledger assigned to each event.

    The table shows seq, recorded_at, effective_date, issuer, type, event_id and the first 12
    characters of the hash. The jsonl format prints each event's fields plus seq, recorded_at,
    hash and prev_hash, one JSON object per line; `owl ingest` drops those four, so the output
    re-ingests into another ledger.

    \b
    Examples:
      owl log --issuer INOC
      owl log --known-at 2026-11-29
      owl log --format jsonl > export.jsonl
    """
    ledger = open_ledger(settings)
    rows = ledger.log(issuer=issuer, known_at=known_at)
    if fmt == "jsonl":
        for recorded in rows:
            click.echo(printable(jsonl_line(recorded)))
        return
    headers = ("seq", "recorded_at", "effective_date", "issuer", "type", "event_id", "hash")
    cells = (
        (
            str(r.seq),
            r.recorded_at,
            r.event.effective_date.isoformat(),
            r.event.issuer,
            r.event.type,
            r.event_id,
            r.hash[:12],
        )
        for r in rows
    )
    for line in render_table(headers, cells, right=[0]):
        click.echo(line)
    for seq, (clock_at, stamp) in ledger.clock_notes().items():
        if known_at is None or stamp <= format_instant(known_at):
            click.echo(
                f"note: the batch from seq {seq} is stamped {stamp}, just after the stamp before "
                f"it, because the clock read {clock_at}"
            )


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
@click.pass_obj
def verify(settings: Settings, expect: tuple[int, str] | None) -> None:
    """Recompute the hash chain from the first event and print the head digest.

    Prints `ok: N events, head seq S, hash H`. Write down the head seq and hash: if any event at
    or before that seq is later changed, removed or reordered, verify fails (exit 1) and names
    the first bad seq. With --expect SEQ:HASH it also fails when that digest is no longer in the
    chain (the example is the digest of `make demo`'s ledger).

    \b
    Examples:
      owl verify
      owl verify --expect 10:d7b576b22baf5c342c639cf30fb802dee98cbcec95afe150385c89c3c744fed3
    """
    result = open_ledger(settings).store.verify(expect)
    if not result.ok:
        assert result.bad_seq is not None and result.reason is not None  # set when not ok
        if result.digest_mismatch and expect is not None:
            raise DigestMismatch(expect[0], expect[1], result.reason)
        raise ChainBroken(result.bad_seq, result.reason)
    confirmed = f"; digest {expect[0]}:{expect[1]} confirmed" if expect else ""
    click.echo(
        f"ok: {result.rows} events, head seq {result.head_seq}, hash {result.head_hash}{confirmed}"
    )
