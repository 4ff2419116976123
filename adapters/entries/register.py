"""Entries about the notes: the agreement and its terms, issues, transfers, cancellations, schedules of holders."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import Field, model_validator

from adapters.entries.base import NOT_APPLICABLE, Day, EntryIn, Flag, Money, Plain, Strict, Text, Whole
from adapters.entries.terms import AgreementTermsIn, SeriesIn
from domain.commands import (
    AddSeries,
    AttestRegister,
    CancelNote,
    CorrectTerms,
    IssueNotes,
    NewNote,
    OpenRegister,
    RegisterAgreement,
    ReplaceNote,
    SetRecordHorizon,
    StatedHolding,
    TransferNotes,
)
from domain.money import format_amount


class AgreementEntry(EntryIn, AgreementTermsIn):
    """An agreement put on the registry with its terms. A registration made in error is reversed
    while nothing rests on it, or superseded by a ``terms-corrected`` entry."""

    type: Literal["agreement"]

    def command(self, key: str) -> RegisterAgreement:
        return RegisterAgreement(**self.common(key), terms=self.terms(key))


class TermsCorrectedEntry(EntryIn, AgreementTermsIn):
    """The agreement's terms as they should have been registered, superseding the registration's.

    Every entry of the agreement is checked again under the corrected terms; the
    correction is refused if any would no longer hold.
    """

    type: Literal["terms-corrected"]
    reason: Text = Field(description="What was wrong with the terms registered.")

    def command(self, key: str) -> CorrectTerms:
        return CorrectTerms(**self.common(key), terms=self.terms(key), reason=self.reason)


class SupplementEntry(EntryIn):
    """A supplement adding series to the agreement, from its date."""

    type: Literal["supplement"]
    name: Text = Field(description='The supplement as it names itself, e.g. "First Supplement".')
    series: tuple[SeriesIn, ...] = Field(min_length=1, description="The series it adds, one table each.")

    def command(self, key: str) -> AddSeries:
        return AddSeries(**self.common(key), name=self.name, series=tuple(s.terms() for s in self.series))


class NoteIn(Strict):
    """A note on the register."""

    holder: Text = Field(description="Its holder, as the document names it.")
    principal: Money = Field(description="Its principal.")
    series: Plain | None = Field(None, description="Its series' key; may be left out when the agreement has one series.")
    registered_name: Plain | None = Field(None, description='The name it is registered in, e.g. a nominee "CIG & Co.".')
    account: Plain | None = Field(None, description='An account of the holder, e.g. "on behalf of one or more separate accounts".')
    number: Whole | None = Field(default=None, gt=0, description="Its certificate number, if on file; the registry numbers it otherwise.")

    def new(self) -> NewNote:
        return NewNote(self.holder, self.principal, self.series, self.registered_name, self.account, self.number)


class IssueEntry(EntryIn):
    """Notes issued at a closing."""

    type: Literal["issue"]
    notes: tuple[NoteIn, ...] = Field(min_length=1, description="The notes issued, each series in full.")

    def command(self, key: str) -> IssueNotes:
        return IssueNotes(**self.common(key), notes=tuple(n.new() for n in self.notes))


class OpeningRegisterEntry(EntryIn):
    """The earliest register on file, for notes whose earlier history is not."""

    type: Literal["opening-register"]
    notes: tuple[NoteIn, ...] = Field(min_length=1, description="The notes outstanding on the date, and their holders.")

    def command(self, key: str) -> OpenRegister:
        return OpenRegister(**self.common(key), notes=tuple(n.new() for n in self.notes))


class TransferEntry(EntryIn):
    """Notes surrendered by a holder and new ones issued to the transferee (and to the holder for any remainder)."""

    type: Literal["transfer"]
    from_: Text = Field(alias="from", description="The holder transferring: its name, or a unique part of it.")
    to: Text = Field(description="The holder receiving: a holder on the registry, or a new one (say so with new_holder).")
    amount: Money = Field(description="The principal transferred.")
    new_holder: Flag = Field(False, description="The transferee is not yet a holder on the registry.")
    series: Plain | None = Field(None, description="The series; may be left out when the agreement has one.")
    note: Whole | None = Field(default=None, gt=0, description="Surrender this note only (else the holder's notes in number order).")
    registered_name: Plain | None = Field(None, description="The name to register the new note in.")

    def command(self, key: str) -> TransferNotes:
        return TransferNotes(
            **self.common(key),
            transferor=self.from_,
            transferee=self.to,
            amount=self.amount,
            new_holder=self.new_holder,
            series=self.series,
            note=self.note,
            registered_name=self.registered_name,
        )


class CancellationEntry(EntryIn):
    """A note the Company acquired, cancelled and never reissued."""

    type: Literal["cancellation"]
    note: Whole = Field(gt=0, description="The note's number.")

    def command(self, key: str) -> CancelNote:
        return CancelNote(**self.common(key), note=self.note)


class NoteReplacementEntry(EntryIn):
    """A new note of like tenor for a lost, stolen, destroyed or mutilated one, on the evidence (and
    indemnity) the agreement asks for."""

    type: Literal["note-replacement"]
    note: Whole = Field(gt=0, description="The note replaced.")
    reason: Literal["lost", "stolen", "destroyed", "mutilated"] = Field(description="Why it is replaced.")

    def command(self, key: str) -> ReplaceNote:
        return ReplaceNote(**self.common(key), note=self.note, reason=self.reason)


class HolderIn(Strict):
    """A line of a schedule of holders: one amount, or one per series with "n/a"."""

    holder: Text = Field(description="The holder as the schedule names it.")
    principal: Money | dict[str, Money | Literal["n/a"]] = Field(
        description='One amount, or one per series by key with "n/a" where the holder has none.'
    )

    def amounts(self) -> dict[str | None, Decimal]:
        amounts = self.principal if isinstance(self.principal, dict) else {None: self.principal}
        return {series: amount for series, amount in amounts.items() if amount != NOT_APPLICABLE}  # type: ignore[misc]


class RegisterEntry(EntryIn):
    """A schedule of holders on file (an Annex 1): loading checks the register against it."""

    type: Literal["register"]
    holders: tuple[HolderIn, ...] = Field(description="Each line of the schedule, in its order.")
    total: Money | None = Field(None, description="The TOTAL line (one series); checked against the lines.")
    totals: dict[str, Money] | None = Field(None, description="The TOTALS line by series key; checked against the lines.")

    @model_validator(mode="after")
    def _totals_add_up(self) -> RegisterEntry:
        sums: dict[str | None, Decimal] = {}
        for line in self.holders:
            for series, amount in line.amounts().items():
                sums[series] = sums.get(series, Decimal(0)) + amount
        stated: dict[str | None, Decimal] = dict(self.totals or {})
        if self.total is not None:
            stated[None] = self.total
        for series, amount in stated.items():
            if sums.get(series, Decimal(0)) != amount:
                column = f" of the {series} column" if series else ""
                added = sums.get(series, Decimal(0))
                raise ValueError(f"the TOTAL{column} is ${format_amount(amount)}, but its lines add up to ${format_amount(added)}")
        return self

    def command(self, key: str) -> AttestRegister:
        holdings = tuple(
            StatedHolding(line.holder, amount, series) for line in self.holders for series, amount in line.amounts().items()
        )
        return AttestRegister(**self.common(key), holdings=holdings)


class RecordHorizonEntry(EntryIn):
    """How far the evidence on file runs, so that no view calls a payment unpaid, or a register current,
    beyond it. Leave a kind of fact out when the registry is kept current for it; the latest entry wins."""

    type: Literal["record-horizon"]
    register_until: Day | None = Field(
        None, alias="register",
        description="The last date the register (who holds what) is evidenced, e.g. the date of the last Annex 1.",
    )
    payments_until: Day | None = Field(
        None, alias="payments",
        description="The last date the payments made are evidenced, e.g. a representation that none is in default.",
    )

    def command(self, key: str) -> SetRecordHorizon:
        return SetRecordHorizon(**self.common(key), register=self.register_until, payments=self.payments_until)
