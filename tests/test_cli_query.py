"""`owl ownership`, `status`, `timeline`, `explain`: exact output, and the Innotrac demo end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from owl.cli.main import cli

ROOT = Path(__file__).resolve().parent.parent
EVENTS = str(ROOT / "data" / "innotrac" / "events.jsonl")
EXPECTED = ROOT / "data" / "innotrac" / "expected"
KNOWN = "2026-11-29T12:00:00Z"


def owl(db: str, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--db", db, *args])


@pytest.fixture
def inoc(sqlite_url: str) -> str:
    owl(sqlite_url, "init")
    owl(sqlite_url, "ingest", EVENTS, "--recorded-at", "2026-11-29T00:00:00Z")
    return sqlite_url


@pytest.mark.parametrize(
    "day", ["2003-08-13", "2003-08-14", "2003-11-20", "2003-11-24", "2003-12-31"]
)
def test_the_demo_steps_give_the_expected_status_json(db_url: str, day: str) -> None:
    owl(db_url, "init")
    ingested = owl(db_url, "ingest", EVENTS, "--recorded-at", "2026-11-29T00:00:00Z")

    result = owl(
        db_url,
        "status",
        "--issuer",
        "INOC",
        "--as-of",
        day,
        "--known-at",
        KNOWN,
        "--format",
        "json",
    )

    assert ingested.output.splitlines()[0] == "appended 10, already present 0"
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == json.loads((EXPECTED / f"status-{day}.json").read_text())


def test_status_table_on_24_november_2003(inoc: str) -> None:
    result = owl(inoc, "status", "--issuer", "INOC", "--as-of", "2003-11-24", "--known-at", KNOWN)

    assert result.exit_code == 0
    assert (
        result.output
        == """\
INOC as of 2003-11-24 (known at 2026-11-29T12:00:00.000000Z)
Plan: in force; Acquiring Person at or above 15%; rights agent SunTrust Bank; expires 2007-12-31; amendments No. 1, No. 2, No. 3
Shares outstanding: 11,662,030 (reported 2003-11-05)

group       members                      shares   percent  limit                             status   headroom  AP intervals  flags
IPOF Group  David Dadante, IPOF Fund  2,800,500  24.0138%  more than 40% (exemption, No. 3)  exempt  1,864,312  -             -
Stated: IPOF Fund reported 2,800,500 shares (24.2%) on 2003-11-24 (8-A/A): 24.2159% of 11,564,730, the count reported 2003-08-08; of the 11,662,030 shares then outstanding it is 24.0138%.
Unexplained change: IPOF Fund on 2003-08-14: +2,362,788 shares (reported 2,362,788, computed 0)
Unexplained change: IPOF Fund on 2003-11-24: +437,712 shares (reported 2,800,500, computed 2,362,788)

