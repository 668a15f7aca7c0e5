"""Projections: the log folded into point-in-time state, in four layers (docs/architecture.md).

- ``domain``: the pure rules and folds (how each event moves shares, capital and links; the plan
  terms in force; groups; trigger verdicts; filing duties). No storage, no clock, no printing.
- ``maintained``: the tables kept beside the log so that a question costs the same at any size
  (running positions, checkpoints of the fold, the maintainer that keeps them, and its worker).
- ``views``: the answers analysts read (ownership, snapshot, explain, timeline, series, report,
  reconciliation, obligations), built from domain state or maintained rows.
- ``application``: the ``Ledger`` facade (one method per question) and the clock.

A layer imports only the layers before it in this list (tests/test_architecture.py).
"""
