"""The likely cause of a reconciliation break, when one is evident.

A break is a report that states a different position from the one the ledger computes. Three
causes can be told from the record itself:
- the position *moved with no transaction on record*: the ledger's figure did not change since
  the account's previous report, yet the reported one did (a trade, a gift or an award the ledger
  was never told of);
- the amount *looks mistyped*: it differs from the ledger's by two adjacent digits swapped, by one
  digit, or by a factor of ten;
- the stated *percent matches another share count*: the percent the filer states is the ledger's
  position taken on a count of shares outstanding reported at another date (a filer may rely on
  the issuer's last report, Rule 13d-1(j)), which points at the figures' date, not at a holding.
- *nothing on record*: the ledger holds nothing for the account (for a group's report, for any of
  its members) and was never told of a trade: the report is the first the ledger hears of it.
Each cause is data (`code:detail`); `projections.views.wording.cause_text` says it in words.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from owl.ledger.shares import Amount
from owl.projections.domain.numbers import format_percent, percent
from owl.projections.domain.state import CountReport


def moved_silently(
    previous: tuple[date, Amount, Amount] | None, reported: Amount, computed: Amount
) -> str:
    if previous is None:
        return ""
    day, before_reported, before_computed = previous
    if before_computed == computed and before_reported != reported:
        return f"no_transaction:{reported - before_reported}:{day.isoformat()}"
    return ""


def nothing_on_record(previous: tuple[date, Amount, Amount] | None, computed: Amount) -> str:
    return "nothing_on_record" if previous is None and computed == 0 else ""


def mistyped(reported: Amount, computed: Amount) -> str:
    a, b = str(reported), str(computed)
    if reported and computed and (reported * 10 == computed or computed * 10 == reported):
        return "mistyped:factor_of_ten"
    if reported and computed and (reported * 1000 == computed or computed * 1000 == reported):
        return "mistyped:factor_of_thousand"  # "36.000" meant 36,000: a decimal point for a comma
    if len(a) != len(b):
        return ""
    differ = [i for i in range(len(a)) if a[i] != b[i]]
    if len(differ) == 1:
        return "mistyped:one_digit"
    if len(differ) == 2 and differ[1] == differ[0] + 1:
        i, j = differ
        if a[i] == b[j] and a[j] == b[i]:
            return "mistyped:swapped_digits"
    return ""


def other_count(
    stated: str | None, computed: Amount, reports: Sequence[CountReport], on: date
) -> str:
    """The count (reported on or before `on`) on which the ledger's position gives the percent
    the filer stated, when that is not the latest count."""
    if not stated or not reports:
        return ""
    places = len(stated.partition(".")[2])
    target = stated if places else str(int(stated))
    candidates = [r for r in reports if r.date <= on]
    for report in reversed(candidates[:-1]):
        shown = format_percent(percent(computed, report.shares), places)
        if shown == target or shown.rstrip("0").rstrip(".") == target.rstrip("0").rstrip("."):
            return f"percent_other_count:{report.date.isoformat()}:{report.shares}"
    return ""


def likely_cause(
    previous: tuple[date, Amount, Amount] | None,
    reported: Amount,
    computed: Amount,
    stated_percent: str | None,
    reports: Sequence[CountReport],
    on: date,
) -> str:
    return (
        nothing_on_record(previous, computed)
        or moved_silently(previous, reported, computed)
        or mistyped(reported, computed)
        or other_count(stated_percent, computed, reports, on)
    )
