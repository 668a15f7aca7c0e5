"""`owl obligations` resumes the watches a checkpoint keeps: a class that appears later makes
the next append build checkpoints that hold it (a small append too), and until then the answer
is folded from the log; every answer equals one fold of the whole history."""

from __future__ import annotations

from datetime import date

import pytest

from owl.ledger.log import Pending
from owl.projections.application.api import Ledger
from owl.projections.domain.obligations import from_records
from owl.projections.maintained import checkpoints, tables
from owl.projections.maintained.watching import covers
from owl.projections.views.obligations import obligations_json, seqs_named
from tests.builders import at, ev

AS_OF = date(2021, 12, 31)


def whole_fold(ledger: Ledger) -> dict[str, object]:
    with ledger._at("INOC", None, AS_OF) as reading:
        classes = tables.classes(reading.reader, "INOC")
        found = from_records("INOC", reading.events(None, AS_OF.isoformat()), reading.voided,
                             AS_OF, classes)  # fmt: skip
        refs = reading.reader.events_by_seq(seqs_named(found))
        return obligations_json(found, "INOC", AS_OF, reading.stamp, None, refs)


def best_covers(ledger: Ledger) -> bool:
    with ledger.store.reading() as reader:
        upto = tables.known_seq(reader, "INOC", None)
        key = checkpoints.valid_keys(reader, "INOC", None, upto)[-1]
        row = tables.checkpoint(reader, "INOC", key.through, key.built_seq)
        assert row is not None
        return covers(row, None, reader)


def test_a_new_class_is_watched_from_the_next_append(
    ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(checkpoints, "INTERVAL", 5)
    history = [ev("OutstandingReported", "2021-01-04", shares=1_000_000)]
    history += [
        ev("SharesPurchased", f"2021-02-{d:02d}", holder="A", shares=9_000) for d in range(1, 20)
    ]  # fmt: skip  (A crosses 5%, then 10%)
    ledger.append([Pending(e) for e in history], at("2026-01-01T00:00"))
    assert best_covers(ledger)
    assert ledger.obligations("INOC", as_of=AS_OF) == whole_fold(ledger)

    class_b = [ev("OutstandingReported", "2021-03-01", shares=100_000, security="Class B"),
               ev("SharesPurchased", "2021-03-02", holder="B", shares=20_000,
                  security="Class B")]  # fmt: skip
    ledger.append([Pending(e) for e in class_b], at("2026-01-02T00:00"))

    assert best_covers(ledger)  # the small append built checkpoints with Class B's watch
    answer = ledger.obligations("INOC", as_of=AS_OF)
    assert answer == whole_fold(ledger)
    assert {o["group"] for o in answer["obligations"]} >= {"A", "B"}
