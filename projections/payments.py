"""Payments as of a date: the schedule, accrued interest, status, and a watch for defaults.

Derived from the agreement's terms and its recorded events; nothing is invented
for a series whose interest dates or schedule are not on file. A scheduled
payment not recorded as paid is "unpaid"; it is called an Event of Default only
under the agreement's own payment default terms, after their grace period (in
days or Business Days of the agreement's calendar), citing their section.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal

from domain import rules
from domain.errors import NotOnFile
from domain.events import Agreement, Event
from domain.money import ZERO, allocate, format_amount
from domain.rules import principal_schedule
from domain.schedule import (
    days_counted,
    grace_ends,
    interest_for,
    is_business_day,
    payable_on,
    require_day_count,
)
from domain.state import AccelerationOnFile, AgreementState
from domain.timeline import Timeline
from domain.values import GraceTerms, shown_as, shown_if_any, shown_if_set, shown_inline, unshown
from projections.record import (
    PAYMENTS,
    REGISTER,
    AssumedFact,
    Footnotes,
    Horizon,
    RecordEnds,
    horizon_of,
    union,
)
from projections.register import (
    NOT_ON_FILE,
    IssuedLater,
    SeriesOutstanding,
    issued_later,
    outstanding_as_of,
    principal_past_record,
    register_gap,
)

INTEREST = "interest"
REQUIRED = "required prepayment"
MATURITY = "maturity"
OPTIONAL = "optional prepayment"
ACCELERATED = "accelerated"

PAID = "paid"
SCHEDULED = "scheduled"
DUE = "due today"
UNPAID = "unpaid"
IN_GRACE = "unpaid, within grace"
IN_DEFAULT = "unpaid: Event of Default"
NOT_RECORDED = "not recorded"


@dataclass(frozen=True)
class Payment:
    """A scheduled payment; for one not yet made, the first day it is in default (the day after its grace ends)
    and under which section."""

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
    rests_on: tuple[str, ...] = shown_if_any()
    basis: tuple[int, ...] = unshown(default=())  # the events a paid status rests on
    makewhole_premium: Decimal | None = shown_if_set()
    payable_on: date | None = shown_if_set()  # the day it is to be made, where not its due date (a non-Business Day)
    waived_by: str | None = shown_if_set()  # the waiver of the Event of Default recorded on it, unpaid past its grace
    waived_on: date | None = shown_if_set()


@dataclass(frozen=True)
class OverdueRate:
    """The rate on overdue amounts as the documents state it; ``applied`` is the statement debtreg applies,
    ``None`` where the documents disagree (every statement is kept, none chosen)."""

    statements: tuple[str, ...]
    applied: str | None
    why: str


@dataclass(frozen=True)
class Schedule:
    agreement: str
    as_of: date
    not_on_file: tuple[str, ...]
    payments: tuple[Payment, ...]
    overdue_rates: dict[str, OverdueRate] = shown_if_any(dict)
    assumptions: tuple[AssumedFact, ...] = shown_if_any()
    record_ends: RecordEnds | None = shown_if_set()
    issued_later: tuple[IssuedLater, ...] = shown_if_any()
    caveats: tuple[str, ...] = shown_if_any()  # how figures shown depend on what is not recorded
    known_at: datetime | None = shown_if_set()  # the moment of a view as known at one (``--known-at``)


@dataclass(frozen=True)
class DefaultLine:
    """An Event of Default recorded: continuing, or waived (and by which event), and any acceleration on it."""

    event: str
    on: date
    clause: str
    title: str | None
    description: str
    waived_by: str | None = shown_if_set()
    waived_on: date | None = shown_if_set()
    accelerations: tuple[str, ...] = shown_if_any()
    # of a payment default (the terms' clause for unpaid interest or principal), the payments it concerns unpaid past
    # their grace on the date: none once they are paid, the default not waived (whether it is cured is not decided here)
    unpaid_past_grace: tuple[date, ...] | None = shown_if_set()


@dataclass(frozen=True)
class AccelerationLine:
    """Notes due at once: on what default, by whom, what became due, and any annulment."""

    event: str
    on: date
    default: str
    automatic: bool
    declared_by: tuple[str, ...]
    notes: tuple[int, ...]
    principal: Decimal
    interest: Decimal
    makewhole_premium: Decimal | None
    due: Decimal
    annulled_by: str | None = shown_if_set()
    annulled_on: date | None = shown_if_set()
    unpaid: tuple[int, ...] = shown_if_any()  # the notes it made due still outstanding on the date: not recorded paid
    paid_by: str | None = shown_if_set()  # the payment of the interest and premium it made due beside the principal
    paid_on: date | None = shown_if_set()
    interest_paid: Decimal | None = shown_if_set()
    interest_since: Decimal | None = shown_if_set()  # of it, more than made due: interest since the acceleration's date
    premium_paid: Decimal | None = shown_if_set()


@dataclass(frozen=True)
class Status:
    """Outstanding principal, anything overdue and the next payments, as of a date."""

    series: tuple[SeriesOutstanding, ...] = unshown()
    agreement: str
    as_of: date
    outstanding: dict[str, Decimal | None]
    overdue: tuple[Payment, ...]
    next: tuple[Payment, ...]
    not_on_file: tuple[str, ...]
    not_recorded: tuple[Payment, ...] = shown_if_any()
    outstanding_rests_on: dict[str, tuple[str, ...]] = shown_if_any(dict)
    events_of_default: tuple[DefaultLine, ...] = shown_if_any()
    accelerations: tuple[AccelerationLine, ...] = shown_if_any()
    overdue_rates: dict[str, OverdueRate] = shown_if_any(dict)
    assumptions: tuple[AssumedFact, ...] = shown_if_any()
    record_ends: RecordEnds | None = shown_if_set()
    issued_later: tuple[IssuedLater, ...] = shown_if_any()
    caveats: tuple[str, ...] = shown_if_any()  # as the schedule's
    known_at: datetime | None = shown_if_set()  # the moment of a view as known at one (``--known-at``)


@dataclass(frozen=True)
class Accrual:
    number: int
    series: str
    holder: str
    principal: Decimal
    since: date
    days: int
    accrued: Decimal
    rests_on: tuple[str, ...] = shown_if_any()  # the note's (``NoteLine``)
    held_on: tuple[str, ...] = unshown(default=())  # its holder's holding's


@dataclass(frozen=True)
class HolderAccrual:
    days: str = unshown()
    holder: str
    principal: Decimal
    accrued: Decimal
    rests_on: tuple[str, ...] = shown_if_any()


@dataclass(frozen=True)
class Accrued:
    agreement: str
    as_of: date
    total: Decimal | None  # None where the register is not on file (``not_on_file``): unknown, not nil
    notes: tuple[Accrual, ...]
    holders: tuple[HolderAccrual, ...]
    assumptions: tuple[AssumedFact, ...] = shown_if_any()
    record_ends: RecordEnds | None = shown_if_set()
    fell_due: tuple[FellDue, ...] = shown_if_any()
    issued_later: tuple[IssuedLater, ...] = shown_if_any()
    not_on_file: str | None = shown_if_set()
    caveats: tuple[str, ...] = shown_if_any()  # as the register's
    known_at: datetime | None = shown_if_set()  # the moment of a view as known at one (``--known-at``)


@dataclass(frozen=True)
class FellDue:
    """Notes that fell due before the date, by ``why`` (their maturity, or an acceleration), not recorded paid: from
    then on they are due, overdue if unpaid (``status_as_of``), and accrue no coupon."""

    on: date
    notes: tuple[int, ...]
    why: str


def schedule_as_of(
    key: str,
    timeline: Timeline,
    *,
    as_of: date,
    calendar: Container[date] | None,
    series: str | None = None,
) -> Schedule:
    """Every scheduled payment, paid or not, and what is not on file to schedule.

    ``calendar`` is the agreement's Business Day holidays, ``None`` when its calendar is not on file.
    """
    state = _state(timeline, as_of)
    horizon = horizon_of(key, timeline)
    cited = Footnotes().add_timeline(key, timeline)
    watch = _Watch(state, as_of, calendar, horizon)
    lines: list[Payment] = []
    gaps: list[str] = []
    caveats: list[str] = []
    later = tuple(x for x in issued_later(timeline, as_of) if series is None or x.series == series)
    unknown = register_gap(timeline, as_of)
    for found in state.series.values():
        terms = found.terms
        if series is not None and terms.key != series:
            continue
        if found.first_on is None:  # issued later (``later``), issued before the register on file begins, or not on file
            if not any(x.series == terms.key for x in later):
                gaps.append(f"{terms.key}: {unknown or f'no notes issued by {as_of}'}")
            continue
        if terms.required_prepayments is None:
            gaps.append(f"{terms.key}: the schedule of required prepayments is not on file; all principal is shown at maturity")
        principal = _principal(key, state, terms.key, watch)
        lines += principal
        gaps += _declared_due_in_part(key, state, terms.key)
        try:
            require_day_count(terms)
            if found.coupon_dates is None:
                raise NotOnFile(f"the interest payment dates of the {terms.key} notes are not on file")
        except NotOnFile as gap:
            gaps.append(f"{terms.key}: {gap.message}; no interest is scheduled")
            continue
        interest = _interest(key, state, terms.key, watch)
        lines += interest
        caveats += _reckoned_without(terms.key, principal, interest)
        caveats += _reacquired_share(state, terms.key) + _cancelled_without_share(key, state, terms.key)
    gaps += _due_beside_principal(key, state, series)
    gaps += watch.gaps()
    caveats += payment_terms_amended(key, state)
    order = {INTEREST: 0, REQUIRED: 1, OPTIONAL: 1, ACCELERATED: 1, MATURITY: 2}
    return Schedule(
        key,
        as_of,
        tuple(gaps),
        tuple(replace(_waived(key, state, watch.payable(p)), rests_on=cited.cite(key, p.basis))
              for p in sorted(lines, key=lambda p: (p.due_on, p.series, order[p.kind]))),
        overdue_rates(state),
        cited.listed(),
        horizon.beyond(as_of, PAYMENTS),
        later,
        tuple(caveats),
    )


@dataclass(frozen=True)
class Payee:
    """What a payment pays one holder: its notes' shares together, the wire it is sent."""

    holder: str
    notes: tuple[int, ...]
    amount: Decimal


