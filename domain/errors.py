"""Why the registry refuses something.

Every refusal is a ``RegistryError`` whose class names the rule broken and whose
message says, in a treasurer's words, what was asked, what the register holds,
and which section of the agreement forbids it. A refused command records nothing.
"""

from __future__ import annotations


class RegistryError(Exception):
    """A command or input refused; the store is left exactly as it was."""

    rule = "registry rule"

    def __init__(self, message: str, *, section: str | None = None, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.section = section
        self.field = field  # the input field at fault ("series.0.maturity"), to point a journal at its line

    def __str__(self) -> str:
        return f"{self.message} (Section {self.section})" if self.section else self.message


class InvalidAmount(RegistryError):
    rule = "an amount is positive, in exact dollars and cents"


class InvalidCommand(RegistryError):
    rule = "the command is incomplete or contradicts itself"


class UnknownAgreement(RegistryError):
    rule = "the agreement must be on the registry"


class HolderNotOnRegistry(UnknownAgreement):
    rule = "a holder's renaming or alias follows the holder's own entry on the registry"


class NotYetRecorded(RegistryError):
    rule = "a view as known at a time shows only what was recorded by then"


class UnknownSeries(RegistryError):
    rule = "the series must be one of the agreement's"


class UnknownHolder(RegistryError):
    rule = "the holder must be on the register on that date"


class UnknownTransferee(RegistryError):
    rule = "a transferee is a holder on the registry, or declared new and unlike any holder there"


class UnknownNote(RegistryError):
    rule = "the note must be outstanding on that date"


class NoSuchNote(UnknownNote):
    rule = "a note asked about is one the agreement has issued"


class NotOnFile(RegistryError):
    rule = "the registry does not invent what the documents do not give"


class UnknownEvent(RegistryError):
    rule = "an event named must be one recorded on the registry"


class UnknownSection(RegistryError):
    rule = "a provision must be in the text on file"


class UnknownAmendment(RegistryError):
    rule = "an amendment acted on or asked about is one on file, executed"


class ConsentRefused(RegistryError):
    rule = "a holder consents to an amendment once"


class UnknownClause(RegistryError):
    rule = "an Event of Default is one the agreement defines"


class NoDefaultToActOn(RegistryError):
    rule = "a remedy rests on an Event of Default recorded by its date and not waived"


class AccelerationRefused(RegistryError):
    rule = "notes are declared due once, on the grounds the agreement gives"


class AcceleratedPaymentRefused(RegistryError):
    rule = ("what an acceleration made due beside the principal is paid once, while it is in force: the interest at"
            " least as made due, the premium as made due")


class DeclaredDue(RegistryError):
    rule = "notes declared due are paid in full, as the declaration made them due, not by coupons or prepayments"


class AnnulmentRefused(RegistryError):
    rule = "only a declaration in force, on notes still outstanding, is annulled, once every sum due other than by it is paid"


class NoticeRefused(RegistryError):
    rule = "an optional prepayment follows the holders' notice of its date and amount, given within the agreement's window"


class ReplacementRefused(RegistryError):
    rule = "a note lost, stolen, destroyed or mutilated is replaced by one of like tenor, to its holder"


class ReversalRefused(RegistryError):
    rule = "an entry is reversed once, and a reversal is undone by recording the entry again"


class IssueRefused(RegistryError):
    rule = ("notes are put on the register once, issued at their closing, each series in full, each note under a number"
            " never used before and with a principal")


class TransferRefused(RegistryError):
    rule = "a note is transferred to another holder, in new notes of its series"


class TextRefused(RegistryError):
    rule = "an agreement has one original text, changed only by amendments, each recorded once"


class WaiverRefused(RegistryError):
    rule = ("a waiver binds the holders the register on its date makes it bind, and one binding only those who give it"
            " cannot end an Event of Default")


class ReleaseRefused(RegistryError):
    rule = "a guaranty is released after its delivery, as to agreements it covers"


class NameRefused(RegistryError):
    rule = "a holder's new name or alias is one it is not known by already"


class HorizonRefused(RegistryError):
    rule = "the record cannot end before the agreement's date"


class ShareNotMet(RegistryError):
    rule = "a remedy or waiver needs holders of the share of principal the agreement sets"


class BeforeIssuance(RegistryError):
    rule = "nothing happens to notes before they are issued"


class NotesPaidOff(RegistryError):
    rule = "nothing happens to notes after they are paid off"


class OverIssuance(RegistryError):
    rule = "notes issued cannot exceed the series' aggregate principal"


class OverTransfer(RegistryError):
    rule = "a transfer cannot exceed the transferor's holding"


class BelowMinimumDenomination(RegistryError):
    rule = "new notes must be in the minimum denomination"


class OverPayment(RegistryError):
    rule = "a payment of principal cannot exceed the principal outstanding"


class NotAMultiple(RegistryError):
    rule = "optional prepayments are in the agreement's multiples"


class UnscheduledPayment(RegistryError):
    rule = "a required payment must match the agreement's schedule"


class NotYetInDefault(RegistryError):
    rule = "a payment not made is an Event of Default only once it is unpaid past its grace"


class AllocationMismatch(RegistryError):
    rule = "partial payments are allocated pro rata to unpaid principal"


class RegisterMismatch(RegistryError):
    rule = "the register must agree with the schedule of holders on file"


class ConflictingEntry(RegistryError):
    rule = "an entry id names one entry only"


class BackdatingConflict(RegistryError):
    rule = "a backdated entry, or a reversal, leaves valid every entry recorded after it"


class InvalidTerms(RegistryError):
    rule = "an agreement's terms must be complete and consistent where they are given"


class InvalidJournal(RegistryError):
    rule = "a journal must be well-formed"
