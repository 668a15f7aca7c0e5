"""Trust at the edges (issue 9): stamps and the clock, bounded input, names, output that cannot
lie, content checks, and writers serialized with a bounded wait. Each test tried the attack or
accident it names."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy
from click.testing import CliRunner, Result
from freezegun import freeze_time

from owl.cli.main import cli
from owl.ledger.errors import LedgerError
from owl.projections.application.api import Ledger
from tests.builders import ev, pending


def owl(db: str, *args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(cli, ["--db", db, *args], input=input)


def buy(holder: str, shares: int, date: str = "2003-01-02", **fields: Any) -> Any:
    return ev("SharesPurchased", date, holder=holder, shares=shares, **fields)


LINE = (
    '{"type":"SharesPurchased","issuer":"INOC","effective_date":"2003-01-03","holder":"B",'
    '"shares":2}\n'
)


# --- stamps and the clock -------------------------------------------------------------------


def test_a_clock_behind_the_last_stamp_is_said_and_noted_in_the_log(sqlite_url: str) -> None:
    owl(sqlite_url, "init")
    Ledger(sqlite_url).append(pending(buy("A", 1)), recorded_at="2026-06-01T00:00:00Z")

    with freeze_time("2026-05-01T00:00:00Z"):  # the clock went back a month
        ingested = owl(sqlite_url, "ingest", "-", input=LINE)
    logged = owl(sqlite_url, "log")

    assert ingested.exit_code == 0, ingested.output
    assert (
        "warning: the clock reads 2026-05-01T00:00:00.000000Z, not after the last recorded "
        "stamp; the events are stamped 2026-06-01T00:00:00.000001Z instead"
    ) in ingested.stderr
    assert logged.output.splitlines()[-1] == (
        "note: the batch from seq 2 is stamped 2026-06-01T00:00:00.000001Z, just after the "
        "stamp before it, because the clock read 2026-05-01T00:00:00.000000Z"
    )


def test_a_clock_ahead_of_the_last_stamp_leaves_no_note(sqlite_url: str) -> None:
    owl(sqlite_url, "init")
    result = owl(sqlite_url, "ingest", "-", input=LINE)

    assert result.stderr == ""
    assert "note:" not in owl(sqlite_url, "log").output


def test_the_last_instant_there_is_cannot_be_followed_and_says_so(sqlite_url: str) -> None:
    from owl.ledger.log import after

    with pytest.raises(LedgerError, match="the last instant there is"):
        after("9999-12-31T23:59:59.999999Z")


@pytest.mark.parametrize("how", ["api", "restore"])
def test_a_future_stamp_is_refused_on_every_path(sqlite_url: str, how: str) -> None:
    owl(sqlite_url, "init")
    far = "9999-12-31T23:59:59.999999Z"
    line = (
        '{"type":"SharesPurchased","issuer":"INOC","effective_date":"2003-01-03",'
        f'"holder":"B","shares":2,"recorded_at":"{far}"}}\n'
    )

    if how == "api":
        with pytest.raises(LedgerError, match="is in the future"):
            Ledger(sqlite_url).append(pending(buy("A", 1)), recorded_at=far)
    else:
        result = owl(
            sqlite_url, "ingest", "--keep-recorded-at", "--format", "jsonl", "-", input=line
        )
        assert result.exit_code == 1 and f"recorded_at {far} is in the future" in result.output
    after = owl(sqlite_url, "ingest", "-", input=line.replace(f',"recorded_at":"{far}"', ""))
    assert after.exit_code == 0, after.output  # and ordinary ingests go on


def test_a_ledger_of_an_older_schema_is_upgraded_by_init_before_any_write(
    sqlite_url: str,
) -> None:
    ledger = Ledger(sqlite_url)
    ledger.init()
    ledger.append(pending(buy("A", 1)), recorded_at="2026-01-01T00:00:00Z")
    engine = sqlalchemy.create_engine(sqlite_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE clock_notes")
        conn.exec_driver_sql("UPDATE owl_meta SET value = '2' WHERE key = 'schema_version'")
    engine.dispose()

    with pytest.raises(LedgerError, match=r"has schema version 2.*run 'owl init' once"):
        ledger.append(pending(buy("B", 1)), recorded_at="2026-01-02T00:00:00Z")
    ledger.init()
    result = ledger.append(pending(buy("B", 1)), recorded_at="2026-01-02T00:00:00Z")

    assert result.appended == 1
    assert ledger.verify()["ok"] is True


# --- names ------------------------------------------------------------------------------------

RAW = (
    '{"effective_date":"2003-01-02","holder":"Beta  Partners LLC ","issuer":"INOC",'
    '"shares":5,"type":"SharesPurchased"}'
)


def an_older_ledger(url: str) -> None:
    """A schema-2 ledger whose one event an older owl stored with its name as given, then
    upgraded by `init` (which also rebuilds the projections)."""
    import hashlib

    from owl.ledger.chain import row_hash

    Ledger(url).init()
    event_id = f"sha256:{hashlib.sha256(RAW.encode()).hexdigest()[:32]}"
    stamp = "2026-01-01T00:00:00.000000Z"
    first = row_hash("0" * 64, 1, event_id, "INOC", "SharesPurchased", "2003-01-02", stamp, RAW)
    second = row_hash(first, 2, "trade-2", "INOC", "SharesPurchased", "2003-01-02", stamp, RAW)
    engine = sqlalchemy.create_engine(url)
    with engine.begin() as conn:
        for row in ((1, event_id, RAW, "0" * 64, first), (2, "trade-2", RAW, first, second)):
            seq, eid, payload, prev, digest = row
            conn.exec_driver_sql(
                "INSERT INTO events (seq, event_id, issuer, type, effective_date, recorded_at, "
                "payload, prev_hash, hash) VALUES (?, ?, 'INOC', 'SharesPurchased', "
                "'2003-01-02', ?, ?, ?, ?)",
                (seq, eid, stamp, payload, prev, digest),
            )
        conn.exec_driver_sql("DROP TABLE clock_notes")
        conn.exec_driver_sql("DROP TABLE id_aliases")
        conn.exec_driver_sql("UPDATE owl_meta SET value = '2' WHERE key = 'schema_version'")
    engine.dispose()
    Ledger(url).init()


def test_names_an_older_owl_stored_as_given_join_up_with_the_same_name(sqlite_url: str) -> None:
    an_older_ledger(sqlite_url)
    ledger = Ledger(sqlite_url)

    ledger.append(pending(buy("Beta Partners LLC", 7)), recorded_at="2026-01-02T00:00:00Z")

    holders = ledger.ownership("INOC", "2003-01-02")["holders"]
    assert [(h["holder"], h["shares"]) for h in holders] == [("Beta Partners LLC", 17)]
    assert ledger.verify()["ok"] is True


def test_an_event_an_older_owl_stored_is_still_present_when_sent_again(sqlite_url: str) -> None:
    an_older_ledger(sqlite_url)
    ledger = Ledger(sqlite_url)

    again = ledger.append(
        pending(buy("Beta  Partners LLC ", 5), buy("Beta Partners LLC", 5, event_id="trade-2")),
        recorded_at=AT2,
    )

    assert (again.appended, again.already_present) == (0, 2)


AT2 = "2026-01-02T00:00:00Z"


def test_a_name_that_differs_only_in_case_or_punctuation_is_warned_about(sqlite_url: str) -> None:
    owl(sqlite_url, "init")
    owl(sqlite_url, "ingest", "-", input=LINE.replace('"B"', '"Beta Partners LLC"'))

    result = owl(sqlite_url, "ingest", "-", input=LINE.replace('"B"', '" beta  partners, llc"'))

    assert result.exit_code == 0
    assert result.stderr == (
        "warning: <stdin>:line 1: 'beta partners, llc' differs only in case or punctuation from "
        "'Beta Partners LLC' in INOC; owl keeps them apart (two holders) unless written alike\n"
    )


def test_names_are_trimmed_and_their_spaces_collapsed_so_they_join_up(ledger: Ledger) -> None:
    ledger.append(
        pending(buy("Beta Partners LLC ", 5), buy("  Beta   Partners LLC", 6, "2003-01-03")),
        recorded_at=AT2,
    )

    holders = ledger.ownership("INOC", "2003-01-03")["holders"]

    assert [(h["holder"], h["shares"]) for h in holders] == [("Beta Partners LLC", 11)]


def test_holdings_above_the_shares_outstanding_are_flagged(ledger: Ledger) -> None:
    from tests.builders import outstanding, plan

    ledger.append(
        pending(plan(), outstanding("2003-01-01", 100), buy("A", 60), buy("B", 41)),
        recorded_at=AT2,
    )

    assert ledger.status("INOC", "2003-01-01")["flags"] == []
    assert ledger.status("INOC", "2003-01-02")["flags"] == ["holdings_exceed_outstanding"]


# --- rows written outside owl -----------------------------------------------------------------


def forge(url: str, payload: str, issuer: str = "INOC", day: str = "2003-01-05") -> None:
    """Append a row with a valid hash behind owl's back (anyone who can INSERT can)."""
    from owl.ledger.chain import row_hash

    engine = sqlalchemy.create_engine(url)
    with engine.begin() as conn:
        seq, prev = conn.exec_driver_sql(
            "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1"
        ).one()
        stamp = "2026-01-03T00:00:00.000000Z"
        digest = row_hash(prev, seq + 1, "forged", issuer, "SharesPurchased", day, stamp, payload)
        conn.exec_driver_sql(
            "INSERT INTO events (seq, event_id, issuer, type, effective_date, recorded_at, "
            "payload, prev_hash, hash) VALUES (?, 'forged', ?, 'SharesPurchased', ?, ?, ?, ?, ?)",
            (seq + 1, issuer, day, stamp, payload, prev, digest),
        )
    engine.dispose()


