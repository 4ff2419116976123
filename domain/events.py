"""What happened: the registry's events, immutable and in the past tense.

Every event is a frozen dataclass (eventsourcing's ``DomainEvent``) carrying its
stream (``originator_id``), its recording position in that stream
(``originator_version``), when it was recorded (``timestamp``), the business
date it took effect (``effective_on``) and its provenance: who recorded it, on
what evidence, with which assumptions, from which entry. Events hold facts
only; the rules they must satisfy live in ``domain.rules`` and are checked when
the timeline is folded (``domain.evolve``).

Streams are named by kind and key ("agreement/barnes-1995"); their ids are
derived from that name, so loading a journal twice finds the same streams.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from functools import cache
from typing import ClassVar
from uuid import UUID, uuid5

from eventsourcing.domain import DomainEvent

from domain.amendment import Condition
from domain.holders import Alias, HolderTerms
from domain.makewhole import MakewholeQuote
from domain.money import ZERO, format_amount
from domain.text import Defect, Provision, TextChange
from domain.values import (
    AgreementTerms,
    Allocation,
    GuarantyTerms,
    Holding,
    InstrumentTerms,
    NoteCertificate,
    Provenance,
    SeriesTerms,
    shown_if_set,
)

NAMESPACE = UUID("6b1f0c52-3f43-5a38-9d57-2a4c8e0f7d15")
AGREEMENT = "agreement"
GUARANTY = "guaranty"
INSTRUMENT = "instrument"
HOLDER = "holder"
KINDS = (AGREEMENT, GUARANTY, INSTRUMENT, HOLDER)


@cache
def stream_id(kind: str, key: str) -> UUID:
    """A stream's id, the same for the same kind and key on every registry (worked out once per process: a
    load asks for it several times per entry)."""
    return uuid5(NAMESPACE, f"{kind}/{key}")


class Event(DomainEvent):
    """What every event carries, and how it is named to a reader."""

    effective_on: date
    provenance: Provenance
    long_fields: ClassVar[tuple[str, ...]] = ()  # shown as a count in a history, whole when the event is shown alone

    def certificates(self) -> Sequence[NoteCertificate]:
        """Notes this event puts on the register (their numbers are never used again)."""
        return ()

    def concerns(self) -> tuple[int, ...]:
        """Notes on the register this event pays, surrenders or makes due: a holder's history shows it for them."""
        return ()

    def parties(self) -> tuple[str, ...]:
        """Holders this event names, as parties to it or acting in it: a holder's history shows it for them."""
        return tuple(c.holder for c in self.certificates())

    def cash(self) -> tuple[Allocation, ...]:
        """What this event pays to the holders of notes, note by note, as it allocates it: the wires a payment makes.
        A reacquired note's share moves no cash and is left out."""
        return ()

    def reverses(self) -> tuple[int, ...]:
        """The recording positions this event takes out of the timeline (a reversal's)."""
        return ()

    def headline(self) -> str:
        raise NotImplementedError

    def details(self) -> str:
        return ""

    def summary(self) -> str:
        details = self.details()
        return f"{self.headline()}: {details}" if details else self.headline()


class Reversed(Event):
    """An entry recorded in error, taken out of the timeline; it stays in the history.

    ``targets`` are the recording positions of the entry's events; the reversal
    is effective as of the earliest of them.
    """

    targets: tuple[int, ...]
    reason: str

    def reverses(self) -> tuple[int, ...]:
        return tuple(self.targets)

    def headline(self) -> str:
        events = ", ".join(f"No. {t}" for t in self.targets)
        return f"reversal of event{'s' if len(self.targets) > 1 else ''} {events}: {self.reason}"


