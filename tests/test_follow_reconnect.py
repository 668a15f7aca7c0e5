"""`owl follow` loses its connection to NATS mid-stream (a proxy between them drops every
connection and refuses new ones for a while): it says so, connects again after a growing pause,
says that too, and goes on; nothing is lost or appended twice."""

from __future__ import annotations

import contextlib
import signal
import socket
import threading
import time
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from owl.projections.application.api import Ledger
from tests.faultkit import run_owl, start_owl
from tests.natskit import Streams, good_trades, nats_url, streams

__all__ = ["nats_url", "streams"]  # the fixtures


class Proxy:
    """A TCP proxy to the NATS server that can drop its connections and refuse new ones."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.refusing = threading.Event()
        self.open: list[socket.socket] = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return  # closed
            if self.refusing.is_set():
                client.close()
                continue
            upstream = socket.create_connection(self.target)
            with self.lock:
                self.open += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        for end in (source, sink):
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)

    def drop(self) -> None:
        self.refusing.set()
        with self.lock:
            for end in self.open:
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)
                end.close()
            self.open = []

    def close(self) -> None:
        self.drop()
        self.listener.close()


@pytest.fixture
def proxy(nats_url: str) -> Iterator[Proxy]:
    parts = urlsplit(nats_url)
    made = Proxy((parts.hostname or "127.0.0.1", parts.port or 4222))
    yield made
    made.close()


class Lines:
    """The lines a process prints, read as they come."""

    def __init__(self, process: object) -> None:
        self.seen: list[str] = []
        stdout = process.stdout  # type: ignore[attr-defined]
        threading.Thread(target=self._read, args=(stdout,), daemon=True).start()

    def _read(self, stdout: object) -> None:
        for raw in stdout:  # type: ignore[attr-defined]
            self.seen.append(raw.decode())

    def wait_for(self, start: str, seconds: float = 20) -> str:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            found = [line for line in self.seen if line.startswith(start)]
            if found:
                return found[0]
            time.sleep(0.02)
        raise AssertionError(f"no line starting {start!r} in {self.seen[-5:]}")


def test_a_lost_connection_is_said_tried_again_and_nothing_is_lost(
    sqlite_url: str, streams: Streams, proxy: Proxy
) -> None:
    streams.publish(good_trades(400))
    Ledger(sqlite_url).init()
    args = streams.follow_args("--batch", "5", "--max-wait", "100")
    args[1] = f"nats://127.0.0.1:{proxy.port}"
    process = start_owl(sqlite_url, *args)
    lines = Lines(process)
    lines.wait_for("batch of")

    proxy.drop()
    lost = lines.wait_for("no connection to NATS")
    time.sleep(0.6)  # the first attempt, 0.5 s after the loss, is refused too
    proxy.refusing.clear()
    again = lines.wait_for("connected again after")
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=30)
    drained = run_owl(sqlite_url, *streams.follow_args("--batch", "500", "--once"))

    assert "connecting again in 0.5 s (attempt 1)" in lost
    assert again.startswith("connected again after ")
    assert process.returncode == 0
    assert drained.returncode == 0, drained.stderr
    ledger = Ledger(sqlite_url)
    ids = [r.event.event_id for r in ledger.log()]
    assert len(ids) == len(set(ids)) == 400
    ledger.close()
