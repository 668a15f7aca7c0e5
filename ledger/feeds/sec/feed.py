"""SEC filings as a feed: a file (or standard input) of one filing, read into events.

A file may be a bare XML form or a full EDGAR submission wrapping one or more; each XML document
is told by its root element (`<ownershipDocument>`: Forms 3/4/5; `<edgarSubmission>` of the
Schedule 13D/13G namespaces), unless a format was forced. An older Schedule 13D or 13G (plain
text or HTML) is told by its `<TYPE>` (`SC 13G`, `SC 13D/A`, ...) or, bare, by its cover, and is
read by `schedule_text` with what the submission's header says. A filing that cannot be read
(hostile, malformed, unsupported, a fractional share amount, an unknown transaction code, an
unreadable cover page item) is one problem naming the file and the element or item, and nothing
of it is appended.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import BinaryIO, Literal

from owl.ledger.errors import Problem
from owl.ledger.events import parse_event
from owl.ledger.feeds.base import Problems
from owl.ledger.feeds.sec.edgar import (
    Submission,
    TextDocument,
    XmlDocument,
    read_submission,
    unwrap,
)
from owl.ledger.feeds.sec.errors import FilingRefused
from owl.ledger.feeds.sec.form345 import OwnershipDocument, parse_ownership
from owl.ledger.feeds.sec.ownership_events import OwnershipEvents
from owl.ledger.feeds.sec.schedule13 import Schedule13Filing, parse_schedule13
from owl.ledger.feeds.sec.schedule_events import ScheduleEvents
from owl.ledger.feeds.sec.schedule_text import parse_schedule_text
from owl.ledger.feeds.sec.xmlnode import MAX_BYTES
from owl.ledger.log import Pending

Kind = Literal["form345", "sc13"]


def kind_of(document: str | XmlDocument | TextDocument) -> Kind | None:
    """Which form a document is (None: neither): an XML one by its root element; an older
    schedule's text (`edgar.unwrap` keeps only those of type SC 13D/13G) is a schedule."""
    if isinstance(document, TextDocument):
        return "sc13"
    head = (document.xml if isinstance(document, XmlDocument) else document)[:4096]
    if "<ownershipDocument" in head:
        return "form345"
    if "<edgarSubmission" in head and "schedule13" in head.lower():
        return "sc13"
    return None


class FilingFeed:
    """The events of the filing at `path` ("-": standard input); iterate once, then read
    `problems`."""

    def __init__(
        self,
        path: str,
        kind: Kind | None,
        origin: str,
        text: Iterable[str] | None = None,
        filed_on: date | None = None,
        issuer_cik: str | None = None,
        stdin: BinaryIO | None = None,
    ) -> None:
        self.path = path
        self.stdin = stdin  # standard input, spooled (`ledger.feeds.spool`)
        self.filed_on = filed_on  # given for a filing that states no date of its own
        self.issuer_cik = issuer_cik  # given for a schedule that names no issuer CIK
        self.text = text  # standard input already begun (its first line told the format)
        self.kind = kind
        self.origin = origin
        self.problems = Problems()
        self.lines_read = 0

    def close(self) -> None:
        return None

    def __iter__(self) -> Iterator[Pending]:
        try:
            raw_events = list(self._raw())
        except FilingRefused as exc:
            found = exc.problem
            named = found.document not in (Path(self.path).name, "<stdin>")
            document = f"{found.document}: " if named else ""  # a document inside a submission
            where = f"<{found.where}>: " if found.where else ""
            reason = f"{document}{where}{found.reason}"
            self.problems.append(Problem(None, None, reason, self.origin))
            return
        for number, raw in enumerate(raw_events, 1):
            also = raw.pop("aliases", None)
            aliases = tuple(str(a) for a in also) if isinstance(also, list) else ()
            parsed = parse_event(raw, None, self.origin)
            if isinstance(parsed, list):
                filing = raw.get("filing")
                row = filing.get("row") if isinstance(filing, dict) else None
                for problem in parsed:
                    where = str(row or raw.get("event_id"))
                    self.problems.append(
                        Problem(None, problem.field, f"{where}: {problem.reason}", self.origin)
                    )
                continue
            self.lines_read = number
            yield Pending(parsed, None, self.origin, None, aliases)

    def _raw(self) -> Iterator[dict[str, object]]:
        name = "<stdin>" if self.path == "-" else Path(self.path).name
        if self.text is not None:
            submission = unwrap(_bounded_join(self.text, name), name)
        elif self.path == "-":
            # Bounded before it is read whole: one byte over the limit is enough to refuse.
            source = self.stdin or sys.stdin.buffer
            submission = unwrap(source.read(MAX_BYTES + 1), name)
        else:
            submission = read_submission(Path(self.path))
        if not submission.documents:
            raise FilingRefused(
                name, None, "no XML form and no Schedule 13D or 13G text in this submission"
            )
        filed = submission.filing_date or self.filed_on
        if self.filed_on is not None and submission.filing_date not in (None, self.filed_on):
            raise FilingRefused(
                name,
                "FILED AS OF DATE",
                f"the submission was filed on {submission.filing_date}, not on {self.filed_on} "
                "as --filed-on says",
            )
        forms = [d for d in submission.documents if kind_of(d) is not None]
        found = 0
        for document in submission.documents:
            kind = kind_of(document)
            if kind is None:
                continue  # an exhibit or another attachment
            if self.kind is not None and kind != self.kind:
                raise FilingRefused(
                    name, None, f"this is a {_WORDS[kind]}, not a {_WORDS[self.kind]}"
                )
            found += 1
            part = document.sequence or str(found) if len(forms) > 1 else None
            yield from self._document(document, kind, name, submission, filed, part)
        if not found:
            raise FilingRefused(
                name, None, "no Form 3, 4 or 5 and no Schedule 13D or 13G in this file"
            )

    def _document(
        self,
        document: XmlDocument | TextDocument,
        kind: Kind,
        name: str,
        submission: Submission,
        filed: date | None,
        part: str | None,
    ) -> Iterator[dict[str, object]]:
        accession = submission.accession_number
        parsed: OwnershipDocument | Schedule13Filing
        if isinstance(document, TextDocument):
            parsed = schedule_of(document, name, submission, filed, self.issuer_cik)
        elif kind == "form345":
            parsed = parse_ownership(document.xml, name)
        else:
            parsed = parse_schedule13(document.xml, name)
        xml = document.xml if isinstance(document, XmlDocument) else None
        key, aliases = filing_keys(parsed, xml, accession, part)
        if isinstance(parsed, OwnershipDocument):
            yield from OwnershipEvents(parsed, accession, filed, name, key, aliases).events()
        else:
            yield from ScheduleEvents(parsed, accession, filed, name, key, aliases).events()


