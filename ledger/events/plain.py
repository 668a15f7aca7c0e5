"""Plain trades without the validator: the write path's hot case.

Most lines of a big feed are market trades of the plain form

    {"type": "SharesPurchased", "issuer": "BIG", "effective_date": "2010-01-04",
     "holder": "Holder 1235", "shares": 203, "event_id": "t-1"}

(a purchase or a sale; no price, class, nature, source or filing; the id optional; the keys in
any order). `trade_from_json` reads such a line with the standard JSON reader and makes the
validator's own checks by hand: exact types (shares a JSON integer, not `true` or `203.0`), the
shares in range, each name normalized as the validator normalizes it and within its length, the
date written YYYY-MM-DD and existing. Anything else, or any doubt, returns None and the caller
takes the validator's path, which gives the same event or names the problem.

`plain_payload` writes the canonical payload of a plain trade directly (the same text
`canonical_payload` makes through the model's dump). `tests/test_plain_fast.py` holds both
paths equal to the validator's.
"""

from __future__ import annotations

import json
from datetime import date

from pydantic_core import to_json

from owl.ledger.dates import is_written_as_a_date
from owl.ledger.events.base import Event
from owl.ledger.events.capital import SharesPurchased, SharesSold
from owl.ledger.events.values import MAX_ISSUER, MAX_NAME, MAX_SHARES, normal_name, written_day

TYPES: dict[str, type[SharesPurchased] | type[SharesSold]] = {
    "SharesPurchased": SharesPurchased,
    "SharesSold": SharesSold,
}
# Every field in declaration order with its default (the two types declare the same fields).
DEFAULTS = {name: f.default for name, f in SharesPurchased.model_fields.items()}
assert list(SharesSold.model_fields) == list(DEFAULTS)
FIELDS = frozenset({"type", "issuer", "effective_date", "holder", "shares", "event_id"})
_REQUIRED = frozenset({"type", "issuer", "effective_date", "holder", "shares"})
_decode = json.JSONDecoder().decode
_set = object.__setattr__


def build(
    kind: str,
    issuer: str,
    effective: date,
    holder: str,
    shares: int,
    event_id: str | None,
    given: set[str],
) -> SharesPurchased | SharesSold:
    """The trade with these final field values, `given` the fields the input set (what
    `model_construct` does, without its per-field walk)."""
    cls = TYPES[kind]
    event = cls.__new__(cls)
    values = DEFAULTS.copy()  # (the keys exist: their order stays the declaration's)
    values["type"] = kind
    values["issuer"] = issuer
    values["effective_date"] = effective
    values["holder"] = holder
    values["shares"] = shares
    values["event_id"] = event_id
    _set(event, "__dict__", values)
    _set(event, "__pydantic_fields_set__", given)
    _set(event, "__pydantic_extra__", None)
    _set(event, "__pydantic_private__", None)
    return event


def trade_from_json(text: str) -> SharesPurchased | SharesSold | None:
    """The plain trade a line of JSON holds, or None when it is not one beyond doubt."""
    if "SharesPurchased" not in text and "SharesSold" not in text:
        return None  # not a trade: not worth reading twice
    try:
        raw = _decode(text)
    except (ValueError, RecursionError):
        return None
    if type(raw) is not dict or not raw.keys() <= FIELDS or not raw.keys() >= _REQUIRED:
        return None
    kind = raw["type"]
    shares = raw["shares"]
    day = raw["effective_date"]
    if type(kind) is not str or kind not in TYPES:
        return None
    if type(shares) is not int or not 0 < shares <= MAX_SHARES:
        return None
    if type(day) is not str or not is_written_as_a_date(day):
        return None
    issuer = _name(raw["issuer"], MAX_ISSUER)
    holder = _name(raw["holder"], MAX_NAME)
    event_id = raw.get("event_id")
    if event_id is not None:
        event_id = _name(event_id, MAX_NAME)
        if event_id is None:
            return None
    effective = existing_day(day)
    if issuer is None or holder is None or effective is None:
        return None
    return build(kind, issuer, effective, holder, shares, event_id, set(raw))


def existing_day(text: str) -> date | None:
    """The date written YYYY-MM-DD, or None when there is no such day."""
    try:
        return written_day(text)
    except ValueError:
        return None


def _name(value: object, longest: int) -> str | None:
    if type(value) is not str:
        return None
    try:
        name = normal_name(value)
    except ValueError:
        return None
    assert isinstance(name, str)
    return name if 0 < len(name) <= longest else None


def plain_payload(event: Event) -> str | None:
    """The canonical payload of a plain trade, written directly; None for any other event."""
    if type(event) not in _CLASSES:
        return None
    fields = event.__dict__
    if type(fields["shares"]) is not int:  # a fraction: the validator's serializer writes it
        return None
    for key in _OPTIONAL:
        if fields[key] is not None:
            return None
    text: str = (
        '{"effective_date":"'
        + fields["effective_date"].isoformat()
        + '","holder":'
        + to_json(fields["holder"]).decode()
        + ',"issuer":'
        + to_json(fields["issuer"]).decode()
        + ',"shares":'
        + str(fields["shares"])
        + ',"type":"'
        + event.type  # type: ignore[attr-defined]
        + '"}'
    )
    return text


_CLASSES = frozenset(TYPES.values())
_OPTIONAL = tuple(name for name in DEFAULTS if name not in FIELDS)  # None in a plain trade
