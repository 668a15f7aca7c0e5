"""The views: the answers analysts read, built from domain state or from maintained rows.

Ownership, snapshot (status), explain, timeline, series (charts), report (JSON shapes and the
wording of verdicts), reconciliation, obligations, and the directory of issuers and persons.
"""
