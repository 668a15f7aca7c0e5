"""The readings docs/rules.md takes where a plan's text leaves a choice, each with a boundary on
both sides: grandfathering at adoption, the second limb of an exemption, removing an exemption by
the name it was granted to, a Stock Acquisition Date under an inadvertence determination, and a
tender offer counted with the shares the offeror already holds."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from owl.ledger.errors import InvalidEvents
from owl.ledger.log import Pending
from owl.projections.application.api import Ledger
from owl.projections.views.explain import explain
from owl.projections.views.report import status_json
from tests.builders import at, buy, ev, exemption, outstanding, plan, records, sell, timeline
from tests.oracle import state_at

COUNT = outstanding("2003-01-02", 1_000_000)


def status(events: list, as_of: str) -> dict:
    return status_json(state_at("INOC", records(*events), date.fromisoformat(as_of)), "t")


def group(events: list, as_of: str, label: str) -> dict:
    found = [g for g in status(events, as_of)["groups"] if g["group"] == label]
    return found[0] if found else {"group": label, "status": "below", "limit": None}


def said(events: list, kind: str = "plan") -> list[tuple[str, str]]:
    return [(day, text) for day, _, k, text, _ in timeline(*events) if k == kind]


# --- grandfathering ------------------------------------------------------------------------------

HELD_AT_ADOPTION = [COUNT, buy("A", 200_000, "2003-02-03"), plan("2003-06-02")]


def test_a_holder_over_the_threshold_at_adoption_is_grandfathered_by_default() -> None:
    a = group(HELD_AT_ADOPTION, "2003-06-02", "A")

    assert a["status"] == "exempt"
    assert a["limit"] == {
        "basis": "grandfathered",
        "percent": None,
        "shares": 200_000,
        "source_amendment": None,
        "test": "above",
    }
    assert a["headroom_shares"] == 0
    assert a["acquiring_person_intervals"] == []


def test_without_grandfathering_a_holder_over_the_threshold_is_an_ap_from_adoption() -> None:
    events = [COUNT, buy("A", 200_000, "2003-02-03"), plan("2003-06-02", grandfathering=False)]

    a = group(events, "2003-06-02", "A")

    assert a["status"] == "acquiring_person"
    assert a["limit"]["basis"] == "threshold"
    assert a["acquiring_person_intervals"] == [{"from": "2003-06-02", "to": None}]


@pytest.mark.parametrize(("bought", "expected"), [(0, "exempt"), (1, "acquiring_person")])
def test_a_grandfathered_holder_that_acquires_one_more_share_is_an_ap(
    bought: int, expected: str
) -> None:
    more = [buy("A", bought, "2003-07-01")] if bought else []

    a = group([*HELD_AT_ADOPTION, *more], "2003-07-01", "A")

    assert a["status"] == expected


@pytest.mark.parametrize(("held", "expected"), [(150_000, "exempt"), (149_999, "below")])
def test_only_a_holder_at_or_over_the_threshold_at_adoption_is_grandfathered(
    held: int, expected: str
) -> None:
    events = [COUNT, buy("A", held, "2003-02-03"), plan("2003-06-02"), buy("A", 1, "2003-07-01")]

    on_adoption = group(events, "2003-06-02", "A")
    after_buying = group(events, "2003-07-01", "A")

    assert on_adoption["status"] == expected
    # one more share is an acquisition either way: over its grandfathered cap, or onto 15%
    assert after_buying["status"] == "acquiring_person"


def test_a_grandfathered_holder_that_sells_may_not_buy_back() -> None:
    events = [*HELD_AT_ADOPTION, sell("A", 10_000, "2003-07-01"), buy("A", 1, "2003-07-02")]

    after_sale = group(events, "2003-07-01", "A")
    after_buying_back = group(events, "2003-07-02", "A")

    assert (after_sale["status"], after_sale["limit"]["shares"]) == ("exempt", 190_000)
    assert after_buying_back["status"] == "acquiring_person"


def test_a_grandfathered_holder_back_under_the_threshold_is_no_longer_spared() -> None:
    events = [*HELD_AT_ADOPTION, sell("A", 50_001, "2003-07-01"), buy("A", 1, "2003-07-02")]

    under = group(events, "2003-07-01", "A")
    at_threshold = group(events, "2003-07-02", "A")

    assert (under["status"], under["limit"]["basis"]) == ("below", "threshold")
    assert at_threshold["status"] == "acquiring_person"


def test_a_split_scales_the_grandfathered_cap_and_is_no_acquisition() -> None:
    events = [*HELD_AT_ADOPTION, ev("StockSplit", "2003-07-01", numerator=2, denominator=1)]

    a = group(events, "2003-07-01", "A")

    assert (a["status"], a["shares"], a["limit"]["shares"]) == ("exempt", 400_000, 400_000)


def test_explain_says_why_a_grandfathered_holder_is_exempt() -> None:
    rows = records(*HELD_AT_ADOPTION)

    said_rule = explain(state_at("INOC", rows, date(2003, 7, 1)), "A", [r.seq for r in rows])

    assert said_rule["rule"].endswith(
        "It was at or over the threshold when the plan was adopted (2003-06-02), so the plan "
        "grandfathers it unless it acquires any additional shares: its cap is what it held "
        "then, less what it has disposed of since (200,000 shares); 200,000 shares are not "
        "more than 200,000 shares, so it is exempt."
    )


def test_the_timeline_says_the_cap_was_grandfathered() -> None:
    events = [*HELD_AT_ADOPTION, buy("A", 1, "2003-07-01")]

    crossings = said(events, "crossing")

    assert crossings[-1] == ("2003-07-01", "above the grandfathered 200,000 shares")


# --- the second limb of an exemption -------------------------------------------------------------

IPOF = [
    plan(),
    COUNT,
    buy("IPOF Fund", 200_000, "2003-02-03"),
]


def limb(**marks: object) -> list:
    return [*IPOF, exemption("2003-02-01", "IPOF Fund", "25", **marks)]


def test_by_default_a_disposition_leaves_the_exemption_in_force() -> None:
    events = [*limb(ends_on_control_intent=True), sell("IPOF Fund", 1, "2003-03-03")]

    assert group(events, "2003-03-03", "IPOF Fund")["status"] == "exempt"


def test_read_literally_any_disposition_ends_the_exemption() -> None:
    events = [*limb(ends_on_disposition=True), sell("IPOF Fund", 1, "2003-03-03")]

    before = group(events, "2003-03-02", "IPOF Fund")
    after = group(events, "2003-03-03", "IPOF Fund")

    assert before["status"] == "exempt"
    assert (after["status"], after["limit"]["basis"]) == ("acquiring_person", "threshold")
    assert (
        "2003-03-03",
        "exemption of IPOF Fund (Amendment No. 2) lapses on a disposition of its shares",
    ) in said(events)


def test_a_sale_bought_back_the_same_day_is_no_disposition() -> None:
    events = [
        *limb(ends_on_disposition=True),
        sell("IPOF Fund", 1_000, "2003-03-03"),
        buy("IPOF Fund", 1_000, "2003-03-03"),
    ]

    assert group(events, "2003-03-03", "IPOF Fund")["status"] == "exempt"


@pytest.mark.parametrize(
    ("marks", "expected"),
    [
        ({"ends_on_control_intent": True}, "acquiring_person"),
        ({"ends_on_disposition": True}, "exempt"),
        ({"ends_on_control_intent": True, "ends_on_disposition": True}, "acquiring_person"),
    ],
)
def test_each_reading_ends_the_exemption_only_on_its_own_event(marks: dict, expected: str) -> None:
    events = [*limb(**marks), ev("ControlIntentDeclared", "2003-03-03", person="IPOF Fund")]

    assert group(events, "2003-03-03", "IPOF Fund")["status"] == expected


# --- removing an exemption by the name it was granted to ----------------------------------------

LINKED = [
    plan(),
    COUNT,
    buy("IPOF Fund", 200_000, "2003-02-03"),
    ev(
        "AffiliationFormed",
        "2003-02-03",
        person="David Dadante",
        affiliate="IPOF Fund",
        relation="general partner",
        group="IPOF Group",
    ),
    exemption("2003-02-03", "IPOF Group", "25"),
]


def removal(person: str, on: str = "2003-03-03") -> object:
    change = {"change": "remove_exemption", "person": person}
    return ev("RightsAgreementAmended", on, amendment="No. 4", changes=[change])


@pytest.fixture
def ledger(sqlite_url: str) -> Ledger:
    book = Ledger(sqlite_url)
    book.init()
    book.append([Pending(e) for e in LINKED], at("2026-01-01T00:00"))
    return book


def test_removing_an_exemption_by_a_members_name_is_refused_naming_the_grant(
    ledger: Ledger,
) -> None:
    with pytest.raises(InvalidEvents) as refused:
        ledger.append([Pending(removal("IPOF Fund"), line=1)], at("2026-01-02T00:00"))

    (problem,) = refused.value.problems
    assert (problem.line, problem.field) == (1, "changes")
    assert problem.reason == (
        "remove_exemption names 'IPOF Fund', but no exemption was granted to that name by "
        "2003-03-03; the exemption covering its group was granted to 'IPOF Group' (Amendment "
        "No. 2): remove it by the name it was granted to"
    )
    assert ledger.status("INOC", "2003-03-03")["groups"][0]["status"] == "exempt"


def test_removing_an_exemption_by_the_name_it_was_granted_to_ends_it(ledger: Ledger) -> None:
    ledger.append([Pending(removal("IPOF Group"))], at("2026-01-02T00:00"))

    before = ledger.status("INOC", "2003-03-02")["groups"][0]
    after = ledger.status("INOC", "2003-03-03")["groups"][0]

    assert (before["status"], after["status"]) == ("exempt", "acquiring_person")


def test_removing_what_no_one_was_granted_is_refused_listing_the_grants(ledger: Ledger) -> None:
    with pytest.raises(InvalidEvents) as refused:
        ledger.append([Pending(removal("Someone Else"))], at("2026-01-02T00:00"))

    assert refused.value.problems[0].reason.endswith("(exemptions in force: 'IPOF Group')")


def test_a_removal_dated_before_its_grant_is_refused(ledger: Ledger) -> None:
    with pytest.raises(InvalidEvents):
        ledger.append([Pending(removal("IPOF Group", on="2003-02-02"))], at("2026-01-02T00:00"))


def test_an_exempt_person_named_at_adoption_may_be_removed_by_its_name(sqlite_url: str) -> None:
    book = Ledger(sqlite_url)
    book.init()
    events = [plan(exempt_persons=["Founder"]), COUNT, buy("Founder", 300_000, "2003-02-03")]
    book.append([Pending(e) for e in [*events, removal("Founder")]], at("2026-01-01T00:00"))

    assert book.status("INOC", "2003-03-03")["groups"][0]["status"] == "acquiring_person"


# --- a Stock Acquisition Date and an inadvertence determination ---------------------------------

# A crosses on Mon 3 Mar 2003 and files a 13D on Tue 4 Mar: SAD 4 Mar, Distribution Date 14 Mar.
# The Board finds the crossing inadvertent on 6 Mar with a divest-by date of 31 Mar, after the
# Distribution Date the SAD would give.
CROSSED = [
    plan(),
    COUNT,
    buy("A", 160_000, "2003-03-03"),
    ev("HoldingReported", "2003-03-04", holder="A", shares=160_000, form="SC 13D"),
]
DETERMINED = [
    *CROSSED,
    ev("InadvertenceDetermined", "2003-03-06", person="A", divest_by="2003-03-31"),
]


def test_without_a_determination_the_sad_gives_its_distribution_date() -> None:
    view = status(CROSSED, "2003-03-31")

    assert (view["stock_acquisition_date"], view["distribution_date"]) == (
        "2003-03-04",
        "2003-03-14",
    )


def test_a_pending_determination_holds_back_the_distribution_date() -> None:
    view = status(DETERMINED, "2003-03-20")

    assert (view["stock_acquisition_date"], view["distribution_date"]) == (None, None)
    assert view["groups"][0]["status"] == "inadvertent_pending"


def test_a_crossing_cured_by_the_divest_by_date_never_had_a_sad() -> None:
    events = [*DETERMINED, sell("A", 10_001, "2003-03-31")]

    view = status(events, "2003-06-30")

    assert (view["stock_acquisition_date"], view["distribution_date"]) == (None, None)
    assert view["groups"][0]["acquiring_person_intervals"] == []
    assert said(events)[-2:] == [
        ("2003-03-06", "Stock Acquisition Date of 2003-03-04 (A) suspended: the Board found the "
         "crossing inadvertent"),
        ("2003-03-31", "Stock Acquisition Date of 2003-03-04 (A) withdrawn: the crossing was "
         "cured, so no Acquiring Person was announced"),
    ]  # fmt: skip


def test_a_crossing_not_cured_makes_the_sad_the_day_it_becomes_an_ap() -> None:
    events = [*DETERMINED, sell("A", 10_001, "2003-04-02")]

    view = status(events, "2003-06-30")

    assert view["stock_acquisition_date"] == "2003-04-01"
    assert view["distribution_date"] == "2003-04-11"
    assert view["groups"][0]["acquiring_person_intervals"] == [
        {"from": "2003-04-01", "to": "2003-04-02"}
    ]


def test_a_distribution_date_reached_before_the_determination_stays() -> None:
    events = [
        *CROSSED,
        ev("InadvertenceDetermined", "2003-03-17", person="A", divest_by="2003-03-31"),
        sell("A", 10_001, "2003-03-20"),
    ]

    view = status(events, "2003-06-30")

    assert (view["stock_acquisition_date"], view["distribution_date"]) == (
        "2003-03-04",
        "2003-03-14",
    )


# --- a tender offer counts the shares the offeror holds ------------------------------------------


@pytest.mark.parametrize(("sought", "dd"), [("5", "2003-12-26"), ("4.9", None)])
def test_a_tender_offer_counts_the_shares_the_offeror_already_holds(
    sought: str, dd: str | None
) -> None:
    events = [
        plan(expires_on="2007-12-31"),
        COUNT,
        buy("T", 100_000, "2003-06-02"),
        ev("TenderOfferCommenced", "2003-12-11", person="T", percent_sought=sought),
    ]

    assert status(events, "2003-12-31")["distribution_date"] == dd


def test_a_tender_offer_counts_what_the_offeror_holds_at_the_end_of_its_date() -> None:
    events = [
        plan(expires_on="2007-12-31"),
        COUNT,
        ev("TenderOfferCommenced", "2003-12-11", person="T", percent_sought="5"),
        buy("T", 100_000, "2003-12-11"),
    ]

    assert status(events, "2003-12-31")["distribution_date"] == "2003-12-26"


def test_the_rules_page_states_each_reading() -> None:
    text = (Path(__file__).resolve().parent.parent / "docs" / "rules.md").read_text()
    rules = " ".join(text.split())

    for words in (
        "Grandfathering",
        "ceases to hold any of the common stock which it beneficially owns",
        "remove_exemption",
        "for any purposes of this Agreement",
        "would result in",
    ):
        assert words in rules
