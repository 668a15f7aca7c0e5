"""Defects found in review, each pinned by a test: timestamps, triggers, bad input, bad URLs."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from owl.cli.main import cli
from owl.ledger.errors import InvalidEvents
from owl.ledger.events import parse_event
from owl.ledger.feeds.csv import CsvFeed
from owl.ledger.feeds.jsonl import JsonlFeed
from owl.ledger.log import Pending, format_instant
from owl.projections.application.api import Ledger
from tests.builders import at, buy, ev, outstanding, plan, sell
from tests.storekit import Log


def owl(*args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), input=input)


def one_event_feed(folder: Path) -> Path:
    feed = folder / "e.jsonl"
    event = {
        "type": "OutstandingReported",
        "issuer": "INOC",
        "effective_date": "2003-01-02",
        "shares": 5,
    }
    feed.write_text(json.dumps(event) + "\n")
    return feed


def test_stamps_before_the_year_1000_keep_their_fixed_width() -> None:
    assert format_instant(datetime(999, 1, 1, tzinfo=UTC)) == "0999-01-01T00:00:00.000000Z"


@pytest.mark.parametrize("stamp", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:00:00-05:00"])
def test_an_instant_with_no_place_in_utc_is_a_usage_error(sqlite_url: str, stamp: str) -> None:
    owl("--db", sqlite_url, "init")

    result = owl("--db", sqlite_url, "log", "--known-at", stamp)

    assert result.exit_code == 2
    assert "out of range in UTC" in result.stderr


def test_an_insert_or_replace_over_a_stored_row_is_caught_by_verify(sqlite_url: str) -> None:
    # SQLite has no cheap guard against INSERT OR REPLACE (a BEFORE INSERT trigger doubles the
    # cost of every append); the replaced row no longer matches its hash, which verify names.
    log = Log(sqlite_url)
    log.init()
    log.append([Pending(buy("A", 1, "2003-01-02"))], at("2026-01-01T00:00"))
    path = sqlite_url.removeprefix("sqlite:///")

    with sqlite3.connect(path) as raw:
        raw.execute(
            "INSERT OR REPLACE INTO events SELECT seq, event_id, issuer, type, "
            "effective_date, recorded_at, '{}', prev_hash, hash FROM events"
        )

    result = log.verify()
    assert (result.ok, result.bad_seq) == (False, 1)
    log.close()


def test_a_clock_stamp_is_strictly_after_the_last_row(sqlite_url: str) -> None:
    log = Log(sqlite_url)
    log.init()
    log.append([Pending(buy("A", 1, "2003-01-02"))], at("2030-01-01T00:00"))

    log.append([Pending(buy("B", 1, "2003-01-02"))], lambda: at("2026-01-01T00:00"))

    assert [r.recorded_at for r in log.read_all()] == [
        "2030-01-01T00:00:00.000000Z",
        "2030-01-01T00:00:00.000001Z",
    ]
    log.close()


def test_a_view_without_known_at_names_the_latest_recording_it_saw(db_url: str) -> None:
    ledger = Ledger(db_url)
    ledger.init()
    ledger.append(
        [Pending(plan()), Pending(outstanding("2003-01-02", 1_000))], at("2026-01-01T00:00")
    )

    status = ledger.status("INOC", "2003-06-30")

    assert status["known_at"] == "2026-01-01T00:00:00.000000Z"
    ledger.close()


def test_a_void_filed_under_another_issuer_is_refused(db_url: str) -> None:
    ledger = Ledger(db_url)
    ledger.init()
    ledger.append(
        [Pending(ev("SharesPurchased", "2003-01-02", holder="H", shares=5, event_id="p1"))],
        at("2026-01-01T00:00"),
    )
    void = ev("EventVoided", "2003-01-03", issuer="OTHER", voids="p1", reason="typo")

    with pytest.raises(InvalidEvents) as refused:
        ledger.append([Pending(void, 1, "v.jsonl")], at("2026-01-02T00:00"))

    assert str(refused.value.problems[0]) == (
        "v.jsonl:line 1: field 'voids': 'p1' is an event of issuer 'INOC'; file the void under "
        "'INOC'"
    )
    ledger.close()


def test_a_refused_void_names_its_line_and_field(db_url: str) -> None:
    ledger = Ledger(db_url)
    ledger.init()
    ledger.append(
        [
            Pending(outstanding("2003-01-01", 1_000)),
            Pending(ev("SharesPurchased", "2003-01-02", holder="H", shares=100, event_id="p1")),
            Pending(sell("H", 80, "2003-01-05")),
        ],
        at("2026-01-01T00:00"),
    )
    void = ev("EventVoided", "2003-01-02", voids="p1", reason="wrong holder")

    with pytest.raises(InvalidEvents) as refused:
        ledger.append([Pending(void, 1, "v.jsonl")], at("2026-01-02T00:00"))

    problem = refused.value.problems[0]
    assert (problem.origin, problem.line, problem.field) == ("v.jsonl", 1, "voids")
    ledger.close()


def test_ids_issuers_and_texts_the_database_cannot_hold_are_input_errors() -> None:
    raw = {
        "type": "SharesPurchased",
        "issuer": "I" * 65,
        "effective_date": "2003-01-02",
        "holder": "H",
        "shares": 1,
        "event_id": "x" * 201,
        "source": "a\x00b",
    }

    problems = parse_event(raw, 7)

    assert isinstance(problems, list)
    assert [(p.field, p.reason.split(",")[0]) for p in problems] == [
        ("issuer", "must be at most 64 characters"),
        ("event_id", "must be at most 200 characters"),
        ("source", "contains the control character U+0000"),
    ]


def test_deeply_nested_or_huge_json_is_a_malformed_line() -> None:
    feed = JsonlFeed(["[" * 200_000 + "\n", '{"shares": ' + "9" * 5000 + "}\n"], "f.jsonl")

    assert list(feed) == []
    assert [(p.line, p.reason.startswith("malformed JSON")) for p in feed.problems] == [
        (1, True),
        (2, True),
    ]


def test_a_csv_share_count_too_long_to_be_real_is_refused() -> None:
    feed = CsvFeed(
        [
            "trade_id,issuer,holder,side,shares,trade_date\n",
            f"t1,INOC,H,BUY,{'9' * 5000},2003-01-02\n",
        ],
        "t.csv",
    )

    assert list(feed) == []
    assert [(p.field, p.reason) for p in feed.problems] == [("shares", "too large: 5000 digits")]


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+psycopgX://bob:s3cretPW@127.0.0.1/db",
        "mysql://bob:s3cretPW@127.0.0.1/db",
        "postgresql+psycopg://bob:s3cretPW@h:port/db",
    ],
)
def test_an_unusable_database_url_is_an_error_without_the_password(url: str) -> None:
    result = owl("--db", url, "log")

    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ")
    assert "s3cretPW" not in result.stderr


def test_restoring_a_csv_from_standard_input_is_a_usage_error(sqlite_url: str) -> None:
    owl("--db", sqlite_url, "init")

    result = owl(
        "--db",
        sqlite_url,
        "ingest",
        "--keep-recorded-at",
        "-",
        input="trade_id,issuer,holder,side,shares,trade_date\nt1,A,H,BUY,5,2003-01-05\n",
    )

    assert result.exit_code == 2


def test_a_week_date_is_not_an_as_of_date(sqlite_url: str, tmp_path: Path) -> None:
    owl("--db", sqlite_url, "init")
    feed = one_event_feed(tmp_path)
    owl("--db", sqlite_url, "ingest", str(feed))

    result = owl("--db", sqlite_url, "status", "--issuer", "INOC", "--as-of", "2003-W05-1")

    assert result.exit_code == 2


def test_names_that_would_start_a_spreadsheet_formula_are_quoted_in_csv(
    sqlite_url: str, tmp_path: Path
) -> None:
    owl("--db", sqlite_url, "init")
    feed = tmp_path / "e.jsonl"
    feed.write_text(
        "\n".join(
            json.dumps(e)
            for e in [
                {
                    "type": "OutstandingReported",
                    "issuer": "INOC",
                    "effective_date": "2003-01-02",
                    "shares": 100,
                },
                {
                    "type": "SharesPurchased",
                    "issuer": "INOC",
                    "effective_date": "2003-01-03",
                    "holder": "=HYPERLINK(1)",
                    "shares": 5,
                },
            ]
        )
        + "\n"
    )
    owl("--db", sqlite_url, "ingest", str(feed))

    result = owl(
        "--db",
        sqlite_url,
        "ownership",
        "--issuer",
        "INOC",
        "--as-of",
        "2003-01-03",
        "--format",
        "csv",
    )

    assert "holder,'=HYPERLINK(1),'=HYPERLINK(1),5,5.0000" in result.output


def test_a_void_of_a_void_is_refused(sqlite_url: str) -> None:
    log = Log(sqlite_url)
    log.init()
    first = ev("EventVoided", "2003-01-03", voids="p1", reason="typo", event_id="v1")
    purchase = ev("SharesPurchased", "2003-01-02", holder="A", shares=1, event_id="p1")
    log.append([Pending(purchase), Pending(first)], at("2026-01-01T00:00"))
    second = ev("EventVoided", "2003-01-04", voids="v1", reason="undo")

    with pytest.raises(InvalidEvents, match="is itself a void"):
        log.append([Pending(second, 1)], at("2026-01-02T00:00"))
    log.close()


def test_a_recorded_at_in_the_future_is_a_usage_error(sqlite_url: str, tmp_path: Path) -> None:
    owl("--db", sqlite_url, "init")
    feed = one_event_feed(tmp_path)

    result = owl("--db", sqlite_url, "ingest", str(feed), "--recorded-at", "2999-01-01T00:00:00Z")

    assert result.exit_code == 2
    assert (
        "Invalid value for '--recorded-at': 2999-01-01T00:00:00.000000Z is in the future (it is "
        "now 2" in result.stderr
    )


def test_a_view_that_sees_no_events_names_the_newest_recording(db_url: str) -> None:
    ledger = Ledger(db_url)
    ledger.init()
    ledger.append([Pending(outstanding("2003-01-02", 1_000))], at("2026-01-01T00:00"))

    early = ledger.status("INOC", "1990-01-01")

    assert (early["events_known"], early["known_at"]) == (0, "2026-01-01T00:00:00.000000Z")
    ledger.close()
