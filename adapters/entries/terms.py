"""An agreement's terms as a journal gives them: parties, dates, series, payments, defaults.

Every term is optional unless the registry cannot place an agreement without it
(title, issuer, date, and each series' key, principal, rate and maturity). A
term left out is "not on file": nothing is invented for it, and what would need
it is refused or recorded with the assumption shown.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field, field_validator, model_validator

from adapters.entries.base import Day, Flag, Money, Percent, Plain, Strict, Text, Threshold, Whole
from domain.calendar import check_calendar
from domain.daycount import CONVENTIONS
from domain.errors import RegistryError
from domain.schedule import equal_instalments, parse_month_day
from domain.values import (
    RULE_SECTIONS,
    AgreementTerms,
    BusinessDayTerms,
    DefaultClause,
    DefaultTerms,
    GraceTerms,
    MakewholeTerms,
    NoticeTerms,
    RateStep,
    ScheduledPayment,
    SeriesTerms,
)

DayCount = Literal["30/360", "30E/360", "ACT/360", "ACT/365F", "ACT/ACT-ICMA"]
assert set(DayCount.__args__) == set(CONVENTIONS)  # type: ignore[attr-defined]


class ScheduledIn(Strict):
    """One scheduled payment of principal before maturity."""

    due_on: Day = Field(description="The date it falls due.")
    amount: Money = Field(description="The principal due then.")


class InstalmentsIn(Strict):
    """Principal repaid in equal instalments, the last at maturity absorbing any rounding."""

    count: Whole = Field(gt=0, description="How many instalments, the last one at maturity included.")
    first_due: Day = Field(description="The date of the first instalment.")
    every_months: Whole = Field(gt=0, description="Months between instalments (12 for yearly).")
    rounding: Literal["half up", "down"] | None = Field(
        None,
        description='How each instalment but the last rounds to the cent when the principal does not divide'
        ' evenly: "half up" or "down". Needed only then.',
    )

    def due_dates(self) -> list[date]:
        dates = []
        for k in range(self.count):
            month = self.first_due.month - 1 + k * self.every_months
            dates.append(self.first_due.replace(year=self.first_due.year + month // 12, month=month % 12 + 1))
        return dates


class RateStepIn(Strict):
    """A change of the interest rate from a date on (a step-up, say)."""

    starts_on: Day = Field(description="The first day the new rate applies.")
    rate: Percent = Field(description='The rate from then, e.g. "7.50%".')


class NoticeIn(Strict):
    """How far ahead an optional prepayment must be notified."""

    min_business_days: Whole | None = Field(None, ge=0, description="At least this many Business Days before it.")
    max_days: Whole | None = Field(None, ge=0, description="At most this many days before it.")


class MakewholeIn(Strict):
    """The agreement's definition of the make-whole amount due on an optional prepayment."""

    spread: Percent = Field(description='Added to the Treasury yield to discount, e.g. "0.50%".')
    compounding: Literal["annual", "semi-annual", "quarterly", "monthly"] = Field(
        description="How often the discount rate compounds."
    )
    day_count: Literal["30/360", "30E/360", "ACT/360", "ACT/365F"] = Field(
        description="How the periods from the prepayment date to each payment are counted."
    )
    interpolation: Literal["linear"] = Field("linear", description="Between the two nearest Treasury maturities.")
    outside_curve: Literal["refuse", "nearest"] = Field(
        "refuse",
        description='A weighted average life shorter or longer than every maturity quoted: "refuse" the quote,'
        ' or take the "nearest" maturity\'s yield.',
    )
    average_life: Literal["nearest twelfth", "exact"] = Field(
        "nearest twelfth", description="Years to each payment for the weighted average life: to the nearest month, or exact."
    )

    def terms(self) -> MakewholeTerms:
        return MakewholeTerms(self.spread, self.compounding, self.day_count, self.interpolation, self.outside_curve,
                              self.average_life)


