"""The register, Annex 1 and outstanding principal of an agreement as of a date.

Pure functions of an agreement's timeline: the state as of the date comes from
the same fold that accepts commands, and is shaped here for reading.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from domain.money import ZERO, format_amount
from domain.rules import principal_schedule
from domain.state import AgreementState
from domain.timeline import Timeline
from domain.values import AgreementTerms, SeriesTerms, shown_if_any, shown_if_set, unshown
from projections.record import (
    PAYMENTS,
    REGISTER,
    AssumedFact,
    Footnotes,
    Horizon,
    RecordEnds,
    horizon_of,
    union,
)

NOT_ON_FILE = "not on file: "  # how a register's gap begins (``holders`` names each agreement's gap without it)


@dataclass(frozen=True)
class IssuedLater:
    """A series none of whose notes had been issued by a view's date: the view shows none of them, and says when the
    first were, so a register empty of them is not read as notes paid off, or not on file."""

    series: str
    issued_on: date

    def describe(self) -> str:
        return f"no {self.series} notes were issued by then: the first were issued on {self.issued_on}"


def issued_later(timeline: Timeline, as_of: date) -> tuple[IssuedLater, ...]:
    """Each series first issued after ``as_of``, by the agreement's events in force (``IssuedLater``); none before the
    register on file begins (notes opened on the registry as a schedule lists them were issued earlier, when is not
    on file: a view of such a date says so)."""
    final = timeline.final
    if not isinstance(final, AgreementState) or register_gap(timeline, as_of):
        return ()
    return tuple(IssuedLater(key, found.first_on) for key, found in final.series.items()
                 if found.first_on is not None and found.first_on > as_of)


def register_gap(timeline: Timeline, as_of: date) -> str | None:
    """Why the register as of ``as_of`` is not known, if it is not: the register on file begins later (the notes were
    opened on the registry as a schedule of holders lists them)."""
    final = timeline.final
    if isinstance(final, AgreementState) and final.on_file_from is not None and as_of < final.on_file_from:
        return f"the earliest register on file is as of {final.on_file_from}"
    return None


@dataclass(frozen=True)
class NoteLine:
    number: int
    series: str
    registered_name: str | None
    holder: str
    account: str | None
    principal: Decimal
    dated: date | None
    origin: str
    rests_on: tuple[str, ...] = shown_if_any()  # the note: its number, its share of the holding, where it came from
    held_on: tuple[str, ...] = unshown(default=())  # its holder's holding (a schedule of holders on file attests it)


@dataclass(frozen=True)
class HolderLine:
    holder: str
    principal: dict[str, Decimal]
    notes: tuple[int, ...]
    rests_on: tuple[str, ...] = shown_if_any()


@dataclass(frozen=True)
class Register:
    """Who held which notes on ``as_of``, by note and by holder; ``not_on_file`` says why it is unknown.

    ``rests_on`` lists the assumptions (numbered in ``assumptions``) each figure rests on;
    ``record_ends`` says when the date is past the evidence on file.
    """

    issuer: str = unshown()
    series_terms: tuple[SeriesTerms, ...] = unshown()
    agreement: str
    as_of: date
    series: tuple[str, ...]
    totals: dict[str, Decimal | None]  # None where the register is not on file: unknown, not nil
    notes: tuple[NoteLine, ...]
    holders: tuple[HolderLine, ...]
    totals_rest_on: dict[str, tuple[str, ...]] = shown_if_any(dict)
    assumptions: tuple[AssumedFact, ...] = shown_if_any()
    known_at: datetime | None = shown_if_set()
    not_on_file: str | None = shown_if_set()
    record_ends: RecordEnds | None = shown_if_set()
    issued_later: tuple[IssuedLater, ...] = shown_if_any()
    caveats: tuple[str, ...] = shown_if_any()  # how the figures depend on what is not recorded (``principal_past_record``)


@dataclass(frozen=True)
class AnnexLine:
    holder: str
    principal: dict[str, Decimal]
    rests_on: tuple[str, ...] = shown_if_any()


@dataclass(frozen=True)
class Annex1:
    """The schedule of current noteholders an amendment carries, as of a date."""

    issuer: str = unshown()
    series_terms: tuple[SeriesTerms, ...] = unshown()
    agreement: str
    as_of: date
    series: tuple[str, ...]
    holders: tuple[AnnexLine, ...]
    totals: dict[str, Decimal | None]  # None where the register is not on file: unknown, not nil
    totals_rest_on: dict[str, tuple[str, ...]] = shown_if_any(dict)
    assumptions: tuple[AssumedFact, ...] = shown_if_any()
    known_at: datetime | None = shown_if_set()
    not_on_file: str | None = shown_if_set()
    record_ends: RecordEnds | None = shown_if_set()
    issued_later: tuple[IssuedLater, ...] = shown_if_any()
    caveats: tuple[str, ...] = shown_if_any()  # how the figures depend on what is not recorded (``principal_past_record``)


@dataclass(frozen=True)
class MovementLine:
    """One change to a series' principal, and the event it comes from."""

    event: str
    on: date
    kind: str
    amount: Decimal
    rests_on: tuple[str, ...] = shown_if_any()


