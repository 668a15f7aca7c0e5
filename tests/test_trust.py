"""Trust at the edges (issue 9): stamps and the clock, bounded input, names, output that cannot
lie, content checks, and writers serialized with a bounded wait. Each test tried the attack or
accident it names."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy
from click.testing import CliRunner, Result
from freezegun import freeze_time

from cli.main import cli
from ledger.errors import LedgerError
from projections.api import Ledger
from tests.builders import ev, pending


def owl(db: str, *args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(cli, ["--db", db, *args], input=input)


def buy(holder: str, shares: int, date: str = "2003-01-02", **fields: Any) -> Any:
    return ev("SharesPurchased", date, holder=holder, shares=shares, **fields)


@pytest.fixture
def ledger(db_url: str) -> Iterator[Ledger]:
    book = Ledger(db_url)
    book.init()
    yield book
    book.close()


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
    from ledger.log import after

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
