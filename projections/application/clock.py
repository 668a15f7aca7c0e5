"""The one place that reads the clock.

Everything else is handed an instant or this function: the command line and the Python API stamp
`recorded_at` with it and check stamps against it, and tests freeze it (freezegun).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """Now, in UTC."""
    return datetime.now(UTC)
