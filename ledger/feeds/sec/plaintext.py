"""An older schedule's document (plain text or HTML) as plain text the cover reader can search.

Until the XML form of December 2024, a Schedule 13D or 13G was a typed page: plain text (in the
1990s, with EDGAR's own `<PAGE>`, `<TABLE>`, `<S>`, `<C>` marks) or HTML (later, the cover page
a table). Law firms lay the same numbered items out in many ways, so the reader searches the
items' *labels* in the text, never fixed positions. This module makes that text:

- HTML is parsed by BeautifulSoup (`html.parser`, the standard library's), never by patterns
  over markup: each paragraph, line break and table row ends a line, and each table cell's text
  is one piece followed by a space, so "5." "Sole Voting Power" "1,000" stay apart and in order;
- in both forms, runs of spaces and tabs become one space, non-breaking spaces are spaces, and
  page furniture (rules of dashes or underscores, `<PAGE>` marks, "Page 2 of 7 Pages") becomes
  an empty line, which the reader takes as a separator.

HTML is bounded as XML is (`xmlnode`): a document with more than `MAX_TAGS` tags is refused
unparsed, and one nesting elements more than `MAX_DEPTH` deep is refused once parsed (real
schedules have about a thousand elements, nested under 25), so neither memory nor time can run
away. Nothing here reads a value; `cover_pages` and `schedule_text` do.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Literal

from owl.ledger.feeds.sec.errors import FilingRefused

if TYPE_CHECKING:  # loaded when an HTML document is read: 45 ms no other command should pay
    from bs4 import BeautifulSoup
    from bs4.element import Tag

MAX_TAGS = 100_000  # "<" in an HTML document, an upper bound on its tags
MAX_DEPTH = 100  # HTML elements nested in one another

# Elements that end a line of text (a `<br>` is replaced by a line end).
_BLOCKS = (
    "p", "div", "tr", "table", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6",
    "center", "pre", "hr", "dt", "dd", "blockquote", "title",
)  # fmt: skip
_HTML_MARKS = ("<html", "<body", "<div", "<p>", "<p ", "<font", "<br", "<td")
# EDGAR's plain-text typesetting marks (not HTML): page breaks and the columns of a text table.
_EDGAR_MARK = re.compile(r"</?(?:PAGE|TABLE|CAPTION|FN|S|C|R|F\d*)(?:[ \t][^>\n]*)?>", re.I)
_FURNITURE = re.compile(
    r"[\s\-_=*.|+~#]*"  # a rule of dashes, underscores or stars (never "-0-": it has a digit)
    r"|\(?\s*page\s+\d*\s*of\s+\d*\s+pages?\s*\)?"  # "Page 2 of 7 Pages"
    r"|-\s*\d{1,3}\s*-",  # "-2-", a page number
    re.IGNORECASE,
)
_SPACES = re.compile(r"\s+")
_SCHEDULE = re.compile(r"\bschedule\s+13\s*-?\s*([dg])\b", re.IGNORECASE)
_ACT = re.compile(r"securities\s+(?:and\s+)?exchange\s+act\s+of\s+1934", re.IGNORECASE)


def is_html(body: str) -> bool:
    """Whether a document is HTML (EDGAR's plain-text marks `<PAGE>`, `<TABLE>` do not count)."""
    head = body[:20_000].lower()
    return any(mark in head for mark in _HTML_MARKS)


def plain_text(body: str, document: str) -> str:
    """The document's text, one line per line of the page, furniture as empty lines; `document`
    names it if it is refused."""
    text = html_text(body, document) if is_html(body) else _EDGAR_MARK.sub(" ", body)
    lines = []
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = " ".join(line.replace("\xa0", " ").split())
        lines.append("" if _FURNITURE.fullmatch(line) else line)
    return "\n".join(lines)


def html_text(html: str, document: str) -> str:
    """An HTML document's text: blocks and table rows end lines, each cell stays one piece."""
    from bs4 import BeautifulSoup
    from bs4.element import NavigableString

    if html.count("<") > MAX_TAGS:
        raise FilingRefused(document, None, f"more than {MAX_TAGS:,} HTML tags; refused unread")
    soup = BeautifulSoup(html, "html.parser")
    if _depth(soup) > MAX_DEPTH:
        raise FilingRefused(document, None, f"HTML nested more than {MAX_DEPTH} deep; refused")
    for hidden in _tags(soup, "script", "style", "head"):
        hidden.decompose()
    for piece in soup.find_all(string=True):
        # A line break in the source is a space, as a browser shows it (but inside <pre>).
        if isinstance(piece, NavigableString) and piece.find_parent("pre") is None:
            piece.replace_with(NavigableString(_SPACES.sub(" ", str(piece))))
    for br in _tags(soup, "br"):
        br.replace_with(NavigableString("\n"))
    for block in _tags(soup, *_BLOCKS):
        block.append(NavigableString("\n"))
    for cell in _tags(soup, "td", "th"):
        if cell.find(["td", "th"]) is None:  # innermost: a layout table may nest others
            words = " ".join(cell.get_text().split())
            cell.clear()
            cell.append(NavigableString(f" {words} " if words else " "))
    return soup.get_text()


def _depth(soup: BeautifulSoup) -> int:
    from bs4.element import Tag

    deepest = 0
    stack: list[tuple[Tag, int]] = [(soup, 0)]
    while stack:  # no recursion: the depth is not known yet
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in node.children if isinstance(child, Tag))
    return deepest


def _tags(soup: BeautifulSoup, *names: str) -> list[Tag]:
    from bs4.element import Tag

    return [tag for tag in soup.find_all(list(names)) if isinstance(tag, Tag)]


def schedule_family(text: str) -> Literal["13D", "13G"] | None:
    """The schedule a bare document's cover announces ("SCHEDULE 13G" "Under the Securities
    Exchange Act of 1934"), or None: how a `.htm` or `.txt` with no EDGAR wrapper is told."""
    head = " ".join(text[:20_000].split())
    found = _SCHEDULE.search(head)
    if found is None or _ACT.search(head) is None:
        return None
    return "13D" if found[1].upper() == "D" else "13G"
