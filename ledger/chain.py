"""The hash chain that makes the log tamper-evident.

Each row's `hash` is SHA-256 over the previous row's hash and the canonical bytes of everything else
in the row (seq, event_id, issuer, type, effective date, recorded_at, payload). Editing a row breaks
its own hash; deleting or reordering rows breaks a link or the gapless `seq`. The head `(seq, hash)`
is the digest an auditor writes down: any later change to any row before it changes it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from pydantic_core import to_json

GENESIS = "0" * 64


@dataclass(frozen=True)
class ChainRow:
    """A stored row as the chain sees it."""

    seq: int
    event_id: str
    issuer: str
    type: str
    effective_date: str
    recorded_at: str
    payload: str
    prev_hash: str
    hash: str


def row_hash(
    prev_hash: str,
    seq: int,
    event_id: str,
    issuer: str,
    type: str,
    effective_date: str,
    recorded_at: str,
    payload: str,
) -> str:
    # The body is the JSON array of these values, compact, text as itself: what
    # json.dumps(..., separators=(",", ":"), ensure_ascii=False) writes (pydantic-core's encoder
    # writes the same bytes, faster; a test holds them equal).
    body = to_json([seq, event_id, issuer, type, effective_date, recorded_at, payload])
    return hashlib.sha256(prev_hash.encode() + b"\n" + body).hexdigest()


@dataclass(frozen=True)
class Verification:
    """The result of recomputing the chain: the head digest, or the first row that is wrong."""

    ok: bool
    rows: int
    head_seq: int
    head_hash: str
    bad_seq: int | None = None
    reason: str | None = None
    digest_mismatch: bool = False  # the chain is sound but the expected digest is not in it


PROGRESS_EVERY = 1_000  # rows between two reports of a verification's progress


def verify_rows(
    rows: Iterable[ChainRow],
    expect: tuple[int, str] | None = None,
    check: Callable[[ChainRow], str | None] | None = None,
    start: tuple[int, str] = (0, GENESIS),
    progress: Callable[[int], None] | None = None,
) -> Verification:
    """Recompute the chain from row 1; stop at the first row whose seq, link or hash is wrong,
    or (given `check`) whose content `check` finds wrong. `progress` is told how many more rows
    were found sound, every `PROGRESS_EVERY` rows and at the end.

    `expect` is a digest written down earlier, `(seq, hash)`: the chain must still hold that row
    with that hash. This catches what recomputation alone cannot: rows removed from the end, or a
    log rebuilt from scratch with a consistent new chain.
    """
    seq, prev = start  # the last row found sound (`start`: a window's row before its first)

    def reported() -> None:  # the sound rows not yet reported
        if progress is not None and (seq - start[0]) % PROGRESS_EVERY:
            progress((seq - start[0]) % PROGRESS_EVERY)

    def broken(bad: int, reason: str, digest: bool = False) -> Verification:
        reported()
        return Verification(False, seq, seq, prev, bad, reason, digest_mismatch=digest)

    for row in rows:
        if expect is not None and row.seq == expect[0] and row.hash != expect[1]:
            return broken(row.seq, f"the hash at seq {row.seq} is {row.hash}", digest=True)
        if row.seq != seq + 1:
            return broken(seq + 1, f"seq {seq + 1} is missing (next row is seq {row.seq})")
        if row.prev_hash != prev:
            return broken(row.seq, "prev_hash does not match the hash of the row before it")
        recomputed = row_hash(
            prev,
            row.seq,
            row.event_id,
            row.issuer,
            row.type,
            row.effective_date,
            row.recorded_at,
            row.payload,
        )
        if recomputed != row.hash:
            return broken(row.seq, "stored hash does not match the row's content")
        problem = check(row) if check is not None else None
        if problem is not None:
            return broken(row.seq, problem)
        seq, prev = row.seq, row.hash
        if progress is not None and (seq - start[0]) % PROGRESS_EVERY == 0:
            progress(PROGRESS_EVERY)
    if expect is not None and expect[0] > seq:
        return broken(expect[0], f"the log ends at seq {seq}", digest=True)
    if expect is not None and expect[0] == 0 and expect[1] != GENESIS:
        return broken(0, f"seq 0 is the genesis {GENESIS}", digest=True)
    reported()
    return Verification(True, seq, seq, prev)
