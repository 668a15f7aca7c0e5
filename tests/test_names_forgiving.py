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


def test_a_format_is_taken_whatever_its_case(demo: str) -> None:
    upper = run(demo, "status", "--issuer", "INOC", "--as-of", "2003-11-24", "--format", "JSON")
    lower = run(demo, "status", "--issuer", "INOC", "--as-of", "2003-11-24", "--format", "json")

    assert upper.exit_code == 0, upper.output
    assert upper.output == lower.output


def test_a_bad_url_from_owl_db_says_where_it_came_from() -> None:
    from_env = CliRunner(env={"OWL_DB": "bogus"}).invoke(cli, ["issuers"])
    given = CliRunner(env={"OWL_DB": "bogus"}).invoke(cli, ["--db", "nonsense", "issuers"])

    assert from_env.exit_code == 1
    assert "(the URL came from the environment variable OWL_DB)" in from_env.stderr
    assert "OWL_DB" not in given.stderr  # --db wins, and is named as given
