"""Payments as of a date: the schedule, accrued interest, and a watch for defaults.

Derived from the agreement's terms and its recorded events; nothing is invented
for a series whose interest dates or schedule are not on file. A scheduled
payment not recorded as paid is flagged: principal from the day after it fell
due (Section 9.1(a)), interest after the fifth Business Day following its due
date (Section 9.1(b)), with the grace period shown until then.
"""

from __future__ import annotations

from collections.abc import Container, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from domain.errors import NotOnFile
from domain.ledger import Ledger, replay
from domain.money import ZERO
from domain.rules import principal_schedule
from domain.schedule import business_days_after, coupon_dates, days_30_360, interest, require_day_count
from domain.stream import known

INTEREST = "interest"
REQUIRED = "required prepayment"
MATURITY = "maturity"
OPTIONAL = "optional prepayment"

PAID = "paid"
SCHEDULED = "scheduled"
DUE = "due today"
UNPAID = "unpaid, within grace"
IN_DEFAULT = "unpaid: Event of Default"


@dataclass(frozen=True)
class Payment:
    series: str
    kind: str
    due_on: date
    principal: Decimal
    interest: Decimal
    status: str
    paid_on: date | None = None
    event: str | None = None
    default_on: date | None = None
    section: str | None = None


@dataclass(frozen=True)
class Accrual:
    number: int
    holder: str
    series: str
    principal: Decimal
    since: date
    days: int
    accrued: Decimal


def payments(
    key: str,
    events: Sequence,
    *,
    as_of: date,
    calendar: Container[date],
    series: str | None = None,
    known_at: datetime | None = None,
) -> tuple[list[Payment], list[str]]:
    """Every scheduled payment, paid or not, and what is not on file to schedule."""
    ledger = replay(known(events, known_at), as_of=as_of)
    lines: list[Payment] = []
    gaps: list[str] = []
    for state in ledger.series.values():
        terms = state.terms
        if series is not None and terms.key != series:
            continue
        if state.first_on is None:
            gaps.append(f"{terms.key}: no notes issued by {as_of}")
            continue
        try:
            require_day_count(terms)
            coupons = coupon_dates(terms, state.first_on)
        except NotOnFile as gap:
            gaps.append(f"{terms.key}: {gap.message}; no schedule is derived")
            continue
        if terms.required_prepayments is None:
            gaps.append(f"{terms.key}: the schedule of required prepayments is not on file")
        lines += _principal(key, ledger, terms.key, as_of, calendar)
        lines += _interest(key, ledger, terms.key, coupons, as_of, calendar)
    order = {INTEREST: 0, REQUIRED: 1, OPTIONAL: 1, MATURITY: 2}
    return sorted(lines, key=lambda p: (p.due_on, p.series, order[p.kind])), gaps


def _principal(key: str, ledger: Ledger, series: str, as_of: date, calendar: Container[date]) -> list[Payment]:
    state = ledger.series[series]
    terms = state.terms
    lines = []
    for paid in state.paid:
        kind = MATURITY if paid.due_on == terms.maturity else REQUIRED
        lines.append(Payment(series, kind, paid.due_on, paid.amount, ZERO, PAID, paid.paid_on, f"{key}:{paid.ref}"))
    for movement in state.movements:
        if movement.kind == "optional prepayment":
            lines.append(Payment(series, OPTIONAL, movement.on, movement.amount, ZERO, PAID, movement.on, f"{key}:{movement.ref}"))
    remaining = state.schedule
    if remaining is None:
        remaining = principal_schedule((), ledger.outstanding(series), terms.maturity) if not state.paid_off_on else ()
    if state.paid_off_on is not None:
        remaining = ()
    for due in remaining:
        kind = MATURITY if due.due_on == terms.maturity else REQUIRED
        status = SCHEDULED if due.due_on > as_of else DUE if due.due_on == as_of else IN_DEFAULT
        lines.append(Payment(series, kind, due.due_on, due.amount, ZERO, status, default_on=due.due_on, section="9.1(a)"))
    return lines


def _interest(
    key: str, ledger: Ledger, series: str, coupons: Sequence[date], as_of: date, calendar: Container[date]
) -> list[Payment]:
    state = ledger.series[series]
    terms = state.terms
    lines = []
    principal_left = ledger.outstanding(series)
    previous = state.first_on
    for due in coupons:
        if state.paid_off_on is not None and due > state.paid_off_on:
            break
        coupon = state.coupons.get(due)
        if coupon is not None:
            amount, _ = ledger.coupon_interest(series, due)
            if coupon.paid_ref is not None:
                lines.append(Payment(series, INTEREST, due, ZERO, amount, PAID, coupon.paid_on, f"{key}:{coupon.paid_ref}"))
            else:
                grace = business_days_after(due, 5, calendar)
                status = IN_DEFAULT if as_of > grace else DUE if as_of == due else UNPAID
                lines.append(Payment(series, INTEREST, due, ZERO, amount, status, default_on=grace, section="9.1(b)"))
        else:
            before = principal_left - sum(
                (p.amount for p in state.schedule or () if as_of < p.due_on < due), ZERO
            )
            assert previous is not None
            lines.append(
                Payment(series, INTEREST, due, ZERO, interest(before, terms.rate_percent, days_30_360(previous, due)), SCHEDULED)
            )
        previous = due
    return lines


def accrued_as_of(events: Sequence, as_of: date, known_at: datetime | None = None) -> list[Accrual]:
    """Interest accrued on each outstanding note since its last interest date (30/360, to the cent)."""
    ledger = replay(known(events, known_at), as_of=as_of)
    lines = []
    for note in ledger.live():
        terms = ledger.series[note.series].terms
        if terms.interest_dates is None:
            raise NotOnFile(f"the interest payment dates of the {terms.key} notes are not on file")
        require_day_count(terms)
        since = ledger.last_coupon(note.series, as_of)
        days = days_30_360(since, as_of)
        lines.append(Accrual(note.number, note.holder, note.series, note.principal, since, days,
                             interest(note.principal, terms.rate_percent, days)))
    return lines


def overdue(lines: Sequence[Payment]) -> list[Payment]:
    return [p for p in lines if p.status in (UNPAID, IN_DEFAULT, DUE)]