def payees(event: Event, state: AgreementState, named: Callable[[str], str] | None = None) -> tuple[Payee, ...]:
    """Each holder a payment pays (``Event.cash``), in the order of its notes' shares. A note is its holder's for life (a
    transfer surrenders it for new notes), so the state after the payment names it, the note closed or not; ``named``
    names the holder as on the payment's date (one renamed since)."""
    found: dict[str, tuple[tuple[int, ...], Decimal]] = {}
    for share in event.cash():
        note = state.note(share.note)
        assert note is not None, "a payment allocates to notes on the register"
        holder = named(note.holder) if named is not None else note.holder
        notes, amount = found.get(holder, ((), ZERO))
        found[holder] = ((*notes, share.note), amount + share.amount)
    return tuple(Payee(holder, notes, amount) for holder, (notes, amount) in found.items())


def paid_beside(event: Event) -> Decimal:
    """What a prepayment pays beside its principal (interest on it, a make-whole premium), recorded in total and not
    allocated by note: a payee's wire adds its share of it, pro rata to the principal prepaid."""
    if not isinstance(event, Agreement.PrepaymentMade):
        return ZERO
    return event.interest + (event.makewhole.premium if event.makewhole is not None else ZERO)


@dataclass(frozen=True)
class DuePayment:
    """A payment on the registry's calendar, as its agreement's schedule shows it."""

    agreement: str
    payment: Payment = shown_inline()


