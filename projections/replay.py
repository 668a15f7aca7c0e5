"""The full replay: an issuer's whole history folded from nothing.

This is the oracle. Checkpoints and maintained projections exist only to give the same answers
faster, and the tests hold them to it: for any history and any view `(as_of, known_at)`, what
they answer equals what `state_at` and `history` answer here from the plain list of records.

Boundary: the records given (events recorded at or before the view's `known_at`, in replay order
`(effective_date, seq)`, corrections included whatever their date), effective on or before the
date asked for. A voided event does not count; the corrections themselves are not events of the
fold.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from ledger.events import EventVoided
from ledger.log import Recorded
from projections.fold import Fold
from projections.snapshot import Snapshot
from projections.state import Change, FoldState


def voided_seqs(records: Iterable[Recorded]) -> set[int]:
    """The seqs of the events that the corrections among `records` void."""
    listed = list(records)
    targets = {r.event.voids for r in listed if isinstance(r.event, EventVoided)}
    return {r.seq for r in listed if r.event_id in targets}


def _resolver(records: list[Recorded]) -> Mapping[int, Recorded]:
    return {r.seq: r for r in records}


def state_at(issuer: str, records: Iterable[Recorded], as_of: date) -> Snapshot:
    """The issuer's state at the end of `as_of` (boundary: see the module docstring)."""
    listed = list(records)
    fold = Fold(FoldState(issuer), voided_seqs(listed))
    fold.run((r for r in listed if r.event.effective_date <= as_of), as_of)
    by_seq = _resolver(listed)
    return Snapshot(fold.s, as_of, lambda seqs: {s: by_seq[s] for s in seqs if s in by_seq})


def history(
    issuer: str, records: Iterable[Recorded], until: date | None = None
) -> tuple[tuple[Change, ...], Snapshot | None]:
    """Every change through `until` (or through the last date anything happens or falls due)."""
    listed = list(records)
    fold = Fold(FoldState(issuer), voided_seqs(listed))
    last = fold.run(listed, until)
    changes = sorted(fold.changes, key=lambda c: c.date)  # stable: same-date order kept
    by_seq = _resolver(listed)
    snapshot = (
        Snapshot(fold.s, last, lambda seqs: {s: by_seq[s] for s in seqs if s in by_seq})
        if last
        else None
    )
    return tuple(changes), snapshot