class SeriesIn(Strict):
    """One series of notes and its terms."""

    key: Text = Field(description='How the registry names the series, e.g. "7.13%" or "A".')
    title: Text = Field(description='The series as the agreement names it, e.g. "7.13% Senior Notes due December 5, 2005".')
    label: Text = Field(description='The column heading in Annex 1, e.g. "7.13% Notes".')
    principal: Money = Field(description="The aggregate principal of the series, all issued at its closing.")
    rate: Percent = Field(description='The interest rate a year, e.g. "7.13%".')
    maturity: Day = Field(description="The date the unpaid principal is due.")
    closing_on: Day | None = Field(None, description="The series' own closing, if not the agreement's.")
    interest_dates: tuple[Plain, ...] | None = Field(
        None, description='Interest payment dates as month-days, evenly spaced, e.g. ["06-05", "12-05"]. Not on file if left out.'
    )
    end_of_month: Flag = Field(False, description="A day of 28 or more in interest_dates means the last day of the month.")
    day_count: DayCount | None = Field(None, description="How interest accrues. Not on file if left out.")
    rate_steps: tuple[RateStepIn, ...] = Field((), description="Changes of the rate from given dates.")
    required_prepayments: tuple[ScheduledIn, ...] | None = Field(
        None,
        description="Scheduled payments of principal before maturity; [] for a bullet note (all at maturity)."
        " Not on file if left out (and no instalments given).",
    )
    instalments: InstalmentsIn | None = Field(None, description="Equal instalments instead of a list of required_prepayments.")
    min_denomination: Money | None = Field(None, description="New notes on a transfer are at least this, but for the odd amount.")
    optional_prepayment_multiple: Money | None = Field(
        None, description="Optional prepayments in part are multiples of this (one in whole, of all outstanding, need not be)."
    )
    prepayment_notice: NoticeIn | None = Field(None, description="How far ahead an optional prepayment is notified.")
    makewhole: MakewholeIn | None = Field(None, description="The make-whole definition, if optional prepayments carry one.")
    overdue_rate: tuple[Plain, ...] = Field(
        (), description="Each statement of the rate on overdue amounts, as the documents word it (all are kept)."
    )

    @field_validator("interest_dates")
    @classmethod
    def _month_days(cls, value: tuple[str, ...] | None) -> tuple[str, ...] | None:
        for month_day in value or ():
            try:
                parse_month_day(month_day, end_of_month=True)
            except RegistryError as error:
                raise ValueError(error.message) from None
        return value

    @model_validator(mode="after")
    def _one_schedule(self) -> SeriesIn:
        if self.instalments is not None:
            if self.required_prepayments is not None:
                raise ValueError("give required_prepayments or instalments, not both")
            if self.instalments.due_dates()[-1] != self.maturity:
                raise ValueError(f"the last instalment falls on {self.instalments.due_dates()[-1]}, not at maturity {self.maturity}")
            try:
                self.schedule()
            except RegistryError as error:
                raise ValueError(error.message) from None
        return self

    def schedule(self) -> tuple[ScheduledPayment, ...] | None:
        if self.instalments is not None:
            return equal_instalments(self.principal, self.instalments.due_dates(), self.instalments.rounding)[:-1]
        if self.required_prepayments is None:
            return None
        return tuple(ScheduledPayment(p.due_on, p.amount) for p in self.required_prepayments)

    def terms(self) -> SeriesTerms:
        return SeriesTerms(
            key=self.key,
            title=self.title,
            label=self.label,
            principal=self.principal,
            rate_percent=self.rate,
            maturity=self.maturity,
            interest_dates=self.interest_dates,
            day_count=self.day_count,
            required_prepayments=self.schedule(),
            min_denomination=self.min_denomination,
            optional_prepayment_multiple=self.optional_prepayment_multiple,
            makewhole=self.makewhole.terms() if self.makewhole else None,
            overdue_rate=self.overdue_rate,
            end_of_month=self.end_of_month,
            rate_steps=tuple(RateStep(s.starts_on, s.rate) for s in self.rate_steps),
            closing_on=self.closing_on,
            prepayment_notice=NoticeTerms(self.prepayment_notice.min_business_days, self.prepayment_notice.max_days)
            if self.prepayment_notice else None,
        )


class GraceIn(Strict):
    """When an unpaid amount becomes an Event of Default."""

    days: Whole = Field(ge=0, description="Days of grace after the due date (0: the day after it is due).")
    business_days: Flag = Field(False, description="The days of grace are Business Days.")
    section: Plain | None = Field(None, description='The agreement\'s section, e.g. "9.1(b)".')


class DefaultClauseIn(Strict):
    """One Event of Default the agreement defines."""

    clause: Text = Field(description='Its clause, e.g. "9.1(c)".')
    title: Text = Field(description='Its title, e.g. "Financial Covenant Defaults".')


