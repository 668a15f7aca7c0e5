"""DOMAIN.md §4: the worked scenarios, each as a test with its exact numbers."""

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
)
from tests.oracle import state_at


def group(issuer_events: list, as_of: str, label: str) -> dict:
    snapshot = state_at("INOC", records(*issuer_events), date.fromisoformat(as_of))
    found = [g for g in status_json(snapshot, "t")["groups"] if g["group"] == label]
    return found[0] if found else {"group": label, "status": "below"}


def status_of(issuer_events: list, as_of: str, label: str) -> str:
    return group(issuer_events, as_of, label)["status"]


@pytest.mark.parametrize(
    ("shares", "test", "expected"),
    [
        (1_723_137, "at_or_above", "acquiring_person"),
        (1_723_136, "at_or_above", "below"),
        (1_723_137, "above", "below"),
        (1_723_138, "above", "acquiring_person"),
    ],
)
def test_1_exactly_fifteen_percent(shares: int, test: str, expected: str) -> None:
    history = [
        plan(threshold_test=test),
        outstanding("2003-05-12", 11_487_580),
        buy("A", shares, "2003-06-02"),
    ]

    assert status_of(history, "2003-06-02", "A") == expected


@pytest.mark.parametrize(
    ("shares", "expected"), [(2_871_895, "exempt"), (2_871_896, "acquiring_person")]
)
def test_2_ipof_at_exactly_its_25_percent_cap_is_exempt(shares: int, expected: str) -> None:
    history = [
        plan(),
        outstanding("2003-05-12", 11_487_580),
        exemption("2003-06-01", "IPOF Fund", "25"),
        buy("IPOF Fund", shares, "2003-06-02"),
    ]

    assert status_of(history, "2003-06-02", "IPOF Fund") == expected


@pytest.mark.parametrize(
    ("shares", "expected"), [(2_891_182, "exempt"), (2_891_183, "acquiring_person")]
)
def test_3_a_half_share_cap_is_compared_exactly(shares: int, expected: str) -> None:
    history = [
        plan(),
        outstanding("2003-08-08", 11_564_730),
        exemption("2003-08-14", "IPOF Fund", "25"),
        buy("IPOF Fund", shares, "2003-08-20"),
    ]

    assert status_of(history, "2003-08-20", "IPOF Fund") == expected


def test_4_innotrac_on_24_november_2003_ipof_is_exempt_under_the_40_percent_cap() -> None:
    ipof = group(innotrac_events(), "2003-11-24", "IPOF Group")

    assert ipof["members"] == ["David Dadante", "IPOF Fund"]
    assert (ipof["shares"], ipof["percent"], ipof["status"]) == (2_800_500, "24.0138", "exempt")
    assert ipof["limit"] == {
        "percent": "40",
        "test": "above",
        "basis": "exemption",
        "source_amendment": "No. 3",
    }
    assert ipof["headroom_shares"] == 1_864_312
    assert (
        ipof["reported"]["percent_stated"],
        ipof["reported"]["basis_outstanding"],
        ipof["reported"]["percent_of_basis"],
    ) == ("24.2", 11_564_730, "24.2159")


def test_4_on_20_november_2003_the_limit_is_amendment_2s_25_percent() -> None:
    ipof = group(innotrac_events(), "2003-11-20", "IPOF Group")

    assert ipof["limit"]["percent"] == "25"
    assert ipof["limit"]["source_amendment"] == "No. 2"
    assert ipof["status"] == "exempt"


def test_5_buying_between_authorization_and_execution_is_an_ap_interval() -> None:
    history = [*innotrac_events(), buy("IPOF Fund", 2_950_000 - 2_362_788, "2003-11-21")]

    on_21 = group(history, "2003-11-21", "IPOF Group")
    on_24 = group(history, "2003-11-24", "IPOF Group")

    assert (on_21["percent"], on_21["status"]) == ("25.2958", "acquiring_person")
    assert on_24["status"] == "exempt"
    assert on_24["acquiring_person_intervals"] == [{"from": "2003-11-21", "to": "2003-11-24"}]


