"""The storage interface: the rows a backend keeps, and the reads and writes it offers.

A store keeps the log (`events`) and the projections maintained beside it in the same
transaction: per-holder position changes (`positions`), the events other than plain trades
(`facts`), each holder's current position (`balances`), one row per recording run of an issuer
(`appends`, which says what each append touched) and fold checkpoints (`checkpoints`). Only the
log is the source of truth: every other table can be dropped and rebuilt from it.

Ids, stamps and the hash chain are computed above the store (`ledger.append`), and the
projections' rows by the projections; a backend only reads and writes rows, so a new backend
implements this protocol and nothing else. Dates travel as `YYYY-MM-DD` strings and instants as
fixed-width UTC strings, which compare correctly as text on every backend.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import NamedTuple, Protocol

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


class PositionRow(NamedTuple):
    """One change of one holder's record holding. `rec_seq` is the log position from which the
    change counts (the event's own seq; for a correction or a reversal, the seq of the run that
    made it), so a holding as known at an instant is the sum of the rows with `rec_seq` at or
    before the last seq recorded by then. `kind`: 0 a move, 1 a split, 2 an adopted report, 3 an
    opening report (both state the position: `target`)."""

    issuer: str
    effective_date: str
    seq: int
    holder: str
    security: str  # "" the common stock
    nature: str  # "" held directly
    rec_seq: int
    delta: int
    kind: int
    target: int | None


class FactRow(NamedTuple):
    """An event other than a plain trade, with the names it gives and (for a void) its target."""

    issuer: str
    effective_date: str
    seq: int
    type: str
    person: str | None
    other: str | None
    target_seq: int | None
    payload: str


class Balance(NamedTuple):
    """A holder's position over its whole known history, and the last point that changed it."""

    issuer: str
    holder: str
    security: str
    nature: str
    position: int
    last_date: str
    last_seq: int


class HolderSpan(NamedTuple):
    """When a holder's position in one class changed, as known at some seq: the first and last
    effective dates and the number of events that changed it (splits and voided events aside)."""

    holder: str
    security: str
    first_date: str
    last_date: str
    changes: int


class AppendRow(NamedTuple):
    """A run of one issuer's events recorded at one instant, and the earliest date it touched
    (a void touches its target's date): what a checkpoint's validity is judged by."""

    issuer: str
    first_seq: int
    last_seq: int
    recorded_at: str
    min_date: str
    max_date: str
    events: int


class CheckpointRow(NamedTuple):
    """The fold's state at the end of `through`, built from the issuer's events up to
    `built_seq`; `changes` are the timeline changes since the checkpoint it was folded from
    (`previous`, `previous_seq`: that one's `through` and `built_seq`; None for the first)."""

    issuer: str
    through: str
    built_seq: int
    previous: str | None
    previous_seq: int | None
    counted: int
    state: bytes
    changes: bytes
    format: int  # the codec's version: a checkpoint of another is ignored


class Head(NamedTuple):
    seq: int
    hash: str
    recorded_at: str  # "" for an empty log


class IssuerSummary(NamedTuple):
    issuer: str
    events: int
    first_date: str
    last_date: str
    last_recorded_at: str


