"""Each amendment's status, computed from events: consents, conditions, lapses.

Streams are passed as a mapping from their reference ("agreement/barnes-1995",
"guaranty/kar-2003", "instrument/credit-agreement-amendment-2003") to their
events, because a condition of one agreement's amendment may wait on another
stream. With ``known_at``, only what was recorded by then counts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from domain.amendment import DELIVERED, EFFECTIVE, EXECUTED, Condition, needs_all_holders, status
from domain.consent import ALL_HOLDERS, BY_SERIES, Tally, format_share, tally
from domain.events import Agreement, Event, Guaranty, Instrument
from domain.holders import signed_by_another
from domain.rules import no_such_amendment
from domain.state import AgreementState
from domain.timeline import Timeline, in_force
from domain.timeline import known_at as recorded_by_then
from domain.values import shown_as, shown_if_any, shown_if_set, unshown
from projections.record import AssumedFact, Footnotes

Streams = Mapping[str, Sequence[Event]]


@dataclass(frozen=True)
class ClassLine:
    """One voting class: the principal that votes, the principal that consented, the share."""

    name: str = shown_as("class")
    voting_principal: Decimal = shown_as("voting_principal")
    consenting_principal: Decimal = shown_as("consenting_principal")
    share: str = shown_as("share")
    met: bool = unshown()
    more_needed: Decimal | None = shown_if_set()  # the least principal more to consent to reach the threshold, if not met


@dataclass(frozen=True)
class VoteLine:
    """A holder of record's vote; ``signed_as`` the name on its signature page, when another."""

    holder: str
    principal: dict[str, Decimal]
    consented: bool
    excluded: bool
    signed_as: str | None = shown_if_set()
    signed_by_another: bool = False
    rests_on: tuple[str, ...] = shown_if_any()


@dataclass(frozen=True)
class ConsentTally:
    """Who consented, with what principal, against which threshold.

    ``by_series`` shows each series' share where all series vote together (for information);
    ``without_other_signatories`` is the tally leaving out consents signed by someone other than
    the holder of record, and ``met_without_other_signatories`` whether it still passes.
    """

    threshold: str
    met: bool
    classes: tuple[ClassLine, ...]
    holders: tuple[VoteLine, ...]
    by_series: tuple[ClassLine, ...] = shown_if_any()
    without_other_signatories: tuple[ClassLine, ...] = shown_if_any()
    met_without_other_signatories: bool | None = shown_if_set()


@dataclass(frozen=True)
class ConditionLine:
    section: str
    text: str
    met: bool
    how: str
    rests_on: tuple[str, ...] = shown_if_any()

    def shortfall(self) -> str:
        """How a pending amendment's reason names this condition, not met."""
        return f"{self.section} not met: {self.how}"


@dataclass(frozen=True)
class AmendmentStatus:
    """An amendment and its status. ``as_of`` is its date, ``None`` when not on file; then
    ``before`` is the date by which a document on file shows it in force."""

    in_force_by: date = unshown()
    agreement: str
    number: int
    name: str
    event: str
    as_of: date | None
    status: str
    reason: str
    consents: ConsentTally | None
    conditions: tuple[ConditionLine, ...]
    changes: tuple[str, ...]
    before: date | None = shown_if_set()
    assumptions: tuple[AssumedFact, ...] = shown_if_any()

    def dated(self) -> str:
        return f"as of {self.as_of}" if self.as_of else f"before {self.before}, date not on file"


@dataclass(frozen=True)
class Consents:
    """The consents view: an amendment and its tally on the register of its date."""

    agreement: str
    amendment: int
    name: str
    as_of: date
    threshold: str
    met: bool
    classes: tuple[ClassLine, ...]
    holders: tuple[VoteLine, ...]
    by_series: tuple[ClassLine, ...] = shown_if_any()
    without_other_signatories: tuple[ClassLine, ...] = shown_if_any()
    met_without_other_signatories: bool | None = shown_if_set()
    assumptions: tuple[AssumedFact, ...] = shown_if_any()
    known_at: datetime | None = shown_if_set()  # the moment of a view as known at one (``--known-at``)


