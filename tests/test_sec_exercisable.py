"""When a right becomes exercisable, when a Form 3/4/5 gives the date only in a footnote: the
date the footnote states plainly, "now" only where it says so, and otherwise unknown, which Rule
13d-3 never counts as "now": the views say by how many shares the holding is uncertain."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from owl.ledger.feeds.sec.exercisable import exercisable
from owl.projections.application.api import Ledger

DATA = Path(__file__).parent / "data" / "sec"
AT = "2026-11-01T00:00:00Z"


@pytest.mark.parametrize(
    ("footnote", "reading"),
    [
        # Real footnotes (tests/data/sec), then the wordings the issue names.
        ("The shares subject to the option are immediately exercisable and vest in 48 equal "
         "monthly installments", ("now", None)),
        ("The Class B Common Stock is convertible into the Issuer's Class A Common Stock on a "
         "1-for-1 basis and has no expiration date.", ("now", None)),
        ("Each share of Class B Common Stock is convertible at any time at the option of the "
         "holder into one share of Class A Common Stock", ("now", None)),
        ("N/A", ("now", None)),
        ("This Stock Option is 100% exercisable.", ("now", None)),
        ("Effective August 13, 2012, the reporting person was granted an option to purchase "
         "26,374,505 shares of common stock ... vest upon the achievement of milestones",
         ("unknown", None)),
        ("One-fourth of the shares subject to the stock option vest on the one-year anniversary "
         "of the vesting commencement date", ("unknown", None)),
        ("Each share of Series B preferred stock automatically converts into common stock on a "
         "1-for-1 basis immediately prior to the closing of the Issuer's initial public "
         "offering", ("unknown", None)),
        ("The options vest in four equal annual installments beginning March 1, 2026.",
         ("date", date(2026, 3, 1))),
        ("This option becomes exercisable on June 30, 2024.", ("date", date(2024, 6, 30))),
        ("The restricted stock units vest on 1/15/2025, subject to continued service.",
         ("date", date(2025, 1, 15))),
        ("", ("unknown", None)),
    ],
)  # fmt: skip
def test_a_footnote_gives_a_date_now_or_unknown_never_a_guess(
    footnote: str, reading: tuple[str, date | None]
) -> None:
    assert exercisable([footnote]) == reading


def snowflake_option(tmp_path: Path, footnote: str) -> Path:
    """Snowflake's Form 4 (Scarpelli), its option's exercise-date footnote F16 reworded."""
    text = (DATA / "form4.snow.xml").read_text()
    start = text.index('<footnote id="F16">') + len('<footnote id="F16">')
    end = text.index("</footnote>", start)
    path = tmp_path / "form4.xml"
    path.write_text(text[:start] + footnote + text[end:])
    return path


def option_row(ledger: Ledger, day: str) -> dict[str, object]:
    view = ledger.ownership("SNOW", day, security="Class A Common Stock")
    (row,) = [d for d in view["derivatives"] if d["holder"] == "Scarpelli Michael"]
    return row


def test_a_vesting_date_a_footnote_states_plainly_is_the_exercise_date(
    ledger: Ledger, tmp_path: Path
) -> None:
    filing = snowflake_option(
        tmp_path, "The options vest in four equal annual installments beginning March 1, 2026."
    )

    ledger.ingest([str(filing)], recorded_at=AT)

    row = option_row(ledger, "2023-01-01")
    assert row["exercisable_from"] == "2026-03-01"
    assert row["exercisable_within_60_days"] is False and row["exercisable_unknown"] is None
    assert option_row(ledger, "2026-01-15")["exercisable_within_60_days"] is True  # 45 days out


def test_an_exercise_date_no_footnote_states_is_unknown_and_the_holding_uncertain(
    ledger: Ledger, tmp_path: Path
) -> None:
    filing = snowflake_option(tmp_path, "The option vests upon the achievement of milestones.")

    ledger.ingest([str(filing)], recorded_at=AT)

    row = option_row(ledger, "2023-01-01")
    assert row["exercisable_from"] is None  # not "now"
    assert row["exercisable_within_60_days"] is False
    assert row["exercisable_unknown"] is True
    assert row["counted_by_plan"] is True  # the plan's default counts rights whatever their date


def test_the_command_line_says_unknown_and_by_how_many_shares(
    sqlite_url: str, tmp_path: Path
) -> None:
    from click.testing import CliRunner

    from owl.cli.main import cli

    filing = snowflake_option(tmp_path, "The option vests upon the achievement of milestones.")
    runner = CliRunner()
    assert runner.invoke(cli, ["--db", sqlite_url, "init"]).exit_code == 0
    assert runner.invoke(cli, ["--db", sqlite_url, "ingest", str(filing)]).exit_code == 0

    asked = ["ownership", "--issuer", "SNOW", "--as-of", "2023-01-01"]
    asked += ["--security", "Class A Common Stock"]
    shown = runner.invoke(cli, ["--db", sqlite_url, *asked]).output

    lines = [line.split() for line in shown.splitlines()]
    assert next(line[-5:] for line in lines if "2,219,299" in line) == [
        "2,219,299",
        "unknown",
        "2029-08-26",
        "counted",
        "uncertain",
    ]
    assert "Uncertain under Rule 13d-3: Scarpelli Michael may hold 2,219,299 more shares" in shown


def test_musk_s_performance_awards_are_uncertain_not_exercisable_now(ledger: Ledger) -> None:
    """The 2012 and 2018 CEO awards vest on milestones the footnotes describe without a date."""
    ledger.ingest([str(p) for p in sorted((DATA / "tsla_musk").iterdir())], recorded_at=AT)

    view = ledger.ownership("TSLA", "2021-06-30")
    awards = [d for d in view["derivatives"] if d["expires_on"] in ("2022-08-13", "2028-01-20")
              and d["series"].startswith("Non-Qualified")]  # fmt: skip
    assert [a["underlying_shares"] for a in awards] == [5_099_901, 20_264_042]
    assert all(a["exercisable_unknown"] and not a["exercisable_within_60_days"] for a in awards)
