"""`owl report`: one self-contained HTML file with every section, the figures of the status, and
every text from the ledger escaped."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Sequence
from contextlib import closing
from datetime import UTC, date, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from owl.cli import htmlreport
from owl.cli.common import Settings
from owl.cli.htmlparts import Html
from owl.cli.htmlreport import render_report, report
from owl.ledger import tail
from owl.ledger.events import parse_event
from owl.projections.application.api import Ledger
from tests.builders import buy, ev

ROOT = Path(__file__).resolve().parent.parent
EVENTS = str(ROOT / "data" / "innotrac" / "events.jsonl")
RECORDED = "2026-11-29T00:00:00Z"
MADE = datetime(2026, 11, 30, 9, 30, tzinfo=UTC)
SECTIONS = [
    "plan",
    "chart",
    "status",
    "explanations",
    "breaks",
    "obligations",
    "timeline",
    "ledger",
]
SCRIPT = "<script>alert(1)</script>"
HEBREW = "חברת אור"  # right-to-left letters: allowed, and isolated so they reorder nothing
PLAIN, BIDI = "Evil Corp", "Evil\u202eCorp"  # the ledger refuses the second (see `Renamed`)


def innotrac_ledger(url: str) -> Ledger:
    ledger = Ledger(url)
    ledger.init()
    ledger.ingest(EVENTS, recorded_at=RECORDED)
    return ledger


def hostile_ledger(url: str, names: Sequence[str] = (SCRIPT, PLAIN, HEBREW)) -> Ledger:
    """Issuer HOST: the first name buys 20% (an Acquiring Person, who then reports it publicly:
    a Stock Acquisition Date), each other name 6%; the count's source has markup too."""
    ledger = Ledger(url)
    ledger.init()
    first, *others = names
    count = ev("OutstandingReported", "2020-01-02", "HOST", shares=1_000_000,
               source='<b>10-Q</b> & "cover" <img src=x>')  # fmt: skip
    ledger.append(
        [
            ev("RightsAgreementAdopted", "2020-01-02", "HOST", threshold="15"),
            count,
            ev("SharesPurchased", "2020-02-03", "HOST", holder=first, shares=200_000),
            ev("HoldingReported", "2020-02-10", "HOST", holder=first, shares=200_000,
               public=True, form="13D"),
            *(ev("SharesPurchased", "2020-03-02", "HOST", holder=name, shares=60_000)
              for name in others),
        ],
        recorded_at=RECORDED,
    )  # fmt: skip
    return ledger


def innotrac_report(url: str, known_at: str | None = RECORDED) -> str:
    ledger = innotrac_ledger(url)
    try:
        return render_report(ledger, "INOC", date(2003, 11, 24), known_at, "9.9.9", MADE)
    finally:
        ledger.close()


@pytest.fixture
def inoc_page(sqlite_url: str) -> str:
    return innotrac_report(sqlite_url)


