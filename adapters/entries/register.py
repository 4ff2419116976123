"""Entries about the notes: the agreement and its terms, issues, transfers, cancellations, schedules of holders."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import Field, model_validator

from adapters.entries.base import NOT_APPLICABLE, Day, EntryIn, Money, Percent, Strict, Text
from domain.commands import (
    AttestRegister,
    CancelNote,
    IssueNotes,
    NewNote,
    OpenRegister,
    RegisterAgreement,
    StatedHolding,
    TransferNotes,
)
from domain.schedule import equal_instalments
from domain.values import AgreementTerms, ScheduledPayment, SeriesTerms


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

    def command(self, key: str) -> RegisterAgreement:
        return RegisterAgreement(**self.common(key), terms=self.terms(key))


class NoteIn(Strict):
    holder: Text
    principal: Money
    series: str | None = None
    registered_name: str | None = None
    account: str | None = None
    number: int | None = Field(default=None, gt=0)

    def new(self) -> NewNote:
        return NewNote(self.holder, self.principal, self.series, self.registered_name, self.account, self.number)


class IssueEntry(EntryIn):
    """Notes issued at a closing."""

    type: Literal["issue"]
    notes: tuple[NoteIn, ...] = Field(min_length=1)

    def command(self, key: str) -> IssueNotes:
        return IssueNotes(**self.common(key), notes=tuple(n.new() for n in self.notes))


class OpeningRegisterEntry(EntryIn):
    """The earliest register on file, for notes whose earlier history is not."""

    type: Literal["opening-register"]
    notes: tuple[NoteIn, ...] = Field(min_length=1)

    def command(self, key: str) -> OpenRegister:
        return OpenRegister(**self.common(key), notes=tuple(n.new() for n in self.notes))


class TransferEntry(EntryIn):
    type: Literal["transfer"]
    from_: Text = Field(alias="from")
    to: Text
    amount: Money
    series: str | None = None
    note: int | None = Field(default=None, gt=0)
    registered_name: str | None = None

    def command(self, key: str) -> TransferNotes:
        return TransferNotes(
            **self.common(key),
            transferor=self.from_,
            transferee=self.to,
            amount=self.amount,
            series=self.series,
            note=self.note,
            registered_name=self.registered_name,
        )


class CancellationEntry(EntryIn):
    type: Literal["cancellation"]
    note: int = Field(gt=0)

    def command(self, key: str) -> CancelNote:
        return CancelNote(**self.common(key), note=self.note)


class HolderIn(Strict):
    """A line of a schedule of holders: one amount, or one per series with "n/a"."""

    holder: Text
    principal: Money | dict[str, Money | Literal["n/a"]]

    def amounts(self) -> dict[str | None, Decimal]:
        amounts = self.principal if isinstance(self.principal, dict) else {None: self.principal}
        return {series: amount for series, amount in amounts.items() if amount != NOT_APPLICABLE}  # type: ignore[misc]


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
            for series, amount in line.amounts().items():
                sums[series] = sums.get(series, Decimal(0)) + amount
        stated: dict[str | None, Decimal] = dict(self.totals or {})
        if self.total is not None:
            stated[None] = self.total
        for series, amount in stated.items():
            if sums.get(series, Decimal(0)) != amount:
                column = f" of the {series} column" if series else ""
                raise ValueError(f"the TOTAL{column} is {amount}, but its lines add up to {sums.get(series, 0)}")
        return self

    def command(self, key: str) -> AttestRegister:
        holdings = tuple(
            StatedHolding(line.holder, amount, series) for line in self.holders for series, amount in line.amounts().items()
        )
        return AttestRegister(**self.common(key), holdings=holdings)
