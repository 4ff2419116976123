"""``decide(command, stream)``: the events a command records, or the rule it breaks.

A decider resolves what the user named (holders, series, the coupon a payment
is for) against the register as of the command's date, computes amounts and
allocations with the same functions ``evolve`` checks them with, and returns
the events. They are then accepted only if the stream's timeline folds with
them in place (``Stream.extended``): nothing is recorded and then undone.

Before folding, a decider may look at the whole timeline to say why a date is
refused in the reader's terms ("on file only from 2003-02-05", "issued on
1995-12-05"); the rules themselves are ``evolve``'s.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from functools import cached_property
from typing import Any

from domain import rules
from domain.commands import (
    Accelerate,
    AddAlias,
    AddSeries,
    AttestRegister,
    CancelNote,
    Command,
    CorrectTerms,
    DeclareDefault,
    DeliverGuaranty,
    DeliverInstrument,
    ExecuteAmendment,
    GiveConsent,
    GivePrepaymentNotice,
    IdentifyHolder,
    IssueNotes,
    LapseAmendment,
    NewNote,
    NoteAmendment,
    OpenRegister,
    PayAccelerated,
    PayAtMaturity,
    PayInterest,
    Prepay,
    RecordText,
    RegisterAgreement,
    ReleaseGuaranty,
    RenameHolder,
    ReplaceNote,
    RescindAcceleration,
    Reverse,
    SetRecordHorizon,
    TransferNotes,
    Waive,
)
from domain.errors import (
    AcceleratedPaymentRefused,
    AnnulmentRefused,
    BeforeIssuance,
    ConflictingEntry,
    HolderNotOnRegistry,
    InvalidCommand,
    NoDefaultToActOn,
    NotOnFile,
    OverTransfer,
    ReversalRefused,
    UnknownAgreement,
    UnknownAmendment,
    UnknownHolder,
    UnknownNote,
    UnknownTransferee,
    UnscheduledPayment,
)
from domain.events import HOLDER, Agreement, Event, Guaranty, Holder, Instrument, Reversed, stream_id
from domain.holders import Directory, HolderTerms
from domain.makewhole import MakewholeQuote, quote_for
from domain.money import ZERO, format_amount
from domain.names import canonical_holder, holder_among, series_key
from domain.remedies import acceleration_due
from domain.schedule import require_day_count
from domain.state import OPTIONAL, REQUIRED, AgreementState, AmendmentOnFile, State
from domain.stream import Stream
from domain.timeline import Timeline, in_force
from domain.values import AgreementTerms, Allocation, Assumption, Holding, NoteCertificate, Provenance


@dataclass(frozen=True)
class Decision:
    """The events a command records, and the stream with them in place (checked)."""

    events: tuple[Event, ...]
    stream: Stream


class Draft:
    """New events of one command: numbered after the stream's last, stamped with one recording time."""

    def __init__(
        self, command: Command, stream: Stream | None, provenance: Provenance, now: datetime, directory: Directory | None
    ) -> None:
        self.command, self.provenance, self.now = command, provenance, now
        self._given, self._names = directory, stream.holder_names if stream is not None else ()
        self.id = stream.id if stream is not None else stream_id(command.stream_kind, command.key)
        self.events: list[Event] = []
        self.next_version = (stream.version if stream is not None else 0) + 1

    @cached_property
    def directory(self) -> Directory:
        """The directory given, else the stream's holders: made when a command names a holder, not for a coupon."""
        return self._given or Directory.of(self._names, {})

    def add(self, cls: type[Event], *, effective_on: date | None = None, **fields: Any) -> None:
        self.events.append(
            cls(
                originator_id=self.id,
                originator_version=self.next_version,
                timestamp=self.now,
                effective_on=effective_on or self.command.effective_on,
                provenance=self.provenance,
                **fields,
            )
        )
        self.next_version += 1

    def assume(self, *assumptions: Assumption) -> None:
        """Facts the registry relies on for this command though the terms on file do not give them."""
        if assumptions:
            self.provenance = replace(self.provenance, assumptions=self.provenance.assumptions + assumptions)


