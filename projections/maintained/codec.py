"""The fold's state and timeline changes as JSON, and back, exactly.

A checkpoint stores a `FoldState` as compressed JSON: every value in it is an int, a string, a
bool, a date (written YYYY-MM-DD), a decimal string (a cap, a threshold) or a fractional amount
of shares (a `Decimal`, written as a one-key object: `_amount`), so nothing is lost and
`decode(encode(state)) == state` (a property test holds it). Quiet holders, the great majority,
are listed by name only.

Longer than the ~300 lines STYLE.md asks: it encodes and decodes every field of the fold's state,
each both ways.
"""

from __future__ import annotations

import json
import zlib
from datetime import date
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from owl.projections.domain.groups import Link
from owl.projections.domain.lifecycle import Lifecycle, Redemption, Sad, Tender
from owl.projections.domain.state import (
    QUIET,
    Book,
    Change,
    CountReport,
    Derivative,
    Determination,
    FoldState,
    Grandfathered,
    Level,
    Person,
    Reconciliation,
    Statement,
)
from owl.projections.domain.terms import Approval, Exemption, Terms

VERSION = 8  # 8: checkpoints keep the obligations' watches


def _d(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text is not None else None


def _day(text: str) -> date:
    return date.fromisoformat(text)


# --- persons and levels ----------------------------------------------------------------------


def _level(level: Level) -> list[Any]:
    return list(level)


def _unlevel(raw: list[Any]) -> Level:
    return Level(*raw)


def _person(p: Person) -> list[Any]:
    return [
        _d(p.ap_from),
        [[_d(a), _d(b)] for a, b in p.intervals],
        p.passive,
        p.breaching,
        list(p.ap_flags),
        p.status,
        [_level(level) for level in p.levels],
        list(p.group),
    ]


def _unperson(raw: list[Any]) -> Person:
    ap_from, intervals, passive, breaching, flags, status, levels, group = raw
    return Person(
        _date(ap_from),
        tuple((_day(a), _day(b)) for a, b in intervals),
        passive,
        breaching,
        tuple(flags),
        status,
        tuple(_unlevel(level) for level in levels),
        tuple(group),
    )


# --- terms and the plan's life ---------------------------------------------------------------


def _terms(t: Terms) -> dict[str, Any]:
    return {
        "adopted_on": _d(t.adopted_on),
        "threshold": t.threshold_text,
        "test": t.threshold_test,
        "source": t.threshold_source,
        "expires_on": _d(t.expires_on),
        "agent": t.rights_agent,
        "delay": t.distribution_delay,
        "basis": t.distribution_delay_basis,
        "exempt": sorted(t.exempt_persons),
        "exemptions": [
            [*e[:6], _d(e.effective), e.ends_on_disposition] for e in t.exemptions.values()
        ],
        "approvals": [list(a) for a in t.approvals.values()],
        "amendments": list(t.amendments),
        "records": list(t.records),
        "security": t.security,
        "derivatives": t.derivatives,
        "grandfathering": t.grandfathering,
    }


def _unterms(raw: dict[str, Any]) -> Terms:
    exemptions = {}
    for person, cap, test, ends, amendment, seq, effective, sold in raw["exemptions"]:
        exemptions[person] = Exemption(
            person, cap, test, ends, amendment, seq, _date(effective), sold
        )
    approvals = {a[0]: Approval(*a) for a in raw["approvals"]}
    return Terms(
        adopted_on=_date(raw["adopted_on"]),
        threshold_text=raw["threshold"],
        threshold_test=raw["test"],
        threshold_source=raw["source"],
        expires_on=_date(raw["expires_on"]),
        rights_agent=raw["agent"],
        distribution_delay=raw["delay"],
        distribution_delay_basis=raw["basis"],
        exempt_persons=frozenset(raw["exempt"]),
        exemptions=MappingProxyType(exemptions),
        approvals=MappingProxyType(approvals),
        amendments=tuple(raw["amendments"]),
        records=tuple(raw["records"]),
        security=raw["security"],
        derivatives=raw["derivatives"],
        grandfathering=raw["grandfathering"],
    )


def _life(life: Lifecycle) -> dict[str, Any]:
    sad = life.sad
    red = life.redemption
    return {
        "tenders": [[p, t.seq, _d(t.due)] for p, t in life.tenders.items()],
        "sad": _sad(sad),
        "suspended": _sad(life.suspended),
        "dd": _d(life.fixed_distribution),
        "redemption": [red.seq, _d(red.date)] if red else None,
        "ended": life.ended,
        "flags": list(life.flags),
    }


def _sad(sad: Sad | None) -> list[Any] | None:
    return [_d(sad.date), sad.seq, sad.holder, sad.shares] if sad else None


def _unsad(raw: list[Any] | None) -> Sad | None:
    return Sad(_day(raw[0]), raw[1], raw[2], raw[3]) if raw else None


def _unlife(raw: dict[str, Any]) -> Lifecycle:
    red = raw["redemption"]
    return Lifecycle(
        {p: Tender(seq, _day(due)) for p, seq, due in raw["tenders"]},
        _unsad(raw["sad"]),
        _date(raw["dd"]),
        Redemption(red[0], _day(red[1])) if red else None,
        raw["ended"],
        list(raw["flags"]),
        _unsad(raw["suspended"]),
    )


# --- the whole state -------------------------------------------------------------------------


def _book(book: Book) -> dict[str, Any]:
    return {
        "holdings": book.holdings,
        "outstanding": book.outstanding,
        "report": book.report,
        "adjustments": book.adjustments,
        "reports": [[r.seq, _d(r.date), r.shares] for r in book.reports],
        "reconciliations": [[_d(r.date), *r[1:]] for r in book.reconciliations],
        "statements": {h: [_d(st.date), st.seq] for h, st in book.statements.items()},
        "indirect": [[h, n, shares] for (h, n), shares in book.indirect.items()],
        "derivatives": {
            holder: {
                key: [r.quantity, r.underlying, _d(r.exercisable_from), _d(r.expires_on), r.unknown]
                for key, r in series.items()
            }
            for holder, series in book.derivatives.items()
        },
        "differences": [[*account, d, s] for account, (d, s) in book.differences.items()],
        "last_reports": [
            [*account, _d(day), reported, computed]
            for account, (day, reported, computed) in book.last_reports.items()
        ],
    }


def _unbook(b: dict[str, Any]) -> Book:
    return Book(
        dict(b["holdings"]),
        b["outstanding"],
        b["report"],
        list(b["adjustments"]),
        [CountReport(seq, _day(d), n) for seq, d, n in b["reports"]],
        [Reconciliation(_day(r[0]), *r[1:]) for r in b["reconciliations"]],
        {h: Statement(_day(d), seq) for h, (d, seq) in b["statements"].items()},
        {(h, n): shares for h, n, shares in b["indirect"]},
        {
            holder: {
                key: Derivative(q, u, _date(start), _date(end), unknown)
                for key, (q, u, start, end, unknown) in series.items()
            }
            for holder, series in b["derivatives"].items()
        },
        {(h, n, k): (d, s) for h, n, k, d, s in b["differences"]},
        {(h, n, k): (_day(day), r, c) for h, n, k, day, r, c in b["last_reports"]},
    )


def state_json(s: FoldState) -> dict[str, Any]:
    quiet: dict[str, list[str]] = {"below": [], "plan_not_in_force": []}
    others = {}
    for name, person in s.persons.items():
        if person == QUIET[True]:
            quiet["below"].append(name)
        elif person == QUIET[False]:
            quiet["plan_not_in_force"].append(name)
        else:
            others[name] = _person(person)
    return {
        "v": VERSION,
        "issuer": s.issuer,
        "through": _d(s.through),
        "counted": s.counted,
        "book": _book(s.book),
        "other_classes": {name: _book(book) for name, book in s.others.items()},
        "terms": _terms(s.terms),
        "links": sorted(list(link) for link in s.links.values()),
        "quiet": {kind: sorted(names) for kind, names in quiet.items()},
        "persons": others,
        "inadvertence": {m: [d.seq, _d(d.divest_by)] for m, d in s.inadvertence.items()},
        "life": _life(s.life),
        "in_force": s.in_force,
        "last_outstanding": s.last_outstanding,
        "schedule": [_d(d) for d in sorted(s.schedule)],  # (a sorted list is a heap)
        "due_causes": [[_d(d), seq] for d, seq in sorted(s.due_causes.items())],
        "grandfathered": {m: [g.shares, g.seq, _d(g.since)] for m, g in s.grandfathered.items()},
    }


def state_from_json(raw: dict[str, Any]) -> FoldState:
    if raw.get("v") != VERSION:
        raise ValueError(f"checkpoint format {raw.get('v')!r} is not {VERSION}")
    persons: dict[str, Person] = {}
    for name in raw["quiet"]["below"]:
        persons[name] = QUIET[True]
    for name in raw["quiet"]["plan_not_in_force"]:
        persons[name] = QUIET[False]
    for name, person in raw["persons"].items():
        persons[name] = _unperson(person)
    links = {}
    for seq, person, affiliate, group in raw["links"]:
        link = Link(seq, person, affiliate, group)
        links[(person, affiliate) if person <= affiliate else (affiliate, person)] = link
    return FoldState(
        raw["issuer"],
        _date(raw["through"]),
        raw["counted"],
        _unbook(raw["book"]),
        {name: _unbook(book) for name, book in raw["other_classes"].items()},
        _unterms(raw["terms"]),
        links,
        persons,
        {m: Determination(seq, _day(d)) for m, (seq, d) in raw["inadvertence"].items()},
        _unlife(raw["life"]),
        raw["in_force"],
        raw["last_outstanding"],
        [_day(d) for d in raw["schedule"]],
        {_day(d): seq for d, seq in raw["due_causes"]},
        {m: Grandfathered(n, seq, _day(d)) for m, (n, seq, d) in raw["grandfathered"].items()},
    )


def encode_state(state: FoldState) -> bytes:
    """The state's bytes: the same state gives the same bytes, whatever order its maps were
    filled in (a fold resumed from a checkpoint takes the checkpoints a fold from the start
    would, byte for byte)."""
    body = state_json(state)
    text = json.dumps(body, separators=(",", ":"), sort_keys=True, default=_amount)
    return zlib.compress(text.encode(), 1)


def decode_state(blob: bytes) -> FoldState:
    return state_from_json(json.loads(zlib.decompress(blob), object_hook=_unamount))


# A fractional amount of shares (a `Decimal`) is written as {"\u0000d": "14.19"}: no name can
# be that key (names refuse control characters), so reading it back is unambiguous.
_DECIMAL = "\u0000d"


def _amount(value: object) -> dict[str, str]:
    if isinstance(value, Decimal):
        return {_DECIMAL: format(value, "f")}
    raise TypeError(f"{type(value).__name__} is not part of a fold's state")


def _unamount(raw: dict[str, Any]) -> Any:
    if len(raw) == 1 and _DECIMAL in raw:
        return Decimal(raw[_DECIMAL])
    return raw


# --- timeline changes ------------------------------------------------------------------------


def _change(c: Change) -> list[Any]:
    return [
        _d(c.date),
        c.kind,
        c.what,
        c.group,
        list(c.members),
        c.seq,
        c.before,
        c.after,
        _level(c.level) if c.level else None,
        _level(c.was) if c.was else None,
        list(c.detail),
    ]


def _unchange(raw: list[Any]) -> Change:
    day, kind, what, group, members, seq, before, after, level, was, detail = raw
    return Change(
        _day(day),
        kind,
        what,
        group,
        tuple(members),
        seq,
        before,
        after,
        _unlevel(level) if level else None,
        _unlevel(was) if was else None,
        tuple(detail),
    )


def encode_changes(changes: list[Change]) -> bytes:
    return zlib.compress(json.dumps([_change(c) for c in changes], default=_amount).encode(), 1)


def decode_changes(blob: bytes) -> list[Change]:
    return [_unchange(raw) for raw in json.loads(zlib.decompress(blob), object_hook=_unamount)]
