"""Output that cannot lie: what owl prints never carries a character that would act on the
terminal instead of showing.

Names are refused at ingest when they hold control or bidirectional-formatting characters, but a
ledger written by an older owl, a name typed on the command line, or a file name in an error
message may still hold one: an ESC starts a sequence that clears the screen or retitles the
window, a newline inside a table cell forges a row, U+202E shows text backwards. Every such
character is written as its `\\uXXXX` escape instead: visible in text, and in JSON the same
character (`\\u202e` is how JSON writes U+202E), so JSON output stays exact.
"""

from __future__ import annotations

import re

# C0 controls but tab and newline, DEL and the C1 controls, the bidirectional marks, embeddings,
# overrides and isolates, the line and paragraph separators.
_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)
_UNSAFE_IN_CELL = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)


def _escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def printable(text: str) -> str:
    """`text` with every character that would act on a terminal escaped (newlines and tabs
    kept: they separate lines and columns)."""
    return _UNSAFE.sub(_escape, text)


def cell(text: str) -> str:
    """One table cell or one-line field: newlines and tabs escaped too (they would forge rows)."""
    return _UNSAFE_IN_CELL.sub(_escape, text)
