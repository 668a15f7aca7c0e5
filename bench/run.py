"""The benchmark: owl against the physical limit and its peers, on the same seeded history.

    make bench          # N = 10k, 100k, 1M; 3 runs each; SQLite and PostgreSQL
    .venv/bin/python -m bench.run --sizes 10000,100000 --runs 1

For each N it writes the history of `bench.history` (one issuer, 5,000 holders, a plan with
amendments, quarterly counts, repurchases, a split, affiliations, N trades over ten years) to a
JSON Lines file, then measures, each figure the median of `--runs` runs:

- ingest: `owl ingest FILE` as a separate process (wall time and peak resident memory), on SQLite
  and on PostgreSQL; against a raw `sqlite3` `executemany` and a psycopg `COPY` of the same rows
  into an identical events table (`bench.peers`), and the `eventsourcing` library appending them;
- ownership as of three dates through the Python API, against hand-written SQL on plain SQLite and
  DuckDB over the same rows (`bench.peers`);
- status: cold (a new process, `owl status`) and warm (p50 of 20 queries for random dates in one
  open `Ledger`), and the cost ratio between sizes;
- appending one trade to the ledger through the API;
- `owl rebuild` (events per second) and `owl verify` (events per second), with peak memory.

Results are printed as Markdown for bench/RESULTS.md. Never part of `make test`.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from bench import peers
from bench.history import START, YEARS, write_jsonl

OWL = [sys.executable, "-m", "owl.cli"]
ISSUER = "BIG"


def timed_process(args: list[str]) -> tuple[float, int]:
    """Run a command; return its wall time (s) and peak resident memory (MB), as GNU time
    reads it (a child forked from this big process would report this one's pages too)."""
    with tempfile.NamedTemporaryFile("r") as report:
        start = time.perf_counter()
        done = subprocess.run(
            ["/usr/bin/time", "-o", report.name, "-f", "%M", *args],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        seconds = time.perf_counter() - start
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} failed: {done.stderr.decode()}")
        return seconds, int(report.read().split()[-1]) // 1024


def median(values: list[float]) -> float:
    return statistics.median(values)


def dates(n: int) -> list[str]:
    end = date(START.year + YEARS, START.month, START.day) - timedelta(days=3)
    middle = START + (end - START) / 2
    return [(START + timedelta(days=200)).isoformat(), middle.isoformat(), end.isoformat()]


def fresh_pg(base: str) -> tuple[str, Callable[[], None]]:
    import sqlalchemy as sa

    schema = f"owl_bench_{uuid.uuid4().hex[:8]}"
    engine = sa.create_engine(base)
    with engine.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    url = f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"

    def drop() -> None:
        with engine.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        engine.dispose()

    return url, drop


def measure_owl(url: str, jsonl: Path, n_events: int) -> dict[str, Any]:
    from owl.ledger.events import parse_event
    from owl.projections.application.api import Ledger

    out: dict[str, Any] = {}
    subprocess.run([*OWL, "--db", url, "init"], check=True, capture_output=True)
    out["ingest_s"], out["ingest_mb"] = timed_process([*OWL, "--db", url, "ingest", str(jsonl)])
    out["status_cold_s"], out["status_mb"] = timed_process(
        [*OWL, "--db", url, "status", "--issuer", ISSUER, "--as-of", dates(0)[2]]
    )
    out["ownership_cli_s"], out["ownership_mb"] = timed_process(
        [*OWL, "--db", url, "ownership", "--issuer", ISSUER, "--as-of", dates(0)[2]]
    )
    ledger = Ledger(url)
    rng = random.Random(5)
    first, last = START, date(START.year + YEARS, START.month, START.day)
    span = (last - first).days
    ledger.status(ISSUER, last.isoformat())  # warm the connection and the checkpoint cache
    warm = []
    for _ in range(20):
        as_of = first + timedelta(days=rng.randint(0, span))
        start = time.perf_counter()
        ledger.status(ISSUER, as_of)
        warm.append(time.perf_counter() - start)
    out["status_warm_p50_s"] = median(warm)
    own = []
    for day in dates(0):
        start = time.perf_counter()
        ledger.ownership(ISSUER, day)
        own.append(time.perf_counter() - start)
    out["ownership_s"] = own
    appends = []
    for i in range(5):
        event = parse_event(
            {
                "type": "SharesPurchased",
                "issuer": ISSUER,
                "holder": "Holder 0042",
                "effective_date": last.isoformat(),
                "shares": 10,
                "event_id": f"one-{i}",
            }
        )
        start = time.perf_counter()
        ledger.append([event])  # type: ignore[list-item]
        appends.append(time.perf_counter() - start)
    out["append_one_s"] = median(appends)
    ledger.close()
    out["rebuild_s"], out["rebuild_mb"] = timed_process([*OWL, "--db", url, "rebuild"])
    out["rebuild_eps"] = n_events / out["rebuild_s"]
    out["verify_s"], out["verify_mb"] = timed_process([*OWL, "--db", url, "verify"])
    out["verify_eps"] = n_events / out["verify_s"]
    return out


def run_once(n: int, folder: Path, postgres: str | None) -> dict[str, Any]:
    jsonl = folder / f"history-{n}.jsonl"
    if not jsonl.exists():
        write_jsonl(n, str(jsonl))
    with open(jsonl) as lines:
        n_events = sum(1 for _ in lines)
    result: dict[str, Any] = {"events": n_events}
    work = folder / f"run-{uuid.uuid4().hex[:6]}"
    work.mkdir()
    result["raw_sqlite_s"] = peers.raw_sqlite_executemany(jsonl, work)
    result["floor_sqlite_s"] = peers.python_floor_sqlite(jsonl, work)
    result["read_floor_s"] = peers.read_floor_sqlite(work)
    result["sqlite"] = measure_owl(f"sqlite:///{work}/owl.db", jsonl, n_events)
    sql_times, duck_times = [], []
    for as_of in dates(n):
        sql_times.append(peers.holdings_sqlite_sql(jsonl, work, as_of)[0])
        duck_times.append(peers.holdings_duckdb_sql(jsonl, work, as_of)[0])
    result["sql_s"], result["duckdb_s"] = sql_times, duck_times
    es = peers.eventsourcing_append_and_replay(jsonl, work)
    result["es_append_s"], result["es_replay_s"] = es["append_s"], es["replay_s"]
    if postgres:
        result["pg_copy_s"] = peers.raw_postgres_copy(jsonl, postgres)
        result["floor_pg_s"] = peers.python_floor_postgres(jsonl, postgres)
        url, drop = fresh_pg(postgres)
        try:
            result["postgres"] = measure_owl(url, jsonl, n_events)
        finally:
            drop()
    return result


def merged(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The median of every figure over the runs."""
    first = runs[0]
    out: dict[str, Any] = {}
    for key, value in first.items():
        values = [r[key] for r in runs]
        if isinstance(value, dict):
            out[key] = merged(values)
        elif isinstance(value, list):
            out[key] = [median([v[i] for v in values]) for i in range(len(value))]
        else:
            out[key] = median(values)
    return out


def report(results: dict[int, dict[str, Any]]) -> str:
    lines = []
    for n, r in results.items():
        s = r["sqlite"]
        lines.append(f"### {r['events']:,} events ({n:,} trades)\n")
        lines.append("| figure | owl | peer | ratio |")
        lines.append("|---|---|---|---|")
        lines.append(
            f"| ingest, SQLite | {s['ingest_s']:.2f} s, {s['ingest_mb']} MB | raw executemany "
            f"{r['raw_sqlite_s']:.2f} s | {r['raw_sqlite_s'] / s['ingest_s']:.2f}x the raw speed |"
        )
        lines.append(
            f"| ingest, SQLite, against the Python floor | {s['ingest_s']:.2f} s | parse, "
            f"canonical JSON, chain, executemany {r['floor_sqlite_s']:.2f} s (itself "
            f"{r['raw_sqlite_s'] / r['floor_sqlite_s']:.2f}x the raw speed) | "
            f"{r['floor_sqlite_s'] / s['ingest_s']:.2f}x the floor's speed |"
        )
        lines.append(
            f"| ingest vs eventsourcing | {s['ingest_s']:.2f} s | {r['es_append_s']:.2f} s | "
            f"{r['es_append_s'] / s['ingest_s']:.2f}x its speed |"
        )
        if "postgres" in r:
            p = r["postgres"]
            lines.append(
                f"| ingest, PostgreSQL | {p['ingest_s']:.2f} s, {p['ingest_mb']} MB | COPY "
                f"{r['pg_copy_s']:.2f} s | {p['ingest_s'] / r['pg_copy_s']:.2f}x COPY's time |"
            )
            lines.append(
                f"| ingest, PostgreSQL, against the Python floor | {p['ingest_s']:.2f} s | parse, "
                f"canonical JSON, chain, COPY {r['floor_pg_s']:.2f} s (itself "
                f"{r['floor_pg_s'] / r['pg_copy_s']:.2f}x COPY's time) | "
                f"{p['ingest_s'] / r['floor_pg_s']:.2f}x the floor's time |"
            )
        for i, as_of in enumerate(dates(n)):
            lines.append(
                f"| ownership as of {as_of} | {s['ownership_s'][i] * 1000:.0f} ms | SQLite SQL "
                f"{r['sql_s'][i] * 1000:.0f} ms, DuckDB {r['duckdb_s'][i] * 1000:.0f} ms | "
                f"{s['ownership_s'][i] / r['sql_s'][i]:.2f}x SQLite's time |"
            )
        lines.append(
            f"| status warm p50 | {s['status_warm_p50_s'] * 1000:.1f} ms | eventsourcing replay "
            f"{r['es_replay_s']:.2f} s | |"
        )
        lines.append(
            f"| status cold (process) | {s['status_cold_s']:.2f} s, {s['status_mb']} MB | | |"
        )
        lines.append(
            f"| ownership (process) | {s['ownership_cli_s']:.2f} s, {s['ownership_mb']} MB | | |"
        )
        lines.append(f"| append one trade (API) | {s['append_one_s'] * 1000:.1f} ms | | |")
        lines.append(
            f"| rebuild | {s['rebuild_s']:.2f} s, {s['rebuild_eps']:,.0f} events/s, "
            f"{s['rebuild_mb']} MB | read back and decode every row "
            f"{r['events'] / r['read_floor_s']:,.0f} events/s | "
            f"{s['rebuild_eps'] * r['read_floor_s'] / r['events']:.2f}x that rate |"
        )
        lines.append(
            f"| verify | {s['verify_s']:.2f} s, {s['verify_eps']:,.0f} events/s, "
            f"{s['verify_mb']} MB | | |"
        )
        if "postgres" in r:
            p = r["postgres"]
            lines.append(
                f"| PostgreSQL status warm p50 | {p['status_warm_p50_s'] * 1000:.1f} ms | | |"
            )
            lines.append(
                f"| PostgreSQL ownership (last date) | {p['ownership_s'][2] * 1000:.0f} ms | | |"
            )
            lines.append(f"| PostgreSQL append one trade | {p['append_one_s'] * 1000:.1f} ms | | |")
            lines.append(f"| PostgreSQL rebuild | {p['rebuild_eps']:,.0f} events/s | | |")
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--postgres", default=None, help="postgresql+psycopg://... (a database)")
    parser.add_argument("--folder", default=None, help="where histories and ledgers go")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    folder = Path(args.folder or tempfile.mkdtemp(prefix="owl-bench-"))
    results = {}
    for n in sizes:
        runs = [run_once(n, folder, args.postgres) for _ in range(args.runs)]
        results[n] = merged(runs)
        print(f"done {n}", file=sys.stderr)
    stamp = datetime.now(UTC).strftime("%Y-%m-%d")
    print(f"## {stamp}: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}\n")  # fmt: skip
    print(report(results))
    if len(sizes) > 1 and 100_000 in results and 1_000_000 in results:
        ratio = (
            results[1_000_000]["sqlite"]["status_warm_p50_s"]
            / results[100_000]["sqlite"]["status_warm_p50_s"]
        )
        print(f"status warm cost at 1M / at 100k: {ratio:.2f}")


if __name__ == "__main__":
    main()
