"""A class of stock as the ledger keys it, from a title as a filing writes it.

"Common Stock, par value $0.0001 per share" is the plain common stock (keyed ""/None); "Class A
Common Stock" (any par value wording) is that class; anything else is its own class by its
title without its par value. Used by the SEC feeds to key what they read, and by every question
that takes `--security`, so a title may be given exactly as filed.
"""

from __future__ import annotations

import re

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
