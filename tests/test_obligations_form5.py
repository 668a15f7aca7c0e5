"""Form 5 (Rule 16a-3(f), docs/obligations.md): an insider's annual statement of the transactions
eligible for deferred reporting and of those not reported on a Form 4, due 45 days after the
issuer's fiscal year ends (31 December unless a `FiscalYearEndReported` says otherwise), at its
boundaries: gifts made on either side of 27 February 2023, a year with nothing to report."""

from __future__ import annotations

from typing import Any

from tests.builders import buy, ev
from tests.test_obligations import lines, owed

DIRECTOR = ev("PersonIdentified", "2020-06-01", person="D", cik="7", director=True)


def gift(day: str, shares: int = 100) -> Any:
    return ev("SharesDisposed", day, holder="D", shares=shares, how="gift (G)")


def form(kind: str, day: str, shares: int = 0) -> Any:
    return ev("HoldingReported", day, holder="D", shares=shares, form=kind, public=False)


def form_5s(body: dict) -> list[tuple]:
    """(arose, due, status, filing filed on, notes) per Form 5 owed."""
    return [
        (o["arose_on"], o["due"], o["status"],
         o["filing"]["filed_on"] if o["filing"] else None, o["notes"])
        for o in body["obligations"]
        if o["kind"] == "form_5"
    ]  # fmt: skip


def test_a_gift_made_before_27_february_2023_goes_on_the_years_form_5_not_a_form_4() -> None:
    body = owed(DIRECTOR, buy("D", 1_000, "2020-06-01"), form("4", "2020-06-02", 1_000),
                gift("2022-06-01"), form("5", "2023-02-10", 900), as_of="2023-06-30")  # fmt: skip

    assert [r[2] for r in lines(body, "form_4")] == ["2020-06-01"]  # the purchase only
    ((arose, due, status, filed, notes),) = form_5s(body)
    assert (arose, due, status, filed) == ("2022-12-31", "2023-02-14", "met", "2023-02-10")
    assert notes[0].startswith("#") and notes[0].endswith(": gift made")
    assert any("31 December assumed" in n for n in notes)


def test_a_gift_made_from_27_february_2023_owes_a_form_4() -> None:
    body = owed(DIRECTOR, buy("D", 1_000, "2020-06-01"), form("4", "2020-06-02", 1_000),
                gift("2023-02-24"), gift("2023-02-27"), form("4", "2023-02-28", 800),
                as_of="2024-06-30")  # fmt: skip

    assert [(r[2], r[4]) for r in lines(body, "form_4")] == [
        ("2020-06-01", "met"), ("2023-02-27", "met"),
    ]  # fmt: skip
    ((arose, due, status, filed, notes),) = form_5s(body)  # the gift of 24 February only
    assert (arose, due, status, filed) == ("2023-12-31", "2024-02-14", "missing", None)
    assert [n for n in notes if n.startswith("#")] == ["#5: gift made"]


def test_a_form_4_not_filed_by_the_years_end_is_owed_on_the_form_5() -> None:
    body = owed(DIRECTOR, buy("D", 1_000, "2021-03-01"), as_of="2022-06-30")

    ((arose, due, status, filed, notes),) = form_5s(body)
    assert (arose, due, status, filed) == ("2021-12-31", "2022-02-14", "missing", None)
    assert [n for n in notes if n.startswith("#")] == ["#3: not reported on a Form 4"]


def test_the_issuers_fiscal_year_end_sets_the_form_5_due_date() -> None:
    body = owed(
        ev("FiscalYearEndReported", "2020-01-01", month_day="06-30"),
        DIRECTOR,
        ev("SharesAcquired", "2022-08-01", holder="D", shares=50, how="small acquisition (L)"),
        as_of="2023-12-31",
    )

    ((arose, due, status, _, notes),) = form_5s(body)
    assert (arose, due, status) == ("2023-06-30", "2023-08-14", "missing")
    assert not any("assumed" in n for n in notes)


def test_a_year_with_every_transaction_on_a_timely_form_4_owes_no_form_5() -> None:
    body = owed(DIRECTOR, buy("D", 1_000, "2021-03-01"), form("4", "2021-03-02", 1_000),
                as_of="2022-06-30")  # fmt: skip

    assert form_5s(body) == []
