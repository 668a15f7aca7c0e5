"""The cheap check made when a ledger is first read: is the end of the log as owl left it?

`verify` recomputes the whole chain (about 100k rows a second with each row's content checked);
no one wants that before every question. What can be checked in a millisecond:
- the last `ROWS` rows chain onto each other, their hashes recompute, and each is a valid event
  whose columns agree with its payload (`ledger.content`): an edit of a recent row, or a row
  appended behind owl's back with a forged hash and a payload owl would refuse, is caught;
- the log's head is the row the maintained projections were last brought to: a row appended
  outside owl (even with a valid hash and a valid event) has no projection rows, so answers
  would silently leave it out; it is caught here.
What it cannot see: an edit further back than `ROWS` rows whose successors' hashes were all
recomputed after it (the chain rewritten from the edit on). `owl verify --expect SEQ:HASH`,
against a digest written down outside the database (docs/reliability.md), catches that.
"""

from __future__ import annotations

from owl.ledger.chain import verify_rows
from owl.ledger.content import row_problem
from owl.ledger.errors import LedgerError
from owl.ledger.store import Reader

ROWS = 64


class TailTampered(LedgerError):
    def __init__(self, seq: int | None, reason: str) -> None:
        self.seq = seq
        where = f"at seq {seq}: " if seq is not None else ""
        super().__init__(
            f"the end of the log is not as owl left it ({where}{reason}); no answer is given "
            "from it: run owl verify (and owl rebuild once the log is known to be sound)"
        )


def check_tail(reader: Reader) -> None:
    """Raise `TailTampered` unless the last rows chain and are sound (`check_projected` is the
    other half: the head is the row the derived tables were last brought to)."""
    head = reader.head()
    if head.seq == 0:
        return
    start = max(head.seq - ROWS, 0)
    rows = list(reader.chain(start))
    if not rows or rows[0].seq != start + 1:
        raise TailTampered(start + 1, f"seq {start + 1} is missing")
    # The window's first link is taken as stored: the rows before it are `verify`'s to check.
    result = verify_rows(rows, None, row_problem, (start, rows[0].prev_hash))
    if not result.ok:
        raise TailTampered(result.bad_seq, result.reason or "the chain is broken")


def check_projected(head_seq: int, projected: int) -> None:
    """Raise `TailTampered` unless the derived tables were last brought to the log's head
    (`projected`: the last seq they cover, which the projections know how to read)."""
    if projected != head_seq:
        raise TailTampered(
            head_seq,
            f"the log ends at seq {head_seq} but owl last appended seq {projected}: rows were "
            "added or removed outside owl",
        )
