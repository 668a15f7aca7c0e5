"""Schedules 13D and 13G (the XML form EDGAR requires since December 2024) as plain records.

Whoever comes to own more than 5% of a class of voting equity files a beneficial-ownership
report: Schedule 13D (with its purpose, for holders who may seek control), or the shorter 13G
(for passive and institutional holders); amendments are `/A` with an amendment number. The cover
page gives, for each reporting person, the shares over which it has sole or shared voting and
dispositive power, the aggregate it beneficially owns and that aggregate's percent of the class.
Persons in one filing often report the *same* shares (a fund, its general partner, their
managers): the figures are each person's own, not parts of a total.

The two forms name the same facts differently (13D `issuerCIK`, `reportingPersonInfo`,
`percentOfClass`; 13G `issuerCik`, `coverPageHeaderReportingPersonDetails`, `classPercent`) and
a CUSIP may be flat (`issuerCUSIP`, `issuerCusip`) or nested (`issuerCusips/issuerCusipNumber`,
possibly several). Share figures are `Decimal` as written (13G writes `10000000.00`); the percent
is kept as the filed text ("8.5"). The date of event is written MM/DD/YYYY.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from owl.ledger.feeds.sec.xmlnode import Node, parse_xml

SUBMISSION_TYPES = frozenset({"SCHEDULE 13D", "SCHEDULE 13D/A", "SCHEDULE 13G", "SCHEDULE 13G/A"})
_NAMESPACE = re.compile(r"http://www\.sec\.gov/edgar/schedule13([dg])", re.IGNORECASE)


@dataclass(frozen=True)
class ReportingPerson:
    """One cover page: a person's own voting and dispositive power and what it owns in all."""

    cik: str | None
    name: str
    sole_voting_power: Decimal | None
    shared_voting_power: Decimal | None
    sole_dispositive_power: Decimal | None
    shared_dispositive_power: Decimal | None
    aggregate_amount_owned: Decimal | None
    percent_of_class: str | None
    types_of_reporting_person: tuple[str, ...]
    member_of_group: str | None
    citizenship_or_organization: str | None


@dataclass(frozen=True)
class Schedule13Filing:
    """A parsed Schedule 13D or 13G (or amendment): the issuer, the class and each person."""

    document: str
    submission_type: str
    schedule: Literal["13D", "13G"]
    amendment_number: int | None
    previous_accession_number: str | None
    filer_cik: str | None
    date_of_event: date | None
    issuer_cik: str | None
    issuer_cusips: tuple[str, ...]
    issuer_name: str | None
    securities_class_title: str | None
    reporting_persons: tuple[ReportingPerson, ...]
    rules: tuple[str, ...] = ()  # a 13G's rules checked: "13d-1(b)", "13d-1(c)", "13d-1(d)"
    # Read from an older text or HTML schedule (`schedule_text`), with its EDGAR header's dates.
    # Left out of the record's repr, which names a bare filing (`feed.filing_keys`), so an XML
    # schedule keeps the name it had before these existed.
    written_as: Literal["xml", "text", "html"] = field(default="xml", repr=False, compare=False)
    filed_on: date | None = field(default=None, repr=False, compare=False)
    accepted_at: datetime | None = field(default=None, repr=False, compare=False)

    @property
    def is_amendment(self) -> bool:
        return self.submission_type.endswith("/A")


