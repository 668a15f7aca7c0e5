"""`projections.views.frames`: a view's table as flat rows, and a DataFrame when pandas is there."""

from __future__ import annotations

import sys

import pytest

from owl.projections.views.frames import frame, rows

SERIES = {
    "issuer": "INOC",
    "groups": [
        {"group": "G", "followed_as": "A", "points": [{"date": "2003-01-02", "percent": "5"}]},
        {"group": "H", "followed_as": "B", "points": [{"date": "2003-01-03", "percent": "7.5"}]},
    ],
}
TIMELINE = {
    "issuer": "INOC",
    "changes": [
        {"date": "2003-01-02", "kind": "plan", "event": {"seq": 1, "source": "8-A"}},
        {"date": "2003-01-03", "kind": "dd", "event": None},
    ],
}


def test_a_series_is_one_table_of_every_groups_points() -> None:
    assert rows(SERIES) == [
        {"followed_as": "A", "date": "2003-01-02", "percent": "5"},
        {"followed_as": "B", "date": "2003-01-03", "percent": "7.5"},
    ]


def test_a_nested_object_becomes_prefixed_columns_in_every_row() -> None:
    assert rows(TIMELINE) == [
        {"date": "2003-01-02", "kind": "plan", "event_seq": 1, "event_source": "8-A"},
        {"date": "2003-01-03", "kind": "dd", "event_seq": None, "event_source": None},
    ]


def test_another_table_is_named() -> None:
    view = {"holders": [{"holder": "A"}], "groups": [{"group": "G", "members": ["A", "B"]}]}

    assert rows(view) == [{"holder": "A"}]
    assert rows(view, "groups") == [{"group": "G", "members": ["A", "B"]}]


def test_a_table_the_view_does_not_have_is_refused_naming_those_it_has() -> None:
    with pytest.raises(KeyError, match="no table 'breaks' in this view; its tables: changes"):
        rows(TIMELINE, "breaks")


def test_a_frame_without_pandas_says_how_to_get_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)  # as if it were not installed

    with pytest.raises(ImportError, match=r"pip install 'owl-ledger\[pandas\]'"):
        frame(SERIES)


def test_a_frame_has_dates_as_dates_and_percents_as_numbers() -> None:
    pytest.importorskip("pandas", reason="pandas is not installed (the dev extra installs it)")

    found = frame(SERIES)

    assert [str(found[c].dtype) for c in ("followed_as", "percent")][1] == "float64"
    assert str(found["date"].dtype).startswith("datetime64")
    assert list(found["percent"]) == [5.0, 7.5]
