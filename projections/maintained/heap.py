"""The cyclic garbage collector held back while a bulk operation runs.

An append, a rebuild or a verify allocates a few small objects per event (a row tuple, an event,
a record) and keeps almost none. CPython's collector counts allocations: every 700 it scans the
young objects, and now and then everything the process holds (the libraries' modules, the
caches of names and dates). On a million-event ingest those full scans took about a third of
the time. `bulk()` moves what exists at the start out of the collector's sight (`gc.freeze`) and
collects the young generation every 50,000 allocations instead of 700 (a few MB of garbage at
most waits for it), then puts both back, so a notebook that calls the API keeps its own
settings.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

THRESHOLD = (50_000, 20, 100)


@contextmanager
def bulk() -> Iterator[None]:
    """Hold the collector back for the duration (re-entrant: an inner one changes nothing)."""
    before = gc.get_threshold()
    if before == THRESHOLD:
        yield
        return
    gc.freeze()
    gc.set_threshold(*THRESHOLD)
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()
