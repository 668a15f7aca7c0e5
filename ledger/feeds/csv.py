"""The CSV trade feed: market purchases and sales, one trade per row.

The header is `trade_id,issuer,holder,side,shares,trade_date`, optionally with `price`, in any
order. `side` is BUY or SELL (any case; B and S allowed) and becomes SharesPurchased or SharesSold;
`trade_id` becomes the `event_id`, so re-sending a file is a no-op; `trade_date` is the effective
date. `shares` is a whole number, or one with a fraction of at most 6 decimal places (`14.19`,
a dividend reinvested), held exactly. Line numbers are physical lines of the file (the header
is line 1), so a quoted value that spans lines does not shift the numbers reported for later
rows.

Every bad row is recorded in `problems` (all of them, not just the first); good rows stream out as
`Pending`s. A header with missing or unknown columns is one problem on line 1 and nothing else is
read, since no row can be understood without it.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from typing import Any

from owl.ledger.errors import Problem
from owl.ledger.events import parse_event
from owl.ledger.feeds.base import LineFeed
from owl.ledger.log import Pending

REQUIRED = ("trade_id", "issuer", "holder", "side", "shares", "trade_date")
OPTIONAL = ("price",)
SIDES = {"BUY": "SharesPurchased", "B": "SharesPurchased", "SELL": "SharesSold", "S": "SharesSold"}
# Event field -> the CSV column it came from, so problems name what the user wrote.
_COLUMN_OF = {"event_id": "trade_id", "effective_date": "trade_date"}
_DIGITS = re.compile(r"^[0-9]+$")
_AMOUNT = re.compile(r"^[0-9]+(\.[0-9]{1,6})?$")  # a whole number, or one with a fraction


def _positive(text: str) -> bool:
    return any(c in "123456789" for c in text)


def _amount(text: str) -> int | str:
    """A whole number as an int; one with a fraction as its text (the event keeps it exact)."""
    return int(text) if _DIGITS.match(text) else text


class CsvFeed(LineFeed):
    """Trades parsed from CSV lines; iterate once, then read `problems`."""

    def __iter__(self) -> Iterator[Pending]:
        reader = csv.reader(iter(self._lines), strict=True)
        try:
            header = next(reader, None)
        except csv.Error as exc:
            self._problem(1, None, f"malformed CSV: {exc}")
            return
        self.lines_read = reader.line_num
        if header is None:
            return
        columns = self._columns(header)
        if columns is None:
            return
        while True:
            first_line = reader.line_num + 1
            try:
                row = next(reader, None)
            except csv.Error as exc:
                self._problem(first_line, None, f"malformed CSV: {exc}")
                return
            self.lines_read = reader.line_num
            if row is None:
                return
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            pending = self._row(first_line, columns, row)
            if pending is not None:
                yield pending

    def _problem(self, line: int, field: str | None, reason: str) -> None:
        self.problems.append(Problem(line, field, reason, self.origin))

    def _columns(self, header: list[str]) -> list[str] | None:
        names = [name.strip().lower() for name in header]
        unknown = [n for n in names if n not in REQUIRED + OPTIONAL]
        missing = [n for n in REQUIRED if n not in names]
        repeated = sorted({n for n in names if names.count(n) > 1})
        reasons = []
        if missing:
            reasons.append("missing column" + _s(missing) + " " + ", ".join(missing))
        if unknown:
            reasons.append("unknown column" + _s(unknown) + " " + ", ".join(map(repr, unknown)))
        if repeated:
            reasons.append("repeated column" + _s(repeated) + " " + ", ".join(repeated))
        if reasons:
            expected = ",".join(REQUIRED) + " (and optionally price)"
            self._problem(1, None, "; ".join(reasons) + f"; the header must be {expected}")
            return None
        return names

    def _row(self, line: int, columns: list[str], row: list[str]) -> Pending | None:
        if len(row) != len(columns):
            self._problem(line, None, f"expected {len(columns)} fields, got {len(row)}")
            return None
        values = {name: value.strip() for name, value in zip(columns, row, strict=True)}
        problems: list[tuple[str | None, str]] = []
        for name in REQUIRED:
            if not values[name]:
                problems.append((name, "missing value"))
        side = values["side"].upper()
        if values["side"] and side not in SIDES:
            problems.append(("side", f"expected BUY, SELL, B or S, got {values['side']!r}"))
        shares = values["shares"]
        if len(shares) > 24:
            problems.append(("shares", f"too large: {len(shares)} digits"))
            shares = ""
        elif shares and (not _AMOUNT.match(shares) or not _positive(shares)):
            reason = (
                "expected a positive number of shares in digits (a fraction with at most 6 "
                f"decimal places, as 14.19), got {shares!r}"
            )
            problems.append(("shares", reason))
        # Placeholders for values already found wrong, so the event model reports the rest.
        data: dict[str, Any] = {
            "type": SIDES.get(side, "SharesPurchased"),
            "event_id": values["trade_id"] or "-",
            "issuer": values["issuer"] or "-",
            "holder": values["holder"] or "-",
            "shares": _amount(shares) if _AMOUNT.match(shares) and _positive(shares) else 1,
            "effective_date": values["trade_date"] or "2000-01-01",
        }
        if values.get("price"):
            data["price"] = values["price"]
        parsed = parse_event(data, line, self.origin)
        if isinstance(parsed, list):
            problems += [(_COLUMN_OF.get(p.field or "", p.field), _csv_words(p)) for p in parsed]
        elif not problems:
            return Pending(parsed, line, self.origin)
        for field, reason in problems:
            self._problem(line, field, reason)
        return None


def _csv_words(problem: Problem) -> str:
    """The event model speaks JSON; a price in a CSV file is just a number."""
    if problem.field == "price":
        return problem.reason.split(" (a string in JSON")[0] + problem.reason.split(")", 1)[-1]
    return problem.reason


def _s(items: list[str]) -> str:
    return "s" if len(items) > 1 else ""
