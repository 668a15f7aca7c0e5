"""Real SEC filings through the ledger (tests/data/sec, figures from its README), on SQLite and
PostgreSQL: each filing's rows, holdings, groups and breaks; re-import appends nothing; hostile
or fractional filings write nothing; a multi-filing Snowflake history under a plan the test adopts
counts derivatives per the plan's definition."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from owl.ledger.errors import InvalidEvents, LedgerError
from owl.projections.application.api import Ledger
from owl.projections.views.reconcile import UNEXPLAINED
from tests.builders import ev, pending

DATA = Path(__file__).parent / "data" / "sec"
AT = "2026-11-01T00:00:00Z"
CLASS_A = "Class A Common Stock"


def ingest(ledger: Ledger, *names: str) -> Any:
    return ledger.ingest([str(DATA / n) for n in names], recorded_at=AT)


def events(ledger: Ledger, issuer: str) -> list[Any]:
    return [r.event for r in ledger.log(issuer)]


def reported(ledger: Ledger, issuer: str, holder: str, nature: str | None = None) -> list[int]:
    """The holdings a filing states for one account, in its row order."""
    return [
        e.shares
        for e in events(ledger, issuer)
        if e.type == "HoldingReported"
        and e.holder == holder
        and e.nature == nature
        and e.event_id.endswith(":held")
    ]


def breaks(ledger: Ledger, issuer: str, **kw: Any) -> list[dict[str, Any]]:
    return list(ledger.reconcile(issuer, taken=True, **kw)["breaks"])


def holder_row(view: dict[str, Any], holder: str) -> dict[str, Any]:
    (row,) = [h for h in view["holders"] if h["holder"] == holder]
    return row


# --- Forms 3, 4 and 5 ---------------------------------------------------------------------------


def test_a_form4_exercise_and_five_sales_reconcile_row_by_row(ledger: Ledger) -> None:
    ingest(ledger, "form4.snow.xml")

    chain = reported(ledger, "SNOW", "Scarpelli Michael")
    view = ledger.ownership("SNOW", "2022-12-13", security=CLASS_A)

    assert chain == [301_097, 227_927, 153_020, 111_034, 105_538, 101_097]
    # direct shares, eight trusts and the options: each opened by the filing, none a break
    assert [b["kind"] for b in breaks(ledger, "SNOW")] == ["opening"] * 10
    row = holder_row(view, "Scarpelli Michael")
    assert row["shares"] == 101_097 + 577_218 + 178_947 + 3 * 9_686 + 3 * 2_755
    assert sum(i["shares"] for i in row["indirect"]) == 793_488  # the eight trusts, shown apart
    assert len(row["indirect"]) == 8


def test_a_form4_opens_the_position_its_first_row_implies_and_says_so(ledger: Ledger) -> None:
    ingest(ledger, "form4.snow.xml")

    opening, *trusts, options = breaks(ledger, "SNOW")
    assert len(trusts) == 8

    assert (opening["reported"], opening["computed"], opening["kind"]) == (101_097, 0, "opening")
    assert opening["row"] == "non-derivative transaction 1"
    assert (options["reported"], options["series"]) == (
        2_019_299,
        "Stock Option (Right to Buy) | 8.88 |  | 2029-08-26 | ",
    )


def test_the_option_exercise_leaves_2219299_options_counted_by_the_plan(ledger: Ledger) -> None:
    ingest(ledger, "form4.snow.xml")

    (right,) = ledger.ownership("SNOW", "2022-12-13", security=CLASS_A)["derivatives"]

    assert (right["holder"], right["quantity"], right["underlying_shares"]) == (
        "Scarpelli Michael",
        2_219_299,
        2_219_299,
    )
    assert (right["expires_on"], right["counted_by_plan"]) == ("2029-08-26", True)


def test_two_reporting_owners_of_one_block_are_linked_and_counted_once(ledger: Ledger) -> None:
    ingest(ledger, "form3.snow.nonderiv.xml")

    view = ledger.ownership("SNOW", "2020-09-18", security=CLASS_A)

    (group,) = view["groups"]
    assert group["members"] == ["BERKSHIRE HATHAWAY INC", "BUFFETT WARREN E"]
    assert group["shares"] == 6_125_376
    (row,) = view["holders"]
    (held,) = row["indirect"]  # "See footnote": the footnote names the account
    assert held["nature"].startswith("The reported securities are owned directly by Columbia")
    assert held["shares"] == 6_125_376


def test_a_form3_of_derivatives_only_opens_each_series_as_held(ledger: Ledger) -> None:
    ingest(ledger, "form3.snow.xml")

    view = ledger.ownership("SNOW", "2020-09-15", security="Class B Common Stock")

    rights = view["derivatives"]
    assert sorted(r["underlying_shares"] for r in rights) == [
        95_898,
        95_898,
        95_898,
        95_898,
        134_018,
        383_594,
    ]
    assert {r["holder"] for r in rights} == {"GARRETT MARK"}
    assert view["holders"] == []  # a Form 3 of derivatives only holds no shares
    assert {b["kind"] for b in breaks(ledger, "SNOW")} == {"opening"}


def test_a_form3_of_no_securities_identifies_issuer_and_person_only(ledger: Ledger) -> None:
    result = ingest(ledger, "form3.nosecurities.xml")

    assert result.appended == 2
    assert [e.type for e in events(ledger, "SPWR")] == ["IssuerIdentified", "PersonIdentified"]
    assert breaks(ledger, "SPWR") == []


def test_a_form5_gift_of_61386_leaves_54666_direct(ledger: Ledger) -> None:
    ingest(ledger, "form5.snow.xml")

    gift = [e for e in events(ledger, "SNOW") if e.type == "SharesDisposed"]
    view = ledger.ownership("SNOW", "2022-01-31", security=CLASS_A)

    assert [(g.shares, g.how) for g in gift] == [(61_386, "gift (G)")]
    assert reported(ledger, "SNOW", "McMahon John Dennis") == [54_666]
    row = holder_row(view, "McMahon John Dennis")
    assert row["shares"] - sum(i["shares"] for i in row["indirect"]) == 54_666
    assert [i["shares"] for i in row["indirect"]] == [151_188, 125_737]


def test_an_award_of_757756_from_nothing_and_the_180_option_difference(ledger: Ledger) -> None:
    result = ingest(ledger, "374WaterForm4.xml")

    (options,) = breaks(ledger, "SCWO")  # the shares' zero start matches: no break

    assert reported(ledger, "SCWO", "Melkote Rajesh Ramaswamy") == [757_756]
    assert options["kind"] == "opening" and options["row"] == "derivative transaction 1"
    assert (options["reported"], options["computed"], options["difference"]) == (180, 0, 180)
    assert options["cause"] == "looks mistyped (two adjacent digits swapped)"
    assert result.breaks == 0  # openings are not breaks: the ledger knew nothing before


def test_a_full_txt_submission_is_a_sale_of_1500_leaving_37565(ledger: Ledger) -> None:
    ingest(ledger, "0001127602-25-001055.txt")

    (sale,) = [e for e in events(ledger, "AIR") if e.type == "SharesSold"]

    assert (sale.shares, sale.filing.accession, sale.filing.code) == (
        1_500,
        "0001127602-25-001055",
        "S",
    )
    assert reported(ledger, "AIR", "Garascia Jessica A.") == [37_565]
    assert ledger.ownership("AIR", "2025-01-10")["holders"][0]["shares"] == 37_565


def test_an_nc_submission_is_an_award_then_tax_withholding_the_same_day(ledger: Ledger) -> None:
    ingest(ledger, "0001127602-25-004598.nc")

    kinds = [
        (e.type, e.shares, e.filing.code)
        for e in events(ledger, "ARW")
        if e.type in ("SharesIssued", "SharesRepurchased")
    ]

    assert kinds == [("SharesIssued", 2_193, "A"), ("SharesRepurchased", 1_009, "F")]
    assert reported(ledger, "ARW", "Jean-Claude Carine Lamercie") == [21_878, 20_869]
    assert [b["kind"] for b in breaks(ledger, "ARW")] == ["opening"]


def test_the_issuer_is_found_by_its_cik_as_well_as_its_ticker(ledger: Ledger) -> None:
    ingest(ledger, "0001127602-25-004598.nc")

    by_ticker = ledger.ownership("ARW", "2025-02-12")
    by_cik = ledger.ownership("0000007536", "2025-02-12")
    by_short_cik = ledger.ownership("7536", "2025-02-12")

    assert by_ticker["holders"] == by_cik["holders"] == by_short_cik["holders"]
    assert by_cik["issuer"] == "ARW"


def test_evidence_is_structured_on_every_row(ledger: Ledger) -> None:
    ingest(ledger, "0001127602-25-004598.nc")

    rows = [e for e in events(ledger, "ARW") if e.type != "IssuerIdentified"]

    assert all(e.filing is not None for e in rows)
    award = next(e for e in rows if e.type == "SharesIssued")
    assert (award.filing.form, award.filing.accession, award.filing.row) == (
        "4",
        "0001127602-25-004598",
        "non-derivative transaction 1",
    )
    assert str(award.filing.filed_on) == "2025-02-13"


# --- Schedules 13D and 13G ----------------------------------------------------------------------


def group_report(ledger: Ledger, issuer: str) -> Any:
    (report,) = [e for e in events(ledger, issuer) if e.type == "HoldingReported"]
    return report


def test_a_13d_of_two_persons_is_one_report_of_their_group(ledger: Ledger) -> None:
    ingest(ledger, "schedule13d.xml")

    report = group_report(ledger, "0001422142")
    view = ledger.ownership("0001422142", "2024-12-31")

    assert (report.holder, report.shares, report.percent, report.public) == (
        "BML Investment Partners, L.P. et al.",
        2_435_000,
        "9.9",
        True,
    )
    assert "2,100,000 (8.5%)" in report.source and "2,435,000 (9.9%)" in report.source
    assert view["holders"] == []  # no member's shares are on record
    assert [b["difference"] for b in view["open_breaks"]] == [2_435_000]
    (only,) = breaks(ledger, "0001422142")
    assert (only["holder"], only["reported"], only["computed"]) == (report.holder, 2_435_000, 0)
    assert only["cause"] == "the first the ledger hears of this holding: no trade of it on record"


def test_a_13d_of_seven_persons_sharing_one_block_counts_it_once(ledger: Ledger) -> None:
    ingest(ledger, "schedule13d_nested_cusip.xml")

    report = group_report(ledger, "0002042347")
    links = [e for e in events(ledger, "0002042347") if e.type == "AffiliationFormed"]

    assert (report.shares, report.percent) == (6_294_951, "11.9")
    assert len(links) == 6  # seven persons filing together: one group
    assert len(breaks(ledger, "0002042347")) == 1


def test_a_13g_and_a_13g_amendment(ledger: Ledger) -> None:
    ingest(ledger, "schedule13g.xml", "schedule13g_nested_cusip.xml")

    first = group_report(ledger, "0001909747")
    amended = group_report(ledger, "0000723612")

    assert (first.shares, first.percent) == (10_000_000, "5.1")
    assert (amended.shares, amended.percent) == (7_824_100, "22.2")
    assert amended.filing.form == "SCHEDULE 13G/A"
    assert "amendment no. 3" in amended.source


def test_a_group_report_checks_the_members_trades_and_never_adds_a_person(ledger: Ledger) -> None:
    ingest(ledger, "schedule13d.xml")
    trades = [
        ev("SharesPurchased", "2024-12-01", "CIK0001422142", holder=h, shares=n)
        for h, n in (
            ("BML Investment Partners, L.P.", 2_100_000),
            ("Leonard Braden Michael", 335_000),
        )
    ]
    ledger.append(pending(*trades), recorded_at="2026-11-02T00:00:00Z")

    view = ledger.ownership("0001422142", "2024-12-31")

    assert breaks(ledger, "0001422142") == []  # the block they report together matches
    assert {h["holder"] for h in view["holders"]} == {
        "BML Investment Partners, L.P.",
        "Leonard Braden Michael",
    }
    (group,) = view["groups"]
    assert group["shares"] == 2_435_000


# --- Identity, re-import, refusals --------------------------------------------------------------


ALL = sorted(
    p.name
    for p in DATA.iterdir()
    if p.suffix in (".xml", ".txt", ".nc") and not p.name.startswith("LICENSE")
)


def test_every_fixture_imports_and_importing_them_again_appends_nothing(ledger: Ledger) -> None:
    first = ingest(ledger, *ALL)
    again = ingest(ledger, *ALL)

    assert first.appended == 102
    assert (again.appended, again.already_present) == (0, 102)
    assert ledger.verify()["ok"] is True


def test_identical_rows_of_one_filing_stay_distinct(ledger: Ledger) -> None:
    ingest(ledger, "form4.snow.xml")

    trusts = [
        e.shares
        for e in events(ledger, "SNOW")
        if e.type == "HoldingReported" and e.nature and e.shares == 9_686
    ]

    assert trusts == [9_686, 9_686, 9_686]  # three trusts of the same size, three rows


def bare_xml_of(submission: str) -> str:
    """The XML form inside an EDGAR submission, as the bare file EDGAR also serves."""
    text = (DATA / submission).read_text()
    return text[text.index("<XML>") + 5 : text.index("</XML>")].strip() + "\n"


def test_a_filing_wrapped_then_bare_is_one_filing(ledger: Ledger, tmp_path: Path) -> None:
    bare = tmp_path / "form4.xml"
    bare.write_text(bare_xml_of("0001127602-25-001055.txt"))

    wrapped = ingest(ledger, "0001127602-25-001055.txt")
    again = ledger.ingest(str(bare), recorded_at=AT)

    assert (again.appended, again.already_present) == (0, wrapped.appended)
    assert reported(ledger, "AIR", "Garascia Jessica A.") == [37_565]  # once, not twice


def test_a_filing_bare_then_wrapped_is_one_filing(ledger: Ledger, tmp_path: Path) -> None:
    bare = tmp_path / "form4.xml"
    bare.write_text(bare_xml_of("0001127602-25-001055.txt"))

    first = ledger.ingest(str(bare), recorded_at=AT)
    again = ingest(ledger, "0001127602-25-001055.txt")

    assert (again.appended, again.already_present) == (0, first.appended)


def test_whitespace_and_a_trailing_newline_do_not_make_a_bare_filing_new(
    ledger: Ledger, tmp_path: Path
) -> None:
    one, two = tmp_path / "one.xml", tmp_path / "two.xml"
    text = (DATA / "374WaterForm4.xml").read_text()
    one.write_text(text)
    two.write_text("\n" + text.replace("\n", "\r\n") + "\n\n")

    first = ledger.ingest(str(one), recorded_at=AT)
    again = ledger.ingest(str(two), recorded_at=AT)

    assert (again.appended, again.already_present) == (0, first.appended)


def test_a_bare_filing_an_older_owl_stored_under_its_byte_digest_is_found_present(
    ledger: Ledger,
) -> None:
    from owl.ledger.feeds.sec.feed import FilingFeed

    path = str(DATA / "374WaterForm4.xml")
    as_before = []
    for p in FilingFeed(path, None, path):
        (legacy,) = [a for a in p.aliases if a.startswith("doc-")]
        as_before.append(p._replace(event=p.event.model_copy(update={"event_id": legacy}),
                                    aliases=()))  # fmt: skip
    ledger.append(as_before, recorded_at=AT)  # what owl stored before ids came from content

    again = ledger.ingest(path, recorded_at=AT)

    assert (again.appended, again.already_present) == (0, len(as_before))


def test_each_form_of_a_two_form_submission_has_its_own_ids(ledger: Ledger, tmp_path: Path) -> None:
    text = (DATA / "0001127602-25-001055.txt").read_text()
    start, end = text.index("<DOCUMENT>"), text.index("</DOCUMENT>") + len("</DOCUMENT>")
    second = (
        text[start:end]
        .replace("<SEQUENCE>1", "<SEQUENCE>9")
        .replace("Garascia Jessica A.", "Second Owner")
        .replace("0001806647", "0009999999")
    )
    twice = tmp_path / "twice.txt"
    twice.write_text(text[:end] + "\n" + second + text[end:])

    result = ledger.ingest(str(twice), recorded_at=AT)
    ids = [e.event_id for e in events(ledger, "AIR")]

    assert len(ids) == len(set(ids)) == result.appended
    assert {i.split(":")[1] for i in ids if i.startswith("0001127602-25-001055")} >= {"1", "9"}


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<ownershipDocument><documentType>&lol2;</documentType></ownershipDocument>
"""
EXTERNAL = """<?xml version="1.0"?>
<!DOCTYPE ownershipDocument [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<ownershipDocument><remarks>&secret;</remarks></ownershipDocument>
"""


