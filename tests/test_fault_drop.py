"""A PostgreSQL connection dropped mid-batch (the server ends the writer's backend, as a restart,
a failover or an administrator's pg_terminate_backend would): `owl ingest` stops with a clear
error and no traceback, nothing of the batch is written, the chain verifies, and the same
ingest run again appends it all."""

from __future__ import annotations

import random
import re
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest

from owl.projections.application.api import Ledger
from tests.faultkit import (
    Probe,
    assert_sound,
    batch_file,
    ingest_again,
    named,
    soak_rounds,
    start_owl,
    wait_for_writer,
)

pytestmark = pytest.mark.postgres


def drop_mid_batch(
    url: str, folder: Path, drops: int, seed: int, lines: int = 5000
) -> Counter[str]:
    """`drops` rounds of: start an ingest, wait until it holds the write lock (its batch is
    being appended), then a random moment more, end its backend; check; ingest again."""
    Ledger(url).init()
    rng = random.Random(seed)
    probe = Probe(url)
    seen: Counter[str] = Counter()
    for round in range(drops):
        tag = f"d{round}"
        feed = batch_file(folder / f"{tag}.jsonl", tag, lines)
        name = f"owl-drop-{uuid.uuid4().hex[:12]}"
        process = start_owl(named(url, name), "ingest", str(feed))
        assert wait_for_writer(probe, name), "the ingest never took the write lock"
        pid = probe.writer_pid(name)
        time.sleep(rng.uniform(0, 0.5) if drops > 1 else 0)
        ended = probe.scalar("SELECT pg_terminate_backend(:pid)", pid=pid)
        stdout, stderr = process.communicate(timeout=120)
        shown = stderr.decode()

        assert ended is True, (process.returncode, stdout, shown)
        assert "Traceback" not in shown and "WARNING" not in shown and "ERROR" not in shown
        held = probe.of_batch(tag)
        if process.returncode == 0:  # the batch committed before the backend was ended
            assert held == lines, shown
            seen["committed before the drop"] += 1
        else:
            assert process.returncode == 1
            where = re.escape(_shown(named(url, name)))
            assert re.match(
                f"Error: lost the connection to the ledger at {where} "
                r"\([^\n]+\); an append that had not committed was rolled back",
                shown,
            ), shown
            assert shown.count("\n") == 1, shown  # one line, no driver log
            assert held == 0, f"{held} events of the batch written"
            seen["refused, nothing written"] += 1
        assert_sound(url)
        seen["events lost"] += ingest_again(url, probe, feed, tag, lines, held)
        assert seen["events lost"] == 0
        feed.unlink()
    probe.close()
    return seen


def _shown(url: str) -> str:
    from owl.ledger.sql.store import safe_url

    return safe_url(url)


def test_a_connection_dropped_mid_batch_writes_nothing_and_the_retry_succeeds(
    postgres_url: str, tmp_path: Path
) -> None:
    seen = drop_mid_batch(postgres_url, tmp_path, drops=1, seed=0)

    assert (seen["refused, nothing written"], seen["events lost"]) == (1, 0)


@pytest.mark.soak
def test_soak_connection_dropped_mid_batch(postgres_url: str, tmp_path: Path) -> None:
    soak_rounds(
        "PostgreSQL connection dropped mid-batch",
        "OWL_SOAK_DROPS",
        50,
        20_000,
        lambda drops, seed: drop_mid_batch(postgres_url, tmp_path, drops, seed, lines=20_000),
    )


def test_driver_log_records_never_reach_the_users_terminal() -> None:
    """SQLAlchemy's pool logs a failed reset of a broken connection at ERROR, with its
    traceback; without a handler Python would print it on stderr."""
    import subprocess
    import sys

    from tests.faultkit import ENV, ROOT

    logged = (
        "import logging, cli.main; "
        "logging.getLogger('sqlalchemy.pool.impl.QueuePool').error('Exception during reset'); "
        "logging.getLogger('psycopg').warning('error ignored in rollback')"
    )
    done = subprocess.run(
        [sys.executable, "-c", logged], cwd=ROOT, env=ENV, capture_output=True, text=True
    )

    assert (done.returncode, done.stderr) == (0, "")
