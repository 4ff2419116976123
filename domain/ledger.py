"""The register of one agreement, rebuilt by replaying its timeline.

A ``Ledger`` is the state after some events; each event's ``settle`` calls one
of the transitions below, which checks the agreement's rules against that state
and then changes it. The same transitions serve the aggregate, which refuses a
command whose timeline does not replay, and the projections, which replay a
timeline up to a date: there is one place for each rule.

The timeline orders events by effective date, then by recording position, so
an entry recorded late but effective earlier (backdated) takes its place in
business time.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from copy import copy
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Protocol

from domain.errors import (
    AllocationMismatch,
    BeforeIssuance,
    InvalidCommand,
    NotesPaidOff,
    OverIssuance,
    OverPayment,
    OverTransfer,
    RegisterMismatch,
    UnknownNote,
    UnknownSeries,
    UnscheduledPayment,
)
from domain.money import ZERO, format_amount
from domain.rules import (
    check_denominations,
    check_multiple,
    principal_schedule,
    pro_rata,
    reduce_schedule,
)
from domain.schedule import coupon_dates, days_30_360, interest, require_day_count
from domain.stream import in_force, recorded_by
from domain.values import (
    AgreementTerms,
    Allocation,
    Holding,
    NoteCertificate,
    ScheduledPayment,
    SeriesTerms,
)

OUTSTANDING = "outstanding"
SURRENDERED = "surrendered"
PAID = "paid"
CANCELLED = "cancelled"

REQUIRED = "required"
OPTIONAL = "optional"


class TimelineEvent(Protocol):
    effective_on: date
    originator_version: int
    timestamp: datetime

    def settle(self, ledger: Ledger) -> None: ...


@dataclass
class Note:
    """A certificate on the register and what has happened to it."""

    number: int
    series: str
    holder: str
    principal: Decimal
    registered_name: str | None
    account: str | None
    dated: date | None
    origin: str
    status: str = OUTSTANDING
    closed_on: date | None = None


@dataclass(frozen=True)
class Movement:
    """One change to a series' principal, kept so every figure can be traced."""

    ref: int
    on: date
    kind: str
    amount: Decimal


@dataclass
class Coupon:
    """An interest payment date passed: who held what then, and whether it was paid."""

    due_on: date
    start: date
    principals: dict[int, Decimal]
    paid_ref: int | None = None
    paid_on: date | None = None


@dataclass(frozen=True)
class Instalment:
    """A scheduled payment of principal that was paid: when due, when paid, by which event."""

    due_on: date
    amount: Decimal
    paid_on: date
    ref: int


@dataclass
class SeriesState:
    terms: SeriesTerms
    coupons: dict[date, Coupon] = field(default_factory=dict)
    paid: list[Instalment] = field(default_factory=list)
    movements: list[Movement] = field(default_factory=list)
    schedule: tuple[ScheduledPayment, ...] | None = None
    first_on: date | None = None
    paid_off_on: date | None = None

    def total(self, kind: str) -> Decimal:
        return sum((m.amount for m in self.movements if m.kind == kind), ZERO)


