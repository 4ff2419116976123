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

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta
from itertools import islice
from typing import TypeVar

from domain.errors import BackdatingConflict, RegistryError
from domain.events import CREATIONS, Agreement, Event
from domain.evolve import advance, evolve
from domain.shared import Shared
from domain.state import AgreementState, State


def known_at(events: Iterable[Event], moment: datetime | None) -> list[Event]:
    """The events recorded by ``moment`` (all of them without one): the registry's second clock."""
    return [event for event in events if moment is None or event.timestamp <= moment]


def taken_by(events: Iterable[Event | None]) -> frozenset[int]:
    """The recording positions the reversals among ``events`` take out."""
    return frozenset(position for event in events if event is not None for position in event.reverses())


def in_force(events: Iterable[Event]) -> list[Event]:
    """A stream's events without those a reversal took out (the reversals stay)."""
    events = list(events)
    taken = taken_by(events)
    return [event for event in events if event.originator_version not in taken]


def business_order(events: Iterable[Event]) -> list[Event]:
    """Events in force, by effective date, then recording position.

    Corrected terms supersede the registration's: the stream is folded as if
    it had been registered with the latest correction in force.
    """
    ordered = sorted(in_force(events), key=lambda e: (e.effective_on, e.originator_version))
    return corrected(ordered, latest_correction(ordered))


def latest_correction(events: Iterable[Event | None]) -> Event | None:
    """The latest terms corrected (by recording position) among events in force: the terms in force."""
    corrections = [e for e in events if isinstance(e, Agreement.TermsCorrected)]
    return max(corrections, key=lambda e: e.originator_version) if corrections else None


def corrected(ordered: list[Event], correction: Event | None) -> list[Event]:
    """Events with the registration's terms superseded by ``correction`` (the latest terms corrected in force)."""
    if correction is None:
        return ordered
    return [replace(e, terms=correction.terms) if isinstance(e, Agreement.Registered) else e for e in ordered]  # type: ignore[attr-defined]


def fold(ordered: Iterable[Event], state: State | None = None) -> State | None:
    """The state after ``ordered`` (events already in business order), from ``state``."""
    for event in ordered:
        state = evolve(state, event)
    return state


_T = TypeVar("_T")
# a resumed timeline's state as of a date from a read model (see ``Timeline.resumed``): the position of a state kept
# before the date, that state, and the events in force after it up to the date (or, asked ``to_end``, all of them)
Dated = Callable[[date, bool], "tuple[int, State | None, Sequence[Event]] | None"]
# a resumed timeline as known at an earlier moment from a read model (see ``Timeline.recorded_by``): when its first
# event was recorded, and the timeline of the events recorded by then (``None`` if none was)
Known = Callable[[datetime], "tuple[datetime, Timeline | None] | None"]
CREATION_TYPES = tuple(CREATIONS.values())
FOLDS_ALL = (*CREATION_TYPES, Agreement.TermsCorrected)  # events a reversal of which changes how every event folds
TAKEN_OUT = "taken_out"  # what a snapshot keeps of the positions reversals took out (see ``Timeline.taken_out``)
# States a timeline keeps along business time, at most (and at least every MIN_SPACING events): a state costs its
# outstanding notes and coupons, not the notes ever issued (``ClosedNotes``), so up to 262,144 events a view or a
# backdated entry folds at most MIN_SPACING events from the checkpoint before its date.
CHECKPOINTS = 4096
MIN_SPACING = 64
RECENT = 8  # and among its latest RECENT * MIN_SPACING events, one every MIN_SPACING: where backdated entries land
SHARE_EVERY = 64  # states a timeline keeps of its own before they join those it shares with the timelines extended from it
VIEWED = 8  # and the states as of the latest dates viewed, before their interest dates are noted: a view asked again folds nothing


