"""Which guaranties stand behind an agreement's notes on a date."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from domain.guaranty import Guaranty, covered_by
from domain.stream import known


@dataclass(frozen=True)
class GuarantyLine:
    key: str
    ref: str
    title: str
    guarantor: str
    dated_as_of: date
    delivered_on: date
    beneficiaries: tuple[str, ...]
    covers: tuple[str, ...]
    evidence: str


def guaranties_as_of(
    agreement: str, streams: Mapping[str, Sequence], as_of: date, known_at: datetime | None = None
) -> list[GuarantyLine]:
    lines = []
    for ref, events in sorted(streams.items()):
        if not ref.startswith("guaranty/"):
            continue
        events = known(events, known_at)
        if not events or agreement not in covered_by(events, as_of):
            continue
        delivered = events[0]
        assert isinstance(delivered, Guaranty.Delivered)
        terms = delivered.terms
        lines.append(
            GuarantyLine(
                key=terms.key,
                ref=f"{terms.key}:{delivered.originator_version}",
                title=terms.title,
                guarantor=terms.guarantor,
                dated_as_of=terms.dated_as_of,
                delivered_on=delivered.effective_on,
                beneficiaries=tuple(terms.beneficiaries),
                covers=tuple(o.name for o in terms.covers),
                evidence=str(delivered.provenance.evidence),
            )
        )
    return lines