def decide(
    command: Command, stream: Stream | None, provenance: Provenance, now: datetime, directory: Directory | None = None
) -> Decision:
    """The events ``command`` records on ``stream`` (``None`` for a stream not yet on the registry).

    ``directory`` is every holder on the registry (by default, those of ``stream``). A stream whose
    first event was reversed (put on the registry in error) may be put on it again.
    """
    if command.creates and stream is not None and stream.withdrawn:
        draft = Draft(command, stream, provenance, now, directory)
        _DECIDERS[type(command)](command, stream, draft)
        return Decision(tuple(draft.events), stream.extended(tuple(draft.events)))
    if command.creates and stream is not None:
        raise ConflictingEntry(
            f"{command.stream_kind} {command.key} is already on the registry (entry"
            f" {stream.events[0].provenance.entry!r}); it is put on the registry once"
        )
    if not command.creates and stream is None:
        raise not_on_registry(command.stream_kind, command.key)
    draft = Draft(command, stream, provenance, now, directory)
    _DECIDERS[type(command)](command, stream, draft)
    events = tuple(draft.events)
    if stream is None:
        return Decision(events, Stream(command.stream_kind, command.key, Timeline(()).extended(events, command.key)))
    return Decision(events, stream.extended(events))


# --------------------------------------------------------------- registration


def _register(command: RegisterAgreement, _: None, draft: Draft) -> None:
    draft.add(Agreement.Registered, terms=command.terms)


def _correct_terms(command: CorrectTerms, stream: Stream, draft: Draft) -> None:
    """Corrected terms, effective as of the registration they supersede."""
    registered = next(e for e in in_force(stream.events) if isinstance(e, Agreement.Registered))
    draft.add(Agreement.TermsCorrected, effective_on=registered.effective_on, terms=command.terms, reason=command.reason)


def _add_series(command: AddSeries, stream: Stream, draft: Draft) -> None:
    draft.add(Agreement.SeriesAdded, name=command.name, series=command.series)


def _deliver_guaranty(command: DeliverGuaranty, _: None, draft: Draft) -> None:
    draft.add(Guaranty.Delivered, terms=command.terms)


def _deliver_instrument(command: DeliverInstrument, _: None, draft: Draft) -> None:
    draft.add(Instrument.Delivered, terms=command.terms)


# ------------------------------------------------------------------ the notes


def _issue(command: IssueNotes, stream: Stream, draft: Draft) -> None:
    """Notes issued at a closing to their purchasers (Section 1.2)."""
    notes = _numbered(stream, command.notes)
    terms = _terms(stream)
    on = command.effective_on  # (the replay refuses it too, without the agreement's date to say)
    rules.require_registered(stream.timeline.state_as_of(on), on, dated=terms.dated_as_of)
    if terms.closing_on is None and any(terms.series_terms(n.series).closing_on is None for n in notes):
        draft.assume(Assumption("issued on this date", "the closing date is not on file; the notes are taken as issued"
                                f" on {command.effective_on}, the date of this entry"))
    draft.add(Agreement.NotesIssued, notes=notes)


def _open_register(command: OpenRegister, stream: Stream, draft: Draft) -> None:
    """The earliest register on file, when the notes' history before it is not."""
    draft.add(Agreement.RegisterOpened, notes=_numbered(stream, command.notes))


def _transfer(command: TransferNotes, stream: Stream, draft: Draft) -> None:
    """Surrender notes and issue new ones to the transferee (Section 6.2).

    From each note surrendered the transferee gets a new note and the
    transferor a new note for any remainder, in the same registration.
    Without a note number, a holder gives from its notes in number order.
    """
    on, terms = command.effective_on, _terms(stream)
    key = series_key(terms, command.series)
    state = _register_on(stream, on, key)
    rules.require_positive(command.amount, "a transfer")
    holders = sorted({n.holder for n in state.live(key)})
    giver = _holder_named(draft.directory, holders, command.transferor, f"of {key} notes on {on}", terms.section("register"))
    taker = _transferee(draft.directory, command.transferee, command.new_holder, on)
    rules.check_not_to_self(giver, taker)
    notes = [n for n in state.live(key) if n.holder == giver]
    if command.note is not None:
        chosen = [n for n in notes if n.number == command.note]
        if not chosen:
            raise UnknownNote(
                f"{giver} does not hold note No. {command.note} on {on}; its {key} notes are "
                + ", ".join(f"No. {n.number} (${format_amount(n.principal)})" for n in notes),
                section=terms.section("register"),
            )
        notes = chosen
    holding = sum((n.principal for n in notes), ZERO)
    if command.amount > holding:
        where = f" in note No. {command.note}" if command.note is not None else ""
        raise OverTransfer(
            f"{giver} holds ${format_amount(holding)} of the {key} notes{where} on {on};"
            f" it cannot transfer ${format_amount(command.amount)}",
            section=terms.section("transfer"),
        )
    remaining, number = command.amount, stream.last_number
    for surrendered in notes:
        if not remaining:
            break
        given = min(remaining, surrendered.principal)
        remaining -= given
        number += 1
        issued = [NoteCertificate(number, key, taker, given, command.registered_name)]
        if surrendered.principal > given:
            number += 1
            issued.append(
                NoteCertificate(
                    number, key, giver, surrendered.principal - given, surrendered.registered_name, surrendered.account
                )
            )
        draft.add(
            Agreement.NoteTransferred,
            surrendered=surrendered.number,
            transferor=giver,
            transferee=taker,
            amount=given,
            issued=tuple(issued),
            new_holder=draft.directory.find(taker) is None,
        )