def parse_schedule13(xml: str | bytes, document: str) -> Schedule13Filing:
    """Parse a Schedule 13D/13G `<edgarSubmission>`; `document` names it in every error."""
    root = parse_xml(xml, document, frozenset({"edgarSubmission"}))
    submission_type = " ".join(root.required_text("headerData/submissionType").upper().split())
    if submission_type not in SUBMISSION_TYPES:
        raise root.refuse(
            f"{submission_type!r} is not a Schedule 13D or 13G", "headerData/submissionType"
        )
    schedule: Literal["13D", "13G"] = "13D" if "13D" in submission_type else "13G"
    namespace = _NAMESPACE.fullmatch(root.namespace)
    if root.namespace and (namespace is None or namespace[1].upper() != schedule[-1]):
        raise root.refuse(f"namespace {root.namespace!r} does not match {submission_type!r}")
    form = root.require("formData")
    cover = form.require("coverPageHeader")
    issuer = cover.require("issuerInfo")
    persons = (
        form.all("reportingPersons/reportingPersonInfo")
        if schedule == "13D"
        else form.all("coverPageHeaderReportingPersonDetails")
    )
    if not persons:
        raise form.refuse("no reporting person")
    return Schedule13Filing(
        document=document,
        submission_type=submission_type,
        schedule=schedule,
        amendment_number=_amendment_number(cover),
        previous_accession_number=root.text("headerData/previousAccessionNumber"),
        filer_cik=root.text("headerData/filerInfo/filer/filerCredentials/cik"),
        date_of_event=_date_of_event(cover),
        issuer_cik=_first(issuer, "issuerCIK", "issuerCik"),
        issuer_cusips=_cusips(issuer),
        issuer_name=issuer.text("issuerName"),
        securities_class_title=cover.text("securitiesClassTitle"),
        reporting_persons=tuple(_person(node) for node in persons),
        rules=_rules(cover),
    )


def _rules(cover: Node) -> tuple[str, ...]:
    """The rules a Schedule 13G's cover checks, as `13d-1(b)`; one not of that form is refused."""
    found = []
    path = "designateRulesPursuantThisScheduleFiled/designateRulePursuantThisScheduleFiled"
    for text in cover.texts(path):
        match = re.search(r"13d-1\s*\(\s*([bcd])\s*\)", text, re.IGNORECASE)
        if match is None:
            raise cover.refuse(f"{text!r} is not Rule 13d-1(b), (c) or (d)", path)
        found.append(f"13d-1({match[1].lower()})")
    return tuple(dict.fromkeys(found))


def _amendment_number(cover: Node) -> int | None:
    text = cover.text("amendmentNo")
    if text is None:
        return None
    if not text.isdigit():
        raise cover.refuse(f"{text!r} is not an amendment number", "amendmentNo")
    return int(text)


def _date_of_event(cover: Node) -> date | None:
    for path in ("dateOfEvent", "eventDateRequiresFilingThisStatement"):
        if cover.text(path) is not None:
            return cover.us_date(path)
    return None


def _cusips(issuer: Node) -> tuple[str, ...]:
    flat = _first(issuer, "issuerCUSIP", "issuerCusip")
    nested = issuer.texts("issuerCusips/issuerCusipNumber")
    return ((flat,) if flat else ()) + tuple(c for c in nested if c != flat)


def _person(node: Node) -> ReportingPerson:
    # A 13G nests the four powers one level down; a 13D has them on the person itself.
    powers = node.find("reportingPersonBeneficiallyOwnedNumberOfShares") or node
    no_cik = node.flag("reportingPersonNoCIK") is True
    return ReportingPerson(
        cik=None if no_cik else _first(node, "reportingPersonCIK", "reportingPersonCik"),
        name=node.required_text("reportingPersonName"),
        sole_voting_power=powers.decimal("soleVotingPower"),
        shared_voting_power=powers.decimal("sharedVotingPower"),
        sole_dispositive_power=powers.decimal("soleDispositivePower"),
        shared_dispositive_power=powers.decimal("sharedDispositivePower"),
        aggregate_amount_owned=_first_decimal(
            node, "aggregateAmountOwned", "reportingPersonBeneficiallyOwnedAggregateNumberOfShares"
        ),
        percent_of_class=_first(node, "percentOfClass", "classPercent"),
        types_of_reporting_person=node.texts("typeOfReportingPerson"),
        member_of_group=_first(node, "memberOfGroup", "memberGroup"),
        citizenship_or_organization=node.text("citizenshipOrOrganization"),
    )


def _first(node: Node, *paths: str) -> str | None:
    """The text at the first of `paths` present: the forms spell one fact several ways."""
    return next((text for path in paths if (text := node.text(path)) is not None), None)


def _first_decimal(node: Node, *paths: str) -> Decimal | None:
    return next((node.decimal(path) for path in paths if node.text(path) is not None), None)
