"""The agreement's rules, one function each.

Each function states one rule and refuses with the error that names it and the
section of the agreement that states it. ``domain.evolve`` calls them whenever
a timeline is folded, so a rule holds for a command, for a backdated entry and
after a reversal alike; ``domain.decide`` calls the few it needs before it can
compute a command's events (the coupon a payment is for, the instalment due).
"""

from __future__ import annotations

from collections.abc import Collection, Container, Mapping, Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, NamedTuple

from domain.consent import ALL_HOLDERS, format_share, more_needed, parse_threshold, tally
from domain.daycount import ACTUAL_ACTUAL_ICMA, convention
from domain.errors import (
    AcceleratedPaymentRefused,
    AccelerationRefused,
    AllocationMismatch,
    AnnulmentRefused,
    BeforeIssuance,
    BelowMinimumDenomination,
    ConsentRefused,
    DeclaredDue,
    HorizonRefused,
    InvalidAmount,
    InvalidCommand,
    InvalidTerms,
    IssueRefused,
    NameRefused,
    NoDefaultToActOn,
    NotAMultiple,
    NotesPaidOff,
    NoticeRefused,
    NotOnFile,
    NotYetInDefault,
    OverIssuance,
    OverPayment,
    OverTransfer,
    RegisterMismatch,
    ReleaseRefused,
    ReplacementRefused,
    ShareNotMet,
    TextRefused,
    TransferRefused,
    UnknownAmendment,
    UnknownClause,
    UnknownHolder,
    UnknownNote,
    UnscheduledPayment,
    WaiverRefused,
)
from domain.money import ZERO, allocate, cents, format_amount, from_cents
from domain.schedule import business_days_after, days_counted, grace_ends, interest_pattern
from domain.values import AgreementTerms, Allocation, GraceTerms, NoticeTerms, ScheduledPayment, SeriesTerms

if TYPE_CHECKING:
    from domain.state import (
        AccelerationOnFile,
        AgreementState,
        AmendmentOnFile,
        Coupon,
        DefaultOnFile,
        GuarantyState,
        HolderState,
        Note,
        NoticeOnFile,
        SeriesState,
    )


# ----------------------------------------------------------------- arithmetic


def pro_rata(amount: Decimal, principals: Mapping[int, Decimal]) -> dict[int, Decimal]:
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


def cap_schedule(remaining: Sequence[ScheduledPayment], total: Decimal) -> tuple[ScheduledPayment, ...]:
    """The scheduled payments made in full, earliest first, until ``total`` is paid: the last cut to what is left,
    any after it dropped. So a schedule runs once notes the Company cancelled take no share of partial payments
    (reacquired notes not counting pro rata): each payment falls wholly on the notes left, which are paid sooner."""
    capped, left = [], total
    for payment in remaining:
        if left <= 0:
            break
        capped.append(ScheduledPayment(payment.due_on, min(payment.amount, left)))
        left -= capped[-1].amount
    return tuple(capped)


def prepaid_portions(remaining: Sequence[ScheduledPayment], amount: Decimal) -> tuple[ScheduledPayment, ...]:
    """The part of each remaining scheduled payment that a prepayment of ``amount`` pays off.

    Derived from ``reduce_schedule``, the reduction the register records, so the
    make-whole quote (Section 10.1) and the schedule after the prepayment never
    differ by a cent.
    """
    total = sum((p.amount for p in remaining), ZERO)
    reduced = reduce_schedule(remaining, total - amount)
    return tuple(
        ScheduledPayment(before.due_on, before.amount - after.amount)
        for before, after in zip(remaining, reduced, strict=True)
    )


def principal_schedule(
    required: Sequence[ScheduledPayment], principal: Decimal, maturity: date
) -> tuple[ScheduledPayment, ...]:
    """Required prepayments then the balance due at maturity (Section 5.1(a))."""
    balance = principal - sum((payment.amount for payment in required), ZERO)
    return tuple(required) + ((ScheduledPayment(due_on=maturity, amount=balance),) if balance else ())


# ------------------------------------------------------------------- the terms


def check_terms(terms: AgreementTerms) -> None:
    """An agreement's terms hang together where they are given: dates in order, every series sound."""
    if terms.closing_on is not None and terms.closing_on < terms.dated_as_of:
        raise InvalidTerms(
            f"the closing, {terms.closing_on}, is before the agreement's date, {terms.dated_as_of}", field="closing_on"
        )
    defaults = terms.defaults
    thresholds = {"amendment_threshold": terms.amendment_threshold}
    if defaults is not None:
        thresholds |= {"defaults.acceleration_threshold": defaults.acceleration_threshold,
                       "defaults.rescission_threshold": defaults.rescission_threshold}
    for name, threshold in thresholds.items():
        if threshold is not None:
            try:
                parse_threshold(threshold)
            except InvalidCommand as error:
                raise InvalidTerms(error.message, field=name) from None
    if defaults is not None and defaults.clauses:
        for name, listed in (("automatic", defaults.automatic), ("each_holder", defaults.each_holder)):
            unknown = [c for c in listed if defaults.clause(c) is None]
            if unknown:
                raise InvalidTerms(f"{', '.join(unknown)} is not among the Events of Default on file"
                                   f" ({', '.join(c.clause for c in defaults.clauses)})", field=f"defaults.{name}")
    check_new_series(terms, terms.series, terms.dated_as_of)


def check_new_series(terms: AgreementTerms, added: Sequence[SeriesTerms], on: date) -> None:
    """Series added (at registration or by a supplement) have keys of their own and sound terms."""
    keys = [s.key for s in terms.series]
    for index, series in enumerate(added):
        if keys.count(series.key) > 1:
            raise InvalidTerms(f"two series are called {series.key!r}; each needs a key of its own", field=f"series.{index}.key")
        check_series_terms(series, on, index)


