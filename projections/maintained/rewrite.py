"""The derived tables written again from the log: what `owl rebuild` does, and what `owl verify`
does in a transaction it rolls back to compare the result with what is stored.

One path for both, so the check compares against exactly what a rebuild would write.
"""

from __future__ import annotations

from collections.abc import Callable

from owl.ledger.append import replay_log
from owl.ledger.store import Writer
from owl.projections.maintained import checking, checkpoints, tables
from owl.projections.maintained.following import Follow
from owl.projections.maintained.heap import bulk
from owl.projections.maintained.maintain import Maintainer


def rewrite(
    writer: Writer, follow: Follow | None = None, progress: Callable[[int], None] | None = None
) -> int:
    """Drop every derived table and write it again from the log; return the events read. The
    followers (`follow`) take checkpoints as the replay goes; without them, none are taken."""
    tables.clear_projections(writer)
    maintainer = Maintainer(check=False, follow=follow)
    try:
        with bulk():
            return replay_log(writer, maintainer, progress=progress)
    finally:
        maintainer.close()


def build_all(writer: Writer, cache: checkpoints.StateCache, issuers: list[str]) -> int:
    """Bring the checkpoints of these issuers up to date; return how many were written."""
    with bulk():
        return sum(checkpoints.build(writer, cache, issuer) for issuer in sorted(set(issuers)))


def compare_with_log(writer: Writer) -> tuple[checking.Difference | None, int, int]:
    """Rewrite the derived tables from the log (in the caller's transaction, which must be
    rolled back) and compare them with what was stored: the first difference, and how many
    stored checkpoints there were and how many of them the rewrite recomputed."""
    checking.keep_copies(writer)
    rewrite(writer)
    build_all(writer, checkpoints.StateCache(), [s.issuer for s in tables.issuers(writer)])
    return checking.first_difference(writer), *checking.checkpoints_compared(writer)
