"""Payments: the 1995 schedule, 30/360 accrual, the make-whole, and the default watch."""

from datetime import date
from decimal import ROUND_HALF_UP, localcontext
from decimal import Decimal as D
from fractions import Fraction

import pytest

from adapters.entries import AgreementEntry, InterestEntry, PrepaymentEntry, RecordHorizonEntry
from adapters.queries import Queries
from domain.calendar import BusinessCalendar
from domain.daycount import convention
from domain.errors import NotAMultiple, UnscheduledPayment
from domain.makewhole import CurvePoint
from domain.schedule import business_days_after, equal_instalments
from projections.payments import IN_DEFAULT, IN_GRACE, NOT_RECORDED, overdue
from support import give_notice

pytestmark = pytest.mark.usefixtures("checkpoint_spacing")  # every test twice: checkpoints as kept, and after every event

CALENDAR = BusinessCalendar(["US", "US-CT", "US-NY"])
CURVE = "1y=1.25, 2y=1.60, 3y=2.10, 5y=2.90"


def record(registry, model, **fields):
    entry = model.model_validate({"evidence": {"document": "test"}, **fields})
    return registry.record("barnes-1995", entry)


def schedule(registry, as_of, key="barnes-1995"):
    view = Queries(registry).schedule(key, as_of)
    return list(view.payments), list(view.not_on_file)


def accrued(registry, as_of):
    return Queries(registry).accrued("barnes-1995", as_of).notes


def quote(registry, on, amount, curve):
    return Queries(registry).makewhole("barnes-1995", on, amount, curve).quote


# ----------------------------------------------------------------- the schedule


def test_the_1995_schedule_is_interest_each_june_and_december_three_prepayments_and_the_rest_at_maturity(loaded):
    lines, gaps = schedule(loaded, date(2003, 2, 5))
    assert gaps == []
    coupons = [p.due_on for p in lines if p.kind == "interest"]
    assert coupons == [date(y, m, 5) for y in range(1996, 2006) for m in (6, 12)]
    principal = [(p.due_on, p.kind, p.principal) for p in lines if p.kind != "interest"]
    assert principal == [
        (date(2002, 12, 5), "required prepayment", D(6250000)),
        (date(2003, 12, 5), "required prepayment", D(6250000)),
        (date(2004, 12, 5), "required prepayment", D(6250000)),
        (date(2005, 12, 5), "maturity", D(6250000)),
    ]
    assert sum(p.principal for p in lines) == D(25000000)


def test_after_the_december_2002_payment_the_remaining_prepayments_are_unchanged(loaded):
    lines, _ = schedule(loaded, date(2003, 2, 5))
    paid = [p for p in lines if p.kind != "interest" and p.status == "paid"]
    assert [(p.due_on, p.paid_on, p.principal) for p in paid] == [(date(2002, 12, 5), date(2002, 12, 5), D(6250000))]
    remaining = [(p.due_on, p.principal, p.status) for p in lines if p.kind != "interest" and p.status != "paid"]
    assert remaining == [
        (date(2003, 12, 5), D(6250000), "scheduled"),
        (date(2004, 12, 5), D(6250000), "scheduled"),
        (date(2005, 12, 5), D(6250000), "scheduled"),
    ]


def test_interest_is_on_the_principal_of_each_period(loaded):
    lines, _ = schedule(loaded, date(2003, 2, 5))
    interest = {p.due_on: p.interest for p in lines if p.kind == "interest"}
    assert interest[date(2002, 12, 5)] == D("891250.00")  # 7.13% x 25,000,000 x 180/360, before that day's prepayment
    assert interest[date(2003, 6, 5)] == D("668437.50")  # on 18,750,000
    assert interest[date(2005, 12, 5)] == D("222812.50")  # on the last 6,250,000


def test_no_schedule_is_invented_where_the_terms_are_not_on_file(loaded):
    """Only what is on file: the principal due at maturity; no instalments, no interest."""
    lines, gaps = schedule(loaded, date(2003, 2, 5), "novascotia-1999")
    assert [(p.due_on, p.kind, p.principal, p.interest) for p in lines] == [
        (date(2007, 11, 12), "maturity", D(24500000), D(0)),
        (date(2010, 11, 12), "maturity", D(45500000), D(0)),
    ]
    assert gaps == [
        "7.66%: the schedule of required prepayments is not on file; all principal is shown at maturity",
        "7.66%: the day count of the 7.66% notes is not on file; no interest is scheduled",
        "7.80%: the schedule of required prepayments is not on file; all principal is shown at maturity",
        "7.80%: the day count of the 7.80% notes is not on file; no interest is scheduled",
    ]