def check_series_terms(series: SeriesTerms, on: date, index: int) -> None:
    """A series' terms hang together: principal, maturity after its date, schedule within them,
    interest dates evenly spaced, a day count debtreg computes, rate steps inside its life."""
    def refuse(message: str, name: str) -> InvalidTerms:
        return InvalidTerms(f"the {series.key} notes: {message}", field=f"series.{index}.{name}")

    if series.principal <= 0:
        raise refuse("the principal must be positive", "principal")
    if series.maturity <= on:
        raise refuse(f"they mature on {series.maturity}, not after {on}, the date they are put on the registry", "maturity")
    closing = series.closing_on
    if closing is not None and not on <= closing < series.maturity:
        raise refuse(f"their closing, {closing}, is not between {on} and maturity", "closing_on")
    schedule = series.required_prepayments or ()
    if any(not on < p.due_on < series.maturity or p.amount <= 0 for p in schedule):
        raise refuse("every required prepayment is a positive amount due after the agreement's date and before maturity",
                     "required_prepayments")
    if list(schedule) != sorted(schedule, key=lambda p: p.due_on) or len({p.due_on for p in schedule}) < len(schedule):
        raise refuse("required prepayments are in date order, one a date", "required_prepayments")
    if sum((p.amount for p in schedule), ZERO) > series.principal:
        raise refuse(f"required prepayments add up to more than the principal, ${format_amount(series.principal)}",
                     "required_prepayments")
    if series.interest_dates is not None:
        try:
            interest_pattern(series)
        except InvalidTerms as error:
            raise refuse(error.message, "interest_dates") from None
    if series.day_count is not None:
        try:
            convention(series.day_count)
        except InvalidTerms as error:
            raise refuse(error.message, "day_count") from None
    if any(not on < s.starts_on < series.maturity for s in series.rate_steps):
        raise refuse("every rate step starts after the agreement's date and before maturity", "rate_steps")
    for name, amount in (("min_denomination", series.min_denomination), ("optional_prepayment_multiple", series.optional_prepayment_multiple)):
        if amount is not None and amount <= 0:
            raise refuse(f"{name} must be positive", name)
    makewhole = series.makewhole
    if makewhole is not None:
        known = (
            makewhole.compounding in ("annual", "semi-annual", "quarterly", "monthly")
            and makewhole.interpolation == "linear"
            and makewhole.outside_curve in ("refuse", "nearest")
            and makewhole.average_life in ("nearest twelfth", "exact")
        )
        if not known or convention(makewhole.day_count).name == ACTUAL_ACTUAL_ICMA:
            raise refuse("the make-whole definition is not one debtreg computes; see `debtreg reference`", "makewhole")


# ------------------------------------------------------------------- the notes


def require_registered(state: object | None, on: date, kind: str = "agreement", dated: date | None = None) -> None:
    """Nothing happens to an agreement (a guaranty, a holder) before it takes effect on the registry; the refusal
    says from when it is, where the caller knows (the agreement's date)."""
    if state is None:
        raise BeforeIssuance(f"nothing can happen on {on}: the {kind} is not yet in force then"
                             + (f"; it is dated as of {dated}" if dated is not None and on < dated else ""))


def check_within_principal(series: SeriesState, amount: Decimal, section: str | None) -> None:
    """Notes issued never exceed the series' aggregate principal."""
    issued = series.total("issued") + amount
    if issued > series.terms.principal:
        raise OverIssuance(
            f"issuing ${format_amount(amount)} of {series.terms.title} would bring the notes"
            f" issued to ${format_amount(issued)}, over the ${format_amount(series.terms.principal)}"
            " the agreement provides",
            section=section,
        )


def check_issued_at_closing(series: SeriesState, closing: date | None, on: date, section: str | None) -> None:
    """Notes are issued at their closing, when the closing date is on file (Section 1.2 of the 1995 agreement)."""
    if closing is not None and on != closing:
        raise IssueRefused(
            f"the {series.terms.key} notes are issued at the closing on {closing}, not on {on}", section=section
        )


def check_issued_in_full(series: SeriesState, amount: Decimal, section: str | None) -> None:
    """A series is issued in full at its closing: the notes issued add up to its principal.

    Notes sold at several closings are several series (a supplement adds them).
    """
    issued = series.total("issued") + amount
    if issued != series.terms.principal:
        raise IssueRefused(
            f"notes for ${format_amount(amount)} of the {series.terms.key} notes would leave"
            f" ${format_amount(series.terms.principal - issued)} of its ${format_amount(series.terms.principal)}"
            " unissued: a series is issued in full at its closing (a later closing is a supplement's series)",
            section=section,
        )


def check_register_not_started(series: SeriesState, on: date) -> None:
    """An opening register starts a series' register; it cannot restate one already on file."""
    if series.first_on is not None:
        raise IssueRefused(
            f"the register of the {series.terms.key} notes is already on file before {on};"
            " an opening register starts a register, it cannot restate one"
        )


def check_new_certificate(state: AgreementState, number: int, principal: Decimal) -> None:
    """Note numbers are never reused, and every note has a principal."""
    if state.note(number) is not None:
        raise IssueRefused(f"note number {number} is already used; numbers are never reused")
    if principal <= 0:
        raise IssueRefused(f"note No. {number} must have a positive principal")


def require_not_paid_off(series: SeriesState, on: date) -> None:
    """Nothing happens to notes once their series is paid off."""
    if series.paid_off_on is not None and on >= series.paid_off_on:
        raise NotesPaidOff(
            f"the {series.terms.key} notes were paid off on {series.paid_off_on};"
            f" nothing can happen to them on {on}"
        )


def require_outstanding(state: AgreementState, series: str, on: date) -> SeriesState:
    """The series has notes outstanding on ``on``: issued by then, not yet paid off."""
    found = state.series_state(series)
    require_not_paid_off(found, on)
    if found.first_on is None:
        raise BeforeIssuance(f"no {series} notes had been issued by {on}")
    return found


def require_live_note(state: AgreementState, number: int, on: date) -> Note:
    """A note acted on is on the register and outstanding on the date."""
    note = state.note(number)
    if note is None:
        raise UnknownNote(f"there is no note No. {number} on the register on {on}")
    if number not in state.live_notes:
        raise UnknownNote(f"note No. {number} was {note.status} on {note.closed_on}; it is not outstanding on {on}")
    require_not_paid_off(state.series[note.series], on)
    return note


def check_surrendered_by_holder(note: Note, transferor: str, on: date, section: str | None) -> None:
    """Only the registered holder of a note surrenders it (Section 6.1)."""
    if note.holder != transferor:
        raise UnknownNote(f"note No. {note.number} is held by {note.holder} on {on}, not by {transferor}", section=section)


