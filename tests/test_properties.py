"""Invariants, checked on generated histories (hypothesis)."""

from __future__ import annotations

import tempfile
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from owl.ledger.log import Pending
from owl.projections.application.api import Ledger
from owl.projections.views.report import status_json
from tests.builders import at, buy, ev, exemption, outstanding, plan, records
from tests.oracle import state_at

START = date(2003, 1, 1)
HOLDERS = ["A", "B", "C", "D"]


def day(n: int) -> str:
    return (START + timedelta(days=n)).isoformat()


@st.composite
def moves(draw: st.DrawFn) -> object:
    kind = draw(st.sampled_from(["buy", "buy", "buy", "repurchase", "issue", "link", "cap"]))
    when = day(draw(st.integers(1, 120)))
    holder = draw(st.sampled_from(HOLDERS))
    if kind == "buy":
        return buy(holder, draw(st.integers(1, 120_000)), when)
    if kind == "repurchase":
        return ev("SharesRepurchased", when, shares=draw(st.integers(1, 50_000)))
    if kind == "issue":
        return ev("SharesIssued", when, shares=draw(st.integers(1, 50_000)), holder=holder)
    if kind == "cap":
        return exemption(when, holder, str(draw(st.integers(10, 30))))
    other = draw(st.sampled_from([h for h in HOLDERS if h != holder]))
    return ev("AffiliationFormed", when, person=holder, affiliate=other, relation="control")


BASE = [plan(), outstanding(day(0), 1_000_000)]


@settings(max_examples=60, deadline=None)
@given(st.lists(moves(), max_size=25), moves(), st.integers(0, 130))
def test_a_backdated_event_changes_nothing_before_its_effective_date(
    history: list, late: object, probe: int
) -> None:
    as_of = START + timedelta(days=probe)
    before_late = status_json(state_at("INOC", records(*BASE, *history), as_of), "t")

    with_late = status_json(state_at("INOC", records(*BASE, *history, late), as_of), "t")

    if as_of < late.effective_date:  # type: ignore[attr-defined]
        assert with_late == before_late


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.lists(moves(), min_size=1, max_size=6), min_size=1, max_size=5), st.integers(0, 130)
)
def test_a_view_known_at_an_instant_never_changes_once_recorded(batches: list, probe: int) -> None:
    as_of = START + timedelta(days=probe)
    with tempfile.TemporaryDirectory() as folder:
        ledger = Ledger(f"sqlite:///{folder}/owl.db")
        ledger.init()
        ledger.append([Pending(e) for e in BASE], at("2026-01-01T00:00"))
        seen = []
        for n, batch in enumerate(batches):
            moment = at(f"2026-01-{n + 2:02d}T00:00")
            ledger.append([Pending(e) for e in batch], moment)
            seen.append((moment, ledger.status("INOC", as_of, known_at=moment)))

        replayed = [(m, ledger.status("INOC", as_of, known_at=m)) for m, _ in seen]
        ledger.close()

    assert replayed == seen


@given(st.integers(min_value=-(10**16), max_value=10**16), st.integers(1, 10**16))
def test_a_share_percent_in_integers_is_the_exact_fractions_rounding(
    shares: int, outstanding: int
) -> None:
    from owl.projections.domain.numbers import format_percent, format_share_percent, percent

    assert format_share_percent(shares, outstanding) == format_percent(percent(shares, outstanding))
