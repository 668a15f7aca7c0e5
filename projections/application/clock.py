"""The one place that reads the clock.

Everything else is handed an instant or this function: the command line and the Python API stamp
`recorded_at` with it and check stamps against it, and tests freeze it (freezegun).
"""

from __future__ import annotations

from datetime import UTC, datetime

from owl.ledger.log import Clock

__all__ = ["Clock", "system_clock"]


def system_clock() -> datetime:
    """Now, in UTC."""
    return datetime.now(UTC)
