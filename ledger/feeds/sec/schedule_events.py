"""Schedules 13D and 13G as ledger events: an announcement of what each filer beneficially owns.

The issuer is identified by its CIK (and CUSIP and name); the schedule gives no ticker, so the
events are keyed `CIK` and the number, which the ledger maps to the key it already knows the
issuer by (`IssuerIdentified`), if any. Each reporting person with a CIK is identified.

One person: its aggregate amount and percent become a public `HoldingReported` (an announcement:
it can be the Stock Acquisition Date). Several persons: they file together because they share
the shares they report (a fund, its adviser, its managing member), so they are linked into one
group labelled after the first ("BML Investment Partners, L.P. et al.") and the block is ONE
report of the group: the largest aggregate among them (each person's aggregate counts the shares
it shares with the others, so the largest covers the block), with that person's percent. A report
naming a group is a checkpoint of the group's total, never a new person, so a shared block never
shows as breaks of each member. Every person's own figures are kept in the event's source.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

from owl.ledger.feeds.sec.errors import FilingRefused, FractionalShares
from owl.ledger.feeds.sec.form345 import filed_shares
from owl.ledger.feeds.sec.schedule13 import ReportingPerson, Schedule13Filing

Raw = dict[str, Any]


def group_label(first: str) -> str:
    return f"{first} et al."


class ScheduleEvents:
    """The events of one Schedule 13D or 13G (or amendment), as raw event dicts."""

    def __init__(
        self,
        filing: Schedule13Filing,
        accession: str | None,
        filed_on: date | None,
        name: str,
        key: str,
        aliases: tuple[str, ...] = (),
    ) -> None:
        self.filing = filing
        self.accession = accession
        self.filed_on = filed_on
        self.name = name
        self.key = key  # what its event ids start with (`feed.filing_keys`)
        self.aliases = aliases  # the other keys the same filing is known by
        if not filing.issuer_cik and filing.written_as != "xml":
            # An older schedule's own pages name the issuer by name and CUSIP only; its CIK is
            # in the EDGAR header, which a bare document lacks.
            cusip = f", CUSIP {filing.issuer_cusips[0]}" if filing.issuer_cusips else ""
            raise FilingRefused(
                name,
                "SUBJECT COMPANY",
                f"the issuer's CIK is not given: the schedule names {filing.issuer_name or 'it'}"
                f"{cusip} only; import the full EDGAR submission (.txt), whose header gives it, "
                "or give it with --issuer-cik",
            )
        if not filing.issuer_cik:
            raise FilingRefused(name, "issuerInfo/issuerCIK", "the issuer's CIK is missing")
        self.issuer = f"CIK{int(filing.issuer_cik):010d}"

    def events(self) -> Iterator[Raw]:
        filing = self.filing
        when = filing.date_of_event or self.filed_on
        if when is None:
            raise FilingRefused(self.name, "dateOfEvent", "no date of event and no filing date")
        day = when.isoformat()
        persons = [p for p in filing.reporting_persons if p.name.strip()]
        if not persons:
            raise FilingRefused(self.name, "reportingPersons", "no reporting person")
        yield self._event(
            "IssuerIdentified",
            day,
            "issuer",
            cik=filing.issuer_cik,
            name=filing.issuer_name,
            cusip=filing.issuer_cusips[0] if filing.issuer_cusips else None,
        )
        for i, person in enumerate(persons, 1):
            if person.cik:
                yield self._event(
                    "PersonIdentified", day, f"person:{i}", person=person.name, cik=person.cik
                )
        figures = [(self._amount(p, i), p) for i, p in enumerate(persons, 1)]
        if len(persons) == 1:
            holder = _name(persons[0].name)
        else:
            holder = group_label(_name(persons[0].name))
            for i, person in enumerate(persons[1:], 2):
                yield self._event(
                    "AffiliationFormed",
                    day,
                    f"joint:{i}",
                    person=_name(persons[0].name),
                    affiliate=_name(person.name),
                    relation=f"file Schedule {filing.schedule} jointly",
                    group=holder,
                )
        amount, person = max(figures, key=lambda f: f[0])
        yield self._event(
            "HoldingReported",
            day,
            "held",
            holder=holder,
            shares=amount,
            percent=_percent(person.percent_of_class),
            form=filing.submission_type,
            public=True,
            security=_class(filing.securities_class_title),
            extra=_figures(figures),
        )

    def _amount(self, person: ReportingPerson, index: int) -> int | Decimal:
        try:
            return filed_shares(person.aggregate_amount_owned) or 0
        except FractionalShares as exc:
            where = (
                f"reportingPerson[{index}]/aggregateAmountOwned"
                if self.filing.written_as == "xml"
                else f"reporting person {index} (aggregate amount)"
            )
            raise FilingRefused(
                self.name,
                where,
                str(exc),
            ) from None

    def _event(self, kind: str, when: str, key: str, extra: str = "", **fields: Any) -> Raw:
        filing: Raw = {"form": self.filing.submission_type}
        if self.filing.rules:
            filing["rule"] = self.filing.rules[0]  # the first checked, when several are
        if self.accession:
            filing["accession"] = self.accession
        else:
            filing["document"] = self.key  # a bare form: the digest of what it says
        if self.filed_on is not None:
            filing["filed_on"] = self.filed_on.isoformat()
        amendment = (
            f" amendment no. {self.filing.amendment_number}" if self.filing.amendment_number else ""
        )
        filed = f" filed {self.filed_on}" if self.filed_on else ""
        if self.filing.accepted_at is not None:  # read only from an older schedule's header
            filed += f" (accepted {self.filing.accepted_at:%Y-%m-%d %H:%M:%S})"
        origin = f" ({self.accession})" if self.accession else ""  # a bare file: its content
        body: Raw = {
            "type": kind,
            "issuer": self.issuer,
            "effective_date": when,
            "event_id": f"{self.key}:{key}",
            "aliases": [f"{alias}:{key}" for alias in self.aliases],
            "source": f"{self.filing.submission_type}{amendment}{filed}{origin}{extra}"[:2000],
            "filing": filing,
        }
        body.update({k: v for k, v in fields.items() if v is not None})
        return body


def _name(text: str) -> str:
    return " ".join(text.split())


def _percent(text: str | None) -> str | None:
    if text is None:
        return None
    cleaned = text.strip().rstrip("%").strip()
    return cleaned or None


def _class(title: str | None) -> str | None:
    from owl.ledger.classes import security_class

    return security_class(title)


def _figures(figures: list[tuple[int | Decimal, ReportingPerson]]) -> str:
    parts = [
        f"{_name(p.name)} {amount:,}" + (f" ({p.percent_of_class}%)" if p.percent_of_class else "")
        for amount, p in figures
    ]
    return ": " + "; ".join(parts)
