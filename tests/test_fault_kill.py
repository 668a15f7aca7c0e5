"""`owl ingest` killed with SIGKILL at a random moment (a real process, both backends): the log
holds the whole batch or none of it, the chain verifies with no gap in seq, every query still
answers, and ingesting the same file again appends exactly what is missing."""

from __future__ import annotations

import random
import signal
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest

from projections.api import Ledger
from tests.faultkit import (
    Probe,
    assert_sound,
    batch_file,
    named,
    report,
    run_owl,
    soak_size,
    start_owl,
)


def kill_during_ingest(
    url: str, folder: Path, kills: int, seed: int, lines: int = 1500
) -> Counter[str]:
    """`kills` rounds of: start an ingest of a new batch, SIGKILL it after a random delay,
    check, ingest the file again. Returns how many rounds left the batch whole or absent."""
    Ledger(url).init()
    rng = random.Random(seed)
    probe = Probe(url)
    seen: Counter[str] = Counter()
    for round in range(kills):
        tag = f"k{round}"
        feed = batch_file(folder / f"{tag}.jsonl", tag, lines)
        before = probe.seqs()[0]
        process = start_owl(url, "ingest", str(feed))
        # from before the first query (the process starts in about 0.5 s) to after the commit
        time.sleep(rng.uniform(0.2, 0.6 + lines / 2500))
        process.send_signal(signal.SIGKILL)
        _, stderr = process.communicate(timeout=60)
        assert b"Traceback" not in stderr

        held = probe.of_batch(tag)
        assert held in (0, lines), f"round {round}: {held} of {lines} events of the batch"
        assert probe.seqs()[0] == before + held
        seen["whole" if held else "none"] += 1
        seen["finished before the kill" if process.returncode == 0 else "killed"] += 1
        ledger = Ledger(url)
        assert ledger.verify()["ok"] is True
        if held:
            assert ledger.ownership("FLT", "2003-08-14")["holders"]  # the tail check passes
        ledger.close()

        again = run_owl(url, "ingest", str(feed))
        assert again.returncode == 0, again.stderr
        assert again.stdout.startswith(f"appended {lines - held}, already present {held}\n"), (
            again.stdout
        )
        assert probe.of_batch(tag) == lines
        feed.unlink()
    probe.close()
    assert_sound(url)
    return seen


def test_a_killed_ingest_leaves_all_or_nothing_and_the_retry_completes_it(
    db_url: str, tmp_path: Path
) -> None:
    seen = kill_during_ingest(db_url, tmp_path, kills=2, seed=9)

    assert seen["whole"] + seen["none"] == 2


def test_an_ingest_killed_before_it_commits_wrote_nothing(db_url: str, tmp_path: Path) -> None:
    """The kill lands while the batch is being appended: the transaction is open (the lock is
    held), so the kill is certainly before the commit."""
    Ledger(db_url).init()
    feed = batch_file(tmp_path / "big.jsonl", "big", 20_000)
    probe = Probe(db_url)
    name = f"owl-kill-{uuid.uuid4().hex[:12]}"
    process = start_owl(named(db_url, name), "ingest", str(feed))
    writing = False
    deadline = time.monotonic() + 60
    while not writing and time.monotonic() < deadline:
        time.sleep(0.05)
        writing = _writing(probe, name)
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=60)

    assert writing and process.returncode == -signal.SIGKILL
    assert probe.of_batch("big") == 0
    assert_sound(db_url)
    probe.close()


def _writing(probe: Probe, name: str) -> bool:
    """Whether the writer holds the write lock now (PostgreSQL's advisory lock, taken by the
    backend of that name; SQLite's reserved lock, seen as a write that cannot start)."""
    if probe.engine.dialect.name == "postgresql":
        return probe.writer_pid(name) is not None
    raw = probe.engine.raw_connection()
    try:
        raw.driver_connection.execute("PRAGMA busy_timeout = 0")  # type: ignore[union-attr]
        raw.driver_connection.isolation_level = None  # type: ignore[union-attr]
        try:
            raw.driver_connection.execute("BEGIN IMMEDIATE")  # type: ignore[union-attr]
        except Exception:  # "database is locked": a writer holds it
            return True
        raw.driver_connection.execute("ROLLBACK")  # type: ignore[union-attr]
        return False
    finally:
        raw.close()


@pytest.mark.soak
def test_soak_kill_during_ingest(db_url: str, tmp_path: Path) -> None:
    kills = soak_size("OWL_SOAK_KILLS", 100)
    started = time.monotonic()

    seen = kill_during_ingest(db_url, tmp_path, kills, int(time.time()), lines=4000)

    report(
        f"kill -9 during ingest ({db_url.split(':')[0].split('+')[0]})",
        kills=kills,
        lines_per_batch=4000,
        **{k.replace(" ", "_"): v for k, v in sorted(seen.items())},
        events_lost=0,
        seconds=round(time.monotonic() - started),
    )
