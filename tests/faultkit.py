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
from pathlib import Path
from typing import Any

import sqlalchemy

ROOT = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}


def soak_size(name: str, default: int) -> int:
    """How many times the soak tries a fault: the environment's figure, else `default`."""
    return int(os.environ.get(name, default))


def report(name: str, **figures: Any) -> None:
    """One line of soak figures on stdout (`make soak` runs pytest with -s)."""
    shown = ", ".join(f"{key}={value}" for key, value in figures.items())
    print(f"\nsoak: {name}: {shown}", flush=True)


def owl_command(url: str, *args: str) -> list[str]:
    return [sys.executable, "-m", "cli", "--db", url, *args]


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
    "WHERE l.locktype = 'advisory' AND l.objid = :key AND l.granted "
    "AND a.application_name = :name"
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
        from ledger.sql.store import WRITE_LOCK_KEY

        pid = self.scalar(WRITER, key=WRITE_LOCK_KEY, name=name)
        return None if pid is None else int(pid)

    def seqs(self) -> tuple[int, int, int]:
        """(count, min seq, max seq) of the log: gapless when count == max and min is 1."""
        with self.engine.connect() as conn:
            count, low, high = conn.exec_driver_sql(
                "SELECT count(*), coalesce(min(seq), 1), coalesce(max(seq), 0) FROM events"
            ).one()
        return int(count), int(low), int(high)


def assert_sound(url: str) -> dict[str, Any]:
    """`owl verify` (a real process) passes, the log is gapless, no traceback: its result."""
    from projections.api import Ledger

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
