"""Help is documentation: every command has it, with an example, and docs/commands.md is it."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from owl.cli.docgen import reference, sections
from owl.cli.main import cli

ROOT = Path(__file__).resolve().parent.parent


def every_command() -> list[tuple[str, str]]:
    root = click.Context(cli, info_name="owl", terminal_width=100)
    return list(sections(cli, root))


@pytest.mark.parametrize(("path", "text"), every_command(), ids=lambda v: v.split("\n")[0])
def test_every_command_has_help_with_an_example(path: str, text: str) -> None:
    lines = [line.strip() for line in text.splitlines()]

    assert any(line.startswith(("Example:", "Examples:")) for line in lines), path


def test_every_command_says_what_it_does_in_one_line() -> None:
    for name, command in cli.commands.items():
        assert command.get_short_help_str().strip(), name


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_prints_its_help(name: str) -> None:
    result = CliRunner().invoke(cli, [name, "--help"])

    assert result.exit_code == 0
    assert result.stdout.startswith(f"Usage: owl {name} [OPTIONS]")


def test_the_committed_command_reference_is_the_current_help() -> None:
    committed = (ROOT / "docs" / "commands.md").read_text()

    assert committed == reference(), "docs/commands.md is stale: run `make docs` and commit it"


def test_python_dash_m_cli_prints_the_version() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "owl.cli", "--version"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )

    assert (result.returncode, result.stdout) == (0, f"owl, version {version('owl-ledger')}\n")


def test_an_unknown_command_is_a_usage_error() -> None:
    result = CliRunner().invoke(cli, ["frobnicate"])

    assert result.exit_code == 2
    assert "No such command 'frobnicate'" in result.stderr
