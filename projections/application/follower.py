"""Following a broker's stream: each batch of messages appended once, whatever is redelivered.

The follower pulls a batch (at most `batch` messages, waiting at most `wait` seconds for them),
reads each message as one event (`ledger.feeds.message`, the parsers `owl ingest` uses), appends
the batch's events in one transaction (`Ledger.append`: all or nothing), publishes a dead letter
for each message that is not an event, and only then acknowledges the batch. So:

- A message is acknowledged only after its event is in the log (or its dead letter is stored): a
  crash at any point before the acknowledgement leaves the message to be delivered again, and a
  crash after it has nothing left to lose.
- An event's id is the trade's own (`event_id`; a CSV row's `trade_id`), and an append treats an
  id already in the log with the same content as present: a message delivered again after its
  batch committed (the follower died before acknowledging it) is counted, not appended twice.
- A bad message never holds up the ones behind it. One that cannot be read as an event is set
  aside at once; one the append refuses (a sale larger than the position, an id used for other
  content) is found by the line the refusal names, set aside, and the rest checked again without
  it (`refusals.py`), since a later message may have needed it. What remains is one transaction.
- Order is the stream's, even when a message comes again after later ones (its follower died
  before acknowledging it): a refusal while an earlier message is still out elsewhere is not
  final (a sale may lack only that purchase), so the message is deferred, left unacknowledged to
  come again after the broker's wait for acknowledgements.

A lost connection is met by connecting again after a pause that doubles from `backoff[0]` up to
`backoff[1]` seconds (each attempt reported); a stop asked for (SIGTERM, Ctrl-C: `stopping()`)
is honored between batches, so the batch in hand is finished and acknowledged first. With
`publish`, what each batch changed is published before the batch is acknowledged
(`changes.py`): a crash in between publishes it again on the next delivery, under the same
keys. Memory holds one batch, whatever the backlog. The follower prints nothing and reads no
clock: it reports each batch (and each lost connection) to `report`, and the caller times them.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from owl.brokers import Backlog, BrokerLost, Message, Subscription
from owl.ledger.errors import InvalidEvents
from owl.ledger.events import AnyEvent
from owl.ledger.feeds.message import MessageReader, Refusal
from owl.ledger.log import AppendResult, Pending
from owl.ledger.shares import json_default
from owl.projections.application import changes, refusals
from owl.projections.application.api import Ledger
from owl.projections.application.refusals import pendings

PAUSE_SLICE = 0.2  # seconds: how often a pause before reconnecting looks for a stop


@dataclass(frozen=True)
class DeadLetter:
    """A message that is not an event, and why."""

    message: Message
    refusal: Refusal


@dataclass(frozen=True)
class Batch:
    """A batch committed and acknowledged: its messages, what became of them, and then the
    subscription's backlog and the ledger's head."""

    messages: int
    appended: int
    already_present: int
    dead: tuple[DeadLetter, ...]
    backlog: Backlog
    head_seq: int
    head_hash: str
    deferred: int = 0
    warnings: tuple[str, ...] = ()
    published: int = 0  # changes published (`publish`)


@dataclass(frozen=True)
class Lost:
    """The connection is lost (or cannot be made); the next attempt is in `retry_in` seconds."""

    reason: str
    attempt: int
    retry_in: float


@dataclass(frozen=True)
class Reconnected:
    attempts: int


Report = Callable[[Batch | Lost | Reconnected], None]


@dataclass
class Totals:
    """What a follower did, all batches together."""

    messages: int = 0
    appended: int = 0
    already_present: int = 0
    dead: int = 0
    head_seq: int = 0
    head_hash: str = ""
    published: int = 0


@dataclass
class Follower:
    """Follows `subscription` into `ledger` (see the module's docstring). `stream` names the
    stream in dead letters; `retries` bounds the reconnection attempts in a row (None: forever);
    with `publish`, each change a batch brought is published to that subject after the commit
    and before the acknowledgement (`projections.application.changes`)."""

    ledger: Ledger
    subscription: Subscription
    reader: MessageReader
    dead_letter: str
    stream: str
    batch: int = 100
    wait: float = 1.0
    report: Report = lambda _: None
    stopping: Callable[[], bool] = lambda: False
    sleep: Callable[[float], None] = time.sleep
    backoff: tuple[float, float] = (0.5, 30.0)
    retries: int | None = None
    totals: Totals = field(default_factory=Totals)
    publish: str | None = None

    def run(self, once: bool = False) -> Totals:
        """Follow until stopped; with `once`, until nothing is left to deliver (none waiting, and
        none delivered but unacknowledged, which are delivered again when their wait runs out).
        The first connection is not retried with `once`: a script hears at once that the broker
        is not there."""
        try:
            if not self._connect(None, retry=not once):
                return self.totals
            while not self.stopping():
                try:
                    messages = self.subscription.fetch(self.batch, self.wait)
                    done = self._take(messages) if messages else None
                    if once and self._drained(done):
                        break
                except BrokerLost as exc:
                    if not self._connect(exc, retry=True):
                        break
        finally:
            self.subscription.close()
        if not self.totals.head_hash:
            with self.ledger.store.reading() as reader:
                head = reader.head()
            self.totals.head_seq, self.totals.head_hash = head.seq, head.hash
        return self.totals

    def _drained(self, done: Batch | None) -> bool:
        backlog = done.backlog if done is not None else self.subscription.backlog()
        return backlog.waiting == 0 and backlog.unacked == 0

    # --- one batch ---------------------------------------------------------------------------

    def _take(self, messages: Sequence[Message]) -> Batch:
        events: list[tuple[Message, AnyEvent]] = []
        dead: list[DeadLetter] = []
        for message in sorted(messages, key=lambda m: m.position):
            read = self.reader.read(message.data)
            if isinstance(read, Refusal):
                dead.append(DeadLetter(message, read))
            else:
                events.append((message, read))
        result, deferred = self._commit(events, dead, messages)
        dead.sort(key=lambda letter: letter.message.position)
        for letter in dead:
            self._send(letter)
        later = {m.position for m in deferred}
        published = self._changes([e for m, e in events if m.position not in later])
        self.subscription.ack([m for m in messages if m.position not in later])
        if result is None:  # nothing to append: the head as it is
            with self.ledger.store.reading() as reader:
                head = reader.head()
            result = AppendResult(0, 0, head.seq, head.hash)
        done = Batch(
            messages=len(messages),
            appended=result.appended,
            already_present=result.already_present + result.repeated,
            dead=tuple(dead),
            backlog=self.subscription.backlog(),
            head_seq=result.head_seq,
            head_hash=result.head_hash,
            deferred=len(deferred),
            warnings=result.warnings,
            published=published,
        )
        self._count(done)
        self.report(done)
        return done

    def _commit(
        self,
        events: refusals.Events,
        dead: list[DeadLetter],
        messages: Sequence[Message],
    ) -> tuple[AppendResult | None, list[Message]]:
        """Append the events in one transaction, setting aside each one the append refuses
        (into `dead`, or into the deferred, returned) until the rest is accepted whole. The
        result is None when nothing is left to append."""
        deferred: list[Message] = []
        backlog: Backlog | None = None
        while events:
            try:
                return self.ledger.append(pendings(events)), deferred
            except InvalidEvents as exc:
                blamed = refusals.blamed(exc, events, self._dry_run)
            if backlog is None:
                backlog = self.subscription.backlog()  # before this batch is acknowledged
            in_hand = {m.position for m in messages}
            for message, _ in events:
                if message.position not in blamed:
                    continue
                if refusals.settled(message.position, in_hand, backlog, len(messages)):
                    dead.append(DeadLetter(message, blamed[message.position]))
                else:
                    deferred.append(message)
            events = [(m, event) for m, event in events if m.position not in blamed]
        return None, deferred

    def _changes(self, events: Sequence[AnyEvent]) -> int:
        """Publish what the batch's events changed (those in the log, whether this delivery
        appended them or an earlier one did); how many changes."""
        if self.publish is None:
            return 0
        ids = [e.event_id for e in events if e.event_id]
        found = changes.changes(self.ledger, changes.batch_spans(self.ledger, ids))
        for change in found:
            headers = {"Owl-Change": change["change"], "Owl-Issuer": change["issuer"]}
            data = json.dumps(change, ensure_ascii=False, default=json_default).encode()
            self.subscription.publish(self.publish, data, headers, changes.key(change))
        return len(found)

    def _dry_run(self, batch: list[Pending]) -> object:
        return self.ledger.append(batch, dry_run=True)

    def _send(self, letter: DeadLetter) -> None:
        message = letter.message
        headers = {
            "Owl-Reason": str(letter.refusal),
            "Owl-Stream": self.stream,
            "Owl-Subject": message.subject,
            "Owl-Sequence": str(message.position),
        }
        if letter.refusal.field:
            headers["Owl-Field"] = letter.refusal.field
        key = f"owl-dead-letter:{self.stream}:{message.position}"
        self.subscription.publish(self.dead_letter, message.data, headers, key)

    def _count(self, done: Batch) -> None:
        totals = self.totals
        totals.messages += done.messages
        totals.appended += done.appended
        totals.already_present += done.already_present
        totals.dead += len(done.dead)
        totals.published += done.published
        totals.head_seq, totals.head_hash = done.head_seq, done.head_hash

    # --- the connection ----------------------------------------------------------------------

    def _connect(self, lost: BrokerLost | None, retry: bool) -> bool:
        """Connect, after `lost` (or for the first time), trying again after a doubling pause
        while `retry` and `retries` allow; False when a stop was asked for meanwhile."""
        attempt = 0
        while True:
            if lost is not None:
                attempt += 1
                if not retry or (self.retries is not None and attempt > self.retries):
                    raise lost
                pause = min(self.backoff[1], self.backoff[0] * 2 ** (attempt - 1))
                self.report(Lost(str(lost), attempt, pause))
                self._pause(pause)
                if self.stopping():
                    return False
            try:
                self.subscription.connect()
            except BrokerLost as exc:
                lost = exc
                continue
            if attempt:
                self.report(Reconnected(attempt))
            return True

    def _pause(self, seconds: float) -> None:
        slices = max(1, math.ceil(seconds / PAUSE_SLICE))
        for _ in range(slices):
            if self.stopping():
                return
            self.sleep(seconds / slices)
