"""Checkpoints and maintained projections answer exactly what the full replay answers.

The full replay (`projections.replay`) is the oracle: it folds the plain list of events a view
knows. For random histories appended batch by batch, with backdated events, voids, splits,
repurchases, issuances, transfers, adopted reports, affiliations formed and ended, and amendments,
and for random views (as_of, known_at), the ledger's answers (folded from checkpoints, ownership
summed from the positions table) equal the oracle's, before and after `rebuild`.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from owl.ledger.errors import InvalidEvents
from owl.ledger.events import EventVoided, involved
from owl.ledger.log import Pending, Recorded
from owl.projections.application.api import Ledger
from owl.projections.domain.obligations import from_records
from owl.projections.maintained import checkpoints, tables
from owl.projections.views.obligations import obligations_json
from owl.projections.views.report import status_json
from owl.projections.views.timeline import timeline_json
from tests.builders import at, ev
from tests.databases import fresh_schema
from tests.oracle import history, ownership_json, shortfalls, state_at

START = date(2003, 1, 1)
KINDS = [
    "buy",
    "buy",
    "buy",
    "sell",
    "transfer",
    "repurchase",
    "issue",
    "split",
    "link",
    "unlink",
    "cap",
    "report",
    "filed_report",
    "filed_sell",
    "adopt",
    "void",
    "count",
    "acquire",
    "dispose",
    "opening",
    "label_report",
    "right",
    "exercise",
    "right_report",
    "trust_move",
    "plan",
    "tender",
    "inadvertence",
    "intent",
]
CLASSES = [None, None, "Class B"]
NATURES = [None, None, "By Trust"]
HOLDERS = ["A", "B", "C", "D"]
STAMPS = [f"2026-0{1 + n // 28}-{1 + n % 28:02d}T00:00" for n in range(40)]


def day(n: int) -> str:
    return (START + timedelta(days=n)).isoformat()


@st.composite
def amounts(draw: st.DrawFn, low: int, high: int) -> int | str:
    """A number of shares: mostly whole, sometimes with a fraction of one to six places (a
    dividend reinvested), written as the decimal string a feed gives."""
    whole = draw(st.integers(low, high))
    if draw(st.integers(0, 3)) or whole >= high:
        return whole
    places = draw(st.integers(1, 6))
    fraction = draw(st.integers(1, 10**places - 1))
    return f"{whole}.{fraction:0{places}d}"


@st.composite
def events(draw: st.DrawFn, ids: list[str]) -> Any:
    kind = draw(st.sampled_from(KINDS))
    when = day(draw(st.integers(1, 90)))
    holder = draw(st.sampled_from(HOLDERS))
    other = draw(st.sampled_from([h for h in HOLDERS if h != holder]))
    n = len(ids)
    eid = f"e{n}-{draw(st.integers(0, 10**6))}"
    ids.append(eid)
    cls = draw(st.sampled_from(CLASSES))
    nature = draw(st.sampled_from(NATURES))
    account = {"security": cls, "nature": nature}
    if kind == "buy":
        return ev("SharesPurchased", when, holder=holder, shares=draw(amounts(1, 90_000)),
                  event_id=eid, **account)  # fmt: skip
    if kind == "sell":
        return ev("SharesSold", when, holder=holder, shares=draw(amounts(1, 30_000)),
                  event_id=eid, **account)  # fmt: skip
    if kind == "acquire":
        return ev("SharesAcquired", when, holder=holder, shares=draw(amounts(1, 60_000)),
                  how="gift", event_id=eid, **account)  # fmt: skip
    if kind == "dispose":
        return ev("SharesDisposed", when, holder=holder, shares=draw(amounts(1, 20_000)),
                  event_id=eid, **account)  # fmt: skip
    if kind == "transfer":
        return ev("SharesTransferred", when, from_holder=holder, to_holder=other,
                  shares=draw(st.integers(1, 20_000)), event_id=eid, security=cls)  # fmt: skip
    if kind == "trust_move":
        return ev("SharesTransferred", when, from_holder=holder, to_holder=holder,
                  to_nature="By Trust", shares=draw(st.integers(1, 20_000)), event_id=eid,
                  security=cls)  # fmt: skip
    if kind == "repurchase":
        return ev("SharesRepurchased", when, shares=draw(st.integers(1, 40_000)), event_id=eid,
                  security=cls)  # fmt: skip
    if kind == "issue":
        return ev("SharesIssued", when, shares=draw(st.integers(1, 40_000)), holder=holder,
                  event_id=eid, **account)  # fmt: skip
    if kind == "split":
        return ev("StockSplit", when, numerator=draw(st.integers(2, 3)),
                  denominator=draw(st.integers(1, 2)), event_id=eid, security=cls)  # fmt: skip
    if kind == "link":
        return ev("AffiliationFormed", when, person=holder, affiliate=other, relation="control",
                  group=draw(st.sampled_from([None, "Pack"])), event_id=eid)  # fmt: skip
    if kind == "unlink":
        return ev("AffiliationEnded", when, person=holder, affiliate=other, event_id=eid)
    if kind == "cap":
        return ev("RightsAgreementAmended", when, amendment=eid, event_id=eid,
                  changes=[{"change": "exemption", "person": holder,
                            "cap": str(draw(st.integers(10, 30))),
                            "ends_on_control_intent": draw(st.booleans()),
                            "ends_on_disposition": draw(st.sampled_from([None, True]))}],
                  )  # fmt: skip
    if kind in ("report", "adopt", "opening"):
        return ev("HoldingReported", when, holder=holder, shares=draw(amounts(0, 150_000)),
                  adopt=kind == "adopt", opening=kind == "opening" or None, event_id=eid,
                  **account)  # fmt: skip
    if kind == "filed_report":  # a Form 4's holding after a row: followed below zero
        return ev("HoldingReported", when, holder=holder, shares=draw(amounts(0, 150_000)),
                  filing={"form": "4"}, event_id=eid, **account)  # fmt: skip
    if kind == "filed_sell":  # a filing's disposal: evidence, never refused
        return ev("SharesDisposed", when, holder=holder, shares=draw(amounts(1, 120_000)),
                  filing={"form": "4", "code": "S"}, event_id=eid, **account)  # fmt: skip
    if kind == "label_report":
        return ev("HoldingReported", when, holder="Pack", shares=draw(st.integers(0, 150_000)),
                  event_id=eid, security=cls)  # fmt: skip
    if kind == "count":
        return ev("OutstandingReported", when, shares=draw(st.integers(600_000, 1_400_000)),
                  event_id=eid, security=cls)  # fmt: skip
    if kind in ("right", "exercise", "right_report"):
        series = {
            "instrument": "Option",
            "exercise_price": "1.5",
            "exercisable_from": draw(st.sampled_from([None, day(30), day(95)])),
            "expires_on": draw(st.sampled_from([None, day(60)])),
            "security": cls,
        }
        quantity = draw(st.integers(1, 80_000))
        if kind == "right_report":
            return ev("DerivativeReported", when, holder=holder, quantity=quantity,
                      opening=draw(st.sampled_from([None, True])), event_id=eid,
                      **series)  # fmt: skip
        name = "DerivativeAcquired" if kind == "right" else "DerivativeDisposed"
        return ev(name, when, holder=holder, quantity=quantity, underlying_shares=quantity,
                  event_id=eid, **series)  # fmt: skip
    if kind == "plan":
        return ev("RightsAgreementAdopted", when, threshold="15", event_id=eid, security=cls,
                  derivatives=draw(st.sampled_from(["all", "exercisable", "none"])),
                  grandfathering=draw(st.sampled_from([None, False])))  # fmt: skip
    if kind == "tender":
        return ev("TenderOfferCommenced", when, person=holder, event_id=eid,
                  percent_sought=str(draw(st.integers(1, 20))))  # fmt: skip
    if kind == "inadvertence":
        return ev("InadvertenceDetermined", when, person=holder, event_id=eid,
                  divest_by=day(draw(st.integers(1, 100))))  # fmt: skip
    if kind == "intent":
        return ev("ControlIntentDeclared", when, person=holder, event_id=eid)
    if n == 0:
        return ev("SharesPurchased", when, holder=holder, shares=1, event_id=eid)
    target = ids[draw(st.integers(0, n - 1))]
    return ev("EventVoided", when, voids=target, reason="correction", event_id=eid)


@st.composite
def histories(draw: st.DrawFn) -> list[list[Any]]:
    ids: list[str] = []
    count = draw(st.integers(1, 7))
    return [draw(st.lists(events(ids), min_size=1, max_size=6)) for _ in range(count)]


BASE = [
    ev("RightsAgreementAdopted", "2003-01-01", threshold="15", event_id="plan"),
    ev("OutstandingReported", "2003-01-01", shares=1_000_000, event_id="count"),
]


def oracle_records(log: list[Recorded], stamp: str | None) -> list[Recorded]:
    known = [r for r in log if stamp is None or r.recorded_at <= stamp]
    return sorted(known, key=lambda r: (r.event.effective_date, r.seq))


def compare(ledger: Ledger, stamps: list[str | None], probes: list[int]) -> None:
    log = list(ledger.log())
    with ledger.store.reading() as reader:  # the classes the ledger watches
        classes = tables.classes(reader, "INOC")
    for stamp in stamps:
        records = oracle_records(log, stamp)
        if not records:
            continue
        named = stamp or log[-1].recorded_at  # a view names the latest recording it saw
        assert shortfalls(records) == []  # the check let no impossible history in
        by_seq = {r.seq: r for r in records}
        for probe in probes:
            as_of = START + timedelta(days=probe)
            seen = [
                r
                for r in records
                if r.event.effective_date <= as_of or r.event.type == "EventVoided"
            ]
            expected = status_json(state_at("INOC", seen, as_of), named)
            expected["events_known"] = len(seen)
            got = ledger.status("INOC", as_of, known_at=stamp)
            assert got == expected, (stamp, as_of)
            owned = ledger.ownership("INOC", as_of, known_at=stamp)
            for bad in owned["inconsistencies"]:  # the seq named is an event of that account
                since = bad.pop("since", None)
                if since is not None:
                    event = by_seq[since["seq"]].event
                    assert bad["holder"] in involved(event), (stamp, as_of, since)
                    assert event.effective_date.isoformat() == since["date"] <= as_of.isoformat()
            assert owned == ownership_json(state_at("INOC", seen, as_of), named), (stamp, as_of)
            if probe == probes[0]:  # (one date a view: the fold is of the whole history)
                ids = {r.event.event_id: r.seq for r in records}
                voided = {ids[r.event.voids] for r in records if isinstance(r.event, EventVoided)}
                effective = [r for r in records if r.event.effective_date <= as_of]
                found = from_records("INOC", effective, voided, as_of, classes)
                expected = obligations_json(found, "INOC", as_of, named, None, by_seq)
                got = ledger.obligations("INOC", as_of=as_of, known_at=stamp)
                assert got == expected, (stamp, as_of)
        changes, _ = history("INOC", records)
        expected_timeline = timeline_json(changes, "INOC", None, by_seq)
        expected_timeline["known_at"] = named
        assert ledger.timeline("INOC", known_at=stamp) == expected_timeline, stamp


@pytest.fixture
def small_checkpoints(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(checkpoints, "INTERVAL", 3)


def build(url: str, batches: list[list[Any]]) -> tuple[Ledger, list[str | None]]:
    """A ledger with the base and each batch appended at its own instant (refused ones left out),
    and the instants that were recorded."""
    ledger = Ledger(url)
    ledger.init()
    ledger.append([Pending(e) for e in BASE], at("2026-01-01T00:00"))
    stamps: list[str | None] = ["2026-01-01T00:00:00.000000Z"]
    for n, batch in enumerate(batches, 1):
        moment = at(STAMPS[n])
        try:
            ledger.append([Pending(e) for e in batch], moment)
        except InvalidEvents:
            continue
        stamps.append(moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ"))
    return ledger, stamps


SLOW = [HealthCheck.too_slow, HealthCheck.function_scoped_fixture]


Fresh = Callable[[], AbstractContextManager[str]]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def fresh(request: pytest.FixtureRequest) -> Fresh:
    """Makes an empty database on the backend, for one example (and removes it after)."""
    if request.param == "sqlite":

        @contextmanager
        def sqlite() -> Iterator[str]:
            with tempfile.TemporaryDirectory() as folder:
                yield f"sqlite:///{folder}/owl.db"

        return sqlite
    base = str(request.getfixturevalue("postgres_base"))
    return lambda: fresh_schema(base, "owl_eq")


@settings(deadline=None, suppress_health_check=SLOW)
@given(histories(), st.lists(st.integers(0, 100), min_size=2, max_size=2))
def test_views_from_checkpoints_and_projections_equal_the_full_replay(
    small_checkpoints: None, fresh: Fresh, batches: list[list[Any]], probes: list[int]
) -> None:
    with fresh() as url:
        ledger, stamps = build(url, batches)
        try:
            compare(ledger, [*stamps, None], probes)
            ledger.rebuild()
            compare(ledger, [*stamps, None], probes)
        finally:
            ledger.close()


@settings(deadline=None, suppress_health_check=SLOW)
@given(histories(), st.lists(st.integers(0, 100), min_size=2, max_size=2))
def test_a_copy_restored_in_one_batch_answers_like_the_original_at_every_instant(
    small_checkpoints: None, fresh: Fresh, batches: list[list[Any]], probes: list[int]
) -> None:
    with fresh() as first, fresh() as second:
        original, stamps = build(first, batches)
        export = [Pending(r.event, r.seq, None, r.recorded_at) for r in original.log()]
        copy = Ledger(second)
        copy.init()
        copy.append(export)

        assert copy.verify(derived=False) == original.verify(derived=False)
        vc, vo = copy.verify()["derived"], original.verify()["derived"]
        assert vc["ok"] is vo["ok"] is True, (vc, vo)
        for stamp in [*stamps, None]:
            for probe in probes:
                as_of = START + timedelta(days=probe)
                assert copy.status("INOC", as_of, stamp) == original.status("INOC", as_of, stamp)
                assert copy.ownership("INOC", as_of, stamp) == original.ownership(
                    "INOC", as_of, stamp
                )
        try:
            compare(copy, [*stamps, None], probes)
        finally:
            original.close()
            copy.close()


def test_an_adopted_report_settled_by_the_walk_counts_from_its_own_seq(
    small_checkpoints: None, fresh: Fresh
) -> None:
    """The history the property found: a zero adopted report of a holder new to the ledger, in a
    batch whose backdated reports send it to the walk. The append stored its row counting from
    its seq, a rebuild from the run's: every answer the same, and `owl verify` said the
    positions differed."""
    batches = [
        [ev("HoldingReported", "2003-01-24", holder="A", shares=146, opening=True)],
        [ev("SharesPurchased", "2003-01-09", holder="A", shares=2),
         ev("HoldingReported", "2003-03-31", holder="A", shares=6338, opening=True)],
        [ev("StockSplit", "2003-03-26", numerator=2, denominator=1, event_id="s1"),
         ev("EventVoided", "2003-03-26", voids="s1", reason="correction")],
        [ev("DerivativeAcquired", "2003-02-01", holder="A", quantity=100, underlying_shares=100,
            instrument="Option", exercise_price="1.5")],
        [ev("HoldingReported", "2003-03-03", holder="A", shares=5938),
         ev("HoldingReported", "2003-02-22", holder="A", shares=2335, opening=True),
         ev("SharesPurchased", "2003-01-16", holder="A", shares=2),
         ev("HoldingReported", "2003-01-15", holder="A", shares=5421, opening=True),
         ev("HoldingReported", "2003-02-08", holder="D", shares=0, adopt=True),
         ev("AffiliationEnded", "2003-01-02", person="A", affiliate="B")],
    ]  # fmt: skip
    with fresh() as url:
        ledger, stamps = build(url, batches)
        try:
            assert len(stamps) == 6  # every batch appended
            assert ledger.verify()["derived"]["ok"] is True
            compare(ledger, [*stamps, None], [40, 90])
        finally:
            ledger.close()
