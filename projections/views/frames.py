"""A view's table as rows, and the same rows as a pandas DataFrame, for notebooks.

Every view the application layer returns (`Ledger.ownership`, `status`, `holders`, `timeline`,
`reconcile`, `series`, `directory`) is plain data: a dict holding one or more lists of rows.
`rows(view)` picks the view's main table, or the one named, and flattens it into one dict per
row: a nested object becomes columns named with its key as a prefix (a timeline change's
`event.seq` is `event_seq`), lists stay lists, and the series' points, which are kept per group,
become one table with the group each point belongs to in the first columns.

`frame(view)` is `rows(view)` as a pandas DataFrame, with the date columns as dates and the
percent columns as floats (`rows` keeps the exact decimal strings). pandas is imported there and
only there: owl never needs it (`pip install 'owl-ledger[pandas]'` adds it).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Mapping
from typing import Any

from owl.ledger.log import Recorded
from owl.projections.views.shapes import Json

# The tables views hold, in the order a view's main table is looked for: the series' points,
# then ownership's and holders' holders, the directory's issuers, reconciliation breaks, the
# timeline's changes, status's groups, the obligations, explain's events.
TABLES = ("points", "holders", "issuers", "breaks", "changes", "groups", "obligations", "events")
DATES = ("date", "as_of")  # and every column named ..._date
PERCENTS = ("percent", "limit_percent", "percent_stated", "threshold")


def rows(view: Mapping[str, Any] | Iterable[Recorded], table: str | None = None) -> list[Json]:
    """The rows of the view's main table (or of `table`), flattened; `Ledger.log`'s records
    become one row each: seq, recorded_at, hash and the event's fields."""
    if not isinstance(view, Mapping):
        return _square([_record_row(r) for r in view])
    name = table or _main_table(view)
    if name == "points":
        return _square(
            [
                {"followed_as": group["followed_as"], **point}
                for group in view["groups"]
                for point in group["points"]
            ]
        )
    found = view.get(name)
    if not isinstance(found, list):
        tables = ", ".join(t for t in view if isinstance(view[t], list))
        raise KeyError(f"no table {name!r} in this view; its tables: {tables}")
    return _square([row if isinstance(row, Mapping) else {"value": row} for row in found])


def _record_row(record: Recorded) -> Json:
    return {
        "seq": record.seq,
        "recorded_at": record.recorded_at,
        "hash": record.hash,
        **record.event.model_dump(mode="json", exclude_none=True),
    }


def frame(view: Mapping[str, Any] | Iterable[Recorded], table: str | None = None) -> Any:
    """`rows(view, table)` as a pandas DataFrame: dates as datetime64, percents as floats."""
    try:
        pandas: Any = importlib.import_module("pandas")
    except ImportError:
        raise ImportError(
            "frame() needs pandas, which owl does not install: pip install 'owl-ledger[pandas]' "
            "(or use rows(), which needs nothing)"
        ) from None
    found = pandas.DataFrame.from_records(rows(view, table))
    for column in found.columns:
        if column in DATES or column.endswith("_date"):
            found[column] = pandas.to_datetime(found[column], format="%Y-%m-%d")
        elif column in PERCENTS or column.endswith("_percent"):
            found[column] = pandas.to_numeric(found[column])
    return found


def _main_table(view: Mapping[str, Any]) -> str:
    groups = view.get("groups")
    if (
        isinstance(groups, list)
        and groups
        and isinstance(groups[0], Mapping)
        and ("points" in groups[0])
    ):
        return "points"
    for name in TABLES:
        if isinstance(view.get(name), list):
            return name
    raise KeyError("this view has no table (a verify result, say, is one record)")


def _square(table: list[Mapping[str, Any]]) -> list[Json]:
    """The rows flattened, every row with every column (None where a row has no value): a
    nested object that is null in some rows still gives its columns."""
    shapes: dict[str, Any] = {}
    for row in table:
        _shape(row, shapes)
    return [_flat(row, shapes) for row in table]


def _shape(row: Mapping[str, Any], into: dict[str, Any]) -> None:
    for key, value in row.items():
        if isinstance(value, Mapping):
            inner = into.get(key)
            if not isinstance(inner, dict):
                inner = into[key] = {}
            _shape(value, inner)
        else:
            into.setdefault(key, None)


def _flat(row: Mapping[str, Any] | None, shape: Mapping[str, Any], prefix: str = "") -> Json:
    out: Json = {}
    for key, inner in shape.items():
        value = row.get(key) if row is not None else None
        if isinstance(inner, dict):
            nested = value if isinstance(value, Mapping) else None
            out.update(_flat(nested, inner, f"{prefix}{key}_"))
        else:
            out[f"{prefix}{key}"] = value
    return out