GHOST = (
    '{"effective_date":"2003-01-05","holder":"Ghost","issuer":"OTHER","shares":-5,'
    '"type":"SharesPurchased"}'
)
MOVED = (
    '{"effective_date":"2003-01-05","holder":"Ghost","issuer":"OTHER","shares":5,'
    '"type":"SharesPurchased"}'
)


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (GHOST, "is not a valid event (SharesPurchased.shares: Value error, must be more than 0"),
        ("not json", "is not a valid event"),
        (MOVED, "says ('OTHER', 'SharesPurchased', '2003-01-05') in its payload but ('INOC', "),
    ],
)
def test_verify_checks_each_rows_content_not_only_its_hash(
    sqlite_url: str, payload: str, reason: str
) -> None:
    ledger = Ledger(sqlite_url)
    ledger.init()
    ledger.append(pending(buy("A", 1)), recorded_at=AT2)
    forge(sqlite_url, payload)

    result = ledger.verify()

    assert (result["ok"], result["bad_seq"]) == (False, 2)
    assert result["reason"].startswith(reason)


STATUS = ["status", "--issuer", "INOC", "--as-of", "2003-01-09"]


@pytest.mark.parametrize("command", [STATUS, ["log"]])
def test_reads_that_meet_a_bad_row_fail_clearly_naming_its_seq(
    sqlite_url: str, command: list[str]
) -> None:
    owl(sqlite_url, "init")
    owl(sqlite_url, "ingest", "-", input=LINE)
    forge(sqlite_url, GHOST)

    result = owl(sqlite_url, *command)

    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "at seq 2: is not a valid event" in result.stderr
    assert "run owl verify" in result.stderr


