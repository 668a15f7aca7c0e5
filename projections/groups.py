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
from typing import NamedTuple


class Link(NamedTuple):
    """An affiliation in force: who, with whom, and the label it gives their group (if any)."""

    seq: int
    person: str
    affiliate: str
    group: str | None


LinkKey = tuple[str, str]  # the two names, sorted


def link_key(a: str, b: str) -> LinkKey:
    return (a, b) if a <= b else (b, a)


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


def alone(person: str) -> Group:
    return Group(person, (person,))


def form_groups(persons: Iterable[str], links: Mapping[LinkKey, Link]) -> list[Group]:
    """Connected components of `persons` under `links` (the links in force), sorted by label."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for person in persons:
        parent.setdefault(person, person)
    for a, b in links:
        parent[find(a)] = find(b)
    members: dict[str, list[str]] = {}
    for person in list(parent):
        members.setdefault(find(person), []).append(person)
    labels: dict[str, list[tuple[int, str]]] = {}
    for key, link in links.items():
        if link.group:
            labels.setdefault(find(key[0]), []).append((link.seq, link.group))
    groups = []
    for root, names in members.items():
        ordered = tuple(sorted(names))
        given = sorted(labels.get(root, []))
        label = given[0][1] if given else " & ".join(ordered)
        groups.append(Group(label, ordered, tuple(sorted({name for _, name in given}))))
    return sorted(groups, key=lambda g: g.label)


def group_labels(links: Mapping[LinkKey, Link]) -> frozenset[str]:
    """Every label given to a link in force."""
    return frozenset(link.group for link in links.values() if link.group)
