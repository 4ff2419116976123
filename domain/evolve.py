"""``evolve(state, event)``: one event applied to a stream's state, every rule checked.

This is the only place the registry's rules are enforced. A command's events
are accepted only if the stream's whole timeline folds through ``evolve`` with
them in place (``domain.timeline``), and views fold the same timeline, so a
rule holds alike for a command, a backdated entry and a reversal.

``evolve`` changes the state it is given and returns it (the first event of a
stream makes the state); callers that keep a state ``copy()`` it first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import date
from decimal import Decimal

from domain import rules
from domain.errors import AllocationMismatch, InvalidCommand, ReplacementRefused
from domain.events import Agreement, Event, Guaranty, Holder, Instrument, Reversed
from domain.makewhole import quote_for
from domain.money import ZERO, format_amount
from domain.remedies import Due, acceleration_due
from domain.state import (
    CANCELLED,
    OPTIONAL,
    OUTSTANDING,
    PAID,
    REPLACED,
    REQUIRED,
    SURRENDERED,
    AccelerationOnFile,
    AgreementState,
    AmendmentOnFile,
    Basis,
    Coupon,
    DefaultOnFile,
    GuarantyState,
    HolderState,
    Instalment,
    InstrumentState,
    Movement,
    Note,
    NoticeOnFile,
    SeriesState,
    State,
)
from domain.text import apply_change
from domain.values import Allocation, NoteCertificate


def evolve(state: State | None, event: Event) -> State | None:
    """The state after ``event``; refuses, naming the rule, if the event breaks one.

    A reversal changes no state: the events it takes out are left out of the fold.
    """
    if isinstance(event, Reversed):
        return state
    if isinstance(event, (Agreement.Registered, Guaranty.Delivered, Instrument.Delivered, Holder.Identified)):
        if state is not None:
            raise InvalidCommand("a stream is put on the registry once")
        if isinstance(event, Agreement.Registered):
            rules.check_terms(event.terms)
        return _CREATE[type(event)](event.terms, event.effective_on)
    rules.require_registered(state, event.effective_on, type(event).__qualname__.split(".")[0].lower())
    assert state is not None
    if isinstance(state, AgreementState):
        advance(state, event.effective_on)
    else:
        state.date = max(state.date, event.effective_on)
    transition = _TRANSITIONS.get(type(event))
    if transition is not None:
        transition(state, event)
    if isinstance(state, AgreementState):
        _note_holders_of_record(state, event.effective_on)
    return state


def advance(state: AgreementState, on: date) -> None:
    """Move the state's date to ``on``, noting each interest date passed on the way.

    At an interest date the notes outstanding, and their principal, are the
    holders of record for that interest payment: noted before anything dated
    that day (a prepayment on the interest date, say) is applied.
    """
    for series in state.series.values():
        dates = series.coupon_dates
        while dates is not None and len(series.coupons) < len(dates):
            due = dates[len(series.coupons)]
            if due > on or (series.paid_off_on is not None and due > series.paid_off_on):
                break
            start = dates[len(series.coupons) - 1] if series.coupons else series.accrues_from
            assert start is not None
            series.coupons[due] = Coupon(
                due, start, {note.number: note.principal for note in state.live(series.terms.key)}
            )
    state.date = max(state.date, on)


# ------------------------------------------------------------------ the notes


def _add_series(state: AgreementState, event: Agreement.SeriesAdded) -> None:
    """A supplement's series join the agreement from its date."""
    terms = replace(state.terms, series=state.terms.series + tuple(event.series))
    rules.check_new_series(terms, event.series, event.effective_on)
    state.terms = terms
    state.series.update({s.key: SeriesState(terms=s) for s in event.series})


def _issue(state: AgreementState, event: Agreement.NotesIssued) -> None:
    """Notes issued at a closing (Section 1.2 of the 1995 agreement), each series in full."""
    on = event.effective_on
    totals = _by_series(event.notes)
    for key, amount in totals.items():
        series = state.series_state(key)
        rules.require_not_paid_off(series, on)
        rules.check_within_principal(series, amount, state.section("issue"))
        rules.check_issued_at_closing(series, series.terms.closing_on or state.terms.closing_on, on, state.section("closing"))
        rules.check_issued_in_full(series, amount, state.section("issue"))
    _add_notes(state, event.notes, origin="issued", dated=on, basis=Basis(event))
    for key, amount in totals.items():
        series = state.series[key]
        series.movements.append(Movement(event.originator_version, on, "issued", amount))
        if series.first_on is None:
            series.start(on, issued=True)
            if series.terms.required_prepayments is not None:
                series.schedule = rules.principal_schedule(
                    series.terms.required_prepayments, series.terms.principal, series.terms.maturity
                )


