"""The storage contract: every backend (SQLite, PostgreSQL) must pass every test here."""

from __future__ import annotations

import pytest
import sqlalchemy
from freezegun import freeze_time

from owl.cli.common import utc_now
from owl.ledger.chain import GENESIS, row_hash
from owl.ledger.errors import (
    DuplicateEventId,
    LedgerError,
    NotInitialized,
    RecordedAtBackwards,
    UnknownEventId,
)
from owl.ledger.events import canonical_payload
from owl.ledger.log import Pending
from owl.ledger.sql.schema import SQLITE_TRIGGERS
from owl.projections.application.api import Ledger
from tests.builders import at, ev, pending
from tests.storekit import Log


@pytest.fixture
def log(db_url: str) -> Log:
    store = Log(db_url)
    store.init()
    yield store
    store.close()


def buy(holder: str, shares: int, date: str = "2003-08-14", **kw: object) -> object:
    return ev("SharesPurchased", date, holder=holder, shares=shares, **kw)


def tamper(log: Log, *statements: str) -> None:
    """Change stored rows behind the ledger's back, with the append-only triggers out of the way."""
    with log.engine.begin() as conn:
        if log.dialect == "sqlite":
            conn.exec_driver_sql("DROP TRIGGER events_no_update")
            conn.exec_driver_sql("DROP TRIGGER events_no_delete")
        else:
            conn.exec_driver_sql("ALTER TABLE events DISABLE TRIGGER USER")
        for statement in statements:
            conn.exec_driver_sql(statement)
        if log.dialect == "postgresql":
            conn.exec_driver_sql("ALTER TABLE events ENABLE TRIGGER USER")
        else:
            for trigger in SQLITE_TRIGGERS:  # puts the SQLite triggers back
                conn.exec_driver_sql(trigger)


def test_appended_events_read_back_equal_in_replay_order(log: Log) -> None:
    late = buy("B", 5, "2003-11-24", event_id="late")
    early = buy("A", 7, "2003-08-14", event_id="early", price="6.25", source="Form 4")

    result = log.append(pending(late, early), at("2026-11-29T12:00"))

    assert (result.appended, result.already_present, result.head_seq) == (2, 0, 2)
    read = list(log.read("INOC"))
    assert [r.event for r in read] == [early, late]
    assert [r.seq for r in read] == [2, 1]
    assert read[0].recorded_at == "2026-11-29T12:00:00.000000Z"


def test_seq_is_gapless_across_batches(log: Log) -> None:
    for n in range(3):
        log.append(
            pending(buy("A", 1, event_id=f"a{n}"), buy("B", 1, event_id=f"b{n}")),
            at("2026-11-29T12:00"),
        )

    assert [r.seq for r in log.read_all()] == [1, 2, 3, 4, 5, 6]


def test_each_row_links_to_the_hash_of_the_row_before(log: Log) -> None:
    log.append(pending(buy("A", 1), buy("B", 2), buy("C", 3)), at("2026-11-29T12:00"))

    rows = list(log.read_all())

    assert rows[0].prev_hash == GENESIS
    assert [r.prev_hash for r in rows[1:]] == [r.hash for r in rows[:-1]]
    first = rows[0]
    assert first.hash == row_hash(
        GENESIS,
        1,
        first.event_id,
        "INOC",
        "SharesPurchased",
        "2003-08-14",
        first.recorded_at,
        '{"effective_date":"2003-08-14","holder":"A","issuer":"INOC",'
        '"shares":1,"type":"SharesPurchased"}',
    )
    assert log.verify().head_hash == rows[-1].hash


def test_reappending_identical_events_is_a_no_op(log: Log) -> None:
    batch = pending(buy("A", 1, event_id="t1"), buy("B", 2))
    log.append(batch, at("2026-11-29T12:00"))

    again = log.append(batch, at("2026-11-29T13:00"))

    assert (again.appended, again.already_present, again.head_seq) == (0, 2, 2)


def test_an_identical_event_twice_in_one_batch_is_counted_as_repeated(log: Log) -> None:
    result = log.append(
        pending(buy("A", 1, event_id="t1"), buy("A", 1, event_id="t1")), at("2026-11-29T12:00")
    )

    assert (result.appended, result.already_present, result.repeated) == (1, 0, 1)


