"""Amounts of shares, as owl holds them: an `int` when whole, else an exact `Decimal` of at most
six decimal places (a millionth of a share). Light on purpose (no pydantic): the command line's
number formatting and the domain's arithmetic use it without loading the event models.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal

SHARE_PLACES = 6  # the most decimal places a fractional amount of shares may have
Amount = int | Decimal  # an amount of shares: an int when whole, else an exact Decimal
# A JSON number with a fraction is refused: a reader may take it as a float and round it.
WHOLE_OR_DECIMAL = (
    'expected a whole number (a JSON integer) or, with a fraction, a decimal string ("14.19")'
)
_SHARE_TEXT = re.compile(rf"[0-9]{{1,16}}\.[0-9]{{1,{SHARE_PLACES}}}")


def shown(value: object) -> str:
    """An input value as the user wrote it, for a message: JSON values as JSON (`true`, `null`,
    `1.5`, `[1]`), text quoted; long values cut short."""
    if isinstance(value, str):
        text = repr(value)
    else:
        try:
            text = json.dumps(value, ensure_ascii=False)
        except (TypeError, ValueError):
            text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def exact_shares(value: object) -> int | Decimal:
    """An amount of shares as held: an int when whole, else an exact `Decimal` of at most six
    places (from a decimal string or a `Decimal`; never from a float, which is not exact)."""
    if isinstance(value, bool | float):
        raise ValueError(f"{WHOLE_OR_DECIMAL}, got {shown(value)}")
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        if not _SHARE_TEXT.fullmatch(value):
            raise ValueError(
                f"{WHOLE_OR_DECIMAL} of at most {SHARE_PLACES} decimal places, got {shown(value)}"
            )
        value = Decimal(value)
    if not isinstance(value, Decimal) or not value.is_finite():
        raise ValueError(f"{WHOLE_OR_DECIMAL}, got {shown(value)}")
    if value == value.to_integral_value():
        return int(value)
    exponent = value.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -SHARE_PLACES:
        raise ValueError(
            f"{value} has more than {SHARE_PLACES} decimal places (owl holds shares to the "
            "millionth)"
        )
    return value.normalize()


def norm(value: int | Decimal) -> int | Decimal:
    """An amount after arithmetic in its one form: an int when whole (`Decimal("100.000")` is
    100), else the `Decimal` without trailing zeros."""
    if isinstance(value, int):
        return value
    if value == value.to_integral_value():
        return int(value)
    return value.normalize()


def share_text(value: int | Decimal) -> int | str:
    """An amount as stored and shown in JSON: an int, or the exact decimal string."""
    return value if isinstance(value, int) else format(value, "f")


def json_default(value: object) -> int | str:
    """For `json.dumps(default=...)` of a view: a fractional amount of shares as its exact
    decimal string ("1786446.4238"), so no reader's float rounds it (a whole one as its int)."""
    if isinstance(value, Decimal):
        return share_text(norm(value))
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")