class Renamed:
    """A ledger whose every view shows `old` as `new`: a name the ledger now refuses (a bidi
    override), as an older ledger or a later view might still hand the report."""

    def __init__(self, ledger: Ledger, old: str, new: str) -> None:
        self.ledger, self.old, self.new = ledger, old, new

    def __getattr__(self, attribute: str) -> Any:
        method = getattr(self.ledger, attribute)

        def renamed(*args: Any, **kwargs: Any) -> Any:
            asked = [a.replace(self.new, self.old) if isinstance(a, str) else a for a in args]
            return self.rename(method(*asked, **kwargs))

        return renamed

    def rename(self, value: Any) -> Any:
        if isinstance(value, str):
            return value.replace(self.old, self.new)
        if isinstance(value, dict):
            return {self.rename(k): self.rename(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.rename(v) for v in value]
        return value


def hostile_report(url: str, names: Sequence[str] = (SCRIPT, PLAIN, HEBREW)) -> str:
    ledger = hostile_ledger(url, names)
    try:
        shown_as = Renamed(ledger, PLAIN, BIDI)
        return render_report(shown_as, "HOST", date(2020, 3, 31), None, "9.9.9", MADE)  # type: ignore[arg-type]
    finally:
        ledger.close()


@pytest.fixture
def hostile_page(sqlite_url: str) -> str:
    return hostile_report(sqlite_url)


def test_the_report_has_every_section_in_order(inoc_page: str) -> None:
    found = re.findall(r'<section id="([a-z]+)">', inoc_page)

    assert found == SECTIONS


def test_the_report_shows_the_innotrac_status_figures(inoc_page: str) -> None:
    for figure in ["24.0138%", "1,864,312", "2,800,500", "11,662,030", "more than 40%"]:
        assert figure in inoc_page, figure
    assert '<span class="status exempt">exempt</span>' in inoc_page


def test_the_report_explains_ipof_with_its_arithmetic_and_sourced_events(inoc_page: str) -> None:
    assert "2,800,500 × 100 ÷ 11,662,030 = 24.0138%" in inoc_page
    assert "4,664,812 = 2,800,500 held + 1,864,312 headroom" in inoc_page
    assert "24.2159% of 11,564,730" in inoc_page
    assert '<td>inoc-amendment-3</td><td class="text">Form 8-A/A filed 2003-11-24' in inoc_page


def test_the_report_lists_every_amendment_with_its_source(inoc_page: str) -> None:
    plan_part = inoc_page.split('<section id="plan">')[1].split("</section>")[0]

    for amendment, source in [
        ("No. 1", "Amendment No. 1 to the Rights Agreement dated 2000-11-30"),
        ("No. 2", "Amendment No. 2 to the Rights Agreement dated 2003-08-14"),
        ("No. 3", "Form 8-A/A filed 2003-11-24, Item 1: authorized by the Board"),
    ]:
        assert f"Amendment {amendment} takes effect" in plan_part
        assert source in plan_part


DIGEST = "10:2fb6e72db7cce2a992c3c8ba8ea07b7afd200f3996ae2a5ae92b3e4d691fc902"


def test_the_report_gives_the_digest_and_says_verify_was_not_run(inoc_page: str) -> None:
    assert f'<code class="hash">{DIGEST}</code>' in inoc_page
    assert f"<code>owl verify --expect {DIGEST}</code>" in inoc_page
    assert "not run for this report (owl report --verify runs it" in inoc_page
    assert "the chain recomputes" not in inoc_page


def test_the_report_with_verify_gives_the_verify_result(sqlite_url: str) -> None:
    ledger = innotrac_ledger(sqlite_url)
    try:
        page = render_report(ledger, "INOC", date(2003, 11, 24), RECORDED, "9.9.9", MADE, True)
    finally:
        ledger.close()

    assert f'<code class="hash">{DIGEST}</code>' in page
    assert "ok: 10 events, the chain recomputes" in page


def test_the_report_with_verify_says_where_the_chain_is_broken(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tail, "ROWS", 2)  # an edit further back than every read checks
    innotrac_ledger(sqlite_url).close()
    conn = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"))
    with closing(conn), conn:  # an early row edited behind the ledger's back
        conn.execute("DROP TRIGGER events_no_update")
        conn.execute(
            "UPDATE events SET payload = replace(payload, '2007-12-31', '2008-12-31') WHERE seq = 1"
        )
    ledger = Ledger(sqlite_url)
    try:
        page = render_report(ledger, "INOC", date(2003, 11, 24), RECORDED, "9.9.9", MADE, True)
    finally:
        ledger.close()

    assert '<span class="bad">BROKEN at seq 1: ' in page


def test_the_report_is_stamped_with_its_instant_its_view_and_owl_version(inoc_page: str) -> None:
    assert "Made 2026-11-30T09:30:00.000000Z by owl 9.9.9." in inoc_page
    assert "As known at 2026-11-29T00:00:00.000000Z." in inoc_page


def test_the_chart_is_inline_svg(inoc_page: str) -> None:
    chart_part = inoc_page.split('<section id="chart">')[1].split("</section>")[0]

    assert '<svg role="img"' in chart_part and "</svg>" in chart_part
    assert "<?xml" not in inoc_page and "<!DOCTYPE svg" not in inoc_page


def test_the_report_refers_to_nothing_outside_itself(inoc_page: str) -> None:
    lowered = inoc_page.lower()

    for outside in ["http:", "https:", "//", "src=", "<script", "<link", "<iframe", "@import"]:
        assert outside not in lowered, outside
    # The chart refers only to its own markers and clip paths.
    assert set(re.findall(r'href="(.)', inoc_page)) == {"#"}
    assert set(re.findall(r"url\((.)", inoc_page)) == {"#"}


def test_a_holder_named_with_a_script_tag_is_shown_as_text(hostile_page: str) -> None:
    assert "<script" not in hostile_page.lower()
    assert "<bdi>&lt;script&gt;alert(1)&lt;/script&gt;</bdi>" in hostile_page
    assert "<img" not in hostile_page
    assert "&lt;b&gt;10-Q&lt;/b&gt; &amp; &quot;cover&quot; &lt;img src=x&gt;" in hostile_page


def test_the_ledger_refuses_a_name_with_a_bidi_override() -> None:
    problems = parse_event(
        {"type": "SharesPurchased", "issuer": "HOST", "effective_date": "2020-03-02",
         "holder": BIDI, "shares": 1}
    )  # fmt: skip

    assert isinstance(problems, list) and "U+202E" in str(problems)


def test_a_bidi_override_in_a_name_is_written_out_and_cannot_reorder_the_page(
    hostile_page: str,
) -> None:
    assert "\u202e" not in hostile_page
    assert "<bdi>Evil&lt;U+202E&gt;Corp</bdi>" in hostile_page


def test_a_right_to_left_name_is_isolated(hostile_page: str) -> None:
    assert f"<bdi>{HEBREW}</bdi>" in hostile_page


def test_the_hostile_report_still_has_every_section(hostile_page: str) -> None:
    assert re.findall(r'<section id="([a-z]+)">', hostile_page) == SECTIONS
    assert "acquiring_person" in hostile_page
    assert "Stock Acquisition Date</dt><dd>2020-02-10</dd>" in hostile_page


def test_a_report_known_at_an_earlier_instant_ignores_later_recordings(sqlite_url: str) -> None:
    ledger = innotrac_ledger(sqlite_url)
    ledger.append([buy("IPOF Fund", 587_212, "2003-11-21")])

    then = render_report(ledger, "INOC", date(2003, 11, 21), RECORDED, "9.9.9", MADE)
    now = render_report(ledger, "INOC", date(2003, 11, 21), None, "9.9.9", MADE)

    ap = '<span class="status acquiring_person">'
    assert "20.2605%" in then and ap not in then
    assert "25.2958%" in now and ap in now


def test_a_report_on_a_date_before_the_first_event_says_there_is_nothing_to_chart(
    sqlite_url: str,
) -> None:
    ledger = innotrac_ledger(sqlite_url)

    page = render_report(ledger, "INOC", date(1990, 1, 1), None, "9.9.9", MADE)

    assert "Nothing of INOC was effective by 1990-01-01: nothing to chart." in page


def test_a_section_is_one_more_function(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    def obligations(facts: htmlreport.Facts) -> Html:
        return htmlreport.el("p", f"nothing owed by {facts.issuer}")

    extra = ("obligations", "Obligations", obligations)
    monkeypatch.setattr(htmlreport, "SECTIONS", (*htmlreport.SECTIONS, extra))

    page = innotrac_report(sqlite_url)

    assert '<section id="obligations"><h2>Obligations</h2><p>nothing owed by INOC</p>' in page


def test_the_report_command_writes_the_file(sqlite_url: str, tmp_path: Path) -> None:
    innotrac_ledger(sqlite_url).close()
    path = tmp_path / "inoc.html"
    args = ["--issuer", "INOC", "--as-of", "2003-11-24", "-o", str(path)]

    result = CliRunner().invoke(report, args, obj=Settings(db=sqlite_url))

    assert result.exit_code == 0, result.output
    assert result.stdout == f"Wrote {path}\n"
    page = path.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert f"by owl {version('owl-ledger')}." in page


def test_the_report_command_refuses_a_file_that_is_not_html(
    sqlite_url: str, tmp_path: Path
) -> None:
    args = ["--issuer", "INOC", "--as-of", "2003-11-24", "-o", str(tmp_path / "inoc.pdf")]

    result = CliRunner().invoke(report, args, obj=Settings(db=sqlite_url))

    assert result.exit_code == 2
    assert "the report is written as .html" in result.stderr


def test_the_report_has_a_phone_viewport_and_print_rules(inoc_page: str) -> None:
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in inoc_page
    assert "@media print" in inoc_page and "break-before: page" in inoc_page
    assert "overflow-x: auto" in inoc_page


def test_a_name_is_isolated_and_escaped_by_construction() -> None:
    assert htmlreport.name('a<b>"c"') == "<bdi>a&lt;b&gt;&quot;c&quot;</bdi>"
    assert htmlreport.el("td", "<i>", Html("<i>ok</i>")) == "<td>&lt;i&gt;<i>ok</i></td>"


def test_the_report_says_what_the_ledger_cannot_know_about_filings(inoc_page: str) -> None:
    section = inoc_page.split('<section id="obligations">')[1].split("</section>")[0]

    assert "What the ledger cannot know" in section
    assert "IPOF Group was already above 5% and 10% when the ledger first learned" in section
    assert "No obligation the ledger can date." in section
