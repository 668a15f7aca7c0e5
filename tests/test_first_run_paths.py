"""First-run paths a new user takes: a plain path for --db (or OWL_DB) is a SQLite file, and an
output into a folder that does not exist is refused with the folder named, not a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from owl.cli.main import cli

ROOT = Path(__file__).resolve().parent.parent
EVENTS = str(ROOT / "data" / "innotrac" / "events.jsonl")


@pytest.fixture
def made(tmp_path: Path) -> Path:
    path = tmp_path / "ledger.db"
    runner = CliRunner()
    assert runner.invoke(cli, ["--db", f"sqlite:///{path}", "init"]).exit_code == 0
    assert runner.invoke(cli, ["--db", f"sqlite:///{path}", "ingest", EVENTS]).exit_code == 0
    return path


def test_a_plain_path_is_a_sqlite_file_before_or_after_the_command_or_in_owl_db(
    made: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = CliRunner()
    status = ["status", "--issuer", "INOC", "--as-of", "2003-11-24"]

    before = runner.invoke(cli, ["--db", str(made), *status])
    after = runner.invoke(cli, [*status, "--db", str(made)])
    monkeypatch.chdir(made.parent)
    relative = runner.invoke(cli, ["--db", "ledger.db", *status])
    from_env = runner.invoke(cli, status, env={"OWL_DB": "ledger.db"})

    for result in (before, after, relative, from_env):
        assert result.exit_code == 0, result.output
        assert result.stdout.startswith("INOC as of 2003-11-24")


def test_the_same_file_given_twice_two_ways_is_one_ledger(made: Path) -> None:
    result = CliRunner().invoke(cli, ["--db", str(made), "verify", "--db", f"sqlite:///{made}"])

    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    "command", [["chart", "--issuer", "INOC", "-o", "{folder}/inoc.png"],
                ["report", "--issuer", "INOC", "--as-of", "2003-11-24", "-o", "{folder}/r.html"]],
)  # fmt: skip
def test_an_output_into_a_missing_folder_is_refused_naming_it(
    made: Path, command: list[str]
) -> None:
    folder = made.parent / "missing"
    args = [a.format(folder=folder) for a in command]

    result = CliRunner().invoke(cli, ["--db", str(made), *args])

    assert result.exit_code == 2
    assert f"the folder {folder} does not exist (make it first: mkdir -p {folder})" in (
        result.output
    )
    assert not folder.exists()


FAR = [
    '{"type":"RightsAgreementAdopted","issuer":"FF","effective_date":"2020-01-02",'
    '"threshold":"15","event_id":"p"}',
    '{"type":"OutstandingReported","issuer":"FF","effective_date":"2020-01-02","shares":1000,'
    '"event_id":"c"}',
    '{"type":"SharesPurchased","issuer":"FF","effective_date":"2020-01-03","holder":"A",'
    '"shares":200,"event_id":"b"}',
    '{"type":"SharesPurchased","issuer":"FF","effective_date":"9999-12-30","holder":"A",'
    '"shares":1,"event_id":"far"}',
]


@pytest.mark.parametrize(
    "command",
    [["chart", "--issuer", "FF", "-o", "{folder}/c.png"],
     ["chart", "--issuer", "FF", "--to", "9999-12-31", "-o", "{folder}/c.svg"],
     ["report", "--issuer", "FF", "--as-of", "9999-12-31", "-o", "{folder}/r.html"],
     ["obligations", "--issuer", "FF", "--as-of", "9999-12-31"],
     ["status", "--issuer", "FF", "--as-of", "9999-12-31"],
     ["timeline", "--issuer", "FF"]],
)  # fmt: skip
def test_a_date_at_the_end_of_the_calendar_in_the_record_is_no_traceback(
    tmp_path: Path, command: list[str]
) -> None:
    feed = tmp_path / "far.jsonl"
    feed.write_text("\n".join(FAR) + "\n")
    db = f"sqlite:///{tmp_path}/far.db"
    runner = CliRunner()
    assert runner.invoke(cli, ["--db", db, "init"]).exit_code == 0
    assert runner.invoke(cli, ["--db", db, "ingest", str(feed)]).exit_code == 0

    result = runner.invoke(cli, ["--db", db, *[a.format(folder=tmp_path) for a in command]])

    assert result.exit_code == 0, result.output
    assert result.exception is None


@pytest.mark.parametrize("asked", ["2099-01-01", "2099-01-01T00:00:00Z"])
def test_a_known_at_still_ahead_is_refused(made: Path, asked: str) -> None:
    result = CliRunner().invoke(
        cli, ["--db", str(made), "status", "--issuer", "INOC", "--as-of", "2003-11-24",
              "--known-at", asked],
    )  # fmt: skip

    assert result.exit_code == 2
    assert f"{asked} is still ahead" in result.output
    assert "leave --known-at out for everything recorded" in result.output


def test_today_as_a_date_is_a_known_at(made: Path) -> None:
    from datetime import UTC, datetime

    today = datetime.now(UTC).date().isoformat()
    result = CliRunner().invoke(
        cli, ["--db", str(made), "status", "--issuer", "INOC", "--as-of", "2003-11-24",
              "--known-at", today],
    )  # fmt: skip

    assert result.exit_code == 0, result.output


def test_an_empty_db_is_refused_not_taken_for_memory() -> None:
    result = CliRunner().invoke(cli, ["--db", "", "init"])

    assert result.exit_code == 2
    assert "--db (or OWL_DB) is empty" in result.output


def test_a_home_relative_output_and_db_are_expanded(
    made: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(made.parent))
    (made.parent / "out").mkdir()

    result = CliRunner().invoke(
        cli, ["--db", "~/ledger.db", "chart", "--issuer", "INOC", "-o", "~/out/inoc.svg"]
    )

    assert result.exit_code == 0, result.output
    assert (made.parent / "out" / "inoc.svg").exists()
