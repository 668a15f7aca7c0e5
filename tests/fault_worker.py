"""A separate process for the concurrency fault test: a writer appending random batches, or a
reader asking `status` and `ownership` and writing down each answer with the instant it names.

    python -m tests.fault_worker write URL SEED BATCHES
    python -m tests.fault_worker read URL SEED READS OUT.jsonl
"""

from __future__ import annotations

import json
import random
import sys
from typing import Any

from owl.ledger.errors import InvalidEvents
from owl.ledger.log import Pending
from owl.projections.application.api import Ledger
from tests.builders import ev

ISSUER = "CON"
HOLDERS = [f"H{n}" for n in range(8)]
FIRST_DAY = 1  # effective dates run over August 2003


def day(n: int) -> str:
    return f"2003-08-{n:02d}"


def base() -> list[Any]:
    return [
        ev("RightsAgreementAdopted", day(1), issuer=ISSUER, threshold="15", event_id="plan"),
        ev("OutstandingReported", day(1), issuer=ISSUER, shares=100_000, event_id="count"),
    ]


def random_event(rng: random.Random, tag: str) -> Any:
    kind = rng.choice(["buy"] * 6 + ["sell", "link", "count"])
    when = day(rng.randint(2, 28))  # backdated and forward-dated alike
    holder, other = rng.sample(HOLDERS, 2)
    if kind == "buy":
        return ev("SharesPurchased", when, issuer=ISSUER, holder=holder,
                  shares=rng.randint(1, 4000), event_id=tag)  # fmt: skip
    if kind == "sell":
        return ev("SharesSold", when, issuer=ISSUER, holder=holder, shares=rng.randint(1, 500),
                  event_id=tag)  # fmt: skip
    if kind == "link":
        return ev("AffiliationFormed", when, issuer=ISSUER, person=holder, affiliate=other,
                  relation="control", event_id=tag)  # fmt: skip
    return ev("OutstandingReported", when, issuer=ISSUER, shares=rng.randint(80_000, 120_000),
              event_id=tag)  # fmt: skip


def write(url: str, seed: int, batches: int) -> None:
    rng = random.Random(seed)
    ledger = Ledger(url)
    refused = 0
    for b in range(batches):
        batch = [Pending(random_event(rng, f"w{seed}-{b}-{n}")) for n in range(rng.randint(1, 12))]
        try:
            ledger.append(batch)
        except InvalidEvents:  # a sale the holder cannot cover: the whole batch is refused
            refused += 1
    ledger.close()
    print(json.dumps({"refused": refused}))


def read(url: str, seed: int, reads: int, out: str) -> None:
    rng = random.Random(seed)
    ledger = Ledger(url)
    with open(out, "w") as answers:
        for _ in range(reads):
            as_of = day(rng.randint(1, 28))
            kind = rng.choice(["status", "ownership"])
            body = getattr(ledger, kind)(ISSUER, as_of)
            answers.write(json.dumps({"kind": kind, "as_of": as_of, "answer": body}) + "\n")
    ledger.close()


if __name__ == "__main__":
    role, url, seed, count = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    if role == "write":
        write(url, seed, count)
    else:
        read(url, seed, count, sys.argv[5])
