"""Message brokers owl follows: the interface, and one adapter module per broker.

A broker subscription, as owl sees it, is four things: fetch a batch of messages (at most so many,
waiting at most so long), acknowledge messages (so the broker never delivers them again), publish a
message (the dead letters), and say how far behind the stream the subscription is. That is the
whole of `Subscription`; `owl.brokers.jetstream` is NATS JetStream's, and another broker (Kafka:
fetch is a poll, ack a commit of offsets) is one more module beside it. The application's follower
(`owl.projections.application.follower`) knows this interface and no adapter; the command line
chooses the adapter.

A broker delivers at least once: a message is delivered again until it is acknowledged, so one
acknowledged only after its batch is committed is never lost, and the ledger's event ids make the
second delivery of a committed message a no-op. Nothing here knows events or the ledger.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class Message:
    """One message as delivered: its bytes, where it was published, its place in the stream
    (for reports and dead letters: a position, never an identity, since it differs from stream
    to stream), how many times it has been delivered, and the adapter's handle to acknowledge
    it by."""

    data: bytes
    subject: str
    position: int
    deliveries: int = 1
    handle: object = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Backlog:
    """How far behind the stream a subscription is: messages not yet delivered to it (`waiting`)
    and messages delivered but not yet acknowledged (`unacked`: delivered to a follower that died,
    say, and due again when the broker's wait for their acknowledgement runs out); and the
    position through which every message has been acknowledged (`acked_through`), which tells
    whether a message delivered again may still come before a given one."""

    waiting: int
    unacked: int
    acked_through: int = 0


class BrokerError(Exception):
    """The broker refused what was asked (no such stream, a subject no stream stores): not worth
    retrying; the message says what to change."""


class BrokerLost(BrokerError):
    """The connection to the broker is gone (or could not be made): worth connecting again.
    Messages fetched and not acknowledged are delivered again."""


class Subscription(Protocol):
    """A durable subscription to one stream (docs/feeds.md)."""

    def connect(self) -> None:
        """Connect (again), creating the durable subscription when it is new; raises
        `BrokerLost` when the broker cannot be reached, `BrokerError` when it refuses."""

    def fetch(self, most: int, wait: float) -> list[Message]:
        """Up to `most` messages, in stream order: as soon as `most` have come, or when `wait`
        seconds have passed with fewer (then perhaps none)."""

    def ack(self, messages: Sequence[Message]) -> None:
        """Acknowledge the messages; on return the broker has them (so it will not deliver them
        again)."""

    def publish(self, subject: str, data: bytes, headers: Mapping[str, str], key: str) -> None:
        """Publish a message and return once the broker has stored it. `key` names it: the same
        key published again within the broker's duplicate window is stored once."""

    def backlog(self) -> Backlog: ...

    def close(self) -> None: ...
