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

from domain.agreement import Agreement
from domain.amendment import DELIVERED, EXECUTED, Condition, needs_all_holders, status
from domain.consent import ALL_HOLDERS, Tally, tally
from domain.guaranty import Guaranty
from domain.instrument import Instrument
from domain.ledger import replay
from domain.stream import known
from domain.text import TextChange

Streams = Mapping[str, Sequence]


@dataclass(frozen=True)
class ConditionState:
    condition: Condition
    met: bool
    how: str


@dataclass(frozen=True)
class AmendmentState:
    agreement: str
    ref: str
    number: int
    name: str
    as_of: date
    status: str
    reason: str
    tally: Tally | None
    conditions: tuple[ConditionState, ...]
    changes: tuple[TextChange, ...]


def amendments(key: str, streams: Streams, known_at: datetime | None = None) -> list[AmendmentState]:
    """Every amendment of the agreement on file, executed or only referred to."""
    events = known(streams.get(f"agreement/{key}", ()), known_at)
    states = []
    for event in events:
        if isinstance(event, Agreement.AmendmentNotOnFile):
            state, reason = status(executed=False, lapsed=None, consents_met=False, shortfalls=())
            states.append(AmendmentState(key, f"{key}:{event.originator_version}", event.number, event.name,
                                         event.effective_on, state, reason, None, (), ()))
        elif isinstance(event, Agreement.AmendmentExecuted):
            states.append(_executed(key, event, events, streams, known_at))
    return sorted(states, key=lambda s: s.number)


def amendment_state(key: str, number: int, streams: Streams, known_at: datetime | None = None) -> AmendmentState:
    for state in amendments(key, streams, known_at):
        if state.number == number:
            return state
    raise LookupError(number)


def consent_tally(events: Sequence, amendment: Agreement.AmendmentExecuted) -> Tally:
    """The tally from the register on the amendment's date, without the Company's own notes."""
    terms = events[0].terms
    ledger = replay(events, as_of=amendment.effective_on)
    consenting = [
        e.holder for e in events if isinstance(e, Agreement.ConsentGiven) and e.amendment == amendment.number
    ]
    return tally(
        ledger.holdings(),
        consenting,
        [terms.issuer, *terms.guarantors, *terms.affiliates],
        threshold=terms.amendment_threshold or ALL_HOLDERS,  # not on file: the strictest reading
        voting=terms.voting,
        all_holders=needs_all_holders(amendment.changes, terms, amendment.changes_payments),
    )


def _executed(
    key: str, event: Agreement.AmendmentExecuted, events: Sequence, streams: Streams, known_at: datetime | None
) -> AmendmentState:
    counted = consent_tally(events, event)
    conditions = tuple(_condition(c, streams, known_at) for c in event.conditions)
    lapsed = next(
        (e.reason for e in events if isinstance(e, Agreement.AmendmentLapsed) and e.amendment == event.number), None
    )
    shortfalls = []
    if not counted.met:
        shortfalls.append(f"5(a) consents: {counted.shortfall()}")
    shortfalls += [f"{c.condition.section} not met: {c.how}" for c in conditions if not c.met]
    state, reason = status(executed=True, lapsed=lapsed, consents_met=counted.met, shortfalls=shortfalls)
    return AmendmentState(
        key, f"{key}:{event.originator_version}", event.number, event.name, event.effective_on,
        state, reason, counted, conditions, tuple(event.changes),
    )


def _condition(condition: Condition, streams: Streams, known_at: datetime | None) -> ConditionState:
    if condition.kind == DELIVERED:
        events = known(streams.get(condition.ref, ()), known_at)
        delivered = [e for e in events if isinstance(e, (Guaranty.Delivered, Instrument.Delivered))]
        if delivered:
            first = delivered[0]
            return ConditionState(condition, True, f"{first.headline()}, effective {first.effective_on}")
        return ConditionState(condition, False, f"no delivery of {condition.ref} is on file")
    if condition.kind == EXECUTED:
        stream, _, number = condition.ref.rpartition("/")
        events = known(streams.get(stream, ()), known_at)
        for event in events:
            if isinstance(event, Agreement.AmendmentExecuted) and str(event.number) == number:
                return ConditionState(condition, True, f"{event.name} of {stream.split('/', 1)[1]} executed")
        return ConditionState(condition, False, f"amendment {number} of {stream} is not on file as executed")
    return ConditionState(condition, False, f"unknown kind of condition {condition.kind!r}")

