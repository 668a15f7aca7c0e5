"""A separate process that appends N events one batch at a time (for the concurrency test)."""

from __future__ import annotations

import sys

from owl.cli.common import utc_now
from owl.ledger.log import Pending
from tests.builders import ev
from tests.storekit import Log


def main(url: str, name: str, count: int) -> None:
    log = Log(url)
    for n in range(count):
        event = ev("SharesPurchased", "2003-08-14", holder=name, shares=1, event_id=f"{name}-{n}")
        log.append([Pending(event)], utc_now)
    log.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
