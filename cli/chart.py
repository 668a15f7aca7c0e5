"""`owl chart`: each group's percent of the shares outstanding over time, against its limit.

The data is `Ledger.series`; this module only draws it. A group's percent is a step line (a
point's value holds from its date until the next point), the limit that applied to it (the plan
threshold, an exemption cap as amendments change it, a Board approval) the same colour dashed;
the 5%, 10% and plan-threshold levels are thin grey lines, Acquiring Person intervals are shaded,
plan events (adoption, amendments, Stock Acquisition and Distribution Dates) are dotted verticals
named along the top, and the company's counts, repurchases, issuances and splits are ticks along
the bottom. A busy history would bury the line under markers, so a group's trades are marked only
where they moved its percent noticeably, crossed a level or changed its status or limit; its
holding reports and affiliations are always marked (`owl.cli.chartmarks` decides which).

matplotlib is imported inside `render_chart` (Agg, no pyplot, no global state): starting `owl`
must not pay for it.

Longer than the ~300 lines STYLE.md asks: it draws each layer of the chart (lines, limits, levels,
marks, plan and capital events, the detail panel); what to mark is decided in chartmarks.py.
"""

from __future__ import annotations

import io
import math
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import click

from owl.cli.chartmarks import (
    MARKS,
    Mark,
    detail_range,
    group_marks,
    number,
    short_name,
    shown,
    steps,
)
from owl.cli.common import (
    Day,
    Settings,
    check_range,
    issuer_option,
    known_at_option,
    open_ledger,
    output_folder,
)

FORMATS = {".png": "png", ".svg": "svg"}
COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf")
# The series lists only the events that change shares outstanding (`capital_events`).
CAPITAL = {  # marker, label, height along the bottom (axes fraction)
    "OutstandingReported": ("|", "shares outstanding reported", 0.02),
    "SharesRepurchased": ("v", "repurchase", 0.05),
    "SharesIssued": ("^", "issuance", 0.05),
    "StockSplit": ("*", "stock split", 0.08),
}
# Matplotlib keyword arguments, shared.
MARKER: dict[str, Any] = {
    "markeredgecolor": "black",
    "markeredgewidth": 0.6,
    "markersize": 6,
    "linestyle": "none",
}
NOTE_STYLE: dict[str, Any] = {"textcoords": "offset points", "fontsize": 7, "color": "0.35"}
END_STYLE: dict[str, Any] = {
    "xytext": (4, 0),
    "textcoords": "offset points",
    "fontsize": 8,
    "va": "center",
}


def chart_format(path: str) -> str:
    """The image format a file name asks for: png or svg; any other suffix is refused."""
    fmt = FORMATS.get(Path(path).suffix.lower())
    if fmt is None:
        raise ValueError(f"{path}: a chart is written as .png or .svg, not {Path(path).suffix!r}")
    return fmt


class Legend:
    """The legend's entries by section, each label once, drawn in a fixed order."""

    ORDER = ("groups", "limit", "levels", "ap", "marks", "plan", "capital")

    def __init__(self) -> None:
        self.entries: dict[str, dict[str, Any]] = {section: {} for section in self.ORDER}

    def add(self, section: str, handle: Any, label: str) -> None:
        self.entries[section].setdefault(label, handle)

    def mark(self, kind: str) -> None:
        from matplotlib.lines import Line2D

        marker, label = MARKS[kind]
        self.add("marks", Line2D([], [], marker=marker, color="0.75", **MARKER), label)

    def draw(self, figure: Any) -> None:
        from matplotlib.lines import Line2D

        if self.entries["groups"]:
            dashed = Line2D([], [], color="black", linestyle="--", linewidth=1.3)
            self.add("limit", dashed, "its limit (threshold, exemption cap, approval)")
        pairs = [(h, label) for s in self.ORDER for label, h in self.entries[s].items()]
        # Explicit handles and labels: a name starting with "_" is still listed.
        handles, labels = [h for h, _ in pairs], [label for _, label in pairs]
        figure.legend(handles, labels, loc="outside right upper", fontsize=8, frameon=False)


