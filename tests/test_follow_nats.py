"""`owl follow` on the real NATS server (both backends): the stream's events land exactly once,
as `owl ingest` of the same trades would have them; bad messages go to the dead-letter subject
with their reasons and original bytes and hold nothing up; a second run appends nothing; a crash
between commit and ack, a kill -9 mid-stream and a SIGTERM lose and double nothing."""

from __future__ import annotations

import json
import random
import re
import signal
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from owl.brokers.jetstream import JetStream
from owl.cli.main import cli
from owl.ledger.feeds.message import MessageReader
from owl.projections.application.api import Ledger
from owl.projections.application.follower import Follower
from tests.faultkit import Probe, run_owl, start_owl
from tests.natskit import (
    CSV_HEADER,
    ISSUER,
    Streams,
    as_feed_files,
    csv_row,
    good_trades,
    json_event,
    nats_url,
    streams,
)

__all__ = ["nats_url", "streams"]  # the fixtures
AS_OF = "2021-07-31"
ASSIGNED = ("seq", "recorded_at", "hash", "prev_hash")


def owl(db: str, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--db", db, *args])


def initialized(url: str) -> str:
    assert owl(url, "init").exit_code == 0
    return url


def events_of(url: str) -> list[dict[str, Any]]:
    """The log's events without what the ledger assigns, by event id."""
    result = owl(url, "log", "--format", "jsonl")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    return sorted(({k: v for k, v in r.items() if k not in ASSIGNED} for r in rows),
                  key=lambda r: r["event_id"])  # fmt: skip


def status_of(url: str) -> dict[str, Any]:
    result = owl(url, "status", "--issuer", ISSUER, "--as-of", AS_OF, "--format", "json")
    assert result.exit_code == 0, result.output
    body: dict[str, Any] = json.loads(result.stdout)
    body.pop("known_at")
    return body


BAD = {
    b'{"type": "SharesPurchased", "issuer": "FLW"': "malformed JSON",
    csv_row("bad-1", "", "BUY", 10, "2021-02-01"): "field 'holder': missing value",
    json_event(type="SharesPurchased", effective_date="2021-02-01", holder="X", shares=5):
        "field 'event_id': missing",
    csv_row("bad-2", "Nobody", "SELL", 10, "2021-03-01"): "Nobody holds 0 shares",
    b"\xff\xfe,not,text": "not UTF-8",
    csv_row("t-5", "Holder 9", "BUY", 999, "2021-03-02"): "'t-5' is already in the log",
    # needs the purchase just above, which is refused: refused in turn, once that one is out
    csv_row("bad-3", "Holder 9", "SELL", 500, "2021-03-03"): "Holder 9 holds 0 shares",
}  # fmt: skip


def test_a_stream_followed_holds_what_ingest_of_the_same_trades_holds(
    db_url: str, streams: Streams, sqlite_url: str, tmp_path: Path
) -> None:
    good = good_trades(240)
    published = [*good[:120], good[10], good[11], *list(BAD), *good[120:], good[200]]
    streams.publish(published)
    url = initialized(db_url)

    followed = owl(url, *streams.follow_args("--batch", "50", "--max-wait", "200", "--once"))

    assert followed.exit_code == 0, followed.output
    assert followed.stdout.splitlines()[-2] == "appended 240, already present 3, dead letters 7"
    reference = initialized(f"sqlite:///{tmp_path}/reference.db")
    assert owl(reference, "ingest", *as_feed_files(good, tmp_path)).exit_code == 0
    assert events_of(url) == events_of(reference)
    assert status_of(url) == status_of(reference)
    assert owl(url, "verify").exit_code == 0
    letters = streams.dead_letters()
    assert [letter.data for letter in letters] == list(BAD)  # the original bytes, in order
    for letter, said in zip(letters, BAD.values(), strict=True):
        assert said in letter.headers["Owl-Reason"], letter.headers
        assert letter.headers["Owl-Stream"] == streams.name
        assert letter.headers["Owl-Subject"] == streams.subject
        assert int(letter.headers["Owl-Sequence"]) == published.index(letter.data) + 1
    batches = [line for line in followed.stdout.splitlines() if line.startswith("batch of")]
    said = r"batch of \d+: appended \d+, already present \d+, dead letters \d+; [\d,]+ messages/s"
    assert re.fullmatch(f"{said}; lag 0; head digest {digest_of(url)}", batches[-1]), batches
    assert followed.stdout.splitlines()[-1] == f"head digest {digest_of(url)}"
    again = owl(url, *streams.follow_args("--once", "--log-format", "json"))
    assert again.exit_code == 0, again.output
    logged = [json.loads(line) for line in again.stdout.splitlines()]
    assert [entry["event"] for entry in logged] == ["started", "stopped"]  # no batch: nothing new
    assert logged[-1]["appended"] == logged[-1]["dead_letters"] == 0
    assert len(streams.dead_letters()) == len(BAD)


def digest_of(url: str) -> str:
    ledger = Ledger(url)
    digest = str(ledger.verify(derived=False)["digest"])
    ledger.close()
    return digest


class Crash(Exception):
    """The process dies: after the commit, before the acknowledgement."""


class DiesBeforeAck(JetStream):
    def ack(self, messages: Any) -> None:
        raise Crash


def test_a_crash_between_commit_and_ack_loses_and_doubles_nothing(
    db_url: str, streams: Streams
) -> None:
    good = good_trades(60)
    streams.publish(good)
    url = initialized(db_url)
    ledger = Ledger(url)
    subscription = DiesBeforeAck(streams.url, streams.name, "owl", None, streams.dead_letter,
                                 ack_wait=1.0, batch=25)  # fmt: skip
    follower = Follower(ledger, subscription, MessageReader(CSV_HEADER), streams.dead_letter,
                        streams.name, batch=25, wait=0.2)  # fmt: skip
    with pytest.raises(Crash):
        follower.run(once=True)
    committed = ledger.head_seq()  # the first batch: in the log, not acknowledged
    ledger.close()

    again = owl(url, *streams.follow_args("--batch", "25", "--once"))

    assert 0 < committed <= 25
    assert again.exit_code == 0, again.output
    found = re.findall(r"appended (\d+), already present (\d+), dead", again.stdout)
    assert found, again.stdout
    appended, present = (int(n) for n in found[-1])  # the run's totals, after each batch's
    # What was committed comes again and is present (once, or twice if the broker redelivers
    # it once more under load before the ack lands); nothing is appended twice.
    assert appended == 60 - committed and present >= committed
    assert len(events_of(url)) == 60
    assert owl(url, "verify").exit_code == 0


def test_a_follower_killed_mid_stream_and_restarted_loses_and_doubles_nothing(
    db_url: str, streams: Streams
) -> None:
    """Three times: a follower is killed -9 a moment after its first batch; then one drains.
    What a killed follower had in hand comes again after the others behind it were delivered,
    so a sale may come before its purchase: it is deferred, never dead-lettered."""
    good = good_trades(2000)
    streams.publish(good)
    url = initialized(db_url)
    rng = random.Random(5)
    probe = Probe(url)
    held_after = []
    for _ in range(3):
        process = start_owl(url, *streams.follow_args("--batch", "5", "--max-wait", "100"))
        first_batch(process)
        time.sleep(rng.uniform(0, 0.25))
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=30)
        held_after.append(probe.seqs()[0])
    probe.close()

    drained = run_owl(url, *streams.follow_args("--batch", "200", "--once"))

    assert held_after[0] > 0 and held_after[-1] < 2000, held_after  # killed mid-stream
    assert drained.returncode == 0, drained.stderr
    held = Ledger(url)
    ids = [r.event.event_id for r in held.log()]
    assert len(ids) == len(set(ids)) == 2000, drained.stdout[-2000:]  # none lost, none twice
    assert held.verify()["ok"] is True
    held.close()


