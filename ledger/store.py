"""The log store: the rows of the log, and the few reads and writes a backend offers.

A store keeps the log (`events`, with its clock notes and id aliases): rows appended, ranges and
heads read, every row streamed for `verify`. It knows no event type: ids, stamps and the hash
chain are computed above it (`owl.ledger.append`). The tables derived from the log are kept in
the same database and transaction, but their SQL belongs to the projections that maintain them
(`owl.projections.maintained.tables`), which reach them through the `Sql` port; only the log is
the source of truth. A new backend implements `Store`, `Writer` (9 methods of the log) and the
6 statements of `Sql`, and nothing else. Dates travel as `YYYY-MM-DD` strings and instants as
fixed-width UTC strings, which compare correctly as text on every backend.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Any, Literal, NamedTuple, Protocol

from owl.ledger.chain import ChainRow, Verification
from owl.ledger.log import Recorded


class EventRow(NamedTuple):
    seq: int
    event_id: str
    issuer: str
    type: str
    effective_date: str
    recorded_at: str
    payload: str
    prev_hash: str
    hash: str


class Head(NamedTuple):
    seq: int
    hash: str
    recorded_at: str  # "" for an empty log


class Sql(Protocol):
    """The port through which the derived tables are read and written: plain statements with
    `?` parameters, in the reader's or writer's transaction. The tables and their SQL belong to
    the code that maintains them (`owl.projections.maintained.tables`), not to the store."""

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[Any]: ...

    def stream(self, sql: str, params: Sequence[Any] = ()) -> Iterator[Any]: ...

    def one_of(
        self, column: str, values: Sequence[Any], kind: str = "text"
    ) -> tuple[str, list[Any]]: ...

    def insert(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None: ...

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None: ...

    def execute_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None: ...


InitState = Literal["created", "upgraded", "current"]  # what `init` did ("current": checked only)


class Reader(Sql, Protocol):
    """Reads of the log, inside one transaction."""

    def head(self) -> Head: ...

    def events(
        self,
        issuer: str | None = None,
        *,
        upto_seq: int | None = None,
        after_date: str | None = None,
        through_date: str | None = None,
        replay_order: bool = True,
        seq_scan: bool = False,
    ) -> Iterator[Recorded]:
        """The events in replay order `(effective_date, seq)` (or seq order), streamed. With
        `seq_scan` (seq order only), walk the log in seq order and filter, rather than sort
        what the issuer's index finds: the first rows come at once, which is faster when the
        issuer is most of the log."""
        ...

    def page(self, after_seq: int, limit: int) -> list[tuple[Recorded, str]]:
        """The next `limit` events after `after_seq` in seq order, with their stored payloads."""
        ...

    def events_by_seq(self, seqs: Iterable[int]) -> dict[int, Recorded]: ...

    def chain(self, after_seq: int = 0) -> Iterator[ChainRow]:
        """Every row after `after_seq` as stored, in seq order, for the chain check."""
        ...

    def clock_notes(self) -> dict[int, tuple[str, str]]:
        """The batches stamped after the last stamp because the clock read earlier."""
        ...


class Writer(Reader, Protocol):
    """Reads and writes of the log, inside the append's transaction."""

    def stored_ids(self, ids: Sequence[str]) -> dict[str, tuple[int, str, str, str, str]]:
        """The events already stored under these ids: seq, payload, issuer, type, date."""
        ...

    def stored_aliases(self, names: Sequence[str]) -> dict[str, int]:
        """The seq of the event each name is known by, as its id or as a recorded alias."""
        ...

    def insert_events(
        self, rows: Sequence[EventRow], aliases: Sequence[tuple[str, int]] = ()
    ) -> None:
        """Write the rows, and the (alias, seq) of the other ids their events are known by."""
        ...

    def note_clock(self, seq: int, clock_at: str, recorded_at: str) -> None: ...


class Store(Protocol):
    url: str

    def init(self) -> InitState: ...

    def close(self) -> None: ...

    def reading(self) -> AbstractContextManager[Reader]: ...

    def writing(self, dry_run: bool = False) -> AbstractContextManager[Writer]: ...

    def verify(
        self,
        expect: tuple[int, str] | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> Verification: ...
