"""Tables for people: the status, ownership, timeline, explanation and reconciliation views as
aligned text.

Numbers get thousands separators, percentages 4 places and a % sign; empty values print as "-".

Longer than the ~300 lines STYLE.md asks: one text rendering per view.
"""

from __future__ import annotations

from typing import Any

from owl.cli.tables import render_table
from owl.projections.domain.numbers import TEST_WORDS


def n(value: int | None) -> str:
    return "-" if value is None else f"{value:,}"


def pct(value: str | None) -> str:
    return "-" if value is None else f"{value}%"


def limit_text(limit: dict[str, Any] | None) -> str:
    if limit is None:
        return "-"
    if limit["basis"] == "exempt_person":
        return "none (exempt person)"
    bound = (
        f"more than {limit['shares']:,} shares"
        if limit.get("shares") is not None
        else f"{TEST_WORDS[limit['test']]} {limit['percent']}%"
    )
    source = f", {limit['source_amendment']}" if limit.get("source_amendment") else ""
    return f"{bound} ({limit['basis']}{source})"


def intervals_text(intervals: list[dict[str, Any]]) -> str:
    return ", ".join(f"[{i['from']}, {i['to'] or '…'})" for i in intervals) or "-"


def inconsistency_lines(body: dict[str, Any]) -> list[str]:
    """Accounts and series below zero, each with the event that took it there."""
    out: list[str] = []
    for bad in body.get("inconsistencies", []):
        if "series" in bad:
            out += [
                "",
                f"Inconsistent: {bad['holder']} holds {n(bad['quantity'])} of {bad['series']}: "
                "the log disposes of more of that series than it knows was acquired (a grant "
                "never imported; owl reconcile; owl log --holder).",
            ]
            continue
        how = f" ({bad['nature']})" if bad.get("nature") else ""
        since = bad.get("since")
        which = f" from seq {since['seq']} ({since['date']})" if since else ""
        out += [
            "",
            f"Inconsistent: {bad['holder']}{how} holds {n(bad['shares'])} shares{which}: the "
            "log holds an event that takes more than the account had (owl verify; owl log "
            "--holder).",
        ]
    return out


def status_lines(body: dict[str, Any]) -> list[str]:
    plan = body["plan"]
    out = [f"{body['issuer']} as of {body['as_of']} (known at {body['known_at']})"]
    if body.get("events_known") == 0:
        out.append(
            f"Nothing for {body['issuer']} effective by {body['as_of']} had been recorded by "
            f"{body['known_at']}: the ledger knew of no plan and no holdings then."
        )
    if plan["adopted_on"] is None:
        out.append("Plan: none adopted")
    else:
        state = "in force" if plan["in_force"] else "NOT in force"
        amendments = ", ".join(plan["amendments"]) or "none"
        out.append(
            f"Plan: {state}; Acquiring Person {TEST_WORDS[plan['threshold_test']]} "
            f"{plan['threshold']}%;"
            f" rights agent {plan['rights_agent'] or '-'}; expires {plan['expires_on'] or '-'};"
            f" amendments {amendments}"
        )
    basis = body["shares_outstanding_basis"]
    adjusted = (
        f", adjusted by {len(basis['adjustments'])} later events" if basis["adjustments"] else ""
    )
    out.append(
        f"Shares outstanding: {n(body['shares_outstanding'])} "
        f"(reported {basis['reported_on'] or '-'}{adjusted})"
    )
    out.append("")
    headers = (
        "group",
        "members",
        "shares",
        "percent",
        "limit",
        "status",
        "headroom",
        "AP intervals",
        "flags",
    )
    rows = [
        (
            g["group"],
            ", ".join(g["members"]),
            n(g["shares"]),
            pct(g["percent"]),
            limit_text(g["limit"]),
            g["status"],
            n(g["headroom_shares"]),
            intervals_text(g["acquiring_person_intervals"]),
            ", ".join(g["flags"]) or "-",
        )
        for g in body["groups"]
    ]
    if body["shares_outstanding"] is None and body.get("events_known"):
        out.append(
            "No share count (OutstandingReported) on or before this date: percentages and "
            "limits cannot be computed."
        )
    out += (
        render_table(headers, rows, right=[2, 3, 6])
        if rows
        else ["No group over 5% or with a status."]
    )
    for g in body["groups"]:
        if g["reported"]:
            out.append(stated_line(g["reported"], body["shares_outstanding"]))
    listed = {m for g in body["groups"] for m in g["members"]}
    for c in body.get("unexplained_changes", []):
        if c["holder"] in listed:
            out.append(unexplained_line(c))
    for b in body["reconciliation_breaks"]:
        out.append(
            f"Reconciliation break: {b['holder']} reported {n(b['reported'])} on {b['date']}, "
            f"the ledger computes {n(b['computed'])} ({b['difference']:+,})"
        )
    out.append("")
    out.append(f"Acquiring Persons: {', '.join(body['acquiring_persons']) or 'none'}")
    former = [
        f"{g['group']} {intervals_text([i for i in g['acquiring_person_intervals'] if i['to']])}"
        for g in body["groups"]
        if any(i["to"] for i in g["acquiring_person_intervals"])
    ]
    if former:
        out.append(f"Formerly Acquiring Persons: {'; '.join(former)}")
    out.append(f"Stock Acquisition Date: {body['stock_acquisition_date'] or 'none'}")
    dd = body["distribution_date"]
    reached = (
        "" if dd is None else (" (reached)" if body["distribution_date_reached"] else " (ahead)")
    )
    out.append(f"Distribution Date: {dd or 'none'}{reached}")
    if body["flags"]:
        out.append(f"Flags: {', '.join(body['flags'])}")
    out += inconsistency_lines(body)  # the seq that took an account below zero: owl ownership
    return out