def check_not_to_self(transferor: str, transferee: str) -> None:
    """A transfer goes to another holder."""
    if transferor.casefold() == transferee.casefold():
        raise TransferRefused(f"{transferor} cannot transfer notes to itself")


def check_replaces_note(note: Note, parts: Sequence[Decimal], series: Collection[str], on: date, section: str | None) -> None:
    """New notes given for a surrendered one are of its series and add up to its unpaid principal."""
    given = sum(parts, ZERO)
    if given != note.principal:
        raise OverTransfer(
            f"note No. {note.number} has ${format_amount(note.principal)} unpaid on {on};"
            f" new notes for ${format_amount(given)} cannot replace it",
            section=section,
        )
    if any(s != note.series for s in series):
        raise TransferRefused(f"notes given for note No. {note.number} must be {note.series} notes")


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


def check_register_matches(
    stated: Mapping[tuple[str, str], Decimal], actual: Mapping[tuple[str, str], Decimal], on: date
) -> None:
    """A schedule of holders on file (an Annex 1) agrees with the register, to the cent."""
    if stated == actual:
        return
    differences = [
        f"{holder} {series}: register ${format_amount(actual.get((holder, series), ZERO))},"
        f" schedule ${format_amount(stated.get((holder, series), ZERO))}"
        for holder, series in sorted(set(stated) | set(actual))
        if stated.get((holder, series)) != actual.get((holder, series))
    ]
    raise RegisterMismatch(
        f"the register as of {on} differs from the schedule of holders on file: " + "; ".join(differences)
    )


def check_horizon(state: AgreementState, until: date | None) -> None:
    """The record cannot run out before the agreement was made."""
    if until is not None and until < state.terms.dated_as_of:
        raise HorizonRefused(f"the record cannot end on {until}, before the agreement's date, {state.terms.dated_as_of}")


# -------------------------------------------------------------------- payments


def check_principal_payment(amount: Decimal, outstanding: Decimal, series: str, on: date, section: str | None) -> None:
    """A payment of principal is positive and no more than what is outstanding."""
    if amount <= 0 or amount > outstanding:
        raise OverPayment(
            f"a prepayment of ${format_amount(amount)} on {on}: the {series} notes have"
            f" ${format_amount(outstanding)} outstanding",
            section=section,
        )


def check_multiple(amount: Decimal, multiple: Decimal | None, *, whole: Decimal, section: str | None) -> None:
    """An optional prepayment in part is a whole multiple of ``multiple``; one in whole, of all ``whole`` outstanding,
    is of no multiple ("in whole or in part, in multiples of $1,000,000", Section 5.2 of the 1995 agreement)."""
    if multiple is not None and amount != whole and cents(amount) % cents(multiple):
        raise NotAMultiple(
            f"an optional prepayment in part must be a multiple of ${format_amount(multiple)};"
            f" ${format_amount(amount)} is not (in whole it is ${format_amount(whole)})",
            section=section,
        )


def next_instalment(series: SeriesState, on: date, section: str | None) -> ScheduledPayment:
    """The earliest required prepayment not yet paid, if it is due by ``on`` (Section 5.1(a))."""
    prepayments = [p for p in series.schedule or () if p.due_on != series.terms.maturity]
    if not prepayments:
        raise UnscheduledPayment(f"no required prepayment of the {series.terms.key} notes remains on {on}", section=section)
    due = prepayments[0]
    if on < due.due_on:
        raise UnscheduledPayment(
            f"no required prepayment is due on {on}: the next is ${format_amount(due.amount)} due {due.due_on}",
            section=section,
        )
    return due


def check_instalment_amount(due: ScheduledPayment, amount: Decimal, section: str | None) -> None:
    """A required prepayment pays the scheduled amount, no more and no less."""
    if amount != due.amount:
        raise UnscheduledPayment(
            f"the required prepayment due {due.due_on} is ${format_amount(due.amount)}, not ${format_amount(amount)}",
            section=section,
        )


def check_prepayment_interest(
    expected: Decimal | None, given: Decimal, amount: Decimal, on: date, section: str | None
) -> None:
    """A prepayment carries the interest accrued on the amount prepaid since the last interest date."""
    if expected is not None and given != expected:
        raise UnscheduledPayment(
            f"interest on a prepayment of ${format_amount(amount)} on {on} is ${format_amount(expected)}"
            f" (accrued from the last interest date), not ${format_amount(given)}",
            section=section,
        )


def check_interest_on(recorded: Decimal | None, paid: Decimal, section: str | None) -> None:
    """A prepayment's interest and make-whole are on the principal paid to holders (a reacquired note's share is paid
    to no one)."""
    if recorded is not None and recorded != paid:
        raise AllocationMismatch(
            f"the interest recorded with this prepayment is on ${format_amount(recorded)}; on the register as of its"
            f" date holders are paid ${format_amount(paid)} of it",
            section=section,
        )


def check_pro_rata(
    expected: Mapping[int, Decimal],
    allocations: Sequence[Allocation],
    deemed: Collection[int],
    *,
    what: str,
    section: str | None,
) -> None:
    """A partial payment is allocated among the notes in proportion to unpaid principal (Section 5.4);
    notes the Company reacquired take their share without cash, and are marked so."""
    given = {a.note: a.amount for a in allocations}
    marked = {a.note for a in allocations if a.deemed}
    if given != {n: a for n, a in expected.items() if a} or marked != {n for n in given if n in deemed}:
        raise AllocationMismatch(
            f"{what} is allocated among the notes in proportion to unpaid principal: {describe(expected)};"
            f" the entry allocates {describe(given)}",
            section=section,
        )


def check_at_maturity(series: SeriesState, on: date, section: str | None, due: Sequence[Note]) -> None:
    """Payment in full is made on or after the maturity date, or of notes declared due (``notes_due_in_full``)."""
    if not due:
        raise UnscheduledPayment(
            f"the {series.terms.key} notes mature on {series.terms.maturity}; a payment on {on}"
            " is a prepayment, not payment at maturity",
            section=section,
        )


def notes_due_in_full(state: AgreementState, key: str, on: date) -> list[Note]:
    """The notes of a series payable in full on ``on``: every one from its maturity; before it, those a declaration
    (or an automatic acceleration) in force made due: a holder's own, or all."""
    live = state.live(key)
    if on >= state.series_state(key).terms.maturity:
        return live
    declared = {number for _, part in declarations_on(state, key, on) for number in part}
    return [note for note in live if note.number in declared]