def _open_register(state: AgreementState, event: Agreement.RegisterOpened) -> None:
    """Notes outstanding on a date whose earlier history is not on file."""
    on = event.effective_on
    totals = _by_series(event.notes)
    for key in totals:
        rules.check_register_not_started(state.series_state(key), on)
    _add_notes(state, event.notes, origin="opening register", dated=None, basis=Basis(event))
    for key, amount in totals.items():
        series = state.series[key]
        series.movements.append(Movement(event.originator_version, on, "opened", amount))
        series.start(on, issued=False)
    state.on_file_from = on if state.on_file_from is None else min(state.on_file_from, on)


def _transfer(state: AgreementState, event: Agreement.NoteTransferred) -> None:
    """A note surrendered and new notes issued for it (Section 6.2)."""
    on = event.effective_on
    note = rules.require_live_note(state, event.surrendered, on)
    rules.check_surrendered_by_holder(note, event.transferor, on, state.section("register"))
    rules.check_not_to_self(event.transferor, event.transferee)
    parts = [c.principal for c in event.issued]
    rules.check_replaces_note(note, parts, {c.series for c in event.issued}, on, state.section("transfer"))
    rules.check_denominations(
        note.principal,
        parts,
        state.series[note.series].terms.min_denomination,
        note=note.number,
        section=state.section("transfer"),
    )
    state.put(replace(note, status=SURRENDERED, closed_on=on))
    _add_notes(
        state, event.issued, origin=f"exchange of No. {note.number}", dated=state.interest_paid_to(note, on),
        basis=note.basis.then(event),
    )
    _carry_acceleration(state, note.number, event.issued)


def _cancel(state: AgreementState, event: Agreement.NoteCancelled) -> None:
    """A note the Company acquired, cancelled (Section 7.12); it may still count pro rata (5.4)."""
    on = event.effective_on
    note = rules.require_live_note(state, event.note, on)
    state.put(replace(note, status=CANCELLED, closed_on=on))
    series = state.series[note.series]
    if rules.require_reacquired_rule(state.terms):
        state.deemed[note.number] = (note.series, note.principal)
    elif series.schedule is not None:
        series.schedule = rules.cap_schedule(series.schedule, state.outstanding(note.series) + state.deemed_total(note.series))
    series.movements.append(Movement(event.originator_version, on, "cancelled", note.principal))
    _close_if_paid_off(state, series, on)


def _attest(state: AgreementState, event: Agreement.RegisterAttested) -> None:
    """A schedule of holders on file (an Annex 1) must match the register; it sets the holders' order.

    It is evidence of every holding on its date: from then on, the holdings rest on it, not on the
    entries (and their assumptions) before it; each note itself still rests on them (``Basis.held``).
    """
    stated: dict[tuple[str, str], Decimal] = {}
    for holding in event.holdings:
        key = (holding.holder, holding.series)
        stated[key] = stated.get(key, ZERO) + holding.principal
    rules.check_register_matches(stated, state.holdings(), event.effective_on)
    state.attested_order = tuple(dict.fromkeys(h.holder for h in event.holdings))
    state.attested = (event.effective_on, event.originator_version)
    for note in state.live():
        state.put(replace(note, basis=note.basis.attested(event)))


def _set_horizon(state: AgreementState, event: Agreement.RecordHorizonSet) -> None:
    for until in (event.register, event.payments):
        rules.check_horizon(state, until)


# ------------------------------------------------------------------- payments