def test_6_a_repurchase_alone_never_makes_an_acquiring_person() -> None:
    history = [
        plan(),
        outstanding("2003-05-12", 11_487_580),
        buy("A", 1_700_000, "2003-06-02"),
        ev("SharesRepurchased", "2003-09-15", shares=200_000),
    ]

    passive = group(history, "2003-09-15", "A")
    later = group([*history, buy("A", 1, "2003-09-22")], "2003-09-22", "A")

    assert (passive["percent"], passive["status"]) == ("15.0608", "passive_crossing")
    assert passive["headroom_shares"] == 0
    assert later["status"] == "acquiring_person"
    assert later["acquiring_person_intervals"] == [{"from": "2003-09-22", "to": None}]


def _affiliation() -> list:
    return [
        plan(),
        outstanding("2003-11-05", 11_662_030),
        buy("B", 1_000_000, "2003-11-10"),
        buy("C", 800_000, "2003-11-10"),
        ev("AffiliationFormed", "2003-12-15", person="B", affiliate="C", relation="control"),
    ]


def test_7_an_affiliation_aggregates_from_the_links_date() -> None:
    history = [
        *_affiliation(),
        ev("HoldingReported", "2003-12-19", holder="B", shares=1_000_000, form="SC 13D/A"),
    ]

    before = state_at("INOC", records(*history), date(2003, 12, 14))
    after = status_json(state_at("INOC", records(*history), date(2003, 12, 31)), "t")

    assert before.acquiring_persons == ()
    bc = after["groups"][0]
    assert (bc["group"], bc["members"], bc["percent"]) == ("B & C", ["B", "C"], "15.4347")
    assert bc["acquiring_person_intervals"] == [{"from": "2003-12-15", "to": None}]
    assert after["stock_acquisition_date"] == "2003-12-19"
    assert after["distribution_date"] == "2003-12-29"


def _sad_on_11_december(basis: str = "calendar") -> list:
    return [
        plan(distribution_delay_basis=basis),
        outstanding("2003-11-05", 11_662_030),
        buy("A", 2_000_000, "2003-12-01"),
        ev("HoldingReported", "2003-12-11", holder="A", shares=2_000_000, form="SC 13D"),
    ]


@pytest.mark.parametrize(("basis", "dd"), [("calendar", "2003-12-22"), ("business", "2003-12-26")])
def test_8_the_distribution_date_rolls_to_a_business_day(basis: str, dd: str) -> None:
    snapshot = status_json(
        state_at("INOC", records(*_sad_on_11_december(basis)), date(2003, 12, 31)), "t"
    )

    assert snapshot["stock_acquisition_date"] == "2003-12-11"
    assert snapshot["distribution_date"] == dd
    assert snapshot["distribution_date_reached"] is True


def test_9_a_redemption_inside_the_window_ends_the_plan() -> None:
    history = [*_sad_on_11_december(), ev("RightsRedeemed", "2003-12-19", price="0.01")]

    snapshot = status_json(state_at("INOC", records(*history), date(2003, 12, 31)), "t")

    assert snapshot["plan"]["in_force"] is False
    assert snapshot["plan"]["redeemed_on"] == "2003-12-19"
    assert snapshot["distribution_date"] is None
    assert snapshot["flags"] == []


def test_9_a_redemption_after_the_distribution_date_is_flagged_and_has_no_effect() -> None:
    history = [*_sad_on_11_december(), ev("RightsRedeemed", "2003-12-23")]

    snapshot = status_json(state_at("INOC", records(*history), date(2003, 12, 31)), "t")

    assert snapshot["plan"]["in_force"] is True
    assert snapshot["distribution_date"] == "2003-12-22"
    assert snapshot["flags"] == ["redemption_out_of_window"]
