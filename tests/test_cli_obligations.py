"""`owl obligations`: exact output in each format, on a small history with a late Schedule 13D, a
10% owner's Forms 3 and 4 around Christmas 2021, and on the Innotrac history (what it cannot know)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from owl.cli.main import cli

ROOT = Path(__file__).resolve().parent.parent
KNOWN = "2026-01-02T00:00:00Z"
HISTORY = """\
{"type":"OutstandingReported","issuer":"ACME","effective_date":"2021-01-04","shares":1000000}
{"type":"SharesPurchased","issuer":"ACME","effective_date":"2021-12-14","holder":"A","shares":60000}
{"type":"SharesPurchased","issuer":"ACME","effective_date":"2021-12-20","holder":"B","shares":100001}
{"type":"SharesPurchased","issuer":"ACME","effective_date":"2021-12-23","holder":"B","shares":1000}
{"type":"HoldingReported","issuer":"ACME","effective_date":"2021-12-28","holder":"A","shares":60000,"form":"SC 13D"}
{"type":"HoldingReported","issuer":"ACME","effective_date":"2021-12-28","holder":"B","shares":101001,"form":"4","public":false}
{"type":"SharesSold","issuer":"ACME","effective_date":"2022-01-04","holder":"B","shares":2000}
"""


def owl(db: str, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--db", db, *args])


@pytest.fixture
def acme(sqlite_url: str, tmp_path: Path) -> str:
    feed = tmp_path / "acme.jsonl"
    feed.write_text(HISTORY)
    owl(sqlite_url, "init")
    owl(sqlite_url, "ingest", str(feed), "--recorded-at", "2026-01-01T00:00:00Z")
    return sqlite_url


def obligations(db: str, *args: str) -> Result:
    return owl(db, "obligations", "--issuer", "ACME", "--as-of", "2022-01-05", "--known-at",
               KNOWN, *args)  # fmt: skip


def test_the_table_lists_each_obligation_with_its_due_date_status_and_filing(acme: str) -> None:
    result = obligations(acme)

    assert result.exit_code == 0, result.output
    assert (
        result.output
        == """\
ACME: filing obligations as of 2022-01-05 (known at 2026-01-02T00:00:00.000000Z)

arose       group  owed          rule      cause               due         status         filing
2021-12-14  A      Schedule 13D  13d-1(a)  SharesPurchased #2  2021-12-27  late by 1 day  SC 13D filed 2021-12-28
2021-12-20  B      Form 3        16a-3(a)  SharesPurchased #3  2021-12-30  missing        -
2021-12-20  B      Schedule 13D  13d-1(a)  SharesPurchased #3  2021-12-30  missing        -
2021-12-23  B      Form 4        16a-3(g)  SharesPurchased #4  2021-12-28  met            4 filed 2021-12-28
2022-01-04  B      Form 4        16a-3(g)  SharesSold #7       2022-01-06  pending        -

'missing' means no filing of that form on record by 2022-01-05: the ledger knows only the filings it was given (2 on record).
"""
    )


def test_csv_has_one_row_per_obligation(acme: str) -> None:
    result = obligations(acme, "--person", "A", "--format", "csv")

    assert result.exit_code == 0, result.output
    assert result.output == (
        "kind,form,group,members,arose_on,cause_seq,cause_type,rule,due,status,days_late,"
        "filing_form,filing_filed_on,filing_accession\n"
        "schedule_13d,Schedule 13D,A,A,2021-12-14,2,SharesPurchased,Rule 13d-1(a),2021-12-27,"
        "late,1,SC 13D,"
        "2021-12-28,\n"
    )


def test_json_is_the_api_answer(acme: str) -> None:
    from owl.projections.application.api import Ledger

    result = obligations(acme, "--format", "json")
    book = Ledger(acme)
    expected = book.obligations("ACME", None, "2022-01-05", KNOWN)
    book.close()

    assert json.loads(result.output) == expected
    assert expected["summary"] == {
        "met": 1,
        "late": 1,
        "missing": 2,
        "pending": 1,
        "owed": 0,
        "filed": 0,
        "filed_date_unknown": 0,
    }


def test_a_person_the_issuer_never_named_is_an_error(acme: str) -> None:
    result = obligations(acme, "--person", "Z")

    assert result.exit_code == 1
    assert result.output == "Error: no person or group named 'Z' in ACME on any date\n"


def test_innotrac_says_what_the_ledger_cannot_know(sqlite_url: str) -> None:
    owl(sqlite_url, "init")
    events = str(ROOT / "data" / "innotrac" / "events.jsonl")
    owl(sqlite_url, "ingest", events, "--recorded-at", "2026-11-29T00:00:00Z")

    result = owl(sqlite_url, "obligations", "--issuer", "INOC", "--as-of", "2003-12-31",
                 "--known-at", "2026-11-29T12:00:00Z")  # fmt: skip

    assert result.exit_code == 0, result.output
    assert (
        result.output
        == """\
INOC: filing obligations as of 2003-12-31 (known at 2026-11-29T12:00:00.000000Z)

