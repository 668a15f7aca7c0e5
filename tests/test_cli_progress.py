"""A progress bar on a terminal for big inputs, and silence when stderr is not a terminal."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.builders import counts

ROOT = Path(__file__).resolve().parent.parent


def big_feed(path: Path, lines: int) -> str:
    with path.open("w") as handle:
        for n in range(lines):
            handle.write(
                json.dumps(
                    {
                        "type": "SharesPurchased",
                        "issuer": "INOC",
                        "effective_date": "2003-08-14",
                        "holder": f"H{n % 50}",
                        "shares": 1,
                        "event_id": f"t{n}",
                    }
                )
                + "\n"
            )
    return str(path)


def ingest(tmp_path: Path, feed: str, stderr_tty: bool) -> tuple[str, str]:
    db = f"sqlite:///{tmp_path}/owl.db"
    run = [sys.executable, "-m", "cli", "--db", db]
    subprocess.run([*run, "init"], cwd=ROOT, check=True, capture_output=True)
    if not stderr_tty:
        done = subprocess.run([*run, "ingest", feed], cwd=ROOT, capture_output=True, text=True)
        return done.stdout, done.stderr
    leader, follower = os.openpty()
    done = subprocess.run(
        [*run, "ingest", feed], cwd=ROOT, stdout=subprocess.PIPE, stderr=follower, text=True
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed: all was read
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    return done.stdout, b"".join(chunks).decode()


def test_a_big_feed_read_at_a_terminal_shows_a_progress_bar(tmp_path: Path) -> None:
    stdout, terminal = ingest(tmp_path, big_feed(tmp_path / "big.jsonl", 6_000), stderr_tty=True)

    assert counts(stdout) == "appended 6000, already present 0\n"
    assert "Reading" in terminal
    assert "100%" in terminal


def test_no_progress_bar_when_stderr_is_not_a_terminal(tmp_path: Path) -> None:
    stdout, stderr = ingest(tmp_path, big_feed(tmp_path / "big.jsonl", 6_000), stderr_tty=False)

    assert counts(stdout) == "appended 6000, already present 0\n"
    assert stderr == ""