class _Tail(Shared):
    """A list of a timeline's events (or their dates) that the timelines extended from it share."""

    def __init__(self, items: Iterable = ()) -> None:
        super().__init__()
        self.items = list(items)

    def size(self) -> int:
        return len(self.items)

    def upto(self, n: int) -> _Tail:
        return _Tail(self.items[:n])

    def add(self, new: Sequence) -> None:
        self.items.extend(new)


class _Checkpoints:
    """The states a timeline keeps along business time, by position (the state after that many events in business
    order). Those kept longest are in a mapping that timelines extended one from another share and never change,
    the latest in one of the timeline's own, taken into a new shared one every SHARE_EVERY: so extending a timeline
    copies a few, not one every MIN_SPACING events of its history, and the one before a position is found by
    bisection, not by looking at every one."""

    def __init__(self, shared: tuple[dict[int, State], list[int]] | None = None, own: dict[int, State] | None = None) -> None:
        self._shared = ({}, []) if shared is None else shared  # (the states, their positions in order)
        self._own = {} if own is None else own

    @classmethod
    def of(cls, states: Mapping[int, State]) -> _Checkpoints:
        return cls((dict(states), sorted(states)))

    def copied(self) -> _Checkpoints:
        """The same states, for a timeline extended from this one: what either keeps after is its own."""
        own = dict(self._own)
        if len(own) < SHARE_EVERY:
            return _Checkpoints(self._shared, own)
        return _Checkpoints.of({**self._shared[0], **own})

    def get(self, position: int) -> State | None:
        found = self._own.get(position)
        return found if found is not None else self._shared[0].get(position)

    def __setitem__(self, position: int, state: State) -> None:
        self._own[position] = state

    def __iter__(self) -> Iterator[int]:
        return iter(self._positions())

    def __len__(self) -> int:
        return len(self._positions())

    def _positions(self) -> list[int]:
        return [*self._shared[1], *(at for at in list(self._own) if at not in self._shared[0])]

    def items(self) -> list[tuple[int, State]]:
        return [(at, found) for at in self if (found := self.get(at)) is not None]

    def keeping(self, keeps: Callable[[int], bool]) -> None:
        """Only the states at the positions ``keeps`` says (the shared ones left as they are, for the others)."""
        self._shared = _Checkpoints.of({at: found for at, found in self.items() if keeps(at)})._shared
        self._own = {}

    def before(self, position: int) -> int:
        """The latest position at or before ``position`` a state is kept at; 0 if none."""
        shared = self._shared[1]
        at = bisect_right(shared, position)
        return max([shared[at - 1] if at else 0, *(at for at in list(self._own) if at <= position)])


