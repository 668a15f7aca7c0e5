"""Checkpoints a killed run left behind (its batch committed, its checkpoints never written):
every answer stays right, folded from the log, and the first that folds more of it than
checkpoints would leave says so once, naming the remedy."""

from __future__ import annotations

import pytest
import sqlalchemy

from owl.projections.application.api import Ledger
from owl.projections.maintained import checkpoints
from tests.builders import ev, pending

TRADES = 4_500  # more than STALE events of one issuer


def history() -> list[object]:
    events = [ev("OutstandingReported", "2020-01-02", "STL", shares=100_000, event_id="o")]
    for n in range(TRADES):
        day = f"2020-{1 + n // 400:02d}-{1 + (n // 16) % 25:02d}"
        events.append(ev("SharesPurchased", day, "STL", holder=f"H{n % 5}", shares=10,
                         event_id=f"t{n}"))  # fmt: skip
    return events


def test_an_answer_from_lagging_checkpoints_is_right_and_says_so_once(
    sqlite_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    assert TRADES > checkpoints.STALE
    ledger = Ledger(sqlite_url)
    ledger.init()
    ledger.append(pending(*history()), recorded_at="2026-11-01T00:00:00Z")
    before = ledger.ownership("STL", "2020-12-31")
    status_before = ledger.status("STL", "2020-12-31")
    ledger.close()
    engine = sqlalchemy.create_engine(sqlite_url)
    with engine.begin() as conn:  # as after a kill between the commit and the checkpoints
        conn.exec_driver_sql("DELETE FROM checkpoints")
    engine.dispose()
    checkpoints._said_stale.discard("STL")

    ledger = Ledger(sqlite_url)
    with caplog.at_level("WARNING", logger="owl.checkpoints"):
        status = ledger.status("STL", "2020-12-31")
        again = ledger.status("STL", "2020-12-31")
    ledger.close()

    assert status["groups"] == again["groups"] == status_before["groups"]
    assert [g["shares"] for g in status["groups"]] == [9_000] * 5  # 9% each: right, not empty
    assert before["holders"]
    said = [r.getMessage() for r in caplog.records if "behind the log" in r.getMessage()]
    assert said == [
        f"STL: the checkpoints are behind the log (this answer folded {TRADES + 1:,} events "
        "from it): the answer is right, but slower; owl rebuild brings them up to date"
    ]
