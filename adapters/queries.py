"""The query service: one method per view, each returning a projection's read model.

The command line renders these; the HTTP API returns them; nothing else
composes a view. Every view takes the business date (``as_of``) and, where it
reads recorded events, the second clock (``known_at``: only what was recorded
by then).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal

from adapters.audit import Digest, Verification
from adapters.calendar import BusinessCalendar
from adapters.registry import Registry
from domain.decide import quote_makewhole
from domain.makewhole import CurvePoint, MakewholeQuote
from domain.names import series_key
from domain.state import AgreementState
from domain.stream import Stream
from domain.timeline import Timeline
from domain.timeline import known_at as recorded_by_then
from domain.values import AgreementTerms, shown_inline, unshown
from projections import amendments as amendment_views
from projections.amendments import AmendmentStatus, Consents
from projections.guaranties import Guaranties, guaranties_as_of
from projections.history import HistoryLine, history
from projections.holders import Holders, holders_as_of
from projections.payments import Accrued, Schedule, Status, accrued_as_of, schedule_as_of, status_as_of
from projections.register import (
    Annex1,
    Outstanding,
    Register,
    TermsOnFile,
    annex1_as_of,
    outstanding_as_of,
    register_as_of,
    terms_on_file,
)
from projections.text import Redline, Text, redline, text_as_of


@dataclass(frozen=True)
class SeriesSummary:
    series: str
    title: str
    principal: Decimal
    rate_percent: Decimal
    maturity: date
    overdue_rate: tuple[str, ...] | None


@dataclass(frozen=True)
class MakewholeNotice:
    """A make-whole quote for an agreement's notes, every step as Section 5.3's notice sets it out."""

    sections: dict[str, str] = unshown()
    agreement: str
    quote: MakewholeQuote = shown_inline()


@dataclass(frozen=True)
class Verified:
    """Whether the log's hash chain holds, over how many events, and the digest to keep."""

    intact: bool
    events: int
    problem: str | None
    digest: str | None


@dataclass(frozen=True)
class AgreementSummary:
    agreement: str
    title: str
    issuer: str
    guarantors: tuple[str, ...]
    dated_as_of: date
    series: tuple[SeriesSummary, ...]


