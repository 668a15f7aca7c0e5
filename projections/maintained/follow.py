"""Checkpoints taken while an append goes on, from the events in hand (not read back).

A feed usually brings an issuer's next stretch of history: every event dated after the last
date the ledger already has for it. Then the fold can follow the append: start from the best
checkpoint valid before the append, fold the ledger's tail after it, then each new event as it is
written, and take checkpoints as a build would (`checkpoints.Builder`), in the same transaction.
The result is what `checkpoints.build` after the append would store (a build is a fold from a
valid checkpoint; the validity rule does not care which fold made it), without reading a
million events back.

A follower gives up, leaving the work to the build after the append, as soon as anything would
make its fold differ from that build's: an event dated on or before a date it has folded (a
backdated event, or one before the ledger's last date), or a void. Only issuers with more than
`checkpoints.INTERVAL` new events are followed: a small append is better served by the build's
"only when a view would fold too much" rule.

Once a follower has folded the ledger's tail, its fold can be handed over as a value (`Handoff`)
to a second process (`owl.projections.maintained.offload`) that folds the rest while this one
writes: the same fold on the same events, read back from their stored payloads. Which issuers are
followed, and where, is decided by `owl.projections.maintained.following`.
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple, Protocol

from owl.ledger.events import EventVoided
from owl.ledger.log import Recorded
from owl.ledger.store import Writer
from owl.projections.domain.fold import Fold
from owl.projections.maintained import checkpoints, tables
from owl.projections.maintained.codec import (
    decode_changes,
    decode_state,
    encode_changes,
    encode_state,
)
from owl.projections.maintained.watching import Marks, Watches

DAY_LIMIT = 50_000  # the events of one date a follower holds before it leaves the work to a build
Taken = checkpoints.Taken


class Handoff(NamedTuple):
    """A follower's fold as a value, to go on in another process
    (`projections.maintained.offload`)."""

    issuer: str
    state: bytes  # the working state, encoded as a checkpoint's
    changes: bytes  # the timeline changes since the last checkpoint taken
    voided: tuple[int, ...]
    previous: checkpoints.Key | None
    since: int
    interval: int  # events between checkpoints
    day: date | None
    today: list[Recorded]  # the events of `day` not folded yet
    watches: tuple[bytes, bytes] | None = None  # the obligations' watches: whole, every entry
    marks: Marks | None = None  # the length of each watch's lists at the last checkpoint taken


class Following(Protocol):
    """A follower, here or in another process."""

    def add(self, record: Recorded, payload: str) -> None: ...

    def finish(self, writer: Writer) -> int | None: ...

    def close(self) -> None: ...


class Follower:
    """One issuer's fold, kept up with an append."""

    def __init__(
        self, writer: Writer, cache: checkpoints.StateCache, issuer: str, written: int
    ) -> None:
        """Start from the best checkpoint valid before the append and fold what is in the log
        after it, up to seq `written` (the ledger's tail and this append's events so far)."""
        self.issuer = issuer
        self.alive = True
        before = tables.known_seq(writer, issuer, None)  # this append's runs are not recorded yet
        voided = checkpoints.voided(writer, issuer, before)
        self.fold, key, watches = checkpoints.start_watched(
            writer, cache, issuer, None, before, voided, None
        )
        state = self.fold.s
        self.builder = checkpoints.Builder(issuer, self.fold, key, watches)
        self.day: date | None = state.through
        self.today: list[Recorded] = []
        after = state.through.isoformat() if state.through else None
        for record in writer.events(issuer, upto_seq=written, after_date=after):
            self.add(record)

    @classmethod
    def resumed(cls, handoff: Handoff) -> Follower:
        """The follower a `handoff` describes (in another process)."""
        follower = cls.__new__(cls)
        follower.issuer, follower.alive = handoff.issuer, True
        follower.fold = Fold(decode_state(handoff.state), handoff.voided)
        follower.fold.changes = decode_changes(handoff.changes)
        watches = None
        if handoff.watches is not None:
            whole, entries = handoff.watches
            watches = Watches.restore(follower.fold, whole, [entries])
        follower.builder = checkpoints.Builder(
            handoff.issuer, follower.fold, handoff.previous, watches
        )
        follower.builder.marks = handoff.marks
        follower.builder.since = handoff.since
        follower.builder.interval = handoff.interval
        follower.day, follower.today = handoff.day, list(handoff.today)
        return follower

    def handoff(self) -> Handoff:
        """This follower as a value (the checkpoints it took so far stay with it)."""
        fold, builder = self.fold, self.builder
        w = builder.watches
        return Handoff(
            self.issuer,
            encode_state(fold.s),
            encode_changes(fold.changes),
            tuple(sorted(fold.voided)),
            builder.previous,
            builder.since,
            builder.interval,
            self.day,
            self.today,
            None if w is None else (w.encode_whole(), w.encode_new(None)),
            builder.marks,
        )

    def add(self, record: Recorded, payload: str = "") -> None:
        if not self.alive:
            return
        ev = record.event
        day = ev.effective_date
        behind = self.day is not None and (day < self.day or (day == self.day and not self.today))
        if isinstance(ev, EventVoided) or behind or len(self.today) >= DAY_LIMIT:
            # A void, or a date already folded, or a date with more events than a follower
            # holds: the build after the append (which streams a date through) does it instead.
            self.alive = False
            self.today = []
            return
        if self.today and day != self.day:
            self._close()
        self.day = day
        self.today.append(record)

    def _close(self) -> None:
        assert self.day is not None
        self.fold.run(self.builder.noted(self.today), self.day, self.builder.each_day)
        self.today = []

    def taken(self) -> list[Taken]:
        """Fold what is left and take the last date's checkpoint; every checkpoint taken."""
        if self.today:
            self._close()
        if self.fold.s.through is not None:
            self.builder.take(self.fold.s.through)
        return self.builder.taken

    def finish(self, writer: Writer) -> int | None:
        """Store the checkpoints (built at the issuer's last seq, now recorded); None when it
        gave up."""
        if not self.alive or not self.builder.current(writer):
            return None
        self.taken()
        return self.builder.write(writer, tables.known_seq(writer, self.issuer, None), None)

    def close(self) -> None:
        pass
