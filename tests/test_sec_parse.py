"""The SEC parsers on real filings (tests/data/sec): each figure as filed; hostile input refused."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from owl.ledger.errors import LedgerError
from owl.ledger.feeds.sec.edgar import read_submission, unwrap
from owl.ledger.feeds.sec.errors import FilingRefused, FractionalShares
from owl.ledger.feeds.sec.form345 import Footnoted, OwnershipDocument, filed_shares, parse_ownership
from owl.ledger.feeds.sec.schedule13 import Schedule13Filing, parse_schedule13
from owl.ledger.feeds.sec.xmlnode import MAX_BYTES

DATA = Path(__file__).parent / "data" / "sec"
BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<ownershipDocument><documentType>&lol3;</documentType></ownershipDocument>
"""
EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE ownershipDocument [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<ownershipDocument><remarks>&secret;</remarks></ownershipDocument>
"""


def ownership(name: str) -> OwnershipDocument:
    return parse_ownership((DATA / name).read_bytes(), name)


def schedule(name: str) -> Schedule13Filing:
    return parse_schedule13((DATA / name).read_bytes(), name)


def shares(values: list[Footnoted[Decimal]]) -> list[int | Decimal | None]:
    return [filed_shares(v.value) for v in values]


# EDGAR submissions


def test_a_full_txt_submission_gives_its_accession_number_form_type_and_filing_date() -> None:
    submission = read_submission(DATA / "0001127602-25-001055.txt")

    assert submission.accession_number == "0001127602-25-001055"
    assert submission.form_type == "4"
    assert submission.filing_date == date(2025, 1, 10)


def test_a_txt_submission_yields_its_xml_form_and_leaves_out_the_html_exhibit() -> None:
    submission = read_submission(DATA / "0001127602-25-001055.txt")

    assert [(d.type, d.sequence, d.filename) for d in submission.documents] == [
        ("4", "1", "form4.xml")
    ]
    assert submission.documents[0].xml.startswith('<?xml version="1.0"?>')


def test_the_form4_inside_the_txt_submission_is_a_sale_of_1500_leaving_37565() -> None:
    submission = read_submission(DATA / "0001127602-25-001055.txt")

    form = parse_ownership(submission.documents[0].xml, submission.document)

    (row,) = form.non_derivative
    assert (row.kind, row.index, row.transaction_code) == ("non_derivative_transaction", 1, "S")
    assert shares([row.shares, row.shares_owned_following]) == [1500, 37565]
    assert (row.acquired_disposed.value, row.direct_or_indirect.value) == ("D", "D")
    assert row.price_per_share == Footnoted(Decimal("66.903"), ("F1",))
    assert form.issuer.trading_symbol == "AIR"


def test_an_nc_submission_written_on_one_line_gives_its_header_facts() -> None:
    submission = read_submission(DATA / "0001127602-25-004598.nc")

    assert submission.accession_number == "0001127602-25-004598"
    assert submission.form_type == "4"
    assert submission.filing_date == date(2025, 2, 13)
    assert [d.filename for d in submission.documents] == ["form4.xml"]


def test_the_nc_submission_awards_2193_then_withholds_1009_for_tax_the_same_day() -> None:
    submission = read_submission(DATA / "0001127602-25-004598.nc")

    form = parse_ownership(submission.documents[0].xml, submission.document)

    assert [
        (r.index, r.transaction_date.value, r.transaction_code, r.acquired_disposed.value)
        for r in form.non_derivative
    ] == [(1, date(2025, 2, 12), "A", "A"), (2, date(2025, 2, 12), "F", "D")]
    assert shares([r.shares for r in form.non_derivative]) == [2193, 1009]
    assert shares([r.shares_owned_following for r in form.non_derivative]) == [21878, 20869]


def test_a_bare_xml_file_is_one_document_with_no_header_facts() -> None:
    submission = read_submission(DATA / "form4.snow.xml")

    assert (submission.accession_number, submission.form_type, submission.filing_date) == (
        None,
        None,
        None,
    )
    assert len(submission.documents) == 1
    assert submission.documents[0].xml.startswith("<ownershipDocument>")


def test_a_submission_without_an_accession_number_is_refused() -> None:
    text = "<SEC-DOCUMENT>\n<SEC-HEADER>\nCONFORMED SUBMISSION TYPE:\t4\n</SEC-HEADER>\n"

    with pytest.raises(FilingRefused) as refused:
        unwrap(text, "headless.txt")

    assert str(refused.value) == (
        "headless.txt: <ACCESSION NUMBER>: none found; not of the form 0000000000-00-000000"
    )


def test_text_that_is_neither_a_submission_nor_xml_is_refused_naming_the_file() -> None:
    with pytest.raises(FilingRefused, match=r"^notes\.txt: not an EDGAR submission"):
        unwrap(b"Dear shareholder,\n", "notes.txt")


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as sparse:
        sparse.truncate(MAX_BYTES + 1)

    with pytest.raises(FilingRefused, match=r"^huge\.txt: .* refused"):
        read_submission(huge)


# Form 4: Snowflake, the CFO's option exercise and sales


def test_form4_snow_opens_with_the_option_exercise_adding_200000_shares() -> None:
    first = ownership("form4.snow.xml").non_derivative[0]

    assert (first.transaction_code, first.acquired_disposed.value) == ("M", "A")
    assert filed_shares(first.shares.value) == 200_000
    assert first.transaction_date.value == date(2022, 12, 13)


def test_form4_snow_then_reports_five_sales() -> None:
    form = ownership("form4.snow.xml")

    sales = form.non_derivative_transactions[1:]

    assert [(r.transaction_code, r.acquired_disposed.value) for r in sales] == [("S", "D")] * 5
    assert shares([r.shares for r in sales]) == [73170, 74907, 41986, 5496, 4441]


def test_form4_snow_states_the_holding_after_each_transaction() -> None:
    form = ownership("form4.snow.xml")

    after = shares([r.shares_owned_following for r in form.non_derivative_transactions])

    assert after == [301_097, 227_927, 153_020, 111_034, 105_538, 101_097]


def test_form4_snow_reports_eight_indirect_trust_holdings() -> None:
    holdings = ownership("form4.snow.xml").non_derivative_holdings

    assert len(holdings) == 8
    assert {(h.direct_or_indirect.value, h.nature_of_ownership.value) for h in holdings} == {
        ("I", "Trust")
    }
    assert shares([h.shares_owned_following for h in holdings]) == [
        577218,
        178947,
        9686,
        2755,
        9686,
        2755,
        9686,
        2755,
    ]


def test_rows_are_numbered_within_their_table_transactions_and_holdings_together() -> None:
    form = ownership("form4.snow.xml")

    assert [r.index for r in form.non_derivative] == list(range(1, 15))
    assert [r.kind for r in form.non_derivative[5:7]] == [
        "non_derivative_transaction",
        "non_derivative_holding",
    ]
    assert [(r.kind, r.index) for r in form.derivative] == [("derivative_transaction", 1)]


def test_form4_snow_exercises_the_option_at_888_leaving_2219299_options() -> None:
    (option,) = ownership("form4.snow.xml").derivative_transactions

    assert option.derivative is not None
    assert option.security_title.value == "Stock Option (Right to Buy)"
    assert option.derivative.conversion_or_exercise_price.value == Decimal("8.88")
    assert option.derivative.expiration_date.value == date(2029, 8, 26)
    assert (option.transaction_code, option.transaction_date.value) == ("M", date(2022, 12, 13))
    assert option.derivative.underlying_title.value == "Class A Common Stock"
    assert shares([option.shares, option.derivative.underlying_shares]) == [200_000, 200_000]
    assert filed_shares(option.shares_owned_following.value) == 2_219_299


def test_a_value_given_only_by_footnote_is_none_with_its_footnote_kept() -> None:
    (option,) = ownership("form4.snow.xml").derivative_transactions

    assert option.derivative is not None
    assert option.derivative.exercise_date == Footnoted(None, ("F16",))


def test_footnote_ids_stay_with_the_values_they_annotate() -> None:
    form = ownership("form4.snow.xml")
    exercise, first_sale = form.non_derivative[0], form.non_derivative[1]

    assert exercise.shares_owned_following == Footnoted(Decimal("301097"), ("F1",))
    assert first_sale.price_per_share == Footnoted(Decimal("150.841"), ("F3",))
    assert first_sale.coding_footnotes == ("F2",)
    assert (first_sale.transaction_form_type, first_sale.equity_swap_involved) == ("4", False)


def test_footnotes_map_ids_to_their_text_with_line_wraps_joined() -> None:
    footnotes = ownership("form4.snow.xml").footnotes

    assert len(footnotes) == 16
    assert footnotes["F2"] == (
        "The sales reported in this Form 4 were effected for financial and tax planning purposes."
    )


def test_form4_snow_is_filed_by_one_officer_the_cfo() -> None:
    form = ownership("form4.snow.xml")

    (owner,) = form.reporting_owners
    assert (owner.cik, owner.name, owner.officer_title) == (
        "0001402349",
        "Scarpelli Michael",
        "Chief Financial Officer",
    )
    assert (owner.is_director, owner.is_officer, owner.is_ten_percent_owner, owner.is_other) == (
        False,
        True,
        False,
        False,
    )
    assert (form.document_type, form.period_of_report) == ("4", date(2022, 12, 13))
    assert (form.issuer.cik, form.issuer.name) == ("0001640147", "Snowflake Inc.")


# Form 3 and Form 5


def test_form3_snow_nonderiv_is_filed_by_berkshire_hathaway_and_warren_buffett() -> None:
    owners = ownership("form3.snow.nonderiv.xml").reporting_owners

    assert [(o.name, o.is_ten_percent_owner) for o in owners] == [
        ("BERKSHIRE HATHAWAY INC", True),
        ("BUFFETT WARREN E", True),
    ]


def test_form3_snow_nonderiv_holds_6125376_class_a_indirectly() -> None:
    form = ownership("form3.snow.nonderiv.xml")

    (holding,) = form.non_derivative_holdings
    assert holding.security_title.value == "Class A Common Stock"
    assert filed_shares(holding.shares_owned_following.value) == 6_125_376
    assert holding.direct_or_indirect.value == "I"
    assert holding.nature_of_ownership == Footnoted("See footnote", ("F1",))
    assert form.footnotes["F1"].startswith("The reported securities are owned directly by Columbia")


def test_form3_snow_holds_series_e_preferred_convertible_into_134018_class_b() -> None:
    preferred = ownership("form3.snow.xml").derivative_holdings[0]

    assert preferred.derivative is not None
    assert preferred.security_title.value == "Series E Preferred Stock"
    assert preferred.derivative.underlying_shares.value == Decimal("134018.0")
    assert filed_shares(preferred.derivative.underlying_shares.value) == 134_018
    assert preferred.derivative.conversion_or_exercise_price == Footnoted(None, ("F1",))
    assert preferred.derivative.expiration_date == Footnoted(None, ("F1",))
    assert (preferred.direct_or_indirect.value, preferred.nature_of_ownership.value) == (
        "I",
        "Limited Partnership",
    )


def test_form3_snow_holds_options_at_374_one_block_direct_and_four_in_trusts() -> None:
    form = ownership("form3.snow.xml")

    options = form.derivative_holdings[1:]

    assert [
        (
            filed_shares(o.derivative.underlying_shares.value),
            o.direct_or_indirect.value,
            o.nature_of_ownership.value,
            o.derivative.conversion_or_exercise_price.value,
            o.derivative.expiration_date.value,
            o.derivative.exercise_date.value,
        )
        for o in options
        if o.derivative is not None
    ] == [(383_594, "D", None, Decimal("3.74"), date(2028, 4, 14), None)] + [
        (95_898, "I", "Trust", Decimal("3.74"), date(2028, 4, 14), None)
    ] * 4
    assert form.reporting_owners[0].name == "GARRETT MARK"
    assert form.reporting_owners[0].is_director
    assert form.non_derivative == ()


def test_a_form3_with_no_securities_owned_parses_with_no_rows() -> None:
    form = ownership("form3.nosecurities.xml")

    assert form.no_securities_owned
    assert (form.non_derivative, form.derivative, dict(form.footnotes)) == ((), (), {})
    assert form.issuer.trading_symbol == "SPWR"
    assert form.remarks == "Exhibit 24.1 - Power of Attorney"


def test_form5_snow_gives_61386_shares_leaving_54666_direct() -> None:
    form = ownership("form5.snow.xml")

    (gift,) = form.non_derivative_transactions
    assert (gift.transaction_code, gift.transaction_form_type, gift.acquired_disposed.value) == (
        "G",
        "5",
        "D",
    )
    assert shares([gift.shares, gift.shares_owned_following]) == [61_386, 54_666]
    assert gift.direct_or_indirect.value == "D"
    assert shares([h.shares_owned_following for h in form.non_derivative_holdings]) == [
        151_188,
        125_737,
    ]


# 374Water: an award from zero, and an option grant whose stated holding differs by 180


def test_374water_awards_757756_shares_from_a_zero_start() -> None:
    form = ownership("374WaterForm4.xml")

    (award,) = form.non_derivative_transactions
    assert (award.transaction_code, award.acquired_disposed.value) == ("A", "A")
    assert shares([award.shares, award.shares_owned_following]) == [757_756, 757_756]
    assert award.equity_swap_involved is False  # written "false", not "0"


def test_374water_grants_options_on_757576_shares_yet_states_757756_after() -> None:
    (grant,) = ownership("374WaterForm4.xml").derivative_transactions

    assert grant.derivative is not None
    assert grant.transaction_code == "A"
    assert shares([grant.shares, grant.derivative.underlying_shares]) == [757_576, 757_576]
    assert filed_shares(grant.shares_owned_following.value) == 757_756
    assert grant.derivative.conversion_or_exercise_price.value == Decimal("0.33")
    assert grant.derivative.expiration_date.value == date(2035, 4, 29)
    assert grant.derivative.exercise_date == Footnoted(None, ("F1",))


def test_relationship_flags_written_true_false_and_left_out_are_read() -> None:
    (owner,) = ownership("374WaterForm4.xml").reporting_owners

    assert (owner.is_officer, owner.is_director, owner.officer_title) == (
        True,
        False,
        "Chief Technology Officer",
    )


# Share amounts as written


def test_a_share_amount_keeps_the_digits_it_was_written_with() -> None:
    submission = read_submission(DATA / "0001127602-25-001055.txt")
    xml = submission.documents[0].xml.replace("<value>1500</value>", "<value>1500.0000</value>")

    (row,) = parse_ownership(xml, "form4.xml").non_derivative

    assert str(row.shares.value) == "1500.0000"
    assert filed_shares(row.shares.value) == 1500


def test_filed_shares_keeps_a_fraction_exactly_and_refuses_one_finer_than_a_millionth() -> None:
    assert filed_shares(Decimal("1786446.4238")) == Decimal("1786446.4238")
    with pytest.raises(FractionalShares, match=r"^10\.1234567 has more than 6 decimal places"):
        filed_shares(Decimal("10.1234567"))


def test_filed_shares_leaves_an_absent_amount_absent() -> None:
    assert filed_shares(None) is None


# Schedules 13D and 13G


def test_schedule13d_reports_two_persons_at_85_and_99_percent() -> None:
    filing = schedule("schedule13d.xml")

    assert [
        (p.cik, p.name, filed_shares(p.aggregate_amount_owned), p.percent_of_class)
        for p in filing.reporting_persons
    ] == [
        ("0001373604", "BML Investment Partners, L.P.", 2_100_000, "8.5"),
        ("0001373603", "Leonard Braden Michael", 2_435_000, "9.9"),
    ]


def test_schedule13d_gives_each_persons_voting_and_dispositive_power() -> None:
    leonard = schedule("schedule13d.xml").reporting_persons[1]

    assert [
        filed_shares(v)
        for v in (
            leonard.sole_voting_power,
            leonard.shared_voting_power,
            leonard.sole_dispositive_power,
            leonard.shared_dispositive_power,
        )
    ] == [335_000, 2_100_000, 335_000, 2_100_000]
    assert (leonard.types_of_reporting_person, leonard.citizenship_or_organization) == (
        ("IN",),
        "X1",
    )


def test_schedule13d_names_its_issuer_class_and_date_of_event() -> None:
    filing = schedule("schedule13d.xml")

    assert (filing.submission_type, filing.schedule, filing.is_amendment) == (
        "SCHEDULE 13D",
        "13D",
        False,
    )
    assert (filing.issuer_cik, filing.issuer_cusips, filing.issuer_name) == (
        "0001422142",
        ("00032Q104",),
        "Aadi Bioscience, Inc.",
    )
    assert filing.securities_class_title == "Common stock, par value $0.0001 per share"
    assert filing.date_of_event == date(2024, 12, 31)
    assert filing.amendment_number is None


def test_the_nested_cusip_13d_has_seven_persons_sharing_6294951_shares_at_119_percent() -> None:
    filing = schedule("schedule13d_nested_cusip.xml")

    persons = filing.reporting_persons

    assert len(persons) == 7  # the shared data README says four; the filing has seven cover pages
    assert {
        (
            filed_shares(p.aggregate_amount_owned),
            filed_shares(p.shared_voting_power),
            filed_shares(p.sole_voting_power),
            p.percent_of_class,
        )
        for p in persons
    } == {(6_294_951, 6_294_951, 0, "11.9")}
    assert persons[0].name == "ARCH Venture Fund XII, L.P."
    assert filing.issuer_cusips == ("81221K108",)
    assert filing.date_of_event == date(2026, 5, 4)


def test_schedule13g_reports_10000000_shares_at_51_percent() -> None:
    filing = schedule("schedule13g.xml")

    assert [
        (p.name, filed_shares(p.aggregate_amount_owned), p.percent_of_class)
        for p in filing.reporting_persons
    ] == [
        ("Marex Securities Products Inc.", 10_000_000, "5.1"),
        ("Marex Group plc", 10_000_000, "5.1"),
    ]
    assert filing.reporting_persons[0].aggregate_amount_owned == Decimal("10000000.00")


def test_schedule13g_persons_have_no_cik_and_mark_group_membership_as_filed() -> None:
    filing = schedule("schedule13g.xml")

    marex = filing.reporting_persons[0]

    assert (marex.cik, marex.member_of_group, marex.types_of_reporting_person) == (
        None,
        "a",
        ("CO",),
    )
    assert filed_shares(marex.sole_voting_power) == 10_000_000
    assert (filing.schedule, filing.issuer_cusips) == ("13G", ("48213Y107",))
    assert filing.date_of_event == date(2025, 11, 19)


def test_schedule13g_amendment_3_reports_7824100_shares_at_222_percent() -> None:
    filing = schedule("schedule13g_nested_cusip.xml")

    assert (filing.submission_type, filing.amendment_number, filing.is_amendment) == (
        "SCHEDULE 13G/A",
        3,
        True,
    )
    assert [
        (filed_shares(p.aggregate_amount_owned), p.percent_of_class, p.types_of_reporting_person)
        for p in filing.reporting_persons
    ] == [(7_824_100, "22.2", ("IA", "PN")), (7_824_100, "22.2", ("HC", "IN"))]
    assert filing.previous_accession_number == "0000902664-25-002420"
    assert (filing.issuer_cik, filing.issuer_cusips) == ("0000723612", ("053774105",))


def test_a_schedule_with_another_submission_type_is_refused() -> None:
    xml = (DATA / "schedule13g.xml").read_text().replace("SCHEDULE 13G<", "SC 13G<")

    with pytest.raises(FilingRefused) as refused:
        parse_schedule13(xml, "sc13g.xml")

    assert str(refused.value) == (
        "sc13g.xml: <edgarSubmission/headerData/submissionType>: "
        "'SC 13G' is not a Schedule 13D or 13G"
    )


def test_a_date_of_event_not_written_mm_dd_yyyy_is_refused_naming_the_element() -> None:
    xml = (DATA / "schedule13d.xml").read_text().replace("12/31/2024", "2024-12-31")

    with pytest.raises(FilingRefused) as refused:
        parse_schedule13(xml, "13d.xml")

    assert str(refused.value) == (
        "13d.xml: <edgarSubmission/formData/coverPageHeader/dateOfEvent>: "
        "'2024-12-31' is not a date of the form MM/DD/YYYY"
    )


# Hostile and broken input


def test_a_billion_laughs_document_is_refused_without_expanding_it() -> None:
    with pytest.raises(FilingRefused, match=r"^laughs\.xml: refused: it declares a DTD"):
        parse_ownership(BILLION_LAUGHS, "laughs.xml")


def test_an_external_entity_is_refused_without_being_fetched() -> None:
    with pytest.raises(FilingRefused, match=r"^xxe\.xml: refused: it declares a DTD"):
        parse_schedule13(EXTERNAL_ENTITY, "xxe.xml")


def test_malformed_xml_is_refused_naming_the_file() -> None:
    broken = (DATA / "form4.snow.xml").read_text().replace("</issuer>", "", 1)

    with pytest.raises(FilingRefused, match=r"^form4\.snow\.xml: malformed XML: mismatched tag"):
        parse_ownership(broken, "form4.snow.xml")


def test_an_unsupported_root_element_is_refused_naming_it() -> None:
    with pytest.raises(FilingRefused) as refused:
        parse_ownership((DATA / "schedule13d.xml").read_bytes(), "schedule13d.xml")

    assert str(refused.value) == (
        "schedule13d.xml: <edgarSubmission>: unsupported root element; expected <ownershipDocument>"
    )


def test_an_unreadable_number_is_refused_naming_the_element_path() -> None:
    xml = (
        (DATA / "form4.snow.xml")
        .read_text()
        .replace("<value>73170</value>", "<value>73,170</value>")
    )

    with pytest.raises(FilingRefused) as refused:
        parse_ownership(xml, "form4.snow.xml")

    assert refused.value.problem.where == (
        "ownershipDocument/nonDerivativeTable/nonDerivativeTransaction[2]"
        "/transactionAmounts/transactionShares/value"
    )
    assert refused.value.problem.reason == "'73,170' is not a number"


def test_an_impossible_date_is_refused() -> None:
    xml = (DATA / "form5.snow.xml").read_text().replace("2021-12-23", "2021-02-30")
    wrong = r"'2021-02-30' does not exist: February 2021 has 28 days$"

    with pytest.raises(FilingRefused, match=wrong):
        parse_ownership(xml, "form5.snow.xml")


def test_a_document_type_other_than_form_3_4_or_5_is_refused() -> None:
    xml = (
        (DATA / "form5.snow.xml")
        .read_text()
        .replace("<documentType>5</documentType>", "<documentType>144</documentType>")
    )

    with pytest.raises(FilingRefused, match=r"<ownershipDocument/documentType>: '144' is not"):
        parse_ownership(xml, "form5.snow.xml")


def test_an_oversized_xml_document_is_refused_unparsed() -> None:
    with pytest.raises(FilingRefused, match=r"^huge\.xml: larger than 52,428,800 bytes"):
        parse_ownership(" " * (MAX_BYTES + 1), "huge.xml")


def test_a_refusal_is_a_ledger_error_and_a_value_error_with_its_problem_as_data() -> None:
    with pytest.raises(FilingRefused) as refused:
        parse_ownership("<ownershipDocument>", "cut.xml")

    assert isinstance(refused.value, LedgerError)
    assert isinstance(refused.value, ValueError)
    assert (refused.value.problem.document, refused.value.problem.where) == ("cut.xml", None)


def test_a_blank_line_before_the_xml_declaration_is_tolerated() -> None:
    raw = (DATA / "schedule13g.xml").read_bytes()

    filing = parse_schedule13(raw, "schedule13g.xml")

    assert raw.startswith(b"\n<?xml")
    assert filing.issuer_name == "Jushi Holdings Inc."


# Hostile input, refused by name


def snow_sale(old: str, new: str) -> str:
    """form4.snow.xml with the first sale's `old` written `new`."""
    text = (DATA / "form4.snow.xml").read_text()
    assert old in text
    return text.replace(old, new, 1)


def test_a_code_other_than_acquired_or_disposed_is_refused_naming_the_element() -> None:
    xml = snow_sale(
        "<transactionAcquiredDisposedCode>\n                    <value>A</value>",
        "<transactionAcquiredDisposedCode>\n                    <value>X</value>",
    )

    with pytest.raises(FilingRefused) as refused:
        parse_ownership(xml, "form4.snow.xml")

    assert refused.value.problem.where.endswith(
        "/transactionAmounts/transactionAcquiredDisposedCode/value"
    )
    assert refused.value.problem.reason == "'X' is neither A (acquired) nor D (disposed)"


def test_a_negative_number_of_shares_is_refused_naming_the_element() -> None:
    xml = snow_sale("<value>73170</value>", "<value>-100</value>")

    with pytest.raises(FilingRefused) as refused:
        parse_ownership(xml, "form4.snow.xml")

    assert refused.value.problem.where.endswith("/transactionAmounts/transactionShares/value")
    assert refused.value.problem.reason == "'-100' is negative; an amount is never below zero"


def test_bytes_that_are_not_utf8_are_refused_not_read_as_latin1() -> None:
    raw = (DATA / "0001127602-25-001055.txt").read_bytes().replace(b"Garascia", b"Gar\xe9scia", 1)

    with pytest.raises(FilingRefused, match=r"^x\.txt: not valid UTF-8 \(byte [\d,]+ is 0xe9\)$"):
        unwrap(raw, "x.txt")


def test_elements_nested_past_the_limit_are_refused_while_parsing() -> None:
    from owl.ledger.feeds.sec.xmlnode import MAX_DEPTH

    deep = "<ownershipDocument>" + "<a>" * MAX_DEPTH + "</a>" * MAX_DEPTH + "</ownershipDocument>"

    with pytest.raises(FilingRefused, match=rf"nested more than {MAX_DEPTH} deep; refused$"):
        parse_ownership(deep, "deep.xml")


def test_more_elements_than_the_budget_are_refused_while_parsing() -> None:
    from owl.ledger.feeds.sec.xmlnode import MAX_ELEMENTS

    wide = "<ownershipDocument>" + "<a/>" * MAX_ELEMENTS + "</ownershipDocument>"

    with pytest.raises(FilingRefused, match=r"more than 250,000 elements; refused$"):
        parse_ownership(wide, "wide.xml")


def test_a_document_within_the_limits_parses_as_before() -> None:
    from owl.ledger.feeds.sec.xmlnode import MAX_DEPTH

    nested = "<a>" * (MAX_DEPTH - 2) + "</a>" * (MAX_DEPTH - 2)
    xml = snow_sale("<remarks/>", f"<remarks>{nested}</remarks>")

    assert parse_ownership(xml, "form4.snow.xml").reporting_owners[0].cik


def test_standard_input_over_the_limit_is_refused_before_it_is_read_whole(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from owl.ledger.feeds.sec import feed

    monkeypatch.setattr(feed, "MAX_BYTES", 1_000)
    read: list[int] = []

    def lines() -> Iterator[str]:
        yield '<?xml version="1.0"?>\n'
        for n in range(1_000_000):
            read.append(n)
            yield "<a>" + "x" * 100 + "</a>\n"

    filing = feed.FilingFeed("-", None, "<stdin>", text=lines())

    assert list(filing) == []
    assert [p.reason for p in filing.problems] == ["larger than 1,000 bytes; refused unread"]
    assert len(read) < 20  # it stopped reading at the limit
