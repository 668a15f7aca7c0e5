"""Appending: ids, stamps and the hash chain, computed once above every store, streamed in chunks.

An append is one transaction holding the store's write lock: all of the batch or none of it. The
batch is read in bounded chunks, so a feed of millions of lines never sits in memory at once.
For each event: its canonical payload and id (the one given, or one derived from the content, so
re-sending the same event is a no-op); whether the id is new, already in the log with the same
content ("already present"), given twice in this input ("repeated"), or used for different
content (an error naming both lines); then, for a new event, its `seq`, its `recorded_at` and its
place in the chain.

Stamps: an append is stamped once, with an instant or with a clock read under the write lock (so
concurrent writers stamp in commit order, strictly after every committed row). An event restored
from an export keeps its own stamp. A stamp may equal but never precede the one before it. Each
maximal stretch of one issuer's events with one stamp is a *run*; the projections maintained
beside the log (`Maintainer`) are told about every chunk and every run, and check the batch at the
end: a problem anywhere refuses all of it.

Longer than the ~300 lines STYLE.md asks: the append is one transaction whose steps must run in one
order (ids and idempotency, stamps, the hash chain, voids, runs, the maintainer's chunks).
"""

from __future__ import annotations

import hashlib
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple, Protocol

from owl.ledger.chain import row_hash
from owl.ledger.errors import (
    DuplicateEventId,
    InvalidEvents,
    Problem,
    RecordedAtBackwards,
    UnknownEventId,
    conflicting_id,
    unknown_void,
)
from owl.ledger.events import AnyEvent, EventVoided, canonical_payload, event_from_payload
from owl.ledger.log import AppendResult, Clock, Pending, Recorded, after, format_instant
from owl.ledger.store import EventRow, Store, Writer

CHUNK = 2000


class Appended(NamedTuple):
    """A new event as written, with the input line it came from (for error messages)."""

    record: Recorded
    line: int | None
    origin: str | None
    payload: str  # the canonical payload as stored (what a reader would parse)


class Void(NamedTuple):
    """A correction in this batch and the event it voids."""

    appended: Appended
    target_seq: int
    target_date: str
    target_type: str


@dataclass(frozen=True)
class Run:
    """One issuer's events recorded at one instant, in seq order (not necessarily contiguous:
    other issuers' events may sit between them)."""

    issuer: str
    first_seq: int
    last_seq: int
    recorded_at: str
    voids: tuple[Void, ...]


class Maintainer(Protocol):
    """Keeps the projections beside the log, inside the append's transaction."""

    line_of: Callable[[int], tuple[int | None, str | None]]

    def chunk(self, writer: Writer, appended: Sequence[Appended], start_seq: int) -> None: ...

    def run_ended(self, writer: Writer, run: Run) -> None: ...

    def finish(self, writer: Writer) -> None: ...


def _normalized(stored_payload: str, event_id: str) -> str:
    """A stored payload as this owl writes it (an older owl stored names as given)."""
    return canonical_payload(event_from_payload(stored_payload, event_id))


def event_id_of(event: AnyEvent, payload: str) -> str:
    """The event's own id, or one derived from its content so re-ingesting it is a no-op."""
    if event.event_id is not None:
        return event.event_id
    return f"sha256:{hashlib.sha256(payload.encode()).hexdigest()[:32]}"


ProblemsSeen = Callable[[], tuple[list[Problem], int]]  # problems met while reading: (shown, total)


def append(
    store: Store,
    batch: Iterable[Pending],
    recorded_at: datetime | Clock,
    maintainer: Maintainer | None = None,
    dry_run: bool = False,
    problems: ProblemsSeen | None = None,
) -> AppendResult:
    """Append a batch in one transaction: all of it, or (on any error) none of it.

    The batch is read as it is appended; `problems` says, once it has all been read, what was
    wrong with the input (a malformed line): any refuses the batch before anything else is
    checked. `dry_run` does everything, writes included, then rolls the transaction back: the
    result is what the append would have done, and the log is unchanged.
    """
    with store.writing(dry_run=dry_run) as writer:
        appender = _Appender(writer, recorded_at, maintainer)
        if maintainer is not None:
            maintainer.line_of = appender.line_of
        for chunk in _chunks(batch, CHUNK):
            appender.add(chunk)
        if problems is not None:
            shown, total = problems()
            if total:
                raise InvalidEvents(shown, total=total)
        return appender.end()


