"""Two real processes appending at once leave one unbroken, gapless chain (both backends)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.storekit import Log

ROOT = Path(__file__).resolve().parent.parent


def test_two_processes_appending_at_once_leave_one_gapless_chain(db_url: str) -> None:
    log = Log(db_url)
    log.init()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.append_worker", db_url, name, "1000"],
            cwd=ROOT,
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("alpha", "beta")
    ]

    errors = [w.communicate(timeout=300)[1] for w in workers]

    assert [w.returncode for w in workers] == [0, 0], errors
    rows = list(log.read_all())
    assert [r.seq for r in rows] == list(range(1, 2001))
    assert sorted(r.event_id for r in rows) == sorted(
        f"{name}-{n}" for name in ("alpha", "beta") for n in range(1000)
    )
    assert [r.recorded_at for r in rows] == sorted(r.recorded_at for r in rows)
    verification = log.verify()
    assert (verification.ok, verification.rows) == (True, 2000)
    log.close()
