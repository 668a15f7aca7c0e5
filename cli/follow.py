"""`owl follow`: append from a NATS JetStream stream, exactly once (docs/feeds.md).

The command wires the JetStream adapter (`owl.brokers.jetstream`) to the application's follower
(`owl.projections.application.follower`), turns SIGTERM and Ctrl-C into a stop after the batch in
hand, and prints (or logs as JSON) what each batch did, how fast, and how far behind the stream.
Longer than the ~300 lines STYLE.md asks: the command's options and help are most of it, and
its report lines belong beside them.
"""

from __future__ import annotations

import json
import signal
import time
from types import FrameType
from typing import TYPE_CHECKING, Any

import click

from owl.cli.common import Settings, open_ledger
from owl.cli.safe import printable

if TYPE_CHECKING:
    from owl.projections.application.follower import Batch, Lost, Reconnected, Totals

SCHEMES = ("nats://", "tls://")
RETRIES_ONCE = 5  # connections tried again in a row by --once before it gives up


@click.command()
@click.argument("url", metavar="nats://HOST:PORT")
@click.option("--stream", required=True, help="The JetStream stream to follow (it must exist).")
@click.option(
    "--subject",
    default=None,
    help="Follow only the messages on this subject of the stream (wildcards allowed); "
    "default: every subject of the stream.",
)
@click.option(
    "--durable",
    default="owl",
    show_default=True,
    help="The durable consumer's name: where the stream was left off is kept under it, so a "
    "restart goes on from the first message not acknowledged.",
)
@click.option(
    "--batch",
    type=click.IntRange(1, 10_000),
    default=100,
    show_default=True,
    help="Messages per transaction, at most.",
)
@click.option(
    "--max-wait",
    "max_wait",
    metavar="MS",
    type=click.IntRange(10, 600_000),
    default=1000,
    show_default=True,
    help="How long a batch waits to fill before it is committed as it is, in milliseconds.",
)
@click.option(
    "--dead-letter",
    "dead_letter",
    metavar="SUBJECT",
    default=None,
    help="Where a message that is not an event is published, with its reason, as it came "
    "(docs/feeds.md). A stream must store this subject. Default: owl.dead.STREAM.",
)
@click.option(
    "--csv-header",
    "csv_header",
    default=None,
    help="The CSV trade feed's header, for a stream of CSV rows "
    '("trade_id,issuer,holder,side,shares,trade_date,price"); a message that is a JSON object '
    "is read as JSON Lines either way.",
)
@click.option(
    "--ack-wait",
    "ack_wait",
    metavar="SECONDS",
    type=click.FloatRange(min=0.5),
    default=30.0,
    show_default=True,
    help="How long the server waits for a message's acknowledgement before delivering it "
    "again (after a crash, say). Keep it longer than a batch takes to commit.",
)
@click.option(
    "--once",
    is_flag=True,
    help="Drain what the stream holds, then exit (for scripts and tests); also waits for "
    "messages a stopped follower left unacknowledged, which come again after --ack-wait.",
)
@click.option(
    "--publish",
    metavar="SUBJECT",
    default=None,
    help="After each batch, publish one JSON message per change it brought (a crossing, an "
    "Acquiring Person, an obligation, a break) to SUBJECT, before acknowledging the batch "
    "(docs/feeds.md). A stream must store this subject.",
)
@click.option(
    "--log-format",
    "log_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="How each batch is reported on stdout: a line of text, or one JSON object per line.",
)
@click.pass_obj
def follow(
    settings: Settings,
    url: str,
    stream: str,
    subject: str | None,
    durable: str,
    batch: int,
    max_wait: int,
    dead_letter: str | None,
    csv_header: str | None,
    ack_wait: float,
    once: bool,
    publish: str | None,
    log_format: str,
) -> None:
    """Append the events published on a NATS JetStream stream, exactly once, as they come.

    A durable pull consumer (--durable) reads the stream in batches; each message is one event,
    a JSON object as one line of JSON Lines, or one CSV trade row under --csv-header, read as
    `owl ingest` reads a line. A batch is appended in one transaction and its messages are
    acknowledged only after it commits; each event's id is the trade's own (event_id, or
    trade_id in CSV), so a message delivered again (after a crash, say) is counted as already
    present. A message that is not an event (bad JSON, a missing field, no id, a sale larger
    than the position) goes to the dead-letter subject with its reason and its original bytes,
    is acknowledged, and never holds up the messages behind it.

    After each batch it prints the messages, what was appended, the rate, the lag behind the
    stream (messages not yet delivered) and the head digest. SIGTERM or Ctrl-C finishes the
    batch in hand and exits 0; a lost connection is tried again with a growing pause (at most
    30 s), and said. docs/feeds.md says how to run it as a service.

    \b
    Examples:
      owl follow nats://127.0.0.1:4222 --stream TRADES
      owl follow nats://broker:4222 --stream TRADES --subject trades.csv \\
          --csv-header trade_id,issuer,holder,side,shares,trade_date --dead-letter owl.dead
      owl follow nats://127.0.0.1:4222 --stream TRADES --once --log-format json
    """
    if not url.startswith(SCHEMES):
        raise click.BadParameter(
            f"{url!r} is not a NATS server's URL (nats://HOST:PORT)", param_hint="'URL'"
        )
    from owl.brokers import BrokerError
    from owl.brokers.jetstream import JetStream
    from owl.ledger.feeds import FeedRefused
    from owl.ledger.feeds.message import MessageReader
    from owl.projections.application.follower import Follower

    try:
        reader = MessageReader(csv_header)
    except FeedRefused as exc:
        raise click.BadParameter(str(exc), param_hint="'--csv-header'") from None
    dead = dead_letter or f"owl.dead.{stream}"
    ledger = open_ledger(settings)
    ledger.head_seq()  # no ledger there: say so before reaching for the broker
    log = Log(log_format == "json", dead, publish is not None)
    stop = Stop(log)
    subscription = JetStream(url, stream, durable, subject, dead, ack_wait, batch, publish)
    follower = Follower(
        ledger,
        subscription,
        reader,
        dead,
        stream,
        batch=batch,
        wait=max_wait / 1000,
        report=log.report,
        stopping=stop.asked,
        retries=RETRIES_ONCE if once else None,
        publish=publish,
    )
    log.started(url, stream, durable, subject)
    with stop:
        try:
            totals = follower.run(once=once)
        except BrokerError as exc:
            raise click.ClickException(printable(str(exc))) from None
    log.stopped(totals, stop.signal)


