"""Empty databases for tests: a PostgreSQL schema of its own (the server is shared), or a
SQLite file, each removed after."""

from __future__ import annotations

import gc
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import sqlalchemy

_OPTIONS = "options=-csearch_path"


@contextmanager
def fresh_schema(base: str, prefix: str = "owl_test") -> Iterator[str]:
    """A new, empty schema on the PostgreSQL server at `base`, as a URL whose connections use
    it; dropped afterwards."""
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = sqlalchemy.create_engine(base)
    with admin.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"{base}{'&' if '?' in base else '?'}options={quote(f'-csearch_path={schema}')}"
    finally:
        # A Ledger a test left open keeps its pooled connections until it is collected: collect
        # it now, or a long run exhausts the server's connections ("too many clients").
        gc.collect()
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


@contextmanager
def fresh_database(like: str, folder: Path) -> Iterator[str]:
    """Another empty database on the backend of the URL `like`: a new SQLite file in `folder`,
    or a new schema on the same PostgreSQL server."""
    if like.startswith("sqlite"):
        yield f"sqlite:///{folder}/{uuid.uuid4().hex[:12]}.db"
        return
    base = like.split(_OPTIONS)[0].rstrip("?&") if _OPTIONS in like else like
    with fresh_schema(base) as url:
        yield url