def test_equal_instalments_sum_exactly_to_the_principal_the_last_absorbing_the_rounding():
    dates = [date(y, 11, 21) for y in range(2002, 2009)]
    parts = equal_instalments(D("60000000.00"), dates, "down")
    assert [p.amount for p in parts] == [D("8571428.57")] * 6 + [D("8571428.58")]
    assert sum(p.amount for p in parts) == D("60000000.00")


def test_a_journal_may_give_the_schedule_as_equal_instalments(registry):
    entry = AgreementEntry.model_validate(
        {
            "type": "agreement", "effective_on": "2000-11-21", "evidence": {"document": "test"},
            "title": "Note Agreement", "issuer": "Issuer", "dated_as_of": "2000-11-21",
            "series": [{
                "key": "8.59%", "title": "8.59% Notes", "label": "8.59% Notes", "principal": "60,000,000",
                "rate": "8.59%", "maturity": "2008-11-21",
                "instalments": {"count": 7, "first_due": "2002-11-21", "every_months": 12, "rounding": "down"},
            }],
        }
    )
    [series] = entry.terms("test").series
    assert [p.amount for p in series.required_prepayments] == [D("8571428.57")] * 6
    assert series.required_prepayments[-1].due_on == date(2007, 11, 21)


# -------------------------------------------------------------- 30/360 accrual


@pytest.mark.parametrize(
    ("start", "end", "days"),
    [
        (date(2002, 12, 5), date(2003, 2, 28), 83),  # February gets no adjustment: 25 + 30 + 28
        (date(2002, 12, 5), date(2003, 3, 1), 86),  # 25 + 30 + 30 + 1
        (date(2003, 1, 31), date(2003, 2, 28), 28),  # D1 31 -> 30: 30 - 30 + 28
        (date(2003, 1, 30), date(2003, 3, 31), 60),  # D1 is 30, so D2 31 -> 30
        (date(2003, 2, 28), date(2003, 3, 31), 33),  # D1 is 28, so D2 stays 31
        (date(2003, 1, 31), date(2003, 3, 31), 60),  # both 31 -> 30
        (date(2003, 6, 5), date(2003, 12, 5), 180),  # a full semi-annual period
        (date(2003, 12, 5), date(2004, 2, 29), 84),  # leap-year February, no adjustment
    ],
)
def test_30_360_bond_basis_day_count(start, end, days):
    assert convention("30/360").days(start, end) == days


def test_accrued_interest_on_february_28_2003_is_83_days_at_7_13_percent(loaded):
    lines = accrued(loaded, date(2003, 2, 28))
    by_holder = {}
    for line in lines:
        assert (line.since, line.days) == (date(2002, 12, 5), 83)
        by_holder[line.holder] = by_holder.get(line.holder, 0) + line.accrued
    # 5,100,000 x 0.0713 x 83 / 360 = 83,836.9166... -> 83,836.92 (half up)
    assert by_holder["Connecticut General Life Insurance Company"] == D("83836.92")
    # 6,150,000 x 0.0713 x 83 / 360 = 101,097.4583... -> 101,097.46
    assert by_holder["Lincoln Investment Management, Inc."] == D("101097.46")
    assert sum(line.accrued for line in lines) == D("308223.96")


def test_nothing_has_accrued_on_an_interest_date(loaded):
    assert {a.accrued for a in accrued(loaded, date(2003, 6, 5))} == {D("0.00")}


# ------------------------------------------------------------------- payments