class DefaultsIn(Strict):
    """The Events of Default the agreement defines, and the remedies for them."""

    principal: GraceIn | None = Field(None, description="Principal (or make-whole) not paid when due.")
    interest: GraceIn | None = Field(None, description="Interest not paid when due.")
    clauses: tuple[DefaultClauseIn, ...] = Field((), description="Every Event of Default, by clause. Not on file if left out.")
    automatic: tuple[Plain, ...] = Field((), description="Clauses on which every note becomes due without notice (bankruptcy).")
    each_holder: tuple[Plain, ...] = Field((), description="Clauses on which each holder may declare its own notes due.")
    acceleration_threshold: Threshold | None = Field(
        None, description='The share of holders that may declare all notes due on any other clause, e.g. "51%".'
    )
    rescission_threshold: Threshold | None = Field(None, description='The share of holders that may annul a declaration, e.g. "51%".')
    rescission_excludes_company: Flag = Field(
        False, description="The Company's and its affiliates' notes do not count toward an annulment."
    )
    makewhole_on_acceleration: Flag = Field(
        False, description="On acceleration the greater of principal plus interest and the Makewhole Price is due."
    )

    def terms(self) -> DefaultTerms:
        return DefaultTerms(
            GraceTerms(**self.principal.model_dump()) if self.principal else None,
            GraceTerms(**self.interest.model_dump()) if self.interest else None,
            tuple(DefaultClause(c.clause, c.title) for c in self.clauses),
            self.automatic,
            self.each_holder,
            self.acceleration_threshold,
            self.rescission_threshold,
            self.rescission_excludes_company,
            self.makewhole_on_acceleration,
        )


class BusinessDaysIn(Strict):
    """What a Business Day is: not a weekend day nor a holiday of these calendars."""

    calendars: tuple[Plain, ...] = Field(
        min_length=1, description='Holiday calendars: a country ("US") or a country and subdivision ("US-NY").'
    )
    section: Plain | None = Field(None, description='The agreement\'s section defining Business Day, e.g. "10.1".')
    payments: Literal["next business day", "as due"] | None = Field(
        None, description='A payment due on a day that is not a Business Day: made on the "next business day" (its grace'
        ' counted from then; the section is the rule non_business_day of `sections`), or "as due" (the agreement moves'
        ' none). Not on file if left out: grace is counted from the day due, and views say so.'
    )

    @field_validator("calendars")
    @classmethod
    def _known(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for name in value:
            try:
                check_calendar(name)
            except RegistryError as error:
                raise ValueError(error.message) from None
        return value


class AgreementTermsIn(Strict):
    """The terms every agreement entry gives (registration and corrected terms alike)."""

    title: Text = Field(description='The agreement as it names itself, e.g. "Note Purchase Agreement".')
    issuer: Text = Field(description="The company that issues the notes.")
    guarantors: tuple[Plain, ...] = Field((), description="Parties guarantying the notes within the agreement.")
    dated_as_of: Day = Field(description="The date the agreement is dated as of.")
    closing_on: Day | None = Field(None, description="The closing, when the notes are issued. Not on file if left out.")
    amendment_threshold: Threshold | None = Field(
        None, description='The consent an amendment needs, e.g. "66-2/3%" or "all holders". Not on file if left out.'
    )
    sections: dict[str, Plain] = Field(
        {}, description="The section of the agreement stating each rule, by rule: " + ", ".join(sorted(RULE_SECTIONS)) + "."
    )
    reacquired_notes_count_pro_rata: Flag | None = Field(
        None, description="Notes the Company reacquired still take their share of partial payments (true) or not (false)."
        " Not on file if left out: a cancellation is then refused."
    )
    voting: Literal["together", "by series"] = Field("together", description="How series vote on amendments.")
    all_holders_for: tuple[Plain, ...] = Field((), description="Sections an amendment may change only with every holder.")
    each_holder_for: tuple[Plain, ...] = Field(
        (), description="Sections an amendment or waiver changes only as to the holders who consent to it."
    )
    affiliates: tuple[Plain, ...] = Field((), description="Affiliates of the Company, whose notes do not vote.")
    defaults: DefaultsIn | None = Field(None, description="Events of Default and remedies. Not on file if left out.")
    business_days: BusinessDaysIn | None = Field(None, description="The Business Day calendar. Not on file if left out.")
    series: tuple[SeriesIn, ...] = Field(min_length=1, description="The series of notes, one table each.")

    @field_validator("sections")
    @classmethod
    def _known_rules(cls, value: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(value) - set(RULE_SECTIONS))
        if unknown:
            raise ValueError(f"{', '.join(unknown)}: not a rule; the rules are {', '.join(sorted(RULE_SECTIONS))}")
        return value

    def terms(self, key: str) -> AgreementTerms:
        return AgreementTerms(
            key=key,
            title=self.title,
            issuer=self.issuer,
            guarantors=self.guarantors,
            dated_as_of=self.dated_as_of,
            closing_on=self.closing_on,
            series=tuple(s.terms() for s in self.series),
            amendment_threshold=self.amendment_threshold,
            sections=dict(self.sections),
            reacquired_notes_count_pro_rata=self.reacquired_notes_count_pro_rata,
            voting=self.voting,
            all_holders_for=self.all_holders_for,
            affiliates=self.affiliates,
            defaults=self.defaults.terms() if self.defaults else None,
            each_holder_for=self.each_holder_for,
            business_days=BusinessDayTerms(self.business_days.calendars, self.business_days.section,
                                           self.business_days.payments) if self.business_days else None,
        )
