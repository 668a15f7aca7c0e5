"""What a stored row must say, beyond its hash: a payload that is a valid event, and columns
that agree with it.

The chain proves a row was not changed since its hash was computed; it cannot prove the row was
sensible when it was (anyone who can write the table can append rows with valid hashes, unless
the chain is keyed). A row whose payload does not parse, or whose `issuer`, `type` or
`effective_date` columns say something else than its payload, would mislead every read that
trusts the columns; `verify` checks each row with `row_problem`, and every read that meets such a
row stops with `CorruptRow`, naming its seq.
"""

from __future__ import annotations

from pydantic import ValidationError

from owl.ledger.chain import ChainRow
from owl.ledger.errors import LedgerError
from owl.ledger.events import AnyEvent, event_from_payload
from owl.ledger.events.stored import plain_trade


class CorruptRow(LedgerError):
    def __init__(self, seq: int, reason: str) -> None:
        self.seq, self.reason = seq, reason
        super().__init__(
            f"the log row at seq {seq} {reason}; it was written outside owl (run owl verify)"
        )


def parse_row(seq: int, event_id: str, payload: str) -> AnyEvent:
    """The event a stored row holds; `CorruptRow` when its payload is not a valid event. A plain
    trade is rebuilt without the validator (`ledger.events.stored`: the same event)."""
    fast = plain_trade(payload, event_id)
    if fast is not None:
        return fast  # type: ignore[return-value]
    return checked_row(seq, event_id, payload)


def checked_row(seq: int, event_id: str, payload: str) -> AnyEvent:
    """`parse_row` through the validator alone (what `verify` trusts)."""
    try:
        return event_from_payload(payload, event_id)
    except (ValidationError, ValueError) as exc:
        raise CorruptRow(seq, f"is not a valid event ({_first(exc)})") from None


def row_problem(row: ChainRow) -> str | None:
    """Why a stored row cannot be trusted, or None."""
    try:
        event = checked_row(row.seq, row.event_id, row.payload)
    except CorruptRow as exc:
        return exc.reason
    stated = (event.issuer, event.type, event.effective_date.isoformat())
    columns = (row.issuer, row.type, row.effective_date)
    if stated != columns:
        return f"says {stated} in its payload but {columns} in its columns"
    return None


def _first(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"]) or "payload"
        return f"{where}: {error['msg']}"
    return str(exc).splitlines()[0]
