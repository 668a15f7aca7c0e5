"""Append validation through the fold, and corrections, on both backends."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from owl.ledger.errors import InvalidEvents
from owl.ledger.log import Pending
from owl.projections.application.api import Ledger
from tests.builders import at, buy, ev, outstanding, pending, plan, sell


@pytest.fixture
def ledger(db_url: str) -> Iterator[Ledger]:
    led = Ledger(db_url)
    led.init()
    led.append(
        [Pending(plan()), Pending(outstanding("2003-01-02", 1_000_000))], at("2026-01-01T00:00")
    )
    yield led
    led.close()


def lines(*events: object) -> list[Pending]:
    return [Pending(e, line=n, origin="feed.jsonl") for n, e in enumerate(events, 1)]  # type: ignore[arg-type]


def test_a_sale_larger_than_the_position_is_refused_naming_the_line(ledger: Ledger) -> None:
    ledger.append(lines(buy("A", 100, "2003-02-01")), at("2026-01-02T00:00"))

    with pytest.raises(InvalidEvents) as refused:
        ledger.append(
            lines(buy("B", 5, "2003-02-02"), sell("A", 101, "2003-02-03")), at("2026-01-03T00:00")
        )

    assert str(refused.value.problems[0]) == (
        "feed.jsonl:line 2: field 'shares': A holds 100 shares on 2003-02-03; cannot sell 101"
    )
    assert ledger.store.verify().rows == 3


def test_a_backdated_sale_that_makes_a_later_sale_impossible_is_refused(ledger: Ledger) -> None:
    later_sale = ev("SharesSold", "2003-03-01", holder="A", shares=100, event_id="s-9")
    ledger.append(lines(buy("A", 100, "2003-02-01"), later_sale), at("2026-01-02T00:00"))

    with pytest.raises(InvalidEvents) as refused:
        ledger.append(
            lines(buy("B", 1, "2003-02-10"), sell("A", 1, "2003-02-15")), at("2026-01-03T00:00")
        )

    assert [str(p) for p in refused.value.problems] == [
        "feed.jsonl:line 2: field 'shares': this would leave A with 99 shares on 2003-03-01, "
        "short of the 100 taken then by seq 4 (s-9), already in the log"
    ]
    assert ledger.store.verify().rows == 4


def test_a_sale_covered_by_a_purchase_in_the_same_batch_is_accepted(ledger: Ledger) -> None:
    result = ledger.append(
        lines(sell("A", 50, "2003-02-02"), buy("A", 50, "2003-02-01")), at("2026-01-02T00:00")
    )

    assert result.appended == 2


def test_voiding_the_purchase_behind_a_later_sale_is_refused(ledger: Ledger) -> None:
    ledger.append(
        lines(
            ev("SharesPurchased", "2003-02-01", holder="A", shares=100, event_id="p1"),
            sell("A", 100, "2003-03-01"),
        ),
        at("2026-01-02T00:00"),
    )

    with pytest.raises(InvalidEvents):
        ledger.append(
            lines(ev("EventVoided", "2003-02-01", voids="p1", reason="wrong holder")),
            at("2026-01-03T00:00"),
        )


def test_a_void_counts_from_its_recorded_at_and_earlier_views_still_see_the_event(
    ledger: Ledger,
) -> None:
    ledger.append(
        lines(ev("SharesPurchased", "2003-02-01", holder="A", shares=200_000, event_id="typo")),
        at("2026-01-02T00:00"),
    )
    ledger.append(
        lines(
            ev("EventVoided", "2003-02-01", voids="typo", reason="was 20,000"),
            buy("A", 20_000, "2003-02-01"),
        ),
        at("2026-02-01T00:00"),
    )

    before = ledger.status("INOC", "2003-06-30", known_at=at("2026-01-15T00:00"))
    after = ledger.status("INOC", "2003-06-30")

    assert [(g["group"], g["shares"], g["status"]) for g in before["groups"]] == [
        ("A", 200_000, "acquiring_person")
    ]
    assert after["groups"] == []
    assert ledger.ownership("INOC", "2003-06-30")["holders"] == [
        {"holder": "A", "shares": 20_000, "percent": "2.0000"}
    ]


def test_a_view_known_at_a_past_instant_ignores_later_backdated_events(ledger: Ledger) -> None:
    ledger.append(lines(buy("A", 100_000, "2003-02-01")), at("2026-01-02T00:00"))
    ledger.append(lines(buy("A", 60_000, "2003-01-15")), at("2026-03-01T00:00"))

    then = ledger.status("INOC", "2003-02-01", known_at=at("2026-02-01T00:00"))
    now = ledger.status("INOC", "2003-02-01")

    assert then["groups"][0]["status"] == "below"
    assert now["groups"][0]["status"] == "acquiring_person"
    assert now["groups"][0]["acquiring_person_intervals"] == [{"from": "2003-02-01", "to": None}]


def test_a_void_dated_after_the_query_date_still_removes_the_event(ledger: Ledger) -> None:
    ledger.append(
        lines(ev("SharesPurchased", "2003-02-01", holder="A", shares=200_000, event_id="typo")),
        at("2026-01-02T00:00"),
    )
    ledger.append(
        lines(ev("EventVoided", "2003-12-31", voids="typo", reason="wrong issuer")),
        at("2026-01-03T00:00"),
    )

    assert ledger.status("INOC", "2003-06-30")["groups"] == []


def test_a_repurchase_larger_than_the_shares_outstanding_is_refused(ledger: Ledger) -> None:
    with pytest.raises(InvalidEvents) as refused:
        ledger.append(
            lines(ev("SharesRepurchased", "2003-02-01", shares=1_000_001)), at("2026-01-02T00:00")
        )

    assert str(refused.value.problems[0]) == (
        "feed.jsonl:line 1: field 'shares': only 1,000,000 shares are outstanding on 2003-02-01; "
        "cannot repurchase 1,000,001"
    )


def test_the_python_api_takes_known_at_as_text(ledger: Ledger) -> None:
    ledger.append(lines(buy("A", 200_000, "2003-02-01")), at("2026-01-02T00:00"))

    as_text = ledger.status("INOC", "2003-06-30", known_at="2026-01-01")
    as_iso = ledger.status("INOC", "2003-06-30", known_at="2026-01-02T00:00:00Z")

    assert (as_text["groups"], as_text["known_at"]) == ([], "2026-01-01T23:59:59.999999Z")
    assert as_iso["groups"][0]["status"] == "acquiring_person"


def test_a_holding_in_the_name_of_a_group_label_is_refused(ledger: Ledger) -> None:
    link = ev(
        "AffiliationFormed",
        "2003-01-05",
        person="Dadante",
        affiliate="IPOF Fund",
        relation="general partner",
        group="IPOF Group",
    )

    with pytest.raises(InvalidEvents) as refused:
        ledger.append(lines(link, buy("IPOF Group", 10, "2003-02-01")), at("2026-01-02T00:00"))

    assert str(refused.value.problems[0]) == (
        "feed.jsonl:line 2: field 'holder': 'IPOF Group' is a group's label; holdings belong "
        "to its members (each share has one record holder)"
    )


def test_id_conflicts_are_capped_like_other_problems_with_their_count(ledger: Ledger) -> None:
    from owl.ledger.errors import DuplicateEventId

    first = [ev("SharesPurchased", "2003-01-02", holder="A", shares=1, event_id=f"c{i}")
             for i in range(30)]  # fmt: skip
    again = [ev("SharesPurchased", "2003-01-02", holder="A", shares=2, event_id=f"c{i}")
             for i in range(30)]  # fmt: skip
    ledger.append(pending(*first), recorded_at="2026-01-01T00:00:00Z")

    with pytest.raises(DuplicateEventId) as caught:
        ledger.append(pending(*again), recorded_at="2026-01-01T00:00:01Z")

    assert (len(caught.value.problems), caught.value.total) == (20, 30)
    assert str(caught.value).splitlines()[0] == "30 problems found; nothing was written"
    assert str(caught.value).splitlines()[-1] == "  ... and 10 more"