def amendments(key: str, streams: Streams, known_at: datetime | None = None) -> list[AmendmentStatus]:
    """Every amendment of the agreement on file, executed or only referred to."""
    events = in_force(recorded_by_then(streams.get(f"agreement/{key}", ()), known_at))
    found = []
    for event in events:
        if isinstance(event, Agreement.AmendmentNotOnFile):
            state, reason = status(executed=False, lapsed=None, consents_met=False, shortfalls=())
            found.append(AmendmentStatus(event.effective_on, key, event.number, event.name, f"{key}:{event.originator_version}",
                                         None, state, reason, None, (), (), before=event.effective_on))
        elif isinstance(event, Agreement.AmendmentExecuted):
            found.append(_executed(key, event, events, streams, known_at))
    return sorted(found, key=lambda s: s.number)


def amendment_status(key: str, number: int, streams: Streams, known_at: datetime | None = None) -> AmendmentStatus:
    """An amendment executed and on file, with its status."""
    every = amendments(key, streams, known_at)
    executed = [a for a in every if a.consents is not None]
    for found in executed:
        if found.number == number:
            return found
    raise no_such_amendment(key, number, [a.number for a in executed], referred=next((a.name for a in every if a.number == number), None))


def consents(key: str, number: int, streams: Streams, known_at: datetime | None = None) -> Consents:
    found = amendment_status(key, number, streams, known_at)
    assert found.as_of is not None
    events = in_force(recorded_by_then(streams.get(f"agreement/{key}", ()), known_at))
    executed = next(e for e in events if isinstance(e, Agreement.AmendmentExecuted) and e.number == number)
    cited = Footnotes.of(key, events)
    counted = tally_lines(key, events, executed, cited)
    return Consents(
        key, number, found.name, found.as_of, counted.threshold, counted.met, counted.classes, counted.holders,
        counted.by_series, counted.without_other_signatories, counted.met_without_other_signatories, cited.listed(),
    )


def consent_tally(events: Sequence[Event], amendment: Agreement.AmendmentExecuted, *, voting: str | None = None,
                  leaving_out: frozenset[str] = frozenset()) -> Tally:
    """The tally from the register on the amendment's date, without the Company's own notes
    (and without the consents of ``leaving_out``)."""
    timeline = Timeline(events)
    final = timeline.final
    assert isinstance(final, AgreementState)
    terms = final.terms
    state = timeline.state_as_of(amendment.effective_on)
    holdings = state.holdings() if isinstance(state, AgreementState) else {}
    consenting = [c.holder for c in _consents_to(events, amendment.number) if c.holder not in leaving_out]
    return tally(
        holdings,
        consenting,
        [terms.issuer, *terms.guarantors, *terms.affiliates],
        threshold=terms.amendment_threshold or ALL_HOLDERS,  # not on file: the strictest reading
        voting=voting or terms.voting,
        all_holders=needs_all_holders(amendment.changes, terms, amendment.changes_payments),
    )


def _consents_to(events: Sequence[Event], number: int) -> list[Agreement.ConsentGiven]:
    return [e for e in events if isinstance(e, Agreement.ConsentGiven) and e.amendment == number]


def _class_lines(counted: Tally) -> tuple[ClassLine, ...]:
    return tuple(
        ClassLine(c.name, c.voting, c.consenting, format_share(c.share), met := c.reaches(counted.required),
                  None if met else c.wanting(counted.required))
        for c in counted.classes
    )