def _prepay(state: AgreementState, event: Agreement.PrepaymentMade) -> None:
    """A required (Section 5.1) or optional (5.2) prepayment, pro rata (5.4).

    The interest paid with it is on the amount prepaid, from the last interest
    date; a prepayment on an interest date leaves that to the coupon.
    """
    on, key, amount, kind = event.effective_on, event.series, event.amount, event.kind
    section = state.section(f"{kind}_prepayment")
    paid = Allocation.paid(event.allocations)
    rules.check_interest_on(event.interest_on, paid, section)
    charged = amount if event.interest_on is None else paid  # None: the whole amount (so recorded before December 2026)
    series = rules.require_outstanding(state, key, on)
    outstanding = state.outstanding(key) + state.deemed_total(key)
    rules.check_principal_payment(amount, outstanding, key, on, section)
    if kind == REQUIRED:
        _pay_instalment(series, amount, on, event.originator_version, state.section("required_prepayment"))
    elif kind == OPTIONAL:
        rules.check_multiple(amount, series.terms.optional_prepayment_multiple, whole=outstanding, section=section)
        notice = rules.require_notice(state, series, on, amount, state.section("notice"))
        if notice is not None:
            state.notices[notice.ref] = replace(notice, used_by=event.originator_version)
        rules.check_makewhole_given(series, kind, event.makewhole, section)
        if event.makewhole is not None:
            recomputed = quote_for(state, key, on, amount, event.makewhole.curve, paid=charged)
            rules.check_makewhole_matches(event.makewhole, recomputed, section)
        if series.schedule is not None:
            series.schedule = rules.reduce_schedule(series.schedule, outstanding - amount)
    else:
        raise InvalidCommand(f"a prepayment is {REQUIRED} or {OPTIONAL}, not {kind!r}")
    expected = state.interest_with_prepayment(key, charged, on)
    rules.check_prepayment_interest(expected, event.interest, amount, on, section)
    _allocate(state, key, amount, event.allocations, on, event)
    series.movements.append(Movement(event.originator_version, on, f"{kind} prepayment", paid))
    _close_if_paid_off(state, series, on)


def _pay_instalment(series: SeriesState, amount: Decimal, on: date, ref: int, section: str | None) -> None:
    """A required prepayment pays the next scheduled instalment; without a schedule on file, nothing is checked."""
    if series.schedule is None:
        return
    due = rules.next_instalment(series, on, section)
    rules.check_instalment_amount(due, amount, section)
    series.schedule = tuple(p for p in series.schedule if p is not due)
    series.paid.append(Instalment(due.due_on, amount, on, ref))


def _pay_interest(state: AgreementState, event: Agreement.InterestPaid) -> None:
    """The interest due on an interest date, to the holders of record then, pro rata."""
    series = state.series_state(event.series)
    section = state.section("interest")
    coupon = rules.require_coupon(series, event.due_on, event.effective_on, section)
    without = tuple(event.declared_due or ())
    rules.check_declared_due_left_out(event.declared_due, rules.declared_due_notes(state, event.series, event.due_on),
                                      state.section("acceleration"))
    expected, shares = state.coupon_interest(event.series, event.due_on, without)
    rules.check_coupon_amount(series, coupon, expected, event.amount, section, without)
    rules.check_pro_rata(
        shares, event.allocations, (), what=f"the interest due {event.due_on}", section=state.section("pro_rata")
    )
    series.coupons[event.due_on] = replace(coupon, paid_ref=event.originator_version, paid_on=event.effective_on,
                                           declared_due=without)


def _pay_at_maturity(state: AgreementState, event: Agreement.PaidAtMaturity) -> None:
    """Notes paid in full: every one on or after the maturity date; before it, those declared due (``declared_due``).
    Notes a holder declared its own leave the others on the schedule, reduced pro rata to what is left of it."""
    on, key = event.effective_on, event.series
    series = rules.require_outstanding(state, key, on)
    due = rules.notes_due_in_full(state, key, on)
    rules.check_at_maturity(series, on, state.section("maturity"), due)
    rules.check_pays_in_full({note.number: note.principal for note in due}, event.allocations, key)
    for allocation in event.allocations:
        note = state.live_notes[allocation.note]
        state.put(replace(note, principal=note.principal - allocation.amount, status=PAID, closed_on=on))
    repaid = sum((a.amount for a in event.allocations), ZERO)
    if state.live(key):  # a holder's own notes declared due, paid: the others keep their schedule
        if series.schedule is not None:
            series.schedule = rules.reduce_schedule(series.schedule, state.outstanding(key) + state.deemed_total(key))
        series.movements.append(Movement(event.originator_version, on, "paid as declared due", repaid))
        return
    for number in [n for n, (s, _) in state.deemed.items() if s == key]:
        del state.deemed[number]
    series.schedule = () if series.schedule is not None else None
    series.paid.append(Instalment(series.terms.maturity, repaid, on, event.originator_version))
    series.movements.append(Movement(event.originator_version, on, "repaid at maturity", repaid))
    _close_if_paid_off(state, series, on)


