"""The JSON Lines feed: one event per line, exactly as `ledger.events` defines them.

Reading is streamed: iterating a `JsonlFeed` yields each good event as a `Pending` (with its line
number and origin, for error messages later) and records every bad line in `problems`, so one run
reports all of them. Blank lines are skipped. Fields the ledger assigns (`seq`, `recorded_at`,
`hash`, `prev_hash`) are dropped by `parse_event`, so an exported log re-ingests elsewhere.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from ledger.errors import Problem
from ledger.events import parse_event
from ledger.feeds.base import LineFeed
from ledger.log import Pending


class JsonlFeed(LineFeed):
    """Events parsed from lines of JSON; iterate once, then read `problems`."""

    def __iter__(self) -> Iterator[Pending]:
        for number, text in enumerate(self._lines, start=1):
            self.lines_read = number
            if not text.strip():
                continue
            try:
                raw = json.loads(text.rstrip("\r\n"))
            except json.JSONDecodeError as exc:
                reason = f"malformed JSON: {exc.msg} (column {exc.colno})"
                self.problems.append(Problem(number, None, reason, self.origin))
                continue
            parsed = parse_event(raw, number, self.origin)
            if isinstance(parsed, list):
                self.problems.extend(parsed)
            else:
                yield Pending(parsed, number, self.origin)