def render_chart(series: dict[str, Any], path: str) -> None:
    """Draw `series` (`Ledger.series`) into `path`, PNG or SVG by its suffix."""
    fmt = chart_format(path)
    with open(path, "wb") as out:
        _draw(series, out, fmt)


def chart_svg(series: dict[str, Any]) -> str:
    """The chart as SVG text (for the HTML report)."""
    buffer = io.BytesIO()
    _draw(series, buffer, "svg")
    return buffer.getvalue().decode("utf-8")


def _draw(series: dict[str, Any], out: Any, fmt: str) -> None:
    import matplotlib

    with matplotlib.rc_context(
        {"text.parse_math": False, "svg.hashsalt": "owl", "svg.fonttype": "path"}
    ):
        figure = _figure(series)
        figure.savefig(out, format=fmt, dpi=110, bbox_inches="tight", metadata=_metadata(fmt))


def _metadata(fmt: str) -> dict[str, Any]:
    # No timestamps and no software banner: the same series gives the same file.
    if fmt == "svg":
        return {"Date": None, "Creator": None, "Format": None, "Type": None}
    return {"Software": None}


def _figure(series: dict[str, Any]) -> Any:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    start, end = date.fromisoformat(series["from"]), date.fromisoformat(series["to"])
    detail = detail_range(series)
    figure = Figure(figsize=(12, 10.5 if detail else 6.5), layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.subplots(2 if detail else 1, 1, squeeze=False)[:, 0]
    legend = Legend()
    drawn = [_panel(ax, series, legend) for ax in axes]
    top = max(t for t, _ in drawn)
    ranges = [(start, end), *([detail] if detail else [])]
    titles = [_subtitle(series), *([f"detail: {detail[0]} to {detail[1]}"] if detail else [])]
    for ax, (first, last), title, (_, ends) in zip(axes, ranges, titles, drawn, strict=True):
        _frame(ax, first, last, top)
        ax.set_title(title, loc="left", fontsize=9, color="0.3")
        _write_ends(ax, ends, day_after(end))
    title = f"{shown(series['issuer'])}: percent of shares outstanding by group"
    figure.suptitle(title, x=0.01, ha="left", fontsize=13, fontweight="bold")
    legend.draw(figure)
    return figure


def day_after(day: date) -> date:
    """The next day (the last date's values hold to its end); 9999-12-31 for 9999-12-31."""
    return day + timedelta(days=1) if day < date.max else day


def _subtitle(series: dict[str, Any]) -> str:
    known = series.get("known_at") or "nothing recorded"
    return f"{series['from']} to {series['to']}, as known at {known}"


def _panel(ax: Any, series: dict[str, Any], legend: Legend) -> tuple[float, list[End]]:
    """Draw everything on one axes; return the highest value drawn and the end values."""
    stop = day_after(date.fromisoformat(series["to"]))  # the last date holds to its end
    tops, ends = [_levels(ax, series, stop, legend)], []
    for colour, group in zip(_cycle(len(series["groups"])), series["groups"], strict=True):
        top, end = _group(ax, group, colour, stop, _level_values(series), legend)
        tops.append(top)
        ends.extend(end)
    _plan_events(ax, series["plan_events"], legend)
    _capital_events(ax, series["capital_events"], legend)
    if not series["groups"]:
        ax.text(0.5, 0.5, "no group to show in this range", transform=ax.transAxes, ha="center")
    return max(tops), ends


def _cycle(n: int) -> list[str]:
    return [COLOURS[i % len(COLOURS)] for i in range(n)]


def _level_values(series: dict[str, Any]) -> list[float]:
    thresholds = [float(t["percent"]) for t in series["threshold"] if t["percent"] is not None]
    return [float(v) for v in series["levels"]] + thresholds


def _xy(line: list[tuple[date, float | None]], stop: date) -> tuple[list[date], list[float]]:
    xs = [d for d, _ in line] + [stop]
    ys = [math.nan if v is None else v for _, v in line]
    return xs, [*ys, ys[-1]]


def _note(ax: Any, text: str, y: float) -> None:
    """A small label just above a level at the left edge."""
    ax.annotate(text, (0.003, y), xycoords=("axes fraction", "data"), xytext=(0, 2), **NOTE_STYLE)


def _levels(ax: Any, series: dict[str, Any], stop: date, legend: Legend) -> float:
    grey = {"color": "0.45", "linewidth": 0.9, "zorder": 2}
    for level in series["levels"]:
        ax.axhline(float(level), linestyle=(0, (4, 3)), **grey)
        _note(ax, f"{level}%", float(level))
    line = [(date.fromisoformat(t["date"]), number(t["percent"])) for t in series["threshold"]]
    if not line:
        return 10.0
    xs, ys = _xy(line, stop)
    (drawn,) = ax.step(xs, ys, where="post", **grey)
    legend.add("levels", drawn, "5%, 10% and the plan threshold")
    if not math.isnan(ys[-1]):
        _note(ax, f"plan threshold {ys[-1]:g}%", ys[-1])
    return max((y for y in ys if not math.isnan(y)), default=10.0)


def _group(
    ax: Any,
    group: dict[str, Any],
    colour: str,
    stop: date,
    levels: list[float],
    legend: Legend,
) -> tuple[float, list[End]]:
    percent = steps(group["points"], "percent")
    limit = steps(group["points"], "limit")
    xs, ys = _xy(percent, stop)
    (drawn,) = ax.step(xs, ys, where="post", color=colour, linewidth=1.8, zorder=4)
    legend.add("groups", drawn, shown(group["group"]))
    lx, ly = _xy(limit, stop)
    ax.step(lx, ly, where="post", color=colour, linewidth=1.3, linestyle="--", zorder=3)
    for interval in group["acquiring_person_intervals"]:
        until = date.fromisoformat(interval["to"]) if interval["to"] else stop
        begin = date.fromisoformat(interval["from"])
        span = ax.axvspan(begin, until, color=colour, alpha=0.15, linewidth=0, zorder=0)
        legend.add("ap", span, "Acquiring Person interval (shaded in its colour)")
    _marks(ax, group_marks(group, levels), colour, legend)
    top = max((v for v in [*ys, *ly] if not math.isnan(v)), default=0.0)
    return top, _ends(group, colour, ys[-1], ly[-1])


def _marks(ax: Any, marks: list[Mark], colour: str, legend: Legend) -> None:
    """The markers, side by side where one date has several."""
    from matplotlib.transforms import offset_copy

    on_day: dict[date, int] = {}
    for mark in marks:
        legend.mark(mark.kind)
        shift = on_day.get(mark.day, 0)
        on_day[mark.day] = shift + 1
        moved = offset_copy(ax.transData, ax.figure, x=7 * shift, units="points")
        symbol = MARKS[mark.kind][0]
        ax.plot(
            [mark.day], [mark.percent], symbol, color=colour, zorder=5, transform=moved, **MARKER
        )


End = tuple[float, str, str]  # a value written at the right end of a line: y, text, colour


def _ends(group: dict[str, Any], colour: str, percent: float, limit: float) -> list[End]:
    """The group's last percent, and its last limit unless that is the plan threshold (already
    named at the left)."""
    out = [] if math.isnan(percent) else [(percent, f"{percent:.4f}%", colour)]
    if not math.isnan(limit) and group["points"][-1]["limit_basis"] != "threshold":
        out.append((limit, f"limit {limit:g}%", colour))
    return out


def _write_ends(ax: Any, ends: list[End], stop: date) -> None:
    """Write the end values, nudged apart so that none covers another."""
    low, high = ax.get_ylim()
    gap, floor = (high - low) * 0.035, -math.inf
    for y, text, colour in sorted(ends):
        y = max(y, floor + gap)
        floor = y
        ax.annotate(text, (stop, y), color=colour, **END_STYLE)


PLAN_STYLE = {  # kind: colour, legend label
    "sad": ("#b00020", "Stock Acquisition Date"),
    "dd": ("#6a0010", "Distribution Date"),
}


def _plan_events(ax: Any, events: list[dict[str, Any]], legend: Legend) -> None:
    if not events:
        return
    for event in events:
        colour, label = PLAN_STYLE.get(event["kind"], ("0.3", "plan event (adoption, amendment)"))
        drawn = ax.axvline(
            date.fromisoformat(event["date"]), color=colour, linestyle=":", linewidth=1.0, zorder=2
        )
        legend.add("plan", drawn, label)
    top = ax.secondary_xaxis("top")
    dates = [date.fromisoformat(e["date"]) for e in events]
    top.set_xticks(dates, [short_name(e) for e in events], rotation=30, ha="left", fontsize=7)
    top.tick_params(length=3, color="0.3", labelcolor="0.25")


def _capital_events(ax: Any, events: list[dict[str, Any]], legend: Legend) -> None:
    by_type: dict[str, list[date]] = {}
    for event in events:
        by_type.setdefault(event["type"], []).append(date.fromisoformat(event["date"]))
    for kind, days in by_type.items():
        if kind not in CAPITAL:
            continue
        marker, label, height = CAPITAL[kind]
        along = ax.get_xaxis_transform()  # x in dates, y in fractions of the axes
        (drawn,) = ax.plot(days, [height] * len(days), marker, color="0.35", transform=along)
        legend.add("capital", drawn, label)


def _frame(ax: Any, start: date, end: date, top: float) -> None:
    """The axes: the date range (with room after it for the last values), 0 to the top."""
    from matplotlib import dates

    stop = day_after(end)  # a date far ahead in the record (9999-12-30) leaves little room
    ax.set_xlim(start, stop + min(max((stop - start) * 0.08, timedelta(days=3)), date.max - stop))
    ax.set_ylim(0, top * 1.12 if top > 0 else 20)
    locator: Any = dates.AutoDateLocator()  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(dates.ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]
    ax.yaxis.set_major_formatter("{x:g}%")
    ax.set_ylabel("percent of shares outstanding")
    ax.grid(axis="y", color="0.92", linewidth=0.6)
    ax.spines["right"].set_visible(False)


def _suffix(ctx: click.Context, param: click.Parameter, value: str) -> str:
    try:
        chart_format(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc), ctx, param) from None
    return output_folder(ctx, param, value)