class Ledger:
    """The state of one agreement's register at a point of its timeline."""

    def __init__(self) -> None:
        self.terms: AgreementTerms | None = None
        self.notes: dict[int, Note] = {}
        self.deemed: dict[int, Decimal] = {}
        self.series: dict[str, SeriesState] = {}
        self.on_file_from: date | None = None
        self.attested_order: tuple[str, ...] = ()
        self.date: date | None = None

    def __deepcopy__(self, memo: dict) -> Ledger:
        """A copy for a new command to change: outstanding notes and totals are copied;
        terms and notes no longer outstanding never change again and are shared."""
        twin = object.__new__(Ledger)
        twin.__dict__.update(self.__dict__)
        twin.notes = {n: copy(note) if note.status == OUTSTANDING else note for n, note in self.notes.items()}
        twin.deemed = dict(self.deemed)
        twin.series = {
            k: replace(
                state,
                movements=list(state.movements),
                paid=list(state.paid),
                coupons={d: copy(c) for d, c in state.coupons.items()},
            )
            for k, state in self.series.items()
        }
        return twin

    # ----------------------------------------------------------------- queries

    def live(self, series: str | None = None) -> list[Note]:
        """Outstanding notes in note-number order."""
        return [
            note
            for number, note in sorted(self.notes.items())
            if note.status == OUTSTANDING and (series is None or note.series == series)
        ]

    def outstanding(self, series: str) -> Decimal:
        return sum((note.principal for note in self.live(series)), ZERO)

    def holdings(self) -> dict[tuple[str, str], Decimal]:
        totals: dict[tuple[str, str], Decimal] = {}
        for note in self.live():
            key = (note.holder, note.series)
            totals[key] = totals.get(key, ZERO) + note.principal
        return totals

    def holders(self) -> list[str]:
        """Holders in register order: the last attested order, then by lowest note."""
        present = {note.holder for note in self.live()}
        ordered = [holder for holder in self.attested_order if holder in present]
        for note in self.live():
            if note.holder not in ordered:
                ordered.append(note.holder)
        return ordered

    def series_state(self, key: str) -> SeriesState:
        try:
            return self.series[key]
        except KeyError:
            raise UnknownSeries(
                f"there is no series {key!r}; the series are {', '.join(self.series) or 'none'}"
            ) from None

    def require_outstanding(self, series: str, on: date) -> SeriesState:
        """The series, if it has notes outstanding on ``on``."""
        self._require_terms(on)
        state = self.series_state(series)
        self._require_not_paid_off(state, on)
        if state.first_on is None:
            raise BeforeIssuance(f"no {series} notes had been issued by {on}")
        return state

    def section(self, rule: str) -> str | None:
        return self.terms.section(rule) if self.terms else None

    # ------------------------------------------------------------- transitions

    def register(self, terms: AgreementTerms, on: date) -> None:
        self.terms = terms
        self.series = {s.key: SeriesState(terms=s) for s in terms.series}
        self.reach(on)

    def issue(self, certificates: Sequence[NoteCertificate], on: date, ref: int) -> None:
        self._require_terms(on)
        self.reach(on)
        for series, amount in _sum_by_series(certificates).items():
            state = self.series_state(series)
            self._require_not_paid_off(state, on)
            issued = state.total("issued") + amount
            if issued > state.terms.principal:
                raise OverIssuance(
                    f"issuing ${format_amount(amount)} of {state.terms.title} would bring the notes"
                    f" issued to ${format_amount(issued)}, over the ${format_amount(state.terms.principal)}"
                    " the agreement provides",
                    section=self.section("issue"),
                )
        self._add_notes(certificates, on, origin="issued", dated=on)
        for series, amount in _sum_by_series(certificates).items():
            state = self.series[series]
            state.movements.append(Movement(ref, on, "issued", amount))
            if state.first_on is None:
                state.first_on = on
                required = state.terms.required_prepayments
                if required is not None:
                    state.schedule = principal_schedule(
                        required, state.terms.principal, state.terms.maturity
                    )

    def open_register(self, certificates: Sequence[NoteCertificate], on: date, ref: int) -> None:
        """Notes outstanding on ``on`` whose earlier history is not on file."""
        self._require_terms(on)
        self.reach(on)
        for series in _sum_by_series(certificates):
            if self.series_state(series).first_on is not None:
                raise InvalidCommand(
                    f"the register of the {series} notes is already on file before {on};"
                    " an opening register starts a register, it cannot restate one"
                )
        self._add_notes(certificates, on, origin="opening register", dated=None)
        for series, amount in _sum_by_series(certificates).items():
            state = self.series[series]
            state.movements.append(Movement(ref, on, "opened", amount))
            state.first_on = on
        self.on_file_from = on if self.on_file_from is None else min(self.on_file_from, on)

    def exchange(
        self,
        surrendered: int,
        transferor: str,
        issued: Sequence[NoteCertificate],
        on: date,
    ) -> None:
        """A note surrendered and new notes issued for it (Section 6.2)."""
        self.reach(on)
        note = self._live_note(surrendered, on)
        if note.holder != transferor:
            raise UnknownNote(
                f"note No. {surrendered} is held by {note.holder} on {on}, not by {transferor}",
                section=self.section("register"),
            )
        parts = [certificate.principal for certificate in issued]
        given = sum(parts, ZERO)
        if given != note.principal:
            raise OverTransfer(
                f"note No. {surrendered} has ${format_amount(note.principal)} unpaid on {on};"
                f" new notes for ${format_amount(given)} cannot replace it",
                section=self.section("transfer"),
            )
        if any(certificate.series != note.series for certificate in issued):
            raise InvalidCommand(f"notes given for note No. {surrendered} must be {note.series} notes")
        state = self.series_state(note.series)
        check_denominations(
            note.principal,
            parts,
            state.terms.min_denomination,
            note=surrendered,
            section=self.section("transfer"),
        )
        note.status, note.closed_on = SURRENDERED, on
        self._add_notes(issued, on, origin=f"exchange of No. {surrendered}", dated=on)

    def prepay(
        self,
        series: str,
        kind: str,
        amount: Decimal,
        allocations: Sequence[Allocation],
        on: date,
        ref: int,
        interest: Decimal = ZERO,
    ) -> None:
        """A required (Section 5.1) or optional (5.2) prepayment, pro rata (5.4).

        ``interest`` is paid with it on the amount prepaid, from the last coupon
        date; a prepayment on a coupon date leaves that to the coupon.
        """
        self.reach(on)
        state = self.require_outstanding(series, on)
        outstanding = self.outstanding(series) + self._deemed_total(series)
        if amount <= 0 or amount > outstanding:
            raise OverPayment(
                f"a prepayment of ${format_amount(amount)} on {on}: the {series} notes have"
                f" ${format_amount(outstanding)} outstanding",
                section=self.section(f"{kind}_prepayment"),
            )
        if kind == REQUIRED:
            self._pay_installment(state, amount, on, ref)
        elif kind == OPTIONAL:
            check_multiple(
                amount,
                state.terms.optional_prepayment_multiple,
                section=self.section("optional_prepayment"),
            )
            if state.schedule is not None:
                state.schedule = reduce_schedule(state.schedule, outstanding - amount)
        else:
            raise InvalidCommand(f"a prepayment is required or optional, not {kind!r}")
        expected = self.interest_with_prepayment(series, amount, on)
        if expected is not None and interest != expected:
            raise UnscheduledPayment(
                f"interest on a prepayment of ${format_amount(amount)} on {on} is ${format_amount(expected)}"
                f" (accrued from the last interest date), not ${format_amount(interest)}",
                section=self.section(f"{kind}_prepayment"),
            )
        self._allocate(series, amount, allocations, on)
        state.movements.append(Movement(ref, on, f"{kind} prepayment", amount))
        self._close_if_paid_off(state, on)

    def repay_at_maturity(
        self, series: str, allocations: Sequence[Allocation], on: date, ref: int
    ) -> None:
        """The whole unpaid principal, on or after the maturity date."""
        self.reach(on)
        state = self.require_outstanding(series, on)
        if on < state.terms.maturity:
            raise UnscheduledPayment(
                f"the {series} notes mature on {state.terms.maturity}; a payment on {on}"
                " is a prepayment, not payment at maturity",
                section=self.section("maturity"),
            )
        expected = {note.number: note.principal for note in self.live(series)}
        given = {a.note: a.amount for a in allocations}
        if given != expected or any(a.deemed for a in allocations):
            raise AllocationMismatch(
                f"payment at maturity must pay each outstanding {series} note in full:"
                f" {_describe(expected)}; the entry pays {_describe(given)}"
            )
        for number, amount in given.items():
            note = self.notes[number]
            note.principal -= amount
            note.status, note.closed_on = PAID, on
        for number in [n for n in self.deemed if self.notes[n].series == series]:
            del self.deemed[number]
        repaid = sum(given.values(), ZERO)
        state.schedule = () if state.schedule is not None else None
        state.paid.append(Instalment(state.terms.maturity, repaid, on, ref))
        state.movements.append(Movement(ref, on, "repaid at maturity", repaid))
        self._close_if_paid_off(state, on)

    def cancel(self, number: int, on: date, ref: int) -> None:
        """A note the Company acquired, cancelled (Section 7.12)."""
        self.reach(on)
        note = self._live_note(number, on)
        state = self.series[note.series]
        note.status, note.closed_on = CANCELLED, on
        if self.terms is not None and self.terms.reacquired_notes_count_pro_rata:
            self.deemed[number] = note.principal
        state.movements.append(Movement(ref, on, "cancelled", note.principal))
        self._close_if_paid_off(state, on)

    def attest(self, holdings: Sequence[Holding], on: date) -> None:
        """A schedule of holders on file (an Annex 1) must match the register."""
        self._require_terms(on)
        self.reach(on)
        stated: dict[tuple[str, str], Decimal] = {}
        for holding in holdings:
            key = (holding.holder, holding.series)
            stated[key] = stated.get(key, ZERO) + holding.principal
        actual = self.holdings()
        if stated != actual:
            differences = [
                f"{holder} {series}: register ${format_amount(actual.get((holder, series), ZERO))},"
                f" schedule ${format_amount(stated.get((holder, series), ZERO))}"
                for holder, series in sorted(set(stated) | set(actual))
                if stated.get((holder, series)) != actual.get((holder, series))
            ]
            raise RegisterMismatch(
                f"the register as of {on} differs from the schedule of holders on file: "
                + "; ".join(differences)
            )
        order: list[str] = []
        for holding in holdings:
            if holding.holder not in order:
                order.append(holding.holder)
        self.attested_order = tuple(order)

    def pay_interest(
        self, series: str, due_on: date, amount: Decimal, allocations: Sequence[Allocation], on: date, ref: int
    ) -> None:
        """The interest due on a coupon date, to the holders of record, pro rata (Section 5.4)."""
        self._require_terms(on)
        self.reach(on)
        state = self.series_state(series)
        section = self.section("interest")
        if on < due_on:
            raise UnscheduledPayment(f"interest due {due_on} cannot be paid before it is due, on {on}", section=section)
        coupon = state.coupons.get(due_on)
        if coupon is None:
            raise UnscheduledPayment(
                f"no interest on the {series} notes is due on {due_on}; it is paid on"
                f" {', '.join(state.terms.interest_dates or ()) or 'dates not on file'} (month-day)",
                section=section,
            )
        if coupon.paid_ref is not None:
            raise UnscheduledPayment(f"the interest due {due_on} was paid on {coupon.paid_on}", section=section)
        expected, shares = self.coupon_interest(series, due_on)
        if amount != expected:
            raise UnscheduledPayment(
                f"the interest due {due_on} on ${format_amount(sum(coupon.principals.values(), ZERO))} of {series}"
                f" notes is ${format_amount(expected)} ({days_30_360(coupon.start, due_on)} days at"
                f" {state.terms.rate_percent}%, 30/360), not ${format_amount(amount)}",
                section=section,
            )
        given = {a.note: a.amount for a in allocations}
        if given != {n: a for n, a in shares.items() if a}:
            raise AllocationMismatch(
                f"the interest due {due_on} goes to the holders of record pro rata: {_describe(shares)};"
                f" the entry allocates {_describe(given)}",
                section=self.section("pro_rata"),
            )
        coupon.paid_ref, coupon.paid_on = ref, on

    def coupon_interest(self, series: str, due_on: date) -> tuple[Decimal, dict[int, Decimal]]:
        """The interest due on a coupon date and each note's share of it, to the cent."""
        state = self.series_state(series)
        require_day_count(state.terms)
        coupon = state.coupons[due_on]
        total = interest(sum(coupon.principals.values(), ZERO), state.terms.rate_percent, days_30_360(coupon.start, due_on))
        return total, pro_rata(total, coupon.principals) if total else {}

    def last_coupon(self, series: str, on: date) -> date:
        """The latest interest date on or before ``on``, or the notes' date before the first."""
        state = self.series_state(series)
        assert state.first_on is not None
        passed = [d for d in coupon_dates(state.terms, state.first_on) if d <= on]
        return passed[-1] if passed else state.first_on

    def interest_with_prepayment(self, series: str, amount: Decimal, on: date) -> Decimal | None:
        """Accrued interest on an amount prepaid off a coupon date; ``None`` when the terms are not on file."""
        terms = self.series_state(series).terms
        if terms.interest_dates is None or terms.day_count is None:
            return None
        require_day_count(terms)
        return interest(amount, terms.rate_percent, days_30_360(self.last_coupon(series, on), on))

    # ----------------------------------------------------------------- helpers

    def reach(self, on: date) -> None:
        """Move the ledger's date to ``on``, noting each coupon date passed on the way.

        At a coupon date the notes outstanding, and their principal, are the
        holders of record for that interest payment: noted before anything
        dated that day (a prepayment on the coupon date, say) is applied.
        """
        for state in self.series.values():
            if state.terms.interest_dates is None or state.first_on is None:
                continue
            for due in coupon_dates(state.terms, state.first_on):
                if (self.date is None or due > self.date) and due <= on and due not in state.coupons:
                    if state.paid_off_on is not None and due > state.paid_off_on:
                        break
                    previous = [d for d in state.coupons if d < due]
                    state.coupons[due] = Coupon(
                        due_on=due,
                        start=max(previous) if previous else state.first_on,
                        principals={n.number: n.principal for n in self.live(state.terms.key)},
                    )
        self.date = on if self.date is None else max(self.date, on)

    def _require_terms(self, on: date) -> AgreementTerms:
        if self.terms is None:
            raise BeforeIssuance(f"nothing can happen on {on}: the agreement is not yet in force then")
        return self.terms

    def _require_not_paid_off(self, state: SeriesState, on: date) -> None:
        if state.paid_off_on is not None and on >= state.paid_off_on:
            raise NotesPaidOff(
                f"the {state.terms.key} notes were paid off on {state.paid_off_on};"
                f" nothing can happen to them on {on}"
            )

    def _live_note(self, number: int, on: date) -> Note:
        self._require_terms(on)
        note = self.notes.get(number)
        if note is None:
            raise UnknownNote(f"there is no note No. {number} on the register on {on}")
        if note.status != OUTSTANDING:
            raise UnknownNote(f"note No. {number} was {note.status} on {note.closed_on}; it is not outstanding on {on}")
        self._require_not_paid_off(self.series[note.series], on)
        return note

    def _add_notes(
        self, certificates: Sequence[NoteCertificate], on: date, *, origin: str, dated: date | None
    ) -> None:
        for certificate in certificates:
            if certificate.number in self.notes:
                raise InvalidCommand(f"note number {certificate.number} is already used; numbers are never reused")
            if certificate.principal <= 0:
                raise InvalidCommand(f"note No. {certificate.number} must have a positive principal")
            self.series_state(certificate.series)
            self.notes[certificate.number] = Note(
                number=certificate.number,
                series=certificate.series,
                holder=certificate.holder,
                principal=certificate.principal,
                registered_name=certificate.registered_name,
                account=certificate.account,
                dated=dated,
                origin=origin,
            )

    def _deemed_total(self, series: str) -> Decimal:
        return sum((p for n, p in self.deemed.items() if self.notes[n].series == series), ZERO)

    def pro_rata_weights(self, series: str) -> dict[int, Decimal]:
        """Unpaid principal per note for Section 5.4, reacquired notes included."""
        weights = {note.number: note.principal for note in self.live(series)}
        weights.update({n: p for n, p in self.deemed.items() if self.notes[n].series == series and p > 0})
        return weights

    def _allocate(self, series: str, amount: Decimal, allocations: Sequence[Allocation], on: date) -> None:
        expected = pro_rata(amount, self.pro_rata_weights(series))
        given = {a.note: a.amount for a in allocations}
        deemed_flags = {a.note for a in allocations if a.deemed}
        if given != {n: a for n, a in expected.items() if a} or deemed_flags != {
            n for n in given if n in self.deemed
        }:
            raise AllocationMismatch(
                f"a payment of ${format_amount(amount)} on {on} is allocated among the {series}"
                f" notes in proportion to unpaid principal: {_describe(expected)};"
                f" the entry allocates {_describe(given)}",
                section=self.section("pro_rata"),
            )
        for number, share in given.items():
            if number in self.deemed:
                self.deemed[number] -= share
                continue
            note = self.notes[number]
            note.principal -= share
            if note.principal == 0:
                note.status, note.closed_on = PAID, on

    def _pay_installment(self, state: SeriesState, amount: Decimal, on: date, ref: int) -> None:
        section = self.section("required_prepayment")
        if state.schedule is None:
            return
        prepayments = [p for p in state.schedule if p.due_on != state.terms.maturity]
        if not prepayments:
            raise UnscheduledPayment(
                f"no required prepayment of the {state.terms.key} notes remains on {on}", section=section
            )
        due = prepayments[0]
        if on < due.due_on:
            raise UnscheduledPayment(
                f"no required prepayment is due on {on}: the next is ${format_amount(due.amount)}"
                f" due {due.due_on}",
                section=section,
            )
        if amount != due.amount:
            raise UnscheduledPayment(
                f"the required prepayment due {due.due_on} is ${format_amount(due.amount)},"
                f" not ${format_amount(amount)}",
                section=section,
            )
        state.schedule = tuple(p for p in state.schedule if p is not due)
        state.paid.append(Instalment(due.due_on, amount, on, ref))

    def _close_if_paid_off(self, state: SeriesState, on: date) -> None:
        if not self.live(state.terms.key):
            state.paid_off_on = on


def timeline(events: Iterable[TimelineEvent]) -> list[TimelineEvent]:
    """Events in force in business order: effective date, then recording position."""
    return sorted(in_force(events), key=lambda e: (e.effective_on, e.originator_version))


def replay(
    events: Iterable[TimelineEvent],
    *,
    as_of: date | None = None,
    known_at: datetime | None = None,
) -> Ledger:
    """The ledger after every event effective by ``as_of`` and recorded by ``known_at``.

    What was recorded after ``known_at`` is left out before reversals are applied,
    so a view as known before a reversal still shows the entry it reversed.
    """
    events = recorded_by(events, known_at)
    ledger = Ledger()
    for event in timeline(events):
        if as_of is not None and event.effective_on > as_of:
            break
        event.settle(ledger)
    if as_of is not None and ledger.terms is not None:
        ledger.reach(as_of)
    return ledger


def _sum_by_series(certificates: Iterable[NoteCertificate]) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = {}
    for certificate in certificates:
        totals[certificate.series] = totals.get(certificate.series, ZERO) + certificate.principal
    return totals


def _describe(amounts: dict[int, Decimal]) -> str:
    return ", ".join(f"No. {n} ${format_amount(a)}" for n, a in sorted(amounts.items())) or "nothing"
