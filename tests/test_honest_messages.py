"""What owl says after a batch commits is true: when the work after the commit fails (a
checkpoint build on a full disk), the batch is reported as appended, with its head digest and
what to run, never as "nothing was written" (`init` on a current ledger saying it only checked:
tests/test_cli_log.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from owl.cli.main import cli
from owl.ledger.sql.store import DatabaseRefused
from owl.projections.application.api import AppendedButUnfinished, Ledger

TRADES = "trade_id,issuer,holder,side,shares,trade_date\nt-1,ACME,A,BUY,100,2024-01-02\n"


def test_a_failed_checkpoint_after_the_commit_reports_the_batch_appended(
    sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    feed = tmp_path / "trades.csv"
    feed.write_text(TRADES)
    runner = CliRunner()
    runner.invoke(cli, ["--db", sqlite_url, "init"])

    def full_disk(*args: object, **kwargs: object) -> int:
        raise DatabaseRefused(sqlite_url, "database or disk is full")

    monkeypatch.setattr(Ledger, "checkpoint", full_disk)
    result = runner.invoke(cli, ["--db", sqlite_url, "ingest", str(feed)])
    monkeypatch.undo()
    book = Ledger(sqlite_url)
    head = book.head_seq()
    verified = book.verify()
    book.close()

    assert result.exit_code == 1
    assert "appended 1 events: head digest 1:" in result.stderr
    assert "database or disk is full" in result.stderr
    assert "nothing was written" not in result.stderr
    assert "run `owl rebuild`" in result.stderr
    assert head == 1  # it was appended, as said
    assert verified["ok"] is True  # and the derived tables of its own transaction are whole


def test_the_error_carries_the_head_for_python_callers(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.builders import buy

    book = Ledger(sqlite_url)
    book.init()

    def no_space(*args: object, **kwargs: object) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Ledger, "checkpoint", no_space)

    with pytest.raises(AppendedButUnfinished) as caught:
        book.append([buy("A", 100, "2024-01-02")])
    book.close()

    assert (caught.value.appended, caught.value.head_seq) == (1, 1)
