"""The feed parsers: good lines become pending events, every bad line becomes a Problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from owl.ledger.errors import Problem
from owl.ledger.feeds import detect_format, read_path
from owl.ledger.feeds.csv import CsvFeed
from owl.ledger.feeds.jsonl import JsonlFeed

HEADER = "trade_id,issuer,holder,side,shares,trade_date,price\n"
BUY = (
    '{"type":"SharesPurchased","issuer":"INOC","effective_date":"2003-08-14",'
    '"holder":"A","shares":5}'
)


def lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def test_jsonl_lines_become_pending_events_with_line_numbers_and_origin() -> None:
    feed = JsonlFeed(lines(f"{BUY}\n\n{BUY.replace('5', '7')}\n"), origin="trades.jsonl")

    pendings = list(feed)

    assert [(p.line, p.origin, p.event.shares) for p in pendings] == [  # type: ignore[union-attr]
        (1, "trades.jsonl", 5),
        (3, "trades.jsonl", 7),
    ]
    assert feed.problems == []
    assert feed.lines_read == 3


def test_jsonl_collects_every_problem_not_just_the_first() -> None:
    text = f'{BUY}\n{{"type": \n{BUY.replace("5", "-5")}\n[1, 2]\n{{"type":"Nope"}}\n'

    feed = JsonlFeed(lines(text), origin="bad.jsonl")
    pendings = list(feed)

    assert len(pendings) == 1
    assert [str(p) for p in feed.problems] == [
        "bad.jsonl:line 2: malformed JSON: Expecting value (column 10)",
        "bad.jsonl:line 3: field 'shares': must be more than 0, got -5",
        "bad.jsonl:line 4: expected a JSON object",
        "bad.jsonl:line 5: field 'type': unknown event type 'Nope'",
    ]


def test_jsonl_drops_the_fields_the_ledger_assigns() -> None:
    exported = BUY[:-1] + ',"seq":9,"recorded_at":"x","hash":"h","prev_hash":"p"}'

    feed = JsonlFeed([exported])

    assert [p.event.type for p in feed] == ["SharesPurchased"]
    assert feed.problems == []


def test_a_csv_trade_feed_becomes_purchases_and_sales() -> None:
    text = HEADER + "t1,INOC,A,BUY,100,2003-08-14,6.25\nt2,INOC,A,s,40,2003-08-15,\n"

    feed = CsvFeed(lines(text), origin="trades.csv")
    pendings = list(feed)

    assert feed.problems == []
    assert [p.line for p in pendings] == [2, 3]
    first, second = (p.event for p in pendings)
    assert first.model_dump(exclude_none=True) == {
        "type": "SharesPurchased",
        "event_id": "t1",
        "issuer": "INOC",
        "holder": "A",
        "shares": 100,
        "price": "6.25",
        "effective_date": first.effective_date,
    }
    assert str(first.effective_date) == "2003-08-14"
    assert (second.type, second.event_id, second.price) == ("SharesSold", "t2", None)  # type: ignore[union-attr]


@pytest.mark.parametrize("side", ["BUY", "buy", "Buy", "B", "b"])
def test_every_spelling_of_buy_is_a_purchase(side: str) -> None:
    feed = CsvFeed([HEADER, f"t1,INOC,A,{side},1,2003-08-14,\n"])

    assert [p.event.type for p in feed] == ["SharesPurchased"]


@pytest.mark.parametrize("shares", ["1.1234567", "-3", "abc", "", "0", "0.00", "1e3"])
def test_csv_shares_must_be_a_positive_integer_in_digits(shares: str) -> None:
    feed = CsvFeed([HEADER, f"t1,INOC,A,BUY,{shares},2003-08-14,\n"], origin="t.csv")

    assert list(feed) == []
    assert [(p.line, p.field) for p in feed.problems] == [(2, "shares")]


def test_csv_reports_every_bad_field_of_every_row_by_column_name() -> None:
    text = (
        HEADER
        + "t1,INOC,A,HOLD,5,2003-08-14,\n"
        + "t2,INOC,A,BUY,5,2003-13-01,abc\n"
        + ",INOC,,SELL,5,2003-08-14,\n"
        + "t4,INOC,A,BUY\n"
    )

    feed = CsvFeed(lines(text), origin="t.csv")

    assert list(feed) == []
    assert [str(p) for p in feed.problems] == [
        "t.csv:line 2: field 'side': expected BUY, SELL, B or S, got 'HOLD'",
        "t.csv:line 3: field 'trade_date': '2003-13-01' does not exist: "
        "there is no month 13 (months are 01 to 12)",
        "t.csv:line 3: field 'price': expected a decimal number such as 24.2, got 'abc'",
        "t.csv:line 4: field 'trade_id': missing value",
        "t.csv:line 4: field 'holder': missing value",
        "t.csv:line 5: expected 7 fields, got 4",
    ]


def test_csv_line_numbers_are_physical_lines_even_after_a_quoted_newline() -> None:
    text = HEADER + 't1,INOC,"A\nB",BUY,5,2003-08-14,\n\nt2,INOC,A,BUY,x,2003-08-14,\n'

    feed = CsvFeed(lines(text))

    assert [p.line for p in feed] == []
    assert [(p.line, p.field) for p in feed.problems] == [(2, "holder"), (5, "shares")]
    assert "U+000A" in feed.problems[0].reason  # a name with a line break is refused


def test_the_price_column_is_optional_and_columns_may_come_in_any_order() -> None:
    feed = CsvFeed(
        ["shares,trade_date,side,holder,issuer,trade_id\n", "5,2003-08-14,B,A,INOC,t1\n"]
    )

    assert [p.event.event_id for p in feed] == ["t1"]
    assert feed.problems == []


def test_a_csv_header_with_missing_and_unknown_columns_is_one_problem_on_line_1() -> None:
    feed = CsvFeed(["trade_id,issuer,holder,side,qty,trade_date\n", "t1,INOC,A,B,5,2003-08-14\n"])

    assert list(feed) == []
    assert feed.problems == [
        Problem(
            1,
            None,
            "missing column shares; unknown column 'qty'; the header must be "
            "trade_id,issuer,holder,side,shares,trade_date (and optionally price)",
        )
    ]


def test_an_empty_csv_file_has_no_events_and_no_problems() -> None:
    feed = CsvFeed([])

    assert list(feed) == []
    assert feed.problems == []


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("a.jsonl", "jsonl"),
        ("a.ndjson", "jsonl"),
        ("A.JSON", "jsonl"),
        ("dir.v2/trades.csv", "csv"),
        ("a.txt", "sec"),
        ("0001-23-456.nc", "sec"),
        ("form4.XML", "sec"),
        ("a.dat", None),
        ("-", None),
    ],
)
def test_the_format_is_detected_from_the_extension(name: str, expected: str | None) -> None:
    assert detect_format(name) == expected


def test_read_path_reads_a_file_with_a_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "trades.csv"
    path.write_bytes(("\ufeff" + HEADER + "t1,INOC,A,BUY,5,2003-08-14,\r\n").encode())

    feed = read_path(str(path), "csv")

    assert [(p.event.event_id, p.origin) for p in feed] == [("t1", str(path))]
    assert feed.problems == []


def test_sniffing_a_feed_keeps_every_line() -> None:
    from owl.ledger.feeds import sniff

    fmt, lines = sniff(iter(["\n", '{"type": "x"}\n', "more\n"]))

    assert (fmt, list(lines)) == ("jsonl", ["\n", '{"type": "x"}\n', "more\n"])
    assert sniff(iter(["trade_id,issuer\n"]))[0] == "csv"
    assert sniff(iter([]))[0] == "csv"
