"""Input feeds: one module per format, each turning lines of text into `Pending` events.

Feeds are pure parsers over an iterable of lines: they never print, never read the clock, and
report every bad line as a `Problem` (data, not an exception) so one run shows all of them.
`read_path` opens a file (or standard input for "-") and hands its lines to the chosen parser.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from itertools import chain
from pathlib import Path
from typing import Literal

from ledger.feeds.csv import CsvFeed
from ledger.feeds.jsonl import JsonlFeed

Format = Literal["jsonl", "csv"]
Feed = JsonlFeed | CsvFeed
FORMATS: tuple[Format, ...] = ("jsonl", "csv")
STDIN = "-"

_BY_SUFFIX: dict[str, Format] = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
    ".csv": "csv",
}


def detect_format(path: str) -> Format | None:
    """The format a file's extension names (case-insensitive), or None when it names none."""
    return _BY_SUFFIX.get(Path(path).suffix.lower())


def read_path(path: str, fmt: Format | None, keep_recorded_at: bool = False) -> Feed:
    """A feed over the file at `path` ("-" is standard input), read as UTF-8 in format `fmt`.

    With no format, the first line that is not blank decides: a JSON object means jsonl,
    anything else the csv trade feed (whose first line is its header). The file is opened when
    iteration starts and closed when it ends; an unreadable file raises `OSError`, and text that
    is not UTF-8 raises `UnicodeDecodeError`, from the iteration.
    """
    origin = "<stdin>" if path == STDIN else path
    lines = _stdin_lines() if path == STDIN else _file_lines(path)
    if fmt is None:
        fmt, lines = sniff(lines)
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
    first = seen[-1].lstrip() if seen else ""
    return ("jsonl" if first.startswith("{") else "csv"), chain(seen, lines)


def _file_lines(path: str) -> Iterator[str]:
    # newline="" keeps line endings as written, which the csv module needs for quoted newlines;
    # utf-8-sig drops the byte-order mark spreadsheets put in front of the header.
    with open(path, encoding="utf-8-sig", newline="") as handle:
        yield from handle


def _stdin_lines() -> Iterator[str]:
    # Decoded line by line from the bytes, as for files: UTF-8 whatever the locale says.
    for number, raw in enumerate(sys.stdin.buffer):
        text = raw.decode("utf-8")
        yield text.removeprefix("\ufeff") if number == 0 else text
