"""`owl ingest`: every problem reported at once, all-or-nothing appends, idempotent re-ingest."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from owl.cli.main import cli
from tests.builders import counts
from tests.storekit import Log

CSV_HEADER = "trade_id,issuer,holder,side,shares,trade_date,price\n"


def owl(db: str, *args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(cli, ["--db", db, *args], input=input)


def event(type: str, date: str, **fields: object) -> str:
    return json.dumps({"type": type, "issuer": "INOC", "effective_date": date, **fields})


def buy(holder: str, shares: int, date: str = "2003-08-14", **fields: object) -> str:
    return event("SharesPurchased", date, holder=holder, shares=shares, **fields)


def write(path: Path, *lines: str) -> str:
    path.write_text("".join(f"{line}\n" for line in lines))
    return str(path)


@pytest.fixture
def db(sqlite_url: str) -> str:
    owl(sqlite_url, "init")
    return sqlite_url


def head(db: str) -> str:
    return owl(db, "verify").stdout


def test_ingesting_a_jsonl_file_appends_its_events(db: str, tmp_path: Path) -> None:
    path = write(tmp_path / "ipof.jsonl", buy("IPOF Fund", 500_000), "", buy("IPOF Fund", 20_000))

    result = owl(db, "ingest", path)

    assert (result.exit_code, counts(result.stdout), result.stderr) == (
        0,
        "appended 2, already present 0\n",
        "",
    )
    assert head(db).startswith("ok: 2 events, head seq 2, ")


def test_ingesting_a_csv_trade_feed_appends_purchases_and_sales(db: str, tmp_path: Path) -> None:
    path = write(
        tmp_path / "trades.csv",
        CSV_HEADER.strip(),
        "t1,INOC,David Dadante,BUY,1000,2003-08-14,6.25",
        "t2,INOC,David Dadante,s,400,2003-08-15,",
    )

    result = owl(db, "ingest", path)

    assert (result.exit_code, counts(result.stdout)) == (0, "appended 2, already present 0\n")
    events = [(r.event_id, r.event.type) for r in Log(db).read_all()]
    assert events == [("t1", "SharesPurchased"), ("t2", "SharesSold")]


def test_ingesting_the_same_files_again_appends_nothing(db: str, tmp_path: Path) -> None:
    jsonl = write(tmp_path / "a.jsonl", buy("A", 5), buy("B", 6, event_id="b"))
    csv = write(tmp_path / "t.csv", CSV_HEADER.strip(), "t1,INOC,C,B,7,2003-08-14,")
    owl(db, "ingest", jsonl, csv)
    before = head(db)

    result = owl(db, "ingest", jsonl, csv)

    assert (result.exit_code, counts(result.stdout)) == (0, "appended 0, already present 3\n")
    assert head(db) == before


def test_a_file_with_several_bad_lines_reports_them_all_and_writes_nothing(
    db: str, tmp_path: Path
) -> None:
    owl(db, "ingest", write(tmp_path / "first.jsonl", buy("A", 5)))
    before = head(db)
    path = write(
        tmp_path / "bad.jsonl",
        buy("B", 1),
        buy("C", 1.5),
        '{"type": "SharesPurchased",',
        event("SharesSold", "2003-08-14", holder="A", shares=3, color="red"),
        event("StockSplit", "2003-02-30", numerator=2, denominator=1),
    )

    result = owl(db, "ingest", path)

    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        "Error: 4 problems found; nothing was written\n"
        f"  {path}:line 2: field 'shares': expected a whole number (a JSON integer) or, with a fraction, a decimal string (\"14.19\"), got 1.5\n"
        f"  {path}:line 3: malformed JSON: "
        "Expecting property name enclosed in double quotes (column 28)\n"
        f"  {path}:line 4: field 'color': unknown field\n"
        f"  {path}:line 5: field 'effective_date': '2003-02-30' does not exist: February 2003 has 28 days\n"
    )
    assert head(db) == before


def test_problems_in_every_file_are_reported_together(db: str, tmp_path: Path) -> None:
    jsonl = write(tmp_path / "a.jsonl", buy("A", 0))
    csv = write(tmp_path / "t.csv", CSV_HEADER.strip(), "t1,INOC,A,BUY,-3,2003-08-14,")

    result = owl(db, "ingest", jsonl, csv)

    assert result.exit_code == 1
    assert result.stderr == (
        "Error: 2 problems found; nothing was written\n"
        f"  {jsonl}:line 1: field 'shares': must be more than 0, got 0\n"
        f"  {csv}:line 2: field 'shares': "
        "expected a positive number of shares in digits (a fraction with at most 6 decimal places, as 14.19), got '-3'\n"
    )


def test_only_the_first_twenty_problems_are_listed_and_the_rest_counted(
    db: str, tmp_path: Path
) -> None:
    path = write(tmp_path / "bad.jsonl", *["not json"] * 25)

    result = owl(db, "ingest", path)

    lines = result.stderr.splitlines()
    assert result.exit_code == 1
    assert lines[0] == "Error: 25 problems found; nothing was written"
    assert lines[20] == f"  {path}:line 20: malformed JSON: Expecting value (column 1)"
    assert lines[21:] == ["  ... and 5 more"]


def test_a_sale_the_holder_cannot_cover_is_refused_and_nothing_is_written(
    db: str, tmp_path: Path
) -> None:
    path = write(
        tmp_path / "t.csv",
        CSV_HEADER.strip(),
        "t1,INOC,A,BUY,100,2003-08-14,",
        "t2,INOC,A,SELL,400,2003-08-16,",
    )

    result = owl(db, "ingest", path)

    assert result.exit_code == 1
    assert result.stderr.startswith("Error: 1 problem found; nothing was written\n")
    assert f"{path}:line 3: field 'shares'" in result.stderr
    assert head(db).startswith("ok: 0 events")


def test_a_known_event_id_with_different_content_is_refused(db: str, tmp_path: Path) -> None:
    owl(db, "ingest", write(tmp_path / "a.jsonl", buy("A", 5, event_id="x")))

    second = write(tmp_path / "b.jsonl", buy("A", 6, event_id="x"))

    result = owl(db, "ingest", second)

    assert result.exit_code == 1
    assert result.stderr == (
        "Error: 1 problem found; nothing was written\n"
        f"  {second}:line 1: field 'event_id': 'x' is already in the log with different content\n"
    )


def test_a_dry_run_writes_nothing_and_says_what_it_would_append(
    db_url: str, tmp_path: Path
) -> None:
    owl(db_url, "init")
    owl(db_url, "ingest", write(tmp_path / "a.jsonl", buy("A", 5)))
    before = head(db_url)
    path = write(tmp_path / "b.jsonl", buy("A", 5), buy("B", 1), buy("C", 2))

    result = owl(db_url, "ingest", "--dry-run", path)

    assert (result.exit_code, result.stdout) == (0, "dry run: would append 2, already present 1\n")
    assert head(db_url) == before
    assert counts(owl(db_url, "ingest", path).stdout) == "appended 2, already present 1\n"


def test_a_dry_run_reports_problems_like_a_real_run(db: str, tmp_path: Path) -> None:
    path = write(tmp_path / "t.csv", CSV_HEADER.strip(), "t1,INOC,A,SELL,4,2003-08-14,")

    result = owl(db, "ingest", "--dry-run", path)

    assert result.exit_code == 1
    assert result.stderr.startswith("Error: 1 problem found; nothing was written\n")


def test_a_dash_reads_standard_input_in_the_given_format(db: str) -> None:
    result = owl(db, "ingest", "--format", "jsonl", "-", input=buy("A", 5) + "\n")

    assert (result.exit_code, counts(result.stdout)) == (0, "appended 1, already present 0\n")


def test_problems_on_standard_input_name_it(db: str) -> None:
    result = owl(db, "ingest", "--format", "csv", "-", input="trade_id,issuer\n")

    assert result.exit_code == 1
    assert "  <stdin>:line 1: missing columns holder, side, shares, trade_date;" in result.stderr


def test_standard_input_without_a_format_is_told_by_its_first_line(db: str) -> None:
    jsonl = owl(db, "ingest", "-", input="\n" + buy("A", 5) + "\n")
    trades = owl(db, "ingest", "-", input=CSV_HEADER + "t1,INOC,B,BUY,7,2003-08-14,\n")

    assert (jsonl.exit_code, counts(jsonl.output)) == (0, "appended 1, already present 0\n")
    assert (trades.exit_code, counts(trades.output)) == (0, "appended 1, already present 0\n")


def test_an_unknown_extension_without_a_format_is_a_usage_error(db: str, tmp_path: Path) -> None:
    path = write(tmp_path / "events.dat", buy("A", 5))

    result = owl(db, "ingest", path)

    assert result.exit_code == 2
    assert f"Error: cannot tell the format of '{path}' from its extension" in result.stderr
    assert owl(db, "ingest", "--format", "jsonl", path).exit_code == 0


def test_a_missing_file_is_a_usage_error(db: str, tmp_path: Path) -> None:
    result = owl(db, "ingest", str(tmp_path / "nope.jsonl"))

    assert result.exit_code == 2
    assert "does not exist" in result.stderr


def test_a_file_that_is_not_utf8_is_an_error_not_a_traceback(db: str, tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes(CSV_HEADER.encode() + "t1,INOC,Müller,BUY,5,2003-08-14,\n".encode("latin-1"))

    result = owl(db, "ingest", str(path))

    assert (result.exit_code, result.stderr) == (
        1,
        f"Error: cannot read {path}: line 2 is not UTF-8 text (its byte 10 is 0xfc)\n",
    )


def test_ingest_into_a_ledger_that_does_not_exist_says_to_run_owl_init(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/missing.db"
    path = write(tmp_path / "a.jsonl", buy("A", 5))

    result = owl(url, "ingest", path)

    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: no ledger at {url} (the file {tmp_path}/missing.db does not exist); "
        "run 'owl init' to create it\n"
    )
    assert not (tmp_path / "missing.db").exists()


def test_ingest_into_a_database_never_initialized_says_to_run_owl_init(tmp_path: Path) -> None:
    (tmp_path / "empty.db").touch()
    url = f"sqlite:///{tmp_path}/empty.db"

    result = owl(url, "ingest", write(tmp_path / "a.jsonl", buy("A", 5)))

    assert result.exit_code == 1
    assert result.stderr == f"Error: the ledger at {url} has no schema; run 'owl init' first\n"


def test_recorded_at_stamps_every_event_of_the_invocation(db: str, tmp_path: Path) -> None:
    path = write(tmp_path / "a.jsonl", buy("A", 5), buy("B", 5))

    result = owl(db, "ingest", "--recorded-at", "2026-11-29T13:00:00+01:00", path)

    assert result.exit_code == 0
    stamps = {r.recorded_at for r in Log(db).read_all()}
    assert stamps == {"2026-11-29T12:00:00.000000Z"}


@pytest.mark.parametrize("stamp", ["2026-11-29T12:00:00", "2026-11-29", "yesterday"])
def test_a_recorded_at_without_a_zone_or_not_a_timestamp_is_a_usage_error(
    db: str, tmp_path: Path, stamp: str
) -> None:
    path = write(tmp_path / "a.jsonl", buy("A", 5))

    result = owl(db, "ingest", "--recorded-at", stamp, path)

    assert result.exit_code == 2
    assert "Error: Invalid value for '--recorded-at'" in result.stderr
    assert head(db).startswith("ok: 0 events")


def test_a_recorded_at_earlier_than_the_last_event_is_refused(db: str, tmp_path: Path) -> None:
    owl(
        db,
        "ingest",
        "--recorded-at",
        "2026-11-29T12:00:00Z",
        write(tmp_path / "a.jsonl", buy("A", 5)),
    )
    path = write(tmp_path / "b.jsonl", buy("B", 5))

    result = owl(db, "ingest", "--recorded-at", "2026-11-29T11:00:00Z", path)

    assert result.exit_code == 1
    assert result.stderr == (
        "Error: recorded_at 2026-11-29T11:00:00.000000Z is earlier than the last recorded event "
        "(2026-11-29T12:00:00.000000Z); transaction time never goes backwards\n"
    )


def test_a_big_input_shows_no_progress_bar_when_stderr_is_not_a_terminal(
    db: str, tmp_path: Path
) -> None:
    path = write(tmp_path / "big.jsonl", *(buy(f"H{n}", 1) for n in range(6_000)))

    result = owl(db, "ingest", path)

    assert (result.exit_code, counts(result.stdout), result.stderr) == (
        0,
        "appended 6000, already present 0\n",
        "",
    )


def test_a_line_repeated_in_the_input_is_counted_apart(db: str, tmp_path: Path) -> None:
    feed = write(tmp_path / "a.jsonl", buy("A", 5, event_id="x"), buy("A", 5, event_id="x"))

    result = owl(db, "ingest", feed)

    assert counts(result.output) == "appended 1, already present 0, repeated in the input 1\n"


def test_ingest_prints_the_new_head_digest_that_verify_confirms(db: str, tmp_path: Path) -> None:
    path = write(tmp_path / "a.jsonl", buy("A", 5), buy("B", 7))

    result = owl(db, "ingest", path)

    summary, digest_line = result.stdout.splitlines()
    digest = digest_line.removeprefix("head digest ")
    assert summary == "appended 2, already present 0"
    assert digest_line.startswith("head digest 2:")
    confirmed = owl(db, "verify", "--expect", digest)
    assert confirmed.stdout.splitlines()[0].endswith(f"; digest {digest} confirmed")


def test_a_dry_run_prints_no_digest(db: str, tmp_path: Path) -> None:
    result = owl(db, "ingest", "--dry-run", write(tmp_path / "a.jsonl", buy("A", 5)))

    assert result.stdout == "dry run: would append 1, already present 0\n"


def test_json_values_in_problems_are_shown_as_json(db: str, tmp_path: Path) -> None:
    path = write(
        tmp_path / "bad.jsonl",
        event("SharesPurchased", "2003-08-14", holder=None, shares=True),
        event("HoldingReported", "2003-08-14", holder="A", shares=1, public=None, percent=False),
        event("SharesPurchased", True, holder="A", shares=[1]),
    )

    result = owl(db, "ingest", path)

    assert result.stderr == (
        "Error: 6 problems found; nothing was written\n"
        f"  {path}:line 1: field 'holder': expected text (a JSON string), got null\n"
        f"  {path}:line 1: field 'shares': expected a whole number (a JSON integer) or, with a fraction, a decimal string (\"14.19\"), got true\n"
        f"  {path}:line 2: field 'percent': expected text (a JSON string), got false\n"
        f"  {path}:line 2: field 'public': expected true or false, got null\n"
        f"  {path}:line 3: field 'effective_date': expected a date as YYYY-MM-DD, got true\n"
        f"  {path}:line 3: field 'shares': expected a whole number (a JSON integer) or, with a fraction, a decimal string (\"14.19\"), got [1]\n"
    )


def test_an_issuer_written_in_other_case_is_refused_naming_the_known_one(
    db: str, tmp_path: Path
) -> None:
    owl(db, "ingest", write(tmp_path / "a.jsonl", buy("IPOF Fund", 500_000)))
    path = write(
        tmp_path / "trades.csv",
        CSV_HEADER.strip(),
        "t1,inoc,David Dadante,BUY,1000,2003-08-14,6.25",
        "t2, INOC ,David Dadante,BUY,400,2003-08-15,",
    )

    result = owl(db, "ingest", path)

    assert result.exit_code == 1
    assert (
        f"{path}:line 2: field 'issuer': 'inoc' differs only in case or spacing from the issuer 'INOC'"
        in result.stderr
    )
    assert head(db).startswith("ok: 1 events,")
