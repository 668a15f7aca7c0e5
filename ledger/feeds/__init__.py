"""Input feeds: one module per format, each turning lines of text into `Pending` events.

Feeds are pure parsers over an iterable of lines: they never print, never read the clock, and
report every bad line as a `Problem` (data, not an exception) so one run shows all of them.
`read_path` opens a file (or standard input for "-") and hands its lines to the chosen parser;
`open_feeds` reads several, one after another, with one rule for telling their format: the one
given, else the file's extension, else (standard input) its first line.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from itertools import chain
from pathlib import Path
from typing import BinaryIO, Literal

from owl.ledger.errors import LedgerError, Problem
from owl.ledger.feeds.csv import CsvFeed
from owl.ledger.feeds.jsonl import JsonlFeed
from owl.ledger.feeds.lines import Unreadable, bounded_lines, file_lines
from owl.ledger.feeds.sec.feed import FilingFeed
from owl.ledger.log import Pending

Format = Literal["jsonl", "csv", "form345", "sc13", "sec"]  # "sec": either, by content
Feed = JsonlFeed | CsvFeed | FilingFeed
FORMATS: tuple[Format, ...] = ("jsonl", "csv", "form345", "sc13")
STDIN = "-"

_BY_SUFFIX: dict[str, Format] = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
    ".csv": "csv",
    ".xml": "sec",
    ".txt": "sec",
    ".nc": "sec",
    ".htm": "sec",
    ".html": "sec",
}


def detect_format(path: str) -> Format | None:
    """The format a file's extension names (case-insensitive), or None when it names none."""
    return _BY_SUFFIX.get(Path(path).suffix.lower())


def read_path(
    path: str,
    fmt: Format | None,
    keep_recorded_at: bool = False,
    filed_on: date | None = None,
    issuer_cik: str | None = None,
    stdin: BinaryIO | None = None,
) -> Feed:
    """A feed over the file at `path` ("-" is standard input) in format `fmt`.

    With no format, the first line that is not blank decides: a JSON object means jsonl, an XML
    or SGML tag an SEC filing, anything else the csv trade feed (whose first line is its
    header). Text feeds are read as UTF-8, streamed, a bounded piece at a time
    (`ledger.feeds.lines`); the file is opened when iteration starts and closed when it ends; an
    unreadable file raises `OSError`, and a line that is not UTF-8 or is longer than
    `MAX_LINE` raises `Unreadable` (for standard input read without a format, from this call:
    its first line is read here to tell the format).
    """
    origin = "<stdin>" if path == STDIN else path
    if fmt in ("form345", "sc13", "sec"):
        kind = None if fmt == "sec" else fmt
        return FilingFeed(path, kind, origin, None, filed_on, issuer_cik, stdin)
    # Decoded line by line from the bytes, files and standard input alike: UTF-8 whatever the
    # locale says.
    lines = bounded_lines(stdin or sys.stdin.buffer) if path == STDIN else file_lines(path)
    if fmt is None:
        fmt, lines = sniff(lines)
        if fmt == "sec":
            return FilingFeed(path, None, origin, lines, filed_on, issuer_cik, stdin)
    if fmt == "jsonl":
        return JsonlFeed(lines, origin, keep_recorded_at)
    return CsvFeed(lines, origin)


def sniff(lines: Iterator[str]) -> tuple[Format, Iterator[str]]:
    """The format the first non-blank line shows, and all the lines (none consumed)."""
    seen: list[str] = []
    for line in lines:
        seen.append(line)
        if line.strip():
            break
    first = seen[-1].lstrip().lstrip("\ufeff") if seen else ""
    if first.startswith("<"):
        return "sec", chain(seen, lines)
    return ("jsonl" if first.startswith("{") else "csv"), chain(seen, lines)


class FeedRefused(LedgerError):
    """A file that cannot be read as a feed at all (its format, its encoding, the disk).
    `usage` marks a refusal of how it was asked for (a format that cannot be told or used)."""

    def __init__(self, message: str, usage: bool = False) -> None:
        super().__init__(message)
        self.usage = usage


_NO_STAMPS = "--keep-recorded-at restores jsonl exports; a csv feed has none"


def format_of(path: str, fmt: Format | None) -> Format | None:
    """The format to read `path` in: `fmt` when given; else its extension's; None for standard
    input (its first line tells). An extension that names no format is refused."""
    if fmt is not None or path == STDIN:
        return fmt
    detected = detect_format(path)
    if detected is None:
        raise FeedRefused(
            f"cannot tell the format of {path!r} from its extension (.jsonl, .ndjson, .json, "
            ".csv, .xml, .txt or .nc); give the format (--format jsonl, csv, form345 or sc13)",
            usage=True,
        )
    return detected