def _cancel(command: CancelNote, stream: Stream, draft: Draft) -> None:
    """A note the Company acquired, cancelled and never reissued (Section 7.12)."""
    state = _register_on(stream, command.effective_on)
    held = state.note(command.note)
    draft.add(Agreement.NoteCancelled, note=command.note, acquired_from=held.holder if held else "nobody")


def _attest(command: AttestRegister, stream: Stream, draft: Draft) -> None:
    """A schedule of holders on file (an Annex 1), to be checked against the register."""
    terms = _terms(stream)
    holdings = tuple(
        Holding(canonical_holder(stream.holder_names, h.holder), series_key(terms, h.series), h.principal)
        for h in command.holdings
    )
    draft.add(Agreement.RegisterAttested, holdings=holdings)


def _set_horizon(command: SetRecordHorizon, stream: Stream, draft: Draft) -> None:
    draft.add(Agreement.RecordHorizonSet, register=command.register, payments=command.payments)


# ------------------------------------------------------------------- payments


def _prepay(command: Prepay, stream: Stream, draft: Draft) -> None:
    """A required (Section 5.1) or optional (5.2) prepayment, allocated pro rata (5.4).

    An optional prepayment of notes with a make-whole needs the Treasury curve
    of the prepayment date; the quote is recorded with it as evidence.
    """
    on, kind, terms = command.effective_on, command.kind, _terms(stream)
    if kind not in (REQUIRED, OPTIONAL):
        raise InvalidCommand(f"a prepayment is {REQUIRED} or {OPTIONAL}, not {kind!r}")
    key = series_key(terms, command.series)
    state = _register_on(stream, on, key)
    rules.check_not_declared_due(state, key, on, _NOT_PREPAID, terms.section("acceleration"))
    if kind == OPTIONAL:
        rules.check_none_declared_due(state, key, on, terms.section("acceleration"))
    amount = command.amount if command.amount is not None else _instalment_due(stream, key, on, kind)
    rules.require_positive(amount, "a prepayment")
    allocations = _allocations(state, key, amount)
    paid = Allocation.paid(allocations)
    series = state.series[key].terms
    if kind == REQUIRED and series.required_prepayments is None:
        draft.assume(
            Assumption(
                "amount and date of a required prepayment",
                "the schedule of required prepayments is not on file, so they are not checked",
            )
        )
    if terms.section("pro_rata") is None:
        draft.assume(
            Assumption(
                "pro rata allocation",
                "the agreement's allocation rule is not on file; the payment is allocated"
                " in proportion to unpaid principal",
            )
        )
    quoted: MakewholeQuote | None = None
    if kind == OPTIONAL and series.makewhole is not None:
        rules.check_makewhole_given(state.series[key], kind, command.curve or None, terms.section("optional_prepayment"))
        assert command.curve is not None
        quoted = quote_for(state, key, on, amount, command.curve, paid=paid)
    elif kind == OPTIONAL:
        draft.assume(Assumption("no make-whole premium", "the make-whole terms of this series are not on file"))
    draft.add(
        Agreement.PrepaymentMade,
        series=key,
        kind=kind,
        amount=amount,
        allocations=allocations,
        interest=state.interest_with_prepayment(key, paid, on) or ZERO,
        makewhole=quoted,
        interest_on=paid if paid != amount else None,
    )


def _allocations(state: AgreementState, key: str, amount: Decimal) -> tuple[Allocation, ...]:
    """A prepayment of ``amount`` allocated pro rata (Section 5.4), reacquired notes' shares marked (none if it is
    more than is outstanding: refused when the prepayment is applied)."""
    weights = state.pro_rata_weights(key)
    shares = rules.pro_rata(amount, weights) if amount <= sum(weights.values(), ZERO) else {}
    return tuple(Allocation.of(number, share, number in state.deemed) for number, share in shares.items() if share)


