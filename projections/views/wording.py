"""Words for people: what each event says, and how each timeline change reads.

The fold records what happened as data (`projections.domain.state.Change`); this module is the one
place that turns events and changes into English. Every event type has a wording (a test checks it),
so a new type cannot reach a timeline or an explanation unworded.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from owl.ledger.events import (
    AffiliationEnded,
    AffiliationFormed,
    BoardApprovalGranted,
    ControlIntentDeclared,
    DerivativeAcquired,
    DerivativeDisposed,
    DerivativeReported,
    Event,
    EventVoided,
    ExemptionChange,
    ExpirationChange,
    FiscalYearEndReported,
    HoldingReported,
    InadvertenceDetermined,
    IssuerIdentified,
    OutstandingReported,
    PersonIdentified,
    RemoveExemption,
    RightsAgentChange,
    RightsAgreementAdopted,
    RightsAgreementAmended,
    RightsRedeemed,
    SecurityClassReported,
    SharesAcquired,
    SharesDisposed,
    SharesIssued,
    SharesPurchased,
    SharesRepurchased,
    SharesSold,
    SharesTransferred,
    StockSplit,
    TenderOfferCommenced,
    TenderOfferTerminated,
    ThresholdChange,
)
from owl.ledger.log import Recorded
from owl.projections.domain.numbers import TEST_WORDS
from owl.projections.domain.state import Change, Level


def _adopted(ev: RightsAgreementAdopted) -> str:
    test = TEST_WORDS[ev.threshold_test]
    expiry = f", expires {ev.expires_on}" if ev.expires_on else ""
    return f"rights plan adopted: Acquiring Person {test} {ev.threshold}%{expiry}"


def _amended(ev: RightsAgreementAmended) -> str:
    parts = [_change(c) for c in ev.changes]
    return f"Amendment {ev.amendment} takes effect" + (f": {'; '.join(parts)}" if parts else "")


def _approval(ev: BoardApprovalGranted) -> str:
    limit = f"{ev.max_shares:,} shares" if ev.max_shares else f"{ev.max_percent}%"
    return f"Board approves {ev.person} up to {limit}"


def _reported(ev: HoldingReported) -> str:
    form = f" ({ev.form})" if ev.form else ""
    verb = "is taken to hold" if ev.adopt else "reports holding"
    return f"{ev.holder} {verb} {ev.shares:,} shares{_held(ev)}{form}"


def _issued(ev: SharesIssued) -> str:
    to = f" to {ev.holder}" if ev.holder else ""
    return f"the company issues {ev.shares:,} shares{to}"


def _repurchased(ev: SharesRepurchased) -> str:
    source = f" from {ev.holder}" if ev.holder else ""
    return f"the company repurchases {ev.shares:,} shares{source}"


def _held(ev: Any) -> str:
    """ " of Class A Common Stock (By Trust)", or nothing for the common stock held directly."""
    cls = f" of {ev.security}" if getattr(ev, "security", None) else ""
    nature = f" ({ev.nature})" if getattr(ev, "nature", None) else ""
    return cls + nature


def _how(ev: Any) -> str:
    return f" ({ev.how})" if ev.how else ""


def _right(ev: Any) -> str:
    price = f" at {ev.exercise_price}" if ev.exercise_price else ""
    expiry = f", expiring {ev.expires_on}" if ev.expires_on else ""
    shares = f"{ev.underlying_shares:,}" if ev.underlying_shares is not None else "?"
    return f"{ev.quantity:,} {ev.instrument}{price} (for {shares} shares{_held(ev)}){expiry}"


def _identified(ev: IssuerIdentified) -> str:
    parts = [p for p in (ev.name, ev.ticker and f"ticker {ev.ticker}") if p]
    return f"the issuer is CIK {ev.cik}" + (f": {', '.join(parts)}" if parts else "")


# One wording per event type (the completeness test walks `ledger.events.EVENT_TYPES`).
EVENT_WORDS: dict[type[Event], Callable[[Any], str]] = {
    SharesPurchased: lambda ev: f"{ev.holder} buys {ev.shares:,} shares{_held(ev)}",
    SharesSold: lambda ev: f"{ev.holder} sells {ev.shares:,} shares{_held(ev)}",
    SharesAcquired: lambda ev: f"{ev.holder} acquires {ev.shares:,} shares{_held(ev)}{_how(ev)}",
    SharesDisposed: lambda ev: f"{ev.holder} disposes of {ev.shares:,} shares{_held(ev)}{_how(ev)}",
    DerivativeAcquired: lambda ev: f"{ev.holder} acquires {_right(ev)}{_how(ev)}",
    DerivativeDisposed: lambda ev: f"{ev.holder} gives up {_right(ev)}{_how(ev)}",
    DerivativeReported: lambda ev: f"{ev.holder} reports holding {_right(ev)}",
    PersonIdentified: lambda ev: f"{ev.person} is CIK {ev.cik}",
    IssuerIdentified: _identified,
    FiscalYearEndReported: lambda ev: f"the issuer's fiscal year ends on {ev.month_day}",
    SecurityClassReported: lambda ev: (
        f"{ev.security or 'the common stock'} is a {'voting' if ev.voting else 'non-voting'} class"
    ),
    SharesTransferred: lambda ev: (
        f"{ev.from_holder} transfers {ev.shares:,} shares to {ev.to_holder}"
    ),
    SharesIssued: _issued,
    SharesRepurchased: _repurchased,
    StockSplit: lambda ev: f"stock split {ev.numerator} for {ev.denominator}",
    OutstandingReported: lambda ev: f"{ev.shares:,} shares outstanding reported",
    HoldingReported: _reported,
    AffiliationFormed: lambda ev: (
        f"{ev.person} and {ev.affiliate} affiliate ({ev.relation})"
        + (f" as {ev.group}" if ev.group else "")
    ),
    AffiliationEnded: lambda ev: f"{ev.person} and {ev.affiliate} are no longer affiliates",
    ControlIntentDeclared: lambda ev: f"{ev.person} declares an intent to influence control",
    RightsAgreementAdopted: _adopted,
    RightsAgreementAmended: _amended,
    BoardApprovalGranted: _approval,
    InadvertenceDetermined: lambda ev: (
        f"Board determines {ev.person}'s crossing inadvertent; divest by {ev.divest_by}"
    ),
    TenderOfferCommenced: lambda ev: (
        f"{ev.person} commences a tender offer for {ev.percent_sought}%"
    ),
    TenderOfferTerminated: lambda ev: f"{ev.person} terminates its tender offer",
    RightsRedeemed: lambda ev: (
        "the Board redeems the rights" + (f" at {ev.price}" if ev.price else "")
    ),
    EventVoided: lambda ev: f"corrects the log: {ev.voids} no longer counts ({ev.reason})",
}


def describe(ev: Event) -> str:
    return EVENT_WORDS[type(ev)](ev)


def _change(change: object) -> str:
    if isinstance(change, ExemptionChange):
        ends = [
            why
            for why, marked in (
                ("a control intent", change.ends_on_control_intent),
                ("any disposition", change.ends_on_disposition),
            )
            if marked
        ]
        intent = f", ends on {' or '.join(ends)}" if ends else ""
        bound = TEST_WORDS[change.cap_test]
        return f"{change.person} exempt unless it holds {bound} {change.cap}%{intent}"
    if isinstance(change, RemoveExemption):
        return f"exemption of {change.person} removed"
    if isinstance(change, ThresholdChange):
        return f"threshold {TEST_WORDS[change.threshold_test]} {change.threshold}%"
    if isinstance(change, RightsAgentChange):
        return f"rights agent {change.rights_agent}"
    if isinstance(change, ExpirationChange):
        return f"expires {change.expires_on}"
    raise AssertionError(change)


def level_name(level: Level) -> str:
    if level.key == "threshold":
        return f"the {level.percent}% threshold ({TEST_WORDS[level.test or 'at_or_above']})"
    if level.key == "cap":
        if level.shares is not None:
            kind = "grandfathered" if level.basis == "grandfathered" else "approved"
            return f"the {kind} {level.shares:,} shares"
        return f"the {level.percent}% {level.basis} cap ({TEST_WORDS[level.test or 'above']})"
    return level.key


_FIXED = {
    "redeemed": "rights redeemed: the plan ends",
    "redemption_no_plan": "redemption while no plan is in force has no effect",
    "dd": "Distribution Date (close of business)",
}


def change_text(change: Change, records: Mapping[int, Recorded]) -> str:
    """The timeline's words for a change (`records` holds the events it names by seq)."""
    what, detail = change.what, change.detail
    record = records.get(change.seq) if change.seq is not None else None
    if change.kind == "status":
        return f"{change.before} -> {change.after}"
    if change.kind == "crossing":
        assert change.level is not None
        name = level_name(change.level)
        if what == "above":
            return f"above {name}"
        if what == "within":
            assert change.was is not None
            return f"within {name} (was above {level_name(change.was)})"
        return f"no longer above {name}"
    if what in _FIXED:
        return _FIXED[what]
    if what == "event":
        return describe(record.event) if record else "event"
    if what == "after_end":
        return f"{describe(record.event) if record else 'event'} — after the plan ended; no effect"
    if what == "after_divest_by":
        said = describe(record.event) if record else "determination"
        return f"{said} — after its divest-by date; no effect"
    if what == "lapse":
        person, amendment, *why = detail
        sold = why == ["disposition"]
        on = "a disposition of its shares" if sold else "a declared control intent"
        return f"exemption of {person} (Amendment {amendment}) lapses on {on}"
    if what == "redemption_out_of_window":
        return f"redemption after the Distribution Date {detail[0]} is out of the window; no effect"
    if what == "ended":
        return f"plan no longer in force ({detail[0]})"
    if what == "sad":
        holder, shares, *first = detail
        if first:
            return (
                f"Stock Acquisition Date: {holder}'s crossing, announced {first[0]}, was not "
                f"cured by the divest-by date ({int(shares):,} shares)"
            )
        return f"Stock Acquisition Date: {holder} publicly reports {int(shares):,} shares"
    if what == "sad_suspended":
        holder, announced = detail
        return (
            f"Stock Acquisition Date of {announced} ({holder}) suspended: the Board found the "
            "crossing inadvertent"
        )
    if what == "sad_withdrawn":
        holder, announced = detail
        return (
            f"Stock Acquisition Date of {announced} ({holder}) withdrawn: the crossing was "
            "cured, so no Acquiring Person was announced"
        )
    raise AssertionError(change)