@dataclass(frozen=True)
class ScheduleGaps:
    """What one agreement's schedule lacks, or how its figures depend on the record: said beneath the calendar, for a
    payment left out of it because it is not on file must not read as none due."""

    agreement: str
    not_on_file: tuple[str, ...] = shown_if_any()
    record_ends: RecordEnds | None = shown_if_set()
    caveats: tuple[str, ...] = shown_if_any()
    issued_later: tuple[IssuedLater, ...] = shown_if_any()  # series first issued after the status's date: not in it
    overdue_before: tuple[date, ...] = shown_if_any()  # the due dates of payments before the window overdue on the date


@dataclass(frozen=True)
class Due:
    """Every payment scheduled from ``start`` to ``end`` across the registry, each with its status as of ``as_of``,
    and their total: treasury's calendar."""

    start: date = shown_as("from")
    end: date = shown_as("to")
    as_of: date
    payments: tuple[DuePayment, ...]
    principal: Decimal
    interest: Decimal
    gaps: tuple[ScheduleGaps, ...] = shown_if_any()
    assumptions: tuple[AssumedFact, ...] = shown_if_any()
    known_at: datetime | None = shown_if_set()


def due_between(start: date, end: date, as_of: date, schedules: Sequence[Schedule]) -> Due:
    """The payments of ``schedules`` (one an agreement, each as of ``as_of``) due from ``start`` to ``end``, by date;
    the assumptions they rest on numbered again across agreements, in the order first cited (each schedule numbers
    its own from A1); and what each schedule lacks, and the payments before the window overdue on ``as_of`` (a calendar
    of next month must not hide last month's coupon unpaid), but of an agreement whose every payment fell due before
    ``start``, none overdue (notes paid off, or matured: nothing of them is due in the window, on file or not)."""
    found = sorted(((p, s) for s in schedules for p in s.payments if start <= p.due_on <= end),
                   key=lambda found: (found[0].due_on, found[1].agreement, found[0].series))
    numbered: dict[tuple[str, str], AssumedFact] = {}
    lines = []
    for payment, schedule in found:
        facts = {fact.id: fact for fact in schedule.assumptions}
        marks = []
        for mark in payment.rests_on:
            fact = numbered.setdefault((schedule.agreement, mark), replace(facts[mark], id=f"A{len(numbered) + 1}"))
            marks.append(fact.id)
        lines.append(DuePayment(schedule.agreement, replace(payment, rests_on=tuple(marks))))
    gaps = []
    for s in schedules:
        before = tuple(sorted({p.due_on for p in overdue(s.payments) if p.due_on < start}))
        done = s.payments and max(p.due_on for p in s.payments) < start and not (s.issued_later or before)
        if (s.not_on_file or s.record_ends or s.caveats or s.issued_later or before) and not done:
            gaps.append(ScheduleGaps(s.agreement, s.not_on_file, s.record_ends, s.caveats, s.issued_later, before))
    return Due(start, end, as_of, tuple(lines), sum((d.payment.principal for d in lines), ZERO),
               sum((d.payment.interest for d in lines), ZERO), tuple(gaps), tuple(numbered.values()))


