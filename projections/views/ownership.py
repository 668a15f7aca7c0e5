"""Ownership as of (date, known_at): who holds how much of one class, however held.

Holdings are the sum of each account's position changes effective by the date and counted by the
view (`rec_seq` at or before the issuer's last seq known then): one indexed aggregate on either
backend. Shares then outstanding, the links that form groups, the derivatives held and the adopted
reports come from the few non-trade facts. The answer equals the one the full replay gives
(`ownership_body` builds both; a property test holds them equal).

Each holder's shares are shown in all and, apart, the part held in each indirect way (the rest is
held directly); groups sum their members'; derivatives are listed with whether the plan counts
them and whether they are exercisable within 60 days (Rule 13d-3).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from owl.ledger.classes import class_named
from owl.ledger.events import (
    AnyEvent,
    DerivativeAcquired,
    DerivativeDisposed,
    DerivativeReported,
    RightsAgreementAdopted,
)
from owl.ledger.log import Recorded
from owl.ledger.shares import Amount
from owl.ledger.store import Reader
from owl.projections.domain.beneficial import (
    Rights,
    apply_right,
    plan_counts,
    rule_counts,
    uncertain,
)
from owl.projections.domain.groups import Link, LinkKey, form_groups, group_labels
from owl.projections.domain.numbers import format_share_percent
from owl.projections.domain.rules import ADOPT, FOLLOW, Account
from owl.projections.maintained import tables
from owl.projections.maintained.facts import links_of, live_facts, outstanding_of
from owl.projections.maintained.tables import FactRow
from owl.projections.views.report import record_ref
from owl.projections.views.shapes import Json


def plan_of(facts: list[tuple[FactRow, AnyEvent]]) -> tuple[str, str]:
    """The class the (latest) plan covers and how it counts rights ("" and "all" by default)."""
    security, mode = "", "all"
    for _, ev in facts:
        if isinstance(ev, RightsAgreementAdopted):
            security, mode = ev.security or "", ev.derivatives or "all"
    return security, mode


def default_class(
    facts: list[tuple[FactRow, AnyEvent]], accounts: Mapping[Account, Amount], plan_class: str
) -> str:
    """The class a view shows unless asked: the plan's; with no plan, the class most shares
    are held of (an issuer whose only stock is "Class A Common Stock" shows that)."""
    if any(isinstance(ev, RightsAgreementAdopted) for _, ev in facts):
        return plan_class
    totals: dict[str, Amount] = {}
    for (_, cls, _), shares in accounts.items():
        totals[cls] = totals.get(cls, 0) + shares
    return max(totals, key=lambda c: (totals[c], c == ""), default="")


def classes_of(
    facts: list[tuple[FactRow, AnyEvent]], accounts: Mapping[Account, Amount], plan_class: str
) -> set[str]:
    """Every class the issuer's events name by the date ("" the common stock)."""
    found = {plan_class, ""} | {cls for _, cls, _ in accounts}
    found |= {getattr(ev, "security", None) or "" for _, ev in facts}
    return found


def _natural(item: tuple[Account, Amount]) -> tuple[str, str, list[tuple[int, str]]]:
    """Accounts in reading order: "Trust (F8)" before "Trust (F10)"."""
    (holder, cls, nature), _ = item
    parts = re.split(r"(\d+)", nature)
    return holder, cls, [(int(p), "") if p.isdigit() else (0, p) for p in parts]


def ownership_body(
    issuer: str,
    as_of: date,
    known_at: str | None,
    security: str,
    mode: str,
    accounts: Mapping[Account, Amount],
    outstanding: Amount | None,
    links: Mapping[LinkKey, Link],
    rights: Rights,
    changes: list[Json],
    breaks: list[Json],
) -> Json:
    """The ownership view of one class, from its accounts' shares and the facts around them."""
    totals: dict[str, Amount] = {}
    indirect: dict[str, list[Json]] = {}
    for (holder, cls, nature), shares in sorted(accounts.items(), key=_natural):
        if cls != security or not shares:
            continue
        totals[holder] = totals.get(holder, 0) + shares
        if nature:
            indirect.setdefault(holder, []).append({"nature": nature, "shares": shares})

    def pct(shares: Amount) -> str | None:
        return format_share_percent(shares, outstanding) if outstanding else None

    labels = group_labels(links)
    persons = {*totals, *(name for key in links for name in key)} - labels
    groups = []
    for group in form_groups(persons, links):
        shares = sum(totals.get(m, 0) for m in group.members)
        if shares:
            groups.append((group, shares))
    groups.sort(key=lambda gs: (-gs[1], gs[0].label))
    holders = sorted(((h, s) for h, s in totals.items() if s), key=lambda x: (-x[1], x[0]))
    derivatives = [
        {
            "holder": holder,
            "series": key,
            "quantity": right.quantity,
            "underlying_shares": right.underlying,
            "exercisable_from": right.exercisable_from.isoformat()
            if right.exercisable_from
            else None,
            "expires_on": right.expires_on.isoformat() if right.expires_on else None,
            "counted_by_plan": plan_counts(right, as_of, mode),
            "exercisable_within_60_days": rule_counts(right, as_of),
            # the exercise date is given only by a footnote that states none plainly: Rule
            # 13d-3 may count these shares or not, and the ledger cannot tell which
            "exercisable_unknown": uncertain(right, as_of) or None,
        }
        for holder, series in sorted(rights.items())
        for key, right in sorted(series.items())
        if right.quantity or right.underlying
    ]
    return {
        "issuer": issuer,
        "as_of": as_of.isoformat(),
        "known_at": known_at,
        "security": security or None,
        "shares_outstanding": outstanding,
        "holders": [_holder(h, s, pct(s), indirect.get(h)) for h, s in holders],
        "groups": [
            {
                "group": g.label,
                "members": list(g.members),
                "shares": shares,
                "percent": pct(shares),
            }
            for g, shares in groups
        ],
        "derivatives": derivatives,
        "unexplained_changes": changes,
        "open_breaks": breaks,
        "inconsistencies": oversold(accounts, security) + below_zero(derivatives),
    }