def test_a_valid_row_appended_behind_owls_back_stops_every_answer(sqlite_url: str) -> None:
    owl(sqlite_url, "init")
    owl(sqlite_url, "ingest", "-", input=LINE)
    forge(sqlite_url, MOVED.replace('"OTHER"', '"INOC"'))  # a sound event, a sound hash

    refused = owl(sqlite_url, *STATUS)
    owl(sqlite_url, "rebuild")  # once the log is known to be sound, the projections follow it
    answered = owl(sqlite_url, "ownership", "--issuer", "INOC", "--as-of", "2003-01-09")

    assert refused.exit_code == 1
    assert "the log ends at seq 2 but owl last appended seq 1" in refused.stderr
    assert "Ghost" in answered.output


def test_an_edit_of_a_recent_row_is_caught_before_answering(sqlite_url: str) -> None:
    owl(sqlite_url, "init")
    owl(sqlite_url, "ingest", "-", input=LINE)
    engine = sqlalchemy.create_engine(sqlite_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TRIGGER events_no_update")
        conn.exec_driver_sql("UPDATE events SET payload = replace(payload, '2', '9')")
    engine.dispose()

    refused = owl(sqlite_url, *STATUS)

    assert refused.exit_code == 1
    assert "at seq 1: stored hash does not match the row's content" in refused.stderr


# --- output that cannot lie -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("Evil\x1b[2J", "Evil\\u001b[2J"),
        ("Two\nLines", "Two\\u000aLines"),
        ("abc\u202edef", "abc\\u202edef"),
        ("bell\x07", "bell\\u0007"),
        ("csi\x9b2J", "csi\\u009b2J"),
    ],
)
def test_a_table_cell_never_acts_on_the_terminal(raw: str, shown: str) -> None:
    from owl.cli.tables import render_table

    lines = render_table(("holder", "shares"), [(raw, "5")])

    assert lines[1].split("  ")[0] == shown
    assert len(lines) == 2


