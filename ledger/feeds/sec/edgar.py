"""Unwrapping a full EDGAR submission: its header facts and the XML documents inside it.

EDGAR serves a filing as one SGML-like text: a header, then one `<DOCUMENT>` block per file
(`<TYPE>`, `<SEQUENCE>`, `<FILENAME>`, `<DESCRIPTION>`, `<TEXT>`), where an XML form sits
between `<XML>` and `</XML>`. Two header dialects occur:

- the public `.txt`: `<SEC-DOCUMENT>`, `<SEC-HEADER>`, and lines like `ACCESSION NUMBER: ...`,
  `CONFORMED SUBMISSION TYPE: 4`, `FILED AS OF DATE: 20250110`;
- the dissemination `.nc`: `<SUBMISSION>` with tags `<ACCESSION-NUMBER>`, `<TYPE>` and
  `<FILING-DATE>`, often with no line breaks at all.

The accession number identifies the filing across EDGAR, so a wrapper without one is refused. A
bare XML file (a Form 4's `form4.xml`, a schedule's `primary_doc.xml`) is one document with no
header facts. Nothing here parses the XML itself; `form345` and `schedule13` do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from owl.ledger.feeds.sec.errors import FilingRefused
from owl.ledger.feeds.sec.xmlnode import MAX_BYTES

_ACCESSION = re.compile(r"\d{10}-\d{2}-\d{6}")
_BLOCK = re.compile(r"<DOCUMENT>(.*?)</DOCUMENT>", re.DOTALL | re.IGNORECASE)
_XML = re.compile(r"<XML>(.*?)</XML>", re.DOTALL | re.IGNORECASE)
_BARE_XML = ("<?xml", "<ownershipDocument", "<edgarSubmission")
_WRAPPERS = ("<SEC-DOCUMENT>", "<SUBMISSION>", "<SEC-HEADER>", "<IMS-DOCUMENT>")
# Each header fact in the .txt dialect ("KEY:<tabs>value" on its own line), then the .nc one.
_HEADER = {
    "accession": (r"^ACCESSION NUMBER:[ \t]*(\S+)", r"<ACCESSION-NUMBER>[ \t]*([^<\s]+)"),
    "form": (r"^CONFORMED SUBMISSION TYPE:[ \t]*([^\r\n]+)", r"<TYPE>[ \t]*([^<\r\n]+)"),
    "filed": (r"^FILED AS OF DATE:[ \t]*(\S+)", r"<FILING-DATE>[ \t]*([^<\s]+)"),
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
class Submission:
    """A filing's header facts (None for a bare XML file) and its XML documents, in order."""

    document: str
    accession_number: str | None
    form_type: str | None
    filing_date: date | None
    documents: tuple[XmlDocument, ...]


def unwrap(data: str | bytes, document: str) -> Submission:
    """The header facts and XML documents of an EDGAR submission (or of one bare XML file)."""
    if len(data) > MAX_BYTES:
        raise FilingRefused(document, None, f"larger than {MAX_BYTES:,} bytes; refused unread")
    text = _decode(data, document).lstrip("\ufeff")
    start = text.lstrip()
    if start.startswith(_BARE_XML):
        return Submission(document, None, None, None, (XmlDocument(start),))
    if not any(tag in text[:8192].upper() for tag in _WRAPPERS):
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
    return Submission(
        document=document,
        accession_number=accession,
        form_type=_header_fact(header, "form"),
        filing_date=None if filed is None else _yyyymmdd(filed, document),
        documents=tuple(
            doc for block in _BLOCK.findall(text) if (doc := _xml_document(block)) is not None
        ),
    )


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


def _xml_document(block: str) -> XmlDocument | None:
    xml = _XML.search(block)
    if xml is None:
        return None

    def label(tag: str) -> str | None:
        found = re.search(rf"<{tag}>[ \t]*([^<\r\n]*)", block[: xml.start()], re.IGNORECASE)
        return (found[1].strip() or None) if found else None

    return XmlDocument(
        xml=xml[1].strip(),
        type=label("TYPE"),
        sequence=label("SEQUENCE"),
        filename=label("FILENAME"),
        description=label("DESCRIPTION"),
    )
