"""A seeded, realistic history for the benchmarks: one issuer over ten years.

5,000 holders trade in the market; a handful of institutions hold large blocks (so 5% and 10%
crossings happen); the company adopts a rights plan and amends it (an exemption whose cap is later
raised), reports its share count every quarter, buys shares back, splits 2-for-1 once, and some
holders affiliate. Every sale is within the seller's position (the generator keeps the books,
split included), so the whole history is a valid feed. `N` counts the trades; the other events
(a few hundred) come on top.

    python -m bench.history 1000000 > /tmp/big.jsonl
"""

from __future__ import annotations

import json
import random
import sys
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

ISSUER = "BIG"
HOLDERS = 5_000
START = date(2010, 1, 4)
YEARS = 10
BIG_HOLDERS = 6  # institutions that build blocks of several percent
# The fraction of shares outstanding each institution steers towards (the third hovers around the
# plan's 15% threshold, so Acquiring Person intervals come and go).
TARGETS = {f"Holder {i:04d}": t for i, t in enumerate((0.08, 0.06, 0.148, 0.055, 0.03, 0.095))}


def business_days(start: date, years: int) -> list[date]:
    end = date(start.year + years, start.month, start.day)
    days, day = [], start
    while day < end:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def history(trades: int, seed: int = 7) -> Iterator[dict[str, Any]]:
    """The events of the history, in effective-date order (the order a feed would send them)."""
    rng = random.Random(seed)
    names = [f"Holder {i:04d}" for i in range(HOLDERS)]
    big = names[:BIG_HOLDERS]
    held = dict.fromkeys(names, 0)
    outstanding = 40_000_000
    days = business_days(START, YEARS)
    per_day, extra = divmod(trades, len(days))
    quarter_days = {d for d in days if d.month in (2, 5, 8, 11) and 5 <= d.day <= 11}
    reported_quarters: set[tuple[int, int]] = set()
    split_day = days[len(days) // 2]
    amend_days = {days[len(days) // 4]: "25", days[(len(days) * 3) // 4]: "30"}
    link_days = {days[i]: i for i in range(200, len(days), max(1, len(days) // 60))}
    n_trade = n_other = 0

    def other(kind: str, day: date, **fields: Any) -> dict[str, Any]:
        nonlocal n_other
        n_other += 1
        return {"type": kind, "issuer": ISSUER, "effective_date": day.isoformat(),
                "event_id": f"big-{n_other}", **fields}  # fmt: skip

    first = days[0]
    yield other("RightsAgreementAdopted", first, threshold="15", expires_on=str(first.year + 12) +
                "-12-31", rights_agent="Big Trust Company", exempt_persons=[])  # fmt: skip
    yield other("OutstandingReported", first, shares=outstanding)
    for number, day in enumerate(days):
        iso = day.isoformat()
        quarter = (day.year, (day.month - 1) // 3)
        if day in quarter_days and quarter not in reported_quarters:
            reported_quarters.add(quarter)
            yield other("OutstandingReported", day, shares=outstanding)
        if day in amend_days:
            change = {"change": "exemption", "person": "Block Group", "cap": amend_days[day],
                      "cap_test": "above", "ends_on_control_intent": True}  # fmt: skip
            label = "No. 1" if amend_days[day] == "25" else "No. 2"
            yield other("RightsAgreementAmended", day, amendment=label, changes=[change])
        if day in link_days:
            a, b = rng.sample(names[BIG_HOLDERS:], 2)
            yield other(
                "AffiliationFormed", day, person=a, affiliate=b, relation="voting agreement"
            )
        if number == 150:
            yield other("AffiliationFormed", day, person=big[0], affiliate=big[1],
                        relation="common control", group="Block Group")  # fmt: skip
        if number % 63 == 31:
            shares = rng.randint(50_000, 200_000)
            outstanding -= shares
            yield other("SharesRepurchased", day, shares=shares)
        if day == split_day:
            for name in names:
                held[name] *= 2
            outstanding *= 2
            yield other("StockSplit", day, numerator=2, denominator=1)
        if number % 40 == 7:
            who = rng.choice(big)
            yield other("HoldingReported", day, holder=who, shares=held[who], form="SC 13G/A",
                        public=True)  # fmt: skip
        count = per_day + (1 if number < extra else 0)
        for _ in range(count):
            if rng.random() < 0.02:
                who = rng.choice(big)
                target = TARGETS[who] * outstanding
                size = rng.randint(2_000, 40_000)
                selling = held[who] > target * (0.85 + 0.3 * rng.random())
            else:
                who = rng.choice(names)
                size = rng.randint(1, 500)
                selling = rng.random() < 0.5
            if selling and held[who] > 0:
                size = min(size, held[who])
                held[who] -= size
                kind = "SharesSold"
            else:
                held[who] += size
                kind = "SharesPurchased"
            n_trade += 1
            yield {"type": kind, "issuer": ISSUER, "effective_date": iso, "holder": who,
                   "shares": size, "event_id": f"t-{n_trade}"}  # fmt: skip


def write_jsonl(trades: int, path: str, seed: int = 7) -> int:
    """Write the history as JSON Lines; return the number of events."""
    count = 0
    with open(path, "w", encoding="utf-8") as out:
        for event in history(trades, seed):
            out.write(json.dumps(event, separators=(",", ":")) + "\n")
            count += 1
    return count


if __name__ == "__main__":
    for event in history(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000):
        sys.stdout.write(json.dumps(event, separators=(",", ":")) + "\n")