def test_interest_is_paid_to_the_holders_of_record_pro_rata_and_checked(loaded):
    with pytest.raises(UnscheduledPayment, match=r"interest due 2003-06-05 on \$18,750,000.00 of 7.13% notes is \$668,437.50"):
        record(loaded, InterestEntry, type="interest", effective_on="2003-06-05", amount="668,000")
    with pytest.raises(UnscheduledPayment, match="cannot be paid before it is due"):
        record(loaded, InterestEntry, type="interest", effective_on="2003-06-04", due_on="2003-06-05")
    staged = record(loaded, InterestEntry, type="interest", effective_on="2003-06-05")
    [event] = staged.events
    assert event.amount == D("668437.50") and sum(a.amount for a in event.allocations) == event.amount
    assert {a.note: a.amount for a in event.allocations}[5] == D("219247.50")  # Lincoln's 6,150,000 x 3.565%
    with pytest.raises(UnscheduledPayment, match="was paid on 2003-06-05"):
        record(loaded, InterestEntry, type="interest", effective_on="2003-06-06", due_on="2003-06-05")
    # with no date due given, the earliest unpaid: there is none, and the refusal says which was paid last and when
    with pytest.raises(UnscheduledPayment, match=r"^no interest on the 7.13% notes is unpaid by 2003-07-01: the last due by "
                                                 r"then, on 2003-06-05, is recorded paid on 2003-06-05 \(Section 1.1\)$"):
        record(loaded, InterestEntry, type="interest", effective_on="2003-07-01")


def test_beyond_the_record_a_payment_not_recorded_is_not_called_unpaid(loaded):
    view = schedule(loaded, date(2005, 12, 5))[0]
    assert overdue(view) == []
    assert {p.status for p in view if p.due_on > date(2003, 2, 5)} == {NOT_RECORDED}
    assert [p.due_on for p in view if p.kind == "maturity"] == [date(2005, 12, 5)]


def test_interest_reckoned_without_a_principal_payment_past_the_record_says_so(loaded):
    """Past the record, the 2003-12-05 instalment is "not recorded" (paid or not: not on file), and the interest due
    after it was shown on the $18,750,000 recorded outstanding, as fact; whether it is that or less is not on file."""
    later = Queries(loaded).schedule("barnes-1995", date(2004, 1, 15))
    assert next(p for p in later.payments if p.due_on == date(2004, 6, 5)).interest == D("668437.50")
    assert later.caveats == ("7.13%: interest due after 2003-12-05 is reckoned on the principal recorded outstanding; the"
                             " required prepayment due then is past the record and not recorded: paid, it would reduce that"
                             " interest",)
    assert Queries(loaded).status("barnes-1995", date(2004, 1, 15)).caveats[1:] == later.caveats
    assert Queries(loaded).schedule("barnes-1995", date(2003, 2, 5)).caveats == (), "within the record, none"


def test_principal_recorded_outstanding_past_a_payment_not_recorded_says_so(loaded):
    """As of 2004-01-15 the $18,750,000 recorded outstanding was shown as fact (status's first line, outstanding,
    Annex 1, the register, accrued, holders), though the 2003-12-05 instalment is past the record: paid or not is not
    on file. Each view of it says so, and what it would be were it paid; within the record, none does."""
    queries = Queries(loaded)
    one = ("7.13%: the $18,750,000.00 outstanding is the principal recorded; the required prepayment of $6,250,000.00"
           " due 2003-12-05 is past the record and not recorded: paid, $12,500,000.00 would be outstanding")
    on = date(2004, 1, 15)
    assert queries.outstanding("barnes-1995", on).caveats == (one,)
    assert queries.status("barnes-1995", on).caveats[0] == one
    assert queries.register("barnes-1995", on).caveats == (one,)
    assert queries.annex1("barnes-1995", on).caveats == (one,)
    assert queries.accrued("barnes-1995", on).caveats == (one,)
    assert queries.holders(on).caveats == (f"barnes-1995: {one}",)
    assert queries.outstanding("barnes-1995", date(2006, 1, 15)).caveats == (
        "7.13%: the $18,750,000.00 outstanding is the principal recorded; the principal due 2003-12-05 ($6,250,000.00),"
        " 2004-12-05 ($6,250,000.00) and 2005-12-05 ($6,250,000.00, at maturity) is past the record and not recorded:"
        " paid, none would be outstanding",)
    assert queries.outstanding("barnes-1995", date(2003, 12, 4)).caveats == (), "nothing due since the record ended"
    assert queries.register("barnes-1995", date(2003, 2, 5)).caveats == ()
    record(loaded, RecordHorizonEntry, type="record-horizon", effective_on="2003-06-05")  # kept current from here
    assert queries.outstanding("barnes-1995", on).caveats == (), "an instalment the record covers is unpaid, not unknown"


