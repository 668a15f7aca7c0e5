"""The rules every append obeys before and after the store's transaction.

Before: a stamp is never in the future (a future stamp would hold back every later append), and
each event is keyed by the issuer key the ledger knows (a Schedule 13D keyed by CIK joins the
ticker's history, and the reverse: `owl.projections.domain.identity`). After: the near-duplicate
names the batch brought are warned of, and the reconciliation breaks it opened are counted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import datetime

from owl.ledger.errors import LedgerError, Problem
from owl.ledger.events import Event, EventVoided, IssuerIdentified, PersonIdentified
from owl.ledger.log import Pending, Recorded, format_instant
from owl.ledger.store import Reader
from owl.projections.application.clock import Clock
from owl.projections.application.inputs import FutureStamp, InstantLike, as_instant
from owl.projections.application.reading import Reading
from owl.projections.domain.identity import Aliases, NamesSeen, aliases, as_asked
from owl.projections.maintained import checkpoints, tables
from owl.projections.views.reconcile import breaks


def stamp_of(recorded_at: InstantLike, clock: Clock) -> datetime | Clock:
    """The stamp of a batch: the instant given (never in the future), else the clock."""
    if recorded_at is None:
        return clock
    moment = as_instant(recorded_at)
    assert moment is not None
    not_future(format_instant(moment), clock)
    return moment


def not_future(stamp: str, clock: Clock) -> None:
    now = format_instant(clock())
    if stamp > now:
        raise FutureStamp(stamp, now)


def future_guard(batch: Iterator[Pending], clock: Clock) -> Iterator[Pending]:
    """The batch, refusing an event restored with its own stamp if that stamp is to come."""
    for pending in batch:
        if pending.recorded_at is not None:
            not_future(pending.recorded_at, clock)
        yield pending


def filing_of(ev: Event) -> str | None:
    """The filing an event was read from (`Filing.key`); None for one not read from a filing."""
    return ev.filing.key if ev.filing is not None else None


def keyed(
    batch: Iterator[Pending], names: Aliases, refused: list[Problem] | None = None
) -> Iterator[Pending]:
    """Each event under the key the ledger knows its issuer by (`domain.identity`); the events
    of a filing go where its `IssuerIdentified` went (a ticker another CIK had is not this
    issuer's). An issuer that differs from a known key only in case or spacing (`inoc` beside
    `INOC`) is a problem put in `refused`, naming the key it likely means."""
    current: dict[str, str] = {}  # filing -> the key its IssuerIdentified was keyed by
    folded = {as_asked(k): k for k in names.known}
    for pending in batch:
        ev = pending.event
        filing = filing_of(ev)
        if isinstance(ev, IssuerIdentified):
            key = names.learn(ev.issuer, ev.cik, ev.ticker)
            if filing is not None:
                current[filing] = key
        elif filing is not None and filing in current:
            key = current[filing]
        else:
            key = names.resolve(ev.issuer)
        if refused is not None and key not in names.known:
            like = folded.get(as_asked(key))
            if like is not None and like != key:
                reason = (
                    f"{key!r} differs only in case or spacing from the issuer {like!r}; "
                    f"write {like!r} (or the issuer's ticker or CIK)"
                )
                refused.append(Problem(pending.line, "issuer", reason, pending.origin))
                continue
        folded.setdefault(as_asked(key), key)
        names.seen(key)
        if key != ev.issuer:
            pending = pending._replace(event=ev.model_copy(update={"issuer": key}))
        yield pending


def same_persons(
    batch: Iterator[Pending], known: Callable[[], dict[str, str]]
) -> Iterator[Pending]:
    """Each person with a CIK under the one name the ledger knows the CIK by (`known()`: CIK ->
    name, the first it came with; read only when the batch identifies a person, so a trade
    feed pays nothing for it): a filing that spells it otherwise ("Brin Sergey", "Sergey
    Brin") has its events recorded under the known name, and its `PersonIdentified` keeps the
    filing's spelling as `as_filed`. The events of one filing share its accession number (or
    the digest naming a bare form); a name is replaced only within the filing that spelled it."""
    by_cik: dict[str, str] | None = None
    renames: dict[str, dict[str, str]] = {}  # filing -> spelled -> known
    for pending in batch:
        ev = pending.event
        filing = filing_of(ev)
        if isinstance(ev, PersonIdentified):
            if by_cik is None:
                by_cik = dict(known())
            name = by_cik.setdefault(ev.cik, ev.person)
            if name != ev.person:
                if filing is not None:
                    renames.setdefault(filing, {})[ev.person] = name
                update = {"person": name, "as_filed": ev.person}
                yield pending._replace(event=ev.model_copy(update=update))
                continue
        spelled = renames.get(filing) if filing is not None else None
        if spelled:
            update = {
                field: spelled[value]
                for field in type(ev).persons
                if isinstance(value := getattr(ev, field, None), str) and value in spelled
            }
            if update:
                pending = pending._replace(event=ev.model_copy(update=update))
        yield pending


def known_aliases(reader: Reader) -> Aliases:
    """The tickers and CIKs the ledger knows, to key a batch's events by."""
    return aliases(tables.identities(reader), (s.issuer for s in tables.issuers(reader)))


