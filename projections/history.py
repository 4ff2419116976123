"""A stream's events as an auditor reads them: in the order they were recorded.

Each line gives both clocks (when the event took effect, when it was recorded),
who recorded it, the evidence (document, section, note), any assumptions,
whether it was backdated (recorded after an event that takes effect later than
it does), whether a later entry reversed it, and every field the event holds:
allocations to the cent, the make-whole calculation recorded with a prepayment,
the terms registered. Filters narrow it by effective date, kind and holder.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Any

from domain.errors import InvalidCommand, NoSuchNote
from domain.events import Event
from domain.timeline import known_at as recorded_by_then
from domain.values import Assumption, Evidence, unshown

_OWN = {"originator_id", "originator_version", "timestamp", "effective_on", "provenance"}


@dataclass(frozen=True)
class HistoryLine:
    event: str
    kind: str
    effective_on: date
    recorded_at: datetime
    recorded_by: str
    backdated: bool
    summary: str
    evidence: Evidence
    assumptions: tuple[Assumption, ...]
    entry: str | None
    source: str | None
    reversed_by: str | None = None
    fields: dict[str, Any] | None = None
    recorded: Event | None = unshown(default=None)  # the event itself, for views that show one in full


@dataclass(frozen=True)
class HistoryFilter:
    """Which events to show: effective between two dates, of some kinds, touching a holder (by any name), or a note
    and the notes it was issued for, back to the closing (``note``)."""

    since: date | None = None
    until: date | None = None
    kinds: Collection[str] = ()
    holder_names: Collection[str] = ()
    note: int | None = None

    def keeps(self, event: Event, holder_notes: Collection[int], lineage: Collection[int] = ()) -> bool:
        if self.since is not None and event.effective_on < self.since:
            return False
        if self.until is not None and event.effective_on > self.until:
            return False
        if self.kinds and type(event).__name__.casefold() not in {k.casefold() for k in self.kinds}:
            return False
        if self.note is not None and not _about(event, lineage):
            return False
        return not self.holder_names or _touches(event, self.holder_names, holder_notes)


def history(
    key: str, events: Sequence[Event], known_at: datetime | None = None, only: HistoryFilter | None = None
) -> list[HistoryLine]:
    """Every event recorded (by ``known_at``), reversed ones included and marked, filtered by ``only``."""
    events = recorded_by_then(events, known_at)
    only = only or HistoryFilter()
    kinds = event_kinds()
    unknown = sorted(k for k in only.kinds if k.casefold() not in {known.casefold() for known in kinds})
    if unknown:
        alike = [k for k in kinds if any(u.strip() and u.casefold() in k.casefold() for u in unknown)] or [
            close for u in unknown for close in difflib.get_close_matches(u, kinds, n=2)]
        hint = f" (did you mean {' or '.join(alike)}?)" if alike else ""
        raise InvalidCommand(f"there is no kind of event {', '.join(map(repr, unknown))}{hint}; the kinds are {', '.join(kinds)}")
    names = {n.casefold() for n in only.holder_names}
    holder_notes = {c.number for e in events for c in e.certificates() if c.holder.casefold() in names}
    lineage = note_lineage(key, events, only.note) if only.note is not None else ()
    reversed_by = {target: e.originator_version for e in events for target in e.reverses()}
    lines: list[HistoryLine] = []
    latest: date | None = None
    for event in sorted(events, key=lambda e: e.originator_version):
        backdated = latest is not None and event.effective_on < latest
        latest = event.effective_on if latest is None else max(latest, event.effective_on)
        if not only.keeps(event, holder_notes, lineage):
            continue
        provenance = event.provenance
        lines.append(
            HistoryLine(
                event=f"{key}:{event.originator_version}",
                kind=type(event).__name__,
                effective_on=event.effective_on,
                recorded_at=event.timestamp,
                recorded_by=provenance.recorded_by,
                backdated=backdated,
                summary=event.summary(),
                evidence=provenance.evidence,
                assumptions=tuple(provenance.assumptions),
                entry=provenance.entry,
                source=provenance.source,
                reversed_by=(
                    f"{key}:{reversed_by[event.originator_version]}" if event.originator_version in reversed_by else None
                ),
                fields=event_fields(event),
                recorded=event,
            )
        )
    return lines


def event_fields(event: Event, *, whole: bool = False) -> dict[str, Any]:
    """What the event itself holds, beyond the clocks and provenance every event has; a long field
    (a text's provisions) is shown by its count unless the event is shown ``whole``."""
    found = {f.name: getattr(event, f.name) for f in fields(event)
             if f.name not in _OWN and not (f.metadata.get("shown_if_set") and getattr(event, f.name) is None)}
    if not whole:
        found.update({name: f"{len(found[name])} (shown whole by `debtreg event`)" for name in event.long_fields})
    return found


def event_kinds() -> list[str]:
    """Every kind of event the registry records, by name."""
    found, classes = set(), [Event]
    while classes:
        for sub in classes.pop().__subclasses__():
            found.add(sub.__name__)
            classes.append(sub)
    return sorted(found)


def note_lineage(key: str, events: Sequence[Event], note: int) -> tuple[int, ...]:
    """``note`` and the notes it was issued for, each in place of the one before (a transfer's or replacement's),
    back to the note issued at the closing or on the opening register: whose payments and prepayments made its
    principal what it is."""
    issued_for = {c.number: surrendered for e in events for c in e.certificates() for surrendered in e.concerns()[:1]}
    numbers = {c.number for e in events for c in e.certificates()}
    if note not in numbers:
        raise NoSuchNote(f"there is no note No. {note} in the history of {key}; " + (
            f"its notes are numbered {', '.join(map(str, sorted(numbers)))}" if numbers else "it has no notes"))
    found = [note]
    while found[-1] in issued_for and issued_for[found[-1]] not in found:
        found.append(issued_for[found[-1]])
    return tuple(found)


def _about(event: Event, notes: Collection[int]) -> bool:
    """Whether an event issues, pays, surrenders or makes due one of ``notes``."""
    return not set(event.concerns()).isdisjoint(notes) or any(c.number in notes for c in event.certificates())


def _touches(event: Event, names: Collection[str], notes: Collection[int]) -> bool:
    """Whether an event names one of a holder's names (as a party, or among those acting in a remedy or waiver), or
    moves money on one of its notes or makes them due."""
    wanted = {n.casefold() for n in names}
    return any(name.casefold() in wanted for name in event.parties()) or not set(event.concerns()).isdisjoint(notes)
