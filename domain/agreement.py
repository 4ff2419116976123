"""A note agreement and the register of its notes, as one event-sourced aggregate.

Everything that changes who holds what under one agreement is an event in one
stream, so a command is checked against the agreement's whole timeline and two
writers to the same agreement cannot both succeed on stale state.

Commands plan their events from the register as of their effective date,
trigger them, and then replay the whole timeline with them in place: a command
that would leave any step invalid, its own or a later one it was backdated
before, raises and nothing is saved.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from copy import deepcopy
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from uuid import UUID

from domain.amendment import Condition
from domain.errors import (
    BackdatingConflict,
    BeforeIssuance,
    ConsentRefused,
    InvalidAmount,
    InvalidCommand,
    NotOnFile,
    OverPayment,
    OverTransfer,
    RegistryError,
    UnknownHolder,
    UnknownNote,
    UnknownSection,
    UnknownSeries,
    UnscheduledPayment,
)
from domain.ledger import OPTIONAL, REQUIRED, Ledger, replay, timeline
from domain.makewhole import CurvePoint, MakewholeQuote
from domain.makewhole import quote as makewhole_quote
from domain.money import format_amount
from domain.rules import check_multiple, pro_rata
from domain.schedule import coupon_dates, require_day_count
from domain.stream import Entry, Stream, in_force, stream_id
from domain.text import Defect, Provision, TextChange, apply_change
from domain.values import (
    AgreementTerms,
    Allocation,
    Assumption,
    Holding,
    NoteCertificate,
    Provenance,
    SeriesTerms,
)


def agreement_id(key: str) -> UUID:
    return stream_id("agreement", key)


@dataclass(frozen=True)
class NewNote:
    """A note to issue; the registry numbers it unless the number is on file."""

    series: str
    holder: str
    principal: Decimal
    registered_name: str | None = None
    account: str | None = None
    number: int | None = None


class _Entry(Entry):
    """An event of an agreement: it takes its place in the register's timeline.

    Events about the agreement's text and amendments change no holding, and
    settle onto the ledger as nothing; the register's events override this.
    """

    def settle(self, ledger: Ledger) -> None:
        return None


class Agreement(Stream):
    class Event(_Entry, Stream.Event):
        effective_on: date
        provenance: Provenance

    class Registered(_Entry, Stream.Created):
        effective_on: date
        provenance: Provenance
        terms: AgreementTerms

        def settle(self, ledger: Ledger) -> None:
            ledger.register(self.terms, self.effective_on)

        def headline(self) -> str:
            return f"{self.terms.title} dated as of {self.terms.dated_as_of}, issuer {self.terms.issuer}"

        def details(self) -> str:
            return "; ".join(f"${format_amount(s.principal)} {s.title}" for s in self.terms.series)

    class NotesIssued(Event):
        notes: tuple[NoteCertificate, ...]

        def settle(self, ledger: Ledger) -> None:
            ledger.issue(self.notes, self.effective_on, self.originator_version)

        def certificates(self) -> Sequence[NoteCertificate]:
            return self.notes

        def headline(self) -> str:
            return "notes issued"

        def details(self) -> str:
            return "; ".join(_certificate(n) for n in self.notes)

    class RegisterOpened(Event):
        notes: tuple[NoteCertificate, ...]

        def settle(self, ledger: Ledger) -> None:
            ledger.open_register(self.notes, self.effective_on, self.originator_version)

        def certificates(self) -> Sequence[NoteCertificate]:
            return self.notes

        def headline(self) -> str:
            return "register on file from this date (earlier history not on file)"

        def details(self) -> str:
            return "; ".join(_certificate(n) for n in self.notes)

    class NoteTransferred(Event):
        surrendered: int
        transferor: str
        transferee: str
        amount: Decimal
        issued: tuple[NoteCertificate, ...]

        def settle(self, ledger: Ledger) -> None:
            ledger.exchange(self.surrendered, self.transferor, self.issued, self.effective_on)

        def certificates(self) -> Sequence[NoteCertificate]:
            return self.issued

        def headline(self) -> str:
            return f"transfer of ${format_amount(self.amount)} from {self.transferor} to {self.transferee}"

        def details(self) -> str:
            return f"note No. {self.surrendered} surrendered for " + "; ".join(
                _certificate(n) for n in self.issued
            )

    class PrepaymentMade(Event):
        """Principal prepaid, with any interest on it and, if optional, the make-whole quote used."""

        series: str
        kind: str
        amount: Decimal
        allocations: tuple[Allocation, ...]
        interest: Decimal = Decimal("0.00")
        makewhole: MakewholeQuote | None = None

        def settle(self, ledger: Ledger) -> None:
            ledger.prepay(
                self.series,
                self.kind,
                self.amount,
                self.allocations,
                self.effective_on,
                self.originator_version,
                self.interest,
            )

        def headline(self) -> str:
            extra = f" with ${format_amount(self.interest)} interest" if self.interest else ""
            if self.makewhole is not None:
                extra += f" and a ${format_amount(self.makewhole.premium)} make-whole premium"
            return f"{self.kind} prepayment of ${format_amount(self.amount)} of the {self.series} notes{extra}"

        def details(self) -> str:
            return _allocations(self.allocations)

    class InterestPaid(Event):
        """The interest due on a coupon date, paid to the holders of record."""

        series: str
        due_on: date
        amount: Decimal
        allocations: tuple[Allocation, ...]

        def settle(self, ledger: Ledger) -> None:
            ledger.pay_interest(
                self.series, self.due_on, self.amount, self.allocations, self.effective_on, self.originator_version
            )

        def headline(self) -> str:
            late = f", paid {self.effective_on}" if self.effective_on != self.due_on else ""
            return f"interest of ${format_amount(self.amount)} on the {self.series} notes due {self.due_on}{late}"

        def details(self) -> str:
            return _allocations(self.allocations)

    class PaidAtMaturity(Event):
        series: str
        allocations: tuple[Allocation, ...]

        def settle(self, ledger: Ledger) -> None:
            ledger.repay_at_maturity(self.series, self.allocations, self.effective_on, self.originator_version)

        def headline(self) -> str:
            total = sum((a.amount for a in self.allocations), Decimal(0))
            return f"{self.series} notes paid at maturity, ${format_amount(total)}"

        def details(self) -> str:
            return _allocations(self.allocations)

    class NoteCancelled(Event):
        note: int
        acquired_from: str

        def settle(self, ledger: Ledger) -> None:
            ledger.cancel(self.note, self.effective_on, self.originator_version)

        def headline(self) -> str:
            return f"note No. {self.note} acquired by the Company from {self.acquired_from} and cancelled"

    class RegisterAttested(Event):
        holdings: tuple[Holding, ...]

        def settle(self, ledger: Ledger) -> None:
            ledger.attest(self.holdings, self.effective_on)

        def headline(self) -> str:
            return "schedule of holders on file agrees with the register"

        def details(self) -> str:
            return "; ".join(f"{h.holder} {h.series} ${format_amount(h.principal)}" for h in self.holdings)

    class TextRecorded(Event):
        """The agreement's text on file, as imported from its source document."""

        provisions: tuple[Provision, ...]
        source: str
        source_sha256: str
        defects: tuple[Defect, ...]
        cleaning: tuple[str, ...]
        not_on_file: tuple[str, ...]

        def headline(self) -> str:
            return f"text on file: {len(self.provisions)} provisions from {self.source}"

        def details(self) -> str:
            return f"{len(self.defects)} scanning errors kept as printed" + (
                f"; not on file: {', '.join(self.not_on_file)}" if self.not_on_file else ""
            )

    class AmendmentExecuted(Event):
        """An amendment signed, effective as of ``effective_on`` once it qualifies."""

        number: int
        name: str
        changes: tuple[TextChange, ...]
        conditions: tuple[Condition, ...]
        changes_payments: bool

        def headline(self) -> str:
            return f"{self.name} executed, as of {self.effective_on}"

        def details(self) -> str:
            return "; ".join(change.describe() for change in self.changes)

    class AmendmentNotOnFile(Event):
        """An amendment referred to by a document on file, whose date and content are not."""

        number: int
        name: str

        def headline(self) -> str:
            return f"{self.name} in force by {self.effective_on}; its date and content are not on file"

    class ConsentGiven(Event):
        amendment: int
        holder: str
        signed_as: str | None

        def headline(self) -> str:
            signed = f" (signed as {self.signed_as})" if self.signed_as else ""
            return f"{self.holder}{signed} consents to Amendment No. {self.amendment}"

    class AmendmentLapsed(Event):
        amendment: int
        reason: str

        def headline(self) -> str:
            return f"Amendment No. {self.amendment} lapsed: {self.reason}"

    # ------------------------------------------------------------------ state

    def __init__(self, terms: AgreementTerms, effective_on: date, provenance: Provenance) -> None:
        self._start(terms.key)
        self._settled: Ledger | None = None
        self._settled_version = 0
        self._settled_latest: date | None = None

    def _start(self, key: str) -> None:
        super()._start(key)
        self.last_number = 0

    @staticmethod
    def create_id(terms: AgreementTerms) -> UUID:
        return agreement_id(terms.key)

    @classmethod
    def register(
        cls, terms: AgreementTerms, *, effective_on: date, provenance: Provenance
    ) -> Agreement:
        agreement = cls._create(
            cls.Registered, terms=terms, effective_on=effective_on, provenance=provenance
        )
        agreement._check_timeline(first_new=agreement.version)
        return agreement

    @property
    def terms(self) -> AgreementTerms:
        first = self.history[0]
        assert isinstance(first, Agreement.Registered)
        return first.terms

    def _copy_state(self, copy: Stream, memo: dict) -> None:
        copy._settled = deepcopy(self._settled, memo)  # type: ignore[attr-defined]

    def _take(self, event: Entry) -> None:
        super()._take(event)
        for certificate in event.certificates():
            self.last_number = max(self.last_number, certificate.number)

    # ---------------------------------------------------------------- queries

    def ledger(self, as_of: date | None = None) -> Ledger:
        """The register after the timeline up to ``as_of`` (all of it by default).

        The whole-timeline ledger is kept between commands; do not change it.
        """
        if as_of is not None and as_of < self.latest_effective_on:
            return replay(self.history, as_of=as_of)
        if self._settled is None or self._settled_version != self.version:
            self._check_timeline(first_new=self.version + 1)
        assert self._settled is not None
        return self._settled

    def series_key(self, given: str | None) -> str:
        """The series a user means: its key, its rate with or without %, or its label."""
        series = self.terms.series
        if given is None:
            if len(series) == 1:
                return series[0].key
            raise UnknownSeries(
                f"{self.key} has several series ({', '.join(s.key for s in series)}); name one"
            )
        wanted = given.strip().casefold()
        for s in series:
            if wanted in {s.key.casefold(), s.key.rstrip("%").casefold(), s.label.casefold(), s.title.casefold()}:
                return s.key
        raise UnknownSeries(
            f"{self.key} has no series {given!r}; its series are {', '.join(s.key for s in series)}"
        )

    def series_terms(self, key: str) -> SeriesTerms:
        return next(s for s in self.terms.series if s.key == key)

    def text_event(self) -> Agreement.TextRecorded | None:
        return next((e for e in in_force(self.history) if isinstance(e, Agreement.TextRecorded)), None)

    def amendments(self) -> list[Agreement.AmendmentExecuted]:
        return [e for e in in_force(self.history) if isinstance(e, Agreement.AmendmentExecuted)]

    def amendment(self, number: int) -> Agreement.AmendmentExecuted:
        for event in self.amendments():
            if event.number == number:
                return event
        known = ", ".join(f"No. {e.number}" for e in self.amendments()) or "none"
        raise UnknownSection(f"{self.key} has no Amendment No. {number} on file (amendments on file: {known})")

    def _require_new_amendment(self, number: int) -> None:
        for event in in_force(self.history):
            if isinstance(event, (Agreement.AmendmentExecuted, Agreement.AmendmentNotOnFile)) and event.number == number:
                raise InvalidCommand(f"{event.name} is already recorded for {self.key}")

    # --------------------------------------------------------------- commands

    def issue(self, notes: Sequence[NewNote], *, on: date, provenance: Provenance) -> None:
        """Notes issued at a closing to their purchasers (Section 1.2)."""
        self._trigger(self.NotesIssued, on, provenance, notes=self._number(notes))

    def open_register(self, notes: Sequence[NewNote], *, on: date, provenance: Provenance) -> None:
        """The earliest register on file, when the notes' history before it is not."""
        self._trigger(self.RegisterOpened, on, provenance, notes=self._number(notes))

    def transfer(
        self,
        *,
        on: date,
        transferor: str,
        transferee: str,
        amount: Decimal,
        provenance: Provenance,
        series: str | None = None,
        note: int | None = None,
        registered_name: str | None = None,
    ) -> None:
        """Surrender notes and issue new ones to the transferee (Section 6.2).

        From each note surrendered the transferee gets a new note and the
        transferor a new note for any remainder, in the same registration.
        Without a note number, a holder gives from its notes in number order.
        """
        key = self.series_key(series)
        ledger = self._ledger_for(key, on)
        section = self.terms.section("transfer")
        if amount <= 0:
            raise InvalidAmount(f"a transfer must be of a positive amount, not ${format_amount(amount)}")
        giver = self._holder_on(ledger, key, transferor, on)
        taker = self._canonical_holder(transferee.strip())
        if not taker:
            raise InvalidCommand("name the transferee")
        if taker == giver:
            raise InvalidCommand(f"{giver} cannot transfer notes to itself")
        notes = [n for n in ledger.live(key) if n.holder == giver]
        if note is not None:
            chosen = [n for n in notes if n.number == note]
            if not chosen:
                raise UnknownNote(
                    f"{giver} does not hold note No. {note} on {on}; its {key} notes are "
                    + ", ".join(f"No. {n.number} (${format_amount(n.principal)})" for n in notes),
                    section=self.terms.section("register"),
                )
            notes = chosen
        holding = sum((n.principal for n in notes), Decimal(0))
        if amount > holding:
            where = f" in note No. {note}" if note is not None else ""
            raise OverTransfer(
                f"{giver} holds ${format_amount(holding)} of the {key} notes{where} on {on};"
                f" it cannot transfer ${format_amount(amount)}",
                section=section,
            )
        remaining, number, first = amount, self.last_number, self.version + 1
        for surrendered in notes:
            if not remaining:
                break
            given = min(remaining, surrendered.principal)
            remaining -= given
            number += 1
            issued = [NoteCertificate(number, key, taker, given, registered_name)]
            if surrendered.principal > given:
                number += 1
                issued.append(
                    NoteCertificate(
                        number,
                        key,
                        giver,
                        surrendered.principal - given,
                        surrendered.registered_name,
                        surrendered.account,
                    )
                )
            self.trigger_event(
                self.NoteTransferred,
                effective_on=on,
                provenance=provenance,
                surrendered=surrendered.number,
                transferor=giver,
                transferee=taker,
                amount=given,
                issued=tuple(issued),
            )
        self._check_timeline(first_new=first)

    def prepay(
        self,
        *,
        on: date,
        amount: Decimal | None,
        kind: str,
        provenance: Provenance,
        series: str | None = None,
        curve: Sequence[CurvePoint] | None = None,
    ) -> None:
        """A required (Section 5.1) or optional (5.2) prepayment, allocated pro rata (5.4).

        An optional prepayment of notes with a make-whole needs the Treasury
        curve of the prepayment date; the quote is recorded with it as evidence.
        """
        if kind not in (REQUIRED, OPTIONAL):
            raise InvalidCommand(f"a prepayment is {REQUIRED} or {OPTIONAL}, not {kind!r}")
        if amount is None:
            amount = self._installment_due(self.series_key(series), on, kind)
        if amount <= 0:
            raise InvalidAmount(f"a prepayment must be of a positive amount, not ${format_amount(amount)}")
        key = self.series_key(series)
        ledger = self._ledger_for(key, on)
        weights = ledger.pro_rata_weights(key)
        shares = pro_rata(amount, weights) if amount <= sum(weights.values()) else {}
        allocations = tuple(
            Allocation(number, share, deemed=number in ledger.deemed)
            for number, share in shares.items()
            if share
        )
        caveats = []
        if kind == REQUIRED and self.series_terms(key).required_prepayments is None:
            caveats.append(
                Assumption(
                    "amount and date of a required prepayment",
                    "the schedule of required prepayments is not on file, so they are not checked",
                )
            )
        if self.terms.section("pro_rata") is None:
            caveats.append(
                Assumption(
                    "pro rata allocation",
                    "the agreement's allocation rule is not on file; the payment is allocated"
                    " in proportion to unpaid principal",
                )
            )
        quoted = None
        if kind == OPTIONAL and self.series_terms(key).makewhole_spread is not None:
            if not curve:
                raise InvalidCommand(
                    f"an optional prepayment of the {key} notes is at the greater of par and the Makewhole Price;"
                    " give the Treasury curve of the prepayment date",
                    section=self.terms.section("optional_prepayment"),
                )
            quoted = self.makewhole(on=on, amount=amount, curve=curve, series=key)
        elif kind == OPTIONAL:
            caveats.append(
                Assumption("no make-whole premium", "the make-whole terms of this series are not on file")
            )
        self._trigger(
            self.PrepaymentMade,
            on,
            _with_assumptions(provenance, caveats),
            series=key,
            kind=kind,
            amount=amount,
            allocations=allocations,
            interest=ledger.interest_with_prepayment(key, amount, on) or Decimal("0.00"),
            makewhole=quoted,
        )

    def makewhole(
        self, *, on: date, amount: Decimal, curve: Sequence[CurvePoint], series: str | None = None
    ) -> MakewholeQuote:
        """What an optional prepayment of ``amount`` on ``on`` would cost; records nothing."""
        key = self.series_key(series)
        terms = self.series_terms(key)
        if terms.makewhole_spread is None:
            raise NotOnFile(f"the make-whole terms of the {key} notes are not on file")
        ledger = self.ledger_on(on)
        check_multiple(amount, terms.optional_prepayment_multiple, section=self.terms.section("optional_prepayment"))
        state = ledger.require_outstanding(key, on)
        outstanding = ledger.outstanding(key) + sum((p for n, p in ledger.deemed.items() if ledger.notes[n].series == key), Decimal(0))
        if not 0 < amount <= outstanding:
            raise OverPayment(f"a prepayment of ${format_amount(amount)}: ${format_amount(outstanding)} is outstanding on {on}")
        if state.schedule is None:
            raise NotOnFile(f"the schedule of payments of the {key} notes is not on file")
        assert state.first_on is not None
        return makewhole_quote(
            prepay_on=on,
            amount=amount,
            outstanding=outstanding,
            remaining=state.schedule,
            coupons=coupon_dates(terms, state.first_on),
            period_start=ledger.last_coupon(key, on),
            rate_percent=terms.rate_percent,
            spread_percent=terms.makewhole_spread,
            curve=curve,
        )

    def pay_interest(
        self,
        *,
        on: date,
        provenance: Provenance,
        series: str | None = None,
        due_on: date | None = None,
        amount: Decimal | None = None,
    ) -> None:
        """The interest due on a coupon date (the earliest unpaid one by default), to the holders of record."""
        key = self.series_key(series)
        terms = self.series_terms(key)
        require_day_count(terms)
        self._require_on_file(on)
        first_on = self.ledger().series[key].first_on
        if first_on is None or on < first_on:
            raise BeforeIssuance(f"no interest on the {key} notes is due on {on}: " + (
                f"they were issued on {first_on}" if first_on else "none have been issued"
            ))
        ledger = self.ledger_on(on)
        coupons = ledger.series_state(key).coupons
        if due_on is None:
            unpaid = [d for d, c in sorted(coupons.items()) if c.paid_ref is None]
            if not unpaid:
                raise UnscheduledPayment(f"no interest on the {key} notes is due by {on}", section=self.terms.section("interest"))
            due_on = unpaid[0]
        if due_on > on:
            raise UnscheduledPayment(
                f"interest due {due_on} cannot be paid before it is due, on {on}", section=self.terms.section("interest")
            )
        if due_on not in coupons:
            raise UnscheduledPayment(
                f"no interest on the {key} notes is due on {due_on}", section=self.terms.section("interest")
            )
        expected, shares = ledger.coupon_interest(key, due_on)
        allocations = tuple(Allocation(number, share) for number, share in shares.items() if share)
        self._trigger(
            self.InterestPaid, on, provenance, series=key, due_on=due_on,
            amount=expected if amount is None else amount, allocations=allocations,
        )

    def _installment_due(self, key: str, on: date, kind: str) -> Decimal:
        """The amount of the required prepayment due by ``on``, from the schedule."""
        schedule = self.ledger(as_of=on).series_state(key).schedule
        due = [p for p in schedule or () if p.due_on <= on and p.due_on != self.series_terms(key).maturity]
        if kind != REQUIRED or not due:
            raise InvalidCommand(f"give the amount: no {kind} prepayment of the {key} notes is scheduled by {on}")
        return due[0].amount

    def ledger_on(self, on: date) -> Ledger:
        """The register as of ``on``, coupon dates up to it noted; a copy, free to change."""
        ledger = deepcopy(self.ledger()) if on >= self.latest_effective_on else self.ledger(as_of=on)
        ledger.reach(on)
        return ledger

    def pay_at_maturity(
        self, *, on: date, provenance: Provenance, series: str | None = None, amount: Decimal | None = None
    ) -> None:
        """The whole unpaid principal of a series, paid on or after its maturity."""
        key = self.series_key(series)
        ledger = self._ledger_for(key, on)
        allocations = tuple(Allocation(n.number, n.principal) for n in ledger.live(key))
        owed = sum((a.amount for a in allocations), Decimal(0))
        if amount is not None and amount != owed:
            raise UnscheduledPayment(
                f"the {key} notes have ${format_amount(owed)} outstanding on {on}; payment at maturity"
                f" must be that, not ${format_amount(amount)}",
                section=self.terms.section("maturity"),
            )
        self._trigger(self.PaidAtMaturity, on, provenance, series=key, allocations=allocations)

    def record_text(
        self,
        provisions: Sequence[Provision],
        *,
        source: str,
        source_sha256: str,
        defects: Sequence[Defect],
        cleaning: Sequence[str],
        not_on_file: Sequence[str],
        on: date,
        provenance: Provenance,
    ) -> None:
        """The agreement's original text, once: later changes come by amendment."""
        if self.text_event() is not None:
            raise InvalidCommand(f"the text of {self.key} is already on file; it changes only by amendment")
        self._trigger(
            self.TextRecorded,
            on,
            provenance,
            provisions=tuple(provisions),
            source=source,
            source_sha256=source_sha256,
            defects=tuple(defects),
            cleaning=tuple(cleaning),
            not_on_file=tuple(not_on_file),
        )

    def execute_amendment(
        self,
        *,
        number: int,
        name: str,
        changes: Sequence[TextChange],
        conditions: Sequence[Condition],
        changes_payments: bool,
        on: date,
        provenance: Provenance,
    ) -> None:
        """An amendment signed by the Company, effective as of ``on`` once it qualifies.

        Its changes must apply to the text as every amendment before it would leave it.
        """
        self._require_new_amendment(number)
        text = self.text_event()
        provisions: list[Provision] = list(text.provisions) if text else []
        for change in [c for e in self.amendments() for c in e.changes] + list(changes):
            provisions = apply_change(provisions, change, on_file=text is not None)
        self._trigger(
            self.AmendmentExecuted,
            on,
            provenance,
            number=number,
            name=name,
            changes=tuple(changes),
            conditions=tuple(conditions),
            changes_payments=changes_payments,
        )

    def note_amendment(self, *, number: int, name: str, on: date, provenance: Provenance) -> None:
        """An amendment known to exist (a document on file refers to it) but not on file itself."""
        self._require_new_amendment(number)
        self._trigger(self.AmendmentNotOnFile, on, provenance, number=number, name=name)

    def consent(
        self, *, amendment: int, holder: str, signed_as: str | None, on: date, provenance: Provenance
    ) -> None:
        """A holder's written consent; it counts with the holder's principal on the amendment's date."""
        executed = self.amendment(amendment)
        ledger = self.ledger(as_of=executed.effective_on)
        holders = sorted({note.holder for note in ledger.live()})
        named = self._holder_among(holders, holder, f"on {executed.effective_on}, the date of {executed.name}")
        if any(
            isinstance(e, Agreement.ConsentGiven) and e.amendment == amendment and e.holder == named
            for e in in_force(self.history)
        ):
            raise ConsentRefused(f"{named} has already consented to {executed.name}")
        self._trigger(self.ConsentGiven, on, provenance, amendment=amendment, holder=named, signed_as=signed_as)

    def lapse(self, *, amendment: int, reason: str, on: date, provenance: Provenance) -> None:
        """An amendment abandoned: it will never take effect."""
        self.amendment(amendment)
        self._trigger(self.AmendmentLapsed, on, provenance, amendment=amendment, reason=reason)

    def cancel(self, *, on: date, note: int, provenance: Provenance) -> None:
        """A note the Company acquired, cancelled and never reissued (Section 7.12)."""
        self._require_on_file(on)
        ledger = self.ledger(as_of=on)
        held = ledger.notes.get(note)
        holder = held.holder if held is not None else "nobody"
        self._trigger(self.NoteCancelled, on, provenance, note=note, acquired_from=holder)

    def attest_register(
        self, holdings: Sequence[Holding], *, on: date, provenance: Provenance
    ) -> None:
        """A schedule of holders on file (an Annex 1) checked against the register."""
        named = tuple(
            Holding(self._canonical_holder(h.holder), self.series_key(h.series), h.principal)
            for h in holdings
        )
        self._trigger(self.RegisterAttested, on, provenance, holdings=named)

    # ---------------------------------------------------------------- helpers

    def _number(self, notes: Sequence[NewNote]) -> tuple[NoteCertificate, ...]:
        numbered, number = [], self.last_number
        for new in notes:
            number = new.number if new.number is not None else max(number, self.last_number) + 1
            numbered.append(
                NoteCertificate(
                    number,
                    self.series_key(new.series),
                    new.holder.strip(),
                    new.principal,
                    new.registered_name,
                    new.account,
                )
            )
        return tuple(numbered)

    def _trigger(self, event_class: type, on: date, provenance: Provenance, **fields: object) -> None:
        """Record one event, then check the timeline with it in place."""
        self.trigger_event(event_class, effective_on=on, provenance=provenance, **fields)
        self._check_timeline(first_new=self.version)

    def reverse(self, target: int, *, reason: str, provenance: Provenance) -> None:
        """Take an entry out of the register's timeline; refused if what followed depends on it."""
        first = self.version + 1
        super().reverse(target, reason=reason, provenance=provenance)
        self._check_timeline(first_new=first)

    def _check_timeline(self, *, first_new: int) -> None:
        """Replay the timeline with the new events; raise if any step breaks a rule.

        The ledger kept from the last check covers the events up to its version;
        when every later event (new, or read since) is effective no earlier than
        those, only the later ones need settling onto it.
        """
        unsettled = self.history[self._settled_version :]
        if self._settled is not None and all(
            (self._settled_latest is None or e.effective_on >= self._settled_latest) and not e.reverses()
            for e in unsettled
        ):
            ledger, events = self._settled, timeline(unsettled)
        else:
            ledger, events = Ledger(), timeline(self.history)
        self._settled = None
        assert ledger is not None
        for event in events:
            try:
                event.settle(ledger)
            except RegistryError as error:
                self._roll_back(first_new)
                if event.originator_version >= first_new:
                    raise
                raise BackdatingConflict(
                    f"this entry would invalidate {self.ref(event)} ({event.headline()},"
                    f" effective {event.effective_on}): {error}"
                ) from error
        self._settled, self._settled_version = ledger, self.version
        self._settled_latest = self.latest_effective_on

    def _roll_back(self, first_new: int) -> None:
        """Forget refused events, so the aggregate is as it was before the command."""
        kept = [e for e in self.history if e.originator_version < first_new]
        self._pending_events[:] = [e for e in self.pending_events if e.originator_version < first_new]
        self._start(self.key)
        for event in kept:
            self._take(event)
        if kept:
            self.version = first_new - 1
            self.modified_on = kept[-1].timestamp  # type: ignore[attr-defined]

    def _require_on_file(self, on: date) -> None:
        on_file_from = self.ledger().on_file_from
        if on_file_from is not None and on < on_file_from:
            raise NotOnFile(
                f"the register of {self.key} is on file only from {on_file_from}; what happened"
                f" on {on} cannot be recorded or checked against it"
            )

    def _ledger_for(self, series: str, on: date) -> Ledger:
        """The register as of ``on``, refusing dates when the series has no notes."""
        self._require_on_file(on)
        first_on = self.ledger().series[series].first_on
        if first_on is not None and on < first_on:
            raise BeforeIssuance(f"no {series} notes were outstanding on {on}: they were issued on {first_on}")
        ledger = self.ledger(as_of=on)
        ledger.require_outstanding(series, on)
        return ledger

    def _holder_on(self, ledger: Ledger, series: str, name: str, on: date) -> str:
        holders = sorted({n.holder for n in ledger.live(series)})
        return self._holder_among(holders, name, f"of {series} notes on {on}")

    def _holder_among(self, holders: Sequence[str], name: str, when: str) -> str:
        """The holder a user names: exactly, ignoring case, or by a unique part of the name."""
        wanted = name.strip().casefold()
        for candidates in (
            [h for h in holders if h.casefold() == wanted],
            [h for h in holders if wanted and wanted in h.casefold()],
        ):
            if len(candidates) == 1:
                return candidates[0]
            if len(candidates) > 1:
                raise UnknownHolder(f"{name!r} could be any of: {'; '.join(candidates)}; give the full name")
        close = difflib.get_close_matches(name, holders, n=3, cutoff=0.5)
        hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
        raise UnknownHolder(
            f"{name!r} is not a holder {when}; the holders then are: {'; '.join(holders) or 'none'}{hint}",
            section=self.terms.section("register"),
        )

    def _canonical_holder(self, name: str) -> str:
        """A known holder's name as first recorded, if ``name`` differs only in case."""
        for event in in_force(self.history):
            for certificate in event.certificates():
                if certificate.holder.casefold() == name.casefold():
                    return certificate.holder
        return name


def _with_assumptions(provenance: Provenance, extra: Sequence[Assumption]) -> Provenance:
    if not extra:
        return provenance
    return Provenance(
        recorded_by=provenance.recorded_by,
        evidence=provenance.evidence,
        assumptions=tuple(provenance.assumptions) + tuple(extra),
        entry=provenance.entry,
        fingerprint=provenance.fingerprint,
        source=provenance.source,
    )


def _certificate(note: NoteCertificate) -> str:
    return f"No. {note.number} ${format_amount(note.principal)} to {note.holder}"


def _allocations(allocations: Sequence[Allocation]) -> str:
    return ", ".join(
        f"No. {a.note} ${format_amount(a.amount)}{' (reacquired, no cash)' if a.deemed else ''}"
        for a in allocations
    )
