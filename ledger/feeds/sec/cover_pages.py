"""The cover pages of an older Schedule 13D or 13G: where each numbered item's answer is.

Every reporting person has a cover page of numbered items, the same on every schedule since the
1980s but laid out by each law firm its own way (a column of numbers and labels, a table, the
label above or beside its answer, "NUMBER OF SHARES BENEFICIALLY OWNED BY EACH REPORTING PERSON
WITH" written down the side between the answers). So an item is found by its label's *words*,
and its answer is the text from the end of its label to the start of the next label found:

| item | Schedule 13G | Schedule 13D |
|---|---|---|
| names of reporting persons | 1 | 1 |
| member of a group (box), SEC use only | 2, 3 | 2, 3 |
| source of funds, legal proceedings (box) | - | 4, 5 |
| citizenship or place of organization | 4 | 6 |
| sole / shared voting power | 5, 6 | 7, 8 |
| sole / shared dispositive power | 7, 8 | 9, 10 |
| aggregate amount beneficially owned | 9 | 11 |
| aggregate excludes certain shares (box) | 10 | 12 |
| percent of class represented by the aggregate | 11 | 13 |
| type of reporting person | 12 | 14 |

A cover page begins at a "Name(s) of Reporting Person(s)" label and ends at the next one (the
last, at the end of the document). The aggregate and the percent must be found in it, in that
order; the items before the aggregate are looked for only before it, so a label missing from the
cover is never taken from the body of the schedule. A stretch that begins with that label but
has none of items 5 to 9 is not a cover page (say, an exhibit quoting the form). FMR's filings
write a compact cover with no labels, one `Item 9: 29,450,282` a line; that form is read by its
numbers. The answers stay text here; `cover_values` reads them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from owl.ledger.feeds.sec.errors import FilingRefused

Family = Literal["13D", "13G"]
_I = re.IGNORECASE

NAME = re.compile(
    r"\bnames?\s+of\s+(?:(?:s\.?\s*s\.?\s+or\s+)?i\.?\s*r\.?\s*s\.?\s+identification\s+nos?\.?\s+"
    r"of\s+)?(?:the\s+)?(?:above\s+)?reporting\s+persons?\b\.?",
    _I,
)
_ROW = r"\s+in\s+row\s*\(?\s*\d{1,2}\s*\)?"
# (field, words in a refusal, label), in the order of the form; the 13D's two extra items apart.
_LABELS: tuple[tuple[str, str, str], ...] = (
    ("group", "member of a group", r"\bcheck\s+the\s+appropriate\s+(?:box|letter)\b"
                                   r"|\bmember\s+of\s+a\s+group\b"),
    ("sec_use", "SEC use only", r"\bsec\s+use\s+only\b"),
    ("source", "source of funds", r"\bsource\s+of\s+funds\b"),
    ("legal", "legal proceedings", r"\bdisclosure\s+of\s+legal\s+proceedings\b"),
    ("citizenship", "citizenship or place of organization",
     r"\bcitizenship\s+or\s+place\s+of\s+organi[sz]ation\b|\bplace\s+of\s+organi[sz]ation\b"
     r"|\bcitizenship\b"),
    ("sole_voting", "sole voting power", r"\bsole\s+voting\s+power\b"),
    ("shared_voting", "shared voting power", r"\bshared\s+voting\s+power\b"),
    ("sole_dispositive", "sole dispositive power", r"\bsole\s+dispositive\s+power\b"),
    ("shared_dispositive", "shared dispositive power", r"\bshared\s+dispositive\s+power\b"),
    ("aggregate", "aggregate amount",
     r"\baggregate\s+amount\s+benefic\w*\s+owned(?:\s+by\s+each\s+reporting\s+persons?)?"),
    ("excludes", "excludes certain shares",
     r"\b(?:check\s+(?:the\s+)?(?:box\s+|space\s+below\s+)?if\s+)?(?:the\s+)?aggregate\s+amount"
     + _ROW + r"\s+excludes(?:\s+certain)?\s+shares\b|\bexcludes(?:\s+certain)?\s+shares\b"),
    ("percent", "percent of class",
     r"\bpercent\s+of\s+class(?:\s+represented\s+by\s+(?:the\s+)?amount" + _ROW + ")?"),
    ("type", "type of reporting person", r"\btype\s+of\s+reporting(?:\s+persons?)?\b"),
)  # fmt: skip
LABELS = {field: re.compile(label, _I) for field, _, label in _LABELS}
WORDS = {"name": "names of reporting persons"} | {field: words for field, words, _ in _LABELS}
FIELDS = ("name", *(field for field, _, _ in _LABELS))
_BEFORE_AGGREGATE = FIELDS[1:10]
_POWERS_OR_AGGREGATE = ("sole_voting", "shared_voting", "sole_dispositive", "shared_dispositive",
                        "aggregate")  # fmt: skip
_NUMBERED = re.compile(r"^item\s+(\d{1,2})\s*:\s*(.*)$", re.MULTILINE | _I)


def item_numbers(family: Family) -> dict[str, int]:
    """Each field's item number on the cover page of this schedule."""
    fields = FIELDS if family == "13D" else tuple(f for f in FIELDS if f not in ("source", "legal"))
    return {field: number for number, field in enumerate(fields, 1)}


