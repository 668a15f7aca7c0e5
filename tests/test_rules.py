"""DOMAIN.md §2, clause by clause, with a boundary on each side of each rule."""

from __future__ import annotations

from datetime import date

import pytest

from owl.projections.views.report import status_json
from tests.builders import (
    buy,
    ev,
    exemption,
    innotrac_events,
    outstanding,
    plan,
    records,
    sell,
    timeline,
)
from tests.oracle import ownership_json, state_at

BASE = [plan(expires_on="2007-12-31"), outstanding("2003-01-02", 1_000_000)]


def status(events: list, as_of: str) -> dict:
    return status_json(state_at("INOC", records(*events), date.fromisoformat(as_of)), "t")


def group(events: list, as_of: str, label: str) -> dict:
    found = [g for g in status(events, as_of)["groups"] if g["group"] == label]
    return found[0] if found else {"group": label, "status": "below", "flags": []}


# --- shares outstanding ----------------------------------------------------------------------


def test_then_outstanding_is_the_last_report_adjusted_by_later_capital_events() -> None:
    events = [
        *BASE,
        ev("SharesIssued", "2003-02-01", shares=50_000),
        ev("SharesRepurchased", "2003-03-01", shares=10_000),
        ev("StockSplit", "2003-04-01", numerator=21, denominator=20),
    ]

    assert status(events, "2003-01-31")["shares_outstanding"] == 1_000_000
    assert status(events, "2003-02-01")["shares_outstanding"] == 1_050_000
    assert status(events, "2003-04-01")["shares_outstanding"] == 1_092_000


def test_a_new_report_replaces_the_adjusted_count() -> None:
    events = [
        *BASE,
        ev("SharesIssued", "2003-02-01", shares=50_000),
        outstanding("2003-03-01", 1_040_000),
    ]

    assert status(events, "2003-03-01")["shares_outstanding"] == 1_040_000
    assert status(events, "2003-03-01")["shares_outstanding_basis"]["adjustments"] == []


def test_holder_trades_do_not_change_shares_outstanding() -> None:
    events = [*BASE, buy("A", 10, "2003-02-01"), sell("A", 5, "2003-02-02")]

    assert status(events, "2003-02-02")["shares_outstanding"] == 1_000_000


def test_a_stock_dividend_rounds_holdings_down_and_is_not_an_acquisition() -> None:
    events = [
        *BASE,
        ev("SharesRepurchased", "2003-01-05", shares=1),
        buy("A", 149_999, "2003-01-03"),
        ev("StockSplit", "2003-02-01", numerator=21, denominator=20),
    ]

    holders = ownership_json(state_at("INOC", records(*events), date(2003, 2, 1)), "t")["holders"]

    assert holders == [{"holder": "A", "shares": 157_498, "percent": "14.9998"}]


# --- holdings and reconciliation -------------------------------------------------------------


def test_a_reported_holding_that_differs_is_a_break_not_absorbed() -> None:
    events = [
        *BASE,
        buy("A", 100, "2003-02-01"),
        ev("HoldingReported", "2003-02-02", holder="A", shares=120, form="4"),
    ]

    result = status(events, "2003-02-02")

    assert [
        (b["holder"], b["reported"], b["computed"], b["difference"])
        for b in result["reconciliation_breaks"]
    ] == [("A", 120, 100, 20)]
    holders = ownership_json(state_at("INOC", records(*events), date(2003, 2, 2)), "t")["holders"]
    assert holders[0]["shares"] == 100


def test_an_adopted_report_becomes_the_position_as_an_unexplained_change() -> None:
    events = [
        *BASE,
        buy("A", 100, "2003-02-01"),
        ev("HoldingReported", "2003-02-02", holder="A", shares=120, adopt=True),
    ]

    view = ownership_json(state_at("INOC", records(*events), date(2003, 2, 2)), "t")

    assert view["holders"][0]["shares"] == 120
    assert [c["difference"] for c in view["unexplained_changes"]] == [20]
    assert status(events, "2003-02-02")["reconciliation_breaks"] == []


