"""Feed lines are read in bounded pieces: a huge line is refused by its number without being
read whole, bytes that are not UTF-8 are named by line (from a file or standard input alike),
and every line ending Python's universal newlines knows still ends a line."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from owl.cli.main import cli
from owl.ledger.feeds.lines import MAX_LINE, Unreadable, bounded_lines

BUY = (
    '{"type":"SharesPurchased","issuer":"INOC","effective_date":"2003-08-14",'
    '"holder":"A","shares":5}\n'
)
CSV = "trade_id,issuer,holder,side,shares,trade_date\n"


def owl(db: str, *args: str, input: bytes | None = None) -> Result:
    return CliRunner().invoke(cli, ["--db", db, *args], input=input)


class Endless(io.RawIOBase):
    """A stream of one line that never ends, counting the bytes anyone took from it."""

    def __init__(self, byte: bytes = b"[") -> None:
        self.byte = byte
        self.taken = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        buffer[:] = self.byte * len(buffer)
        self.taken += len(buffer)
        return len(buffer)


def test_a_line_that_never_ends_is_refused_after_reading_little_more_than_the_limit() -> None:
    endless = Endless()

    with pytest.raises(Unreadable, match="line 1 is longer than 1 MiB") as caught:
        next(bounded_lines(io.BufferedReader(endless)))

    assert caught.value.number == 1
    assert endless.taken < 2 * MAX_LINE


@pytest.mark.parametrize(
    ("data", "lines"),
    [
        (b"a\nb\r\nc\rd", ["a\n", "b\r\n", "c\r", "d"]),
        (b"\xef\xbb\xbfhead\n", ["head\n"]),
        (b"x" * 9 + b"\n", ["x" * 9 + "\n"]),
        (b"", []),
    ],
)
def test_lines_end_where_universal_newlines_end_them_and_keep_their_endings(
    data: bytes, lines: list[str]
) -> None:
    assert list(bounded_lines(io.BytesIO(data), limit=10)) == lines


@pytest.mark.parametrize(
    ("data", "number"),
    [(b"x" * 10 + b"\n", 1), (b"ok\n" + b"y" * 11, 2), (b"ok\r" + b"z" * 9 + b"\r\n", 2)],
)
def test_a_line_longer_than_the_limit_with_its_ending_is_named(data: bytes, number: int) -> None:
    with pytest.raises(Unreadable, match=f"line {number} is longer than 10 bytes"):
        list(bounded_lines(io.BytesIO(data), limit=10))


def test_standard_input_that_is_not_utf8_is_an_error_naming_the_line(sqlite_url: str) -> None:
    owl(sqlite_url, "init")

    first = owl(sqlite_url, "ingest", "-", input=b"\xff\xfe" + BUY.encode())
    second = owl(sqlite_url, "ingest", "-", input=BUY.encode() + b"\xc3(\n")

    assert (first.exit_code, first.stderr) == (
        1,
        "Error: cannot read standard input: line 1 is not UTF-8 text (its byte 1 is 0xff)\n",
    )
    assert (second.exit_code, second.stderr) == (
        1,
        "Error: cannot read standard input: line 2 is not UTF-8 text (its byte 1 is 0xc3)\n",
    )
    assert owl(sqlite_url, "verify").output.startswith("ok: 0 events")


@pytest.mark.parametrize("where", ["file", "stdin"])
def test_a_line_over_the_limit_is_refused_by_number_and_nothing_is_written(
    sqlite_url: str, tmp_path: Path, where: str
) -> None:
    owl(sqlite_url, "init")
    data = (BUY + '{"type":"' + "x" * (3 * MAX_LINE) + '"}\n' + BUY).encode()
    path = tmp_path / "big.jsonl"
    path.write_bytes(data)

    if where == "file":
        result = owl(sqlite_url, "ingest", str(path))
    else:
        result = owl(sqlite_url, "ingest", "-", input=data)

    shown = str(path) if where == "file" else "standard input"
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: cannot read {shown}: line 2 is longer than 1 MiB")
    assert owl(sqlite_url, "verify").output.startswith("ok: 0 events")


def test_a_csv_feed_with_lone_carriage_returns_reads_each_row(
    sqlite_url: str, tmp_path: Path
) -> None:
    owl(sqlite_url, "init")
    path = tmp_path / "old-mac.csv"
    path.write_bytes(
        b"trade_id,issuer,holder,side,shares,trade_date\rt-1,INOC,A,BUY,5,2003-11-21\r"
    )

    result = owl(sqlite_url, "ingest", str(path))

    assert result.exit_code == 0, result.output
    assert result.output.startswith("appended 1, already present 0")
