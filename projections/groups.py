"""Beneficial-ownership groups: persons joined, transitively, by affiliation links in force.

On a date a person's group is every person reachable through links in force that day. Each share
has one record holder, so a group's holding is the sum of its members' record holdings and no share
is counted twice. A group's label is the first label given to any of its links, else its members'
names joined with " & " (a lone holder is its own group).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property

from ledger.events import AffiliationFormed
from ledger.log import Recorded


@dataclass(frozen=True)
class Group:
    label: str
    members: tuple[str, ...]  # sorted
    labels: tuple[str, ...] = ()  # every label on the group's links (a plan may name any)

    @cached_property
    def member_set(self) -> frozenset[str]:
        return frozenset(self.members)

    @cached_property
    def names(self) -> frozenset[str]:
        """Members and labels: every name a plan, a filing or a query may use for the group."""
        return frozenset(self.members) | frozenset(self.labels)


def link_key(a: str, b: str) -> frozenset[str]:
    return frozenset((a, b))


def form_groups(persons: Iterable[str], links: Mapping[frozenset[str], Recorded]) -> list[Group]:
    """Connected components of `persons` under `links` (the links in force), sorted by label."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for person in persons:
        find(person)
    for key in links:
        a, b = sorted(key) if len(key) == 2 else (next(iter(key)),) * 2
        parent[find(a)] = find(b)
    members: dict[str, list[str]] = {}
    for person in list(parent):
        members.setdefault(find(person), []).append(person)
    labels: dict[str, list[tuple[int, str]]] = {}
    for key, record in links.items():
        ev = record.event
        assert isinstance(ev, AffiliationFormed)
        if ev.group:
            labels.setdefault(find(next(iter(key))), []).append((record.seq, ev.group))
    groups = []
    for root, names in members.items():
        ordered = tuple(sorted(names))
        given = sorted(labels.get(root, []))
        label = given[0][1] if given else " & ".join(ordered)
        groups.append(Group(label, ordered, tuple(sorted({name for _, name in given}))))
    return sorted(groups, key=lambda g: g.label)


def group_labels(links: Mapping[frozenset[str], Recorded]) -> frozenset[str]:
    """Every label given to a link in force."""
    return frozenset(
        r.event.group for r in links.values()
        if isinstance(r.event, AffiliationFormed) and r.event.group
    )  # fmt: skip
