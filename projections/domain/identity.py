"""Which issuer key an event or a question means: one issuer, one key, whatever it was called.

An issuer is known by the key its first events were given under: a ticker (`SNOW`) or, when a
filing names no ticker (a Schedule 13D names the issuer's CIK and CUSIP only), `CIK` and its
ten-digit CIK (`CIK0001422142`). An `IssuerIdentified` ties a CIK and a ticker to that key. From
then on, events given under the other name go under the first key, and a question may name the
issuer by its key, its ticker or its CIK (with or without leading zeros or the `CIK` prefix).

A ticker that already has events of its own in the ledger stays its own key (the ledger never
moves what it has appended); the two keys are then two issuers, which `owl issuers` shows.

An issuer with a CIK is that CIK: a key is bound to the CIK of the first `IssuerIdentified` under
it, and a filing of another CIK that names the same ticker (Google Inc, CIK 1288776, was GOOG until
2015; Alphabet, CIK 1652044, is GOOG since) goes under its own CIK's key (`CIK0001652044`). The
ticker then names both, each over the dates of its own events: a question that names it with a
date means the issuer whose events had begun by then (the latest to begin), and one without a
date is ambiguous and refused with both keys (`meanings`).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from functools import lru_cache

from owl.ledger.events import involved
from owl.ledger.log import Pending


def cik_of(name: str) -> str | None:
    """The ten-digit CIK a name gives (`CIK0001422142`, `1422142`), or None."""
    digits = name.upper().removeprefix("CIK").strip()
    if digits.isdigit() and 0 < len(digits) <= 10:
        return f"{int(digits):010d}"
    return None


class Aliases:
    """The names each issuer key is known by, learnt in log order."""

    def __init__(self, known: Iterable[str] = ()) -> None:
        self.known = set(known)  # keys with events in the ledger
        self.by_cik: dict[str, str] = {}
        self.by_ticker: dict[str, str] = {}
        self.cik_of_key: dict[str, str] = {}  # the CIK each key is bound to
        self.named: dict[str, list[str]] = {}  # ticker -> every key it has named, in log order

    def resolve(self, name: str) -> str:
        """The key `name` means: itself when it is a key with events, else by ticker or CIK."""
        if name in self.known:
            return name
        if name in self.by_ticker:
            return self.by_ticker[name]
        cik = cik_of(name) if name[:1].isdigit() or name.upper().startswith("CIK") else None
        if cik is not None and cik in self.by_cik:
            return self.by_cik[cik]
        return name

    def learn(self, key: str, cik: str, ticker: str | None) -> str:
        """An `IssuerIdentified` given under `key`: the key its events go under."""
        target = self.resolve(key)
        bound = self.cik_of_key.get(target)
        if bound is not None and bound != cik:
            target = self.by_cik.get(cik, f"CIK{cik}")  # the name is another issuer's: not this
        first = self.by_cik.setdefault(cik, target)
        if first != target and target not in self.known:
            target = first  # another name of an issuer the ledger already knows
        self.cik_of_key.setdefault(target, cik)
        for name in (key, ticker):
            if not name or cik_of(name) is not None:
                continue
            if name != target and name not in self.known:
                self.by_ticker.setdefault(name, target)
            keys = self.named.setdefault(name, [])
            if target not in keys:
                keys.append(target)
        return target

    def meanings(self, name: str) -> list[str]:
        """Every key a name may mean: itself when it is a key, and each issuer it has named."""
        keys = [name] if name in self.known else [self.resolve(name)]
        return keys + [k for k in self.named.get(name, []) if k not in keys]

    def seen(self, key: str) -> None:
        self.known.add(key)


def aliases(identities: Iterable[tuple[str, str, str | None]], known: Iterable[str]) -> Aliases:
    """The aliases the ledger's `IssuerIdentified` events (in log order) establish."""
    found = Aliases()
    for key, cik, ticker in identities:
        found.learn(key, cik, ticker)
        found.seen(key)
    found.known.update(known)
    return found


def as_asked(name: str) -> str:
    """A name as a question or a feed may write it: case and spacing aside ("  inoc ", "INOC").
    Lookups match on it; `name_key` goes further (punctuation, accents) and only warns."""
    return " ".join(name.split()).casefold()


@lru_cache(maxsize=65_536)
def name_key(name: str) -> str:
    """A name without case, accents, punctuation or spacing: two names with one key are likely
    one person written two ways ("Beta Partners LLC", "beta partners, llc")."""
    bare = unicodedata.normalize("NFKD", name.casefold())
    return "".join(c for c in bare if c.isalnum())


class NamesSeen:
    """The persons a batch names (per issuer, with the line that first named each), to warn
    about names that differ from a known one only in case or punctuation. The ledger keeps
    names exactly as written (after trimming and collapsing spaces): it cannot know two spellings
    are one person, so it says so and leaves the decision to the user."""

    def __init__(self) -> None:
        self.seen: dict[str, dict[str, str]] = {}

    def watch(self, batch: Iterable[Pending]) -> Iterator[Pending]:
        for pending in batch:
            names = self.seen.setdefault(pending.event.issuer, {})
            for name in involved(pending.event):
                if name not in names:
                    where = f"line {pending.line}" if pending.line is not None else "the batch"
                    origin = f"{pending.origin}:" if pending.origin else ""
                    names[name] = f"{origin}{where}"
            yield pending

    def issuers(self) -> list[str]:
        return sorted(self.seen)

    def near_duplicates(self, known: Mapping[str, set[str]]) -> list[str]:
        """A warning for each name of the batch that differs only in case, accents, punctuation
        or spacing from another name of the same issuer (known, or in the batch)."""
        out = []
        for issuer, names in sorted(self.seen.items()):
            by_key: dict[str, set[str]] = {}
            for name in known.get(issuer, set()) | set(names):
                by_key.setdefault(name_key(name), set()).add(name)
            for name, where in names.items():
                others = sorted(by_key.get(name_key(name), set()) - {name})
                if others:
                    shown = ", ".join(repr(o) for o in others)
                    out.append(
                        f"{where}: {name!r} differs only in case or punctuation from {shown} "
                        f"in {issuer}; owl keeps them apart (two holders) unless written alike"
                    )
        return out