def status_as_of(key: str, timeline: Timeline, *, as_of: date, calendar: Container[date] | None) -> Status:
    """What is outstanding, what is overdue, and the next three payments."""
    owed = outstanding_as_of(key, timeline, as_of)
    planned = schedule_as_of(key, timeline, as_of=as_of, calendar=calendar)
    cited = Footnotes().add_timeline(key, timeline)  # only the outstanding figures: the payments shown are never paid ones
    lines = tuple(replace(line, rests_on=cited.cite(key, line.basis)) for line in owed.series)
    return Status(
        lines,
        key,
        as_of,
        {line.series: line.outstanding for line in owed.series},
        tuple(overdue(planned.payments)),
        tuple(p for p in planned.payments if p.status == SCHEDULED)[:3],
        planned.not_on_file,
        tuple(p for p in planned.payments if p.status == NOT_RECORDED),
        {line.series: line.rests_on for line in lines if line.rests_on},
        *_remedies(key, _state(timeline, as_of)),
        planned.overdue_rates if overdue(planned.payments) else {},
        cited.listed(),
        horizon_of(key, timeline).beyond(as_of, REGISTER, PAYMENTS),
        planned.issued_later,
        (*owed.caveats, *planned.caveats),
    )


def accrued_as_of(key: str, timeline: Timeline, as_of: date, *, by_note: bool = True) -> Accrued:
    """Interest accrued on each outstanding note since its last interest date (by the series' day count, to the
    cent). A note that fell due before the date, at its maturity or by an acceleration, accrues nothing (``FellDue``).
    Not ``by_note``, it cites what the holders' holdings rest on alone (as ``register_as_of``)."""
    gap = register_gap(timeline, as_of)
    if gap:  # which notes were outstanding then, and so what accrued on them, is not known
        return Accrued(key, as_of, None, (), (), not_on_file=NOT_ON_FILE + gap)
    state = _state(timeline, as_of)
    horizon = horizon_of(key, timeline)
    cited = Footnotes().add_timeline(key, timeline)
    accelerated = {number: a for a in state.active_accelerations() for number in a.notes}
    lines, fell_due = [], {}
    for note in state.live():
        found = state.series[note.series]
        terms = found.terms
        by = accelerated.get(note.number)
        due = (by.on, f"acceleration {key}:{by.ref}") if by is not None else (terms.maturity, "maturity")
        if as_of > due[0]:
            fell_due.setdefault(due, []).append(note.number)
            continue
        if terms.interest_dates is None:
            raise NotOnFile(f"the interest payment dates of the {terms.key} notes are not on file")
        require_day_count(terms)
        since = state.last_coupon(note.series, as_of)
        paid = found.coupons[since].paid_ref if since in found.coupons else None  # accrual from it assumes it was paid
        lines.append(Accrual(note.number, note.series, note.holder, note.principal, since,
                             days_counted(terms, since, as_of), interest_for(terms, note.principal, since, as_of),
                             cited.cite(key, [*note.basis.assumed, *([paid] if paid else [])]) if by_note else (),
                             cited.cite(key, [*note.basis.held, *([paid] if paid else [])])))
    holders: dict[str, list[Accrual]] = {}
    for line in lines:
        holders.setdefault(line.holder, []).append(line)
    return Accrued(
        key,
        as_of,
        sum((a.accrued for a in lines), ZERO),
        tuple(lines),
        tuple(
            HolderAccrual(
                ", ".join(sorted({str(a.days) for a in held})),
                holder,
                sum((a.principal for a in held), ZERO),
                sum((a.accrued for a in held), ZERO),
                union(*(a.held_on for a in held)),
            )
            for holder, held in holders.items()
        ),
        cited.listed(),
        horizon.beyond(as_of, REGISTER, PAYMENTS),
        tuple(FellDue(on, tuple(notes), why) for (on, why), notes in sorted(fell_due.items())),
        issued_later(timeline, as_of),
        caveats=(*principal_past_record(state, horizon, as_of), *_interest_owed(key, state, _Watch(state, as_of, state.business_calendar(), horizon)),
                 *payment_terms_amended(key, state)),
    )


