"""Entries about holders themselves: who a holder is, what it is called from when, who signs for it.

They go in a journal of holders (``[journal] holders = true``); each names its holder.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from adapters.entries.base import EntryIn, Plain, Strict, Text
from domain.commands import AddAlias, IdentifyHolder, RenameHolder
from domain.events import HOLDER
from domain.holders import Alias, holder_key


class AliasIn(Strict):
    """Another name a holder is known by."""

    name: Text = Field(description="The other name, as the document prints it.")
    role: Literal["signatory", "former name", "other"] = Field(
        description='"signatory" (a party signing for the holder of record), "former name" or "other".'
    )
    note: Plain | None = Field(None, description="Anything a reader should know.")

    def alias(self) -> Alias:
        return Alias(self.name, self.role, self.note)


class HolderEntry(EntryIn):
    """A holder on the registry by its own entry: its name and aliases. A name that only looks like a
    holder already on the registry must say which it is not (``distinct_from``)."""

    stream_kind: ClassVar[str] = HOLDER

    type: Literal["holder"]
    name: Text = Field(description="The holder's name.")
    aliases: tuple[AliasIn, ...] = Field((), description="Other names it is known by.")
    distinct_from: tuple[Plain, ...] = Field((), description="Holders on the registry whose names it looks like, but is not.")

    def stream_key(self, journal_key: str | None) -> str:
        return holder_key(self.name)

    def command(self, key: str) -> IdentifyHolder:
        return IdentifyHolder(**self.common(key), name=self.name, aliases=tuple(a.alias() for a in self.aliases),
                              distinct_from=self.distinct_from)


class HolderRenamedEntry(EntryIn):
    """A holder's new name, from the entry's date."""

    stream_kind: ClassVar[str] = HOLDER

    type: Literal["holder-renamed"]
    holder: Text = Field(description="The holder, by the name it was first identified by (or its key).")
    name: Text = Field(description="Its name from the entry's date.")

    def stream_key(self, journal_key: str | None) -> str:
        return holder_key(self.holder)

    def command(self, key: str) -> RenameHolder:
        return RenameHolder(**self.common(key), name=self.name)


class HolderAliasEntry(EntryIn):
    """Another name a holder is known by, from the entry's date."""

    stream_kind: ClassVar[str] = HOLDER

    type: Literal["holder-alias"]
    holder: Text = Field(description="The holder, by the name it was first identified by (or its key).")
    alias: AliasIn = Field(description="The other name.")

    def stream_key(self, journal_key: str | None) -> str:
        return holder_key(self.holder)

    def command(self, key: str) -> AddAlias:
        return AddAlias(**self.common(key), alias=self.alias.alias())
