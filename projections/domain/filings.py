"""Filings under the securities laws, as the ledger holds them.

A filing is evidence on events: an event read from an SEC filing carries it as `filing` (form,
accession, filing date), and a `HoldingReported` entered by hand names its `form`. The forms that
meet a beneficial-ownership obligation are Schedules 13D and 13G (`SC 13D`, `SC 13D/A`, `SC 13G`,
`SC 13G/A`, as EDGAR named them until December 2024, and `SCHEDULE 13D`, `SCHEDULE 13D/A`,
`SCHEDULE 13G`, `SCHEDULE 13G/A` since) and the Section 16 Forms 3, 4 and 5 (and `3/A`, `4/A`,
`5/A`); case and spacing aside, any other form (an 8-K, an agreement) is not one of them.

The events of one filing (the rows of a Form 4) share its accession number (a bare form, which
has none, the digest that names it: `filing.document`) and are one filing; an event with
neither is a filing of its own. A filing's date is the one its evidence
states (`filed_on`); a hand-entered report with no `filing` evidence is taken as made public on
its effective date; an imported filing whose date is not on record (a bare XML form, imported
without `--filed-on`) is placed at the date of the event it reports, to match it with the
obligation it answers, and says so (`filed_on_stated` false): it is never judged on time.
"""

from __future__ import annotations

from datetime import date
from typing import Literal, NamedTuple

from owl.ledger.events import Event, HoldingReported, SharesAcquired, SharesDisposed
from owl.ledger.log import Recorded

Family = Literal["13D", "13G", "3", "4", "5"]
SCHEDULES: frozenset[Family] = frozenset({"13D", "13G"})


def _forms() -> dict[str, tuple[Family, bool]]:
    forms: dict[str, tuple[Family, bool]] = {}
    for family in ("13D", "13G"):
        for prefix in ("SC", "SCHEDULE"):
            forms[f"{prefix} {family}"] = (family, False)
            forms[f"{prefix} {family}/A"] = (family, True)
    for number in ("3", "4", "5"):
        forms[number] = (number, False)
        forms[f"{number}/A"] = (number, True)
    return forms


FORMS = _forms()


def form_of(text: str | None) -> tuple[Family, bool] | None:
    """The family of a form and whether it is an amendment; None for any other form."""
    if not text:
        return None
    return FORMS.get(" ".join(text.upper().split()))


class Filing(NamedTuple):
    """One filing of a form that counts, as the ledger holds it."""

    key: str  # its accession number, or "seq:N" for an event standing alone
    form: str  # as filed
    family: Family
    amendment: bool
    event_date: date  # the date of the event it reports (its earliest row)
    filed_on: date
    filed_on_stated: bool
    seq: int  # its first event in the log
    names: frozenset[str]  # the persons and labels it names, and their groups' names then
    seqs: tuple[int, ...] = ()  # every event of it
    persons: frozenset[str] = frozenset()  # the persons it names itself: its reporting owners
    rule: str | None = None  # a Schedule 13G's rule: "13d-1(b)", "13d-1(c)" or "13d-1(d)"


def evidence(ev: Event) -> tuple[str, Family, bool, date | None, str | None] | None:
    """(form, family, amendment, filed_on, key) when the event is evidence of a filing that
    counts; the key (an accession number, or the digest naming a bare form) is shared by the
    events of one filing."""
    if ev.filing is not None:
        found = form_of(ev.filing.form)
        if found is not None:
            return ev.filing.form, *found, ev.filing.filed_on, ev.filing.key
    if isinstance(ev, HoldingReported):
        found = form_of(ev.form)
        if found is not None and ev.form is not None:
            return ev.form, *found, None, None
    return None


def add(
    filings: dict[str, Filing],
    record: Recorded,
    names: frozenset[str],
    persons: frozenset[str] = frozenset(),
) -> None:
    """Fold one event into the filings it belongs to (`names`: whom it concerns, groups
    included; `persons`: whom it names itself)."""
    found = evidence(record.event)
    if found is None:
        return
    form, family, amendment, filed_on, shared = found
    ev = record.event
    key = shared or f"seq:{record.seq}"
    stated = filed_on is not None or ev.filing is None
    known = filings.get(key)
    if known is None:
        filings[key] = Filing(
            key,
            form,
            family,
            amendment,
            ev.effective_date,
            filed_on or ev.effective_date,
            stated,
            record.seq,
            names,
            (record.seq,),
            persons,
            ev.filing.rule if ev.filing is not None else None,
        )
        return
    first = min(known.event_date, ev.effective_date)
    filings[key] = known._replace(
        event_date=first,
        filed_on=known.filed_on if known.filed_on_stated else (filed_on or first),
        filed_on_stated=known.filed_on_stated or filed_on is not None,
        names=known.names | names,
        seqs=(*known.seqs, record.seq),
        persons=known.persons | persons,
    )


GIFTS_ON_FORM_4 = date(2023, 2, 27)  # gifts made are on Form 4 from this date (Rule 16a-3(g)(1))


def deferrable(ev: Event) -> str | None:
    """What a transaction eligible for deferred reporting on Form 5 is (Rule 16a-3(f)): a gift
    received, a small acquisition (Rule 16a-6), a gift made before 27 February 2023. None: a
    Form 4 is owed for it. Read from the event's `how` ("gift (G)", "small acquisition (L)")."""
    how = (getattr(ev, "how", None) or "").lower()
    if isinstance(ev, SharesAcquired):
        if how.startswith("gift"):
            return "gift received"
        if how.startswith("small acquisition"):
            return "small acquisition"
    if isinstance(ev, SharesDisposed) and how.startswith("gift"):
        return "gift made" if ev.effective_date < GIFTS_ON_FORM_4 else None
    return None