def not_on_registry(kind: str, key: str) -> UnknownAgreement:
    """The refusal of an entry concerning what the registry does not hold: for a holder the notes name, that it has
    no entry of its own yet, and how to give it one."""
    if kind == HOLDER:
        return HolderNotOnRegistry(f"holder {key!r} has no entry of its own on the registry (the notes naming a holder do"
                                " not give it one): record its `holder` entry first, in a journal of holders")
    return UnknownAgreement(f"no {kind} {key!r} is on the registry; load its journal first")


_NOT_PREPAID = "what they owe is what the declaration made due, paid in full (a payment of all the principal), not prepaid"


def _instalment_due(stream: Stream, key: str, on: date, kind: str) -> Decimal:
    """The amount of the required prepayment due by ``on``: the schedule's next instalment, by the rule its payment is
    checked by (``rules.next_instalment``: "no required prepayment is due on ...: the next is ... due ..."). Without a
    schedule on file, or for an optional prepayment, the amount is the user's to give."""
    state = stream.timeline.state_as_of(on)
    series = state.series_state(key) if isinstance(state, AgreementState) else None
    if kind != REQUIRED or series is None:
        raise InvalidCommand(f"give the amount: no {kind} prepayment of the {key} notes is scheduled by {on}")
    if series.schedule is None:
        raise InvalidCommand(f"give the amount: the schedule of required prepayments of the {key} notes is not on file")
    return rules.next_instalment(series, on, state.section("required_prepayment")).amount


def _pay_interest(command: PayInterest, stream: Stream, draft: Draft) -> None:
    """The interest due on an interest date (the earliest unpaid one by default), to the holders of record."""
    on, terms = command.effective_on, _terms(stream)
    key = series_key(terms, command.series)
    series = terms.series[[s.key for s in terms.series].index(key)]
    require_day_count(series)
    _require_on_file(stream, on)
    first_on = _agreement(stream).series[key].first_on
    if first_on is None or on < first_on:
        raise BeforeIssuance(
            f"no interest on the {key} notes is due on {on}: "
            + (f"they were issued on {first_on}" if first_on else "none have been issued")
        )
    state = _register_on(stream, on)
    coupons = state.series[key].coupons
    due_on = command.due_on
    if due_on is None:
        unpaid = [d for d, c in sorted(coupons.items()) if c.paid_ref is None]
        if not unpaid:
            last = max(coupons, default=None)
            paid = f": the last due by then, on {last}, is recorded paid on {coupons[last].paid_on}" if last else ""
            raise UnscheduledPayment(f"no interest on the {key} notes is {'unpaid' if last else 'due'} by {on}{paid}",
                                     section=terms.section("interest"))
        due_on = unpaid[0]  # (one after every note was declared due is refused below, saying why)
    rules.require_coupon(state.series[key], due_on, on, terms.section("interest"))
    rules.check_not_declared_due(state, key, due_on, f"no interest falls due on {due_on}; the interest to the declaration"
                                 " is part of what it made due", terms.section("acceleration"))
    without = rules.declared_due_notes(state, key, due_on)
    expected, shares = state.coupon_interest(key, due_on, without)
    draft.add(
        Agreement.InterestPaid,
        series=key,
        due_on=due_on,
        amount=expected if command.amount is None else command.amount,
        allocations=tuple(Allocation.of(number, share) for number, share in shares.items() if share),
        declared_due=without or None,
    )


def _pay_at_maturity(command: PayAtMaturity, stream: Stream, draft: Draft) -> None:
    """The notes of a series due in full, paid: every one on or after its maturity; before, those declared due."""
    on, terms = command.effective_on, _terms(stream)
    key = series_key(terms, command.series)
    state = _register_on(stream, on, key)
    due = rules.notes_due_in_full(state, key, on)
    rules.check_at_maturity(state.series[key], on, terms.section("maturity"), due)
    allocations = tuple(Allocation.of(n.number, n.principal) for n in due)
    owed = sum((a.amount for a in allocations), ZERO)
    declared = on < terms.series_terms(key).maturity
    if command.amount is not None and command.amount != owed:
        notes = f"notes No. {', '.join(str(n.number) for n in due)}, declared due," if declared else "notes"
        raise UnscheduledPayment(
            f"the {key} {notes} have ${format_amount(owed)} outstanding on {on}; paid in full, that is what is paid,"
            f" not ${format_amount(command.amount)}",
            section=terms.section("maturity"),
        )
    draft.add(Agreement.PaidAtMaturity, series=key, allocations=allocations, declared_due=declared or None)


