"""Value objects the events carry: terms, certificates, allocations, provenance.

They are frozen dataclasses so an event, once made, cannot change; sequences in
them are tuples (the store turns the lists JSON gives back into tuples).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from domain.money import ZERO

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


def shown_if_any(factory: Any = tuple) -> Any:
    """A collection field (assumptions cited, say) that machine formats leave out when it is empty."""
    return field(default_factory=factory, metadata={"shown_if_set": True})


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
class RateStep(Value):
    """The interest rate from a date on (a step-up or step-down the agreement provides)."""

    starts_on: date
    rate_percent: Decimal


@dataclass(frozen=True)
class NoticeTerms(Value):
    """How far ahead an optional prepayment must be notified: at least ``min_business_days``
    Business Days and at most ``max_days`` days before it."""

    min_business_days: int | None = None
    max_days: int | None = None


@dataclass(frozen=True)
class MakewholeTerms(Value):
    """How the agreement defines the make-whole amount of an optional prepayment.

    The remaining scheduled payments of the portion prepaid are discounted at
    the Treasury yield for their weighted average life plus ``spread_percent``,
    compounded ``compounding``, over periods counted by ``day_count``; the yield
    is interpolated ``interpolation`` between the two nearest maturities, and a
    life outside the curve is refused or takes the ``nearest`` maturity's yield;
    the average life is in years to the ``nearest twelfth`` or ``exact``; the
    price is never below par plus accrued interest.
    """

    spread_percent: Decimal
    compounding: str
    day_count: str
    interpolation: str = "linear"
    outside_curve: str = "refuse"
    average_life: str = "nearest twelfth"
    floor: str = "par plus accrued interest"

    @property
    def per_year(self) -> int:
        return {"annual": 1, "semi-annual": 2, "quarterly": 4, "monthly": 12}[self.compounding]


@dataclass(frozen=True)
class SeriesTerms(Value):
    """One series of notes. ``None`` means the term is not on file.

    ``required_prepayments`` are the scheduled payments of principal before
    maturity: ``()`` for a bullet note, ``None`` when the schedule is not on file.
    ``interest_dates`` are month-days ("06-05"); with ``end_of_month`` a day of
    28 or more means the last day of its month. ``overdue_rate`` holds each
    statement of the rate on overdue amounts as the documents word it: where
    they disagree, all are kept and none is chosen.
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
    makewhole: MakewholeTerms | None = None
    overdue_rate: tuple[str, ...] = ()
    end_of_month: bool = False
    rate_steps: tuple[RateStep, ...] = ()
    closing_on: date | None = None
    prepayment_notice: NoticeTerms | None = None

    @classmethod
    def upgrade(cls, stored: dict[str, Any]) -> dict[str, Any]:
        """Terms stored by debtreg 0.1 gave the make-whole as a spread alone, computed semi-annually on 30/360."""
        stored = dict(stored)
        spread = stored.pop("makewhole_spread", None)
        if spread is not None:
            stored["makewhole"] = MakewholeTerms(Decimal(spread), "semi-annual", "30/360")
        return stored

    def rate_on(self, day: date) -> Decimal:
        """The rate in force on ``day``: the last step started by then, else the note rate."""
        steps = [s for s in sorted(self.rate_steps, key=lambda s: s.starts_on) if s.starts_on <= day]
        return steps[-1].rate_percent if steps else self.rate_percent


@dataclass(frozen=True)
class GraceTerms(Value):
    """When an unpaid amount becomes an Event of Default: after ``days`` (Business Days if
    ``business_days``) following its due date, under ``section``."""

    days: int
    business_days: bool
    section: str | None = None


@dataclass(frozen=True)
class DefaultClause(Value):
    """One Event of Default the agreement defines: its clause ("9.1(c)") and title."""

    clause: str
    title: str


@dataclass(frozen=True)
class DefaultTerms(Value):
    """The agreement's Events of Default and the remedies for them.

    ``principal`` and ``interest`` are the payment defaults with their grace. ``clauses`` are all
    the Events of Default (none on file: any clause the evidence names is taken). On one of the
    ``automatic`` clauses every note becomes due without notice; on one of the ``each_holder``
    clauses each holder may declare its own notes due; on any other, holders of at least
    ``acceleration_threshold`` of the principal (the Company, guarantors and affiliates not
    counting) may declare all the notes due, and holders of ``rescission_threshold`` may annul
    such a declaration (counting every note unless ``rescission_excludes_company``). With
    ``makewhole_on_acceleration`` the greater of principal plus interest and the Makewhole Price
    becomes due.
    """

    principal: GraceTerms | None = None
    interest: GraceTerms | None = None
    clauses: tuple[DefaultClause, ...] = ()
    automatic: tuple[str, ...] = ()
    each_holder: tuple[str, ...] = ()
    acceleration_threshold: str | None = None
    rescission_threshold: str | None = None
    rescission_excludes_company: bool = False
    makewhole_on_acceleration: bool = False

    def clause(self, ref: str) -> DefaultClause | None:
        return next((c for c in self.clauses if c.clause == ref), None)