@pytest.mark.parametrize(("name", "text"), [("laughs.xml", BILLION_LAUGHS), ("xxe.xml", EXTERNAL)])
def test_a_hostile_filing_is_refused_by_name_and_nothing_is_written(
    ledger: Ledger, tmp_path: Path, name: str, text: str
) -> None:
    hostile = tmp_path / name
    hostile.write_text(text)

    with pytest.raises(InvalidEvents) as caught:
        ledger.ingest([str(DATA / "form4.snow.xml"), str(hostile)], recorded_at=AT)

    assert name in str(caught.value)
    assert "entit" in str(caught.value).lower()
    assert ledger.issuers() == []


def test_a_fractional_share_amount_is_kept_exactly_and_one_too_fine_refused_by_row(
    ledger: Ledger, tmp_path: Path
) -> None:
    text = (DATA / "form5.snow.xml").read_text()
    fractional = tmp_path / "fractional.xml"
    fractional.write_text(text.replace("<value>61386", "<value>61386.5", 1))
    too_fine = tmp_path / "too_fine.xml"
    too_fine.write_text(text.replace("<value>61386", "<value>61386.1234567", 1))

    with pytest.raises(InvalidEvents) as caught:
        ledger.ingest(str(too_fine), recorded_at=AT)
    assert str(caught.value).splitlines()[1] == (
        f"  {too_fine}: <nonDerivativeTransaction[1]/transactionShares>: 61386.1234567 has more "
        "than 6 decimal places (owl holds shares to the millionth)"
    )
    assert ledger.issuers() == []
    ledger.ingest(str(fractional), recorded_at=AT)
    assert [e.shares for e in events(ledger, "SNOW") if e.type == "SharesDisposed"] == [
        Decimal("61386.5")
    ]


