"""Append validation through the same fold that answers queries.

A batch is applied to the history it lands in (the issuer's events already in the log, plus the
batch, in replay order, with voids honoured) and refused if any sale, transfer or repurchase from a
holder would then take more shares than the holder has, on its own date or on any later date:
a backdated event must not make the future impossible. Problems found in the log before the batch
are not the batch's fault and are not reported against it.
"""

from __future__ import annotations

from collections.abc import Sequence

from ledger.errors import InvalidEvents, Problem
from ledger.events import AffiliationFormed, EventVoided, involved
from ledger.log import IssuerReader, Pending, Recorded
from projections.positions import OUTSTANDING, shortfalls


def check_batch(batch: Sequence[Pending], read: IssuerReader) -> None:
    """Raise `InvalidEvents` naming every line whose event the history cannot honour."""
    problems: list[Problem] = []
    for issuer in sorted({p.event.issuer for p in batch}):
        existing = list(read(issuer))
        base = max((r.seq for r in existing), default=0)
        fresh = {}
        for offset, pending in enumerate(p for p in batch if p.event.issuer == issuer):
            fresh[base + offset + 1] = pending
        new = [Recorded(seq, "", "", "", p.event) for seq, p in fresh.items()]
        combined = sorted([*existing, *new], key=lambda r: (r.event.effective_date, r.seq))
        labels = {
            r.event.group
            for r in combined
            if isinstance(r.event, AffiliationFormed) and r.event.group
        }
        for pending in fresh.values():
            holder = getattr(pending.event, "holder", None)
            if holder in labels:
                reason = (
                    f"'{holder}' is a group's label; holdings belong to its members "
                    "(each share has one record holder)"
                )
                problems.append(Problem(pending.line, "holder", reason, pending.origin))
        found = shortfalls(combined)
        before = {s.seq for s in shortfalls(existing)} if found else set()
        by_seq = {r.seq: r for r in combined} if found else {}
        for seq, when, holder, held, needed in found:
            if seq in before:
                continue
            record = by_seq[seq]
            if record.seq in fresh:
                source = fresh[record.seq]
                reason = _refusal(record, holder, held, needed)
                problems.append(Problem(source.line, "shares", reason, source.origin))
                continue
            # An event already in the log became impossible: blame the batch's latest event
            # for that holder on or before its date (what took the shares it needed).
            culprits = [
                p
                for seq, p in fresh.items()
                if holder in involved(p.event) and p.event.effective_date <= when
            ]
            voids = [p for p in fresh.values() if isinstance(p.event, EventVoided)]
            blamed = culprits[-1] if culprits else (voids[0] if voids else None)
            field = "voids" if blamed is not None and blamed in voids else "shares"
            reason = (
                f"this would leave {holder} with {held:,} shares on {when}, short of the "
                f"{needed:,} taken then by seq {record.seq} ({record.event_id}), already in the log"
            )
            line, origin = (blamed.line, blamed.origin) if blamed else (None, None)
            problems.append(Problem(line, field, reason, origin))
    if problems:
        raise InvalidEvents(problems)


_VERB = {
    "SharesSold": "sell {:,}",
    "SharesTransferred": "transfer {:,}",
    "SharesRepurchased": "sell {:,} back to the company",
}


def _refusal(record: Recorded, holder: str, held: int, needed: int) -> str:
    when = record.event.effective_date
    if holder == OUTSTANDING:
        return f"only {held:,} shares are outstanding on {when}; cannot repurchase {needed:,}"
    action = _VERB.get(record.event.type, "give up {:,}").format(needed)
    return f"{holder} holds {held:,} shares on {when}; cannot {action}"