def test_the_december_2003_payment_is_flagged_until_it_is_recorded(loaded):
    record(loaded, RecordHorizonEntry, type="record-horizon", effective_on="2003-06-05")  # kept current from here
    record(loaded, InterestEntry, type="interest", effective_on="2003-06-05")
    late = overdue(schedule(loaded, date(2003, 12, 8))[0])
    assert [(p.due_on, p.kind, p.status) for p in late] == [
        (date(2003, 12, 5), "interest", IN_GRACE),
        (date(2003, 12, 5), "required prepayment", IN_DEFAULT),
    ]
    # 9.1(b): interest paid "on or before the fifth Business Day following" is paid; the default is the day after
    assert late[0].default_on == date(2003, 12, 13) and late[0].section == "9.1(b)"
    assert late[1].section == "9.1(a)"
    assert [p.status for p in overdue(schedule(loaded, date(2003, 12, 15))[0])] == [IN_DEFAULT, IN_DEFAULT]
    record(loaded, InterestEntry, type="interest", effective_on="2003-12-05")
    record(loaded, PrepaymentEntry, type="prepayment", kind="required", effective_on="2003-12-05")
    assert overdue(schedule(loaded, date(2003, 12, 8))[0]) == []


def test_interest_is_in_default_after_the_fifth_business_day_skipping_holidays():
    assert business_days_after(date(2003, 12, 5), 5, CALENDAR) == date(2003, 12, 12)
    assert business_days_after(date(2002, 12, 20), 5, CALENDAR) == date(2002, 12, 30)  # Christmas
    # Lincoln's Birthday (Connecticut and New York) and Washington's Birthday (national)
    assert business_days_after(date(2003, 2, 10), 5, CALENDAR) == date(2003, 2, 19)


# ------------------------------------------------------------------ make-whole


def independent_makewhole(amount, on, curve, remaining, coupons, last_coupon, rate):
    """The Makewhole Price from the words of Section 10.1, written here without the production code."""

    def days(a, b):
        d1 = 30 if a.day == 31 else a.day
        d2 = 30 if b.day == 31 and d1 == 30 else b.day
        return 360 * (b.year - a.year) + 30 * (b.month - a.month) + d2 - d1

    def cents(x):
        return x.quantize(D("0.01"), rounding=ROUND_HALF_UP)

    total = sum(a for _, a in remaining)
    portion = {d: cents(a * amount / total) for d, a in remaining}  # pro rata; exact in these cases
    assert sum(portion.values()) == amount
    # "the number of years (calculated at the nearest one-twelfth)"
    twelfths = {d: int(Fraction(days(on, d), 30) + Fraction(1, 2)) for d in portion}
    life = sum(Fraction(a) * Fraction(twelfths[d], 12) for d, a in portion.items()) / Fraction(amount)
    shorter = max((t, y) for t, y in curve if t < life)
    longer = min((t, y) for t, y in curve if t > life)
    treasury = shorter[1] + (longer[1] - shorter[1]) * (life - shorter[0]) / (longer[0] - shorter[0])
    value, unpaid, previous = D(0), amount, last_coupon
    with localcontext() as context:
        context.prec = 50
        semiannual = 1 + (D(treasury.numerator) / D(treasury.denominator) + D("0.50")) / 200
        for due in coupons:
            coupon = cents(unpaid * rate * days(previous, due) / 36000)
            payment = coupon + portion.get(due, D(0))
            value += cents(payment / semiannual ** (D(days(on, due)) / 180))
            unpaid -= portion.get(due, D(0))
            previous = due
    accrued = cents(amount * rate * days(last_coupon, on) / 36000)
    return life, treasury, value, accrued