class Timeline:
    """One stream's recorded events, and its state at any date of business time.

    ``events`` are in recording order. States are folded on demand; the state after the whole timeline is
    kept, and so are checkpoints: the state after every ``spacing`` events in business order, and after every
    MIN_SPACING among the latest, so a state as of a date, or a backdated entry's check, folds from the
    checkpoint before its date rather than from the first event; the states the latest views folded to count as
    checkpoints too. States handed out are copies, free to change. Timelines extended one from another share their lists
    of events (see ``_Tail``), so a stream of n events costs memory in n, not in the n timelines it went through.
    """

    def __init__(self, events: Sequence[Event], final: State | None = None) -> None:
        ordered = business_order(events)
        self._share(_Tail(events), len(events), _Tail(ordered), _Tail(e.effective_on for e in ordered), len(ordered),
                    final, _Checkpoints())

    def _share(self, events: _Tail, count: int, ordered: _Tail, dates: _Tail, in_force: int, final: State | None,
               checkpoints: _Checkpoints) -> Timeline:
        self._events, self._count = events, count
        self._ordered, self._dates, self._in_force = ordered, dates, in_force
        self._final = final
        self._checkpoints = checkpoints
        self._viewed: dict[int, State] = {}  # replaced, never changed: timelines are read from many threads
        self._remembered: dict[str, object] = {}
        self._earlier: Callable[[], Sequence[Event]] | None = None  # a resumed timeline's first events, read on demand
        self._kept: tuple[Mapping[str, object], int] | None = None  # what its snapshot kept, and of how many events
        self._dated: Dated | None = None  # a resumed timeline's states as of earlier dates, from a read model
        self._dated_in_force = 0  # (of its events in force when resumed: those after were appended at the end since)
        self._known: Known | None = None  # and as known at earlier moments
        self._one: Callable[[int], Event] | None = None  # a resumed timeline's event at a position, read alone
        return self

    @classmethod
    def resumed(cls, count: int, in_force: int, latest: date, final: State,
                earlier: Callable[[], Sequence[Event]], kept: Mapping[str, object] | None = None,
                dated: Dated | None = None, known: Known | None = None,
                one: Callable[[int], Event] | None = None) -> Timeline:
        """A timeline of ``count`` events known by a snapshot of its ``final`` state (``in_force`` of them in force,
        the latest effective on ``latest``), not by its events: an entry appended at the end is checked against
        ``final`` alone, so its cost does not grow with the history. Whatever needs the events themselves (a
        backdated entry, a reversal, the list of events) reads them with ``earlier`` first, and from then on the
        timeline is the one its events make, folded again; unless it lies after events and states in hand (see
        ``_in_hand``). ``kept`` is what the snapshot kept of what views derive
        from the whole timeline besides (see ``kept_since``). ``dated`` gives the state as of an earlier date
        from a read model, if it can: a kept state and the few events after it (else the events are read); an
        entry backdated to that date is checked from there too, reading only the events after it. ``known`` gives
        it as known at an earlier moment from the same read model, if it can (see ``recorded_by``); ``one`` reads
        the event at a position alone (see ``event``)."""
        timeline = cls._made(_Tail([None] * count), count, _Tail([None] * in_force), _Tail([latest] * in_force),
                             in_force, _Checkpoints())
        timeline._final, timeline._earlier, timeline._kept, timeline._dated = final, earlier, (kept or {}, count), dated
        timeline._dated_in_force = in_force
        timeline._known, timeline._one = known, one
        return timeline

    def event(self, version: int) -> Event:
        """The event at recording position ``version`` (from 1): a resumed timeline's read alone, not with the rest
        (when it was recorded is the moment a view "as known at" it names)."""
        if self._one is not None and self._earlier is not None and 1 <= version <= self._count:
            return self._events.items[version - 1] or self._one(version)
        return self.events[version - 1]

    def recorded_by(self, moment: datetime) -> tuple[datetime, Timeline | None] | None:
        """For a resumed timeline whose first events are unread, from its read model if it can: when its first
        event was recorded, and the timeline of the events recorded by ``moment`` (``None`` if none was), resumed
        from the state kept before the first place in business order an event recorded later takes. ``None``:
        filter and fold the events (``known_at``), the reference."""
        return self._known(moment) if self._known is not None and self._earlier is not None else None

    @property
    def kept(self) -> tuple[Mapping[str, object], int] | None:
        """What the snapshot this timeline was resumed from kept, and after how many events: still so once its
        events are read, and in the timelines extended from it (a read model's bookkeeping of what it wrote)."""
        return self._kept

    def keep(self, kept: Mapping[str, object], along: tuple[Dated, Known] | None = None) -> None:
        """Note what a snapshot just saved of this timeline keeps (see ``kept``), and ``along``, how to find its states
        as of earlier dates and as known at earlier moments from the states the save wrote along business time (see
        ``resumed``): a timeline whose first events are unread folds from them rather than from its first event.
        Its events and states are unchanged."""
        self._kept = (kept, self._count)
        if along is not None:
            (self._dated, self._known), self._dated_in_force = along, self._in_force

    def kept_since(self) -> tuple[Mapping[str, object], tuple[Event, ...]] | None:
        """What the snapshot this timeline was resumed from, or its last save, kept (``remembered`` values of the
        events before it, by name) and the events recorded after them, from which a view or a save brings those
        values up to date instead of going through the whole history, read or not; ``None`` without a snapshot,
        or where an event since takes out a record horizon it kept (derive from ``events``)."""
        if self._kept is None:
            return None
        kept, size = self._kept
        since = tuple(self._events.items[size: self._count])
        if any(isinstance(self.event(p), Agreement.RecordHorizonSet) for p in taken_by(since)):
            return None
        return kept, since

    def _read_earlier(self) -> None:
        """A resumed timeline made whole: its first events read, its states to be folded from them (the reference)."""
        if self._earlier is not None:
            earlier, kept = self._earlier(), self._kept
            whole = Timeline([*earlier, *self._events.items[len(earlier): self._count]])
            self._share(whole._events, whole._count, whole._ordered, whole._dates, whole._in_force, None, _Checkpoints())
            self._kept = kept

    @classmethod
    def _made(cls, events: _Tail, count: int, ordered: _Tail, dates: _Tail, in_force: int,
              checkpoints: _Checkpoints) -> Timeline:
        return object.__new__(cls)._share(events, count, ordered, dates, in_force, None, checkpoints)

    @property
    def events(self) -> tuple[Event, ...]:
        """The events in recording order."""
        self._read_earlier()
        return self.remembered("events", lambda: tuple(self._events.items[: self._count]))

    def __len__(self) -> int:
        return self._count

    @property
    def ordered(self) -> list[Event]:
        """The events in force, in business order."""
        self._read_earlier()
        return self._ordered.items[: self._in_force]

    @property
    def in_force(self) -> int:
        """How many events are in force (not reversed)."""
        return self._in_force

    @property
    def latest(self) -> date | None:
        """The latest effective date among the events in force."""
        return self._dates.items[self._in_force - 1] if self._in_force else None

    def remembered(self, name: str, compute: Callable[[], _T]) -> _T:
        """What is derived from the whole timeline (its events as a tuple, a view's footnotes, its record
        horizon), worked out once: a timeline never changes."""
        if name not in self._remembered:
            self._remembered[name] = compute()
        return self._remembered[name]  # type: ignore[return-value]

    @property
    def spacing(self) -> int:
        """Events between checkpoints: enough that a timeline keeps at most CHECKPOINTS states."""
        spacing = MIN_SPACING
        while self._in_force > spacing * CHECKPOINTS:
            spacing *= 2
        return spacing

    @property
    def empty(self) -> bool:
        """Whether the timeline folds to nothing (``final`` is None): no event that puts a stream on the registry
        is in force. Known without folding, so a view across agreements can skip the withdrawn ones and fold
        each other one once, to its date."""
        if self._earlier is not None:
            return self.final is None
        return not any(isinstance(event, CREATION_TYPES) for event in islice(self._ordered.items, self._in_force))

    @property
    def final(self) -> State | None:
        """The state after every event in force (shared: do not change it)."""
        return self._folded()

    def _folded(self, also_at: int | None = None) -> State | None:
        """``final``, folded the first time it is needed, keeping the checkpoints; and the state after
        ``also_at`` events too, so a view of a timeline not yet folded folds it once, not whole and then again
        up to its date (a view of a short stream, with no checkpoint before its date, did)."""
        if self._final is None and self._in_force:
            try:
                self._final = self._fold_from(0, also_at=also_at)
            except _Broken as broken:
                raise broken.error from None
        return self._final

    def _position(self, day: date) -> int:
        """How many events in force take effect by ``day``."""
        return bisect_right(self._dates.items, day, 0, self._in_force)

    def state_as_of(self, day: date) -> State | None:
        """The state after every event effective by ``day``, interest dates up to it noted."""
        if self._in_force and day >= self._dates.items[self._in_force - 1]:
            state = self.final.copy() if self.final is not None else None  # nothing later: start from the end
        elif (dated := self._dated_before(day)) is not None:
            state = fold(dated[2], dated[1])  # a kept state before the date, and the events after it up to the date
        else:
            end = self._position(day)
            self._folded(also_at=end)  # the first fold keeps the checkpoints, and the state at ``end``
            start, state = self._checkpoint_before(end)
            state = fold(self._ordered.items[start:end], state.copy() if state is not None else None)
            if start < end and state is not None:
                self._viewed = dict([*self._viewed.items(), (end, state.copy())][-VIEWED:])
        if isinstance(state, AgreementState):
            advance(state, day)
        return state

    def _dated_before(self, day: date) -> tuple[int, State | None, Sequence[Event]] | None:
        """For a view as of ``day`` inside the history: ``None`` where it folds from a checkpoint in hand (see
        ``_in_hand``), else from the read model if it can (see ``_from_rows``), else ``None`` once the whole
        timeline is read."""
        end = self._position(day)
        if self._in_hand(self._checkpoint_before(end)[0], end):
            return None
        dated = self._from_rows(day, False)
        if dated is None:
            self._read_earlier()  # (the whole timeline, folded again)
        return dated

    def extended(self, new: Sequence[Event], key: str) -> Timeline:
        """This timeline with ``new`` events in place, refused if any step of it breaks a rule.

        An entry at the end of business time folds only itself; a backdated one folds from the checkpoint
        before its date, and every later event again, to check nothing after it breaks; a reversal likewise from
        the checkpoint before the date of the first event it takes out. Corrected terms change how everything
        folds, and so does a reversal of them or of the registration: the whole timeline is folded again."""
        appended = sorted(new, key=lambda e: (e.effective_on, e.originator_version))
        taken = taken_by(new)
        if self._refolds_all(new):
            timeline = Timeline((*self.events, *new))
            timeline._kept = self._kept
            timeline._final = timeline._checked(0, None, key, new)
            return timeline
        if self.appends(new):  # nothing before changes: fold only the new events
            final = self.final  # the first fold keeps the checkpoints
            events, count = self._events.extended(self._count, new), self._count + len(new)
            ordered = self._ordered.extended(self._in_force, appended)
            dates = self._dates.extended(self._in_force, [e.effective_on for e in appended])
            timeline = Timeline._made(events, count, ordered, dates, self._in_force + len(new), self._checkpoints.copied())
            timeline._earlier, timeline._kept, timeline._one = self._earlier, self._kept, self._one
            timeline._dated, timeline._dated_in_force = self._dated, self._dated_in_force  # the rows still hold
            timeline._final = timeline._checked(self._in_force, final.copy() if final is not None else None, key, new)
            return timeline
        first = appended[0].effective_on
        self.final  # noqa: B018 - the first fold keeps the checkpoints
        end, start, state = self._place(first, taken)
        in_hand = self._in_hand(start, end)
        # else from the read model: for a reversal, the state kept before the day before, so all it takes out is after
        dated = None if in_hand or taken and first == date.min else self._from_rows(
            first - timedelta(days=1) if taken else first, True)
        if dated is not None:
            # a resumed timeline: from the state kept before the entry's date, the events after it read (less those a
            # reversal takes out), not the rest
            start, state, after = dated
            after = [e for e in after if e.originator_version not in taken]
            ordered, dates = [None] * start + after, [date.min] * start + [e.effective_on for e in after]
            kept = _Checkpoints.of({start: state.copy()} if start and state is not None else {})
        else:
            if not in_hand:  # the events themselves are needed
                self._read_earlier()  # (the whole timeline, folded again below)
                end, start, state = self._place(first, taken)
            ordered, dates = self._ordered.items[: self._in_force], self._dates.items[: self._in_force]
            if taken:  # all from ``end`` (in hand): a reversal takes effect on the date of the first event it takes out
                places = [at for at in range(end, len(ordered)) if ordered[at].originator_version not in taken]
                ordered, dates = ordered[:end] + [ordered[at] for at in places], dates[:end] + [dates[at] for at in places]
            kept = _Checkpoints.of({at: found for at, found in self._checkpoints.items() if at <= start})
        for event in appended:  # each new event has the latest recording position: it goes last on its date
            at = bisect_right(dates, event.effective_on)
            ordered.insert(at, event)
            dates.insert(at, event.effective_on)
        events, count = self._events.extended(self._count, new), self._count + len(new)  # (those read, if they were)
        timeline = Timeline._made(events, count, _Tail(ordered), _Tail(dates), len(ordered), kept)
        # (read, unless it started from a kept state)
        timeline._earlier, timeline._kept, timeline._one = self._earlier, self._kept, self._one
        timeline._final = timeline._checked(start, state.copy() if state is not None else None, key, new)
        return timeline

    def _place(self, first: date, taken: frozenset[int]) -> tuple[int, int, State | None]:
        """Where an entry effective on ``first`` goes in business order (a reversal, before the first event on its
        date, which it may take out; another entry, after the last), and the checkpoint before it (see
        ``_checkpoint_before``)."""
        end = bisect_left(self._dates.items, first, 0, self._in_force) if taken else self._position(first)
        return end, *self._checkpoint_before(end)

    def _in_hand(self, start: int, end: int) -> bool:
        """Whether what lies at ``end`` in business order folds from checkpoint ``start`` without a resumed
        timeline's unread first events (tried before its read model, which reads the rows): every event in force
        from ``start`` on is in hand, and ``end``, found from their dates, lies after the last one unread. So it is
        after the entries appended to a resumed timeline, and in a timeline extended by a reversal or a backdated
        entry from a state the store kept: it holds the events after that state, and the states its fold kept."""
        if self._earlier is None:  # every event read
            return True
        items = self._ordered.items
        unread = next((at + 1 for at in range(self._in_force - 1, -1, -1) if items[at] is None), 0)
        return unread <= start and unread < end

    def appends(self, new: Sequence[Event]) -> bool:
        """Whether ``new`` events go at the end of business time, changing no state before them: none takes events
        out, and none takes effect before the latest."""
        latest = self._dates.items[self._in_force - 1] if self._in_force else date.min
        return not taken_by(new) and all(e.effective_on >= latest for e in new)

    def _refolds_all(self, events: Iterable[Event | None]) -> bool:
        """Whether ``events`` change how every event of the timeline folds: corrected terms, or a reversal of them
        or of the registration (``FOLDS_ALL``)."""
        events = list(events)
        return (any(isinstance(e, Agreement.TermsCorrected) for e in events)
                or any(isinstance(self.event(p), FOLDS_ALL) for p in taken_by(events)))

    def _from_rows(self, day: date, to_end: bool) -> tuple[int, State | None, Sequence[Event]] | None:
        """For a resumed timeline whose first events are unread, from its read model (``dated``) if it can: the
        state kept before ``day`` and the events in force after it, up to the day or (``to_end``) all of them:
        those the read model lists, then those appended at the end of business time since (in hand)."""
        if self._dated is None or self._earlier is None or (dated := self._dated(day, to_end)) is None:
            return None
        start, state, after = dated
        if to_end and start + len(after) != self._dated_in_force:
            return None
        appended = self._ordered.items[self._dated_in_force: self._in_force]
        return start, state, [*after, *(e for e in appended if to_end or e.effective_on <= day)]

    def taken_out(self) -> frozenset[int]:
        """The recording positions reversals took out: from what its snapshot kept (``TAKEN_OUT``) and the events
        since (``kept_since``), where it has one, so a resumed timeline's first events need not be read."""
        def found() -> frozenset[int]:
            resumed = self.kept_since()
            if resumed is None or not isinstance(resumed[0].get(TAKEN_OUT), list):
                return taken_by(self.events)
            kept, since = resumed
            return frozenset(kept[TAKEN_OUT]) | taken_by(since)  # type: ignore[arg-type]
        return self.remembered(TAKEN_OUT, found)

    def changed_from(self, size: int) -> int:
        """The first position in business order the events recorded after the first ``size`` may have changed the
        state after: where a read model kept along business time is out of date (all of it after corrected terms,
        or a reversal of them or of the registration; after another reversal, from the first event in force on or
        after its date)."""
        since = self._events.items[size: self._count]
        if None in since or self._refolds_all(since):
            return 0
        reversals = [e.effective_on for e in since if e.reverses()]  # type: ignore[union-attr]
        first = bisect_left(self._dates.items, min(reversals), 0, self._in_force) if reversals else self._in_force
        versions = {e.originator_version for e in since}  # type: ignore[union-attr]
        for position in range(self._in_force - 1, -1, -1):  # from the end: entries are mostly appended there
            if not versions:
                break
            event = self._ordered.items[position]
            if event is None:  # a resumed timeline's first events: none is among those recorded since
                break
            if event.originator_version in versions:
                versions.discard(event.originator_version)
                first = min(first, position)
        return first

    def ordered_from(self, start: int) -> list[Event | None]:
        """The events in force from position ``start`` in business order, without reading a resumed timeline's
        first events: ``None`` stands for each of those."""
        return self._ordered.items[start: self._in_force]

    def state_after(self, position: int) -> State | None:
        """The state after the first ``position`` events in business order, if this timeline keeps it (the last
        folds' checkpoints, or its final state), without folding; shared: do not change it."""
        return self.final if position == self._in_force else self._checkpoints.get(position)

    def _checked(self, start: int, state: State | None, key: str, new: Sequence[Event]) -> State | None:
        """This timeline folded from position ``start`` (``state`` is the state before it), keeping checkpoints;
        a step that breaks a rule refuses the new events, naming the recorded event they would invalidate."""
        first_new = min((e.originator_version for e in new), default=self._count + 1)
        try:
            return self._fold_from(start, state)
        except _Broken as broken:
            event, error = broken.event, broken.error
            if event.originator_version >= first_new:
                raise error from None
            raise BackdatingConflict(
                f"this entry would invalidate {key}:{event.originator_version} ({event.headline()},"
                f" effective {event.effective_on}): {error}"
            ) from error

    def _fold_from(self, start: int, state: State | None = None, also_at: int | None = None) -> State | None:
        """The state after the whole timeline, folded from position ``start`` (``state`` is the state before
        it), a copy kept every ``spacing`` events and after ``also_at``; a step that breaks a rule is raised as
        ``_Broken``."""
        spacing, ordered = self.spacing, self._ordered.items
        for position in range(start, self._in_force):
            if position and state is not None and (self._keeps(position, spacing) or position == also_at):
                self._checkpoints[position] = state.copy()
            event = ordered[position]
            try:
                state = evolve(state, event)
            except RegistryError as error:
                raise _Broken(event, error) from error
        if spacing > MIN_SPACING:  # the timeline grew past CHECKPOINTS: fewer far back
            self._checkpoints.keeping(lambda at: self._keeps(at, spacing))
        return state

    def _keeps(self, position: int, spacing: int) -> bool:
        """Whether the state after ``position`` events is kept: every ``spacing`` events, and every MIN_SPACING
        events among the latest ones, so an entry backdated a little folds a few hundred events at most."""
        return position % spacing == 0 or (position % MIN_SPACING == 0 and self._in_force - position <= RECENT * MIN_SPACING)

    def _checkpoint_before(self, position: int) -> tuple[int, State | None]:
        """The latest checkpoint at or before ``position`` (the state after that many events), or the start; a state
        a view folded to lately counts as one."""
        viewed = self._viewed
        at = max([self._checkpoints.before(position), *(at for at in viewed if at <= position)])
        kept = self._checkpoints.get(at)
        return at, kept if kept is not None else viewed.get(at)


class _Broken(Exception):
    """A step of a fold broke a rule: which event, and the refusal."""

    def __init__(self, event: Event, error: RegistryError) -> None:
        super().__init__(str(error))
        self.event, self.error = event, error
