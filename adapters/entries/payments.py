"""Entries about payments: notices of prepayment, prepayments, interest, payment at maturity."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from adapters.entries.base import Curve, Day, EntryIn, Money, Plain
from domain.commands import GivePrepaymentNotice, PayAtMaturity, PayInterest, Prepay


class PrepaymentNoticeEntry(EntryIn):
    """Notice to the holders of an optional prepayment, given on ``effective_on``; the prepayment must follow it
    on the date and for the amount noticed, and the notice must fall within the agreement's window."""

    type: Literal["prepayment-notice"]
    prepay_on: Day = Field(description="The date fixed for the prepayment.")
    amount: Money = Field(description="The principal to be prepaid.")
    series: Plain | None = Field(None, description="The series; may be left out when the agreement has one.")

    def command(self, key: str) -> GivePrepaymentNotice:
        return GivePrepaymentNotice(**self.common(key), prepay_on=self.prepay_on, amount=self.amount, series=self.series)


class PrepaymentEntry(EntryIn):
    """A prepayment; a required one may leave its amount to the schedule, an optional one
    of notes with a make-whole gives the Treasury curve of its date."""

    type: Literal["prepayment"]
    kind: Literal["required", "optional"] = Field(description="required (on the schedule) or optional.")
    amount: Money | None = Field(None, description="The principal prepaid; a required one may leave it to the schedule.")
    series: Plain | None = Field(None, description="The series; may be left out when the agreement has one.")
    treasury_curve: Curve | None = Field(
        None, description='Treasury yields by remaining life on the prepayment date, for a make-whole: "1y=1.25,2y=1.60".'
    )

    def command(self, key: str) -> Prepay:
        return Prepay(**self.common(key), kind=self.kind, amount=self.amount, series=self.series, curve=self.treasury_curve)


class MaturityEntry(EntryIn):
    """Notes paid in full: every note of a series on or after maturity, or before it the notes declared due."""

    type: Literal["maturity"]
    series: Plain | None = Field(None, description="The series; may be left out when the agreement has one.")
    amount: Money | None = Field(None, description="Checked against the principal outstanding, if given.")

    def command(self, key: str) -> PayAtMaturity:
        return PayAtMaturity(**self.common(key), series=self.series, amount=self.amount)


class InterestEntry(EntryIn):
    """Interest paid on a coupon date (the earliest unpaid by default); the amount is checked."""

    type: Literal["interest"]
    due_on: Day | None = Field(None, description="The interest date paid; the earliest unpaid if left out.")
    amount: Money | None = Field(None, description="Checked against the interest due, if given.")
    series: Plain | None = Field(None, description="The series; may be left out when the agreement has one.")

    def command(self, key: str) -> PayInterest:
        return PayInterest(**self.common(key), series=self.series, due_on=self.due_on, amount=self.amount)