def test_a_zero_fraction_is_that_whole_number(ledger: Ledger, tmp_path: Path) -> None:
    text = (DATA / "form5.snow.xml").read_text().replace("<value>61386", "<value>61386.000", 1)
    whole = tmp_path / "whole.xml"
    whole.write_text(text)

    ingest_result = ledger.ingest(str(whole), recorded_at=AT)

    assert ingest_result.appended == 7
    assert [e.shares for e in events(ledger, "SNOW") if e.type == "SharesDisposed"] == [61_386]


# --- A multi-filing history under a plan ------------------------------------------------------


def snowflake(ledger: Ledger, derivatives: str, threshold: str = "10") -> None:
    """Four Snowflake filings, then a plan the test adopts on Class A (exempting Berkshire
    Hathaway, its 10% holder) and a reported count of 20,000,000 Class A shares."""
    ingest(ledger, "form3.snow.xml", "form3.snow.nonderiv.xml", "form5.snow.xml", "form4.snow.xml")
    ledger.append(
        pending(
            ev(
                "RightsAgreementAdopted",
                "2020-09-01",
                "SNOW",
                threshold=threshold,
                security=CLASS_A,
                derivatives=derivatives,
                exempt_persons=["BERKSHIRE HATHAWAY INC", "BUFFETT WARREN E"],
                event_id="plan",
            ),
            ev(
                "OutstandingReported",
                "2020-09-01",
                "SNOW",
                shares=20_000_000,
                security=CLASS_A,
                event_id="count",
            ),
        ),
        recorded_at="2026-11-02T00:00:00Z",
    )


