"""One command line: the same format names, help, --db, errors and pipes in every command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from owl.cli.common import FORMAT_WORDS
from owl.cli.main import cli
from owl.ledger.log import Pending
from owl.projections.application.api import Ledger
from tests.builders import at, ev, innotrac_events

ROOT = Path(__file__).resolve().parent.parent
EVENTS = str(ROOT / "data" / "innotrac" / "events.jsonl")
RECORDED = "2026-11-29T00:00:00Z"
# Commands that write a file or change the ledger and print one line about it (follow: a line per
# batch, as text or JSON by --log-format); every other command prints an answer and takes
# --format (ingest's --format names its input).
NO_OUTPUT_FORMAT = {"init", "ingest", "follow", "rebuild", "chart", "report", "serve"}
# A valid invocation of every command that takes --issuer, with ISSUER to fill in.
WITH_ISSUER = {
    "ownership": ["--as-of", "2003-11-24"],
    "status": ["--as-of", "2003-11-24"],
    "timeline": [],
    "explain": ["--person", "IPOF Fund", "--as-of", "2003-11-24"],
    "reconcile": [],
    "log": [],
    "holders": [],
    "chart": ["-o", "{tmp}/c.svg"],
    "report": ["--as-of", "2003-11-24", "-o", "{tmp}/r.html"],
}


def owl(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


@pytest.fixture
def inoc(sqlite_url: str) -> str:
    owl("--db", sqlite_url, "init")
    owl("--db", sqlite_url, "ingest", EVENTS, "--recorded-at", RECORDED)
    return sqlite_url


def format_choices(name: str) -> list[str] | None:
    option = next((p for p in cli.commands[name].params if p.name == "fmt"), None)
    if option is None:
        return None
    assert isinstance(option.type, click.Choice)
    return [str(c) for c in option.type.choices]


def test_every_command_with_an_answer_offers_formats_from_the_one_vocabulary() -> None:
    offered = {name: format_choices(name) for name in cli.commands if name not in NO_OUTPUT_FORMAT}

    assert all(choices and choices[0] == "table" for choices in offered.values()), offered
    assert all(set(choices or []) <= set(FORMAT_WORDS) for choices in offered.values()), offered
    assert offered["log"] == ["table", "jsonl", "csv"]
    assert {name for name, choices in offered.items() if "json" in (choices or [])} == (
        set(offered) - {"log"}
    )


def test_every_table_of_rows_is_offered_as_csv() -> None:
    tables = {"ownership", "timeline", "reconcile", "log", "issuers", "holders"}

    assert {name for name in tables if "csv" in (format_choices(name) or [])} == tables


@pytest.mark.parametrize("name", [None, *sorted(cli.commands)])
def test_dash_h_is_help(name: str | None) -> None:
    args = [name] if name else []

    short = owl(*args, "-h")
    long = owl(*args, "--help")

    assert short.exit_code == 0
    assert short.stdout == long.stdout
    assert "-h, --help" in short.stdout


def test_db_after_the_command_names_the_ledger(inoc: str) -> None:
    result = owl("status", "--issuer", "INOC", "--as-of", "2003-11-24", "--db", inoc)

    assert result.exit_code == 0, result.output
    assert "IPOF Group" in result.stdout


def test_db_after_the_command_wins_over_the_environment(inoc: str, tmp_path: Path) -> None:
    missing = f"sqlite:///{tmp_path}/nowhere.db"

    result = CliRunner().invoke(
        cli, ["verify", "--db", inoc], env={"OWL_DB": missing}, catch_exceptions=False
    )

    assert result.exit_code == 0
    assert result.stdout.startswith("ok: 10 events")


def test_two_different_dbs_before_and_after_the_command_are_refused(inoc: str) -> None:
    result = owl("--db", inoc, "verify", "--db", "sqlite:///other.db")

    assert result.exit_code == 2
    assert "--db is given twice, before the command" in result.stderr


@pytest.mark.parametrize("name", sorted(WITH_ISSUER))
def test_every_command_refuses_an_unknown_issuer_naming_the_known_ones(
    inoc: str, tmp_path: Path, name: str
) -> None:
    rest = [arg.format(tmp=tmp_path) for arg in WITH_ISSUER[name]]

    result = owl("--db", inoc, name, "--issuer", "NOPE", *rest)

    assert result.exit_code == 1, result.output
    assert result.stderr == "Error: no events for issuer 'NOPE' (issuers in the ledger: INOC)\n"


def test_explain_still_takes_text_as_the_old_name_of_table(inoc: str) -> None:
    args = ["--db", inoc, "explain", "--issuer", "INOC", "--person", "IPOF Fund"]

    text = owl(*args, "--as-of", "2003-11-24", "--format", "text")
    table = owl(*args, "--as-of", "2003-11-24")

    assert text.exit_code == 0
    assert text.stdout == table.stdout


def test_json_asked_of_the_log_points_to_jsonl(inoc: str) -> None:
    result = owl("--db", inoc, "log", "--format", "json")

    assert result.exit_code == 2
    assert "'json': the log is a stream: use jsonl (one JSON object per line)" in result.stderr


def test_verify_in_json_gives_the_digest(inoc: str) -> None:
    result = owl("--db", inoc, "verify", "--format", "json")

    body = json.loads(result.stdout)
    assert (body["ok"], body["events"], body["digest"]) == (
        True,
        10,
        "10:2fb6e72db7cce2a992c3c8ba8ea07b7afd200f3996ae2a5ae92b3e4d691fc902",
    )


def test_verify_in_json_of_a_lost_digest_prints_the_result_and_exits_1(inoc: str) -> None:
    lost = f"11:{'0' * 64}"

    result = owl("--db", inoc, "verify", "--format", "json", "--expect", lost)

    assert result.exit_code == 1
    assert json.loads(result.stdout)["ok"] is False
    assert json.loads(result.stdout)["expected"] == lost
    assert result.stderr.startswith("Error: ")


def test_timeline_as_csv_has_a_row_per_change_with_its_event(inoc: str) -> None:
    result = owl("--db", inoc, "timeline", "--issuer", "INOC", "--format", "csv")

    lines = result.stdout.splitlines()
    assert lines[0] == "date,group,kind,change,from,to,seq,event_id,source"
    assert lines[1].startswith(
        '1997-12-31,,plan,"rights plan adopted: Acquiring Person at or above 15%'
    )
    assert ",1,inoc-rights-agreement," in lines[1]
    assert any(line.startswith("2003-08-14,IPOF Group,status,below -> exempt,below,exempt,")
               for line in lines)  # fmt: skip


# --- a reader that goes away ---------------------------------------------------------------------


@pytest.fixture
def long_log(sqlite_url: str) -> str:
    """A ledger whose log table is far longer than a pipe's buffer (64 KiB)."""
    ledger = Ledger(sqlite_url)
    ledger.init()
    trades = [
        ev("SharesPurchased", "2003-01-02", holder=f"Holder {n}", shares=1) for n in range(3000)
    ]
    ledger.append([Pending(e) for e in [*innotrac_events(), *trades]], at("2026-11-29T00:00"))
    ledger.close()
    return sqlite_url


@pytest.mark.parametrize("fmt", ["table", "jsonl", "csv"])
def test_a_closed_pipe_is_not_an_error(long_log: str, fmt: str) -> None:
    environment = {**os.environ, "OWL_DB": long_log}
    owl_log = subprocess.Popen(
        [sys.executable, "-m", "owl.cli", "log", "--format", fmt],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert owl_log.stdout is not None and owl_log.stderr is not None

    first = owl_log.stdout.readline()  # as `head -1` does, then it goes away
    owl_log.stdout.close()
    code = owl_log.wait(timeout=60)

    assert first
    assert (code, owl_log.stderr.read()) == (0, b"")