@pytest.mark.parametrize(
    ("on", "amount"),
    [(date(2003, 3, 20), D(3000000)), (date(2003, 8, 14), D(6000000)), (date(2004, 1, 9), D(1000000)),
     (date(2003, 3, 20), D(18750000))],  # the last in whole
)
def test_the_makewhole_price_matches_an_independent_calculation_from_section_10_1(loaded, on, amount):
    curve = [(Fraction(1), Fraction("1.25")), (Fraction(2), Fraction("1.60")), (Fraction(3), Fraction("2.10")), (Fraction(5), Fraction("2.90"))]
    remaining = [(date(y, 12, 5), D(6250000)) for y in (2003, 2004, 2005)]
    coupons = [date(y, m, 5) for y in (2003, 2004, 2005) for m in (6, 12) if date(y, m, 5) > on]
    last = max(d for d in [date(2002, 12, 5), date(2003, 6, 5), date(2003, 12, 5)] if d <= on)
    if on > date(2003, 12, 5):
        record(loaded, InterestEntry, type="interest", effective_on="2003-06-05")
        record(loaded, PrepaymentEntry, type="prepayment", kind="required", effective_on="2003-12-05")
        remaining = remaining[1:]
    life, treasury, value, interest = independent_makewhole(amount, on, curve, remaining, coupons, last, D("7.13"))
    quoted = quote(loaded, on, amount, [CurvePoint(D(t.numerator) / t.denominator, D(str(float(y)))) for t, y in curve])
    assert quoted.weighted_average_life == (D(life.numerator) / D(life.denominator)).quantize(D("1e-12"), rounding=ROUND_HALF_UP)
    assert quoted.treasury_yield == (D(treasury.numerator) / D(treasury.denominator)).quantize(D("1e-12"), rounding=ROUND_HALF_UP)
    assert len(quoted.treasury_points) == 2
    assert quoted.makewhole_price == value
    assert quoted.accrued_interest == interest
    assert quoted.price == max(value, amount + interest)
    assert quoted.premium == quoted.price - amount - interest


def test_the_twelfth_year_rounding_and_the_interpolation_for_march_20_2003(loaded):
    """Worked by hand: 255 days to 2003-12-05 is 8.5 months, so 9; 615 days, 21; 975 days, 33.
    WAL = (9 + 21 + 33) / 12 / 3 = 1.75 years; 1.25% + (1.60% - 1.25%) x 0.75 = 1.5125%."""
    quoted = quote(loaded, date(2003, 3, 20), D(3000000), [CurvePoint(D(1), D("1.25")), CurvePoint(D(2), D("1.60"))])
    assert [line.months for line in quoted.lines if line.principal] == [9, 21, 33]
    assert quoted.weighted_average_life == D("1.75")
    assert quoted.treasury_yield == D("1.5125")
    assert quoted.discount_rate == D("2.0125")


def test_an_optional_prepayment_not_a_multiple_of_a_million_is_refused(loaded):
    with pytest.raises(NotAMultiple, match=r"multiple of \$1,000,000.00; \$1,500,000.00 is not") as refused:
        record(loaded, PrepaymentEntry, type="prepayment", kind="optional", effective_on="2003-03-20", amount="1,500,000", treasury_curve=CURVE)
    assert refused.value.section == "5.2"


def test_an_optional_prepayment_in_whole_is_of_no_multiple(loaded):
    """5.2: "in whole or in part, in multiples of $1,000,000". All $18,750,000 outstanding was refused as no multiple."""
    with pytest.raises(NotAMultiple, match=r"in part must be a multiple of \$1,000,000.00; \$18,500,000.00 is not \(in"
                                           r" whole it is \$18,750,000.00\)"):
        give_notice(loaded, "barnes-1995", "2003-03-20", "18,500,000")
    give_notice(loaded, "barnes-1995", "2003-03-20", "18,750,000")
    [event] = record(loaded, PrepaymentEntry, type="prepayment", kind="optional", effective_on="2003-03-20",
                     amount="18,750,000", treasury_curve=CURVE).events
    assert event.interest == D("389921.88")  # 18,750,000 x 7.13% x 105/360
    [series] = Queries(loaded).outstanding("barnes-1995", date(2003, 3, 20)).series
    assert (series.outstanding, series.paid_off_on) == (D(0), date(2003, 3, 20))


