"""Other instruments an agreement's conditions may need delivered, such as an
amendment to the Credit Agreement: known by title, parties and date, not content."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from domain.stream import Entry, Stream, stream_id
from domain.values import Provenance, Value


def instrument_id(key: str) -> UUID:
    return stream_id("instrument", key)


@dataclass(frozen=True)
class InstrumentTerms(Value):
    key: str
    title: str
    parties: tuple[str, ...]
    dated_as_of: date | None


class Instrument(Stream):
    class Delivered(Entry, Stream.Created):
        effective_on: date
        provenance: Provenance
        terms: InstrumentTerms

        def headline(self) -> str:
            return f"{self.terms.title} delivered"

    def __init__(self, terms: InstrumentTerms, effective_on: date, provenance: Provenance) -> None:
        self._start(terms.key)

    @staticmethod
    def create_id(terms: InstrumentTerms) -> UUID:
        return instrument_id(terms.key)

    @classmethod
    def deliver(cls, terms: InstrumentTerms, *, effective_on: date, provenance: Provenance) -> Instrument:
        return cls._create(cls.Delivered, terms=terms, effective_on=effective_on, provenance=provenance)
