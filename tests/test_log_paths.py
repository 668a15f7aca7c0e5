"""`owl log --issuer` reads a big issuer by walking the log in seq order (its first lines come at
once) and a small one through its index: both paths give the same events, filters and all."""

from __future__ import annotations

from typing import Any

import pytest

from owl.ledger.log import Pending
from owl.projections.application.api import Ledger
from owl.projections.application.logread import LogFilter
from tests.builders import at, ev


def trades(ledger: Ledger) -> None:
    batch = []
    for n in range(1, 41):  # two issuers interleaved, dates out of seq order
        issuer = "AAA" if n % 3 else "BBB"
        day = f"2020-0{1 + n % 9}-{10 + n % 17:02d}"
        batch.append(ev("SharesPurchased", day, issuer, holder=f"H{n % 4}", shares=n,
                        event_id=f"t{n}"))  # fmt: skip
    ledger.append([Pending(e) for e in batch], at("2026-01-01T00:00"))


@pytest.mark.parametrize("issuer", ["AAA", "BBB"])
@pytest.mark.parametrize(
    "asked",
    [{}, {"start": "2020-03-01"}, {"end": "2020-05-20"}, {"holder": "h1"},
     {"start": "2020-02-01", "end": "2020-06-30", "types": ["SharesPurchased"]}],
)  # fmt: skip
def test_walking_the_log_and_using_the_index_give_the_same_events(
    ledger: Ledger, issuer: str, asked: dict[str, Any]
) -> None:
    trades(ledger)
    wanted = LogFilter.of(None, asked.get("types"), asked.get("holder"), asked.get("start"),
                          asked.get("end"))  # fmt: skip

    walked = [r.seq for r in wanted.records(ledger.store, issuer, share=1.0)]
    indexed = [r.seq for r in wanted.records(ledger.store, issuer, share=0.0)]
    through_api = [r.seq for r in ledger.log(issuer, **asked)]

    assert walked == indexed == through_api
    assert walked == sorted(walked) and walked
