"""Entries about Events of Default and their remedies: defaults, acceleration, its payment, annulment, waivers."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from adapters.entries.base import Curve, EntryIn, Flag, Money, Text, Whole
from domain.commands import Accelerate, DeclareDefault, PayAccelerated, RescindAcceleration, Waive

Holders = tuple[Text, ...]


class EventOfDefaultEntry(EntryIn):
    """An Event of Default under a clause of the agreement, on the evidence given. On a clause that makes
    the notes due automatically (bankruptcy), they become due with it."""

    type: Literal["event-of-default"]
    clause: Text = Field(description='The clause defining it, e.g. "9.1(c)".')
    description: Text = Field(description="What happened, in the evidence's words.")
    treasury_curve: Curve | None = Field(
        None, description="The Treasury curve of the date, when the notes become due automatically with a make-whole."
    )

    def command(self, key: str) -> DeclareDefault:
        return DeclareDefault(**self.common(key), clause=self.clause, description=self.description, curve=self.treasury_curve)


class AccelerationEntry(EntryIn):
    """Holders declare the notes due on a continuing Event of Default; the registry tallies them from the
    register of the date against the agreement's threshold, and computes what becomes due."""

    type: Literal["acceleration"]
    declared_by: Holders = Field(min_length=1, description="The holders declaring, as the notice names them.")
    default: Whole | None = Field(None, gt=0, description="The Event of Default (its event number); the latest if left out.")
    treasury_curve: Curve | None = Field(None, description="The Treasury curve of the date, for a make-whole.")

    def command(self, key: str) -> Accelerate:
        return Accelerate(**self.common(key), declared_by=self.declared_by, default=self.default, curve=self.treasury_curve)


class AccelerationPaymentEntry(EntryIn):
    """The interest and make-whole premium an acceleration made due beside the principal, paid to the holders of
    the notes it made due (their principal is paid by a maturity entry): the interest at least what it made due
    to its date, more being interest since; the premium as it made it due."""

    type: Literal["acceleration-payment"]
    interest: Money = Field(description="The interest paid: at least what the acceleration made due, accrued to its date.")
    premium: Money | None = Field(None, description="The make-whole premium the acceleration made due, if it made one due.")
    acceleration: Whole | None = Field(
        None, gt=0, description="The acceleration (its event number); if left out, the latest in force not yet paid."
    )

    def command(self, key: str) -> PayAccelerated:
        return PayAccelerated(**self.common(key), interest=self.interest, premium=self.premium,
                              acceleration=self.acceleration)


class RescissionEntry(EntryIn):
    """Holders annul a declaration of acceleration."""

    type: Literal["rescission"]
    declared_by: Holders = Field(min_length=1, description="The holders annulling it.")
    acceleration: Whole | None = Field(None, gt=0, description="The acceleration (its event number); the latest if left out.")

    def command(self, key: str) -> RescindAcceleration:
        return RescindAcceleration(**self.common(key), declared_by=self.declared_by, acceleration=self.acceleration)


class WaiverEntry(EntryIn):
    """Holders waive the observance of provisions (and end the Events of Default it names); the consent
    needed depends on what is waived, as the agreement's amendment and waiver section says."""

    type: Literal["waiver"]
    provisions: tuple[Text, ...] = Field(min_length=1, description='The sections waived, e.g. ["7.7"].')
    given_by: Holders = Field(min_length=1, description="The holders giving it.")
    defaults: tuple[int, ...] = Field((), description="Events of Default it ends (their event numbers).")
    payment_terms: Flag = Field(False, description="It changes the amount or time of a payment, or a rate.")

    def command(self, key: str) -> Waive:
        return Waive(**self.common(key), provisions=self.provisions, given_by=self.given_by, defaults=self.defaults,
                     payment_terms=self.payment_terms)