def test_one_id_for_two_contents_in_one_batch_names_the_earlier_line(log: Log) -> None:
    batch = pending(buy("A", 1, event_id="t1"), buy("B", 1), buy("A", 2, event_id="t1"))

    with pytest.raises(DuplicateEventId) as refused:
        log.append(batch, at("2026-11-29T12:00"))

    assert [str(p) for p in refused.value.problems] == [
        "line 3: field 'event_id': 't1' is used earlier in this input (line 1) for different "
        "content"
    ]
    assert log.verify().rows == 0


def test_a_known_id_with_different_content_refuses_the_whole_batch(log: Log) -> None:
    log.append(pending(buy("A", 1, event_id="t1")), at("2026-11-29T12:00"))

    with pytest.raises(DuplicateEventId, match="line 2: field 'event_id': 't1' is already in"):
        log.append(
            pending(buy("B", 9, event_id="new"), buy("A", 2, event_id="t1")), at("2026-11-29T13:00")
        )

    assert [r.event_id for r in log.read_all()] == ["t1"]


def test_recorded_at_going_backwards_is_refused(log: Log) -> None:
    log.append(pending(buy("A", 1)), at("2026-11-29T12:00"))

    with pytest.raises(RecordedAtBackwards, match="earlier than the last recorded event"):
        log.append(pending(buy("B", 1)), at("2026-11-29T11:59:59"))

    assert log.verify().rows == 1


def test_recorded_at_may_equal_the_last_one(log: Log) -> None:
    log.append(pending(buy("A", 1)), at("2026-11-29T12:00"))

    assert log.append(pending(buy("B", 1)), at("2026-11-29T12:00")).appended == 1


def test_a_clock_given_for_recorded_at_is_read_under_the_write_lock(log: Log) -> None:
    with freeze_time("2026-11-29 09:30:00"):
        log.append(pending(buy("A", 1)), utc_now)

    assert log.read_all()[0].recorded_at == "2026-11-29T09:30:00.000000Z"


def test_known_at_hides_events_recorded_later(log: Log) -> None:
    log.append(pending(buy("A", 1, event_id="first")), at("2026-01-01T00:00"))
    log.append(pending(buy("A", 2, "2003-01-01", event_id="backdated")), at("2026-06-01T00:00"))

    then = [r.event_id for r in log.read("INOC", known_at=at("2026-03-01T00:00"))]
    now = [r.event_id for r in log.read("INOC")]

    assert then == ["first"]
    assert now == ["backdated", "first"]


def test_as_of_limits_reads_to_effective_dates_on_or_before_it(log: Log) -> None:
    log.append(
        pending(buy("A", 1, "2003-11-23"), buy("A", 1, "2003-11-24"), buy("A", 1, "2003-11-25")),
        at("2026-01-01T00:00"),
    )

    dates = [str(r.event.effective_date) for r in log.read("INOC", as_of=at("2003-11-24").date())]

    assert dates == ["2003-11-23", "2003-11-24"]


def test_reads_are_per_issuer(log: Log) -> None:
    log.append(
        pending(buy("A", 1), ev("OutstandingReported", "2003-01-01", issuer="ACME", shares=10)),
        at("2026-01-01T00:00"),
    )

    assert [r.event.issuer for r in log.read("ACME")] == ["ACME"]
    assert sorted(log.issuers()) == ["ACME", "INOC"]


def test_the_database_refuses_update(log: Log) -> None:
    log.append(pending(buy("A", 1)), at("2026-01-01T00:00"))

    refused = pytest.raises(sqlalchemy.exc.DatabaseError, match="append-only")
    with refused, log.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE events SET payload = '{}' WHERE seq = 1")


def test_the_database_refuses_delete(log: Log) -> None:
    log.append(pending(buy("A", 1)), at("2026-01-01T00:00"))

    refused = pytest.raises(sqlalchemy.exc.DatabaseError, match="append-only")
    with refused, log.engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM events")

    assert log.verify().rows == 1


def _three(log: Log) -> None:
    log.append(pending(buy("A", 1), buy("B", 2), buy("C", 3)), at("2026-01-01T00:00"))


