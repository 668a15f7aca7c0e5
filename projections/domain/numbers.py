"""Exact arithmetic for shares and percentages: `Fraction`s decide; only formatting rounds."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from math import ceil, floor
from typing import Literal

Test = Literal["at_or_above", "above"]
# How a test reads in prose: "at or above 15%", "more than 40%".
TEST_WORDS: dict[str, str] = {"at_or_above": "at or above", "above": "more than"}


def percent(shares: int, outstanding: int) -> Fraction:
    """Shares as an exact percentage of the count outstanding."""
    return Fraction(shares * 100, outstanding)


def breaches(value: Fraction, limit: Fraction, test: Test) -> bool:
    """`at_or_above` means >=, `above` means >."""
    return value >= limit if test == "at_or_above" else value > limit


def max_shares_within(limit_percent: Fraction, test: Test, outstanding: int) -> int:
    """The largest holding that does not breach `limit_percent` under `test`."""
    exact = limit_percent * outstanding / 100
    return floor(exact) if test == "above" else ceil(exact) - 1


def format_percent(value: Fraction, places: int = 4) -> str:
    """Round half-up (away from zero) to `places` decimals, as a string ("24.0138")."""
    scale = 10**places
    sign = "-" if value < 0 else ""
    magnitude = abs(value)
    units = (2 * magnitude.numerator * scale + magnitude.denominator) // (2 * magnitude.denominator)
    whole, part = divmod(units, scale)
    return f"{sign}{whole}.{part:0{places}d}" if places else f"{sign}{whole}"


def format_share_percent(shares: int, outstanding: int, places: int = 4) -> str:
    """`format_percent(percent(shares, outstanding))` in integers alone (the hot path of a
    table with thousands of holders): the same digits, without building a `Fraction`."""
    if shares < 0 or outstanding <= 0:
        return format_percent(percent(shares, outstanding), places)
    scale = 10**places
    units = (2 * shares * 100 * scale + outstanding) // (2 * outstanding)
    whole, part = divmod(units, scale)
    return f"{whole}.{part:0{places}d}" if places else f"{whole}"


def format_decimal_text(text: str) -> str:
    """A decimal string as given on an event, normalized ("40.0" -> "40")."""
    value = Decimal(text).normalize()
    return format(value, "f")