def check_pays_in_full(expected: Mapping[int, Decimal], allocations: Sequence[Allocation], series: str) -> None:
    """Payment at maturity pays each outstanding note in full, in cash."""
    given = {a.note: a.amount for a in allocations}
    if given != dict(expected) or any(a.deemed for a in allocations):
        raise AllocationMismatch(
            f"payment at maturity must pay each outstanding {series} note in full:"
            f" {describe(expected)}; the entry pays {describe(given)}"
        )


def require_coupon(series: SeriesState, due_on: date, on: date, section: str | None) -> Coupon:
    """Interest is paid for an interest date passed, once, not before it is due."""
    if on < due_on:
        raise UnscheduledPayment(f"interest due {due_on} cannot be paid before it is due, on {on}", section=section)
    coupon = series.coupons.get(due_on)
    if coupon is None:
        raise UnscheduledPayment(
            f"no interest on the {series.terms.key} notes is due on {due_on}; it is paid on"
            f" {', '.join(series.terms.interest_dates or ()) or 'dates not on file'} (month-day)",
            section=section,
        )
    if coupon.paid_ref is not None:
        raise UnscheduledPayment(f"the interest due {due_on} was paid on {coupon.paid_on}", section=section)
    return coupon


def declared_due_before(state: AgreementState, series: str, due_on: date) -> list[AccelerationOnFile]:
    """The accelerations in force that together made every note of ``series`` due before ``due_on`` (none if they did
    not): the interest to their dates is part of what they made due, so no coupon falls due after them."""
    return declared_in_full(state, series, due_on - timedelta(days=1))


def declared_in_full(state: AgreementState, series: str, by: date | None = None) -> list[AccelerationOnFile]:
    """The declarations in force, made on or before ``by`` (whenever made, if None), that together made every
    outstanding note of ``series`` due (none if they did not): nothing else is then scheduled on it."""
    live = {note.number for note in state.live(series)}
    found = declarations_on(state, series, by)
    return [a for a, _ in found] if live and live <= {n for _, part in found for n in part} else []


def declarations_on(state: AgreementState, series: str, by: date | None = None) -> list[tuple[AccelerationOnFile, list[int]]]:
    """The declarations in force on a series' outstanding notes, made on or before ``by`` (whenever made, if None),
    each with the outstanding notes of the series it made due, in number order: a holder's own, or all. The one
    reading of "declared due" that paying in full, coupons, prepayments and the schedule share."""
    live = {note.number for note in state.live(series)}
    return [(a, part) for a in state.active_accelerations()
            if (by is None or a.on <= by) and (part := sorted(live & set(a.notes)))]


def declared_before(state: AgreementState, day: date) -> set[int]:
    """The notes declarations in force made due before ``day``: no coupon falls due on them after (the interest to a
    declaration is part of what it made due)."""
    return {n for a in state.active_accelerations() if a.on < day for n in a.notes}


def declared_due_notes(state: AgreementState, series: str, due_on: date) -> tuple[int, ...]:
    """The notes of a coupon's holders that declarations in force made due before its date (a holder's own): they
    take no share of it (``declared_before``)."""
    return tuple(sorted(declared_before(state, due_on) & set(state.series_state(series).coupons[due_on].principals)))


def check_declared_due_left_out(recorded: Sequence[int] | None, expected: Sequence[int], section: str | None) -> None:
    """A coupon recorded paid leaves out the notes declared due before it, as the register as of its date has them
    (one recorded before the rule, without the field, is taken as it was paid)."""
    if recorded is not None and tuple(recorded) != tuple(expected):
        raise DeclaredDue(
            f"the interest recorded paid leaves out notes No. {', '.join(map(str, recorded))}; on the register as of its"
            f" date the notes declared due before it are {', '.join(f'No. {n}' for n in expected) or 'none'}",
            section=section)


def check_not_declared_due(state: AgreementState, series: str, on: date, instead: str, section: str | None) -> None:
    """Once every note of a series was declared due (Section 9.2 of the 1995 agreement), what they owe is what the
    declarations made due, with the interest to their dates: no coupon falls due after them, and no prepayment is
    made of them (``instead`` says which, in words)."""
    found = declared_due_before(state, series, on)
    if found:
        by = ", ".join(f"No. {a.ref} on {a.on}" for a in found)
        raise DeclaredDue(f"every {series} note was declared due before {on} ({by}): {instead}", section=section)


def check_none_declared_due(state: AgreementState, series: str, on: date, section: str | None) -> None:
    """An optional prepayment is not made while some notes of its series are declared due and unpaid (a holder's own,
    Section 9.2 of the 1995 agreement): pro rata it would pay part of them again, with a make-whole on what the
    declaration already made due with its own."""
    found = declarations_on(state, series, on)
    if found:
        (acceleration, due), *_ = found
        raise DeclaredDue(
            f"{series} notes No. {', '.join(map(str, due))} were declared due on {acceleration.on} (No."
            f" {acceleration.ref}) and are not paid: an optional prepayment pro rata would pay part of them, and the"
            " declaration already made them due in full, with its make-whole; record their payment in full first"
            " (`debtreg pay --kind maturity`)", section=section)


def check_coupon_amount(series: SeriesState, coupon: Coupon, expected: Decimal, amount: Decimal, section: str | None,
                        without: Sequence[int] = ()) -> None:
    """The interest paid on an interest date is what the terms make due, to the cent (``without`` the notes declared
    due before it)."""
    if amount != expected:
        principal = sum((p for n, p in coupon.principals.items() if n not in without), ZERO)
        besides = f" (notes No. {', '.join(map(str, without))}, declared due before it, take none)" if without else ""
        raise UnscheduledPayment(
            f"the interest due {coupon.due_on} on ${format_amount(principal)}{besides}"
            f" of {series.terms.key} notes is ${format_amount(expected)} ({days_counted(series.terms, coupon.start, coupon.due_on)}"
            f" days at {series.terms.rate_on(coupon.start)}%, {series.terms.day_count}), not ${format_amount(amount)}",
            section=section,
        )


