"""Checkpoints taken while an append goes on (`projections.maintained.follow`) are the checkpoints a
build after the append would take: the same states, at the same dates; and whatever the follower
cannot follow (a backdated event, a void) is left to the build, with the same answers."""

from __future__ import annotations

from typing import Any

import pytest

from bench.history import history
from owl.ledger.events import parse_event
from owl.ledger.log import Pending
from owl.projections.maintained import checkpoints, tables
from owl.projections.maintained.codec import decode_state

ISSUER = "BIG"


@pytest.fixture(autouse=True)
def builds(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Checkpoints every 300 events (so small histories have several), and the issuers the
    build after an append was asked for."""
    monkeypatch.setattr(checkpoints, "INTERVAL", 300)
    asked: list[str] = []
    build = checkpoints.build

    def counted(writer: Any, cache: Any, issuer: str) -> int:
        asked.append(issuer)
        return build(writer, cache, issuer)

    monkeypatch.setattr(checkpoints, "build", counted)
    return asked


def pendings(rows: list[dict[str, Any]]) -> list[Pending]:
    return [Pending(parse_event(row)) for row in rows]  # type: ignore[arg-type]


def rows_of(ledger: Any) -> list[tuple[str, int, str | None, int, bytes, bytes]]:
    with ledger.store.reading() as reader:
        heads = tables.checkpoint_heads(reader, ISSUER)
        found = []
        for through, built, *_ in heads:
            row = tables.checkpoint(reader, ISSUER, through, built)
            found.append((row.through, row.built_seq, row.previous, row.counted, row.state,
                          row.changes))  # fmt: skip
        return found


def rebuilt_by_a_build(ledger: Any) -> list[tuple[str, int, str | None, int, bytes, bytes]]:
    with ledger.store.writing() as writer:
        tables.drop_checkpoints(writer, ISSUER)
    ledger.cache = checkpoints.StateCache()
    ledger.checkpoint([ISSUER])
    return rows_of(ledger)


def test_an_append_followed_stores_what_a_build_would(ledger: Any, builds: list[str]) -> None:
    ledger.append(pendings(list(history(1_200))))
    assert builds == []  # the follower took them
    followed = rows_of(ledger)
    assert len(followed) >= 4  # every 300 events and the last date
    assert followed == rebuilt_by_a_build(ledger)


def test_a_second_feed_is_followed_from_the_first_ones_checkpoint(
    ledger: Any, builds: list[str]
) -> None:
    rows = list(history(2_000))
    middle = rows[len(rows) // 2]["effective_date"]
    ledger.append(pendings([r for r in rows if r["effective_date"] <= middle]))
    ledger.append(pendings([r for r in rows if r["effective_date"] > middle]))
    assert builds == []
    last = rows[-1]["effective_date"]
    with ledger.store.reading() as reader:
        built = tables.known_seq(reader, ISSUER, None)
        latest = tables.checkpoint(reader, ISSUER, last, built)
    assert latest is not None  # the second append's own checkpoint at its last date
    scratch = {r[0]: r for r in rebuilt_by_a_build(ledger)}
    assert decode_state(latest.state) == decode_state(scratch[last][4])


@pytest.mark.parametrize("twist", ["backdated", "void"])
def test_what_cannot_be_followed_is_built_after_with_the_same_answers(
    ledger: Any, twist: str, builds: list[str]
) -> None:
    rows = list(history(2_000))
    middle = rows[len(rows) // 2]["effective_date"]
    first = [r for r in rows if r["effective_date"] <= middle]
    second = [r for r in rows if r["effective_date"] > middle]
    ledger.append(pendings(first))
    if twist == "backdated":
        second.append({"type": "SharesPurchased", "issuer": ISSUER, "holder": "Holder 0007",
                       "effective_date": rows[10]["effective_date"], "shares": 5})  # fmt: skip
    else:
        last = rows[-1]["effective_date"]
        second.append({"type": "EventVoided", "issuer": ISSUER, "voids": "t-5",
                       "effective_date": last, "reason": "a test"})  # fmt: skip
    ledger.append(pendings(second))
    assert builds == [ISSUER]  # the follower gave up; the build did the work
    as_of = rows[-1]["effective_date"]
    answers = [ledger.status(ISSUER, day) for day in (middle, as_of)]
    ledger.cache = checkpoints.StateCache()
    with ledger.store.writing() as writer:
        tables.drop_checkpoints(writer, ISSUER)
    assert [ledger.status(ISSUER, day) for day in (middle, as_of)] == answers  # no checkpoint


def test_a_date_with_very_many_events_is_streamed_through_the_fold() -> None:
    """The fold holds a date's aggregates, not its events: a date with 20,000 trades is folded
    from a stream in a few MB, where holding the date's records would take tens of MB."""
    import tracemalloc
    from datetime import date

    from owl.ledger.events import SharesPurchased
    from owl.ledger.log import Recorded
    from owl.projections.domain.fold import Fold
    from owl.projections.domain.state import FoldState

    day = date(2003, 8, 14)

    def stream() -> Any:
        for n in range(20_000):
            event = SharesPurchased(
                issuer=ISSUER, effective_date=day, holder=f"Holder {n % 50}", shares=1 + n % 7
            )
            yield Recorded(n + 1, "2003-08-15T00:00:00.000000Z", "0" * 64, "0" * 64, event)

    fold = Fold(FoldState(ISSUER), set())
    tracemalloc.start()
    fold.run(stream(), day)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert fold.s.counted == 20_000
    assert fold.s.book.holdings["Holder 0"] == sum(1 + n % 7 for n in range(0, 20_000, 50))
    assert peak < 8 * 2**20


def test_a_follower_whose_process_dies_leaves_the_work_to_the_build(
    ledger: Any, builds: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fold in the second process is only speed: when that process dies, the append still
    lands whole and the build after it takes the same checkpoints."""
    import sys

    from owl.projections.maintained import offload

    dies = [sys.executable, "-c", "import sys; sys.stdin.buffer.read(100); sys.exit(3)"]
    monkeypatch.setattr(offload, "COMMAND", dies)
    result = ledger.append(pendings(list(history(1_200))))
    assert result.appended > 1_200
    assert builds == [ISSUER]
    assert rows_of(ledger) == rebuilt_by_a_build(ledger)


def remotes(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The second processes started from now on."""
    from owl.projections.maintained import offload

    started: list[Any] = []
    start = offload.Remote.start

    def kept(local: Any) -> Any:
        remote = start(local)
        started.append(remote)
        return remote

    monkeypatch.setattr(offload.Remote, "start", kept)
    return started


def test_a_follower_folds_in_a_second_process(
    ledger: Any, builds: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    started = remotes(monkeypatch)
    ledger.append(pendings(list(history(1_200))))
    assert len(started) == 1 and started[0] is not None
    assert started[0].answered and started[0].process.returncode == 0
    assert builds == []  # its checkpoints were written


def test_no_second_process_outlives_an_append_refused(
    ledger: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from owl.ledger.errors import InvalidEvents

    started = remotes(monkeypatch)
    rows = list(history(1_200))
    rows.append({"type": "SharesSold", "issuer": ISSUER, "holder": "Nobody",
                 "effective_date": rows[-1]["effective_date"], "shares": 5})  # fmt: skip
    with pytest.raises(InvalidEvents):
        ledger.append(pendings(rows))
    assert len(started) == 1
    assert started[0].process.returncode is not None  # ended, and waited for
    with ledger.store.reading() as reader:
        assert tables.known_seq(reader, ISSUER, None) == 0
