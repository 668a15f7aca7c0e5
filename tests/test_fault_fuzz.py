"""The input fuzzer (both backends): valid jsonl and csv feeds, mutated (truncated, values of the
wrong type, huge integers, NaN and Infinity, deep nesting, long strings, NUL, bytes that are
not UTF-8, keys given twice, bytes flipped, dropped or repeated), ingested through the command
line (a file, and standard input) and through the Python API. Whatever the input: the exit status
is 0 or 1 (`Error: ...`, no traceback), the API raises only `LedgerError`, and a refused feed
leaves the log exactly as it was (its row count and its verify digest). The soak also measures
the peak memory of real `owl ingest` processes on the largest inputs."""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from owl.cli.main import cli
from owl.ledger.errors import LedgerError
from owl.ledger.feeds.lines import MAX_LINE
from owl.projections.application.api import Ledger
from tests.faultkit import (
    ENV,
    ROOT,
    assert_sound,
    backend,
    owl_command,
    report,
    soak_size,
)

INNOTRAC = (ROOT / "data" / "innotrac" / "events.jsonl").read_text().splitlines()
TRADES = [
    '{"type":"SharesPurchased","issuer":"FZZ","effective_date":"2003-08-14","holder":"A",'
    '"shares":500,"event_id":"fz-1","price":"6.25","source":"Form 4"}',
    '{"type":"SharesSold","issuer":"FZZ","effective_date":"2003-08-15","holder":"A",'
    '"shares":200,"event_id":"fz-2"}',
    '{"type":"SharesTransferred","issuer":"FZZ","effective_date":"2003-08-16",'
    '"from_holder":"A","to_holder":"B","shares":100,"event_id":"fz-3"}',
]
JSONL = INNOTRAC + TRADES
CSV_HEADER = "trade_id,issuer,holder,side,shares,trade_date,price"
CSV_ROWS = [
    "c-1,FZZ,C,BUY,700,2003-08-14,6.25",
    "c-2,FZZ,C,SELL,300,2003-08-15,",
    'c-3,FZZ,"D, Inc.",B,10,2003-08-16,1',
]

MUTATIONS = (
    "truncate",
    "swap_type",
    "huge_int",
    "nan",
    "nest",
    "long_string",
    "nul",
    "bad_utf8",
    "duplicate_key",
    "flip_byte",
    "drop_bytes",
    "repeat_line",
    "csv_field",
)
RAW = "\x00RAW\x00"  # a value json.dumps writes as a string, then replaced by raw text
BAD_UTF8 = [b"\xff", b"\xc3(", b"\xed\xa0\x80", b"\xc0\xaf", b"\xf8\x88\x80\x80\x80", b"\x80"]
SWAPS: list[Any] = [None, True, 0, -1, 1.5, "", "x", [], {}, [1], {"a": 1}, "2003-02-30"]


def raw_value(n: int, m: int) -> str:
    """Text that is no ordinary JSON value: huge numbers, NaN, Infinity, deep nesting."""
    return [
        "9" * (1 + m % 6000),
        "-" + "9" * (1 + m % 30),
        "1e999",
        "NaN",
        "Infinity",
        "-Infinity",
        "[" * (1 + m % 100_000),
        "[" * (m % 3000) + "]" * (m % 3000),
        '{"a":' * (1 + m % 5000),
    ][n % 9]


def mutate_line(line: str, kind: str, n: int, m: int) -> bytes:
    """One mutation of one line (json-aware where the line is JSON)."""
    data = line.encode()
    try:
        obj = json.loads(line)
    except (ValueError, RecursionError):
        obj = None
    keys = sorted(obj) if isinstance(obj, dict) else []
    key = keys[n % len(keys)] if keys else None
    if kind == "truncate":
        return data[: m % (len(data) + 1)]
    if kind == "flip_byte" and data:
        at = m % len(data)
        return data[:at] + bytes([data[at] ^ (1 << (n % 8))]) + data[at + 1 :]
    if kind == "drop_bytes" and data:
        at = m % len(data)
        return data[:at] + data[at + 1 + n % 5 :]
    if kind == "nul":
        at = m % (len(data) + 1)
        return data[:at] + b"\x00" + data[at:]
    if kind == "bad_utf8":
        at = m % (len(data) + 1)
        return data[:at] + BAD_UTF8[n % len(BAD_UTF8)] + data[at:]
    if kind == "long_string":
        size = [1000, 70_000, 300_000, MAX_LINE + 10][n % 4]
        if obj is not None and key is not None:
            return json.dumps({**obj, key: "x" * size}).encode()
        return data + b"y" * size
    if kind == "csv_field" and obj is None and "," in line:
        fields = line.split(",")
        fields[n % len(fields)] = [
            "9" * (m % 40),
            "-5",
            "1.5",
            "NaN",
            "inf",
            '"',
            '"a""b',
            "0",
            "z" * (m % 200_000),
            "",
            "2003-13-01",
            "\u202e",
        ][m % 12]
        return ",".join(fields).encode()
    if obj is None or key is None:
        return data[: m % (len(data) + 1)]
    if kind == "swap_type":
        return json.dumps({**obj, key: SWAPS[m % len(SWAPS)]}).encode()
    if kind in ("huge_int", "nan", "nest"):
        n = {"huge_int": n % 2, "nan": 2 + n % 4, "nest": 6 + n % 3}[kind]
        return json.dumps({**obj, key: RAW}).replace(json.dumps(RAW), raw_value(n, m)).encode()
    if kind == "duplicate_key":
        text = json.dumps(obj)
        again = json.dumps({key: SWAPS[m % len(SWAPS)]})[1:-1]
        return (text[:-1] + ", " + again + "}").encode()
    return data


