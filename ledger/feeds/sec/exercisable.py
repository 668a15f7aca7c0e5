"""When a right becomes exercisable, read from the footnote a Form 3/4/5 gives instead of a date.

A derivative row's `<exerciseDate>` often has no value, only a footnote. Rule 13d-3(d)(1) counts
a right as beneficially owned only when it is exercisable within 60 days, so reading such a row
as "exercisable now" overstates a holding whenever the footnote says it vests later. The reading,
in order (the first that applies decides):

1. **Now**, when the footnote says so plainly: exercisable or convertible "at any time", "at the
   option of the holder", "immediately exercisable", "fully vested", "100% exercisable", "early
   exercisable" (an option exercisable before it vests), "is convertible" or "are exercisable"
   (a right the holder has today: "The Class B Common Stock is convertible into Class A Common
   Stock on a 1-for-1 basis"), or "N/A" (no exercise date applies).
2. **A date**, when the footnote states one plainly beside the words that make the right
   exercisable ("vest in four equal annual installments beginning March 1, 2026", "exercisable on
   June 30, 2024", "vests on 1/15/2025"): the first such date, when the first part becomes
   exercisable. Later installments are counted from that date too (the ledger keeps one date
   per series); the footnote is kept with the event for anyone who needs the schedule.
3. **Unknown** otherwise ("one-fourth vests on the one-year anniversary of the vesting
   commencement date", "upon the issuer's initial business combination", performance
   conditions): never "now". Rule 13d-3 then leaves the right out and the views say by how many
   shares the holding is uncertain.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Literal

Reading = tuple[Literal["now", "date", "unknown"], date | None]

_NOW = re.compile(
    r"\bat any time\b|\bat the (?:option|election) of the (?:holder|reporting person)\b"
    r"|\bimmediately (?:exercisable|convertible|vested)\b|\bfully (?:vested|exercisable)\b"
    r"|\b100% (?:vested|exercisable)\b|\bearly exercisable\b"
    r"|\b(?:is|are) (?:currently |now )?(?:exercisable|convertible)\b(?! only)"
    r"|\bexercisable as of the (?:grant date|date of grant|date hereof)\b",
    re.IGNORECASE,
)
_NOT_APPLICABLE = re.compile(r"\s*(?:n/?a|not applicable|none)\.?\s*", re.IGNORECASE)
_MONTHS = {
    name: number
    for number, names in enumerate(
        (("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
         ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
         ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
         ("december", "dec")),
        start=1,
    )
    for name in names
}  # fmt: skip
_DATE = (
    r"(?:(?P<month>[A-Za-z]{3,9})\.?\s+(?P<day>\d{1,2}),?\s+(?P<year>\d{4})"
    r"|(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{4})"
    r"|(?P<iso>\d{4}-\d{2}-\d{2}))"
)
# The words that make a right exercisable, then (within one sentence) a date they name.
_WHEN = re.compile(
    r"\b(?:exercisab\w*|vest\w*|becom\w*|convert\w*)\b[^.;]{0,120}?"
    r"\b(?:on|beginning|commencing|starting|from|as of|after)(?: on)?\s+" + _DATE,
    re.IGNORECASE,
)


def exercisable(footnotes: list[str]) -> Reading:
    """When the right the footnotes describe becomes exercisable (see the module)."""
    text = " ".join(" ".join(f.split()) for f in footnotes)
    if not text.strip():
        return "unknown", None
    if _NOT_APPLICABLE.fullmatch(text) or _NOW.search(text):
        return "now", None
    found = [d for m in _WHEN.finditer(text) if (d := _day(m)) is not None]
    if found:
        return "date", min(found)
    return "unknown", None


def _day(match: re.Match[str]) -> date | None:
    try:
        if match["iso"]:
            return date.fromisoformat(match["iso"])
        if match["y"]:
            return date(int(match["y"]), int(match["m"]), int(match["d"]))
        month = _MONTHS.get(match["month"].lower())
        return date(int(match["year"]), month, int(match["day"])) if month else None
    except ValueError:
        return None
