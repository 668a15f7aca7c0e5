"""Older Schedules 13D and 13G (plain text and HTML, 1994 to 2024) read from real filings
(tests/data/sec/sc13_text, sources in tests/data/sec/README.md): every reporting person's
figures as the cover page states them, the dates, the rule; and what cannot be read is refused
naming the cover page and the item."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

import pytest

from owl.ledger.feeds.sec.edgar import Company, TextDocument, read_submission, unwrap
from owl.ledger.feeds.sec.errors import FilingRefused
from owl.ledger.feeds.sec.feed import kind_of, schedule_of
from owl.ledger.feeds.sec.schedule13 import Schedule13Filing
from owl.ledger.feeds.sec.schedule_text import parse_schedule_text

DATA = Path(__file__).parent / "data" / "sec" / "sc13_text"


class P(NamedTuple):
    """One cover page's person: powers (sole/shared voting, sole/shared dispositive), the
    aggregate, the percent and the type codes, as the filing states them."""

    name: str
    sole_voting: int | None
    shared_voting: int | None
    sole_dispositive: int | None
    shared_dispositive: int | None
    aggregate: int
    percent: str
    types: tuple[str, ...]


class F(NamedTuple):
    """A filing: form, amendment no., date of event, filing date, 13G rule, issuer CIK."""

    form: str
    amendment: int | None
    event: date | None
    filed: date | None
    rules: tuple[str, ...]
    issuer_cik: str | None
    persons: tuple[P, ...]


def d(text: str) -> date:
    return date.fromisoformat(text)


EXPECTED: dict[str, F] = {
    # Before 17 February 1998: full submissions, no rule box, no date-of-event line on the 13Gs.
    "0000729057-94-000056.txt": F("SC 13G", None, None, d("1994-02-09"), (), "0000056873", (
        P("The Prudential Insurance Company of America", 57_700, 13_861, 57_700, 35_161,
          6_092_861, "5.7", ("BD", "IC", "IA")),
    )),
    "0000028412-94-000011.txt": F("SC 13G", 16, None, d("1994-02-14"), (), "0000037996", (
        P("Comerica Bank", 4_233_013, 71_345_814, 1_044_735, 74_683_491, 75_736_074, "16.56",
          ("BK",)),
    )),
    "0000820027-94-000086.txt": F("SC 13G", None, None, d("1994-02-14"), (), "0000721371", (
        P("American Express Company", 0, 1_094_000, 0, 1_267_756, 1_267_756, "5.5", ("CO", "HC")),
        P("IDS Financial Corporation", 0, 1_094_000, 0, 1_258_200, 1_258_200, "5.5", ("CO", "IA")),
    )),
    "0000950123-96-000565.txt": F("SC 13G", None, None, d("1996-02-13"), (), "0000887247", (
        P("Neutrogena Corporation", 0, 475_560, 0, 475_560, 475_560, "12.61", ("CO",)),
        P("Johnson & Johnson", 0, 475_560, 0, 475_560, 475_560, "12.61", ("CO",)),
    )),
    "0000950103-97-000084.txt": F("SC 13G", None, None, d("1997-02-10"), (), "0001023052", (
        P("CVS CORPORATION", 6_267_758, 0, 6_267_758, 0, 6_267_758, "32.5", ("CO",)),
    )),
    # 1998 to 2010: full submissions, and four documents without their header.
    "0000077476-99-000018.txt": F("SC 13G", None, d("1999-03-30"), d("1999-04-08"),
                                  ("13d-1(d)",), "0001076405", (
        P("PepsiCo, Inc.", 55_005_679, 0, 55_005_679, 0, 55_005_679, "35.5", ("CO",)),
    )),
    "0000769993-99-000373.txt": F("SC 13G/A", 1, d("1999-04-30"), d("1999-05-10"),
                                  ("13d-1(b)",), "0000935007", (
        P("Goldman, Sachs & Co.", 0, 0, 0, 0, 0, "0.0", ("BD", "PN", "IA")),
        P("The Goldman Sachs Group, Inc.", 0, 0, 0, 0, 0, "0.0", ("HC", "CO")),
    )),
    "0000315066-00-000956.txt": F("SC 13G/A", 5, None, d("2000-06-09"), (), "0000064803", (
        P("FMR Corp.", 394_296, 0, 29_450_282, 0, 29_450_282, "7.547", ("HC",)),
        P("Edward C. Johnson 3d", 0, 0, 29_450_282, 0, 29_450_282, "7.547", ("IN",)),
        P("Abigail P. Johnson", 0, 0, 29_450_282, 0, 29_450_282, "7.547", ("IN",)),
    )),
    "0000898430-00-001926.txt": F("SC 13D", None, d("2000-06-19"), d("2000-06-27"), (),
                                  "0000054182", (
        P("J Acquisition Corp.", None, 5_104_780, None, 5_104_780, 5_104_780, "19.8", ("CO",)),
        P("BERKSHIRE HATHAWAY INC.", None, 5_104_780, None, 5_104_780, 5_104_780, "19.8",
          ("HC", "CO")),
        P("WARREN E. BUFFETT", None, 5_104_780, None, 5_104_780, 5_104_780, "19.8", ("IN",)),
    )),
    "0000019617-00-000142.txt": F("SC 13G/A", 1, d("2000-08-01"), d("2000-09-01"),
                                  ("13d-1(b)",), "0000897429", (
        P("The Chase Manhattan Corporation", 666_911, 0, 667_125, 0, 667_125, "3.872",
          ("HC", "BK")),
        P("The Chase Manhattan Bank", 666_911, 0, 667_125, 0, 667_125, "3.872", ("HC", "BK")),
    )),
    "0000898430-00-003147.txt": F("SC 13G", None, d("2000-10-19"), d("2000-10-30"),
                                  ("13d-1(c)",), "0000776867", (
        P("Warren E. Buffett", 0, 1_170_000, 0, 1_170_000, 1_170_000, "19.9", ("IN",)),
        P("Berkshire Hathaway Inc.", 0, 1_170_000, 0, 1_170_000, 1_170_000, "19.9", ("CO",)),
    )),
    "0000950144-01-001493_g66574sc13d.txt": F("SC 13D", None, d("2001-01-15"), None, (), None, (
        P("United Parcel Service, Inc.", 0, 4_392_742, 0, 4_392_742, 4_392_742, "53.0", ("CO",)),
        P("Stag Merger Company, Inc.", 0, 4_392_742, 0, 4_392_742, 4_392_742, "53.0", ("CO",)),
    )),
    "0000950123-01-001342_y45572sc13ga.txt": F("SC 13G/A", 1, d("1999-12-31"), None,
                                               ("13d-1(c)",), None, (
        P("Johnson & Johnson", 0, 0, 0, 0, 0, "0", ("CO",)),
        P("Johnson & Johnson Development Corporation", 0, 0, 0, 0, 0, "0", ("CO",)),
    )),
    "0000950109-01-500508_dsc13g.txt": F("SC 13G", None, d("2000-12-31"), None, ("13d-1(d)",),
                                         None, (
        P("Verizon Communications Inc.", 0, 19_323_666, 0, 19_323_666, 19_323_666, "10", ("CO",)),
        P("GTE Corporation", 0, 19_323_666, 0, 19_323_666, 19_323_666, "10", ("CO",)),
    )),
    "0000922423-02-000037_kl01007_sc13g.txt": F("SC 13G", None, d("2001-12-31"), None,
                                                ("13d-1(b)",), None, (
        P("Gilder, Gagnon, Howe & Co. LLC", 0, 0, 0, 670_000, 670_000, "6.7", ("BD",)),
    )),
    "0000080835-02-000007.txt": F("SC 13G", 0, None, d("2002-02-07"), (), "0001071739", (
        P("Provident Investment Counsel, Inc.", 539_980, 0, 601_790, 0, 601_790, "6",
          ("CO", "IA")),
        P("Robert M. Kommerstad", 0, 0, 0, 0, 0, "0", ()),
    )),
    # 2011 to 2013: bare HTML primary documents; 2024: full submissions (HTML, then text).
    "000119312511023336_dsc13g.htm": F("SC 13G", None, d("2010-12-31"), None, ("13d-1(d)",),
                                       None, (
        P("Elon R. Musk", 28_356_418, 28_356_418, 28_356_418, 28_356_418, 28_356_418, "29.06",
          ("IN",)),
    )),
    "000119312512060227_d301928dsc13ga.htm": F("SC 13G/A", 1, d("2011-12-31"), None,
                                               ("13d-1(d)",), None, (
        P("Elon R. Musk", 31_466_379, 31_466_379, 31_466_379, 31_466_379, 31_466_379, "28.90",
          ("IN",)),
    )),
    "000119312512512480_d457434dsc13d.htm": F("SC 13D", None, d("2012-12-12"), None, (), None, (
        P("Elon Musk", 20_724_991, 0, 20_724_991, 0, 20_724_991, "28.34", ("IN",)),
    )),
    "000119312513059336_d487044dsc13ga.htm": F("SC 13G/A", 2, d("2012-12-31"), None,
                                               ("13d-1(d)",), None, (
        P("Elon R. Musk", 33_076_212, 33_076_212, 33_076_212, 33_076_212, 33_076_212, "27.5",
          ("IN",)),
    )),
    "000119312513059589_d487108dsc13g.htm": F("SC 13G", None, d("2012-12-31"), None,
                                              ("13d-1(d)",), None, (
        P("Max Levchin", 6_527_090, None, 6_527_090, None, 6_527_090, "24.2", ("IN",)),
    )),
    "000119312513100718_d500017dsc13ga.htm": F("SC 13G/A", 1, d("2012-12-31"), None,
                                               ("13d-1(d)",), None, (
        P("Max Levchin", 6_527_090, None, 6_527_090, None, 6_527_090, "21.8", ("IN",)),
    )),
    "0000019617-24-000012.txt": F("SC 13G/A", 2, d("2023-12-29"), d("2024-01-04"),
                                  ("13d-1(b)",), "0000034903", (
        P("JPMORGAN CHASE & CO.", 2_459_100, 25, 4_022_435, 743, 4_024_573, "4.9", ("HC",)),
    )),
    "0000895421-24-000024.txt": F("SC 13G/A", 1, d("2023-12-31"), d("2024-02-08"),
                                  ("13d-1(b)",), "0001834584", (
        P("Morgan Stanley", 0, 78_114_639, 0, 81_988_740, 81_988_740, "5.1", ("HC", "CO")),
        P("Morgan Stanley Investment Management Inc.", 0, 77_270_928, 0, 81_086_822, 81_086_822,
          "5.0", ("IA", "CO")),
    )),
}  # fmt: skip
REFUSED = {
    "0000950123-95-000231.txt": "header only: the submission (SC 13G, filed 1995-02-08) holds no "
    "document to read",
    "0000950112-94-000008.txt": "no cover page: no item 'Name of Reporting Person' (an amendment "
    "may restate only its text, reporting no holding)",
}


def read(name: str) -> Schedule13Filing:
    """A schedule as `owl ingest` reads it: unwrapped, then read with its header's facts."""
    submission = read_submission(DATA / name)
    (document,) = [d for d in submission.documents if isinstance(d, TextDocument)]
    return schedule_of(document, name, submission, submission.filing_date)