def _allocate(
    state: AgreementState, key: str, amount: Decimal, allocations: Iterable[Allocation], on: date, by: Event
) -> None:
    """A partial payment of principal, among the notes pro rata; reacquired notes take theirs without cash."""
    allocations = tuple(allocations)
    expected = rules.pro_rata(amount, state.pro_rata_weights(key))
    rules.check_pro_rata(
        expected,
        allocations,
        state.deemed.keys(),
        what=f"a payment of ${format_amount(amount)} of the {key} notes on {on}",
        section=state.section("pro_rata"),
    )
    for allocation in allocations:
        if allocation.note in state.deemed:
            series, left = state.deemed[allocation.note]
            state.deemed[allocation.note] = (series, left - allocation.amount)
            continue
        note = state.live_notes[allocation.note]
        principal = note.principal - allocation.amount
        closed = {"status": PAID, "closed_on": on} if principal == 0 else {}
        state.put(replace(note, principal=principal, basis=note.basis.then(by), **closed))


def _close_if_paid_off(state: AgreementState, series: SeriesState, on: date) -> None:
    if not any(note.series == series.terms.key for note in state.live_notes.values()):
        series.paid_off_on = on


# ------------------------------------------------------------------- remedies


def _default(state: AgreementState, event: Agreement.DefaultOccurred) -> None:
    rules.check_default_clause(state.terms, event.clause, state.section("events_of_default"))
    state.defaults[event.originator_version] = DefaultOnFile(
        event.originator_version, event.clause, event.description, event.effective_on
    )


def _accelerate(state: AgreementState, event: Agreement.NotesAccelerated) -> None:
    """Notes due at once on a continuing Event of Default, as the agreement's remedies allow (Section 9.2)."""
    on, section = event.effective_on, state.section("acceleration")
    default = rules.require_continuing_default(state, event.default, on, section)
    notes = rules.notes_accelerated(state, default, event.automatic, event.declared_by, section)
    rules.check_not_accelerated(state, event.notes, section)
    curve = event.makewhole[0].curve if event.makewhole else None
    due = acceleration_due(state, notes, on, curve)
    rules.check_acceleration(event.notes, notes, Due(event.principal, event.interest, tuple(event.makewhole)), due, section)
    state.accelerations[event.originator_version] = AccelerationOnFile(
        event.originator_version, on, event.default, event.automatic, tuple(event.declared_by), tuple(event.notes),
        event.principal, event.interest, tuple(event.makewhole), principal_shares=due.principal_shares,
        interest_shares=due.interest_shares, premium_shares=due.premium_shares,
    )


def _pay_accelerated(state: AgreementState, event: Agreement.AccelerationPaid) -> None:
    """The interest and premium an acceleration made due beside the principal, paid to the holders of its notes."""
    on, section = event.effective_on, state.section("acceleration")
    premium = Allocation.paid(event.premium) if event.premium else None
    paid = rules.accelerated_payment(state, event.acceleration, on, Allocation.paid(event.interest), premium, section)
    if (tuple(event.interest), tuple(event.premium)) != (paid.interest, paid.premium):
        raise AllocationMismatch(f"the payment of what acceleration No. {paid.found.ref} made due no longer matches each"
                                 " note's part of it", section=section)
    state.accelerations[paid.found.ref] = replace(
        paid.found, paid_by=event.originator_version, paid_on=on, interest_paid=Allocation.paid(paid.interest),
        interest_since=paid.interest_since, premium_paid=premium)


def _rescind(state: AgreementState, event: Agreement.AccelerationRescinded) -> None:
    """A declaration annulled by holders of the rescission threshold, once other sums due are paid (Section 9.3)."""
    section = state.section("rescission")
    found = rules.require_declared_acceleration(state, event.acceleration, section)
    terms = state.terms.defaults
    assert terms is not None  # an acceleration was recorded under them
    threshold = rules.require_threshold(terms.rescission_threshold, "annul a declaration", section)
    excluded = state.voters_excluded() if terms.rescission_excludes_company else []
    rules.check_declared_by(state, event.declared_by, excluded, threshold, "annul the declaration", section)
    rules.check_sums_paid(state, found.on, section)
    state.accelerations[found.ref] = replace(found, rescinded_by=event.originator_version, rescinded_on=event.effective_on)


