"""What the fault tests share: `owl` as a real process, feeds of many trades, how many times to
try a fault (a few in `make test`, many in `make soak`), and the checks every fault ends with.

The soak sizes come from the environment (`make soak` sets them): OWL_SOAK_KILLS,
OWL_SOAK_DROPS, OWL_SOAK_ROUNDS, OWL_SOAK_FUZZ. Each soak test prints one `soak:` line of
figures, which docs/reliability.md records.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import sqlalchemy

ROOT = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}


def soak_size(name: str, default: int) -> int:
    """How many times the soak tries a fault: the environment's figure, else `default`."""
    return int(os.environ.get(name, default))


def report(name: str, started: float, **figures: Any) -> None:
    """One line of soak figures on stdout (`make soak` runs pytest with -s): each figure as
    counted (a counter's words joined by underscores), and the seconds since `started`."""
    figures["seconds"] = round(time.monotonic() - started)
    shown = ", ".join(f"{_key(key)}={value}" for key, value in figures.items())
    print(f"\nsoak: {name}: {shown}", flush=True)


def soak_rounds(
    name: str, variable: str, default: int, lines: int, run: Callable[[int, int], Mapping[str, int]]
) -> None:
    """A round-based soak: `run(rounds, seed)` with the environment's count of rounds (else
    `default`) and a seed from the clock, then its counts reported."""
    rounds = soak_size(variable, default)
    started = time.monotonic()
    seen = run(rounds, int(time.time()))
    report(name, started, rounds=rounds, lines_per_batch=lines, **dict(sorted(seen.items())))


def _key(words: str) -> str:
    return words.replace(",", "").replace(" ", "_")


def backend(url: str) -> str:
    """ "sqlite" or "postgresql", for a report."""
    return url.split(":")[0].split("+")[0]


def owl_command(url: str, *args: str) -> list[str]:
    return [sys.executable, "-m", "owl.cli", "--db", url, *args]


def start_owl(url: str, *args: str, stdin: int | None = None) -> subprocess.Popen[bytes]:
    """`owl` as a separate process, its output captured."""
    return subprocess.Popen(
        owl_command(url, *args),
        cwd=ROOT,
        env=ENV,
        stdin=stdin,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def run_owl(url: str, *args: str, input: bytes | None = None) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        owl_command(url, *args), cwd=ROOT, env=ENV, input=input, capture_output=True, timeout=600
    )
    return subprocess.CompletedProcess(
        done.args,
        done.returncode,
        done.stdout.decode("utf-8", "replace"),
        done.stderr.decode("utf-8", "replace"),
    )


def trade(event_id: str, holder: str, shares: int, day: int = 14, issuer: str = "FLT") -> str:
    return json.dumps(
        {
            "type": "SharesPurchased",
            "issuer": issuer,
            "effective_date": f"2003-08-{day:02d}",
            "holder": holder,
            "shares": shares,
            "event_id": event_id,
        }
    )


def batch_file(path: Path, tag: str, lines: int) -> Path:
    """A jsonl feed of `lines` purchases whose event_ids all start with `tag`-."""
    path.write_text(
        "".join(trade(f"{tag}-{n}", f"Holder {n % 97}", 1 + n % 500) + "\n" for n in range(lines))
    )
    return path


def named(url: str, name: str) -> str:
    """The URL with an application name on PostgreSQL, so that this test finds its own
    backends (the write lock is per database: other ledgers on the server take it too)."""
    if not url.startswith("postgresql"):
        return url
    return f"{url}{'&' if '?' in url else '?'}application_name={name}"


WRITER = (
    "SELECT l.pid FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
    "WHERE l.locktype = 'relation' AND l.relation = 'writer_lock'::regclass "
    "AND l.mode = 'ExclusiveLock' AND l.granted AND a.application_name = :name"
)


class Probe:
    """Direct SQL on the ledger's database, for what the checks count."""

    def __init__(self, url: str) -> None:
        self.engine = sqlalchemy.create_engine(url)

    def close(self) -> None:
        self.engine.dispose()

    def scalar(self, sql: str, **params: Any) -> Any:
        with self.engine.connect() as conn:
            return conn.execute(sqlalchemy.text(sql), params).scalar()

    def of_batch(self, tag: str) -> int:
        """How many events of the batch tagged `tag` the log holds."""
        return int(self.scalar("SELECT count(*) FROM events WHERE event_id LIKE :p", p=f"{tag}-%"))

    def writer_pid(self, name: str) -> int | None:
        """The backend of the process connected as `name` while it holds the write lock."""
        pid = self.scalar(WRITER, name=name)
        return None if pid is None else int(pid)

    def writing(self, name: str) -> bool:
        """Whether the process connected as `name` holds the write lock now (PostgreSQL's
        `writer_lock` table, locked by the backend of that name; on SQLite, any writer's
        reserved lock, seen as a write that cannot start)."""
        if self.engine.dialect.name == "postgresql":
            return self.writer_pid(name) is not None
        raw = self.engine.raw_connection()
        try:
            driver: Any = raw.driver_connection
            driver.execute("PRAGMA busy_timeout = 0")
            driver.isolation_level = None
            try:
                driver.execute("BEGIN IMMEDIATE")
            except Exception:  # "database is locked": a writer holds it
                return True
            driver.execute("ROLLBACK")
            return False
        finally:
            raw.close()

    def seqs(self) -> tuple[int, int, int]:
        """(count, min seq, max seq) of the log: gapless when count == max and min is 1."""
        with self.engine.connect() as conn:
            count, low, high = conn.exec_driver_sql(
                "SELECT count(*), coalesce(min(seq), 1), coalesce(max(seq), 0) FROM events"
            ).one()
        return int(count), int(low), int(high)


def wait_for_writer(probe: Probe, name: str, seconds: float = 60) -> bool:
    """Wait until the process connected as `name` holds the write lock; whether it did."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if probe.writing(name):
            return True
        time.sleep(0.02)
    return False


def ingest_again(url: str, probe: Probe, feed: Path, tag: str, lines: int, held: int) -> int:
    """Ingest the batch again after a fault left `held` of its `lines` events: it appends
    exactly the rest. Returns the events of the batch still missing (lost)."""
    again = run_owl(url, "ingest", str(feed))
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith(f"appended {lines - held}, already present {held}\n"), (
        again.stdout
    )
    return lines - probe.of_batch(tag)


def assert_sound(url: str) -> dict[str, Any]:
    """`owl verify` (a real process) passes, the log is gapless, no traceback: its result."""
    from owl.projections.application.api import Ledger

    verified = run_owl(url, "verify")
    assert verified.returncode == 0, verified.stderr
    assert "Traceback" not in verified.stderr
    probe = Probe(url)
    count, low, high = probe.seqs()
    probe.close()
    assert (low, high) == (1, count), "a gap in seq"
    ledger = Ledger(url)
    result = ledger.verify()
    ledger.close()
    assert result["ok"] is True and result["events"] == count
    return result
