"""Every view at each size: is its cost flat in the history's length?

    make bench          # N = 10k, 100k, 1M
    .venv/bin/python -m bench.views --sizes 10000,100000 --runs 3

For each N it writes the history of `bench.history` (one issuer, 5,000 holders, N trades over
ten years), ingests it into a SQLite ledger, then times each view two ways, each figure the
median of `--runs`:
- as a new process (`owl VIEW ...`, output to /dev/null: what a person at a terminal waits);
- in-process (the `Ledger` method on an open ledger, after one warming call: what a notebook or
  the explorer waits).
`owl log` is timed until its first 12 lines (it streams: the rest is the answer's own size).
The table gives each view's time at every N and the ratio of the largest N to the one ten times
smaller, with the size of its answer (a view whose answer grows with the history, such as the
whole timeline, grows for that reason alone). Never part of `make test`.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.history import write_jsonl

OWL = [sys.executable, "-m", "owl.cli"]
ISSUER = "BIG"
AS_OF = "2015-06-30"  # the middle of the history's ten years
HOLDER = "Holder 0001"  # one of the large holders (in a block group)

# view -> its command-line arguments after `owl --db URL`
COMMANDS: dict[str, list[str]] = {
    "status": ["status", "--issuer", ISSUER, "--as-of", AS_OF],
    "ownership": ["ownership", "--issuer", ISSUER, "--as-of", AS_OF],
    "explain": ["explain", "--issuer", ISSUER, "--person", HOLDER, "--as-of", AS_OF],
    "obligations": ["obligations", "--issuer", ISSUER, "--as-of", AS_OF],
    "timeline": ["timeline", "--issuer", ISSUER],
    "holders": ["holders", "--issuer", ISSUER, "--as-of", AS_OF],
    "reconcile": ["reconcile", "--issuer", ISSUER],
    "chart": ["chart", "--issuer", ISSUER, "-o", "{folder}/chart.png"],
    "report": ["report", "--issuer", ISSUER, "--as-of", AS_OF, "-o", "{folder}/report.html"],
}


def in_process(ledger: Any) -> dict[str, Callable[[], object]]:
    return {
        "status": lambda: ledger.status(ISSUER, AS_OF),
        "ownership": lambda: ledger.ownership(ISSUER, AS_OF),
        "explain": lambda: ledger.explain(ISSUER, HOLDER, AS_OF),
        "obligations": lambda: ledger.obligations(ISSUER, as_of=AS_OF),
        "timeline": lambda: ledger.timeline(ISSUER),
        "holders": lambda: ledger.holders(ISSUER, AS_OF),
        "reconcile": lambda: ledger.reconcile(ISSUER),
        "chart": lambda: ledger.series(ISSUER),
        "log": lambda: [r for _, r in zip(range(12), ledger.log(issuer=ISSUER), strict=False)],
    }


def process_seconds(url: str, view: str, folder: Path) -> tuple[float, int]:
    """Wall time of the command as a new process, and the bytes of what it printed or wrote."""
    if view == "log":
        start = time.perf_counter()
        with subprocess.Popen([*OWL, "--db", url, "log", "--issuer", ISSUER],
                              stdout=subprocess.PIPE) as proc:  # fmt: skip
            assert proc.stdout is not None
            lines = [proc.stdout.readline() for _ in range(12)]
            seconds = time.perf_counter() - start
            proc.kill()
        return seconds, sum(len(line) for line in lines)
    args = [a.format(folder=folder) for a in COMMANDS[view]]
    start = time.perf_counter()
    done = subprocess.run([*OWL, "--db", url, *args], capture_output=True, check=True)
    seconds = time.perf_counter() - start
    written = [Path(a) for a in args if a.startswith(str(folder))]
    size = written[0].stat().st_size if written else len(done.stdout)
    return seconds, size


def measure(n: int, folder: Path, runs: int) -> dict[str, dict[str, float]]:
    from owl.projections.application.api import Ledger

    history = folder / f"history-{n}.jsonl"
    write_jsonl(n, str(history))
    url = f"sqlite:///{folder}/owl-{n}.db"
    subprocess.run([*OWL, "--db", url, "init"], check=True, capture_output=True)
    subprocess.run([*OWL, "--db", url, "ingest", str(history)], check=True, capture_output=True)
    out: dict[str, dict[str, float]] = {}
    views = [*COMMANDS, "log"]
    for view in views:
        timed = [process_seconds(url, view, folder) for _ in range(runs)]
        out[view] = {"process": statistics.median(t for t, _ in timed), "bytes": timed[0][1]}
    ledger = Ledger(url)
    calls = in_process(ledger)
    for view in views:
        if view == "report":
            continue
        calls[view]()  # warm: the connection, the checkpoint cache
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            calls[view]()
            times.append(time.perf_counter() - start)
        out[view]["api"] = statistics.median(times)
    ledger.close()
    return out


def table(results: dict[int, dict[str, dict[str, float]]]) -> str:
    sizes = sorted(results)
    big, small = sizes[-1], next((s for s in sizes if s * 10 == sizes[-1]), sizes[0])
    head = ["view", *(f"process {s:,}" for s in sizes), f"ratio {big:,}/{small:,}",
            *(f"in-process {s:,}" for s in sizes), "ratio", f"answer at {big:,}"]  # fmt: skip
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for view in results[big]:
        row = [view]
        row += [f"{results[s][view]['process']:.2f} s" for s in sizes]
        row.append(f"{results[big][view]['process'] / results[small][view]['process']:.1f}")
        if "api" in results[big][view]:
            row += [f"{results[s][view]['api'] * 1000:.0f} ms" for s in sizes]
            row.append(f"{results[big][view]['api'] / results[small][view]['api']:.1f}")
        else:
            row += ["-"] * (len(sizes) + 1)
        row.append(f"{int(results[big][view]['bytes']):,} bytes")
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--folder", default=None, help="where histories and ledgers go")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(options.folder or scratch)
        folder.mkdir(parents=True, exist_ok=True)
        results = {}
        for n in (int(s) for s in options.sizes.split(",")):
            results[n] = measure(n, folder, options.runs)
            print(f"measured N = {n:,}", file=sys.stderr)
        print(table(results))


if __name__ == "__main__":
    main()
