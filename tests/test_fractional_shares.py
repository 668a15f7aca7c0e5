"""Fractional shares, held exactly: a dividend reinvested or a purchase plan leaves a holding
such as 1,786,446.4238 shares, and owl keeps it to the millionth through positions,
percentages, thresholds, reconciliation and checkpoints, on both backends, while whole-share
feeds store and answer exactly as before (an int is an int, the demo's digest unchanged)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy
from click.testing import CliRunner, Result

from owl.cli.main import cli
from owl.ledger.errors import InvalidEvents
from owl.projections.application.api import Ledger
from owl.projections.domain.state import FoldState
from owl.projections.maintained.amounts import join, split
from owl.projections.maintained.codec import decode_state, encode_state
from tests.builders import ev, pending

AT = "2026-11-01T00:00:00Z"
LATER = "2026-11-02T00:00:00Z"
SEC = Path(__file__).parent / "data" / "sec" / "fractional"


def owl(url: str, *args: str, **kw: Any) -> Result:
    return CliRunner().invoke(cli, ["--db", url, *args], **kw)


def trades(*rows: tuple[str, str, str, Any]) -> list[Any]:
    """(event_id, type, holder, shares) on successive days of January 2021, after a count of
    100,000,000 shares outstanding."""
    out = [ev("OutstandingReported", "2021-01-01", "FRX", shares=100_000_000, event_id="frx-out")]
    for day, (event_id, kind, holder, shares) in enumerate(rows, start=2):
        out.append(ev(kind, f"2021-01-{day:02d}", "FRX", holder=holder, shares=shares,
                      event_id=event_id))  # fmt: skip
    return out


def holding(ledger: Ledger, holder: str, day: str = "2021-12-31") -> Any:
    (row,) = [h for h in ledger.ownership("FRX", day)["holders"] if h["holder"] == holder]
    return row["shares"]


def test_a_fraction_is_held_exactly_and_a_whole_result_is_an_int(ledger: Ledger) -> None:
    ledger.append(pending(*trades(("a", "SharesPurchased", "Fund", "14.19"),
                                  ("b", "SharesPurchased", "Fund", "1786432.2338"),
                                  ("c", "SharesSold", "Fund", "0.0000"[:0] or "0.4238"))),
                  recorded_at=AT)  # fmt: skip

    assert holding(ledger, "Fund") == Decimal("1786446")  # 14.19 + 1786432.2338 - 0.4238
    assert type(holding(ledger, "Fund")) is int  # whole again: an int, as a whole-share feed's
    ledger.append(pending(ev("SharesPurchased", "2021-02-01", "FRX", holder="Fund",
                             shares="0.000001", event_id="d")), recorded_at=AT)  # fmt: skip
    assert holding(ledger, "Fund") == Decimal("1786446.000001")


def test_the_payload_keeps_the_decimal_text_and_a_whole_share_payload_is_unchanged(
    sqlite_url: str, tmp_path: Path
) -> None:
    feed = tmp_path / "trades.jsonl"
    feed.write_text(
        '{"type":"SharesPurchased","issuer":"FRX","effective_date":"2021-01-02",'
        '"holder":"Fund","shares":"14.190","event_id":"f1"}\n'
        '{"type":"SharesPurchased","issuer":"FRX","effective_date":"2021-01-02",'
        '"holder":"Fund","shares":"100.000","event_id":"f2"}\n'
    )
    assert owl(sqlite_url, "init").exit_code == 0
    assert owl(sqlite_url, "ingest", str(feed)).exit_code == 0

    logged = [json.loads(line) for line in owl(sqlite_url, "log", "--format", "jsonl").stdout
              .splitlines()]  # fmt: skip
    assert [row["shares"] for row in logged] == ["14.19", 100]  # exact text; whole is an int
    shown = json.loads(owl(sqlite_url, "ownership", "--issuer", "FRX", "--as-of", "2021-12-31",
                           "--format", "json").stdout)  # fmt: skip
    assert shown["holders"][0]["shares"] == "114.19"  # a JSON string: no reader's float rounds it


@pytest.mark.parametrize(
    ("shares", "said"),
    [
        (14.5, 'or, with a fraction, a decimal string ("14.19"), got 14.5'),
        ("1.1234567", "of at most 6 decimal places, got '1.1234567'"),
        ("0.000", "must be more than 0"),
        ("-3.5", "got '-3.5'"),
        ("100", "a whole number (a JSON integer)"),
    ],
)
def test_an_amount_owl_cannot_hold_exactly_is_refused_by_name(
    sqlite_url: str, tmp_path: Path, shares: Any, said: str
) -> None:
    feed = tmp_path / "trades.jsonl"
    row = {"type": "SharesPurchased", "issuer": "FRX", "effective_date": "2021-01-02",
           "holder": "Fund", "shares": shares, "event_id": "x"}  # fmt: skip
    feed.write_text(json.dumps(row) + "\n")
    assert owl(sqlite_url, "init").exit_code == 0

    refused = owl(sqlite_url, "ingest", str(feed))

    assert refused.exit_code == 1
    assert "line 1: field 'shares'" in refused.output and said in refused.output, refused.output
    assert owl(sqlite_url, "log", "--format", "jsonl").stdout == ""


def test_thresholds_are_decided_on_the_exact_fraction(ledger: Ledger) -> None:
    """5,000,000 of 100,000,000 is 5%, not more than 5%; a millionth of a share more is."""
    ledger.append(pending(*trades(("a", "SharesPurchased", "Exact", 5_000_000),
                                  ("b", "SharesPurchased", "Over", "5000000.000001"))),
                  recorded_at=AT)  # fmt: skip

    crossings = [(c["group"], c["detail"]) for c in ledger.timeline("FRX")["changes"]
                 if c["kind"] == "crossing"]  # fmt: skip
    assert crossings == [("Over", "above 5%")]
    owed = [o["group"] for o in ledger.obligations("FRX", as_of="2021-12-31")["obligations"]]
    assert owed == ["Over"]


def test_a_sale_of_more_than_a_fractional_holding_is_refused_with_both_amounts(
    ledger: Ledger,
) -> None:
    bought = trades(
        ("a", "SharesPurchased", "Fund", "100.125"), ("b", "SharesSold", "Fund", "0.125")
    )
    ledger.append(pending(*bought), recorded_at=AT)

    with pytest.raises(InvalidEvents) as refused:
        ledger.append(pending(ev("SharesSold", "2021-02-01", "FRX", holder="Fund",
                                 shares="100.5", event_id="c")), recorded_at=AT)  # fmt: skip

    assert "Fund holds 100 shares on 2021-02-01; cannot sell 100.5" in str(refused.value)


def test_the_maintained_tables_and_a_rebuild_agree_with_the_replay(ledger: Ledger) -> None:
    """The fast answers (ownership: the maintained tables) equal the full replay's, and
    `verify` finds every derived row as the log implies it."""
    ledger.append(pending(*trades(("a", "SharesPurchased", "Fund", "2500000.3333"),
                                  ("b", "SharesPurchased", "Fund", "2500000.3333"),
                                  ("c", "SharesSold", "Fund", "0.6666"),
                                  ("d", "SharesPurchased", "Other", "0.999999"))),
                  recorded_at=AT)  # fmt: skip

    replayed = ledger.snapshot("FRX", "2021-12-31").state.book.holdings  # the full fold
    assert holding(ledger, "Fund") == replayed["Fund"] == 5_000_000
    assert type(replayed["Fund"]) is int
    assert holding(ledger, "Other") == replayed["Other"] == Decimal("0.999999")
    assert ledger.verify()["ok"] is True
    ledger.rebuild()
    assert holding(ledger, "Other") == Decimal("0.999999")


def test_a_checkpoint_keeps_a_fraction_exactly() -> None:
    state = FoldState("FRX")
    state.book.holdings = {"Fund": Decimal("1786446.4238"), "Whole": 7}
    state.book.indirect = {("Fund", "by 401(k)"): Decimal("2085.3634")}

    back = decode_state(encode_state(state))

    assert back.book.holdings == {"Fund": Decimal("1786446.4238"), "Whole": 7}
    assert type(back.book.holdings["Whole"]) is int
    assert back.book.indirect == {("Fund", "by 401(k)"): Decimal("2085.3634")}


@pytest.mark.parametrize(
    "amount", [0, 7, -7, Decimal("14.19"), Decimal("-14.19"), Decimal("0.000001"), 10**15]
)
def test_a_stored_amount_is_its_whole_part_and_its_millionths(amount: Any) -> None:
    whole, millionths = split(amount)

    assert 0 <= millionths < 1_000_000 and join(whole, millionths) == amount
    assert join(whole * 2, millionths * 2) == amount * 2  # sums of rows stay exact


def test_a_csv_feed_takes_a_fraction_and_names_a_bad_one(sqlite_url: str, tmp_path: Path) -> None:
    feed = tmp_path / "trades.csv"
    feed.write_text(
        "trade_id,issuer,holder,side,shares,trade_date\n"
        "c1,FRX,Fund,BUY,100.125,2021-01-05\n"
        "c2,FRX,Fund,SELL,1.1234567,2021-01-06\n"
    )
    assert owl(sqlite_url, "init").exit_code == 0

    refused = owl(sqlite_url, "ingest", str(feed))
    feed.write_text(
        "trade_id,issuer,holder,side,shares,trade_date\nc1,FRX,Fund,BUY,100.125,2021-01-05\n"
    )
    taken = owl(sqlite_url, "ingest", str(feed))

    assert refused.exit_code == 1
    assert "line 3: field 'shares': expected a positive number of shares" in refused.output
    assert taken.exit_code == 0, taken.output
    shown = owl(sqlite_url, "ownership", "--issuer", "FRX", "--as-of", "2021-12-31").stdout
    assert "100.125" in shown


@pytest.mark.parametrize(
    ("filing", "holder", "account", "shares"),
    [
        # Franklin Resources, Form 5 of Jennifer Johnson: 1,786,446.4238 held directly after a
        # gift, 2,085.3634 in her 401(k).
        ("0001127602-20-028433.txt", "JOHNSON JENNIFER M", None, Decimal("1786446.4238")),
        ("0001127602-20-028433.txt", "JOHNSON JENNIFER M", "by 401(k)", Decimal("2085.3634")),
    ],
)
def test_a_real_filing_with_fractional_holdings_is_read_as_filed(
    ledger: Ledger, filing: str, holder: str, account: str | None, shares: Decimal
) -> None:
    result = ledger.ingest([str(SEC / filing)], recorded_at=AT)

    view = ledger.ownership("BEN", "2020-12-31")
    (row,) = [h for h in view["holders"] if h["holder"] == holder]
    parts = {h["nature"]: h["shares"] for h in row["indirect"]}
    direct = row["shares"] - sum(parts.values())
    assert result.appended > 0
    assert (direct if account is None else parts[account]) == shares
    assert ledger.reconcile("BEN")["breaks"] == []  # every stated holding, to the ten-thousandth


def test_every_real_filing_that_states_a_fraction_is_imported(ledger: Ledger) -> None:
    """The filings an owl of whole shares refused (dividend reinvestment, purchase plans, a
    fractional option grant): each goes in, and its stated holdings reconcile."""
    files = sorted(SEC.iterdir())

    result = ledger.ingest([str(f) for f in files], recorded_at=AT)

    assert len(files) >= 5 and result.appended > 0


def test_a_ledger_of_schema_4_gains_the_fraction_columns_on_init(db_url: str) -> None:
    ledger = Ledger(db_url)
    ledger.init()
    ledger.append(pending(*trades(("a", "SharesPurchased", "Fund", 10))), recorded_at=AT)
    engine = sqlalchemy.create_engine(db_url)
    with engine.begin() as conn:
        for table, column in (("positions", "delta_frac"), ("positions", "target_frac"),
                              ("balances", "position_frac")):  # fmt: skip
            conn.exec_driver_sql(f"ALTER TABLE {table} DROP COLUMN {column}")
        conn.exec_driver_sql("UPDATE owl_meta SET value = '4' WHERE key = 'schema_version'")
    engine.dispose()

    assert ledger.init() == "upgraded"
    ledger.append(pending(ev("SharesPurchased", "2021-02-01", "FRX", holder="Fund",
                             shares="0.5", event_id="b")), recorded_at=LATER)  # fmt: skip

    assert holding(ledger, "Fund") == Decimal("10.5")
    checked = ledger.verify()
    assert checked["ok"] is True, (checked["derived"], checked["reason"])
    ledger.close()
