"""Exact arithmetic for shares and percentages: `Fraction`s decide; only formatting rounds."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from math import ceil, floor
from typing import Literal

from owl.ledger.shares import Amount

Test = Literal["at_or_above", "above"]
# How a test reads in prose: "at or above 15%", "more than 40%".
TEST_WORDS: dict[str, str] = {"at_or_above": "at or above", "above": "more than"}


def percent(shares: Amount, outstanding: Amount) -> Fraction:
    """Shares as an exact percentage of the count outstanding (a fractional amount, a `Decimal`,
    exactly too)."""
    if type(shares) is int and type(outstanding) is int:
        return Fraction(shares * 100, outstanding)
    return Fraction(shares) * 100 / Fraction(outstanding)


def magnitude(amount: Amount) -> Amount:
    """An amount of shares without its sign (`abs`, typed for an int or a `Decimal`)."""
    return -amount if amount < 0 else amount


def breaches(value: Fraction, limit: Fraction, test: Test) -> bool:
    """`at_or_above` means >=, `above` means >."""
    return value >= limit if test == "at_or_above" else value > limit


def max_shares_within(limit_percent: Fraction, test: Test, outstanding: Amount) -> int:
    """The largest holding of whole shares that does not breach `limit_percent` under `test`."""
    exact = limit_percent * Fraction(outstanding) / 100
    return floor(exact) if test == "above" else ceil(exact) - 1


def format_percent(value: Fraction, places: int = 4) -> str:
    """Round half-up (away from zero) to `places` decimals, as a string ("24.0138")."""
    scale = 10**places
    sign = "-" if value < 0 else ""
    magnitude = abs(value)
    units = (2 * magnitude.numerator * scale + magnitude.denominator) // (2 * magnitude.denominator)
    whole, part = divmod(units, scale)
    return f"{sign}{whole}.{part:0{places}d}" if places else f"{sign}{whole}"


def format_share_percent(shares: Amount, outstanding: Amount, places: int = 4) -> str:
    """`format_percent(percent(shares, outstanding))` in integers alone (the hot path of a
    table with thousands of holders): the same digits, without building a `Fraction`."""
    if shares < 0 or outstanding <= 0 or type(shares) is not int or type(outstanding) is not int:
        return format_percent(percent(shares, outstanding), places)
    scale = 10**places
    units = (2 * shares * 100 * scale + outstanding) // (2 * outstanding)
    whole, part = divmod(units, scale)
    return f"{whole}.{part:0{places}d}" if places else f"{whole}"


def format_decimal_text(text: str) -> str:
    """A decimal string as given on an event, normalized ("40.0" -> "40")."""
    value = Decimal(text).normalize()
    return format(value, "f")
