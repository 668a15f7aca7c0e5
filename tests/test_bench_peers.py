"""bench.peers: on a small history the peers agree with each other and with owl.

The peers need `eventsourcing` and `duckdb`, which are benchmark tools, not owl's dependencies:
without them this file skips.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

pytest.importorskip("duckdb")
pytest.importorskip("eventsourcing")

from bench import peers
from bench.history import write_jsonl

RECORDED = datetime(2026, 11, 29, tzinfo=UTC)


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("peers") / "history.jsonl"
    write_jsonl(2_000, str(path))
    return path


def owl_holdings(jsonl: Path, folder: Path, dates: list[str]) -> list[dict[str, int]]:
    """owl's own answer (`ownership`'s holders, which leave out zero positions)."""
    from owl.projections.application.api import Ledger

    ledger = Ledger(f"sqlite:///{folder}/owl.db")
    ledger.init()
    ledger.ingest(str(jsonl), recorded_at=RECORDED)
    answers = []
    for as_of in dates:
        holders = ledger.ownership("BIG", as_of)["holders"]
        answers.append({h["holder"]: h["shares"] for h in holders})
    ledger.close()
    return answers


def sql_holdings(jsonl: Path, folder: Path, as_of: str) -> dict[str, int]:
    _, on_sqlite = peers.holdings_sqlite_sql(jsonl, folder, as_of)
    _, on_duckdb = peers.holdings_duckdb_sql(jsonl, folder, as_of)
    assert on_sqlite == on_duckdb
    return on_sqlite


def held(holdings: dict[str, int]) -> dict[str, int]:
    return {holder: shares for holder, shares in holdings.items() if shares}


def test_the_peers_agree_with_each_other(history: Path, tmp_path: Path) -> None:
    split = next(e for e in peers.read_events(history) if e["type"] == "StockSplit")

    figures = peers.compare(history, tmp_path, split["effective_date"])

    assert figures["events"] == len(peers.read_events(history))
    assert figures["holders"] > 1_000
    assert all(figures[k] > 0 for k in ("raw_sqlite_s", "es_append_s", "es_replay_s"))


def test_the_sql_agrees_with_owl_around_the_split(history: Path, tmp_path: Path) -> None:
    events = peers.read_events(history)
    split = next(i for i, e in enumerate(events) if e["type"] == "StockSplit")
    dates = [events[split - 1]["effective_date"], events[split]["effective_date"]]
    dates.append(events[-1]["effective_date"])
    assert dates[0] < dates[1] < dates[2]

    owl = owl_holdings(history, tmp_path, dates)

    assert owl == [held(sql_holdings(history, tmp_path, as_of)) for as_of in dates]


def test_transfers_issues_and_successive_splits_round_down_at_each_split(tmp_path: Path) -> None:
    feed = tmp_path / "hand.jsonl"
    lines: list[tuple[str, str, dict[str, object]]] = [
        ("2020-01-01", "OutstandingReported", {"shares": 1_000}),
        ("2020-01-01", "SharesPurchased", {"holder": "A", "shares": 10}),
        ("2020-01-01", "SharesPurchased", {"holder": "B", "shares": 5}),
        ("2020-01-02", "SharesPurchased", {"holder": "B", "shares": 1}),  # before the split
        ("2020-01-02", "StockSplit", {"numerator": 3, "denominator": 2}),  # A 15, B 9
        ("2020-01-02", "SharesTransferred", {"from_holder": "A", "to_holder": "C", "shares": 4}),
        ("2020-01-03", "SharesSold", {"holder": "B", "shares": 9}),
        ("2020-01-04", "StockSplit", {"numerator": 3, "denominator": 2}),  # A 11 -> 16, C 6
        ("2020-01-04", "SharesPurchased", {"holder": "C", "shares": 1}),
        ("2020-01-05", "SharesIssued", {"holder": "D", "shares": 3}),
        ("2020-01-05", "SharesRepurchased", {"holder": "A", "shares": 1}),
        ("2020-01-05", "SharesRepurchased", {"shares": 100}),
    ]
    feed.write_text(
        "".join(
            json.dumps({"type": kind, "issuer": "BIG", "effective_date": day,
                        "event_id": f"e{n}", **fields}) + "\n"
            for n, (day, kind, fields) in enumerate(lines, 1)
        )
    )  # fmt: skip
    expected = {
        "2020-01-01": {"A": 10, "B": 5},
        "2020-01-02": {"A": 11, "B": 9, "C": 4},
        "2020-01-03": {"A": 11, "B": 0, "C": 4},
        "2020-01-04": {"A": 16, "B": 0, "C": 7},
        "2020-01-05": {"A": 15, "B": 0, "C": 7, "D": 3},
    }

    answers = {as_of: sql_holdings(feed, tmp_path, as_of) for as_of in expected}
    replayed = peers.eventsourcing_append_and_replay(feed, tmp_path)["holdings"]
    owl = owl_holdings(feed, tmp_path, list(expected))

    assert answers == expected
    assert replayed == expected["2020-01-05"]
    assert owl == [held(holdings) for holdings in expected.values()]


def test_the_raw_insert_fills_owl_s_events_table(history: Path, tmp_path: Path) -> None:
    assert peers.raw_sqlite_executemany(history, tmp_path) > 0  # it checks the row count


@pytest.mark.postgres
def test_the_raw_copy_fills_owl_s_events_table_on_postgres(
    history: Path, postgres_base: str
) -> None:
    assert peers.raw_postgres_copy(history, postgres_base) > 0  # and drops its schema


def test_the_python_floor_hashes_owl_s_chain_and_fills_owl_s_table(
    history: Path, tmp_path: Path
) -> None:
    """The floor does the hashing owl does (its rows verify as owl's chain) and inserts them."""
    from owl.ledger.chain import ChainRow, verify_rows

    rows = [ChainRow(*row) for row in peers.chained_rows(history)]
    checked = verify_rows(rows)
    assert checked.ok and checked.head_seq == len(rows) > 0
    assert peers.python_floor_sqlite(history, tmp_path) > 0  # it checks the row count
    assert peers.read_floor_sqlite(tmp_path) > 0  # it reads them all back


@pytest.mark.postgres
def test_the_python_floor_copies_into_owl_s_events_table_on_postgres(
    history: Path, postgres_base: str
) -> None:
    assert peers.python_floor_postgres(history, postgres_base) > 0  # and drops its schema