def scarpelli(ledger: Ledger, day: str = "2022-12-13") -> dict[str, Any]:
    status = ledger.status("SNOW", day)
    (group,) = [g for g in status["groups"] if g["group"] == "Scarpelli Michael"]
    return group


SHARES = 894_585  # 101,097 direct and 793,488 in trusts
OPTIONS = 2_219_299
AFTER_EXERCISE = 20_200_000  # the exercise issued 200,000 Class A shares


def test_a_plan_counting_all_rights_makes_the_option_holder_an_acquiring_person(
    ledger: Ledger,
) -> None:
    snowflake(ledger, "all")

    group = scarpelli(ledger)

    assert (group["shares"], group["derivative_shares"]) == (SHARES + OPTIONS, OPTIONS)
    assert group["percent"] == "13.8893"  # of 20,200,000 + his own 2,219,299 underlying
    assert group["status"] == "acquiring_person"
    why = ledger.explain("SNOW", "Scarpelli Michael", "2022-12-13")["rule"]
    assert why.startswith(
        "Scarpelli Michael holds 894,585 shares and rights to acquire 2,219,299 more (the plan "
        "counts rights whether exercisable now or only after the passage of time): 3,113,884 of "
        "the 20,200,000 shares then outstanding plus those 2,219,299 (13.8893%)."
    )


