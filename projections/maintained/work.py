"""What one append has done to one issuer so far: running balances and what is left to walk.

A change dated after everything its account (and its class's splits) already has is *settled*
at once; one that lands earlier marks its account to be walked from that place in the replay
order (`walk_from`), which withdraws the shortfalls found at once from there on: the walk
(`owl.projections.maintained.walk`) finds them again if they still are.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from owl.ledger.shares import Amount, norm
from owl.ledger.store import Writer
from owl.projections.domain.rules import Account
from owl.projections.maintained import tables

Place = tuple[str, int]  # (effective_date, seq): a place in the replay order
NOWHERE: Place = ("", 0)
ALL = 2**62  # a seq beyond any: every row


class Running:
    """An account's running balance in this append, and the last place it changed."""

    __slots__ = ("_position", "last")

    def __init__(self, position: Amount, last: Place) -> None:
        self._position = norm(position)
        self.last = last

    @property
    def position(self) -> Amount:
        return self._position

    @position.setter
    def position(self, value: Amount) -> None:
        self._position = norm(value)


@dataclass
class IssuerWork:
    """What the batch has done to one issuer so far."""

    name: str
    balances: dict[Account, Running] = field(default_factory=dict)
    all_loaded: bool = False
    last_split: dict[str, Place] = field(default_factory=dict)  # by class
    walk: dict[Account, Place] = field(default_factory=dict)  # earliest point touched
    walk_all: dict[str, Place] = field(default_factory=dict)  # a class split before later events
    pending: dict[tuple[Place, Account], tuple[Amount, int]] = field(default_factory=dict)
    culprits: dict[str, list[tuple[Place, int]]] = field(default_factory=dict)
    named: set[str] = field(default_factory=set)  # every holder the batch gives a position
    void_culprits: list[tuple[Place, int]] = field(default_factory=list)
    split_culprits: list[tuple[Place, int]] = field(default_factory=list)
    # Shortfalls found at once, withdrawn if a walk later covers them (it finds them again).
    provisional: dict[Account, list[tuple[Place, Amount, Amount]]] = field(default_factory=dict)
    capital: bool = False
    removals: bool = False  # the batch removes an exemption: check it names a grant
    run_min: str | None = None
    run_max: str | None = None
    run_events: int = 0

    def settled(self, key: Account, point: Place, balance: Running) -> bool:
        """Is a change at `point` after everything this account (and its class) has?"""
        return (
            key not in self.walk
            and key[1] not in self.walk_all
            and point > balance.last
            and point > self.last_split.get(key[1], NOWHERE)
        )

    def balance(self, writer: Writer, key: Account) -> Running:
        """The account's running balance (read from the store the first time)."""
        found = self.balances.get(key)
        if found is None:
            stored = None if self.all_loaded else tables.balances(writer, self.name, [key]).get(key)
            last = (stored.last_date, stored.last_seq) if stored else NOWHERE
            found = self.balances[key] = Running(stored.position if stored else 0, last)
        return found

    def load_all(self, writer: Writer) -> None:
        """Read every account's balance (a split moves them all)."""
        if self.all_loaded:
            return
        for key, stored in tables.balances(writer, self.name).items():
            if key not in self.balances:
                self.balances[key] = Running(stored.position, (stored.last_date, stored.last_seq))
        self.all_loaded = True


def walk_from(work: IssuerWork, key: Account, point: Place) -> None:
    """Mark an account to be walked from `point`; a shortfall found at once at or after it is
    withdrawn (the walk finds it again if it still is one)."""
    work.walk[key] = min(work.walk.get(key, point), point)
    withdraw(work, point, key=key)


def withdraw(
    work: IssuerWork, point: Place, key: Account | None = None, cls: str | None = None
) -> None:
    """Withdraw the shortfalls found at once at or after `point` (one account's, or a class's)."""
    for name in list(work.provisional):
        if (key is not None and name != key) or (cls is not None and name[1] != cls):
            continue
        found = work.provisional[name]
        work.provisional[name] = [f for f in found if f[0] < point]
