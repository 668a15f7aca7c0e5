"""Reconciliation: each break between a reported holding and the replay, named at its first row,
with its likely cause when one is evident; `ingest` counts the new ones, `ownership` and
`explain` show a holder's open break."""

from __future__ import annotations

from typing import Any

import pytest

from owl.projections.application.api import Ledger
from tests.builders import ev, outstanding, pending, plan

AT = "2026-01-01T00:00:00Z"


def buy(date: str, shares: int, holder: str = "Fund") -> Any:
    return ev("SharesPurchased", date, holder=holder, shares=shares)


def report(date: str, shares: int, holder: str = "Fund", **fields: Any) -> Any:
    return ev("HoldingReported", date, holder=holder, shares=shares, **fields)


def run(ledger: Ledger, *events: Any) -> list[dict[str, Any]]:
    ledger.append(pending(*events), recorded_at=AT)
    return list(ledger.reconcile("INOC")["breaks"])


def test_a_report_matching_the_replay_is_no_break(ledger: Ledger) -> None:
    assert run(ledger, buy("2003-01-02", 100), report("2003-01-03", 100)) == []


def test_a_constant_offset_is_one_break_named_at_its_first_report(ledger: Ledger) -> None:
    found = run(
        ledger,
        buy("2003-01-02", 100),
        report("2003-01-03", 150),
        buy("2003-01-04", 10),
        report("2003-01-05", 160),  # the same 50 over: the same break
        report("2003-01-06", 160),
    )

    (only,) = found
    assert (only["date"], only["reported"], only["computed"], only["difference"]) == (
        "2003-01-03",
        150,
        100,
        50,
    )
    assert (only["kind"], only["open"]) == ("break", True)


def test_a_break_that_later_reports_match_again_is_closed(ledger: Ledger) -> None:
    (only,) = run(
        ledger, buy("2003-01-02", 100), report("2003-01-03", 150), report("2003-01-04", 100)
    )

    assert only["open"] is False


def test_a_new_offset_is_a_new_break(ledger: Ledger) -> None:
    found = run(
        ledger, buy("2003-01-02", 100), report("2003-01-03", 150), report("2003-01-04", 170)
    )

    assert [(b["date"], b["difference"]) for b in found] == [("2003-01-03", 50), ("2003-01-04", 70)]
    assert [b["open"] for b in found] == [False, True]


def test_a_holding_that_moved_with_no_transaction_says_so(ledger: Ledger) -> None:
    found = run(
        ledger, buy("2003-01-02", 100), report("2003-01-03", 100), report("2003-01-09", 130)
    )

    assert found[0]["cause"] == (
        "moved by +30 since the report of 2003-01-03 with no transaction on record"
    )


@pytest.mark.parametrize(
    ("reported", "why"),
    [
        (1_243, "two adjacent digits swapped"),
        (1_284, "one digit different"),
        (12_340, "off by a factor of ten"),
        (
            1_234_000,
            "off by a factor of 1,000: a decimal point where a thousands separator was "
            "meant, 36.000 for 36,000",
        ),
    ],
)
def test_an_amount_that_looks_mistyped_says_so(ledger: Ledger, reported: int, why: str) -> None:
    found = run(ledger, buy("2003-01-02", 1_234), report("2003-01-03", reported))

    assert found[0]["cause"] == f"looks mistyped ({why})"


def test_a_percent_that_matches_another_count_points_at_the_count(ledger: Ledger) -> None:
    found = run(
        ledger,
        plan("2003-01-01"),
        outstanding("2003-01-01", 1_000),
        buy("2003-01-02", 100),
        outstanding("2003-02-01", 2_000),
        report("2003-02-05", 137, percent="10"),  # 100 of the old 1,000 is 10%
    )

    assert found[0]["cause"] == (
        "the stated percent is the ledger's holding on the count reported 2003-01-01 "
        "(1,000 shares), not the latest"
    )


def test_a_first_report_of_a_holder_with_no_trades_says_so(ledger: Ledger) -> None:
    (only,) = run(ledger, buy("2003-01-02", 5, "Other"), report("2003-01-03", 700))

    assert only["cause"] == "the first the ledger hears of this holding: no trade of it on record"


def test_a_holder_filter_keeps_that_holders_breaks(ledger: Ledger) -> None:
    ledger.append(
        pending(buy("2003-01-02", 1), report("2003-01-03", 2), report("2003-01-03", 9, "Other")),
        recorded_at=AT,
    )

    found = ledger.reconcile("INOC", holder="Other")["breaks"]

    assert [b["holder"] for b in found] == ["Other"]


def test_ingest_counts_only_the_breaks_its_batch_brings(ledger: Ledger) -> None:
    first = ledger.append(
        pending(buy("2003-01-02", 100), report("2003-01-03", 150)), recorded_at=AT
    )
    second = ledger.append(pending(report("2003-01-04", 150)), recorded_at=AT)  # same offset
    third = ledger.append(pending(report("2003-01-05", 175)), recorded_at=AT)

    assert (first.breaks, second.breaks, third.breaks) == (1, 0, 1)


def test_ownership_and_explain_show_the_holders_open_break(ledger: Ledger) -> None:
    ledger.append(
        pending(
            plan("2003-01-01"),
            outstanding("2003-01-01", 1_000),
            buy("2003-01-02", 100),
            report("2003-01-03", 150),
        ),
        recorded_at=AT,
    )

    owned = ledger.ownership("INOC", "2003-01-10")["open_breaks"]
    why = ledger.explain("INOC", "Fund", "2003-01-10")["open_breaks"]

    assert [(b["holder"], b["difference"]) for b in owned] == [("Fund", 50)]
    assert why == owned
    assert why[0]["since"]["effective_date"] == "2003-01-03"


def test_the_view_is_bitemporal(ledger: Ledger) -> None:
    ledger.append(pending(buy("2003-01-02", 100)), recorded_at="2026-01-01T00:00:00Z")
    ledger.append(pending(report("2003-01-03", 150)), recorded_at="2026-01-02T00:00:00Z")

    before = ledger.reconcile("INOC", known_at="2026-01-01T12:00:00Z")["breaks"]
    after = ledger.reconcile("INOC")["breaks"]

    assert (before, len(after)) == ([], 1)


@pytest.mark.parametrize(
    ("footnote", "cause"),
    [
        ("Includes 412 shares acquired under the Employee Stock Purchase Plan.",
         "the filing's footnote mentions shares acquired under a purchase plan, which the filing "
         "does not itemize"),
        ("Includes shares acquired through dividend reinvestment.",
         "the filing's footnote mentions dividend reinvestment, which the filing does not "
         "itemize"),
        ("Reflects a gift of 50 shares to a family trust.",
         "the filing's footnote mentions a gift, which the filing does not itemize"),
    ],
)  # fmt: skip
def test_a_footnote_naming_an_unitemized_change_is_the_breaks_cause(
    ledger: Ledger, footnote: str, cause: str
) -> None:
    filed = {"form": "4", "row": "non-derivative holding 1", "footnotes": [footnote]}

    found = run(ledger, buy("2003-01-02", 1_000), report("2003-01-03", 1_412, filing=filed))

    assert [(b["kind"], b["cause"]) for b in found] == [("break", cause)]


def test_a_break_with_no_evident_cause_says_it_is_unexplained(ledger: Ledger) -> None:
    found = run(ledger, buy("2003-01-02", 1_000), report("2003-01-03", 1_412, public=False))

    assert [b["cause"] for b in found] == [
        "unexplained: no transaction, share count or typo on record accounts for it"
    ]
