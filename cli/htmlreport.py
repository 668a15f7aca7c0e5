"""`owl report`: the audit report, one self-contained HTML file for people.

Everything a reviewer needs, as the ledger knew it at one instant: the plan terms in force with
every amendment and its source; the chart; the status table; for each listed group the rule, the
arithmetic and every event behind it with its source and seq; open reconciliation breaks; the
timeline; the ledger's digest and, when asked (`--verify`), the verify result, whose cost grows
with the log; when the report was made and by which owl.

Self-contained: inline CSS, the chart inline as SVG, no scripts and no links out (a
Content-Security-Policy forbids loading anything), readable on a phone (tables scroll sideways)
and printable (each section on a new page, rows never split).

Safe by construction (`owl.cli.htmlparts`): markup is built only from `Html` values; anything
else (every text from the ledger) goes through `text()`, which escapes it and writes bidi
controls out visibly, and names are isolated in `<bdi>`, so a holder named `<script>` or with
U+202E in it is just text.

A section is a function of the `Facts` returning `Html`; `SECTIONS` lists them in order, so a new
view (reconciliation, obligations) is one more function and one more entry.

Longer than the ~300 lines STYLE.md asks: one function per section of the report, in its order; the
safe-HTML parts are in htmlparts.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import click

from owl.cli.chart import chart_svg
from owl.cli.common import (
    Settings,
    as_of_option,
    issuer_option,
    known_at_option,
    open_ledger,
    output_folder,
    utc_now,
)
from owl.cli.htmlparts import Html, el, event_cells, facts, join, n, name, pct, table, text
from owl.cli.render import inconsistency_lines, intervals_text, limit_text, stated_line
from owl.ledger.dates import format_instant
from owl.projections.domain.numbers import TEST_WORDS

if TYPE_CHECKING:
    from owl.projections.application.api import Json, Ledger


@dataclass
class Facts:
    """What a report is made of, every view read at one known_at: the status view's, so an
    append while the report is made cannot mix two states of the ledger."""

    ledger: Ledger
    issuer: str
    as_of: date
    status: Json
    verify: bool = False  # run the whole verify (chain and derived tables) for the ledger section

    @property
    def known_at(self) -> str:
        return str(self.status["known_at"])

    @cached_property
    def timeline(self) -> list[Json]:
        body = self.ledger.timeline(self.issuer, known_at=self.known_at)
        return [c for c in body["changes"] if c["date"] <= self.as_of.isoformat()]

    def explain(self, group: str) -> Json:
        return self.ledger.explain(self.issuer, group, self.as_of, self.known_at)


def plan_section(f: Facts) -> Html:
    plan = f.status["plan"]
    if plan["adopted_on"] is None:
        terms = el("p", "No rights plan adopted by this date.")
    else:
        terms = facts(
            [
                ("In force", "yes" if plan["in_force"] else "no"),
                ("Adopted", plan["adopted_on"]),
                ("Acquiring Person", f"{TEST_WORDS[plan['threshold_test']]} {plan['threshold']}%"),
                ("Rights agent", plan["rights_agent"]),
                ("Expires", plan["expires_on"]),
                ("Redeemed", plan["redeemed_on"] or "no"),
                ("Amendments", ", ".join(plan["amendments"]) or "none"),
            ]
        )
    rows = [
        [c["date"], c["detail"], *event_cells(c["event"])]
        for c in f.timeline
        if c["kind"] == "plan"
    ]
    events = table(["date", "what took effect", "seq", "event", "source"], rows, {2})
    return Html(
        terms + el("h3", "Adoption, amendments and plan events, with their sources") + events
    )


def chart_section(f: Facts) -> Html:
    from owl.projections.application.inputs import EmptyRange

    try:
        series = f.ledger.series(f.issuer, end=f.as_of, known_at=f.known_at)
    except EmptyRange:
        return el("p", f"Nothing of {f.issuer} was effective by {f.as_of}: nothing to chart.")
    caption = (
        "Each group's percent of the shares outstanding (solid) against the limit that applied "
        "to it (dashed, same colour); grey: 5%, 10% and the plan threshold; shaded: Acquiring "
        "Person intervals; dotted verticals: plan events."
    )
    return el("figure", inline_svg(chart_svg(series)), el("figcaption", caption), cls="chart")


def inline_svg(svg: str) -> Html:
    """matplotlib's SVG as an element of the page: no prolog, comments or namespace URLs (HTML
    needs none), scaled to the page's width."""
    body = re.sub(r"<!--.*?-->", "", svg[svg.index("<svg") :], flags=re.S)
    end = body.index(">")
    opening = re.sub(r'\s(?:xmlns(?::\w+)?|width|height)="[^"]*"', "", body[:end])
    label = '<svg role="img" aria-label="percent of shares outstanding by group over time"'
    return Html(opening.replace("<svg", label, 1) + body[end:])


