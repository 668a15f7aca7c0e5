"""The SQL store (SQLite and PostgreSQL through SQLAlchemy): the only package that imports it."""

from owl.ledger.sql.schema import SCHEMA_VERSION, events, metadata
from owl.ledger.sql.store import SqlStore, WriterBusy, safe_url

__all__ = ["SCHEMA_VERSION", "SqlStore", "WriterBusy", "events", "metadata", "safe_url"]
