"""Every event type is known everywhere it must be: a fold handler, a wording, a docs section.

Adding an event type touches its class, its rule (`projections.domain.rules`, when it moves shares,
capital or links), its handler, its wording and its docs; these tests fail when one of them is
forgotten (and mypy fails when the fold's `match` misses a type).
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from pathlib import Path

import pytest

from owl.ledger.events import (
    CAPITAL_MOVERS,
    CAPITAL_NAMES,
    EVENT_TYPES,
    LINK_CHANGERS,
    REPORTS,
    SHARE_MOVERS,
    TRADES,
    TRANSACTIONS,
    TYPE_NAMES,
    Event,
)
from owl.projections.domain import rules
from owl.projections.domain.fold import Fold
from owl.projections.views.wording import EVENT_WORDS, describe
from tests.builders import ev

DOCS = Path(__file__).resolve().parent.parent / "docs" / "events.md"

# One valid instance of each type, to word (a new type needs one here: that is the point).
SAMPLES = {
    "SharesPurchased": {"holder": "A", "shares": 5},
    "SharesSold": {"holder": "A", "shares": 5},
    "SharesTransferred": {"from_holder": "A", "to_holder": "B", "shares": 5},
    "SharesIssued": {"shares": 5, "holder": "A"},
    "SharesRepurchased": {"shares": 5},
    "SharesAcquired": {"holder": "A", "shares": 5, "how": "gift"},
    "SharesDisposed": {"holder": "A", "shares": 5, "nature": "By Trust"},
    "DerivativeAcquired": {
        "holder": "A",
        "instrument": "Stock Option (right to buy)",
        "quantity": 10,
        "underlying_shares": 10,
        "exercise_price": "8.88",
        "expires_on": "2029-08-26",
    },
    "DerivativeDisposed": {
        "holder": "A",
        "instrument": "Stock Option (right to buy)",
        "quantity": 10,
        "underlying_shares": 10,
        "how": "exercise",
    },
    "DerivativeReported": {"holder": "A", "instrument": "Warrant", "quantity": 3},
    "PersonIdentified": {"person": "A", "cik": "0001402349"},
    "IssuerIdentified": {"cik": "1640147", "name": "Snowflake Inc.", "ticker": "SNOW"},
    "FiscalYearEndReported": {"month_day": "06-30"},
    "SecurityClassReported": {"security": "Class C Capital Stock", "voting": False},
    "StockSplit": {"numerator": 2, "denominator": 1},
    "OutstandingReported": {"shares": 100},
    "HoldingReported": {"holder": "A", "shares": 5, "form": "SC 13D"},
    "AffiliationFormed": {"person": "A", "affiliate": "B", "relation": "control", "group": "G"},
    "AffiliationEnded": {"person": "A", "affiliate": "B"},
    "ControlIntentDeclared": {"person": "A"},
    "RightsAgreementAdopted": {"threshold": "15", "expires_on": "2007-12-31"},
    "RightsAgreementAmended": {
        "amendment": "No. 2",
        "changes": [{"change": "exemption", "person": "G", "cap": "25"}],
    },
    "BoardApprovalGranted": {"person": "A", "max_shares": 10},
    "InadvertenceDetermined": {"person": "A", "divest_by": "2003-12-31"},
    "TenderOfferCommenced": {"person": "A", "percent_sought": "20"},
    "TenderOfferTerminated": {"person": "A"},
    "RightsRedeemed": {"price": "0.01"},
    "EventVoided": {"voids": "t-1", "reason": "typo"},
}


def handled_types() -> set[str]:
    """The class names the fold's `match` has a case for."""
    source = textwrap.dedent(inspect.getsource(Fold._apply))
    tree = ast.parse(source)
    return {
        node.cls.id
        for node in ast.walk(tree)
        if isinstance(node, ast.MatchClass) and isinstance(node.cls, ast.Name)
    }


def test_the_fold_has_a_handler_for_every_event_type() -> None:
    assert handled_types() == set(TYPE_NAMES)


def test_every_event_type_has_a_wording() -> None:
    assert set(EVENT_WORDS) == set(EVENT_TYPES)


@pytest.mark.parametrize("name", TYPE_NAMES)
def test_every_event_type_words_an_example(name: str) -> None:
    event: Event = ev(name, "2003-11-24", **SAMPLES[name])

    words = describe(event)

    assert words and name not in words


@pytest.mark.parametrize("name", TYPE_NAMES)
def test_every_event_type_has_a_row_in_docs_events_md(name: str) -> None:
    assert f"| `{name}` |" in DOCS.read_text()