def _waive(state: AgreementState, event: Agreement.WaiverGiven) -> None:
    """A waiver given by the holders its provisions need (Section 11.5); it ends the Events of Default it names."""
    section = state.section("waiver") or state.section("amendment")
    as_to = rules.check_waiver(state, event.provisions, event.payment_terms, event.given_by, section)
    rules.check_waiver_binds(event.as_to, as_to, bool(event.defaults), section)
    for ref in event.defaults:
        found = rules.require_continuing_default(state, ref, event.effective_on, section)
        state.defaults[ref] = replace(found, waived_by=event.originator_version, waived_on=event.effective_on)


def _notice(state: AgreementState, event: Agreement.PrepaymentNoticed) -> None:
    """Notice of an optional prepayment, within the agreement's window before it (Section 5.3)."""
    series = rules.require_outstanding(state, event.series, event.effective_on)
    rules.check_notice(series.terms.prepayment_notice, state.business_calendar(), event.effective_on, event.prepay_on,
                       state.section("notice"))
    section = state.section("optional_prepayment")
    outstanding = state.outstanding(event.series) + state.deemed_total(event.series)
    rules.check_multiple(event.amount, series.terms.optional_prepayment_multiple, whole=outstanding, section=section)
    rules.check_principal_payment(event.amount, outstanding, event.series, event.effective_on, section)
    state.notices[event.originator_version] = NoticeOnFile(
        event.originator_version, event.effective_on, event.series, event.prepay_on, event.amount
    )


def _replace_note(state: AgreementState, event: Agreement.NoteReplaced) -> None:
    """A new note of like tenor for one lost, stolen, destroyed or mutilated, dated to the interest paid on it (6.3)."""
    on, section = event.effective_on, state.section("replacement")
    note = rules.require_live_note(state, event.note, on)
    rules.check_replacement_reason(event.reason, section)
    rules.check_replaces_note(note, [event.issued.principal], {event.issued.series}, on, section)
    if event.issued.holder != note.holder:
        raise ReplacementRefused(f"a replacement note goes to the holder of note No. {note.number}, {note.holder}", section=section)
    state.put(replace(note, status=REPLACED, closed_on=on))
    _add_notes(state, (event.issued,), origin=f"replacement of No. {note.number}", dated=state.interest_paid_to(note, on),
               basis=note.basis.then(event))
    _carry_acceleration(state, note.number, (event.issued,))


# ------------------------------------------------------------------ documents


def _record_text(state: AgreementState, event: Agreement.TextRecorded) -> None:
    rules.check_text_once(state, state.terms.key)
    state.text, state.text_on_file = tuple(event.provisions), True


def _execute_amendment(state: AgreementState, event: Agreement.AmendmentExecuted) -> None:
    """An amendment's changes must apply to the text as every amendment before it leaves it."""
    rules.check_new_amendment(state, event.number, state.terms.key)
    provisions = list(state.text)
    for change in event.changes:
        provisions = apply_change(provisions, change, on_file=state.text_on_file)
    state.text = tuple(provisions)
    state.amendments[event.number] = AmendmentOnFile(
        event.number, event.name, event.effective_on, True, event.originator_version, event.changes_payments
    )


def _note_amendment(state: AgreementState, event: Agreement.AmendmentNotOnFile) -> None:
    rules.check_new_amendment(state, event.number, state.terms.key)
    state.amendments[event.number] = AmendmentOnFile(
        event.number, event.name, event.effective_on, False, event.originator_version
    )


def _consent(state: AgreementState, event: Agreement.ConsentGiven) -> None:
    """A holder of record on the amendment's date consents, once."""
    amendment = rules.require_amendment(state, event.amendment, event.effective_on, state.terms.key)
    rules.check_consent_once(state, amendment, event.holder)
    rules.check_holder_of_record(
        state.holders_of_record.get(amendment.number, frozenset()), event.holder, amendment, state.section("register")
    )
    state.consents[amendment.number] = state.consents.get(amendment.number, frozenset()) | {event.holder}


def _lapse(state: AgreementState, event: Agreement.AmendmentLapsed) -> None:
    amendment = rules.require_amendment(state, event.amendment, event.effective_on, state.terms.key)
    state.amendments[amendment.number] = replace(amendment, lapsed=True)


