"""The query service: one method per view, each returning a projection's read model.

The command line renders these; the HTTP API returns them; nothing else
composes a view. Every view takes the business date (``as_of``) and, where it
reads recorded events, the second clock (``known_at``: only what was recorded
by then).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

from adapters.lazy import lazy
from adapters.moments import KnownAt, event_ref, utc_text
from adapters.reading import PartsProgress, Progress, Reading, advancing
from domain.calendar import BusinessCalendar
from domain.errors import NotYetRecorded, UnknownAgreement
from domain.events import AGREEMENT, Event, stream_id
from domain.makewhole import CurvePoint, MakewholeQuote
from domain.names import holder_among, series_key
from domain.state import AgreementState
from domain.stream import Stream
from domain.timeline import Timeline
from domain.timeline import known_at as recorded_by_then
from domain.values import AgreementTerms, shown_if_any, shown_if_set, shown_inline, unshown
from projections.record import Footnotes, Horizon, horizon_of, last_recorded
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

# each view imports the projection it reads when it runs: a command line view loads its own alone
amendment_views, guaranty_views, history_views = lazy("projections.amendments"), lazy("projections.guaranties"), lazy("projections.history")
holder_views, payments, texts = lazy("projections.holders"), lazy("projections.payments"), lazy("projections.text")
decisions = lazy("domain.decide")

if TYPE_CHECKING:
    from adapters.audit import Digest
    from adapters.registry import Registry
    from domain.holders import Identity
    from projections.amendments import AmendmentStatus, Consents, ConsentTally
    from projections.guaranties import Guaranties
    from projections.history import HistoryLine
    from projections.holders import Holders
    from projections.payments import Accrued, Due, Payee, Schedule, Status
    from projections.text import Redline, Text


@dataclass(frozen=True)
class EventLine:
    event: str
    summary: str
    payees: tuple[Payee, ...] = shown_if_any()  # of a payment, what it pays each holder
    paid_beside: Decimal | None = shown_if_set()  # of a prepayment, its interest and premium, not allocated by note


@dataclass(frozen=True)
class Recorded:
    """What a recording did: the events it recorded, or those its request recorded before."""

    recorded: tuple[EventLine, ...]
    already_recorded: tuple[EventLine, ...]

    @classmethod
    def of(cls, staged, naming: Naming | None = None) -> Recorded:  # noqa: ANN001 - a registry.Staged
        """``naming``: how holders are named on a date (``Queries.named_on``), for a payment's payees."""
        state = staged.stream.timeline.final
        lines = tuple(_event_line(staged.stream.ref(e), e, state, naming) for e in staged.events or staged.earlier)
        return cls((), lines) if staged.earlier else cls(lines, ())


Naming = Callable[[date], Callable[[str], str]]  # how holders are named on a date (``Queries.named_on``)


def _event_line(ref: str, event: Event, state: object, naming: Naming | None) -> EventLine:
    """An event recorded, and of a payment what it pays each holder: the state after it names its notes' holders, and
    ``naming`` names them as on the payment's date (a holder renamed since its notes were issued), as the register does."""
    if not isinstance(state, AgreementState) or not event.cash():
        return EventLine(ref, event.summary())
    beside = payments.paid_beside(event)
    named = naming(event.effective_on) if naming is not None else None
    return EventLine(ref, event.summary(), payments.payees(event, state, named), beside or None)


@dataclass(frozen=True)
class Previewed:
    """What a recording would do (a dry run, which records nothing): the events it would record, numbered as they
    would be were nothing recorded before it, or those its request recorded before."""

    dry_run: bool
    would_record: tuple[EventLine, ...]
    already_recorded: tuple[EventLine, ...]

    @classmethod
    def of(cls, staged, naming: Naming | None = None) -> Previewed:  # noqa: ANN001 - a registry.Staged
        found = Recorded.of(staged, naming)
        return cls(True, found.recorded, found.already_recorded)
"""The second clock: a time, or an event ("barnes-1995:20") meaning the moment it was recorded."""


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
    caveats: tuple[str, ...] = shown_if_any()  # what the quote is worked out without (an amendment changing payments)


