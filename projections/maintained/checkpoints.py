"""Checkpoints: the fold's state stored at chosen dates, so a view folds only the tail.

A checkpoint is the state at the end of a date `through`, folded from the issuer's events with
seq up to `built_seq` (the issuer's last seq when it was built; voids among them honoured).

**The validity rule.** A view asks for `(as_of, known_at)`; let `S_K` be the issuer's last seq
recorded at or before `known_at`. A checkpoint `(through, built_seq)` may start that view when
1. `through <= as_of`;
2. `built_seq <= S_K`: the view knows every event the checkpoint saw (recorded_at never
   decreases with seq, so these are exactly the events recorded by then); and
3. no run recorded after `built_seq` and known to the view touched a date on or before
   `through`. A run touches the effective dates of its events and, for a void, the effective
   date of the event it voids (the `appends` table keeps each run's earliest such date).
Then the events the view counts with effective dates up to `through` are exactly those the
checkpoint counted, so its state is the state the full replay reaches at the end of `through`;
the view folds the rest: events effective after `through`, up to `as_of`, with seq up to `S_K`,
less those voided by a void with seq up to `S_K`. A backdated event or a later void is never
missed: it is a run after `built_seq` that touches an earlier date, so (3) rejects every
checkpoint it would have changed. Views known before a checkpoint was built (2) use older
checkpoints or none. A property test holds views with and without checkpoints equal.

A build folds from the best valid checkpoint to the last date an event is effective and stores
a checkpoint every `INTERVAL` events (at a date's end) and at that last date; each also keeps the
timeline changes since the one it was folded from, so a timeline is the chain of segments plus
the tail.

Longer than the ~300 lines STYLE.md asks: the validity rule, where a view starts and how a build
takes checkpoints are one mechanism, each relying on the others' rule, kept in one place.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import date
from typing import NamedTuple

from owl.ledger.log import Recorded
from owl.ledger.store import Reader, Writer
from owl.projections.domain.fold import Fold
from owl.projections.domain.state import Change, FoldState
from owl.projections.maintained import tables
from owl.projections.maintained.codec import VERSION as FORMAT
from owl.projections.maintained.codec import (
    decode_changes,
    decode_state,
    encode_changes,
    encode_state,
)
from owl.projections.maintained.tables import CheckpointRow
from owl.projections.maintained.watching import Watches, covers, watched_classes, watches_at

_log = logging.getLogger("owl.checkpoints")
INTERVAL = 2_000  # events folded between checkpoints (a view folds at most about this many)
KEEP_BUILDS = 3  # builds kept per issuer (older ones serve only old known_at views)


class Key(NamedTuple):
    through: str
    built_seq: int


class Corrupt(Exception):
    """A stored checkpoint that cannot be decoded: it is passed over, never trusted."""

    def __init__(self, issuer: str, key: Key) -> None:
        self.issuer, self.key = issuer, key
        super().__init__(
            f"the checkpoint of {issuer} through {key.through} (built at seq {key.built_seq}) is "
            "corrupt: it was passed over and the answer folded from the log; owl verify names "
            "it, owl rebuild writes it again"
        )


def warn(exc: Corrupt) -> None:
    """Say, on the log (stderr by default), that a corrupt checkpoint was passed over."""
    _log.warning("%s", exc)


STALE = 2 * INTERVAL  # events folded from the log for one answer past which checkpoints lag
_said_stale: set[str] = set()


def note_tail(issuer: str, folded: int) -> None:
    """Say once per process, on the log, that an answer folded more of the log than checkpoints
    leave to fold (a run killed after its commit, before its checkpoints): right, but slower,
    until `owl rebuild` (or the issuer's next append) writes them."""
    if folded <= STALE or issuer in _said_stale:
        return
    _said_stale.add(issuer)
    _log.warning(
        "%s: the checkpoints are behind the log (this answer folded %s events from it): the "
        "answer is right, but slower; owl rebuild brings them up to date",
        issuer,
        f"{folded:,}",
    )


class StateCache:
    """Decoded checkpoint states kept by an open ledger (never handed out: callers clone)."""

    def __init__(self, size: int = 32) -> None:
        self.size = size
        self.states: dict[tuple[str, Key], tuple[FoldState, CheckpointRow]] = {}

    def get(self, reader: Reader, issuer: str, key: Key) -> tuple[FoldState, CheckpointRow]:
        found = self.states.get((issuer, key))
        if found is None:
            row = tables.checkpoint(reader, issuer, key.through, key.built_seq)
            if row is None:  # its digest does not match: changed behind owl's back
                raise Corrupt(issuer, key)
            try:
                found = (decode_state(row.state), row)
            except Exception as exc:  # whatever corrupt bytes raise, never a crash
                raise Corrupt(issuer, key) from exc
            if len(self.states) >= self.size:
                self.states.pop(next(iter(self.states)))
            self.states[(issuer, key)] = found
        return found


def valid_keys(reader: Reader, issuer: str, as_of: str | None, upto_seq: int) -> list[Key]:
    """The checkpoints that may start a view of `as_of` (None: any date) known up to
    `upto_seq`, best last."""
    # A checkpoint written in another format (an older owl) is ignored, as if it were not there.
    stored = tables.checkpoint_heads(reader, issuer)
    heads = [Key(t, b) for t, b, _, _, _, f in stored if f == FORMAT]
    candidates = [
        k for k in heads if k.built_seq <= upto_seq and (as_of is None or k.through <= as_of)
    ]
    touched: dict[int, str | None] = {}
    valid = []
    for key in candidates:
        if key.built_seq not in touched:
            touched[key.built_seq] = tables.earliest_touch(reader, issuer, key.built_seq, upto_seq)
        earliest = touched[key.built_seq]
        if earliest is None or earliest > key.through:
            valid.append(key)
    return sorted(valid)


def start(
    reader: Reader, cache: StateCache, issuer: str, as_of: str | None, upto_seq: int
) -> tuple[FoldState, Key | None]:
    """A working state to fold a view from: the best valid checkpoint's (a copy), or empty."""
    for key in reversed(valid_keys(reader, issuer, as_of, upto_seq)):
        try:
            state, _ = cache.get(reader, issuer, key)
        except Corrupt as exc:
            warn(exc)
            continue
        return state.clone(), key
    return FoldState(issuer), None


def segments(reader: Reader, cache: StateCache, issuer: str, key: Key | None) -> list[Change]:
    """The timeline changes from the first date through the checkpoint `key` (raises
    `Corrupt` when one of the chain cannot be read: fold from the log instead)."""
    parts: list[list[Change]] = []
    while key is not None:
        _, row = cache.get(reader, issuer, key)
        try:
            parts.append(decode_changes(row.changes))
        except Exception as exc:  # corrupt bytes: the timeline is folded from the log instead
            raise Corrupt(issuer, key) from exc
        key = Key(row.previous, row.previous_seq) if row.previous is not None else None  # type: ignore[arg-type]
    return [change for part in reversed(parts) for change in part]


def voided(reader: Reader, issuer: str, upto_seq: int) -> set[int]:
    """The seqs voided by the corrections known up to `upto_seq`."""
    return {t for t in corrections(reader, issuer, upto_seq) if t is not None}


def corrections(reader: Reader, issuer: str, upto_seq: int) -> list[int | None]:
    """The target of each correction known up to `upto_seq` (one entry per correction)."""
    return [f.target_seq for f in tables.facts(reader, issuer, upto_seq) if f.type == tables.VOID]


class Builder:
    """Takes checkpoints while a fold goes forward: every `INTERVAL` events at a date's end,
    and at the last date; each keeps the timeline changes since the one before and, when the
    build has them, the obligations' watches (`owl.projections.maintained.watching`)."""

    def __init__(
        self, issuer: str, fold: Fold, previous: Key | None, watches: Watches | None = None
    ) -> None:
        self.issuer, self.fold, self.previous = issuer, fold, previous
        self.since = fold.s.counted
        self.interval = INTERVAL
        self.watches = watches
        self.marks = watches.marks() if watches is not None else None
        self.taken: list[Taken] = []

    def noted(self, records: Iterable[Recorded]) -> Iterable[Recorded]:
        """The records the fold reads, noted by the watches first."""
        return self.watches.noted(records) if self.watches is not None else records

    def each_day(self, day: date, counted: int) -> None:
        if self.watches is not None:
            self.watches(day, counted)
        if counted - self.since >= self.interval:
            self.take(day)

    def take(self, day: date) -> None:
        through = day.isoformat()
        if self.previous is not None and self.previous.through == through:
            return
        fold = self.fold
        watch = watch_new = None
        if self.watches is not None:
            watch = self.watches.encode_whole()
            watch_new = self.watches.encode_new(self.marks)
            self.marks = self.watches.marks()
        encoded = (encode_state(fold.s), encode_changes(fold.changes), watch, watch_new)
        self.taken.append((through, self.previous, fold.s.counted, *encoded))
        fold.changes.clear()
        self.previous, self.since = Key(through, -1), fold.s.counted

    def current(self, reader: Reader) -> bool:
        """Are its watches those of every class the issuer has now? (An append that brought a
        new class leaves a follower's checkpoints to the build after it.)"""
        w = self.watches
        return w is None or w.classes == watched_classes(reader, self.issuer)

    def write(self, writer: Writer, built_seq: int, last: date | None) -> int:
        """Store what was taken (and the last date's state), as built at `built_seq`."""
        if last is not None:
            self.take(last)  # (not again when the last one taken is of that date)
        rows = []
        for through, previous, counted, state, changes, watch, watch_new in self.taken:
            if previous is not None and previous.built_seq == -1:
                previous = Key(previous.through, built_seq)  # one taken in this build
            rows.append(
                CheckpointRow(
                    self.issuer,
                    through,
                    built_seq,
                    previous.through if previous else None,
                    previous.built_seq if previous else None,
                    counted,
                    state,
                    changes,
                    FORMAT,
                    watch,
                    watch_new,
                )
            )
        tables.insert_checkpoints(writer, rows)
        _prune(writer, self.issuer, built_seq)
        return len(rows)


# What a builder took: (through, previous, counted, state, changes, watch, watch_new)
Taken = tuple[str, "Key | None", int, bytes, bytes, bytes | None, bytes | None]


def start_watched(
    reader: Reader,
    cache: StateCache,
    issuer: str,
    as_of: str | None,
    upto_seq: int,
    voided: set[int],
    classes: Sequence[str] | None,
) -> tuple[Fold, Key | None, Watches]:
    """A fold and the obligations' watches to go on from: the best valid checkpoint that holds
    watches for `classes` (None: exactly every class the issuer has, as a build keeps), else
    from nothing."""
    for key in reversed(valid_keys(reader, issuer, as_of, upto_seq)):
        try:
            state, row = cache.get(reader, issuer, key)
            try:
                if not covers(row, classes, reader):
                    break  # classes only come: an older checkpoint covers them no better
                fold = Fold(state.clone(), voided)
                watches = watches_at(reader, row, fold)
            except Exception as exc:  # corrupt bytes: passed over, never a crash
                raise Corrupt(issuer, key) from exc
        except Corrupt as exc:
            warn(exc)
            continue
        if watches is not None:
            return fold, key, watches
    fold = Fold(FoldState(issuer), voided)
    return (
        fold,
        None,
        Watches(fold, classes if classes is not None else watched_classes(reader, issuer)),
    )


def last_effective(reader: Reader, issuer: str) -> date | None:
    """The last date an event of the issuer is effective (as the runs recorded so far say)."""
    found = max((s.last_date for s in tables.issuers(reader) if s.issuer == issuer), default=None)
    return date.fromisoformat(found) if found is not None else None


def build(writer: Writer, cache: StateCache, issuer: str) -> int:
    """Bring an issuer's checkpoints up to date with everything recorded; return how many were
    written. Folds from the best valid checkpoint that holds the watches of every class the
    issuer has (else from the start) to the last date an event is effective: not to a date
    that only falls due (a plan's expiry years ahead), so a trade recorded later for a later
    date leaves every checkpoint valid, and its view folds only that trade."""
    upto = tables.known_seq(writer, issuer, None)
    if upto == 0:
        return 0
    fold, key, watches = start_watched(
        writer, cache, issuer, None, upto, voided(writer, issuer, upto), None
    )
    state = fold.s
    until = last_effective(writer, issuer)
    if until is not None and state.through is not None and until <= state.through:
        return 0  # nothing effective after the checkpoint it would start from
    builder = Builder(issuer, fold, key, watches)
    after = state.through.isoformat() if state.through else None
    records = writer.events(issuer, upto_seq=upto, after_date=after)
    last = fold.run(builder.noted(records), until, builder.each_day)
    return builder.write(writer, upto, last)


def _prune(writer: Writer, issuer: str, upto: int) -> None:
    """Keep the checkpoints of the last `KEEP_BUILDS` builds and every one their timeline
    chains pass through; forget the rest."""
    heads = tables.checkpoint_heads(writer, issuer)
    builds = sorted({b for _, b, _, _, _, _ in heads})
    if len(builds) <= KEEP_BUILDS:
        return
    kept_builds = set(builds[-KEEP_BUILDS:])
    previous = {Key(t, b): (Key(p, ps) if p is not None and ps is not None else None)
                for t, b, p, ps, _, _ in heads}  # fmt: skip
    keep: set[Key] = set()
    for key in previous:
        if key.built_seq in kept_builds:
            step: Key | None = key
            while step is not None and step not in keep:
                keep.add(step)
                step = previous.get(step)
    for key in previous:
        if key not in keep:
            tables.drop_checkpoint(writer, issuer, key.through, key.built_seq)


def uncovered(reader: Reader, issuer: str) -> int:
    """How many of the issuer's events the best checkpoint valid now leaves to fold: a build is
    worth it when a view would fold more than `INTERVAL` of them."""
    upto = tables.known_seq(reader, issuer, None)
    keys = valid_keys(reader, issuer, None, upto)
    counted = {Key(t, b): c for t, b, _, _, c, _ in tables.checkpoint_heads(reader, issuer)}
    covered = counted[keys[-1]] if keys else 0
    if keys:  # a class new since it was built: its watches do not serve obligations
        row = tables.checkpoint(reader, issuer, keys[-1].through, keys[-1].built_seq)
        try:
            covered = covered if row is not None and covers(row, None, reader) else 0
        except Exception:  # corrupt: a build writes it again
            covered = 0
    return tables.issuer_events(reader, issuer) - covered
