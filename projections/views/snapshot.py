"""An issuer's state at the end of a date, as views read it: group standings computed on demand.

A `Snapshot` wraps the fold's state once the fold is done with it (nobody changes it after). The
standing of a group (`GroupStatus`) follows from that state: its holding, the limit the terms give
it, and what its members' records say about how it was last judged. Computing it for thousands
of quiet holders is wasted work, so `listed` looks only at groups over 5% or with a standing to
report, and `groups` (every group) is built when a view asks for it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from functools import cached_property
from types import MappingProxyType

from owl.ledger.log import Recorded
from owl.ledger.shares import Amount
from owl.projections.domain.beneficial import rights
from owl.projections.domain.groups import Group, form_groups, group_labels
from owl.projections.domain.judge import headroom
from owl.projections.domain.limits import Limit, limit_for
from owl.projections.domain.numbers import percent
from owl.projections.domain.state import FoldState, Person, Status

Interval = tuple[date, date | None]
# Fetches the events with the given seqs (from the log, or from the records a replay was given).
Resolver = Callable[[Iterable[int]], Mapping[int, Recorded]]


@dataclass(frozen=True)
class GroupStatus:
    """A group's standing: `shares` it owns beneficially for the plan (its members' shares of
    the plan's class plus the `derivatives` shares the plan counts), their percent of the shares
    outstanding (plus those), the limit, the status and what follows from them."""

    group: Group
    shares: Amount
    percent: Fraction | None
    limit: Limit | None
    status: Status
    headroom: Amount | None
    intervals: tuple[Interval, ...]
    flags: tuple[str, ...]
    derivatives: Amount = 0


class Snapshot:
    """The state at the end of `as_of`; `state` must not be changed once handed over.

    The state names events by seq; `resolve` fetches them when a view shows one."""

    def __init__(self, state: FoldState, as_of: date, resolve: Resolver) -> None:
        self.state = state
        self._resolve = resolve
        self._records: dict[int, Recorded] = {}
        self.issuer = state.issuer
        self.as_of = as_of
        self.terms = state.terms
        self.in_force = state.in_force
        self.book = state.book
        self.outstanding = state.book.outstanding
        self.holdings = MappingProxyType(state.book.holdings)
        self.life = state.life

    def records(self, seqs: Iterable[int | None]) -> dict[int, Recorded]:
        """The events with these seqs (None is skipped), fetched once and kept."""
        wanted = {s for s in seqs if s is not None}
        missing = wanted - self._records.keys()
        if missing:
            self._records.update(self._resolve(missing))
        return {s: self._records[s] for s in wanted if s in self._records}

    def record(self, seq: int | None) -> Recorded | None:
        return self.records([seq]).get(seq) if seq is not None else None

    @cached_property
    def _grouping(self) -> tuple[dict[str, Group], dict[str, Group]]:
        links = self.state.links
        labels = group_labels(links)
        names = [p for p in self.state.persons if p not in labels]
        members: dict[str, Group] = {}
        by_label: dict[str, Group] = {}
        for group in form_groups(names, links):
            for member in group.members:
                members[member] = group
            for label in group.labels:
                by_label.setdefault(label, group)
        return members, by_label

    def group_named(self, name: str) -> Group | None:
        members, labels = self._grouping
        return members.get(name) or labels.get(name)

    def standing(self, group: Group) -> GroupStatus:
        s = self.state
        people = [s.persons.get(m, _NEVER_JUDGED) for m in group.members]
        held = s.book.holdings
        counted, _ = rights(s.book, group.members, self.as_of, s.terms.derivatives)
        shares = sum(held.get(m, 0) for m in group.members) + counted
        out = self.outstanding + counted if self.outstanding else self.outstanding
        pct = percent(shares, out) if out else None
        initial: Status = "below" if self.in_force else "plan_not_in_force"
        status = people[0].status or initial
        limit = (
            limit_for(s.terms, group, s.book.held, s.grandfathered)
            if self.in_force and out
            else None
        )
        flags = sorted({f for p in people for f in p.ap_flags})
        return GroupStatus(
            group,
            shares,
            pct,
            limit,
            status,
            headroom(status, limit, shares, out),
            merged(people),
            tuple(flags),
            counted,
        )

    def group_of(self, name: str) -> GroupStatus | None:
        group = self.group_named(name)
        return self.standing(group) if group is not None else None

    @cached_property
    def groups(self) -> tuple[GroupStatus, ...]:
        """Every group, sorted by label."""
        members, _ = self._grouping
        unique = {g.members: g for g in members.values()}
        return tuple(self.standing(g) for g in sorted(unique.values(), key=lambda g: g.label))

    def listed(self) -> list[GroupStatus]:
        """Groups holding more than 5%, and every group whose status is neither `below` nor
        `plan_not_in_force`, largest first."""
        return list(self._listed)

    @cached_property
    def _listed(self) -> tuple[GroupStatus, ...]:
        members, _ = self._grouping
        out = self.outstanding
        held = self.state.book.holdings
        persons = self.state.persons
        derivatives = self.state.book.derivatives
        seen: set[tuple[str, ...]] = set()
        shown = []
        for group in members.values():
            names = group.members
            if len(names) == 1:  # most groups: one holder, met once (no need to remember it)
                shares = held.get(names[0], 0)
                rights_held = names[0] in derivatives
            else:
                if names in seen:
                    continue
                seen.add(names)
                shares = sum(held.get(m, 0) for m in names)
                rights_held = any(m in derivatives for m in names)
            status = persons.get(names[0], _NEVER_JUDGED).status
            if (out and shares * 100 > 5 * out) or status not in _QUIET_STATUSES or rights_held:
                standing = self.standing(group)
                big = standing.percent is not None and standing.percent > 5
                if big or standing.status not in _QUIET_STATUSES:
                    shown.append(standing)
        return tuple(sorted(shown, key=lambda g: (-g.shares, g.group.label)))

    @property
    def acquiring_persons(self) -> tuple[str, ...]:
        found = [g.group.label for g in self.listed() if g.status == "acquiring_person"]
        return tuple(sorted(found))


_NEVER_JUDGED = Person()
_QUIET_STATUSES = (None, "below", "plan_not_in_force")


def merged(people: list[Person]) -> tuple[Interval, ...]:
    """The union of the members' AP intervals, as disjoint half-open intervals."""
    spans: list[Interval] = [iv for p in people for iv in p.intervals]
    spans += [(p.ap_from, None) for p in people if p.ap_from is not None]
    spans.sort(key=lambda s: s[0])
    result: list[Interval] = []
    for start, end in spans:
        if result:
            last_start, last_end = result[-1]
            if last_end is None or start <= last_end:
                if last_end is not None and (end is None or end > last_end):
                    result[-1] = (last_start, end)
                continue
        result.append((start, end))
    return tuple(result)
