"""`owl follow --publish SUBJECT` on the real NATS server (both backends): after each batch, one
message per change the batch brought (a crossing, an obligation, a break), naming the issuer,
the group, the date and the seqs behind it, with the row as the view gives it; a crash between
the commit and the acknowledgement publishes nothing twice."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from typing import Any

import nats
import pytest
from click.testing import CliRunner, Result

from owl.brokers.jetstream import JetStream
from owl.cli.main import cli
from owl.ledger.feeds.message import MessageReader
from owl.projections.application.api import Ledger
from owl.projections.application.follower import Follower
from tests.natskit import ISSUER, Streams, json_event, nats_url, streams

__all__ = ["nats_url", "streams"]  # the fixtures

TRADES = [
    json_event(type="RightsAgreementAdopted", effective_date="2021-01-04", event_id="p-plan",
               threshold="15", expires_on="2031-01-04", rights_agent="Agent Bank"),
    json_event(type="OutstandingReported", effective_date="2021-01-04", event_id="p-out",
               shares=1_000_000),
    json_event(type="SharesPurchased", effective_date="2021-02-01", event_id="p-1",
               holder="Holder A", shares=60_000),  # 6%: over 5%, a Schedule 13D owed
    json_event(type="SharesPurchased", effective_date="2021-03-01", event_id="p-2",
               holder="Holder A", shares=50_000),  # 11%: over 10%
    json_event(type="SharesPurchased", effective_date="2021-03-02", event_id="p-3",
               holder="Holder B", shares=1_000),  # 0.1%: nothing changes
    json_event(type="HoldingReported", effective_date="2021-03-03", event_id="p-4",
               holder="Holder B", shares=1_500),  # a break: 500 more than on record
]  # fmt: skip


@pytest.fixture
def changes(streams: Streams) -> Iterator[str]:
    """A stream of its own for the published changes; yields its subject."""
    subject = f"owltest.{streams.name}.changes"

    async def make(js: Any) -> None:
        await js.add_stream(name=f"{streams.name}_CHANGES", subjects=[subject])

    streams._do(make)
    yield subject

    async def drop(js: Any) -> None:
        with contextlib.suppress(nats.js.errors.NotFoundError):
            await js.delete_stream(f"{streams.name}_CHANGES")

    streams._do(drop)


def published(streams: Streams) -> list[tuple[dict[str, Any], dict[str, str]]]:
    async def work(js: Any) -> list[tuple[dict[str, Any], dict[str, str]]]:
        name = f"{streams.name}_CHANGES"
        info = await js.stream_info(name)
        found = []
        for seq in range(info.state.first_seq, info.state.last_seq + 1):
            if info.state.messages == 0:
                break
            raw = await js.get_msg(name, seq)
            found.append((json.loads(raw.data), dict(raw.headers or {})))
        return found

    result: list[tuple[dict[str, Any], dict[str, str]]] = streams._do(work)
    return result


def owl(db: str, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--db", db, *args])


def canonical(row: dict[str, Any]) -> str:
    return json.dumps(row, sort_keys=True)


def view(url: str, *args: str) -> Any:
    result = owl(url, *args, "--issuer", ISSUER, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_each_change_a_batch_brings_is_published_once_with_the_views_row(
    db_url: str, streams: Streams, changes: str
) -> None:
    streams.publish(TRADES)
    assert owl(db_url, "init").exit_code == 0

    followed = owl(db_url, *streams.follow_args("--batch", "2", "--once", "--publish", changes))

    assert followed.exit_code == 0, followed.output
    sent = published(streams)
    logged = owl(db_url, "log", "--format", "jsonl").stdout.splitlines()
    seq_of = {e["event_id"]: e["seq"] for e in map(json.loads, logged)}
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for body, headers in sent:
        assert headers["Owl-Change"] == body["change"] and headers["Owl-Issuer"] == ISSUER
        assert body["issuer"] == ISSUER
        by_kind.setdefault(body["change"], []).append(body)
    # The timeline's rows, each once, as `owl timeline` gives them (batch by batch: the plan's
    # expiry in 2031 is published with the batch that adopted it).
    assert sorted(map(canonical, [m["row"] for m in by_kind["timeline"]])) == sorted(
        map(canonical, view(db_url, "timeline")["changes"])
    )
    crossings = [(m["group"], m["as_of"], m["seqs"])
                 for m in by_kind["timeline"] if m["row"]["kind"] == "crossing"]  # fmt: skip
    assert crossings == [("Holder A", "2021-02-01", [seq_of["p-1"]]),
                         ("Holder A", "2021-03-01", [seq_of["p-2"]])]  # fmt: skip
    # The Schedule 13D the first purchase made due, as `owl obligations` gives it.
    owed = [m for m in by_kind["obligation"] if m["seqs"] == [seq_of["p-1"]]]
    assert owed and all(m["group"] == "Holder A" for m in owed)
    assert next(m["row"]["form"] for m in owed).startswith("Schedule 13D")
    # The break, as `owl reconcile` gives it.
    (broke,) = by_kind["break"]
    assert (broke["group"], broke["as_of"], broke["seqs"]) == ("Holder B", "2021-03-03",
                                                               [seq_of["p-4"]])  # fmt: skip
    assert broke["row"] == view(db_url, "reconcile")["breaks"][0]
    # Holder B's small purchase changed nothing: no message names it; nothing is sent twice.
    assert all(seq_of["p-3"] not in m["seqs"] for m, _ in sent)
    assert len({canonical(m) for m, _ in sent}) == len(sent)
    assert "changes published" in followed.stdout


class Crash(Exception):
    """The process dies: after the commit and the publishing, before the acknowledgement."""


class DiesBeforeAck(JetStream):
    def ack(self, messages: Any) -> None:
        raise Crash


def test_a_crash_before_the_ack_publishes_each_change_once(
    db_url: str, streams: Streams, changes: str
) -> None:
    streams.publish(TRADES)
    ledger = Ledger(db_url)
    ledger.init()
    where = (streams.url, streams.name, "owl", None, streams.dead_letter)

    def follower(subscription: JetStream) -> Follower:
        return Follower(ledger, subscription, MessageReader(None), streams.dead_letter,
                        streams.name, batch=10, wait=0.2, publish=changes)  # fmt: skip

    with pytest.raises(Crash):
        follower(DiesBeforeAck(*where, ack_wait=1.0, batch=10)).run()
    first = published(streams)
    again = follower(JetStream(*where, ack_wait=1.0, batch=10)).run(once=True)
    ledger.close()

    assert again.appended == 0 and again.already_present == len(TRADES)  # delivered again
    assert first and published(streams) == first  # the same changes, none twice


@pytest.mark.parametrize(
    ("subject", "said"),
    [
        ("owltest.nobody.keeps", "stores the --publish subject 'owltest.nobody.keeps'"),
        ("IN", "it would read its own change messages"),
    ],
)
def test_a_publish_subject_no_stream_keeps_or_the_follower_reads_is_refused_at_once(
    sqlite_url: str, streams: Streams, subject: str, said: str
) -> None:
    assert owl(sqlite_url, "init").exit_code == 0
    where = streams.subject if subject == "IN" else subject

    refused = owl(sqlite_url, *streams.follow_args("--once", "--publish", where))

    assert refused.exit_code == 1 and said in refused.output, refused.output
    assert owl(sqlite_url, "log", "--format", "jsonl").stdout == ""