class Stop:
    """SIGTERM and SIGINT ask for a stop after the batch in hand; a second one ends the
    process at once (the default handlers are back)."""

    def __init__(self, log: Log) -> None:
        self.log = log
        self.signal: str | None = None
        self._saved: dict[int, Any] = {}

    def asked(self) -> bool:
        return self.signal is not None

    def __enter__(self) -> Stop:
        for number in (signal.SIGTERM, signal.SIGINT):
            self._saved[number] = signal.signal(number, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        for number, handler in self._saved.items():
            signal.signal(number, handler)

    def _handle(self, number: int, frame: FrameType | None) -> None:
        self.signal = signal.Signals(number).name
        self.__exit__()
        self.log.line("stopping", f"{self.signal}: stopping after the batch in hand",
                      signal=self.signal)  # fmt: skip


class Log:
    """One line per report on stdout: text for people, or a JSON object (`--log-format json`)."""

    def __init__(self, as_json: bool, dead_letter: str, publishing: bool = False) -> None:
        self.as_json = as_json
        self.dead_letter = dead_letter
        self.publishing = publishing
        self.since = time.monotonic()

    def line(self, kind: str, text: str, **fields: Any) -> None:
        if self.as_json:
            click.echo(json.dumps({"event": kind, **fields}, ensure_ascii=False))
        else:
            click.echo(printable(text))

    def started(self, url: str, stream: str, durable: str, subject: str | None) -> None:
        self.since = time.monotonic()
        on = f" ({subject})" if subject else ""
        self.line(
            "started",
            f"following {stream}{on} at {url} as {durable}; dead letters to {self.dead_letter}",
            url=url, stream=stream, subject=subject, durable=durable,
            dead_letter=self.dead_letter,
        )  # fmt: skip

    def report(self, what: Batch | Lost | Reconnected) -> None:
        from owl.projections.application.follower import Batch, Lost

        if isinstance(what, Batch):
            self._batch(what)
        elif isinstance(what, Lost):
            self.line(
                "connection_lost",
                f"{what.reason}; connecting again in {what.retry_in:g} s (attempt {what.attempt})",
                reason=what.reason, attempt=what.attempt, retry_in=what.retry_in,
            )  # fmt: skip
        else:
            self.line("connected", f"connected again after {_attempts(what.attempts)}",
                      attempts=what.attempts)  # fmt: skip

    def _batch(self, done: Batch) -> None:
        now = time.monotonic()
        rate = done.messages / max(now - self.since, 1e-6)
        self.since = now
        for letter in done.dead:
            message = letter.message
            self.line(
                "dead_letter",
                f"dead letter: message {message.position} ({message.subject}) to "
                f"{self.dead_letter}: {letter.refusal}",
                position=message.position, subject=message.subject,
                field=letter.refusal.field, reason=letter.refusal.reason,
            )  # fmt: skip
        for warning in done.warnings:
            self.line("warning", f"warning: {warning}", warning=warning)
        digest = f"{done.head_seq}:{done.head_hash}"
        deferred = (
            f", deferred {done.deferred} (a message before them is still out: they come again)"
            if done.deferred
            else ""
        )
        self.line(
            "batch",
            f"batch of {done.messages}: appended {done.appended}, already present "
            f"{done.already_present}, dead letters {len(done.dead)}{deferred}"
            f"{self._published(done.published)}; {rate:,.0f} messages/s; "
            f"lag {done.backlog.waiting}; head digest {digest}",
            messages=done.messages, appended=done.appended,
            already_present=done.already_present, dead_letters=len(done.dead),
            deferred=done.deferred, rate=round(rate, 1), lag=done.backlog.waiting,
            unacked=done.backlog.unacked, published=done.published if self.publishing else None,
            head_seq=done.head_seq, head_hash=done.head_hash, digest=digest,
        )  # fmt: skip

    def _published(self, count: int) -> str:
        return f", changes published {count}" if self.publishing else ""

    def stopped(self, t: Totals, signal: str | None) -> None:
        self.line(
            "stopped",
            f"appended {t.appended}, already present {t.already_present}, dead letters {t.dead}"
            + self._published(t.published)
            + (f"\nhead digest {t.head_seq}:{t.head_hash}" if t.head_hash else ""),
            appended=t.appended, already_present=t.already_present, dead_letters=t.dead,
            published=t.published if self.publishing else None, head_seq=t.head_seq,
            head_hash=t.head_hash or None, signal=signal,
        )  # fmt: skip


def _attempts(count: int) -> str:
    return "1 attempt" if count == 1 else f"{count} attempts"
