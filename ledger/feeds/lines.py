"""Lines of a text feed, read from bytes in bounded pieces.

A line is read at most `MAX_LINE` bytes at a time, so one enormous line (a 200 MB line with no
newline, a stream of `[`) costs at most about that much memory, never the size of the line: a
line longer than the limit is refused by its number as soon as the limit is passed, without
reading the rest of it. Each line is decoded as UTF-8 on its own (a UTF-8 sequence never
contains the newline byte), so bytes that are not UTF-8 are named by their line too. The byte
order mark spreadsheets put in front of a file is dropped. A line ends at `\\n`, `\\r\\n` or a
lone `\\r` (as Python's universal newlines), and its ending is kept as written, which the csv
module needs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import BinaryIO

MAX_LINE = 1 << 20  # bytes in one line of a jsonl or csv feed, its line ending included
_BOM = "\ufeff"
_LONE_CR = re.compile(rb"(?<=\r)(?!\n)")  # the place after a \r that ends a line by itself


class Unreadable(ValueError):
    """A line that cannot be read as text: `number` is its line, `reason` says why."""

    def __init__(self, number: int, reason: str) -> None:
        super().__init__(f"line {number} {reason}")
        self.number = number
        self.reason = reason


def bounded_lines(stream: BinaryIO, limit: int = MAX_LINE) -> Iterator[str]:
    """The lines of a binary stream as text, each at most `limit` bytes with its ending (raises
    `Unreadable` at the first line that is longer, or that is not UTF-8)."""
    number = 0
    carry = b""  # the start of a line not yet ended (at most `limit` bytes)
    while True:
        chunk = stream.readline(limit + 1)
        data = carry + chunk
        if not data:
            return
        pieces = _LONE_CR.split(data) if b"\r" in data else [data]
        if not pieces[-1]:
            pieces.pop()  # the data ended with a lone \r
        cut = len(chunk) > limit and not chunk.endswith(b"\n")  # more of this line to come
        carry = pieces.pop() if cut else b""
        for raw in pieces:
            number += 1
            if len(raw) > limit:
                raise _too_long(number, limit)
            yield _decoded(raw, number)
        if len(carry) > limit:
            raise _too_long(number + 1, limit)


def _too_long(number: int, limit: int) -> Unreadable:
    size = f"{limit >> 20} MiB" if limit % (1 << 20) == 0 else f"{limit} bytes"
    return Unreadable(
        number,
        f"is longer than {size} (owl reads lines of at most {size}; is this a feed of one "
        "event per line?)",
    )


def _decoded(raw: bytes, number: int) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Unreadable(
            number, f"is not UTF-8 text (its byte {exc.start + 1} is 0x{raw[exc.start]:02x})"
        ) from None
    return text.removeprefix(_BOM) if number == 1 else text


def file_lines(path: str, limit: int = MAX_LINE) -> Iterator[str]:
    """The lines of the file at `path` (opened when iteration starts, closed when it ends)."""
    with open(path, "rb") as handle:
        yield from bounded_lines(handle, limit)
