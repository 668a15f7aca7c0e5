"""The values events are made of: names, text, dates, share counts, decimals, percentages.

Input is validated strictly and normalized once, here, so every path (a feed, the Python API, a
stored event read back) sees the same value:
- names (holders, persons, labels, securities) are Unicode NFC, trimmed, with runs of white
  space as one space; a control character (C0, C1, DEL), a bidirectional override or a lone
  surrogate is refused in any text, since a name that moves the cursor or reorders a line could
  forge what a table or a report shows;
- shares are whole numbers up to 10^15 (more than any issuer has issued), or, where a holding
  or a trade has a fraction (dividend reinvestment, a purchase plan), a decimal string of at
  most 6 places (`"14.19"`), held as an exact `Decimal`; a decimal string with no fraction
  (`"1500.0000"`) is that whole number, and a whole number is always an `int`, so whole-share
  feeds store and answer exactly as before. Shares outstanding, a plan's cap in shares and a
  split's ratio stay whole. Decimals are decimal strings of at most 15 integer and 12
  fractional digits, and percentages, caps and thresholds
  lie in (0, 100]; text is at most 2,000 characters, a name 200.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import Decimal as _Decimal
from functools import lru_cache
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    PlainSerializer,
    PlainValidator,
    StringConstraints,
)

from owl.ledger.dates import is_written_as_a_date, parse_day
from owl.ledger.shares import (  # re-exported: the amounts events hold
    exact_shares,
    share_text,
    shown,
)

MAX_SHARES = 10**15
MAX_NAME = 200  # characters of a person's name, a label, an event id
MAX_ISSUER = 64  # characters of an issuer key
MAX_TEXT = 2000  # characters of a free-text field
MAX_RATIO = 1_000_000  # a split's numerator or denominator
DECIMAL_PATTERN = r"^[0-9]{1,15}(\.[0-9]{1,12})?$"
CIK_PATTERN = r"^[0-9]{1,10}$"
# C0 and C1 controls, DEL, the bidirectional embeddings, overrides and isolates, and lone
# surrogates: none of them belongs in a name or a source, and each can forge what is shown.
_FORBIDDEN = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
_SPACES = re.compile(r"\s+")


def _iso_date(value: object) -> object:
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not is_written_as_a_date(value):
        raise ValueError(f"expected a date as YYYY-MM-DD, got {shown(value)}")
    return written_day(value)


@lru_cache(maxsize=16_384)
def written_day(text: str) -> date:
    """A date written YYYY-MM-DD (dates repeat across a feed: each is parsed once; a refusal is
    not cached)."""
    try:
        return parse_day(text)
    except ValueError as exc:
        raise ValueError(str(exc)) from None


def _clean(value: object) -> object:
    """Text as NFC, refusing the characters that can forge output."""
    if not isinstance(value, str):
        return value  # the string type check reports it
    found = _FORBIDDEN.search(value)
    if found:
        raise ValueError(
            f"contains the control character U+{ord(found.group()):04X}, which is not allowed"
        )
    return unicodedata.normalize("NFC", value)


def normal_name(value: object) -> object:
    """A name as stored: clean, trimmed, white space collapsed (short texts, which repeat across
    a feed, normalized once each)."""
    if not isinstance(value, str):
        return value  # the string type check reports it
    if _plainly_normal(value):
        return value
    return _normal_text(value) if len(value) <= 256 else _normalize(value)


def _plainly_normal(value: str) -> bool:
    """Printable ASCII with single inner spaces and none at the ends: already in its normal
    form (the common case, and the only one for ids, which never repeat: no cache lookup)."""
    return (
        value.isascii()
        and value.isprintable()
        and "  " not in value
        and value[:1] != " "
        and value[-1:] != " "
    )


def _normalize(value: str) -> str:
    cleaned = _clean(value)
    assert isinstance(cleaned, str)
    return _SPACES.sub(" ", cleaned).strip()


_normal_text = lru_cache(maxsize=65_536)(_normalize)


def _within_percent(value: str) -> str:
    number = _Decimal(value)
    if not 0 < number <= 100:
        raise ValueError(f"must be more than 0 and at most 100, got {value!r}")
    return value


def _at_most_percent(value: str) -> str:
    if _Decimal(value) > 100:
        raise ValueError(f"must be at most 100, got {value!r}")
    return value


IsoDate = Annotated[date, BeforeValidator(_iso_date)]
Name = Annotated[
    str, BeforeValidator(normal_name), StringConstraints(min_length=1, max_length=MAX_NAME)
]
IssuerKey = Annotated[
    str, BeforeValidator(normal_name), StringConstraints(min_length=1, max_length=MAX_ISSUER)
]
Text = Annotated[str, BeforeValidator(_clean), StringConstraints(max_length=MAX_TEXT)]
WholeShares = Annotated[int, Field(strict=True, gt=0, le=MAX_SHARES)]


def _positive(value: object) -> int | _Decimal:
    amount = exact_shares(value)
    if amount <= 0:
        raise ValueError(f"must be more than 0, got {shown(value)}")
    return _at_most(amount, value)


def _count(value: object) -> int | _Decimal:
    amount = exact_shares(value)
    if amount < 0:
        raise ValueError(f"must be 0 or more, got {shown(value)}")
    return _at_most(amount, value)


def _at_most(amount: int | _Decimal, value: object) -> int | _Decimal:
    if amount > MAX_SHARES:
        raise ValueError(f"must be at most {MAX_SHARES}, got {shown(value)}")
    return amount


_AS_STORED = PlainSerializer(share_text, when_used="json")
Shares = Annotated[int | _Decimal, PlainValidator(_positive), _AS_STORED]
ShareCount = Annotated[int | _Decimal, PlainValidator(_count), _AS_STORED]
Ratio = Annotated[int, Field(strict=True, gt=0, le=MAX_RATIO)]
Decimal = Annotated[str, StringConstraints(pattern=DECIMAL_PATTERN)]
Percent = Annotated[
    str, StringConstraints(pattern=DECIMAL_PATTERN), AfterValidator(_within_percent)
]
StatedPercent = Annotated[
    str, StringConstraints(pattern=DECIMAL_PATTERN), AfterValidator(_at_most_percent)
]


def _cik(value: object) -> object:
    """A CIK as EDGAR writes it: ten digits, zero-padded (1640147 and 0001640147 are one)."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, str) and re.fullmatch(CIK_PATTERN, value.strip()):
        return f"{int(value):010d}"
    return value


Cik = Annotated[str, BeforeValidator(_cik), StringConstraints(pattern=r"^[0-9]{10}$")]
Test = Literal["at_or_above", "above"]
