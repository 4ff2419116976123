"""What the record says and what it does not: how far the evidence runs, and what rests on assumptions.

Every view built from an agreement's timeline carries two things from here:

- the record horizon (``Horizon``): the last date the evidence on file covers
  the register and the payments. Beyond it a view says so, and a payment due
  after it that is not recorded is "not recorded", never "unpaid";
- the assumptions its figures rest on (``Footnotes``): each figure names the
  events it comes from, and each event's assumptions are listed once, numbered
  A1, A2, ... in the order the view first cites them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from domain.events import Agreement, Event
from domain.timeline import Timeline, in_force
from domain.values import Assumption

REGISTER = "register"
PAYMENTS = "payments"


@dataclass(frozen=True)
class RecordEnds:
    """Where a view's date is past the evidence on file: the last date of each kind of fact, and the event saying so."""

    register: date | None
    payments: date | None
    event: str

    def describe(self) -> str:
        ends = [f"the {kind} on {until}" for kind, until in ((REGISTER, self.register), (PAYMENTS, self.payments)) if until]
        return (
            f"the record on file ends: {' and '.join(ends)} ({self.event}); nothing after is on file unless recorded since"
        )


@dataclass(frozen=True)
class Horizon:
    """How far the evidence on file runs for an agreement; ``None`` where it is kept current (or not said)."""

    register: date | None = None
    payments: date | None = None
    event: str | None = None

    def beyond(self, as_of: date, *kinds: str) -> RecordEnds | None:
        """What a view as of ``as_of`` is past, for the kinds of fact it shows; ``None`` if within the record."""
        past = {kind: until for kind, until in ((REGISTER, self.register), (PAYMENTS, self.payments))
                if kind in kinds and until is not None and as_of > until}
        if not past or self.event is None:
            return None
        return RecordEnds(past.get(REGISTER), past.get(PAYMENTS), self.event)

    def recorded(self, due_on: date) -> bool:
        """Whether a payment due on ``due_on`` falls within the record of payments (so its absence means unpaid)."""
        return self.payments is None or due_on <= self.payments


# what a view derives from a whole timeline, remembered by it (``Timeline.remembered``) and kept by its snapshot
HORIZON, ASSUMED, RECORDED = "horizon", "assumed", "recorded"


def record_horizon(key: str, events: Iterable[Event], before: Horizon | None = None) -> Horizon:
    """The horizon the latest ``record-horizon`` entry in force sets (in recording order); ``before`` (none) without
    one: the horizon of the events before these, where none of these reverses one of them."""
    latest = None
    for event in in_force(events):
        if isinstance(event, Agreement.RecordHorizonSet):
            latest = event
    if latest is None:
        return before or Horizon()
    return Horizon(latest.register, latest.payments, f"{key}:{latest.originator_version}")


def horizon_of(key: str, timeline: Timeline) -> Horizon:
    """``record_horizon`` of a timeline's events, worked out once per timeline; for one resumed from a snapshot,
    from the horizon it kept and the events since (from all the events where one since takes out a horizon entry it
    kept: see ``Timeline.kept_since``)."""
    def horizon() -> Horizon:
        resumed = timeline.kept_since()
        if resumed is None or HORIZON not in resumed[0]:
            return record_horizon(key, timeline.events)
        kept, since = resumed
        return record_horizon(key, since, kept[HORIZON])  # type: ignore[arg-type]
    return timeline.remembered(HORIZON, horizon)


@dataclass(frozen=True)
class AssumedFact:
    """An assumption a figure rests on: its number in the view, the event that made it, the fact and why."""

    id: str
    event: str
    fact: str
    reason: str


class Footnotes:
    """The assumptions of the events a view's figures rest on, numbered in the order first cited."""

    def __init__(self) -> None:
        self._assumed: dict[tuple[str, int], tuple[Assumption, ...]] = {}
        self._numbered: dict[tuple[str, int, Assumption], AssumedFact] = {}

    @classmethod
    def of(cls, key: str, events: Iterable[Event]) -> Footnotes:
        return cls().add(key, events)

    def add(self, key: str, events: Iterable[Event]) -> Footnotes:
        """Know the assumptions of another stream's events (a view across agreements)."""
        self._assumed.update(
            {(key, e.originator_version): tuple(e.provenance.assumptions) for e in events if e.provenance.assumptions}
        )
        return self

    def add_timeline(self, key: str, timeline: Timeline) -> Footnotes:
        """``add`` a timeline's events, their assumptions gathered once per timeline (``assumptions_of``)."""
        self._assumed.update(assumptions_of(key, timeline))
        return self

    def cite(self, key: str, refs: Iterable[int]) -> tuple[str, ...]:
        """The numbers of the assumptions the events ``refs`` of stream ``key`` rest on."""
        cited: list[str] = []
        for ref in sorted({ref for ref in refs if (key, ref) in self._assumed}):
            for assumption in self._assumed.get((key, ref), ()):
                found = self._numbered.get((key, ref, assumption))
                if found is None:
                    found = AssumedFact(f"A{len(self._numbered) + 1}", f"{key}:{ref}", assumption.fact, assumption.reason)
                    self._numbered[(key, ref, assumption)] = found
                cited.append(found.id)
        return tuple(dict.fromkeys(cited))

    def listed(self) -> tuple[AssumedFact, ...]:
        return tuple(self._numbered.values())


def assumptions_of(key: str, timeline: Timeline) -> dict[tuple[str, int], tuple[Assumption, ...]]:
    """The assumptions of a timeline's events by (stream, position), worked out once per timeline; for one resumed
    from a snapshot, those it kept and the events' since."""
    def assumed() -> dict[tuple[str, int], tuple[Assumption, ...]]:
        resumed = timeline.kept_since()
        if resumed is None or ASSUMED not in resumed[0]:
            return Footnotes.of(key, timeline.events)._assumed
        kept, since = resumed
        return {**kept[ASSUMED], **Footnotes.of(key, since)._assumed}  # type: ignore[dict-item]
    return timeline.remembered(ASSUMED, assumed)


def union(*cited: Sequence[str]) -> tuple[str, ...]:
    """Assumption numbers of several figures together, in number order."""
    return tuple(sorted({n for ids in cited for n in ids}, key=lambda n: int(n[1:])))


def last_recorded(timeline: Timeline) -> datetime | None:
    """When the latest of a timeline's events was recorded: a view "as known at" that moment or later is the view
    as recorded now. For a timeline resumed from a snapshot, from the moment it kept and the events since."""
    def last() -> datetime | None:
        resumed = timeline.kept_since()
        if resumed is None or RECORDED not in resumed[0]:
            return max((e.timestamp for e in timeline.events), default=None)
        kept, since = resumed
        return max([kept[RECORDED], *(e.timestamp for e in since)])  # type: ignore[type-var]
    return timeline.remembered(RECORDED, last)
