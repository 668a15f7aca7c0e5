"""Beneficial-ownership groups: persons joined, transitively, by affiliation links in force.

On a date a person's group is every person reachable through links in force that day. Each share
has one record holder, so a group's holding is the sum of its members' record holdings and no share
is counted twice. A group's label is the first label given to any of its links, else its members'
names joined with " & " (a lone holder is its own group).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ledger.events import AffiliationFormed
from ledger.log import Recorded


@dataclass(frozen=True)
class Group:
    label: str
    members: tuple[str, ...]  # sorted

    @property
    def member_set(self) -> frozenset[str]:
        return frozenset(self.members)


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
    labels: dict[str, tuple[int, str]] = {}
    for key, record in links.items():
        ev = record.event
        assert isinstance(ev, AffiliationFormed)
        if ev.group:
            root = find(next(iter(key)))
            if root not in labels or record.seq < labels[root][0]:
                labels[root] = (record.seq, ev.group)
    groups = []
    for root, names in members.items():
        ordered = tuple(sorted(names))
        label = labels[root][1] if root in labels else " & ".join(ordered)
        groups.append(Group(label, ordered))
    return sorted(groups, key=lambda g: g.label)
