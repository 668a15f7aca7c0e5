"""What the ledger knows about: its issuers, and the holders of an issuer.

The issuers: each key with what filings said identifies it (CIK, ticker, name: the latest
`IssuerIdentified`), how many events were recorded for it, how many holders hold shares now, and
the first and last effective dates its events touch. This is the directory a new user starts
from, so it reads the maintained projections only (no fold).

The holders of an issuer on a date, as known at an instant: every holder whose position in the
class changed by that date (events effective on or before `as_of`, counted at the issuer's last
seq known then, splits and voided events aside), with the shares held on the date (0: a former
holder), the percent, the group it belongs to (None for a holder on its own), and the first and
last dates its position changed. The shares and percent are the ownership view's, so the two
never disagree.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from owl.projections.maintained import tables
from owl.projections.maintained.tables import Balance, FactRow, HolderSpan, IssuerSummary
from owl.projections.views.shapes import Json


def identity(facts: Iterable[FactRow]) -> Json:
    """CIK, ticker and name from the issuer's latest `IssuerIdentified` (each None if never
    given)."""
    found: Json = {"cik": None, "ticker": None, "name": None}
    for fact in facts:
        if fact.type == tables.IDENTIFIED:
            body = json.loads(fact.payload)
            found.update({k: body[k] for k in ("cik", "ticker", "name") if body.get(k)})
    return found


def issuer_json(
    summary: IssuerSummary, facts: Iterable[FactRow], balances: Iterable[Balance]
) -> Json:
    """One issuer's line of the directory (`balances`: every account's current position)."""
    holding = {b.holder for b in balances if b.position > 0}
    return {
        "issuer": summary.issuer,
        **identity(facts),
        "events": summary.events,
        "holders": len(holding),
        "first_date": summary.first_date,
        "last_date": summary.last_date,
        "last_recorded_at": summary.last_recorded_at,
    }


def holders_json(ownership: Json, spans: Iterable[HolderSpan]) -> Json:
    """The holders of the ownership view's class: its holders with their shares, then those
    whose position changed by the date and who hold nothing on it."""
    security = ownership["security"] or ""
    changed = {s.holder: s for s in spans if s.security == security}
    group_of = {
        m: g["group"] for g in ownership["groups"] if len(g["members"]) > 1 for m in g["members"]
    }
    rows = []
    listed = set()
    for h in ownership["holders"]:
        rows.append(_row(h["holder"], h["shares"], h["percent"], group_of, changed))
        listed.add(h["holder"])
    former = sorted(name for name in changed if name not in listed)
    rows += [_row(name, 0, None, group_of, changed) for name in former]
    return {
        "issuer": ownership["issuer"],
        "as_of": ownership["as_of"],
        "known_at": ownership["known_at"],
        "security": ownership["security"],
        "shares_outstanding": ownership["shares_outstanding"],
        "holders": rows,
    }


def _row(
    holder: str,
    shares: int,
    percent: str | None,
    group_of: dict[str, str],
    changed: dict[str, HolderSpan],
) -> Json:
    span = changed.get(holder)
    return {
        "holder": holder,
        "shares": shares,
        "percent": percent if shares else None,
        "group": group_of.get(holder),
        "first_date": span.first_date if span else None,
        "last_date": span.last_date if span else None,
        "changes": span.changes if span else 0,
    }
