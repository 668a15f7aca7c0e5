"""A class of stock as the ledger keys it, from a title as a filing writes it.

"Common Stock, par value $0.0001 per share" is the plain common stock (keyed ""/None); "Class A
Common Stock" (any par value wording) is that class; anything else is its own class by its
title without its par value. Used by the SEC feeds to key what they read, and by every question
that takes `--security`, so a title may be given exactly as filed.
"""

from __future__ import annotations

import re

from owl.ledger.errors import LedgerError

_PAR = re.compile(r",?\s*(\$?[0-9.]+\s+|no\s+|without\s+)?par value.*$|\s*\(.*\)$", re.IGNORECASE)
_CLASS = re.compile(r"\bclass\s+([a-z0-9]+)\b", re.IGNORECASE)


def security_class(title: str | None) -> str | None:
    """The class a security title names, as the ledger keys it: None for the plain common stock
    ("Common Stock", "Common stock, par value $0.0001 per share"), "Class A Common Stock" for a
    class of common stock, the title itself (without its par value) otherwise."""
    if not title:
        return None
    bare = _PAR.sub("", " ".join(title.split())).strip(" ,")
    lowered = bare.lower()
    found = _CLASS.search(bare)
    if "common" in lowered and found:
        return f"Class {found[1].upper()} Common Stock"
    if lowered in ("common stock", "common shares", "common", "ordinary shares"):
        return None
    return bare or None


def class_named(asked: str, known: set[str], issuer: str, day: str) -> str:
    """The class `asked` names, matched without regard to case or spacing ("common stock" is
    the common stock), or a title as a filing writes it ("Class A Common Stock, par value
    $0.0001 per share"); an unknown class is refused with the classes there are."""

    def key(name: str) -> str:
        return " ".join(name.lower().split())

    wanted = key(asked)
    if wanted in ("common stock", "common", ""):
        return ""
    for cls in known:
        if key(cls) == wanted:
            return cls
    as_filed = security_class(asked)  # a title as a filing writes it, par value and all
    if as_filed is None:
        return ""
    for cls in known:
        if key(cls) == key(as_filed):
            return cls
    names = ", ".join(sorted(repr(c) for c in known if c)) or "none besides the common stock"
    raise LedgerError(
        f"no class {asked!r} in {issuer} by {day}; its classes: 'Common Stock', {names}"
    )