FEEDS = st.sampled_from(["jsonl", "csv"])
EDITS = st.lists(
    st.tuples(st.sampled_from(MUTATIONS), st.integers(0, 2**16), st.integers(0, 2**20)),
    min_size=1,
    max_size=3,
)


def fuzzed(fmt: str, pick: int, edits: list[tuple[str, int, int]]) -> bytes:
    """A feed of up to four valid lines, some of them mutated."""
    if fmt == "jsonl":
        lines = [JSONL[(pick + k) % len(JSONL)] for k in range(1 + pick % 4)]
    else:
        lines = [CSV_HEADER] + [CSV_ROWS[(pick + k) % len(CSV_ROWS)] for k in range(pick % 4)]
    out = [line.encode() for line in lines]
    for kind, n, m in edits:
        at = n % len(out)
        if kind == "repeat_line":
            out.insert(at, out[at])
        else:
            out[at] = mutate_line(out[at].decode("utf-8", "replace"), kind, n // 7, m)
    return b"\n".join(out) + (b"\n" if edits[0][1] % 3 else b"")


class Watch:
    """The ledger's log before a fuzzed ingest, to compare after it."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.before = ledger.verify()

    def unchanged(self) -> bool:
        return self.ledger.verify() == self.before

    def grown_by(self, appended: int) -> bool:
        after = self.ledger.verify()
        return after["ok"] is True and after["events"] == self.before["events"] + appended


APPENDED = re.compile(r"^appended (\d+), already present \d+")


def ingest_by_cli(url: str, ledger: Ledger, feed: bytes, fmt: str, path: Path) -> str:
    """Ingest through the command line (file or stdin); check the outcome; say which it was."""
    watch = Watch(ledger)
    if len(feed) % 2:
        path = path.with_suffix(f".{fmt}")
        path.write_bytes(feed)
        result = CliRunner().invoke(cli, ["--db", url, "ingest", str(path)])
    else:
        result = CliRunner().invoke(cli, ["--db", url, "ingest", "--format", fmt, "-"], input=feed)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.stderr
    assert result.exit_code in (0, 1), (result.exit_code, result.output)
    if result.exit_code == 1:
        assert result.stderr.startswith("Error: "), result.stderr
        assert watch.unchanged(), "a refused feed changed the log"
        return "refused"
    found = APPENDED.match(result.stdout)
    assert found is not None, result.stdout
    assert watch.grown_by(int(found.group(1)))
    return "accepted"


def ingest_by_api(ledger: Ledger, feed: bytes, fmt: str, path: Path) -> str:
    watch = Watch(ledger)
    path = path.with_suffix(f".{fmt}")
    path.write_bytes(feed)
    try:
        result = ledger.ingest(str(path))
    except LedgerError:
        assert watch.unchanged(), "a refused feed changed the log"
        return "refused"
    assert watch.grown_by(result.appended)
    return "accepted"


FUZZ = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)


@FUZZ
@given(fmt=FEEDS, pick=st.integers(0, 1000), edits=EDITS)
def test_fuzzed_feeds_through_the_command_line_are_taken_or_refused_whole(
    ledger: Ledger, db_url: str, tmp_path: Path, fmt: str, pick: int, edits: Any
) -> None:
    ingest_by_cli(db_url, ledger, fuzzed(fmt, pick, edits), fmt, tmp_path / "feed")


@FUZZ
@given(fmt=FEEDS, pick=st.integers(0, 1000), edits=EDITS)
def test_fuzzed_feeds_through_the_api_are_taken_or_refused_whole(
    ledger: Ledger, tmp_path: Path, fmt: str, pick: int, edits: Any
) -> None:
    ingest_by_api(ledger, fuzzed(fmt, pick, edits), fmt, tmp_path / "feed")


# --- real processes, and their memory -----------------------------------------------------------


def owl_process(url: str, feed: Path, stdin: bool) -> tuple[int, str, int]:
    """`owl ingest` as a real process under /usr/bin/time: exit status, stderr, peak RSS KiB."""
    args = ["/usr/bin/time", "-q", "-f", "peak %M", *owl_command(url, "ingest")]
    with open(feed, "rb") as source:
        done = subprocess.run(
            [*args, "-"] if stdin else [*args, str(feed)],
            cwd=ROOT,
            env=ENV,
            stdin=source if stdin else subprocess.DEVNULL,
            capture_output=True,
            timeout=600,
        )
    text = done.stderr.decode("utf-8", "replace")
    shown, _, peak = text.rpartition("peak ")
    return done.returncode, shown, int(peak)


HUGE = {
    "a 200 MB line": lambda: b'{"type":"' + b"x" * 200_000_000 + b'"}\n',
    "100k [": lambda: b"[" * 100_000 + b"\n",
    "1M [ over lines": lambda: (b"[" * 900_000 + b"\n") * 2,
    "200 MB of NUL": lambda: b"\x00" * 200_000_000,
    "a 200 MB csv field": lambda: (CSV_HEADER + "\n").encode() + b'"' + b"z" * 200_000_000,
    "1M-digit integer": lambda: b'{"shares":' + b"9" * 1_000_000 + b"}\n",
}


def huge_inputs(url: str, folder: Path, names: list[str]) -> dict[str, int]:
    """Each huge input through a real `owl ingest` (file and stdin): refused cleanly, nothing
    written; returns each one's peak RSS in MiB."""
    peaks: dict[str, int] = {}
    for name in names:
        feed = folder / "huge.jsonl"
        feed.write_bytes(HUGE[name]())
        for stdin in (False, True):
            before = Ledger(url).verify()
            status, stderr, peak = owl_process(url, feed, stdin)
            assert status == 1 and stderr.startswith("Error: "), stderr[:500]
            assert "Traceback" not in stderr and stderr.count("\n") <= 3, stderr[:500]
            assert Ledger(url).verify() == before
            peaks[f"{name} ({'stdin' if stdin else 'file'})"] = peak // 1024
        feed.unlink()
    return peaks


def test_a_huge_line_through_a_real_process_is_refused_in_bounded_memory(
    ledger: Ledger, db_url: str, tmp_path: Path
) -> None:
    big = tmp_path / "big.jsonl"
    big.write_bytes(b'{"type":"' + b"x" * 20_000_000 + b'"}\n')

    status, stderr, peak = owl_process(db_url, big, stdin=True)
    _, _, baseline = owl_process(db_url, _empty(tmp_path), stdin=False)

    assert (status, stderr) == (
        1,
        "Error: cannot read standard input: line 1 is longer than 1 MiB (owl reads lines of at "
        "most 1 MiB; is this a feed of one event per line?)\n",
    )
    assert peak - baseline < 20 * 1024, f"{peak - baseline} KiB more than an empty ingest"
    assert_sound(db_url)


def _empty(folder: Path) -> Path:
    path = folder / "empty.jsonl"
    path.write_bytes(b"")
    return path


@pytest.mark.soak
def test_soak_fuzz(ledger: Ledger, db_url: str, tmp_path: Path) -> None:
    import random

    cases = soak_size("OWL_SOAK_FUZZ", 2000)
    rng = random.Random(int(os.environ.get("OWL_SOAK_SEED", time.time())))
    started = time.monotonic()
    outcomes: dict[str, int] = {}
    kinds: dict[str, int] = {}
    for case in range(cases):
        fmt = rng.choice(["jsonl", "csv"])
        edits = [
            (rng.choice(MUTATIONS), rng.randrange(2**16), rng.randrange(2**20))
            for _ in range(rng.randint(1, 3))
        ]
        for kind, _, _ in edits:
            kinds[kind] = kinds.get(kind, 0) + 1
        feed = fuzzed(fmt, rng.randrange(1000), edits)
        if case % 2:
            outcome = ingest_by_cli(db_url, ledger, feed, fmt, tmp_path / "feed")
        else:
            outcome = ingest_by_api(ledger, feed, fmt, tmp_path / "feed")
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    peaks = huge_inputs(db_url, tmp_path, list(HUGE))
    _, _, baseline = owl_process(db_url, _empty(tmp_path), stdin=False)
    assert max(peaks.values()) < 300, peaks
    assert_sound(db_url)

    report(
        f"fuzz ({backend(db_url)})",
        started,
        cases=cases,
        **outcomes,  # each checked: no traceback; refused left the log as it was, accepted grew it
        mutations=json.dumps(dict(sorted(kinds.items()))),
        empty_ingest_peak_mib=baseline // 1024,
        peaks_mib=json.dumps(peaks),
    )