Acquiring Persons: none
Stock Acquisition Date: none
Distribution Date: none
"""
    )


def test_ownership_csv_lists_holders_and_groups(inoc: str) -> None:
    result = owl(inoc, "ownership", "--issuer", "INOC", "--as-of", "2003-11-24", "--format", "csv")

    assert result.output == (
        "kind,name,members,shares,percent\n"
        "holder,IPOF Fund,IPOF Fund,2800500,24.0138\n"
        "group,IPOF Group,David Dadante;IPOF Fund,2800500,24.0138\n"
    )


def test_ownership_table_shows_the_unexplained_changes_of_adopted_reports(inoc: str) -> None:
    result = owl(
        inoc, "ownership", "--issuer", "INOC", "--as-of", "2003-08-14", "--known-at", KNOWN
    )

    assert result.output.splitlines() == [
        "INOC as of 2003-08-14 (known at 2026-11-29T12:00:00.000000Z); shares outstanding 11,564,730",
        "",
        "holder        shares   percent",
        "IPOF Fund  2,362,788  20.4310%",
        "",
        "group       members                      shares   percent",
        "IPOF Group  David Dadante, IPOF Fund  2,362,788  20.4310%",
        "Unexplained change: IPOF Fund on 2003-08-14: +2,362,788 shares (reported 2,362,788, "
        "computed 0)",
    ]


def test_timeline_for_a_person_in_json(inoc: str) -> None:
    result = owl(inoc, "timeline", "--issuer", "INOC", "--person", "IPOF Fund", "--format", "json")

    body = json.loads(result.output)
    assert [(c["date"], c["detail"]) for c in body["changes"] if c["group"]] == [
        ("2003-08-14", "below -> exempt"),
        ("2003-08-14", "above 5%"),
        ("2003-08-14", "above 10%"),
        ("2003-08-14", "above the 15% threshold (at or above)"),
        ("2008-01-01", "exempt -> plan_not_in_force"),
    ]
    assert body["changes"][3]["event"]["source"].startswith("IPOF Agreement recital")


def test_timeline_table_names_its_view_and_starts_with_the_adoption(inoc: str) -> None:
    result = owl(inoc, "timeline", "--issuer", "INOC")

    lines = result.output.splitlines()
    assert lines[0] == "INOC timeline (known at 2026-11-29T00:00:00.000000Z)"
    assert lines[2].split() == ["date", "group", "kind", "change", "event"]
    assert lines[3].startswith("1997-12-31  (plan)      plan      rights plan adopted")


def test_a_timeline_known_at_an_instant_and_for_a_person_says_so(inoc: str) -> None:
    result = owl(inoc, "timeline", "--issuer", "INOC", "--person", "IPOF Fund", "--known-at", KNOWN)

    assert result.output.splitlines()[0] == (
        "INOC timeline for IPOF Fund (known at 2026-11-29T12:00:00.000000Z)"
    )


def test_explain_gives_the_rule_and_the_sourced_events(inoc: str) -> None:
    result = owl(
        inoc, "explain", "--issuer", "INOC", "--person", "IPOF Fund", "--as-of", "2003-11-20"
    )

    lines = result.output.splitlines()
    assert lines[0] == (
        "IPOF Fund in INOC as of 2003-11-20 (known at 2026-11-29T00:00:00.000000Z): exempt"
    )
    assert lines[3] == (
        "IPOF Group holds 2,362,788 of 11,662,030 shares then outstanding (20.2605%). Amendment "
        "No. 2 (effective 2003-08-14) exempts it unless it holds more than 25%; 20.2605% is not "
        "more than 25%, so it is exempt. It may acquire 552,719 more shares."
    )
    assert any("inoc-amendment-2" in line and "Ex. 4.2(c)" in line for line in lines)


def test_a_table_known_before_anything_was_recorded_says_so(inoc: str) -> None:
    result = owl(
        inoc, "status", "--issuer", "INOC", "--as-of", "2003-11-24", "--known-at", "2026-11-28"
    )

    assert result.output.splitlines()[1] == (
        "Nothing for INOC effective by 2003-11-24 had been recorded by "
        "2026-11-28T23:59:59.999999Z: the ledger knew of no plan and no holdings then."
    )


def test_a_former_acquiring_person_is_named_with_its_interval(inoc: str, tmp_path: Path) -> None:
    trades = tmp_path / "t.csv"
    trades.write_text(
        "trade_id,issuer,holder,side,shares,trade_date\nt-1,INOC,IPOF Fund,BUY,587212,2003-11-21\n"
    )
    owl(inoc, "ingest", str(trades))

    status = owl(inoc, "status", "--issuer", "INOC", "--as-of", "2003-11-24").output
    explained = owl(
        inoc, "explain", "--issuer", "INOC", "--person", "IPOF Fund", "--as-of", "2003-11-24"
    ).output

    assert "Formerly Acquiring Persons: IPOF Group [2003-11-21, 2003-11-24)" in status
    assert "Unexplained change: IPOF Fund on 2003-11-24: -149,500 shares" in status
    assert "It was an Acquiring Person [2003-11-21, 2003-11-24)." in explained
    assert "Acquiring Person intervals: [2003-11-21, 2003-11-24)" in explained


def test_explaining_a_person_before_it_appears_says_it_holds_nothing(inoc: str) -> None:
    result = owl(
        inoc, "explain", "--issuer", "INOC", "--person", "IPOF Fund", "--as-of", "2003-08-13"
    )

    assert result.exit_code == 0
    assert result.output.splitlines()[3] == (
        "IPOF Fund holds no shares on 2003-08-13 and belongs to no group "
        "(first appears in the ledger on 2003-08-14)."
    )


def test_a_timeline_for_an_unknown_person_is_refused(inoc: str) -> None:
    result = owl(inoc, "timeline", "--issuer", "INOC", "--person", "IPOF Funds")

    assert result.exit_code == 1
    assert result.stderr == "Error: no person or group named 'IPOF Funds' in INOC on any date\n"


def test_a_person_is_found_without_regard_to_case_and_spacing(inoc: str) -> None:
    asked = owl(inoc, "timeline", "--issuer", "INOC", "--person", " ipof  fund ")
    exact = owl(inoc, "timeline", "--issuer", "INOC", "--person", "IPOF Fund")

    assert asked.exit_code == 0
    assert asked.output == exact.output


def test_an_issuer_without_a_share_count_is_warned_about(sqlite_url: str, tmp_path: Path) -> None:
    owl(sqlite_url, "init")
    trades = tmp_path / "t.csv"
    trades.write_text(
        "trade_id,issuer,holder,side,shares,trade_date\nt-1,ACME,A,BUY,5,2003-11-21\n"
    )
    owl(sqlite_url, "ingest", str(trades))

    result = owl(sqlite_url, "status", "--issuer", "ACME", "--as-of", "2003-11-24")

    assert "No share count (OutstandingReported) on or before this date" in result.output


def test_a_query_known_before_anything_was_recorded_sees_no_plan(inoc: str) -> None:
    result = owl(
        inoc,
        "status",
        "--issuer",
        "INOC",
        "--as-of",
        "2003-11-24",
        "--known-at",
        "2026-11-28",
        "--format",
        "json",
    )

    body = json.loads(result.output)
    assert (body["plan"]["in_force"], body["groups"], body["shares_outstanding"]) == (
        False,
        [],
        None,
    )


def test_an_unknown_issuer_is_refused_naming_the_known_ones(inoc: str) -> None:
    result = owl(inoc, "status", "--issuer", "ACME", "--as-of", "2003-11-24")

    assert result.exit_code == 1
    assert result.stderr == "Error: no events for issuer 'ACME' (issuers in the ledger: INOC)\n"


def test_an_unknown_person_is_refused(inoc: str) -> None:
    result = owl(inoc, "explain", "--issuer", "INOC", "--person", "Nobody", "--as-of", "2003-11-24")

    assert result.exit_code == 1
    assert result.stderr == "Error: no person or group named 'Nobody' in INOC on 2003-11-24\n"


@pytest.mark.parametrize("bad", ["24/11/2003", "2003-11-24T00:00", "2003-W48-1"])
def test_an_as_of_not_written_as_a_date_is_a_usage_error(inoc: str, bad: str) -> None:
    result = owl(inoc, "status", "--issuer", "INOC", "--as-of", bad)

    assert result.exit_code == 2
    assert f"'{bad}' is not a date written YYYY-MM-DD" in result.stderr


@pytest.mark.parametrize(
    ("bad", "why"),
    [
        ("2024-02-30", "February 2024 has 29 days"),
        ("2023-02-29", "February 2023 has 28 days"),
        ("2003-13-01", "there is no month 13 (months are 01 to 12)"),
        ("2003-11-00", "there is no day 00 (days start at 01)"),
    ],
)
def test_an_as_of_that_does_not_exist_says_why(inoc: str, bad: str, why: str) -> None:
    result = owl(inoc, "status", "--issuer", "INOC", "--as-of", bad)

    assert result.exit_code == 2
    assert f"Invalid value for '--as-of': '{bad}' does not exist: {why}\n" in result.stderr


def test_a_missing_issuer_option_is_a_usage_error(inoc: str) -> None:
    assert owl(inoc, "status", "--as-of", "2003-11-24").exit_code == 2


def test_a_database_without_the_schema_names_owl_init(tmp_path: Path) -> None:
    (tmp_path / "empty.db").write_bytes(b"")

    result = owl(
        f"sqlite:///{tmp_path}/empty.db", "status", "--issuer", "INOC", "--as-of", "2003-11-24"
    )

    assert result.exit_code == 1
    assert "run 'owl init' first" in result.stderr


def test_a_file_that_is_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not a database, just notes\n" * 100)

    result = owl(f"sqlite:///{tmp_path}/notes.txt", "verify")

    assert result.exit_code == 1
    assert result.stderr.startswith("Error: cannot open the ledger at sqlite:///")


def test_explain_lists_the_share_count_behind_a_stated_percent(inoc: str) -> None:
    result = owl(
        inoc,
        "explain",
        "--issuer",
        "INOC",
        "--person",
        "IPOF Group",
        "--as-of",
        "2003-11-24",
        "--format",
        "json",
    )

    body = json.loads(result.output)
    assert body["reported"]["basis_outstanding"] == 11_564_730
    assert "inoc-outstanding-2003-08-08" in [e["event_id"] for e in body["events"]]
