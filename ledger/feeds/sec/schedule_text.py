"""Schedules 13D and 13G in their older form (plain text or HTML, 1993 to 2024) as the same
`Schedule13Filing` record the XML form gives.

The schedule's first page names the issuer, the class ("(Title of Class of Securities)"), the
CUSIP, the "Date of Event Which Requires Filing of this Statement", the amendment number
("(Amendment No. 4)") and, on a 13G since 1998, the rule it is filed under (a box checked
beside "Rule 13d-1(b)", "(c)" or "(d)", in any of the marks typists used: `[X]`, `/ X /`, `|X|`,
HTML's Wingdings "x" or "þ"). Each label is followed by its answer or follows it; the answer is
read either way. Then come the cover pages (`cover_pages`, `cover_values`).

What EDGAR's header says wins over the typed page where both say it: the issuer's CIK and name
(SUBJECT COMPANY), the filer's CIK (FILED BY), the filing date and acceptance time. A reporting
person whose name is the filer's (without regard to case, punctuation and "Inc."/"Corp.") has
the filer's CIK; no other person has one (the cover pages give none).

**Rule 13d-1(c) before 17 February 1998.** Until the SEC's amendments of that date (Release
34-39538), Rule 13d-1(c) was the exemption for holders who had not acquired their shares (for
instance owners before the issuer's registration), which is Rule 13d-1(d) since; today's (c),
the passive investor, did not exist. A 13G filed before that date (or, with no filing date, whose
event was before it) that checks "(c)" is read as 13d-1(d), the rule it means today.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime

from owl.ledger.feeds.sec.cover_pages import Family, cover_pages
from owl.ledger.feeds.sec.cover_values import persons
from owl.ledger.feeds.sec.errors import FilingRefused
from owl.ledger.feeds.sec.plaintext import is_html, plain_text, schedule_family
from owl.ledger.feeds.sec.schedule13 import ReportingPerson, Schedule13Filing

OLD_RULES_UNTIL = date(1998, 2, 17)  # Rule 13d-1(c) meant today's (d) before this date
SUBMISSION_TYPES = frozenset({"SC 13D", "SC 13D/A", "SC 13G", "SC 13G/A"})
_I = re.IGNORECASE
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTH = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_DATES = (
    (re.compile(_MONTH + r"\s+(\d{1,2})\s*,?\s*(\d{4})", _I), (3, 1, 2)),
    (re.compile(r"(\d{1,2})\s+" + _MONTH + r",?\s+(\d{4})", _I), (3, 2, 1)),
    (re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b"), (3, 1, 2)),
)
_AMENDMENT = re.compile(r"\bamendment\s+no\.?\s*:?\s*(\d{1,3})\b", _I)
_RULE = re.compile(r"\brule\s+13d\s*-?\s*[1l]?\s*\(\s*([bcd])\s*\)", _I)
_CHECKED = frozenset("xXþýÿ☒☑✓✔■")
_CUSIP = r"([0-9A-Z]{6}[ -]?[0-9A-Z]{2}(?:[ -]?[0-9])?)(?![0-9A-Za-z])"
_CUSIP_NO = re.compile(r"(?i:\bcusip\s*(?:no\.?|number|#)?)\s*:?\s*" + _CUSIP)
_STOP = re.compile(
    r"^\(|^[^(]*\)\*?$|1934|\bamendment\b|\bschedule\s+13|\brule\s+13d|\bwashington\b", _I
)
_FRONT = {
    "issuer": r"name\s+of\s+issuer",
    "class": r"title\s+of\s+class\s+of\s+securities",
    "cusip": r"cusip\s+number",
    "event": r"date\s+of\s+event\s+which\s+requires\s+filing\s+of\s+this\s+statement",
}
_SUFFIXES = re.compile(r"\b(?:the|inc|incorporated|corp|corporation|co|company|ltd|llc|lp|l p)\b")


def parse_schedule_text(
    body: str,
    document: str,
    form_type: str | None = None,
    filed_on: date | None = None,
    accepted_at: datetime | None = None,
    issuer: tuple[str | None, str | None] = (None, None),
    filers: tuple[tuple[str, str | None], ...] = (),
) -> Schedule13Filing:
    """Read an older schedule's document (`body`, text or HTML); `document` names it in every
    refusal. The rest is what EDGAR's header says, where there is one: the submission type,
    filing date, acceptance time, the issuer's (CIK, name) and each filer's (CIK, name)."""
    text = plain_text(body, document)
    submission_type = _submission_type(form_type, text, document)
    family: Family = "13D" if "13D" in submission_type else "13G"
    front, covers = cover_pages(text, family, document)
    people = tuple(p for cover in covers for p in persons(cover, family, document))
    event = _date_of_event(front, document)
    cusips = _cusips(front, text)
    return Schedule13Filing(
        document=document,
        submission_type=submission_type,
        schedule=family,
        amendment_number=_amendment(front),
        previous_accession_number=None,
        filer_cik=filers[0][0] if filers else None,
        date_of_event=event,
        issuer_cik=issuer[0],
        issuer_cusips=cusips,
        issuer_name=issuer[1] or _labelled(front, "issuer"),
        securities_class_title=_class_title(front, text),
        reporting_persons=tuple(_with_cik(p, filers) for p in people),
        rules=_rules(front, filed_on or event) if family == "13G" else (),
        written_as="html" if is_html(body) else "text",
        filed_on=filed_on,
        accepted_at=accepted_at,
    )


def _submission_type(form_type: str | None, text: str, document: str) -> str:
    if form_type is not None:
        written = " ".join(form_type.upper().split())
        if written not in SUBMISSION_TYPES:
            raise FilingRefused(document, "TYPE", f"{written!r} is not a Schedule 13D or 13G")
        return written
    family = schedule_family(text)
    if family is None:
        raise FilingRefused(document, None, "no 'SCHEDULE 13D' or 'SCHEDULE 13G' on its cover")
    amended = _amendment(text[:5000]) or re.search(
        r"\bschedule\s+13[dg]\s*/\s*a\b", text[:5000], _I
    )
    return f"SC {family}" + ("/A" if amended else "")


def _amendment(front: str) -> int | None:
    found = _AMENDMENT.search(front)
    return int(found[1]) if found else None


def _labelled(front: str, fact: str) -> str | None:
    """The answer of a first-page label: the lines above "(Name of Issuer)", or what follows
    "Name of Issuer:" on its line (or the next)."""
    words = _FRONT[fact]
    above = re.search(rf"\(\s*{words}\s*\)", front, _I)
    if above is not None:
        kept: list[str] = []
        for line in reversed(front[: above.start()].split("\n")):
            line = line.strip()
            if not line and kept:
                break
            if line and (_STOP.search(line) or len(kept) == 3):
                break
            if line:
                kept.append(line)
        return " ".join(reversed(kept)) or None
    after = re.search(rf"{words}\s*:[ \t]*([^\n]*)(?:\n\s*([^\n]+))?", front, _I)
    if after is None:
        return None
    return (after[1] or after[2] or "").strip() or None


def _class_title(front: str, text: str) -> str | None:
    title = _labelled(front, "class") or _labelled(text, "class")
    return "Common Stock" if title is not None and title.upper() in ("COM", "COMMON") else title


def _cusips(front: str, text: str) -> tuple[str, ...]:
    written = [_labelled(front, "cusip") or "", *(m[1] for m in _CUSIP_NO.finditer(text))]
    found = []
    for cusip in written:
        bare = re.sub(r"[ -]", "", cusip.upper())
        if re.fullmatch(r"[0-9A-Z]{6}[0-9A-Z]{2}[0-9]?", bare) and re.search(r"\d", bare):
            found.append(bare)
    return tuple(dict.fromkeys(found))


def _date_of_event(front: str, document: str) -> date | None:
    written = _labelled(front, "event")
    if written is None:
        return None
    for pattern, (y, m, d) in _DATES:
        found = pattern.search(written)
        if found is None:
            continue
        month = found[m]
        number = _MONTHS.index(month[:3].lower()) + 1 if month.isalpha() else int(month)
        try:
            return date(int(found[y]), number, int(found[d]))
        except ValueError:
            break
    if re.fullmatch(r"[\s_*.-]*", written):
        return None  # left blank
    raise FilingRefused(
        document, None, f"date of event which requires filing: cannot read {written!r} as a date"
    )


def _rules(front: str, day: date | None) -> tuple[str, ...]:
    """The rules whose box is checked, as `13d-1(b)`; (c) read as (d) before 17 February 1998."""
    found = []
    for line in front.split("\n"):
        rules = list(_RULE.finditer(line))
        if len(rules) != 1:
            continue  # "TO RULES 13d-1(b), (c) AND (d)" is the form's title, not a box
        mark = line[: rules[0].start()] or line[rules[0].end() :]
        if set(re.sub(r"[\[\]/|()\s_]", "", mark)) & _CHECKED and len(mark.strip()) <= 7:
            found.append(f"13d-1({rules[0][1].lower()})")
    if day is not None and day < OLD_RULES_UNTIL:
        found = ["13d-1(d)" if rule == "13d-1(c)" else rule for rule in found]
    return tuple(dict.fromkeys(found))


def _with_cik(
    person: ReportingPerson, filers: tuple[tuple[str, str | None], ...]
) -> ReportingPerson:
    same = [cik for cik, name in filers if name and _plain(name) == _plain(person.name)]
    return replace(person, cik=same[0]) if same else person


def _plain(name: str) -> str:
    """A name for comparison: "CHASE MANHATTAN CORP /DE/" and "The Chase Manhattan Corporation"
    are one."""
    lowered = re.sub(r"/[a-z]{2,3}/", " ", name.lower()).replace("&", " and ")
    return " ".join(_SUFFIXES.sub(" ", re.sub(r"[^a-z0-9 ]", " ", lowered)).split())
