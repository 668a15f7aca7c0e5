"""The Innotrac replay matches the expected status files exactly, on both backends."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from owl.ledger.log import Pending
from owl.projections.application.api import Ledger
from tests.builders import at, innotrac_events

EXPECTED = Path(__file__).resolve().parent.parent / "data" / "innotrac" / "expected"


@pytest.mark.parametrize(
    "day", ["2003-08-13", "2003-08-14", "2003-11-20", "2003-11-24", "2003-12-31"]
)
def test_the_innotrac_replay_matches_the_expected_status(db_url: str, day: str) -> None:
    ledger = Ledger(db_url)
    ledger.init()
    ledger.append([Pending(e) for e in innotrac_events()], at("2026-11-29T00:00"))

    status = ledger.status("INOC", day, known_at=at("2026-11-29T12:00"))

    ledger.close()
    assert status == json.loads((EXPECTED / f"status-{day}.json").read_text())


def test_innotrac_obligations_say_what_the_ledger_knows_and_what_it_cannot(db_url: str) -> None:
    ledger = Ledger(db_url)
    ledger.init()
    ledger.append([Pending(e) for e in innotrac_events()], at("2026-11-29T00:00"))

    body = ledger.obligations("INOC", as_of="2003-12-31", known_at=at("2026-11-29T12:00"))

    ledger.close()
    assert body == json.loads((EXPECTED / "obligations-2003-12-31.json").read_text())
    # no trade and no filing on record: nothing the ledger could date, two things it cannot know
    assert body["obligations"] == []
    assert [(u["date"], u["owed"]) for u in body["cannot_know"]] == [
        ("2003-08-14", ["Schedule 13D", "Form 3"]),
        ("2003-11-24", ["Schedule 13D amendment", "Form 4"]),
    ]
