"""Derived data checked, never trusted blindly (issue 20, first part): `verify` writes every
table kept beside the log (positions, facts, balances, appends, checkpoints) again from the log
in a rolled-back transaction and names the first row that differs. Each test makes an edit an
attacker with write access to the tables could make, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy

from owl.projections.application.api import Ledger
from tests.builders import ev, innotrac_events, pending

AT = "2026-11-01T00:00:00Z"


def trades(n: int) -> list[Any]:
    """Enough trades after the Innotrac history for the fold to take a checkpoint."""
    return [
        ev("SharesPurchased", f"2004-{1 + i // 28 % 12:02d}-{1 + i % 28:02d}", holder=f"H{i % 40}",
           shares=10 + i % 7, event_id=f"t{i}")
        for i in range(n)
    ]  # fmt: skip


@pytest.fixture
def book(ledger: Ledger) -> Iterator[Ledger]:
    ledger.append(pending(*innotrac_events()), recorded_at=AT)
    ledger.append(pending(*trades(2_100)), recorded_at="2026-11-01T00:00:01Z")
    ledger.checkpoint(None)
    yield ledger


def tamper(ledger: Ledger, sql: str) -> None:
    engine = sqlalchemy.create_engine(ledger.store.url)
    with engine.begin() as conn:
        conn.exec_driver_sql(sql)
    engine.dispose()


def test_an_untouched_ledger_verifies_with_its_derived_data(book: Ledger) -> None:
    result = book.verify()

    assert result["ok"] is True
    assert result["derived"]["ok"] is True
    assert result["derived"]["checkpoints"]["compared"] >= 1


@pytest.mark.parametrize(
    ("sql", "table"),
    [
        # the verdict flip of the issue: a fact turned into a void of another event
        ("UPDATE facts SET type = 'EventVoided', target_seq = 7 WHERE seq = 3", "facts"),
        (
            "UPDATE positions SET delta = delta + 1000000 "
            "WHERE seq = (SELECT MAX(seq) FROM positions)",
            "positions",
        ),
        ("UPDATE balances SET position = 99000000 WHERE holder = 'H1'", "balances"),
        ("DELETE FROM appends WHERE last_seq = (SELECT MIN(last_seq) FROM appends)", "appends"),
        ("UPDATE appends SET recorded_at = '2000-01-01T00:00:00.000000Z'", "appends"),
    ],
)
def test_an_edited_derived_table_fails_verify_naming_it(book: Ledger, sql: str, table: str) -> None:
    tamper(book, sql)

    result = book.verify()

    assert result["ok"] is False
    assert (result["derived"]["ok"], result["derived"]["table"]) == (False, table)
    book.rebuild()
    assert book.verify()["ok"] is True


def test_an_edited_checkpoint_fails_verify(book: Ledger) -> None:
    tamper(book, "UPDATE checkpoints SET counted = counted + 1")

    result = book.verify()

    assert (result["derived"]["ok"], result["derived"]["table"]) == (False, "checkpoints")


def test_verify_chain_only_does_not_look_at_derived_data(book: Ledger) -> None:
    tamper(
        book,
        "UPDATE positions SET delta = delta + 1000000 WHERE seq = (SELECT MAX(seq) FROM positions)",
    )

    result = book.verify(derived=False)

    assert (result["ok"], result["derived"]) == (True, None)


def test_a_corrupt_checkpoint_is_passed_over_with_a_warning_never_a_crash(
    book: Ledger, caplog: pytest.LogCaptureFixture
) -> None:
    before = (book.status("INOC", "2004-12-31"), book.timeline("INOC"))
    tamper(book, "UPDATE checkpoints SET state = changes")  # bytes that decode to nothing valid
    fresh = Ledger(book.store.url)  # no decoded state cached

    with caplog.at_level("WARNING", logger="owl.checkpoints"):
        after = (fresh.status("INOC", "2004-12-31"), fresh.timeline("INOC"))

    assert after == before
    assert "is corrupt: it was passed over and the answer folded from the log" in caplog.text
    assert fresh.verify()["derived"]["table"] == "checkpoints"
    fresh.close()


def test_an_oversell_in_the_log_is_shown_as_an_inconsistency(book: Ledger, tmp_path: Path) -> None:
    # The attack: a balance raised behind the ledger's back lets an oversell through.
    tamper(book, "UPDATE balances SET position = 99000000 WHERE holder = 'H1'")
    held = book.ownership("INOC", "2005-01-31")
    (h1,) = [h for h in held["holders"] if h["holder"] == "H1"]
    sale = ev("SharesSold", "2005-02-01", holder="H1", shares=h1["shares"] + 5_000, event_id="x")
    seq = book.append(pending(sale), recorded_at="2026-11-02T00:00:00Z").head_seq

    view = book.ownership("INOC", "2005-02-01")

    since = {"date": "2005-02-01", "seq": seq}  # the event that took it below zero, named
    assert view["inconsistencies"] == [
        {"holder": "H1", "nature": None, "shares": -5_000, "since": since}
    ]
    from click.testing import CliRunner

    from owl.cli.main import cli

    shown = CliRunner().invoke(cli, ["--db", book.store.url, "ownership", "--issuer", "INOC",
                                     "--as-of", "2005-02-01"])  # fmt: skip
    assert f"Inconsistent: H1 holds -5,000 shares from seq {seq} (2005-02-01)" in shown.output
    # status (and the report, built from it) say it too: the replay's account below zero
    status = book.status("INOC", "2005-02-01")
    assert status["inconsistencies"] == [{"holder": "H1", "nature": None, "shares": -5_000}]
    said = CliRunner().invoke(cli, ["--db", book.store.url, "status", "--issuer", "INOC",
                                    "--as-of", "2005-02-01"])  # fmt: skip
    assert "Inconsistent: H1 holds -5,000 shares: the log holds an event" in said.output
    page = tmp_path / "report.html"
    made = CliRunner().invoke(cli, ["--db", book.store.url, "report", "--issuer", "INOC",
                                    "--as-of", "2005-02-01", "-o", str(page)])  # fmt: skip
    assert made.exit_code == 0, made.output
    assert "Inconsistent: H1 holds -5,000 shares: the log holds an event" in page.read_text()
    assert book.verify()["derived"]["table"] == "balances"


def test_checkpoints_cut_at_other_dates_by_an_append_than_by_a_rebuild_still_verify(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Found by the equivalence property: a backdated amendment in the same batch as a later
    # purchase. The append's checkpoint chain steps through other dates than a rebuild's, so
    # one checkpoint's changes (those since the one before it) differ while its state agrees.
    from owl.projections.maintained import checkpoints
    from tests.test_equivalence import build

    monkeypatch.setattr(checkpoints, "INTERVAL", 3)
    exempt = {"change": "exemption", "person": "A", "cap": "10", "cap_test": "above"}
    batches = [
        [buy_one("2003-02-07", 0), buy_one("2003-01-02", 1)],
        [buy_one("2003-02-27", 2), buy_one("2003-03-01", 3), buy_one("2003-03-26", 4),
         ev("RightsAgreementAmended", "2003-03-21", event_id="e5-0", amendment="e5-0",
            changes=[exempt])],
    ]  # fmt: skip
    book, _ = build(db_url, batches)

    checked = book.verify()
    book.close()

    assert checked["ok"] is True, checked["derived"]


def buy_one(day: str, n: int) -> Any:
    return ev("SharesPurchased", day, holder="A", shares=1, event_id=f"e{n}-0")


def test_a_checkpoint_edited_into_another_valid_state_is_passed_over_on_read(
    book: Ledger, caplog: pytest.LogCaptureFixture
) -> None:
    """The issue's attack: a checkpoint's state decoded, changed and encoded again decodes
    fine; its digest (bound to the chain hash at its seq) no longer matches, so no view
    trusts it."""
    from owl.projections.maintained.codec import decode_state, encode_state

    before = book.status("INOC", "2004-12-31")
    engine = sqlalchemy.create_engine(book.store.url)
    with engine.begin() as conn:
        rows = conn.exec_driver_sql("SELECT through, built_seq, state FROM checkpoints").all()
        for through, built_seq, blob in rows:
            state = decode_state(bytes(blob))
            state.book.holdings = {k: v * 3 for k, v in state.book.holdings.items()}
            conn.exec_driver_sql(
                "UPDATE checkpoints SET state = %s WHERE through = %s AND built_seq = %s"
                if conn.dialect.name == "postgresql"
                else "UPDATE checkpoints SET state = ? WHERE through = ? AND built_seq = ?",
                (encode_state(state), through, built_seq),
            )
    engine.dispose()
    fresh = Ledger(book.store.url)  # no decoded state cached

    with caplog.at_level("WARNING", logger="owl.checkpoints"):
        after = fresh.status("INOC", "2004-12-31")

    assert rows and after == before  # the answer the log gives, not the edited one
    assert "is corrupt: it was passed over and the answer folded from the log" in caplog.text
    fresh.close()
