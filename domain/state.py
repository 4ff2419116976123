"""The state of a stream at a point of its timeline, as ``domain.evolve`` leaves it.

``AgreementState`` is an agreement's register (notes, holders, payments made and
due) and its documents (text, amendments, consents) after the events folded so
far; ``GuarantyState`` and ``InstrumentState`` the same for the other streams.
The states answer questions (who holds what, what is owed); only ``evolve``
changes them. Notes and payment records are frozen and replaced when they
change, so ``copy()`` is shallow; notes off the register never change again and
are shared by the states folded one from another (``ClosedNotes``), so a copy
costs the notes outstanding, not every note ever issued.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from domain.calendar import BusinessCalendar
from domain.errors import UnknownSeries
from domain.holders import HolderTerms, Identity
from domain.makewhole import MakewholeQuote
from domain.money import ZERO
from domain.rules import pro_rata
from domain.schedule import coupon_dates, interest_date_on_or_before, interest_for, require_day_count
from domain.shared import Shared
from domain.text import Provision
from domain.values import (
    AgreementTerms,
    Allocation,
    GuarantyTerms,
    InstrumentTerms,
    ScheduledPayment,
    SeriesTerms,
)

if TYPE_CHECKING:
    from domain.events import Event

OUTSTANDING = "outstanding"
SURRENDERED = "surrendered"
PAID = "paid"
CANCELLED = "cancelled"
REPLACED = "replaced"

REQUIRED = "required"
OPTIONAL = "optional"


class Basis:
    """The events a note rests on (recording positions), oldest first.

    A note issued in exchange for another rests on what its predecessor rested on and one event more: the
    basis links to the one before instead of copying it, so a note transferred n times costs one link per
    transfer, not n copies of a growing list (which made memory grow with the square of the history).
    ``assumed`` keeps the few among them that rest on assumptions, all a view cites (``Footnotes.cite``), so
    citing a note does not walk its history either. ``held`` keeps those its holder's holding rests on: the
    same, until a schedule of holders on file (an Annex 1) attests the holdings, which then rest on it; the
    note itself (its number, its share of the holding, where it came from) still rests on all of them.
    """

    __slots__ = ("_before", "_ref", "assumed", "held")

    def __init__(self, event: Event, before: Basis | None = None, *, attested: bool = False) -> None:
        self._before, self._ref = before, event.originator_version
        self.assumed: tuple[int, ...] = before.assumed if before is not None else ()
        self.held: tuple[int, ...] = before.held if before is not None and not attested else ()
        if event.provenance.assumptions:
            self.assumed = (*self.assumed, event.originator_version)
            self.held = (*self.held, event.originator_version)

    def then(self, event: Event) -> Basis:
        return Basis(event, self)

    def attested(self, event: Event) -> Basis:
        """The basis once a schedule of holders on file attests the note's holding."""
        return Basis(event, self, attested=True)

    @classmethod
    def kept(cls, ref: int, assumed: Sequence[int], held: Sequence[int]) -> Basis:
        """A basis as a snapshot keeps it (``adapters.snapshots``): its latest event and those that rest on
        assumptions, all that a command or a view asks of it; the chain before is on file, in the events."""
        found = object.__new__(cls)
        found._before, found._ref, found.assumed, found.held = None, ref, tuple(assumed), tuple(held)
        return found

    @property
    def latest(self) -> int:
        return self._ref

    def __iter__(self) -> Iterator[int]:
        refs, link = [], self
        while link is not None:
            refs.append(link._ref)
            link = link._before
        return reversed(refs)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Basis) and tuple(self) == tuple(other)

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return f"Basis{tuple(self)}"


@dataclass(frozen=True)
class Note:
    """A certificate on the register and what has happened to it."""

    number: int
    series: str
    holder: str
    principal: Decimal
    registered_name: str | None
    account: str | None
    dated: date | None
    origin: str
    basis: Basis  # the events it rests on
    status: str = OUTSTANDING
    closed_on: date | None = None


