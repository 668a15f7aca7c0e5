"""Least privilege on the real PostgreSQL server (docs/postgres.md): an owner that runs `init`,
a writer that appends and cannot change the log, a reader that can only read."""

from __future__ import annotations

import gc
import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
import sqlalchemy
from click.testing import CliRunner

from owl.cli.main import cli
from owl.ledger.errors import LedgerError
from owl.projections.application.api import Ledger
from tests.builders import ev, pending

pytestmark = pytest.mark.postgres

DOC = Path(__file__).resolve().parent.parent / "docs" / "postgres.md"
AT = "2026-01-01T00:00:00Z"


def grants(schema: str, roles: dict[str, str]) -> list[str]:
    """The GRANT statements of docs/postgres.md, for this schema and these role names."""
    blocks = re.findall(r"```sql\n(.*?)```", DOC.read_text(), re.S)
    statements = [s.strip() for s in blocks[1].split(";") if s.strip()]
    out = []
    for statement in statements:
        text = re.sub(r"\bowl\.", f'"{schema}".', statement)
        text = text.replace("SCHEMA owl ", f'SCHEMA "{schema}" ')
        for role, name in roles.items():
            text = text.replace(role, name)
        out.append(text)
    return out


@pytest.fixture
def roles(postgres_base: str) -> Iterator[dict[str, str]]:
    tag = uuid.uuid4().hex[:8]
    names = {r: f"{r}_{tag}" for r in ("owl_owner", "owl_writer", "owl_reader")}
    schema = f"owl_roles_{tag}"
    admin = sqlalchemy.create_engine(postgres_base)
    with admin.begin() as conn:
        for name in names.values():
            conn.exec_driver_sql(f'CREATE ROLE "{name}" LOGIN')
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}" AUTHORIZATION "{names["owl_owner"]}"')
    base = sqlalchemy.make_url(postgres_base)

    def url(role: str) -> str:
        as_role = base.set(username=names[role]).render_as_string(hide_password=False)
        return f"{as_role}?options={quote(f'-csearch_path={schema}')}"

    urls = {role: url(role) for role in names}
    owner = Ledger(urls["owl_owner"])
    owner.init()
    owner.close()
    with admin.begin() as conn:
        for statement in grants(schema, names):
            conn.exec_driver_sql(statement)
    yield urls
    gc.collect()  # the Ledgers a test left open release their connections
    with admin.begin() as conn:
        conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        for name in names.values():
            conn.exec_driver_sql(f'DROP OWNED BY "{name}"')
            conn.exec_driver_sql(f'DROP ROLE "{name}"')
    admin.dispose()


def buy(holder: str, shares: int) -> object:
    return ev("SharesPurchased", "2003-01-02", holder=holder, shares=shares)


def test_the_writer_appends_and_every_role_reads(roles: dict[str, str]) -> None:
    writer = Ledger(roles["owl_writer"])
    writer.init()  # a current schema: init only reads

    result = writer.append(pending(buy("A", 5)), recorded_at=AT)
    seen = {
        role: Ledger(url).ownership("INOC", "2003-01-02")["holders"][0]["shares"]
        for role, url in roles.items()
    }

    assert result.appended == 1
    assert seen == {"owl_owner": 5, "owl_writer": 5, "owl_reader": 5}
    assert Ledger(roles["owl_reader"]).verify()["ok"] is True


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE events SET payload = '{}'",
        "DELETE FROM events",
        "TRUNCATE events",
        "DROP TRIGGER events_no_update_delete ON events",
        "ALTER TABLE events DISABLE TRIGGER ALL",
        "DROP TABLE events",
    ],
)
def test_the_writer_cannot_change_the_log(roles: dict[str, str], statement: str) -> None:
    Ledger(roles["owl_writer"]).append(pending(buy("A", 5)), recorded_at=AT)
    engine = sqlalchemy.create_engine(roles["owl_writer"])

    with pytest.raises(sqlalchemy.exc.DBAPIError) as caught, engine.begin() as conn:
        conn.exec_driver_sql(statement)

    assert "permission denied" in str(caught.value) or "must be owner" in str(caught.value)
    engine.dispose()
    assert Ledger(roles["owl_reader"]).verify()["ok"] is True


def test_the_reader_cannot_append_and_is_told_why(roles: dict[str, str]) -> None:
    reader = Ledger(roles["owl_reader"])

    with pytest.raises(LedgerError, match="permission"):
        reader.append(pending(buy("A", 5)), recorded_at=AT)

    result = CliRunner().invoke(
        cli, ["--db", roles["owl_reader"], "ingest", "-"],
        input='{"type":"SharesPurchased","issuer":"INOC","effective_date":"2003-01-02",'
        '"holder":"A","shares":5}\n',
    )  # fmt: skip
    assert result.exit_code == 1
    assert "permission" in result.stderr and "Traceback" not in result.output


def test_the_reader_has_the_chain_checked_and_is_told_the_derived_data_was_not(
    roles: dict[str, str],
) -> None:
    Ledger(roles["owl_writer"]).append(pending(buy("A", 5)), recorded_at=AT)

    as_reader = Ledger(roles["owl_reader"]).verify()
    as_writer = Ledger(roles["owl_writer"]).verify()

    assert (as_reader["ok"], as_reader["derived"]["ok"]) == (True, None)
    assert as_reader["derived"]["skipped"].startswith("the derived tables were not checked")
    assert (as_writer["ok"], as_writer["derived"]["ok"]) == (True, True)


@pytest.mark.parametrize(
    "statement",
    ["SELECT owl_take_write_lock()", "LOCK TABLE writer_lock IN EXCLUSIVE MODE",
     "LOCK TABLE writer_lock IN SHARE MODE"],
)  # fmt: skip
def test_the_reader_cannot_take_the_writers_lock(roles: dict[str, str], statement: str) -> None:
    engine = sqlalchemy.create_engine(roles["owl_reader"])

    with pytest.raises(sqlalchemy.exc.DBAPIError, match="permission denied"), engine.begin() as c:
        c.exec_driver_sql(statement)

    engine.dispose()


def test_an_advisory_lock_held_by_another_role_holds_up_no_writer(roles: dict[str, str]) -> None:
    engine = sqlalchemy.create_engine(roles["owl_reader"])
    with engine.connect() as squatter:
        squatter.exec_driver_sql("SELECT pg_advisory_lock(7305068)")  # owl's lock before 4
        writer = Ledger(roles["owl_writer"], wait=2)
        appended = writer.append(pending(buy("A", 5)), recorded_at=AT).appended
        writer.close()
    engine.dispose()

    assert appended == 1


def test_a_reader_waits_for_a_locked_table_only_as_long_as_it_was_told(
    roles: dict[str, str],
) -> None:
    Ledger(roles["owl_writer"]).append(pending(buy("A", 5)), recorded_at=AT)
    engine = sqlalchemy.create_engine(roles["owl_writer"])
    with engine.connect() as locker:
        locker.begin()
        locker.exec_driver_sql("LOCK TABLE positions IN ACCESS EXCLUSIVE MODE")
        reader = Ledger(roles["owl_reader"], wait=1)
        with pytest.raises(LedgerError, match="lock"):
            reader.ownership("INOC", as_of="2003-12-31")
        reader.close()
        locker.rollback()
    engine.dispose()
