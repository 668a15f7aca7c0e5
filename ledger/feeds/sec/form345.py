"""Forms 3, 4 and 5 (and their amendments): an insider's ownership XML as plain records.

A Section 16 insider (director, officer, 10% owner) reports on Form 3 what they hold on becoming
an insider, on Form 4 each change within two business days, and on Form 5 the year's exempt
changes. The XML (`<ownershipDocument>`) has two tables: non-derivative securities (shares) and
derivative ones (options, convertibles, units), each with *transactions* (a change, with a code
such as P purchase, S sale, A award, M option exercise, F tax withholding, G gift) and *holdings*
(a position reported without a change). Every row states the holding after it, direct (D) or
indirect (I, with the nature: "Trust", "By LLC").

The records keep the filing's words. Each row has its kind and its 1-based `index` within its
table (transactions and holdings counted together, in document order), so a caller can name it
as accession number + table + index. Each value is a `Footnoted`: the value as filed (None when
the filer gave only footnotes, as with an option's `<exerciseDate>` "see F3") and the ids of the
footnotes attached to it. Share amounts are `Decimal` exactly as written (`1500.0000` stays so);
`filed_shares` turns one into the amount owl holds (an int when whole). Nothing here knows
owl's events.

Longer than the ~300 lines STYLE.md asks: it reads the XML of Forms 3, 4 and 5 element by element,
as the SEC's schema lays it out.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from types import MappingProxyType
from typing import Generic, Literal, TypeVar

from owl.ledger.feeds.sec.errors import FractionalShares
from owl.ledger.feeds.sec.xmlnode import Node, parse_xml
from owl.ledger.shares import exact_shares

T = TypeVar("T")
RowKind = Literal[
    "non_derivative_transaction",
    "non_derivative_holding",
    "derivative_transaction",
    "derivative_holding",
]
DOCUMENT_TYPES = frozenset({"3", "3/A", "4", "4/A", "5", "5/A"})
_TABLES: dict[str, dict[str, RowKind]] = {
    "nonDerivativeTable": {
        "nonDerivativeTransaction": "non_derivative_transaction",
        "nonDerivativeHolding": "non_derivative_holding",
    },
    "derivativeTable": {
        "derivativeTransaction": "derivative_transaction",
        "derivativeHolding": "derivative_holding",
    },
}


@dataclass(frozen=True)
class Footnoted(Generic[T]):
    """A value as filed (None when absent or given only by footnote) and its footnote ids."""

    value: T | None = None
    footnotes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Issuer:
    cik: str
    name: str | None
    trading_symbol: str | None


@dataclass(frozen=True)
class ReportingOwner:
    """One person filing; a relationship flag the filing leaves out is False."""

    cik: str
    name: str | None
    is_director: bool
    is_officer: bool
    is_ten_percent_owner: bool
    is_other: bool
    officer_title: str | None
    other_text: str | None


@dataclass(frozen=True)
class DerivativeTerms:
    """What a derivative row adds: its price and dates, and the security it converts into."""

    conversion_or_exercise_price: Footnoted[Decimal]
    exercise_date: Footnoted[date]
    expiration_date: Footnoted[date]
    underlying_title: Footnoted[str]
    underlying_shares: Footnoted[Decimal]


@dataclass(frozen=True)
class OwnershipRow:
    """One row of either table. Holdings have no date, coding or amounts (None and ())."""

    kind: RowKind
    index: int
    security_title: Footnoted[str]
    transaction_date: Footnoted[date]
    deemed_execution_date: Footnoted[date]
    transaction_form_type: str | None
    transaction_code: str | None
    equity_swap_involved: bool | None
    coding_footnotes: tuple[str, ...]
    shares: Footnoted[Decimal]
    price_per_share: Footnoted[Decimal]
    acquired_disposed: Footnoted[str]
    shares_owned_following: Footnoted[Decimal]
    value_owned_following: Footnoted[Decimal]
    direct_or_indirect: Footnoted[str]
    nature_of_ownership: Footnoted[str]
    derivative: DerivativeTerms | None

    @property
    def is_transaction(self) -> bool:
        return self.kind.endswith("_transaction")


@dataclass(frozen=True)
class OwnershipDocument:
    """A parsed Form 3, 4 or 5: who reports on which issuer, and every row and footnote."""

    document: str
    schema_version: str | None
    document_type: str
    period_of_report: date
    date_of_original_submission: date | None
    no_securities_owned: bool
    issuer: Issuer
    reporting_owners: tuple[ReportingOwner, ...]
    non_derivative: tuple[OwnershipRow, ...]
    derivative: tuple[OwnershipRow, ...]
    footnotes: Mapping[str, str]
    remarks: str | None

    @property
    def non_derivative_transactions(self) -> tuple[OwnershipRow, ...]:
        return tuple(r for r in self.non_derivative if r.is_transaction)

    @property
    def non_derivative_holdings(self) -> tuple[OwnershipRow, ...]:
        return tuple(r for r in self.non_derivative if not r.is_transaction)

    @property
    def derivative_transactions(self) -> tuple[OwnershipRow, ...]:
        return tuple(r for r in self.derivative if r.is_transaction)

    @property
    def derivative_holdings(self) -> tuple[OwnershipRow, ...]:
        return tuple(r for r in self.derivative if not r.is_transaction)


def parse_ownership(xml: str | bytes, document: str) -> OwnershipDocument:
    """Parse one `<ownershipDocument>`; `document` names it in every error (a file name)."""
    root = parse_xml(xml, document, frozenset({"ownershipDocument"}))
    document_type = root.required_text("documentType")
    if document_type not in DOCUMENT_TYPES:
        known = ", ".join(sorted(DOCUMENT_TYPES))
        raise root.refuse(f"{document_type!r} is not a Form 3, 4 or 5 ({known})", "documentType")
    owners = tuple(_owner(node) for node in root.all("reportingOwner"))
    if not owners:
        raise root.refuse("missing element", "reportingOwner")
    return OwnershipDocument(
        document=document,
        schema_version=root.text("schemaVersion"),
        document_type=document_type,
        period_of_report=_required(root.iso_date("periodOfReport"), root, "periodOfReport"),
        date_of_original_submission=root.iso_date("dateOfOriginalSubmission"),
        no_securities_owned=root.flag("noSecuritiesOwned") or False,
        issuer=_issuer(root.require("issuer")),
        reporting_owners=owners,
        non_derivative=_table(root, "nonDerivativeTable"),
        derivative=_table(root, "derivativeTable"),
        footnotes=_footnotes(root),
        remarks=root.text("remarks"),
    )


def filed_shares(value: Decimal | None) -> int | Decimal | None:
    """A share amount as owl holds it: an int when whole (`1500.0000` -> 1500), else the exact
    `Decimal` (`1786446.4238`); `FractionalShares` past six decimal places; None stays None."""
    if value is None:
        return None
    try:
        return exact_shares(value)
    except ValueError:
        raise FractionalShares(value) from None


def _required(value: T | None, node: Node, path: str) -> T:
    if value is None:
        raise node.refuse("missing or empty", path)
    return value


def _issuer(node: Node) -> Issuer:
    return Issuer(
        cik=node.required_text("issuerCik"),
        name=node.text("issuerName"),
        trading_symbol=node.text("issuerTradingSymbol"),
    )


def _owner(node: Node) -> ReportingOwner:
    relation = node.find("reportingOwnerRelationship")

    def flag(name: str) -> bool:
        return relation is not None and relation.flag(name) is True

    return ReportingOwner(
        cik=node.required_text("reportingOwnerId/rptOwnerCik"),
        name=node.text("reportingOwnerId/rptOwnerName"),
        is_director=flag("isDirector"),
        is_officer=flag("isOfficer"),
        is_ten_percent_owner=flag("isTenPercentOwner"),
        is_other=flag("isOther"),
        officer_title=relation.text("officerTitle") if relation is not None else None,
        other_text=relation.text("otherText") if relation is not None else None,
    )


def _table(root: Node, name: str) -> tuple[OwnershipRow, ...]:
    table = root.find(name)
    if table is None:
        return ()
    kinds = _TABLES[name]
    rows: list[OwnershipRow] = []
    for node in table.children():
        kind = kinds.get(node.element.tag)
        if kind is None:
            raise node.refuse(f"unexpected element in <{name}>")
        rows.append(_row(node, kind, len(rows) + 1))
    return tuple(rows)


def _row(node: Node, kind: RowKind, index: int) -> OwnershipRow:
    coding = node.find("transactionCoding")
    code = coding.text("transactionCode") if coding is not None else None
    if kind.endswith("_transaction") and code is None:
        raise node.refuse("a transaction without a code", "transactionCoding/transactionCode")
    derivative = None
    if kind.startswith("derivative"):
        derivative = DerivativeTerms(
            conversion_or_exercise_price=_noted(node, "conversionOrExercisePrice", Node.amount),
            exercise_date=_noted(node, "exerciseDate", Node.iso_date),
            expiration_date=_noted(node, "expirationDate", Node.iso_date),
            underlying_title=_noted(node, "underlyingSecurity/underlyingSecurityTitle", Node.text),
            underlying_shares=_noted(
                node, "underlyingSecurity/underlyingSecurityShares", Node.amount
            ),
        )
    return OwnershipRow(
        kind=kind,
        index=index,
        security_title=_noted(node, "securityTitle", Node.text),
        transaction_date=_noted(node, "transactionDate", Node.iso_date),
        deemed_execution_date=_noted(node, "deemedExecutionDate", Node.iso_date),
        transaction_form_type=coding.text("transactionFormType") if coding is not None else None,
        transaction_code=code,
        equity_swap_involved=coding.flag("equitySwapInvolved") if coding is not None else None,
        coding_footnotes=_footnote_ids(coding) if coding is not None else (),
        shares=_noted(node, "transactionAmounts/transactionShares", Node.amount),
        price_per_share=_noted(node, "transactionAmounts/transactionPricePerShare", Node.amount),
        acquired_disposed=_noted(
            node, "transactionAmounts/transactionAcquiredDisposedCode", Node.acquired_or_disposed
        ),
        shares_owned_following=_noted(
            node, "postTransactionAmounts/sharesOwnedFollowingTransaction", Node.amount
        ),
        value_owned_following=_noted(
            node, "postTransactionAmounts/valueOwnedFollowingTransaction", Node.amount
        ),
        direct_or_indirect=_noted(node, "ownershipNature/directOrIndirectOwnership", Node.text),
        nature_of_ownership=_noted(node, "ownershipNature/natureOfOwnership", Node.text),
        derivative=derivative,
    )


def _noted(row: Node, path: str, read: Callable[[Node], T | None]) -> Footnoted[T]:
    """`<path><value>..</value><footnoteId id=".."/></path>` as a `Footnoted`."""
    element = row.find(path)
    if element is None:
        return Footnoted()
    value = element.find("value")
    return Footnoted(None if value is None else read(value), _footnote_ids(element))


def _footnote_ids(node: Node) -> tuple[str, ...]:
    ids = []
    for reference in node.all("footnoteId"):
        footnote_id = (reference.element.get("id") or "").strip()
        if not footnote_id:
            raise reference.refuse("a footnoteId without an id")
        ids.append(footnote_id)
    return tuple(ids)


def _footnotes(root: Node) -> Mapping[str, str]:
    """Footnote id -> text, with the filing's hard line wraps joined into single spaces."""
    footnotes: dict[str, str] = {}
    for node in root.all("footnotes/footnote"):
        footnote_id = (node.element.get("id") or "").strip()
        if not footnote_id:
            raise node.refuse("a footnote without an id")
        if footnote_id in footnotes:
            raise node.refuse(f"footnote {footnote_id} is given twice")
        footnotes[footnote_id] = " ".join((node.text() or "").split())
    return MappingProxyType(footnotes)