def test_a_plan_counting_no_rights_leaves_him_below(ledger: Ledger) -> None:
    snowflake(ledger, "none")

    why = ledger.explain("SNOW", "Scarpelli Michael", "2022-12-13")

    assert (why["shares"], why["derivative_shares"]) == (SHARES, 0)
    assert why["percent"] == "4.4286"  # 894,585 of 20,200,000
    assert why["status"] == "below"
    assert "Scarpelli Michael" not in ledger.status("SNOW", "2022-12-13")["acquiring_persons"]


def test_a_forward_sale_is_an_obligation_and_never_counts_as_a_right(
    ledger: Ledger, tmp_path: Path
) -> None:
    from owl.ledger.feeds.sec.feed import FilingFeed

    text = (DATA / "form4.snow.xml").read_text()
    start = text.index("<derivativeTransaction>")
    title = text.index("<value>", start)
    end = text.index("</value>", title)
    forward = tmp_path / "forward.xml"
    forward.write_text(
        text[: title + 7] + "Forward Sale Contract (obligation to sell)" + text[end:]
    )
    derived = [p.event for p in FilingFeed(str(forward), None, "f") if "Derivative" in p.event.type]

    assert derived and all(e.obliges for e in derived)

    snowflake(ledger, "all")
    sold_forward = ev(
        "DerivativeAcquired",
        "2022-12-01",
        "SNOW",
        holder="Scarpelli Michael",
        instrument="Forward Sale Contract (obligation to sell)",
        security=CLASS_A,
        quantity=700_000,
        underlying_shares=700_000,
        obliges=True,
        event_id="forward",
    )
    ledger.append(pending(sold_forward), recorded_at="2026-11-03T00:00:00Z")

    assert scarpelli(ledger)["derivative_shares"] == OPTIONS  # not OPTIONS + 700,000


def test_rights_exercisable_later_count_on_the_day_they_become_exercisable(
    ledger: Ledger,
) -> None:
    snowflake(ledger, "exercisable", threshold="15")
    grant = ev(
        "DerivativeAcquired",
        "2022-12-01",
        "SNOW",
        holder="Scarpelli Michael",
        instrument="Restricted Stock Units",
        security=CLASS_A,
        quantity=1_000_000,
        underlying_shares=1_000_000,
        exercisable_from="2023-03-01",
        event_id="rsu",
    )
    ledger.append(pending(grant), recorded_at="2026-11-03T00:00:00Z")

    before = scarpelli(ledger, "2023-02-28")
    after = scarpelli(ledger, "2023-03-01")
    timeline = ledger.timeline("SNOW", "Scarpelli Michael")["changes"]

    assert before["derivative_shares"] == OPTIONS and before["status"] == "below"
    assert after["derivative_shares"] == OPTIONS + 1_000_000
    assert after["status"] == "acquiring_person"
    became = [e for e in timeline if e["kind"] == "status" and e["to"] == "acquiring_person"]
    assert [e["date"] for e in became] == ["2023-03-01"]  # a date with no event on it
    assert became[0]["event"]["event_id"] == "rsu"  # named by the grant whose right it is