def test_verify_returns_the_head_of_an_intact_chain(log: Log) -> None:
    _three(log)

    result = log.verify()

    assert (result.ok, result.rows, result.head_seq) == (True, 3, 3)
    assert result.head_hash == list(log.read_all())[-1].hash


def test_verify_catches_an_edited_row(log: Log) -> None:
    _three(log)

    tamper(
        log,
        "UPDATE events SET payload = replace(payload, '\"shares\":2', '\"shares\":20')"
        " WHERE seq = 2",
    )

    result = log.verify()
    assert (result.ok, result.bad_seq, result.head_seq) == (False, 2, 1)
    assert "content" in (result.reason or "")


def test_verify_catches_a_deleted_row(log: Log) -> None:
    _three(log)

    tamper(log, "DELETE FROM events WHERE seq = 2")

    result = log.verify()
    assert (result.ok, result.bad_seq) == (False, 2)
    assert "missing" in (result.reason or "")


def test_verify_catches_two_swapped_rows(log: Log) -> None:
    _three(log)

    # Swap the content of rows 2 and 3, keeping each row's seq: the chain must notice.
    tamper(
        log,
        "UPDATE events SET seq = -2 WHERE seq = 2",
        "UPDATE events SET seq = 2 WHERE seq = 3",
        "UPDATE events SET seq = 3 WHERE seq = -2",
    )

    result = log.verify()
    assert (result.ok, result.bad_seq) == (False, 2)


def test_verify_catches_a_row_whose_hash_was_recomputed_but_not_its_successor(
    log: Log,
) -> None:
    _three(log)
    rows = list(log.read_all())
    payload = canonical_payload(rows[0].event.model_copy(update={"shares": 999}))
    forged = row_hash(
        GENESIS,
        1,
        rows[0].event_id,
        "INOC",
        "SharesPurchased",
        "2003-08-14",
        rows[0].recorded_at,
        payload,
    )

    tamper(log, f"UPDATE events SET payload = '{payload}', hash = '{forged}' WHERE seq = 1")

    result = log.verify()
    assert (result.ok, result.bad_seq) == (False, 2)
    assert "prev_hash" in (result.reason or "")


def test_a_batch_with_one_bad_event_writes_nothing(log: Log) -> None:
    log.append(pending(buy("A", 1, event_id="kept")), at("2026-01-01T00:00"))
    void = ev("EventVoided", "2003-08-14", voids="no-such-id", reason="typo")

    with pytest.raises(UnknownEventId, match="line 3: field 'voids'"):
        log.append(pending(buy("B", 1), buy("C", 1), void), at("2026-01-02T00:00"))

    assert [r.event_id for r in log.read_all()] == ["kept"]


class _Refusing:
    """A maintainer that refuses every batch at its end (as the projections' check does)."""

    line_of = staticmethod(lambda seq: (None, None))

    def __init__(self) -> None:
        self.seen: list[int] = []

    def chunk(self, writer: object, appended: list, start_seq: int) -> None:
        self.seen.append(len(appended))

    def run_ended(self, writer: object, run: object) -> None:
        pass

    def finish(self, writer: object) -> None:
        raise LedgerError("refused by the projection")


def test_a_refusing_maintainer_writes_nothing(log: Log) -> None:
    refusing = _Refusing()

    with pytest.raises(LedgerError, match="refused"):
        log.append(pending(buy("A", 1), buy("B", 1)), at("2026-01-01T00:00"), refusing)

    assert refusing.seen == [2]
    assert log.verify().rows == 0
    assert log.sql("SELECT COUNT(*) FROM positions") == [(0,)]


class _Looking(_Refusing):
    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []

    def finish(self, writer: object) -> None:
        self.ids = [r.event_id for r in writer.events("INOC")]  # type: ignore[attr-defined]


def test_the_maintainer_sees_the_log_and_the_batch_under_the_lock(log: Log) -> None:
    log.append(pending(buy("A", 1, event_id="old")), at("2026-01-01T00:00"))
    looking = _Looking()

    log.append(pending(buy("B", 1, event_id="new")), at("2026-01-02T00:00"), looking)

    assert looking.ids == ["old", "new"]


