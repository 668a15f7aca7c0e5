"""Safe HTML by construction: the building blocks of `owl report`.

Markup is built only from `Html` values; anything else (every text from the ledger) goes through
`text()`, which escapes it and writes bidi controls out visibly, and names are isolated in
`<bdi>`, so a holder named `<script>` or with U+202E in it is just text.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from typing import Any

from owl.cli.chartmarks import shown


class Html(str):
    """Markup made in this module; any other string is text and is escaped."""


def text(value: object) -> Html:
    if isinstance(value, Html):
        return value
    shown_text = "-" if value is None else shown(str(value))
    return Html(html.escape(shown_text, quote=True))


def name(value: str) -> Html:
    """A name from the ledger, isolated so that right-to-left text cannot reorder its line."""
    return Html(f"<bdi>{text(value)}</bdi>")


def el(tag: str, *children: object, cls: str | None = None, ident: str | None = None) -> Html:
    """An element; `tag` is ours, never the ledger's (`cls` and `ident` are escaped anyway)."""
    attrs = (f' id="{text(ident)}"' if ident else "") + (f' class="{text(cls)}"' if cls else "")
    return Html(f"<{tag}{attrs}>{''.join(text(c) for c in children)}</{tag}>")


def join(parts: Iterable[object], sep: str = "") -> Html:
    return Html(text(sep).join(text(p) for p in parts))


def n(value: int | None) -> str:
    return "-" if value is None else f"{value:,}"


def pct(value: str | None) -> str:
    return "-" if value is None else f"{value}%"


COLUMNS = {"date": "date", "source": "text", "change": "text", "what took effect": "text"}


def table(
    headers: list[str], rows: Iterable[Sequence[object]], numeric: Iterable[int] = ()
) -> Html:
    """A table that scrolls sideways on a narrow screen; `numeric` columns align right."""
    right = set(numeric)
    kinds = ["num" if i in right else COLUMNS.get(h) for i, h in enumerate(headers)]

    def cell(tag: str, i: int, value: object) -> Html:
        return el(tag, value, cls=kinds[i])

    head = el("tr", *(cell("th", i, h) for i, h in enumerate(headers)))
    body = join(el("tr", *(cell("td", i, v) for i, v in enumerate(row))) for row in rows)
    return el("div", el("table", el("thead", head), el("tbody", body)), cls="scroll")


def facts(pairs: Iterable[tuple[str, object]]) -> Html:
    return el("dl", *(join([el("dt", k), el("dd", v)]) for k, v in pairs), cls="facts")


def event_cells(event: dict[str, Any] | None) -> list[object]:
    """seq, event id and source of the event behind a row."""
    if event is None:
        return ["-", "-", "-"]
    return [event["seq"], event["event_id"], event["source"]]
