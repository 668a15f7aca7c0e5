"""Errors the ledger raises. One root, `LedgerError`; each subclass names a condition.

Messages are built here so every edge (CLI, API) says the same thing; the useful values stay on
the exception as attributes.
"""

from __future__ import annotations

from dataclasses import dataclass


class LedgerError(Exception):
    """Root of every error a user of the ledger can cause."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one input line: where, which field, why."""

    line: int | None
    field: str | None
    reason: str
    origin: str | None = None

    def __str__(self) -> str:
        where = []
        if self.origin:
            where.append(self.origin)
        if self.line is not None:
            where.append(f"line {self.line}")
        prefix = ":".join(where)
        field = f"field '{self.field}': " if self.field else ""
        return f"{prefix}: {field}{self.reason}" if prefix else f"{field}{self.reason}"


SHOWN = 20  # problems of one kind listed in full; the rest are counted


class InvalidEvents(LedgerError):
    """A batch had problems; nothing of it was written."""

    def __init__(self, problems: list[Problem], total: int | None = None) -> None:
        self.problems = problems
        self.total = total if total is not None else len(problems)
        shown = "\n".join(f"  {p}" for p in problems)
        more = self.total - len(problems)
        tail = f"\n  ... and {more} more" if more > 0 else ""
        noun = "problem" if self.total == 1 else "problems"
        super().__init__(f"{self.total} {noun} found; nothing was written\n{shown}{tail}")


class DuplicateEventId(InvalidEvents):
    """Event ids already used for different content (in the log, or earlier in the batch); the
    first `SHOWN` listed, the rest counted, like every other kind of problem."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems[:SHOWN], total=len(problems))


def conflicting_id(
    event_id: str, line: int | None, origin: str | None, first_line: int | None, in_batch: bool
) -> Problem:
    if in_batch:
        where = f" (line {first_line})" if first_line is not None else ""
        reason = f"'{event_id}' is used earlier in this input{where} for different content"
    else:
        reason = f"'{event_id}' is already in the log with different content"
    return Problem(line, "event_id", reason, origin)


class RecordedAtBackwards(LedgerError):
    def __init__(self, recorded_at: str, last: str) -> None:
        self.recorded_at = recorded_at
        self.last = last
        super().__init__(
            f"recorded_at {recorded_at} is earlier than the last recorded event ({last}); "
            "transaction time never goes backwards"
        )


class UnknownEventId(InvalidEvents):
    """Voids naming an event_id that is neither in the log nor in the batch (the first `SHOWN`
    listed, the rest counted)."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems[:SHOWN], total=len(problems))


def unknown_void(event_id: str, line: int | None, origin: str | None) -> Problem:
    return Problem(line, "voids", f"no event with event_id '{event_id}' in the log", origin)


class NotInitialized(LedgerError):
    def __init__(self, url: str, missing_file: str | None = None) -> None:
        self.url = url
        if missing_file is not None:
            message = (
                f"no ledger at {url} (the file {missing_file} does not exist); "
                "run 'owl init' to create it"
            )
        else:
            message = f"the ledger at {url} has no schema; run 'owl init' first"
        super().__init__(message)


class StoreUnavailable(LedgerError):
    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        super().__init__(f"cannot open the ledger at {url}: {reason}")


class ConnectionLost(StoreUnavailable):
    """The database connection broke while in use (a server restart, a failover, a terminated
    backend): the transaction it carried rolled back, unless it had committed."""

    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        LedgerError.__init__(
            self,
            f"lost the connection to the ledger at {url} ({reason}); an append that had not "
            "committed was rolled back, so a batch is in the log whole or not at all: run the "
            "command again (events already present are not appended twice)",
        )


class DigestMismatch(LedgerError):
    def __init__(self, seq: int, digest: str, reason: str) -> None:
        self.seq, self.digest, self.reason = seq, digest, reason
        super().__init__(f"the digest {seq}:{digest} is not in this ledger: {reason}")


class ChainBroken(LedgerError):
    def __init__(self, seq: int, reason: str) -> None:
        self.seq = seq
        self.reason = reason
        super().__init__(f"hash chain broken at seq {seq}: {reason}")


class DerivedDiffers(LedgerError):
    """A table kept beside the log is not what the log implies (edited, or corrupt)."""

    def __init__(self, table: str, how: str, row: object) -> None:
        self.table, self.how, self.row = table, how, row
        said = (
            "is stored but the log does not imply it"
            if how == "stored"
            else "is implied by the log but not stored"
        )
        super().__init__(
            f"the derived table {table} differs from the log: the row {row} {said}; nothing in "
            "the log is wrong, and owl rebuild writes the derived tables again from it"
        )


class UnknownPerson(LedgerError):
    def __init__(self, person: str, issuer: str, as_of: str) -> None:
        self.person, self.issuer, self.as_of = person, issuer, as_of
        super().__init__(f"no person or group named '{person}' in {issuer} on {as_of}")


class UnknownIssuer(LedgerError):
    def __init__(self, issuer: str, known: list[str]) -> None:
        self.issuer = issuer
        listed = ", ".join(sorted(known)) if known else "none yet"
        super().__init__(f"no events for issuer '{issuer}' (issuers in the ledger: {listed})")
