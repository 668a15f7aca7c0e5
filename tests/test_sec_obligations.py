"""Obligations met by real filings imported from EDGAR (tests/data/sec), on SQLite and PostgreSQL:
a Form 4 row meets the Form 4 its own transaction owed, on the filing date its submission
states; a Schedule 13D's group filing meets the Schedule 13D a member's crossing owed."""

from __future__ import annotations

from pathlib import Path

import pytest

from owl.ledger.errors import InvalidEvents
from owl.ledger.log import Pending
from owl.projections.application.api import Ledger
from tests.builders import at, ev

DATA = Path(__file__).parent / "data" / "sec"


def test_an_imported_form_4_meets_the_form_4_its_sale_owed(ledger: Ledger) -> None:
    # AAR's Form 4 (accession 0001127602-25-001055, filed 2025-01-10): a sale of 1,500 shares by
    # Jessica A. Garascia, who held 39,065. On a count of 300,000 shares she is a 10% owner.
    history = [
        ev("OutstandingReported", "2024-12-02", issuer="AIR", shares=300_000),
        ev("SharesPurchased", "2024-12-02", issuer="AIR", holder="Garascia Jessica A.",
           shares=39_065),
    ]  # fmt: skip
    ledger.append([Pending(e) for e in history], at("2026-11-01T00:00"))
    ledger.ingest(str(DATA / "0001127602-25-001055.txt"), recorded_at="2026-11-01T00:00:01Z")

    body = ledger.obligations("AIR", as_of="2025-03-31")

    by_kind = {o["kind"]: o for o in body["obligations"]}
    assert sorted(by_kind) == ["form_3", "form_4", "schedule_13d"]
    form_3, form_4 = by_kind["form_3"], by_kind["form_4"]
    assert (form_3["form"], form_3["due"], form_3["status"]) == ("Form 3", "2024-12-12", "missing")
    assert (form_4["form"], form_4["arose_on"], form_4["due"]) == (
        "Form 4",
        "2025-01-10",
        "2025-01-14",
    )
    assert form_4["cause"]["type"] == "SharesSold"
    assert form_4["status"] == "met"
    assert form_4["filing"] == {
        "form": "4",
        "filed_on": "2025-01-10",
        "filed_on_stated": True,
        "accession": "0001127602-25-001055",
        "event": form_4["filing"]["event"],
    }


def test_a_schedule_13d_of_the_group_meets_its_members_crossing(ledger: Ledger) -> None:
    # Aadi's Schedule 13D (event date 2024-12-31): BML Investment Partners and Braden Michael
    # Leonard, one group, 2,435,000 shares (9.9%). The bare XML states no filing date.
    owed = aadi(ledger)

    assert owed["group"] == "BML Investment Partners, L.P. et al."
    assert (owed["arose_on"], owed["due"]) == ("2024-12-31", "2025-01-08")
    assert owed["status"] == "filed_date_unknown"  # never "met" on a date owl does not have
    assert owed["filing"]["form"] == "SCHEDULE 13D"
    assert owed["filing"]["filed_on_stated"] is False
    assert owed["notes"] == [
        "the filing date is not on record (a bare XML form; owl ingest --filed-on gives it): "
        "whether it was on time cannot be said"
    ]


def aadi(ledger: Ledger, **ingest: object) -> dict:
    history = [
        ev("OutstandingReported", "2024-11-01", issuer="CIK0001422142", shares=24_600_000),
        ev("SharesPurchased", "2024-12-31", issuer="CIK0001422142",
           holder="BML Investment Partners, L.P.", shares=2_435_000),
    ]  # fmt: skip
    ledger.append([Pending(e) for e in history], at("2026-11-01T00:00"))
    ledger.ingest(str(DATA / "schedule13d.xml"), recorded_at="2026-11-01T00:00:01Z", **ingest)
    body = ledger.obligations("CIK0001422142", as_of="2025-03-31")
    (owed,) = [o for o in body["obligations"] if o["kind"] == "schedule_13d"]
    return owed


def test_a_bare_form_given_its_filing_date_is_judged_on_it(ledger: Ledger) -> None:
    owed = aadi(ledger, filed_on="2025-01-10")

    assert (owed["due"], owed["status"], owed["days_late"]) == ("2025-01-08", "late", 2)
    assert owed["filing"]["filed_on"] == "2025-01-10"
    assert owed["filing"]["filed_on_stated"] is True
    assert owed["notes"] == []


def test_a_filing_date_given_against_the_submissions_header_is_refused(ledger: Ledger) -> None:
    with pytest.raises(InvalidEvents, match=r"filed on 2025-01-10, not on 2025-01-09"):
        ledger.ingest(str(DATA / "0001127602-25-001055.txt"), filed_on="2025-01-09")


def test_a_bare_form_of_many_rows_is_one_filing_on_record(ledger: Ledger) -> None:
    result = ledger.ingest(str(DATA / "374WaterForm4.xml"), recorded_at="2026-11-01T00:00:00Z")

    body = ledger.obligations("SCWO", as_of="2026-01-01")

    assert result.appended > 3  # issuer, owner, and rows of both tables
    assert body["filings_on_record"] == 1
