"""Unwrapping a full EDGAR submission: its header facts and the XML documents inside it.

EDGAR serves a filing as one SGML-like text: a header, then one `<DOCUMENT>` block per file
(`<TYPE>`, `<SEQUENCE>`, `<FILENAME>`, `<DESCRIPTION>`, `<TEXT>`), where an XML form sits
between `<XML>` and `</XML>`. Two header dialects occur:

- the public `.txt`: `<SEC-DOCUMENT>`, `<SEC-HEADER>`, and lines like `ACCESSION NUMBER: ...`,
  `CONFORMED SUBMISSION TYPE: 4`, `FILED AS OF DATE: 20250110`;
- the dissemination `.nc`: `<SUBMISSION>` with tags `<ACCESSION-NUMBER>`, `<TYPE>` and
  `<FILING-DATE>`, often with no line breaks at all.

The accession number identifies the filing across EDGAR, so a wrapper without one is refused, and
so is a header with no `<DOCUMENT>` at all (EDGAR keeps only the header of some 1990s filings).
A bare XML file (a Form 4's `form4.xml`, a schedule's `primary_doc.xml`) is one document with no
header facts.

An older Schedule 13D or 13G is no XML: its `<DOCUMENT>` (`<TYPE>SC 13G`, `SC 13D/A`, ...) holds
plain text or HTML, kept as a `TextDocument`. It may also come as EDGAR stores the primary
document, in a `<DOCUMENT>` wrapper with no header, or bare (`dsc13g.htm`), told by its cover
("SCHEDULE 13G", "Securities Exchange Act of 1934"). For those the header's facts also read
here: the acceptance time, the SUBJECT COMPANY (the issuer) and each FILED BY (the filer), with
their CIK and conformed name. Nothing here parses a document; `form345`, `schedule13` and
`schedule_text` do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from owl.ledger.feeds.sec.errors import FilingRefused
from owl.ledger.feeds.sec.plaintext import is_html, plain_text, schedule_family
from owl.ledger.feeds.sec.xmlnode import MAX_BYTES

_ACCESSION = re.compile(r"\d{10}-\d{2}-\d{6}")
_BLOCK = re.compile(r"<DOCUMENT>(.*?)</DOCUMENT>", re.DOTALL | re.IGNORECASE)
_XML = re.compile(r"<XML>(.*?)</XML>", re.DOTALL | re.IGNORECASE)
_TEXT = re.compile(r"<TEXT>(.*?)(?:</TEXT>|$)", re.DOTALL | re.IGNORECASE)
SCHEDULE_TYPES = frozenset({"SC 13D", "SC 13D/A", "SC 13G", "SC 13G/A"})
_BARE_XML = ("<?xml", "<ownershipDocument", "<edgarSubmission")
_WRAPPERS = ("<SEC-DOCUMENT>", "<SUBMISSION>", "<SEC-HEADER>", "<IMS-DOCUMENT>")
# Each header fact in the .txt dialect ("KEY:<tabs>value" on its own line), then the .nc one.
_HEADER = {
    "accession": (r"^ACCESSION NUMBER:[ \t]*(\S+)", r"<ACCESSION-NUMBER>[ \t]*([^<\s]+)"),
    "form": (r"^CONFORMED SUBMISSION TYPE:[ \t]*([^\r\n]+)", r"<TYPE>[ \t]*([^<\r\n]+)"),
    "filed": (r"^FILED AS OF DATE:[ \t]*(\S+)", r"<FILING-DATE>[ \t]*([^<\s]+)"),
    "accepted": (r"<ACCEPTANCE-DATETIME>[ \t]*(\d{14})",),
}
# The header's sections naming a company, in both dialects: the issuer and the filers.
_SECTION = re.compile(
    r"^[ \t]*(SUBJECT COMPANY|FILED BY|REPORTING-OWNER|ISSUER|GROUP MEMBERS):"
    r"|<(SUBJECT-COMPANY|FILED-BY|REPORTING-OWNER|ISSUER)>",
    re.MULTILINE,
)
_COMPANY = {
    "name": re.compile(r"(?:COMPANY CONFORMED NAME:|<CONFORMED-NAME>)[ \t]*([^<\r\n]+)"),
    "cik": re.compile(r"(?:CENTRAL INDEX KEY:|<CIK>)[ \t]*(\d{1,10})"),
}


@dataclass(frozen=True)
class XmlDocument:
    """One XML document of a submission, with the `<DOCUMENT>` block's own labels (if any)."""

    xml: str
    type: str | None = None
    sequence: str | None = None
    filename: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class TextDocument:
    """An older Schedule 13D or 13G: the plain text or HTML of its `<TEXT>`, with its labels."""

    text: str
    type: str | None = None
    sequence: str | None = None
    filename: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class Company:
    """A company the header names (SUBJECT COMPANY, FILED BY): its CIK and conformed name."""

    cik: str
    name: str | None


@dataclass(frozen=True)
class Submission:
    """A filing's header facts (None for a bare file) and its form documents, in order."""

    document: str
    accession_number: str | None
    form_type: str | None
    filing_date: date | None
    documents: tuple[XmlDocument | TextDocument, ...]
    accepted_at: datetime | None = None
    subject: Company | None = None  # the issuer, for a schedule
    filers: tuple[Company, ...] = ()  # FILED BY


def _bare(text: str, document: str) -> Submission | None:
    """A file with no EDGAR header: a `<DOCUMENT>` as EDGAR stores a primary document, or an
    older schedule's bare text or HTML (told by its cover); None for anything else."""
    if text.lstrip()[:10].upper() == "<DOCUMENT>":
        return Submission(document, None, None, None, _documents(text))
    if schedule_family(plain_text(text, document) if is_html(text) else text) is not None:
        return Submission(document, None, None, None, (TextDocument(text),))
    return None