def _interest_owed(key: str, state: AgreementState, watch: _Watch) -> list[str]:
    """Interest due by the date and not recorded paid, where the record covers it: accrued interest runs from the last
    interest date, so it leaves that interest out, and says so rather than be read as all the interest owed."""
    caveats = []
    for series, found in state.series.items():
        if found.coupon_dates is None or not state.live(series):
            continue
        owed = overdue(_interest(key, state, series, watch))
        if owed:
            dues = [f"{p.due_on} ({p.status})" for p in owed]
            caveats.append(f"{series}: the interest due {' and '.join(dues) if len(dues) < 3 else ', '.join(dues)} is not"
                           " recorded paid; the accrued interest shown runs from the last interest date and leaves it out"
                           " (status lists what is overdue)")
    return caveats


def overdue_rates(state: AgreementState) -> dict[str, OverdueRate]:
    """Each series' rate on overdue amounts as the documents state it: one statement applies as given;
    statements that disagree are all shown and none is applied."""
    found = {}
    for series in state.terms.series:
        statements = tuple(series.overdue_rate)
        if len(statements) == 1:
            found[series.key] = OverdueRate(statements, statements[0], "the only statement on file")
        elif statements:
            found[series.key] = OverdueRate(statements, None, "the documents disagree: every statement is kept, none is"
                                            " applied, and no overdue interest is computed")
    return found


def _remedies(key: str, state: AgreementState) -> tuple[tuple[DefaultLine, ...], tuple[AccelerationLine, ...]]:
    """The Events of Default and accelerations on file as of the state's date."""
    terms = state.terms.defaults
    accelerations = tuple(
        AccelerationLine(
            f"{key}:{a.ref}", a.on, f"{key}:{a.default}", a.automatic, a.declared_by, a.notes, a.principal, a.interest,
            sum((q.premium for q in a.makewhole), ZERO) if a.makewhole else None,
            a.principal + a.interest + sum((q.premium for q in a.makewhole), ZERO),
            f"{key}:{a.rescinded_by}" if a.rescinded_by else None, a.rescinded_on,
            () if a.rescinded_by else tuple(n for n in a.notes if n in state.live_notes),
            f"{key}:{a.paid_by}" if a.paid_by else None, a.paid_on, a.interest_paid, a.interest_since, a.premium_paid,
        )
        for a in state.accelerations.values()
    )
    defaults = tuple(
        DefaultLine(
            f"{key}:{d.ref}", d.on, d.clause, (c.title if (c := terms.clause(d.clause)) else None) if terms else None,
            d.description, f"{key}:{d.waived_by}" if d.waived_by else None, d.waived_on,
            tuple(f"{key}:{a.ref}" for a in state.accelerations.values() if a.default == d.ref),
            None if d.waived_by or (owed := rules.unpaid_past_grace(state, d.clause, state.date)) is None else tuple(owed),
        )
        for d in state.defaults.values()
    )
    return defaults, accelerations


