"""`owl issuers` and `owl holders`: what the ledger knows, to find the names the queries take."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from owl.cli.main import cli

ROOT = Path(__file__).resolve().parent.parent
EVENTS = str(ROOT / "data" / "innotrac" / "events.jsonl")
FILING = str(ROOT / "tests" / "data" / "sec" / "374WaterForm4.xml")


def owl(db: str, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--db", db, *args])


def event(type: str, date: str, issuer: str = "INOC", **fields: object) -> str:
    return json.dumps({"type": type, "issuer": issuer, "effective_date": date, **fields})


@pytest.fixture
def ledger(sqlite_url: str, tmp_path: Path) -> str:
    """Innotrac, then a trade of IPOF Fund's, a sale of a later holder's whole position and a
    voided purchase; and ACME, with one holder."""
    owl(sqlite_url, "init")
    owl(sqlite_url, "ingest", EVENTS, "--recorded-at", "2026-11-29T00:00:00Z")
    more = tmp_path / "more.jsonl"
    more.write_text(
        "\n".join(
            [
                event("SharesPurchased", "2003-11-21", holder="IPOF Fund", shares=587_212),
                event("SharesPurchased", "2003-09-02", holder="Jane Roe", shares=1_000),
                event("SharesSold", "2003-10-15", holder="Jane Roe", shares=1_000),
                event("SharesPurchased", "2003-09-03", holder="Typo", shares=5, event_id="typo"),
                event("EventVoided", "2003-09-03", voids="typo", reason="wrong holder"),
                event("OutstandingReported", "2004-01-02", "ACME", shares=1_000),
                event("SharesPurchased", "2004-01-05", "ACME", holder="Rich Roe", shares=250),
            ]
        )
        + "\n"
    )
    owl(sqlite_url, "ingest", str(more), "--recorded-at", "2026-11-29T01:00:00Z")
    return sqlite_url


def test_issuers_lists_each_issuer_with_its_counts_and_dates(ledger: str) -> None:
    result = owl(ledger, "issuers")

    assert result.exit_code == 0
    assert result.stdout == (
        "issuer  cik  ticker  name  events  holders  first_date  last_date   last_recorded_at\n"
        "ACME    -    -       -          2        1  2004-01-02  2004-01-05  2026-11-29T01:00:00.000000Z\n"
        "INOC    -    -       -         15        1  1997-12-31  2003-11-24  2026-11-29T01:00:00.000000Z\n"
    )


def test_issuers_as_csv_and_json(ledger: str) -> None:
    csv = owl(ledger, "issuers", "--format", "csv")
    body = json.loads(owl(ledger, "issuers", "--format", "json").stdout)

    assert csv.stdout.splitlines()[1] == (
        "ACME,,,,2,1,2004-01-02,2004-01-05,2026-11-29T01:00:00.000000Z"
    )
    assert body["known_at"] == "2026-11-29T01:00:00.000000Z"
    assert body["issuers"][1]["issuer"] == "INOC"
    assert body["issuers"][1]["events"] == 15


def test_issuers_of_an_empty_ledger_says_how_to_add_some(sqlite_url: str) -> None:
    owl(sqlite_url, "init")

    result = owl(sqlite_url, "issuers")

    assert result.stdout == "No issuers: the ledger is empty (owl ingest adds events).\n"


def test_an_issuer_identified_by_a_filing_shows_its_cik_ticker_and_name(sqlite_url: str) -> None:
    owl(sqlite_url, "init")
    owl(sqlite_url, "ingest", FILING)

    body = json.loads(owl(sqlite_url, "issuers", "--format", "json").stdout)

    (issuer,) = body["issuers"]
    assert (issuer["cik"], issuer["ticker"]) == ("0000933972", "SCWO")
    assert issuer["name"]


def test_holders_lists_holders_then_former_holders_leaving_out_voided_events(ledger: str) -> None:
    result = owl(ledger, "holders", "--issuer", "INOC")

    assert result.exit_code == 0
    assert result.stdout == (
        "INOC holders as of 2003-11-24 (known at 2026-11-29T01:00:00.000000Z); "
        "shares outstanding 11,662,030\n"
        "\n"
        "holder        shares   percent  group       first_date  last_date   changes\n"
        "IPOF Fund  2,800,500  24.0138%  IPOF Group  2003-08-14  2003-11-24        3\n"
        "Jane Roe           0         -  -           2003-09-02  2003-10-15        2\n"
    )


def test_holders_on_a_date_count_only_what_happened_by_then(ledger: str) -> None:
    result = owl(ledger, "holders", "--issuer", "INOC", "--as-of", "2003-09-30", "--format", "csv")

    assert result.stdout == (
        "holder,shares,percent,group,first_date,last_date,changes\n"
        "IPOF Fund,2362788,20.4310,IPOF Group,2003-08-14,2003-08-14,1\n"
        "Jane Roe,1000,0.0086,,2003-09-02,2003-09-02,1\n"
    )


def test_holders_as_known_before_a_recording_leave_it_out(ledger: str) -> None:
    result = owl(
        ledger, "holders", "--issuer", "INOC", "--known-at", "2026-11-29T00:30:00Z", "--format",
        "json",
    )  # fmt: skip

    body = json.loads(result.stdout)
    assert [(h["holder"], h["shares"], h["changes"]) for h in body["holders"]] == [
        ("IPOF Fund", 2_800_500, 2)
    ]
    assert body["known_at"] == "2026-11-29T00:30:00.000000Z"


def test_a_holder_on_its_own_has_no_group(ledger: str) -> None:
    body = json.loads(owl(ledger, "holders", "--issuer", "ACME", "--format", "json").stdout)

    assert body["holders"] == [
        {
            "holder": "Rich Roe",
            "shares": 250,
            "percent": "25.0000",
            "group": None,
            "first_date": "2004-01-05",
            "last_date": "2004-01-05",
            "changes": 1,
        }
    ]
