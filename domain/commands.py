"""What a user asks the registry to record: commands, as plain data.

A command names the stream it acts on (``key``), the date it takes effect and
the evidence behind it; the registry decides it (``domain.decide``) into events
or refuses it. Journal entries and command-line input become these same
commands (``adapters.entries``), so both are checked the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import ClassVar

from domain.amendment import Condition
from domain.events import AGREEMENT, GUARANTY, HOLDER, INSTRUMENT
from domain.holders import Alias
from domain.makewhole import CurvePoint
from domain.text import Defect, Provision, TextChange
from domain.values import AgreementTerms, Assumption, Evidence, GuarantyTerms, InstrumentTerms, SeriesTerms


@dataclass(frozen=True, kw_only=True)
class Command:
    stream_kind: ClassVar[str] = AGREEMENT
    creates: ClassVar[bool] = False
    names_holders: ClassVar[bool] = False  # decided against every holder on the registry

    key: str
    effective_on: date
    evidence: Evidence
    assumptions: tuple[Assumption, ...] = ()

    def requires(self) -> tuple[tuple[str, str], ...]:
        """Other streams that must be on the registry first, as (kind, key)."""
        return ()


@dataclass(frozen=True)
class NewNote:
    """A note to issue; the registry numbers it unless the number is on file."""

    holder: str
    principal: Decimal
    series: str | None = None
    registered_name: str | None = None
    account: str | None = None
    number: int | None = None


@dataclass(frozen=True)
class StatedHolding:
    """A line of a schedule of holders as a document states it: the series may be left to the registry."""

    holder: str
    principal: Decimal
    series: str | None = None


# ------------------------------------------------------------------ the notes


@dataclass(frozen=True, kw_only=True)
class RegisterAgreement(Command):
    creates: ClassVar[bool] = True
    terms: AgreementTerms


@dataclass(frozen=True, kw_only=True)
class CorrectTerms(Command):
    """The agreement's terms as they should have been registered; every entry is checked again under them."""

    terms: AgreementTerms
    reason: str


@dataclass(frozen=True, kw_only=True)
class AddSeries(Command):
    """A supplement adding series to the agreement, from its date."""

    name: str
    series: tuple[SeriesTerms, ...]


@dataclass(frozen=True, kw_only=True)
class IssueNotes(Command):
    notes: tuple[NewNote, ...]


@dataclass(frozen=True, kw_only=True)
class OpenRegister(Command):
    notes: tuple[NewNote, ...]


@dataclass(frozen=True, kw_only=True)
class TransferNotes(Command):
    names_holders: ClassVar[bool] = True
    transferor: str
    transferee: str
    amount: Decimal
    new_holder: bool = False
    series: str | None = None
    note: int | None = None
    registered_name: str | None = None


@dataclass(frozen=True, kw_only=True)
class CancelNote(Command):
    note: int


@dataclass(frozen=True, kw_only=True)
class AttestRegister(Command):
    holdings: tuple[StatedHolding, ...]


@dataclass(frozen=True, kw_only=True)
class ReplaceNote(Command):
    """A new note of like tenor for one lost, stolen, destroyed or mutilated."""

    note: int
    reason: str


@dataclass(frozen=True, kw_only=True)
class SetRecordHorizon(Command):
    """How far the evidence on file runs: ``None`` for a kind of fact kept current on the registry."""

    register: date | None = None
    payments: date | None = None


# ------------------------------------------------------------------- payments


@dataclass(frozen=True, kw_only=True)
class Prepay(Command):
    kind: str
    amount: Decimal | None = None
    series: str | None = None
    curve: tuple[CurvePoint, ...] | None = None


@dataclass(frozen=True, kw_only=True)
class PayInterest(Command):
    series: str | None = None
    due_on: date | None = None
    amount: Decimal | None = None


@dataclass(frozen=True, kw_only=True)
class PayAtMaturity(Command):
    series: str | None = None
    amount: Decimal | None = None


@dataclass(frozen=True, kw_only=True)
class GivePrepaymentNotice(Command):
    """Notice of an optional prepayment; ``effective_on`` is the day it is given."""

    prepay_on: date
    amount: Decimal
    series: str | None = None


# ----------------------------------------------------------------- remedies


