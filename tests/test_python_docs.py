"""docs/python.md runs as written: every example, with the output it shows.

The examples are doctests in ```pycon blocks, run in order in one namespace from a folder that
looks like the repository's (data/innotrac/events.jsonl, no owl.db yet). They record at fixed
instants (the day after the 8-A/A, as `make demo` does), so their output is the same on every
machine. The DataFrame examples need pandas (the `dev` extra installs it, so CI runs them);
without it they are skipped, saying so, and the rest still run.
"""

from __future__ import annotations

import doctest
import importlib.util
import re
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "python.md"
BLOCK = re.compile(r"```pycon\n(.*?)```", re.S)
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def blocks() -> list[tuple[int, str]]:
    """(line, text) of each pycon block of the document."""
    text = DOC.read_text()
    return [(text[: m.start(1)].count("\n") + 1, m[1]) for m in BLOCK.finditer(text)]


def needs_pandas(block: str) -> bool:
    return "frame(" in block


def run(selected: list[tuple[int, str]], folder: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run the blocks as one session; the failures doctest reports ("" when none)."""
    (folder / "data" / "innotrac").mkdir(parents=True)
    shutil.copy(ROOT / "data" / "innotrac" / "events.jsonl", folder / "data" / "innotrac")
    monkeypatch.chdir(folder)
    parser, globs = doctest.DocTestParser(), {"__name__": "python_md"}
    report: list[str] = []
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    for line, block in selected:
        test = parser.get_doctest(block, globs, f"docs/python.md:{line}", str(DOC), line)
        runner.run(test, out=report.append, clear_globs=False)
        globs.update(test.globs)  # a DocTest runs in a copy: carry its names to the next
    return "".join(report)


def test_the_python_examples_run_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    selected = [b for b in blocks() if not needs_pandas(b[1])]

    failures = run(selected, tmp_path, monkeypatch)

    assert len(selected) >= 8
    assert not failures, failures


@pytest.mark.skipif(
    importlib.util.find_spec("pandas") is None,
    reason="pandas is not installed (pip install -e '.[dev]' installs it)",
)
def test_the_dataframe_examples_run_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    selected = blocks()

    failures = run(selected, tmp_path, monkeypatch)

    assert any(needs_pandas(block) for _, block in selected)
    assert not failures, failures