def quote_makewhole(stream: Stream, state: State | None, on: date, amount: Decimal, curve: tuple,
                    series: str | None) -> MakewholeQuote:
    """What an optional prepayment of ``amount`` on ``on`` would cost, from the register then (``state``, the
    stream's as of ``on``); records nothing."""
    key = series_key(_terms(stream), series)
    rules.require_registered(state, on, dated=_terms(stream).dated_as_of)
    assert isinstance(state, AgreementState)
    section = _terms(stream).section("acceleration")
    rules.check_not_declared_due(state, key, on, _NOT_PREPAID, section)  # the prepayment quoted could not be made
    rules.check_none_declared_due(state, key, on, section)
    return quote_for(state, key, on, amount, curve, paid=Allocation.paid(_allocations(state, key, amount)) or None)


def _give_notice(command: GivePrepaymentNotice, stream: Stream, draft: Draft) -> None:
    """Notice of an optional prepayment (Section 5.3), which the prepayment must follow."""
    key = series_key(_terms(stream), command.series)
    state = _register_on(stream, command.effective_on, key)
    rules.check_not_declared_due(state, key, command.effective_on, _NOT_PREPAID, _terms(stream).section("acceleration"))
    notice = state.series[key].terms.prepayment_notice
    if notice is not None and notice.min_business_days and state.business_calendar() is None:
        draft.assume(Assumption("notice period in Business Days", "the Business Day calendar is not on file, so the"
                                " minimum notice in Business Days is not counted"))
    draft.add(Agreement.PrepaymentNoticed, series=key, prepay_on=command.prepay_on, amount=command.amount)


# ------------------------------------------------------------------- remedies


def _declare_default(command: DeclareDefault, stream: Stream, draft: Draft) -> None:
    """An Event of Default; on an automatic clause, every note becomes due with it (Section 9.2(a))."""
    on, terms = command.effective_on, _terms(stream)
    state = _register_on(stream, on)
    rules.check_default_clause(terms, command.clause, terms.section("events_of_default"))
    rules.check_payment_default(state, command.clause, on)
    default = draft.next_version
    draft.add(Agreement.DefaultOccurred, clause=command.clause, description=command.description)
    if terms.defaults is not None and command.clause in terms.defaults.automatic:
        notes = rules.not_yet_accelerated(state, [note.number for note in state.live()])
        if notes:  # else every note is due already, by a declaration in force
            _add_acceleration(state, draft, default, True, (), notes, command.curve)


def _accelerate(command: Accelerate, stream: Stream, draft: Draft) -> None:
    """Holders declare notes due on a continuing Event of Default (Section 9.2)."""
    on, terms = command.effective_on, _terms(stream)
    section = terms.section("acceleration")
    state = _register_on(stream, on)
    recorded = [d for d in state.defaults.values() if d.on <= on]
    if command.default is None and not recorded:
        raise NoDefaultToActOn(f"no Event of Default is recorded by {on}{rules.payment_defaults_unrecorded(state, on)};"
                               " record it first", section=section)
    continuing = state.continuing_defaults(on)
    ref = command.default if command.default is not None else (continuing or recorded)[-1].ref
    default = rules.require_continuing_default(state, ref, on, section)
    declared_by = _holders_named(draft, state, command.declared_by, on, terms.section("register"))
    notes = rules.notes_accelerated(state, default, False, declared_by, section)
    _add_acceleration(state, draft, ref, False, declared_by, notes, command.curve)


def _add_acceleration(
    state: AgreementState, draft: Draft, default: int, automatic: bool, declared_by: tuple[str, ...],
    notes: list[int], curve: tuple | None,
) -> None:
    """The acceleration and what it makes due; a make-whole the agreement adds needs the day's Treasury curve."""
    terms = state.terms
    priced = {state.live_notes[n].series for n in notes if state.series[state.live_notes[n].series].terms.makewhole}
    if not curve and priced and terms.defaults is not None and terms.defaults.makewhole_on_acceleration:
        raise InvalidCommand(
            f"on acceleration the greater of principal and interest and the Makewhole Price of the {', '.join(sorted(priced))}"
            " notes is due; give the Treasury curve of the date", section=terms.section("acceleration"),
        )
    due = acceleration_due(state, notes, draft.command.effective_on, curve)
    draft.add(Agreement.NotesAccelerated, default=default, automatic=automatic, declared_by=declared_by,
              notes=tuple(notes), principal=due.principal, interest=due.interest, makewhole=due.makewhole)


