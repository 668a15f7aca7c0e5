"""SEC filings as plain records: a pure parser layer that knows nothing of owl's events.

- `edgar.unwrap` opens a full EDGAR submission (`.txt`/`.nc`): accession number, form type,
  filing date, and the XML documents inside (a bare XML file is one document with no header),
  or an older schedule's text.
- `form345.parse_ownership` reads Forms 3, 4 and 5 (`<ownershipDocument>`).
- `schedule13.parse_schedule13` reads Schedules 13D and 13G (`<edgarSubmission>`, 2024 XML).
- `schedule_text.parse_schedule_text` reads the older text and HTML Schedules 13D and 13G into
  the same record (`plaintext` makes the text, `cover_pages` finds the items, `cover_values`
  reads them).

Every refusal is a `FilingRefused` naming the document and the element (or the cover page
item). XML is parsed only through defusedxml, with DTDs (and so entity expansion and external
references) refused and documents over 50 MB refused unread; HTML only through BeautifulSoup,
bounded in tags and depth. Mapping these records to ledger events happens elsewhere.
"""

from owl.ledger.feeds.sec.edgar import (
    Submission,
    TextDocument,
    XmlDocument,
    read_submission,
    unwrap,
)
from owl.ledger.feeds.sec.errors import FilingRefused, FractionalShares, SecProblem
from owl.ledger.feeds.sec.form345 import OwnershipDocument, filed_shares, parse_ownership
from owl.ledger.feeds.sec.schedule13 import Schedule13Filing, parse_schedule13
from owl.ledger.feeds.sec.schedule_text import parse_schedule_text

__all__ = [
    "FilingRefused",
    "FractionalShares",
    "OwnershipDocument",
    "Schedule13Filing",
    "SecProblem",
    "Submission",
    "TextDocument",
    "XmlDocument",
    "filed_shares",
    "parse_ownership",
    "parse_schedule13",
    "parse_schedule_text",
    "read_submission",
    "unwrap",
]
