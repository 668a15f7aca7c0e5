"""The application layer: what the command line, the Python API and any later server call.

    >>> from projections.api import Ledger
    >>> ledger = Ledger("sqlite:///owl.db")
    >>> ledger.status("INOC", "2003-11-24")["groups"][0]["percent"]
    '24.0138'

Every rule about input lives here once: stamps (never in the future, never before the last),
dates, formats (one detection for files and standard input), the all-or-nothing batch. Every
query takes the date a fact held (`as_of`: a `date` or "YYYY-MM-DD") and, optionally, the instant
the ledger knew it (`known_at`: an aware `datetime`, an ISO 8601 string with a zone, or
"YYYY-MM-DD" for the end of that day in UTC; default: everything recorded, and the view names the
latest recording it saw, which reproduces the answer later). Results are JSON-ready dicts, the
same as the command line's `--format json`.

Reads start from the best valid checkpoint and fold only the tail (`projections.checkpoints`);
ownership is one aggregate over the maintained positions (`projections.ownership`).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta

from ledger.append import append as append_batch
from ledger.append import replay_log
from ledger.dates import parse_day
from ledger.errors import LedgerError, Problem, UnknownIssuer, UnknownPerson
from ledger.events import (
    CAPITAL_NAMES,
    TYPE_NAMES,
    AffiliationFormed,
    AnyEvent,
    IssuerIdentified,
    event_from_payload,
    involved,
)
from ledger.feeds import Format, open_feeds
from ledger.log import AppendResult, Pending, Recorded, format_instant, parse_known_at
from ledger.sql import SqlStore
from ledger.store import Reader, Store
from ledger.tail import check_tail
from projections import checkpoints
from projections.clock import Clock, system_clock
from projections.directory import holders_json, issuer_json
from projections.explain import absent, explain
from projections.fold import Fold
from projections.follow import Follow
from projections.heap import bulk
from projections.identity import Aliases, NamesSeen, aliases
from projections.maintain import Maintainer
from projections.obligations import concerning, from_records
from projections.obligations_view import obligations_json, seqs_named
from projections.ownership import ownership_view
from projections.reconcile import breaks, reconcile_json
from projections.report import Json, open_breaks, status_json
from projections.series import Follower, series_json
from projections.snapshot import Snapshot
from projections.state import Change
from projections.timeline import timeline_json

DateLike = date | str
InstantLike = datetime | str | None
MAX_PROBLEMS = 20  # problems listed in full; the rest are counted


class FutureStamp(LedgerError):
    def __init__(self, stamp: str, now: str) -> None:
        self.stamp, self.now = stamp, now
        super().__init__(
            f"recorded_at {stamp} is in the future (it is now {now}); a ledger records what it "
            "learned when it learned it, and a future stamp would hold back every later append"
        )


class EmptyRange(LedgerError):
    """A date range with no day in it, or none on which the issuer has anything to show."""


def as_date(value: DateLike) -> date:
    if isinstance(value, date):
        return value
    try:
        return parse_day(value)
    except ValueError as exc:
        raise LedgerError(str(exc)) from None


def as_instant(value: InstantLike) -> datetime | None:
    if value is None or isinstance(value, datetime):
        if isinstance(value, datetime):
            format_instant(value)  # refuses a naive or out-of-range instant
        return value
    try:
        return parse_known_at(value)
    except ValueError as exc:
        raise LedgerError(str(exc)) from None


class Ledger:
    """An owl ledger at a database URL (SQLite file or PostgreSQL)."""

    def __init__(
        self,
        url: str = "sqlite:///owl.db",
        store: Store | None = None,
        clock: Clock = system_clock,
        wait: float = 30.0,
    ) -> None:
        self.store: Store = store or SqlStore(url, wait=wait)
        self.clock = clock
        self.cache = checkpoints.StateCache()
        self.tail_checked = False  # the end of the log checked (`ledger.tail`) once per Ledger

    def close(self) -> None:
        self.store.close()

    def init(self) -> bool:
        """Create the schema (safe to run twice); an older schema is upgraded and its
        projections rebuilt. Returns whether an upgrade happened."""
        upgraded = self.store.init()
        if upgraded:
            self.rebuild()
        return upgraded

    # --- writing -----------------------------------------------------------------------------

    def _stamp(self, recorded_at: InstantLike) -> datetime | Clock:
        if recorded_at is None:
            return self.clock
        moment = as_instant(recorded_at)
        assert moment is not None
        self._not_future(format_instant(moment))
        return moment

    def _not_future(self, stamp: str) -> None:
        now = format_instant(self.clock())
        if stamp > now:
            raise FutureStamp(stamp, now)

    def append(
        self,
        batch: Iterable[Pending | AnyEvent],
        recorded_at: InstantLike = None,
        dry_run: bool = False,
        problems: Callable[[], tuple[list[Problem], int]] | None = None,
        checkpoint: bool = True,
    ) -> AppendResult:
        """Append events, all or nothing: validated against the history (no holder ever goes
        negative, on its date or later), projections maintained in the same transaction.
        `recorded_at`: the stamp (default: now); events restored with their own keep theirs."""
        stamp = self._stamp(recorded_at)
        pendings = (p if isinstance(p, Pending) else Pending(p) for p in batch)
        named = NamesSeen()
        checked = named.watch(self._keyed(self._future_guard(pendings)))
        maintainer = Maintainer(follow=Follow(self.cache) if checkpoint else None)
        try:
            with bulk():
                result = append_batch(self.store, checked, stamp, maintainer, dry_run, problems)
        finally:
            maintainer.close()
        if result.appended or dry_run:
            with self.store.reading() as reader:
                warnings = named.near_duplicates(
                    {i: {h for h, _, _ in reader.balances(i)} for i in named.issuers()}
                )
            result = replace(result, warnings=tuple(warnings))
        if checkpoint and not dry_run and result.appended:
            rest = [i for i in maintainer.touched() if i not in maintainer.followed]
            self.checkpoint(rest, always=False)
        if not dry_run and result.appended:
            first = result.head_seq - result.appended
            found = 0
            with self.store.reading() as reader:
                for issuer in maintainer.reported():
                    fold = self._end(reader, issuer, reader.known_seq(issuer, None))
                    found += sum(
                        1 for _, _, r in breaks(fold.s) if r.seq > first and r.is_new_break
                    )
            result = replace(result, breaks=found)
        return result

    def _keyed(self, batch: Iterator[Pending]) -> Iterator[Pending]:
        """Each event under the key the ledger knows its issuer by (`projections.identity`): a
        Schedule 13D keyed by CIK joins the ticker's history, and the reverse."""
        with self.store.reading() as reader:
            names = self._aliases(reader)
        for pending in batch:
            ev = pending.event
            if isinstance(ev, IssuerIdentified):
                key = names.learn(ev.issuer, ev.cik, ev.ticker)
            else:
                key = names.resolve(ev.issuer)
            names.seen(key)
            if key != ev.issuer:
                pending = pending._replace(event=ev.model_copy(update={"issuer": key}))
            yield pending

    @staticmethod
    def _aliases(reader: Reader) -> Aliases:
        return aliases(reader.identities(), (s.issuer for s in reader.issuers()))

    def _future_guard(self, batch: Iterator[Pending]) -> Iterator[Pending]:
        for pending in batch:
            if pending.recorded_at is not None:
                self._not_future(pending.recorded_at)
            yield pending

    def ingest(
        self,
        paths: str | Sequence[str],
        recorded_at: InstantLike = None,
        fmt: Format | None = None,
        dry_run: bool = False,
        keep_recorded_at: bool = False,
        progress: Callable[[int], None] | None = None,
    ) -> AppendResult:
        """Append feed files (jsonl, csv; "-" is standard input), all or nothing. The format is
        told by the extension or the content unless given. Raises `InvalidEvents` listing every
        bad line of every file."""
        if keep_recorded_at and recorded_at is not None:
            raise LedgerError("keeping each event's recorded_at excludes giving one")
        listed = [paths] if isinstance(paths, str) else list(paths)
        feeds = open_feeds(listed, fmt, keep_recorded_at)
        return self.append(
            feeds.pendings(progress),
            recorded_at,
            dry_run=dry_run,
            problems=lambda: feeds.problems(MAX_PROBLEMS),
        )

    def head_seq(self) -> int:
        """The seq of the log's last event (how many events it holds); 0 when it is empty."""
        with self.store.reading() as reader:
            return reader.head().seq

    def rebuild(self, progress: Callable[[int], None] | None = None) -> int:
        """Drop and rebuild every maintained projection and checkpoint from the log; return the
        events read. `progress` is told how many more events were read, page by page."""
        self.cache = checkpoints.StateCache()
        with self.store.writing() as writer:
            writer.clear_projections()
            maintainer = Maintainer(check=False, follow=Follow(self.cache))
            try:
                with bulk():
                    count = replay_log(writer, maintainer, progress=progress)
            finally:
                maintainer.close()
        self.checkpoint(None)  # the issuers the replay could not follow (and none twice)
        return count

    def checkpoint(self, issuers: Iterable[str] | None, always: bool = True) -> int:
        """Bring the checkpoints of these issuers (None: all) up to date; unless `always`, only
        where a view would otherwise fold more than `checkpoints.INTERVAL` events."""
        written = 0
        with bulk(), self.store.writing() as writer:
            names = [s.issuer for s in writer.issuers()] if issuers is None else issuers
            for issuer in sorted(set(names)):
                if always or checkpoints.uncovered(writer, issuer) > checkpoints.INTERVAL:
                    written += checkpoints.build(writer, self.cache, issuer)
        return written

    def verify(
        self,
        expect: tuple[int, str] | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> Json:
        """The chain recomputed from row 1: `ok`, the head digest, or the first bad seq.
        `progress` is told how many more rows were checked, a thousand at a time."""
        with bulk():
            result = self.store.verify(expect, progress)
        return {
            "ok": result.ok,
            "events": result.rows,
            "head_seq": result.head_seq,
            "head_hash": result.head_hash,
            "digest": f"{result.head_seq}:{result.head_hash}",
            "expected": f"{expect[0]}:{expect[1]}" if expect is not None else None,
            "bad_seq": result.bad_seq,
            "reason": result.reason,
            "digest_mismatch": result.digest_mismatch,
        }

    # --- reading -----------------------------------------------------------------------------

    def _check_tail(self, reader: Reader) -> None:
        if not self.tail_checked:
            check_tail(reader)
            self.tail_checked = True

    def _known(self, reader: Reader, issuer: str, known_at: InstantLike) -> tuple[int, str | None]:
        """The issuer's last seq known at the instant, and the view's known_at: the instant
        asked for, or else the latest recording committed when it was read (appends in flight
        are stamped after it, so asking again with it reproduces the answer)."""
        self._check_tail(reader)
        moment = as_instant(known_at)
        if moment is not None:
            stamp = format_instant(moment)
            upto = reader.known_seq(issuer, stamp)
            if upto == 0:
                self._known_issuer(reader, issuer)
            return upto, stamp
        head = reader.head()
        upto = reader.known_seq(issuer, None)
        if upto == 0:
            self._known_issuer(reader, issuer)
        return upto, head.recorded_at or None

    @staticmethod
    def _known_issuer(reader: Reader, issuer: str) -> None:
        known = [s.issuer for s in reader.issuers()]
        if issuer not in known:
            raise UnknownIssuer(issuer, known)

    def _fold(self, reader: Reader, issuer: str, as_of: date, upto: int) -> Fold:
        state, _ = checkpoints.start(reader, self.cache, issuer, as_of.isoformat(), upto)
        fold = Fold(state, checkpoints.voided(reader, issuer, upto))
        after = state.through.isoformat() if state.through else None
        records = reader.events(
            issuer, upto_seq=upto, after_date=after, through_date=as_of.isoformat()
        )
        fold.run(records, as_of)
        return fold

    def snapshot(self, issuer: str, as_of: DateLike, known_at: InstantLike = None) -> Snapshot:
        """The state at the end of `as_of` (its events are fetched as long as the ledger is
        open)."""
        day = as_date(as_of)
        with self.store.reading() as reader:
            issuer = self._issuer(reader, issuer)
            upto, _ = self._known(reader, issuer, known_at)
            fold = self._fold(reader, issuer, day, upto)
        return Snapshot(fold.s, day, self._resolver())

    def _resolver(self) -> Callable[[Iterable[int]], dict[int, Recorded]]:
        def resolve(seqs: Iterable[int]) -> dict[int, Recorded]:
            with self.store.reading() as reader:
                return reader.events_by_seq(seqs)

        return resolve

    def status(self, issuer: str, as_of: DateLike, known_at: InstantLike = None) -> Json:
        day = as_date(as_of)
        with self.store.reading() as reader:
            issuer = self._issuer(reader, issuer)
            upto, stamp = self._known(reader, issuer, known_at)
            fold = self._fold(reader, issuer, day, upto)
            snapshot = Snapshot(fold.s, day, reader.events_by_seq)
            body = status_json(snapshot, stamp)
            known = checkpoints.corrections(reader, issuer, upto)
            body["events_known"] = fold.s.counted + len(known)
        return body

    def ownership(
        self,
        issuer: str,
        as_of: DateLike,
        known_at: InstantLike = None,
        security: str | None = None,
    ) -> Json:
        """Who holds how much of a class (default: the one the plan covers) on a date: one
        aggregate over the maintained positions; the open reconciliation breaks from the fold."""
        day = as_date(as_of)
        with self.store.reading() as reader:
            issuer = self._issuer(reader, issuer)
            upto, stamp = self._known(reader, issuer, known_at)
            fold = self._fold(reader, issuer, day, upto)
            breaks = open_breaks(Snapshot(fold.s, day, reader.events_by_seq))
            return ownership_view(reader, issuer, day, upto, stamp, security, breaks)

    def timeline(
        self, issuer: str, person: str | None = None, known_at: InstantLike = None
    ) -> Json:
        with self.store.reading() as reader:
            issuer = self._issuer(reader, issuer)
            upto, stamp = self._known(reader, issuer, known_at)
            changes = self._changes(reader, issuer, upto)
            if person is not None and person not in _names(reader, issuer, upto):
                raise UnknownPerson(person, issuer, "any date")
            seqs = {c.seq for c in changes if c.seq is not None}
            body = timeline_json(changes, issuer, person, reader.events_by_seq(seqs))
        body["known_at"] = stamp
        return body

    def explain(
        self, issuer: str, person: str, as_of: DateLike, known_at: InstantLike = None
    ) -> Json:
        day = as_date(as_of)
        with self.store.reading() as reader:
            issuer = self._issuer(reader, issuer)
            upto, stamp = self._known(reader, issuer, known_at)
            fold = self._fold(reader, issuer, day, upto)
            snapshot = Snapshot(fold.s, day, reader.events_by_seq)
            voided = checkpoints.voided(reader, issuer, upto)
            group = snapshot.group_named(person)
            if group is not None:
                naming = reader.naming(issuer, group.names, day.isoformat(), upto)
                body = explain(snapshot, person, [s for s in naming if s not in voided])
            else:
                seqs = [
                    s
                    for s in reader.naming(issuer, [person], "9999-12-31", upto)
                    if s not in voided
                ]
                found = reader.events_by_seq(seqs)
                if not found:
                    raise UnknownPerson(person, issuer, day.isoformat())
                first = min(found.values(), key=lambda r: (r.event.effective_date, r.seq))
                body = absent(snapshot, person, first)
        body["known_at"] = stamp
        return body

    def obligations(
        self,
        issuer: str,
        person: str | None = None,
        as_of: DateLike | None = None,
        known_at: InstantLike = None,
    ) -> Json:
        """The securities-law filings owed by the holders of an issuer up to `as_of` (default:
        today), each with its due date, its status and the filing that met it; what the ledger
        cannot know (see `projections.obligations`). One fold of the whole history."""
        day = as_date(as_of) if as_of is not None else self.clock().date()
        with self.store.reading() as reader:
            issuer = self._issuer(reader, issuer)
            upto, stamp = self._known(reader, issuer, known_at)
            if person is not None and person not in _names(reader, issuer, upto):
                raise UnknownPerson(person, issuer, "any date")
            records = reader.events(issuer, upto_seq=upto, through_date=day.isoformat())
            found = from_records(issuer, records, checkpoints.voided(reader, issuer, upto), day)
            if person is not None:
                found = concerning(found, person)
            refs = reader.events_by_seq(seqs_named(found))
            return obligations_json(found, issuer, day, stamp, person, refs)

    def reconcile(
        self, issuer: str, holder: str | None = None, known_at: InstantLike = None
    ) -> Json:
        """Each break between a reported holding and the replay (see `projections.reconcile`)."""
        with self.store.reading() as reader:
            issuer = self._issuer(reader, issuer)
            upto, stamp = self._known(reader, issuer, known_at)
            fold = self._end(reader, issuer, upto)
            seqs = [s for _, _, r in breaks(fold.s) for s in (r.seq, r.seq + 1)]
            return reconcile_json(fold.s, issuer, holder, stamp, reader.events_by_seq(seqs))

    def _end(self, reader: Reader, issuer: str, upto: int) -> Fold:
        """The fold through the last date anything happens (from the best checkpoint)."""
        state, _ = checkpoints.start(reader, self.cache, issuer, None, upto)
        fold = Fold(state, checkpoints.voided(reader, issuer, upto))
        after = state.through.isoformat() if state.through else None
        fold.run(reader.events(issuer, upto_seq=upto, after_date=after), None)
        return fold

    def _issuer(self, reader: Reader, issuer: str) -> str:
        """The issuer's key: as given, or the key of the issuer whose ticker or CIK was given."""
        known = [s.issuer for s in reader.issuers()]
        if issuer in known:
            return issuer
        return aliases(reader.identities(), known).resolve(issuer)

    def series(
        self,
        issuer: str,
        names: Sequence[str] | None = None,
        start: DateLike | None = None,
        end: DateLike | None = None,
        known_at: InstantLike = None,
        most: int = 8,
    ) -> Json:
        """Each group's standing over time (the data of `owl chart`), from `start` (default: the
        issuer's first event) through `end` (default: its last): `names` are members or labels
        to follow (default: the groups that crossed a level or changed status in the range,
        the largest `most` of them). See `projections.series` for what a point holds."""
        first_asked = as_date(start) if start is not None else None
        last_asked = as_date(end) if end is not None else None
        if first_asked is not None and last_asked is not None and first_asked > last_asked:
            raise EmptyRange(f"the range starts on {first_asked}, after it ends ({last_asked})")
        with self.store.reading() as reader:
            issuer = self._issuer(reader, issuer)
            upto, stamp = self._known(reader, issuer, known_at)
            summary = next(s for s in reader.issuers() if s.issuer == issuer)
            first = first_asked or as_date(summary.first_date)
            last = last_asked or as_date(summary.last_date)
            if first > last and last_asked is None:
                raise EmptyRange(
                    f"the range starts on {first}, after {issuer}'s last event ({last}); "
                    "give an end date to look further"
                )
            if first > last:
                raise EmptyRange(
                    f"nothing of {issuer} is effective by {last}: its first event is effective "
                    f"on {first}"
                )
            if names is None:
                changes = self._changes(reader, issuer, upto)
                names = [
                    c.members[0]
                    for c in changes
                    if c.kind in ("status", "crossing") and c.members and first <= c.date <= last
                ]
            state, _ = checkpoints.start(reader, self.cache, issuer, first.isoformat(), upto)
            fold = Fold(state, checkpoints.voided(reader, issuer, upto))
            follower = Follower(fold, names, first)
            after = state.through.isoformat() if state.through else None
            head = reader.events(
                issuer, upto_seq=upto, after_date=after, through_date=first.isoformat()
            )
            fold.run(head, first, follower)
            follower(first, fold.s.counted)  # every line starts at `from`
            tail = reader.events(
                issuer,
                upto_seq=upto,
                after_date=first.isoformat(),
                through_date=last.isoformat(),
            )
            fold.run(tail, last, follower)
            follower(last, fold.s.counted)
            if len(follower.names) > most:
                peak = {
                    n: max((float(p["percent"] or 0) for p in follower.points[n]), default=0.0)
                    for n in follower.names
                }
                follower.names = sorted(follower.names, key=lambda n: -peak[n])[:most]
            voided = checkpoints.voided(reader, issuer, upto)
            moved: dict[str, list[Recorded]] = {}
            wanted: set[int] = set()
            for name in follower.names:
                group = fold.group_of(name)
                members = group.names if group is not None else {name}
                seqs = [
                    s
                    for s in reader.naming(issuer, members, last.isoformat(), upto)
                    if s not in voided
                ]
                found = reader.events_by_seq(seqs)
                moved[name] = sorted(
                    (r for r in found.values() if r.event.effective_date >= first),
                    key=lambda r: (r.event.effective_date, r.seq),
                )
            plan = [c for c in fold.changes if c.kind == "plan" and first <= c.date <= last]
            capital = [
                f.seq
                for f in reader.facts(issuer, upto, last.isoformat())
                if f.type in CAPITAL_NAMES and f.effective_date >= first.isoformat()
                and f.seq not in voided
            ]  # fmt: skip
            wanted.update(c.seq for c in plan if c.seq is not None)
            wanted.update(capital)
            body = series_json(issuer, follower, plan, moved, reader.events_by_seq(wanted), last)
        body["from"], body["to"], body["known_at"] = first.isoformat(), last.isoformat(), stamp
        return body

    def _changes(self, reader: Reader, issuer: str, upto: int) -> list[Change]:
        keys = checkpoints.valid_keys(reader, issuer, None, upto)
        key = keys[-1] if keys else None
        changes = checkpoints.segments(reader, self.cache, issuer, key)
        state, _ = checkpoints.start(reader, self.cache, issuer, None, upto)
        fold = Fold(state, checkpoints.voided(reader, issuer, upto))
        after = state.through.isoformat() if state.through else None
        fold.run(reader.events(issuer, upto_seq=upto, after_date=after), None)
        return sorted([*changes, *fold.changes], key=lambda c: c.date)

    def log(
        self,
        issuer: str | None = None,
        known_at: InstantLike = None,
        types: Iterable[str] | None = None,
        holder: str | None = None,
        start: DateLike | None = None,
        end: DateLike | None = None,
    ) -> Iterator[Recorded]:
        """The raw log in seq order, as known at an instant; only one issuer's events, only
        events of `types`, only those naming `holder` (as holder, person, affiliate, either
        side of a transfer), only those effective from `start` through `end`, when given.
        An unknown issuer or type, or a range that ends before it starts, is refused at once."""
        moment = as_instant(known_at)
        wanted = None if types is None else frozenset(types)
        unknown = sorted((wanted or frozenset()) - set(TYPE_NAMES))
        if unknown:
            raise LedgerError(
                f"no event type named {', '.join(map(repr, unknown))} "
                f"(the types: {', '.join(sorted(TYPE_NAMES))})"
            )
        first = as_date(start) if start is not None else None
        last = as_date(end) if end is not None else None
        if first is not None and last is not None and first > last:
            raise EmptyRange(f"the range starts on {first}, after it ends ({last})")
        with self.store.reading() as reader:
            self._check_tail(reader)
            if issuer is not None:
                issuer = self._issuer(reader, issuer)
                self._known_issuer(reader, issuer)
        stamp = format_instant(moment) if moment is not None else None
        name = " ".join(unicodedata.normalize("NFC", holder).split()) if holder else None
        return self._log(issuer, stamp, wanted, name, first, last)

    def _log(
        self,
        issuer: str | None,
        stamp: str | None,
        types: frozenset[str] | None,
        holder: str | None,
        first: date | None,
        last: date | None,
    ) -> Iterator[Recorded]:
        after = (first - timedelta(days=1)).isoformat() if first is not None else None
        through = last.isoformat() if last is not None else None
        with self.store.reading() as reader:
            records = reader.events(
                issuer, after_date=after, through_date=through, replay_order=False
            )
            for record in records:
                if stamp is not None and record.recorded_at > stamp:
                    break
                if types is not None and record.event.type not in types:
                    continue
                if holder is not None and holder not in involved(record.event):
                    continue
                yield record

    def clock_notes(self) -> dict[int, tuple[str, str]]:
        """The batches stamped after the last stamp because the clock read earlier: first seq
        -> (the clock's reading, the stamp given)."""
        with self.store.reading() as reader:
            return reader.clock_notes()

    def issuers(self) -> list[str]:
        """The issuer keys, sorted."""
        with self.store.reading() as reader:
            return [s.issuer for s in reader.issuers()]

    def directory(self) -> Json:
        """Every issuer with its CIK, ticker and name when filings gave them, its events, its
        holders now, and the first and last dates its events touch (`projections.directory`)."""
        with self.store.reading() as reader:
            self._check_tail(reader)
            head = reader.head()
            rows = [
                issuer_json(
                    summary,
                    reader.facts(summary.issuer, head.seq),
                    reader.balances(summary.issuer).values(),
                )
                for summary in reader.issuers()
            ]
        return {"known_at": head.recorded_at or None, "issuers": rows}

    def holders(
        self,
        issuer: str,
        as_of: DateLike | None = None,
        known_at: InstantLike = None,
        security: str | None = None,
    ) -> Json:
        """Every holder of a class whose position changed by `as_of` (default: the issuer's
        last date), with the shares held then (0: a former holder), its group and the dates
        its position changed (`projections.directory`)."""
        with self.store.reading() as reader:
            issuer = self._issuer(reader, issuer)
            upto, stamp = self._known(reader, issuer, known_at)
            if as_of is None:
                summary = next(s for s in reader.issuers() if s.issuer == issuer)
                as_of = summary.last_date
            day = as_date(as_of)
            view = ownership_view(reader, issuer, day, upto, stamp, security, [])
            return holders_json(view, reader.holder_spans(issuer, day.isoformat(), upto))


def _names(reader: Reader, issuer: str, upto: int) -> set[str]:
    """Every person and group label the issuer's events name."""
    names = {holder for holder, _, _ in reader.balances(issuer)}
    for fact in reader.facts(issuer, upto):
        names.update(n for n in (fact.person, fact.other) if n is not None)
        if fact.type == "AffiliationFormed":
            ev = event_from_payload(fact.payload, f"seq:{fact.seq}")
            if isinstance(ev, AffiliationFormed) and ev.group:
                names.add(ev.group)
    return names
