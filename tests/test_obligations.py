"""Securities-law obligations found from the record (docs/obligations.md), each rule with its
boundary: Schedule 13D before and after 5 February 2024, amendments on a 1% change, a 13G filer's
control intent, Forms 3 and 4, deadlines that roll past weekends and observed federal holidays,
and what the ledger cannot know."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from owl.projections.domain.calendar import BANK, SEC
from owl.projections.domain.obligations import concerning, from_records
from owl.projections.views.obligations import obligations_json
from tests.builders import buy, ev, outstanding, records, sell
from tests.oracle import voided_seqs

COUNT = outstanding("2020-01-02", 1_000_000)


def owed(*events: Any, as_of: str = "2026-06-30", person: str | None = None) -> dict:
    rows = records(COUNT, *events)
    day = date.fromisoformat(as_of)
    found = from_records("INOC", rows, voided_seqs(rows), day)
    if person is not None:
        found = concerning(found, person)
    return obligations_json(found, "INOC", day, "t", person, {r.seq: r for r in rows})


def lines(body: dict, kind: str | None = None) -> list[tuple]:
    """(form, group, arose, due, status, days late, filing filed on) per obligation."""
    return [
        (
            o["form"],
            o["group"],
            o["arose_on"],
            o["due"],
            o["status"],
            o["days_late"],
            o["filing"]["filed_on"] if o["filing"] else None,
        )
        for o in body["obligations"]
        if kind is None or o["kind"] == kind
    ]


def filed(form: str, on: str, holder: str = "A", shares: int = 0, **kw: Any) -> Any:
    return ev("HoldingReported", on, holder=holder, shares=shares, form=form, **kw)


# --- the SEC's calendar ---------------------------------------------------------------------------


def test_a_saturday_holiday_closes_the_sec_on_the_friday_but_not_the_federal_reserve() -> None:
    christmas_eve_2021 = date(2021, 12, 24)  # Christmas Day 2021 fell on a Saturday

    assert SEC.is_business_day(christmas_eve_2021) is False
    assert BANK.is_business_day(christmas_eve_2021) is True
    assert SEC.add_days(date(2021, 12, 22), 2, "business") == date(2021, 12, 27)


@pytest.mark.parametrize(
    ("closed", "why"),
    [
        ("2018-12-05", "national day of mourning, President George H. W. Bush"),
        ("2018-12-24", "Christmas Eve, executive order"),
        ("2019-12-24", "Christmas Eve, executive order"),
        ("2020-12-24", "Christmas Eve, executive order"),
        ("2024-12-24", "Christmas Eve, executive order"),
        ("2025-01-09", "national day of mourning, President Jimmy Carter"),
        ("2025-12-24", "Christmas Eve, executive order"),
        ("2025-12-26", "the day after Christmas, executive order"),
    ],
)
def test_a_day_the_government_was_closed_by_executive_order_is_no_sec_business_day(
    closed: str, why: str
) -> None:
    day = date.fromisoformat(closed)

    assert SEC.is_business_day(day) is False, why
    assert BANK.is_business_day(day) is True  # the Federal Reserve (and the plan's clock) worked


@pytest.mark.parametrize("half_day", ["2009-12-24", "2015-12-24"])
def test_a_half_day_closing_is_still_an_sec_business_day(half_day: str) -> None:
    assert SEC.is_business_day(date.fromisoformat(half_day)) is True


def test_a_13d_due_across_the_carter_day_of_mourning_is_met_on_the_sixth_weekday() -> None:
    # Crossed Monday 6 January 2025; five SEC business days skip Thursday 9 January.
    body = owed(buy("A", 60_000, "2025-01-06"), filed("SC 13D", "2025-01-14", shares=60_000))

    (row,) = lines(body, "schedule_13d")
    assert row == ("Schedule 13D", "A", "2025-01-06", "2025-01-14", "met", None, "2025-01-14")


def test_a_form_4_due_across_christmas_eve_2020_is_met_on_the_monday() -> None:
    # Bought Tuesday 22 December 2020; two SEC business days: Wednesday 23 and Monday 28.
    body = owed(
        buy("A", 110_000, "2020-06-01"),
        filed("3", "2020-06-05", shares=110_000),
        buy("A", 1_000, "2020-12-22"),
        filed("4", "2020-12-28", shares=111_000),
    )

    assert [r[3:6] for r in lines(body, "form_4")] == [("2020-12-28", "met", None)]


# --- Schedule 13D ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("shares", "count"), [(50_000, 0), (50_001, 1)])
def test_only_more_than_5_percent_owes_a_schedule_13d(shares: int, count: int) -> None:
    body = owed(buy("A", shares, "2021-06-01"))

    assert len(lines(body, "schedule_13d")) == count


@pytest.mark.parametrize(
    ("filing", "as_of", "status", "late"),
    [
        ("2021-12-27", "2022-01-31", "met", None),
        ("2021-12-28", "2022-01-31", "late", 1),
        (None, "2021-12-27", "pending", None),
        (None, "2021-12-28", "missing", None),
    ],
)
def test_before_2024_a_13d_is_due_ten_days_on_rolled_past_the_observed_christmas(
    filing: str | None, as_of: str, status: str, late: int | None
) -> None:
    events = [buy("A", 60_000, "2021-12-14")]  # ten days on is Fri 24 Dec 2021: the SEC is shut
    if filing:
        events.append(filed("SC 13D", filing, shares=60_000))

    body = owed(*events, as_of=as_of)

    (row,) = lines(body, "schedule_13d")
    assert row == ("Schedule 13D", "A", "2021-12-14", "2021-12-27", status, late, filing)
    assert body["obligations"][0]["cause"]["type"] == "SharesPurchased"


@pytest.mark.parametrize(
    ("crossed", "due"),
    [
        ("2024-02-04", "2024-02-14"),  # a Sunday, the day before the new rule: 10 days
        ("2024-02-05", "2024-02-12"),  # 5 SEC business days
        ("2024-02-15", "2024-02-23"),  # 5 SEC business days, past Presidents' Day (19 Feb)
        ("2024-03-02", "2024-03-08"),  # a crossing on a Saturday
    ],
)
def test_from_5_february_2024_a_13d_is_due_five_sec_business_days_on(
    crossed: str, due: str
) -> None:
    body = owed(buy("A", 60_000, crossed))

    assert lines(body, "schedule_13d") == [
        ("Schedule 13D", "A", crossed, due, "missing", None, None)
    ]


def test_a_timely_13g_meets_it_but_not_after_a_control_intent() -> None:
    passive = [buy("A", 60_000, "2024-03-04"), filed("SC 13G", "2024-03-08", shares=60_000)]
    intent_first = [
        buy("A", 60_000, "2024-03-04"),
        ev("ControlIntentDeclared", "2024-03-05", person="A"),
        filed("SC 13G", "2024-03-08", shares=60_000),
    ]

    assert lines(owed(*passive), "schedule_13d")[0][4] == "met"
    assert lines(owed(*intent_first), "schedule_13d")[0][4] == "missing"


def test_a_crossing_through_a_fall_in_shares_outstanding_owes_nothing_until_it_acquires() -> None:
    events = [
        buy("A", 48_000, "2021-06-01"),
        ev("SharesRepurchased", "2021-07-01", shares=50_000),  # not yet reported: 4.8% relied on
        outstanding("2021-08-02", 950_000),  # reported: 48,000 of 950,000 is 5.05%
    ]
    acquired = [*events, buy("A", 1, "2021-09-01")]
    fell_back = [*events, outstanding("2021-11-01", 1_000_000)]

    passive = owed(*events, as_of="2021-12-30")
    later = owed(*acquired)

    assert passive["obligations"] == []
    assert [n["date"] for n in passive["not_owed"]] == ["2021-08-02"]
    assert lines(later, "schedule_13d") == [
        ("Schedule 13D", "A", "2021-09-01", "2021-09-13", "missing", None, None)
    ]
    assert later["obligations"][0]["notes"] == [
        "over 5% since 2021-08-02 only through a fall in shares outstanding; owed from this "
        "acquisition"
    ]
    assert owed(*fell_back)["obligations"] == []  # at 5% or below at the year's end


def test_an_unreported_buyback_owes_nothing_and_a_reported_one_owes_an_exempt_13g() -> None:
    events = [
        buy("A", 48_000, "2021-06-01"),
        ev("SharesRepurchased", "2021-07-01", shares=50_000),
    ]

    relied = owed(*events, as_of="2022-06-30")  # Rule 13d-1(j): the reported 1,000,000 counts
    reported = owed(*events, outstanding("2021-08-02", 950_000), as_of="2022-06-30")

    assert relied["obligations"] == [] and relied["not_owed"] == []
    (o,) = reported["obligations"]
    assert (o["form"], o["rule"], o["arose_on"], o["due"], o["status"]) == (
        "Schedule 13G", "Rule 13d-1(d)", "2021-08-02", "2022-02-14", "missing",
    )  # fmt: skip


@pytest.mark.parametrize(
    "same_day",
    [
        [],
        [buy("B", 10, "2024-03-02")],  # another holder's trade is not the cause
        [ev("SharesIssued", "2024-03-02", shares=1)],  # nor a company issuance
    ],
)
def test_a_right_becoming_exercisable_within_60_days_crosses_on_a_date_with_no_event(
    same_day: list,
) -> None:
    right = ev(
        "DerivativeAcquired",
        "2024-01-02",
        holder="A",
        instrument="Warrant",
        quantity=60_000,
        underlying_shares=60_000,
        exercisable_from="2024-05-01",
    )

    body = owed(right, *same_day)

    (o,) = body["obligations"]
    assert (o["arose_on"], o["cause"], o["due"]) == ("2024-03-02", None, "2024-03-08")
    assert o["holding"]["shares"] == 60_000


# --- amendments --------------------------------------------------------------------------------

ON_FILE = [buy("A", 60_000, "2021-01-04"), filed("SC 13D", "2021-01-05", shares=60_000)]


@pytest.mark.parametrize(("more", "count"), [(9_999, 0), (10_000, 1)])
def test_an_amendment_is_owed_for_a_change_of_one_percent_of_the_class(
    more: int, count: int
) -> None:
    body = owed(*ON_FILE, buy("A", more, "2021-03-01"))

    assert len(lines(body, "schedule_13d_amendment")) == count


def test_before_2024_an_amendment_is_owed_promptly_with_no_date() -> None:
    change = [*ON_FILE, buy("A", 10_000, "2021-03-01")]

    unfiled = owed(*change)
    amended = owed(*change, filed("SC 13D/A", "2021-03-10", shares=70_000))

    assert lines(unfiled, "schedule_13d_amendment") == [
        ("Schedule 13D amendment", "A", "2021-03-01", None, "owed", None, None)
    ]
    assert lines(amended, "schedule_13d_amendment")[0][4:] == ("filed", None, "2021-03-10")
    assert amended["obligations"][1]["since"] == {"date": "2021-01-05", "shares": 60_000}


def test_from_2024_an_amendment_is_due_two_sec_business_days_on() -> None:
    events = [
        buy("A", 60_000, "2024-06-03"),
        filed("SC 13D", "2024-06-05", shares=60_000),
        sell("A", 10_000, "2024-07-03"),  # two business days on, past the 4th of July
        filed("SC 13D/A", "2024-07-09", shares=50_000),
    ]

    body = owed(*events)

    assert lines(body, "schedule_13d_amendment") == [
        ("Schedule 13D amendment", "A", "2024-07-03", "2024-07-08", "late", 1, "2024-07-09")
    ]


def test_a_change_in_shares_outstanding_alone_is_no_material_change() -> None:
    events = [*ON_FILE, ev("SharesRepurchased", "2021-03-01", shares=100_000)]

    assert lines(owed(*events), "schedule_13d_amendment") == []


# --- a 13G filer's control intent ---------------------------------------------------------------


def test_a_13g_filer_declaring_a_control_intent_owes_a_13d_and_may_not_acquire() -> None:
    events = [
        buy("A", 60_000, "2024-02-20"),
        filed("SC 13G", "2024-02-23", shares=60_000),
        ev("ControlIntentDeclared", "2024-03-01", person="A"),
        buy("A", 1_000, "2024-03-05"),  # in the cooling-off period
        filed("SC 13D", "2024-03-07", shares=61_000),
        buy("A", 1_000, "2024-03-18"),  # ten days after the 13D: free again
    ]

    body = owed(*events)

    assert lines(body, "schedule_13d_after_13g") == [
        ("Schedule 13D (a 13G filer's control intent)", "A", "2024-03-01", "2024-03-08", "met",
         None, "2024-03-07")
    ]  # fmt: skip
    (o,) = [o for o in body["obligations"] if o["kind"] == "schedule_13d_after_13g"]
    assert o["cooling_off"]["until"] == "2024-03-17"
    assert [a["date"] for a in o["cooling_off"]["acquisitions"]] == ["2024-03-05"]


# --- Section 16 ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("shares", "count"), [(100_000, 0), (100_001, 1)])
def test_exactly_ten_percent_is_no_10_percent_owner(shares: int, count: int) -> None:
    body = owed(buy("A", shares, "2021-06-01"))

    assert len(lines(body, "form_3")) == count


def test_a_form_3_is_due_ten_days_after_becoming_a_10_percent_owner() -> None:
    events = [
        buy("A", 100_001, "2021-06-11"),
        filed("3", "2021-06-21", shares=100_001, public=False),
    ]

    assert lines(owed(*events), "form_3") == [
        ("Form 3", "A", "2021-06-11", "2021-06-21", "met", None, "2021-06-21")
    ]


def test_a_form_4_is_owed_for_each_trade_after_the_one_that_made_a_10_percent_owner() -> None:
    events = [
        buy("A", 100_001, "2021-12-20"),  # makes A a 10% owner: no Form 4
        buy("A", 5_000, "2021-12-20"),  # the same date: date-granular, none either
        buy("A", 1_000, "2021-12-23"),  # due Tue 28 Dec: Fri 24 Dec is the observed Christmas
        sell("A", 10_000, "2022-01-04"),  # takes it to 10% or below: owed
        sell("A", 1, "2022-01-05"),  # no longer a 10% owner: none
        filed("4", "2021-12-28", shares=106_001, public=False),
    ]

    body = owed(*events)

    assert lines(body, "form_4") == [
        ("Form 4", "A", "2021-12-23", "2021-12-28", "met", None, "2021-12-28"),
        ("Form 4", "A", "2022-01-04", "2022-01-06", "missing", None, None),
    ]


# --- what the ledger cannot know --------------------------------------------------------------


def test_a_holding_first_known_from_a_report_invents_no_obligation() -> None:
    opening = ev("HoldingReported", "2021-06-01", holder="A", shares=200_000, opening=True,
                 form="4", public=False)  # fmt: skip

    body = owed(opening, buy("A", 1_000, "2021-06-07"))

    assert lines(body, "schedule_13d") == lines(body, "form_3") == []
    (unknown,) = body["cannot_know"]
    assert (unknown["kind"], unknown["owed"]) == (
        "crossed_before_first_record",
        ["Schedule 13D", "Form 3"],
    )
    # what it does know: A was a 10% owner when it bought on 7 June
    assert lines(body, "form_4") == [
        ("Form 4", "A", "2021-06-07", "2021-06-09", "missing", None, None)
    ]


def test_only_what_concerns_the_person_asked_about() -> None:
    events = [buy("A", 60_000, "2021-06-01"), buy("B", 60_000, "2021-06-02")]

    body = owed(*events)
    rows = owed(*events, person="B")

    assert {o["group"] for o in body["obligations"]} == {"A", "B"}
    assert {o["group"] for o in rows["obligations"]} == {"B"}


def test_a_form_3_on_record_before_the_first_crossing_meets_it() -> None:
    events = [
        filed("3", "2021-01-15", public=False),  # an officer's Form 3, holding nothing
        buy("A", 100_001, "2021-06-11"),
    ]

    body = owed(*events)

    assert lines(body, "form_3")[0][4:] == ("met", None, "2021-01-15")
    assert body["obligations"][0]["notes"] == [
        "a Form 3 filed before the crossing: already reporting under Section 16"
    ]


def test_a_form_5_reporting_a_trade_owed_on_form_4_is_late() -> None:
    events = [
        buy("A", 100_001, "2021-06-01"),
        buy("A", 1_000, "2021-06-15"),
        filed("5", "2022-02-14", shares=101_001, public=False),
    ]

    assert lines(owed(*events), "form_4") == [
        ("Form 4", "A", "2021-06-15", "2021-06-17", "late", 242, "2022-02-14")
    ]


def test_one_amendment_filed_after_two_changes_meets_both() -> None:
    events = [
        buy("A", 60_000, "2024-06-03"),
        filed("SC 13D", "2024-06-05", shares=60_000),
        buy("A", 10_000, "2024-06-10"),
        buy("A", 10_000, "2024-06-11"),
        filed("SC 13D/A", "2024-06-12", shares=80_000),
    ]

    assert [row[2:5] for row in lines(owed(*events), "schedule_13d_amendment")] == [
        ("2024-06-10", "2024-06-12", "met"),
        ("2024-06-11", "2024-06-13", "met"),
    ]


def test_a_group_formed_by_a_link_owes_one_schedule_13d_met_by_any_member() -> None:
    link = ev("AffiliationFormed", "2021-06-01", person="B", affiliate="C", relation="control",
              group="BC Group")  # fmt: skip
    events = [
        buy("B", 40_000, "2021-05-03"),
        buy("C", 20_000, "2021-05-04"),
        link,
        filed("SC 13D", "2021-06-08", holder="C", shares=20_000),
    ]

    body = owed(*events)

    assert lines(body) == [
        ("Schedule 13D", "BC Group", "2021-06-01", "2021-06-11", "met", None, "2021-06-08")
    ]
    assert body["obligations"][0]["members"] == ["B", "C"]
    assert body["obligations"][0]["cause"]["type"] == "AffiliationFormed"


def test_falling_to_5_percent_ends_the_amendments_and_a_new_crossing_owes_a_new_13d() -> None:
    events = [
        *ON_FILE,  # 60,000 (6%) on file since 5 Jan 2021
        sell("A", 10_000, "2021-03-01"),  # 5%: a 1% disposition, an amendment
        buy("A", 10_000, "2021-05-03"),  # above 5% again: a new Schedule 13D, no amendment
    ]

    body = owed(*events)

    assert [(o["form"], o["arose_on"]) for o in body["obligations"]] == [
        ("Schedule 13D", "2021-01-04"),
        ("Schedule 13D amendment", "2021-03-01"),
        ("Schedule 13D", "2021-05-03"),
    ]


# --- Section 16: each insider's own duty -------------------------------------------------------


def group_of_two(**link: object) -> list:
    return [
        buy("B", 60_000, "2021-05-03"),
        buy("C", 50_000, "2021-05-04"),
        ev("AffiliationFormed", "2021-06-01", person="B", affiliate="C", relation="control",
           group="BC Group", **link),
    ]  # fmt: skip


def test_each_member_of_a_group_over_10_percent_owes_its_own_form_3() -> None:
    events = [*group_of_two(), filed("3", "2021-06-08", holder="B", shares=60_000, public=False)]

    rows = lines(owed(*events), "form_3")

    assert rows == [
        ("Form 3", "B", "2021-06-01", "2021-06-11", "met", None, "2021-06-08"),
        ("Form 3", "C", "2021-06-01", "2021-06-11", "missing", None, None),
    ]


def test_one_members_form_4_does_not_meet_anothers() -> None:
    events = [
        *group_of_two(),
        buy("C", 1_000, "2021-06-15"),
        filed("4", "2021-06-16", holder="B", shares=60_000, public=False),
    ]

    assert [r[4:] for r in lines(owed(*events), "form_4")] == [("missing", None, None)]


def test_a_joint_filing_meets_each_reporting_owners_form_4() -> None:
    joint = [
        ev("PersonIdentified", "2021-06-16", person="B", cik="1", filing={"form": "4",
           "accession": "0000000001-21-000001", "filed_on": "2021-06-16"}),
        ev("PersonIdentified", "2021-06-16", person="C", cik="2", filing={"form": "4",
           "accession": "0000000001-21-000001", "filed_on": "2021-06-16"}),
    ]  # fmt: skip
    events = [*group_of_two(), buy("C", 1_000, "2021-06-15"), *joint]

    assert [r[4:] for r in lines(owed(*events), "form_4")] == [("met", None, "2021-06-16")]


# --- Schedule 13G filers: the 13G's own deadlines ------------------------------------------------


def filed_13g(on: str, rule: str, shares: int = 60_000) -> Any:
    return filed(
        "SC 13G", on, shares=shares, filing={"form": "SC 13G", "filed_on": on, "rule": rule}
    )


@pytest.mark.parametrize(
    ("crossed", "rule", "filing", "due", "status"),
    [
        # a qualified institution, before 30 September 2024: 45 days after the year's end
        ("2021-03-01", "13d-1(b)", "2022-02-10", "2022-02-14", "met"),
        ("2021-03-01", "13d-1(b)", "2022-02-15", "2022-02-14", "late"),
        # an exempt investor: the same
        ("2021-03-01", "13d-1(d)", "2022-02-14", "2022-02-14", "met"),
        # from 30 September 2024: 45 days after the quarter's end
        ("2024-10-15", "13d-1(b)", "2025-02-14", "2025-02-14", "met"),
        # a passive investor: 10 days, then 5 SEC business days
        ("2021-03-01", "13d-1(c)", "2021-03-11", "2021-03-11", "met"),
        ("2024-10-15", "13d-1(c)", "2024-10-22", "2024-10-22", "met"),
    ],
)
def test_a_13g_filer_is_held_to_the_13gs_own_deadline(
    crossed: str, rule: str, filing: str, due: str, status: str
) -> None:
    body = owed(buy("A", 60_000, crossed), filed_13g(filing, rule), as_of="2026-06-30")

    (row,) = lines(body, "schedule_13g")
    assert (row[0], row[3], row[4], row[6]) == ("Schedule 13G", due, status, filing)
    assert body["obligations"][0]["deadline"].endswith(f"(Rule {rule})")


def test_a_director_owes_a_form_4_for_every_transaction_even_below_10_percent() -> None:
    director = ev("PersonIdentified", "2021-06-01", person="D", cik="7", director=True)
    events = [
        director,
        buy("D", 1_000, "2021-06-01"),  # a director's first purchase: owed (16a-2(c) is not his)
        buy("D", 500, "2021-06-15"),
        buy("E", 1_000, "2021-06-15"),  # no insider, far below 10%: nothing
        filed("4", "2021-06-03", holder="D", shares=1_000, public=False),
    ]

    rows = lines(owed(*events), "form_4")

    assert rows == [
        ("Form 4", "D", "2021-06-01", "2021-06-03", "met", None, "2021-06-03"),
        ("Form 4", "D", "2021-06-15", "2021-06-17", "missing", None, None),
    ]


def test_an_officer_is_read_from_the_filing_that_names_him_so() -> None:
    officer = ev(
        "PersonIdentified", "2021-06-01", person="O", cik="8", officer="Chief Financial Officer"
    )

    rows = lines(owed(officer, sell("O", 10, "2021-06-02"), buy("O", 100, "2021-05-01")), "form_4")

    assert [(r[1], r[2]) for r in rows] == [("O", "2021-06-02")]


def test_a_group_formed_by_a_holder_already_over_5_percent_owes_its_13d_on_forming() -> None:
    link = ev("AffiliationFormed", "2021-06-01", person="B", affiliate="C", relation="control",
              group="BC Group")  # fmt: skip
    events = [
        buy("B", 60_000, "2021-05-03"),
        filed("SC 13D", "2021-05-10", holder="B", shares=60_000),  # B's own, before the group
        buy("C", 20_000, "2021-05-04"),
        link,  # B and C now hold 80,000 (8%) together: Rule 13d-5(b)(1)
        buy("B", 5_000, "2021-06-20"),  # 0.5% more since forming: not material
        filed("SC 13D", "2021-06-09", holder="C", shares=80_000),
    ]

    body = owed(*events)

    assert lines(body) == [
        ("Schedule 13D", "B", "2021-05-03", "2021-05-13", "met", None, "2021-05-10"),
        ("Schedule 13D", "BC Group", "2021-06-01", "2021-06-11", "met", None, "2021-06-09"),
    ]
    (formed,) = [o for o in body["obligations"] if o["group"] == "BC Group"]
    assert formed["notes"][-1].endswith("(Rule 13d-5(b)(1))")


def test_a_director_owes_a_form_3_within_10_days_of_becoming_one() -> None:
    form_3 = {"form": "3", "accession": "0000000009-21-000001", "filed_on": "2021-06-20"}
    became = ev("PersonIdentified", "2021-06-01", person="D", cik="9", director=True, filing=form_3)

    body = owed(became, buy("D", 100, "2021-05-01"))

    assert lines(body, "form_3") == [
        ("Form 3", "D", "2021-06-01", "2021-06-11", "late", 9, "2021-06-20")
    ]
    (o,) = [o for o in body["obligations"] if o["kind"] == "form_3"]
    assert o["trigger"] == "became a director of the issuer"


def test_an_officer_first_named_by_a_form_4_owes_a_form_3_the_ledger_cannot_date() -> None:
    officer = ev("PersonIdentified", "2021-06-02", person="O", cik="8", officer="CFO",
                 filing={"form": "4", "filed_on": "2021-06-03"})  # fmt: skip

    body = owed(officer, sell("O", 10, "2021-06-02"), buy("O", 100, "2021-05-01"))

    assert lines(body, "form_3") == []  # no date invented
    (unknown,) = body["cannot_know"]
    assert (unknown["kind"], unknown["group"], unknown["owed"]) == (
        "insider_unknown_since", "O", ["Form 3"],
    )  # fmt: skip
    assert "first by a Form 4" in unknown["text"]


def test_a_right_acquired_with_a_control_purpose_counts_at_once() -> None:
    option = ev("DerivativeAcquired", "2021-03-01", holder="A", instrument="Stock Option",
                quantity=20_000, underlying_shares=20_000,
                exercisable_from="2022-06-01")  # fmt: skip
    base = [buy("A", 40_000, "2021-01-04"), option]

    passive = owed(*base, as_of="2022-12-30")
    control = owed(ev("ControlIntentDeclared", "2021-02-01", person="A"), *base,
                   as_of="2022-12-30")  # fmt: skip

    # 60,000 of 1,020,000 (5.88%): at once with a control purpose (Rule 13d-3(d)(1)(i)'s
    # proviso), else only 60 days before it becomes exercisable
    assert [r[2] for r in lines(passive, "schedule_13d")] == ["2022-04-02"]
    assert [r[2:4] for r in lines(control, "schedule_13d")] == [("2021-03-01", "2021-03-11")]
