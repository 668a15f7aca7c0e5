"""From Python: a `Ledger` closes itself in a `with` block, and `frame`/`rows` take every view
the API returns, the obligations, explain and the log's records included."""

from __future__ import annotations

from pathlib import Path

from owl.projections.application.api import Ledger
from owl.projections.views.frames import rows

DEMO = Path(__file__).resolve().parent.parent / "data" / "innotrac" / "events.jsonl"


def test_a_ledger_is_a_context_manager(sqlite_url: str) -> None:
    with Ledger(sqlite_url) as book:
        book.init()
        appended = book.ingest(str(DEMO), recorded_at="2003-11-25T00:00:00Z").appended

    assert appended == 10


def test_rows_of_obligations_explain_and_the_log(sqlite_url: str) -> None:
    with Ledger(sqlite_url) as book:
        book.init()
        book.ingest(str(DEMO), recorded_at="2003-11-25T00:00:00Z")
        obligations = rows(book.obligations("INOC", as_of="2003-12-31"))
        explained = rows(book.explain("INOC", "IPOF Fund", as_of="2003-11-24"))
        logged = rows(book.log("INOC"))

    assert obligations == []  # the Innotrac ledger dates none (it says what it cannot know)
    assert explained and {"seq", "type"} <= set(explained[0])
    assert [r["seq"] for r in logged] == list(range(1, 11))
    assert {"recorded_at", "hash", "issuer", "type", "effective_date"} <= set(logged[0])