def stated_line(r: dict[str, Any], outstanding: int | None = None) -> str:
    head = (
        f"Stated: {r['holder']} reported {n(r['shares'])} shares"
        + (f" ({r['percent_stated']}%)" if r["percent_stated"] else "")
        + f" on {r['date']}"
        + (f" ({r['form']})" if r["form"] else "")
    )
    if r["basis_outstanding"] is None:
        return head + "."
    then = r.get("percent_of_shares_then_outstanding")
    count = f"{n(outstanding)} " if outstanding else ""
    tail = f"; of the {count}shares then outstanding it is {then}%" if then else ""
    return (
        f"{head}: {r['percent_of_basis']}% of {n(r['basis_outstanding'])}, the count "
        f"reported {r['basis_reported_on']}{tail}."
    )


def ownership_lines(body: dict[str, Any]) -> list[str]:
    security = f" {body['security']}" if body.get("security") else ""
    out = [
        f"{body['issuer']}{security} as of {body['as_of']} (known at {body['known_at']}); "
        f"shares outstanding {n(body['shares_outstanding'])}",
        "",
    ]
    rows: list[tuple[str, ...]] = []
    for h in body["holders"]:
        rows.append((h["holder"], n(h["shares"]), pct(h["percent"])))
        indirect = h.get("indirect", [])
        direct = h["shares"] - sum(i["shares"] for i in indirect)
        if indirect and direct:
            rows.append(("  directly", n(direct), ""))
        rows += [(f"  {i['nature']}", n(i["shares"]), "") for i in indirect]
    out += render_table(("holder", "shares", "percent"), rows, right=[1, 2])
    out.append("")
    out += render_table(
        ("group", "members", "shares", "percent"),
        [
            (g["group"], ", ".join(g["members"]), n(g["shares"]), pct(g["percent"]))
            for g in body["groups"]
        ],
        right=[2, 3],
    )
    out += inconsistency_lines(body)
    rights = body.get("derivatives", [])
    if rights:
        out += ["", "Rights to acquire shares:"]
        out += render_table(
            ("holder", "series", "underlying", "exercisable", "expires", "plan", "13d-3"),
            [
                (
                    r["holder"],
                    r["series"].split(" | ")[0],
                    n(r["underlying_shares"]),
                    r["exercisable_from"] or ("unknown" if r.get("exercisable_unknown") else "now"),
                    r["expires_on"] or "-",
                    "counted" if r["counted_by_plan"] else "-",
                    "counted"
                    if r["exercisable_within_60_days"]
                    else "uncertain"
                    if r.get("exercisable_unknown")
                    else "-",
                )
                for r in rights
            ],
            right=[2],
        )
        out += uncertain_lines(rights)
    for c in body["unexplained_changes"]:
        out.append(unexplained_line(c))
    out += [open_break_line(b) for b in body.get("open_breaks", [])]
    return out


def open_break_line(b: dict[str, Any]) -> str:
    account = ", ".join(part for part in (b.get("series"), b.get("nature")) if part)
    where = f" ({account})" if account else ""
    since = b.get("since") or {}
    source = f": {since['source']}" if since.get("source") else ""
    return (
        f"Open break: {b['holder']}{where} reports {b['difference']:+,} against the ledger "
        f"since {since.get('effective_date', '?')}{source} (owl reconcile lists it)"
    )


def uncertain_lines(rights: list[dict[str, Any]]) -> list[str]:
    """How much each holder's Rule 13d-3 holding is uncertain by: rights whose exercise date a
    footnote gives without stating it plainly, which the ledger does not count."""
    by_holder: dict[str, Any] = {}
    for r in rights:
        if r.get("exercisable_unknown"):
            by_holder[r["holder"]] = by_holder.get(r["holder"], 0) + r["underlying_shares"]
    return [
        f"Uncertain under Rule 13d-3: {holder} may hold {n(shares)} more shares (rights whose "
        "exercise date a footnote gives, not plainly: not counted)"
        for holder, shares in by_holder.items()
    ]