def near_duplicates(reader: Reader, named: NamesSeen) -> list[str]:
    """Warnings for the names the batch brought that are near another name of their issuer."""
    return named.near_duplicates(
        {i: {h for h, _, _ in tables.balances(reader, i)} for i in named.issuers()}
    )


def new_breaks(
    reader: Reader, cache: checkpoints.StateCache, issuers: Iterable[str], first: int
) -> int:
    """The reconciliation breaks opened by the events after seq `first` (reports that
    disagree with the replay), over the issuers whose holdings were reported."""
    found = 0
    for issuer in issuers:
        at = Reading(reader, cache, issuer, tables.known_seq(reader, issuer, None), None)
        state = at.fold(None).s
        found += sum(1 for _, _, r in breaks(state) if r.seq > first and r.is_new_break)
    return found


def with_refused(
    problems: Callable[[], tuple[list[Problem], int]] | None, refused: list[Problem], most: int
) -> Callable[[], tuple[list[Problem], int]]:
    """The feeds' problems and those the keying found, as one list (the first `most` shown)."""

    def both() -> tuple[list[Problem], int]:
        shown, total = problems() if problems is not None else ([], 0)
        return [*shown, *refused][:most], total + len(refused)

    return both


def superseded(
    batch: Iterator[Pending], original_rows: Callable[[str, str, str, str], list[Recorded]]
) -> Iterator[Pending]:
    """A 3/A, 4/A or 5/A replaces the rows of the filing it amends: before the amendment's first
    row, each row event of the original (same issuer, same form, filed on the date the
    amendment names, naming the same reporting owner) is voided, so answers count the amended
    rows once, the timeline shows both filings, and reconciliation compares against the
    amended figures. `original_rows(issuer, form, filed_on, owner)` finds them in the log."""
    done: set[str] = set()
    owners: dict[str, str] = {}  # amendment -> its first reporting owner
    for pending in batch:
        ev = pending.event
        filing = ev.filing
        key = filing_of(ev)
        if filing is None or filing.amends is None or key is None:
            yield pending
            continue
        if isinstance(ev, PersonIdentified):
            owners.setdefault(key, ev.person)
        elif key not in done and key in owners:
            done.add(key)
            form = filing.form.upper().removesuffix("/A")
            amends = filing.amends.isoformat()
            for record in original_rows(ev.issuer, form, amends, owners[key]):
                void = EventVoided(
                    issuer=ev.issuer,
                    effective_date=record.event.effective_date,
                    voids=record.event_id,
                    reason=f"superseded by Form {filing.form} ({key}), which amends the Form "
                    f"{form} filed on {amends}",
                    event_id=f"{key}:supersedes:{record.event_id}"[:200],
                )
                yield Pending(void, pending.line, pending.origin)
        yield pending


def original_rows(
    reader: Reader, issuer: str, form: str, filed_on: str, owner: str
) -> list[Recorded]:
    """The row events of a Form `form` filed on `filed_on` naming `owner` (the filing an
    amendment replaces), not yet voided."""
    upto = tables.known_seq(reader, issuer, None)
    voided = checkpoints.voided(reader, issuer, upto)
    seqs = [
        fact.seq
        for fact in tables.facts(reader, issuer, upto)
        if fact.seq not in voided and owner in (fact.person, fact.other)
    ]
    return [
        r
        for _, r in sorted(reader.events_by_seq(seqs).items())
        if (f := r.event.filing) is not None
        and f.row is not None
        and f.form.upper() == form
        and f.filed_on is not None
        and f.filed_on.isoformat() == filed_on
    ]


class AppendedButUnfinished(LedgerError):
    """The batch was committed (it is in the log and the chain), but the work after the commit
    (checkpoints, the near-duplicate and reconciliation reads) failed. Every answer is still
    right: a view folds from the log where a checkpoint is missing or stale."""

    def __init__(self, appended: int, seq: int, digest: str, cause: Exception) -> None:
        why = str(cause).replace("; nothing was written", "").strip()
        super().__init__(
            f"appended {appended} events: head digest {seq}:{digest} (the batch is in the log "
            f"and the chain); then the work after the commit failed: {why}. Answers stay right "
            "(views fold from the log); run `owl rebuild` once the cause is fixed to bring the "
            "checkpoints up to date"
        )
        self.appended, self.head_seq, self.head_hash = appended, seq, digest