@dataclass(frozen=True)
class EventDetail:
    """One event as recorded, and the make-whole calculation stored with it, if any."""

    event: HistoryLine = shown_inline()
    makewhole: MakewholeNotice | None = unshown(default=None)  # JSON has it among the event's fields
    payees: tuple[Payee, ...] = shown_if_any()  # of a payment in force, what it paid each holder
    paid_beside: Decimal | None = shown_if_set()  # of a prepayment, its interest and premium, not allocated by note


@dataclass(frozen=True)
class Verified:
    """Whether the log holds, over how many events; the registry's root and head now, to keep."""

    intact: bool
    events: int
    problem: str | None
    root: str | None
    note: str | None = None
    head: dict | None = unshown(default=None)


@dataclass(frozen=True)
class AgreementSummary:
    agreement: str
    title: str
    issuer: str
    guarantors: tuple[str, ...]
    dated_as_of: date
    series: tuple[SeriesSummary, ...]


class Queries:
    def __init__(self, registry: Registry | Reading) -> None:
        """Over the registry, or over a view's reader (``adapters.reader``), which has no ledger: the audit
        methods (verify, head, proofs) need the registry."""
        self.registry: Any = registry

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

    def horizon(self, key: str) -> Horizon:
        """How far the evidence on file runs for an agreement (the register's and the payments' last dates)."""
        return horizon_of(key, self._timeline(key, None))

    def register(self, key: str, as_of: date, known_at: KnownAt = None, *, by_note: bool = True) -> Register:
        """Who held which notes, each holder under its name on the date; not ``by_note``, the assumptions of the
        holdings alone (``register_as_of``)."""
        then = self.moment(known_at)
        view = _known(register_as_of(key, self._timeline(key, then), as_of, by_note=by_note), then)
        named = self.named_on(as_of, then)
        return replace(view, notes=tuple(replace(n, holder=named(n.holder)) for n in view.notes),
                       holders=tuple(replace(h, holder=named(h.holder)) for h in view.holders))

    def annex1(self, key: str, as_of: date, known_at: KnownAt = None) -> Annex1:
        """Annex 1, each holder under its name on the date."""
        then = self.moment(known_at)
        view = _known(annex1_as_of(key, self._timeline(key, then), as_of), then)
        named = self.named_on(as_of, then)
        return replace(view, holders=tuple(replace(line, holder=named(line.holder)) for line in view.holders))

    def named_on(self, as_of: date, then: datetime | None = None) -> Callable[[str], str]:
        """A holder as named on ``as_of`` (one renamed since its notes were issued), by its own entries recorded by
        ``then``: only a holder with entries of its own is renamed."""
        directory = self.registry.declared_holders(then)

        def named(holder: str) -> str:
            identity = directory.find(holder)
            return identity.name_on(as_of) if identity else holder

        return named

    def holders(self, as_of: date, known_at: KnownAt = None, progress: Progress | None = None, *,
                holder: str | None = None) -> Holders:
        """Each holder's positions in every agreement on the registry as of a date (recorded by then), or one
        ``holder``'s (named as ``holder`` finds it); ``progress``, given how many agreements there are, is what to
        call after each."""
        then = self.moment(known_at)
        registers, cited, first = [], Footnotes(), None
        agreements = [key for kind, key in self.registry.listed() if kind == AGREEMENT]
        kept = self.registry.kept_registers.of(as_of, then)
        still = {key: kept[key][1:] for key in agreements
                 if key in kept and self.registry.checked_size(AGREEMENT, key) == kept[key][0]}  # its rows checked
        found = self._spread(register_in_worker, [key for key in agreements if key not in still], as_of, then)
        with contextlib.closing(found):
            for key in advancing(agreements, progress):
                if key in still:
                    register, recorded = still[key]
                else:
                    register, recorded, size = next(found) or self._register_here(key, as_of, then, cited)
                    if size is not None and not (register is not None and register.assumptions):
                        kept[key] = (size, register, recorded)
                first = min(first or recorded, recorded) if recorded else first
                if register is not None:
                    registers.append(register)
        if then is not None and first is not None and then < first:
            raise NotYetRecorded(
                f"no agreement on the registry was recorded by {utc_text(then)}; the first was recorded at {utc_text(first)}:"
                " ask for a time on or after that"
            )
        return _known(holder_views.holders_as_of(as_of, registers, self.registry.directory_known_at(then), cited.listed(),
                                                 holder=None if holder is None else self.holder(holder).key), then)

    def _spread(self, work: Callable[[Reading, tuple], Any], agreements: Sequence[str], as_of: date,
                then: datetime | None) -> Iterator[Any]:
        """What ``work`` finds of each agreement for a view across them (``holders``' register, ``due``'s schedule),
        with the agreement's size, worked out in worker processes when there are many events to fold
        (``adapters.workers``); ``None`` for one this process works out itself: every one when not spread, one a worker
        saw at another size than this reader does (recorded since it looked: a view is of one moment), and one the
        work leaves here (a register citing assumptions, numbered here with the other registers')."""
        from adapters.workers import in_order, workers_for

        if workers_for(len(agreements)) < 2:  # (nothing to spread: the sizes not read)
            yield from (None for _ in agreements)
            return
        sizes = self.registry.sizes()
        tasks = [(key, sizes.get(stream_id(AGREEMENT, key).hex, 0), as_of, then) for key in agreements]
        done = in_order(work, tasks, self.registry, events=sum(task[1] for task in tasks), here=_left_here)
        with contextlib.closing(done):  # stops the workers when the view stops early (a refusal)
            for (_, size, _, _), found in zip(tasks, done, strict=True):
                yield (*found, size) if found else None

    def _register_here(self, key: str, as_of: date, then: datetime | None, cited: Footnotes) -> tuple[Any, Any, int | None]:
        """An agreement's register for ``holders`` worked out in this process, and the size of the stream it is of."""
        stream = self.registry.stream(AGREEMENT, key)
        return (*_register_among(stream, key, as_of, then, cited), stream.version if stream is not None else None)

    def outstanding(self, key: str, as_of: date, known_at: KnownAt = None) -> Outstanding:
        then = self.moment(known_at)
        return _known(outstanding_as_of(key, self._timeline(key, then), as_of), then)

    def terms(self, key: str, known_at: KnownAt = None) -> TermsOnFile:
        then = self.moment(known_at)
        return _known(terms_on_file(key, self._timeline(key, then)), then)

    def history(
        self,
        key: str,
        known_at: KnownAt = None,
        *,
        since: date | None = None,
        until: date | None = None,
        kinds: Sequence[str] = (),
        holder: str | None = None,
        note: int | None = None,
    ) -> list[HistoryLine]:
        """The history of any stream (an agreement, a guaranty, an instrument, a holder), filtered by effective
        date, kind of event, holder (by any name it is known by), and note (with the notes it was issued for)."""
        then = self.moment(known_at)
        stream = self.registry.named(key)
        _recorded_by(stream, then)
        names = tuple(self.holder(holder).known_as()) if holder is not None else ()
        only = history_views.HistoryFilter(since, until, tuple(kinds), names, note)
        return history_views.history(key, stream.events, then, only)

    def holder(self, name: str) -> Identity:
        """The holder a user names to a view, as a command names one (``domain.names.holder_among``): exactly, in any
        case, by a unique part of any name or alias it is known by, or in its words but for punctuation and suffix."""
        directory = self.registry.directory()
        found = directory.find(name)
        if found is not None:
            return found
        latest = {identity.key: identity.name_on(None) for identity in directory.identities.values()}
        names = {known: latest[identity.key] for identity in directory.identities.values() for known in identity.known_as()}
        chosen = holder_among(sorted(set(latest.values())), name, "on the registry", None, names)
        return next(identity for identity in directory.identities.values() if latest[identity.key] == chosen)

    def event(self, ref: str) -> EventDetail:
        """One event in full: every field, its evidence and assumptions, and a make-whole calculation recorded with it."""
        key, position = event_ref(ref)
        stream = self.registry.named(key)
        stream.event(position)  # refused, naming the events there are, if there is no such event
        [line] = [h for h in history_views.history(key, stream.events) if h.event == f"{key}:{position}"]
        line = replace(line, fields=history_views.event_fields(line.recorded, whole=True))
        quote = getattr(line.recorded, "makewhole", None)
        sections = _terms(stream.timeline).sections if stream.kind == AGREEMENT and not stream.withdrawn else {}
        paid = _event_line(line.event, line.recorded, None if line.reversed_by else stream.timeline.final, self.named_on)
        return EventDetail(line, MakewholeNotice(sections, key, quote) if quote is not None else None, paid.payees,
                           paid.paid_beside)

    # -------------------------------------------------------------- payments

    def schedule(
        self, key: str, as_of: date, series: str | None = None, known_at: KnownAt = None
    ) -> Schedule:
        then = self.moment(known_at)
        timeline = self._timeline(key, then)
        chosen = series_key(_terms(timeline), series) if series else None
        return _known(payments.schedule_as_of(key, timeline, as_of=as_of, calendar=_calendar(timeline), series=chosen), then)

    def due(self, start: date, end: date, as_of: date, known_at: KnownAt = None, progress: Progress | None = None) -> Due:
        """Every agreement's payments due from ``start`` to ``end``, each with its status as of ``as_of``; an agreement
        nothing of which was recorded by ``known_at`` left out (refused if none was); ``progress``, given how many
        agreements there are, is what to call after each."""
        then = self.moment(known_at)
        agreements = [key for kind, key in self.registry.listed() if kind == AGREEMENT]
        schedules, unknown = [], False
        found = self._spread(schedule_in_worker, agreements, as_of, then)
        with contextlib.closing(found):
            for key, spread in zip(advancing(agreements, progress), found, strict=True):
                schedule, recorded = spread[:2] if spread else _schedule_among(self.registry.stream(AGREEMENT, key), key, as_of, then)
                schedules += [schedule] if schedule is not None else []
                unknown = unknown or not recorded
        if unknown and not schedules:
            raise NotYetRecorded(f"no agreement on the registry was recorded by {utc_text(then)}: ask for a later time")
        return _known(payments.due_between(start, end, as_of, schedules), then)

    def status(self, key: str, as_of: date, known_at: KnownAt = None) -> Status:
        then = self.moment(known_at)
        timeline = self._timeline(key, then)
        return _known(payments.status_as_of(key, timeline, as_of=as_of, calendar=_calendar(timeline)), then)

    def accrued(self, key: str, as_of: date, known_at: KnownAt = None, *, by_note: bool = True) -> Accrued:
        then = self.moment(known_at)
        return _known(payments.accrued_as_of(key, self._timeline(key, then), as_of, by_note=by_note), then)

    def makewhole(
        self, key: str, on: date, amount: Decimal, curve: Sequence[CurvePoint], series: str | None = None
    ) -> MakewholeNotice:
        """What an optional prepayment would cost, step by step; records nothing."""
        from projections.payments import payment_terms_amended

        stream = self.registry.agreement(key)
        terms = _terms(stream.timeline)
        state = stream.timeline.state_as_of(on)
        quote = decisions.quote_makewhole(stream, state, on, amount, tuple(curve), series)
        assert isinstance(state, AgreementState)  # (a quote before the registration is refused)
        return MakewholeNotice(terms.sections, key, quote, tuple(payment_terms_amended(key, state)))

    # ------------------------------------------------------------- documents

    def text(self, key: str, as_of: date, section: str | None = None, known_at: KnownAt = None) -> Text:
        then = self.moment(known_at)
        streams = self._streams(key, then)
        states = amendment_views.amendments(key, streams, then)
        return _known(texts.text_as_of(key, streams[f"agreement/{key}"], as_of, states, then).read(section), then)

    def redline(
        self, key: str, start: date, end: date, section: str | None = None, known_at: KnownAt = None
    ) -> Redline:
        then = self.moment(known_at)
        streams = self._streams(key, then)
        states = amendment_views.amendments(key, streams, then)
        events = streams[f"agreement/{key}"]
        found = texts.redline(texts.text_as_of(key, events, start, states, then), texts.text_as_of(key, events, end, states, then), section)
        return _known(found, then)

    def amendments(self, key: str, known_at: KnownAt = None) -> list[AmendmentStatus]:
        """Each amendment; its tally's holders named on its date, as its Annex 1 names them."""
        then = self.moment(known_at)
        return [replace(a, consents=self._votes_named(a.consents, a.as_of, then)) if a.consents and a.as_of else a
                for a in amendment_views.amendments(key, self._streams(key, then), then)]

    def consents(self, key: str, amendment: int, known_at: KnownAt = None) -> Consents:
        """Who consented, each holder named on the amendment's date, as its Annex 1 names it."""
        then = self.moment(known_at)
        view = _known(amendment_views.consents(key, amendment, self._streams(key, then), then), then)
        return self._votes_named(view, view.as_of, then)

    def _votes_named(self, tally: Votes, as_of: date, then: datetime | None) -> Votes:
        """A tally (of a consents view, or an amendment's) with its holders named on ``as_of``."""
        named = self.named_on(as_of, then)
        return replace(tally, holders=tuple(replace(v, holder=named(v.holder)) for v in tally.holders))

    def guaranties(self, key: str, as_of: date, known_at: KnownAt = None) -> Guaranties:
        then = self.moment(known_at)
        return _known(guaranty_views.guaranties_as_of(key, self._streams(key, then), as_of, then), then)

    # ----------------------------------------------------------------- audit

    def verify(self, kept: dict | Digest | None = None, trusted: str | None = None,
               progress: PartsProgress | None = None) -> Verified:
        """The whole log checked in one snapshot; the registry head now (with each stream's key), to keep;
        ``progress`` as ``Registry.verify``."""
        result = self.registry.verify(kept, trusted, progress)
        head = result.head
        if head is not None:
            keys = self.stream_keys()
            head = {**head, "streams": [{**s, "key": keys.get(s["stream"])} for s in head["streams"]]}
        return Verified(result.intact, result.events, result.problem, head["root"] if head else None, result.note, head)

    def stream_keys(self) -> dict[str, str]:
        """Each stream's id (hex) and the name users know it by ("agreement/barnes-1995"), as far as the registry's
        list of streams reads (a head is given of a log that does not verify too)."""
        return {hex_id: f"{kind}/{key}" for hex_id, (kind, key) in self.registry.names_as_read().items()}

    def head(self, key: str) -> dict:
        """An agreement's (guaranty's, holder's) latest signed tree head, with its signer's registration."""
        stream = self.registry.named(key)
        proof = self.registry.ledger.inclusion(stream.id, 1)
        return {"format": "debtreg-head-v1", "head": {**proof["head"], "key": f"{stream.kind}/{key}"},
                "identity": proof["identity"]}

    def proof(self, ref: str, size: int | None = None) -> dict:
        """An inclusion proof of one event, against its stream's latest signed head (or the head of ``size``)."""
        key, position = event_ref(ref)
        stream = self.registry.named(key)
        stream.event(position)  # refused, naming the stream's events, if it has no such event
        bundle = self.registry.ledger.inclusion(stream.id, position, size)
        bundle["head"]["key"] = f"{stream.kind}/{key}"
        return bundle

    def consistency(self, key: str, old_size: int, new_size: int | None = None) -> dict:
        stream = self.registry.named(key)
        bundle = self.registry.ledger.consistency(stream.id, old_size, new_size)
        for side in ("old", "new"):
            bundle[side]["key"] = f"{stream.kind}/{key}"
        return bundle

    # --------------------------------------------------------------- helpers

    def moment(self, known_at: KnownAt) -> datetime | None:
        """The second clock as a time: an event reference ("barnes-1995:20") is the moment it was recorded."""
        if not isinstance(known_at, str):
            return known_at
        key, position = event_ref(known_at)
        return self.registry.named(key).event(position).timestamp

    def _timeline(self, key: str, known_at: datetime | None) -> Timeline:
        """An agreement's timeline as recorded by ``known_at``; refused if nothing about it was recorded by then."""
        return _recorded_by(self.registry.agreement(key), known_at)

    def _streams(self, key: str, known_at: datetime | None) -> dict[str, tuple]:
        """Every stream, for views that read across them, once the agreement is known to have been recorded."""
        _recorded_by(self.registry.agreement(key), known_at)
        return self.registry.streams()