def _pay_accelerated(command: PayAccelerated, stream: Stream, draft: Draft) -> None:
    """The interest and premium an acceleration made due beside the principal, paid (Section 9.2)."""
    on, terms = command.effective_on, _terms(stream)
    section = terms.section("acceleration")
    state = _register_on(stream, on)
    ref = command.acceleration
    if ref is None:
        unpaid = [a.ref for a in state.active_accelerations() if a.paid_by is None]
        if not unpaid:
            raise AcceleratedPaymentRefused(f"no acceleration in force on {on} has interest or a premium it made due"
                                            " beside the principal still to be recorded paid", section=section)
        ref = unpaid[-1]
    paid = rules.accelerated_payment(state, ref, on, command.interest, command.premium, section)
    draft.add(Agreement.AccelerationPaid, acceleration=ref, interest=paid.interest, premium=paid.premium)


def _rescind(command: RescindAcceleration, stream: Stream, draft: Draft) -> None:
    """Holders annul a declaration (Section 9.3)."""
    on, terms = command.effective_on, _terms(stream)
    state = _register_on(stream, on)
    active = state.active_accelerations()
    if command.acceleration is None and not active:
        raise AnnulmentRefused(f"no acceleration is in force on {on}", section=terms.section("rescission"))
    ref = command.acceleration if command.acceleration is not None else active[-1].ref
    declared_by = _holders_named(draft, state, command.declared_by, on, terms.section("register"))
    draft.add(Agreement.AccelerationRescinded, acceleration=ref, declared_by=declared_by)


def _waive(command: Waive, stream: Stream, draft: Draft) -> None:
    """A waiver of provisions (and of the Events of Default it names) by holders (Section 11.5)."""
    on, terms = command.effective_on, _terms(stream)
    state = _register_on(stream, on)
    given_by = _holders_named(draft, state, command.given_by, on, terms.section("register"))
    as_to = rules.check_waiver(state, command.provisions, command.payment_terms, given_by,
                               terms.section("waiver") or terms.section("amendment"))
    draft.add(Agreement.WaiverGiven, provisions=command.provisions, defaults=command.defaults,
              payment_terms=command.payment_terms, given_by=given_by, as_to=as_to)


def _holders_named(draft: Draft, state: AgreementState, names: tuple[str, ...], on: date, section: str | None) -> tuple[str, ...]:
    if not names:
        raise InvalidCommand("name the holders who give it")
    holders = sorted(state.holders())
    return tuple(dict.fromkeys(_holder_named(draft.directory, holders, name, f"on {on}", section) for name in names))


def _replace_note(command: ReplaceNote, stream: Stream, draft: Draft) -> None:
    """A new note of like tenor, numbered after the highest used, for a lost, stolen, destroyed or mutilated one (6.3)."""
    state = _register_on(stream, command.effective_on)
    note = rules.require_live_note(state, command.note, command.effective_on)
    issued = NoteCertificate(stream.last_number + 1, note.series, note.holder, note.principal, note.registered_name, note.account)
    draft.add(Agreement.NoteReplaced, note=note.number, reason=command.reason, issued=issued)


# ------------------------------------------------------------------ documents


def _record_text(command: RecordText, stream: Stream, draft: Draft) -> None:
    """The agreement's original text, once: later changes come by amendment."""
    draft.add(
        Agreement.TextRecorded,
        provisions=command.provisions,
        source=command.source,
        source_sha256=command.source_sha256,
        defects=command.defects,
        cleaning=command.cleaning,
        not_on_file=command.not_on_file,
    )


def _execute_amendment(command: ExecuteAmendment, stream: Stream, draft: Draft) -> None:
    """An amendment signed by the Company, effective as of its date once it qualifies."""
    draft.add(
        Agreement.AmendmentExecuted,
        number=command.number,
        name=command.name,
        changes=command.changes,
        conditions=command.conditions,
        changes_payments=command.changes_payments,
        consents_section=command.consents_section,
    )


def _note_amendment(command: NoteAmendment, stream: Stream, draft: Draft) -> None:
    draft.add(Agreement.AmendmentNotOnFile, number=command.number, name=command.name)


