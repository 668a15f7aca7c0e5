"""What every event is: its issuer, its effective date, its id and provenance, and its evidence.

Every event is a frozen pydantic model with a stable wire name in `type` (the stored name; it
never changes). Each event type declares, as class attributes, what the rest of the code needs to
know about it, so that nothing has to guess from field names: `persons` (the fields that name a
person or group), `moves_shares` (it can change a holder's position), `moves_capital` (it can
change shares outstanding), `changes_terms` (it changes the plan's terms or its life),
`changes_links` (it joins or separates persons into groups), `is_trade` (a trade between
holders whose whole effect is its moves: the maintained positions say all of it),
`acquires_or_disposes` (it can change what a holder owns, shares or rights: a transaction the
securities laws report) and `is_report` (it states a holding, to be compared with the ledger's).
The sets of types the rest of the code needs are derived from these in `registry`, never spelled.

Evidence: `source` is free text an auditor can follow; `filing` is the same in structured form
when the event comes from an SEC filing (form, accession number, filing date, the row, the
transaction code and the footnotes attached to it).
"""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, StringConstraints

from owl.ledger.events.values import IsoDate, IssuerKey, Name, Text

Accession = Annotated[str, StringConstraints(pattern=r"^[0-9]{10}-[0-9]{2}-[0-9]{6}$")]
Code = Annotated[str, StringConstraints(pattern=r"^[A-Z]$")]


class Filing(BaseModel):
    """Where in an SEC filing an event was read."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    form: Text
    accession: Accession | None = None
    # A form read bare (no accession number) is named by a digest of what it says; the events
    # of one such filing share it, as those of a submission share its accession number.
    document: Text | None = None
    filed_on: IsoDate | None = None
    # A 3/A, 4/A or 5/A: the date the filing it amends was submitted (its rows are replaced).
    amends: IsoDate | None = None
    # A Schedule 13G: the rule it was filed under, "13d-1(b)", "13d-1(c)" or "13d-1(d)".
    rule: Text | None = None

    @property
    def key(self) -> str | None:
        """What the events of one filing share: its accession number, or the digest naming a
        bare form; None for evidence that names neither."""
        return self.accession or self.document

    row: Text | None = None  # e.g. "non-derivative transaction 2"
    code: Code | None = None  # the transaction code (P, S, A, M, F, G, ...)
    footnotes: tuple[Text, ...] = ()


class Event(BaseModel):
    """Fields every event carries. `event_id` is the idempotency key; `source` is provenance."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    persons: ClassVar[tuple[str, ...]] = ()
    moves_shares: ClassVar[bool] = False
    moves_capital: ClassVar[bool] = False
    changes_terms: ClassVar[bool] = False
    changes_links: ClassVar[bool] = False
    is_trade: ClassVar[bool] = False
    acquires_or_disposes: ClassVar[bool] = False
    is_report: ClassVar[bool] = False

    issuer: IssuerKey
    effective_date: IsoDate
    event_id: Name | None = None
    source: Text | None = None
    filing: Filing | None = None


class EventVoided(Event):
    """A correction: the event `voids` stops counting for views known at or after this one."""

    type: Literal["EventVoided"] = "EventVoided"
    voids: Name
    reason: Text