def _chunks(batch: Iterable[Pending], size: int) -> Iterator[list[Pending]]:
    chunk: list[Pending] = []
    for pending in batch:
        chunk.append(pending)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class _Appender:
    def __init__(
        self, writer: Writer, recorded_at: datetime | Clock, maintainer: Maintainer | None
    ) -> None:
        self.w = writer
        self.maintainer = maintainer
        head = writer.head()
        self.start_seq = self.seq = head.seq
        self.prev = head.hash
        self.last = head.recorded_at
        self.clamped = False
        self.clock_at = ""
        if callable(recorded_at):
            # A clock's stamp is made strictly later than every committed row, so a reader's
            # "known at the latest stamp I saw" never gains rows later.
            stamp = format_instant(recorded_at())
            if self.last and stamp <= self.last:
                self.clock_at = stamp
                stamp, self.clamped = after(self.last), True
        else:
            stamp = format_instant(recorded_at)
        if self.last and stamp < self.last:
            raise RecordedAtBackwards(stamp, self.last)
        self.stamp = stamp
        self.present = self.repeated = 0
        self.conflicts: list[Problem] = []
        self.void_problems: list[Problem] = []
        self.lines = array("q")  # input line of each new event, by seq - start_seq - 1
        self.origins: list[str | None] = []
        self.origin_of = array("H")
        self.runs: dict[str, _OpenRun] = {}
        self.run_stamp: str | None = None
        self.local_aliases: set[str] = set()  # every name of this batch's new aliased events
        self.alias_rows: list[tuple[str, int]] = []  # written with the next rows

    # --- chunks ------------------------------------------------------------------------------

    def add(self, chunk: Sequence[Pending]) -> None:
        keyed = []
        for pending in chunk:
            payload = canonical_payload(pending.event)
            keyed.append((pending, payload, event_id_of(pending.event, payload)))
        stored = self.w.stored_ids(list({eid for _, _, eid in keyed}))
        # An event that carries aliases is named by what it is: found by any of its names (its
        # own id among them, recorded as another's alias), it is present whatever its provenance.
        names = {n for p, _, eid in keyed if p.aliases for n in (eid, *p.aliases)}
        aliased = self.w.stored_aliases(sorted(names)) if names else {}
        local: dict[str, tuple[str, int | None]] = {}
        rows: list[EventRow] = []
        appended: list[Appended] = []
        for pending, payload, eid in keyed:
            if eid in local or eid in stored:
                self._known(pending, payload, eid, local, stored)
                continue
            names_of = (eid, *pending.aliases) if pending.aliases else ()
            known_as = next((n for n in names_of if n in aliased or n in self.local_aliases), None)
            if known_as is not None:
                seq = aliased.get(known_as)
                in_batch = seq is None or seq > self.start_seq
                if in_batch:
                    self.repeated += 1
                else:
                    self.present += 1
                continue
            row_stamp = pending.recorded_at or self.stamp
            if row_stamp < self.last:
                raise RecordedAtBackwards(row_stamp, self.last)
            if self.run_stamp is not None and row_stamp != self.run_stamp:
                self._flush(rows, appended)
                rows, appended = [], []
                self._end_runs()
            self.run_stamp = self.last = row_stamp
            local[eid] = (payload, pending.line)
            rows.append(self._row(pending, payload, eid, row_stamp, appended))
            if pending.aliases:
                self.local_aliases.add(eid)
            for alias in pending.aliases:
                if alias != eid and alias not in self.local_aliases:
                    self.local_aliases.add(alias)
                    self.alias_rows.append((alias, self.seq))
        self._flush(rows, appended)

    def _known(
        self,
        pending: Pending,
        payload: str,
        eid: str,
        local: dict[str, tuple[str, int | None]],
        stored: dict[str, tuple[int, str, str, str, str]],
    ) -> None:
        if eid in local:
            same, first_line, in_batch = local[eid][0] == payload, local[eid][1], True
        else:
            seq, stored_payload, _, _, _ = stored[eid]
            in_batch = seq > self.start_seq
            first_line = self.lines[seq - self.start_seq - 1] if in_batch else None
            same = stored_payload == payload or _normalized(stored_payload, eid) == payload
        if not same:
            self.conflicts.append(
                conflicting_id(eid, pending.line, pending.origin, first_line, in_batch)
            )
        elif in_batch:
            self.repeated += 1
        else:
            self.present += 1

    def _row(
        self,
        pending: Pending,
        payload: str,
        eid: str,
        stamp: str,
        appended: list[Appended],
    ) -> EventRow:
        self.seq += 1
        ev = pending.event
        effective = ev.effective_date.isoformat()
        prev = self.prev
        self.prev = row_hash(prev, self.seq, eid, ev.issuer, ev.type, effective, stamp, payload)
        row = EventRow(
            self.seq, eid, ev.issuer, ev.type, effective, stamp, payload, prev, self.prev
        )
        self.lines.append(pending.line if pending.line is not None else -1)
        if pending.origin not in self.origins:
            self.origins.append(pending.origin)
        self.origin_of.append(self.origins.index(pending.origin))
        with_id = ev if ev.event_id == eid else ev.model_copy(update={"event_id": eid})
        record = Recorded(self.seq, stamp, prev, self.prev, with_id)
        appended.append(Appended(record, pending.line, pending.origin, payload))
        run = self.runs.get(ev.issuer)
        if run is None:
            self.runs[ev.issuer] = run = _OpenRun(ev.issuer, self.seq, stamp)
        run.last_seq = self.seq
        if isinstance(ev, EventVoided):
            run.voids.append(appended[-1])
        return row

    def line_of(self, seq: int) -> tuple[int | None, str | None]:
        """The input line (and file) a new event came from."""
        index = seq - self.start_seq - 1
        if not 0 <= index < len(self.lines):
            return None, None
        line = self.lines[index]
        return (line if line >= 0 else None), self.origins[self.origin_of[index]]

    def _flush(self, rows: list[EventRow], appended: list[Appended]) -> None:
        if not rows:
            return
        self.w.insert_events(rows, self.alias_rows)
        self.alias_rows = []
        if self.maintainer is not None:
            self.maintainer.chunk(self.w, appended, self.start_seq)

    # --- runs and the end --------------------------------------------------------------------

    def _end_runs(self) -> None:
        for run in self.runs.values():
            voids = self._resolve(run.voids)
            if self.maintainer is not None:
                self.maintainer.run_ended(
                    self.w,
                    Run(run.issuer, run.first_seq, run.last_seq, run.recorded_at, tuple(voids)),
                )
        self.runs = {}

    def _resolve(self, voids: list[Appended]) -> list[Void]:
        found, problems = resolve_voids(self.w, voids)
        self.void_problems += problems
        return found

    def end(self) -> AppendResult:
        self._end_runs()
        if self.conflicts:
            raise DuplicateEventId(self.conflicts)
        if self.void_problems:
            raise UnknownEventId(self.void_problems)
        if self.maintainer is not None:
            self.maintainer.finish(self.w)
        if self.clamped and self.seq > self.start_seq:
            self.w.note_clock(self.start_seq + 1, self.clock_at, self.stamp)
        return AppendResult(
            self.seq - self.start_seq,
            self.present,
            self.seq,
            self.prev,
            self.repeated,
            stamp=self.stamp,
            clamped=self.clamped,
            clock_at=self.clock_at,
        )


