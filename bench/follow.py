"""`owl follow` against `owl ingest`: messages per second, and the time from publish to visible.

    .venv/bin/python -m bench.follow --messages 20000 --latency 300

Needs the NATS server with JetStream (OWL_BENCH_NATS, default nats://127.0.0.1:4222). Two
measurements, each on a fresh SQLite ledger and a stream of its own (deleted afterwards):

- **rate**: N CSV trade messages (purchases and sales of 500 holders over three years, every
  sale within the seller's position) are published to a stream first; then `owl follow --once
  --batch 500` as a new process drains them, timed from its start to its exit; against `owl
  ingest` of the same rows as one CSV file, as a new process, on another fresh ledger. Both
  include the process's start, the parsing, the checks, the hash chain and the projections; the
  follower also pulls from the broker and acknowledges each batch.
- **publish to visible**: a follower runs (`--batch 100 --max-wait 20 --log-format json`); M
  messages are published one at a time, 20 a second; a message is visible when the follower
  reports a batch whose head digest includes it (its commit is done, and any reader sees it).
  p50, p99 and the worst, in milliseconds, from `js.publish` returning to that report.

Never part of `make test`; the figures go to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import nats

OWL = [sys.executable, "-m", "owl.cli"]
URL = os.environ.get("OWL_BENCH_NATS", "nats://127.0.0.1:4222")
HEADER = "trade_id,issuer,holder,side,shares,trade_date,price"


def trades(count: int, seed: int = 11, prefix: str = "t") -> list[bytes]:
    rng = random.Random(seed)
    held: dict[str, int] = {}
    rows = []
    start = date(2021, 1, 4)
    for n in range(count):
        holder = f"Holder {rng.randrange(500)}"
        day = (start + timedelta(days=n * 1095 // max(count, 1))).isoformat()
        if held.get(holder, 0) > 100 and rng.random() < 0.3:
            shares = rng.randrange(1, held[holder] // 2)
            held[holder] -= shares
            side = "SELL"
        else:
            shares = rng.randrange(100, 5_000)
            held[holder] = held.get(holder, 0) + shares
            side = "BUY"
        rows.append(f"{prefix}-{n},FLW,{holder},{side},{shares},{day},10.00".encode())
    return rows


class Streams:
    """A stream of the benchmark's own, and one for its dead letters."""

    def __init__(self) -> None:
        self.name = f"OWLB{uuid.uuid4().hex[:10].upper()}"
        self.subject = f"owlbench.{self.name}.in"
        self.dead = f"owlbench.{self.name}.dead"
        self.loop = asyncio.new_event_loop()

    def _do(self, work: Any) -> Any:
        async def session() -> Any:
            nc = await nats.connect(URL)
            try:
                return await work(nc.jetstream())
            finally:
                await nc.close()

        return self.loop.run_until_complete(session())

    def create(self) -> None:
        async def work(js: Any) -> None:
            await js.add_stream(name=self.name, subjects=[self.subject])
            await js.add_stream(name=f"{self.name}_DEAD", subjects=[self.dead])

        self._do(work)

    def publish(self, messages: list[bytes]) -> None:
        async def work(js: Any) -> None:
            for start in range(0, len(messages), 1000):
                await asyncio.gather(*(js.publish(self.subject, m)
                                       for m in messages[start : start + 1000]))  # fmt: skip

        self._do(work)

    def delete(self) -> None:
        async def work(js: Any) -> None:
            for name in (self.name, f"{self.name}_DEAD"):
                with contextlib.suppress(nats.js.errors.NotFoundError):
                    await js.delete_stream(name)

        self._do(work)
        self.loop.close()

    def follow(self, *extra: str) -> list[str]:
        return ["follow", URL, "--stream", self.name, "--dead-letter", self.dead,
                "--csv-header", HEADER, *extra]  # fmt: skip


def owl(db: str, *args: str, **kw: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*OWL, "--db", db, *args], capture_output=True, text=True, check=True,
                          **kw)  # fmt: skip


def rate(count: int, folder: Path) -> dict[str, float]:
    messages = trades(count)
    streams = Streams()
    streams.create()
    try:
        streams.publish(messages)
        followed = f"sqlite:///{folder}/follow.db"
        owl(followed, "init")
        start = time.perf_counter()
        done = owl(followed, *streams.follow("--once", "--batch", "500", "--max-wait", "100"))
        follow_s = time.perf_counter() - start
    finally:
        streams.delete()
    assert f"appended {count}," in done.stdout, done.stdout
    feed = folder / "trades.csv"
    feed.write_bytes(HEADER.encode() + b"\n" + b"".join(m + b"\n" for m in messages))
    ingested = f"sqlite:///{folder}/ingest.db"
    owl(ingested, "init")
    start = time.perf_counter()
    owl(ingested, "ingest", str(feed))
    ingest_s = time.perf_counter() - start
    return {"follow_s": follow_s, "ingest_s": ingest_s}


def latency(count: int, folder: Path) -> list[float]:
    streams = Streams()
    streams.create()
    db = f"sqlite:///{folder}/latency.db"
    owl(db, "init")
    seen: list[tuple[float, int]] = []  # (when, head seq) of each batch reported
    process = subprocess.Popen(
        [*OWL, "--db", db, *streams.follow("--batch", "100", "--max-wait", "20",
                                           "--log-format", "json")],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            entry = json.loads(line)
            if entry.get("event") == "batch":
                seen.append((time.perf_counter(), int(entry["head_seq"])))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    published: list[float] = []
    try:
        time.sleep(1.0)  # the follower connects
        messages = trades(count, seed=5, prefix="l")

        async def send(js: Any) -> None:
            for message in messages:
                await js.publish(streams.subject, message)
                published.append(time.perf_counter())
                await asyncio.sleep(0.05)

        streams._do(send)
        deadline = time.monotonic() + 30
        while (not seen or seen[-1][1] < count) and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        process.terminate()
        process.wait(timeout=30)
        streams.delete()
    waits = []
    for n, sent in enumerate(published, start=1):
        shown = next(when for when, head in seen if head >= n)
        waits.append((shown - sent) * 1000)
    return waits


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--latency", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        figures = rate(args.messages, Path(tmp))
        waits = sorted(latency(args.latency, Path(tmp)))
    n = args.messages
    print("| messages | owl follow --once | owl ingest (same rows, one file) | follow / ingest |")
    print("|---|---|---|---|")
    print(
        f"| {n:,} | {figures['follow_s']:.2f} s ({n / figures['follow_s']:,.0f}/s) | "
        f"{figures['ingest_s']:.2f} s ({n / figures['ingest_s']:,.0f}/s) | "
        f"{figures['ingest_s'] / figures['follow_s']:.2f}x the speed |"
    )
    p99 = waits[min(len(waits) - 1, int(len(waits) * 0.99))]
    print()
    p50 = statistics.median(waits)
    print(f"publish to visible, {len(waits)} messages at 20/s: p50 {p50:.0f} ms, "
          f"p99 {p99:.0f} ms, worst {waits[-1]:.0f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