def test_rule_13d3_counts_rights_exercisable_within_60_days(ledger: Ledger) -> None:
    snowflake(ledger, "none")
    grant = ev(
        "DerivativeAcquired",
        "2022-12-01",
        "SNOW",
        holder="Scarpelli Michael",
        instrument="Restricted Stock Units",
        security=CLASS_A,
        quantity=1_000_000,
        underlying_shares=1_000_000,
        exercisable_from="2023-03-01",
        event_id="rsu",
    )
    ledger.append(pending(grant), recorded_at="2026-11-03T00:00:00Z")

    entries = ledger.timeline("SNOW", "Scarpelli Michael")["changes"]

    crossings = [(e["date"], e["detail"]) for e in entries if e["kind"] == "crossing"]
    # 894,585 shares + 2,219,299 options (exercisable now) is above 10% of 20.2M + 2.2M;
    # the units count from 2022-12-31, sixty days before they vest: no new level then.
    assert ("2022-12-13", "above 10%") in crossings
    assert all(e["to"] != "acquiring_person" for e in entries if e["kind"] == "status")


# --- One issuer, whatever it is called ----------------------------------------------------------


def test_a_ticker_named_after_a_13d_joins_the_issuer_the_13d_opened(ledger: Ledger) -> None:
    ingest(ledger, "schedule13d.xml")
    ledger.append(
        pending(
            ev("IssuerIdentified", "2025-01-02", "AADI", cik="0001422142", ticker="AADI"),
            ev("SharesPurchased", "2025-01-03", "AADI", holder="Leonard Braden Michael", shares=7),
        ),
        recorded_at="2026-11-02T00:00:00Z",
    )

    assert ledger.issuers() == ["CIK0001422142"]
    assert ledger.ownership("AADI", "2025-01-03")["issuer"] == "CIK0001422142"
    assert ledger.ownership("1422142", "2025-01-03")["holders"][0]["shares"] == 7


def test_a_13d_keyed_by_cik_joins_the_ticker_its_cik_was_given_under(ledger: Ledger) -> None:
    ledger.append(
        pending(ev("IssuerIdentified", "2024-01-02", "AADI", cik="0001422142", ticker="AADI")),
        recorded_at="2026-10-01T00:00:00Z",
    )
    ingest(ledger, "schedule13d.xml")

    assert ledger.issuers() == ["AADI"]
    assert breaks(ledger, "AADI")[0]["reported"] == 2_435_000


# --- The command line -----------------------------------------------------------------------------


def owl(db: str, *args: str) -> Any:
    from click.testing import CliRunner

    from owl.cli.main import cli

    return CliRunner().invoke(cli, ["--db", db, *args])


def test_owl_ingest_reads_filings_and_reconcile_lists_the_openings(sqlite_url: str) -> None:
    owl(sqlite_url, "init")

    ingested = owl(sqlite_url, "ingest", str(DATA / "374WaterForm4.xml"))
    listed = owl(sqlite_url, "reconcile", "--issuer", "933972", "--taken", "--format", "csv")

    assert ingested.exit_code == 0, ingested.output
    assert ingested.output.startswith("appended 8, already present 0")
    assert listed.exit_code == 0, listed.output
    header, row = listed.output.splitlines()
    assert header.startswith("date,holder,")
    assert "Melkote Rajesh Ramaswamy" in row and ",180," in row and "opening" in row


@pytest.mark.parametrize(
    ("fmt", "name", "wrong"),
    [
        ("sc13", "form4.snow.xml", "a Form 3, 4 or 5, not a Schedule 13D or 13G"),
        ("form345", "schedule13g.xml", "not a Form 3, 4 or 5"),
    ],
)
def test_a_forced_format_refuses_the_other_form_by_name(
    sqlite_url: str, fmt: str, name: str, wrong: str
) -> None:
    owl(sqlite_url, "init")

    result = owl(sqlite_url, "ingest", "--format", fmt, str(DATA / name))

    assert result.exit_code == 1
    assert name in result.output and wrong in result.output
    assert "nothing was written" in result.output


def test_owl_ownership_shows_indirect_holdings_and_rights_apart(sqlite_url: str) -> None:
    owl(sqlite_url, "init")
    owl(sqlite_url, "ingest", str(DATA / "form5.snow.xml"), str(DATA / "form4.snow.xml"))

    shown = owl(
        sqlite_url,
        "ownership",
        "--issuer",
        "SNOW",
        "--as-of",
        "2022-12-13",
        "--security",
        CLASS_A,
    ).output

    lines = [line.split() for line in shown.splitlines()]
    assert ["McMahon", "John", "Dennis", "331,591", "-"] in lines
    assert ["directly", "54,666"] in lines and ["trust", "(F3)", "151,188"] in lines
    assert ["trust", "(F4)", "125,737"] in lines  # two trusts of one filing, told apart
    assert "Rights to acquire shares:" in shown
    assert "Opened by a filing: McMahon John Dennis on 2021-12-23: 116,052 shares" in shown


