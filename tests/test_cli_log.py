"""`owl init`, `owl log` and `owl verify`: the raw log, its export, and its digest."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path
from textwrap import dedent

import pytest
from click.testing import CliRunner, Result
from freezegun import freeze_time

from owl.cli.main import cli
from owl.ledger.sql import safe_url
from tests.builders import counts
from tests.storekit import Log

NOON = "2026-11-29T12:00:00Z"


def owl(db: str, *args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(cli, ["--db", db, *args], input=input)


def event(type: str, date: str, issuer: str = "INOC", **fields: object) -> str:
    return json.dumps({"type": type, "issuer": issuer, "effective_date": date, **fields})


@pytest.fixture
def db(sqlite_url: str, tmp_path: Path) -> str:
    """A ledger with a short Innotrac story, recorded at noon on 29 Nov 2026."""
    owl(sqlite_url, "init")
    (tmp_path / "story.jsonl").write_text(
        "\n".join(
            [
                event("OutstandingReported", "2003-08-14", shares=11_662_030, event_id="out-1"),
                event(
                    "SharesPurchased",
                    "2003-08-14",
                    holder="IPOF Fund",
                    shares=500_000,
                    price="6.25",
                    source="Form 4",
                    event_id="buy-1",
                ),
                event("OutstandingReported", "2003-09-30", "ACME", shares=1_000, event_id="acme"),
            ]
        )
    )
    owl(sqlite_url, "ingest", "--recorded-at", NOON, str(tmp_path / "story.jsonl"))
    return sqlite_url


def test_init_creates_the_ledger_and_is_safe_to_run_twice(sqlite_url: str) -> None:
    first = owl(sqlite_url, "init")
    second = owl(sqlite_url, "init")

    assert (first.exit_code, first.stdout) == (0, f"Initialized the ledger at {sqlite_url}\n")
    assert (second.exit_code, second.stdout) == (
        0,
        f"The ledger at {sqlite_url} is already initialized: nothing created (checked only)\n",
    )
    assert owl(sqlite_url, "verify").stdout.startswith("ok: 0 events, head seq 0, ")


def test_the_log_table_shows_one_aligned_row_per_event_in_seq_order(db: str) -> None:
    rows = list(Log(db).read_all())

    result = owl(db, "log")

    h = [r.hash[:12] for r in rows]
    assert result.exit_code == 0
    assert result.stdout == dedent(f"""\
        seq  recorded_at                  effective_date  issuer  type                 event_id  hash
          1  2026-11-29T12:00:00.000000Z  2003-08-14      INOC    OutstandingReported  out-1     {h[0]}
          2  2026-11-29T12:00:00.000000Z  2003-08-14      INOC    SharesPurchased      buy-1     {h[1]}
          3  2026-11-29T12:00:00.000000Z  2003-09-30      ACME    OutstandingReported  acme      {h[2]}
        """)


def test_the_log_can_be_limited_to_one_issuer(db: str) -> None:
    result = owl(db, "log", "--issuer", "ACME", "--format", "jsonl")

    assert [json.loads(line)["seq"] for line in result.stdout.splitlines()] == [3]


def test_log_jsonl_prints_every_field_and_what_the_ledger_assigned(db: str) -> None:
    first = Log(db).read_all()[0]

    result = owl(db, "log", "--format", "jsonl")

    lines = result.stdout.splitlines()
    assert result.exit_code == 0
    assert len(lines) == 3
    assert lines[0] == (
        '{"effective_date":"2003-08-14","event_id":"out-1",'
        f'"hash":"{first.hash}","issuer":"INOC","prev_hash":"{"0" * 64}",'
        '"recorded_at":"2026-11-29T12:00:00.000000Z","seq":1,"shares":11662030,'
        '"type":"OutstandingReported"}'
    )


@freeze_time("2026-12-01T00:00:00Z")  # so both stamps below lie in the past
def test_known_at_a_bare_date_means_the_end_of_that_day(db: str, tmp_path: Path) -> None:
    path = tmp_path / "later.jsonl"
    path.write_text(event("OutstandingReported", "2003-12-31", shares=11_700_000) + "\n")
    owl(db, "ingest", "--recorded-at", "2026-11-29T23:59:59.999999Z", str(path))
    path.write_text(event("OutstandingReported", "2004-03-31", shares=11_800_000) + "\n")
    owl(db, "ingest", "--recorded-at", "2026-11-30T00:00:00Z", str(path))

    by_date = owl(db, "log", "--known-at", "2026-11-29", "--format", "jsonl")
    by_instant = owl(db, "log", "--known-at", "2026-11-29T12:00:00Z", "--format", "jsonl")

    assert [json.loads(x)["seq"] for x in by_date.stdout.splitlines()] == [1, 2, 3, 4]
    assert [json.loads(x)["seq"] for x in by_instant.stdout.splitlines()] == [1, 2, 3]


def test_a_known_at_without_a_zone_is_a_usage_error(db: str) -> None:
    result = owl(db, "log", "--known-at", "2026-11-29T12:00")

    assert result.exit_code == 2
    assert "Error: Invalid value for '--known-at': '2026-11-29T12:00' has no time zone" in (
        result.stderr
    )


def test_the_jsonl_log_reingests_into_another_ledger_with_the_same_payloads(
    db: str, tmp_path: Path
) -> None:
    no_id = event("SharesIssued", "2003-10-01", shares=5, holder="IPOF Fund")
    owl(db, "ingest", "--format", "jsonl", "-", input=no_id)
    exported = owl(db, "log", "--format", "jsonl").stdout
    other = f"sqlite:///{tmp_path}/other.db"
    owl(other, "init")

    result = owl(other, "ingest", "--format", "jsonl", "-", input=exported)
    again = owl(other, "ingest", "--format", "jsonl", "-", input=exported)

    assert (result.exit_code, counts(result.stdout)) == (0, "appended 4, already present 0\n")
    assert counts(again.stdout) == "appended 0, already present 4\n"
    original = [(r.event_id, r.event) for r in Log(db).read_all()]
    copied = [(r.event_id, r.event) for r in Log(other).read_all()]
    assert copied == original


def test_verify_prints_the_head_seq_and_the_full_hash(db: str) -> None:
    last = list(Log(db).read_all())[-1]

    result = owl(db, "verify")

    assert (result.exit_code, result.stdout) == (
        0,
        f"ok: 3 events, head seq 3, hash {last.hash}\n"
        "derived data: ok (positions, facts, balances and appends as the log implies them; "
        "0 of 0 checkpoints recomputed and equal)\n",
    )


def test_verify_names_a_derived_row_edited_behind_the_ledgers_back(db: str) -> None:
    conn = sqlite3.connect(db.removeprefix("sqlite:///"))
    with closing(conn), conn:  # the verdict-flipping edit: a fact turned into a void
        conn.execute("UPDATE facts SET type = 'EventVoided', target_seq = 1")

    result = owl(db, "verify")
    chain_only = owl(db, "verify", "--chain-only")

    assert result.exit_code == 1
    assert result.stderr.startswith("Error: the derived table facts differs from the log: the row")
    assert result.stderr.endswith("owl rebuild writes the derived tables again from it\n")
    assert chain_only.exit_code == 0
    assert owl(db, "rebuild").exit_code == 0
    assert owl(db, "verify").exit_code == 0


def test_verify_of_a_tampered_ledger_exits_1_naming_the_first_bad_seq(db: str) -> None:
    conn = sqlite3.connect(db.removeprefix("sqlite:///"))
    with closing(conn), conn:  # edit a row behind the ledger's back
        conn.execute("DROP TRIGGER events_no_update")
        conn.execute(
            "UPDATE events SET payload = replace(payload, '500000', '50000') WHERE seq = 2"
        )

    result = owl(db, "verify")

    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        "Error: hash chain broken at seq 2: stored hash does not match the row's content\n"
    )


@pytest.mark.parametrize("command", [["log"], ["verify"], ["log", "--format", "jsonl"]])
def test_reading_a_ledger_that_does_not_exist_says_to_run_owl_init(
    tmp_path: Path, command: list[str]
) -> None:
    url = f"sqlite:///{tmp_path}/nowhere.db"

    result = owl(url, *command)

    assert result.exit_code == 1
    assert result.stderr.endswith("run 'owl init' to create it\n")
    assert not (tmp_path / "nowhere.db").exists()


def test_the_db_option_falls_back_to_the_owl_db_environment_variable(sqlite_url: str) -> None:
    result = CliRunner(env={"OWL_DB": sqlite_url}).invoke(cli, ["init"])

    assert result.stdout == f"Initialized the ledger at {sqlite_url}\n"


def test_passwords_are_not_shown_in_messages() -> None:
    shown = safe_url("postgresql+psycopg://owl:s3cret@db.example:5432/owl")

    assert shown == "postgresql+psycopg://owl:***@db.example:5432/owl"


def test_verify_expect_fails_when_the_digest_is_gone(db: str) -> None:
    last = list(Log(db).read_all())[-1]
    digest = f"{last.seq}:{last.hash}"

    ok = owl(db, "verify", "--expect", digest)
    ahead = owl(db, "verify", "--expect", f"4:{last.hash}")
    bad = owl(db, "verify", "--expect", "1:xyz")

    assert ok.output.splitlines()[0].endswith(f"; digest {digest} confirmed")
    assert ahead.exit_code == 1
    assert ahead.stderr == (
        f"Error: the digest 4:{last.hash} is not in this ledger: the log ends at seq 3\n"
    )
    assert bad.exit_code == 2


def test_an_export_restored_with_its_recorded_at_has_the_same_digest(
    db: str, tmp_path: Path
) -> None:
    copy = f"sqlite:///{tmp_path}/copy.db"
    owl(copy, "init")
    export = tmp_path / "export.jsonl"
    export.write_text(owl(db, "log", "--format", "jsonl").output)

    restored = owl(copy, "ingest", "--keep-recorded-at", str(export))
    again = owl(copy, "ingest", "--keep-recorded-at", str(export))

    assert counts(restored.output) == "appended 3, already present 0\n"
    assert counts(again.output) == "appended 0, already present 3\n"
    assert owl(copy, "verify").output == owl(db, "verify").output


def test_a_restore_needs_every_line_to_carry_its_recorded_at(db: str, tmp_path: Path) -> None:
    feed = tmp_path / "e.jsonl"
    feed.write_text(event("OutstandingReported", "2003-05-12", shares=5) + "\n")

    result = owl(db, "ingest", "--keep-recorded-at", str(feed))
    both = owl(db, "ingest", "--keep-recorded-at", "--recorded-at", NOON, str(feed))

    assert result.exit_code == 1
    assert (
        "line 1: field 'recorded_at': missing: a restore keeps each event's recorded_at"
        in result.stderr
    )
    assert both.exit_code == 2


# --- filters -------------------------------------------------------------------------------------


def seqs(result: Result) -> list[int]:
    assert result.exit_code == 0, result.output
    return [json.loads(line)["seq"] for line in result.stdout.splitlines()]


@pytest.fixture
def story(db: str, tmp_path: Path) -> str:
    """The short story, then a transfer and a sale, recorded at noon on 30 Nov 2026."""
    (tmp_path / "more.jsonl").write_text(
        event("SharesTransferred", "2003-09-01", from_holder="IPOF Fund", to_holder="Jane Roe",
              shares=100, event_id="gift") + "\n"
        + event("SharesSold", "2003-10-01", holder="IPOF Fund", shares=50, event_id="sell-1")
        + "\n"
    )  # fmt: skip
    with freeze_time("2026-12-01T00:00:00Z"):
        owl(db, "ingest", "--recorded-at", "2026-11-30T12:00:00Z", str(tmp_path / "more.jsonl"))
    return db


def test_the_log_filtered_by_type(story: str) -> None:
    result = owl(story, "log", "--type", "SharesSold", "--type", "SharesTransferred", "--format",
                 "jsonl")  # fmt: skip

    assert seqs(result) == [4, 5]


def test_the_log_filtered_by_holder_includes_either_side_of_a_transfer(story: str) -> None:
    assert seqs(owl(story, "log", "--holder", "Jane Roe", "--format", "jsonl")) == [4]
    assert seqs(owl(story, "log", "--holder", "IPOF Fund", "--format", "jsonl")) == [2, 4, 5]


def test_the_log_filtered_by_effective_dates_includes_both_ends(story: str) -> None:
    result = owl(story, "log", "--from", "2003-09-01", "--to", "2003-09-30", "--format", "jsonl")

    assert seqs(result) == [3, 4]


def test_the_log_filters_combine(story: str) -> None:
    result = owl(
        story, "log", "--issuer", "INOC", "--type", "SharesSold", "--from", "2003-09-01",
        "--known-at", "2026-11-30T12:00:00Z", "--format", "jsonl",
    )  # fmt: skip

    assert seqs(result) == [5]


def test_the_log_as_csv_has_the_full_hash(db: str) -> None:
    rows = list(Log(db).read_all())

    result = owl(db, "log", "--format", "csv")

    assert result.stdout.splitlines() == [
        "seq,recorded_at,effective_date,issuer,type,event_id,hash",
        *(
            f"{r.seq},{r.recorded_at},{r.event.effective_date},{r.event.issuer},{r.event.type},"
            f"{r.event_id},{r.hash}"
            for r in rows
        ),
    ]


def test_an_unknown_event_type_is_refused_listing_the_types(db: str) -> None:
    result = owl(db, "log", "--type", "SharesBought")

    assert result.exit_code == 1
    assert result.stderr.startswith("Error: no event type named 'SharesBought' (the types: ")
    assert "SharesPurchased" in result.stderr


def test_a_range_that_ends_before_it_starts_is_a_usage_error(db: str) -> None:
    result = owl(db, "log", "--from", "2003-12-01", "--to", "2003-01-01")

    assert result.exit_code == 2
    assert "Invalid value for '--from': 2003-12-01 is after --to 2003-01-01" in result.stderr


def test_the_log_of_an_unknown_issuer_is_refused_naming_the_known_ones(db: str) -> None:
    result = owl(db, "log", "--issuer", "NOPE")

    assert (result.exit_code, result.stdout) == (1, "")
    assert (
        result.stderr == "Error: no events for issuer 'NOPE' (issuers in the ledger: ACME, INOC)\n"
    )


def test_a_holder_is_found_however_its_spaces_are_typed(story: str) -> None:
    assert seqs(owl(story, "log", "--holder", " Jane  Roe ", "--format", "jsonl")) == [4]


def test_event_types_complete_in_the_shell(db: str) -> None:
    result = CliRunner().invoke(
        cli, [], env={"_OWL_COMPLETE": "bash_complete", "COMP_WORDS": "owl log --type SharesP",
                      "COMP_CWORD": "3"}, prog_name="owl"
    )  # fmt: skip

    assert result.stdout.split() == ["plain,SharesPurchased"]
