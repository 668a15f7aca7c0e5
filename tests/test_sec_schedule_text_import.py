"""Older Schedules 13D and 13G through `owl ingest` (tests/data/sec/sc13_text): each full
submission appends its issuer, persons, group and one public report; a second import finds it
all present; a filing that cannot be read is refused by name, and nothing of its batch is
written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from owl.projections.application.api import Ledger

DATA = Path(__file__).parent / "data" / "sec" / "sc13_text"
AT = "2026-11-01T00:00:00Z"
# The full submissions: their EDGAR header names the issuer's CIK (events per filing).
IMPORTED = {
    "0000729057-94-000056.txt": 3,  # Kroger: issuer, Prudential, its report
    "0000028412-94-000011.txt": 2,  # Ford: issuer, Comerica's report (no CIK matches "Bank")
    "0000820027-94-000086.txt": 4,  # Cardinal: issuer, IDS, a group of two, its report
    "0000950123-96-000565.txt": 4,
    "0000950103-97-000084.txt": 3,
    "0000077476-99-000018.txt": 3,
    "0000769993-99-000373.txt": 4,
    "0000315066-00-000956.txt": 5,  # FMR, Edward C. Johnson 3d, Abigail P. Johnson
    "0000898430-00-001926.txt": 5,
    "0000019617-00-000142.txt": 4,
    "0000898430-00-003147.txt": 4,
    "0000080835-02-000007.txt": 4,
    "0000019617-24-000012.txt": 3,
    "0000895421-24-000024.txt": 4,
}
NOTHING_TO_READ = ("0000950123-95-000231.txt", "0000950112-94-000008.txt")  # McKesson, Travelers
# Documents without their header (bare HTML, or a <DOCUMENT> alone): no issuer CIK to key by.
NO_CIK = sorted(p.name for p in DATA.iterdir() if p.name not in (*IMPORTED, *NOTHING_TO_READ))


def owl(db: str, *args: str) -> Any:
    from click.testing import CliRunner

    from owl.cli.main import cli

    return CliRunner().invoke(cli, ["--db", db, *args])


def paths(*names: str) -> list[str]:
    return [str(DATA / name) for name in names]


def test_owl_ingest_appends_every_readable_schedule_once(sqlite_url: str) -> None:
    owl(sqlite_url, "init")

    first = owl(sqlite_url, "ingest", *paths(*IMPORTED))
    again = owl(sqlite_url, "ingest", *paths(*IMPORTED))

    total = sum(IMPORTED.values())
    assert total == 52
    assert first.exit_code == 0, first.output
    assert first.output.startswith(f"appended {total}, already present 0;")
    assert again.exit_code == 0, again.output
    assert again.output.startswith(f"appended 0, already present {total}\n")


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        (
            "0000950123-95-000231.txt",
            "header only: the submission (SC 13G, filed 1995-02-08) holds no document to read",
        ),
        (
            "0000950112-94-000008.txt",
            "no cover page: no item 'Name of Reporting Person' (an amendment may restate only its "
            "text, reporting no holding)",
        ),
        (
            "0000950144-01-001493_g66574sc13d.txt",
            "<SUBJECT COMPANY>: the issuer's CIK is not given: the schedule names First "
            "International Bancorp, Inc., CUSIP 32054Q100 only; import the full EDGAR submission "
            "(.txt), whose header gives it, or give it with --issuer-cik",
        ),
    ],
)
def test_a_filing_that_cannot_be_read_is_refused_by_name_and_nothing_is_written(
    sqlite_url: str, name: str, reason: str
) -> None:
    owl(sqlite_url, "init")

    result = owl(sqlite_url, "ingest", *paths("0000028412-94-000011.txt", name))
    listed = owl(sqlite_url, "issuers")

    assert result.exit_code == 1
    assert result.output == (
        f"Error: 1 problem found; nothing was written\n  {DATA / name}: {reason}\n"
    )
    assert listed.output.startswith("No issuers")  # not even Ford's, from the same batch


def test_a_bare_html_schedule_is_read_when_asked_and_refused_for_want_of_the_cik(
    sqlite_url: str,
) -> None:
    owl(sqlite_url, "init")

    result = owl(sqlite_url, "ingest", "--format", "sc13", *paths(*NO_CIK))

    assert len(NO_CIK) == 10
    assert result.exit_code == 1
    assert result.output.startswith("Error: 10 problems found; nothing was written\n")
    assert "Tesla Motors, Inc., CUSIP 88160R101 only" in result.output
    assert "Yelp Inc., CUSIP 985817105 only" in result.output


def test_a_bare_html_schedule_given_its_issuers_cik_is_imported_under_that_issuer(
    sqlite_url: str,
) -> None:
    owl(sqlite_url, "init")
    musk_2011 = paths("000119312511023336_dsc13g.htm")  # Elon Musk on Tesla Motors, SC 13G

    result = owl(sqlite_url, "ingest", "--issuer-cik", "1318605", *musk_2011)
    again = owl(sqlite_url, "ingest", "--issuer-cik", "0001318605", *musk_2011)
    wrong = owl(sqlite_url, "ingest", "--issuer-cik", "1318605",
                *paths("0000729057-94-000056.txt"))  # fmt: skip
    book = Ledger(sqlite_url)
    (held,) = [r.event for r in book.log("CIK0001318605") if r.event.type == "HoldingReported"]
    book.close()

    assert result.exit_code == 0, result.output
    assert again.output.startswith("appended 0, already present 2")
    assert (held.holder, held.form) == ("Elon R. Musk", "SC 13G")
    not_a_cik = owl(sqlite_url, "ingest", "--issuer-cik", "Tesla", *musk_2011)
    assert "--issuer-cik 'Tesla' is not a CIK (digits)" in not_a_cik.output
    assert wrong.exit_code == 1
    assert "the submission's issuer is CIK 0000056873, not 1318605 as --issuer-cik says" in (
        wrong.output
    )


def test_a_forced_form_345_refuses_an_older_schedule_by_name(sqlite_url: str) -> None:
    owl(sqlite_url, "init")

    result = owl(sqlite_url, "ingest", "--format", "form345", *paths("0000028412-94-000011.txt"))

    assert result.exit_code == 1
    assert "this is a Schedule 13D or 13G, not a Form 3, 4 or 5" in result.output


@pytest.fixture
def ledger(sqlite_url: str) -> Any:
    book = Ledger(sqlite_url)
    book.init()
    yield book
    book.close()


def report(ledger: Ledger, issuer: str) -> Any:
    (held,) = [r.event for r in ledger.log(issuer) if r.event.type == "HoldingReported"]
    return held


def test_a_group_of_three_on_a_13d_is_one_public_report_of_its_block(ledger: Ledger) -> None:
    ledger.ingest(paths("0000898430-00-001926.txt"), recorded_at=AT)

    held = report(ledger, "54182")
    links = [r.event for r in ledger.log("54182") if r.event.type == "AffiliationFormed"]

    assert (held.holder, held.shares, held.percent) == ("J Acquisition Corp. et al.", 5_104_780,
                                                        "19.8")  # fmt: skip
    assert (held.effective_date.isoformat(), held.form, held.public) == ("2000-06-19", "SC 13D",
                                                                          True)  # fmt: skip
    assert held.event_id == "0000898430-00-001926:held"
    assert held.filing.accession == "0000898430-00-001926"
    assert held.filing.filed_on.isoformat() == "2000-06-27"
    assert [(link.person, link.affiliate) for link in links] == [
        ("J Acquisition Corp.", "BERKSHIRE HATHAWAY INC."),
        ("J Acquisition Corp.", "WARREN E. BUFFETT"),
    ]


def test_a_13g_carries_its_rule_and_is_dated_by_its_filing_when_it_gives_no_event(
    ledger: Ledger,
) -> None:
    ledger.ingest(paths("0000898430-00-003147.txt", "0000729057-94-000056.txt"), recorded_at=AT)

    white_mountains = report(ledger, "776867")
    kroger = report(ledger, "56873")

    assert (white_mountains.filing.rule, white_mountains.effective_date.isoformat()) == (
        "13d-1(c)",
        "2000-10-19",
    )
    assert (kroger.filing.rule, kroger.effective_date.isoformat()) == (None, "1994-02-09")
    assert (kroger.holder, kroger.shares, kroger.percent) == (
        "The Prudential Insurance Company of America",
        6_092_861,
        "5.7",
    )


def test_an_html_schedule_in_a_2024_submission_names_its_class_and_acceptance(
    ledger: Ledger,
) -> None:
    ledger.ingest(paths("0000019617-24-000012.txt"), recorded_at=AT)

    held = report(ledger, "34903")
    persons = [r.event for r in ledger.log("34903") if r.event.type == "PersonIdentified"]

    assert (held.shares, held.percent, held.security) == (
        4_024_573,
        "4.9",
        "Common Shares of Beneficial Interest",
    )
    assert "(accepted 2024-01-04 08:11:03)" in held.source
    assert [(p.person, p.cik) for p in persons] == [("JPMORGAN CHASE & CO.", "0000019617")]