def _consent(command: GiveConsent, stream: Stream, draft: Draft) -> None:
    """A holder's written consent; it counts with the holder's principal on the amendment's date."""
    terms = _terms(stream)
    executed = executed_amendment(stream, command.amendment, command.effective_on)
    state = stream.timeline.state_as_of(executed.effective_on)
    holders = sorted(state.holders()) if isinstance(state, AgreementState) else []
    named = _holder_named(
        draft.directory, holders, command.holder, f"on {executed.effective_on}, the date of {executed.name}",
        terms.section("register"),
    )
    draft.add(Agreement.ConsentGiven, amendment=command.amendment, holder=named, signed_as=command.signed_as)


def _lapse(command: LapseAmendment, stream: Stream, draft: Draft) -> None:
    """An amendment abandoned: it will never take effect."""
    executed_amendment(stream, command.amendment, command.effective_on)
    draft.add(Agreement.AmendmentLapsed, amendment=command.amendment, reason=command.reason)


def executed_amendment(stream: Stream, number: int, on: date) -> AmendmentOnFile:
    """An amendment executed and on file in this agreement's stream by ``on``, the date of an act on it: the
    register then, as the act's replay checks it (``rules.require_amendment``)."""
    state, final = stream.timeline.state_as_of(on), stream.timeline.final
    later = final.amendments.get(number) if isinstance(final, AgreementState) else None
    if later is not None and later.executed and later.effective_on > on:  # on file, but of a later date
        raise UnknownAmendment(f"{later.name} of {stream.key} is dated as of {later.effective_on}: an act on it (a"
                               f" consent, a lapse) is dated on or after that, not {on}")
    if not isinstance(state, AgreementState):  # (before the agreement's registration: nothing is on file)
        raise rules.no_such_amendment(stream.key, number, [], by=on)
    return rules.require_amendment(state, number, on, stream.key)


# --------------------------------------------------------------------- holders


def _identify_holder(command: IdentifyHolder, _: None, draft: Draft) -> None:
    """A holder identified by its own entry; a look-alike of a known holder must say it is a different one."""
    alike = [n for n in draft.directory.look_alikes(command.name) if n.casefold() != command.name.casefold()]
    unacknowledged = [n for n in alike if n.casefold() not in {d.casefold() for d in command.distinct_from}]
    if unacknowledged:
        raise UnknownHolder(
            f"{command.name!r} looks like {' and '.join(repr(n) for n in unacknowledged)}, already on the registry;"
            " if it is a different holder, say so (distinct_from)"
        )
    draft.add(Holder.Identified, terms=HolderTerms(command.key, command.name.strip(), command.aliases))


def _rename_holder(command: RenameHolder, stream: Stream, draft: Draft) -> None:
    draft.add(Holder.Renamed, name=command.name.strip())


def _add_alias(command: AddAlias, stream: Stream, draft: Draft) -> None:
    draft.add(Holder.AliasAdded, alias=command.alias)


def _holder_named(directory: Directory, holders: list[str], name: str, when: str, section: str | None) -> str:
    """The holder a user names among ``holders``, by its name on the notes or any other it is known by."""
    return holder_among(holders, name, when, section, directory.among(holders))


def _transferee(directory: Directory, name: str, declared_new: bool, on: date) -> str:
    """The holder receiving notes: one on the registry, or a new one the entry declares; never a look-alike."""
    wanted = name.strip()
    if not wanted:
        raise InvalidCommand("name the transferee")
    found = directory.find(wanted)
    if found is not None:
        return found.name_on(on)
    alike = directory.look_alikes(wanted)
    if not declared_new:
        hint = f" (did you mean {' or '.join(repr(n) for n in alike)}?)" if alike else ""
        raise UnknownTransferee(
            f"{wanted!r} is not a holder on the registry{hint}; a transfer to a holder new to the registry"
            " says so (new_holder = true, --new-holder)"
        )
    if alike:
        raise UnknownTransferee(
            f"{wanted!r} is declared a new holder but looks like {' and '.join(repr(n) for n in alike)}, already on the"
            " registry: give that holder's name, or identify the new holder first with a holder entry (distinct_from)"
        )
    return wanted


# ------------------------------------------------------- guaranties, corrections


def _release(command: ReleaseGuaranty, stream: Stream, draft: Draft) -> None:
    """Release the guaranty as to some agreements it covers, or (none named) entirely."""
    draft.add(Guaranty.Released, agreements=command.agreements)


def _reverse(command: Reverse, stream: Stream, draft: Draft) -> None:
    """Take an entry recorded in error out of the timeline, in the open.

    All the events of the entry the target belongs to are reversed together.
    The first event, which put the stream on the registry, and reversals
    themselves cannot be reversed.
    """
    targets = reversal_targets(stream, command.target)
    on = min(stream.event(target).effective_on for target in targets)
    draft.add(Reversed, effective_on=on, targets=targets, reason=command.reason)