def _declared_due_in_part(key: str, state: AgreementState, series: str) -> list[str]:
    """A declaration on some of a series' notes only (a holder's own, on an each-holder clause): what it leaves
    scheduled of principal on the rest is not computed, so the series' payments of principal are shown whole, those
    notes still in them; coupons after it are the rest's alone."""
    return [f"{series}: notes No. {', '.join(map(str, part))}"
            f" (${format_amount(sum((state.live_notes[n].principal for n in part), ZERO))}) were declared due on"
            f" {acceleration.on} ({key}:{acceleration.ref}), not the rest of the series: the payments of principal"
            " shown are the whole series' and still count those notes (status lists what the declaration made due),"
            " and those on the rest alone are not computed; the interest after the declaration is the rest's alone"
            for acceleration, part in rules.declarations_on(state, series) if not rules.declared_in_full(state, series)]


def _due_beside_principal(key: str, state: AgreementState, series: str | None) -> list[str]:
    """What a declaration made due beside the principal (interest to its date, a make-whole premium), once no note
    it made due is outstanding, where no entry records its payment: not on file, not shown as settled."""
    gaps = []
    for acceleration in [a for a in state.active_accelerations() if a.paid_by is None]:
        notes = [note for number in acceleration.notes if (note := state.note(number)) is not None]
        interest, premium, cancelled = rules.owed_beside_principal(state, acceleration)
        if ((interest or premium) and not any(note.number in state.live_notes for note in notes)
                and (series is None or any(note.series == series for note in notes))):
            besides = f" and a ${format_amount(premium)} make-whole premium" if premium else ""
            owed = (f" (less the part of notes No. {', '.join(map(str, cancelled))}, which the Company cancelled)"
                    if cancelled else "")
            gaps.append(f"the ${format_amount(interest)} of interest{besides} that {key}:{acceleration.ref}"
                        f" made due with the principal{owed}: the notes it made due are no longer outstanding, but no entry"
                        " records a payment of interest or premium with them, so whether they were paid is not known"
                        " (record it: `debtreg pay --kind accelerated`)")
    return gaps


def payment_terms_amended(key: str, state: AgreementState) -> list[str]:
    """Amendments executed by the date that change payment amounts, times or rates, and not lapsed: the payments and
    interest shown are worked out from the terms registered, which an amendment's words do not change, so it is said
    rather than shown as settled."""
    return [f"{a.name} ({key}:{a.ref}), executed as of {a.effective_on}, changes payment amounts, times or rates: the"
            " figures shown are worked out from the terms as registered, which its words do not change (`debtreg"
            " amendments` says whether it is in force)"
            for a in state.amendments.values() if a.executed and a.changes_payments and not a.lapsed]


def overdue(lines: Sequence[Payment]) -> list[Payment]:
    return [p for p in lines if p.status in (UNPAID, IN_GRACE, IN_DEFAULT, DUE)]


