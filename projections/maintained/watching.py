"""The obligations' watches kept in checkpoints, so `owl obligations` folds only the tail.

`owl.projections.domain.watch.Watch` collects, day by day beside the fold, what the filing
obligations are found from (each class's points, transactions, filings, insiders). A checkpoint
keeps the watches of every class the issuer has as they stood at the end of its date, in two
parts, both compressed JSON:
- `watch`: what a watch holds as a whole (its maps and sets, the count each of its lists had);
- `watch_new`: the entries its lists gained since the checkpoint the build folded from, as the
  timeline changes are kept, so a million-event history stores each point once, not once per
  checkpoint.
A view resumes the watches from the best valid checkpoint whose watches cover the classes it
asks for: the lists are the chain's `watch_new` parts in order (their lengths must add up to
the counts `watch` states, else the checkpoint is corrupt and passed over), the rest is
`watch`. Every value is an int, a string, a bool, None, a date, a set, a tuple or a fractional
amount (a `Decimal`); each of the last four is a one-key object whose key no name can be (names
refuse control characters). Maps and sets are written sorted, so the same watches give the same
bytes however they were reached (`owl verify` compares them with a rebuild's).
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from owl.ledger.log import Recorded
from owl.ledger.store import Reader
from owl.projections.domain.filings import Filing
from owl.projections.domain.fold import Fold
from owl.projections.domain.watch import Intent, Point, Transaction, Watch
from owl.projections.maintained import tables
from owl.projections.maintained.tables import CheckpointRow

# The lists a watch only ever appends to, each with how an entry is rebuilt from its tuple.
LISTS: dict[str, Any] = {
    "points": lambda t: Point(*t),
    "transactions": lambda t: Transaction(*t),
    "intents": lambda t: Intent(*t),
    "became": tuple,
    "became_unknown": tuple,
    "fiscal": tuple,
}
# Everything else a watch holds at a date's end (`_today`, the events of dates not yet judged,
# is empty then for every date up to the checkpoint's: the fold reads those again).
WHOLE = (
    "voting",
    "last_day",
    "filings",
    "_last",
    "_tracked",
    "_over_ten",
    "_insiders",
    "_outstanding",
    "_reported",
    "_intending",
    "_control",
)
_DATE, _SET, _TUPLE, _DECIMAL = "\u0000t", "\u0000s", "\u0000u", "\u0000d"


def _encode(value: Any) -> Any:
    if isinstance(value, bool | int | str) or value is None:
        return value
    if isinstance(value, Decimal):
        return {_DECIMAL: format(value, "f")}
    if isinstance(value, date):
        return {_DATE: value.isoformat()}
    if isinstance(value, set | frozenset):
        return {_SET: [_encode(v) for v in sorted(value)]}
    if isinstance(value, tuple):
        return {_TUPLE: [_encode(v) for v in value]}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _encode(v) for k, v in value.items()}
    raise TypeError(f"{type(value).__name__} is not part of a watch")


def _decoded(raw: dict[str, Any]) -> Any:
    if len(raw) == 1:
        ((key, value),) = raw.items()
        if key == _DATE:
            return date.fromisoformat(value)
        if key == _SET:
            return frozenset(value)
        if key == _TUPLE:
            return tuple(value)
        if key == _DECIMAL:
            return Decimal(value)
    return raw


def _dump(body: Any) -> bytes:
    text = json.dumps(_encode(body), separators=(",", ":"), sort_keys=True)
    return zlib.compress(text.encode(), 1)


def _load(blob: bytes) -> Any:
    return json.loads(zlib.decompress(blob), object_hook=_decoded)


Marks = tuple[tuple[int, ...], ...]  # per watch, the length of each of its lists


class Watches:
    """The watch of each class of an issuer (the common stock's first), beside one fold."""

    def __init__(self, fold: Fold, classes: Iterable[str]) -> None:
        self.classes = tuple(dict.fromkeys(("", *classes)))
        self.watches = [Watch(fold, c) for c in self.classes]

    def noted(self, records: Iterable[Recorded]) -> Iterator[Recorded]:
        """The records, each noted by every watch before the fold reads it."""
        for record in records:
            for watch in self.watches:
                watch.note(record)
            yield record

    def __call__(self, day: date, counted: int) -> None:
        for watch in self.watches:
            watch(day, counted)

    def only(self, classes: Sequence[str]) -> list[Watch]:
        """The watches of `classes` ("" first), as `obligations.from_records` would make them."""
        by_class = dict(zip(self.classes, self.watches, strict=True))
        return [by_class[c] for c in dict.fromkeys(("", *classes))]

    def marks(self) -> Marks:
        return tuple(tuple(len(getattr(w, name)) for name in LISTS) for w in self.watches)

    def encode_whole(self) -> bytes:
        return _dump(
            {
                "classes": list(self.classes),
                "watches": [
                    {
                        **{name: getattr(w, name) for name in WHOLE},
                        "filings": {k: tuple(f) for k, f in sorted(w.filings.items())},
                        "counts": [len(getattr(w, name)) for name in LISTS],
                    }
                    for w in self.watches
                ],
            }
        )

    def encode_new(self, since: Marks | None) -> bytes:
        """The entries each list gained after `since` (None: all of them)."""
        body = []
        for i, w in enumerate(self.watches):
            starts = since[i] if since is not None else (0,) * len(LISTS)
            body.append({name: getattr(w, name)[starts[n] :] for n, name in enumerate(LISTS)})
        return _dump(body)

    @classmethod
    def restore(cls, fold: Fold, whole: bytes, parts: Sequence[bytes]) -> Watches:
        """The watches a checkpoint holds (`parts`: the chain's `watch_new`, oldest first),
        beside `fold` (whether they cover the classes wanted is `covers`'s to say). Raises
        ValueError when the parts do not add up to what `whole` states."""
        body = _load(whole)
        stored = tuple(body["classes"])
        watches = cls.__new__(cls)
        watches.classes = stored
        watches.watches = []
        segments = [_load(p) for p in parts]
        for i, (security, raw) in enumerate(zip(stored, body["watches"], strict=True)):
            watch = Watch(fold, security)
            for name in WHOLE:
                setattr(watch, name, raw[name])
            watch.filings = {k: Filing(*f) for k, f in raw["filings"].items()}
            watch._insiders = set(watch._insiders)
            watch._intending = set(watch._intending)
            watch._control = {k: set(v) for k, v in watch._control.items()}
            watch._last = {k: (held, base) for k, (held, base) in watch._last.items()}
            for n, (name, rebuilt) in enumerate(LISTS.items()):
                entries = [rebuilt(t) for segment in segments for t in segment[i][name]]
                if len(entries) != raw["counts"][n]:
                    raise ValueError(f"the watch's {name} do not add up")
                setattr(watch, name, entries)
            watches.watches.append(watch)
        return watches


def watched_classes(reader: Reader, issuer: str) -> tuple[str, ...]:
    """The classes whose watches a build keeps: every class the issuer has ("" first)."""
    return tuple(dict.fromkeys(("", *tables.classes(reader, issuer))))


def covers(row: CheckpointRow, classes: Sequence[str] | None, reader: Reader) -> bool:
    """Does the checkpoint hold watches of `classes` (None: exactly the build's own)? Read
    from its `watch` alone, before any of its chain is. Raises when that cannot be decoded."""
    if row.watch is None:
        return False
    stored = tuple(_load(row.watch)["classes"])
    if classes is None:
        return stored == watched_classes(reader, row.issuer)
    return set(("", *classes)) <= set(stored)


def watches_at(reader: Reader, row: CheckpointRow, fold: Fold) -> Watches | None:
    """The watches the checkpoint `row` holds, beside `fold` (it `covers` the classes): None
    when a checkpoint of its chain is gone. Raises when one of the chain cannot be decoded."""
    assert row.watch is not None
    parts: list[bytes] = []
    step: CheckpointRow | None = row
    while step is not None:
        if step.watch_new is None:
            return None
        parts.append(step.watch_new)
        if step.previous is None or step.previous_seq is None:
            break
        step = tables.checkpoint(reader, row.issuer, step.previous, step.previous_seq)
        if step is None:
            return None  # the chain was pruned or changed: fold from the log
    return Watches.restore(fold, row.watch, parts[::-1])
