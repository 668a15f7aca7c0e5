"""Edge cases found in review: groups that merge and split, excuses that interact, plan dates."""

from __future__ import annotations

from datetime import date

from owl.projections.views.report import status_json
from tests.builders import buy, ev, exemption, outstanding, plan, records, sell, timeline
from tests.oracle import state_at

BASE = [plan(expires_on="2007-12-31"), outstanding("2003-01-02", 1_000_000)]
PASSIVE = [
    *BASE,
    buy("A", 149_000, "2003-02-01"),
    ev("SharesRepurchased", "2003-03-01", shares=10_000),
]


def status(events: list, as_of: str) -> dict:
    return status_json(state_at("INOC", records(*events), date.fromisoformat(as_of)), "t")


def group(events: list, as_of: str, label: str) -> dict:
    found = [g for g in status(events, as_of)["groups"] if g["group"] == label]
    return (
        found[0]
        if found
        else {"group": label, "status": "below", "flags": [], "acquiring_person_intervals": []}
    )


def link(a: str, b: str, on: str, **kw: object) -> object:
    return ev("AffiliationFormed", on, person=a, affiliate=b, relation="control", **kw)


def test_linking_a_passive_holder_to_a_person_without_shares_is_no_acquisition() -> None:
    events = [*PASSIVE, link("A", "Z", "2003-04-01")]

    assert group(events, "2003-04-01", "A & Z")["status"] == "passive_crossing"


def test_linking_a_passive_holder_to_a_holder_with_shares_is_an_acquisition() -> None:
    events = [*PASSIVE, buy("Z", 10, "2003-02-01"), link("A", "Z", "2003-04-01")]

    assert group(events, "2003-04-01", "A & Z")["status"] == "acquiring_person"


def test_a_transfer_inside_a_passive_group_is_no_acquisition() -> None:
    events = [
        *BASE,
        link("A", "B", "2003-01-10"),
        buy("A", 100_000, "2003-02-01"),
        buy("B", 49_000, "2003-02-01"),
        ev("SharesRepurchased", "2003-03-01", shares=10_000),
        ev("SharesTransferred", "2003-04-01", from_holder="A", to_holder="B", shares=1_000),
    ]

    assert group(events, "2003-04-01", "A & B")["status"] == "passive_crossing"


def test_selling_and_buying_back_the_same_day_is_no_net_acquisition() -> None:
    events = [*PASSIVE, sell("A", 500, "2003-04-01"), buy("A", 500, "2003-04-01")]

    assert group(events, "2003-04-01", "A")["status"] == "passive_crossing"


def test_an_inadvertence_determination_leaves_a_passive_group_passive() -> None:
    events = [
        *PASSIVE,
        ev("InadvertenceDetermined", "2003-03-03", person="A", divest_by="2003-03-15"),
    ]

    assert group(events, "2003-03-31", "A")["status"] == "passive_crossing"


def test_a_determination_after_its_divest_by_date_has_no_effect() -> None:
    events = [
        *BASE,
        buy("A", 160_000, "2003-03-01"),
        ev("InadvertenceDetermined", "2003-03-20", person="A", divest_by="2003-03-15"),
    ]

    a = group(events, "2003-03-31", "A")

    assert a["acquiring_person_intervals"] == [{"from": "2003-03-01", "to": None}]


def test_a_distribution_date_once_reached_is_permanent() -> None:
    events = [
        *BASE,
        ev("TenderOfferCommenced", "2003-12-11", person="T", percent_sought="51"),
        ev("TenderOfferTerminated", "2003-12-31", person="T"),
        ev("TenderOfferCommenced", "2004-01-15", person="T", percent_sought="60"),
    ]

    assert status(events, "2004-02-28")["distribution_date"] == "2003-12-26"