@click.command()
@issuer_option
@click.option(
    "--group",
    "groups",
    multiple=True,
    metavar="NAME",
    help="A member or group label to follow (repeat for more). Default: the groups "
    "that crossed a level or changed status in the range, the largest 8.",
)
@click.option("--from", "start", type=Day(), help="First date shown (default: the first event).")
@click.option("--to", "end", type=Day(), help="Last date shown (default: the last event).")
@known_at_option
@click.option(
    "-o",
    "--output",
    required=True,
    metavar="FILE.png|FILE.svg",
    callback=_suffix,
    help="Where to write the chart: PNG or SVG, by the suffix.",
)
@click.pass_obj
def chart(
    settings: Settings,
    issuer: str,
    groups: tuple[str, ...],
    start: date | None,
    end: date | None,
    known_at: Any,
    output: str,
) -> None:
    """Draw each group's percent of the shares outstanding over time against its limit.

    The limit is dashed in the group's colour (threshold, exemption caps as amendments change
    them, approvals); 5%, 10% and the plan threshold are grey; Acquiring Person intervals are
    shaded; plan events are named along the top and the company's share counts, repurchases and
    splits ticked along the bottom.

    \b
    Examples:
      owl chart --issuer INOC -o inoc.png
      owl chart --issuer INOC --group "IPOF Fund" --from 2003-06-01 -o ipof.svg
    """
    check_range(start, end)
    series = open_ledger(settings).series(issuer, list(groups) or None, start, end, known_at)
    followed = {g["followed_as"] for g in series["groups"]} | {g["group"] for g in series["groups"]}
    missing = [name for name in groups if name not in followed]
    if missing:
        raise click.ClickException(
            f"no holder or group named {', '.join(repr(m) for m in missing)} in {issuer} between "
            f"{series['from']} and {series['to']}"
        )
    render_chart(series, output)
    count = len(series["groups"])
    groups_drawn = f"{count} group{'' if count == 1 else 's'}"
    click.echo(f"Wrote {output} ({groups_drawn}, {series['from']} to {series['to']})")