def figures(filing: Schedule13Filing) -> tuple[P, ...]:
    def whole(value: Decimal | None) -> int | None:
        return None if value is None else int(value)

    return tuple(
        P(
            p.name,
            whole(p.sole_voting_power),
            whole(p.shared_voting_power),
            whole(p.sole_dispositive_power),
            whole(p.shared_dispositive_power),
            int(p.aggregate_amount_owned or 0),
            p.percent_of_class or "",
            p.types_of_reporting_person,
        )
        for p in filing.reporting_persons
    )


def test_every_copied_filing_is_either_read_or_refused_here() -> None:
    assert sorted(p.name for p in DATA.iterdir()) == sorted([*EXPECTED, *REFUSED])
    assert len(EXPECTED) + len(REFUSED) == 26


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_reporting_person_has_the_figures_its_cover_page_states(name: str) -> None:
    expected = EXPECTED[name]

    filing = read(name)

    assert figures(filing) == expected.persons
    assert (filing.submission_type, filing.amendment_number) == (expected.form, expected.amendment)
    assert (filing.date_of_event, filing.filed_on) == (expected.event, expected.filed)
    assert (filing.rules, filing.issuer_cik) == (expected.rules, expected.issuer_cik)
    assert filing.schedule == expected.form[3:6]
    assert filing.written_as == ("html" if name.endswith(".htm") or "24-000012" in name else "text")


