"""The follower's rules, on a fake broker (both backends, no server): one transaction per batch,
acknowledgement only after the commit, a refused message set aside and the rest checked again,
a sale that comes before its purchase deferred rather than dead-lettered, reconnection after a
bounded, growing pause, and a stop honored only between batches."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest

from owl.brokers import Backlog, BrokerLost, Message
from owl.ledger.errors import StoreUnavailable
from owl.ledger.feeds.message import MessageReader
from owl.projections.application.api import Ledger
from owl.projections.application.follower import Batch, Follower, Lost, Reconnected

HEADER = "trade_id,issuer,holder,side,shares,trade_date"


def row(trade_id: str, holder: str, side: str, shares: int, day: str = "2021-03-01") -> bytes:
    return f"{trade_id},FAK,{holder},{side},{shares},{day}".encode()


@dataclass
class FakeBroker:
    """A stream in memory: `batches` are what successive fetches return; `unacked_elsewhere`
    are messages delivered to someone else and not acknowledged (a follower that died)."""

    batches: list[list[bytes | Message]]
    unacked_elsewhere: set[int] = field(default_factory=set)
    calls: list[str] = field(default_factory=list)
    published: list[tuple[str, bytes, dict[str, str], str]] = field(default_factory=list)
    acked: set[int] = field(default_factory=set)
    in_hand: set[int] = field(default_factory=set)
    failures: list[Exception] = field(default_factory=list)  # raised by the next connects
    position: int = 0

    def connect(self) -> None:
        self.calls.append("connect")
        if self.failures:
            raise self.failures.pop(0)

    def fetch(self, most: int, wait: float) -> list[Message]:
        self.calls.append("fetch")
        if not self.batches:
            return []
        got = []
        for item in self.batches.pop(0):
            if isinstance(item, Message):
                got.append(item)
            else:
                self.position += 1
                got.append(Message(item, "fake.in", self.position))
        self.in_hand = {m.position for m in got}
        return got

    def ack(self, messages: Sequence[Message]) -> None:
        self.calls.append(f"ack {len(messages)}")
        self.acked |= {m.position for m in messages}
        self.in_hand = set()

    def publish(self, subject: str, data: bytes, headers: Mapping[str, str], key: str) -> None:
        self.calls.append("publish")
        self.published.append((subject, data, dict(headers), key))

    def backlog(self) -> Backlog:
        out = self.unacked_elsewhere - self.acked
        floor = min([*out, *self.in_hand, self.position + 1]) - 1
        return Backlog(sum(len(b) for b in self.batches), len(out) + len(self.in_hand), floor)

    def close(self) -> None:
        self.calls.append("close")


@pytest.fixture
def ledger(db_url: str) -> Iterator[Ledger]:
    book = Ledger(db_url)
    book.init()
    yield book
    book.close()


def follower(ledger: Ledger, broker: FakeBroker, **options: Any) -> Follower:
    return Follower(ledger, broker, MessageReader(HEADER), "fake.dead", "FAKE", **options)


def holdings(ledger: Ledger) -> dict[str, int]:
    view = ledger.ownership("FAK", "2021-12-31")
    return {h["holder"]: h["shares"] for h in view["holders"]}


def test_a_batch_is_one_transaction_acknowledged_after_it_commits(ledger: Ledger) -> None:
    broker = FakeBroker([[row("a", "Ann", "BUY", 10), row("b", "Bo", "BUY", 5)]])
    stamps = []

    ledger_append = ledger.append

    def append(*args: Any, **kwargs: Any) -> Any:
        broker.calls.append("append")
        result = ledger_append(*args, **kwargs)
        stamps.append(result.stamp)
        return result

    ledger.append = append  # type: ignore[method-assign]

    totals = follower(ledger, broker).run(once=True)

    assert broker.calls == ["connect", "fetch", "append", "ack 2", "close"]
    assert (totals.appended, totals.head_seq) == (2, 2)
    assert {r.recorded_at for r in ledger.log()} == {stamps[0]}  # one stamp: one transaction


def test_a_refused_sale_is_set_aside_and_the_rest_checked_again_without_it(
    ledger: Ledger,
) -> None:
    """The first sale is too large; once it is out, the second fits (it did not before: the
    first had taken the shares)."""
    broker = FakeBroker([[row("a", "Ann", "BUY", 10), row("s1", "Ann", "SELL", 50),
                          row("s2", "Ann", "SELL", 4), b"not,a,trade"]])  # fmt: skip
    seen: list[Any] = []

    totals = follower(ledger, broker, report=seen.append).run(once=True)

    assert holdings(ledger) == {"Ann": 6}
    assert (totals.appended, totals.dead) == (2, 2)
    (batch,) = seen
    assert [(d.message.position, d.refusal.field) for d in batch.dead] == [(2, "shares"), (4, None)]
    assert [(p[1], p[2]["Owl-Sequence"], p[3]) for p in broker.published] == [
        (b"s1,FAK,Ann,SELL,50,2021-03-01", "2", "owl-dead-letter:FAKE:2"),
        (b"not,a,trade", "4", "owl-dead-letter:FAKE:4"),
    ]
    assert (
        "Ann holds 10 shares on 2021-03-01; cannot sell 50" in broker.published[0][2]["Owl-Reason"]
    )
    assert broker.calls[-2:] == ["ack 4", "close"]  # the bad ones acknowledged too


def test_a_message_delivered_again_after_its_commit_is_already_present(ledger: Ledger) -> None:
    first = row("a", "Ann", "BUY", 10)
    broker = FakeBroker([[first], [Message(first, "fake.in", 1, deliveries=2)]])

    totals = follower(ledger, broker).run(once=True)

    assert (totals.appended, totals.already_present, totals.messages) == (1, 1, 2)


def test_a_sale_before_its_purchase_comes_again_is_deferred_not_dead_lettered(
    ledger: Ledger,
) -> None:
    """Message 1 (the purchase) went to a follower that died; message 2 (its sale) comes first,
    is left unacknowledged, and comes again after the purchase."""
    buy, sell = row("a", "Ann", "BUY", 10), row("s", "Ann", "SELL", 4)
    broker = FakeBroker(
        [[Message(sell, "fake.in", 2)], [Message(buy, "fake.in", 1, deliveries=2)],
         [Message(sell, "fake.in", 2, deliveries=2)]],
        unacked_elsewhere={1},
    )  # fmt: skip
    broker.position = 2
    seen: list[Any] = []

    totals = follower(ledger, broker, report=seen.append).run(once=True)

    assert [b.deferred for b in seen] == [1, 0, 0]
    assert broker.published == []
    assert (totals.appended, totals.dead) == (2, 0)
    assert holdings(ledger) == {"Ann": 6}


def test_with_every_earlier_message_acknowledged_a_refusal_is_final(ledger: Ledger) -> None:
    broker = FakeBroker([[row("s", "Ann", "SELL", 4)]], unacked_elsewhere={5})
    seen: list[Any] = []

    totals = follower(ledger, broker, report=seen.append, stopping=lambda: bool(seen)).run()

    assert totals.dead == 1  # the message out elsewhere comes after it: it cannot help


def test_a_database_error_acknowledges_nothing(ledger: Ledger) -> None:
    broker = FakeBroker([[row("a", "Ann", "BUY", 10)]])

    def down(*args: Any, **kwargs: Any) -> Any:
        raise StoreUnavailable("sqlite:///x", "the disk is gone")

    ledger.append = down  # type: ignore[method-assign]

    with pytest.raises(StoreUnavailable):
        follower(ledger, broker).run(once=True)

    assert not any(call.startswith("ack") for call in broker.calls)
    assert broker.calls[-1] == "close"


def test_a_lost_connection_is_tried_again_after_a_growing_bounded_pause(ledger: Ledger) -> None:
    broker = FakeBroker([[row("a", "Ann", "BUY", 10)]])
    broker.failures = [BrokerLost("gone")] * 6
    slept: list[float] = []
    seen: list[Any] = []

    def stopping() -> bool:
        return any(isinstance(s, Batch) for s in seen)

    follower(ledger, broker, sleep=slept.append, report=seen.append, stopping=stopping,
             backoff=(0.5, 4.0)).run()  # fmt: skip

    lost = [s for s in seen if isinstance(s, Lost)]
    assert [s.retry_in for s in lost] == [0.5, 1.0, 2.0, 4.0, 4.0, 4.0]  # doubling, capped
    assert sum(slept) == pytest.approx(sum(s.retry_in for s in lost))
    assert isinstance(seen[6], Reconnected) and seen[6].attempts == 6
    assert isinstance(seen[7], Batch)


def test_once_does_not_wait_for_a_broker_that_is_not_there(ledger: Ledger) -> None:
    broker = FakeBroker([])
    broker.failures = [BrokerLost("no connection to NATS at nats://nowhere")]

    with pytest.raises(BrokerLost):
        follower(ledger, broker).run(once=True)


def test_a_stop_is_honored_after_the_batch_in_hand(ledger: Ledger) -> None:
    broker = FakeBroker([[row("a", "Ann", "BUY", 10)], [row("b", "Bo", "BUY", 1)]])
    stop: list[bool] = []

    def report(what: object) -> None:
        stop.append(True)  # a SIGTERM while the first batch was being committed

    totals = follower(ledger, broker, report=report, stopping=lambda: bool(stop)).run()

    assert totals.messages == 1
    assert broker.calls == ["connect", "fetch", "ack 1", "close"]


@pytest.mark.parametrize(
    ("name", "line"),
    [
        ("trades.csv", row("t-1", "Ann  Lee", "b", 10)),
        (
            "events.jsonl",
            b'{"type":"SharesSold","issuer":"FAK","effective_date":"2021-03-01",'
            b'"holder":"Ann","shares":3,"price":"1.5","event_id":"e-1"}',
        ),
    ],
)
def test_a_message_reads_as_the_same_line_of_a_feed_file_reads(
    tmp_path: Any, name: str, line: bytes
) -> None:
    from owl.ledger.feeds import read_path

    path = tmp_path / name
    path.write_bytes((HEADER.encode() + b"\n" if name.endswith(".csv") else b"") + line + b"\n")
    (pending,) = list(read_path(str(path), None))

    assert MessageReader(HEADER).read(line) == pending.event