def check_makewhole_given(series: SeriesState, kind: str, quoted: object | None, section: str | None) -> None:
    """An optional prepayment of notes with a make-whole records the quote its price came from."""
    if kind == "optional" and series.terms.makewhole is not None and quoted is None:
        raise InvalidCommand(
            f"an optional prepayment of the {series.terms.key} notes is at the greater of par and the Makewhole Price;"
            " give the Treasury curve of the prepayment date",
            section=section,
        )


def check_makewhole_matches(recorded: object, recomputed: object, section: str | None) -> None:
    """The make-whole recorded with a prepayment is the one the register as of its date gives."""
    if recorded != recomputed:
        premium = getattr(recomputed, "premium", None)
        raise AllocationMismatch(
            "the make-whole recorded with this prepayment no longer matches the register: on the register as of"
            f" its date the premium is ${format_amount(premium) if premium is not None else 'not computable'}",
            section=section,
        )


# -------------------------------------------------------------------- remedies


def check_default_clause(terms: AgreementTerms, clause: str, section: str | None) -> None:
    """An Event of Default is one the agreement defines, when its list is on file."""
    defaults = terms.defaults
    if defaults is not None and defaults.clauses and defaults.clause(clause) is None:
        raise UnknownClause(
            f"{clause!r} is not an Event of Default of the agreement; they are "
            + ", ".join(f"{c.clause} ({c.title})" for c in defaults.clauses),
            section=section,
        )


def check_payment_default(state: AgreementState, clause: str, on: date) -> None:
    """An Event of Default for a payment not made (under the clause the terms give unpaid interest or principal) exists
    once a payment is unpaid past its grace: one recorded while every such payment due is paid, or may still be paid,
    is refused, naming when its grace ends. Where what falls due is not on file (interest dates, the schedule of
    principal, the calendar) or notes were declared due, it is not known, and nothing is refused."""
    found = _graces(state, clause, on)
    if not found or any(last < on for _, _, owed in found for last in owed.values()):
        return
    kind, grace, owed = next((kinds for kinds in found if kinds[2]), found[0])  # (a clause may be of both kinds)
    unit = "Business Day" if grace.business_days else "day"
    defined = (f"an Event of Default under {clause} is {kind} unpaid "
               + (f"{grace.days} {unit}{'s' if grace.days != 1 else ''} after it is due" if grace.days else "after its due date"))
    if not owed:
        raise NotYetInDefault(f"{defined}; no {kind} is unpaid on {on}", section=clause)
    due, last = min(owed.items())
    may = "may still be paid that day" if last == due else f"may be paid to {last}"
    raise NotYetInDefault(f"{defined}: the {kind} due {due} {may}, so none exists before {last + timedelta(days=1)}",
                          section=clause)


def unpaid_past_grace(state: AgreementState, clause: str, on: date) -> list[date] | None:
    """The due dates of the payments a payment default under ``clause`` concerns that are unpaid past their grace on
    ``on``; ``None`` where ``clause`` is not the terms' clause for unpaid interest or principal, or that is not known
    (as ``check_payment_default``)."""
    found = _graces(state, clause, on)
    return None if not found else sorted(due for _, _, owed in found for due, last in owed.items() if last < on)


def payment_defaults_unrecorded(state: AgreementState, on: date) -> str:
    """Where a remedy finds no Event of Default recorded, the payment defaults the schedule shows on ``on`` (a payment
    unpaid past its grace, under the clause the terms give it), to be recorded first; "" where there are none."""
    defaults = state.terms.defaults
    clauses = dict.fromkeys(g.section for g in (defaults.interest, defaults.principal) if g) if defaults else {}
    found = [(dues[0], clause) for clause in clauses if (dues := unpaid_past_grace(state, clause, on))]
    return "".join(f"; the payment due {due} is unpaid past its grace, an Event of Default under {clause}"
                   for due, clause in sorted(found))


def _graces(state: AgreementState, clause: str, on: date) -> list[tuple[str, GraceTerms, dict[date, date]]] | None:
    """For each kind of payment (interest, principal) whose default the terms define under ``clause``: its grace, and
    each payment of it due by ``on`` and unpaid then, with the last day of its grace; ``None`` where any is not known."""
    defaults, found = state.terms.defaults, []
    for kind, grace in (("interest", defaults.interest), ("principal", defaults.principal)) if defaults else ():
        if grace is None or grace.section != clause:
            continue
        unpaid, calendar = _unpaid_by(state, kind, on), state.business_calendar()
        owed = {due: grace_ends(due, grace, calendar, days=state.terms.business_days) for due in unpaid or ()}
        if unpaid is None or None in owed.values():
            return None
        found.append((kind, grace, owed))
    return found  # type: ignore[return-value] - no None in it, as checked


def _unpaid_by(state: AgreementState, kind: str, on: date) -> list[date] | None:
    """The due dates of the interest (or principal) due by ``on`` and not paid by then, of every series with notes
    outstanding; ``None`` where that is not known (see ``check_payment_default``)."""
    unpaid = []
    for series in state.series.values():
        if not state.live(series.terms.key):
            continue
        if kind == "interest":
            if series.coupon_dates is None:
                return None
            unpaid += [c.due_on for c in series.coupons.values() if c.paid_ref is None and c.due_on <= on
                       and not declared_due_before(state, series.terms.key, c.due_on)]
        else:
            if series.terms.required_prepayments is None or state.active_accelerations():
                return None
            unpaid += [p.due_on for p in series.schedule or () if p.due_on <= on]
    return unpaid


def require_continuing_default(state: AgreementState, ref: int, on: date, section: str | None) -> DefaultOnFile:
    """A remedy rests on an Event of Default recorded by its date and not waived."""
    found = state.defaults.get(ref)
    if found is None or found.on > on:
        known = ", ".join(f"No. {d.ref} ({d.clause}, {d.on})" for d in state.defaults.values()) or "none"
        raise NoDefaultToActOn(f"no Event of Default is recorded as No. {ref} by {on} (recorded: {known})", section=section)
    if found.waived_by is not None:
        raise NoDefaultToActOn(f"the Event of Default No. {ref} ({found.clause}) was waived on {found.waived_on}", section=section)
    return found