No obligation the ledger can date.

What the ledger cannot know:
  2003-08-14 IPOF Group was already above 5% and 10% when the ledger first learned of its holding (2,362,788 of 11,564,730 shares, 20.4310% on 2003-08-14, from a report taken as the position): when it crossed, and whether it filed the Schedule 13D and the Form 3 owed then, the ledger cannot know.
  2003-11-24 IPOF Group's holding moved +437,712 shares (3.7533% of the class) to 2,800,500 of 11,662,030 shares, 24.0138% by 2003-11-24, known only from a report taken as the position, with no trades on record: a Schedule 13D amendment once the change reached 1% of the class and a Form 4 for each trade (it was a 10% owner) were owed on dates the ledger does not know, and whether they were filed it cannot know.

'missing' means no filing of that form on record by 2003-12-31: the ledger knows only the filings it was given (0 on record).
"""
    )


def test_known_at_reproduces_the_answer_before_the_filing_was_recorded(acme: str) -> None:
    from owl.projections.application.api import Ledger

    book = Ledger(acme)
    late = '{"type":"HoldingReported","issuer":"ACME","effective_date":"2022-01-05",'
    late += '"holder":"B","shares":99001,"form":"4","public":false}\n'
    feed = Path(acme.removeprefix("sqlite:///")).parent / "late.jsonl"
    feed.write_text(late)
    book.ingest(str(feed), recorded_at="2026-02-01T00:00:00Z")

    before = book.obligations("ACME", "B", "2022-01-05", "2026-01-15")
    after = book.obligations("ACME", "B", "2022-01-05")

    book.close()
    statuses = [(o["form"], o["arose_on"], o["status"]) for o in after["obligations"]]
    assert ("Form 4", "2022-01-04", "met") in statuses
    assert ("Form 4", "2022-01-04", "pending") in [
        (o["form"], o["arose_on"], o["status"]) for o in before["obligations"]
    ]


AFTER_2024 = """\
{"type":"OutstandingReported","issuer":"ZETA","effective_date":"2024-01-02","shares":1000000}
{"type":"SharesPurchased","issuer":"ZETA","effective_date":"2024-03-02","holder":"C","shares":60000}
{"type":"HoldingReported","issuer":"ZETA","effective_date":"2024-03-08","holder":"C","shares":60000,"form":"SCHEDULE 13D"}
{"type":"SharesPurchased","issuer":"ZETA","effective_date":"2024-05-24","holder":"C","shares":50001}
{"type":"HoldingReported","issuer":"ZETA","effective_date":"2024-05-30","holder":"C","shares":110001,"form":"SCHEDULE 13D/A"}
{"type":"HoldingReported","issuer":"ZETA","effective_date":"2024-06-03","holder":"C","shares":110001,"form":"3","public":false}
{"type":"SharesSold","issuer":"ZETA","effective_date":"2024-07-03","holder":"C","shares":20000}
{"type":"HoldingReported","issuer":"ZETA","effective_date":"2024-07-08","holder":"C","shares":90001,"form":"4","public":false}
"""


def test_after_5_february_2024_deadlines_count_sec_business_days(
    sqlite_url: str, tmp_path: Path
) -> None:
    # A Saturday crossing (13D due Fri 8 Mar); a purchase on the Friday before Memorial Day (the
    # amendment due Wed 29 May, the Form 3 ten days on, Mon 3 Jun); a sale on 3 July (Form 4
    # and amendment due Mon 8 Jul, past the 4th).
    feed = tmp_path / "zeta.jsonl"
    feed.write_text(AFTER_2024)
    owl(sqlite_url, "init")
    owl(sqlite_url, "ingest", str(feed), "--recorded-at", "2026-01-01T00:00:00Z")

    result = owl(sqlite_url, "obligations", "--issuer", "ZETA", "--as-of", "2024-07-31",
                 "--known-at", KNOWN)  # fmt: skip

    assert result.exit_code == 0, result.output
    assert (
        result.output
        == """\
ZETA: filing obligations as of 2024-07-31 (known at 2026-01-02T00:00:00.000000Z)

arose       group  owed                    rule      cause               due         status         filing
2024-03-02  C      Schedule 13D            13d-1(a)  SharesPurchased #2  2024-03-08  met            SCHEDULE 13D filed 2024-03-08
2024-05-24  C      Form 3                  16a-3(a)  SharesPurchased #4  2024-06-03  met            3 filed 2024-06-03
2024-05-24  C      Schedule 13D amendment  13d-2(a)  SharesPurchased #4  2024-05-29  late by 1 day  SCHEDULE 13D/A filed 2024-05-30
2024-07-03  C      Form 4                  16a-3(g)  SharesSold #7       2024-07-08  met            4 filed 2024-07-08
2024-07-03  C      Schedule 13D amendment  13d-2(a)  SharesSold #7       2024-07-08  missing        -

'missing' means no filing of that form on record by 2024-07-31: the ledger knows only the filings it was given (4 on record).
"""
    )