@pytest.mark.parametrize(("name", "reason"), sorted(REFUSED.items()))
def test_a_filing_with_nothing_to_read_is_refused_by_name(name: str, reason: str) -> None:
    with pytest.raises(FilingRefused) as refused:
        read(name)

    assert str(refused.value) == f"{name}: {reason}"


def test_the_first_pages_give_issuer_class_and_cusip() -> None:
    tesla = read("000119312511023336_dsc13g.htm")
    solarcity = read("000119312512512480_d457434dsc13d.htm")
    ford = read("0000028412-94-000011.txt")

    assert (tesla.issuer_name, tesla.issuer_cusips) == ("Tesla Motors, Inc.", ("88160R101",))
    assert tesla.securities_class_title == "Common Stock, $0.001 par value per share"
    assert (solarcity.issuer_name, solarcity.issuer_cusips) == ("SolarCity Corporation",
                                                                 ("83416T100",))  # fmt: skip
    assert (ford.issuer_name, ford.issuer_cusips) == ("FORD MOTOR CO", ("345370100",))  # header
    assert ford.securities_class_title == "$1.00 Par Value Common Stock"


def test_the_header_gives_filer_acceptance_and_the_filers_cik_to_its_own_cover_page() -> None:
    jpm = read("0000019617-24-000012.txt")
    chase = read("0000019617-00-000142.txt")
    kroger = read("0000729057-94-000056.txt")

    assert (jpm.filer_cik, jpm.accepted_at) == ("0000019617", datetime(2024, 1, 4, 8, 11, 3))
    assert [p.cik for p in jpm.reporting_persons] == ["0000019617"]
    # "CHASE MANHATTAN CORP /DE/" files; only its own cover page is that CIK
    assert [p.cik for p in chase.reporting_persons] == ["0000019617", None]
    assert kroger.accepted_at is None  # 1994: the header has no acceptance time


