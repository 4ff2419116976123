"""Entries about other instruments: guaranties (delivered, released) and instruments delivered."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from adapters.entries.base import Day, EntryIn, Plain, Prose, Strict, Text
from domain.commands import DeliverGuaranty, DeliverInstrument, ReleaseGuaranty
from domain.events import GUARANTY, INSTRUMENT
from domain.values import Description, GuarantyTerms, InstrumentTerms, Obligation


class ObligationIn(Strict):
    """An obligation a guaranty covers: an agreement on the registry, or another by name."""

    name: Text = Field(description="The obligation as the guaranty names it.")
    agreement: Plain | None = Field(None, description="The agreement's key, if it is on the registry.")


class DescriptionIn(Strict):
    """A document's own description of the instrument."""

    document: Text = Field(description="The document.")
    section: Plain | None = Field(None, description="Where in it.")
    text: Prose = Field(min_length=1, description="Its words.")


class GuarantyEntry(EntryIn):
    """A guaranty delivered, standing behind the agreements and instruments it names."""

    stream_kind: ClassVar[str] = GUARANTY

    type: Literal["guaranty"]
    title: Text = Field(description="The guaranty as it names itself.")
    guarantor: Text = Field(description="Who guaranties.")
    dated_as_of: Day = Field(description="Its date.")
    beneficiaries: tuple[Plain, ...] = Field((), description="Whom it is in favour of.")
    covers: tuple[ObligationIn, ...] = Field(min_length=1, description="What it guaranties.")
    descriptions: tuple[DescriptionIn, ...] = Field(
        (), description="How each document on file describes it, in its words, where they differ."
    )

    def command(self, key: str) -> DeliverGuaranty:
        terms = GuarantyTerms(
            key=key,
            title=self.title,
            guarantor=self.guarantor,
            dated_as_of=self.dated_as_of,
            beneficiaries=self.beneficiaries,
            covers=tuple(Obligation(o.name, o.agreement) for o in self.covers),
            descriptions=tuple(Description(d.document, d.section, d.text) for d in self.descriptions),
        )
        return DeliverGuaranty(**self.common(key), terms=terms)


class GuarantyReleaseEntry(EntryIn):
    """A guaranty released as to some agreements, or (none named) entirely."""

    stream_kind: ClassVar[str] = GUARANTY

    type: Literal["guaranty-release"]
    agreements: tuple[Plain, ...] = Field((), description="The agreements released; all it covers if none are named.")

    def command(self, key: str) -> ReleaseGuaranty:
        return ReleaseGuaranty(**self.common(key), agreements=self.agreements)


class InstrumentEntry(EntryIn):
    """Another instrument delivered (an amendment to a credit agreement, say), known by title."""

    stream_kind: ClassVar[str] = INSTRUMENT

    type: Literal["instrument"]
    title: Text = Field(description="The instrument as it names itself.")
    parties: tuple[Plain, ...] = Field((), description="Its parties.")
    dated_as_of: Day | None = Field(None, description="Its date, if on file.")

    def command(self, key: str) -> DeliverInstrument:
        return DeliverInstrument(
            **self.common(key), terms=InstrumentTerms(key, self.title, self.parties, self.dated_as_of)
        )
