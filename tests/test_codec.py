"""A fold's state survives the trip through a checkpoint exactly."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from owl.ledger.events import canonical_payload
from owl.projections.domain.fold import Fold
from owl.projections.domain.state import FoldState
from owl.projections.maintained.codec import (
    decode_changes,
    decode_state,
    encode_changes,
    encode_state,
)
from tests.builders import innotrac_events, records
from tests.oracle import voided_seqs
from tests.test_equivalence import BASE, histories


@settings(deadline=None)
@given(histories())
def test_every_state_a_fold_passes_through_decodes_to_itself(batches: list[list[Any]]) -> None:
    rows = records(*BASE, *(e for batch in batches for e in batch))
    fold = Fold(FoldState("INOC"), voided_seqs(rows))
    seen = []

    def check(day: date, counted: int) -> None:
        seen.append(day)
        # (the schedule is a heap: kept as its sorted list, the same heap)
        assert decode_state(encode_state(fold.s)) == replace(
            fold.s, schedule=sorted(fold.s.schedule)
        )
        assert decode_changes(encode_changes(fold.changes)) == fold.changes

    fold.run(rows, None, check)

    assert seen


def test_the_innotrac_state_round_trips_through_a_checkpoint() -> None:
    rows = records(*innotrac_events())
    fold = Fold(FoldState("INOC"))
    fold.run(rows, date(2003, 11, 24))

    assert decode_state(encode_state(fold.s)) == fold.s


@settings(deadline=None)
@given(st.text(max_size=30), st.text(max_size=30))
def test_the_canonical_payload_is_json_dumps_with_sorted_keys(holder: str, source: str) -> None:
    import json

    from tests.builders import ev

    if not holder.strip() or "\x00" in holder or "\x00" in source:
        return
    try:
        event = ev("SharesPurchased", "2003-01-02", holder=holder, shares=5, source=source)
    except AssertionError:
        return  # a name the event model refuses
    body = event.model_dump(mode="json", exclude={"event_id"}, exclude_none=True)

    expected = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)

    assert canonical_payload(event) == expected