class Feeds:
    """Feed files read one after another, streamed: `pendings()` yields every good event, then
    `problems()` lists what was wrong (every bad line of every file, the first ones in full)."""

    def __init__(
        self,
        paths: Sequence[str],
        fmt: Format | None,
        keep_recorded_at: bool,
        filed_on: date | None = None,
        issuer_cik: str | None = None,
    ) -> None:
        formats = [format_of(path, fmt) for path in paths]
        if keep_recorded_at and "csv" in formats:
            raise FeedRefused(_NO_STAMPS, usage=True)
        self.paths = list(paths)
        self.formats = formats
        self.keep_recorded_at = keep_recorded_at
        self.filed_on = filed_on  # the filing date of SEC documents that state none
        self.issuer_cik = issuer_cik  # the issuer of older schedules that name no CIK
        # Standard input is read whole into a temporary file now, before the append takes the
        # writers' lock: a slow producer never holds the lock (`MAX_STDIN` bounds it).
        self.stdin = spool(sys.stdin.buffer, MAX_STDIN) if STDIN in paths else None
        self.feeds: list[Feed] = []

    def pendings(self, progress: Callable[[int], None] | None = None) -> Iterator[Pending]:
        for path, fmt in in_acceptance_order(list(zip(self.paths, self.formats, strict=True))):
            shown = "standard input" if path == STDIN else path
            try:
                feed = read_path(
                    path, fmt, self.keep_recorded_at, self.filed_on, self.issuer_cik, self.stdin
                )
            except Unreadable as exc:  # standard input's first line, read to tell the format
                raise FeedRefused(f"cannot read {shown}: {exc}") from None
            if self.keep_recorded_at and isinstance(feed, CsvFeed):
                raise FeedRefused(_NO_STAMPS, usage=True)
            self.feeds.append(feed)
            done = 0
            try:
                for pending in feed:
                    yield pending
                    if progress is not None and feed.lines_read - done >= 1000:
                        progress(feed.lines_read - done)
                        done = feed.lines_read
            except OSError as exc:
                raise FeedRefused(f"cannot read {shown}: {exc.strerror or exc}") from None
            except Unreadable as exc:
                raise FeedRefused(f"cannot read {shown}: {exc}") from None
            finally:
                feed.close()
            if progress is not None:
                progress(feed.lines_read - done)

    def problems(self, shown: int) -> tuple[list[Problem], int]:
        """The first `shown` problems, and how many there are in all."""
        found = [p for feed in self.feeds for p in feed.problems]
        return found[:shown], sum(feed.problems.total for feed in self.feeds)


def in_acceptance_order(inputs: list[tuple[str, Format | None]]) -> list[tuple[str, Format | None]]:
    """The inputs, the full EDGAR submissions among them in the order EDGAR accepted them
    (acceptance date-time, then accession number), each other input where it was given. Events
    of one date apply in the order they are appended, so two filings of one date given in any
    order apply as they were filed."""
    from owl.ledger.feeds.sec.edgar import acceptance_of

    keyed = [
        (i, acceptance_of(Path(path)) if path != STDIN and _wrapped(path) else None)
        for i, (path, _) in enumerate(inputs)
    ]
    slots = [i for i, key in keyed if key is not None]
    if len(slots) < 2:
        return inputs
    ordered = sorted(slots, key=lambda i: (keyed[i][1], i))
    placed = list(inputs)
    for slot, source in zip(slots, ordered, strict=True):
        placed[slot] = inputs[source]
    return placed


def _wrapped(path: str) -> bool:
    return Path(path).suffix.lower() in (".txt", ".nc")


MAX_STDIN = 1 << 30  # bytes of standard input an ingest takes (1 GiB); a file has no such bound


def spool(source: BinaryIO, limit: int) -> BinaryIO:
    """`source` copied whole into a temporary file (deleted when closed), read back from its
    start; more than `limit` bytes is refused before anything is appended."""
    spooled = tempfile.TemporaryFile()  # noqa: SIM115 (returned open, closed by its reader)
    total = 0
    while chunk := source.read(1 << 20):
        total += len(chunk)
        if total > limit:
            spooled.close()
            raise FeedRefused(
                f"standard input is larger than {limit:,} bytes; give the data as a file"
            )
        spooled.write(chunk)
    spooled.seek(0)
    return spooled


def open_feeds(
    paths: Sequence[str],
    fmt: Format | None,
    keep_recorded_at: bool = False,
    filed_on: date | None = None,
    issuer_cik: str | None = None,
) -> Feeds:
    """The feeds of `paths`; `filed_on` is the filing date of SEC documents that state none (a
    bare XML form), `issuer_cik` the issuer of older schedules whose document names it by name
    and CUSIP only; a submission whose header states another is refused."""
    return Feeds(paths, fmt, keep_recorded_at, filed_on, issuer_cik)
