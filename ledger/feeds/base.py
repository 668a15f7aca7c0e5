"""What every feed shares: the lines it reads, where they came from, and the problems found."""

from __future__ import annotations

from collections.abc import Iterable

from owl.ledger.errors import Problem

KEEP = 1000  # problems kept in full per feed; beyond, only counted (a bad file stays small)


class Problems(list[Problem]):
    """The problems found so far: the first `KEEP` in full, the rest counted in `total`."""

    def __init__(self) -> None:
        super().__init__()
        self.total = 0

    def append(self, problem: Problem) -> None:
        self.total += 1
        if len(self) < KEEP:
            super().append(problem)

    def extend(self, problems: Iterable[Problem]) -> None:
        for problem in problems:
            self.append(problem)


class LineFeed:
    """A feed over lines of text: iterate it once for `Pending`s, then read `problems`.

    `lines_read` counts the physical lines consumed so far (for progress reports).
    """

    def __init__(self, lines: Iterable[str], origin: str | None = None) -> None:
        self.origin = origin
        self.problems = Problems()
        self.lines_read = 0
        self._lines = lines

    def close(self) -> None:
        """Release the input (e.g. an open file) when iteration stopped before its end."""
        close = getattr(self._lines, "close", None)
        if callable(close):
            close()