@dataclass(frozen=True)
class Item:
    """One answer on a cover page, as text: its item number and what follows its label."""

    number: int
    text: str
    next_number: int | None = None  # the next item's number, which may end this answer


@dataclass(frozen=True)
class CoverPage:
    """The answers of one cover page (1 for the first), by field; an item not found is absent."""

    index: int
    items: dict[str, Item]

    def where(self, field: str, family: Family) -> str:
        """How a refusal names the item: `cover page 2 (item 9, aggregate amount)`."""
        return f"cover page {self.index} (item {item_numbers(family)[field]}, {WORDS[field]})"


def cover_pages(text: str, family: Family, document: str) -> tuple[str, tuple[CoverPage, ...]]:
    """The text before the first cover page (the schedule's own first page) and the covers."""
    starts = list(NAME.finditer(text))
    if not starts:
        numbered = _numbered_covers(text, family)
        if numbered:
            return numbered
        raise FilingRefused(
            document,
            None,
            "no cover page: no item 'Name of Reporting Person' (an amendment may restate only "
            "its text, reporting no holding)",
        )
    covers: list[CoverPage] = []
    for i, start in enumerate(starts):
        end = starts[i + 1].start() if i + 1 < len(starts) else len(text)
        block = text[start.start() : end]
        if not any(LABELS[f].search(block) for f in _POWERS_OR_AGGREGATE):
            continue  # no power and no aggregate: not a cover page
        covers.append(_cover(block, start.end() - start.start(), len(covers) + 1, family, document))
    if not covers:
        raise FilingRefused(document, None, "no cover page with items 1 to 12 (13G) or 14 (13D)")
    return text[: starts[0].start()], tuple(covers)


def _cover(block: str, name_end: int, index: int, family: Family, document: str) -> CoverPage:
    numbers = item_numbers(family)
    page = CoverPage(index, {})
    aggregate = LABELS["aggregate"].search(block, name_end)
    if aggregate is None:
        raise FilingRefused(document, None, f"{page.where('aggregate', family)}: not found")
    percent = LABELS["percent"].search(block, aggregate.end())
    if percent is None:
        raise FilingRefused(document, None, f"{page.where('percent', family)}: not found")
    found: list[tuple[int, int, str]] = [(0, name_end, "name")]
    cursor = name_end
    for field in _BEFORE_AGGREGATE:
        label = LABELS[field].search(block, cursor, aggregate.start())
        if field in numbers and label is not None:
            found.append((label.start(), label.end(), field))
            cursor = label.end()
    found.append((aggregate.start(), aggregate.end(), "aggregate"))
    excludes = LABELS["excludes"].search(block, aggregate.end(), percent.start())
    if excludes is not None:
        found.append((excludes.start(), excludes.end(), "excludes"))
    found.append((percent.start(), percent.end(), "percent"))
    kind = LABELS["type"].search(block, percent.end())
    if kind is not None:
        found.append((kind.start(), kind.end(), "type"))
    items = {}
    for i, (_, end, field) in enumerate(found):
        following = found[i + 1] if i + 1 < len(found) else None
        stop = following[0] if following else len(block)
        after = numbers[following[2]] if following else None
        items[field] = Item(numbers[field], block[end:stop], after)
    return CoverPage(index, items)


def _numbered_covers(text: str, family: Family) -> tuple[str, tuple[CoverPage, ...]] | None:
    """FMR's compact cover: lines `Item 1: Reporting Person - FMR Corp.` ... `Item 12: HC`."""
    by_number = {n: f for f, n in item_numbers(family).items()}
    covers: list[dict[str, Item]] = []
    front = None
    for line in _NUMBERED.finditer(text):
        number = int(line[1])
        if number == 1:
            front = text[: line.start()] if front is None else front
            covers.append({})
        if covers and number in by_number and by_number[number] not in covers[-1]:
            covers[-1][by_number[number]] = Item(number, line[2])
    readable = [c for c in covers if "aggregate" in c]
    if front is None or not readable:
        return None
    return front, tuple(CoverPage(i, items) for i, items in enumerate(readable, 1))
