"""Benchmarks: ingest against the raw insert rate, replay rate, point-in-time query, verify.

Run: `.venv/bin/python -m bench.run [--events N] [--postgres URL]`; results go to stdout as a
Markdown table (record them in bench/RESULTS.md with the machine and the date). Never part of the
test run.

The physical limit for ingest is taken as a plain `executemany` of the same rows (same columns,
same payload bytes) into a table with the same schema but no triggers, no chain and no checks, in
one transaction on the same database: the ratio says what validation, idempotency, the fold check
and hashing cost on top of the database's own insert rate.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from ledger.events import event_id_of, parse_event, payload_of
from ledger.log import Pending
from ledger.sql import SqlLog, events as events_table
from projections.api import Ledger


def history(count: int, holders: int = 2_000, seed: int = 1) -> list[Pending]:
    """A plausible trade history: a plan, a share count, and `count` valid buys and sells."""
    rng = random.Random(seed)
    names = [f"H{i:05d}" for i in range(holders)]
    held = dict.fromkeys(names, 0)
    out = [
        {"type": "RightsAgreementAdopted", "issuer": "BIG", "effective_date": "2003-01-01"},
        {"type": "OutstandingReported", "issuer": "BIG", "effective_date": "2003-01-01",
         "shares": 10_000_000},
    ]
    day = date(2003, 1, 2)
    for n in range(count):
        who = rng.choice(names)
        if held[who] > 100 and rng.random() < 0.4:
            shares, kind = rng.randint(1, held[who]), "SharesSold"
            held[who] -= shares
        else:
            shares, kind = rng.randint(1, 1_000), "SharesPurchased"
            held[who] += shares
        if n % 200 == 0:
            day += timedelta(days=1)
        out.append({"type": kind, "issuer": "BIG", "effective_date": day.isoformat(),
                    "holder": who, "shares": shares, "event_id": f"t{n}"})
    return [Pending(parse_event(raw), i) for i, raw in enumerate(out, 1)]  # type: ignore[arg-type]


def timed(action):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = action()
    return result, time.perf_counter() - start


def raw_insert_seconds(url: str, batch: list[Pending]) -> float:
    """The same rows through a plain executemany, one transaction, no triggers or chain."""
    engine = sa.create_engine(url)
    meta = sa.MetaData()
    plain = sa.Table(
        "bench_plain", meta,
        *(sa.Column(c.name, c.type, primary_key=c.primary_key, nullable=c.nullable,
                    unique=c.unique) for c in events_table.columns),
        sa.Index("ix_bench_plain_issuer_effective", "issuer", "effective_date", "seq"),
    )
    meta.drop_all(engine)
    meta.create_all(engine)
    rows = []
    for seq, p in enumerate(batch, 1):
        payload = payload_of(p.event)
        rows.append({"seq": seq, "event_id": event_id_of(p.event, payload), "issuer": "BIG",
                     "type": p.event.type, "effective_date": p.event.effective_date.isoformat(),
                     "recorded_at": "2026-11-29T00:00:00.000000Z", "payload": payload,
                     "prev_hash": "0" * 64, "hash": "0" * 64})
    start = time.perf_counter()
    with engine.begin() as conn:
        for i in range(0, len(rows), 1000):
            conn.execute(sa.insert(plain), rows[i : i + 1000])
    seconds = time.perf_counter() - start
    meta.drop_all(engine)
    engine.dispose()
    return seconds


def measure(url: str, batch: list[Pending]) -> dict[str, float]:
    ledger = Ledger(url)
    ledger.log.init()
    _, ingest = timed(lambda: ledger.append(batch, datetime(2026, 11, 29, tzinfo=UTC)))
    raw = raw_insert_seconds(url, batch)
    _, again = timed(lambda: ledger.append(batch, datetime(2026, 11, 29, 1, tzinfo=UTC)))
    records, read = timed(lambda: ledger.records("BIG"))
    _, status = timed(lambda: ledger.status("BIG", "2003-12-31"))
    _, early = timed(lambda: ledger.status("BIG", "2003-01-15"))
    _, verify = timed(ledger.log.verify)
    ledger.close()
    n = len(batch)
    return {"events": n, "ingest_s": ingest, "raw_s": raw, "ratio": raw / ingest,
            "reingest_s": again, "read_s": read, "status_s": status, "status_early_s": early,
            "replay_eps": n / status, "verify_eps": n / verify}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--postgres", default=None, help="e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    batch = history(args.events)
    targets = []
    with tempfile.TemporaryDirectory() as folder:
        targets.append(("SQLite", f"sqlite:///{folder}/bench.db"))
        if args.postgres:
            targets.append(("PostgreSQL", args.postgres))
        print("| backend | events | ingest s | raw executemany s | ratio | re-ingest s | read s |"
              " status (whole history) s | status (15 days in) s | replay ev/s | verify ev/s |")
        print("|---|---|---|---|---|---|---|---|---|---|---|")
        for name, url in targets:
            if name == "PostgreSQL":
                with sa.create_engine(url).begin() as conn:
                    conn.exec_driver_sql("DROP TABLE IF EXISTS events CASCADE")
                    conn.exec_driver_sql("DROP TABLE IF EXISTS owl_meta CASCADE")
            r = measure(url, batch)
            print(f"| {name} | {r['events']:,.0f} | {r['ingest_s']:.2f} | {r['raw_s']:.2f} | "
                  f"{r['ratio']:.2f} | {r['reingest_s']:.2f} | {r['read_s']:.2f} | "
                  f"{r['status_s']:.2f} | {r['status_early_s']:.2f} | {r['replay_eps']:,.0f} | "
                  f"{r['verify_eps']:,.0f} |")


if __name__ == "__main__":
    main()