class ClosedNotes(Shared):
    """Notes taken off the register (surrendered, paid, cancelled, replaced), which never change again.

    The states folded one from another share one (see ``Shared``), each seeing the notes it closed itself or
    inherited: the first ``n`` closed. A state forked from an earlier one (a view as of a date, a backdated
    entry) starts a layer on top of the notes it sees rather than copying them. Like a binary counter, it
    takes in (copies) every layer down to the deepest one holding no more than twice all those above it, so
    each layer holds more than twice all those above: a lookup walks at most log2(n) layers, and a note is
    copied O(log n) times over a history.
    """

    def __init__(self, below: ClosedNotes | None = None, seen_below: int = 0) -> None:
        super().__init__()
        self._below, self._seen_below = below, seen_below
        self._own: dict[int, tuple[int, Note]] = {}  # number: (order closed, note), in the order closed
        self._size = seen_below

    def size(self) -> int:
        return self._size

    def upto(self, n: int) -> ClosedNotes:
        seen: list[tuple[ClosedNotes, int]] = []  # the layers the first n notes are in, top first, each with its limit
        layer: ClosedNotes | None = self
        while layer is not None:
            if n > layer._seen_below or layer._below is None:
                seen.append((layer, n))
            n = min(n, layer._seen_below)
            layer = layer._below
        above = taken = 0
        for depth, (layer, limit) in enumerate(seen):
            own = limit - layer._seen_below
            if own <= 2 * above:  # no bigger than twice the layers above it (with the new, empty one): take it in
                taken = depth + 1
            above += own
        fork = ClosedNotes(*seen[taken]) if taken < len(seen) else ClosedNotes()
        for layer, limit in reversed(seen[:taken]):
            with layer._lock:  # the layers below this one may be closing notes in another thread too
                fork.add([note for order, note in layer._own.values() if order < limit])
        return fork

    def add(self, new: Sequence[Note]) -> None:
        for note in new:
            self._own[note.number] = (self._size, note)
            self._size += 1

    @classmethod
    def earlier(cls, count: int, highest: int, load: Callable[[], dict[int, tuple[int, Note]]]) -> ClosedNotes:
        """The first ``count`` notes closed, not in memory: a state resumed from a snapshot has its live notes only.
        They are loaded (``load``: by number, the order each closed and the note) the first time a number up to
        ``highest`` (none of them is above it: the highest number ever used) is looked up; a new note's number,
        above every one used, never is."""
        found = cls()
        found._own, found._size = _EarlierClosed(highest, load), count
        return found

    def numbered(self, n: int) -> dict[int, tuple[int, Note]]:
        """The first ``n`` notes closed, by number, with the order each closed in."""
        found: dict[int, tuple[int, Note]] = {}
        layer: ClosedNotes | None = self
        while layer is not None:
            found.update((number, closed) for number, closed in layer._own.items() if closed[0] < n)
            n = min(n, layer._seen_below)
            layer = layer._below
        return found

    def get(self, number: int, n: int) -> Note | None:
        """Note No. ``number`` if it is among the first ``n`` closed."""
        layer: ClosedNotes | None = self
        while layer is not None:
            found = layer._own.get(number)
            if found is not None and found[0] < n:
                return found[1]
            n = min(n, layer._seen_below)
            layer = layer._below
        return None


class _EarlierClosed(dict):
    """The notes a resumed state closed before its snapshot (see ``ClosedNotes.earlier``), and those closed since."""

    def __init__(self, highest: int, load: Callable[[], dict[int, tuple[int, Note]]]) -> None:
        super().__init__()
        self._highest, self._load, self._lock = highest, load, threading.Lock()

    def _loaded(self) -> _EarlierClosed:
        if self._load is not None:
            with self._lock:
                if self._load is not None:
                    for number, closed in self._load().items():
                        self.setdefault(number, closed)
                    self._load = None
        return self

    def get(self, number: int, default: object = None) -> object:
        return dict.get(self._loaded() if number <= self._highest else self, number, default)

    def items(self):  # type: ignore[override]
        return dict.items(self._loaded())

    def values(self):  # type: ignore[override]
        return dict.values(self._loaded())


@dataclass(frozen=True)
class Movement:
    """One change to a series' principal, kept so every figure can be traced to its event."""

    ref: int
    on: date
    kind: str
    amount: Decimal


@dataclass(frozen=True)
class Coupon:
    """An interest payment date passed: who held what then, and whether it was paid."""

    due_on: date
    start: date
    principals: dict[int, Decimal]
    paid_ref: int | None = None
    paid_on: date | None = None
    declared_due: tuple[int, ...] = ()  # notes the payment left out, declared due before the date


