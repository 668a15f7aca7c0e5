"""Reading a cover page's answers: the persons, their shares, the percent, the type codes.

The answers come as the text between two labels (`cover_pages`), with whatever the layout put
there: the side label "NUMBER OF SHARES BENEFICIALLY OWNED BY EACH REPORTING PERSON WITH" in
pieces, the item's own number after its label or the next item's number before the next label,
footnote marks ("55,005,679*", "4,392,742 (1)", "6,527,090 shares(1)", "(See Item 4(a))").

- **Shares**: the answer must *begin* with the figure: `1,170,000`, `539980`, a figure broken
  after a comma, `-0-`, `0`, `None` (zero); an empty answer, "Not applicable" or "N/A" is no
  figure (a power left blank). Anything else ("See Item 4", "12,3a4") cannot be read: refused.
  The aggregate must be a figure.
- **Percent**: the first figure followed by `%` in the answer's first two lines
  ("Approximately 19.8%", "10% of the aggregate ..."), else a bare figure at its start ("5.7");
  kept as written ("16.56"), and refused when it cannot be read or is over 100.
- **Names**: item 1 less its label's remnants ("S.S. or I.R.S. Identification No. of Above
  Person"), tax numbers (`13-4922250`, "I.R.S. # 36-3145972") and remarks in parentheses. One
  line is one person; a cover naming several on their own lines ("The Chase Manhattan
  Corporation - CMC", "The Chase Manhattan Bank - CMB") reports them together, so each is a
  person with the cover's figures. A line continuing a name ("Inc.", a name ending in "&") joins
  it.
- **Type of reporting person**: the form's two-letter codes (BD, BK, IC, IV, IA, EP, HC, SA, CP,
  CO, PN, IN, FI, OO) on the answer's first line and the lines of codes after it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

from owl.ledger.feeds.sec.cover_pages import CoverPage, Family, Item
from owl.ledger.feeds.sec.errors import FilingRefused
from owl.ledger.feeds.sec.schedule13 import ReportingPerson

_I = re.IGNORECASE
CODES = frozenset(
    ["BD", "BK", "IC", "IV", "IA", "EP", "HC", "SA", "CP", "CO", "PN", "IN", "FI", "OO"]
)
_INSTRUCTIONS = re.compile(r"\*?\s*\(?see\s+instructions?(?:\s+before\s+filling\s+out!?)?\)?", _I)
_RULE = re.compile(r"-{2,}|_{2,}|\[\s*[_x-]?\s*\]|\|[_x-]\|")
_SIDE = re.compile(
    r"\b(?:number|of|shares|beneficially|owned|by|each|reporting|person|with)\b:?", _I
)
_SHARES = re.compile(r"(\d{1,3}(?:,[ \t\n]*\d{3})+|\d+)(\.\d+)?(?![\d,]|\.\d|[a-z])", _I)
_ZERO = re.compile(r"(?:-\s*0\s*-|none|nil|zero)(?![a-z])", _I)
_NO_FIGURE = re.compile(r"(?:not\s+applicable|inapplicable|n/?a)\b\.?$", _I)
_PERCENT = re.compile(r"(\d{1,3}(?:\.\d+)?|\.\d+)\s*%")
_BARE_PERCENT = re.compile(
    r"(?:approximately\s+|approx\.\s+)?(\d{1,3}(?:\.\d+)?|\.\d+)(?![\d,]|\s*[a-z])", _I
)
_IRS_LABEL = re.compile(
    r"(?:s\.?\s*s\.?\s+or\s+)?i\.?\s*r\.?\s*s\.?\s+identification\s+nos?\.?\s+of\s+(?:the\s+)?"
    r"above\s+persons?:?|\(\s*entities\s+only\s*\)",
    _I,
)
_TAX_NUMBER = re.compile(
    r",?\s*(?:(?:i\.?\s*r\.?\s*s\.?|e\.?\s*i\.?\s*n\.?|tax)\s*(?:identification\s+)?"
    r"(?:no\.?|number|#)?\s*:?\s*)?#?\b(?:\d{2}-\d{7}|\d{3}-\d{2}-\d{4})\b",
    _I,
)
_PARENS = re.compile(r"\([^()]*\)")
_LEAD_IN = re.compile(r"^reporting\s+persons?\s*[-:]\s*", _I)
_ABBREVIATION = re.compile(r"\s+-\s+[A-Z]{2,5}$")  # "The Chase Manhattan Bank - CMB"
_CONTINUES = re.compile(r"^(?:inc|corp|corporation|co|company|llc|l\.l\.c|l\.?p|ltd|limited)\b", _I)
Refuse = Callable[[str, str], FilingRefused]  # (field, reason) -> the refusal naming the item
_CODE_LINE = re.compile(r"[A-Z]{2,5}(?:[\s,;:/&-]+[A-Z]{2,5})*")


def persons(cover: CoverPage, family: Family, document: str) -> tuple[ReportingPerson, ...]:
    """The persons one cover page reports, each with the cover's figures."""

    def refuse(field: str, reason: str) -> FilingRefused:
        return FilingRefused(document, None, f"{cover.where(field, family)}: {reason}")

    def shares(field: str) -> Decimal | None:
        item = cover.items.get(field)
        return None if item is None else _shares(item, refuse, field)

    names = _names(cover.items["name"])
    if not names:
        raise refuse("name", "no name given")
    aggregate = shares("aggregate")
    if aggregate is None:
        raise refuse("aggregate", f"no figure given ({_shown(cover.items['aggregate'])})")
    figures = {
        "sole_voting_power": shares("sole_voting"),
        "shared_voting_power": shares("shared_voting"),
        "sole_dispositive_power": shares("sole_dispositive"),
        "shared_dispositive_power": shares("shared_dispositive"),
    }
    percent = _percent(cover.items["percent"], refuse)
    kinds = _types(cover.items["type"]) if "type" in cover.items else ()
    where = _citizenship(cover.items["citizenship"]) if "citizenship" in cover.items else None
    return tuple(
        ReportingPerson(
            cik=None,
            name=name,
            aggregate_amount_owned=aggregate,
            percent_of_class=percent,
            types_of_reporting_person=kinds,
            member_of_group=None,
            citizenship_or_organization=where,
            **figures,
        )
        for name in names
    )


