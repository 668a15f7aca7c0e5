"""Schedule 13G after it is filed (docs/obligations.md): the amendments of Rule 13d-2(b), (c) and
(d), the switches to a Schedule 13D of Rule 13d-1(e) and (f), a qualified institution's early
first 13G over 10% (Rule 13d-1(b)(2)) and its exclusion from Section 16 (Rule 16a-1(a)(1)), each
at its boundaries: exactly 10% and 20%, a 1% and a 5% move, the 30 September 2024 compliance
date, a month's and a quarter's last day. 1,000,000 shares outstanding throughout."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.builders import buy, ev, outstanding, sell
from tests.test_cli_obligations import owl
from tests.test_obligations import lines, owed


def g(on: str, rule: str | None, shares: int, amendment: bool = False) -> Any:
    """A Schedule 13G (or 13G/A) filed on `on`, reporting `shares` as of that date."""
    form = "SC 13G/A" if amendment else "SC 13G"
    filing: dict[str, Any] = {"form": form, "filed_on": on}
    if rule is not None:
        filing["rule"] = rule
    return ev("HoldingReported", on, holder="A", shares=shares, form=form, filing=filing)


def amendments(body: dict) -> list[tuple]:
    """(rule, arose, due, status, filing filed on) per Schedule 13G amendment owed."""
    return [
        (o["rule"], o["arose_on"], o["due"], o["status"],
         o["filing"]["filed_on"] if o["filing"] else None)
        for o in body["obligations"]
        if o["kind"] == "schedule_13g_amendment"
    ]  # fmt: skip


# --- Rule 13d-2(b): the year's (then the quarter's) end ---------------------------------------


def test_a_changed_holding_at_the_years_end_owes_an_amendment_45_days_after_it() -> None:
    body = owed(
        buy("A", 60_000, "2021-03-01"),
        g("2022-02-10", "13d-1(b)", 60_000),
        buy("A", 5_000, "2022-05-02"),  # 0.5%: before 30 September 2024 any change counts
        g("2023-02-10", None, 65_000, amendment=True),
        as_of="2024-06-30",
    )

    assert amendments(body) == [("Rule 13d-2(b)", "2022-12-31", "2023-02-14", "met", "2023-02-10")]
    (owed_,) = [o for o in body["obligations"] if o["kind"] == "schedule_13g_amendment"]
    assert owed_["since"] == {"date": "2022-02-10", "shares": 60_000}
    assert "calendar year" in owed_["deadline"]


def test_a_change_in_shares_outstanding_alone_owes_no_amendment() -> None:
    body = owed(
        buy("A", 60_000, "2021-03-01"),
        g("2022-02-10", "13d-1(b)", 60_000),
        outstanding("2022-06-01", 900_000),  # 6.0% -> 6.67%, the same 60,000 shares
        as_of="2024-06-30",
    )

    assert amendments(body) == []


def test_an_unchanged_holding_owes_nothing_and_an_exit_amendment_ends_the_duty() -> None:
    body = owed(
        buy("A", 60_000, "2021-03-01"),
        g("2022-02-10", "13d-1(c)", 60_000),
        sell("A", 20_000, "2023-06-01"),  # to 4%: the year's end owes an amendment saying so
        g("2024-02-13", None, 40_000, amendment=True),
        sell("A", 10_000, "2025-05-01"),  # at 5% or less after its exit amendment: nothing more
        as_of="2026-06-30",
    )

    assert amendments(body) == [("Rule 13d-2(b)", "2023-12-31", "2024-02-14", "met", "2024-02-13")]


def test_from_30_september_2024_only_a_material_change_at_a_quarters_end_owes_one() -> None:
    events = [
        buy("A", 60_000, "2024-01-10"),
        g("2024-02-01", "13d-1(b)", 60_000),
        buy("A", 9_999, "2024-10-01"),  # 0.9999% by 31 December 2024: not material
        buy("A", 1, "2025-01-02"),  # 1% by 31 March 2025: material
    ]

    body = owed(*events, as_of="2025-06-30")

    assert amendments(body) == [
        ("Rule 13d-2(b)", "2025-03-31", "2025-05-15", "missing", None),
        ("Rule 13d-2(b)", "2025-06-30", "2025-08-14", "pending", None),  # still unreported
    ]
    owed_ = next(o for o in body["obligations"] if o["kind"] == "schedule_13g_amendment")
    assert "calendar quarter" in owed_["deadline"]


def test_the_quarter_ending_30_september_2024_is_the_first_counted_quarterly() -> None:
    body = owed(
        buy("A", 60_000, "2023-01-10"),
        g("2023-02-01", "13d-1(d)", 60_000),
        buy("A", 10_000, "2024-03-01"),  # 1%, held at 30 September 2024
        as_of="2024-12-31",
    )

    assert amendments(body)[0] == ("Rule 13d-2(b)", "2024-09-30", "2024-11-14", "missing", None)


# --- Rule 13d-2(c): a qualified institution over 10% at a month's end -------------------------


def test_a_qualified_institution_over_10_percent_at_a_months_end_amends_within_10_days() -> None:
    body = owed(
        buy("A", 60_000, "2021-03-01"),
        g("2022-02-10", "13d-1(b)", 60_000),
        buy("A", 50_000, "2023-05-10"),  # 11% at 31 May 2023
        g("2023-06-09", None, 110_000, amendment=True),
        buy("A", 50_000, "2023-08-15"),  # +5% exactly: not more than 5%
        buy("A", 1, "2023-09-01"),  # more than 5% since 31 May by 30 September
        as_of="2023-12-30",
    )

    assert amendments(body) == [
        ("Rule 13d-2(c)", "2023-05-31", "2023-06-12", "met", "2023-06-09"),  # 10 June: Saturday
        ("Rule 13d-2(c)", "2023-09-30", "2023-10-10", "missing", None),
    ]


def test_exactly_10_percent_at_a_months_end_is_not_over_10_percent() -> None:
    body = owed(
        buy("A", 60_000, "2021-03-01"),
        g("2022-02-10", "13d-1(b)", 60_000),
        buy("A", 40_000, "2023-05-10"),  # exactly 10%
        as_of="2023-11-30",
    )

    assert [a for a in amendments(body) if a[0] == "Rule 13d-2(c)"] == []


def test_from_30_september_2024_the_month_end_amendment_is_due_in_5_business_days() -> None:
    body = owed(
        buy("A", 60_000, "2024-01-10"),
        g("2024-02-01", "13d-1(b)", 60_000),
        buy("A", 50_000, "2024-10-15"),
        as_of="2024-11-30",
    )

    assert [a for a in amendments(body) if a[0] == "Rule 13d-2(c)"] == [
        ("Rule 13d-2(c)", "2024-10-31", "2024-11-07", "missing", None)
    ]


def test_a_qualified_institution_over_10_percent_is_no_10_percent_owner_under_section_16() -> None:
    body = owed(
        buy("A", 60_000, "2021-03-01"),
        g("2022-02-10", "13d-1(b)", 60_000),
        buy("A", 50_000, "2023-05-10"),
        sell("A", 1_000, "2023-07-03"),
        as_of="2023-12-30",
    )

    assert lines(body, "form_3") == []
    assert lines(body, "form_4") == []
    (exempt,) = body["not_owed"]
    assert exempt["kind"] == "qualified_institution"
    assert "Rule 16a-1(a)(1)" in exempt["text"]


def test_a_passive_investor_over_10_percent_is_a_10_percent_owner() -> None:
    body = owed(
        buy("A", 60_000, "2021-03-01"),
        g("2021-03-05", "13d-1(c)", 60_000),
        buy("A", 50_000, "2023-05-10"),
        as_of="2023-12-30",
    )

    assert [r[2] for r in lines(body, "form_3")] == ["2023-05-10"]


# --- Rule 13d-1(b)(2): a qualified institution's first 13G, over 10% ---------------------------


def test_a_qualified_institutions_first_13g_is_due_after_the_first_month_over_10_percent() -> None:
    body = owed(
        buy("A", 60_000, "2021-03-01"),
        buy("A", 50_000, "2021-04-15"),  # 11% at 30 April 2021
        g("2021-05-10", "13d-1(b)", 110_000),
        as_of="2022-06-30",
    )

    (first,) = [o for o in body["obligations"] if o["kind"] == "schedule_13g"]
    assert (first["rule"], first["due"], first["status"]) == (
        "Rule 13d-1(b)(2)", "2021-05-10", "met",
    )  # fmt: skip


# --- Rule 13d-2(d): a passive investor over 10% ------------------------------------------------


def test_a_passive_investor_acquiring_over_10_percent_amends_promptly_then_in_2_days() -> None:
    before = owed(
        buy("A", 60_000, "2021-03-01"),
        g("2021-03-05", "13d-1(c)", 60_000),
        buy("A", 50_000, "2023-05-10"),
        as_of="2023-12-30",
    )
    after = owed(
        buy("A", 60_000, "2024-10-01"),
        g("2024-10-04", "13d-1(c)", 60_000),
        buy("A", 50_000, "2024-11-20"),
        g("2024-11-22", None, 110_000, amendment=True),
        buy("A", 50_000, "2024-12-02"),  # +5% exactly: nothing
        as_of="2024-12-30",
    )

    assert [a for a in amendments(before) if a[0] == "Rule 13d-2(d)"] == [
        ("Rule 13d-2(d)", "2023-05-10", None, "owed", None)
    ]
    assert [a for a in amendments(after) if a[0] == "Rule 13d-2(d)"] == [
        ("Rule 13d-2(d)", "2024-11-20", "2024-11-22", "met", "2024-11-22")
    ]


# --- Rules 13d-1(e) and (f): the switches to a Schedule 13D ------------------------------------


def test_a_passive_investor_reaching_exactly_20_percent_owes_a_13d_and_cools_off() -> None:
    events = [
        buy("A", 150_000, "2024-03-01"),
        g("2024-03-05", "13d-1(c)", 150_000),
        buy("A", 50_000, "2024-04-01"),  # exactly 20%: "20 percent or more"
        buy("A", 1_000, "2024-04-03"),  # in the cooling-off period
        ev("HoldingReported", "2024-04-05", holder="A", shares=201_000, form="SC 13D"),
    ]

    body = owed(*events, as_of="2024-06-30")

    (switch,) = [o for o in body["obligations"] if o["rule"] == "Rule 13d-1(f)"]
    assert (switch["form"], switch["arose_on"], switch["due"], switch["status"]) == (
        "Schedule 13D (a 13G filer at 20%)", "2024-04-01", "2024-04-08", "met",
    )  # fmt: skip
    assert [a["date"] for a in switch["cooling_off"]["acquisitions"]] == ["2024-04-03"]


def test_a_passive_investor_just_under_20_percent_owes_no_13d() -> None:
    body = owed(
        buy("A", 150_000, "2024-03-01"),
        g("2024-03-05", "13d-1(c)", 150_000),
        buy("A", 49_999, "2024-04-01"),
        as_of="2024-06-30",
    )

    assert [o for o in body["obligations"] if o["rule"] == "Rule 13d-1(f)"] == []


def test_every_obligation_names_its_rule() -> None:
    body = owed(
        buy("A", 60_000, "2021-03-01"),
        ev("ControlIntentDeclared", "2021-03-20", person="A"),
        g("2021-03-05", "13d-1(c)", 60_000),
        buy("B", 120_000, "2021-03-01"),
        as_of="2021-12-30",
    )

    rules = {(o["kind"], o["rule"]) for o in body["obligations"]}

    assert rules == {
        ("schedule_13g", "Rule 13d-1(c)"),
        ("schedule_13d_after_13g", "Rule 13d-1(e)"),
        ("schedule_13d", "Rule 13d-1(a)"),
        ("form_3", "Rule 16a-3(a)"),
    }


QUALIFIED = [
    {"type": "OutstandingReported", "effective_date": "2024-01-02", "shares": 1_000_000},
    {"type": "SharesPurchased", "effective_date": "2024-01-10", "holder": "Q", "shares": 60_000},
    {"type": "HoldingReported", "effective_date": "2024-02-01", "holder": "Q", "shares": 60_000,
     "form": "SC 13G", "filing": {"form": "SC 13G", "filed_on": "2024-02-01", "rule": "13d-1(b)"}},
    {"type": "SharesPurchased", "effective_date": "2024-10-15", "holder": "Q", "shares": 50_000},
]  # fmt: skip


def test_a_qualified_institutions_duties_through_the_command_line(
    db_url: str, tmp_path: Path
) -> None:
    feed = tmp_path / "zeta.jsonl"
    feed.write_text("".join(json.dumps({"issuer": "ZETA", **e}) + "\n" for e in QUALIFIED))
    assert owl(db_url, "init").exit_code == 0
    assert owl(db_url, "ingest", str(feed)).exit_code == 0

    result = owl(db_url, "obligations", "--issuer", "ZETA", "--as-of", "2024-11-30",
                 "--format", "json")  # fmt: skip

    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert [(o["kind"], o["rule"], o["arose_on"], o["due"], o["status"])
            for o in body["obligations"]] == [
        ("schedule_13g", "Rule 13d-1(b)", "2024-01-10", "2024-11-14", "met"),
        ("schedule_13g_amendment", "Rule 13d-2(c)", "2024-10-31", "2024-11-07", "missing"),
    ]  # fmt: skip
    assert [n["kind"] for n in body["not_owed"]] == ["qualified_institution"]