def test_an_optional_prepayment_records_its_interest_and_premium_and_shrinks_the_schedule(loaded):
    give_notice(loaded, "barnes-1995", "2003-03-20", "3,000,000")
    staged = record(loaded, PrepaymentEntry, type="prepayment", kind="optional", effective_on="2003-03-20", amount="3,000,000", treasury_curve=CURVE)
    [event] = staged.events
    assert event.interest == D("62387.50")  # 3,000,000 x 7.13% x 105/360
    assert event.makewhole.premium == D("255432.51")
    assert [(c.years, c.yield_percent) for c in event.makewhole.curve][:2] == [(D(1), D("1.25")), (D(2), D("1.60"))]
    lines, _ = schedule(loaded, date(2003, 3, 20))
    assert [(p.due_on, p.principal) for p in lines if p.kind in ("required prepayment", "maturity") and p.status != "paid"] == [
        (date(2003, 12, 5), D("5250000.00")),
        (date(2004, 12, 5), D("5250000.00")),
        (date(2005, 12, 5), D("5250000.00")),
    ]
    assert {p.due_on: p.interest for p in lines if p.kind == "interest"}[date(2003, 6, 5)] == D("561487.50")


def test_both_statements_of_the_overdue_rate_are_kept_and_neither_is_chosen(loaded):
    [series] = loaded.agreement("barnes-1995").state.terms.series
    assert [reading.split(":")[0] for reading in series.overdue_rate] == ["Section 1.1", "Exhibit B (Form of Note)"]
    assert "9.13%" in series.overdue_rate[0] and "1% per annum above" in series.overdue_rate[1]


def test_a_curve_that_does_not_bracket_the_weighted_average_life_is_refused(loaded):
    from domain.errors import InvalidCommand

    with pytest.raises(InvalidCommand, match=r"\(only the 1-year yield\) must have maturities on both sides .* 1.7500 years"):
        quote(loaded, date(2003, 3, 20), D(3000000), [CurvePoint(D(1), D("1.25"))])


def test_a_curve_point_in_months_is_named_as_given_not_as_a_28_digit_fraction_of_a_year(loaded):
    """"1m=0.10" is kept as a twelfth of a year, which the refusal and the quote printed as
    "0.08333333333333333333333333333-year"."""
    from adapters.entries.base import _curve as parse_curve
    from domain.errors import InvalidCommand

    curve = parse_curve("1m=0.10,4m=0.20")
    with pytest.raises(InvalidCommand, match=r"\(1m to 4m\) must have maturities on both sides"):
        quote(loaded, date(2003, 3, 20), D(3000000), curve)
    assert [p.life() for p in curve] == ["1m", "4m"] and curve[0].life(words=True) == "1-month"
    assert [p.life() for p in parse_curve("6m=1,1y=2,10y=3")] == ["6m", "1y", "10y"]


def test_a_make_whole_is_not_quoted_while_an_instalment_due_by_then_is_unrecorded(loaded):
    """The make-whole is on the payments after the prepayment date; an instalment due before it and not
    recorded as paid would be silently piled onto later dates, so the quote says so instead."""
    from domain.errors import InvalidCommand

    with pytest.raises(InvalidCommand, match=r"\$6,250,000.00 of principal due 2003-12-05 that is not recorded as paid"):
        quote(loaded, date(2003, 12, 10), D(1000000), [CurvePoint(D(1), D("1.25")), CurvePoint(D(3), D("2.10"))])


# ----------------------------------------------------------------- the registry's calendar


def test_the_calendar_lists_every_agreements_payments_due_in_the_window_with_their_total_and_what_is_not_on_file(loaded):
    view = Queries(loaded).due(date(2001, 1, 1), date(2003, 12, 31), date(2003, 12, 10))
    assert [(d.agreement, d.payment.due_on, d.payment.kind, d.payment.principal, d.payment.interest, d.payment.status,
             d.payment.rests_on) for d in view.payments] == [
        ("barnes-1995", date(2001, 6, 5), "interest", D(0), D("891250.00"), "paid", ("A1",)),
        ("barnes-1995", date(2001, 12, 5), "interest", D(0), D("891250.00"), "paid", ("A2",)),
        ("barnes-1995", date(2002, 6, 5), "interest", D(0), D("891250.00"), "paid", ("A3",)),
        ("barnes-1995", date(2002, 12, 5), "interest", D(0), D("891250.00"), "paid", ("A4",)),
        ("barnes-1995", date(2002, 12, 5), "required prepayment", D("6250000.00"), D(0), "paid", ("A5",)),
        ("barnes-1995", date(2003, 6, 5), "interest", D(0), D("668437.50"), NOT_RECORDED, ()),
        ("barnes-1995", date(2003, 12, 5), "interest", D(0), D("668437.50"), NOT_RECORDED, ()),
        ("barnes-1995", date(2003, 12, 5), "required prepayment", D("6250000.00"), D(0), NOT_RECORDED, ()),
    ]
    assert (view.principal, view.interest) == (D("12500000.00"), D("4901875.00"))
    assert [(a.id, a.event) for a in view.assumptions] == [(f"A{n}", f"barnes-1995:{16 + n}") for n in range(1, 6)]
    gaps = {g.agreement: g for g in view.gaps}
    assert list(gaps) == ["barnes-1995", "barnes-2000", "novascotia-1999"]
    assert "8.59%: the day count of the 8.59% notes is not on file; no interest is scheduled" in gaps["barnes-2000"].not_on_file
    assert gaps["barnes-1995"].record_ends.payments == date(2003, 2, 5)
    later = Queries(loaded).due(date(2011, 1, 1), date(2011, 12, 31), date(2011, 12, 31))
    assert later.payments == () and later.gaps == (), "every note matured before: nothing to say of 2011"