def test_a_void_may_name_an_event_of_the_same_batch(log: Log) -> None:
    batch = pending(
        buy("A", 1, event_id="x"),
        ev("EventVoided", "2003-08-14", voids="x", reason="entered twice"),
    )

    assert log.append(batch, at("2026-01-01T00:00")).appended == 2


def test_init_is_idempotent(log: Log) -> None:
    log.append(pending(buy("A", 1)), at("2026-01-01T00:00"))

    log.init()
    log.init()

    assert log.verify().rows == 1


def test_an_uninitialized_database_says_so(db_url: str) -> None:
    store = Log(db_url)

    with pytest.raises(NotInitialized, match="owl init"):
        store.read("INOC")
    with pytest.raises(NotInitialized):
        store.append(pending(buy("A", 1)), at("2026-01-01T00:00"))
    store.close()


def test_a_void_dated_later_still_removes_the_event_from_earlier_views(db_url: str) -> None:
    ledger = Ledger(db_url)
    ledger.init()
    void = ev("EventVoided", "2003-12-01", voids="x", reason="entered twice")
    ledger.append(
        pending(
            ev("OutstandingReported", "2003-01-01", shares=1000),
            buy("A", 1, "2003-11-01", event_id="x"),
            buy("A", 2, "2003-12-02"),
            void,
        ),
        at("2026-01-01T00:00"),
    )

    holders = ledger.ownership("INOC", "2003-11-30")["holders"]

    ledger.close()
    assert holders == []


def test_verify_with_the_digest_written_down_earlier_passes(log: Log) -> None:
    _three(log)
    digest = (2, list(log.read_all())[1].hash)

    assert log.verify(expect=digest).ok


def test_verify_with_a_digest_catches_rows_removed_from_the_end(log: Log) -> None:
    _three(log)
    head = log.verify()

    tamper(log, "DELETE FROM events WHERE seq = 3")

    assert log.verify().ok  # recomputation alone cannot see a shorter log
    result = log.verify(expect=(head.head_seq, head.head_hash))
    assert (result.ok, result.bad_seq) == (False, 3)
    assert (result.reason, result.digest_mismatch) == ("the log ends at seq 2", True)


def test_verify_with_a_digest_catches_a_rebuilt_chain(db_url: str, tmp_path: object) -> None:
    original = Log(db_url)
    original.init()
    original.append(pending(buy("A", 1)), at("2026-01-01T00:00"))
    digest = original.verify()
    original.close()

    tamper_all = Log(db_url)
    tamper(tamper_all, "DELETE FROM events", "DELETE FROM positions", "DELETE FROM appends")
    tamper_all.append(pending(buy("A", 2)), at("2026-01-01T00:00"))

    assert tamper_all.verify().ok
    result = tamper_all.verify(expect=(digest.head_seq, digest.head_hash))
    assert (result.ok, result.bad_seq) == (False, 1)
    tamper_all.close()


@pytest.mark.parametrize("template", ["sqlite:///{}", "sqlite+pysqlite:///{}?timeout=5"])
def test_reading_a_missing_sqlite_file_creates_nothing(tmp_path: object, template: str) -> None:
    from pathlib import Path

    missing = Path(str(tmp_path)) / "nope.db"
    store = Log(template.format(missing))

    with pytest.raises(NotInitialized, match=f"the file {missing} does not exist"):
        store.read("INOC")

    assert not missing.exists()
    store.close()


def test_events_carrying_their_recorded_at_keep_it_in_order(log: Log) -> None:
    kept = [
        Pending(buy("A", 1, event_id="a"), 1, None, "2026-01-01T00:00:00.000000Z"),
        Pending(buy("B", 1, event_id="b"), 2, None, "2026-01-02T00:00:00.000000Z"),
    ]
    log.append(kept, at("2026-06-01T00:00"))

    backwards = [Pending(buy("C", 1, event_id="c"), 1, None, "2026-01-01T12:00:00.000000Z")]
    with pytest.raises(RecordedAtBackwards):
        log.append(backwards, at("2026-06-01T00:00"))

    assert [r.recorded_at for r in log.read_all()] == [
        "2026-01-01T00:00:00.000000Z",
        "2026-01-02T00:00:00.000000Z",
    ]
