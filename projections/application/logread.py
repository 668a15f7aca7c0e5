"""The raw log as an auditor reads it: in seq order, as known at an instant, filtered.

Filters are checked before anything is read (an unknown type, a bad date, a range that ends
before it starts are refused at once); the records then stream from the store, stopping at the
first one recorded after the instant (seq order is recording order).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from typing import NamedTuple

from owl.ledger.errors import LedgerError
from owl.ledger.events import TYPE_NAMES, involved
from owl.ledger.log import Recorded, format_instant
from owl.ledger.store import Store
from owl.projections.application.inputs import DateLike, InstantLike, as_instant, date_range
from owl.projections.domain.identity import as_asked


class LogFilter(NamedTuple):
    stamp: str | None  # known at: nothing recorded after it
    types: frozenset[str] | None
    holder: str | None  # named as holder, person, affiliate, either side of a transfer (as
    # asked: case and spacing aside)
    first: date | None
    last: date | None

    @classmethod
    def of(
        cls,
        known_at: InstantLike,
        types: Iterable[str] | None,
        holder: str | None,
        start: DateLike | None,
        end: DateLike | None,
    ) -> LogFilter:
        moment = as_instant(known_at)
        wanted = None if types is None else frozenset(types)
        unknown = sorted((wanted or frozenset()) - set(TYPE_NAMES))
        if unknown:
            raise LedgerError(
                f"no event type named {', '.join(map(repr, unknown))} "
                f"(the types: {', '.join(sorted(TYPE_NAMES))})"
            )
        first, last = date_range(start, end)
        stamp = format_instant(moment) if moment is not None else None
        name = as_asked(unicodedata.normalize("NFC", holder)) if holder else None
        return cls(stamp, wanted, name, first, last)

    def records(self, store: Store, issuer: str | None, share: float = 0.0) -> Iterator[Recorded]:
        """The matching records of one issuer (None: all), read lazily. `share`: the issuer's
        part of the log; when it is a quarter or more, the log is walked in seq order (its
        first lines come at once), else the issuer's events are found by its index."""
        after = (self.first - timedelta(days=1)).isoformat() if self.first is not None else None
        through = self.last.isoformat() if self.last is not None else None
        with store.reading() as reader:
            records = reader.events(
                issuer, after_date=after, through_date=through, replay_order=False,
                seq_scan=share >= 0.25,
            )  # fmt: skip
            for record in records:
                if self.stamp is not None and record.recorded_at > self.stamp:
                    break
                if self.types is not None and record.event.type not in self.types:
                    continue
                if self.holder is not None and not any(
                    as_asked(name) == self.holder for name in involved(record.event)
                ):
                    continue
                yield record