def first_batch(process: Any) -> None:
    """Wait until a follower started as a process has committed its first batch."""
    while not process.stdout.readline().startswith(b"batch of"):
        assert process.poll() is None, process.stderr.read()


def test_sigterm_finishes_the_batch_in_hand_acknowledges_it_and_exits_0(
    sqlite_url: str, streams: Streams
) -> None:
    streams.publish(good_trades(1000))
    url = initialized(sqlite_url)
    process = start_owl(url, *streams.follow_args("--batch", "10", "--max-wait", "100"))
    first_batch(process)

    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=30)

    assert process.returncode == 0, err
    assert b"SIGTERM: stopping after the batch in hand" in out
    stopped = int(out.decode().splitlines()[-2].split(",")[0].removeprefix("appended "))
    assert 0 < stopped < 1000
    rest = owl(url, *streams.follow_args("--batch", "500", "--once"))
    assert f"appended {1000 - stopped}, already present 0, dead letters 0" in rest.stdout


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ({"--stream": "NO_SUCH_STREAM"}, "no stream 'NO_SUCH_STREAM'"),
        ({"--dead-letter": "owltest.nobody.keeps"}, "no stream at nats://"),
        ({"--dead-letter": "SUBJECT"}, "it would read its own dead letters"),
    ],
)
def test_a_stream_or_dead_letter_subject_that_cannot_work_is_refused_at_once(
    sqlite_url: str, streams: Streams, change: dict[str, str], said: str
) -> None:
    args = streams.follow_args("--once")
    for option, value in change.items():
        args[args.index(option) + 1] = streams.subject if value == "SUBJECT" else value
    url = initialized(sqlite_url)

    result = owl(url, *args)

    assert result.exit_code == 1
    assert said in result.stderr


def test_a_server_not_there_is_an_error_for_once(sqlite_url: str) -> None:
    result = owl(initialized(sqlite_url), "follow", "nats://127.0.0.1:1", "--stream", "S",
                 "--once")  # fmt: skip

    assert result.exit_code == 1
    assert result.stderr.startswith("Error: no connection to NATS at nats://127.0.0.1:1")