class Queries:
    def __init__(self, registry: Registry) -> None:
        self.registry = registry

    # ------------------------------------------------------------- the notes

    def agreements(self) -> list[AgreementSummary]:
        summaries = []
        for kind, key in self.registry.listed():
            stream = self.registry.stream(kind, key) if kind == "agreement" else None
            if stream is None or stream.withdrawn:
                continue
            terms = _terms(stream.timeline)
            summaries.append(
                AgreementSummary(
                    terms.key,
                    terms.title,
                    terms.issuer,
                    terms.guarantors,
                    terms.dated_as_of,
                    tuple(
                        SeriesSummary(s.key, s.title, s.principal, s.rate_percent, s.maturity, s.overdue_rate or None)
                        for s in terms.series
                    ),
                )
            )
        return summaries

    def register(self, key: str, as_of: date, known_at: datetime | None = None) -> Register:
        return register_as_of(key, self._timeline(key, known_at), as_of, known_at)

    def annex1(self, key: str, as_of: date, known_at: datetime | None = None) -> Annex1:
        """Annex 1, each holder under its name on the date (a holder renamed since its notes were issued)."""
        view = annex1_as_of(key, self._timeline(key, known_at), as_of, known_at)
        directory = self.registry.directory()
        lines = []
        for line in view.holders:
            identity = directory.find(line.holder)
            lines.append(replace(line, holder=identity.name_on(as_of)) if identity else line)
        return replace(view, holders=tuple(lines))

    def holders(self, as_of: date, known_at: datetime | None = None) -> Holders:
        """Each holder's positions in every agreement on the registry as of a date."""
        registers = [
            register_as_of(key, self._timeline(key, known_at), as_of, known_at)
            for kind, key in self.registry.listed()
            if kind == "agreement" and not self.registry.stream(kind, key).withdrawn
        ]
        return holders_as_of(as_of, registers, self.registry.directory())

    def outstanding(self, key: str, as_of: date, known_at: datetime | None = None) -> Outstanding:
        return outstanding_as_of(key, self._timeline(key, known_at), as_of)

    def terms(self, key: str, known_at: datetime | None = None) -> TermsOnFile:
        return terms_on_file(key, self._timeline(key, known_at))

    def history(self, key: str, known_at: datetime | None = None) -> list[HistoryLine]:
        """The history of any stream: an agreement, a guaranty or an instrument."""
        return history(key, self.registry.named(key).events, known_at)

    # -------------------------------------------------------------- payments

    def schedule(
        self, key: str, as_of: date, series: str | None = None, known_at: datetime | None = None
    ) -> Schedule:
        timeline = self._timeline(key, known_at)
        chosen = series_key(_terms(timeline), series) if series else None
        return schedule_as_of(key, timeline, as_of=as_of, calendar=_calendar(timeline), series=chosen)

    def status(self, key: str, as_of: date, known_at: datetime | None = None) -> Status:
        timeline = self._timeline(key, known_at)
        return status_as_of(key, timeline, as_of=as_of, calendar=_calendar(timeline))

    def accrued(self, key: str, as_of: date, known_at: datetime | None = None) -> Accrued:
        return accrued_as_of(key, self._timeline(key, known_at), as_of)

    def makewhole(
        self, key: str, on: date, amount: Decimal, curve: Sequence[CurvePoint], series: str | None = None
    ) -> MakewholeNotice:
        """What an optional prepayment would cost, step by step; records nothing."""
        stream = self.registry.agreement(key)
        terms = _terms(stream.timeline)
        return MakewholeNotice(terms.sections, key, quote_makewhole(stream, on, amount, tuple(curve), series))

    # ------------------------------------------------------------- documents

    def text(self, key: str, as_of: date, section: str | None = None, known_at: datetime | None = None) -> Text:
        self.registry.agreement(key)
        streams = self.registry.streams()
        states = amendment_views.amendments(key, streams, known_at)
        return text_as_of(key, streams[f"agreement/{key}"], as_of, states, known_at).read(section)

    def redline(
        self, key: str, start: date, end: date, section: str | None = None, known_at: datetime | None = None
    ) -> Redline:
        self.registry.agreement(key)
        streams = self.registry.streams()
        states = amendment_views.amendments(key, streams, known_at)
        events = streams[f"agreement/{key}"]
        differences = redline(
            text_as_of(key, events, start, states, known_at), text_as_of(key, events, end, states, known_at), section
        )
        return Redline(key, start, end, tuple(differences))

    def amendments(self, key: str, known_at: datetime | None = None) -> list[AmendmentStatus]:
        self.registry.agreement(key)
        return amendment_views.amendments(key, self.registry.streams(), known_at)

    def consents(self, key: str, amendment: int, known_at: datetime | None = None) -> Consents:
        self.registry.agreement(key)
        return amendment_views.consents(key, amendment, self.registry.streams(), known_at)

    def guaranties(self, key: str, as_of: date, known_at: datetime | None = None) -> Guaranties:
        self.registry.agreement(key)
        return guaranties_as_of(key, self.registry.streams(), as_of, known_at)

    # ----------------------------------------------------------------- audit

    def verify(self, kept: Digest | None = None) -> Verified:
        result: Verification = self.registry.verify(kept)
        return Verified(result.intact, result.events, result.problem, str(result.digest) if result.digest else None)

    # --------------------------------------------------------------- helpers

    def _timeline(self, key: str, known_at: datetime | None) -> Timeline:
        stream: Stream = self.registry.agreement(key)
        return stream.timeline if known_at is None else Timeline(recorded_by_then(stream.events, known_at))


def _calendar(timeline: Timeline) -> BusinessCalendar | None:
    """The agreement's Business Day holidays, ``None`` when its calendar is not on file."""
    days = _terms(timeline).business_days
    return BusinessCalendar(days.calendars) if days is not None else None


def _terms(timeline: Timeline) -> AgreementTerms:
    final = timeline.final
    assert isinstance(final, AgreementState)
    return final.terms
