"""The explorer's pages: server-rendered HTML over the views' JSON, verdict first.

- `/`: every issuer (search by name, ticker or CIK, any case);
- `/issuer/KEY?as_of=...&known_at=...`: one paragraph of verdict (the plan and its terms in
  force, who is an Acquiring Person, exempt or within 1 percentage point of a limit, open breaks,
  missing or late filings), a date field and a slider over the issuer's dates, the groups with
  their percentages and limits (each number links to the events behind it), the chart, the open
  breaks and the obligations still open;
- `/issuer/KEY/explain?person=...&as_of=...`: why the group stands where it does: the rule in
  words and every event behind it, each linked to `/event/SEQ`;
- `/event/SEQ`: the event as recorded, its source and, for an SEC filing of a known issuer CIK,
  a link to the filing on EDGAR.
Every value from the ledger is escaped (`owl.cli.htmlparts`); the only script is the slider's
(it submits the form when it moves).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from owl.cli.htmlparts import Html, el, n, name, pct, table, text
from owl.cli.webparts import link, page, query

# --- the issuers ------------------------------------------------------------------------------


def matches(entry: dict[str, Any], q: str) -> bool:
    wanted = " ".join(q.split()).casefold()
    fields = (entry["issuer"], entry.get("name"), entry.get("ticker"), entry.get("cik"))
    return not wanted or any(wanted in str(f).casefold() for f in fields if f)


def issuers_page(directory: dict[str, Any], q: str) -> str:
    found = [e for e in directory["issuers"] if matches(e, q)]
    rows = [
        [
            link(f"/issuer/{e['issuer']}?{query(as_of=e['last_date'])}", e["issuer"]),
            e.get("name") or "-",
            e.get("ticker") or "-",
            e.get("cik") or "-",
            n(e["events"]),
            f"{e['first_date']} to {e['last_date']}",
        ]
        for e in found
    ]
    search = Html(
        '<form method="get" action="/"><label>Find an issuer (name, ticker or CIK) '
        f'<input name="q" value="{text(q)}" autofocus></label> <button>Find</button></form>'
    )
    listing = (
        table(["issuer", "name", "ticker", "CIK", "events", "dates"], rows, {4})
        if rows
        else el("p", f"No issuer key, name, ticker or CIK contains {' '.join(q.split())}.")
    )
    return page("owl explorer", el("h1", "Issuers"), search, listing)


# --- one issuer on a date ---------------------------------------------------------------------


def bound(percent: str, test: str) -> str:
    """ "more than 40%" or "15% or more", as the plan words its test."""
    return f"more than {percent}%" if test == "above" else f"{percent}% or more"


def _limit(g: dict[str, Any]) -> str:
    limit = g.get("limit")
    if not limit:
        return "-"
    amendment = f", Amendment {limit['source_amendment']}" if limit.get("source_amendment") else ""
    return f"{bound(limit['percent'], limit['test'])} ({limit['basis']}{amendment})"


def _near(g: dict[str, Any]) -> bool:
    """Within one percentage point of its limit, and not past it."""
    limit, percent = g.get("limit"), g.get("percent")
    if not limit or percent is None or g["status"] == "acquiring_person":
        return False
    from fractions import Fraction

    return Fraction(limit["percent"]) - Fraction(percent) <= 1


def verdict(name_shown: str, status: dict[str, Any], found: dict[str, Any]) -> Html:
    """One paragraph: the company, its plan and terms, who stands where, breaks and filings."""
    plan = status["plan"]
    parts = [f"{name_shown} on {status['as_of']}:"]
    if plan["adopted_on"] is None:
        parts.append("no rights plan adopted.")
    elif not plan["in_force"]:
        parts.append("its rights plan is not in force.")
    else:
        test = "above" if plan["threshold_test"] == "above" else "at_or_above"
        amended = " (amended: " + ", ".join(plan["amendments"]) + ")" if plan["amendments"] else ""
        parts.append(
            f"its rights plan of {plan['adopted_on']}{amended} makes anyone holding "
            f"{bound(plan['threshold'], test)} an Acquiring Person."
        )
    aps = status["acquiring_persons"]
    parts.append(
        f"Acquiring Person: {', '.join(aps)}." if aps else "No one is an Acquiring Person."
    )
    for g in status["groups"]:
        if g["status"] == "exempt" and g.get("limit"):
            limit = g["limit"]
            amendment = limit.get("source_amendment")
            parts.append(
                f"{g['group']} holds {g['percent']}%: exempt unless it holds "
                f"{bound(limit['percent'], limit['test'])}"
                + (f" (Amendment {amendment})." if amendment else ".")
            )
        if _near(g):
            parts.append(f"{g['group']} is within 1 point of its limit.")
    former = [
        g["group"]
        for g in status["groups"]
        if any(i["to"] for i in g["acquiring_person_intervals"])
    ]
    if former:
        parts.append(f"Formerly an Acquiring Person: {', '.join(former)}.")
    breaks = len(status["reconciliation_breaks"])
    parts.append(f"{breaks} open reconciliation break(s)." if breaks else "No open breaks.")
    late = found["summary"].get("late", 0) + found["summary"].get("missing", 0)
    parts.append(f"{late} filing(s) missing or late." if late else "No filing missing or late.")
    return el("p", " ".join(parts), cls="verdict bad" if aps or late else "verdict")


def when_form(key: str, as_of: str, known_at: str | None, first: str, last: str) -> Html:
    start, end, now = date.fromisoformat(first), date.fromisoformat(last), date.fromisoformat(as_of)
    span = max((end - start).days, 1)
    at = min(max((now - start).days, 0), span)
    return Html(
        f'<form class="when" method="get" action="/issuer/{text(key)}">'
        f'<label>As of <input type="date" id="as_of" name="as_of" value="{text(as_of)}"></label>'
        f'<input type="range" aria-label="as of" min="0" max="{span}" value="{at}" '
        f'data-days data-start="{text(first)}" data-for="as_of">'
        f'<label>Known at <input name="known_at" value="{text(known_at or "")}" '
        'placeholder="everything recorded"></label><button>Show</button></form>'
    )


def issuer_page(
    key: str,
    title: str,
    dates: tuple[str, str],
    status: dict[str, Any],
    found: dict[str, Any],
    known_at: str | None,
) -> str:
    as_of = status["as_of"]
    keep = {"as_of": as_of, "known_at": known_at}
    groups = [
        [
            link(f"/issuer/{key}/explain?{query(person=g['group'], **keep)}", name(g["group"])),
            ", ".join(g["members"]),
            link(f"/issuer/{key}/explain?{query(person=g['group'], **keep)}", n(g["shares"])),
            pct(g["percent"]),
            _limit(g),
            el(
                "span",
                g["status"].replace("_", " "),
                cls="bad" if g["status"] == "acquiring_person" else None,
            ),
            n(g.get("headroom_shares")),
        ]
        for g in status["groups"]
    ]
    breaks = [
        [b["date"], name(b["holder"]), n(b["reported"]), n(b["computed"]), f"{b['difference']:+,}"]
        for b in status["reconciliation_breaks"]
    ]
    open_ones = [
        o for o in found["obligations"] if o["status"] in ("late", "missing", "owed", "pending")
    ]
    obligations = [
        [
            o["form"],
            name(o["group"]),
            o["arose_on"],
            o.get("due") or "-",
            el("span", o["status"], cls="bad" if o["status"] in ("late", "missing") else None),
        ]
        for o in open_ones[-SHOWN:]
    ]
    api = f"/api/obligations?{query(issuer=key, **keep)}"
    more = el("p", f"The {SHOWN} latest of {len(open_ones):,}; all of them: ", link(api, api))
    body = [
        el("h1", f"{title} as of {as_of}"),
        el(
            "p",
            f"As known at {status['known_at']}; shares outstanding "
            f"{n(status['shares_outstanding'])}.",
            cls="meta",
        ),
        verdict(title, status, found),
        when_form(key, as_of, known_at, *dates),
        el("h2", "Groups"),
        table(
            ["group", "members", "shares", "percent", "limit", "status", "headroom"],
            groups,
            {2, 3, 6},
        )
        if groups
        else el("p", "No group is listed on this date."),
        el("h2", "Chart"),
        Html(
            f'<figure><img src="/issuer/{text(key)}/chart.svg?{text(query(**keep))}" '
            f'alt="Each group\'s percent of the shares outstanding over time, against its limit" '
            'width="100%"></figure>'
        ),
        el("h2", "Open reconciliation breaks"),
        table(["date", "holder", "reported", "computed", "difference"], breaks, {2, 3, 4})
        if breaks
        else el("p", "None."),
        el("h2", "Filings owed and not (yet) made"),
        table(["form", "group", "arose", "due", "status"], obligations)
        if obligations
        else el("p", "None."),
        more if len(open_ones) > SHOWN else "",
    ]
    return page(f"{title} as of {as_of}", *body, script=True)


def explain_page(key: str, body: dict[str, Any], known_at: str | None) -> str:
    events = [
        [
            link(f"/event/{e['seq']}", e["seq"]),
            e["effective_date"],
            e["type"],
            e["event_id"],
            e.get("source") or "-",
        ]
        for e in shown(body["events"])
    ]
    count = len(body["events"])
    asked = query(issuer=key, person=body["person"], as_of=body["as_of"], known_at=known_at)
    api = f"/api/explain?{asked}"
    note = (
        el(
            "p",
            f"The first {SHOWN // 2} and the last {SHOWN // 2} of {count:,} events; all of them: ",
            link(api, api),
        )
        if count > SHOWN
        else ""
    )
    back = link(
        f"/issuer/{key}?{query(as_of=body['as_of'], known_at=known_at)}",
        f"{key} on {body['as_of']}",
    )
    return page(
        f"{body['group']}: {key} as of {body['as_of']}",
        el("p", back),
        el("h1", f"Why {body['group']} is {body['status'].replace('_', ' ')}"),
        el("p", body["rule"], cls="verdict"),
        el("h2", "The events behind it"),
        note,
        table(["seq", "date", "type", "event id", "source"], events, {0}),
    )


SHOWN = 100  # rows of a long list a page shows (the API gives them all)


def shown(rows: list[Any]) -> list[Any]:
    """A long list cut to its first and last `SHOWN // 2` rows."""
    return rows if len(rows) <= SHOWN else [*rows[: SHOWN // 2], *rows[-(SHOWN // 2) :]]


def event_page(record: dict[str, Any], cik: str | None) -> str:
    fields = [[k, str(v)] for k, v in sorted(record.items()) if k not in ("hash", "prev_hash")]
    filing = record.get("filing") or {}
    accession = filing.get("accession") if isinstance(filing, dict) else None
    out: list[object] = [el("h1", f"Event {record['seq']}: {record['type']}")]
    if accession and cik:
        digits = accession.replace("-", "")
        url = f"https://www.sec.gov/Archives/edgar/data/{int(cik)}/{digits}/{accession}-index.html"
        out.append(el("p", "The filing on EDGAR: ", link(url, accession)))
    out.append(table(["field", "value"], fields))
    out.append(el("p", f"hash {record['hash']}", cls="meta"))
    return page(f"event {record['seq']}", *out)
