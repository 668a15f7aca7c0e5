"""Which messages of a refused batch are to blame, and when a refusal is final (`follower.py`).

Each event of a followed batch goes to the append with its message's position in the stream as
its line, so a refusal (`InvalidEvents`, every `Problem` with its line) names its messages. A
refusal of ids (one used for other content, a void of an unknown id) blames every message it
names: each is wrong on its own. Any other (a sale larger than the position, a repurchase larger
than the float) blames only the first message it names in the stream: a shortfall named after it
may be its doing (a sale of the shares a refused sale took), so the rest is checked again without
it. A refusal that names no line (none should) is traced by appending ever longer beginnings of
the batch without writing, until one is refused.

A refusal is final only when every message before the blamed one in the stream has been
acknowledged or is in hand (`settled`): a message delivered again after later ones (its
follower died before acknowledging it) may be the purchase a refused sale lacks.
"""

from __future__ import annotations

from collections.abc import Callable

from owl.brokers import Backlog, Message
from owl.ledger.errors import DuplicateEventId, InvalidEvents, UnknownEventId
from owl.ledger.events import AnyEvent
from owl.ledger.feeds.message import Refusal
from owl.ledger.log import Pending

Events = list[tuple[Message, AnyEvent]]


def pendings(events: Events) -> list[Pending]:
    """Each event with its message's position in the stream as its line, so a refusal names it."""
    return [Pending(event, message.position) for message, event in events]


def blamed(
    exc: InvalidEvents, events: Events, dry_run: Callable[[list[Pending]], object]
) -> dict[int, Refusal]:
    """The messages (by position) a refusal of `events` blames, with the reasons."""
    found = named(exc, events) or _traced(exc, events, dry_run)
    if isinstance(exc, DuplicateEventId | UnknownEventId):
        return found
    first = min(found)
    return {first: found[first]}


def named(exc: InvalidEvents, events: Events) -> dict[int, Refusal]:
    """The messages a refusal names, each with its reasons."""
    positions = {message.position for message, _ in events}
    reasons: dict[int, list[Refusal]] = {}
    for problem in exc.problems:
        if problem.line in positions:
            reasons.setdefault(problem.line, []).append(Refusal(problem.field, problem.reason))
    return {
        line: found[0] if len(found) == 1 else Refusal(None, "; ".join(map(str, found)))
        for line, found in reasons.items()
    }


def _traced(
    exc: InvalidEvents, events: Events, dry_run: Callable[[list[Pending]], object]
) -> dict[int, Refusal]:
    """The first message whose addition to the ones before it makes a refused batch."""
    for end in range(1, len(events) + 1):
        try:
            dry_run(pendings(events[:end]))
        except InvalidEvents as found:
            culprit = events[end - 1][0].position
            return named(found, events[:end]) or {culprit: Refusal(None, _first(found))}
    return {events[-1][0].position: Refusal(None, _first(exc))}


def settled(position: int, in_hand: set[int], backlog: Backlog, count: int) -> bool:
    """Whether every message before `position` is acknowledged or in hand (the `count` in hand
    are among the unacknowledged `backlog` read before they were acknowledged)."""
    if backlog.unacked <= count:
        return True
    return all(p in in_hand for p in range(backlog.acked_through + 1, position))


def _first(exc: InvalidEvents) -> str:
    return str(exc.problems[0]) if exc.problems else str(exc)
