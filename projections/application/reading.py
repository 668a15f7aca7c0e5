"""One issuer as the ledger knew it at an instant: the one place a view's state is built.

Every question names an issuer (its key, ticker or CIK), a date (`as_of`) and an instant
(`known_at`). `Reading.at` resolves the issuer and the instant to the last seq known then; from
there, `fold` starts from the best checkpoint valid for (as_of, known_at) and folds only the
tail (`owl.projections.maintained.checkpoints`), so no view builds state its own way, and none
can miss a backdated event or a later void (the checkpoints' validity rule sees to both).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from functools import cached_property

from owl.ledger.errors import LedgerError, UnknownIssuer, UnknownPerson
from owl.ledger.events import AffiliationFormed, PersonIdentified, event_from_payload
from owl.ledger.log import Recorded, format_instant
from owl.ledger.store import Reader
from owl.projections.application.inputs import InstantLike, as_instant
from owl.projections.domain.fold import Fold
from owl.projections.domain.identity import aliases, as_asked
from owl.projections.domain.state import Change, FoldState
from owl.projections.domain.watch import Watch
from owl.projections.maintained import checkpoints, tables
from owl.projections.maintained.tables import IssuerSummary
from owl.projections.views.snapshot import Snapshot

EachDay = Callable[[date, int], None]


class Reading:
    """An issuer's log as known at an instant, read through one open reader."""

    def __init__(
        self,
        reader: Reader,
        cache: checkpoints.StateCache,
        issuer: str,
        upto: int,
        stamp: str | None,
    ) -> None:
        self.reader = reader
        self.cache = cache
        self.issuer = issuer
        self.upto = upto  # the issuer's last seq known at the instant
        self.stamp = stamp  # the view's known_at (reproduces the answer when asked again)

    @classmethod
    def at(
        cls,
        reader: Reader,
        cache: checkpoints.StateCache,
        asked: str,
        known_at: InstantLike,
        as_of: date | None = None,
    ) -> Reading:
        """The issuer `asked` (key, ticker or CIK) as known at `known_at`: the instant asked
        for, or else the latest recording committed when it was read (appends in flight are
        stamped after it, so asking again with it reproduces the answer)."""
        issuer = issuer_key(reader, asked, as_of)
        moment = as_instant(known_at)
        stamp = format_instant(moment) if moment is not None else reader.head().recorded_at
        upto = tables.known_seq(reader, issuer, stamp if moment is not None else None)
        if upto == 0:
            known = [s.issuer for s in tables.issuers(reader)]
            if issuer not in known:
                raise UnknownIssuer(issuer, known)
        return cls(reader, cache, issuer, upto, stamp or None)

    # --- state -------------------------------------------------------------------------------

    def begin(self, as_of: date | None) -> Fold:
        """A fold from the best checkpoint valid for `as_of` (None: for the last date), with
        nothing folded after it yet."""
        day = as_of.isoformat() if as_of is not None else None
        state, _ = checkpoints.start(self.reader, self.cache, self.issuer, day, self.upto)
        return Fold(state, self.voided)

    def fold(self, as_of: date | None, each_day: EachDay | None = None) -> Fold:
        """The fold through the end of `as_of` (None: through the last date anything happens),
        from the best checkpoint valid for it."""
        fold = self.begin(as_of)
        started = fold.s.counted
        self.go_on(fold, as_of, each_day)
        checkpoints.note_tail(self.issuer, fold.s.counted - started)
        return fold

    def go_on(
        self,
        fold: Fold,
        through: date | None,
        each_day: EachDay | None = None,
        after: date | None = None,
    ) -> None:
        """Fold on to the end of `through` the events effective after `after` (default: the
        last date `fold` has folded)."""
        start = after or fold.s.through
        events = self.events(
            start.isoformat() if start else None,
            through.isoformat() if through is not None else None,
        )
        fold.run(events, through, each_day)

    def watched(self, as_of: date, classes: Sequence[str]) -> list[Watch]:
        """The obligations' watches of `classes` ("" first) through the end of `as_of`: from
        the best valid checkpoint holding them, folding only the tail."""
        fold, _, watches = checkpoints.start_watched(
            self.reader, self.cache, self.issuer, as_of.isoformat(), self.upto, self.voided,
            classes,
        )  # fmt: skip
        started = fold.s.counted
        after = fold.s.through.isoformat() if fold.s.through else None
        fold.run(watches.noted(self.events(after, as_of.isoformat())), as_of, watches)
        checkpoints.note_tail(self.issuer, fold.s.counted - started)
        return watches.only(classes)

    def snapshot(self, as_of: date) -> Snapshot:
        """The state at the end of `as_of`, its events fetched through this reader."""
        return Snapshot(self.fold(as_of).s, as_of, self.reader.events_by_seq)

    def changes(self) -> list[Change]:
        """Every timeline change: the checkpoints' segments, then the tail folded after them."""
        keys = checkpoints.valid_keys(self.reader, self.issuer, None, self.upto)
        try:
            segments = checkpoints.segments(
                self.reader, self.cache, self.issuer, keys[-1] if keys else None
            )
        except checkpoints.Corrupt as exc:  # the whole timeline from the log instead
            checkpoints.warn(exc)
            fold = Fold(FoldState(self.issuer), self.voided)
            self.go_on(fold, None)
            return fold.changes
        return sorted([*segments, *self.fold(None).changes], key=lambda c: c.date)

    def events(self, after: str | None, through: str | None) -> Iterable[Recorded]:
        """The issuer's known events effective after `after` through `through`, in replay
        order."""
        return self.reader.events(
            self.issuer, upto_seq=self.upto, after_date=after, through_date=through
        )

    @cached_property
    def voided(self) -> set[int]:
        """The seqs the known voids remove."""
        return checkpoints.voided(self.reader, self.issuer, self.upto)

    def unvoided(self, seqs: Iterable[int]) -> list[int]:
        return [s for s in seqs if s not in self.voided]

    # --- names and dates ---------------------------------------------------------------------

    @cached_property
    def names(self) -> set[str]:
        """Every person and group label the issuer's known events name."""
        names = {holder for holder, _, _ in tables.balances(self.reader, self.issuer)}
        for fact in tables.facts(self.reader, self.issuer, self.upto):
            names.update(n for n in (fact.person, fact.other) if n is not None)
            if fact.type == AffiliationFormed.__name__:
                ev = event_from_payload(fact.payload, f"seq:{fact.seq}")
                if isinstance(ev, AffiliationFormed) and ev.group:
                    names.add(ev.group)
        return names

    def person(self, asked: str, when: str = "any date") -> str:
        """The name the ledger knows a person by: as asked; or the one name that matches it
        but for case and spacing; or the name of the CIK a filing spelled this way (an alias,
        `PersonIdentified.as_filed`). Anything else is refused (`UnknownPerson`)."""
        if asked in self.names:
            return asked
        wanted = as_asked(asked)
        matches = {n for n in self.names if as_asked(n) == wanted}
        matches |= {n for spelled, n in self.spellings.items() if as_asked(spelled) == wanted}
        if len(matches) == 1:
            return matches.pop()
        raise UnknownPerson(asked, self.issuer, when)

    @cached_property
    def spellings(self) -> dict[str, str]:
        """Each other spelling a filing gave a person with a CIK -> the name the ledger knows."""
        found = {}
        for fact in tables.facts(self.reader, self.issuer, self.upto):
            if fact.type == tables.PERSON:
                ev = event_from_payload(fact.payload, f"seq:{fact.seq}")
                if isinstance(ev, PersonIdentified) and ev.as_filed:
                    found[ev.as_filed] = ev.person
        return found

    @cached_property
    def summary(self) -> IssuerSummary:
        """The issuer's first and last dates and its event count."""
        return next(s for s in tables.issuers(self.reader) if s.issuer == self.issuer)


