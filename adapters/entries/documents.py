"""Entries about the agreement's documents: its text, amendments, consents and lapses."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError

from adapters.entries.base import (
    EntryIn,
    Flag,
    Plain,
    Prose,
    Strict,
    Text,
    Whole,
    described,
    digest,
    parse_toml,
    read_text,
)
from domain.amendment import Condition
from domain.commands import ExecuteAmendment, GiveConsent, LapseAmendment, NoteAmendment, RecordText
from domain.errors import InvalidCommand, InvalidJournal
from domain.text import Defect, Provision, TextChange


class ProvisionIn(Strict):
    """One provision of the text: a section, a definition, an exhibit."""

    ref: Text = Field(description='How it is addressed, e.g. "7.7" or \'10.1 "Affiliate"\'.')
    kind: Text = Field(description='"article", "section", "definition", "exhibit", "part".')
    title: Plain = Field(description="Its heading, or the term it defines.")
    text: Prose = Field(description="Its words.")
    parent: Plain | None = Field(None, description="The provision it sits in (a definition's section).")


class DefectIn(Strict):
    """A scanning error kept as printed."""

    printed: Text = Field(description="What the source shows.")
    reading: Text = Field(description="What it evidently means.")
    where: Text = Field(description="Where it is.")
    note: Plain = Field("", description="Anything more.")


class TextHeader(Strict):
    """Where the structured text comes from."""

    agreement: Text = Field(description="The agreement's key.")
    source: Text = Field(description="The source document.")
    source_sha256: Text = Field(description="The SHA-256 of the source document.")
    cleaning: tuple[Plain, ...] = Field((), description="What was cleaned out of the source (page markers, say).")
    not_on_file: tuple[Plain, ...] = Field((), description="Provisions the source lists but does not contain.")


class TextFile(Strict):
    """A structured text fixture, as written by ``adapters.agreement_text``."""

    text: TextHeader = Field(description="Where it comes from.")
    defect: tuple[DefectIn, ...] = Field((), description="Scanning errors kept as printed.")
    provision: tuple[ProvisionIn, ...] = Field(min_length=1, description="The provisions, in the document's order.")


class TextEntry(EntryIn):
    """The agreement's original text on file, from a structured text fixture (``file``)."""

    type: Literal["text"]
    file: Plain | None = Field(None, description="A structured text file beside the journal (see adapters/agreement_text.py).")
    content: TextFile | None = Field(None, description="The text itself, instead of a file.")

    def resolve(self, directory: Path) -> TextEntry:
        """This entry with its text file read and validated."""
        if self.content is not None or self.file is None:
            return self
        path = directory / self.file
        try:
            given = Path(self.file)
            content = TextFile.model_validate(parse_toml(read_text(given, "text file", beside=directory), given, "text file"))
        except ValidationError as error:
            loc, message = described(error)
            raise InvalidJournal(f"text file {path}: {'.'.join(map(str, loc))}: {message}") from None
        return self.model_copy(update={"content": content})

    def fingerprint(self) -> str:
        return digest(self.model_dump(mode="json", exclude={"id", "file"}, by_alias=True))

    def command(self, key: str) -> RecordText:
        if self.content is None:
            raise InvalidCommand("a text entry needs its text: give `file`, a structured text fixture")
        header = self.content.text
        return RecordText(
            **self.common(key),
            provisions=tuple(Provision(p.ref, p.kind, p.title, p.text, p.parent) for p in self.content.provision),
            source=header.source,
            source_sha256=header.source_sha256,
            defects=tuple(Defect(d.printed, d.reading, d.where, d.note) for d in self.content.defect),
            cleaning=header.cleaning,
            not_on_file=header.not_on_file,
        )


class ChangeIn(Strict):
    """One change an amendment makes to the text, as its words put it."""

    action: Literal["restate", "add-definition", "delete", "insert"] = Field(
        description='"restate" a section or clause in its entirety, "add-definition", "delete" or "insert" a provision.'
    )
    target: Text = Field(description='The section or clause ("7.7", "7.14(d)"), or the definitions section for a new term.')
    text: Prose = Field("", description="The new words.")
    title: Plain | None = Field(None, description="The heading of a restated or inserted section.")
    term: Plain | None = Field(None, description="The term a definition defines.")
    after: Plain | None = Field(None, description="The provision an inserted one follows.")
    where: Plain | None = Field(None, description='Where the amendment makes it, e.g. "Exhibit A, paragraph 1".')


class ConditionIn(Strict):
    """A condition precedent of an amendment: another instrument delivered, or another amendment executed."""

    section: Text = Field(description='The amendment\'s section stating it, e.g. "5(b)".')
    text: Text = Field(description="Its words.")
    kind: Literal["delivered", "executed"] = Field(description='"delivered" (a guaranty, an instrument) or "executed" (an amendment).')
    ref: Text = Field(description='What it waits on: "guaranty/kar-2003", "instrument/…", "agreement/barnes-2000/2".')


class AmendmentEntry(EntryIn):
    """An amendment executed: its changes to the text and its conditions precedent.

    ``effective_on`` is the amendment's "as of" date; it takes effect then only
    once consents reach the threshold and every condition is met.
    """

    type: Literal["amendment"]
    number: Whole = Field(gt=0, description="Its number.")
    name: Text = Field(description='Its name, e.g. "Amendment No. 2 to Note Purchase Agreement".')
    changes: tuple[ChangeIn, ...] = Field((), description="What it changes in the text, each as its words put it.")
    conditions: tuple[ConditionIn, ...] = Field((), description="What must be delivered or executed before it takes effect.")
    changes_payments: Flag = Field(False, description="It changes payment amounts, times or rates (every holder must consent).")
    consents_section: Plain | None = Field(None, description='The amendment\'s section requiring the holders\' consent, e.g. "5(a)".')

    def command(self, key: str) -> ExecuteAmendment:
        return ExecuteAmendment(
            **self.common(key),
            number=self.number,
            name=self.name,
            changes=tuple(TextChange(c.action, c.target, c.text, c.title, c.term, c.after, c.where) for c in self.changes),
            conditions=tuple(Condition(c.section, c.text, c.kind, c.ref) for c in self.conditions),
            changes_payments=self.changes_payments,
            consents_section=self.consents_section,
        )


class AmendmentNotOnFileEntry(EntryIn):
    """An amendment a document on file refers to, whose date and content are not on file."""

    type: Literal["amendment-not-on-file"]
    number: Whole = Field(gt=0, description="Its number.")
    name: Text = Field(description="Its name, as the document referring to it gives it.")

    def command(self, key: str) -> NoteAmendment:
        return NoteAmendment(**self.common(key), number=self.number, name=self.name)


class ConsentEntry(EntryIn):
    """A holder's written consent to an amendment, dated on or after the amendment's date."""

    type: Literal["consent"]
    amendment: Whole = Field(gt=0, description="The amendment's number.")
    holder: Text = Field(description="The holder of record consenting: its name, or a unique part of it.")
    signed_as: Plain | None = Field(None, description="The name on the signature page, if not the holder's.")

    def command(self, key: str) -> GiveConsent:
        return GiveConsent(**self.common(key), amendment=self.amendment, holder=self.holder, signed_as=self.signed_as)


class LapseEntry(EntryIn):
    """An amendment abandoned: it will never take effect."""

    type: Literal["amendment-lapsed"]
    amendment: Whole = Field(gt=0, description="The amendment's number.")
    reason: Text = Field(description="Why.")

    def command(self, key: str) -> LapseAmendment:
        return LapseAmendment(**self.common(key), amendment=self.amendment, reason=self.reason)
