"""A progress bar on a terminal for big inputs, and silence when stderr is not a terminal."""

from __future__ import annotations

import dataclasses
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


def owl(tmp_path: Path, args: list[str], stderr_tty: bool) -> tuple[str, str]:
    """Run `owl ARGS` on the test's ledger; its stdout, and its stderr (read from a pseudo-
    terminal when `stderr_tty`)."""
    run = [sys.executable, "-m", "owl.cli", "--db", f"sqlite:///{tmp_path}/owl.db", *args]
    if not stderr_tty:
        done = subprocess.run(run, cwd=ROOT, capture_output=True, text=True)
        return done.stdout, done.stderr
    leader, follower = os.openpty()
    done = subprocess.run(run, cwd=ROOT, stdout=subprocess.PIPE, stderr=follower, text=True)
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


def ingest(tmp_path: Path, feed: str, stderr_tty: bool) -> tuple[str, str]:
    owl(tmp_path, ["init"], stderr_tty=False)
    return owl(tmp_path, ["ingest", feed], stderr_tty)


def test_a_big_feed_read_at_a_terminal_shows_a_progress_bar(tmp_path: Path) -> None:
    stdout, terminal = ingest(tmp_path, big_feed(tmp_path / "big.jsonl", 6_000), stderr_tty=True)

    assert counts(stdout) == "appended 6000, already present 0\n"
    assert "Reading" in terminal
    assert "100%" in terminal


def test_no_progress_bar_when_stderr_is_not_a_terminal(tmp_path: Path) -> None:
    stdout, stderr = ingest(tmp_path, big_feed(tmp_path / "big.jsonl", 6_000), stderr_tty=False)

    assert counts(stdout) == "appended 6000, already present 0\n"
    assert stderr == ""


def test_rebuild_and_verify_of_a_big_log_at_a_terminal_show_a_progress_bar(
    tmp_path: Path,
) -> None:
    ingest(tmp_path, big_feed(tmp_path / "big.jsonl", 6_000), stderr_tty=False)

    stdout, terminal = owl(tmp_path, ["rebuild"], stderr_tty=True)
    assert stdout == "rebuilt the projections and checkpoints from 6000 events\n"
    assert "Rebuilding" in terminal and "100%" in terminal

    stdout, terminal = owl(tmp_path, ["verify"], stderr_tty=True)
    assert stdout.startswith("ok: 6000 events, head seq 6000, hash ")
    assert "Verifying" in terminal and "100%" in terminal


def test_rebuild_and_verify_are_silent_on_stderr_when_it_is_not_a_terminal(
    tmp_path: Path,
) -> None:
    ingest(tmp_path, big_feed(tmp_path / "big.jsonl", 6_000), stderr_tty=False)

    assert owl(tmp_path, ["rebuild"], stderr_tty=False)[1] == ""
    assert owl(tmp_path, ["verify"], stderr_tty=False)[1] == ""


def test_the_progress_the_api_reports_adds_up_to_the_events_read(tmp_path: Path) -> None:
    from owl.projections.application.api import Ledger

    ingest(tmp_path, big_feed(tmp_path / "big.jsonl", 2_500), stderr_tty=False)
    ledger = Ledger(f"sqlite:///{tmp_path}/owl.db")
    try:
        rebuilt: list[int] = []
        verified: list[int] = []
        assert ledger.rebuild(progress=rebuilt.append) == sum(rebuilt) == 2_500
        assert ledger.verify(progress=verified.append)["ok"]
        assert verified == [1_000, 1_000, 500] and ledger.head_seq() == 2_500
    finally:
        ledger.close()


def test_a_verification_reports_the_rows_it_found_sound_from_its_window_s_start() -> None:
    from owl.ledger.chain import GENESIS, ChainRow, row_hash, verify_rows

    rows, prev = [], GENESIS
    for seq in range(1, 2_302):
        args = (seq, f"e{seq}", "I", "SharesPurchased", "2020-01-01", "t", "{}")
        rows.append(ChainRow(*args, prev, row_hash(prev, *args)))
        prev = rows[-1].hash

    window: list[int] = []
    assert verify_rows(rows[300:], start=(300, rows[299].hash), progress=window.append).ok
    assert window == [1_000, 1_000, 1]

    broken = [*rows[:1_500], dataclasses.replace(rows[1_500], payload="{ }"), *rows[1_501:]]
    found: list[int] = []
    assert verify_rows(broken, progress=found.append).bad_seq == 1_501
    assert found == [1_000, 500]  # the rows before the first bad one, and no more