def _as_recorded_now(stream: Stream, known_at: datetime | None) -> bool:
    """Whether the view as known at ``known_at`` is the view as recorded now: nothing about the stream was recorded
    after it (one taken off the registry is read as it stood then)."""
    return known_at is None or not stream.withdrawn and known_at >= (last_recorded(stream.timeline) or known_at)


def _register_among(stream: Stream | None, key: str, as_of: date, then: datetime | None,
                    cited: Footnotes) -> tuple[Register | None, datetime | None]:
    """An agreement's register as of a date among others' (``holders``: ``cited`` numbers their assumptions
    together), none if it holds nothing then; and when it was first recorded, for a view as known at a moment."""
    if stream is None or stream.withdrawn:
        return None, None
    recorded = None
    if _as_recorded_now(stream, then):  # each agreement from its snapshot, its events not read unless needed
        timeline = stream.timeline
    else:
        assert then is not None
        recorded, timeline = _known_at(stream, then)
    return (None if timeline.empty else register_as_of(key, timeline, as_of, cited, by_note=False)), recorded


def register_in_worker(reading: Reading, task: tuple[str, int, date, datetime | None]) -> Any:
    """``holders``' work on one agreement in a worker process (``Queries._spread_registers``), or ``None`` to leave
    it to the process that asked: the agreement is not at the size that process sees, or its register cites
    assumptions, which are numbered across every register in order."""
    key, size, as_of, then = task
    stream = reading.stream(AGREEMENT, key)
    if stream is None or stream.version != size:
        return None
    register, recorded = _register_among(stream, key, as_of, then, Footnotes())
    return None if register is not None and register.assumptions else (register, recorded)