@dataclass(frozen=True, kw_only=True)
class DeclareDefault(Command):
    """An Event of Default; on an automatic clause the notes become due with it (``curve`` prices the make-whole)."""

    clause: str
    description: str
    curve: tuple[CurvePoint, ...] | None = None


@dataclass(frozen=True, kw_only=True)
class Accelerate(Command):
    """Holders declare notes due on a continuing Event of Default (the latest, unless ``default`` names one)."""

    names_holders: ClassVar[bool] = True
    declared_by: tuple[str, ...]
    default: int | None = None
    curve: tuple[CurvePoint, ...] | None = None


@dataclass(frozen=True, kw_only=True)
class RescindAcceleration(Command):
    names_holders: ClassVar[bool] = True
    declared_by: tuple[str, ...]
    acceleration: int | None = None


@dataclass(frozen=True, kw_only=True)
class PayAccelerated(Command):
    """The interest and make-whole premium an acceleration (the latest in force, unless ``acceleration`` names one)
    made due beside the principal, paid: the interest at least what it made due, the premium what it made due."""

    interest: Decimal
    premium: Decimal | None = None
    acceleration: int | None = None


@dataclass(frozen=True, kw_only=True)
class Waive(Command):
    names_holders: ClassVar[bool] = True
    provisions: tuple[str, ...]
    given_by: tuple[str, ...]
    defaults: tuple[int, ...] = ()
    payment_terms: bool = False


# ------------------------------------------------------------------ documents


@dataclass(frozen=True, kw_only=True)
class RecordText(Command):
    provisions: tuple[Provision, ...]
    source: str
    source_sha256: str
    defects: tuple[Defect, ...] = ()
    cleaning: tuple[str, ...] = ()
    not_on_file: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class ExecuteAmendment(Command):
    number: int
    name: str
    changes: tuple[TextChange, ...] = ()
    conditions: tuple[Condition, ...] = ()
    changes_payments: bool = False
    consents_section: str | None = None


@dataclass(frozen=True, kw_only=True)
class NoteAmendment(Command):
    """An amendment a document on file refers to, whose date and content are not on file."""

    number: int
    name: str


@dataclass(frozen=True, kw_only=True)
class GiveConsent(Command):
    names_holders: ClassVar[bool] = True
    amendment: int
    holder: str
    signed_as: str | None = None


@dataclass(frozen=True, kw_only=True)
class LapseAmendment(Command):
    amendment: int
    reason: str


# ------------------------------------------------------- guaranties, instruments


@dataclass(frozen=True, kw_only=True)
class DeliverGuaranty(Command):
    stream_kind: ClassVar[str] = GUARANTY
    creates: ClassVar[bool] = True
    terms: GuarantyTerms

    def requires(self) -> tuple[tuple[str, str], ...]:
        return tuple((AGREEMENT, key) for key in self.terms.agreements())


@dataclass(frozen=True, kw_only=True)
class ReleaseGuaranty(Command):
    stream_kind: ClassVar[str] = GUARANTY
    agreements: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class DeliverInstrument(Command):
    stream_kind: ClassVar[str] = INSTRUMENT
    creates: ClassVar[bool] = True
    terms: InstrumentTerms


# --------------------------------------------------------------------- holders


@dataclass(frozen=True, kw_only=True)
class IdentifyHolder(Command):
    """A holder on the registry by its own entry: its name, aliases, and the look-alikes it is not."""

    stream_kind: ClassVar[str] = HOLDER
    creates: ClassVar[bool] = True
    names_holders: ClassVar[bool] = True
    name: str
    aliases: tuple[Alias, ...] = ()
    distinct_from: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class RenameHolder(Command):
    stream_kind: ClassVar[str] = HOLDER
    name: str


@dataclass(frozen=True, kw_only=True)
class AddAlias(Command):
    stream_kind: ClassVar[str] = HOLDER
    alias: Alias


# ----------------------------------------------------------------- corrections


@dataclass(frozen=True, kw_only=True)
class Reverse(Command):
    """Take an entry recorded in error out of the timeline, in a stream of any kind.

    The reversal takes effect as of the reversed entry's date: ``effective_on`` is ignored.
    """

    stream_kind: str = AGREEMENT  # type: ignore[misc]
    target: int
    reason: str
    effective_on: date = date.min
