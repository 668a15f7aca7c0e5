"""The digest the README and the Makefile quote for the demo is the one the demo's chain has."""

from __future__ import annotations

import re
from pathlib import Path

from owl.ledger.log import Pending
from tests.builders import at, innotrac_events
from tests.storekit import Log

ROOT = Path(__file__).resolve().parent.parent


def test_the_quoted_demo_digest_is_the_chain_built_from_the_innotrac_events(
    sqlite_url: str,
) -> None:
    makefile = (ROOT / "Makefile").read_text()
    recorded_at = re.search(r"^DEMO_RECORDED_AT = (\S+)$", makefile, re.M)
    digest = re.search(r"^DEMO_DIGEST = (\d+):([0-9a-f]{64})$", makefile, re.M)
    assert recorded_at and digest
    log = Log(sqlite_url)
    log.init()

    log.append([Pending(e) for e in innotrac_events()], at(recorded_at[1].removesuffix("Z")))

    head = log.verify()
    log.close()
    assert (head.head_seq, head.head_hash) == (int(digest[1]), digest[2])
    assert f"`{digest[1]}:{digest[2]}`" in (ROOT / "README.md").read_text()
