"""A stored plain trade read without the validator is exactly the event the validator reads, and
anything the validator would refuse is left to it (so a corrupt row is still named)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from owl.ledger.content import CorruptRow, checked_row, parse_row
from owl.ledger.events.stored import plain_trade

PLAIN = (
    '{"effective_date":"2010-01-04","holder":"Holder 1235","issuer":"BIG",'
    '"shares":203,"type":"SharesPurchased"}'
)

names = st.one_of(
    st.sampled_from(["Holder 0001", "IPOF Fund", "Beta  Partners", " Lead", "Trail ", "Ünïcödé"]),
    st.text(min_size=0, max_size=8),
    st.text(min_size=199, max_size=202, alphabet="ab "),
)
days = st.one_of(
    st.sampled_from(["2010-01-04", "2024-02-29", "2023-02-29", "2010-13-01", "0000-01-01"]),
    st.dates().map(lambda d: d.isoformat()),
)
shares = st.one_of(st.integers(min_value=-5, max_value=10**16), st.sampled_from([10**15]))


def payload(day: str, holder: str, issuer: str, count: int, kind: str) -> str:
    body = {
        "effective_date": day,
        "holder": holder,
        "issuer": issuer,
        "shares": count,
        "type": kind,
    }
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))


def full(seq: int, event_id: str, text: str) -> object:
    try:
        return checked_row(seq, event_id, text)
    except CorruptRow:
        return None


@given(
    days,
    names,
    names,
    shares,
    st.sampled_from(["SharesPurchased", "SharesSold", "SharesIssued"]),
    names,
)
def test_the_fast_path_agrees_with_the_validator(
    day: str, holder: str, issuer: str, count: int, kind: str, event_id: str
) -> None:
    text = payload(day, holder, issuer, count, kind)
    fast = plain_trade(text, event_id)
    slow = full(1, event_id, text)
    if fast is not None:
        assert slow is not None
        assert fast == slow
        assert fast.model_fields_set == slow.model_fields_set  # type: ignore[attr-defined]
    if slow is None:
        assert fast is None


def test_a_plain_trade_takes_the_fast_path() -> None:
    event = plain_trade(PLAIN, "t-1")
    assert event is not None and event == checked_row(1, "t-1", PLAIN)


@pytest.mark.parametrize(
    "text",
    [
        PLAIN.replace('"shares":203', '"shares":0'),
        PLAIN.replace('"shares":203', '"shares":1000000000000001'),
        PLAIN.replace("2010-01-04", "2010-02-30"),
        PLAIN.replace("Holder 1235", "Holder\\u0000 1235"),
        PLAIN.replace("Holder 1235", "Holder\u202e1235"),
        PLAIN.replace("Holder 1235", "Holder  1235"),
        PLAIN.replace('"type":"SharesPurchased"}', '"type":"SharesPurchased","x":1}'),
        PLAIN.replace('"holder"', '"holder" '),
    ],
)
def test_anything_in_doubt_goes_the_validators_way(text: str) -> None:
    assert plain_trade(text, "t-1") is None


def test_a_corrupt_trade_row_is_still_named_by_its_seq() -> None:
    with pytest.raises(CorruptRow, match="seq 7"):
        parse_row(7, "t-1", PLAIN.replace('"shares":203', '"shares":-3'))
