"""`owl ingest -` reads standard input whole (into a temporary file, up to `MAX_STDIN`) before
it takes the writers' lock: a producer that is slow to finish never blocks another writer, and
input past the bound is refused before anything is written."""

from __future__ import annotations

import io
import subprocess
import sys
import time
from pathlib import Path

import pytest

from owl.ledger.feeds import FeedRefused, spool

LINE = '{"type":"SharesPurchased","issuer":"INOC","effective_date":"2003-08-14","holder":"%s","shares":5}\n'  # noqa: E501


def test_a_slow_producer_on_standard_input_does_not_hold_the_writers_lock(
    sqlite_url: str, tmp_path: Path
) -> None:
    owl = [sys.executable, "-m", "owl.cli", "--db", sqlite_url]
    subprocess.run([*owl, "init"], check=True, capture_output=True)
    other = tmp_path / "other.jsonl"
    other.write_text(LINE % "B")
    slow = subprocess.Popen([*owl, "ingest", "-"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)  # fmt: skip
    assert slow.stdin is not None
    slow.stdin.write((LINE % "A").encode())
    slow.stdin.flush()
    time.sleep(1.0)  # the slow ingest has started and is still reading its input

    meanwhile = subprocess.run([*owl, "--wait", "1", "ingest", str(other)], capture_output=True,
                               text=True)  # fmt: skip
    slow.stdin.write((LINE % "C").encode())
    slow.stdin.close()
    assert slow.stdout is not None and slow.stderr is not None
    out, err = slow.stdout.read(), slow.stderr.read()
    slow.wait(timeout=60)

    assert meanwhile.returncode == 0, meanwhile.stderr
    assert meanwhile.stdout.startswith("appended 1,")
    assert slow.returncode == 0, err
    assert out.decode().startswith("appended 2,")


def test_standard_input_past_the_bound_is_refused_whole() -> None:
    with pytest.raises(FeedRefused, match="standard input is larger than 10 bytes"):
        spool(io.BytesIO(b"x" * 11), 10)

    assert spool(io.BytesIO(b"x" * 10), 10).read() == b"x" * 10