def issuer_key(reader: Reader, issuer: str, as_of: date | None = None) -> str:
    """The issuer's key: as given, or the key of the issuer whose ticker or CIK was given (a
    ticker two issuers have had means, on a date, the one whose events had begun by then), or
    the one key that matches it but for case and spacing."""
    summaries = {s.issuer: s for s in tables.issuers(reader)}
    asked = issuer.strip()
    if asked in summaries and not any(k.startswith("CIK") for k in summaries):
        return asked  # a key, and no issuer keyed by CIK that its ticker could also name
    names = aliases(tables.identities(reader), summaries)
    meant = [k for k in names.meanings(asked) if k in summaries]
    if not meant:  # no key, ticker or CIK: the one key it matches but for case, else as asked
        folded = [k for k in summaries if as_asked(k) == as_asked(asked)]
        return folded[0] if len(folded) == 1 else asked
    if len(meant) == 1:
        return meant[0]
    if as_of is not None:
        begun = [k for k in meant if summaries[k].first_date <= as_of.isoformat()]
        return max(begun or meant[:1], key=lambda k: summaries[k].first_date)
    spans = ", ".join(f"{k} ({summaries[k].first_date} to {summaries[k].last_date})" for k in meant)
    raise LedgerError(
        f"{issuer!r} has named more than one issuer: {spans}; name one by its key or CIK, or "
        "ask as of a date"
    )