class Agreement:
    """The events of a note agreement's stream: its register, its text and its amendments."""

    class Registered(Event):
        terms: AgreementTerms

        def headline(self) -> str:
            return f"{self.terms.title} dated as of {self.terms.dated_as_of}, issuer {self.terms.issuer}"

        def details(self) -> str:
            return "; ".join(f"${format_amount(s.principal)} {s.title}" for s in self.terms.series)

    class TermsCorrected(Event):
        """The terms as they should have been registered: they supersede the registration's, from its date."""

        terms: AgreementTerms
        reason: str

        def headline(self) -> str:
            return f"terms corrected: {self.reason}"

    class SeriesAdded(Event):
        """A supplement adding series to the agreement."""

        name: str
        series: tuple[SeriesTerms, ...]

        def headline(self) -> str:
            return f"{self.name} adds " + "; ".join(f"${format_amount(s.principal)} {s.title}" for s in self.series)

    class NotesIssued(Event):
        notes: tuple[NoteCertificate, ...]

        def certificates(self) -> Sequence[NoteCertificate]:
            return self.notes

        def headline(self) -> str:
            return "notes issued"

        def details(self) -> str:
            return "; ".join(describe_certificate(n) for n in self.notes)

    class RegisterOpened(Event):
        notes: tuple[NoteCertificate, ...]

        def certificates(self) -> Sequence[NoteCertificate]:
            return self.notes

        def headline(self) -> str:
            return "register on file from this date (earlier history not on file)"

        def details(self) -> str:
            return "; ".join(describe_certificate(n) for n in self.notes)

    class NoteTransferred(Event):
        """One note surrendered and new notes issued for it (Section 6.2 of the 1995 agreement)."""

        surrendered: int
        transferor: str
        transferee: str
        amount: Decimal
        issued: tuple[NoteCertificate, ...]
        new_holder: bool = False

        def certificates(self) -> Sequence[NoteCertificate]:
            return self.issued

        def concerns(self) -> tuple[int, ...]:
            return (self.surrendered,)

        def parties(self) -> tuple[str, ...]:
            return (self.transferor, self.transferee, *super().parties())

        def headline(self) -> str:
            return f"transfer of ${format_amount(self.amount)} from {self.transferor} to {self.transferee}"

        def details(self) -> str:
            return f"note No. {self.surrendered} surrendered for " + "; ".join(
                describe_certificate(n) for n in self.issued
            )

    class PrepaymentMade(Event):
        """Principal prepaid, with any interest on it and, if optional, the make-whole quote used."""

        series: str
        kind: str
        amount: Decimal
        allocations: tuple[Allocation, ...]
        interest: Decimal = ZERO
        makewhole: MakewholeQuote | None = None
        # The principal the interest and make-whole are on where a reacquired note's share, paid to no one, leaves
        # less than the amount; None: on the whole amount (entries recorded before December 2026 always).
        interest_on: Decimal | None = shown_if_set()

        def cash(self) -> tuple[Allocation, ...]:
            return tuple(a for a in self.allocations if not a.deemed)

        def concerns(self) -> tuple[int, ...]:
            return tuple(a.note for a in self.allocations)

        def headline(self) -> str:
            extra = f" with ${format_amount(self.interest)} interest" if self.interest else ""
            if self.makewhole is not None:
                extra += f" and a ${format_amount(self.makewhole.premium)} make-whole premium"
            if extra and self.interest_on is not None:
                extra += f" on the ${format_amount(self.interest_on)} paid to holders"
            return f"{self.kind} prepayment of ${format_amount(self.amount)} of the {self.series} notes{extra}"

        def details(self) -> str:
            return describe_allocations(self.allocations)

    class InterestPaid(Event):
        """The interest due on a coupon date, paid to the holders of record."""

        series: str
        due_on: date
        amount: Decimal
        allocations: tuple[Allocation, ...]
        # notes declared due before the date, which take no share (the interest to the declaration is part of what it
        # made due); None where none were (and in entries recorded before December 2026, which paid every note)
        declared_due: tuple[int, ...] | None = shown_if_set()

        def cash(self) -> tuple[Allocation, ...]:
            return tuple(a for a in self.allocations if not a.deemed)

        def concerns(self) -> tuple[int, ...]:
            return tuple(a.note for a in self.allocations)

        def headline(self) -> str:
            late = f", paid {self.effective_on}" if self.effective_on != self.due_on else ""
            return f"interest of ${format_amount(self.amount)} on the {self.series} notes due {self.due_on}{late}"

        def details(self) -> str:
            declared = self.declared_due or ()
            left = f"; none to No. {', '.join(map(str, declared))}, declared due before it" if declared else ""
            return describe_allocations(self.allocations) + left

    class PaidAtMaturity(Event):
        """Notes paid in full: at maturity, or, ``declared_due``, before it, the notes declared due then."""

        series: str
        allocations: tuple[Allocation, ...]
        declared_due: bool | None = shown_if_set()  # True before maturity; None at it (and in entries recorded before)

        def cash(self) -> tuple[Allocation, ...]:
            return tuple(a for a in self.allocations if not a.deemed)

        def concerns(self) -> tuple[int, ...]:
            return tuple(a.note for a in self.allocations)

        def headline(self) -> str:
            total = sum((a.amount for a in self.allocations), ZERO)
            if self.declared_due:
                return f"{self.series} notes declared due paid in full, ${format_amount(total)}"
            return f"{self.series} notes paid at maturity, ${format_amount(total)}"

        def details(self) -> str:
            return describe_allocations(self.allocations)

    class NoteCancelled(Event):
        note: int
        acquired_from: str

        def parties(self) -> tuple[str, ...]:
            return (self.acquired_from,)

        def headline(self) -> str:
            return f"note No. {self.note} acquired by the Company from {self.acquired_from} and cancelled"

    class RegisterAttested(Event):
        holdings: tuple[Holding, ...]

        def parties(self) -> tuple[str, ...]:
            return tuple(h.holder for h in self.holdings)

        def headline(self) -> str:
            return "schedule of holders on file agrees with the register"

        def details(self) -> str:
            return "; ".join(f"{h.holder} {h.series} ${format_amount(h.principal)}" for h in self.holdings)

    class DefaultOccurred(Event):
        """An Event of Default, under the clause of the agreement that defines it, on the evidence given."""

        clause: str
        description: str

        def headline(self) -> str:
            return f"Event of Default under {self.clause}: {self.description}"

    class NotesAccelerated(Event):
        """Notes become due at once on an Event of Default (recorded at ``default``): declared by holders,
        or automatically. What is due: ``principal``, ``interest`` accrued and, where the agreement
        provides it and the Treasury curve was given, the make-whole quote of each series."""

        default: int
        automatic: bool
        declared_by: tuple[str, ...]
        notes: tuple[int, ...]
        principal: Decimal
        interest: Decimal
        makewhole: tuple[MakewholeQuote, ...] = ()

        def concerns(self) -> tuple[int, ...]:
            return self.notes

        def parties(self) -> tuple[str, ...]:
            return self.declared_by  # (a remedy it acted in)

        def headline(self) -> str:
            how = "automatically" if self.automatic else f"declared by {'; '.join(self.declared_by)}"
            premium = sum((q.premium for q in self.makewhole), ZERO)
            extra = f" and a ${format_amount(premium)} make-whole premium" if self.makewhole else ""
            return (f"notes No. {', '.join(map(str, self.notes))} due at once ({how}): ${format_amount(self.principal)}"
                    f" principal, ${format_amount(self.interest)} interest{extra}")

    class AccelerationRescinded(Event):
        """A declaration of acceleration (recorded at ``acceleration``) annulled by holders."""

        acceleration: int
        declared_by: tuple[str, ...]

        def parties(self) -> tuple[str, ...]:
            return self.declared_by

        def headline(self) -> str:
            return f"acceleration No. {self.acceleration} annulled by {'; '.join(self.declared_by)}"

    class AccelerationPaid(Event):
        """The interest and make-whole premium the acceleration at ``acceleration`` made due beside the principal,
        paid to the holders of the notes it made due: each note's part of the interest (of more, after its date,
        pro rata to what it made due) and of the premium."""

        acceleration: int
        interest: tuple[Allocation, ...]
        premium: tuple[Allocation, ...] = ()

        def concerns(self) -> tuple[int, ...]:
            return tuple(a.note for a in (*self.interest, *self.premium))

        def cash(self) -> tuple[Allocation, ...]:
            return tuple(a for a in (*self.interest, *self.premium) if not a.deemed)

        def headline(self) -> str:
            premium = f" and a ${format_amount(Allocation.paid(self.premium))} make-whole premium" if self.premium else ""
            return (f"${format_amount(Allocation.paid(self.interest))} interest{premium} that acceleration"
                    f" No. {self.acceleration} made due paid")

        def details(self) -> str:
            premium = f"; premium: {describe_allocations(self.premium)}" if self.premium else ""
            return f"interest: {describe_allocations(self.interest)}{premium}"

    class WaiverGiven(Event):
        """The observance of ``provisions`` waived (and the Events of Default at ``defaults`` with it) by the
        holders ``given_by``; ``as_to`` lists the only holders it binds, when it binds only those who consent."""

        provisions: tuple[str, ...]
        defaults: tuple[int, ...]
        payment_terms: bool
        given_by: tuple[str, ...]
        as_to: tuple[str, ...] = ()

        def parties(self) -> tuple[str, ...]:
            return self.given_by

        def headline(self) -> str:
            waived = ", ".join(self.provisions) + (" (payment terms)" if self.payment_terms else "")
            bound = f", as to {'; '.join(self.as_to)} only" if self.as_to else ""
            return f"waiver of {waived} by {'; '.join(self.given_by)}{bound}"

    class PrepaymentNoticed(Event):
        """Notice to the holders of an optional prepayment of ``amount`` of a series on ``prepay_on``."""

        series: str
        prepay_on: date
        amount: Decimal

        def headline(self) -> str:
            return f"notice of an optional prepayment of ${format_amount(self.amount)} of the {self.series} notes on {self.prepay_on}"

    class NoteReplaced(Event):
        """A lost, stolen, destroyed or mutilated note replaced by a new note of like tenor."""

        note: int
        reason: str
        issued: NoteCertificate

        def certificates(self) -> Sequence[NoteCertificate]:
            return (self.issued,)

        def concerns(self) -> tuple[int, ...]:
            return (self.note,)

        def headline(self) -> str:
            return f"note No. {self.note} ({self.reason}) replaced by {describe_certificate(self.issued)}"

    class RecordHorizonSet(Event):
        """How far the evidence on file runs, per kind of fact: the register (who holds what) and
        payments. ``None`` for a kind of fact the registry is kept current for. The latest recorded wins."""

        register: date | None
        payments: date | None

        def headline(self) -> str:
            def runs(what: str, until: date | None) -> str:
                return f"{what} to {until}" if until else f"{what} kept current"

            return f"the record on file runs: {runs('register', self.register)}, {runs('payments', self.payments)}"

    class TextRecorded(Event):
        """The agreement's text on file, as imported from its source document."""

        long_fields: ClassVar[tuple[str, ...]] = ("provisions",)
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
        consents_section: str | None = None

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

        def parties(self) -> tuple[str, ...]:
            return (self.holder,)

        def headline(self) -> str:
            signed = f" (signed as {self.signed_as})" if self.signed_as else ""
            return f"{self.holder}{signed} consents to Amendment No. {self.amendment}"

    class AmendmentLapsed(Event):
        amendment: int
        reason: str

        def headline(self) -> str:
            return f"Amendment No. {self.amendment} lapsed: {self.reason}"