def test_owl_explain_shows_the_filing_evidence_and_the_open_break(sqlite_url: str) -> None:
    owl(sqlite_url, "init")
    owl(sqlite_url, "ingest", str(DATA / "form5.snow.xml"), str(DATA / "schedule13d.xml"))

    gift = owl(
        sqlite_url, "explain", "--issuer", "SNOW", "--as-of", "2022-01-31", "--person",
        "McMahon John Dennis",
    ).output  # fmt: skip
    group = owl(
        sqlite_url, "explain", "--issuer", "1422142", "--as-of", "2024-12-31", "--person",
        "Leonard Braden Michael",
    ).output  # fmt: skip

    assert "transaction code G (non-derivative transaction 1)" in gift
    assert "Represents shares that the Reporting Person transferred for no consideration." in gift
    assert "Open break: BML Investment Partners, L.P. et al. reports +2,435,000" in group


def test_a_class_is_named_without_regard_to_case_and_an_unknown_one_is_refused(
    ledger: Ledger,
) -> None:
    ingest(ledger, "form3.snow.nonderiv.xml", "form3.snow.xml")

    loose = ledger.ownership("SNOW", "2020-09-30", security="class a  common stock")
    with pytest.raises(LedgerError) as caught:
        ledger.ownership("SNOW", "2020-09-30", security="Class Z")

    assert loose["security"] == CLASS_A and loose["holders"][0]["shares"] == 6_125_376
    assert str(caught.value) == (
        "no class 'Class Z' in SNOW by 2020-09-30; its classes: 'Common Stock', "
        "'Class A Common Stock', 'Class B Common Stock'"
    )


def garrett_spelled_twice(ledger: Ledger, tmp_path: Path) -> None:
    """Mark Garrett's Form 3, then a copy a day later spelling his name the other way round."""
    text = (DATA / "form3.snow.xml").read_text()
    respelled = tmp_path / "form3.again.xml"
    respelled.write_text(
        text.replace("GARRETT MARK", "Mark Garrett").replace(
            "<periodOfReport>2020-09-15", "<periodOfReport>2020-09-16"
        )
    )
    ingest(ledger, "form3.snow.xml")
    ledger.ingest(str(respelled), recorded_at=AT)


def test_one_cik_spelled_two_ways_is_one_person(ledger: Ledger, tmp_path: Path) -> None:
    garrett_spelled_twice(ledger, tmp_path)
    logged = events(ledger, "SNOW")
    named = {getattr(e, f) for e in logged for f in type(e).persons if getattr(e, f, None)}
    (again,) = [e for e in logged if e.type == "PersonIdentified" and e.as_filed]

    assert "Mark Garrett" not in named
    assert (again.person, again.cik, again.as_filed) == (
        "GARRETT MARK",
        "0001246215",
        "Mark Garrett",
    )


def test_a_person_is_found_by_any_spelling_a_filing_gave_and_without_regard_to_case(
    ledger: Ledger, tmp_path: Path
) -> None:
    garrett_spelled_twice(ledger, tmp_path)

    for asked in ("GARRETT MARK", "Mark Garrett", "  garrett   mark "):
        assert ledger.timeline("SNOW", person=asked)["person"] == "GARRETT MARK"


def test_one_ticker_two_issuers_over_time_stay_two_issuers(ledger: Ledger, tmp_path: Path) -> None:
    text = (DATA / "form3.snow.xml").read_text()
    later = tmp_path / "form3.other-issuer.xml"
    later.write_text(
        text.replace("<issuerCik>0001640147", "<issuerCik>0009999999")
        .replace("<periodOfReport>2020-09-15", "<periodOfReport>2023-01-03")
        .replace("GARRETT MARK", "Other Owner")
        .replace("0001246215", "0008888888")
    )

    ingest(ledger, "form3.snow.xml")
    ledger.ingest(str(later), recorded_at=AT)

    assert ledger.issuers() == ["CIK0009999999", "SNOW"]
    assert ledger.status("SNOW", "2021-06-30")["issuer"] == "SNOW"
    assert ledger.status("SNOW", "2023-06-30")["issuer"] == "CIK0009999999"
    with pytest.raises(LedgerError, match=r"'SNOW' has named more than one issuer: SNOW \("):
        ledger.timeline("SNOW")
    assert ledger.timeline("CIK0009999999")["issuer"] == "CIK0009999999"