def ownership_view(
    reader: Reader,
    issuer: str,
    as_of: date,
    upto_seq: int,
    known_at: str | None,
    security: str | None,
    breaks: list[Json],
) -> Json:
    """Ownership from the maintained projections: one aggregate for the holdings."""
    day = as_of.isoformat()
    facts = live_facts(tables.facts(reader, issuer, upto_seq, day))
    plan_class, mode = plan_of(facts)
    accounts = tables.holdings(reader, issuer, day, upto_seq)
    if security is None:
        cls = default_class(facts, accounts, plan_class)
    else:
        cls = class_named(security, classes_of(facts, accounts, plan_class), issuer, day)
    rights: Rights = {}
    for _, ev in facts:
        rights_event = isinstance(ev, DerivativeAcquired | DerivativeDisposed | DerivativeReported)
        if rights_event and (getattr(ev, "security", None) or "") == cls:
            apply_right(rights, ev)  # type: ignore[arg-type]
    adopted = [r for r in tables.adopted(reader, issuer, day, upto_seq) if r.security == cls]
    records = reader.events_by_seq(row.seq for row in adopted)
    changes = [
        change_json(
            row.effective_date,
            row.holder,
            row.nature,
            row.target or 0,
            (row.target or 0) - row.delta,
            records.get(row.seq),
            row.kind != ADOPT,
        )
        for row in adopted
        if _unexplained(row, records.get(row.seq))
    ]
    body = ownership_body(
        issuer,
        as_of,
        known_at,
        cls,
        mode,
        accounts,
        outstanding_of(facts, cls),
        links_of(facts),
        rights,
        changes,
        breaks,
    )
    for bad in body["inconsistencies"]:
        if "series" not in bad:  # the event that took the account below zero
            nature = bad["nature"] or ""
            found = tables.first_below_zero(
                reader, issuer, bad["holder"], cls, nature, day, upto_seq
            )
            bad["since"] = {"date": found[0], "seq": found[1]} if found else None
    return body


def _holder(
    holder: str, shares: Amount, share_percent: str | None, indirect: list[Json] | None
) -> Json:
    """A holder's shares in all; the parts held indirectly, when there are any, apart."""
    body: Json = {"holder": holder, "shares": shares, "percent": share_percent}
    if indirect:
        body["indirect"] = indirect
    return body


def _unexplained(row: tables.PositionRow, record: Recorded | None) -> bool:
    """An adopted report, or one opening an empty account; a filing's holding followed on an
    account the ledger held is a break (`owl reconcile`), not an unexplained change."""
    if row.kind != FOLLOW:
        return True
    opening = record is not None and getattr(record.event, "opening", None)
    return bool(opening) and (row.target or 0) == row.delta


def change_json(
    day: str,
    holder: str,
    nature: str,
    reported: Amount,
    computed: Amount,
    record: Recorded | None,
    opening: bool = False,
) -> Json:
    body: dict[str, Any] = {
        "date": day,
        "holder": holder,
        "reported": reported,
        "computed": computed,
        "difference": reported - computed,
        "event": record_ref(record),
    }
    if nature:
        body["nature"] = nature
    if opening:
        body["opening"] = True
    return body


def below_zero(derivatives: list[Json]) -> list[Json]:
    """Each series of rights below zero: the log disposes of more of it than it knows the holder
    acquired (a grant never imported: the filings' own holding after each row is the evidence,
    and `owl reconcile` lists the break). Shown, never counted as a right."""
    return [
        {"holder": d["holder"], "series": d["series"], "quantity": d["quantity"],
         "underlying_shares": d["underlying_shares"]}
        for d in derivatives
        if d["quantity"] < 0 or d["underlying_shares"] < 0
    ]  # fmt: skip


def oversold(accounts: Mapping[Account, Amount], cls: str) -> list[Json]:
    """Each account of the class below zero: the log holds an event that takes more than the
    account had (however it got there: the append refuses one). Shown as an inconsistency,
    never as a silent negative holding."""
    return [
        {"holder": holder, "nature": nature or None, "shares": shares}
        for (holder, security, nature), shares in sorted(accounts.items())
        if security == cls and shares < 0
    ]
