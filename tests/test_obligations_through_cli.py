"""The obligation rules' boundaries, asked the way a user asks: `owl obligations --format json`
on a ledger written by `owl ingest`, on both backends, equal to the rules' own answer
(`tests/test_obligations.py` holds each rule there; here the same histories go through the
storage, the maintained tables, the checkpoints and the command line)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from owl.cli.main import cli
from tests.builders import buy, ev
from tests.test_obligations import COUNT, filed, lines, owed
from tests.test_obligations_13g import g

AS_OF = "2026-06-30"


def through_cli(db_url: str, tmp_path: Path, *events: Any, as_of: str = AS_OF) -> dict:
    feed = tmp_path / "history.jsonl"
    rows = [{"issuer": "INOC", **e.model_dump(mode="json", exclude_none=True)}
            for e in (COUNT, *events)]  # fmt: skip
    feed.write_text("".join(json.dumps(r) + "\n" for r in rows))
    runner = CliRunner()
    for args in (["init"], ["ingest", str(feed)]):
        done = runner.invoke(cli, ["--db", db_url, *args])
        assert done.exit_code == 0, done.output
    asked = ["obligations", "--issuer", "INOC", "--as-of", as_of, "--format", "json"]
    shown = runner.invoke(cli, ["--db", db_url, *asked])
    assert shown.exit_code == 0, shown.output
    body: dict = json.loads(shown.stdout)
    return body


def same(cli_body: dict, rules_body: dict) -> None:
    """The command line's answer is the rules' own, obligation by obligation (the event ids
    and the instant aside: the ledger assigns them)."""
    assert lines(cli_body) == lines(rules_body)
    assert [o["rule"] for o in cli_body["obligations"]] == [
        o["rule"] for o in rules_body["obligations"]
    ]
    assert [o["holding"] for o in cli_body["obligations"]] == [
        o["holding"] for o in rules_body["obligations"]
    ]


CASES = {
    # 5%: more than 5% owes a Schedule 13D, exactly 5% does not.
    "5% exactly": ([buy("A", 50_000, "2021-06-01")], AS_OF),
    "5% and a share": ([buy("A", 50_001, "2021-06-01")], AS_OF),
    # Ten days on is Friday 24 December 2021, an SEC holiday: due Monday 27.
    "10 days past Christmas": ([buy("A", 60_000, "2021-12-14"),
                                filed("SC 13D", "2021-12-28", shares=60_000)], "2022-01-31"),
    # The day before 5 February 2024: ten days; from it: five SEC business days.
    "13D on 2024-02-04": ([buy("A", 60_000, "2024-02-04")], AS_OF),
    "13D on 2024-02-05": ([buy("A", 60_000, "2024-02-05")], AS_OF),
    "13D past Presidents' Day": ([buy("A", 60_000, "2024-02-15")], AS_OF),
    # 10%: exactly 10% is no 10% owner; a share more owes a Form 3.
    "10% exactly": ([buy("A", 100_000, "2021-06-01")], AS_OF),
    "10% and a share": ([buy("A", 100_001, "2021-06-01")], AS_OF),
    # A Form 4 due across Christmas Eve 2020 (closed by executive order) is met on the Monday.
    "Form 4 past 24 Dec 2020": ([buy("A", 110_000, "2020-06-01"),
                                 filed("3", "2020-06-05", shares=110_000),
                                 buy("A", 1_000, "2020-12-22"),
                                 filed("4", "2020-12-28", shares=111_000)], AS_OF),
    # Schedule 13G amendments: the quarter ending 30 September 2024 is the first counted
    # quarterly; a month-end amendment due in 10 days before it, in 5 business days from it.
    "13G/A first quarterly": ([buy("A", 60_000, "2023-01-10"),
                               g("2023-02-01", "13d-1(d)", 60_000),
                               buy("A", 10_000, "2024-03-01")], "2024-12-31"),
    "13G/A month end, 2023": ([buy("A", 60_000, "2021-03-01"),
                               g("2022-02-10", "13d-1(b)", 60_000),
                               buy("A", 50_000, "2023-05-10"),
                               g("2023-06-09", None, 110_000, amendment=True)], "2023-12-30"),
    "13G/A month end, 2024": ([buy("A", 60_000, "2024-01-10"),
                               g("2024-02-01", "13d-1(b)", 60_000),
                               buy("A", 50_000, "2024-10-15")], "2024-11-30"),
    # A passive investor at exactly 20% owes a Schedule 13D; just under, nothing.
    "13G at 20%": ([buy("A", 150_000, "2024-03-01"), g("2024-03-05", "13d-1(c)", 150_000),
                    buy("A", 50_000, "2024-04-01"),
                    ev("HoldingReported", "2024-04-05", holder="A", shares=200_000,
                       form="SC 13D")], "2024-06-30"),
    "13G under 20%": ([buy("A", 150_000, "2024-03-01"), g("2024-03-05", "13d-1(c)", 150_000),
                       buy("A", 49_999, "2024-04-01")], "2024-06-30"),
    # A 13G filer declaring a control intent owes a 13D (Rule 13d-1(e)) and cools off.
    "13G to 13D on intent": ([buy("A", 60_000, "2024-02-20"),
                              filed("SC 13G", "2024-02-23", shares=60_000),
                              ev("ControlIntentDeclared", "2024-03-01", person="A"),
                              buy("A", 1_000, "2024-03-05"),
                              filed("SC 13D", "2024-03-07", shares=61_000)], AS_OF),
    # 13D amendments: one filed after two 1% changes meets both.
    "13D/A for two changes": ([buy("A", 60_000, "2024-06-03"),
                               filed("SC 13D", "2024-06-05", shares=60_000),
                               buy("A", 10_000, "2024-06-10"), buy("A", 10_000, "2024-06-11"),
                               filed("SC 13D/A", "2024-06-12", shares=80_000)], AS_OF),
    # A group formed by a link owes one Schedule 13D, met by any member's.
    "group by a link": ([buy("B", 40_000, "2021-05-03"), buy("C", 20_000, "2021-05-04"),
                         ev("AffiliationFormed", "2021-06-01", person="B", affiliate="C",
                            relation="control", group="BC Group"),
                         filed("SC 13D", "2021-06-08", holder="C", shares=20_000)], AS_OF),
    # A Form 5 reporting a trade owed on a Form 4 leaves that Form 4 late.
    "Form 4 late by a Form 5": ([buy("A", 100_001, "2021-06-01"), buy("A", 1_000, "2021-06-15"),
                                 filed("5", "2022-02-14", shares=101_001, public=False)], AS_OF),
    # A director owes a Form 3 within 10 days of becoming one.
    "director's Form 3": ([ev("PersonIdentified", "2021-06-01", person="D", cik="9",
                              director=True,
                              filing={"form": "3", "accession": "0000000009-21-000001",
                                      "filed_on": "2021-06-20"}),
                           buy("D", 100, "2021-05-01")], AS_OF),
}  # fmt: skip


@pytest.mark.parametrize("case", list(CASES))
def test_the_command_line_owes_what_the_rules_owe_on_both_backends(
    db_url: str, tmp_path: Path, case: str
) -> None:
    events, as_of = CASES[case]

    body = through_cli(db_url, tmp_path, *events, as_of=as_of)

    same(body, owed(*events, as_of=as_of))


def test_the_boundaries_hold_through_the_command_line(db_url: str, tmp_path: Path) -> None:
    """The figures themselves, not only the equality: the dates the rules give."""
    body = through_cli(db_url, tmp_path, buy("A", 60_000, "2024-02-05"))

    (row,) = lines(body, "schedule_13d")
    assert row[2:5] == ("2024-02-05", "2024-02-12", "missing")
    assert body["obligations"][0]["rule"].startswith("Rule 13d-1(a)")


def test_a_passive_investor_at_20_percent_owes_its_13d_through_the_command_line(
    db_url: str, tmp_path: Path
) -> None:
    events, as_of = CASES["13G at 20%"]

    body = through_cli(db_url, tmp_path, *events, as_of=as_of)

    (switch,) = [o for o in body["obligations"] if o["rule"] == "Rule 13d-1(f)"]
    assert (switch["arose_on"], switch["due"], switch["status"]) == (
        "2024-04-01", "2024-04-08", "met",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("case", "kind", "row"),
    [
        ("group by a link", None,
         ("Schedule 13D", "BC Group", "2021-06-01", "2021-06-11", "met", None, "2021-06-08")),
        ("Form 4 late by a Form 5", "form_4",
         ("Form 4", "A", "2021-06-15", "2021-06-17", "late", 242, "2022-02-14")),
        ("director's Form 3", "form_3",
         ("Form 3", "D", "2021-06-01", "2021-06-11", "late", 9, "2021-06-20")),
    ],
)  # fmt: skip
def test_the_section_16_and_group_rules_give_their_dates_through_the_command_line(
    db_url: str, tmp_path: Path, case: str, kind: str | None, row: tuple
) -> None:
    events, as_of = CASES[case]

    body = through_cli(db_url, tmp_path, *events, as_of=as_of)

    assert lines(body, kind) == [row]