def unwrap(data: str | bytes, document: str) -> Submission:
    """The header facts and XML documents of an EDGAR submission (or of one bare XML file)."""
    if len(data) > MAX_BYTES:
        raise FilingRefused(document, None, f"larger than {MAX_BYTES:,} bytes; refused unread")
    text = _decode(data, document).lstrip("\ufeff")
    start = text.lstrip()
    if start.startswith(_BARE_XML):
        return Submission(document, None, None, None, (XmlDocument(start),))
    if not any(tag in text[:8192].upper() for tag in _WRAPPERS):
        bare = _bare(text, document)
        if bare is not None:
            return bare
        raise FilingRefused(
            document,
            None,
            "not an EDGAR submission: expected <SEC-DOCUMENT> or <SUBMISSION>, or an XML document",
        )
    first_block = re.search(r"<DOCUMENT>", text, re.IGNORECASE)
    header = text[: first_block.start()] if first_block else text
    accession = _header_fact(header, "accession")
    if accession is None or not _ACCESSION.fullmatch(accession):
        found = f"{accession!r} is" if accession else "none found;"
        raise FilingRefused(
            document, "ACCESSION NUMBER", f"{found} not of the form 0000000000-00-000000"
        )
    filed = _header_fact(header, "filed")
    form = _header_fact(header, "form")
    if first_block is None:
        day = None if filed is None else _yyyymmdd(filed, document)
        said = f" ({form}, filed {day})" if form and day else ""
        raise FilingRefused(
            document, None, f"header only: the submission{said} holds no document to read"
        )
    accepted = _header_fact(header, "accepted")
    companies = _companies(header)
    return Submission(
        document=document,
        accession_number=accession,
        form_type=form,
        filing_date=None if filed is None else _yyyymmdd(filed, document),
        documents=_documents(text),
        accepted_at=None if accepted is None else datetime.strptime(accepted, "%Y%m%d%H%M%S"),
        subject=next((c for kind, c in companies if kind == "SUBJECT"), None),
        filers=tuple(c for kind, c in companies if kind == "FILED"),
    )


def _documents(text: str) -> tuple[XmlDocument | TextDocument, ...]:
    return tuple(doc for block in _BLOCK.findall(text) if (doc := _document(block)) is not None)


def _companies(header: str) -> list[tuple[str, Company]]:
    """(SUBJECT or FILED, company) for each header section that names a company with a CIK."""
    marks = list(_SECTION.finditer(header))
    found = []
    for i, mark in enumerate(marks):
        kind = (mark[1] or mark[2]).split()[0].split("-")[0]
        end = marks[i + 1].start() if i + 1 < len(marks) else len(header)
        section = header[mark.end() : end]
        cik, name = _COMPANY["cik"].search(section), _COMPANY["name"].search(section)
        if cik is not None and kind in ("SUBJECT", "FILED"):
            found.append((kind, Company(f"{int(cik[1]):010d}", name[1].strip() if name else None)))
    return found


def acceptance_of(path: Path) -> tuple[str, str] | None:
    """(acceptance date-time, accession number) from the EDGAR header at the start of a file,
    read without reading the file whole; None when it has no header that states them (a bare
    XML form, a document without its header)."""
    try:
        with path.open("rb") as stream:
            head = stream.read(_HEAD_BYTES).decode("latin-1")
    except OSError:
        return None  # the feed itself says why it cannot be read
    accepted = re.search(_HEADER["accepted"][0], head)
    accession = re.search(_HEADER["accession"][0], head, re.MULTILINE) or re.search(
        _HEADER["accession"][1], head
    )
    if accepted is None or accession is None:
        return None
    return accepted[1], accession[1]


_HEAD_BYTES = 64 * 1024  # an EDGAR header is a few kilobytes


def read_submission(path: Path) -> Submission:
    """Read and unwrap a file, refusing one over `MAX_BYTES` before reading it."""
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise FilingRefused(path.name, None, f"{size:,} bytes is over {MAX_BYTES:,}; refused")
    return unwrap(path.read_bytes(), path.name)


def _decode(data: str | bytes, document: str) -> str:
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        # Read as Latin-1, a stray byte would become a character of some name: a phantom holder.
        raise FilingRefused(
            document, None, f"not valid UTF-8 (byte {exc.start:,} is {data[exc.start]:#04x})"
        ) from None


def _header_fact(header: str, fact: str) -> str | None:
    for pattern in _HEADER[fact]:
        found = re.search(pattern, header, re.MULTILINE | re.IGNORECASE)
        if found:
            return found[1].strip() or None
    return None


def _yyyymmdd(text: str, document: str) -> date:
    match = re.fullmatch(r"(\d{4})(\d{2})(\d{2})", text)
    try:
        if match is None:
            raise ValueError
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise FilingRefused(
            document, "FILED AS OF DATE", f"{text!r} is not a date of the form YYYYMMDD"
        ) from None


def _document(block: str) -> XmlDocument | TextDocument | None:
    """A block's XML form, or its text when it is an older schedule; None for anything else
    (an exhibit, a cover letter)."""
    xml = _XML.search(block)
    body = xml or _TEXT.search(block)
    if body is None:
        return None

    def label(tag: str) -> str | None:
        found = re.search(rf"<{tag}>[ \t]*([^<\r\n]*)", block[: body.start()], re.IGNORECASE)
        return (found[1].strip() or None) if found else None

    labels = (label("TYPE"), label("SEQUENCE"), label("FILENAME"), label("DESCRIPTION"))
    if xml is not None:
        return XmlDocument(xml[1].strip(), *labels)
    kind = " ".join((labels[0] or "").upper().split())
    return TextDocument(body[1], kind, *labels[1:]) if kind in SCHEDULE_TYPES else None
