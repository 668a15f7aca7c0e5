"""Writers and readers in separate processes at once (both backends): every answer a reader got
equals the full replay of the prefix of the log it names. A view names, as its `known_at`, the
latest recording it saw; the prefix is every event recorded at or before it. The oracle is
`projections.replay` over the plain events, without checkpoints or projections."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from owl.ledger.log import Pending, Recorded
from owl.projections.application.api import Ledger
from owl.projections.views.report import status_json
from tests.databases import fresh_database
from tests.fault_worker import ISSUER, base
from tests.faultkit import ENV, ROOT, assert_sound, backend, report, soak_size
from tests.oracle import ownership_json, state_at


def worker(*args: object) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.fault_worker", *map(str, args)],
        cwd=ROOT,
        env=ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def expected(log: list[Recorded], kind: str, as_of: str, known_at: str) -> Any:
    """The oracle: the replay of the events recorded by `known_at`, as the view would say it."""
    prefix = sorted(
        (r for r in log if r.recorded_at <= known_at),
        key=lambda r: (r.event.effective_date, r.seq),
    )
    day = date.fromisoformat(as_of)
    seen = [r for r in prefix if r.event.effective_date <= day or r.event.type == "EventVoided"]
    if kind == "status":
        body = status_json(state_at(ISSUER, seen, day), known_at)
        body["events_known"] = len(seen)
    else:
        body = ownership_json(state_at(ISSUER, seen, day), known_at)
    return json.loads(json.dumps(body))


def writers_and_readers(
    url: str, folder: Path, writers: int, batches: int, readers: int, reads: int
) -> dict[str, int]:
    ledger = Ledger(url)
    ledger.init()
    ledger.append([Pending(e) for e in base()])
    outs = [folder / f"reader-{n}.jsonl" for n in range(readers)]
    running = [worker("write", url, 100 + n, batches) for n in range(writers)]
    running += [worker("read", url, 200 + n, reads, out) for n, out in enumerate(outs)]
    finished = [p.communicate(timeout=900) for p in running]

    for process, (_, stderr) in zip(running, finished, strict=True):
        assert process.returncode == 0, stderr
        assert stderr == ""
    log = list(ledger.log())
    ledger.close()
    answers = [json.loads(line) for out in outs for line in out.read_text().splitlines()]
    for n, got in enumerate(answers):
        known_at = got["answer"]["known_at"]
        want = expected(log, got["kind"], got["as_of"], known_at)
        assert got["answer"] == want, f"answer {n}: {got['kind']} as of {got['as_of']}"
    assert len(answers) == readers * reads
    assert_sound(url)
    refused = sum(json.loads(out)["refused"] for out, _ in finished[:writers])
    return {
        "answers_checked": len(answers),
        "prefixes_seen": len({a["answer"]["known_at"] for a in answers}),
        "events": log[-1].seq,
        "batches_refused": refused,
    }


def test_every_answer_read_during_concurrent_appends_equals_the_replay_of_its_prefix(
    db_url: str, tmp_path: Path
) -> None:
    found = writers_and_readers(db_url, tmp_path, writers=2, batches=10, readers=2, reads=10)

    assert found["answers_checked"] == 20


@pytest.mark.soak
def test_soak_concurrent_writers_and_readers(db_url: str, tmp_path: Path) -> None:
    rounds = soak_size("OWL_SOAK_ROUNDS", 20)
    started = time.monotonic()
    totals: dict[str, int] = {}

    for n in range(rounds):
        folder = tmp_path / f"round-{n}"
        folder.mkdir()
        with fresh_database(db_url, tmp_path) as url:
            found = writers_and_readers(url, folder, writers=4, batches=60, readers=4, reads=60)
        for key, value in found.items():
            totals[key] = totals.get(key, 0) + value

    report(
        f"concurrent writers and readers ({backend(db_url)})",
        started,
        rounds=rounds,
        writers=4,
        readers=4,
        **totals,  # answers_checked: each equal to the replay of its prefix
    )