def require_reacquired_rule(terms: AgreementTerms) -> bool:
    """Whether a note the Company reacquires still takes its share of partial payments (Section 5.4 of the 1995
    agreement says it does): a cancellation needs the agreement's answer, for every partial payment after it rests
    on it."""
    if terms.reacquired_notes_count_pro_rata is None:
        raise NotOnFile("whether a note the Company reacquires still counts pro rata in partial payments is not on file in"
                        " the agreement's terms: give reacquired_notes_count_pro_rata (by a terms-corrected entry) before"
                        " recording a cancellation", section=terms.section("pro_rata"))
    return terms.reacquired_notes_count_pro_rata


def require_threshold(threshold: str | None, what: str, section: str | None) -> str:
    """A remedy by a share of the holders needs that share on file."""
    if threshold is None:
        raise NotOnFile(f"the share of holders that may {what} is not on file in the agreement's terms", section=section)
    return threshold


def check_declared_by(
    state: AgreementState, declared_by: Sequence[str], excluded: Sequence[str], threshold: str, what: str,
    section: str | None,
) -> None:
    """Holders of record on the date, holding at least ``threshold`` of the principal that counts."""
    check_holders_of_record(state, declared_by, section)
    counted = tally(state.holdings(), declared_by, excluded, threshold=threshold)
    if not counted.met:
        [all_series] = counted.classes
        needed = "every holder" if threshold == ALL_HOLDERS else f"holders of at least {threshold}"
        raise ShareNotMet(
            f"to {what} needs {needed} of the ${format_amount(all_series.voting)} that counts;"
            f" {'; '.join(declared_by)} {'holds' if len(declared_by) == 1 else 'hold'} ${format_amount(all_series.consenting)}"
            f" ({format_share(all_series.share)}){more_needed(all_series.wanting(counted.required), '; ')}",
            section=section,
        )


def check_holders_of_record(state: AgreementState, names: Sequence[str], section: str | None) -> None:
    """Who acts for the holders is a holder of record on the date."""
    holders = state.holders()
    for holder in names:
        if holder not in holders:
            raise UnknownHolder(f"{holder!r} is not a holder on {state.date}; the holders are: {'; '.join(holders)}",
                                section=section)


def check_acceleration(event_notes: Sequence[int], expected: Sequence[int], recorded: object, due: object,
                       section: str | None) -> None:
    """An acceleration covers the notes its grounds reach, and what it records as due is what they owe then."""
    if sorted(event_notes) != sorted(expected):
        raise AccelerationRefused(
            f"the acceleration covers notes {', '.join(map(str, sorted(event_notes)))}; on its grounds it covers"
            f" {', '.join(map(str, sorted(expected))) or 'none'}", section=section,
        )
    if recorded != due:
        raise AllocationMismatch("what the acceleration records as due no longer matches the register as of its date",
                                 section=section)


def notes_accelerated(
    state: AgreementState, default: DefaultOnFile, automatic: bool, declared_by: Sequence[str], section: str | None
) -> list[int]:
    """The notes an Event of Default makes due (Section 9.2 of the 1995 agreement): every note, automatically,
    on an automatic clause; a declaring holder's own notes on an each-holder clause; every note when holders
    of the acceleration threshold declare it, on any other."""
    terms = state.terms.defaults
    if terms is None:
        raise NotOnFile("the agreement's Events of Default and their remedies are not on file", section=section)
    live = not_yet_accelerated(state, [note.number for note in state.live()])
    if default.clause in terms.automatic:
        return live
    if automatic:
        raise AccelerationRefused(f"an Event of Default under {default.clause} does not make the notes due by itself;"
                             " holders declare them due", section=section)
    if default.clause in terms.each_holder:
        check_holders_of_record(state, declared_by, section)
        found = [note.number for note in state.live() if note.holder in declared_by and note.number in live]
        whose = f"of {'; '.join(declared_by)}"
    else:
        threshold = require_threshold(terms.acceleration_threshold, "declare the notes due", section)
        check_declared_by(state, declared_by, state.voters_excluded(), threshold, "declare all the notes due", section)
        found, whose = live, "outstanding"
    if not found:
        by = sorted({a.ref for a in state.active_accelerations()})
        raise AccelerationRefused(f"every note {whose} is already due by an acceleration in force (No. {', '.join(map(str, by))})",
                             section=section)
    return found


def not_yet_accelerated(state: AgreementState, notes: Sequence[int]) -> list[int]:
    """Of ``notes``, those no acceleration in force has made due: a later declaration (or an automatic acceleration)
    makes the rest due, a note once."""
    already = {n for a in state.active_accelerations() for n in a.notes}
    return [n for n in notes if n not in already]


def require_declared_acceleration(state: AgreementState, ref: int, section: str | None) -> AccelerationOnFile:
    """Only a declaration still in force on notes still outstanding is annulled; notes due automatically are not
    declared."""
    found = state.accelerations.get(ref)
    if found is None:
        raise AnnulmentRefused(f"no acceleration is recorded as No. {ref}", section=section)
    if found.rescinded_by is not None:
        raise AnnulmentRefused(f"the acceleration No. {ref} was annulled on {found.rescinded_on}", section=section)
    if found.automatic:
        raise AnnulmentRefused(f"the notes became due automatically on {found.on}; only a declaration is annulled",
                               section=section)
    if not any(number in state.live_notes for number in found.notes):
        raise AnnulmentRefused(f"no note the acceleration No. {ref} made due is outstanding on {state.date}: they were paid"
                               " or are otherwise closed, and a declaration is annulled while they are due", section=section)
    return found


def check_not_accelerated(state: AgreementState, notes: Sequence[int], section: str | None) -> None:
    """A note already due by acceleration is not accelerated again."""
    already = {n for a in state.active_accelerations() for n in a.notes} & set(notes)
    if already:
        raise AccelerationRefused(f"notes No. {', '.join(map(str, sorted(already)))} are already accelerated", section=section)


class AcceleratedPayment(NamedTuple):
    """What ``accelerated_payment`` finds: the acceleration, each note's part of the interest and of the premium
    paid, and how much of the interest is more than it made due (interest since its date)."""

    found: AccelerationOnFile
    interest: tuple[Allocation, ...]
    premium: tuple[Allocation, ...]
    interest_since: Decimal


