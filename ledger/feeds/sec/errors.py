"""Why an SEC filing was refused: the file, the element, the reason.

Every problem the SEC parsers find becomes a `FilingRefused` whose message names the document
(usually its file name) and the element path inside it, e.g.
`form4.xml: <nonDerivativeTransaction[2]/transactionShares/value>: '12x' is not a number`.
The values stay on the exception as a `SecProblem`, so a caller can collect them as data.
`FractionalShares` is separate: an amount finer than the millionth of a share owl holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from owl.ledger.errors import LedgerError


@dataclass(frozen=True)
class SecProblem:
    """One thing wrong with one filing: which document, where in it (an element path), why."""

    document: str
    where: str | None
    reason: str

    def __str__(self) -> str:
        where = f" <{self.where}>:" if self.where else ""
        return f"{self.document}:{where} {self.reason}"


class FilingRefused(LedgerError, ValueError):
    """A filing could not be read: hostile, malformed, too large, or not the expected form."""

    def __init__(self, document: str, where: str | None, reason: str) -> None:
        self.problem = SecProblem(document, where, reason)
        super().__init__(str(self.problem))


class FractionalShares(LedgerError, ValueError):
    """A share amount with more decimal places than owl holds (six: a millionth of a share)."""

    def __init__(self, value: Decimal) -> None:
        self.value = value
        super().__init__(f"{value} has more than 6 decimal places (owl holds shares to the "
                         "millionth)")  # fmt: skip
