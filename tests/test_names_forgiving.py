"""A holder's name is found whatever its case and spacing, and a name the ledger does not know
is an error, never an empty answer read as a clean one (`owl log --holder`, `owl reconcile
--holder`)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from owl.cli.main import cli

DEMO = Path(__file__).resolve().parent.parent / "data" / "innotrac" / "events.jsonl"


@pytest.fixture
def demo(sqlite_url: str) -> str:
    run(sqlite_url, "init")
    run(sqlite_url, "ingest", str(DEMO))
    return sqlite_url


def run(db: str, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--db", db, *args])


@pytest.mark.parametrize("issuer", [[], ["--issuer", "INOC"]])
def test_the_log_finds_a_holder_whatever_its_case_and_spacing(demo: str, issuer: list) -> None:
    exact = run(demo, "log", *issuer, "--holder", "IPOF Fund", "--format", "csv")
    loose = run(demo, "log", *issuer, "--holder", " ipof  FUND ", "--format", "csv")

    assert loose.exit_code == 0, loose.output
    assert loose.output == exact.output
    assert len(loose.output.splitlines()) > 1


@pytest.mark.parametrize(
    "command", [["log", "--issuer", "INOC"], ["reconcile", "--issuer", "INOC"]]
)
def test_a_holder_the_issuer_does_not_know_is_an_error(demo: str, command: list) -> None:
    result = run(demo, *command, "--holder", "nobody")

    assert result.exit_code == 1
    assert "no person or group named 'nobody' in INOC" in result.stderr