def tally_lines(key: str, events: Sequence[Event], amendment: Agreement.AmendmentExecuted, cited: Footnotes) -> ConsentTally:
    """The tally, each vote with who signed it and what its consent rests on, and the tally without
    the consents signed by someone other than the holder of record."""
    counted = consent_tally(events, amendment)
    given = {c.holder: c for c in _consents_to(events, amendment.number)}
    others = frozenset(h for h, c in given.items() if signed_by_another(h, c.signed_as))
    by_series = consent_tally(events, amendment, voting=BY_SERIES) if counted.classes and len(
        {s for v in counted.votes for s in v.principal}) > 1 and not counted.all_holders else None
    without = consent_tally(events, amendment, leaving_out=others) if others else None
    return ConsentTally(
        counted.threshold,
        counted.met,
        _class_lines(counted),
        tuple(
            VoteLine(
                v.holder, dict(v.principal), v.consented, v.excluded,
                given[v.holder].signed_as if v.holder in given else None, v.holder in others,
                cited.cite(key, [given[v.holder].originator_version]) if v.holder in given else (),
            )
            for v in counted.votes
        ),
        _class_lines(by_series) if by_series and [c.name for c in by_series.classes] != [c.name for c in counted.classes] else (),
        _class_lines(without) if without else (),
        without.met if without else None,
    )


def _executed(
    key: str, event: Agreement.AmendmentExecuted, events: Sequence[Event], streams: Streams, known_at: datetime | None
) -> AmendmentStatus:
    cited = Footnotes.of(key, events)
    counted = consent_tally(events, event)
    conditions = tuple(_condition(c, streams, known_at, cited) for c in event.conditions)
    votes = tally_lines(key, events, event, cited)
    lapsed = next(
        (e.reason for e in events if isinstance(e, Agreement.AmendmentLapsed) and e.amendment == event.number), None
    )
    shortfalls = []
    if not counted.met:
        shortfalls.append(f"{'Section ' + event.consents_section + ' ' if event.consents_section else ''}consents:"
                          f" {counted.shortfall()}")  # ("3 consents:" read as a count)
    shortfalls += [c.shortfall() for c in conditions if not c.met]
    state, reason = status(executed=True, lapsed=lapsed, consents_met=counted.met, shortfalls=shortfalls)
    assumed = [c.section for c in conditions if c.met and c.rests_on]
    signed = [v.holder for v in votes.holders if v.consented and v.signed_by_another]
    if state == EFFECTIVE and (assumed or signed):
        caveats = ([f"conditions {', '.join(assumed)} are met only by assumption"] if assumed else []) + (
            [f"the consent of {'; '.join(signed)} was signed by another"
             + ("" if votes.met_without_other_signatories else ", and without it the threshold is not met")]
            if signed else []
        )
        reason += "; but " + " and ".join(caveats)
    return AmendmentStatus(
        event.effective_on, key, event.number, event.name, f"{key}:{event.originator_version}", event.effective_on,
        state, reason, votes, conditions, tuple(c.describe() for c in event.changes), assumptions=cited.listed(),
    )


def _condition(condition: Condition, streams: Streams, known_at: datetime | None, cited: Footnotes) -> ConditionLine:
    """Whether a condition is met on file, and the assumptions of the event that meets it."""
    def line(met: bool, how: str, event: Event | None = None, stream: str = "") -> ConditionLine:
        key = stream.split("/", 1)[-1]
        rests_on = cited.add(key, [event]).cite(key, [event.originator_version]) if event is not None else ()
        return ConditionLine(condition.section, condition.text, met, how, rests_on)

    if condition.kind == DELIVERED:
        events = in_force(recorded_by_then(streams.get(condition.ref, ()), known_at))
        delivered = [e for e in events if isinstance(e, (Guaranty.Delivered, Instrument.Delivered))]
        if delivered:
            first = delivered[0]
            return line(True, f"{first.headline()}, effective {first.effective_on}", first, condition.ref)
        return line(False, f"no delivery of {condition.ref} is on file")
    if condition.kind == EXECUTED:
        stream, _, number = condition.ref.rpartition("/")
        events = in_force(recorded_by_then(streams.get(stream, ()), known_at))
        for event in events:
            if isinstance(event, Agreement.AmendmentExecuted) and str(event.number) == number:
                return line(True, f"{event.name} of {stream.split('/', 1)[1]} executed", event, stream)
        return line(False, f"amendment {number} of {stream} is not on file as executed")
    return line(False, f"unknown kind of condition {condition.kind!r}")
