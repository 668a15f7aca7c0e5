"""A small test-side face over a store: append, read back, verify (for the storage tests)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from owl.ledger.append import Maintainer, append
from owl.ledger.chain import Verification
from owl.ledger.log import AppendResult, Clock, Pending, Recorded, format_instant
from owl.ledger.sql import SqlStore
from owl.projections.maintained import tables
from owl.projections.maintained.maintain import Maintainer as Projections


class Log:
    """The store at `url`, appended to with the projections maintained (as the ledger does)."""

    def __init__(self, url: str, wait: float = 30.0) -> None:
        self.store = SqlStore(url, wait=wait)
        self.engine = self.store.engine
        self.dialect = self.store.dialect

    def init(self) -> bool:
        return self.store.init()

    def close(self) -> None:
        self.store.close()

    def append(
        self,
        batch: Sequence[Pending],
        recorded_at: datetime | Clock,
        maintainer: Maintainer | None = None,
        dry_run: bool = False,
    ) -> AppendResult:
        return append(self.store, batch, recorded_at, maintainer or Projections(), dry_run)

    def read(
        self, issuer: str, known_at: datetime | None = None, as_of: date | None = None
    ) -> list[Recorded]:
        """The issuer's events known at `known_at`, effective by `as_of`, in replay order."""
        with self.store.reading() as reader:
            stamp = format_instant(known_at) if known_at is not None else None
            upto = tables.known_seq(reader, issuer, stamp)
            through = as_of.isoformat() if as_of is not None else None
            return list(reader.events(issuer, upto_seq=upto, through_date=through))

    def read_all(self, issuer: str | None = None) -> list[Recorded]:
        with self.store.reading() as reader:
            return list(reader.events(issuer, replay_order=False))

    def issuers(self) -> list[str]:
        with self.store.reading() as reader:
            return [s.issuer for s in tables.issuers(reader)]

    def verify(self, expect: tuple[int, str] | None = None) -> Verification:
        return self.store.verify(expect)

    def sql(self, statement: str) -> list[Any]:
        with self.engine.connect() as conn:
            return list(conn.exec_driver_sql(statement))


def seqs(records: Iterable[Recorded]) -> list[int]:
    return [r.seq for r in records]
