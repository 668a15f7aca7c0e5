"""The views that are tables, as rows for csv: numbers plain, empty values empty (None).

`cli.output.emit_csv` writes them; the column names are the views' JSON field names.
"""

from __future__ import annotations

from typing import Any


def ownership_rows(body: dict[str, Any]) -> list[tuple[object, ...]]:
    """kind, name, members (";"-separated), shares, percent: the holders, then the groups."""
    rows: list[tuple[object, ...]] = [
        ("holder", h["holder"], h["holder"], h["shares"], h["percent"]) for h in body["holders"]
    ]
    rows += [
        ("group", g["group"], ";".join(g["members"]), g["shares"], g["percent"])
        for g in body["groups"]
    ]
    return rows


def timeline_rows(body: dict[str, Any]) -> list[tuple[object, ...]]:
    """date, group, kind, change, from, to, seq, event_id, source."""
    return [
        (
            c["date"],
            c["group"],
            c["kind"],
            c["detail"],
            c["from"],
            c["to"],
            *((c["event"]["seq"], c["event"]["event_id"], c["event"]["source"]) if c["event"]
              else (None, None, None)),
        )
        for c in body["changes"]
    ]  # fmt: skip


RECONCILE_HEADERS = (
    "date",
    "holder",
    "security",
    "nature",
    "series",
    "kind",
    "reported",
    "computed",
    "difference",
    "open",
    "form",
    "accession",
    "row",
    "cause",
)


def reconcile_rows(body: dict[str, Any]) -> list[tuple[object, ...]]:
    """The breaks as csv rows (RECONCILE_HEADERS)."""
    return [
        (
            b["date"],
            b["holder"],
            b["security"],
            b["nature"],
            b["series"],
            b["kind"],
            b["reported"],
            b["computed"],
            b["difference"],
            "true" if b["open"] else "false",
            b["form"],
            b["accession"],
            b["row"],
            b["cause"],
        )
        for b in body["breaks"]
    ]