def test_json_output_escapes_what_a_terminal_would_act_on_and_stays_exact() -> None:
    import json

    from owl.cli.safe import printable

    text = printable(json.dumps({"holder": "abc\u202edef\x9b"}, ensure_ascii=False))

    assert text == '{"holder": "abc\\u202edef\\u009b"}'
    assert json.loads(text) == {"holder": "abc\u202edef\x9b"}


def test_an_error_naming_what_the_user_typed_escapes_it(sqlite_url: str) -> None:
    owl(sqlite_url, "init")
    owl(sqlite_url, "ingest", "-", input=LINE)

    result = owl(sqlite_url, "status", "--as-of", "2003-01-09", "--issuer", "X\x1b]0;pwned\x07")

    assert result.exit_code == 1
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr
    assert "X\\u001b]0;pwned\\u0007" in result.stderr


# --- explain and timeline name exactly the events behind an answer ----------------------------


def approved_group(ledger: Ledger) -> None:
    from tests.builders import outstanding, plan

    ledger.append(
        pending(
            plan("2003-01-01"),
            outstanding("2003-01-01", 1000),
            ev(
                "AffiliationFormed",
                "2003-01-02",
                person="A",
                affiliate="B",
                group="AB Group",
                relation="fund and adviser",
            ),
            buy("A", 100, "2003-01-03"),
            ev("BoardApprovalGranted", "2003-01-04", person="AB Group", max_percent="30"),
            buy("B", 150, "2003-01-05"),
            buy("C", 60, "2003-01-05"),
            ev("HoldingReported", "2003-01-06", holder="C", shares=60),
            buy("D", 10, "2003-02-01"),
        ),
        recorded_at=AT2,
    )


def test_explain_and_timeline_show_an_approval_that_names_the_groups_label(
    ledger: Ledger,
) -> None:
    approved_group(ledger)

    why = ledger.explain("INOC", "A", "2003-01-10")
    changes = ledger.timeline("INOC", "A")["changes"]

    assert why["status"] == "approved"
    assert "BoardApprovalGranted" in [e["type"] for e in why["events"]]
    (became,) = [c for c in changes if c["kind"] == "status"]
    assert (became["detail"], became["event"]["type"]) == (
        "below -> approved",
        "BoardApprovalGranted",
    )


def test_explain_lists_no_other_holders_announcement(ledger: Ledger) -> None:
    approved_group(ledger)

    why = ledger.explain("INOC", "A", "2003-01-10")

    assert "HoldingReported" not in [e["type"] for e in why["events"]]
    assert all(e["seq"] != 7 for e in why["events"])  # C's purchase


def test_explain_before_a_persons_first_event_lists_nothing_later(ledger: Ledger) -> None:
    approved_group(ledger)

    why = ledger.explain("INOC", "D", "2003-01-10")

    assert why["events"] == []
    assert why["rule"] == (
        "D holds no shares on 2003-01-10 and belongs to no group (first appears in the ledger "
        "on 2003-02-01)."
    )


# --- the database's refusals ------------------------------------------------------------------