def test_a_transfer_moves_shares_and_the_receiver_acquires() -> None:
    events = [
        *BASE,
        buy("A", 200_000, "2003-02-01"),
        ev("SharesTransferred", "2003-02-05", from_holder="A", to_holder="B", shares=150_000),
    ]

    assert group(events, "2003-02-05", "B")["status"] == "acquiring_person"
    assert group(events, "2003-02-05", "A")["status"] == "below"


def test_an_issuance_to_a_holder_is_an_acquisition() -> None:
    events = [
        *BASE,
        buy("A", 140_000, "2003-02-01"),
        ev("SharesIssued", "2003-02-05", shares=40_000, holder="A"),
    ]

    assert group(events, "2003-02-05", "A")["percent"] == "17.3077"
    assert group(events, "2003-02-05", "A")["status"] == "acquiring_person"


# --- groups ----------------------------------------------------------------------------------


def test_an_ended_link_splits_the_group_from_its_date() -> None:
    events = [
        *BASE,
        buy("B", 100_000, "2003-02-01"),
        buy("C", 60_000, "2003-02-01"),
        ev("AffiliationFormed", "2003-03-01", person="B", affiliate="C", relation="spouse"),
        ev("AffiliationEnded", "2003-04-01", person="C", affiliate="B"),
    ]

    assert group(events, "2003-03-31", "B & C")["status"] == "acquiring_person"
    assert group(events, "2003-04-01", "B")["status"] == "below"
    ended = group(events, "2003-04-01", "B")
    assert ended["acquiring_person_intervals"] == [{"from": "2003-03-01", "to": "2003-04-01"}]


def test_links_are_transitive_and_no_share_is_counted_twice() -> None:
    events = [
        *BASE,
        buy("A", 50_000, "2003-02-01"),
        buy("B", 50_000, "2003-02-01"),
        buy("C", 49_998, "2003-02-01"),
        ev("AffiliationFormed", "2003-03-01", person="A", affiliate="B", relation="x", group="ABC"),
        ev("AffiliationFormed", "2003-03-01", person="B", affiliate="C", relation="y"),
    ]

    abc = group(events, "2003-03-01", "ABC")

    assert (abc["members"], abc["shares"], abc["status"]) == (["A", "B", "C"], 149_998, "below")
    assert abc["headroom_shares"] == 1


# --- the limit that applies ------------------------------------------------------------------


def test_an_amendment_applies_from_its_effective_date_not_its_authorization() -> None:
    events = [
        *BASE,
        buy("A", 200_000, "2003-02-01"),
        ev(
            "RightsAgreementAmended",
            "2003-03-10",
            amendment="No. 9",
            authorized_on="2003-03-01",
            changes=[{"change": "exemption", "person": "A", "cap": "30"}],
        ),
    ]

    assert group(events, "2003-03-09", "A")["status"] == "acquiring_person"
    assert group(events, "2003-03-10", "A")["status"] == "exempt"


def test_a_board_approval_by_shares_allows_exactly_that_many() -> None:
    approval = ev("BoardApprovalGranted", "2003-01-10", person="A", max_shares=200_000)

    at_limit = group([*BASE, approval, buy("A", 200_000, "2003-02-01")], "2003-02-01", "A")
    over = group([*BASE, approval, buy("A", 200_001, "2003-02-01")], "2003-02-01", "A")

    assert (at_limit["status"], at_limit["limit"]["basis"], at_limit["headroom_shares"]) == (
        "approved",
        "approval",
        0,
    )
    assert over["status"] == "acquiring_person"


def test_a_board_approval_by_percent_is_tested_as_more_than() -> None:
    approval = ev("BoardApprovalGranted", "2003-01-10", person="A", max_percent="20")

    assert (
        group([*BASE, approval, buy("A", 200_000, "2003-02-01")], "2003-02-01", "A")["status"]
        == "approved"
    )
    assert (
        group([*BASE, approval, buy("A", 200_001, "2003-02-01")], "2003-02-01", "A")["status"]
        == "acquiring_person"
    )


def test_an_exempt_person_named_at_adoption_is_never_an_acquiring_person() -> None:
    events = [
        plan(exempt_persons=["Founder"]),
        outstanding("2003-01-02", 1_000_000),
        buy("Founder", 600_000, "2003-02-01"),
    ]

    founder = group(events, "2003-02-01", "Founder")

    assert (founder["status"], founder["headroom_shares"]) == ("exempt", None)


