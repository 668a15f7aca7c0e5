"""A plain trade read from a feed line by hand is exactly the event the validator reads, a plain
trade's canonical payload written directly is exactly the model dump's, and anything the
validator would refuse (or read otherwise) is left to it."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import event, given
from hypothesis import strategies as st
from pydantic import ValidationError

from owl.ledger.events import SharesPurchased, canonical_payload, validate_line
from owl.ledger.events.plain import plain_payload, trade_from_json
from owl.ledger.feeds.jsonl import JsonlFeed

PLAIN = {
    "type": "SharesPurchased",
    "issuer": "BIG",
    "effective_date": "2010-01-04",
    "holder": "Holder 1235",
    "shares": 203,
    "event_id": "t-1",
}


def mostly(good: st.SearchStrategy[Any], bad: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Values that are good about nine times in ten (so a line is often a plain trade)."""
    return st.integers(0, 9).flatmap(lambda n: bad if n == 0 else good)


names = st.one_of(
    st.sampled_from(["Holder 0001", "IPOF Fund", "Beta  Partners", " Lead", "Trail ", "A\u0301"]),
    st.text(min_size=0, max_size=8),
    st.text(min_size=62, max_size=66, alphabet="ab "),
    st.text(min_size=199, max_size=202, alphabet="ab "),
    st.integers(),
    st.none(),
)
days = st.one_of(
    st.sampled_from(["2010-01-04", "2024-02-29", "2023-02-29", "2010-13-01", "0000-01-01"]),
    st.dates().map(lambda d: d.isoformat()),
    st.sampled_from(["2010-1-4", "20100104", "2010-01-04T00:00", " 2010-01-04", 20100104]),
)
counts = st.one_of(
    st.integers(min_value=-5, max_value=10**16),
    st.sampled_from([10**15, 10**15 + 1, True, False, 1.0, 203.5, "203", None, [1]]),
)
kinds = st.sampled_from(["SharesPurchased", "SharesSold", "SharesIssued", "Nope", 1])
extras = st.dictionaries(
    st.sampled_from(["price", "security", "nature", "source", "seq", "x"]),
    st.one_of(st.none(), st.just("12.5"), st.just("Class B"), st.integers(0, 3)),
    max_size=2,
)


def validator(text: str) -> Any:
    try:
        return validate_line(text)
    except ValidationError:
        return None


@given(
    kind=mostly(st.sampled_from(["SharesPurchased", "SharesSold"]), kinds),
    issuer=mostly(st.sampled_from(["BIG", "INOC", " Acme  Corp "]), names),
    day=mostly(st.dates().map(lambda d: d.isoformat()), days),
    holder=mostly(st.text(min_size=1, max_size=12), names),
    count=mostly(st.integers(min_value=1, max_value=10**15), counts),
    event_id=mostly(st.sampled_from(["t-1", "x 2", None]), names),
    drop=mostly(st.just(set()), st.sets(st.sampled_from(sorted(PLAIN)), max_size=2)),
    extra=mostly(st.just({}), extras),
    ascii_only=st.booleans(),
)
def test_the_hand_reader_agrees_with_the_validator(
    kind: Any,
    issuer: Any,
    day: Any,
    holder: Any,
    count: Any,
    event_id: Any,
    drop: set[str],
    extra: dict[str, Any],
    ascii_only: bool,
) -> None:
    body = {"type": kind, "issuer": issuer, "effective_date": day, "holder": holder,
            "shares": count, "event_id": event_id}  # fmt: skip
    body = {k: v for k, v in body.items() if k not in drop} | extra
    text = json.dumps(body, ensure_ascii=ascii_only)
    fast = trade_from_json(text)
    slow = validator(text)
    event("read by hand" if fast is not None else "left to the validator")
    if fast is not None:
        assert slow is not None
        assert fast == slow
        assert fast.model_fields_set == slow.model_fields_set
        assert canonical_payload(fast) == canonical_payload(slow)
    if slow is None:
        assert fast is None


@given(
    kind=st.sampled_from(["SharesPurchased", "SharesSold"]),
    issuer=st.text(min_size=1, max_size=64),
    day=st.dates(),
    holder=st.text(min_size=1, max_size=200),
    count=st.integers(min_value=1, max_value=10**15),
    extra=extras,
)
def test_a_plain_payload_is_the_model_dumps(
    kind: str, issuer: str, day: Any, holder: str, count: int, extra: dict[str, Any]
) -> None:
    fields = {k: v for k, v in extra.items() if k not in ("seq", "x")}
    body = {"type": kind, "issuer": issuer, "effective_date": day.isoformat(), "holder": holder,
            "shares": count} | fields  # fmt: skip
    event = validator(json.dumps(body))
    if event is None:
        return
    dumped = event.model_dump(mode="json", exclude={"event_id"}, exclude_none=True)
    from pydantic_core import to_json

    expected = to_json(dict(sorted(dumped.items()))).decode()
    written = plain_payload(event)
    if written is not None:
        assert written == expected
    assert canonical_payload(event) == expected


def test_a_plain_line_takes_the_hand_readers_path() -> None:
    event = trade_from_json(json.dumps(PLAIN))
    assert isinstance(event, SharesPurchased)
    assert event == validate_line(json.dumps(PLAIN))
    assert plain_payload(event) is not None


@pytest.mark.parametrize(
    "change",
    [
        {"shares": True},
        {"shares": 203.0},
        {"shares": 0},
        {"effective_date": "2010-02-30"},
        {"holder": "Holder\u0000 1235"},
        {"holder": "Holder\u202e1235"},
        {"holder": ""},
        {"issuer": "B" * 65},
        {"price": "1.5"},
        {"type": "SharesIssued"},
    ],
)
def test_anything_in_doubt_goes_the_validators_way(change: dict[str, Any]) -> None:
    assert trade_from_json(json.dumps(PLAIN | change)) is None


def test_a_repeated_key_is_still_named_by_the_feed() -> None:
    line = json.dumps(PLAIN)[:-1] + ', "shares": 5}'
    feed = JsonlFeed([line])
    assert list(feed) == []
    assert [(p.line, p.field) for p in feed.problems] == [(1, "shares")]


texts = st.one_of(
    st.text(max_size=12),
    st.text(alphabet=" ab\t\n\x1f\x7f\x85\u00a0\u2028\u202e", max_size=8),
    st.text(alphabet=st.characters(max_codepoint=127), max_size=12),
)


@given(texts)
def test_a_name_known_normal_at_a_glance_is_what_the_full_normalization_makes(text: str) -> None:
    """The shortcut for printable ASCII gives what the full normalization gives, or leaves the
    text to it (which refuses what it refuses)."""
    from owl.ledger.events.values import _normalize, normal_name

    try:
        expected: object = _normalize(text)
    except ValueError:
        with pytest.raises(ValueError):
            normal_name(text)
        return
    assert normal_name(text) == expected
