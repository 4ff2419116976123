"""Entries about the agreement's documents: its text, amendments, consents and lapses."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError

from adapters.entries.base import EntryIn, Strict, Text, digest
from domain.amendment import Condition
from domain.commands import ExecuteAmendment, GiveConsent, LapseAmendment, NoteAmendment, RecordText
from domain.errors import InvalidCommand, InvalidJournal
from domain.text import Defect, Provision, TextChange


class ProvisionIn(Strict):
    ref: Text
    kind: Text
    title: str
    text: str
    parent: str | None = None


class DefectIn(Strict):
    printed: Text
    reading: Text
    where: Text
    note: str = ""


class TextHeader(Strict):
    agreement: Text
    source: Text
    source_sha256: Text
    cleaning: tuple[str, ...] = ()
    not_on_file: tuple[str, ...] = ()


class TextFile(Strict):
    """A structured text fixture, as written by ``adapters.agreement_text``."""

    text: TextHeader
    defect: tuple[DefectIn, ...] = ()
    provision: tuple[ProvisionIn, ...] = Field(min_length=1)


class TextEntry(EntryIn):
    """The agreement's original text on file, from a structured text fixture (``file``)."""

    type: Literal["text"]
    file: str | None = None
    content: TextFile | None = None

    def resolve(self, directory: Path) -> TextEntry:
        """This entry with its text file read and validated."""
        if self.content is not None or self.file is None:
            return self
        path = directory / self.file
        try:
            content = TextFile.model_validate(tomllib.loads(path.read_text(encoding="utf-8")))
        except OSError as error:
            raise InvalidJournal(f"text file {path}: {error.strerror}") from None
        except tomllib.TOMLDecodeError as error:
            raise InvalidJournal(f"text file {path}: not valid TOML: {error}") from None
        except ValidationError as error:
            first = error.errors()[0]
            place = ".".join(str(part) for part in first["loc"])
            raise InvalidJournal(f"text file {path}: {place}: {first['msg']}") from None
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
    action: Literal["restate", "add-definition", "delete", "insert"]
    target: Text
    text: str = ""
    title: str | None = None
    term: str | None = None
    after: str | None = None


class ConditionIn(Strict):
    section: Text
    text: Text
    kind: Literal["delivered", "executed"]
    ref: Text


class AmendmentEntry(EntryIn):
    """An amendment executed: its changes to the text and its conditions precedent.

    ``effective_on`` is the amendment's "as of" date; it takes effect then only
    once consents reach the threshold and every condition is met.
    """

    type: Literal["amendment"]
    number: int = Field(gt=0)
    name: Text
    changes: tuple[ChangeIn, ...] = ()
    conditions: tuple[ConditionIn, ...] = ()
    changes_payments: bool = False
    consents_section: str | None = None

    def command(self, key: str) -> ExecuteAmendment:
        return ExecuteAmendment(
            **self.common(key),
            number=self.number,
            name=self.name,
            changes=tuple(TextChange(c.action, c.target, c.text, c.title, c.term, c.after) for c in self.changes),
            conditions=tuple(Condition(c.section, c.text, c.kind, c.ref) for c in self.conditions),
            changes_payments=self.changes_payments,
            consents_section=self.consents_section,
        )


class AmendmentNotOnFileEntry(EntryIn):
    """An amendment a document on file refers to, whose date and content are not on file."""

    type: Literal["amendment-not-on-file"]
    number: int = Field(gt=0)
    name: Text

    def command(self, key: str) -> NoteAmendment:
        return NoteAmendment(**self.common(key), number=self.number, name=self.name)


class ConsentEntry(EntryIn):
    type: Literal["consent"]
    amendment: int = Field(gt=0)
    holder: Text
    signed_as: str | None = None

    def command(self, key: str) -> GiveConsent:
        return GiveConsent(**self.common(key), amendment=self.amendment, holder=self.holder, signed_as=self.signed_as)


class LapseEntry(EntryIn):
    type: Literal["amendment-lapsed"]
    amendment: int = Field(gt=0)
    reason: Text

    def command(self, key: str) -> LapseAmendment:
        return LapseAmendment(**self.common(key), amendment=self.amendment, reason=self.reason)
