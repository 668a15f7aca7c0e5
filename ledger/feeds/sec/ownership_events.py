"""Forms 3, 4 and 5 as ledger events: each row, by its transaction code, and what it leaves.

Who and what: the issuer (`IssuerIdentified`, keyed by its ticker, else `CIK` and its number) and
each reporting owner (`PersonIdentified`); owners filing one form report the same holdings, so
the second and later are linked to the first (`AffiliationFormed`) and the shares are recorded
once, under the first.

Each non-derivative transaction becomes the event its code means (docs/sec.md has the table):
P a purchase, S a sale, A an award from the issuer, M/X/O/C shares issued on an exercise or a
conversion, F and D shares taken back by the issuer (tax withheld, a disposition to it), G a
gift, and the rest acquisitions or dispositions outside the market (J other, W by will, L small
acquisition, Z voting trust, K equity swap, U tender, I discretionary, V voluntary, E/H expiry);
a code not in that list is refused by name. Derivative transactions acquire or dispose of a
series of rights. After each row, the holding it states becomes a checkpoint (`HoldingReported`
or `DerivativeReported`) the ledger reconciles against; the first row of an account in a filing
is preceded by an *opening* report of the position the row implies before it, which opens the
account when the ledger holds nothing there and is a plain checkpoint otherwise. Holding rows
are opening reports. None of these reports is a public announcement of a holding in the rights
plan's sense (that is a Schedule 13D's): each states one account after one row.

Ids are the filing's key and the row (`0001127602-25-001055:nd:1:tx`), so importing a filing
twice appends nothing and identical rows stay distinct. The key is the accession number; a bare
XML file, having none, is named by a digest of what it says (`sec-...`: its parsed values, so
whitespace, encoding and wrapper do not change it), and every event also carries that digest's id
as an alias, so the same filing through another wrapper is found present (`feed.filing_keys`).

Longer than the ~300 lines STYLE.md asks: one mapping per transaction code and kind of row of Forms
3, 4 and 5.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

from owl.ledger.classes import security_class
from owl.ledger.feeds.sec.errors import FilingRefused, FractionalShares
from owl.ledger.feeds.sec.exercisable import exercisable
from owl.ledger.feeds.sec.form345 import OwnershipDocument, OwnershipRow, filed_shares

# Transaction code -> (non-derivative event when acquired, when disposed), in words for `how`.
CODES: dict[str, tuple[str, str]] = {
    "P": ("open market or private purchase", "purchase"),
    "S": ("open market or private sale", "sale"),
    "V": ("transaction voluntarily reported", "voluntary"),
    "A": ("grant or award from the issuer", "award"),
    "D": ("disposition to the issuer", "disposition to the issuer"),
    "F": ("payment of exercise price or tax by delivering or withholding securities", "tax"),
    "I": ("discretionary transaction", "discretionary"),
    "M": ("exercise or conversion of a derivative security", "exercise"),
    "C": ("conversion of a derivative security", "conversion"),
    "E": ("expiration of a short derivative position", "expiration"),
    "H": ("expiration or cancellation of a long derivative position", "expiration"),
    "O": ("exercise of an out-of-the-money derivative security", "exercise"),
    "X": ("exercise of an in-the-money or at-the-money derivative security", "exercise"),
    "G": ("bona fide gift", "gift"),
    "L": ("small acquisition", "small acquisition"),
    "W": ("acquisition or disposition by will or the laws of descent", "inheritance"),
    "Z": ("deposit into or withdrawal from a voting trust", "voting trust"),
    "J": ("other acquisition or disposition", "other"),
    "K": ("transaction in an equity swap", "equity swap"),
    "U": ("disposition in a tender of shares in a change of control", "tender"),
}
_ISSUES = {"A", "M", "X", "O", "C"}  # shares the issuer issues to the holder when acquired
# A derivative whose title says the holder must sell or deliver: a position, not a right to acquire.
_OBLIGES = re.compile(
    r"obligation to (sell|deliver)|forward sale|prepaid (variable )?forward|written (call|option)"
    r"|call options? \(written\)|\(short\)|short (call|position)",
    re.IGNORECASE,
)
_TAKES = {"F", "D"}  # shares the issuer takes back when disposed

Raw = dict[str, Any]


def issuer_key(document: OwnershipDocument) -> str:
    symbol = (document.issuer.trading_symbol or "").strip().upper()
    return symbol if symbol and symbol not in ("NONE", "N/A") else f"CIK{document.issuer.cik}"


class OwnershipEvents:
    """The events of one Form 3/4/5 document, as raw event dicts (validated by the caller)."""

    def __init__(
        self,
        document: OwnershipDocument,
        accession: str | None,
        filed_on: date | None,
        name: str,
        key: str,
        aliases: tuple[str, ...] = (),
    ) -> None:
        self.doc = document
        self.accession = accession
        self.filed_on = filed_on
        self.name = name
        self.key = key  # what its event ids start with (`feed.filing_keys`)
        self.aliases = aliases  # the other keys the same filing is known by
        self.issuer = issuer_key(document)
        first = document.reporting_owners[0]
        self.owner = _owner_name(first.name, first.cik)
        self.form = document.document_type
        self._indirect: dict[tuple[str, str | None, str], set[str]] | None = None  # `_natures`

    def events(self) -> Iterator[Raw]:
        doc = self.doc
        period = doc.period_of_report.isoformat()
        yield self._event(
            "IssuerIdentified",
            period,
            "issuer",
            cik=doc.issuer.cik,
            name=doc.issuer.name,
            ticker=doc.issuer.trading_symbol,
        )
        for i, owner in enumerate(doc.reporting_owners, 1):
            name = _owner_name(owner.name, owner.cik)
            yield self._event(
                "PersonIdentified",
                period,
                f"owner:{i}",
                person=name,
                cik=owner.cik,
                director=owner.is_director or None,
                officer=(owner.officer_title or "officer") if owner.is_officer else None,
                ten_percent_owner=owner.is_ten_percent_owner or None,
                other=(owner.other_text or "other") if owner.is_other else None,
            )
            if i > 1 and name != self.owner:
                yield self._event(
                    "AffiliationFormed",
                    period,
                    f"joint:{i}",
                    person=self.owner,
                    affiliate=name,
                    relation=f"report the same holdings on one Form {self.form}",
                )
        opened: set[tuple[str | None, str | None]] = set()
        for row in doc.non_derivative:
            yield from self._shares(row, opened)
        opened_series: set[str] = set()
        for row in doc.derivative:
            yield from self._rights(row, opened_series)

    # --- shares ------------------------------------------------------------------------------

    def _shares(
        self, row: OwnershipRow, opened: set[tuple[str | None, str | None]]
    ) -> Iterator[Raw]:
        table = "nd"
        security = security_class(row.security_title.value)
        nature = self._nature(row)
        following = self._whole(
            row.shares_owned_following.value, row, "sharesOwnedFollowingTransaction"
        )
        account = {"security": security, "nature": nature}
        if not row.is_transaction:
            if following is not None:
                yield self._event(
                    "HoldingReported",
                    self.doc.period_of_report.isoformat(),
                    f"{table}:{row.index}:held",
                    row,
                    holder=self.owner,
                    shares=following,
                    form=self.form,
                    opening=True,
                    public=False,
                    **account,
                )
            return
        code, when, shares, acquired = self._transaction(row)
        if following is not None and (security, nature) not in opened:
            opened.add((security, nature))
            before = following - shares if acquired else following + shares
            if before >= 0:
                yield self._event(
                    "HoldingReported",
                    when,
                    f"{table}:{row.index}:open",
                    row,
                    holder=self.owner,
                    shares=before,
                    form=self.form,
                    opening=True,
                    public=False,
                    **account,
                )
        if shares > 0:
            yield self._trade(row, code, acquired, when, shares, account)
        if following is not None:
            yield self._event(
                "HoldingReported",
                when,
                f"{table}:{row.index}:held",
                row,
                holder=self.owner,
                shares=following,
                form=self.form,
                public=False,
                **account,
            )

    def _trade(
        self,
        row: OwnershipRow,
        code: str,
        acquired: bool,
        when: str,
        shares: int | Decimal,
        account: Raw,
    ) -> Raw:
        key = f"nd:{row.index}:tx"
        price = _decimal_text(row.price_per_share.value)
        how = f"{CODES[code][1]} ({code})"
        if code == "P" and acquired:
            return self._event("SharesPurchased", when, key, row, holder=self.owner,
                               shares=shares, price=price, **account)  # fmt: skip
        if code == "S" and not acquired:
            return self._event("SharesSold", when, key, row, holder=self.owner, shares=shares,
                               price=price, **account)  # fmt: skip
        if code in _ISSUES and acquired:
            return self._event("SharesIssued", when, key, row, holder=self.owner, shares=shares,
                               **account)  # fmt: skip
        if code in _TAKES and not acquired:
            return self._event("SharesRepurchased", when, key, row, holder=self.owner,
                               shares=shares, **account)  # fmt: skip
        kind = "SharesAcquired" if acquired else "SharesDisposed"
        return self._event(kind, when, key, row, holder=self.owner, shares=shares, how=how,
                           **account)  # fmt: skip

    # --- derivatives -------------------------------------------------------------------------

    def _rights(self, row: OwnershipRow, opened: set[str]) -> Iterator[Raw]:
        terms = row.derivative
        assert terms is not None
        series = {
            "instrument": row.security_title.value or "derivative security",
            "security": security_class(terms.underlying_title.value),
            "exercise_price": _decimal_text(terms.conversion_or_exercise_price.value),
            **self._exercisable(terms.exercise_date.value, terms.exercise_date.footnotes),
            "expires_on": _day(terms.expiration_date.value),
            "nature": self._nature(row),
            "obliges": True if _OBLIGES.search(row.security_title.value or "") else None,
        }
        following = self._whole(
            row.shares_owned_following.value, row, "sharesOwnedFollowingTransaction"
        )
        underlying = self._whole(terms.underlying_shares.value, row, "underlyingSecurityShares")
        key = "|".join(str(v) for v in series.values())
        if not row.is_transaction:
            # A Form 3 states a derivative holding by its underlying shares alone.
            held = following if following is not None else underlying
            if held is not None:
                yield self._event(
                    "DerivativeReported",
                    self.doc.period_of_report.isoformat(),
                    f"d:{row.index}:held",
                    row,
                    holder=self.owner,
                    quantity=held,
                    underlying_shares=underlying,
                    opening=True,
                    **series,
                )
            return
        code, when, quantity, acquired = self._transaction(row)
        if following is not None and key not in opened:
            opened.add(key)
            before = following - quantity if acquired else following + quantity
            if before > 0:
                yield self._event(
                    "DerivativeReported",
                    when,
                    f"d:{row.index}:open",
                    row,
                    holder=self.owner,
                    quantity=before,
                    opening=True,
                    **series,
                )
        if quantity > 0:
            yield self._event(
                "DerivativeAcquired" if acquired else "DerivativeDisposed",
                when,
                f"d:{row.index}:tx",
                row,
                holder=self.owner,
                quantity=quantity,
                underlying_shares=underlying or quantity,
                how=f"{CODES[code][1]} ({code})",
                **series,
            )
        if following is not None:
            yield self._event(
                "DerivativeReported",
                when,
                f"d:{row.index}:held",
                row,
                holder=self.owner,
                quantity=following,
                **series,
            )

    # --- helpers -----------------------------------------------------------------------------

    def _exercisable(self, value: date | None, notes: tuple[str, ...]) -> Raw:
        """The exercise date as filed; else as its footnotes state it (`exercisable`): a date,
        now (no date), or unknown, which is never read as now."""
        if value is not None or not notes:
            return {"exercisable_from": _day(value)}
        when, day = exercisable([self.doc.footnotes.get(n, "") for n in notes])
        if when == "unknown":
            return {"exercisable_from": None, "exercisable_unknown": True}
        return {"exercisable_from": _day(day)}

    def _nature(self, row: OwnershipRow) -> str | None:
        """None for shares held directly; else the account, named by how it is held.

        Filers renumber their footnotes in every filing and write the same trust "By trust" in
        one and "by Trust (F3)" in the next, so an account is the nature's words in lower case,
        never a footnote's number. Where the words only point at a footnote ("See footnote"),
        the footnote's text (as written, at most 120 characters) is the nature. Where one
        filing has two rows of a class under the same words but different footnotes (two
        trusts), each adds its footnote numbers."""
        direct = (row.direct_or_indirect.value or "D").upper() == "D"
        if direct:
            return None
        words = self._nature_words(row)
        notes = row.nature_of_ownership.footnotes
        if self._told(row) and self._clashes(row, words):
            return f"{words} ({', '.join(notes)})"
        return words

    def _nature_words(self, row: OwnershipRow) -> str:
        words = " ".join((row.nature_of_ownership.value or "indirect").split()).lower()
        notes = row.nature_of_ownership.footnotes
        if notes and _POINTER.fullmatch(words):
            told = " ".join(self.doc.footnotes.get(n, "") for n in notes)
            if told.strip():
                return _clip(" ".join(told.split()))
        return words

    def _told(self, row: OwnershipRow) -> str:
        """What the footnotes of a row's nature say, whitespace and case aside."""
        notes = row.nature_of_ownership.footnotes
        return " ".join(" ".join(self.doc.footnotes.get(n, "").split()) for n in notes).lower()

    def _clashes(self, row: OwnershipRow, words: str) -> bool:
        """Whether another row of this filing's table and class has these words and footnotes
        that say something else (a row citing none clashes with no other)."""
        table = "d" if row.derivative is not None else "nd"
        said = self._natures().get((table, security_class(row.security_title.value), words))
        return bool(said) and said != {self._told(row)}

    def _natures(self) -> dict[tuple[str, str | None, str], set[str]]:
        """What the footnotes say for each (table, class, nature's words) of the filing's
        indirect rows that cite any: read once per filing, not once per row."""
        if self._indirect is None:
            self._indirect = {}
            for table, rows in (("nd", self.doc.non_derivative), ("d", self.doc.derivative)):
                for other in rows:
                    told = self._told(other)
                    if told and (other.direct_or_indirect.value or "D").upper() != "D":
                        key = (table, security_class(other.security_title.value),
                               self._nature_words(other))  # fmt: skip
                        self._indirect.setdefault(key, set()).add(told)
        return self._indirect

    def _transaction(self, row: OwnershipRow) -> tuple[str, str, int | Decimal, bool]:
        """A transaction row's code (one owl maps, else the filing is refused), date, amount
        and whether it acquired (A) or disposed (D)."""
        code = row.transaction_code or ""
        if code not in CODES:
            raise FilingRefused(
                self.name,
                f"{_where(row)}/transactionCoding/transactionCode",
                f"transaction code {code!r} is not one owl knows ({', '.join(sorted(CODES))})",
            )
        when = _required_date(row, self.name).isoformat()
        amount = self._whole(row.shares.value, row, "transactionShares") or 0
        return code, when, amount, (row.acquired_disposed.value or "").upper() == "A"

    def _whole(self, value: Decimal | None, row: OwnershipRow, field: str) -> int | Decimal | None:
        """An amount as filed, exactly (an int when whole)."""
        try:
            return filed_shares(value)
        except FractionalShares as exc:
            raise FilingRefused(self.name, f"{_where(row)}/{field}", str(exc)) from None

    def _event(
        self, kind: str, when: str, key: str, row: OwnershipRow | None = None, **fields: Any
    ) -> Raw:
        filing: Raw = {
            "form": self.form,
            "accession": self.accession,
            "document": None if self.accession else self.key,
        }
        if self.filed_on is not None:
            filing["filed_on"] = self.filed_on.isoformat()
        original = self.doc.date_of_original_submission
        if original is not None and self.form.upper().endswith("/A"):
            filing["amends"] = original.isoformat()
        if row is not None:
            words = "transaction" if row.is_transaction else "holding"
            table = "derivative" if row.kind.startswith("derivative") else "non-derivative"
            filing["row"] = f"{table} {words} {row.index}"
            if row.transaction_code:
                filing["code"] = row.transaction_code
            notes = [
                *row.coding_footnotes,
                *row.shares.footnotes,
                *row.shares_owned_following.footnotes,
                *row.nature_of_ownership.footnotes,
            ]
            if row.derivative is not None:
                notes += [
                    *row.derivative.exercise_date.footnotes,
                    *row.derivative.expiration_date.footnotes,
                ]
            texts = [self.doc.footnotes[n] for n in dict.fromkeys(notes) if n in self.doc.footnotes]
            if texts:
                filing["footnotes"] = [t[:2000] for t in texts]
        filed = f" filed {self.filed_on}" if self.filed_on else ""
        # A bare file is named by its content, not its file name (the same filing, any name).
        accession = f" ({self.accession})" if self.accession else ""
        where = f", {filing['row']}" if "row" in filing else ""
        body: Raw = {
            "type": kind,
            "issuer": self.issuer,
            "effective_date": when,
            "event_id": f"{self.key}:{key}",
            "aliases": [f"{alias}:{key}" for alias in self.aliases],
            "source": f"Form {self.form}{filed}{accession}{where}",
            "filing": {k: v for k, v in filing.items() if v is not None},
        }
        body.update({k: v for k, v in fields.items() if v is not None})
        return body


def _owner_name(name: str | None, cik: str) -> str:
    return " ".join((name or f"CIK {cik}").split())


def _where(row: OwnershipRow) -> str:
    element = "".join(part.capitalize() for part in row.kind.split("_"))
    return f"{element[0].lower()}{element[1:]}[{row.index}]"


def _required_date(row: OwnershipRow, name: str) -> date:
    value = row.transaction_date.value
    if value is None:
        raise FilingRefused(name, f"{_where(row)}/transactionDate", "a transaction without a date")
    return value


def _day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _decimal_text(value: Decimal | None) -> str | None:
    if value is None:
        return None
    text = format(value.normalize(), "f")
    return text if "." not in text else text.rstrip("0").rstrip(".")


_POINTER = re.compile(
    r"(see |as described in |refer to )?(the )?(footnotes?|notes?|remarks|explanation)"
    r"( of responses)?[\s(),.0-9f&and-]*"
)
_CLIP = 120


def _clip(text: str) -> str:
    """A footnote's text as an account's name: at most 120 characters, cut at a word."""
    if len(text) <= _CLIP:
        return text
    return text[:_CLIP].rsplit(" ", 1)[0] + "…"