@dataclass(frozen=True)
class Instalment:
    """A scheduled payment of principal that was paid: when due, when paid, by which event."""

    due_on: date
    amount: Decimal
    paid_on: date
    ref: int


@dataclass
class SeriesState:
    terms: SeriesTerms
    coupons: dict[date, Coupon] = field(default_factory=dict)
    paid: list[Instalment] = field(default_factory=list)
    movements: list[Movement] = field(default_factory=list)
    schedule: tuple[ScheduledPayment, ...] | None = None
    first_on: date | None = None
    accrues_from: date | None = None
    paid_off_on: date | None = None
    coupon_dates: tuple[date, ...] | None = None

    def total(self, kind: str) -> Decimal:
        return sum((m.amount for m in self.movements if m.kind == kind), ZERO)

    def start(self, on: date, *, issued: bool) -> None:
        """The series' first notes are on the register from ``on``.

        Notes issued then bear interest from that day; a register opened on
        ``on`` for notes issued earlier finds them bearing interest from the
        last interest date (their history before is not on file).
        """
        self.first_on = on
        self.accrues_from = on
        if self.terms.interest_dates is not None:
            if not issued:
                self.accrues_from = interest_date_on_or_before(self.terms, on)
            self.coupon_dates = tuple(coupon_dates(self.terms, on))

    def copy(self) -> SeriesState:
        return replace(self, coupons=dict(self.coupons), paid=list(self.paid), movements=list(self.movements))


@dataclass(frozen=True)
class AmendmentOnFile:
    """An amendment as the agreement's stream knows it: executed (with its text changes) or only referred to; whether
    it changes payment amounts, times or rates, and whether it lapsed."""

    number: int
    name: str
    effective_on: date
    executed: bool
    ref: int
    changes_payments: bool = False
    lapsed: bool = False


@dataclass(frozen=True)
class DefaultOnFile:
    """An Event of Default recorded, and the waiver that ended it, if any."""

    ref: int
    clause: str
    description: str
    on: date
    waived_by: int | None = None
    waived_on: date | None = None


@dataclass(frozen=True)
class AccelerationOnFile:
    """Notes declared (or become) due at once, what became due, and the annulment, if any."""

    ref: int
    on: date
    default: int
    automatic: bool
    declared_by: tuple[str, ...]
    notes: tuple[int, ...]
    principal: Decimal
    interest: Decimal
    makewhole: tuple[MakewholeQuote, ...]
    rescinded_by: int | None = None
    rescinded_on: date | None = None
    # each note's principal, and its part of the interest and premium made due (``remedies.Due``)
    principal_shares: tuple[Allocation, ...] = ()
    interest_shares: tuple[Allocation, ...] = ()
    premium_shares: tuple[Allocation, ...] = ()
    paid_by: int | None = None  # the payment of the interest and premium made due beside the principal
    paid_on: date | None = None
    interest_paid: Decimal | None = None
    interest_since: Decimal | None = None  # of it, more than made due: interest since the acceleration's date
    premium_paid: Decimal | None = None


@dataclass(frozen=True)
class NoticeOnFile:
    """A notice of optional prepayment given, and the prepayment that followed it, if any."""

    ref: int
    given_on: date
    series: str
    prepay_on: date
    amount: Decimal
    used_by: int | None = None


