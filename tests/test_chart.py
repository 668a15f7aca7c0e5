"""`owl chart`: the file is written in the format its name asks for, from the series' data.

What the chart shows is tested on the data it draws (`steps`, `group_marks`), not on pixels; the
files are checked for their format's signature.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from owl.cli.chart import chart, render_chart
from owl.cli.chartmarks import group_marks, shown, steps
from owl.cli.common import Settings
from owl.ledger.errors import LedgerError
from owl.projections.application.api import Ledger
from tests.builders import buy, ev, outstanding, plan

ROOT = Path(__file__).resolve().parent.parent
EVENTS = str(ROOT / "data" / "innotrac" / "events.jsonl")
RECORDED = "2026-11-29T00:00:00Z"


@pytest.fixture
def inoc(sqlite_url: str) -> Iterator[Ledger]:
    ledger = Ledger(sqlite_url)
    ledger.init()
    ledger.ingest(EVENTS, recorded_at=RECORDED)
    yield ledger
    ledger.close()


@pytest.fixture
def inoc_series(inoc: Ledger) -> dict[str, Any]:
    return inoc.series("INOC", start="1997-01-01", end="2003-12-31")


def ipof(series: dict[str, Any]) -> dict[str, Any]:
    (group,) = [g for g in series["groups"] if g["group"] == "IPOF Group"]
    return group


def chart_cli(url: str, *args: str) -> Any:
    return CliRunner().invoke(chart, list(args), obj=Settings(db=url))


def test_a_png_chart_is_written_with_the_png_signature(
    inoc_series: dict[str, Any], tmp_path: Path
) -> None:
    path = tmp_path / "inoc.png"

    render_chart(inoc_series, str(path))

    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_an_svg_chart_is_an_svg_document(inoc_series: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "inoc.SVG"

    render_chart(inoc_series, str(path))

    text = path.read_text()
    assert "<svg" in text[:400] and text.rstrip().endswith("</svg>")


def test_the_same_series_draws_the_same_svg(inoc_series: dict[str, Any], tmp_path: Path) -> None:
    first, second = tmp_path / "a.svg", tmp_path / "b.svg"

    render_chart(inoc_series, str(first))
    render_chart(inoc_series, str(second))

    assert first.read_bytes() == second.read_bytes()


def test_a_chart_named_with_another_suffix_is_refused_and_nothing_is_written(
    inoc_series: dict[str, Any], tmp_path: Path
) -> None:
    path = tmp_path / "inoc.pdf"

    with pytest.raises(ValueError, match=r"inoc\.pdf: a chart is written as \.png or \.svg"):
        render_chart(inoc_series, str(path))

    assert not path.exists()


def test_the_chart_command_refuses_another_suffix_as_a_usage_error(
    inoc: Ledger, sqlite_url: str, tmp_path: Path
) -> None:
    result = chart_cli(sqlite_url, "--issuer", "INOC", "-o", str(tmp_path / "inoc.jpg"))

    assert result.exit_code == 2
    assert "a chart is written as .png or .svg, not '.jpg'" in result.stderr


def test_the_chart_command_writes_the_file_and_says_so(
    inoc: Ledger, sqlite_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "inoc.png"

    result = chart_cli(sqlite_url, "--issuer", "INOC", "--known-at", RECORDED, "-o", str(path))

    assert result.exit_code == 0, result.output
    assert result.stdout == f"Wrote {path} (1 group, 1997-12-31 to 2003-11-24)\n"
    assert path.read_bytes()[:4] == b"\x89PNG"


def test_a_group_the_issuer_does_not_know_is_an_error(
    inoc: Ledger, sqlite_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "x.svg"

    result = chart_cli(sqlite_url, "--issuer", "INOC", "--group", "Nobody", "-o", str(path))

    assert result.exit_code == 1
    assert "no holder or group named 'Nobody' in INOC" in result.stderr
    assert not path.exists()


def test_a_range_that_ends_before_it_starts_is_a_usage_error(
    inoc: Ledger, sqlite_url: str, tmp_path: Path
) -> None:
    args = ["--issuer", "INOC", "--from", "2003-11-24", "--to", "2003-08-14"]

    result = chart_cli(sqlite_url, *args, "-o", str(tmp_path / "x.png"))

    assert result.exit_code == 2
    assert "Invalid value for '--from': 2003-11-24 is after --to 2003-08-14" in result.stderr


def test_the_innotrac_cap_steps_from_25_to_40_percent_on_24_november_2003(
    inoc_series: dict[str, Any],
) -> None:
    limit = steps(ipof(inoc_series)["points"], "limit")

    assert limit == [
        (date(1997, 1, 1), None),  # no plan yet
        (date(2003, 5, 12), 15.0),  # the threshold, once a share count makes it a percent
        (date(2003, 8, 14), 25.0),
        (date(2003, 11, 24), 40.0),
    ]


def test_ipof_stays_under_its_cap_on_every_innotrac_point(inoc_series: dict[str, Any]) -> None:
    points = [p for p in ipof(inoc_series)["points"] if p["shares"]]

    pairs = [(float(p["percent"]), float(p["limit_percent"])) for p in points]

    assert pairs == [(20.431, 25.0), (20.2605, 25.0), (24.0138, 40.0)]


def test_the_innotrac_chart_draws_the_5_10_and_15_percent_levels(
    inoc_series: dict[str, Any],
) -> None:
    thresholds = [t["percent"] for t in inoc_series["threshold"] if t["percent"] is not None]

    assert [*inoc_series["levels"], *thresholds] == ["5", "10", "15"]


def test_the_innotrac_amendments_are_plan_events_on_the_chart(
    inoc_series: dict[str, Any],
) -> None:
    dated = [(e["date"], e["text"].split(":")[0]) for e in inoc_series["plan_events"]]

    assert dated == [
        ("1997-12-31", "rights plan adopted"),
        ("2000-11-30", "Amendment No. 1 takes effect"),
        ("2003-08-14", "Amendment No. 2 takes effect"),
        ("2003-11-24", "Amendment No. 3 takes effect"),
    ]


def busy_history(url: str) -> Ledger:
    """One holder buying 1,000 shares a day for 200 days (0.1 point a day), crossing 5%, 10%
    and the 15% threshold."""
    ledger = Ledger(url)
    ledger.init()
    days = [date.fromordinal(date(2020, 1, 1).toordinal() + i).isoformat() for i in range(200)]
    trades = [buy("Steady Buyer", 1_000, day) for day in days]
    stamp = datetime(2026, 1, 1, tzinfo=UTC)
    ledger.append([plan("2019-12-31"), outstanding("2019-12-31", 1_000_000), *trades], stamp)
    return ledger


def test_small_trades_are_marked_only_where_they_cross_a_level(sqlite_url: str) -> None:
    ledger = busy_history(sqlite_url)
    (group,) = ledger.series("INOC", ["Steady Buyer"])["groups"]

    marks = group_marks(group, [5.0, 10.0, 15.0])

    assert len(group["events"]) == 200
    assert [m.day.isoformat() for m in marks] == [
        "2020-01-01",  # the first point
        "2020-02-19",  # 5.0%
        "2020-04-09",  # 10.0%
        "2020-05-29",  # 15.0%: an Acquiring Person
    ]


def test_names_with_markup_dollars_underscores_or_bidi_controls_are_drawn(
    sqlite_url: str, tmp_path: Path
) -> None:
    ledger = Ledger(sqlite_url)
    ledger.init()
    names = ["<b>$x^$ & co</b>", "_hidden", "Evil Corp"]
    trades = [buy(name, 60_000 + i, "2020-02-03") for i, name in enumerate(names)]
    ledger.append([plan("2020-01-02"), outstanding("2020-01-02", 1_000_000), *trades])
    series = ledger.series("INOC")
    series["groups"][-1]["group"] = "Evil\u202eCorp"  # as an older ledger might hold it
    path = tmp_path / "names.svg"

    render_chart(series, str(path))

    assert path.stat().st_size > 0
    assert shown("Evil\u202eCorp") == "Evil<U+202E>Corp"


def test_a_sale_of_a_noticeable_size_is_marked(sqlite_url: str) -> None:
    ledger = Ledger(sqlite_url)
    ledger.init()
    sale = ev("SharesSold", "2020-03-02", holder="Seller", shares=10_000)
    ledger.append([plan(), outstanding("2019-12-31", 1_000_000),
                   buy("Seller", 80_000, "2020-01-06"), sale])  # fmt: skip
    (group,) = ledger.series("INOC", ["Seller"])["groups"]

    marks = group_marks(group, [5.0, 10.0, 15.0])

    assert [(m.day.isoformat(), m.kind, m.percent) for m in marks] == [
        ("2020-01-06", "trade", 8.0),
        ("2020-03-02", "trade", 7.0),
    ]


def test_loading_the_commands_does_not_load_matplotlib() -> None:
    code = "import sys, cli.chart, cli.htmlreport; print('matplotlib' in sys.modules)"

    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )

    assert result.stdout == "False\n"


# --- the series' data --------------------------------------------------------------------------


def test_every_line_starts_at_the_first_date_asked(inoc: Ledger) -> None:
    series = inoc.series("INOC", start="2003-06-01", end="2003-12-31")

    first = ipof(series)["points"][0]

    assert (series["from"], series["threshold"][0]["date"]) == ("2003-06-01", "2003-06-01")
    assert first == {
        "date": "2003-06-01",
        "group": "David Dadante",
        "shares": 0,
        "percent": "0.0000",
        "outstanding": 11_487_580,
        "limit_percent": "15",
        "limit_shares": None,
        "limit_test": "at_or_above",
        "limit_basis": "threshold",
        "status": "below",
    }


def test_points_carry_the_shares_then_outstanding(inoc_series: dict[str, Any]) -> None:
    points = [p for p in ipof(inoc_series)["points"] if p["shares"]]

    assert [(p["date"], p["outstanding"]) for p in points] == [
        ("2003-08-14", 11_564_730),
        ("2003-11-05", 11_662_030),
        ("2003-11-24", 11_662_030),
    ]


def test_a_holder_that_joins_a_group_changes_label(inoc_series: dict[str, Any]) -> None:
    assert ipof(inoc_series)["labels"] == [
        {"from": "1997-01-01", "group": "David Dadante"},
        {"from": "2003-08-14", "group": "IPOF Group"},
    ]


def test_the_threshold_is_none_while_no_plan_is_in_force(inoc: Ledger) -> None:
    series = inoc.series("INOC", start="1997-06-01", end="2008-06-30")

    assert series["threshold"] == [
        {"date": "1997-06-01", "percent": None, "test": None},
        {"date": "1997-12-31", "percent": "15", "test": "at_or_above"},
        {"date": "2008-01-01", "percent": None, "test": None},  # expired 2007-12-31
    ]


def test_plan_events_carry_their_type_and_amendment(inoc_series: dict[str, Any]) -> None:
    events = [(e["type"], e["amendment"]) for e in inoc_series["plan_events"]]

    assert events == [
        ("RightsAgreementAdopted", None),
        ("RightsAgreementAmended", "No. 1"),
        ("RightsAgreementAmended", "No. 2"),
        ("RightsAgreementAmended", "No. 3"),
    ]


def test_a_series_that_ends_before_it_starts_is_refused(inoc: Ledger) -> None:
    refused = r"^the range starts on 2003-11-24, after it ends \(2003-08-14\)$"

    with pytest.raises(LedgerError, match=refused):
        inoc.series("INOC", start="2003-11-24", end="2003-08-14")


def test_a_series_from_after_the_last_event_is_refused_naming_it(inoc: Ledger) -> None:
    refused = r"starts on 2004-01-01, after INOC's last event \(2003-11-24\)"

    with pytest.raises(LedgerError, match=refused):
        inoc.series("INOC", start="2004-01-01")


def test_a_name_the_ledger_never_knows_in_the_range_draws_no_line(inoc: Ledger) -> None:
    series = inoc.series("INOC", ["Nobody", "IPOF Fund"], start="2003-01-01")

    assert [g["followed_as"] for g in series["groups"]] == ["IPOF Fund"]


def test_every_event_that_moves_capital_has_its_tick_on_the_chart() -> None:
    from owl.cli.chart import CAPITAL
    from owl.ledger.events import CAPITAL_NAMES

    assert set(CAPITAL) == CAPITAL_NAMES
