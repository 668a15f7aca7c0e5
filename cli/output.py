"""Writing a command's answer: JSON, CSV, JSON Lines or aligned lines, on standard output.

Every format is written the same way whichever command prints it: JSON indented, keys in the
view's order, non-ASCII as is; CSV with a header and `\\n` line ends, and a cell that a spreadsheet
would run as a formula quoted with `'`; JSON Lines compact, one object per line. Whatever the
format, a character that would act on the terminal is written as its escape (`cli.safe`).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

import click

from owl.cli.safe import cell, printable


def json_default(value: object) -> int | str:
    """A fractional amount of shares (a `Decimal`) in JSON: its exact decimal string (a whole
    one, its int)."""
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            return int(value)
        return format(value.normalize(), "f")
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def spreadsheet_cell(value: object) -> str:
    """A value as a spreadsheet cell: text that would start a formula is quoted with '."""
    text = "" if value is None else str(value)
    formula = text[:1] in ("=", "+", "-", "@", "\t", "\r") and not _number(text)
    return f"'{text}" if formula else text


def _number(text: str) -> bool:
    """-5 or +1,234 is a number, not a formula (a signed difference stays readable)."""
    return text[:1] in "+-" and text[1:].replace(",", "").replace(".", "", 1).isdigit()


def emit_json(body: Any) -> None:
    click.echo(printable(json.dumps(body, indent=2, ensure_ascii=False, default=json_default)))


def emit_csv(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """A header and one row per line, written as they come (a long listing streams)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(headers)
    click.echo(printable(buffer.getvalue()), nl=False)
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([spreadsheet_cell(c) for c in row])
        click.echo(printable(buffer.getvalue()), nl=False)


def emit_lines(lines: Iterable[str]) -> None:
    """Each line as one line: a newline or tab inside it is escaped too, so it cannot forge
    another."""
    for line in lines:
        click.echo(cell(line))