class Guaranty:
    """The events of a guaranty's stream: one instrument that may stand behind several agreements."""

    class Delivered(Event):
        terms: GuarantyTerms

        def headline(self) -> str:
            return f"{self.terms.title} from {self.terms.guarantor} delivered"

        def details(self) -> str:
            return "covers " + "; ".join(o.name for o in self.terms.covers)

    class Released(Event):
        agreements: tuple[str, ...]

        def headline(self) -> str:
            released = ", ".join(self.agreements) if self.agreements else "everything it covers"
            return f"released as to {released}"


class Instrument:
    """The events of another instrument's stream (an amendment to a credit agreement, say)."""

    class Delivered(Event):
        terms: InstrumentTerms

        def headline(self) -> str:
            return f"{self.terms.title} delivered"


class Holder:
    """The events of a holder's stream: who it is, what it is called from when, who signs for it."""

    class Identified(Event):
        terms: HolderTerms

        def headline(self) -> str:
            return f"holder {self.terms.name}" + (
                f", also known as {'; '.join(f'{a.name} ({a.role})' for a in self.terms.aliases)}" if self.terms.aliases else ""
            )

    class Renamed(Event):
        name: str

        def headline(self) -> str:
            return f"renamed {self.name}"

    class AliasAdded(Event):
        alias: Alias

        def headline(self) -> str:
            return f"also known as {self.alias.name} ({self.alias.role})"


CREATIONS: dict[str, type[Event]] = {
    AGREEMENT: Agreement.Registered,
    GUARANTY: Guaranty.Delivered,
    INSTRUMENT: Instrument.Delivered,
    HOLDER: Holder.Identified,
}


def describe_certificate(note: NoteCertificate) -> str:
    return f"No. {note.number} ${format_amount(note.principal)} to {note.holder}"


def describe_allocations(allocations: Sequence[Allocation]) -> str:
    return ", ".join(
        f"No. {a.note} ${format_amount(a.amount)}{' (reacquired, no cash)' if a.deemed else ''}"
        for a in allocations
    )