def accelerated_payment(
    state: AgreementState, ref: int, on: date, interest: Decimal, premium: Decimal | None, section: str | None
) -> AcceleratedPayment:
    """The interest and premium an acceleration made due beside the principal, paid (Section 9.2 of the 1995
    agreement): while it is in force, once; the interest at least what it made due to its date (more is interest
    since, at a rate the registry does not compute), among the notes pro rata to their part of it; the premium as
    made due."""
    found = state.accelerations.get(ref)
    if found is None or found.on > on:
        known = ", ".join(f"No. {a.ref} ({a.on})" for a in state.accelerations.values()) or "none"
        raise AcceleratedPaymentRefused(f"no acceleration is recorded as No. {ref} by {on} (recorded: {known})",
                                        section=section)
    if found.rescinded_by is not None:
        raise AcceleratedPaymentRefused(f"the acceleration No. {ref} was annulled on {found.rescinded_on}: what it made"
                                        " due is no longer due", section=section)
    if found.paid_by is not None:
        raise AcceleratedPaymentRefused(f"what the acceleration No. {ref} made due beside the principal was recorded paid"
                                        f" on {found.paid_on} (No. {found.paid_by})", section=section)
    interest_owed, owed, cancelled = owed_beside_principal(state, found)
    if len(cancelled) == len(found.principal_shares):
        raise AcceleratedPaymentRefused(f"every note the acceleration No. {ref} made due was acquired and cancelled by the"
                                        " Company: nothing it made due is owed to a holder", section=section)
    if premium is not None and not found.makewhole:
        raise AcceleratedPaymentRefused(f"the acceleration No. {ref} made no make-whole premium due", section=section)
    if found.makewhole and (premium or ZERO) != owed:
        given = "give the premium paid" if premium is None else f"that is what is paid, not ${format_amount(premium)}"
        raise AcceleratedPaymentRefused(
            f"the acceleration No. {ref} made a ${format_amount(owed)} make-whole premium due; {given}", section=section)
    if interest < interest_owed:
        raise AcceleratedPaymentRefused(
            f"the acceleration No. {ref} made ${format_amount(interest_owed)} of interest due, accrued to {found.on};"
            f" at least that is paid, not ${format_amount(interest)}", section=section)
    return AcceleratedPayment(found, _interest_parts(state, found, interest, cancelled),
                              tuple(a for a in found.premium_shares if a.amount and a.note not in cancelled),
                              interest - interest_owed)


def owed_beside_principal(state: AgreementState, found: AccelerationOnFile) -> tuple[Decimal, Decimal, list[int]]:
    """The interest and premium an acceleration made due beside the principal that are owed to holders: its notes'
    parts of them, but those of notes the Company acquired and cancelled since (it owes itself nothing). Returns
    them with the notes cancelled."""
    cancelled = [a.note for a in found.principal_shares if state.cancelled(a.note)]
    return (sum((a.amount for a in found.interest_shares if a.note not in cancelled), ZERO),
            sum((a.amount for a in found.premium_shares if a.note not in cancelled), ZERO), cancelled)


def _interest_parts(state: AgreementState, found: AccelerationOnFile, interest: Decimal,
                    cancelled: Sequence[int]) -> tuple[Allocation, ...]:
    """Interest paid to the holders of the notes an acceleration made due (not the Company, for a note it cancelled):
    among their series pro rata to the interest it made due on each (to their principal, where it made none due),
    and within a series pro rata to principal."""
    series_of = {a.note: note.series for a in found.principal_shares
                 if a.note not in cancelled and (note := state.note(a.note)) is not None}
    groups = list(dict.fromkeys(series_of.values()))
    owed = [sum((a.amount for a in found.interest_shares if series_of.get(a.note) == s), ZERO) for s in groups]
    if not any(owed):
        owed = [sum((a.amount for a in found.principal_shares if series_of.get(a.note) == s), ZERO) for s in groups]
    return tuple(
        Allocation.of(note, part) for series, amount in zip(groups, allocate(interest, owed), strict=True)
        for note, part in pro_rata(amount, {a.note: a.amount for a in found.principal_shares
                                            if series_of.get(a.note) == series}).items())


def check_sums_paid(state: AgreementState, before: date, section: str | None) -> None:
    """An annulment needs every sum due other than by the declaration paid: no coupon or instalment
    due before it unpaid (Section 9.3 of the 1995 agreement)."""
    for series in state.series.values():
        unpaid = [c.due_on for c in series.coupons.values() if c.paid_ref is None and c.due_on < before]
        unpaid += [p.due_on for p in series.schedule or () if p.due_on < before]
        if unpaid:
            raise AnnulmentRefused(
                f"the {series.terms.key} notes have a payment due {min(unpaid)} that is not recorded as paid;"
                " an acceleration is annulled only once every sum due other than by the declaration is paid",
                section=section,
            )


def check_waiver(
    state: AgreementState, provisions: Sequence[str], payment_terms: bool, given_by: Sequence[str], section: str | None
) -> tuple[str, ...]:
    """The consent a waiver needs for what it waives (Section 11.5 of the 1995 agreement): every holder for
    payment terms or a section reserved to all; for a section changed only as to consenting holders, it
    binds just those; otherwise the amendment threshold. Returns the holders it binds only, if so."""
    terms = state.terms
    reserved = [p for p in provisions if any(_within(p, s) for s in terms.all_holders_for)]
    own = [p for p in provisions if any(_within(p, s) for s in terms.each_holder_for)]
    excluded = state.voters_excluded()
    if payment_terms or reserved:
        why = "payment terms" if payment_terms else f"Section {', '.join(reserved)}"
        check_declared_by(state, given_by, excluded, ALL_HOLDERS, f"waive {why}", section)
        return ()
    if own and len(own) == len(provisions):
        check_holders_of_record(state, given_by, section)
        return tuple(given_by)
    threshold = require_threshold(terms.amendment_threshold, "waive a provision", section)
    check_declared_by(state, given_by, excluded, threshold, f"waive {', '.join(provisions)}", section)
    return ()


def check_waiver_binds(recorded: Sequence[str], binds: Sequence[str], ends_defaults: bool, section: str | None) -> None:
    """A waiver recorded binds the holders ``check_waiver`` finds it binds on the register as of its date (``binds``:
    only those who give it, or all); one binding only those cannot end an Event of Default, which is every holder's."""
    if tuple(recorded) != tuple(binds):
        raise WaiverRefused("the holders the waiver binds no longer match the register as of its date", section=section)
    if binds and ends_defaults:
        raise WaiverRefused("a waiver binding only the holders who give it cannot end an Event of Default", section=section)