def unexplained_line(c: dict[str, Any]) -> str:
    account = ", ".join(part for part in (c.get("series"), c.get("nature")) if part)
    where = f" ({account})" if account else ""
    what = "rights" if c.get("series") else "shares"
    if c.get("opening"):
        event = c.get("event") or {}
        source = f"; {event['source']}" if event.get("source") else ""
        return (
            f"Opened by a filing: {c['holder']}{where} on {c['date']}: {n(c['reported'])} "
            f"{what} (none before on record{source})"
        )
    return (
        f"Unexplained change: {c['holder']}{where} on {c['date']}: {c['difference']:+,} {what} "
        f"(reported {n(c['reported'])}, computed {n(c['computed'])})"
    )


def timeline_lines(body: dict[str, Any]) -> list[str]:
    person = f" for {body['person']}" if body.get("person") else ""
    head = f"{body['issuer']} timeline{person} (known at {body['known_at']})"
    rows = [
        (
            c["date"],
            c["group"] or "(plan)",
            c["kind"],
            c["detail"],
            c["event"]["event_id"] if c["event"] else "-",
        )
        for c in body["changes"]
    ]
    if not rows:
        return [head, "No changes."]
    return [head, "", *render_table(("date", "group", "kind", "change", "event"), rows)]


def explain_lines(body: dict[str, Any]) -> list[str]:
    out = [
        f"{body['person']} in {body['issuer']} as of {body['as_of']} (known at "
        f"{body['known_at']}): {body['status']}",
        f"Group: {body['group']} ({', '.join(body['members'])})",
        "",
        body["rule"],
        "",
    ]
    out.append(f"Limit: {limit_text(body['limit'])}; headroom {n(body['headroom_shares'])} shares")
    out.append(f"Acquiring Person intervals: {intervals_text(body['acquiring_person_intervals'])}")
    for c in body["unexplained_changes"]:
        out.append(unexplained_line(c))
    out += [open_break_line(b) for b in body.get("open_breaks", [])]
    if body["reported"]:
        out.append(stated_line(body["reported"], body["shares_outstanding"]))
    out.append("")
    out += render_table(
        ("holder", "shares"), [(h["holder"], n(h["shares"])) for h in body["holdings"]], right=[1]
    )
    out.append("")
    out.append("Events behind it:")
    rows = [
        (e["effective_date"], str(e["seq"]), e["type"], e["event_id"], e["source"] or "-")
        for e in body["events"]
    ]
    out += render_table(("date", "seq", "type", "event_id", "source"), rows, right=[1])
    out += footnote_lines(body["events"])
    return out


def footnote_lines(events: list[dict[str, Any]]) -> list[str]:
    """The filing evidence of the events listed: code and footnotes, each once."""
    out: list[str] = []
    seen: set[tuple[str | None, str]] = set()
    for e in events:
        filing = e.get("filing")
        if not filing:
            continue
        row = (filing.get("accession") or e["source"], f"row {filing.get('row')}")
        if filing.get("code") and row not in seen:
            seen.add(row)
            out.append(f"  seq {e['seq']}: transaction code {filing['code']} ({filing['row']})")
        for note in filing.get("footnotes", []):
            key = (filing.get("accession") or e["source"], note)
            if key not in seen:
                seen.add(key)
                out.append(f"  seq {e['seq']}: {note}")
    return ["", "Filing evidence:", *out] if out else []


def reconcile_lines(body: dict[str, Any]) -> list[str]:
    if not body["breaks"]:
        return [f"No reconciliation breaks for {body['issuer']} (known at {body['known_at']})."]
    headers = ("date", "holder", "account", "kind", "reported", "computed", "difference", "open",
               "filing", "cause")  # fmt: skip
    rows = []
    for b in body["breaks"]:
        account = " / ".join(x for x in (b["security"], b["nature"], b["series"]) if x) or "-"
        form = f"Form {b['form']}" if b["form"] else None
        filing = " ".join(x for x in (form, b["accession"], b["row"]) if x) or "-"
        rows.append(
            (
                b["date"],
                b["holder"],
                account,
                b["kind"],
                n(b["reported"]),
                n(b["computed"]),
                f"{b['difference']:+,}",
                "open" if b["open"] else "-",
                filing,
                b["cause"] or "-",
            )
        )
    head = f"{body['issuer']}: reconciliation breaks (known at {body['known_at']})"
    return [head, *render_table(headers, rows, right=[4, 5, 6])]
