"""Plain-text tables for terminal output: aligned columns, two spaces apart."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from owl.cli.safe import cell


def render_table(
    headers: Sequence[str], rows: Iterable[Sequence[str]], right: Iterable[int] = ()
) -> list[str]:
    """The lines of a table; columns whose index is in `right` are right-aligned (numbers)."""
    body = [[cell(c) for c in row] for row in rows]
    widths = [max([len(h), *(len(row[i]) for row in body)]) for i, h in enumerate(headers)]
    flush_right = set(right)

    def line(cells: Sequence[str]) -> str:
        parts = [
            cell.rjust(widths[i]) if i in flush_right else cell.ljust(widths[i])
            for i, cell in enumerate(cells)
        ]
        return "  ".join(parts).rstrip()

    return [line(headers)] + [line(row) for row in body]
