"""The followers of one append: which issuers are followed, and in which process.

An issuer is followed (`owl.projections.maintained.follow.Follower`) once more than
`checkpoints.INTERVAL` of its events have come in one append, all dated after the last date the
ledger had for it and none a void; up to `MAX_REMOTES` followers hand their fold to a second
process (`owl.projections.maintained.offload.Remote`) so the append uses more than one core.
"""

from __future__ import annotations

import os
from datetime import date

from owl.ledger.events import EventVoided
from owl.ledger.log import Recorded
from owl.ledger.store import Writer
from owl.projections.maintained import checkpoints
from owl.projections.maintained.follow import Follower, Following
from owl.projections.maintained.offload import Remote

MAX_REMOTES = max(1, (os.cpu_count() or 1) - 1)  # followers folding in another process at once


class Follow:
    """The followers of one append: an issuer is followed once more than `INTERVAL` of its
    events have come, all dated after the last date the ledger had for it, none a void."""

    def __init__(self, cache: checkpoints.StateCache) -> None:
        self.cache = cache
        self.counts: dict[str, int] = {}
        self.known_last: dict[str, date | None] = {}
        self.followers: dict[str, Following] = {}
        self.refused: set[str] = set()
        self.remotes = 0

    def see(self, writer: Writer, record: Recorded, payload: str) -> None:
        """A new event, just written (with every event before it in this append), and its
        payload as stored."""
        ev = record.event
        issuer = ev.issuer
        follower = self.followers.get(issuer)
        if follower is not None:
            follower.add(record, payload)
            return
        if issuer in self.refused:
            return
        if issuer not in self.known_last:
            self.known_last[issuer] = checkpoints.last_effective(writer, issuer)
        last = self.known_last[issuer]
        if isinstance(ev, EventVoided) or (last is not None and ev.effective_date <= last):
            self.refused.add(issuer)  # it reaches into known dates: the build's work
            return
        count = self.counts[issuer] = self.counts.get(issuer, 0) + 1
        if count > checkpoints.INTERVAL:
            local = Follower(writer, self.cache, issuer, record.seq)
            self.followers[issuer] = local
            if local.alive and self.remotes < MAX_REMOTES:
                remote = Remote.start(local)
                if remote is not None:
                    self.followers[issuer] = remote
                    self.remotes += 1

    def finish(self, writer: Writer) -> set[str]:
        """Write the followers' checkpoints; return the issuers whose checkpoints are done."""
        done = set()
        try:
            for issuer, follower in sorted(self.followers.items()):
                if follower.finish(writer) is not None:
                    done.add(issuer)
        finally:
            self.close()
        return done

    def close(self) -> None:
        """Stop every follower's work (an append that failed, or one that is done)."""
        for follower in self.followers.values():
            follower.close()