class AgreementState:
    """An agreement after the events of its timeline folded so far."""

    def __init__(self, terms: AgreementTerms, on: date) -> None:
        self.terms = terms
        self.live_notes: dict[int, Note] = {}
        self.closed_notes = ClosedNotes()
        self.closed_count = 0  # how many of ``closed_notes`` this state sees
        self.highest_closed = 0  # the highest number among them: no higher one is looked up in them
        self.holder_order: dict[str, None] = {}  # holders in the order they came on the register
        self.deemed: dict[int, tuple[str, Decimal]] = {}
        self.series: dict[str, SeriesState] = {s.key: SeriesState(terms=s) for s in terms.series}
        self.on_file_from: date | None = None
        self.attested_order: tuple[str, ...] = ()
        self.attested: tuple[date, int] | None = None  # the latest schedule of holders on file: its date and event
        self.date = on
        self.text: tuple[Provision, ...] = ()
        self.text_on_file = False
        self.amendments: dict[int, AmendmentOnFile] = {}
        self.consents: dict[int, frozenset[str]] = {}
        self.holders_of_record: dict[int, frozenset[str]] = {}
        self.defaults: dict[int, DefaultOnFile] = {}
        self.accelerations: dict[int, AccelerationOnFile] = {}
        self.notices: dict[int, NoticeOnFile] = {}
        self._calendar: BusinessCalendar | None = None

    def copy(self) -> AgreementState:
        twin = object.__new__(AgreementState)
        twin.__dict__.update(self.__dict__)
        twin.live_notes = dict(self.live_notes)
        twin.holder_order = dict(self.holder_order)
        twin.deemed = dict(self.deemed)
        twin.series = {key: state.copy() for key, state in self.series.items()}
        twin.amendments = dict(self.amendments)
        twin.consents = dict(self.consents)
        twin.holders_of_record = dict(self.holders_of_record)
        twin.defaults = dict(self.defaults)
        twin.accelerations = dict(self.accelerations)
        twin.notices = dict(self.notices)
        return twin

    # ------------------------------------------------------------------ notes

    def put(self, note: Note) -> None:
        """A note added or changed: live while outstanding, then closed for good (a note is closed once)."""
        if note.status == OUTSTANDING:
            self.live_notes[note.number] = note
            self.holder_order.setdefault(note.holder)
            return
        if self.live_notes.pop(note.number, None) is None:
            raise AssertionError(f"note No. {note.number} closed but not outstanding: evolve closes live notes only")
        self.closed_notes = self.closed_notes.extended(self.closed_count, [note])
        self.closed_count += 1
        self.highest_closed = max(self.highest_closed, note.number)

    def note(self, number: int) -> Note | None:
        """Note No. ``number`` as it stands, outstanding or closed; ``None`` if it was never on the register."""
        found = self.live_notes.get(number)
        return found if found is not None else self.closed_notes.get(number, self.closed_count)

    def cancelled(self, number: int) -> bool:
        """Whether note No. ``number`` is one the Company acquired and cancelled."""
        note = self.note(number)
        return note is not None and note.status == CANCELLED

    def live(self, series: str | None = None) -> list[Note]:
        """Outstanding notes in note-number order."""
        return [
            self.live_notes[n]
            for n in sorted(self.live_notes)
            if series is None or self.live_notes[n].series == series
        ]

    def outstanding(self, series: str) -> Decimal:
        return sum((note.principal for note in self.live_notes.values() if note.series == series), ZERO)

    def outstanding_basis(self, series: str) -> tuple[int, ...]:
        """The events a series' outstanding principal rests on: its movements, or the last schedule of holders
        on file and the movements since."""
        movements = self.series_state(series).movements
        if self.attested is None:
            return tuple(m.ref for m in movements)
        on, ref = self.attested
        return (ref, *(m.ref for m in movements if m.on > on))

    def holdings(self) -> dict[tuple[str, str], Decimal]:
        """Each holder's principal by series, the holders in Annex 1's order (``holders``): a consent tally beside
        the Annex 1 of its date lists them alike."""
        order = {holder: place for place, holder in enumerate(self.holders())}
        totals: dict[tuple[str, str], Decimal] = {}
        for note in sorted(self.live(), key=lambda note: order[note.holder]):
            key = (note.holder, note.series)
            totals[key] = totals.get(key, ZERO) + note.principal
        return totals

    def holders(self, series: str | None = None) -> list[str]:
        """Holders in a stable order: as the last schedule on file lists them, then as they came on the register."""
        present = {note.holder for note in self.live(series)}
        ordered = [holder for holder in self.attested_order if holder in present]
        return ordered + [holder for holder in self.holder_order if holder in present and holder not in ordered]

    def series_state(self, key: str) -> SeriesState:
        try:
            return self.series[key]
        except KeyError:
            raise UnknownSeries(
                f"there is no series {key!r}; the series are {', '.join(self.series) or 'none'}"
            ) from None

    def section(self, rule: str) -> str | None:
        return self.terms.section(rule)

    def business_calendar(self) -> BusinessCalendar | None:
        """The agreement's Business Day holidays; ``None`` when its calendar is not on file."""
        days = self.terms.business_days
        if days is None:
            return None
        if self._calendar is None or self._calendar.names != tuple(days.calendars):
            self._calendar = BusinessCalendar(days.calendars)
        return self._calendar

    def voters_excluded(self) -> list[str]:
        """Who holds notes that do not vote: the Company, its guarantors and affiliates."""
        return [self.terms.issuer, *self.terms.guarantors, *self.terms.affiliates]

    def continuing_defaults(self, on: date) -> list[DefaultOnFile]:
        return [d for d in self.defaults.values() if d.on <= on and d.waived_by is None]

    def active_accelerations(self) -> list[AccelerationOnFile]:
        return [a for a in self.accelerations.values() if a.rescinded_by is None]

    # --------------------------------------------------------------- payments

    def deemed_total(self, series: str) -> Decimal:
        return sum((amount for s, amount in self.deemed.values() if s == series), ZERO)

    def pro_rata_weights(self, series: str) -> dict[int, Decimal]:
        """Unpaid principal per note for pro rata allocation, reacquired notes included (Section 5.4)."""
        weights = {note.number: note.principal for note in self.live(series)}
        weights.update({n: amount for n, (s, amount) in self.deemed.items() if s == series and amount > 0})
        return weights

    def last_coupon(self, series: str, on: date) -> date:
        """The latest interest date on or before ``on``, or the date the notes bear interest from before the first."""
        state = self.series_state(series)
        assert state.first_on is not None and state.accrues_from is not None
        passed = [d for d in state.coupon_dates or coupon_dates(state.terms, state.first_on) if d <= on]
        return passed[-1] if passed else state.accrues_from

    def interest_paid_to(self, note: Note, on: date) -> date | None:
        """The date a new note for ``note`` is dated and bears interest from (6.2, 6.3): the last interest date by
        ``on`` recorded paid, or ``note``'s own date if none is; not on file where the interest dates are not."""
        series = self.series_state(note.series)
        if series.coupon_dates is None:
            return None
        paid = [c.due_on for c in series.coupons.values() if c.paid_ref is not None and c.due_on <= on]
        return max(paid + [note.dated] if note.dated else paid, default=None)

    def coupon_interest(self, series: str, due_on: date, without: Collection[int] = ()) -> tuple[Decimal, dict[int, Decimal]]:
        """The interest due on a coupon date and each note's share of it, to the cent; ``without`` the notes declared
        due before it (``rules.declared_due_notes``), which take none."""
        state = self.series_state(series)
        principals = {n: p for n, p in state.coupons[due_on].principals.items() if n not in without}
        total = interest_for(state.terms, sum(principals.values(), ZERO), state.coupons[due_on].start, due_on)
        return total, pro_rata(total, principals) if total else {}

    def interest_with_prepayment(self, series: str, amount: Decimal, on: date) -> Decimal | None:
        """Accrued interest on an amount prepaid off a coupon date; ``None`` when the terms are not on file."""
        terms = self.series_state(series).terms
        if terms.interest_dates is None or terms.day_count is None:
            return None
        require_day_count(terms)
        return interest_for(terms, amount, self.last_coupon(series, on), on)


