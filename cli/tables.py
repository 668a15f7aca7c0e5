"""Plain-text tables for terminal output: aligned columns, two spaces apart."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from itertools import chain, islice

from owl.cli.safe import cell


def render_table(
    headers: Sequence[str], rows: Iterable[Sequence[str]], right: Iterable[int] = ()
) -> list[str]:
    """The lines of a table; columns whose index is in `right` are right-aligned (numbers)."""
    body = [[cell(c) for c in row] for row in rows]
    widths = [max([len(h), *(len(row[i]) for row in body)]) for i, h in enumerate(headers)]
    return [_line(cells, widths, set(right)) for cells in chain([headers], body)]


def stream_table(
    headers: Sequence[str],
    rows: Iterable[Sequence[str]],
    right: Iterable[int] = (),
    window: int = 1000,
) -> Iterator[str]:
    """The lines of a table, as they come: column widths are those of the first `window` rows
    (a later, wider cell widens only its own line), so a long listing's first lines appear at
    once. Up to `window` rows it is `render_table` exactly."""
    it = iter(rows)
    first = [[cell(c) for c in row] for row in islice(it, window)]
    widths = [max([len(h), *(len(row[i]) for row in first)]) for i, h in enumerate(headers)]
    flush_right = set(right)
    for cells in chain([headers], first, ([cell(c) for c in row] for row in it)):
        yield _line(cells, widths, flush_right)


def _line(cells: Sequence[str], widths: Sequence[int], flush_right: set[int]) -> str:
    parts = [
        c.rjust(widths[i]) if i in flush_right else c.ljust(widths[i]) for i, c in enumerate(cells)
    ]
    return "  ".join(parts).rstrip()
