"""What comes in from outside, validated: journal entries and command-line input, by family.

``Entry`` is any one entry, told apart by its ``type``; each becomes one
``domain.commands.Command`` through its ``command(key)``.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from adapters.entries.base import NOT_APPLICABLE, EntryIn, EvidenceIn, Strict, Text
from adapters.entries.corrections import ReversalEntry
from adapters.entries.documents import (
    AmendmentEntry,
    AmendmentNotOnFileEntry,
    ConsentEntry,
    LapseEntry,
    TextEntry,
)
from adapters.entries.holders import HolderAliasEntry, HolderEntry, HolderRenamedEntry
from adapters.entries.instruments import GuarantyEntry, GuarantyReleaseEntry, InstrumentEntry
from adapters.entries.payments import InterestEntry, MaturityEntry, PrepaymentEntry, PrepaymentNoticeEntry
from adapters.entries.register import (
    AgreementEntry,
    CancellationEntry,
    IssueEntry,
    NoteReplacementEntry,
    OpeningRegisterEntry,
    RecordHorizonEntry,
    RegisterEntry,
    SupplementEntry,
    TermsCorrectedEntry,
    TransferEntry,
)
from adapters.entries.remedies import (
    AccelerationEntry,
    AccelerationPaymentEntry,
    EventOfDefaultEntry,
    RescissionEntry,
    WaiverEntry,
)

Entry = Annotated[
    AgreementEntry
    | TermsCorrectedEntry
    | SupplementEntry
    | IssueEntry
    | OpeningRegisterEntry
    | TransferEntry
    | PrepaymentNoticeEntry
    | PrepaymentEntry
    | MaturityEntry
    | InterestEntry
    | CancellationEntry
    | NoteReplacementEntry
    | RegisterEntry
    | RecordHorizonEntry
    | TextEntry
    | AmendmentEntry
    | AmendmentNotOnFileEntry
    | ConsentEntry
    | LapseEntry
    | GuarantyEntry
    | GuarantyReleaseEntry
    | InstrumentEntry
    | HolderEntry
    | HolderRenamedEntry
    | HolderAliasEntry
    | EventOfDefaultEntry
    | AccelerationEntry
    | AccelerationPaymentEntry
    | RescissionEntry
    | WaiverEntry
    | ReversalEntry,
    Field(discriminator="type"),
]

__all__ = [
    "NOT_APPLICABLE",
    "AccelerationEntry",
    "AccelerationPaymentEntry",
    "EventOfDefaultEntry",
    "NoteReplacementEntry",
    "PrepaymentNoticeEntry",
    "RescissionEntry",
    "WaiverEntry",
    "AgreementEntry",
    "AmendmentEntry",
    "AmendmentNotOnFileEntry",
    "CancellationEntry",
    "ConsentEntry",
    "Entry",
    "EntryIn",
    "EvidenceIn",
    "GuarantyEntry",
    "GuarantyReleaseEntry",
    "HolderAliasEntry",
    "HolderEntry",
    "HolderRenamedEntry",
    "InstrumentEntry",
    "InterestEntry",
    "IssueEntry",
    "LapseEntry",
    "MaturityEntry",
    "OpeningRegisterEntry",
    "PrepaymentEntry",
    "RecordHorizonEntry",
    "RegisterEntry",
    "ReversalEntry",
    "Strict",
    "SupplementEntry",
    "TermsCorrectedEntry",
    "Text",
    "TextEntry",
    "TransferEntry",
]