def answer(item: Item, side: bool = False) -> str:
    """An item's answer without instructions, rules, the side label (`side`) or item numbers."""
    text = _RULE.sub(" ", _INSTRUCTIONS.sub(" ", item.text))
    if side:
        text = _SIDE.sub(" ", text)
    text = re.sub(rf"^[\s*:.]*\(?\s*{item.number}\s*\)?\s*[.:)]?(?=\s|$)", "", text)
    if item.next_number is not None:
        text = re.sub(rf"(?:^|\s)\(?\s*{item.next_number}\s*\)?\s*[.:]?\s*$", "", text)
    return text.strip().lstrip("*:.").strip()


def _shown(item: Item) -> str:
    text = " ".join(answer(item, side=True).split())
    return repr(text[:60]) if text else "blank"


def _shares(item: Item, refuse: Refuse, field: str) -> Decimal | None:
    text = answer(item, side=True)
    if not text or _NO_FIGURE.match(text):
        return None
    if _ZERO.match(text):
        return Decimal(0)
    found = _SHARES.match(text)
    if found is None:
        raise refuse(field, f"cannot read {_shown(item)} as a number of shares")
    return Decimal(re.sub(r"[,\s]", "", found[1]) + (found[2] or ""))


def _percent(item: Item, refuse: Refuse) -> str:
    text = answer(item)
    lines = [line for line in text.split("\n") if line.strip()][:2]
    found = _PERCENT.search(" ".join(lines)) or _BARE_PERCENT.match(text)
    if found is None:
        if _ZERO.match(text):
            return "0"
        raise refuse("percent", f"cannot read {_shown(item)} as a percent")
    value = found[1] if not found[1].startswith(".") else "0" + found[1]
    if Decimal(value) > 100:
        raise refuse("percent", f"{value}% is more than the whole class")
    return value


def _names(item: Item) -> list[str]:
    text = _IRS_LABEL.sub(" ", _TAX_NUMBER.sub(" ", answer(item)))
    while _PARENS.search(text):
        text = _PARENS.sub(" ", text)
    lines: list[str] = []
    for raw in text.split("\n"):
        line = _LEAD_IN.sub("", " ".join(raw.split())).strip(" ,;:*").lstrip(".-").strip()
        if not re.search(r"[A-Za-z]{2}", line):
            continue
        joins = lines and (lines[-1].endswith((",", "&", " and", " of", " the")) or
                           line[0].islower() or _CONTINUES.match(line))  # fmt: skip
        if joins:
            lines[-1] = f"{lines[-1]} {line}"
        else:
            lines.append(line)
    return [_ABBREVIATION.sub("", line) for line in lines]


def _types(item: Item) -> tuple[str, ...]:
    lines = [" ".join(_PARENS.sub(" ", line).split()) for line in answer(item).split("\n")]
    lines = [line for line in lines if line]
    codes: list[str] = []
    for i, line in enumerate(lines):
        if i and not _CODE_LINE.fullmatch(line):
            break  # the answer ends where the lines stop being codes (the body follows)
        codes.extend(c for c in re.findall(r"\b[A-Z]{2}\b", line) if c in CODES)
    return tuple(dict.fromkeys(codes))


def _citizenship(item: Item) -> str | None:
    # The side label "NUMBER OF SHARES ..." may begin on the citizenship's last line.
    text = re.split(r"\bnumbers?(?:\s+of\b|\s*$)", answer(item), maxsplit=1, flags=_I)[0]
    joined = " ".join(text.split()).strip(" ,;:*")
    return joined or None
