"""A stream's events as an auditor reads them: in the order they were recorded.

Each line gives both clocks (when the event took effect, when it was recorded),
who recorded it, the evidence, any assumptions, whether it was backdated
(recorded after an event that takes effect later than it does) and whether a
later entry reversed it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from domain.events import Event
from domain.timeline import known_at as recorded_by_then
from domain.values import Assumption


@dataclass(frozen=True)
class HistoryLine:
    event: str
    kind: str
    effective_on: date
    recorded_at: datetime
    recorded_by: str
    backdated: bool
    summary: str
    evidence: str
    assumptions: tuple[Assumption, ...]
    entry: str | None
    source: str | None
    reversed_by: str | None = None


def history(key: str, events: Sequence[Event], known_at: datetime | None = None) -> list[HistoryLine]:
    """Every event recorded (by ``known_at``), reversed ones included and marked."""
    events = recorded_by_then(events, known_at)
    reversed_by = {target: e.originator_version for e in events for target in e.reverses()}
    lines: list[HistoryLine] = []
    latest: date | None = None
    for event in sorted(events, key=lambda e: e.originator_version):
        provenance = event.provenance
        lines.append(
            HistoryLine(
                event=f"{key}:{event.originator_version}",
                kind=type(event).__name__,
                effective_on=event.effective_on,
                recorded_at=event.timestamp,
                recorded_by=provenance.recorded_by,
                backdated=latest is not None and event.effective_on < latest,
                summary=event.summary(),
                evidence=str(provenance.evidence),
                assumptions=tuple(provenance.assumptions),
                entry=provenance.entry,
                source=provenance.source,
                reversed_by=(
                    f"{key}:{reversed_by[event.originator_version]}" if event.originator_version in reversed_by else None
                ),
            )
        )
        latest = event.effective_on if latest is None else max(latest, event.effective_on)
    return lines
