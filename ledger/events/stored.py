"""Reading a stored plain trade without the validator: the read path's hot case.

Most of a big log is market trades, and a stored payload is the canonical JSON owl wrote (keys
sorted, no spaces, names normalized). A payload of exactly the plain form

    {"effective_date":"2010-01-04","holder":"Holder 1235","issuer":"BIG","shares":203,
     "type":"SharesPurchased"}   (on one line)

(no price, class, nature, source or filing) is rebuilt here with the checks the validator would
make: the date exists, the shares are a whole number in range, each name is already in its
normal form (so no forbidden character), the lengths are within bounds. Anything else, or any
doubt, returns None and the caller takes the validator's path, which gives the same event or
names the problem. `tests/test_stored_fast.py` holds the two paths equal.
"""

from __future__ import annotations

import re

from owl.ledger.events.base import Event
from owl.ledger.events.plain import FIELDS, build, existing_day
from owl.ledger.events.values import MAX_ISSUER, MAX_NAME, MAX_SHARES, normal_name

_PLAIN = re.compile(
    r'\{"effective_date":"([0-9]{4}-[0-9]{2}-[0-9]{2})",'
    rf'"holder":"([^"\\\x00-\x1f]{{1,{MAX_NAME}}})",'
    rf'"issuer":"([^"\\\x00-\x1f]{{1,{MAX_ISSUER}}})",'
    rf'"shares":([1-9][0-9]{{0,{len(str(MAX_SHARES)) - 1}}}),'
    r'"type":"(SharesPurchased|SharesSold)"\}'
)


def plain_trade(payload: str, event_id: str) -> Event | None:
    """The stored plain trade, or None when the payload is not one beyond doubt."""
    found = _PLAIN.fullmatch(payload)
    if found is None:
        return None
    day, holder, issuer, shares_text, kind = found.groups()
    shares = int(shares_text)
    if shares > MAX_SHARES or not (_normal(holder) and _normal(issuer) and _normal(event_id)):
        return None
    effective = existing_day(day)
    if len(event_id) > MAX_NAME or effective is None:
        return None
    return build(kind, issuer, effective, holder, shares, event_id, set(FIELDS))


def _normal(text: str) -> bool:
    """Is the text a name already in its normal form (and so free of forbidden characters)?"""
    try:
        return bool(text) and normal_name(text) == text
    except ValueError:
        return False