def _within(provision: str, section: str) -> bool:
    return provision == section or provision.startswith((f"{section}.", f"{section}("))


def check_notice(
    notice: NoticeTerms | None, calendar: Container[date] | None, given_on: date, prepay_on: date, section: str | None
) -> None:
    """An optional prepayment is notified within the agreement's window: at least the minimum of Business
    Days, at most the maximum of days before it."""
    if notice is None:
        return
    if prepay_on <= given_on:
        raise NoticeRefused(f"a notice given {given_on} is of a prepayment after it, not on {prepay_on}", section=section)
    if notice.max_days is not None and (prepay_on - given_on).days > notice.max_days:
        raise NoticeRefused(
            f"notice given {given_on} is {(prepay_on - given_on).days} days before the prepayment on {prepay_on};"
            f" it may be at most {notice.max_days} days before", section=section,
        )
    if notice.min_business_days is not None and calendar is not None:
        earliest = business_days_after(given_on, notice.min_business_days, calendar)
        if prepay_on < earliest:
            raise NoticeRefused(
                f"notice given {given_on} is too late for a prepayment on {prepay_on}: it must be at least"
                f" {notice.min_business_days} Business Days before, so {earliest} at the earliest", section=section,
            )


def require_notice(state: AgreementState, series: SeriesState, on: date, amount: Decimal, section: str | None) -> NoticeOnFile | None:
    """An optional prepayment follows a notice of it, for its date and amount, when the agreement requires one."""
    if series.terms.prepayment_notice is None:
        return None
    for found in state.notices.values():
        if found.series == series.terms.key and found.prepay_on == on and found.used_by is None:
            if found.amount != amount:
                raise NoticeRefused(
                    f"the notice given {found.given_on} is of ${format_amount(found.amount)} on {on}, not"
                    f" ${format_amount(amount)}", section=section,
                )
            return found
    raise NoticeRefused(
        f"an optional prepayment of the {series.terms.key} notes on {on} must follow a notice of it to the holders"
        " (record the notice first: `debtreg notice`)", section=section,
    )


REPLACEMENT_REASONS = ("lost", "stolen", "destroyed", "mutilated")


def check_replacement_reason(reason: str, section: str | None) -> None:
    if reason not in REPLACEMENT_REASONS:
        raise ReplacementRefused(f"a note is replaced when {', '.join(REPLACEMENT_REASONS)}, not {reason!r}", section=section)


# ------------------------------------------------------------------ documents


def check_text_once(state: AgreementState, key: str) -> None:
    """The original text is recorded once; later it changes only by amendment."""
    if state.text_on_file:
        raise TextRefused(f"the text of {key} is already on file; it changes only by amendment")


def check_new_amendment(state: AgreementState, number: int, key: str) -> None:
    """Each amendment number is recorded once, executed or only referred to."""
    if number in state.amendments:
        raise TextRefused(f"{state.amendments[number].name} is already recorded for {key}")


def require_amendment(state: AgreementState, number: int, on: date, key: str) -> AmendmentOnFile:
    """An amendment acted on (consented to, lapsed) is on file, executed, by the date of the act."""
    found = state.amendments.get(number)
    if found is None or not found.executed:
        raise no_such_amendment(key, number, [a.number for a in state.amendments.values() if a.executed], by=on,
                                referred=found.name if found else None)
    return found


def no_such_amendment(key: str, number: int, on_file: Sequence[int], by: date | None = None,
                      referred: str | None = None) -> UnknownAmendment:
    """The refusal of an amendment not on file, executed (by the date ``by`` of an act on it), naming those that are,
    and what is known of it if it is only ``referred`` to (its name): as a command, its replay and a view say it."""
    known = ", ".join(f"No. {n}" for n in on_file) or "none"
    why = f": {referred} is referred to, but its text and consents are not on file" if referred else ""
    if by is None:
        return UnknownAmendment(f"{key} has no Amendment No. {number} on file{why} (amendments on file: {known})")
    return UnknownAmendment(f"{key} has no Amendment No. {number} on file by {by}{why} (amendments on file then: {known})")


def require_positive(amount: Decimal, what: str) -> None:
    """Principal moved (a transfer, a prepayment, or one quoted) is a positive amount."""
    if amount <= 0:
        raise InvalidAmount(f"{what} must be of a positive amount, not ${format_amount(amount)}")


def check_consent_once(state: AgreementState, amendment: AmendmentOnFile, holder: str) -> None:
    """A holder consents to an amendment once."""
    if holder in state.consents.get(amendment.number, frozenset()):
        raise ConsentRefused(f"{holder} has already consented to {amendment.name}")


def check_holder_of_record(holders: Collection[str], holder: str, amendment: AmendmentOnFile, section: str | None) -> None:
    """Consents come from holders of record on the amendment's date."""
    if holder not in holders:
        raise UnknownHolder(
            f"{holder!r} is not a holder on {amendment.effective_on}, the date of {amendment.name};"
            f" the holders then are: {'; '.join(sorted(holders)) or 'none'}",
            section=section,
        )


# -------------------------------------------------------------------- guaranty


def check_release(state: GuarantyState, agreements: Sequence[str], on: date, key: str) -> None:
    """A guaranty is released after its delivery, as to agreements it covers and still covers."""
    if on < state.delivered_on:
        raise ReleaseRefused(f"{key} was delivered on {state.delivered_on}; it cannot be released on {on}")
    unknown = [a for a in agreements if a not in state.terms.agreements()]
    if unknown:
        raise ReleaseRefused(f"{key} does not cover {', '.join(unknown)}; it covers {', '.join(state.terms.agreements())}")
    if not state.covered or (agreements and not set(agreements) & state.covered):
        raise NotesPaidOff(f"{key} no longer covers {', '.join(agreements) or 'anything'} on {on}")


# --------------------------------------------------------------------- holders


def check_new_name(state: HolderState, name: str, on: date) -> None:
    """A holder's new name or alias is new for it."""
    if name.casefold() in {known.casefold() for known in state.identity.known_as()}:
        raise NameRefused(f"{state.identity.name_on(on)} is already known as {name!r}")


def describe(amounts: Mapping[int, Decimal]) -> str:
    return ", ".join(f"No. {n} ${format_amount(a)}" for n, a in sorted(amounts.items())) or "nothing"
