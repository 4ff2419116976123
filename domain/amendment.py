"""Amendments: what they change, what they wait for, and when they take effect.

An amendment becomes effective, as of its date, only when holders of the
required share of the voting principal have consented and every condition
precedent is met; the registry computes this, nobody records "effective". A
condition may wait on another stream: a guaranty or other instrument
delivered, or a sibling amendment executed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from domain.text import TextChange
from domain.values import AgreementTerms, Value

DELIVERED = "delivered"
EXECUTED = "executed"

EFFECTIVE = "effective"
PENDING = "pending"
FAILED = "failed"
NOT_ON_FILE = "not on file"


@dataclass(frozen=True)
class Condition(Value):
    """A condition precedent: ``kind`` of ``ref`` ("delivered" "guaranty/kar-2003",
    "executed" "agreement/barnes-2000/2"), with the amendment's words for it."""

    section: str
    text: str
    kind: str
    ref: str


def needs_all_holders(changes: Sequence[TextChange], terms: AgreementTerms, changes_payments: bool) -> bool:
    """Whether every holder must consent (Section 11.5 of the 1995 agreement): a change to
    payments, or to a section the agreement reserves to all holders."""
    if changes_payments:
        return True
    return any(
        change.target == section or change.target.startswith((f"{section}.", f"{section}("))
        for change in changes
        for section in terms.all_holders_for
    )


def status(*, executed: bool, lapsed: str | None, consents_met: bool, shortfalls: Sequence[str]) -> tuple[str, str]:
    """The amendment's status and why: failed, pending (and on what), or effective."""
    if not executed:
        return NOT_ON_FILE, "the amendment is referred to, but its content is not on file"
    if lapsed:
        return FAILED, lapsed
    waiting = list(shortfalls)
    if waiting or not consents_met:
        return PENDING, "; ".join(waiting)
    return EFFECTIVE, "consents reach the threshold and every condition is met"
