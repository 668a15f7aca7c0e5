"""The application layer: what the command line, the Python API and any later server call.

    >>> from owl.projections.application.api import Ledger
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

Reads start from the best valid checkpoint and fold only the tail
(`projections.maintained.checkpoints`); ownership is one aggregate over the maintained positions
(`projections.views.ownership`).

Longer than the ~300 lines STYLE.md asks: one method per question or append (about twenty), each a
few lines; the work is in reading.py, writing.py, charting.py and logread.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

from owl.ledger.append import append as append_batch
from owl.ledger.errors import LedgerError, Problem, UnknownPerson
from owl.ledger.events import AnyEvent
from owl.ledger.log import AppendResult, Pending, Recorded
from owl.ledger.sql import SqlStore
from owl.ledger.store import InitState, Reader, Store
from owl.ledger.tail import check_projected, check_tail
from owl.projections.application import writing
from owl.projections.application.charting import chart_series
from owl.projections.application.clock import Clock, system_clock
from owl.projections.application.inputs import (
    MAX_PROBLEMS,
    DateLike,
    InstantLike,
    as_date,
    date_range,
)
from owl.projections.application.logread import LogFilter
from owl.projections.application.reading import Reading
from owl.projections.application.writing import AppendedButUnfinished
from owl.projections.domain.identity import NamesSeen, as_asked
from owl.projections.domain.obligations import concerning, find
from owl.projections.maintained import checking, checkpoints, tables
from owl.projections.maintained.following import Follow
from owl.projections.maintained.heap import bulk
from owl.projections.maintained.maintain import Maintainer
from owl.projections.maintained.rewrite import build_all, compare_with_log, rewrite
from owl.projections.views.directory import holders_json, issuer_json
from owl.projections.views.explain import absent, explain
from owl.projections.views.obligations import obligations_json, seqs_named
from owl.projections.views.ownership import ownership_view
from owl.projections.views.reconcile import breaks, reconcile_json
from owl.projections.views.report import open_breaks, status_json
from owl.projections.views.shapes import Json
from owl.projections.views.snapshot import Snapshot
from owl.projections.views.timeline import timeline_json

__all__ = ["Json", "Ledger"]

if TYPE_CHECKING:
    from owl.ledger.feeds import Format


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

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def init(self) -> InitState:
        """Create the schema (safe to run twice); an older schema is upgraded and its
        projections rebuilt. Returns what it did: "created", "upgraded" or "current" (nothing
        to do: it only checked)."""
        done = self.store.init()
        if done == "upgraded":
            self.rebuild()
        return done

    # --- writing -----------------------------------------------------------------------------

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
        stamp = writing.stamp_of(recorded_at, self.clock)
        pendings = (p if isinstance(p, Pending) else Pending(p) for p in batch)
        with self.store.reading() as reader:
            names = writing.known_aliases(reader)
        named = NamesSeen()
        refused: list[Problem] = []
        guarded = writing.future_guard(pendings, self.clock)
        keyed = writing.keyed(guarded, names, refused)
        persons_keyed = writing.same_persons(keyed, self._person_names)
        checked = named.watch(writing.superseded(persons_keyed, self._original_rows))
        problems = writing.with_refused(problems, refused, MAX_PROBLEMS)
        maintainer = Maintainer(follow=Follow(self.cache) if checkpoint else None)
        try:
            with bulk():
                result = append_batch(self.store, checked, stamp, maintainer, dry_run, problems)
        finally:
            maintainer.close()
        if dry_run:
            with self.store.reading() as reader:
                return replace(result, warnings=tuple(writing.near_duplicates(reader, named)))
        if not result.appended:
            return result
        try:  # the batch is committed: a failure from here on must not read as "not appended"
            with self.store.reading() as reader:
                result = replace(result, warnings=tuple(writing.near_duplicates(reader, named)))
            if checkpoint:
                rest = [i for i in maintainer.touched() if i not in maintainer.followed]
                self.checkpoint(rest, always=False)
            first = result.head_seq - result.appended
            with self.store.reading() as reader:
                found = writing.new_breaks(reader, self.cache, maintainer.reported(), first)
        except (LedgerError, OSError) as exc:
            raise AppendedButUnfinished(result.appended, result.head_seq, result.head_hash,
                                        exc) from exc  # fmt: skip
        return replace(result, breaks=found)

    def _person_names(self) -> dict[str, str]:
        with self.store.reading() as reader:
            return tables.person_names(reader)

    def _original_rows(self, issuer: str, form: str, filed_on: str, owner: str) -> list[Recorded]:
        with self.store.reading() as reader:
            return writing.original_rows(reader, issuer, form, filed_on, owner)

    def ingest(
        self,
        paths: str | Sequence[str],
        recorded_at: InstantLike = None,
        fmt: Format | None = None,
        dry_run: bool = False,
        keep_recorded_at: bool = False,
        progress: Callable[[int], None] | None = None,
        filed_on: DateLike | None = None,
        issuer_cik: str | None = None,
    ) -> AppendResult:
        """Append feed files (jsonl, csv, SEC filings; "-" is standard input), all or nothing.
        The format is told by the extension or the content unless given; `filed_on` is the
        filing date of SEC documents that state none (a bare XML form), `issuer_cik` the issuer
        of older Schedules 13D/13G that name it by name and CUSIP only. Raises
        `InvalidEvents` listing every bad line of every file."""
        if keep_recorded_at and recorded_at is not None:
            raise LedgerError("keeping each event's recorded_at excludes giving one")
        listed = [paths] if isinstance(paths, str) else list(paths)
        day = as_date(filed_on) if filed_on is not None else None
        from owl.ledger.feeds import open_feeds  # the parsers: only an ingest needs them

        feeds = open_feeds(listed, fmt, keep_recorded_at, day, issuer_cik)
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

    def digest(self) -> str:
        """The head digest as stored, `seq:hash` of the last event (`owl verify --expect`)."""
        with self.store.reading() as reader:
            return f"{reader.head().seq}:{reader.head().hash}"

    def rebuild(self, progress: Callable[[int], None] | None = None) -> int:
        """Drop and rebuild every maintained projection and checkpoint from the log; return the
        events read. `progress` is told how many more events were read, page by page."""
        self.cache = checkpoints.StateCache()
        with self.store.writing() as writer:
            count = rewrite(writer, Follow(self.cache), progress)
        self.checkpoint(None)  # the issuers the replay could not follow (and none twice)
        return count

    def checkpoint(self, issuers: Iterable[str] | None, always: bool = True) -> int:
        """Bring the checkpoints of these issuers (None: all) up to date; unless `always`, only
        where a view would otherwise fold more than `checkpoints.INTERVAL` events."""
        with self.store.writing() as writer:
            names = [s.issuer for s in tables.issuers(writer)] if issuers is None else issuers
            wanted = [
                i
                for i in names
                if always or checkpoints.uncovered(writer, i) > checkpoints.INTERVAL
            ]
            return build_all(writer, self.cache, wanted)

    def verify(
        self,
        expect: tuple[int, str] | None = None,
        progress: Callable[[int], None] | None = None,
        derived: bool = True,
    ) -> Json:
        """The chain recomputed from row 1: `ok`, the head digest, or the first bad seq.
        `progress` is told how many more rows were checked, a thousand at a time. With `derived`
        (the default), and the chain sound, every maintained table and checkpoint is also
        checked against what the log implies (`derived`: `ok`, or the first table and row that
        differs); `ok` is false when either fails."""
        with bulk():
            result = self.store.verify(expect, progress)
        body: Json = {
            "ok": result.ok,
            "events": result.rows,
            "head_seq": result.head_seq,
            "head_hash": result.head_hash,
            "digest": f"{result.head_seq}:{result.head_hash}",
            "expected": f"{expect[0]}:{expect[1]}" if expect is not None else None,
            "bad_seq": result.bad_seq,
            "reason": result.reason,
            "digest_mismatch": result.digest_mismatch,
            "derived": None,
        }
        if result.ok and derived:
            body["derived"] = self._verify_derived()
            if body["derived"]["ok"] is False:
                body["ok"] = False
        return body

    def _verify_derived(self) -> Json:
        """Write every derived table again from the log inside a transaction that is rolled
        back, and compare it with what is stored (`checking.first_difference`)."""
        try:
            with self.store.writing(dry_run=True) as writer:
                found, stored, compared = compare_with_log(writer)
        except LedgerError as exc:
            return {"ok": None, "skipped": f"the derived tables were not checked: {exc}"}
        return {
            "ok": found is None,
            "tables": list(checking.DERIVED),
            "checkpoints": {"stored": stored, "compared": compared},
            "table": found.table if found else None,
            "how": found.how if found else None,
            "row": [str(v) if isinstance(v, bytes | memoryview) else v for v in found.row]
            if found
            else None,
        }

    # --- reading -----------------------------------------------------------------------------

    def _check_tail(self, reader: Reader) -> None:
        if not self.tail_checked:
            check_tail(reader)
            head = reader.head().seq
            if head:
                check_projected(head, tables.projected_seq(reader))
            self.tail_checked = True

    @contextmanager
    def _at(
        self, issuer: str, known_at: InstantLike, as_of: date | None = None
    ) -> Iterator[Reading]:
        """The issuer as known at the instant, through one open reader (`reading.Reading`);
        `as_of` tells which issuer a ticker two issuers have had means."""
        with self.store.reading() as reader:
            self._check_tail(reader)
            yield Reading.at(reader, self.cache, issuer, known_at, as_of)

    def snapshot(self, issuer: str, as_of: DateLike, known_at: InstantLike = None) -> Snapshot:
        """The state at the end of `as_of` (its events are fetched as long as the ledger is
        open)."""
        day = as_date(as_of)
        with self._at(issuer, known_at, day) as at:
            fold = at.fold(day)
        return Snapshot(fold.s, day, self._resolver())

    def _resolver(self) -> Callable[[Iterable[int]], dict[int, Recorded]]:
        def resolve(seqs: Iterable[int]) -> dict[int, Recorded]:
            with self.store.reading() as reader:
                return reader.events_by_seq(seqs)

        return resolve

    def status(self, issuer: str, as_of: DateLike, known_at: InstantLike = None) -> Json:
        day = as_date(as_of)
        with self._at(issuer, known_at, day) as at:
            snapshot = at.snapshot(day)
            body = status_json(snapshot, at.stamp)
            corrections = checkpoints.corrections(at.reader, at.issuer, at.upto)
            body["events_known"] = snapshot.state.counted + len(corrections)
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
        with self._at(issuer, known_at, day) as at:
            found = open_breaks(at.snapshot(day))
            return ownership_view(at.reader, at.issuer, day, at.upto, at.stamp, security, found)

    def timeline(
        self, issuer: str, person: str | None = None, known_at: InstantLike = None
    ) -> Json:
        with self._at(issuer, known_at) as at:
            changes = at.changes()
            person = at.person(person) if person is not None else None
            seqs = {c.seq for c in changes if c.seq is not None}
            body = timeline_json(changes, at.issuer, person, at.reader.events_by_seq(seqs))
        body["known_at"] = at.stamp
        return body

    def explain(
        self, issuer: str, person: str, as_of: DateLike, known_at: InstantLike = None
    ) -> Json:
        day = as_date(as_of)
        with self._at(issuer, known_at, day) as at:
            snapshot = at.snapshot(day)
            person = at.person(person, day.isoformat())
            group = snapshot.group_named(person)
            if group is not None:
                naming = tables.naming(at.reader, at.issuer, group.names, day.isoformat(), at.upto)
                body = explain(snapshot, person, at.unvoided(naming))
            else:
                naming = tables.naming(at.reader, at.issuer, [person], "9999-12-31", at.upto)
                found = at.reader.events_by_seq(at.unvoided(naming))
                if not found:
                    raise UnknownPerson(person, at.issuer, day.isoformat())
                first = min(found.values(), key=lambda r: (r.event.effective_date, r.seq))
                body = absent(snapshot, person, first)
        body["known_at"] = at.stamp
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
        cannot know (see `projections.domain.obligations`). Folded from the best checkpoint
        that keeps the watches it is found from (else from the start)."""
        day = as_date(as_of) if as_of is not None else self.clock().date()
        with self._at(issuer, known_at, day) as at:
            person = at.person(person) if person is not None else None
            classes = tables.classes(at.reader, at.issuer)
            found = find(at.watched(day, classes), day)
            if person is not None:
                found = concerning(found, person)
            refs = at.reader.events_by_seq(seqs_named(found))
            return obligations_json(found, at.issuer, day, at.stamp, person, refs)

    def reconcile(
        self,
        issuer: str,
        holder: str | None = None,
        known_at: InstantLike = None,
        taken: bool = False,
    ) -> Json:
        """Each break between a reported holding and the replay; with `taken`, also the reports
        taken as the position (see `projections.views.reconcile`)."""
        with self._at(issuer, known_at) as at:
            holder = at.person(holder) if holder is not None else None  # or UnknownPerson
            state = at.fold(None).s
            seqs = [s for _, _, r in breaks(state, taken) for s in (r.seq, r.seq + 1)]
            refs = at.reader.events_by_seq(seqs)
            return reconcile_json(state, at.issuer, holder, at.stamp, refs, taken)

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
        the largest `most` of them). See `projections.views.series` for what a point holds."""
        first, last = date_range(start, end)
        with self._at(issuer, known_at) as at:
            return chart_series(at, names, first, last, most)

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
        An unknown issuer, holder (of that issuer) or type, or a range that ends before it
        starts, is refused at once; a holder's name is matched whatever its case and spacing."""
        wanted = LogFilter.of(known_at, types, holder, start, end)
        share = 1.0
        if issuer is not None:
            with self._at(issuer, None) as at:
                issuer = at.issuer
                if holder is not None:  # a name the issuer does not know: UnknownPerson
                    wanted = wanted._replace(holder=as_asked(at.person(holder)))
                share = tables.issuer_events(at.reader, issuer) / max(at.reader.head().seq, 1)
        else:
            with self.store.reading() as reader:
                self._check_tail(reader)
        return wanted.records(self.store, issuer, share)

    def issuer_key(self, asked: str) -> str:
        """The key of the issuer `asked` names (key, ticker or CIK, any case), or UnknownIssuer."""
        with self._at(asked, None) as at:
            return at.issuer

    def event(self, seq: int) -> Recorded | None:
        """The event recorded at `seq` (None: there is none)."""
        with self.store.reading() as reader:
            self._check_tail(reader)
            return reader.events_by_seq([seq]).get(seq)

    def clock_notes(self) -> dict[int, tuple[str, str]]:
        """The batches stamped after the last stamp because the clock read earlier: first seq
        -> (the clock's reading, the stamp given)."""
        with self.store.reading() as reader:
            return reader.clock_notes()

    def issuers(self) -> list[str]:
        """The issuer keys, sorted."""
        with self.store.reading() as reader:
            return [s.issuer for s in tables.issuers(reader)]

    def directory(self) -> Json:
        """Every issuer with its CIK, ticker and name when filings gave them, its events, its
        holders now, and the first and last dates its events touch
        (`projections.views.directory`)."""
        with self.store.reading() as reader:
            self._check_tail(reader)
            head = reader.head()
            rows = [
                issuer_json(
                    summary,
                    tables.facts(reader, summary.issuer, head.seq),
                    tables.balances(reader, summary.issuer).values(),
                )
                for summary in tables.issuers(reader)
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
        its position changed (`projections.views.directory`)."""
        with self._at(issuer, known_at) as at:
            day = as_date(as_of if as_of is not None else at.summary.last_date)
            view = ownership_view(at.reader, at.issuer, day, at.upto, at.stamp, security, [])
            spans = tables.holder_spans(at.reader, at.issuer, day.isoformat(), at.upto)
            return holders_json(view, spans)
