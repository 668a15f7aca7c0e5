"""`owl --help` and `owl CMD --help` start without loading the ledger.

A command's module imports click and the command line's own small modules; SQLAlchemy, pydantic,
the events, the projections and matplotlib are imported when a command runs. Checked on a real
interpreter with `-X importtime`, which lists every module an invocation imports.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from owl.cli.main import cli

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("sqlalchemy", "pydantic", "psycopg", "matplotlib", "numpy", "owl.ledger.events",
         "owl.ledger.sql", "owl.ledger.feeds", "owl.projections.application.api", "holidays",
         "defusedxml")  # fmt: skip


def imported(*args: str) -> set[str]:
    """Every module `python -m owl.cli ARGS` imports."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "owl.cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    lines = [line for line in result.stderr.splitlines() if line.startswith("import time:")]
    return {line.rsplit("|", 1)[1].strip() for line in lines[1:]}


def heavy(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if any(m == h or m.startswith(h + ".") for h in HEAVY))


@pytest.mark.parametrize("args", [["--help"], ["--version"]])
def test_the_group_help_loads_nothing_heavy(args: list[str]) -> None:
    assert heavy(imported(*args)) == []


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_a_command_help_loads_nothing_heavy(name: str) -> None:
    assert heavy(imported(name, "--help")) == []


def test_the_check_sees_what_a_command_loads(tmp_path: Path) -> None:
    loaded = imported("--db", f"sqlite:///{tmp_path}/owl.db", "init")

    assert {"sqlalchemy", "pydantic", "owl.projections.application.api"} <= set(heavy(loaded))


def test_a_question_loads_no_feed_parser(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/owl.db"
    imported("--db", url, "init")

    loaded = imported("--db", url, "issuers")

    assert {"sqlalchemy", "owl.projections.application.api"} <= loaded
    assert [m for m in loaded if m.startswith(("owl.ledger.feeds", "bs4"))] == []
