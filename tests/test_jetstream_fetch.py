"""The JetStream adapter's fetch on the real server: waiting out an idle stream is not a lost
connection. (nats-py raises asyncio's TimeoutError, not its own, on some paths; taken for a lost
connection it made the follower reconnect, and a message delivered to the old subscription then
waited out the whole --ack-wait before it was delivered again: the last message of a burst took
21-30 s to become visible, `bench/follow.py`.)"""

from __future__ import annotations

import threading
import time

from owl.brokers.jetstream import JetStream
from tests.natskit import Streams, nats_url, streams

__all__ = ["nats_url", "streams"]  # the fixtures


def test_short_fetches_while_messages_trickle_in_never_lose_the_connection_or_a_message(
    streams: Streams,
) -> None:
    subscription = JetStream(streams.url, streams.name, "owl", None, None, ack_wait=30.0)
    subscription.connect()
    sent: dict[bytes, float] = {}

    def trickle() -> None:
        for n in range(40):
            time.sleep(0.1)
            data = f"m{n}".encode()
            sent[data] = time.monotonic()
            streams.publish([data])

    publisher = threading.Thread(target=trickle)
    waits: dict[bytes, float] = {}
    publisher.start()
    try:
        deadline = time.monotonic() + 12
        while len(waits) < 40 and time.monotonic() < deadline:
            got = subscription.fetch(100, 0.02)  # a lost connection raises BrokerLost
            for message in got:
                waits[message.data] = time.monotonic() - sent.get(message.data, time.monotonic())
            if got:
                subscription.ack(got)
    finally:
        publisher.join()
        subscription.close()

    assert sorted(waits) == sorted(f"m{n}".encode() for n in range(40))
    assert max(waits.values()) < 2  # none waited out --ack-wait to come again