def test_the_calendar_numbers_each_agreements_assumptions_again_across_agreements():
    from projections.payments import Payment, Schedule, due_between
    from projections.record import AssumedFact

    def schedule(key: str, on: date) -> Schedule:
        paid = Payment("6.00%", "interest", on, D(0), D("300000.00"), "paid", rests_on=("A1",))
        return Schedule(key, on, (), (paid,), assumptions=(AssumedFact("A1", f"{key}:4", "paid on its due date", "not on file"),))

    view = due_between(date(2025, 1, 1), date(2025, 12, 31), date(2026, 1, 1),
                       [schedule("beta-2020", date(2025, 9, 15)), schedule("alpha-2019", date(2025, 3, 15))])
    assert [(d.agreement, d.payment.rests_on) for d in view.payments] == [("alpha-2019", ("A1",)), ("beta-2020", ("A2",))]
    assert [(a.id, a.event) for a in view.assumptions] == [("A1", "alpha-2019:4"), ("A2", "beta-2020:4")]
    assert (view.interest, view.gaps) == (D("600000.00"), ())


def test_the_calendar_says_of_a_series_issued_after_its_status_date_that_it_is_not_in_it():
    from adapters.render import due_notes
    from projections.payments import Payment, Schedule, due_between
    from projections.register import IssuedLater

    old = Payment("6.00%", "maturity", date(2020, 3, 15), D("1000000.00"), D(0), "paid")
    view = due_between(date(2027, 1, 1), date(2027, 12, 31), date(2026, 1, 1),
                       [Schedule("gamma-2015", date(2026, 1, 1), (), (old,), issued_later=(IssuedLater("7.00%", date(2026, 6, 1)),))])
    assert view.payments == () and [g.agreement for g in view.gaps] == ["gamma-2015"]
    assert due_notes(view) == ["note: gamma-2015: no 7.00% notes were issued by then: the first were issued on 2026-06-01"]


def test_the_calendar_of_next_month_says_which_payments_before_it_are_overdue():
    from adapters.render import due_notes
    from projections.payments import Payment, Schedule, due_between

    late = Payment("6.00%", "interest", date(2026, 9, 15), D(0), D("300000.00"), IN_DEFAULT, default_on=date(2026, 9, 23))
    paid = Payment("6.00%", "interest", date(2026, 3, 15), D(0), D("300000.00"), "paid")
    owed = Payment("6.00%", "maturity", date(2026, 11, 1), D("10000000.00"), D(0), NOT_RECORDED)
    view = due_between(date(2027, 1, 1), date(2027, 1, 31), date(2026, 12, 5),
                       [Schedule("acme-2024", date(2026, 12, 5), (), (paid, late, owed))])
    assert view.payments == () and [(g.agreement, g.overdue_before) for g in view.gaps] == [("acme-2024", (date(2026, 9, 15),))]
    assert due_notes(view) == ["note: acme-2024: overdue as of 2026-12-05, due before 2027-01-01: the payments due 2026-09-15"
                               " (`debtreg status acme-2024 --as-of 2026-12-05` says what each is)"]
    assert due_between(date(2027, 1, 1), date(2027, 1, 31), date(2026, 12, 5),
                       [Schedule("acme-2024", date(2026, 12, 5), (), (paid, owed))]).gaps == (), "none overdue, nothing due"