def schedule_in_worker(reading: Reading, task: tuple[str, int, date, datetime | None]) -> Any:
    """``due``'s work on one agreement in a worker process (``Queries._spread``), or ``None`` to leave it to the process
    that asked: the agreement is not at the size that process sees."""
    key, size, as_of, then = task
    stream = reading.stream(AGREEMENT, key)
    return None if stream is None or stream.version != size else _schedule_among(stream, key, as_of, then)


def _schedule_among(stream: Stream | None, key: str, as_of: date, then: datetime | None) -> tuple[Schedule | None, bool]:
    """An agreement's schedule as of a date among others' (``due``), none if it is off the registry; and whether
    anything of it was recorded by ``then`` (a view as known at a time before it left it out)."""
    if stream is None or stream.withdrawn:
        return None, True
    try:
        timeline = _recorded_by(stream, then)
    except (NotYetRecorded, UnknownAgreement):  # not recorded by then, or off the registry then
        return None, False
    return payments.schedule_as_of(key, timeline, as_of=as_of, calendar=_calendar(timeline)), True


def _left_here(reading: Reading, task: object) -> None:  # noqa: ARG001 - in_order's signature
    """Each agreement left to the process that asked, when the work is not spread."""
    return None


def _recorded_by(stream: Stream, known_at: datetime | None) -> Timeline:
    """A stream's timeline as recorded by ``known_at``: as it stands if nothing was recorded after that (its
    events read only if a view needs them). A view as known at a time before a stream's first recording would
    show nothing as if it were fact: refused."""
    if _as_recorded_now(stream, known_at):
        return stream.timeline
    assert known_at is not None
    first, timeline = _known_at(stream, known_at)
    if known_at < first:
        raise NotYetRecorded(
            f"nothing about {stream.key} was recorded by {utc_text(known_at)}; its first entry was recorded at"
            f" {utc_text(first)}: ask for a time on or after that"
        )
    if timeline.final is None:
        raise UnknownAgreement(f"{stream.key} was off the registry at {utc_text(known_at)}: the entry that put it on was reversed")
    return timeline