def test_a_cover_page_naming_two_persons_reports_them_together() -> None:
    chase = read("0000019617-00-000142.txt")

    assert [p.citizenship_or_organization for p in chase.reporting_persons] == [
        "The Chase Manhattan Corporation - Delaware The Chase Manhattan Bank - New York"
    ] * 2


def test_a_13g_checking_13d1c_before_17_february_1998_is_read_as_13d1d() -> None:
    body = (DATA / "0000898430-00-003147.txt").read_text()  # checks (c), filed 2000-10-30

    before = parse_schedule_text(body, "wm.txt", "SC 13G", filed_on=date(1998, 2, 16))
    on_the_day = parse_schedule_text(body, "wm.txt", "SC 13G", filed_on=date(1998, 2, 17))
    undated = parse_schedule_text(body, "wm.txt", "SC 13G")  # its date of event, 2000-10-19

    assert before.rules == ("13d-1(d)",)
    assert on_the_day.rules == undated.rules == ("13d-1(c)",)


def test_a_bare_document_is_told_by_its_cover_and_a_wrapped_one_by_its_type() -> None:
    bare = read_submission(DATA / "000119312512512480_d457434dsc13d.htm")
    wrapped = read_submission(DATA / "0000950144-01-001493_g66574sc13d.txt")
    full = read_submission(DATA / "0000820027-94-000086.txt")

    assert [(d.type, kind_of(d)) for d in bare.documents] == [(None, "sc13")]
    assert [(d.type, kind_of(d)) for d in wrapped.documents] == [("SC 13D", "sc13")]
    assert bare.accession_number is wrapped.accession_number is None
    assert [d.type for d in full.documents] == ["SC 13G"]  # four exhibits are not forms
    assert full.subject == Company("0000721371", "CARDINAL DISTRIBUTION INC")
    assert full.filers == (Company("0000820027", "IDS FINANCIAL CORP/MN/"),)


def test_a_letter_that_is_no_schedule_is_still_refused() -> None:
    with pytest.raises(FilingRefused, match=r"^letter\.htm: not an EDGAR submission"):
        unwrap("<html><body><p>Dear shareholder, Schedule 13G</p></body></html>", "letter.htm")


# --- What cannot be read ------------------------------------------------------------------------


