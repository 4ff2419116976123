"""Which guaranties stand behind an agreement's notes on a date."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from domain.events import Event, Guaranty
from domain.state import GuarantyState
from domain.timeline import Timeline
from domain.timeline import known_at as recorded_by_then
from domain.values import Description, shown_if_any, shown_if_set
from projections.record import AssumedFact, Footnotes


@dataclass(frozen=True)
class GuarantyLine:
    guaranty: str
    event: str
    title: str
    guarantor: str
    dated_as_of: date
    delivered_on: date
    beneficiaries: tuple[str, ...]
    covers: tuple[str, ...]
    evidence: str
    descriptions: tuple[Description, ...] = shown_if_any()
    rests_on: tuple[str, ...] = shown_if_any()


@dataclass(frozen=True)
class Guaranties:
    agreement: str
    as_of: date
    guaranties: tuple[GuarantyLine, ...]
    assumptions: tuple[AssumedFact, ...] = shown_if_any()
    known_at: datetime | None = shown_if_set()  # the moment of a view as known at one (``--known-at``)


def guaranties_as_of(
    agreement: str, streams: Mapping[str, Sequence[Event]], as_of: date, known_at: datetime | None = None
) -> Guaranties:
    lines, cited = [], Footnotes()
    for ref, events in sorted(streams.items()):
        if not ref.startswith("guaranty/"):
            continue
        timeline = Timeline(recorded_by_then(events, known_at))
        state = timeline.state_as_of(as_of)
        if not isinstance(state, GuarantyState) or agreement not in state.covered:
            continue
        delivered = timeline.events[0]
        assert isinstance(delivered, Guaranty.Delivered)
        terms = delivered.terms
        lines.append(
            GuarantyLine(
                guaranty=terms.key,
                event=f"{terms.key}:{delivered.originator_version}",
                title=terms.title,
                guarantor=terms.guarantor,
                dated_as_of=terms.dated_as_of,
                delivered_on=delivered.effective_on,
                beneficiaries=tuple(terms.beneficiaries),
                covers=tuple(o.name for o in terms.covers),
                evidence=str(delivered.provenance.evidence),
                descriptions=terms.descriptions,
                rests_on=cited.add(terms.key, [delivered]).cite(terms.key, [delivered.originator_version]),
            )
        )
    return Guaranties(agreement, as_of, tuple(lines), cited.listed())