def filing_keys(
    parsed: OwnershipDocument | Schedule13Filing,
    xml: str | None,
    accession: str | None,
    part: str | None,
) -> tuple[str, tuple[str, ...]]:
    """The key a filing's event ids start with, and the other keys it is known by.

    The key is the accession number (with the document's sequence when a submission holds more
    than one form, so each has its own ids); a bare XML file has none, so it is named by a
    digest of its parsed values (`sec-...`), which whitespace, encoding or a wrapper do not
    change. Every filing is also known by that digest, so a filing imported bare and again
    inside its EDGAR wrapper (or the reverse) is one filing; a bare file is also known by the
    digest of its bytes that owl gave it before (`doc-...`), so ledgers written then keep
    finding it present. An older text schedule (`xml` None) was never read by an earlier owl, so
    it has no byte digest to be known by."""
    content = "sec-" + hashlib.sha256(repr(replace(parsed, document="")).encode()).hexdigest()[:24]
    if accession is not None:
        return (f"{accession}:{part}" if part else accession), (content,)
    if xml is None:
        return content, ()
    legacy = "doc-" + hashlib.sha256(xml.encode()).hexdigest()[:24]
    return content, (legacy,)


def schedule_of(
    document: TextDocument,
    name: str,
    submission: Submission,
    filed: date | None,
    issuer_cik: str | None = None,
) -> Schedule13Filing:
    """An older schedule, read with what its submission's header says (if it has one), else
    with the issuer's CIK the importer was given (`owl ingest --issuer-cik`)."""
    subject = submission.subject
    issuer = (subject.cik, subject.name) if subject is not None else (None, None)
    if issuer_cik is not None:
        if not issuer_cik.strip().isdigit():
            raise FilingRefused(name, None, f"--issuer-cik {issuer_cik!r} is not a CIK (digits)")
        given = f"{int(issuer_cik):010d}"
        if issuer[0] and f"{int(issuer[0]):010d}" != given:
            raise FilingRefused(
                name,
                "SUBJECT COMPANY",
                f"the submission's issuer is CIK {issuer[0]}, not {issuer_cik} as --issuer-cik "
                "says",
            )
        issuer = (issuer[0] or given, issuer[1])
    return parse_schedule_text(
        document.text,
        name,
        form_type=document.type or submission.form_type,
        filed_on=filed,
        accepted_at=submission.accepted_at,
        issuer=issuer,
        filers=tuple((c.cik, c.name) for c in submission.filers),
    )


def _bounded_join(lines: Iterable[str], name: str) -> str:
    """Standard input already begun, read on only while it stays within `MAX_BYTES`."""
    kept: list[str] = []
    size = 0
    for line in lines:
        size += len(line)
        if size > MAX_BYTES:
            raise FilingRefused(name, None, f"larger than {MAX_BYTES:,} bytes; refused unread")
        kept.append(line)
    return "".join(kept)


_WORDS = {"form345": "Form 3, 4 or 5", "sc13": "Schedule 13D or 13G"}