NEXT_BUSINESS_DAY = "next business day"


@dataclass(frozen=True)
class BusinessDayTerms(Value):
    """What a Business Day is: not a Saturday or Sunday, nor a holiday of any of ``calendars``
    ("US", "US-CT": a country, or a country and subdivision, of the maintained ``holidays`` calendars); and
    what the agreement does with a payment due on another day (``payments``): makes it on the next Business Day
    (``NEXT_BUSINESS_DAY``), or nothing, the payment being due as the schedule has it ("as due"); ``None``: not
    on file."""

    calendars: tuple[str, ...]
    section: str | None = None
    payments: str | None = shown_if_set()


RULE_SECTIONS = {
    "issue": "notes issued and their principal",
    "closing": "the closing",
    "interest": "interest and its payment dates",
    "required_prepayment": "required prepayments",
    "schedule_after_optional": "how an optional prepayment reduces the schedule",
    "optional_prepayment": "optional prepayments",
    "notice": "notice of an optional prepayment",
    "makewhole": "the make-whole amount",
    "pro_rata": "allocation of partial payments",
    "register": "the register and its holders",
    "transfer": "transfers and exchanges of notes",
    "replacement": "replacement of lost or mutilated notes",
    "cancellation": "notes acquired by the Company",
    "maturity": "payment at maturity",
    "amendment": "amendments and waivers",
    "events_of_default": "Events of Default",
    "acceleration": "acceleration",
    "rescission": "rescission of acceleration",
    "waiver": "waivers",
    "definitions": "defined terms",
    "business_day": "Business Days",
    "non_business_day": "payments due on a day that is not a Business Day",
}


@dataclass(frozen=True)
class AgreementTerms(Value):
    """An agreement's parties, dates and series.

    ``sections`` maps a rule (``transfer``, ``pro_rata``, ..., the keys of
    ``RULE_SECTIONS``) to the section of this agreement that states it, so a
    refusal cites the right section; a rule whose section is not on file is
    absent. For amendments: ``voting`` is "together" (all series one class) or
    "by series"; ``all_holders_for`` lists the sections an amendment may change
    only with every holder's consent, and ``each_holder_for`` those an amendment
    or waiver changes only as to the holders who consent; the issuer, guarantors
    and ``affiliates`` do not vote. ``defaults`` and ``business_days`` are ``None`` when not on file.
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
    reacquired_notes_count_pro_rata: bool | None = None  # None: the agreement's rule is not on file
    voting: str = "together"
    all_holders_for: tuple[str, ...] = ()
    affiliates: tuple[str, ...] = ()
    defaults: DefaultTerms | None = None
    business_days: BusinessDayTerms | None = None
    each_holder_for: tuple[str, ...] = ()

    def section(self, rule: str) -> str | None:
        return self.sections.get(rule)

    def series_terms(self, key: str) -> SeriesTerms:
        return next(s for s in self.series if s.key == key)


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

    @classmethod
    def of(cls, note: int, amount: Decimal, deemed: bool = False) -> Allocation:
        """The allocation, one object for the same values, written alike (``Decimal("1.0") == Decimal("1.00")``,
        and an amount is stored as written): the coupons a load records pay the same notes the same shares, again
        and again, and held an allocation each (README, Memory)."""
        key = (note, amount, amount.as_tuple().exponent, deemed)
        found = _ALLOCATIONS.get(key)
        if found is None:
            if len(_ALLOCATIONS) >= KEPT_ALLOCATIONS:
                _ALLOCATIONS.clear()
            found = _ALLOCATIONS[key] = cls(note, amount, deemed)
        return found

    @staticmethod
    def paid(allocations: Iterable[Allocation]) -> Decimal:
        """What holders are paid of a payment: a reacquired note's share of one of principal moves no cash, and bears
        no interest."""
        return sum((a.amount for a in allocations if not a.deemed), ZERO)


KEPT_ALLOCATIONS = 65_536
_ALLOCATIONS: dict[tuple[int, Decimal, int | str, bool], Allocation] = {}


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
class Description(Value):
    """How a document on file describes an instrument, in its own words (documents may disagree)."""

    document: str
    section: str | None
    text: str


@dataclass(frozen=True)
class GuarantyTerms(Value):
    """A guaranty: who gives it, to whom, and what it covers; ``descriptions`` keep each document's
    own account of it where the guaranty itself is not on file and the accounts differ."""

    key: str
    title: str
    guarantor: str
    dated_as_of: date
    beneficiaries: tuple[str, ...]
    covers: tuple[Obligation, ...]
    descriptions: tuple[Description, ...] = ()

    def agreements(self) -> tuple[str, ...]:
        return tuple(o.agreement for o in self.covers if o.agreement)
