"""Entries about payments: prepayments, interest, payment at maturity."""

from __future__ import annotations

from typing import Literal

from adapters.entries.base import Curve, Day, EntryIn, Money
from domain.commands import PayAtMaturity, PayInterest, Prepay


class PrepaymentEntry(EntryIn):
    """A prepayment; a required one may leave its amount to the schedule, an optional one
    of notes with a make-whole gives the Treasury curve of its date."""

    type: Literal["prepayment"]
    kind: Literal["required", "optional"]
    amount: Money | None = None
    series: str | None = None
    treasury_curve: Curve | None = None

    def command(self, key: str) -> Prepay:
        return Prepay(**self.common(key), kind=self.kind, amount=self.amount, series=self.series, curve=self.treasury_curve)


class MaturityEntry(EntryIn):
    type: Literal["maturity"]
    series: str | None = None
    amount: Money | None = None

    def command(self, key: str) -> PayAtMaturity:
        return PayAtMaturity(**self.common(key), series=self.series, amount=self.amount)


class InterestEntry(EntryIn):
    """Interest paid on a coupon date (the earliest unpaid by default); the amount is checked."""

    type: Literal["interest"]
    due_on: Day | None = None
    amount: Money | None = None
    series: str | None = None

    def command(self, key: str) -> PayInterest:
        return PayInterest(**self.common(key), series=self.series, due_on=self.due_on, amount=self.amount)