class _Watch:
    """The status of a payment not recorded as paid, under the agreement's own default terms."""

    def __init__(self, state: AgreementState, as_of: date, calendar: Container[date] | None, horizon: Horizon) -> None:
        self.as_of, self.calendar, self.horizon = as_of, calendar, horizon
        self.defaults, self.days = state.terms.defaults, state.terms.business_days
        self.missing: set[str] = set()
        self.counted_from_holiday: set[date] = set()  # grace counted from a due date that is not a Business Day

    def payable(self, p: Payment) -> Payment:
        """``p`` with the day it is to be made, where the agreement moves it off a day that is not a Business Day."""
        day = payable_on(p.due_on, self.days, self.calendar)
        return replace(p, payable_on=day) if day is not None and day != p.due_on else p

    def unpaid(self, series: str, kind: str, due_on: date, principal: Decimal, interest: Decimal) -> Payment:
        """A payment not recorded as paid: scheduled, due, unpaid (in grace, in default), or past the record."""
        if due_on > self.as_of:
            return Payment(series, kind, due_on, principal, interest, SCHEDULED)
        grace = None if self.defaults is None else self.defaults.interest if kind == INTEREST else self.defaults.principal
        last_day = self._grace_ends(due_on, grace) if grace is not None else None
        if not self.horizon.recorded(last_day or due_on):
            return Payment(series, kind, due_on, principal, interest, NOT_RECORDED)
        payable = payable_on(due_on, self.days, self.calendar) or due_on
        due = DUE if self.as_of in (due_on, payable) else UNPAID  # (on its due date, or the day it is to be made)
        if grace is None:
            self.missing.add(f"the agreement's Events of Default for unpaid {'interest' if kind == INTEREST else 'principal'}"
                             " are not on file: an unpaid amount is not called a default")
            return Payment(series, kind, due_on, principal, interest, due)
        if last_day is None:
            status = due
        else:
            status = IN_DEFAULT if self.as_of > last_day else DUE if due == DUE else IN_GRACE
            if self.days is not None and self.days.payments is None and self.calendar is not None \
                    and not is_business_day(due_on, self.calendar):
                self.counted_from_holiday.add(due_on)
        default_on = None if last_day is None else last_day + timedelta(days=1)  # paid on the last day of grace is paid
        return Payment(series, kind, due_on, principal, interest, status, default_on=default_on, section=grace.section)

    def _grace_ends(self, due_on: date, grace: GraceTerms) -> date | None:
        """The last day of grace; ``None`` if it is counted in Business Days and the calendar is not on file."""
        if grace.business_days and self.calendar is None:
            self.missing.add("the agreement's Business Day calendar is not on file: grace periods in Business Days are not counted")
        return grace_ends(due_on, grace, self.calendar, days=self.days)

    def gaps(self) -> list[str]:
        days = sorted(self.counted_from_holiday)
        moved = ([f"what the agreement does with a payment due on a day that is not a Business Day"
                  f" ({', '.join(map(str, days))}) is not on file: its grace is counted from that day"] if days else [])
        return sorted(self.missing) + moved


def _state(timeline: Timeline, as_of: date) -> AgreementState:
    state = timeline.state_as_of(as_of)
    if state is None:
        final = timeline.final
        assert isinstance(final, AgreementState)
        return AgreementState(final.terms, as_of)
    assert isinstance(state, AgreementState)
    return state


def _principal(key: str, state: AgreementState, series: str, watch: _Watch) -> list[Payment]:
    found = state.series[series]
    terms = found.terms
    lines = []
    for paid in found.paid:
        kind = MATURITY if paid.due_on == terms.maturity else REQUIRED
        lines.append(Payment(series, kind, paid.due_on, paid.amount, ZERO, PAID, paid.paid_on, f"{key}:{paid.ref}", basis=(paid.ref,)))
    for movement in found.movements:
        if movement.kind == "optional prepayment":
            lines.append(Payment(series, OPTIONAL, movement.on, movement.amount, ZERO, PAID, movement.on, f"{key}:{movement.ref}", basis=(movement.ref,)))
    remaining = found.schedule
    if remaining is None:
        remaining = principal_schedule((), state.outstanding(series), terms.maturity)
    if found.paid_off_on is not None:
        remaining = ()
    if remaining:
        lines += [_accelerated_row(state, series, a, part, watch) for a, part in rules.declarations_on(state, series)]
        if rules.declared_in_full(state, series):
            return lines
    for due in remaining:
        kind = MATURITY if due.due_on == terms.maturity else REQUIRED
        lines.append(watch.unpaid(series, kind, due.due_on, due.amount, ZERO))
    return lines


def _accelerated_row(state: AgreementState, series: str, acceleration: AccelerationOnFile, notes: list[int],
                     watch: _Watch) -> Payment:
    """Notes of a series a declaration made due and not paid: their principal and, until recorded paid beside it, the
    interest to its date and the make-whole premium it made due on them."""
    principal = sum((state.live_notes[n].principal for n in notes), ZERO)
    interest = sum((a.amount for a in acceleration.interest_shares if a.note in notes), ZERO)
    premium = sum((a.amount for a in acceleration.premium_shares if a.note in notes), ZERO)
    if acceleration.paid_by is not None:  # recorded paid beside the principal: the principal alone is owed
        interest = ZERO
    due = watch.unpaid(series, ACCELERATED, acceleration.on, principal, interest)
    return replace(due, makewhole_premium=premium if acceleration.makewhole and acceleration.paid_by is None else None)


def _reacquired_share(state: AgreementState, series: str) -> list[str]:
    """Notes the Company reacquired keep their share of each partial payment of principal, without cash: the payments
    of principal shown are the schedule's, of which that share moves no cash and earns no interest, so it is said."""
    notes = sorted(n for n, (s, left) in state.deemed.items() if s == series and left > 0)
    deemed = state.deemed_total(series)
    if not notes or not state.live(series):
        return []
    section = state.section("pro_rata")
    return [f"{series}: each payment of principal shown is the schedule's, of which the share of notes the Company"
            f" reacquired (No. {', '.join(map(str, notes))}: ${format_amount(deemed)} of"
            f" ${format_amount(deemed + state.outstanding(series))}) is paid without cash"
            + (f" (Section {section})" if section else "") + "; the interest shown is on the other notes alone"]


