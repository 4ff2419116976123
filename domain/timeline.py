"""A stream's timeline: its events in business order, folded through ``evolve``.

Two clocks order the registry. Business time: an event takes effect on its
``effective_on`` date, so the timeline orders events by that date, then by
recording position (an entry recorded late but effective earlier, backdated,
takes its place in business time). Recording time: "as known at" a moment
uses only the events recorded by then, before reversals are applied, so a view
as known before a reversal still shows the entry it reversed.

``Timeline.extended`` is how every new event is accepted: the timeline is folded
with the new events in place, and if any step breaks a rule the new events are
refused; if the step that breaks is an existing event, the refusal says which
(a backdated entry or a reversal that would invalidate what came after).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date, datetime

from domain.errors import BackdatingConflict, RegistryError
from domain.events import Agreement, Event
from domain.evolve import advance, evolve
from domain.state import AgreementState, State


def known_at(events: Iterable[Event], moment: datetime | None) -> list[Event]:
    """The events recorded by ``moment`` (all of them without one): the registry's second clock."""
    return [event for event in events if moment is None or event.timestamp <= moment]


def in_force(events: Iterable[Event]) -> list[Event]:
    """A stream's events without those a reversal took out (the reversals stay)."""
    events = list(events)
    reversed_positions = {position for event in events for position in event.reverses()}
    return [event for event in events if event.originator_version not in reversed_positions]


def business_order(events: Iterable[Event]) -> list[Event]:
    """Events in force, by effective date, then recording position.

    Corrected terms supersede the registration's: the stream is folded as if
    it had been registered with the latest correction in force.
    """
    ordered = sorted(in_force(events), key=lambda e: (e.effective_on, e.originator_version))
    corrections = [e for e in ordered if isinstance(e, Agreement.TermsCorrected)]
    if corrections:
        latest = max(corrections, key=lambda e: e.originator_version)
        ordered = [replace(e, terms=latest.terms) if isinstance(e, Agreement.Registered) else e for e in ordered]
    return ordered


def fold(ordered: Iterable[Event], state: State | None = None) -> State | None:
    """The state after ``ordered`` (events already in business order), from ``state``."""
    for event in ordered:
        state = evolve(state, event)
    return state


class Timeline:
    """One stream's recorded events, and its state at any date of business time.

    ``events`` are in recording order. States are folded on demand; the state
    after the whole timeline is kept. States handed out are copies, free to change.
    """

    def __init__(
        self, events: Sequence[Event], final: State | None = None, ordered: list[Event] | None = None
    ) -> None:
        self.events = tuple(events)
        self.ordered = business_order(self.events) if ordered is None else ordered
        self._dates = [e.effective_on for e in self.ordered]
        self._final = final

    @property
    def final(self) -> State | None:
        """The state after every event in force (shared: do not change it)."""
        if self._final is None and self.ordered:
            self._final = fold(self.ordered)
        return self._final

    def state_as_of(self, day: date) -> State | None:
        """The state after every event effective by ``day``, interest dates up to it noted."""
        if self._dates and day >= self._dates[-1]:
            state = self.final.copy() if self.final is not None else None  # nothing later: start from the end
        else:
            state = fold(self.ordered[: bisect_right(self._dates, day)])
        if isinstance(state, AgreementState):
            advance(state, day)
        return state

    def extended(self, new: Sequence[Event], key: str) -> Timeline:
        """This timeline with ``new`` events in place, refused if any step of it breaks a rule."""
        events = self.events + tuple(new)
        first_new = new[0].originator_version if new else len(events) + 1
        latest = self._dates[-1] if self._dates else date.min
        if all(e.effective_on >= latest and not e.rewrites_the_past() for e in new):
            # Appended at the end of business time: nothing before changes, fold only the new events.
            state = self.final.copy() if self.final is not None else None
            appended = sorted(new, key=lambda e: (e.effective_on, e.originator_version))
            return Timeline(events, fold(appended, state), self.ordered + appended)
        state = None
        for event in business_order(events):
            try:
                state = evolve(state, event)
            except RegistryError as error:
                if event.originator_version >= first_new:
                    raise
                raise BackdatingConflict(
                    f"this entry would invalidate {key}:{event.originator_version} ({event.headline()},"
                    f" effective {event.effective_on}): {error}"
                ) from error
        return Timeline(events, state)
