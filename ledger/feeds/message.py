"""A broker's messages as events: each message is one event, in a text feed's shape.

A message is a JSON object, as one line of a JSON Lines feed, or one row of the CSV trade feed,
whose header is given once for the whole stream (`owl follow --csv-header`). It is read by the
parsers `owl ingest` uses (`JsonlFeed`, `CsvFeed`, after `sniff` tells a JSON object from a CSV
row) over the message's own lines (`bounded_lines`: UTF-8, at most `MAX_LINE` bytes), so a message
means exactly what the same line means in a file.

A message is refused, with the field and the reason (what a dead letter carries), when it cannot
be read as text, holds no event or more than one, has any problem the same line in a file would
have, or carries no id of its own (`event_id`; a CSV row's `trade_id`). Its id is what makes a
second delivery of the message a no-op; the broker's own sequence number cannot stand in for it,
since the same trade published again, or to another stream, gets another.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from itertools import chain

from owl.ledger.errors import Problem
from owl.ledger.events import AnyEvent
from owl.ledger.feeds import FeedRefused, sniff
from owl.ledger.feeds.csv import CsvFeed
from owl.ledger.feeds.jsonl import JsonlFeed
from owl.ledger.feeds.lines import Unreadable, bounded_lines


@dataclass(frozen=True)
class Refusal:
    """Why a message is not an event: the field (when one is to blame) and the reason."""

    field: str | None
    reason: str

    def __str__(self) -> str:
        return f"field '{self.field}': {self.reason}" if self.field else self.reason


class MessageReader:
    """Reads messages as events: JSON objects, and CSV trade rows under `csv_header` when given
    (without it a message that is not a JSON object is refused)."""

    def __init__(self, csv_header: str | None = None) -> None:
        self.header = None if csv_header is None else csv_header.strip("\r\n") + "\n"
        if self.header is not None:
            problem = header_problem(self.header)
            if problem is not None:
                raise FeedRefused(f"the CSV header {csv_header!r}: {problem}", usage=True)

    def read(self, data: bytes) -> AnyEvent | Refusal:
        try:
            lines = list(bounded_lines(io.BytesIO(data)))
        except Unreadable as exc:
            where = "the message" if exc.number == 1 else f"line {exc.number} of the message"
            return Refusal(None, f"{where} {exc.reason}")
        if not any(line.strip() for line in lines):
            return Refusal(None, "the message is empty; a message carries one event")
        fmt, _ = sniff(iter(lines))
        if fmt == "jsonl":
            feed: JsonlFeed | CsvFeed = JsonlFeed(lines)
        elif fmt == "csv" and self.header is not None:
            feed = CsvFeed(chain([self.header], lines))
        else:
            return Refusal(
                None,
                "not a JSON object"
                + ("" if self.header is not None else " (a CSV trade row needs --csv-header)"),
            )
        events = list(feed)
        if feed.problems:
            return _refusal(feed.problems)
        if len(events) != 1:
            return Refusal(None, f"the message holds {len(events)} events; a message carries one")
        event = events[0].event
        if event.event_id is None:
            return Refusal(
                "event_id",
                "missing: a message must carry its own id (event_id; trade_id in CSV), which "
                "makes a second delivery of it a no-op",
            )
        return event


def header_problem(header: str) -> str | None:
    """What is wrong with a CSV trade feed's header line, or None."""
    feed = CsvFeed([header])
    list(feed)
    return feed.problems[0].reason if feed.problems else None


def _refusal(problems: list[Problem]) -> Refusal:
    """One refusal for a message's problems (a message is one line: no line numbers)."""
    if len(problems) == 1:
        return Refusal(problems[0].field, problems[0].reason)
    return Refusal(None, "; ".join(str(Problem(None, p.field, p.reason)) for p in problems))