@dataclass(frozen=True)
class SeriesOutstanding:
    """A series' principal outstanding and the movements that make it up."""

    series: str
    title: str
    outstanding: Decimal | None
    paid_off_on: date | None
    movements: tuple[MovementLine, ...]
    rests_on: tuple[str, ...] = shown_if_any()
    not_on_file: str | None = shown_if_set()
    basis: tuple[int, ...] = unshown(default=())  # the events the outstanding figure rests on


@dataclass(frozen=True)
class Outstanding:
    agreement: str
    as_of: date
    series: tuple[SeriesOutstanding, ...]
    assumptions: tuple[AssumedFact, ...] = shown_if_any()
    record_ends: RecordEnds | None = shown_if_set()
    issued_later: tuple[IssuedLater, ...] = shown_if_any()
    caveats: tuple[str, ...] = shown_if_any()  # how the figures depend on what is not recorded (``principal_past_record``)
    known_at: datetime | None = shown_if_set()  # the moment of a view as known at one (``--known-at``)


def register_as_of(key: str, timeline: Timeline, as_of: date, cited: Footnotes | None = None, *, by_note: bool = True) -> Register:
    """The register by note and by holder; ``cited`` numbers its assumptions along with other registers'. A view
    of the holdings alone (Annex 1, a holder's positions) is not ``by_note``: it cites what the holdings rest on,
    not the notes' own assumptions (their numbers, their shares of a holding), which it does not show."""
    state, terms, gap = _state(timeline, as_of)
    common = {"issuer": terms.issuer, "series_terms": terms.series, "agreement": key, "as_of": as_of,
              "series": tuple(s.key for s in terms.series)}
    if gap:
        return Register(**common, totals={s.key: None for s in terms.series}, notes=(), holders=(), not_on_file=gap)
    notes_cited = (cited or Footnotes()).add_timeline(key, timeline)
    notes = tuple(
        NoteLine(n.number, n.series, n.registered_name, n.holder, n.account, n.principal, n.dated, n.origin,
                 notes_cited.cite(key, n.basis.assumed) if by_note else (), notes_cited.cite(key, n.basis.held))
        for n in state.live()
    )
    holders = tuple(
        HolderLine(
            holder,
            {s.key: p for s in terms.series if (p := _sum(notes, holder, s.key))},
            tuple(n.number for n in notes if n.holder == holder),
            union(*(n.held_on for n in notes if n.holder == holder)),
        )
        for holder in state.holders()
    )
    horizon = horizon_of(key, timeline)
    return Register(
        **common,
        totals=_totals(notes, terms.series),
        notes=notes,
        holders=holders,
        totals_rest_on={s.key: cited for s in terms.series if (cited := notes_cited.cite(key, state.outstanding_basis(s.key)))},
        assumptions=notes_cited.listed(),
        record_ends=horizon.beyond(as_of, REGISTER),
        issued_later=issued_later(timeline, as_of),
        caveats=principal_past_record(state, horizon, as_of),
    )


def annex1_as_of(key: str, timeline: Timeline, as_of: date) -> Annex1:
    register = register_as_of(key, timeline, as_of, by_note=False)
    return Annex1(
        issuer=register.issuer,
        series_terms=register.series_terms,
        agreement=key,
        as_of=as_of,
        series=register.series,
        holders=tuple(AnnexLine(h.holder, h.principal, h.rests_on) for h in register.holders),
        totals=register.totals,
        totals_rest_on=register.totals_rest_on,
        assumptions=register.assumptions,
        not_on_file=register.not_on_file,
        record_ends=register.record_ends,
        issued_later=register.issued_later,
        caveats=register.caveats,
    )


def outstanding_as_of(key: str, timeline: Timeline, as_of: date) -> Outstanding:
    state, terms, gap = _state(timeline, as_of)
    cited = Footnotes().add_timeline(key, timeline)
    lines = []
    for series in terms.series:
        if gap:
            lines.append(SeriesOutstanding(series.key, series.title, None, None, (), (), gap))
            continue
        found = state.series[series.key]
        movements = tuple(
            MovementLine(f"{key}:{m.ref}", m.on, m.kind, m.amount, cited.cite(key, [m.ref])) for m in found.movements
        )
        lines.append(
            SeriesOutstanding(
                series.key, series.title, state.outstanding(series.key), found.paid_off_on, movements,
                cited.cite(key, state.outstanding_basis(series.key)), basis=state.outstanding_basis(series.key),
            )
        )
    horizon = horizon_of(key, timeline)
    return Outstanding(key, as_of, tuple(lines), cited.listed(), horizon.beyond(as_of, REGISTER, PAYMENTS),
                       issued_later(timeline, as_of), () if gap else principal_past_record(state, horizon, as_of))