class GuarantyState:
    """A guaranty and the agreements it still stands behind."""

    def __init__(self, terms: GuarantyTerms, on: date) -> None:
        self.terms = terms
        self.delivered_on = on
        self.date = on
        self.covered: frozenset[str] = frozenset(terms.agreements())

    def copy(self) -> GuarantyState:
        twin = object.__new__(GuarantyState)
        twin.__dict__.update(self.__dict__)
        return twin


class HolderState:
    """A holder as its own stream says: its names from their dates, and its aliases."""

    def __init__(self, terms: HolderTerms, on: date) -> None:
        self.terms = terms
        self.date = on
        self.identity = Identity(terms.key, [(None, terms.name)], list(terms.aliases))

    def copy(self) -> HolderState:
        twin = object.__new__(HolderState)
        twin.__dict__.update(self.__dict__)
        twin.identity = Identity(self.identity.key, list(self.identity.names), list(self.identity.aliases))
        return twin


class InstrumentState:
    """Another instrument, delivered."""

    def __init__(self, terms: InstrumentTerms, on: date) -> None:
        self.terms = terms
        self.delivered_on = on
        self.date = on

    def copy(self) -> InstrumentState:
        twin = object.__new__(InstrumentState)
        twin.__dict__.update(self.__dict__)
        return twin


State = AgreementState | GuarantyState | InstrumentState | HolderState