def test_a_filing_disposing_of_more_than_the_ledger_knows_is_evidence_not_refused(
    ledger: Ledger,
) -> None:
    known = ev(
        "SharesPurchased",
        "2021-06-01",
        "SNOW",
        holder="McMahon John Dennis",
        shares=1_000,
        security=CLASS_A,
        event_id="partial-history",
    )
    ledger.append(pending(known), recorded_at="2026-10-01T00:00:00Z")

    result = ingest(ledger, "form5.snow.xml")  # a gift of 61,386 leaving 54,666 direct

    view = ledger.ownership("SNOW", "2021-12-31", security=CLASS_A)
    direct = [h for h in view["holders"] if h["holder"] == "McMahon John Dennis"]
    found = [b for b in breaks(ledger, "SNOW") if b["holder"] == "McMahon John Dennis"]
    assert result.appended == 7  # nothing refused
    assert [h["shares"] for h in direct] == [54_666]  # the account follows the filing
    (opened,) = [b for b in found if b["reported"] == 116_052]  # the row's implied position
    # The filing's holding before its row is followed: one break, named, and the gift then
    # leaves what the filing says (no second break, no position below zero).
    assert (opened["computed"], opened["kind"], opened["followed"]) == (1_000, "break", True)
    assert opened["cause"] == f"{UNEXPLAINED}; the account follows the filing's holding"
    assert [b["reported"] for b in found if b["kind"] == "break"] == [116_052]


def original_of_the_4a(tmp_path: Path) -> Path:
    """The Form 4 the 4/A amends, as it might have been filed: the gift written 4,690."""
    text = (DATA / "form4A.lrcx.txt").read_text()
    original = (
        text.replace("0000707549-25-000004", "0000707549-24-000099")
        .replace("FILED AS OF DATE:\t\t20250121", "FILED AS OF DATE:\t\t20241104")
        .replace("<documentType>4/A</documentType>", "<documentType>4</documentType>")
        .replace("<dateOfOriginalSubmission>2024-11-04</dateOfOriginalSubmission>", "")
        .replace("<value>3690</value>", "<value>4690</value>")
        .replace("<value>30630</value>", "<value>31630</value>")
    )
    assert original.count("4690") == 2 and "20241104" in original
    path = tmp_path / "form4.lrcx.original.txt"
    path.write_text(original)
    return path


def test_a_form_4a_replaces_the_rows_of_the_form_4_it_amends(
    ledger: Ledger, tmp_path: Path
) -> None:
    ledger.ingest(str(original_of_the_4a(tmp_path)), recorded_at=AT)
    amended = ingest(ledger, "form4A.lrcx.txt")

    logged = events(ledger, "LRCX")
    voided = {e.voids for e in logged if e.type == "EventVoided"}
    rows = [e for e in logged if e.filing is not None and e.filing.row is not None]
    live = [e.event_id.split(":")[0] for e in rows if e.event_id not in voided]
    (ahmed,) = ledger.ownership("LRCX", "2024-11-30")["holders"]

    assert amended.appended == 14  # six voids, then the amendment's own events
    assert {v.split(":")[0] for v in voided} == {"0000707549-24-000099"}
    assert set(live) == {"0000707549-25-000004"}  # only the amended rows count
    assert (ahmed["shares"], ahmed["indirect"]) == (
        30_630,
        [{"nature": "by trust", "shares": 30_630}],
    )
    assert ingest(ledger, "form4A.lrcx.txt").appended == 0  # and again: already present


def test_a_class_may_be_asked_for_by_its_title_exactly_as_filed(ledger: Ledger) -> None:
    ingest(ledger, "form5.snow.xml")

    filed = "Class A Common Stock, par value $0.0001 per share"
    view = ledger.ownership("SNOW", "2021-12-31", security=filed)

    assert view["security"] == CLASS_A
    assert (
        ledger.ownership("SNOW", "2021-12-31", security="class a  COMMON stock")["security"]
        == CLASS_A
    )
    with pytest.raises(LedgerError, match="no class 'Class Z Common Stock' in SNOW"):
        ledger.ownership("SNOW", "2021-12-31", security="Class Z Common Stock")


def test_filings_of_one_date_apply_in_the_order_edgar_accepted_them_whatever_the_order_given(
    ledger: Ledger, tmp_path: Path
) -> None:
    """AAR's Form 4 (a sale of 1,500 leaving 37,565), then a second one the same day an hour
    later (a sale of 500 leaving 37,065), given in reverse order in one ingest."""
    first = (DATA / "0001127602-25-001055.txt").read_text()
    second = (
        first.replace("0001127602-25-001055", "0001127602-25-001056")
        .replace("<ACCEPTANCE-DATETIME>20250110160730", "<ACCEPTANCE-DATETIME>20250110170730")
        .replace("<value>1500</value>", "<value>500</value>")
        .replace("<value>37565</value>", "<value>37065</value>")
    )
    (tmp_path / "b.txt").write_text(second)
    (tmp_path / "a.txt").write_text(first)

    ledger.ingest([str(tmp_path / "b.txt"), str(tmp_path / "a.txt")], recorded_at=AT)

    (row,) = ledger.ownership("AIR", "2025-01-31")["holders"]
    assert row["shares"] == 37_065  # the later filing's holding, as filed
    assert ledger.reconcile("AIR")["breaks"] == []