def _known_at(stream: Stream, moment: datetime) -> tuple[datetime, Timeline]:
    """When a stream's first event was recorded, and its timeline of the events recorded by ``moment`` (empty if
    none was): from the states its read model keeps, where it can (``Timeline.recorded_by``), else its events."""
    found = stream.timeline.recorded_by(moment)
    if found is not None:
        return found[0], found[1] or Timeline(())
    return stream.events[0].timestamp, Timeline(recorded_by_then(stream.events, moment))


ViewOf = TypeVar("ViewOf")
Votes = TypeVar("Votes", "Consents", "ConsentTally")


def _known(view: ViewOf, then: datetime | None) -> ViewOf:
    """A view as known at a moment, saying which (JSON's ``known_at``): a program keeping the answer to ``--known-at
    barnes-1995:20`` could not tell it from one of what is known now. The one place a view is given its moment."""
    return replace(view, known_at=then) if then is not None else view


def _calendar(timeline: Timeline) -> BusinessCalendar | None:
    """The agreement's Business Day holidays, ``None`` when its calendar is not on file."""
    days = _terms(timeline).business_days
    return BusinessCalendar(days.calendars) if days is not None else None


def _terms(timeline: Timeline) -> AgreementTerms:
    final = timeline.final
    assert isinstance(final, AgreementState)
    return final.terms
