"""Beneficial-ownership groups: persons joined, transitively, by affiliation links in force.

On a date a person's group is every person reachable through links in force that day. Each share
has one record holder, so a group's holding is the sum of its members' record holdings and no share
is counted twice. A group's label is the first label given to any of its links, else its members'
names joined with " & " (a lone holder is its own group).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
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


class Group:
    """A group on a date: its label, its members (sorted) and every label on its links (a plan
    may name any). Immutable; `member_set` and `names` are computed once."""

    __slots__ = ("label", "labels", "member_set", "members", "names")

    def __init__(self, label: str, members: tuple[str, ...], labels: tuple[str, ...] = ()) -> None:
        self.label = label
        self.members = members
        self.labels = labels
        self.member_set = frozenset(members)
        # Members and labels: every name a plan, a filing or a query may use for the group.
        self.names = self.member_set | frozenset(labels) if labels else self.member_set

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Group) and (self.label, self.members, self.labels) == (
            other.label,
            other.members,
            other.labels,
        )

    def __hash__(self) -> int:
        return hash((self.label, self.members, self.labels))

    def __repr__(self) -> str:
        return f"Group({self.label!r}, {self.members!r}, {self.labels!r})"


_ALONE: dict[str, Group] = {}


def alone(person: str) -> Group:
    """A holder linked to no one: its own group (shared, since groups never change)."""
    group = _ALONE.get(person)
    if group is None:
        group = _ALONE[person] = Group(person, (person,))
    return group


def form_groups(persons: Iterable[str], links: Mapping[LinkKey, Link]) -> list[Group]:
    """Connected components of `persons` under `links` (the links in force), sorted by label."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in links:
        parent[find(a)] = find(b)
    members: dict[str, list[str]] = {}
    for person in list(parent):
        members.setdefault(find(person), []).append(person)
    labels: dict[str, list[tuple[int, str]]] = {}
    for key, link in links.items():
        if link.group:
            labels.setdefault(find(key[0]), []).append((link.seq, link.group))
    groups = [alone(p) for p in persons if p not in parent]
    for root, names in members.items():
        ordered = tuple(sorted(names))
        given = sorted(labels.get(root, []))
        label = given[0][1] if given else " & ".join(ordered)
        groups.append(Group(label, ordered, tuple(sorted({name for _, name in given}))))
    return sorted(groups, key=lambda g: g.label)


def group_labels(links: Mapping[LinkKey, Link]) -> frozenset[str]:
    """Every label given to a link in force."""
    return frozenset(link.group for link in links.values() if link.group)