def test_a_value_the_database_refuses_is_a_clear_error_and_nothing_is_written(
    db_url: str,
) -> None:
    ledger = Ledger(db_url)
    ledger.init()
    engine = sqlalchemy.create_engine(db_url)
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            conn.exec_driver_sql(
                "CREATE TRIGGER small BEFORE INSERT ON positions WHEN NEW.delta > 100 "
                "BEGIN SELECT RAISE(ABORT, 'delta too big'); END"
            )
        else:
            conn.exec_driver_sql("ALTER TABLE positions ADD CONSTRAINT small CHECK (delta <= 100)")
    engine.dispose()

    with pytest.raises(LedgerError, match="refused the request") as caught:
        ledger.append(pending(buy("A", 5), buy("B", 500)), recorded_at=AT2)

    assert "nothing was written" in str(caught.value)
    assert ledger.verify()["events"] == 0


@pytest.mark.parametrize("char", ["\u061c", "\u2028", "\u2029"])
def test_separators_and_the_arabic_letter_mark_are_refused_in_names(char: str) -> None:
    from owl.ledger.events import parse_event

    parsed = parse_event(
        {
            "type": "SharesPurchased",
            "issuer": "INOC",
            "effective_date": "2003-01-02",
            "holder": f"A{char}B",
            "shares": 1,
        }
    )

    assert isinstance(parsed, list) and parsed[0].field == "holder"


# --- writers wait a bounded time ----------------------------------------------------------------


def test_a_writer_blocked_by_another_gives_up_after_wait_saying_why(db_url: str) -> None:
    import time

    holder = Ledger(db_url)
    holder.init()
    with holder.store.writing():  # another writer's transaction, open
        started = time.monotonic()
        result = owl(db_url, "--wait", "1", "ingest", "-", input=LINE)
        waited = time.monotonic() - started

    assert result.exit_code == 1
    assert "another writer is appending to the ledger" in result.stderr
    assert "gave up after waiting 1 s" in result.stderr
    assert 0.9 <= waited < 10
    assert owl(db_url, "ingest", "-", input=LINE).exit_code == 0  # and then it goes in


# --- bounded, sane input ------------------------------------------------------------------------


def line_of(**fields: Any) -> str:
    import json

    body = {"type": "SharesPurchased", "issuer": "INOC", "effective_date": "2003-01-02"}
    return json.dumps({**body, **fields}, ensure_ascii=False) + "\n"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (line_of(holder="A", shares=int("9" * 4300)), "field 'shares': must be at most"),
        (line_of(holder="A", shares=5, price="1" * 400), "field 'price'"),
        (
            line_of(type="RightsAgreementAdopted", threshold="1" + "0" * 4400),
            "field 'threshold'",
        ),
        (line_of(type="RightsAgreementAdopted", threshold="0"), "field 'threshold'"),
        (line_of(type="RightsAgreementAdopted", threshold="100.5"), "field 'threshold'"),
        (line_of(holder="A" * 201, shares=5), "field 'holder'"),
        (
            line_of(type="SharesTransferred", from_holder="A", to_holder="A", shares=1),
            "from_holder and to_holder are one",
        ),
        (
            line_of(type="AffiliationFormed", person="A", affiliate="A", relation="self"),
            "cannot be its own affiliate",
        ),
        ('{"type":"SharesPurchased","shares":1,"shares":2}\n', "given twice"),
    ],
)
def test_input_out_of_bounds_is_refused_naming_line_and_field(
    sqlite_url: str, line: str, message: str
) -> None:
    owl(sqlite_url, "init")

    result = owl(sqlite_url, "ingest", "--format", "jsonl", "-", input=line)

    assert result.exit_code == 1, result.output
    assert "<stdin>:line 1" in result.stderr and message in result.stderr
    assert "Traceback" not in result.output
    assert owl(sqlite_url, "verify").output.startswith("ok: 0 events")


def test_the_python_api_refuses_what_the_command_line_refuses(
    sqlite_url: str, tmp_path: Path
) -> None:
    from owl.ledger.feeds import FeedRefused

    ledger = Ledger(sqlite_url)
    ledger.init()
    latin = tmp_path / "trades.jsonl"
    latin.write_bytes(line_of(holder="Müller", shares=5).encode("latin-1"))
    unknown = tmp_path / "trades.dat"
    unknown.write_text(LINE)

    with pytest.raises(FeedRefused, match="not UTF-8"):
        ledger.ingest(str(latin))
    with pytest.raises(FeedRefused, match="cannot tell the format"):
        ledger.ingest(str(unknown))
    with pytest.raises(LedgerError, match="not a date"):
        ledger.status("INOC", "2003-W01-1")
