"""NATS JetStream as an owl `Subscription`: a durable pull consumer on one stream.

`connect` creates the durable consumer the first time (every message of the stream, from its first;
explicit acknowledgement, each message delivered again `ack_wait` seconds after a delivery that
was not acknowledged) and updates its settings on later connects, so a follower that restarts
picks up where the last acknowledged message left it. It also checks that a stream stores the
dead-letter subject and the `--publish` subject (a message published where nothing keeps it
would be lost) and that the followed consumer reads neither back (it would follow its own).

Pulling is bounded: a fetch asks the server for at most the batch, so memory holds one batch
whatever the backlog. Acknowledgements are sent, then flushed (a round trip to the server) before
`ack` returns. Dead letters are published through JetStream, each with a `Nats-Msg-Id`, so the
stream stores a dead letter published twice (after a crash before its message was acknowledged)
once.

nats-py is asyncio; owl's append is not. The adapter keeps its own event loop and runs each call
to completion on it, so to its caller it is a plain blocking object. Connections are made with
nats-py's own reconnection off: a lost connection surfaces as `BrokerLost` at the next call, and
the follower decides when to connect again (with a bounded backoff, and saying so).

Longer than the ~300 lines STYLE.md asks: the connection, its checks and the four calls of the
interface, each with its translation of nats-py's errors, belong together.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Mapping, Sequence
from typing import Any, TypeVar

import nats
import nats.errors
import nats.js.errors
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy

from owl.brokers import Backlog, BrokerError, BrokerLost, Message

T = TypeVar("T")
CONNECT_TIMEOUT = 2.0  # seconds to reach the server
REQUEST_TIMEOUT = 5.0  # seconds for a JetStream API answer (stream info, a publish's ack)
SMALLEST_WAIT = 0.01  # a fetch is not worth asking for in less (seconds)
MAX_ACK_PENDING = 1000  # the server's default; raised to the batch when that is larger

# Errors that mean the connection is gone (or never was): connect again.
_LOST = (
    nats.errors.NoServersError,
    nats.errors.ConnectionClosedError,
    nats.errors.StaleConnectionError,
    nats.errors.ConnectionReconnectingError,
    nats.errors.FlushTimeoutError,
    nats.errors.TimeoutError,
    OSError,
    asyncio.TimeoutError,
)
# Errors that connecting again will not mend.
_REFUSED = (
    nats.errors.AuthorizationError,
    nats.errors.BadSubjectError,
    nats.errors.SecureConnRequiredError,
    nats.errors.SecureConnWantedError,
    nats.errors.MaxPayloadError,
)


class JetStream:
    """A durable pull consumer `durable` on `stream` at `url` (nats://HOST:PORT), reading the
    messages on `subject` (default: every subject of the stream)."""

    def __init__(
        self,
        url: str,
        stream: str,
        durable: str,
        subject: str | None = None,
        dead_letter: str | None = None,
        ack_wait: float = 30.0,
        batch: int = 100,
        publish: str | None = None,
    ) -> None:
        self.url, self.stream, self.durable = url, stream, durable
        self.subject, self.dead_letter, self.publish_to = subject, dead_letter, publish
        self.ack_wait, self.batch = ack_wait, batch
        self._loop: asyncio.AbstractEventLoop | None = None
        self._nc: Client | None = None
        self._js: JetStreamContext | None = None
        self._sub: JetStreamContext.PullSubscription | None = None
        self._trouble = ""  # the last error the client reported on its own
        self._gone: asyncio.Event | None = None  # set when the connection closes

    # --- the Subscription --------------------------------------------------------------------

    def connect(self) -> None:
        self.close()
        self._loop = asyncio.new_event_loop()
        try:
            self._run(self._connect())
        except BaseException:
            self.close()
            raise

    def fetch(self, most: int, wait: float) -> list[Message]:
        return self._run(self._fetch(most, wait))

    def ack(self, messages: Sequence[Message]) -> None:
        self._run(self._ack(messages))

    def publish(self, subject: str, data: bytes, headers: Mapping[str, str], key: str) -> None:
        # A header is one line in the NATS protocol: a reason that spans lines is joined.
        flat = {name: " ".join(value.splitlines()) for name, value in headers.items()}
        self._run(self._publish(subject, data, {**flat, "Nats-Msg-Id": key}))

    def backlog(self) -> Backlog:
        return self._run(self._backlog())

    def close(self) -> None:
        loop, nc = self._loop, self._nc
        self._loop = self._nc = self._js = self._sub = self._gone = None
        if loop is None:
            return
        if nc is not None and not nc.is_closed:
            try:
                loop.run_until_complete(asyncio.wait_for(nc.close(), REQUEST_TIMEOUT))
            except (*_LOST, nats.errors.Error):
                pass  # closing a connection that is already gone
        loop.run_until_complete(_cancel_the_rest())
        loop.close()

    # --- the work, on the adapter's loop -----------------------------------------------------

    def _run(self, work: Coroutine[Any, Any, T]) -> T:
        if self._loop is None:
            work.close()
            raise BrokerLost(f"not connected to {self.url}")
        try:
            return self._loop.run_until_complete(self._unless_lost(work))
        except BrokerError:
            raise
        except nats.js.errors.NoStreamResponseError:
            raise BrokerError(f"no stream at {self.url} stores what was published") from None
        except nats.js.errors.APIError as exc:
            raise BrokerError(f"NATS at {self.url} refused: {exc.description}") from None
        except _REFUSED as exc:
            raise BrokerError(f"NATS at {self.url} refused: {exc}") from None
        except (*_LOST, nats.errors.Error) as exc:  # anything else of the client's: try again
            raise BrokerLost(self._lost(exc)) from None

    async def _unless_lost(self, work: Coroutine[Any, Any, T]) -> T:
        """The work's result; or, as soon as the connection closes, `ConnectionClosedError`
        (a flush or a fetch would otherwise wait out its whole timeout for a closed socket)."""
        if self._gone is None:
            return await work
        task = asyncio.ensure_future(work)
        gone = asyncio.ensure_future(self._gone.wait())
        await asyncio.wait({task, gone}, return_when=asyncio.FIRST_COMPLETED)
        gone.cancel()
        if task.done():
            return task.result()
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        raise nats.errors.ConnectionClosedError

    def _lost(self, exc: BaseException) -> str:
        said = str(exc) or type(exc).__name__
        if self._trouble and self._trouble not in said:
            said = f"{said} ({self._trouble})"
        return f"no connection to NATS at {self.url}: {said}"

    async def _connect(self) -> None:
        async def noted(exc: Exception) -> None:
            self._trouble = str(exc) or type(exc).__name__

        gone = asyncio.Event()

        async def closed() -> None:
            gone.set()

        self._trouble = ""
        # One attempt (nats-py tries a server once more than max_reconnect_attempts, and 0
        # would mean without end); the follower decides when to try again.
        self._nc = await asyncio.wait_for(
            nats.connect(
                self.url,
                name="owl follow",
                allow_reconnect=False,
                connect_timeout=int(CONNECT_TIMEOUT),
                max_reconnect_attempts=1,
                reconnect_time_wait=0,
                error_cb=noted,
                disconnected_cb=closed,
                closed_cb=closed,
            ),
            3 * CONNECT_TIMEOUT,
        )
        self._gone = gone
        self._js = self._nc.jetstream(timeout=REQUEST_TIMEOUT)
        try:
            await self._js.stream_info(self.stream)
        except nats.js.errors.NotFoundError:
            raise BrokerError(
                f"no stream {self.stream!r} at {self.url}; create it first (docs/feeds.md)"
            ) from None
        js = self._js
        if self.dead_letter is not None:
            await self._check_stored(js, self.dead_letter, "dead-letter subject", "dead letter")
        if self.publish_to is not None:
            await self._check_stored(js, self.publish_to, "--publish subject", "change message")
        config = ConsumerConfig(
            durable_name=self.durable,
            deliver_policy=DeliverPolicy.ALL,
            ack_policy=AckPolicy.EXPLICIT,
            ack_wait=self.ack_wait,
            max_ack_pending=max(MAX_ACK_PENDING, self.batch),
            filter_subject=self.subject,
        )
        await self._js.add_consumer(self.stream, config)  # creates it, or updates its settings
        self._sub = await self._js.pull_subscribe_bind(durable=self.durable, stream=self.stream)

    async def _check_stored(
        self, js: JetStreamContext, subject: str, what: str, message: str
    ) -> None:
        """A subject owl publishes to (dead letters, changes) is stored by a stream other than
        the one it follows (or outside the subject it follows)."""
        try:
            keeper = await js.find_stream_name_by_subject(subject)
        except nats.js.errors.NotFoundError:
            raise BrokerError(
                f"no stream at {self.url} stores the {what} {subject!r}, so a {message} "
                "would be lost; add it to a stream first (docs/feeds.md)"
            ) from None
        if keeper == self.stream and (self.subject is None or matches(self.subject, subject)):
            read = f"--subject {self.subject}" if self.subject else "every subject of the stream"
            raise BrokerError(
                f"the {what} {subject!r} is in the stream {self.stream!r}, and owl follows "
                f"{read}: it would read its own {message}s; keep them in another stream, or "
                "follow a subject that excludes them"
            )

    async def _fetch(self, most: int, wait: float) -> list[Message]:
        sub = self._subscription()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait
        got: list[Msg] = []
        while len(got) < most:
            left = deadline - loop.time()
            if left < SMALLEST_WAIT:
                break
            try:
                got += await sub.fetch(most - len(got), timeout=left)
            except TimeoutError:  # nats-py raises its own and, at times, asyncio's
                break
        if not got and (self._nc is None or not self._nc.is_connected):
            raise BrokerLost(self._lost(nats.errors.ConnectionClosedError()))
        return [
            Message(m.data, m.subject, m.metadata.sequence.stream, m.metadata.num_delivered, m)
            for m in got
        ]

    async def _ack(self, messages: Sequence[Message]) -> None:
        for message in messages:
            handle = message.handle
            if not isinstance(handle, Msg):
                raise TypeError(f"not a message of this subscription: {message!r}")
            await handle.ack()
        if self._nc is not None:
            await self._nc.flush(timeout=int(REQUEST_TIMEOUT))

    async def _publish(self, subject: str, data: bytes, headers: dict[str, str]) -> None:
        if self._js is None:
            raise BrokerLost(f"not connected to {self.url}")
        try:
            await self._js.publish(subject, data, timeout=REQUEST_TIMEOUT, headers=headers)
        except nats.js.errors.NoStreamResponseError:
            raise BrokerError(
                f"no stream at {self.url} stores the subject {subject!r} (it did when owl "
                "follow started)"
            ) from None

    async def _backlog(self) -> Backlog:
        info = await self._subscription().consumer_info()
        floor = info.ack_floor.stream_seq if info.ack_floor is not None else 0
        return Backlog(info.num_pending or 0, info.num_ack_pending or 0, floor)

    def _subscription(self) -> JetStreamContext.PullSubscription:
        if self._sub is None:
            raise BrokerLost(f"not connected to {self.url}")
        return self._sub


async def _cancel_the_rest() -> None:
    """End the client's own tasks (reading, pinging, flushing) before their loop is closed."""
    left = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
    for task in left:
        task.cancel()
    await asyncio.gather(*left, return_exceptions=True)


def matches(pattern: str, subject: str) -> bool:
    """Whether a NATS subject pattern (`*` one token, `>` the rest) covers a subject."""
    want, have = pattern.split("."), subject.split(".")
    for index, token in enumerate(want):
        if token == ">":
            return len(have) > index
        if index >= len(have) or (token != "*" and token != have[index]):
            return False
    return len(want) == len(have)
