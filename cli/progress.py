"""Progress bars for the long commands (ingest, rebuild, verify): on stderr, only when it is a
terminal and the work is big enough to be worth watching; otherwise silent."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import click

PROGRESS_ABOVE = 5_000  # events (or lines of input) before a progress bar is worth showing


def progress_bar(total: int, label: str) -> Any:
    """A context manager whose `update(n)` says n more of `total` are done."""
    if not sys.stderr.isatty() or total <= PROGRESS_ABOVE:
        return NoProgress()
    return click.progressbar(length=total, label=label, file=sys.stderr, update_min_steps=1_000)


class NoProgress:
    def __enter__(self) -> NoProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    update: Callable[[int], None] = staticmethod(lambda steps: None)
