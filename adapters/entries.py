"""What comes in from outside, validated: journal entries and command-line input.

A journal entry and the equivalent command typed at the prompt are the same
pydantic model, so they are checked the same way, fingerprinted the same way
(the same content twice is recorded once) and turned into the same aggregate
command. Money is a string or an integer, never a float.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal
from uuid import UUID

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from domain.agreement import Agreement, NewNote, agreement_id
from domain.amendment import Condition
from domain.errors import InvalidAmount, InvalidCommand, InvalidJournal, UnknownAgreement
from domain.guaranty import Guaranty, guaranty_id
from domain.instrument import Instrument, InstrumentTerms, instrument_id
from domain.makewhole import CurvePoint
from domain.money import parse_amount
from domain.schedule import equal_instalments
from domain.stream import Stream
from domain.text import Defect, Provision, TextChange
from domain.values import (
    AgreementTerms,
    Assumption,
    Evidence,
    GuarantyTerms,
    Holding,
    Obligation,
    Provenance,
    ScheduledPayment,
    SeriesTerms,
)

NOT_APPLICABLE = "n/a"


def _money(value: Any) -> Decimal:
    try:
        return parse_amount(value)
    except InvalidAmount as error:
        raise ValueError(error.message) from None


def _percent(value: Any) -> Decimal:
    if not isinstance(value, str) or not value.strip().endswith("%"):
        raise ValueError(f"{value!r} is not a percentage; write it as a string such as \"7.13%\"")
    text = value.strip()[:-1]
    try:
        rate = Decimal(text)
    except ArithmeticError:
        raise ValueError(f"{value!r} is not a percentage") from None
    if not rate.is_finite() or rate < 0:
        raise ValueError(f"{value!r} is not a percentage")
    return rate


def _day(value: Any) -> date:
    if isinstance(value, datetime):
        raise ValueError(f"{value} has a time of day; give a date such as 2003-02-05")
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"{value!r} is not a date; write it as YYYY-MM-DD") from None
    raise ValueError(f"{value!r} is not a date; write it as YYYY-MM-DD")


def _curve(value: Any) -> tuple[CurvePoint, ...]:
    """A Treasury curve: "6m=1.10, 1y=1.25, 2y=1.60" (remaining life = yield %)."""
    if isinstance(value, (tuple, list)):
        return tuple(value)
    if not isinstance(value, str):
        raise ValueError('write the Treasury curve as "1y=1.25,2y=1.60,..." (remaining life = yield %)')
    points = []
    for part in filter(None, (p.strip() for p in value.split(","))):
        match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([ym]?)\s*=\s*(\d+(?:\.\d+)?)%?", part)
        if not match:
            raise ValueError(f"{part!r} is not a curve point; write it as 2y=1.60 or 6m=1.10")
        life, unit, rate = match.groups()
        years = Decimal(life) / 12 if unit == "m" else Decimal(life)
        points.append(CurvePoint(years, Decimal(rate)))
    if len({p.years for p in points}) != len(points) or not points:
        raise ValueError("the Treasury curve needs at least one point and each maturity once")
    return tuple(sorted(points, key=lambda p: p.years))


Money = Annotated[Decimal, BeforeValidator(_money)]
Curve = Annotated[tuple[CurvePoint, ...], BeforeValidator(_curve)]
Percent = Annotated[Decimal, BeforeValidator(_percent)]
Day = Annotated[date, BeforeValidator(_day)]
Text = Annotated[str, Field(min_length=1)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class EvidenceIn(Strict):
    document: Text
    section: str | None = None
    note: str | None = None


class AssumedIn(Strict):
    fact: Text
    reason: Text


class EntryIn(Strict):
    """What every entry gives: when it took effect and on what evidence.

    An entry acts on one stream, named by the journal's (or the command's) key:
    an agreement unless it says otherwise. An entry that ``creates`` its stream
    starts it; any other needs the stream on the registry already.
    """

    creates: ClassVar[bool] = False
    stream_kind: ClassVar[str] = "agreement"

    id: str | None = None
    effective_on: Day
    evidence: EvidenceIn
    assumed: tuple[AssumedIn, ...] = ()

    def stream(self, key: str) -> UUID:
        return agreement_id(key)

    def prerequisites(self) -> list[tuple[str, UUID]]:
        """Other streams that must be on the registry first, as (key, id)."""
        return []

    def create(self, key: str, provenance: Provenance) -> Stream:
        raise NotImplementedError

    def resolve(self, directory: Path) -> EntryIn:
        """This entry with any file it names read in (from the journal's directory)."""
        return self

    def fingerprint(self) -> str:
        """A digest of the entry's content (not its id), to recognise it when given again."""
        return _digest(self.model_dump(mode="json", exclude={"id"}, by_alias=True))

    def provenance(self, recorded_by: str, *, entry: str | None, source: str | None = None) -> Provenance:
        return Provenance(
            recorded_by=recorded_by,
            evidence=Evidence(self.evidence.document, self.evidence.section, self.evidence.note),
            assumptions=tuple(Assumption(a.fact, a.reason) for a in self.assumed),
            entry=entry,
            fingerprint=self.fingerprint() if entry is not None else None,
            source=source,
        )

    def apply(self, stream: Any, provenance: Provenance) -> None:
        raise NotImplementedError


class ScheduledIn(Strict):
    due_on: Day
    amount: Money


class InstalmentsIn(Strict):
    """Principal repaid in ``count`` equal instalments, every ``every_months`` from ``first_due``;
    the last, at maturity, absorbs the rounding."""

    count: int = Field(gt=0)
    first_due: Day
    every_months: int = Field(gt=0)

    def due_dates(self) -> list[date]:
        dates = []
        for k in range(self.count):
            month = self.first_due.month - 1 + k * self.every_months
            dates.append(self.first_due.replace(year=self.first_due.year + month // 12, month=month % 12 + 1))
        return dates


class SeriesIn(Strict):
    key: Text
    title: Text
    label: Text
    principal: Money
    rate: Percent
    maturity: Day
    interest_dates: tuple[str, ...] | None = None
    day_count: str | None = None
    required_prepayments: tuple[ScheduledIn, ...] | None = None
    instalments: InstalmentsIn | None = None
    min_denomination: Money | None = None
    optional_prepayment_multiple: Money | None = None
    makewhole_spread: Percent | None = None
    overdue_rate: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _one_schedule(self) -> SeriesIn:
        if self.instalments is not None:
            if self.required_prepayments is not None:
                raise ValueError("give required_prepayments or instalments, not both")
            if self.instalments.due_dates()[-1] != self.maturity:
                raise ValueError(f"the last instalment falls on {self.instalments.due_dates()[-1]}, not at maturity {self.maturity}")
        return self

    def schedule(self) -> tuple[ScheduledPayment, ...] | None:
        if self.instalments is not None:
            return equal_instalments(self.principal, self.instalments.due_dates())[:-1]
        if self.required_prepayments is None:
            return None
        return tuple(ScheduledPayment(p.due_on, p.amount) for p in self.required_prepayments)

    def terms(self) -> SeriesTerms:
        return SeriesTerms(
            key=self.key,
            title=self.title,
            label=self.label,
            principal=self.principal,
            rate_percent=self.rate,
            maturity=self.maturity,
            interest_dates=self.interest_dates,
            day_count=self.day_count,
            required_prepayments=self.schedule(),
            min_denomination=self.min_denomination,
            optional_prepayment_multiple=self.optional_prepayment_multiple,
            makewhole_spread=self.makewhole_spread,
            overdue_rate=self.overdue_rate,
        )


class AgreementEntry(EntryIn):
    """An agreement put on the registry with its terms."""

    creates: ClassVar[bool] = True

    type: Literal["agreement"]
    title: Text
    issuer: Text
    guarantors: tuple[str, ...] = ()
    dated_as_of: Day
    closing_on: Day | None = None
    amendment_threshold: str | None = None
    sections: dict[str, str] = {}
    reacquired_notes_count_pro_rata: bool = False
    voting: Literal["together", "by series"] = "together"
    all_holders_for: tuple[str, ...] = ()
    affiliates: tuple[str, ...] = ()
    series: tuple[SeriesIn, ...] = Field(min_length=1)

    def terms(self, key: str) -> AgreementTerms:
        return AgreementTerms(
            key=key,
            title=self.title,
            issuer=self.issuer,
            guarantors=self.guarantors,
            dated_as_of=self.dated_as_of,
            closing_on=self.closing_on,
            series=tuple(s.terms() for s in self.series),
            amendment_threshold=self.amendment_threshold,
            sections=dict(self.sections),
            reacquired_notes_count_pro_rata=self.reacquired_notes_count_pro_rata,
            voting=self.voting,
            all_holders_for=self.all_holders_for,
            affiliates=self.affiliates,
        )

    def create(self, key: str, provenance: Provenance) -> Stream:
        return Agreement.register(self.terms(key), effective_on=self.effective_on, provenance=provenance)


class NoteIn(Strict):
    holder: Text
    principal: Money
    series: str | None = None
    registered_name: str | None = None
    account: str | None = None
    number: int | None = Field(default=None, gt=0)


class _NotesEntry(EntryIn):
    notes: tuple[NoteIn, ...] = Field(min_length=1)

    def new_notes(self, agreement: Agreement) -> list[NewNote]:
        return [
            NewNote(
                series=agreement.series_key(n.series),
                holder=n.holder,
                principal=n.principal,
                registered_name=n.registered_name,
                account=n.account,
                number=n.number,
            )
            for n in self.notes
        ]


class IssueEntry(_NotesEntry):
    """Notes issued at a closing."""

    type: Literal["issue"]

    def apply(self, agreement: Agreement, provenance: Provenance) -> None:
        agreement.issue(self.new_notes(agreement), on=self.effective_on, provenance=provenance)


class OpeningRegisterEntry(_NotesEntry):
    """The earliest register on file, for notes whose earlier history is not."""

    type: Literal["opening-register"]

    def apply(self, agreement: Agreement, provenance: Provenance) -> None:
        agreement.open_register(self.new_notes(agreement), on=self.effective_on, provenance=provenance)


class TransferEntry(EntryIn):
    type: Literal["transfer"]
    from_: Text = Field(alias="from")
    to: Text
    amount: Money
    series: str | None = None
    note: int | None = Field(default=None, gt=0)
    registered_name: str | None = None

    def apply(self, agreement: Agreement, provenance: Provenance) -> None:
        agreement.transfer(
            on=self.effective_on,
            transferor=self.from_,
            transferee=self.to,
            amount=self.amount,
            provenance=provenance,
            series=self.series,
            note=self.note,
            registered_name=self.registered_name,
        )


class PrepaymentEntry(EntryIn):
    """A prepayment; a required one may leave its amount to the schedule, an optional one
    of notes with a make-whole gives the Treasury curve of its date."""

    type: Literal["prepayment"]
    kind: Literal["required", "optional"]
    amount: Money | None = None
    series: str | None = None
    treasury_curve: Curve | None = None

    def apply(self, agreement: Agreement, provenance: Provenance) -> None:
        agreement.prepay(
            on=self.effective_on,
            amount=self.amount,
            kind=self.kind,
            provenance=provenance,
            series=self.series,
            curve=self.treasury_curve,
        )


class MaturityEntry(EntryIn):
    type: Literal["maturity"]
    series: str | None = None
    amount: Money | None = None

    def apply(self, agreement: Agreement, provenance: Provenance) -> None:
        agreement.pay_at_maturity(on=self.effective_on, provenance=provenance, series=self.series, amount=self.amount)


class InterestEntry(EntryIn):
    """Interest paid on a coupon date (the earliest unpaid by default); the amount is checked."""

    type: Literal["interest"]
    due_on: Day | None = None
    amount: Money | None = None
    series: str | None = None

    def apply(self, agreement: Agreement, provenance: Provenance) -> None:
        agreement.pay_interest(
            on=self.effective_on, provenance=provenance, series=self.series, due_on=self.due_on, amount=self.amount
        )


class CancellationEntry(EntryIn):
    type: Literal["cancellation"]
    note: int = Field(gt=0)

    def apply(self, agreement: Agreement, provenance: Provenance) -> None:
        agreement.cancel(on=self.effective_on, note=self.note, provenance=provenance)


class HolderIn(Strict):
    """A line of a schedule of holders: one amount, or one per series with "n/a"."""

    holder: Text
    principal: Money | dict[str, Money | Literal["n/a"]]


class RegisterEntry(EntryIn):
    """A schedule of holders on file (an Annex 1): loading checks the register against it."""

    type: Literal["register"]
    holders: tuple[HolderIn, ...]
    total: Money | None = None
    totals: dict[str, Money] | None = None

    @model_validator(mode="after")
    def _totals_add_up(self) -> RegisterEntry:
        sums: dict[str | None, Decimal] = {}
        for line in self.holders:
            amounts = line.principal if isinstance(line.principal, dict) else {None: line.principal}
            for series, amount in amounts.items():
                if amount != NOT_APPLICABLE:
                    sums[series] = sums.get(series, Decimal(0)) + amount
        stated: dict[str | None, Decimal] = dict(self.totals or {})
        if self.total is not None:
            stated[None] = self.total
        for series, amount in stated.items():
            if sums.get(series, Decimal(0)) != amount:
                column = f" of the {series} column" if series else ""
                raise ValueError(
                    f"the TOTAL{column} is {amount}, but its lines add up to {sums.get(series, 0)}"
                )
        return self

    def holdings(self, agreement: Agreement) -> list[Holding]:
        holdings = []
        for line in self.holders:
            amounts = line.principal if isinstance(line.principal, dict) else {None: line.principal}
            for series, amount in amounts.items():
                if amount != NOT_APPLICABLE:
                    holdings.append(Holding(line.holder, agreement.series_key(series), amount))
        return holdings

    def apply(self, agreement: Agreement, provenance: Provenance) -> None:
        agreement.attest_register(self.holdings(agreement), on=self.effective_on, provenance=provenance)


class ProvisionIn(Strict):
    ref: Text
    kind: Text
    title: str
    text: str
    parent: str | None = None


class DefectIn(Strict):
    printed: Text
    reading: Text
    where: Text
    note: str = ""


class TextHeader(Strict):
    agreement: Text
    source: Text
    source_sha256: Text
    cleaning: tuple[str, ...] = ()
    not_on_file: tuple[str, ...] = ()


class TextFile(Strict):
    """A structured text fixture, as written by ``adapters.agreement_text``."""

    text: TextHeader
    defect: tuple[DefectIn, ...] = ()
    provision: tuple[ProvisionIn, ...] = Field(min_length=1)


class TextEntry(EntryIn):
    """The agreement's original text on file, from a structured text fixture (``file``)."""

    type: Literal["text"]
    file: str | None = None
    content: TextFile | None = None

    def resolve(self, directory: Path) -> TextEntry:
        """This entry with its text file read and validated."""
        if self.content is not None or self.file is None:
            return self
        path = directory / self.file
        try:
            content = TextFile.model_validate(tomllib.loads(path.read_text(encoding="utf-8")))
        except OSError as error:
            raise InvalidJournal(f"text file {path}: {error.strerror}") from None
        except tomllib.TOMLDecodeError as error:
            raise InvalidJournal(f"text file {path}: not valid TOML: {error}") from None
        except ValidationError as error:
            first = error.errors()[0]
            place = ".".join(str(part) for part in first["loc"])
            raise InvalidJournal(f"text file {path}: {place}: {first['msg']}") from None
        return self.model_copy(update={"content": content})

    def fingerprint(self) -> str:
        return _digest(self.model_dump(mode="json", exclude={"id", "file"}, by_alias=True))

    def apply(self, agreement: Agreement, provenance: Provenance) -> None:
        if self.content is None:
            raise InvalidCommand("a text entry needs its text: give `file`, a structured text fixture")
        header = self.content.text
        agreement.record_text(
            [Provision(p.ref, p.kind, p.title, p.text, p.parent) for p in self.content.provision],
            source=header.source,
            source_sha256=header.source_sha256,
            defects=[Defect(d.printed, d.reading, d.where, d.note) for d in self.content.defect],
            cleaning=header.cleaning,
            not_on_file=header.not_on_file,
            on=self.effective_on,
            provenance=provenance,
        )


class ChangeIn(Strict):
    action: Literal["restate", "add-definition", "delete", "insert"]
    target: Text
    text: str = ""
    title: str | None = None
    term: str | None = None
    after: str | None = None


class ConditionIn(Strict):
    section: Text
    text: Text
    kind: Literal["delivered", "executed"]
    ref: Text


class AmendmentEntry(EntryIn):
    """An amendment executed: its changes to the text and its conditions precedent.

    ``effective_on`` is the amendment's "as of" date; it takes effect then only
    once consents reach the threshold and every condition is met.
    """

    type: Literal["amendment"]
    number: int = Field(gt=0)
    name: Text
    changes: tuple[ChangeIn, ...] = ()
    conditions: tuple[ConditionIn, ...] = ()
    changes_payments: bool = False

    def apply(self, agreement: Agreement, provenance: Provenance) -> None:
        agreement.execute_amendment(
            number=self.number,
            name=self.name,
            changes=[TextChange(c.action, c.target, c.text, c.title, c.term, c.after) for c in self.changes],
            conditions=[Condition(c.section, c.text, c.kind, c.ref) for c in self.conditions],
            changes_payments=self.changes_payments,
            on=self.effective_on,
            provenance=provenance,
        )


class AmendmentNotOnFileEntry(EntryIn):
    """An amendment a document on file refers to, whose date and content are not on file."""

    type: Literal["amendment-not-on-file"]
    number: int = Field(gt=0)
    name: Text

    def apply(self, agreement: Agreement, provenance: Provenance) -> None:
        agreement.note_amendment(number=self.number, name=self.name, on=self.effective_on, provenance=provenance)


class ConsentEntry(EntryIn):
    type: Literal["consent"]
    amendment: int = Field(gt=0)
    holder: Text
    signed_as: str | None = None

    def apply(self, agreement: Agreement, provenance: Provenance) -> None:
        agreement.consent(
            amendment=self.amendment,
            holder=self.holder,
            signed_as=self.signed_as,
            on=self.effective_on,
            provenance=provenance,
        )


class LapseEntry(EntryIn):
    type: Literal["amendment-lapsed"]
    amendment: int = Field(gt=0)
    reason: Text

    def apply(self, agreement: Agreement, provenance: Provenance) -> None:
        agreement.lapse(amendment=self.amendment, reason=self.reason, on=self.effective_on, provenance=provenance)


class InstrumentEntry(EntryIn):
    """Another instrument delivered (an amendment to a credit agreement, say), known by title."""

    creates: ClassVar[bool] = True
    stream_kind: ClassVar[str] = "instrument"

    type: Literal["instrument"]
    title: Text
    parties: tuple[str, ...] = ()
    dated_as_of: Day | None = None

    def stream(self, key: str) -> UUID:
        return instrument_id(key)

    def create(self, key: str, provenance: Provenance) -> Stream:
        terms = InstrumentTerms(key, self.title, self.parties, self.dated_as_of)
        return Instrument.deliver(terms, effective_on=self.effective_on, provenance=provenance)


class ReversalEntry(EntryIn):
    """An entry recorded in error, reversed: ``target`` is the recording position of one of its events.

    The reversal takes effect as of the reversed entry's date, so ``effective_on`` is not given.
    """

    type: Literal["reversal"]
    effective_on: Day | None = None  # type: ignore[assignment]
    target: int = Field(gt=0)
    reason: Text
    of: Literal["agreement", "guaranty", "instrument"] = "agreement"

    @property
    def stream_kind(self) -> str:  # type: ignore[override]
        return self.of

    def stream(self, key: str) -> UUID:
        return {"agreement": agreement_id, "guaranty": guaranty_id, "instrument": instrument_id}[self.of](key)

    def apply(self, stream: Stream, provenance: Provenance) -> None:
        stream.reverse(self.target, reason=self.reason, provenance=provenance)


class ObligationIn(Strict):
    name: Text
    agreement: str | None = None


class GuarantyEntry(EntryIn):
    """A guaranty delivered, standing behind the agreements and instruments it names."""

    creates: ClassVar[bool] = True
    stream_kind: ClassVar[str] = "guaranty"

    type: Literal["guaranty"]
    title: Text
    guarantor: Text
    dated_as_of: Day
    beneficiaries: tuple[str, ...] = ()
    covers: tuple[ObligationIn, ...] = Field(min_length=1)

    def stream(self, key: str) -> UUID:
        return guaranty_id(key)

    def prerequisites(self) -> list[tuple[str, UUID]]:
        return [(o.agreement, agreement_id(o.agreement)) for o in self.covers if o.agreement]

    def create(self, key: str, provenance: Provenance) -> Stream:
        terms = GuarantyTerms(
            key=key,
            title=self.title,
            guarantor=self.guarantor,
            dated_as_of=self.dated_as_of,
            beneficiaries=self.beneficiaries,
            covers=tuple(Obligation(o.name, o.agreement) for o in self.covers),
        )
        return Guaranty.deliver(terms, effective_on=self.effective_on, provenance=provenance)


class GuarantyReleaseEntry(EntryIn):
    """A guaranty released as to some agreements, or (none named) entirely."""

    stream_kind: ClassVar[str] = "guaranty"

    type: Literal["guaranty-release"]
    agreements: tuple[str, ...] = ()

    def stream(self, key: str) -> UUID:
        return guaranty_id(key)

    def apply(self, guaranty: Guaranty, provenance: Provenance) -> None:
        guaranty.release(self.agreements, on=self.effective_on, provenance=provenance)


Entry = Annotated[
    AgreementEntry
    | IssueEntry
    | OpeningRegisterEntry
    | TransferEntry
    | PrepaymentEntry
    | MaturityEntry
    | InterestEntry
    | CancellationEntry
    | RegisterEntry
    | TextEntry
    | AmendmentEntry
    | AmendmentNotOnFileEntry
    | ConsentEntry
    | LapseEntry
    | GuarantyEntry
    | GuarantyReleaseEntry
    | InstrumentEntry
    | ReversalEntry,
    Field(discriminator="type"),
]


def _digest(content: Any) -> str:
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:32]


def missing(kind: str, key: str) -> UnknownAgreement:
    return UnknownAgreement(f"no {kind} {key!r} is on the registry; load its journal first")
