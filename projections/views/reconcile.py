"""Reconciliation: each break between a reported holding and the ledger's replay.

A break is a report (a `HoldingReported`, a `DerivativeReported`) that states a different
position for an account than the ledger computes at that point of the replay. A constant offset
that persists over later reports is one break, named at its first report; a break is *open* when
the account's latest report still differs by it. Asked with `taken`, the view also lists the
reports the ledger took as the position where it computed another (kind `adopted`, and
`opening`: a filing opening an account the ledger held nothing in, e.g. the position a Form 4 row
implies before it): differences it did not explain, but took, so not breaks. The likely cause
is given when one is evident (`projections.domain.causes`; for an opening implied by a
transaction row, the row's amount against the holding it states); a break with none says it is
unexplained. A Form 3/4/5's holding after a row is followed: its break is named once, and the
account then holds what the filing states (`followed`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from owl.ledger.log import Recorded
from owl.projections.domain.causes import mistyped
from owl.projections.domain.state import Book, FoldState, Reconciliation
from owl.projections.views.report import record_ref
from owl.projections.views.shapes import Json
from owl.projections.views.wording import cause_text


def breaks(state: FoldState, taken: bool = False) -> list[tuple[str, Book, Reconciliation]]:
    """Every break of every class, with its class ("" the common stock) and book, by date;
    with `taken`, also the reports the ledger took as the position where it computed another
    (adopted and opening reports: not breaks)."""
    books = [(state.terms.security, state.book), *state.others.items()]
    found = [
        (cls, book, r)
        for cls, book in books
        for r in book.reconciliations
        if r.is_new_break or (taken and r.difference and (r.adopted or r.opening))
    ]
    return sorted(found, key=lambda f: (f[2].date, f[2].seq))


# A break always names a cause: when none is evident, that is what it says.
UNEXPLAINED = "unexplained: no transaction, share count or typo on record accounts for it"


def kind(r: Reconciliation) -> str:
    return "adopted" if r.adopted else "opening" if r.opening else "break"


def reconcile_json(
    state: FoldState,
    issuer: str,
    holder: str | None,
    known_at: str | None,
    records: Mapping[int, Recorded],
    taken: bool = False,
) -> Json:
    rows = []
    for cls, book, r in breaks(state, taken):
        if holder is not None and r.holder != holder:
            continue
        account = (r.holder, r.nature, r.series)
        still = book.differences.get(account)
        record = records.get(r.seq)
        filing = record.event.filing if record is not None else None
        rows.append(
            {
                "date": r.date.isoformat(),
                "holder": r.holder,
                "security": cls or None,
                "nature": r.nature or None,
                "series": r.series or None,
                "reported": r.reported,
                "computed": r.computed,
                "difference": r.difference,
                "kind": kind(r),
                "open": still is not None and still[1] == r.seq,
                "form": filing.form
                if filing
                else getattr(record.event, "form", None)
                if record
                else None,
                "accession": filing.accession if filing else None,
                "row": filing.row if filing else None,
                "cause": _cause(r, records),
                "followed": r.followed,
                "event": record_ref(record),
            }
        )
    return {"issuer": issuer, "holder": holder, "known_at": known_at, "breaks": rows}


def _cause(r: Reconciliation, records: Mapping[int, Recorded]) -> str | None:
    told = cause_text(r.cause or implied(r, records) or footnoted(r, records))
    told = told or (UNEXPLAINED if kind(r) == "break" else "")
    if r.followed and not r.cause.startswith("history_missing"):
        told += "; the account follows the filing's holding"
    return told or None


def implied(r: Reconciliation, records: Mapping[int, Recorded]) -> str:
    """For an opening a transaction row implies (the position before it), whether the row's
    amount and the holding it states look like one mistyped figure."""
    if not r.opening:
        return ""
    after = records.get(r.seq + 1)
    if after is None:
        return ""
    amount = getattr(after.event, "quantity", None) or getattr(after.event, "shares", None)
    if not isinstance(amount, int):
        return ""
    stated = amount + r.reported  # the holding the row states after it (its amount on top)
    return mistyped(stated, amount)


# What a footnote of the report's filing row says happened that the row does not itemize.
_FOOTNOTED = (
    ("purchase_plan", re.compile(r"(stock|share) purchase plan|\bESPP\b|purchase plan", re.I)),
    ("dividend", re.compile(r"dividend reinvestment|reinvested dividends|\bDRIP\b", re.I)),
    ("gift", re.compile(r"\bgifts?\b|\bgifted\b", re.I)),
)


def footnoted(r: Reconciliation, records: Mapping[int, Recorded]) -> str:
    """For a report read from a filing, whether a footnote of its row names shares that moved
    outside the itemized transactions (a purchase plan, dividend reinvestment, a gift)."""
    record = records.get(r.seq)
    filing = record.event.filing if record is not None else None
    if filing is None or not filing.footnotes:
        return ""
    text = " ".join(filing.footnotes)
    return next((f"footnote:{code}" for code, pattern in _FOOTNOTED if pattern.search(text)), "")