def status_section(f: Facts) -> Html:
    s = f.status
    basis = s["shares_outstanding_basis"]
    head = facts(
        [
            ("Shares outstanding", n(s["shares_outstanding"])),
            ("Reported", f"{basis['reported_on'] or '-'}: {basis['source'] or '-'}"),
            ("Adjusted by", f"{len(basis['adjustments'])} later events"),
        ]
    )
    rows = [
        [
            name(g["group"]),
            join((name(m) for m in g["members"]), ", "),
            n(g["shares"]),
            pct(g["percent"]),
            limit_text(g["limit"]),
            el("span", g["status"], cls=f"status {g['status']}"),
            n(g["headroom_shares"]),
            intervals_text(g["acquiring_person_intervals"]),
            ", ".join(g["flags"]) or "-",
        ]
        for g in s["groups"]
    ]
    headers = ["group", "members", "shares", "percent", "limit", "status", "headroom"]
    groups = table([*headers, "AP intervals", "flags"], rows, {2, 3, 6})
    stated = [
        el("p", stated_line(g["reported"], s["shares_outstanding"]))
        for g in s["groups"]
        if g["reported"]
    ]
    dd = s["distribution_date"]
    reached = "" if dd is None else (" (reached)" if s["distribution_date_reached"] else " (ahead)")
    tail = facts(
        [
            ("Acquiring Persons", join((name(p) for p in s["acquiring_persons"]), ", ") or "none"),
            ("Stock Acquisition Date", s["stock_acquisition_date"] or "none"),
            ("Distribution Date", f"{dd or 'none'}{reached}"),
            ("Flags", ", ".join(s["flags"]) or "none"),
        ]
    )
    wrong = [el("p", line, cls="inconsistent") for line in inconsistency_lines(s) if line]
    return Html(head + groups + join(stated) + tail + join(wrong))


def explanations_section(f: Facts) -> Html:
    parts = [explanation(f.explain(g["group"])) for g in f.status["groups"]]
    return join(parts) if parts else el("p", "No group over 5% or with a status.")


def explanation(e: Json) -> Html:
    title = join([name(e["group"]), ": ", el("span", e["status"], cls=f"status {e['status']}")])
    holdings = "; ".join(f"{h['holder']} {n(h['shares'])}" for h in e["holdings"])
    most = None if e["headroom_shares"] is None else e["shares"] + e["headroom_shares"]
    arithmetic = facts(
        [
            ("Held", f"{n(e['shares'])} ({holdings})"),
            ("Outstanding", n(e["shares_outstanding"])),
            (
                "Percent",
                f"{n(e['shares'])} × 100 ÷ {n(e['shares_outstanding'])} = {pct(e['percent'])}",
            ),
            ("Limit", limit_text(e["limit"])),
            (
                "Most it may hold",
                f"{n(most)} = {n(e['shares'])} held + {n(e['headroom_shares'])} headroom",
            ),
            ("AP intervals", intervals_text(e["acquiring_person_intervals"])),
        ]
    )
    stated = el("p", stated_line(e["reported"], e["shares_outstanding"])) if e["reported"] else ""
    rows = [
        [x["effective_date"], x["seq"], x["type"], x["event_id"], x["source"]] for x in e["events"]
    ]
    events = table(["date", "seq", "type", "event", "source"], rows, {1})
    return join(
        [
            el("h3", title),
            el("p", e["rule"], cls="rule"),
            arithmetic,
            stated,
            el("h4", "Events behind it"),
            events,
        ]
    )


def breaks_section(f: Facts) -> Html:
    headers = ["date", "holder", "reported", "computed", "difference", "seq", "event", "source"]

    def rows(items: list[Json]) -> list[list[object]]:
        return [
            [
                b["date"],
                name(b["holder"]),
                n(b["reported"]),
                n(b["computed"]),
                f"{b['difference']:+,}",
                *event_cells(b["event"]),
            ]
            for b in items
        ]

    breaks = f.status["reconciliation_breaks"]
    found = table(headers, rows(breaks), {2, 3, 4, 5}) if breaks else el("p", "None open.")
    adopted = f.status["unexplained_changes"]
    unexplained = table(headers, rows(adopted), {2, 3, 4, 5}) if adopted else el("p", "None.")
    note = "Positions taken from reports that the ledger's trades do not explain:"
    return join([found, el("h3", "Unexplained changes"), el("p", note), unexplained])