def _rows() -> dict[str, str]:
    """Each type's row in docs/events.md, as the reader meets it: a row saying "the same fields"
    has the row above's; "the series fields" are those the section's opening names."""
    text = DOCS.read_text()
    rows: dict[str, str] = {}
    previous = ""
    for line in text.splitlines():
        if not line.startswith("| `"):
            continue
        name = line.split("`")[1]
        row = line
        if "the same fields" in line:
            row += previous
        if "the series fields" in line:
            row += text.split("## Derivatives")[1].split("| type |")[0]
        rows[name] = previous = row
    return rows


@pytest.mark.parametrize("name", TYPE_NAMES)
def test_every_field_of_every_event_type_is_documented_in_its_row(name: str) -> None:
    cls = EVENT_TYPES[TYPE_NAMES.index(name)]
    own = {f: info for f, info in cls.model_fields.items() if f not in Event.model_fields}
    nested = [model for info in own.values() for model in _models(info.annotation)]
    row = _rows()[name]

    missing = [f for f in own if f != "type" and f"`{f}`" not in row]
    missing += [f"{m.__name__}.{f}" for m in nested for f in m.model_fields if f'"{f}"' not in row]
    assert missing == []


def test_the_fields_every_event_carries_are_documented() -> None:
    text = DOCS.read_text()

    assert [f for f in Event.model_fields if f"| `{f}` |" not in text] == []


def _models(annotation: object) -> list[type]:
    """The pydantic models inside a field's type (the changes of an amendment)."""
    from typing import get_args

    from pydantic import BaseModel

    found = []
    stack = [annotation]
    while stack:
        current = stack.pop()
        if isinstance(current, type) and issubclass(current, BaseModel):
            found.append(current)
        stack.extend(get_args(current))
    return found


def test_every_event_type_declares_what_it_moves() -> None:
    movers = {t.model_fields["type"].default for t in EVENT_TYPES if t.moves_shares}

    assert movers == {
        "SharesPurchased",
        "SharesSold",
        "SharesTransferred",
        "SharesIssued",
        "SharesRepurchased",
        "SharesAcquired",
        "SharesDisposed",
        "StockSplit",
        "HoldingReported",
    }


def test_every_type_that_moves_shares_has_a_share_rule() -> None:
    assert set(SHARE_MOVERS) == rules.SHARE_RULES


def test_every_type_that_moves_capital_has_a_capital_rule() -> None:
    assert set(CAPITAL_MOVERS) == rules.CAPITAL_RULES


def test_every_type_that_changes_links_has_a_link_rule() -> None:
    assert set(LINK_CHANGERS) == rules.LINK_RULES


@pytest.mark.parametrize("name", TYPE_NAMES)
def test_a_type_moves_shares_only_if_it_says_so(name: str) -> None:
    event: Event = ev(name, "2003-11-24", **SAMPLES[name])
    cls = type(event)

    moved = rules.moves(event)
    capital = rules.capital_change(event)
    linked = rules.relink({}, 1, event)

    assert (not moved or cls.moves_shares) and (capital is None or cls.moves_capital)
    assert linked == cls.changes_links


def test_the_derived_sets_are_the_declared_traits() -> None:
    def names(types: tuple[type[Event], ...]) -> set[str]:
        return {t.model_fields["type"].default for t in types}

    assert names(TRADES) == {"SharesPurchased", "SharesSold", "SharesTransferred"}
    assert names(CAPITAL_MOVERS) == CAPITAL_NAMES
    assert names(CAPITAL_MOVERS) == {"OutstandingReported", "SharesIssued", "SharesRepurchased",
                                     "StockSplit"}  # fmt: skip
    assert names(REPORTS) == {"HoldingReported", "DerivativeReported"}
    assert all(t.moves_shares for t in TRADES) and set(TRADES) <= set(TRANSACTIONS)


COMMON_FIELDS = {"type", "issuer", "effective_date", "event_id", "source", "filing"}
# Rows that say it in words: one of two fields is required; "the same fields" as the row above.
SAID_IN_WORDS = {"BoardApprovalGranted", "DerivativeDisposed"}


def docs_row(name: str) -> str:
    (row,) = [line for line in DOCS.read_text().splitlines() if line.startswith(f"| `{name}` |")]
    return row.split("|")[2]


@pytest.mark.parametrize("kind", [t for t in EVENT_TYPES if t.model_fields["type"].default
                                  not in SAID_IN_WORDS], ids=lambda t: t.__name__)  # fmt: skip
def test_docs_events_md_marks_exactly_the_optional_fields_optional(kind: type[Event]) -> None:
    row = docs_row(kind.model_fields["type"].default)
    required_part = row.partition("optional")[0]

    fields = {f: info for f, info in kind.model_fields.items() if f not in COMMON_FIELDS}
    misplaced = [
        f
        for f, info in fields.items()
        if (f"`{f}`" in required_part) != info.is_required() or f"`{f}`" not in row
    ]

    assert misplaced == [], f"{kind.__name__}: {row}"
