"""The Innotrac replay matches the expected status files exactly, on both backends."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ledger.log import Pending
from projections.api import Ledger
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
