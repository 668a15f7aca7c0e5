"""Safe XML for SEC filings, and a small reader that names the element behind every error.

A filing is untrusted input, so XML is parsed only through `defusedxml`, with DTDs refused
outright: EDGAR's XML forms never declare one, and a DTD is where entity expansion (the "billion
laughs") and external references (a local file, a URL) hide. Input over `MAX_BYTES` is refused
before parsing, and while it is parsed a document nesting elements past `MAX_DEPTH` or holding
more than `MAX_ELEMENTS` is refused as soon as it does (memory stays bounded whatever the
input). Namespaces are dropped after parsing (the schedule forms mix a default namespace,
a `com:` prefix and per-element `xmlns` declarations for the same elements), so paths are written
with local names only; the root's namespace is kept on the `Node` for the callers that check it.

A `Node` is an element plus the document's name and the element's path; its readers (`text`,
`decimal`, `iso_date`, `flag`) return None for an absent or empty element and raise
`FilingRefused` naming the document and the path for a value that is present but unreadable.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from xml.etree.ElementTree import Element

import defusedxml  # type: ignore[import-untyped, unused-ignore]
import defusedxml.ElementTree as safe_tree  # type: ignore[import-untyped, unused-ignore]

from owl.ledger.dates import missing_day
from owl.ledger.feeds.sec.errors import FilingRefused

MAX_BYTES = 50 * 1024 * 1024
MAX_DEPTH = 64  # elements nested in one another; real forms nest under 10
MAX_ELEMENTS = 250_000  # elements in one document; a large real Form 4 has a few thousand
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:Z|[+-]\d{2}:\d{2})?")
_TRUE = {"1", "true", "y", "yes"}
_FALSE = {"0", "false", "n", "no"}


@dataclass(frozen=True)
class Node:
    """An element of a parsed filing, with the document's name and its path for messages."""

    element: Element
    document: str
    path: str
    namespace: str = ""

    def refuse(self, reason: str, path: str = "") -> FilingRefused:
        return FilingRefused(self.document, self._join(path), reason)

    def find(self, path: str) -> Node | None:
        found = self.element.find(path)
        return None if found is None else Node(found, self.document, self._join(path))

    def require(self, path: str) -> Node:
        node = self.find(path)
        if node is None:
            raise self.refuse("missing element", path)
        return node

    def all(self, path: str) -> tuple[Node, ...]:
        """Every element at `path`, each with its 1-based position in its path: `name[2]`."""
        return tuple(
            Node(element, self.document, f"{self._join(path)}[{n}]")
            for n, element in enumerate(self.element.findall(path), start=1)
        )

    def children(self) -> tuple[Node, ...]:
        """The child elements in document order, each path `name[n]` as in XPath."""
        seen: dict[str, int] = {}
        nodes = []
        for element in self.element:
            seen[element.tag] = seen.get(element.tag, 0) + 1
            path = self._join(f"{element.tag}[{seen[element.tag]}]")
            nodes.append(Node(element, self.document, path))
        return tuple(nodes)

    def text(self, path: str = "") -> str | None:
        """The element's stripped text, or None when it is absent or empty."""
        element = self.element.find(path) if path else self.element
        if element is None:
            return None
        text = "".join(element.itertext()).strip()
        return text or None

    def required_text(self, path: str) -> str:
        text = self.text(path)
        if text is None:
            raise self.refuse("missing or empty", path)
        return text

    def texts(self, path: str) -> tuple[str, ...]:
        return tuple(t for node in self.all(path) if (t := node.text()) is not None)

    def decimal(self, path: str = "") -> Decimal | None:
        text = self.text(path)
        if text is None:
            return None
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise self.refuse(f"{text!r} is not a number", path) from None
        if not number.is_finite():
            raise self.refuse(f"{text!r} is not a finite number", path)
        return number

    def amount(self, path: str = "") -> Decimal | None:
        """A number of shares or a price: a finite number, never below zero."""
        number = self.decimal(path)
        if number is not None and number < 0:
            shown = self.text(path)
            raise self.refuse(f"{shown!r} is negative; an amount is never below zero", path)
        return number

    def acquired_or_disposed(self, path: str = "") -> str | None:
        """A transaction's direction: `A` (acquired) or `D` (disposed), nothing else."""
        text = self.text(path)
        if text is None:
            return None
        if text.upper() not in ("A", "D"):
            raise self.refuse(f"{text!r} is neither A (acquired) nor D (disposed)", path)
        return text.upper()

    def iso_date(self, path: str = "") -> date | None:
        """A `YYYY-MM-DD` date (an XML Schema date may carry a zone, which is dropped)."""
        text = self.text(path)
        if text is None:
            return None
        match = _ISO_DATE.fullmatch(text)
        if match is None:
            raise self.refuse(f"{text!r} is not a date of the form YYYY-MM-DD", path)
        return self._date(int(match[1]), int(match[2]), int(match[3]), text, path)

    def us_date(self, path: str = "") -> date | None:
        """An `MM/DD/YYYY` date, the form the 2024 Schedule 13D/13G XML uses."""
        text = self.text(path)
        if text is None:
            return None
        match = re.fullmatch(r"(\d{2})/(\d{2})/(\d{4})", text)
        if match is None:
            raise self.refuse(f"{text!r} is not a date of the form MM/DD/YYYY", path)
        return self._date(int(match[3]), int(match[1]), int(match[2]), text, path)

    def flag(self, path: str = "") -> bool | None:
        """A boolean written `1`/`0`, `true`/`false` or `Y`/`N`; None when absent or empty."""
        text = self.text(path)
        if text is None:
            return None
        if text.lower() in _TRUE:
            return True
        if text.lower() in _FALSE:
            return False
        raise self.refuse(f"{text!r} is not a yes/no flag (1/0, true/false, Y/N)", path)

    def _date(self, year: int, month: int, day: int, text: str, path: str) -> date:
        why = missing_day(year, month, day)
        if why is not None:
            raise self.refuse(f"{text!r} does not exist: {why}", path)
        return date(year, month, day)

    def _join(self, path: str) -> str:
        if not path:
            return self.path
        return f"{self.path}/{path}" if self.path else path