def _waived(key: str, state: AgreementState, p: Payment) -> Payment:
    """A payment in default with the waiver of the Event of Default recorded on it: one under its section, recorded
    once the payment was unpaid past its grace (it still is), and waived by the date of the view. Whether the
    payment, still unpaid, is in default again is the agreement's question; the row says both facts."""
    if p.status != IN_DEFAULT or p.section is None or p.default_on is None:
        return p
    waived = [d for d in state.defaults.values()
              if d.clause == p.section and d.on >= p.default_on and d.waived_by is not None]
    return replace(p, waived_by=f"{key}:{waived[0].waived_by}", waived_on=waived[0].waived_on) if waived else p


def _cancelled_without_share(key: str, state: AgreementState, series: str) -> list[str]:
    """Notes the Company cancelled that take no share of partial payments: the schedule's payments fall wholly on the
    other notes (``rules.cap_schedule``), which are paid sooner than the schedule of the whole series has it."""
    cancelled = [m for m in state.series[series].movements if m.kind == "cancelled"]
    if not cancelled or state.terms.reacquired_notes_count_pro_rata is not False or not state.live(series):
        return []
    section = state.section("pro_rata")
    return [f"{series}: the notes the Company cancelled ("
            + ", ".join(f"${format_amount(m.amount)}, {key}:{m.ref}" for m in cancelled)
            + ") take no share of payments of principal" + (f" (Section {section})" if section else "")
            + ": each scheduled payment is made in full on the other notes until they are paid"]


def _reckoned_without(series: str, principal: list[Payment], interest: list[Payment]) -> list[str]:
    """Interest scheduled after a principal payment past the record's end is reckoned on the principal recorded
    outstanding, as if that payment were not made: whether it was is not on file, so the amounts are said to be so."""
    unrecorded = next((p for p in principal if p.status == NOT_RECORDED), None)
    if unrecorded is None or not any(p.status == SCHEDULED and p.due_on > unrecorded.due_on for p in interest):
        return []
    return [f"{series}: interest due after {unrecorded.due_on} is reckoned on the principal recorded outstanding; the"
            f" {unrecorded.kind} due then is past the record and not recorded: paid, it would reduce that interest"]


def _interest(key: str, state: AgreementState, series: str, watch: _Watch) -> list[Payment]:
    found = state.series[series]
    terms = found.terms
    lines = []
    live, deemed = state.outstanding(series), state.deemed_total(series)
    principal_left = live + deemed  # what the schedule is of: reacquired notes keep their share of it (Section 5.4)
    previous = found.accrues_from
    for due in found.coupon_dates or ():
        if found.paid_off_on is not None and due > found.paid_off_on:
            break
        if rules.declared_due_before(state, series, due):
            break  # interest after it is part of what the declarations made due
        coupon = found.coupons.get(due)
        if coupon is not None:
            without = coupon.declared_due if coupon.paid_ref is not None else rules.declared_due_notes(state, series, due)
            amount, _ = state.coupon_interest(series, due, without)
            if coupon.paid_ref is not None:
                lines.append(Payment(series, INTEREST, due, ZERO, amount, PAID, coupon.paid_on, f"{key}:{coupon.paid_ref}", basis=(coupon.paid_ref,)))
            else:
                lines.append(watch.unpaid(series, INTEREST, due, ZERO, amount))
        else:
            before = principal_left - sum((p.amount for p in found.schedule or () if watch.as_of < p.due_on < due), ZERO)
            if before <= 0:
                break  # the schedule pays every note before it: no interest falls due then
            made_due = rules.declared_before(state, due)  # a holder's own, declared due: no coupon
            declared = sum((n.principal for n in state.live(series) if n.number in made_due), ZERO)
            if deemed or declared:  # the interest is the live notes' alone, but those declared due
                before = allocate(before, [live - declared, declared, deemed])[0]
            assert previous is not None
            lines.append(Payment(series, INTEREST, due, ZERO, interest_for(terms, before, previous, due), SCHEDULED))
        previous = due
    return lines
