"""Value objects the events carry: terms, certificates, allocations, provenance.

They are frozen dataclasses so an event, once made, cannot change; sequences in
them are tuples (the store turns the lists JSON gives back into tuples).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

TREASURY_ENTRY = "treasury entry"
NOT_ON_FILE = "not on file"


def shown_as(name: str, **kwargs: Any) -> Any:
    """A field that readers (JSON, the API) know by another name, e.g. a Python keyword such as "class"."""
    return field(metadata={"shown_as": name}, **kwargs)


def unshown(**kwargs: Any) -> Any:
    """A field a read model keeps for its text rendering only; machine formats leave it out."""
    return field(metadata={"unshown": True}, **kwargs)


def shown_inline(**kwargs: Any) -> Any:
    """A field whose own fields machine formats show in its place, one level up."""
    return field(metadata={"shown_inline": True}, **kwargs)


def shown_if_set(**kwargs: Any) -> Any:
    """An optional field that machine formats leave out when it is not set."""
    return field(default=None, metadata={"shown_if_set": True}, **kwargs)


class Value:
    """A frozen value object of the registry's events; every subclass is stored by name."""

    kinds: dict[str, type] = {}

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if cls.__name__ in Value.kinds:
            raise TypeError(f"two value types are named {cls.__name__}; stored values are found by name")
        Value.kinds[cls.__name__] = cls


@dataclass(frozen=True)
class Evidence(Value):
    """The document and section that back a fact, or "treasury entry"."""

    document: str
    section: str | None = None
    note: str | None = None

    def __str__(self) -> str:
        text = self.document + (f", {self.section}" if self.section else "")
        return text + (f" ({self.note})" if self.note else "")


@dataclass(frozen=True)
class Assumption(Value):
    """A fact the evidence does not give, and why the registry uses it anyway."""

    fact: str
    reason: str


@dataclass(frozen=True)
class Provenance(Value):
    """Who recorded an event, on what evidence, and from which entry.

    ``entry`` is the journal entry or request that produced the event and
    ``fingerprint`` a digest of its content: the same entry given twice is
    recognised and recorded once.
    """

    recorded_by: str
    evidence: Evidence
    assumptions: tuple[Assumption, ...] = ()
    entry: str | None = None
    fingerprint: str | None = None
    source: str | None = None


@dataclass(frozen=True)
class ScheduledPayment(Value):
    due_on: date
    amount: Decimal


@dataclass(frozen=True)
class SeriesTerms(Value):
    """One series of notes. ``None`` means the term is not on file.

    ``overdue_rate`` holds each statement of the rate on overdue amounts as the
    documents word it: where they disagree, all are kept and none is chosen.
    """

    key: str
    title: str
    label: str
    principal: Decimal
    rate_percent: Decimal
    maturity: date
    interest_dates: tuple[str, ...] | None = None
    day_count: str | None = None
    required_prepayments: tuple[ScheduledPayment, ...] | None = None
    min_denomination: Decimal | None = None
    optional_prepayment_multiple: Decimal | None = None
    makewhole_spread: Decimal | None = None
    overdue_rate: tuple[str, ...] = ()


@dataclass(frozen=True)
class AgreementTerms(Value):
    """An agreement's parties, dates and series.

    ``sections`` maps a rule (``transfer``, ``pro_rata``, ...) to the section of
    this agreement that states it, so a refusal cites the right section; a rule
    whose section is not on file is absent. For amendments: ``voting`` is
    "together" (all series one class) or "by series"; ``all_holders_for`` lists
    the sections an amendment may change only with every holder's consent; the
    issuer, guarantors and ``affiliates`` do not vote.
    """

    key: str
    title: str
    issuer: str
    guarantors: tuple[str, ...]
    dated_as_of: date
    closing_on: date | None
    series: tuple[SeriesTerms, ...]
    amendment_threshold: str | None = None
    sections: dict[str, str] = field(default_factory=dict)
    reacquired_notes_count_pro_rata: bool = False
    voting: str = "together"
    all_holders_for: tuple[str, ...] = ()
    affiliates: tuple[str, ...] = ()

    def section(self, rule: str) -> str | None:
        return self.sections.get(rule)


@dataclass(frozen=True)
class NoteCertificate(Value):
    """A note as issued: its number, series, holder and principal.

    ``registered_name`` is the name on the register (often a nominee such as
    "CIG & Co."), ``None`` when not on file; ``account`` qualifies the holder
    ("on behalf of one or more separate accounts").
    """

    number: int
    series: str
    holder: str
    principal: Decimal
    registered_name: str | None = None
    account: str | None = None


@dataclass(frozen=True)
class Allocation(Value):
    """A note's share of a payment of principal.

    ``deemed`` marks a note the Company reacquired and cancelled, counted as
    outstanding for the pro rata allocation only (Section 5.4): no cash moves.
    """

    note: int
    amount: Decimal
    deemed: bool = False


@dataclass(frozen=True)
class Holding(Value):
    holder: str
    series: str
    principal: Decimal


@dataclass(frozen=True)
class Obligation(Value):
    """What a guaranty covers: a note agreement on the registry, or another instrument by name."""

    name: str
    agreement: str | None = None


@dataclass(frozen=True)
class InstrumentTerms(Value):
    """Another instrument an amendment's conditions may need delivered, known by title, parties
    and date, not content (an amendment to a credit agreement, say)."""

    key: str
    title: str
    parties: tuple[str, ...]
    dated_as_of: date | None


@dataclass(frozen=True)
class GuarantyTerms(Value):
    key: str
    title: str
    guarantor: str
    dated_as_of: date
    beneficiaries: tuple[str, ...]
    covers: tuple[Obligation, ...]

    def agreements(self) -> tuple[str, ...]:
        return tuple(o.agreement for o in self.covers if o.agreement)