def test_no_distribution_date_without_a_plan_in_force() -> None:
    before_adoption = [
        plan("2004-06-01"),
        outstanding("2003-01-02", 1_000_000),
        ev("TenderOfferCommenced", "2003-12-11", person="T", percent_sought="51"),
    ]
    expiring = [
        plan(expires_on="2003-12-15"),
        outstanding("2003-01-02", 1_000_000),
        buy("A", 160_000, "2003-12-01"),
        ev("HoldingReported", "2003-12-11", holder="A", shares=160_000),
    ]

    assert status(before_adoption, "2004-06-30")["distribution_date"] is None
    assert status(expiring, "2003-12-31")["distribution_date"] is None
    assert status(expiring, "2003-12-31")["stock_acquisition_date"] == "2003-12-11"


def test_an_exemption_naming_any_label_of_a_merged_group_applies() -> None:
    events = [
        *BASE,
        exemption("2003-01-05", "IPOF Group", "30"),
        link("X1", "X2", "2003-01-06", group="X Group"),
        link("Dadante", "IPOF Fund", "2003-01-07", group="IPOF Group"),
        buy("IPOF Fund", 200_000, "2003-02-01"),
        link("Dadante", "X1", "2003-03-01"),
    ]

    merged = group(events, "2003-03-01", "X Group")

    assert merged["members"] == ["Dadante", "IPOF Fund", "X1", "X2"]
    assert (merged["status"], merged["limit"]["basis"]) == ("exempt", "exemption")


def test_an_exemption_named_before_its_group_exists_leaves_no_phantom_group() -> None:
    events = [
        *BASE,
        exemption("2003-01-05", "IPOF Group", "25"),
        buy("IPOF Fund", 200_000, "2003-02-01"),
        link("Dadante", "IPOF Fund", "2003-03-01", group="IPOF Group"),
    ]

    labels = [g["group"] for g in status(events, "2003-03-01")["groups"]]

    assert labels == ["IPOF Group"]
    assert group(events, "2003-03-01", "IPOF Group")["shares"] == 200_000


def test_merged_ap_intervals_are_disjoint_and_follow_each_member() -> None:
    events = [
        *BASE,
        buy("A", 160_000, "2003-02-01"),
        buy("B", 60_000, "2003-02-01"),
        link("A", "B", "2003-04-01"),
        sell("A", 160_000, "2003-05-01"),
        ev("AffiliationEnded", "2003-06-01", person="A", affiliate="B"),
    ]

    assert group(events, "2003-04-01", "A & B")["acquiring_person_intervals"] == [
        {"from": "2003-02-01", "to": None}
    ]
    assert group(events, "2003-06-01", "B")["acquiring_person_intervals"] == [
        {"from": "2003-04-01", "to": "2003-05-01"}
    ]


def test_a_merge_of_two_aps_is_not_reported_as_a_new_status() -> None:
    events = [
        *BASE,
        buy("A", 160_000, "2003-02-01"),
        buy("B", 170_000, "2003-03-01"),
        link("A", "B", "2003-04-01"),
        sell("A", 160_000, "2003-05-01"),
        sell("B", 30_000, "2003-05-01"),
        ev("AffiliationEnded", "2003-06-01", person="A", affiliate="B"),
    ]

    changes = timeline(*events, until=date(2003, 12, 31))
    statuses = [(day, group, text) for day, group, kind, text, _ in changes if kind == "status"]

    assert statuses == [
        ("2003-02-01", "A", "below -> acquiring_person"),
        ("2003-03-01", "B", "below -> acquiring_person"),
        ("2003-05-01", "A & B", "acquiring_person -> below"),
    ]


def test_an_approval_by_percent_pushed_over_by_a_repurchase_is_passive() -> None:
    events = [
        *BASE,
        ev("BoardApprovalGranted", "2003-01-05", person="A", max_percent="20"),
        buy("A", 199_000, "2003-02-01"),
        ev("SharesRepurchased", "2003-03-01", shares=10_000),
    ]

    assert group(events, "2003-03-01", "A")["status"] == "passive_crossing"


