"""SEC import: filings per second and peak memory for `owl ingest` of N full EDGAR submissions.

    .venv/bin/python -m bench.sec --filings 10000 --per-process 1000

The filings are made from one real Form 4 (tests/data/sec/0001127602-25-001055.txt, AAR Corp's,
filed 2025-01-10: a sale of 1,500 shares with 37,565 held after it): each copy gets its own
accession number, one of 100 issuers (CIK and ticker) and one of 20 reporting owners, and a
transaction date a business day later than the copy before it for the same issuer, so each is a
new filing of its own, read whole (header, XML, every row, the identity and reconciliation
steps) and appended. They are ingested `--per-process` files to one `owl ingest` process (each a
new process, as a script importing a day's filings would run), timed from the first process's
start to the last's end; peak memory is the largest any process reached. Never part of
`make test`.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "tests" / "data" / "sec" / "0001127602-25-001055.txt"
OWL = [sys.executable, "-m", "owl.cli"]


def filing(n: int, template: str) -> str:
    """The `n`th copy: its own accession, issuer, owner and date."""
    issuer, owner = n % 100, n % 20
    day = date(2020, 1, 2) + timedelta(days=7 * (n // 100))
    while day.weekday() >= 5:
        day += timedelta(days=1)
    text = template.replace("0001127602-25-001055", f"0009{n:06d}-25-{n:06d}")
    text = text.replace("20250110", day.strftime("%Y%m%d")).replace("2025-01-10", day.isoformat())
    text = re.sub(
        r"<issuerCik>\d+</issuerCik>", f"<issuerCik>{7_000_000 + issuer:010d}</issuerCik>", text
    )
    text = re.sub(
        r"<issuerTradingSymbol>\w+</issuerTradingSymbol>",
        f"<issuerTradingSymbol>B{issuer:03d}</issuerTradingSymbol>",
        text,
    )
    return re.sub(
        r"<rptOwnerCik>\d+</rptOwnerCik>",
        f"<rptOwnerCik>{8_000_000 + owner:010d}</rptOwnerCik>",
        text,
    )


def run(filings: int, per_process: int, folder: Path) -> dict[str, float]:
    template = TEMPLATE.read_text()
    paths = []
    for n in range(filings):
        path = folder / f"f{n:06d}.txt"
        path.write_text(filing(n, template))
        paths.append(str(path))
    url = f"sqlite:///{folder / 'owl.db'}"
    subprocess.run([*OWL, "--db", url, "init"], check=True, capture_output=True)
    peak = 0
    start = time.perf_counter()
    for first in range(0, filings, per_process):
        with tempfile.NamedTemporaryFile("r") as report:
            subprocess.run(
                ["/usr/bin/time", "-o", report.name, "-f", "%M", *OWL, "--db", url, "ingest",
                 *paths[first : first + per_process]],
                check=True, capture_output=True,
            )  # fmt: skip
            peak = max(peak, int(report.read().split()[-1]) // 1024)
    seconds = time.perf_counter() - start
    events = subprocess.run(
        [*OWL, "--db", url, "verify", "--chain-only"], check=True, capture_output=True, text=True
    ).stdout.split()[1]
    return {"filings": filings, "seconds": seconds, "per_second": filings / seconds,
            "peak_mb": peak, "events": int(events)}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--filings", type=int, default=10_000)
    parser.add_argument("--per-process", type=int, default=1_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        found = run(args.filings, args.per_process, Path(folder))
    print(
        f"| SEC import (SQLite) | {found['filings']:,} Form 4 submissions, "
        f"{args.per_process:,} per process | {found['seconds']:.1f} s | "
        f"{found['per_second']:.0f} filings/s | {found['events']:,} events | "
        f"peak {found['peak_mb']} MB |"
    )


if __name__ == "__main__":
    main()
