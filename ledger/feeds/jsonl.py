"""The JSON Lines feed: one event per line, exactly as `ledger.events` defines them.

Reading is streamed: iterating a `JsonlFeed` yields each good event as a `Pending` (with its line
number and origin, for error messages later) and records every bad line in `problems`, so one run
reports all of them. Blank lines are skipped. Fields the ledger assigns (`seq`, `recorded_at`,
`hash`, `prev_hash`) are dropped by `parse_event`, so an exported log re-ingests elsewhere.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator

from pydantic import ValidationError

from owl.ledger.errors import Problem
from owl.ledger.events import AnyEvent, parse_event, validate_line
from owl.ledger.events.plain import trade_from_json
from owl.ledger.feeds.base import LineFeed
from owl.ledger.log import Pending, format_instant, parse_known_at


class JsonlFeed(LineFeed):
    """Events parsed from lines of JSON; iterate once, then read `problems`.

    With `keep_recorded_at` (a restore from `owl log --format jsonl`), each line's `recorded_at`
    is kept instead of being stamped afresh, so the copy's chain is the original's.
    """

    def __init__(
        self, lines: Iterable[str], origin: str | None = None, keep_recorded_at: bool = False
    ) -> None:
        super().__init__(lines, origin)
        self.keep_recorded_at = keep_recorded_at

    def __iter__(self) -> Iterator[Pending]:
        for number, text in enumerate(self._lines, start=1):
            self.lines_read = number
            if not text.strip():
                continue
            if not self.keep_recorded_at:
                fast = _fast(text)
                if fast is not None:
                    yield Pending(fast, number, self.origin)
                    continue
            try:
                raw = json.loads(text.rstrip("\r\n"), object_pairs_hook=_no_repeats)
            except json.JSONDecodeError as exc:
                reason = f"malformed JSON: {exc.msg} (column {exc.colno})"
                self.problems.append(Problem(number, None, reason, self.origin))
                continue
            except _Repeated as exc:
                reason = f"the key '{exc.key}' is given twice (JSON objects have one of each)"
                self.problems.append(Problem(number, exc.key, reason, self.origin))
                continue
            except (ValueError, RecursionError) as exc:  # a number too long, nesting too deep
                reason = (
                    f"malformed JSON: {exc if isinstance(exc, ValueError) else 'nested too deeply'}"
                )
                self.problems.append(Problem(number, None, reason, self.origin))
                continue
            parsed = parse_event(raw, number, self.origin)
            kept = self._recorded_at(raw, number) if self.keep_recorded_at else None
            if isinstance(parsed, list):
                self.problems.extend(parsed)
            elif kept != "":
                yield Pending(parsed, number, self.origin, kept)

    def _recorded_at(self, raw: object, number: int) -> str | None:
        """The line's own recorded_at, canonical; "" (and a problem) when missing or bad."""
        value = raw.get("recorded_at") if isinstance(raw, dict) else None
        try:
            if not isinstance(value, str):
                raise ValueError("missing: a restore keeps each event's recorded_at")
            return format_instant(parse_known_at(value))
        except ValueError as exc:
            self.problems.append(Problem(number, "recorded_at", str(exc), self.origin))
            return ""


_SPACED_KEY = re.compile(r'"\s+:')


def _fast(text: str) -> AnyEvent | None:
    """The event on a well-formed line, parsed and validated in one pass by the validator's own
    JSON reader; None sends the line the careful way. The validator keeps the last of repeated
    keys, so a line is taken here only when its count of keys (`":` after each) equals the
    fields it set: a repeat, or a key written `"key" :`, goes the careful way, which names it."""
    event: AnyEvent | None = trade_from_json(text)  # a plain trade, read by hand (the same)
    if event is None:
        try:
            event = validate_line(text)
        except ValidationError:
            return None
    if text.count('":') != len(event.model_fields_set) or _SPACED_KEY.search(text):
        return None
    return event


class _Repeated(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(f"repeated key {key!r}")
        self.key = key


def _no_repeats(pairs: list[tuple[str, object]]) -> dict[str, object]:
    found = dict(pairs)
    if len(found) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _Repeated(key)
            seen.add(key)
    return found
