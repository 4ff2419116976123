"""The agreement's rules that are arithmetic: denominations, pro rata, schedules.

Each function states one rule, refuses with the error that names it, and is
used both when a command is given and when a timeline is replayed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from domain.errors import BelowMinimumDenomination, NotAMultiple
from domain.money import allocate, cents, format_amount, from_cents
from domain.values import ScheduledPayment


def check_denominations(
    surrendered: Decimal,
    parts: Sequence[Decimal],
    minimum: Decimal | None,
    *,
    note: int,
    section: str | None,
) -> None:
    """New notes given for a surrendered one are at least ``minimum`` each.

    Section 6.2 allows a smaller note only "as may be necessary to reflect any
    principal amount not evenly divisible by" the minimum: the whole note when
    it is itself smaller, or the odd amount left over by the division. With no
    minimum on file there is nothing to check.
    """
    if minimum is None:
        return
    odd = cents(surrendered) % cents(minimum)
    for part in parts:
        if part < minimum and part != surrendered and cents(part) != odd:
            allowed = "only for a whole note smaller than the minimum"
            if odd:
                allowed = (
                    f"only for the whole note or for the ${format_amount(from_cents(odd))}"
                    f" not evenly divisible by ${format_amount(minimum)}"
                )
            raise BelowMinimumDenomination(
                f"new notes must be at least ${format_amount(minimum)}: splitting note No. {note}"
                f" (${format_amount(surrendered)}) would make a note of ${format_amount(part)};"
                f" a smaller note is allowed {allowed}",
                section=section,
            )


def check_multiple(amount: Decimal, multiple: Decimal | None, *, section: str | None) -> None:
    """An optional prepayment is a whole multiple of ``multiple`` (Section 5.2)."""
    if multiple is not None and cents(amount) % cents(multiple):
        raise NotAMultiple(
            f"an optional prepayment must be a multiple of ${format_amount(multiple)};"
            f" ${format_amount(amount)} is not",
            section=section,
        )


def pro_rata(amount: Decimal, principals: dict[int, Decimal]) -> dict[int, Decimal]:
    """Each note's share of a partial payment, in note-number order (Section 5.4)."""
    numbers = sorted(principals)
    return dict(zip(numbers, allocate(amount, [principals[n] for n in numbers]), strict=True))


def reduce_schedule(
    remaining: Sequence[ScheduledPayment], new_total: Decimal
) -> tuple[ScheduledPayment, ...]:
    """Scale the remaining scheduled payments so they sum to ``new_total``.

    After an optional prepayment "each remaining scheduled payment of principal
    shall be reduced on a pro rata basis" (Section 5.1(b)); the reduced amounts
    are allocated to the cent so they still sum exactly to the principal left.
    """
    if not remaining:
        return ()
    amounts = allocate(new_total, [payment.amount for payment in remaining])
    return tuple(
        ScheduledPayment(due_on=payment.due_on, amount=amount)
        for payment, amount in zip(remaining, amounts, strict=True)
    )


def principal_schedule(
    required: Sequence[ScheduledPayment], principal: Decimal, maturity: date
) -> tuple[ScheduledPayment, ...]:
    """Required prepayments then the balance due at maturity (Section 5.1(a))."""
    balance = principal - sum((payment.amount for payment in required), Decimal(0))
    return tuple(required) + ((ScheduledPayment(due_on=maturity, amount=balance),) if balance else ())
