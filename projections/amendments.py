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

from domain.amendment import DELIVERED, EXECUTED, Condition, needs_all_holders, status
from domain.consent import ALL_HOLDERS, Tally, format_share, tally
from domain.errors import UnknownSection
from domain.events import Agreement, Event, Guaranty, Instrument
from domain.state import AgreementState
from domain.timeline import Timeline, in_force
from domain.timeline import known_at as recorded_by_then
from domain.values import shown_as, unshown

Streams = Mapping[str, Sequence[Event]]


@dataclass(frozen=True)
class ClassLine:
    """One voting class: the principal that votes, the principal that consented, the share."""

    name: str = shown_as("class")
    voting_principal: Decimal = shown_as("voting_principal")
    consenting_principal: Decimal = shown_as("consenting_principal")
    share: str = shown_as("share")
    met: bool = unshown()


@dataclass(frozen=True)
class VoteLine:
    holder: str
    principal: dict[str, Decimal]
    consented: bool
    excluded: bool


@dataclass(frozen=True)
class ConsentTally:
    """Who consented, with what principal, against which threshold."""

    threshold: str
    met: bool
    classes: tuple[ClassLine, ...]
    holders: tuple[VoteLine, ...]


@dataclass(frozen=True)
class ConditionLine:
    section: str
    text: str
    met: bool
    how: str


@dataclass(frozen=True)
class AmendmentStatus:
    agreement: str
    number: int
    name: str
    event: str
    as_of: date
    status: str
    reason: str
    consents: ConsentTally | None
    conditions: tuple[ConditionLine, ...]
    changes: tuple[str, ...]


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


def amendments(key: str, streams: Streams, known_at: datetime | None = None) -> list[AmendmentStatus]:
    """Every amendment of the agreement on file, executed or only referred to."""
    events = in_force(recorded_by_then(streams.get(f"agreement/{key}", ()), known_at))
    found = []
    for event in events:
        if isinstance(event, Agreement.AmendmentNotOnFile):
            state, reason = status(executed=False, lapsed=None, consents_met=False, shortfalls=())
            found.append(AmendmentStatus(key, event.number, event.name, f"{key}:{event.originator_version}",
                                         event.effective_on, state, reason, None, (), ()))
        elif isinstance(event, Agreement.AmendmentExecuted):
            found.append(_executed(key, event, events, streams, known_at))
    return sorted(found, key=lambda s: s.number)


def amendment_status(key: str, number: int, streams: Streams, known_at: datetime | None = None) -> AmendmentStatus:
    """An amendment executed and on file, with its status."""
    executed = [a for a in amendments(key, streams, known_at) if a.consents is not None]
    for found in executed:
        if found.number == number:
            return found
    on_file = ", ".join(f"No. {a.number}" for a in executed) or "none"
    raise UnknownSection(f"{key} has no Amendment No. {number} on file (amendments on file: {on_file})")


def consents(key: str, number: int, streams: Streams, known_at: datetime | None = None) -> Consents:
    found = amendment_status(key, number, streams, known_at)
    counted = found.consents
    assert counted is not None
    return Consents(key, number, found.name, found.as_of, counted.threshold, counted.met, counted.classes, counted.holders)


def consent_tally(events: Sequence[Event], amendment: Agreement.AmendmentExecuted) -> Tally:
    """The tally from the register on the amendment's date, without the Company's own notes."""
    timeline = Timeline(events)
    final = timeline.final
    assert isinstance(final, AgreementState)
    terms = final.terms
    state = timeline.state_as_of(amendment.effective_on)
    holdings = state.holdings() if isinstance(state, AgreementState) else {}
    consenting = [e.holder for e in events if isinstance(e, Agreement.ConsentGiven) and e.amendment == amendment.number]
    return tally(
        holdings,
        consenting,
        [terms.issuer, *terms.guarantors, *terms.affiliates],
        threshold=terms.amendment_threshold or ALL_HOLDERS,  # not on file: the strictest reading
        voting=terms.voting,
        all_holders=needs_all_holders(amendment.changes, terms, amendment.changes_payments),
    )


def tally_lines(counted: Tally) -> ConsentTally:
    return ConsentTally(
        counted.threshold,
        counted.met,
        tuple(
            ClassLine(c.name, c.voting, c.consenting, format_share(c.share), bool(c.voting) and c.share >= counted.required)
            for c in counted.classes
        ),
        tuple(VoteLine(v.holder, dict(v.principal), v.consented, v.excluded) for v in counted.votes),
    )


def _executed(
    key: str, event: Agreement.AmendmentExecuted, events: Sequence[Event], streams: Streams, known_at: datetime | None
) -> AmendmentStatus:
    counted = consent_tally(events, event)
    conditions = tuple(_condition(c, streams, known_at) for c in event.conditions)
    lapsed = next(
        (e.reason for e in events if isinstance(e, Agreement.AmendmentLapsed) and e.amendment == event.number), None
    )
    shortfalls = []
    if not counted.met:
        shortfalls.append(f"{event.consents_section + ' ' if event.consents_section else ''}consents: {counted.shortfall()}")
    shortfalls += [f"{c.section} not met: {c.how}" for c in conditions if not c.met]
    state, reason = status(executed=True, lapsed=lapsed, consents_met=counted.met, shortfalls=shortfalls)
    return AmendmentStatus(
        key, event.number, event.name, f"{key}:{event.originator_version}", event.effective_on,
        state, reason, tally_lines(counted), conditions, tuple(c.describe() for c in event.changes),
    )


def _condition(condition: Condition, streams: Streams, known_at: datetime | None) -> ConditionLine:
    def line(met: bool, how: str) -> ConditionLine:
        return ConditionLine(condition.section, condition.text, met, how)

    if condition.kind == DELIVERED:
        events = in_force(recorded_by_then(streams.get(condition.ref, ()), known_at))
        delivered = [e for e in events if isinstance(e, (Guaranty.Delivered, Instrument.Delivered))]
        if delivered:
            first = delivered[0]
            return line(True, f"{first.headline()}, effective {first.effective_on}")
        return line(False, f"no delivery of {condition.ref} is on file")
    if condition.kind == EXECUTED:
        stream, _, number = condition.ref.rpartition("/")
        events = in_force(recorded_by_then(streams.get(stream, ()), known_at))
        for event in events:
            if isinstance(event, Agreement.AmendmentExecuted) and str(event.number) == number:
                return line(True, f"{event.name} of {stream.split('/', 1)[1]} executed")
        return line(False, f"amendment {number} of {stream} is not on file as executed")
    return line(False, f"unknown kind of condition {condition.kind!r}")