def parse_xml(data: str | bytes, document: str, roots: frozenset[str]) -> Node:
    """Parse one XML document safely; its root element's local name must be one of `roots`."""
    if len(data) > MAX_BYTES:
        raise FilingRefused(document, None, f"larger than {MAX_BYTES:,} bytes; refused unread")
    # Some EDGAR documents open with a blank line before `<?xml ...?>`, which XML forbids.
    data = data.lstrip("\ufeff \t\r\n") if isinstance(data, str) else data.lstrip()
    try:
        root = _bounded_parse(data, document)
    except defusedxml.DTDForbidden as exc:
        raise FilingRefused(document, None, _hostile("a DTD", exc.name)) from None
    except defusedxml.EntitiesForbidden as exc:
        raise FilingRefused(document, None, _hostile("an entity", exc.name)) from None
    except defusedxml.ExternalReferenceForbidden as exc:
        raise FilingRefused(document, None, _hostile("an external reference", exc.sysid)) from None
    except defusedxml.DefusedXmlException as exc:
        raise FilingRefused(document, None, f"refused as unsafe XML: {exc}") from None
    except safe_tree.ParseError as exc:
        raise FilingRefused(document, None, f"malformed XML: {exc}") from None
    namespace, _, name = root.tag.rpartition("}")
    if name not in roots:
        expected = " or ".join(f"<{r}>" for r in sorted(roots))
        raise FilingRefused(document, name, f"unsupported root element; expected {expected}")
    for element in root.iter():
        element.tag = element.tag.rpartition("}")[2]
    return Node(root, document, name, namespace.removeprefix("{"))


def _bounded_parse(data: str | bytes, document: str) -> Element:
    """Parse, counting elements and depth as they come: a document past `MAX_DEPTH` or
    `MAX_ELEMENTS` is refused before it can take the memory its tree would."""
    depth = elements = 0
    root: Element | None = None
    source = io.StringIO(data) if isinstance(data, str) else io.BytesIO(data)
    events = safe_tree.iterparse(source, events=("start", "end"), forbid_dtd=True)
    for event, element in events:
        if event == "end":
            depth -= 1
            continue
        if root is None:
            root = element
        depth += 1
        elements += 1
        if depth > MAX_DEPTH:
            raise FilingRefused(
                document, None, f"elements nested more than {MAX_DEPTH} deep; refused"
            )
        if elements > MAX_ELEMENTS:
            raise FilingRefused(document, None, f"more than {MAX_ELEMENTS:,} elements; refused")
    if root is None:
        raise safe_tree.ParseError("no element found")
    return root


def _hostile(what: str, name: str | None) -> str:
    named = f" ({name})" if name else ""
    return (
        f"refused: it declares {what}{named}; SEC XML never does, and DTDs, entities and "
        "external references are never expanded"
    )
