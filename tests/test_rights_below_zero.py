"""A series of rights below zero (a Form 4 disposing of a grant the ledger never saw acquired)
is shown as an inconsistency by `owl ownership`, never as a silent negative right, and never
counted as a right to acquire."""

from __future__ import annotations

from click.testing import CliRunner

from owl.cli.main import cli
from owl.ledger.log import Pending
from owl.projections.application.api import Ledger
from tests.builders import ev

VESTED = ev("DerivativeDisposed", "2021-03-01", issuer="ZIP", holder="A",
            instrument="Restricted Stock Units", quantity=5_000, underlying_shares=5_000,
            filing={"form": "4", "filed_on": "2021-03-02",
                    "accession": "0000000001-21-000001"})  # fmt: skip


def test_a_series_below_zero_is_an_inconsistency_not_a_right(ledger: Ledger) -> None:
    ledger.append([Pending(ev("OutstandingReported", "2021-01-04", issuer="ZIP",
                              shares=1_000_000)), Pending(VESTED)])  # fmt: skip

    body = ledger.ownership("ZIP", as_of="2021-12-31")

    assert body["inconsistencies"] == [
        {"holder": "A", "series": "Restricted Stock Units |  |  |  | ", "quantity": -5_000,
         "underlying_shares": -5_000}
    ]  # fmt: skip
    assert all(not d["exercisable_within_60_days"] for d in body["derivatives"])


def test_the_command_line_says_so(sqlite_url: str) -> None:
    book = Ledger(sqlite_url)
    book.init()
    book.append([Pending(ev("OutstandingReported", "2021-01-04", issuer="ZIP",
                            shares=1_000_000)), Pending(VESTED)])  # fmt: skip
    book.close()

    result = CliRunner().invoke(
        cli, ["--db", sqlite_url, "ownership", "--issuer", "ZIP", "--as-of", "2021-12-31"]
    )

    assert result.exit_code == 0, result.output
    assert "Inconsistent: A holds -5,000 of Restricted Stock Units" in result.output