def cause_text(cause: str) -> str:
    """A break's likely cause in words (see `projections.domain.causes`)."""
    code, _, detail = cause.partition(":")
    if code == "no_transaction":
        moved, _, since = detail.partition(":")
        return f"moved by {int(moved):+,} since the report of {since} with no transaction on record"
    if code == "footnote":
        return {
            "purchase_plan": "the filing's footnote mentions shares acquired under a purchase "
            "plan, which the filing does not itemize",
            "dividend": "the filing's footnote mentions dividend reinvestment, which the filing "
            "does not itemize",
            "gift": "the filing's footnote mentions a gift, which the filing does not itemize",
        }[detail]
    if code == "history_missing":
        return (
            f"the filing disposes of more than the ledger holds (it computed {int(detail):,}): "
            "the earlier history is missing, and the account follows the filing's holding"
        )
    if code == "nothing_on_record":
        return "the first the ledger hears of this holding: no trade of it on record"
    if code == "mistyped":
        how = {
            "factor_of_ten": "off by a factor of ten",
            "one_digit": "one digit different",
            "swapped_digits": "two adjacent digits swapped",
            "factor_of_thousand": "off by a factor of 1,000: a decimal point where a thousands "
            "separator was meant, 36.000 for 36,000",
        }[detail]
        return f"looks mistyped ({how})"
    if code == "percent_other_count":
        day, _, count = detail.partition(":")
        return (
            f"the stated percent is the ledger's holding on the count reported {day} "
            f"({int(count):,} shares), not the latest"
        )
    return ""
