"""A long table streams: `owl log` prints its first lines before it has read the whole log.
Up to its window the streamed table is the whole-table rendering exactly."""

from __future__ import annotations

from collections.abc import Iterator

from owl.cli.tables import render_table, stream_table

HEADERS = ("seq", "name")


def test_up_to_the_window_it_is_the_whole_table_rendering() -> None:
    rows = [(str(n), "x" * n) for n in range(1, 8)]

    assert list(stream_table(HEADERS, rows, right=[0], window=10)) == render_table(
        HEADERS, rows, right=[0]
    )


def test_past_the_window_lines_come_before_the_rows_are_all_read() -> None:
    read = []

    def rows() -> Iterator[tuple[str, str]]:
        for n in range(1, 10_000):
            read.append(n)
            yield (str(n), "name")

    lines = stream_table(HEADERS, rows(), right=[0], window=100)
    first = [next(lines) for _ in range(3)]

    assert first == ["seq  name", "  1  name", "  2  name"]
    assert len(read) <= 101  # the window, not the whole listing
    rest = list(lines)
    assert rest[-1] == "9999  name"  # a wider cell widens only its own line
    assert len(rest) == 9_999 - 2
