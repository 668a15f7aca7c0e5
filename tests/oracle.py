"""The oracles the tests hold owl to: the full replay, ownership from the fold's state, and the
walk that finds every shortfall in a history.

The full replay folds an issuer's whole history from nothing. Checkpoints and maintained
projections exist only to give the same answers faster, and the tests hold them to it: for any
history and any view `(as_of, known_at)`, what they answer equals what `state_at` and `history`
answer here from the plain list of records.

Boundary: the records given (events recorded at or before the view's `known_at`, in replay order
`(effective_date, seq)`, corrections included whatever their date), effective on or before the
date asked for. A voided event does not count; the corrections themselves are not events of the
fold.

These live with the tests, not in the package: owl itself never answers from them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import NamedTuple

from owl.ledger.events import EventVoided, HoldingReported
from owl.ledger.log import Recorded
from owl.projections.domain import rules
from owl.projections.domain.fold import Fold
from owl.projections.domain.state import Book, Change, FoldState
from owl.projections.views.ownership import change_json, ownership_body
from owl.projections.views.report import Json, open_breaks
from owl.projections.views.snapshot import Snapshot

OUTSTANDING = "(shares outstanding)"  # the "holder" of a repurchase larger than the float


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


def ownership_json(snapshot: Snapshot, known_at: str | None, security: str | None = None) -> Json:
    """Ownership from the fold's state (the replay's answer; the ledger sums positions)."""
    state = snapshot.state
    cls = state.terms.security if security is None else security
    book = state.book if cls == state.terms.security else state.others.get(cls, Book())
    accounts: dict[tuple[str, str, str], int] = {}
    for holder, total in book.holdings.items():
        inside = 0
        for (owner, nature), shares in book.indirect.items():
            if owner == holder:
                accounts[(holder, cls, nature)] = shares
                inside += shares
        accounts[(holder, cls, "")] = total - inside
    records = snapshot.records(r.seq for r in book.reconciliations)
    changes = [
        change_json(
            r.date.isoformat(),
            r.holder,
            r.nature,
            r.reported,
            r.computed,
            records.get(r.seq),
            r.opening,
        )
        for r in book.reconciliations
        if (r.adopted or r.opening) and r.difference and not r.series
    ]
    return ownership_body(
        snapshot.issuer,
        snapshot.as_of,
        known_at,
        cls,
        state.terms.derivatives,
        accounts,
        book.outstanding,
        state.links,
        book.derivatives,
        changes,
        open_breaks(snapshot),
    )


class Shortfall(NamedTuple):
    """An event that takes more shares from an account (or the float) than there are."""

    seq: int
    effective_date: date
    holder: str
    held: int
    needed: int


def shortfalls(records: Iterable[Recorded]) -> list[Shortfall]:
    """Every shortfall in a history given in replay order, corrections honoured: the same
    rules (`projections.domain.rules`) walked plainly, without the maintained tables."""
    listed = list(records)
    voided_ids = {r.event.voids for r in listed if isinstance(r.event, EventVoided)}
    held: dict[rules.Account, int] = {}
    outstanding: dict[str, int | None] = {}
    found: list[Shortfall] = []
    for record in listed:
        ev = record.event
        if record.event_id in voided_ids or isinstance(ev, EventVoided):
            continue
        when = ev.effective_date
        for key, delta, _ in rules.moves(ev):
            before = held.get(key, 0)
            held[key] = before + delta
            if delta < 0 and before + delta < 0 and not rules.may_oversell(ev):
                found.append(Shortfall(record.seq, when, key[0], before, -delta))
        change = rules.capital_change(ev)
        if change is not None and change.ratio is not None:
            cls, ratio = change.security, change.ratio
            held = {k: n + (rules.split_adds(n, *ratio) if k[1] == cls else 0)
                    for k, n in held.items()}  # fmt: skip
        if isinstance(ev, HoldingReported) and (kind := rules.report_kind(ev)) is not None:
            key = rules.account(ev.holder, ev.security, ev.nature)
            held[key] = held.get(key, 0) + rules.report_adds(held.get(key, 0), ev.shares, kind)
        if change is not None:
            count = outstanding.get(change.security)
            if count is not None and change.delta < 0 and -change.delta > count:
                found.append(Shortfall(record.seq, when, OUTSTANDING, count, -change.delta))
            outstanding[change.security] = rules.outstanding_after(count, change)
    return found