def test_a_threshold_amendment_changes_the_base_test() -> None:
    events = [
        *BASE,
        buy("A", 120_000, "2003-02-01"),
        ev(
            "RightsAgreementAmended",
            "2003-03-01",
            amendment="No. 4",
            changes=[{"change": "threshold", "threshold": "10", "threshold_test": "above"}],
        ),
    ]

    assert group(events, "2003-02-28", "A")["status"] == "below"
    after = group(events, "2003-03-01", "A")
    assert after["status"] == "acquiring_person"
    assert after["limit"] == {
        "percent": "10",
        "test": "above",
        "basis": "threshold",
        "source_amendment": "No. 4",
    }


# --- acquiring person and its excuses --------------------------------------------------------


def test_selling_back_under_the_limit_ends_the_ap_interval() -> None:
    events = [*BASE, buy("A", 150_000, "2003-02-01"), sell("A", 1, "2003-02-10")]

    a = group(events, "2003-02-10", "A")

    assert a["status"] == "below"
    assert a["acquiring_person_intervals"] == [{"from": "2003-02-01", "to": "2003-02-10"}]


def test_a_crossing_undone_the_same_day_is_not_a_crossing() -> None:
    events = [*BASE, buy("A", 150_000, "2003-02-01"), sell("A", 1, "2003-02-01")]

    assert group(events, "2003-02-01", "A")["acquiring_person_intervals"] == []


def test_a_passive_holder_stays_passive_while_it_acquires_nothing() -> None:
    events = [
        *BASE,
        buy("A", 149_000, "2003-02-01"),
        ev("SharesRepurchased", "2003-03-01", shares=10_000),
        ev("SharesRepurchased", "2003-04-01", shares=10_000),
        sell("A", 1, "2003-05-01"),
    ]

    assert group(events, "2003-04-01", "A")["status"] == "passive_crossing"
    assert group(events, "2003-05-01", "A")["status"] == "passive_crossing"


def test_a_passive_holder_that_buys_but_ends_the_day_under_the_limit_is_below() -> None:
    events = [
        *BASE,
        buy("A", 149_000, "2003-02-01"),
        ev("SharesRepurchased", "2003-03-01", shares=10_000),
        sell("A", 10_000, "2003-04-01"),
        buy("A", 1, "2003-04-01"),
    ]

    assert group(events, "2003-04-01", "A")["status"] == "below"


def test_an_exempt_group_pushed_over_its_cap_by_a_repurchase_is_an_ap_flagged() -> None:
    events = [
        *BASE,
        exemption("2003-01-05", "A", "25"),
        buy("A", 250_000, "2003-02-01"),
        ev("SharesRepurchased", "2003-03-01", shares=1),
    ]

    a = group(events, "2003-03-01", "A")

    assert (a["status"], a["flags"]) == ("acquiring_person", ["passive_cap_crossing"])


def test_a_control_intent_ends_an_exemption_marked_to_end_on_it() -> None:
    events = [*innotrac_events(), ev("ControlIntentDeclared", "2003-12-01", person="David Dadante")]

    assert group(events, "2003-11-30", "IPOF Group")["status"] == "exempt"
    ipof = group(events, "2003-12-01", "IPOF Group")
    assert (ipof["status"], ipof["limit"]["basis"]) == ("acquiring_person", "threshold")


def test_an_exemption_not_marked_survives_a_control_intent() -> None:
    events = [
        *BASE,
        exemption("2003-01-05", "A", "25"),
        buy("A", 200_000, "2003-02-01"),
        ev("ControlIntentDeclared", "2003-03-01", person="A"),
    ]

    assert group(events, "2003-03-01", "A")["status"] == "exempt"


@pytest.mark.parametrize(
    ("sold_on", "intervals"),
    [("2003-03-15", []), ("2003-03-17", [{"from": "2003-03-16", "to": "2003-03-17"}])],
)
def test_an_inadvertent_crossing_is_an_ap_only_if_not_cured_by_the_divest_by_date(
    sold_on: str, intervals: list
) -> None:
    events = [
        *BASE,
        buy("A", 160_000, "2003-03-01"),
        ev("InadvertenceDetermined", "2003-03-03", person="A", divest_by="2003-03-15"),
        sell("A", 10_001, sold_on),
    ]

    assert group(events, "2003-03-10", "A")["status"] == "inadvertent_pending"
    later = group(events, "2003-03-31", "A")
    assert later["status"] == "below"
    assert later["acquiring_person_intervals"] == intervals


