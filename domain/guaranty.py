"""A guaranty: one instrument that may stand behind several agreements at once.

The Kar Guaranty of February 5, 2003 guaranties the Credit Agreement and all
three note agreements; it is delivered once, as one event, and may later be
released in whole or for some of the obligations it covers.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from domain.errors import InvalidCommand, NotesPaidOff
from domain.stream import Entry, Stream, in_force, stream_id
from domain.values import GuarantyTerms, Provenance


def guaranty_id(key: str) -> UUID:
    return stream_id("guaranty", key)


class Guaranty(Stream):
    class Event(Entry, Stream.Event):
        effective_on: date
        provenance: Provenance

    class Delivered(Entry, Stream.Created):
        effective_on: date
        provenance: Provenance
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

    def __init__(self, terms: GuarantyTerms, effective_on: date, provenance: Provenance) -> None:
        self._start(terms.key)

    @staticmethod
    def create_id(terms: GuarantyTerms) -> UUID:
        return guaranty_id(terms.key)

    @classmethod
    def deliver(cls, terms: GuarantyTerms, *, effective_on: date, provenance: Provenance) -> Guaranty:
        return cls._create(cls.Delivered, terms=terms, effective_on=effective_on, provenance=provenance)

    @property
    def terms(self) -> GuarantyTerms:
        first = self.history[0]
        assert isinstance(first, Guaranty.Delivered)
        return first.terms

    def release(self, agreements: tuple[str, ...], *, on: date, provenance: Provenance) -> None:
        """Release the guaranty as to some agreements it covers, or (none named) entirely."""
        if on < self.history[0].effective_on:
            raise InvalidCommand(f"{self.key} was delivered on {self.history[0].effective_on}; it cannot be released on {on}")
        unknown = [key for key in agreements if key not in self.terms.agreements()]
        if unknown:
            raise InvalidCommand(f"{self.key} does not cover {', '.join(unknown)}; it covers {', '.join(self.terms.agreements())}")
        covered = self.covered(on)
        if not covered or (agreements and not set(agreements) & covered):
            raise NotesPaidOff(f"{self.key} no longer covers {', '.join(agreements) or 'anything'} on {on}")
        self.trigger_event(self.Released, effective_on=on, provenance=provenance, agreements=tuple(agreements))

    def covered(self, on: date) -> set[str]:
        """The agreements on the registry this guaranty stands behind on ``on``."""
        return covered_by(self.history, on)


def covered_by(events: list, on: date) -> set[str]:
    """Agreements a guaranty's events leave covered on ``on`` (a pure fold of its events)."""
    covered: set[str] = set()
    for event in sorted(in_force(events), key=lambda e: (e.effective_on, e.originator_version)):
        if event.effective_on > on:
            break
        if isinstance(event, Guaranty.Delivered):
            covered = set(event.terms.agreements())
        elif isinstance(event, Guaranty.Released):
            covered -= set(event.agreements) if event.agreements else covered
    return covered
