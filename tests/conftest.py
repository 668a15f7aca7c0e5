"""Shared fixtures: real databases (a SQLite file in a temp folder, the PostgreSQL server).

PostgreSQL tests use a fresh schema per test (dropped afterwards) on the server named by
OWL_TEST_POSTGRES_URL. Without a server they skip with the reason, unless OWL_REQUIRE_POSTGRES=1
(as in CI), where a missing server fails the run.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy
from hypothesis import settings

from tests.databases import fresh_schema

# Property tests run 40 examples each in `make test`; HYPOTHESIS_PROFILE=long runs 400 and
# HYPOTHESIS_PROFILE=thorough 3,000 (the equivalence properties are run long before a change to
# the core lands).
settings.register_profile("default", max_examples=40)
settings.register_profile("long", max_examples=400)
settings.register_profile("thorough", max_examples=3000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def _pg_base() -> str:
    return os.environ.get("OWL_TEST_POSTGRES_URL", DEFAULT_PG)


def _pg_reachable(url: str) -> str | None:
    try:
        engine = sqlalchemy.create_engine(url)
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
        engine.dispose()
        return None
    except Exception as exc:  # any failure means: no usable server
        return str(exc).splitlines()[0]


@pytest.fixture(scope="session")
def postgres_base() -> str:
    url = _pg_base()
    problem = _pg_reachable(url)
    if problem is not None:
        if os.environ.get("OWL_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"OWL_REQUIRE_POSTGRES=1 but PostgreSQL at {url} is unreachable: {problem}")
        pytest.skip(f"PostgreSQL at {url} is unreachable ({problem}); set OWL_TEST_POSTGRES_URL")
    return url


@pytest.fixture
def postgres_url(postgres_base: str) -> Iterator[str]:
    with fresh_schema(postgres_base) as url:
        yield url


@pytest.fixture
def sqlite_url(tmp_path: object) -> str:
    return f"sqlite:///{tmp_path}/owl.db"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest) -> str:
    """A fresh, empty database URL on each backend."""
    name = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    return str(request.getfixturevalue(name))


@pytest.fixture
def ledger(db_url: str) -> Iterator[Any]:
    """A fresh, empty ledger on each backend (a module may define its own `ledger`)."""
    from owl.projections.application.api import Ledger

    book = Ledger(db_url)
    book.init()
    yield book
    book.close()
