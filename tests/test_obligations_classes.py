"""Every registered equity class (docs/obligations.md): Section 16 applies to each, Section 13(d)
to each voting one (Rule 13d-1(i)); a class's voting status is data (`SecurityClassReported`),
assumed (and said) when not on record. Through the Ledger on both backends."""

from __future__ import annotations

from typing import Any

from owl.ledger.log import Pending
from owl.projections.application.api import Ledger
from tests.builders import ev

CLASS_A = "Class A Common Stock"
CLASS_C = "Class C Capital Stock"


def events(security: str, *extra: Any) -> list[Pending]:
    return [
        Pending(e)
        for e in (
            ev("OutstandingReported", "2021-01-04", issuer="ZETA", shares=1_000_000,
               security=security),
            ev("SharesPurchased", "2021-03-01", issuer="ZETA", holder="A", shares=120_000,
               security=security),
            *extra,
        )
    ]  # fmt: skip


def kinds(ledger: Ledger) -> list[tuple[str, str | None, list[str]]]:
    body = ledger.obligations("ZETA", as_of="2021-12-30")
    return [(o["kind"], o["security"], o["notes"]) for o in body["obligations"]]


def test_a_class_a_holder_owes_its_13d_and_form_3_in_that_class(ledger: Ledger) -> None:
    ledger.append(events(CLASS_A))

    found = kinds(ledger)

    assert [(k, s) for k, s, _ in found] == [
        ("form_3", CLASS_A),
        ("schedule_13d", CLASS_A),
    ]
    (schedule,) = [notes for k, _, notes in found if k == "schedule_13d"]
    assert any("assumed to" in n for n in schedule)  # voting not on record


def test_a_non_voting_class_owes_section_16_filings_but_no_schedule_13d(ledger: Ledger) -> None:
    voting = ev("SecurityClassReported", "2021-01-04", issuer="ZETA", security=CLASS_C,
                voting=False)  # fmt: skip
    ledger.append(events(CLASS_C, voting))

    assert [(k, s) for k, s, _ in kinds(ledger)] == [("form_3", CLASS_C)]


def test_the_common_stock_alone_answers_as_before(ledger: Ledger) -> None:
    plain = [
        Pending(ev("OutstandingReported", "2021-01-04", issuer="ZETA", shares=1_000_000)),
        Pending(ev("SharesPurchased", "2021-03-01", issuer="ZETA", holder="A", shares=60_000)),
    ]
    ledger.append(plain)

    assert kinds(ledger) == [("schedule_13d", None, [])]