def reversal_targets(stream: Stream, target: int) -> tuple[int, ...]:
    """The recording positions a reversal of ``target`` takes out: every event of its entry (an entry's events
    are recorded together, so they are the target's neighbours with its entry id), each read alone."""
    event, size = stream.timeline.event, stream.version
    found = stream.event(target)
    if found.reverses():
        raise ReversalRefused(f"{stream.ref(found)} is itself a reversal; record the entry again instead")
    if target in stream.timeline.taken_out():
        raise ReversalRefused(f"{stream.ref(found)} is already reversed")
    entry = found.provenance.entry
    if entry is None:
        return (target,)
    first, last = target, target
    while first > 1 and event(first - 1).provenance.entry == entry:
        first -= 1
    while last < size and event(last + 1).provenance.entry == entry:
        last += 1
    return tuple(v for v in range(first, last + 1) if not event(v).reverses())


# -------------------------------------------------------------------- helpers


def _agreement(stream: Stream) -> AgreementState:
    """The agreement after its whole timeline."""
    state = stream.state
    if not isinstance(state, AgreementState):
        raise InvalidCommand(f"{stream.key} is a {stream.kind}, not an agreement")
    return state


def _terms(stream: Stream) -> AgreementTerms:
    return _agreement(stream).terms


def _require_on_file(stream: Stream, on: date) -> None:
    """A date before the earliest register on file cannot be recorded: the register then is unknown."""
    on_file_from = _agreement(stream).on_file_from
    if on_file_from is not None and on < on_file_from:
        raise NotOnFile(
            f"the register of {stream.key} is on file only from {on_file_from}; what happened"
            f" on {on} cannot be recorded or checked against it"
        )


def _register_on(stream: Stream, on: date, series: str | None = None) -> AgreementState:
    """The register as of ``on`` for a command dated then, the date explained if the record cannot hold it.

    Looks at the whole timeline only to say why: before the earliest register
    on file, or before the series' first notes.
    """
    _require_on_file(stream, on)
    if series is not None:
        first_on = _agreement(stream).series_state(series).first_on
        if first_on is not None and on < first_on:
            raise BeforeIssuance(f"no {series} notes were outstanding on {on}: they were issued on {first_on}")
    state = stream.timeline.state_as_of(on)
    rules.require_registered(state, on, dated=_terms(stream).dated_as_of)
    assert isinstance(state, AgreementState)
    if series is not None:
        rules.require_outstanding(state, series, on)
    return state


def _numbered(stream: Stream, notes: tuple[NewNote, ...]) -> tuple[NoteCertificate, ...]:
    """Certificates for new notes, numbered after the highest number used unless a number is on file."""
    terms = _terms(stream)
    numbered, number = [], stream.last_number
    for new in notes:
        number = new.number if new.number is not None else max(number, stream.last_number) + 1
        numbered.append(
            NoteCertificate(
                number, series_key(terms, new.series), new.holder.strip(), new.principal, new.registered_name, new.account
            )
        )
    return tuple(numbered)


_DECIDERS: dict[type[Command], Callable[[Any, Any, Draft], None]] = {
    RegisterAgreement: _register,
    CorrectTerms: _correct_terms,
    AddSeries: _add_series,
    DeliverGuaranty: _deliver_guaranty,
    DeliverInstrument: _deliver_instrument,
    IssueNotes: _issue,
    OpenRegister: _open_register,
    TransferNotes: _transfer,
    CancelNote: _cancel,
    AttestRegister: _attest,
    SetRecordHorizon: _set_horizon,
    ReplaceNote: _replace_note,
    GivePrepaymentNotice: _give_notice,
    DeclareDefault: _declare_default,
    Accelerate: _accelerate,
    RescindAcceleration: _rescind,
    PayAccelerated: _pay_accelerated,
    Waive: _waive,
    Prepay: _prepay,
    PayInterest: _pay_interest,
    PayAtMaturity: _pay_at_maturity,
    RecordText: _record_text,
    ExecuteAmendment: _execute_amendment,
    NoteAmendment: _note_amendment,
    GiveConsent: _consent,
    LapseAmendment: _lapse,
    ReleaseGuaranty: _release,
    Reverse: _reverse,
    IdentifyHolder: _identify_holder,
    RenameHolder: _rename_holder,
    AddAlias: _add_alias,
}