def _note_holders_of_record(state: AgreementState, on: date) -> None:
    """Keep, for each amendment dated ``on``, the holders of record as that day's events leave them."""
    for amendment in state.amendments.values():
        if amendment.executed and amendment.effective_on == on:
            state.holders_of_record[amendment.number] = frozenset(state.holders())


# ------------------------------------------------------------------- guaranty


def _release(state: GuarantyState, event: Guaranty.Released) -> None:
    """A guaranty released as to some agreements it covers, or (none named) entirely."""
    rules.check_release(state, event.agreements, event.effective_on, state.terms.key)
    state.covered = state.covered - set(event.agreements) if event.agreements else frozenset()


# -------------------------------------------------------------------- holders


def _rename(state: HolderState, event: Holder.Renamed) -> None:
    rules.check_new_name(state, event.name, event.effective_on)
    state.identity.names.append((event.effective_on, event.name))


def _add_alias(state: HolderState, event: Holder.AliasAdded) -> None:
    rules.check_new_name(state, event.alias.name, event.effective_on)
    state.identity.aliases.append(event.alias)


# -------------------------------------------------------------------- helpers


def _add_notes(
    state: AgreementState,
    certificates: Iterable[NoteCertificate],
    *,
    origin: str,
    dated: date | None,
    basis: Basis,
) -> None:
    for certificate in certificates:
        rules.check_new_certificate(state, certificate.number, certificate.principal)
        state.series_state(certificate.series)
        state.put(
            Note(
                number=certificate.number,
                series=certificate.series,
                holder=certificate.holder,
                principal=certificate.principal,
                registered_name=certificate.registered_name,
                account=certificate.account,
                dated=dated,
                origin=origin,
                status=OUTSTANDING,
                basis=basis,
            )
        )


def _carry_acceleration(state: AgreementState, old: int, issued: Sequence[NoteCertificate]) -> None:
    """Notes issued for an accelerated note are due as it was, each with its part of what the note was made due (to
    be paid to its holder), pro rata to principal."""
    weights = {c.number: c.principal for c in issued}

    def carried(shares: tuple[Allocation, ...]) -> tuple[Allocation, ...]:
        return tuple(a for a in shares if a.note != old) + tuple(
            Allocation.of(number, part) for a in shares if a.note == old
            for number, part in rules.pro_rata(a.amount, weights).items())

    for ref, found in state.accelerations.items():
        if found.rescinded_by is None and old in found.notes:
            state.accelerations[ref] = replace(
                found, notes=(*found.notes, *(c.number for c in issued)), principal_shares=carried(found.principal_shares),
                interest_shares=carried(found.interest_shares), premium_shares=carried(found.premium_shares))


def _by_series(certificates: Iterable[NoteCertificate]) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = {}
    for certificate in certificates:
        totals[certificate.series] = totals.get(certificate.series, ZERO) + certificate.principal
    return totals


_CREATE: dict[type, Callable] = {
    Agreement.Registered: AgreementState,
    Guaranty.Delivered: GuarantyState,
    Instrument.Delivered: InstrumentState,
    Holder.Identified: HolderState,
}

_TRANSITIONS: dict[type, Callable] = {
    Agreement.SeriesAdded: _add_series,
    Agreement.NotesIssued: _issue,
    Agreement.RegisterOpened: _open_register,
    Agreement.NoteTransferred: _transfer,
    Agreement.NoteCancelled: _cancel,
    Agreement.RegisterAttested: _attest,
    Agreement.RecordHorizonSet: _set_horizon,
    Agreement.DefaultOccurred: _default,
    Agreement.NotesAccelerated: _accelerate,
    Agreement.AccelerationRescinded: _rescind,
    Agreement.AccelerationPaid: _pay_accelerated,
    Agreement.WaiverGiven: _waive,
    Agreement.PrepaymentNoticed: _notice,
    Agreement.NoteReplaced: _replace_note,
    Agreement.PrepaymentMade: _prepay,
    Agreement.InterestPaid: _pay_interest,
    Agreement.PaidAtMaturity: _pay_at_maturity,
    Agreement.TextRecorded: _record_text,
    Agreement.AmendmentExecuted: _execute_amendment,
    Agreement.AmendmentNotOnFile: _note_amendment,
    Agreement.ConsentGiven: _consent,
    Agreement.AmendmentLapsed: _lapse,
    Guaranty.Released: _release,
    Holder.Renamed: _rename,
    Holder.AliasAdded: _add_alias,
}