def principal_past_record(state: AgreementState, horizon: Horizon, as_of: date) -> tuple[str, ...]:
    """Principal scheduled by the date but past the record of payments (``Horizon.recorded``), not recorded paid:
    the outstanding shown is the principal recorded, as if it were not paid; whether it was is not on file, so each
    series whose figure depends on it says so, and what it would be were it paid."""
    caveats = []
    for series, found in state.series.items():
        if found.first_on is None or found.paid_off_on is not None:
            continue
        outstanding = state.outstanding(series)
        remaining = found.schedule if found.schedule is not None else principal_schedule((), outstanding, found.terms.maturity)
        due = [p for p in remaining if p.due_on <= as_of and not horizon.recorded(p.due_on)]
        if not due:
            continue
        maturity = found.terms.maturity
        if len(due) == 1:
            kind = "payment at maturity" if due[0].due_on == maturity else "required prepayment"
            what = f"the {kind} of ${format_amount(due[0].amount)} due {due[0].due_on}"
        else:
            dates = [f"{p.due_on} (${format_amount(p.amount)}{', at maturity' if p.due_on == maturity else ''})" for p in due]
            what = f"the principal due {', '.join(dates[:-1])} and {dates[-1]}"
        paid = outstanding - sum((p.amount for p in due), ZERO)
        caveats.append(f"{series}: the ${format_amount(outstanding)} outstanding is the principal recorded; {what} is past the"
                       f" record and not recorded: paid, {f'${format_amount(paid)}' if paid else 'none'} would be outstanding")
    return tuple(caveats)


def _state(timeline: Timeline, as_of: date) -> tuple[AgreementState, AgreementTerms, str | None]:
    """The state as of the date, the agreement's terms, and any gap in the record."""
    state = timeline.state_as_of(as_of)  # first: a timeline not folded yet is folded once, keeping this state
    final = timeline.final
    assert isinstance(final, AgreementState), "an agreement's first event registers it"
    gap = register_gap(timeline, as_of)
    if gap:
        return final, final.terms, NOT_ON_FILE + gap
    if state is None:
        state = AgreementState(final.terms, as_of)
    assert isinstance(state, AgreementState)
    return state, final.terms, None


def _totals(notes: tuple[NoteLine, ...], series: tuple[SeriesTerms, ...]) -> dict[str, Decimal]:
    return {s.key: sum((n.principal for n in notes if n.series == s.key), ZERO) for s in series}


def _sum(notes: tuple[NoteLine, ...], holder: str, series: str) -> Decimal:
    return sum((n.principal for n in notes if n.holder == holder and n.series == series), ZERO)


@dataclass(frozen=True)
class TermsOnFile:
    """An agreement's terms as the registry holds them (corrections and supplements applied), and what is not on file."""

    agreement: str
    terms: AgreementTerms
    not_on_file: tuple[str, ...]
    events: tuple[str, ...]
    known_at: datetime | None = shown_if_set()  # the moment of a view as known at one (``--known-at``)


def terms_on_file(key: str, timeline: Timeline) -> TermsOnFile:
    final = timeline.final
    assert isinstance(final, AgreementState), "an agreement's first event registers it"
    terms = final.terms
    missing = [name for name, value in (("closing date", terms.closing_on), ("amendment threshold", terms.amendment_threshold),
                                         ("Events of Default", terms.defaults), ("Business Day calendar", terms.business_days),
                                         ("whether reacquired notes count pro rata", terms.reacquired_notes_count_pro_rata))
               if value is None]
    if terms.business_days is not None and terms.business_days.payments is None:
        missing.append("what is done with a payment due on a day that is not a Business Day")
    for series in terms.series:
        missing += [
            f"{series.key}: {name}"
            for name, value in (
                ("interest dates", series.interest_dates), ("day count", series.day_count),
                ("required prepayments", series.required_prepayments), ("minimum denomination", series.min_denomination),
                ("optional prepayment multiple", series.optional_prepayment_multiple),
                ("prepayment notice", series.prepayment_notice), ("make-whole", series.makewhole),
                ("rate on overdue amounts", series.overdue_rate or None),
            )
            if value is None
        ]
    events = tuple(
        f"{key}:{e.originator_version}" for e in timeline.ordered
        if type(e).__name__ in ("Registered", "TermsCorrected", "SeriesAdded")
    )
    return TermsOnFile(key, terms, tuple(missing), events)
