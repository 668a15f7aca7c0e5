"""Amounts of shares in the derived tables: a whole part and a fraction in millionths.

SQL sums integers exactly on both backends; a fractional amount (`Decimal`, at most six places:
`owl.ledger.events.values`) is stored as its floor in the amount's own column (`delta`,
`target`, `position`) and the rest, in millionths of a share (0 to 999,999), in the column
beside it (`delta_frac`, `target_frac`, `position_frac`). A sum of rows is then the sum of the
whole parts plus the sum of the fractions over a million, exactly, and a whole-share ledger has
zeros beside every amount: its sums, and its answers, are the ints they always were.
"""

from __future__ import annotations

from decimal import Decimal

from owl.ledger.shares import SHARE_PLACES, Amount, exact_shares

SCALE: int = 10**SHARE_PLACES


def split(amount: Amount) -> tuple[int, int]:
    """(whole part, rounded down; the rest in millionths)."""
    if type(amount) is int:
        return amount, 0
    whole, rest = divmod(int(Decimal(amount).scaleb(SHARE_PLACES)), SCALE)
    return whole, rest


def join(whole: object, millionths: object) -> Amount:
    """The amount a whole part and a fraction in millionths (each perhaps a SQL sum) make."""
    units = _int(whole)
    rest = _int(millionths)
    if rest == 0:
        return units
    extra, rest = divmod(rest, SCALE)
    if rest == 0:
        return units + extra
    return exact_shares(Decimal((units + extra) * SCALE + rest).scaleb(-SHARE_PLACES))


def _int(value: object) -> int:
    """A SQL integer (or sum of them: a `Decimal` on PostgreSQL, None for no rows) as an int."""
    if value is None:
        return 0
    if isinstance(value, int | Decimal | str):
        return int(value)
    raise TypeError(f"not an amount: {value!r}")


def split_or_none(amount: Amount | None) -> tuple[int | None, int | None]:
    return (None, None) if amount is None else split(amount)


def join_or_none(whole: object, millionths: object) -> Amount | None:
    return None if whole is None else join(whole, millionths)