def resolve_voids(writer: Writer, voids: Sequence[Appended]) -> tuple[list[Void], list[Problem]]:
    """Each void's target, or the problem with it: unknown, itself a void, another issuer's."""
    if not voids:
        return [], []
    targets = writer.stored_ids([_target(a) for a in voids])
    found, problems = [], []
    for appended in voids:
        ev = appended.record.event
        assert isinstance(ev, EventVoided)
        target = targets.get(ev.voids)
        line, origin = appended.line, appended.origin
        if target is None:
            problems.append(unknown_void(ev.voids, line, origin))
            continue
        seq, _, issuer, kind, date = target
        if kind == "EventVoided":
            reason = (
                f"'{ev.voids}' is itself a void; a void cannot be voided (append the event "
                "again instead)"
            )
            problems.append(Problem(line, "voids", reason, origin))
        elif issuer != ev.issuer:
            reason = (
                f"'{ev.voids}' is an event of issuer '{issuer}'; file the void under '{issuer}'"
            )
            problems.append(Problem(line, "voids", reason, origin))
        else:
            found.append(Void(appended, seq, date, kind))
    return found, problems


def replay_log(
    writer: Writer,
    maintainer: Maintainer,
    page: int = CHUNK,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Give the whole log, in seq order, to a maintainer as if it were being appended (a
    rebuild): chunk by chunk, a run ending wherever the stamp changes. Returns the events read;
    `progress` is told how many more were read after each page."""
    runs: dict[str, _OpenRun] = {}
    stamp: str | None = None
    last = count = 0

    def end_runs() -> None:
        for run in runs.values():
            voids, _ = resolve_voids(writer, run.voids)
            maintainer.run_ended(
                writer, Run(run.issuer, run.first_seq, run.last_seq, run.recorded_at, tuple(voids))
            )
        runs.clear()

    while records := writer.page(last, page):
        chunk: list[Appended] = []
        for record, payload in records:
            if stamp is not None and record.recorded_at != stamp:
                maintainer.chunk(writer, chunk, 0)
                chunk = []
                end_runs()
            stamp = record.recorded_at
            item = Appended(record, None, None, payload)
            chunk.append(item)
            ev = record.event
            run = runs.get(ev.issuer)
            if run is None:
                runs[ev.issuer] = run = _OpenRun(ev.issuer, record.seq, record.recorded_at)
            run.last_seq = record.seq
            if isinstance(ev, EventVoided):
                run.voids.append(item)
        maintainer.chunk(writer, chunk, 0)
        last = records[-1][0].seq
        count += len(records)
        if progress is not None:
            progress(len(records))
    end_runs()
    maintainer.finish(writer)
    return count


class _OpenRun:
    __slots__ = ("first_seq", "issuer", "last_seq", "recorded_at", "voids")

    def __init__(self, issuer: str, first_seq: int, recorded_at: str) -> None:
        self.issuer = issuer
        self.first_seq = self.last_seq = first_seq
        self.recorded_at = recorded_at
        self.voids: list[Appended] = []


def _target(appended: Appended) -> str:
    ev = appended.record.event
    assert isinstance(ev, EventVoided)
    return ev.voids