def test_affiliating_with_an_exempt_person_is_no_escape_for_an_ap() -> None:
    events = [
        plan(exempt_persons=["ESOP"]),
        outstanding("2003-01-02", 1_000_000),
        buy("ESOP", 100_000, "2003-01-05"),
        buy("Raider", 400_000, "2003-02-01"),
        link("ESOP", "Raider", "2003-03-01"),
    ]

    assert group(events, "2003-03-01", "ESOP & Raider")["status"] == "acquiring_person"
    assert group(events, "2003-01-31", "ESOP")["status"] == "exempt"


def test_a_control_intent_counts_the_group_at_the_end_of_the_day() -> None:
    intent = ev("ControlIntentDeclared", "2003-03-01", person="X")
    joins = link("X", "Dadante", "2003-03-01")
    ipof = [
        *BASE,
        link("Dadante", "IPOF Fund", "2003-01-03", group="IPOF Group"),
        exemption("2003-01-05", "IPOF Group", "40", ends_on_control_intent=True),
        buy("IPOF Fund", 240_000, "2003-02-01"),
    ]

    assert group([*ipof, intent, joins], "2003-03-01", "IPOF Group")["status"] == "acquiring_person"
    assert group([*ipof, joins, intent], "2003-03-01", "IPOF Group")["status"] == "acquiring_person"


def test_a_stock_dividend_that_rounds_a_holder_onto_the_threshold_is_passive() -> None:
    events = [
        plan(),
        outstanding("2003-01-02", 1_000_134),
        buy("A", 150_020, "2003-02-01"),
        ev("StockSplit", "2003-03-01", numerator=21, denominator=20),
    ]

    a = group(events, "2003-03-01", "A")

    assert (a["percent"], a["status"]) == ("15.0000", "passive_crossing")


def test_a_second_redemption_changes_nothing() -> None:
    events = [*BASE, ev("RightsRedeemed", "2003-12-05"), ev("RightsRedeemed", "2003-12-20")]

    assert status(events, "2003-12-31")["plan"]["redeemed_on"] == "2003-12-05"


def test_a_redemption_before_adoption_has_no_effect() -> None:
    events = [
        plan("2003-06-01"),
        outstanding("2003-01-02", 1_000_000),
        ev("RightsRedeemed", "2003-03-01"),
    ]

    assert status(events, "2003-07-01")["plan"]["in_force"] is True


def test_an_expired_plan_is_not_revived_by_a_later_amendment() -> None:
    events = [
        plan(expires_on="2003-06-30"),
        outstanding("2003-01-02", 1_000_000),
        buy("A", 200_000, "2003-02-01"),
        ev(
            "RightsAgreementAmended",
            "2003-08-01",
            amendment="No. 9",
            changes=[{"change": "expiration", "expires_on": "2010-12-31"}],
        ),
    ]

    assert status(events, "2003-08-01")["plan"]["in_force"] is False


def test_a_new_plan_adopted_after_expiry_starts_afresh() -> None:
    events = [
        plan(expires_on="2003-06-30"),
        outstanding("2003-01-02", 1_000_000),
        buy("A", 100_000, "2003-02-01"),
        plan("2003-09-01", threshold="10", expires_on="2013-08-31", grandfathering=False),
    ]

    later = status(events, "2003-09-01")

    assert (later["plan"]["in_force"], later["plan"]["threshold"]) == (True, "10")
    assert later["groups"][0]["status"] == "acquiring_person"


def test_a_threshold_change_is_dated_in_the_timeline() -> None:
    events = [
        *BASE,
        buy("A", 170_000, "2003-02-01"),
        ev(
            "RightsAgreementAmended",
            "2003-03-01",
            amendment="No. 4",
            changes=[{"change": "threshold", "threshold": "20"}],
        ),
    ]

    changes = timeline(*events, until=date(2003, 3, 1))

    assert [(group, text) for day, group, _, text, _ in changes if day == "2003-03-01"] == [
        (None, "Amendment No. 4 takes effect: threshold at or above 20%"),
        ("A", "acquiring_person -> below"),
        ("A", "within the 20% threshold (at or above) (was above the 15% threshold (at or above))"),
    ]
