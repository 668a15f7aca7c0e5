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

from owl.projections.application.api import Ledger
from tests.faultkit import (
    Probe,
    assert_sound,
    backend,
    batch_file,
    ingest_again,
    named,
    soak_rounds,
    start_owl,
    wait_for_writer,
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

        seen["events lost"] += ingest_again(url, probe, feed, tag, lines, held)
        assert seen["events lost"] == 0
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
    writing = wait_for_writer(probe, name)
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=60)

    assert writing and process.returncode == -signal.SIGKILL
    assert probe.of_batch("big") == 0
    assert_sound(db_url)
    probe.close()


@pytest.mark.soak
def test_soak_kill_during_ingest(db_url: str, tmp_path: Path) -> None:
    soak_rounds(
        f"kill -9 during ingest ({backend(db_url)})",
        "OWL_SOAK_KILLS",
        100,
        4000,
        lambda kills, seed: kill_during_ingest(db_url, tmp_path, kills, seed, lines=4000),
    )
