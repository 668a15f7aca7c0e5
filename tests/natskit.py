"""What the `owl follow` tests share: the NATS server, a stream of their own, trades to publish.

The server is the one on the machine (OWL_TEST_NATS_URL, default nats://127.0.0.1:4222, with
JetStream). Without it the tests skip with the reason, unless OWL_REQUIRE_NATS=1 (as in CI),
where a missing server fails the run. Each test gets streams with names of its own (a follow
stream and its dead-letter stream), deleted afterwards.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import socket
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlsplit

import nats
import pytest

NATS_URL = os.environ.get("OWL_TEST_NATS_URL", "nats://127.0.0.1:4222")
ISSUER = "FLW"
CSV_HEADER = "trade_id,issuer,holder,side,shares,trade_date,price"
START = date(2021, 1, 11)


def _unreachable(url: str) -> str | None:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 4222), 2):
            return None
    except OSError as exc:
        return str(exc)


@pytest.fixture(scope="session")
def nats_url() -> str:
    problem = _unreachable(NATS_URL)
    if problem is not None:
        if os.environ.get("OWL_REQUIRE_NATS") == "1":
            pytest.fail(f"OWL_REQUIRE_NATS=1 but NATS at {NATS_URL} is unreachable: {problem}")
        pytest.skip(f"NATS at {NATS_URL} is unreachable ({problem}); set OWL_TEST_NATS_URL")
    return NATS_URL


@dataclass(frozen=True)
class DeadLetter:
    data: bytes
    headers: Mapping[str, str]


@dataclass
class Streams:
    """A follow stream (subject `<prefix>.in`) and a dead-letter stream (`<prefix>.dead`) of
    this test's own, and the publishing and reading the tests do on them."""

    url: str
    name: str = field(default_factory=lambda: f"OWLT{uuid.uuid4().hex[:12].upper()}")
    loop: asyncio.AbstractEventLoop = field(default_factory=asyncio.new_event_loop)

    @property
    def subject(self) -> str:
        return f"owltest.{self.name}.in"

    @property
    def dead_letter(self) -> str:
        return f"owltest.{self.name}.dead"

    @property
    def dead_stream(self) -> str:
        return f"{self.name}_DEAD"

    def _do(self, work: Any) -> Any:
        async def session() -> Any:
            nc = await nats.connect(self.url)
            try:
                return await work(nc.jetstream())
            finally:
                await nc.close()

        return self.loop.run_until_complete(session())

    def create(self) -> None:
        async def work(js: Any) -> None:
            await js.add_stream(name=self.name, subjects=[self.subject])
            await js.add_stream(name=self.dead_stream, subjects=[self.dead_letter])

        self._do(work)

    def publish(self, messages: Sequence[bytes]) -> None:
        async def work(js: Any) -> None:
            for data in messages:
                await js.publish(self.subject, data)

        self._do(work)

    def dead_letters(self) -> list[DeadLetter]:
        async def work(js: Any) -> list[DeadLetter]:
            info = await js.stream_info(self.dead_stream)
            found = []
            for seq in range(info.state.first_seq, info.state.last_seq + 1):
                if info.state.messages == 0:
                    break
                raw = await js.get_msg(self.dead_stream, seq)
                found.append(DeadLetter(raw.data or b"", dict(raw.headers or {})))
            return found

        result: list[DeadLetter] = self._do(work)
        return result

    def delete(self) -> None:
        async def work(js: Any) -> None:
            for name in (self.name, self.dead_stream):
                with contextlib.suppress(nats.js.errors.NotFoundError):
                    await js.delete_stream(name)

        self._do(work)
        self.loop.close()

    def follow_args(self, *extra: str) -> list[str]:
        """`owl follow` on these streams, CSV rows allowed, acks awaited 1 s (so what a killed
        follower left unacknowledged comes again soon)."""
        return [
            "follow", self.url, "--stream", self.name, "--dead-letter", self.dead_letter,
            "--csv-header", CSV_HEADER, "--ack-wait", "1", *extra,
        ]  # fmt: skip


@pytest.fixture
def streams(nats_url: str) -> Iterator[Streams]:
    made = Streams(nats_url)
    made.create()
    try:
        yield made
    finally:
        made.delete()


# --- trades ---------------------------------------------------------------------------------------


def csv_row(trade_id: str, holder: str, side: str, shares: int, day: str, price: str = "") -> bytes:
    return f"{trade_id},{ISSUER},{holder},{side},{shares},{day},{price}".encode()


def json_event(**fields: Any) -> bytes:
    return json.dumps({"issuer": ISSUER, **fields}).encode()


def good_trades(count: int, seed: int = 7) -> list[bytes]:
    """`count` messages that are all events: the plan and the shares outstanding as JSON
    Lines, then CSV purchases and sales (never more than the holder has) over a few months."""
    rng = random.Random(seed)
    messages = [
        json_event(type="RightsAgreementAdopted", effective_date="2021-01-04",
                   event_id="flw-plan", threshold="15", expires_on="2031-01-04",
                   rights_agent="Agent Bank"),
        json_event(type="OutstandingReported", effective_date="2021-01-04",
                   event_id="flw-out", shares=1_000_000),
    ]  # fmt: skip
    held: dict[str, int] = {}
    for n in range(count - len(messages)):
        holder = f"Holder {rng.randrange(8)}"
        day = (START + timedelta(days=n * 180 // count)).isoformat()  # never backwards
        if held.get(holder, 0) > 100 and rng.random() < 0.3:
            shares = rng.randrange(1, held[holder] // 2)
            held[holder] -= shares
            messages.append(csv_row(f"t-{n}", holder, "SELL", shares, day, "12.50"))
        else:
            shares = rng.randrange(100, 20_000)
            held[holder] = held.get(holder, 0) + shares
            messages.append(csv_row(f"t-{n}", holder, "BUY", shares, day))
    return messages


def as_feed_files(messages: Sequence[bytes], folder: Any) -> list[str]:
    """The same messages as files `owl ingest` reads: the JSON ones as a jsonl file, the CSV
    rows under the header in a csv file, each in the order published."""
    jsonl = folder / "events.jsonl"
    csv = folder / "trades.csv"
    jsonl.write_bytes(b"".join(m + b"\n" for m in messages if m.startswith(b"{")))
    rows = [m for m in messages if not m.startswith(b"{")]
    csv.write_bytes(CSV_HEADER.encode() + b"\n" + b"".join(r + b"\n" for r in rows))
    return [str(jsonl), str(csv)]
