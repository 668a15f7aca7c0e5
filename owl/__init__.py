"""owl, the ownership ledger: one installed package, three layers (and the brokers beside them).

- ``owl.ledger``: typed events, the append-only hash-chained log and its stores (no projections,
  no printing, no clock).
- ``owl.projections``: pure rules and folds of the log into point-in-time state, the maintained
  tables that make them fast, and the views analysts read (docs/architecture.md).
- ``owl.cli``: the ``owl`` command line, a thin shell over ``owl.projections.application``.
- ``owl.brokers``: the message brokers ``owl follow`` reads (an interface, and NATS JetStream's
  adapter), beside the ledger.

``from owl import Ledger`` is the Python entry point (docs/python.md); it is loaded on first use so
that ``import owl`` stays cheap for the command line.
"""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from owl.projections.application.api import Ledger

__all__ = ["Ledger"]


def __getattr__(name: str) -> Any:
    if name == "Ledger":
        from owl.projections.application.api import Ledger

        return Ledger
    raise AttributeError(f"module 'owl' has no attribute {name!r}")
