"""A real insider's chain of filings loads whole, and the ledger follows what each filing says.

75 of Elon Musk's Forms 3, 4 and 5 at Tesla (2010-2023, `data/sec/tsla_musk/`, sources in
`data/sec/README.md`). The chain is incomplete, as real chains are: years with no filing, the
2020 and 2022 splits, shares moved between the direct account and the trust that the filings
state only as holdings. A filing is evidence: each gap is one break with a named cause, after
which the account holds what the filing states, so the final holdings are the last filings'.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from owl.projections.application.api import Ledger

CHAIN = sorted((Path(__file__).parent / "data" / "sec" / "tsla_musk").iterdir())
AT = "2026-11-01T00:00:00Z"
MUSK = "Musk Elon"


def accounts(ledger: Ledger, day: str) -> dict[str, int]:
    view = ledger.ownership("TSLA", day)
    (row,) = [h for h in view["holders"] if h["holder"] == MUSK]
    held = {h["nature"]: h["shares"] for h in row["indirect"]}
    return {"directly": row["shares"] - sum(held.values()), **held}


def breaks(ledger: Ledger) -> list[dict[str, Any]]:
    return list(ledger.reconcile("TSLA")["breaks"])


def test_the_chain_loads_whole_and_ends_where_the_last_filings_do(ledger: Ledger) -> None:
    result = ledger.ingest([str(p) for p in CHAIN], recorded_at=AT)

    assert len(CHAIN) == 75 and result.appended > 2_900  # nothing refused
    # The last filings: a Form 4 of 2021-12-28 leaves 620,086 held directly (its sixth row),
    # the Form 4 of 2023-03-08 leaves 411,062,076 in the trust (its second).
    assert accounts(ledger, "2023-12-31") == {"directly": 620_086, "by trust": 411_062_076}


def test_one_trust_is_one_account_whatever_its_footnote_numbers(ledger: Ledger) -> None:
    """The filings cite the trust as "by Trust" with no footnote, with F1, F2, F21, ..., and
    as "By trust": one account, never one per footnote number."""
    ledger.ingest([str(p) for p in CHAIN], recorded_at=AT)

    natures = {b["nature"] for b in breaks(ledger)}
    assert natures <= {None, "by trust"}
    assert set(accounts(ledger, "2021-12-31")) == {"directly", "by trust"}


def test_each_gap_is_one_named_break_and_the_account_then_follows_the_filing(
    ledger: Ledger,
) -> None:
    ledger.ingest([str(p) for p in CHAIN], recorded_at=AT)

    found = breaks(ledger)
    assert found and all(b["followed"] and not b["open"] for b in found)
    assert all(b["cause"].endswith("the account follows the filing's holding") for b in found)
    # The 3-for-1 split of August 2022 is not on record: one break, in the trust, not one per
    # later filing.
    (split,) = [b for b in found if b["date"] == "2022-08-12"]
    assert (split["reported"], split["computed"]) == (423_622_432, 155_039_144)
    assert split["cause"].startswith("moved by +268,583,288 since the report of 2022-08-09")


def test_a_second_import_of_the_chain_appends_nothing(ledger: Ledger) -> None:
    first = ledger.ingest([str(p) for p in CHAIN], recorded_at=AT)
    again = ledger.ingest([str(p) for p in CHAIN], recorded_at="2026-11-02T00:00:00Z")

    assert (again.appended, again.already_present) == (0, first.appended)