def test_an_inadvertent_crossing_not_cured_is_an_ap_from_the_day_after() -> None:
    events = [
        *BASE,
        buy("A", 160_000, "2003-03-01"),
        ev("InadvertenceDetermined", "2003-03-03", person="A", divest_by="2003-03-15"),
    ]

    a = group(events, "2003-03-16", "A")

    assert a["status"] == "acquiring_person"
    assert a["acquiring_person_intervals"] == [{"from": "2003-03-16", "to": None}]


# --- plan in force, SAD, DD ------------------------------------------------------------------


def test_the_plan_is_in_force_through_close_of_business_on_its_expiration_date() -> None:
    events = [*BASE, buy("A", 200_000, "2003-02-01")]

    assert group(events, "2007-12-31", "A")["status"] == "acquiring_person"
    after = status(events, "2008-01-01")
    assert after["plan"]["in_force"] is False
    assert after["groups"][0]["status"] == "plan_not_in_force"
    assert after["groups"][0]["acquiring_person_intervals"] == [
        {"from": "2003-02-01", "to": "2008-01-01"}
    ]


def test_before_adoption_there_is_no_plan_in_force() -> None:
    events = [
        plan("2003-06-01", grandfathering=False),
        outstanding("2003-01-02", 1_000_000),
        buy("A", 200_000, "2003-02-01"),
    ]

    assert group(events, "2003-05-31", "A")["status"] == "plan_not_in_force"
    assert group(events, "2003-06-01", "A")["status"] == "acquiring_person"


def test_a_private_report_is_not_a_stock_acquisition_date() -> None:
    events = [
        *BASE,
        buy("A", 200_000, "2003-02-01"),
        ev("HoldingReported", "2003-02-03", holder="A", shares=200_000, public=False),
    ]

    assert status(events, "2003-12-31")["stock_acquisition_date"] is None


def test_an_announcement_before_becoming_an_ap_is_not_a_stock_acquisition_date() -> None:
    events = [
        *BASE,
        buy("A", 100_000, "2003-02-01"),
        ev("HoldingReported", "2003-02-03", holder="A", shares=100_000),
        buy("A", 60_000, "2003-02-10"),
    ]

    assert status(events, "2003-12-31")["stock_acquisition_date"] is None


def test_a_tender_offer_for_the_threshold_sets_a_distribution_date_ten_business_days_on() -> None:
    events = [*BASE, ev("TenderOfferCommenced", "2003-12-11", person="T", percent_sought="51")]

    assert status(events, "2003-12-31")["distribution_date"] == "2003-12-26"


def test_a_tender_offer_below_the_threshold_sets_no_distribution_date() -> None:
    events = [*BASE, ev("TenderOfferCommenced", "2003-12-11", person="T", percent_sought="14.9")]

    assert status(events, "2003-12-31")["distribution_date"] is None


# --- the timeline ----------------------------------------------------------------------------


def test_the_timeline_dates_every_crossing_and_status_change_with_its_cause() -> None:
    events = [
        *BASE,
        buy("A", 60_000, "2003-02-01"),
        buy("A", 50_000, "2003-03-01"),
        buy("A", 50_000, "2003-04-01"),
        sell("A", 100_000, "2003-05-01"),
    ]

    changes = timeline(*events)
    lines = [(day, text) for day, group, _, text, _ in changes if group == "A"]

    assert lines == [
        ("2003-02-01", "above 5%"),
        ("2003-03-01", "above 10%"),
        ("2003-04-01", "below -> acquiring_person"),
        ("2003-04-01", "above the 15% threshold (at or above)"),
        ("2003-05-01", "acquiring_person -> below"),
        ("2003-05-01", "no longer above 10%"),
        ("2003-05-01", "no longer above the 15% threshold (at or above)"),
        ("2008-01-01", "below -> plan_not_in_force"),
    ]
    assert all(seq for day, group, _, _, seq in changes if group == "A" and day < "2008")