def ford(old: str, new: str) -> str:
    text = (DATA / "0000028412-94-000011.txt").read_text()
    assert old in text
    return text.replace(old, new, 1)  # the cover page comes before the body's Item 4


def refusal(body: str, form: str = "SC 13G") -> str:
    with pytest.raises(FilingRefused) as refused:
        parse_schedule_text(body, "bad.txt", form)
    return str(refused.value)


def test_an_aggregate_that_is_no_number_is_refused_naming_cover_page_and_item() -> None:
    reason = refusal(ford("75,736,074", "75,7a6,074"))

    assert reason == (
        "bad.txt: cover page 1 (item 9, aggregate amount): cannot read '75,7a6,074' as a number "
        "of shares"
    )


def test_an_aggregate_referring_elsewhere_is_refused_not_read_as_that_items_number() -> None:
    reason = refusal(ford("75,736,074", "See Item 4"))

    assert reason.endswith(
        "(item 9, aggregate amount): cannot read 'See Item 4' as a number of shares"
    )


def test_a_blank_aggregate_is_refused_and_a_blank_power_is_no_figure() -> None:
    blank = refusal(ford("75,736,074", ""))
    power = parse_schedule_text(ford("4,233,013", ""), "ford.txt", "SC 13G")

    assert blank == "bad.txt: cover page 1 (item 9, aggregate amount): no figure given (blank)"
    assert power.reporting_persons[0].sole_voting_power is None


def test_a_second_cover_page_without_its_aggregate_is_refused_by_number() -> None:
    text = (DATA / "0000769993-99-000373.txt").read_text()
    second = text.index("The Goldman Sachs Group, Inc.\n")
    garbled = text[:second] + text[second:].replace("Aggregate Amount Beneficially", "Total", 1)

    assert refusal(garbled, "SC 13G/A") == (
        "bad.txt: cover page 2 (item 9, aggregate amount): not found"
    )


def test_a_13d_names_its_own_item_numbers() -> None:
    text = (DATA / "0000950144-01-001493_g66574sc13d.txt").read_text()
    second = text.index("Stag Merger Company, Inc.\n")
    garbled = text[:second] + text[second:].replace("53.0%", "153.0%", 1)

    assert refusal(garbled, "SC 13D") == (
        "bad.txt: cover page 2 (item 13, percent of class): 153.0% is more than the whole class"
    )


def test_a_percent_that_cannot_be_read_is_refused() -> None:
    assert refusal(ford("16.56%", "sixteen")) == (
        "bad.txt: cover page 1 (item 11, percent of class): cannot read 'sixteen' as a percent"
    )


def test_a_date_of_event_that_is_no_date_is_refused() -> None:
    text = (DATA / "0000077476-99-000018.txt").read_text().replace("March 30, 1999", "Spring", 1)

    assert refusal(text) == (
        "bad.txt: date of event which requires filing: cannot read 'Spring' as a date"
    )


def test_words_hidden_in_html_scripts_and_styles_are_not_read() -> None:
    html = (DATA / "000119312513059589_d487108dsc13g.htm").read_text()
    hidden = "<script>Aggregate Amount Beneficially Owned 999</script><style>p{}</style>"
    planted = html.replace("<BODY", hidden + "<BODY", 1)

    filing = parse_schedule_text(planted, "planted.htm", "SC 13G")

    assert figures(filing) == EXPECTED["000119312513059589_d487108dsc13g.htm"].persons


def test_a_type_that_is_not_a_schedule_is_refused() -> None:
    body = (DATA / "0000028412-94-000011.txt").read_text()

    assert refusal(body, "10-K") == "bad.txt: <TYPE>: '10-K' is not a Schedule 13D or 13G"


@pytest.mark.parametrize(
    ("html", "reason"),
    [
        (
            "<html><body>SCHEDULE 13G Securities Exchange Act of 1934" + "<div>" * 150,
            "deep.htm: HTML nested more than 100 deep; refused",
        ),
        (
            "<html><body>" + "<p>x</p>" * 60_000,
            "deep.htm: more than 100,000 HTML tags; refused unread",
        ),
    ],
)
def test_html_too_deep_or_too_large_is_refused_before_it_costs_time(html: str, reason: str) -> None:
    with pytest.raises(FilingRefused) as refused:
        unwrap(html, "deep.htm")

    assert str(refused.value) == reason