class Reader(Protocol):
    """Reads inside one consistent transaction."""

    def head(self) -> Head: ...

    def issuers(self) -> list[IssuerSummary]: ...

    def known_seq(self, issuer: str, recorded_at: str | None) -> int: ...

    def identities(self) -> list[tuple[str, str, str | None]]:
        """(issuer key, CIK, ticker) of every `IssuerIdentified`, in log order."""
        ...

    def events(
        self,
        issuer: str | None = None,
        *,
        upto_seq: int | None = None,
        after_date: str | None = None,
        through_date: str | None = None,
        replay_order: bool = True,
    ) -> Iterator[Recorded]: ...

    def page(self, after_seq: int, limit: int) -> list[tuple[Recorded, str]]:
        """The next `limit` events after `after_seq` in seq order, each with its payload."""
        ...

    def events_by_seq(self, seqs: Iterable[int]) -> dict[int, Recorded]: ...

    def clock_notes(self) -> dict[int, tuple[str, str]]:
        """Each clamped batch's first seq: (the clock's reading, the stamp given instead)."""
        ...

    def facts(
        self, issuer: str, upto_seq: int, through_date: str | None = None
    ) -> list[FactRow]: ...

    def holdings(
        self, issuer: str, through_date: str, upto_seq: int
    ) -> dict[tuple[str, str, str], int]: ...

    def holder_spans(self, issuer: str, through_date: str, upto_seq: int) -> list[HolderSpan]:
        """Every holder's span of position changes effective by `through_date` and counted at
        `upto_seq`, by holder and class."""
        ...

    def adopted(self, issuer: str, through_date: str, upto_seq: int) -> list[PositionRow]: ...

    def position_rows(
        self, issuer: str, from_date: str, holders: Iterable[str] | None
    ) -> Iterator[PositionRow]: ...

    def rows_of_event(self, issuer: str, effective_date: str, seq: int) -> list[PositionRow]: ...

    def sums_from(
        self, issuer: str, effective_date: str, seq: int
    ) -> dict[tuple[str, str, str], int]: ...

    def named_after(
        self, issuer: str, holders: Sequence[str], after_seq: int
    ) -> list[tuple[int, str]]: ...

    def naming(
        self, issuer: str, names: Iterable[str], through_date: str, upto_seq: int
    ) -> list[int]: ...

    def balances(
        self, issuer: str, accounts: Iterable[tuple[str, str, str]] | None = None
    ) -> dict[tuple[str, str, str], Balance]: ...

    def earliest_touch(self, issuer: str, after_seq: int, upto_seq: int) -> str | None: ...

    def checkpoint_heads(
        self, issuer: str
    ) -> list[tuple[str, int, str | None, int | None, int, int]]:
        """(through, built_seq, previous, previous_seq, counted, format) of each checkpoint,
        by date."""
        ...

    def issuer_events(self, issuer: str) -> int: ...

    def checkpoint(self, issuer: str, through: str, built_seq: int) -> CheckpointRow | None: ...

    def chain(self, after_seq: int = 0) -> Iterator[ChainRow]:
        """The rows after `after_seq` as the chain sees them, in seq order."""
        ...

    def projected_seq(self) -> int:
        """The last seq the maintained projections hold (0: none)."""
        ...


class Writer(Reader, Protocol):
    """Writes inside the one transaction that holds the write lock; all or nothing."""

    def stored_ids(self, ids: Sequence[str]) -> dict[str, tuple[int, str, str, str, str]]:
        """For each id already in the log: (seq, payload, issuer, type, effective_date)."""
        ...

    def insert_events(self, rows: Sequence[EventRow]) -> None: ...

    def note_clock(self, seq: int, clock_at: str, recorded_at: str) -> None:
        """The batch from `seq` was stamped `recorded_at` although the clock read `clock_at`."""
        ...

    def insert_positions(self, rows: Sequence[PositionRow]) -> None: ...

    def add_positions(self, rows: Sequence[PositionRow]) -> None: ...

    def insert_facts(self, rows: Sequence[FactRow]) -> None: ...

    def put_balances(self, rows: Sequence[Balance]) -> None: ...

    def insert_appends(self, rows: Sequence[AppendRow]) -> None: ...

    def insert_checkpoints(self, rows: Sequence[CheckpointRow]) -> None: ...

    def drop_checkpoints(self, issuer: str | None = None) -> None: ...

    def drop_checkpoint(self, issuer: str, through: str, built_seq: int) -> None: ...

    def clear_projections(self) -> None: ...


class Store(Protocol):
    url: str

    def init(self) -> bool: ...

    def close(self) -> None: ...

    def reading(self) -> AbstractContextManager[Reader]: ...

    def writing(self, dry_run: bool = False) -> AbstractContextManager[Writer]: ...

    def verify(
        self,
        expect: tuple[int, str] | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> Verification: ...