def obligations_section(f: Facts) -> Html:
    """The securities-law filings owed up to the report's date, and what the ledger cannot
    know (`owl obligations`)."""
    body = f.ledger.obligations(f.issuer, None, f.as_of, f.known_at)
    rows = [
        [
            o["arose_on"],
            name(o["group"]),
            o["form"],
            o["rule"].removeprefix("Rule "),
            o["due"] or "promptly",
            o["status"] if o["status"] != "late" else f"late by {o['days_late']} days",
            f"{o['filing']['form']} filed {o['filing']['filed_on']}" if o["filing"] else "-",
            *event_cells(o["cause"]),
        ]
        for o in body["obligations"]
    ]
    headers = [
        "arose",
        "group",
        "owed",
        "rule",
        "due",
        "status",
        "filing",
        "seq",
        "event",
        "source",
    ]
    found = table(headers, rows, {7}) if rows else el("p", "No obligation the ledger can date.")
    unknown = [el("li", text(u["text"])) for u in body["cannot_know"]]
    parts = [found]
    if unknown:
        parts += [el("h3", "What the ledger cannot know"), el("ul", *unknown)]
    note = (
        f"'missing' means no filing of that form on record by {body['as_of']}: the ledger "
        f"knows only the filings it was given ({body['filings_on_record']} on record)."
    )
    return join([*parts, el("p", note, cls="meta")])


def timeline_section(f: Facts) -> Html:
    rows = [
        [
            c["date"],
            name(c["group"]) if c["group"] else "(plan)",
            c["kind"],
            c["detail"],
            *event_cells(c["event"]),
        ]
        for c in f.timeline
    ]
    return table(["date", "group", "kind", "change", "seq", "event", "source"], rows, {4})


def ledger_section(f: Facts) -> Html:
    if f.verify:
        v = f.ledger.verify()
        digest = f"{v['head_seq']}:{v['head_hash']}"
        verdict = (
            el("span", f"ok: {v['events']:,} events, the chain recomputes", cls="ok")
            if v["ok"]
            else el("span", f"BROKEN at seq {v['bad_seq']}: {v['reason']}", cls="bad")
        )
    else:  # the last rows of the chain were checked, as by every read; the whole is one command
        digest = f.ledger.digest()
        verdict = el(
            "span",
            "not run for this report (owl report --verify runs it; so does the command below)",
        )
    return join(
        [
            facts(
                [
                    ("Digest (head seq:hash)", el("code", digest, cls="hash")),
                    ("Verify", verdict),
                    (
                        "This report's view",
                        f"as known at {f.known_at}: {f.status['events_known']:,} "
                        f"events of {f.issuer}",
                    ),
                ]
            ),
            el(
                "p",
                "The digest covers the whole ledger, every issuer. Write it down: ",
                el("code", f"owl verify --expect {digest}"),
                " proves later that nothing up to it has changed.",
            ),
        ]
    )


Section = Callable[[Facts], Html]
SECTIONS: tuple[tuple[str, str, Section], ...] = (
    ("plan", "Plan terms in force", plan_section),
    ("chart", "Ownership over time", chart_section),
    ("status", "Status", status_section),
    ("explanations", "Why each group has its status", explanations_section),
    ("breaks", "Reconciliation breaks", breaks_section),
    ("obligations", "Filing obligations (Schedule 13D, Forms 3 and 4)", obligations_section),
    ("timeline", "Timeline", timeline_section),
    ("ledger", "The ledger's digest", ledger_section),
)


def render_report(
    ledger: Ledger,
    issuer: str,
    as_of: date,
    known_at: datetime | str | None,
    version: str,
    made_at: datetime,
    verify: bool = False,
) -> str:
    """The report as one HTML document (`made_at`: the instant stamped on it; `verify`: run the
    whole verify, whose cost grows with the log, and give its result)."""
    f = Facts(ledger, issuer, as_of, ledger.status(issuer, as_of, known_at), verify)
    title = f"owl report: {issuer} as of {as_of.isoformat()}"
    sections = join(
        el("section", el("h2", heading), body(f), ident=key) for key, heading, body in SECTIONS
    )
    made = f"Made {format_instant(made_at)} by owl {version}."
    header = el("header", el("h1", title), el("p", f"As known at {f.known_at}. {made}", cls="meta"))
    footer = el("footer", made)
    return PAGE.format(title=text(title), css=CSS, body=Html(header + sections + footer))


PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="referrer" content="no-referrer">
<title>{title}</title>
<style>{css}</style>
</head>
<body>
<main id="report">
{body}
</main>
</body>
</html>
"""

CSS = """
* { box-sizing: border-box; }
body { margin: 0; background: #f4f4f2; color: #1b1b1b; font-size: 15px; line-height: 1.45;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1180px; margin: 0 auto; padding: 24px 32px 40px; background: #fff; }
h1 { font-size: 1.55em; margin: 0 0 .2em; }
h2 { font-size: 1.25em; color: #1f4e79; border-bottom: 2px solid #1f4e79; padding-bottom: .2em;
  margin: 2em 0 .6em; }
h3 { font-size: 1.05em; margin: 1.5em 0 .4em; }
h4 { font-size: .95em; margin: 1em 0 .3em; }
.meta, footer { color: #555; }
footer { border-top: 1px solid #ddd; margin-top: 2.5em; padding-top: .6em; font-size: .9em; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .15em 1em; margin: .5em 0; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
.scroll { overflow-x: auto; -webkit-overflow-scrolling: touch; margin: .4em 0 1em; }
table { border-collapse: collapse; min-width: 100%; font-size: .9em; }
th, td { border: 1px solid #d3d3d3; padding: .28em .5em; text-align: left; vertical-align: top; }
th { background: #edf2f7; }
.date { white-space: nowrap; }
.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
.rule { background: #f2f6fa; border-left: 4px solid #1f4e79; padding: .6em .9em; }
.status { font-weight: 600; }
.acquiring_person, .bad { color: #b00020; }
.exempt, .approved, .ok { color: #1b5e20; }
code { overflow-wrap: anywhere; font-size: .92em; }
figure.chart { margin: 0; }
figure.chart svg { width: 100%; height: auto; display: block; }
figcaption { color: #555; font-size: .9em; }
@media (max-width: 640px) {
  body { font-size: 14px; }
  main { padding: 12px; }
  h1 { font-size: 1.25em; }
  dl.facts { grid-template-columns: 1fr; }
  dl.facts dd { margin-bottom: .4em; }
  td.text { min-width: 18em; }
  figure.chart { overflow-x: auto; }
  figure.chart svg { min-width: 720px; }
}
@media print {
  @page { margin: 14mm; }
  * { background: none !important; box-shadow: none !important; }
  body { font-size: 10pt; color: #000; }
  main { max-width: none; padding: 0; }
  section { break-before: page; }
  header + section { break-before: auto; }
  h2, h3, h4 { break-after: avoid; }
  tr, .rule, dl.facts, figure { break-inside: avoid; }
  thead { display: table-header-group; }
  .scroll { overflow: visible; }
  td.text { min-width: 0; }
  figure.chart svg { min-width: 0; }
  table { font-size: 8.5pt; }
}
"""


def _html_suffix(ctx: click.Context, param: click.Parameter, value: str) -> str:
    if Path(value).suffix.lower() not in (".html", ".htm"):
        raise click.BadParameter(f"{value}: the report is written as .html", ctx, param)
    return output_folder(ctx, param, value)


@click.command()
@issuer_option
@as_of_option
@known_at_option
@click.option(
    "-o",
    "--output",
    required=True,
    metavar="FILE.html",
    callback=_html_suffix,
    help="Where to write the report (one self-contained HTML file).",
)
@click.option(
    "--verify",
    is_flag=True,
    help="Also run `owl verify` (the whole chain and the derived tables) and give its result; "
    "without it the report gives the head digest, and takes the same time at any size.",
)
@click.pass_obj
def report(
    settings: Settings,
    issuer: str,
    as_of: date,
    known_at: datetime | None,
    output: str,
    verify: bool,
) -> None:
    """Write the audit report: one self-contained HTML file to read, send or print.

    The plan terms in force with every amendment and its source, the ownership chart, the
    status, each group's explanation with the events behind it, reconciliation breaks, the
    timeline, and the ledger's digest (with --verify, and the verify result); stamped with when
    it was made and by which owl. No scripts, no links out.

    \b
    Example:
      owl report --issuer INOC --as-of 2003-11-24 -o inoc-2003-11-24.html
    """
    from importlib.metadata import version as package_version

    ledger = open_ledger(settings)
    made = utc_now()
    page = render_report(
        ledger, issuer, as_of, known_at, package_version("owl-ledger"), made, verify
    )
    Path(output).write_text(page, encoding="utf-8")
    click.echo(f"Wrote {output}")
