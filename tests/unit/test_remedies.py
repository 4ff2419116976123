"""The rest of the notes' life, in the 1995 agreement's own terms: Events of Default, acceleration by a
share of the holders (or automatically), annulment, waivers by what they waive, notice of optional
prepayment, replacement of lost notes, and notes the Company holds kept out of every vote."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal as D
from fractions import Fraction
from pathlib import Path

import pytest
from test_payments import independent_makewhole

from adapters.entries import (
    AccelerationEntry,
    AccelerationPaymentEntry,
    CancellationEntry,
    EventOfDefaultEntry,
    InterestEntry,
    IssueEntry,
    MaturityEntry,
    NoteReplacementEntry,
    PrepaymentEntry,
    PrepaymentNoticeEntry,
    RescissionEntry,
    ReversalEntry,
    SupplementEntry,
    TransferEntry,
    WaiverEntry,
)
from adapters.journal import load
from adapters.queries import Queries
from adapters.render import makewhole_text, remedy_lines
from domain.errors import (
    AcceleratedPaymentRefused,
    AnnulmentRefused,
    BackdatingConflict,
    DeclaredDue,
    NoDefaultToActOn,
    NoticeRefused,
    RegistryError,
    ShareNotMet,
    UnknownClause,
    WaiverRefused,
)
from domain.makewhole import CurvePoint, quote_for
from domain.money import format_amount
from domain.timeline import Timeline
from support import writer

CURVE = "1y=4.00,2y=4.20,3y=4.40,5y=4.60,7y=4.80,10y=5.00"

# A $10,000,000 6.00% bullet note agreement written with the 1995 agreement's remedies, held 50.9% /
# 0.1% / 49%: the first holder alone is just short of 51%, with the second just at it.
SYNTHETIC = '''\
[journal]
id = "synthetic"
agreement = "synthetic-2020"
title = "a synthetic register"

[[entry]]
id = "agreement"
type = "agreement"
effective_on = 2020-06-01
evidence = { document = "test" }
title = "Note Purchase Agreement"
issuer = "Synthetic Corp."
affiliates = ["Synthetic Holdings LLC"]
dated_as_of = 2020-06-01
closing_on = 2020-06-15
amendment_threshold = "66-2/3%"
all_holders_for = ["9", "11.5"]
each_holder_for = ["1", "2", "3", "4"]
reacquired_notes_count_pro_rata = true
sections = { notice = "5.3", optional_prepayment = "5.2", pro_rata = "5.4", replacement = "6.3", cancellation = "7.12", events_of_default = "9.1", acceleration = "9.2", rescission = "9.3", waiver = "11.5", amendment = "11.5" }
business_days = { calendars = ["US", "US-NY"] }

[entry.defaults]
principal = { days = 0, section = "9.1(a)" }
interest = { days = 5, business_days = true, section = "9.1(b)" }
clauses = [
  { clause = "9.1(a)", title = "Principal Payments" },
  { clause = "9.1(b)", title = "Interest Payments" },
  { clause = "9.1(c)", title = "Financial Covenant Defaults" },
  { clause = "9.1(g)", title = "Involuntary Bankruptcy Proceedings" },
]
automatic = ["9.1(g)"]
each_holder = ["9.1(a)", "9.1(b)"]
acceleration_threshold = "51%"
rescission_threshold = "51%"
makewhole_on_acceleration = true

[[entry.series]]
key = "6.00%"
title = "6.00% Senior Notes due June 15, 2030"
label = "6.00% Notes"
principal = "10,000,000"
rate = "6.00%"
maturity = 2030-06-15
interest_dates = ["06-15", "12-15"]
day_count = "30/360"
required_prepayments = []
optional_prepayment_multiple = "10,000"
prepayment_notice = { min_business_days = 10, max_days = 60 }
makewhole = { spread = "0.50%", compounding = "semi-annual", day_count = "30/360" }

[[entry]]
id = "closing"
type = "issue"
effective_on = 2020-06-15
evidence = { document = "test" }
notes = [
  { holder = "Alpha Life", principal = "5,090,000" },
  { holder = "Beta Mutual", principal = "10,000" },
  { holder = "Gamma Assurance", principal = "4,900,000" },
]
'''

KEY = "synthetic-2020"


@pytest.fixture
def book(tmp_path: Path):
    (tmp_path / "synthetic.toml").write_text(SYNTHETIC)
    registry = writer(f"sqlite:///{tmp_path / 'store.sqlite'}")
    load(registry, [tmp_path / "synthetic.toml"])
    for due in ("2020-12-15", "2021-06-15", "2021-12-15", "2022-06-15", "2022-12-15", "2023-06-15", "2023-12-15",
                "2024-06-15", "2024-12-15"):
        record(registry, InterestEntry, type="interest", effective_on=due)
    yield registry
    registry.close()


def record(registry, model, key=KEY, **fields):
    return registry.record(key, model.model_validate({"evidence": {"document": "test"}, **fields}))


def stored(registry):
    return registry.recorder.select_notifications(start=None, limit=100_000)


def refused(registry, error, words, model, **fields):
    """The entry is refused with ``words`` and the store is exactly as it was."""
    before = stored(registry)
    with pytest.raises(error, match=words) as raised:
        record(registry, model, **fields)
    assert stored(registry) == before
    return raised.value


def default(registry, clause="9.1(c)", on="2025-03-03", **fields):
    [event, *rest] = record(registry, EventOfDefaultEntry, type="event-of-default", effective_on=on, clause=clause,
                            description="covenant breached", **fields).events
    return event.originator_version


# ---------------------------------------------------------------- acceleration


def test_acceleration_needs_51_percent_and_makes_principal_interest_and_the_make_whole_due(book):
    default(book)
    error = refused(book, ShareNotMet, r"at least 51% .* Alpha Life holds \$5,090,000.00 \(50.90%\); \$10,000.00 more needed", AccelerationEntry,
                    type="acceleration", effective_on="2025-03-10", declared_by=["Alpha Life"], treasury_curve=CURVE)
    assert error.section == "9.2"
    refused(book, RegistryError, "give the Treasury curve", AccelerationEntry, type="acceleration",
            effective_on="2025-03-10", declared_by=["Alpha Life", "Beta Mutual"])
    [event] = record(book, AccelerationEntry, type="acceleration", effective_on="2025-03-10",
                     declared_by=["Alpha Life", "Beta Mutual"], treasury_curve=CURVE).events
    assert (event.principal, event.interest) == (D("10000000.00"), D("141666.67"))  # 6% on $10,000,000 for 85/360
    [quote] = event.makewhole
    assert quote.amount == D("10000000.00") and quote.premium > 0
    assert quote.price == max(quote.makewhole_price, quote.par_plus_accrued)
    status = Queries(book).status(KEY, date(2025, 4, 1))
    [line] = status.overdue
    assert (line.kind, line.principal, line.interest, line.makewhole_premium) == (
        "accelerated", D("10000000.00"), D("141666.67"), quote.premium)
    [accelerated] = status.accelerations
    assert accelerated.due == D("10141666.67") + quote.premium
    assert status.next == ()  # nothing more is scheduled: it is all due
    assert not [gap for gap in status.not_on_file if "declared due" in gap]  # the whole series was


def test_no_coupon_falls_due_after_every_note_was_declared_due(book):
    """The 2025-06-15 coupon was recorded paid after every note was declared due on 2025-03-10 with the interest to
    that day (and so counted twice), though status showed no coupon after the declaration."""
    default(book)
    [event] = record(book, AccelerationEntry, type="acceleration", effective_on="2025-03-10",
                     declared_by=["Alpha Life", "Beta Mutual"], treasury_curve=CURVE).events
    said = (rf"every 6.00% note was declared due before 2025-06-15 \(No\. {event.originator_version} on 2025-03-10\): no"
            r" interest falls due on 2025-06-15; the interest to the declaration is part of what it made due")
    refused(book, DeclaredDue, said, InterestEntry, type="interest", effective_on="2025-06-16")
    refused(book, RegistryError, said, InterestEntry, type="interest", effective_on="2025-06-16", due_on="2025-06-15")
    refused(book, RegistryError, "no interest is unpaid on 2025-06-25", EventOfDefaultEntry, type="event-of-default",
            effective_on="2025-06-25", clause="9.1(b)", description="x")
    # nor is any of their principal prepaid: an optional prepayment recorded interest and a make-whole premium again
    refused(book, DeclaredDue, r"every 6.00% note was declared due before 2025-04-01 .*: what they owe is what the"
            r" declaration made due, paid in full \(a payment of all the principal\), not prepaid",
            PrepaymentEntry, type="prepayment", kind="optional", effective_on="2025-04-01", amount="1,000,000",
            treasury_curve=CURVE)
    refused(book, DeclaredDue, r"every 6.00% note was declared due before 2025-03-20 .*not prepaid", PrepaymentNoticeEntry,
            type="prepayment-notice", effective_on="2025-03-20", prepay_on="2025-04-21", amount="1,000,000")
    assert [p.due_on for p in Queries(book).schedule(KEY, date(2025, 7, 1)).payments if p.kind == "interest"][-1] == date(2024, 12, 15)


def test_no_coupon_falls_due_after_declarations_that_together_made_every_note_due(book):
    interest_default(book)
    record(book, AccelerationEntry, type="acceleration", effective_on="2025-03-10", declared_by=["Gamma Assurance"],
           treasury_curve=CURVE)
    record(book, AccelerationEntry, type="acceleration", effective_on="2025-03-12", default=default(book, on="2025-03-11"),
           declared_by=["Alpha Life", "Beta Mutual"], treasury_curve=CURVE)
    refused(book, DeclaredDue, r"every 6.00% note was declared due before 2025-06-15 \(No\. \d+ on 2025-03-10, No\. \d+ on 2025-03-12\)",
            InterestEntry, type="interest", effective_on="2025-06-16")
    assert not [p for p in Queries(book).schedule(KEY, date(2025, 7, 1)).payments if p.kind == "interest" and p.due_on > date(2025, 3, 12)]


def test_once_the_notes_declared_due_are_paid_what_else_was_due_is_not_on_file_not_settled(book):
    """A payment at maturity records the principal only; the interest and premium the declaration made due with
    it dropped out of status, which said "nothing overdue" as though they had been paid."""
    default(book)
    [event] = record(book, AccelerationEntry, type="acceleration", effective_on="2025-03-10",
                     declared_by=["Alpha Life", "Beta Mutual"], treasury_curve=CURVE).events
    premium = format_amount(event.makewhole[0].premium)
    record(book, MaturityEntry, type="maturity", effective_on="2025-03-20")
    status = Queries(book).status(KEY, date(2025, 4, 1))
    assert status.overdue == () and status.outstanding == {"6.00%": D("0.00")}
    assert status.not_on_file == (f"the $141,666.67 of interest and a ${premium} make-whole premium that {KEY}:"
                                  f"{event.originator_version} made due with the principal: the notes it made due are no"
                                  " longer outstanding, but no entry records a payment of interest or premium with them,"
                                  " so whether they were paid is not known (record it: `debtreg pay --kind accelerated`)",)
    assert Queries(book).schedule(KEY, date(2025, 4, 1)).not_on_file == status.not_on_file
    assert Queries(book).status(KEY, date(2025, 3, 15)).not_on_file == ()  # still outstanding: overdue, in full
    assert [a.unpaid for a in status.accelerations] == [()], "paid: the line says nothing of it"


def test_the_interest_and_premium_a_declaration_made_due_are_paid_to_the_holders_of_its_notes(book):
    """They could not be recorded: status said for ever that whether they were paid is not known."""
    default(book)
    [event] = record(book, AccelerationEntry, type="acceleration", effective_on="2025-03-10",
                     declared_by=["Alpha Life", "Beta Mutual"], treasury_curve=CURVE).events
    premium = event.makewhole[0].premium
    paid = {"type": "acceleration-payment", "effective_on": "2025-03-20"}
    refused(book, AcceleratedPaymentRefused, r"made \$141,666.67 of interest due, accrued to 2025-03-10; at least that is"
            r" paid, not \$141,666.66", AccelerationPaymentEntry, **paid, interest="141,666.66", premium=str(premium))
    refused(book, AcceleratedPaymentRefused, rf"made a \${format_amount(premium)} make-whole premium due; give the premium",
            AccelerationPaymentEntry, **paid, interest="141,666.67")
    refused(book, AcceleratedPaymentRefused, "no acceleration is recorded as No. 99", AccelerationPaymentEntry, **paid,
            interest="141,666.67", premium=str(premium), acceleration=99)
    # the principal paid, then interest to the day of payment: more than the declaration made due, to its notes pro rata
    record(book, MaturityEntry, type="maturity", effective_on="2025-03-20")
    [payment] = record(book, AccelerationPaymentEntry, **paid, interest="158,333.34", premium=str(premium)).events
    assert [(a.note, a.amount) for a in payment.interest] == [(1, D("80591.67")), (2, D("158.33")), (3, D("77583.34"))]
    assert sum(a.amount for a in payment.premium) == premium and [a.note for a in payment.premium] == [1, 2, 3]
    from projections.payments import payees

    wires = {p.holder: p.amount for p in payees(payment, book.agreement(KEY).timeline.final)}
    assert sum(wires.values()) == D("158333.34") + premium, "each holder is wired its interest and its premium"
    status = Queries(book).status(KEY, date(2025, 4, 1))
    assert status.not_on_file == ()
    [line] = remedy_lines(status)[1:]
    assert line.endswith(f"; interest and premium paid 2025-03-20 ({KEY}:{payment.originator_version}): $158,333.34"
                         f" interest ($16,666.67 of it since 2025-03-10), ${format_amount(premium)} premium")
    refused(book, AcceleratedPaymentRefused, f"was recorded paid on 2025-03-20 \\(No. {payment.originator_version}\\)",
            AccelerationPaymentEntry, **paid, interest="141,666.67", premium=str(premium), acceleration=event.originator_version)
    refused(book, AcceleratedPaymentRefused, "no acceleration in force on 2025-03-20 has interest or a premium it made due"
            " beside the principal still to be recorded paid", AccelerationPaymentEntry, **paid, interest="141,666.67", premium=str(premium))


def test_interest_paid_on_notes_of_two_series_declared_due_goes_to_each_series_as_it_was_made_due(book):
    """Among series in proportion to the interest the declaration made due on each (their rates and periods differ),
    within a series to principal."""
    record(book, SupplementEntry, type="supplement", effective_on="2025-01-10", name="First Supplement", series=[{
        "key": "B", "title": "8.00% Series B Notes due 2032", "label": "Series B", "principal": "1,000,000",
        "rate": "8.00%", "maturity": "2032-01-15", "closing_on": "2025-01-15", "interest_dates": ["01-15", "07-15"],
        "day_count": "30/360", "required_prepayments": []}])
    record(book, IssueEntry, type="issue", effective_on="2025-01-15",
           notes=[{"holder": "Beta Mutual", "series": "B", "principal": "1,000,000"}])
    default(book)
    [event] = record(book, AccelerationEntry, type="acceleration", effective_on="2025-03-15",
                     declared_by=["Alpha Life", "Gamma Assurance"], treasury_curve=CURVE).events
    # 6.00% on $10,000,000 from 2024-12-15, 90 days: $150,000.00; 8.00% on $1,000,000 from 2025-01-15, 60 days: $13,333.33
    assert event.interest == D("163333.33")
    [paid] = record(book, AccelerationPaymentEntry, type="acceleration-payment", effective_on="2025-03-15",
                    interest="170,000", premium=str(sum(q.premium for q in event.makewhole))).events
    parts = {a.note: a.amount for a in paid.interest}  # 170,000 x 13,333.33 / 163,333.33 to the 8.00% note
    assert (parts[1] + parts[2] + parts[3], parts[4]) == (D("156122.45"), D("13877.55"))
    assert (parts[1], parts[2], parts[3]) == (D("79466.33"), D("156.12"), D("76500.00"))


def test_what_an_annulled_declaration_made_due_is_not_paid_and_a_paid_one_is_not_reversed_under_its_payment(book):
    default(book)
    [first] = record(book, AccelerationEntry, type="acceleration", effective_on="2025-03-10",
                     declared_by=["Alpha Life", "Beta Mutual"], treasury_curve=CURVE).events
    premium = str(first.makewhole[0].premium)
    record(book, RescissionEntry, type="rescission", effective_on="2025-04-01", declared_by=["Alpha Life", "Gamma Assurance"])
    refused(book, AcceleratedPaymentRefused, "was annulled on 2025-04-01: what it made due is no longer due",
            AccelerationPaymentEntry, type="acceleration-payment", effective_on="2025-04-02", interest="141,666.67",
            premium=premium, acceleration=first.originator_version)
    [again] = record(book, AccelerationEntry, type="acceleration", effective_on="2025-04-10",
                     declared_by=["Alpha Life", "Beta Mutual"], treasury_curve=CURVE).events
    [paid] = record(book, AccelerationPaymentEntry, type="acceleration-payment", effective_on="2025-04-11",
                    interest=str(again.interest), premium=str(again.makewhole[0].premium)).events
    assert paid.acceleration == again.originator_version, "the latest in force, not the one annulled"
    [row] = Queries(book).status(KEY, date(2025, 4, 12)).overdue  # what is still owed: the principal alone
    assert (row.kind, row.principal, row.interest, row.makewhole_premium) == ("accelerated", D("10000000.00"), D(0), None)
    refused(book, BackdatingConflict, rf"would invalidate {KEY}:{paid.originator_version} .*: no acceleration is recorded"
            f" as No. {again.originator_version} by 2025-04-11", ReversalEntry, type="reversal",
            target=again.originator_version, reason="entered in error")


def test_the_company_pays_itself_no_interest_or_premium_on_an_accelerated_note_it_cancelled(book):
    """It asked for the interest and premium on every note declared due, the cancelled one's too."""
    default(book)
    [event] = record(book, AccelerationEntry, type="acceleration", effective_on="2025-03-10",
                     declared_by=["Alpha Life", "Beta Mutual"], treasury_curve=CURVE).events
    record(book, CancellationEntry, type="cancellation", effective_on="2025-03-12", note=3)  # Gamma's $4,900,000
    record(book, MaturityEntry, type="maturity", effective_on="2025-03-20")
    [gap] = Queries(book).status(KEY, date(2025, 3, 21)).not_on_file
    premium = sum(q.premium for q in event.makewhole)
    owed = premium - premium * 49 / 100  # notes No. 1 and 2: 51% of the principal
    assert gap.startswith(f"the $72,250.00 of interest and a ${format_amount(owed.quantize(D('0.01')))} make-whole premium"
                          f" that {KEY}:{event.originator_version} made due with the principal (less the part of notes"
                          " No. 3, which the Company cancelled)")
    paid = {"type": "acceleration-payment", "effective_on": "2025-03-21"}
    refused(book, AcceleratedPaymentRefused, r"made \$72,250.00 of interest due", AccelerationPaymentEntry, **paid,
            interest="72,249.99", premium=format_amount(owed.quantize(D("0.01"))))
    refused(book, AcceleratedPaymentRefused, "premium due; that is what is paid", AccelerationPaymentEntry, **paid,
            interest="72,250", premium=str(premium))
    [payment] = record(book, AccelerationPaymentEntry, **paid, interest="72,250",
                       premium=format_amount(owed.quantize(D("0.01")))).events
    assert [(a.note, a.amount) for a in payment.interest] == [(1, D("72108.33")), (2, D("141.67"))]
    assert [a.note for a in payment.premium] == [1, 2]
    assert Queries(book).status(KEY, date(2025, 3, 21)).not_on_file == ()


def test_the_1995_make_whole_on_acceleration_matches_section_10_1_worked_independently(loaded):
    record(loaded, EventOfDefaultEntry, key="barnes-1995", type="event-of-default", effective_on="2003-03-03",
           clause="9.1(c)", description="7.7 breached")
    [event] = record(loaded, AccelerationEntry, key="barnes-1995", type="acceleration", effective_on="2003-03-20",
                     declared_by=["Lincoln", "Life Insurance Company of North America"],
                     treasury_curve="1y=1.25,2y=1.60,3y=2.10,5y=2.90").events
    curve = [(Fraction(1), Fraction("1.25")), (Fraction(2), Fraction("1.60")), (Fraction(3), Fraction("2.10")),
             (Fraction(5), Fraction("2.90"))]
    remaining = [(date(y, 12, 5), D(6250000)) for y in (2003, 2004, 2005)]
    coupons = [date(y, m, 5) for y in (2003, 2004, 2005) for m in (6, 12)]
    life, _, value, accrued = independent_makewhole(D(18750000), date(2003, 3, 20), curve, remaining, coupons,
                                                    date(2002, 12, 5), D("7.13"))
    [quote] = event.makewhole
    assert (quote.makewhole_price, quote.accrued_interest, event.interest) == (value, accrued, accrued)
    assert quote.premium == value - D(18750000) - accrued


def test_on_a_bankruptcy_default_every_note_is_due_automatically(book):
    refused(book, RegistryError, "give the Treasury curve", EventOfDefaultEntry, type="event-of-default",
            effective_on="2025-03-03", clause="9.1(g)", description="receiver appointed")
    staged = record(book, EventOfDefaultEntry, type="event-of-default", effective_on="2025-03-03", clause="9.1(g)",
                    description="receiver appointed", treasury_curve=CURVE)
    occurred, accelerated = staged.events
    assert accelerated.automatic and accelerated.default == occurred.originator_version and accelerated.declared_by == ()
    assert sorted(accelerated.notes) == [1, 2, 3]
    refused(book, RegistryError, "only a declaration is annulled", RescissionEntry, type="rescission",
            effective_on="2025-04-01", declared_by=["Alpha Life", "Gamma Assurance"])


def unpay_last_coupon(registry, reason: str = "not paid") -> None:
    """The 2024-12-15 coupon, the book's last recorded paid, taken out: unpaid (its grace ended 2024-12-20)."""
    interest = [e for e in registry.agreement(KEY).events if type(e).__name__ == "InterestPaid"]
    record(registry, ReversalEntry, type="reversal", target=interest[-1].originator_version, reason=reason)


def interest_default(registry) -> None:
    """An Event of Default under 9.1(b) as its terms have it: the 2024-12-15 coupon (its grace ended 2024-12-20)
    unpaid on 2025-03-03; paid the next day."""
    unpay_last_coupon(registry, "paid late, not on time")
    default(registry, "9.1(b)")
    record(registry, InterestEntry, type="interest", effective_on="2025-03-04")


def test_on_a_payment_default_each_holder_declares_its_own_notes_due(book):
    interest_default(book)
    [event] = record(book, AccelerationEntry, type="acceleration", effective_on="2025-03-10",
                     declared_by=["Gamma Assurance"], treasury_curve=CURVE).events
    assert event.notes == (3,) and event.principal == D("4900000.00")
    # her note is overdue as the declaration made it due (status said "nothing overdue" beside its line, "not recorded paid")
    status = Queries(book).status(KEY, date(2025, 3, 20))
    [row] = status.overdue
    assert (row.kind, row.due_on, row.principal, row.interest, row.makewhole_premium) == (
        "accelerated", date(2025, 3, 10), D("4900000.00"), event.interest, event.makewhole[0].premium)
    assert event.interest == D("69416.67")  # 6% on $4,900,000 from 2024-12-15, 85 days
    assert [a.unpaid for a in status.accelerations] == [(3,)]
    assert remedy_lines(status)[-1].endswith("; not recorded paid")
    [joint] = record(book, AccelerationEntry, type="acceleration", effective_on="2025-03-11",  # Gamma's is due already
                     declared_by=["Gamma Assurance", "Beta Mutual"], treasury_curve=CURVE).events
    assert joint.notes == (2,), "a note is declared due once"


def test_notes_a_holder_declared_due_are_paid_in_full_and_the_others_keep_their_schedule(book):
    """Once Gamma declared its own note due, nothing recorded its payment: 'pay --kind maturity' was refused before
    maturity unless every note was due, and a prepayment is not what a declaration makes due. Paid in full now, the
    note leaves the register and the others keep their coupons."""
    interest_default(book)
    with pytest.raises(RegistryError, match="the 6.00% notes mature on 2030-06-15; a payment on 2025-03-09 is a prepayment"):
        record(book, MaturityEntry, type="maturity", effective_on="2025-03-09")
    record(book, AccelerationEntry, type="acceleration", effective_on="2025-03-10", declared_by=["Gamma Assurance"],
           treasury_curve=CURVE)
    record(book, PrepaymentNoticeEntry, type="prepayment-notice", effective_on="2025-03-10", prepay_on="2025-04-10",
           amount="1,000,000")
    refused(book, DeclaredDue, r"6.00% notes No. 3 were declared due on 2025-03-10 \(No. \d+\) and are not paid: an optional"
            " prepayment pro rata would pay part of them", PrepaymentEntry, type="prepayment", kind="optional",
            effective_on="2025-04-10", amount="1,000,000", treasury_curve=CURVE)
    with pytest.raises(DeclaredDue, match="an optional prepayment pro rata would pay part of them"):
        Queries(book).makewhole(KEY, date(2025, 4, 10), D(1_000_000), [CurvePoint(D(1), D("4.00")), CurvePoint(D(10), D("5.00"))])
    refused(book, RegistryError, r"the 6.00% notes No. 3, declared due, have \$4,900,000.00 outstanding on 2025-03-12;"
            r" paid in full, that is what is paid, not \$10,000,000.00", MaturityEntry, type="maturity",
            effective_on="2025-03-12", amount="10,000,000")
    [paid] = record(book, MaturityEntry, type="maturity", effective_on="2025-03-12").events
    assert paid.headline() == "6.00% notes declared due paid in full, $4,900,000.00"
    assert [(a.note, a.amount) for a in paid.allocations] == [(3, D("4900000.00"))]
    views = Queries(book)
    assert {n.number for n in views.register(KEY, date(2025, 3, 12)).notes} == {1, 2}
    status = views.status(KEY, date(2025, 3, 12))
    assert [a.unpaid for a in status.accelerations] == [()] and status.outstanding == {"6.00%": D("5100000.00")}
    assert [(p.due_on, p.interest) for p in status.next][:1] == [(date(2025, 6, 15), D("153000.00"))]  # 6% on $5.1M
    assert not any("declared due" in gap for gap in status.not_on_file)  # the rest's payments are computed again
    # once paid, an optional prepayment pays the other notes alone
    record(book, PrepaymentNoticeEntry, type="prepayment-notice", effective_on="2025-03-13", prepay_on="2025-04-15",
           amount="510,000")
    [prepaid] = record(book, PrepaymentEntry, type="prepayment", kind="optional", effective_on="2025-04-15", amount="510,000",
                       treasury_curve=CURVE).events
    assert [a.note for a in prepaid.allocations] == [1, 2]
    error = refused(book, AnnulmentRefused, "no note the acceleration No. .* made due is outstanding on 2025-03-13: they were"
                    " paid", RescissionEntry, type="rescission", effective_on="2025-03-13", declared_by=["Alpha Life"])
    assert error.section == "9.3", "an annulment of a declaration on notes already paid has nothing to annul"


def test_a_note_declared_due_is_due_on_the_declaration_s_own_day(book):
    """The day Gamma declares its note due, the note is payable in full (not "a prepayment"), and an optional
    prepayment that day would pay part of it again."""
    interest_default(book)
    record(book, PrepaymentNoticeEntry, type="prepayment-notice", effective_on="2025-02-20", prepay_on="2025-03-10",
           amount="1,000,000")
    record(book, AccelerationEntry, type="acceleration", effective_on="2025-03-10", declared_by=["Gamma Assurance"],
           treasury_curve=CURVE)
    refused(book, DeclaredDue, "6.00% notes No. 3 were declared due on 2025-03-10", PrepaymentEntry, type="prepayment",
            kind="optional", effective_on="2025-03-10", amount="1,000,000", treasury_curve=CURVE)
    [paid] = record(book, MaturityEntry, type="maturity", effective_on="2025-03-10").events
    assert [(a.note, a.amount) for a in paid.allocations] == [(3, D("4900000.00"))]


def test_a_payment_default_says_whether_what_it_concerns_is_still_unpaid_past_its_grace(book):
    """"continuing" beside a 9.1(b) default whose coupon had been paid since read as interest still unpaid."""
    interest_default(book)  # the 2024-12-15 coupon unpaid on 2025-03-03, paid 2025-03-04
    default(book, on="2025-03-03")  # 9.1(c): no payment it concerns
    views = Queries(book)
    before, after = views.status(KEY, date(2025, 3, 3)), views.status(KEY, date(2025, 3, 5))
    assert [d.unpaid_past_grace for d in before.events_of_default] == [(date(2024, 12, 15),), None]
    assert [d.unpaid_past_grace for d in after.events_of_default] == [(), None]
    assert remedy_lines(before)[0].endswith("continuing; the payment due 2024-12-15 is unpaid past its grace on 2025-03-03")
    assert remedy_lines(after)[0].endswith("continuing (not waived); on 2025-03-05 no payment it concerns is unpaid past its grace")
    assert remedy_lines(after)[1].endswith("covenant breached; continuing")


def test_after_a_holder_declares_its_own_note_due_a_later_acceleration_makes_the_rest_due(book):
    """Holders of 51% declaring the notes due on a covenant default were refused ("notes No. 3 are already
    accelerated") once Gamma had declared its own: nothing could make the rest due. Now the rest are; a note once."""
    interest_default(book)
    [own] = record(book, AccelerationEntry, type="acceleration", effective_on="2025-03-10", declared_by=["Gamma Assurance"],
                   treasury_curve=CURVE).events
    refused(book, RegistryError, rf"every note of Gamma Assurance is already due by an acceleration in force \(No\."
            rf" {own.originator_version}\)", AccelerationEntry, type="acceleration", effective_on="2025-03-11",
            declared_by=["Gamma Assurance"], treasury_curve=CURVE)
    covenant = default(book, on="2025-03-11")
    [rest] = record(book, AccelerationEntry, type="acceleration", effective_on="2025-03-12", default=covenant,
                    declared_by=["Alpha Life", "Beta Mutual"], treasury_curve=CURVE).events
    assert rest.notes == (1, 2) and rest.principal == D("5100000.00")
    schedule = Queries(book).schedule(KEY, date(2025, 3, 13))  # the two together: every note due, nothing else scheduled
    assert [(p.kind, p.principal) for p in schedule.payments if p.due_on >= date(2025, 3, 10)] == [
        ("accelerated", D("4900000.00")), ("accelerated", D("5100000.00"))]
    assert not any("not the rest of the series" in gap for gap in schedule.not_on_file)
    refused(book, RegistryError, r"every note outstanding is already due by an acceleration in force", AccelerationEntry,
            type="acceleration", effective_on="2025-03-13", default=covenant, declared_by=["Alpha Life", "Beta Mutual"],
            treasury_curve=CURVE)
    bankruptcy = record(book, EventOfDefaultEntry, type="event-of-default", effective_on="2025-03-14", clause="9.1(g)",
                        description="petition filed", treasury_curve=CURVE).events
    assert [type(e).__name__ for e in bankruptcy] == ["DefaultOccurred"], "every note is due already: no acceleration"


def test_after_a_holder_declares_its_own_note_due_coupons_are_the_rest_s_and_its_principal_is_shown_whole(book):
    """The 2025-06-15 coupon was $300,000.00 on all $10,000,000, paid to Gamma too, though its $4,900,000 note was
    declared due on 2025-03-10 with the interest to that day: the interest after it was counted twice. Coupons after a
    declaration are now the other notes' alone; what it leaves scheduled of principal on them is still not computed,
    and schedule and status say so rather than show the whole series' payments of principal as fact."""
    interest_default(book)
    [event] = record(book, AccelerationEntry, type="acceleration", effective_on="2025-03-10",
                     declared_by=["Gamma Assurance"], treasury_curve=CURVE).events
    said = (f"6.00%: notes No. 3 ($4,900,000.00) were declared due on 2025-03-10 ({KEY}:{event.originator_version}),"
            " not the rest of the series: the payments of principal shown are the whole series' and still count those"
            " notes (status lists what the declaration made due), and those on the rest alone are not computed; the"
            " interest after the declaration is the rest's alone")
    views = Queries(book)
    status, schedule = views.status(KEY, date(2025, 7, 1)), views.schedule(KEY, date(2025, 7, 1))
    assert said in status.not_on_file and said in schedule.not_on_file
    [declared, coupon] = status.overdue
    assert (declared.kind, declared.principal) == ("accelerated", D("4900000.00"))
    assert (coupon.due_on, coupon.interest) == (date(2025, 6, 15), D("153000.00"))  # 6% on $5,100,000 for 180 days
    assert [p.interest for p in schedule.payments if p.due_on == date(2025, 12, 15)] == [D("153000.00")]
    assert not any("declared due" in gap for gap in views.status(KEY, date(2025, 3, 9)).not_on_file)
    refused(book, RegistryError, r"the interest due 2025-06-15 on \$5,100,000.00 \(notes No. 3, declared due before it, take"
            r" none\) of 6.00% notes is \$153,000.00 .*, not \$300,000.00", InterestEntry, type="interest",
            effective_on="2025-06-16", amount="300,000")
    [paid] = record(book, InterestEntry, type="interest", effective_on="2025-06-16").events
    assert ([(a.note, a.amount) for a in paid.allocations], paid.declared_due) == (
        [(1, D("152700.00")), (2, D("300.00"))], (3,))
    assert paid.details() == "No. 1 $152,700.00, No. 2 $300.00; none to No. 3, declared due before it"
    assert [p.interest for p in views.schedule(KEY, date(2025, 7, 1)).payments if p.due_on == date(2025, 6, 15)] == [
        D("153000.00")]


def test_a_payment_default_is_refused_while_the_payment_may_still_be_made_and_recorded_once_its_grace_ends(book):
    """9.1(b) gives interest 5 Business Days: the 2025-06-15 coupon (a Sunday) may be paid to 2025-06-23, Juneteenth
    (June 19) not counted; an Event of Default under 9.1(b) recorded before then contradicted the terms, and the
    status beside it said "within grace"."""
    refused(book, RegistryError, r"under 9.1\(b\) is interest unpaid 5 Business Days after it is due; no interest is"
            r" unpaid on 2025-03-03", EventOfDefaultEntry, type="event-of-default", effective_on="2025-03-03",
            clause="9.1(b)", description="x")
    error = refused(book, RegistryError, r"the interest due 2025-06-15 may be paid to 2025-06-23, so none exists before"
                    r" 2025-06-24", EventOfDefaultEntry, type="event-of-default", effective_on="2025-06-23", clause="9.1(b)",
                    description="x")
    assert (error.rule, error.section) == ("a payment not made is an Event of Default only once it is unpaid past its grace", "9.1(b)")
    default(book, "9.1(b)", on="2025-06-24")
    refused(book, RegistryError, r"under 9.1\(a\) is principal unpaid after its due date; no principal is unpaid on"
            r" 2025-06-24", EventOfDefaultEntry, type="event-of-default", effective_on="2025-06-24", clause="9.1(a)",
            description="x")


def test_a_declaration_with_no_event_of_default_recorded_names_the_payment_default_to_record_first(book):
    """Status called the unpaid coupon an Event of Default while the declaration was refused as "incomplete or
    contradicts itself", without saying which default to record."""
    unpay_last_coupon(book)
    error = refused(book, NoDefaultToActOn, "no Event of Default is recorded", AccelerationEntry, type="acceleration", effective_on="2025-03-10",
                    declared_by=["Alpha Life", "Beta Mutual"], treasury_curve=CURVE)
    assert (str(error), error.rule) == (
        "no Event of Default is recorded by 2025-03-10; the payment due 2024-12-15 is unpaid past its grace, an Event"
        " of Default under 9.1(b); record it first (Section 9.2)",
        "a remedy rests on an Event of Default recorded by its date and not waived")
    error = refused(book, NoDefaultToActOn, "no Event of Default is recorded", AccelerationEntry, type="acceleration", effective_on="2024-12-20",
                    declared_by=["Alpha Life", "Beta Mutual"], treasury_curve=CURVE)
    assert str(error) == "no Event of Default is recorded by 2024-12-20; record it first (Section 9.2)", "within its grace"


def test_an_annulment_needs_a_declaration_in_force(book):
    refused(book, AnnulmentRefused, "no acceleration is in force on 2025-04-01", RescissionEntry, type="rescission",
            effective_on="2025-04-01", declared_by=["Alpha Life", "Gamma Assurance"])
    default(book, "9.1(g)", treasury_curve=CURVE)  # automatic: every note due without a declaration
    error = refused(book, AnnulmentRefused, "became due automatically on 2025-03-03; only a declaration is annulled",
                    RescissionEntry, type="rescission", effective_on="2025-04-01",
                    declared_by=["Alpha Life", "Gamma Assurance"])
    assert error.rule == "only a declaration in force, on notes still outstanding, is annulled, once every sum due other than by it is paid"


def test_an_unknown_clause_is_refused_naming_the_events_of_default(book):
    error = refused(book, UnknownClause, r"'9.1\(z\)' is not an Event of Default .* 9.1\(c\) \(Financial Covenant Defaults\)",
                    EventOfDefaultEntry, type="event-of-default", effective_on="2025-03-03", clause="9.1(z)", description="x")
    assert error.section == "9.1"


# ------------------------------------------------------------------ annulment


def test_holders_of_51_percent_annul_a_declaration_once_other_sums_are_paid(book):
    default(book)
    [accelerated] = record(book, AccelerationEntry, type="acceleration", effective_on="2025-03-10",
                           declared_by=["Alpha Life", "Beta Mutual"], treasury_curve=CURVE).events
    error = refused(book, ShareNotMet, "at least 51%", RescissionEntry, type="rescission", effective_on="2025-04-01",
                    declared_by=["Gamma Assurance"])
    assert error.section == "9.3"
    [annulled] = record(book, RescissionEntry, type="rescission", effective_on="2025-04-01",
                        declared_by=["Alpha Life", "Gamma Assurance"]).events
    assert annulled.acceleration == accelerated.originator_version
    status = Queries(book).status(KEY, date(2025, 4, 2))
    assert status.overdue == () and status.accelerations[0].annulled_on == date(2025, 4, 1)
    assert [p.kind for p in status.next][:1] == ["interest"]


def test_an_annulment_waits_for_the_sums_due_before_the_declaration(tmp_path):
    (tmp_path / "synthetic.toml").write_text(SYNTHETIC)
    registry = writer(f"sqlite:///{tmp_path / 'store.sqlite'}")
    try:
        load(registry, [tmp_path / "synthetic.toml"])  # no interest recorded: the December 2020 coupon is unpaid
        default(registry, on="2021-03-01")
        record(registry, AccelerationEntry, type="acceleration", effective_on="2021-03-10",
               declared_by=["Alpha Life", "Beta Mutual"], treasury_curve=CURVE)
        refused(registry, AnnulmentRefused, "payment due 2020-12-15 that is not recorded as paid", RescissionEntry,
                type="rescission", effective_on="2021-04-01", declared_by=["Alpha Life", "Gamma Assurance"])
    finally:
        registry.close()


# --------------------------------------------------------------------- waivers


def test_a_waiver_needs_the_consent_of_what_it_waives(book):
    ref = default(book)
    refused(book, ShareNotMet, r"66-2/3%", WaiverEntry, type="waiver", effective_on="2025-03-05", provisions=["7.7"],
            given_by=["Alpha Life", "Beta Mutual"], defaults=[ref])
    refused(book, ShareNotMet, "every holder", WaiverEntry, type="waiver", effective_on="2025-03-05", provisions=["9.2"],
            given_by=["Alpha Life", "Gamma Assurance"])
    refused(book, ShareNotMet, "payment terms", WaiverEntry, type="waiver", effective_on="2025-03-05", provisions=["1.1"],
            given_by=["Alpha Life", "Gamma Assurance"], payment_terms=True)
    refused(book, WaiverRefused, "a waiver binding only the holders who give it cannot end an Event of Default", WaiverEntry,
            type="waiver", effective_on="2025-03-05", provisions=["2.3"], given_by=["Gamma Assurance"], defaults=[ref])
    [as_to] = record(book, WaiverEntry, type="waiver", effective_on="2025-03-05", provisions=["2.3"],
                     given_by=["Gamma Assurance"]).events
    assert as_to.as_to == ("Gamma Assurance",)  # Sections 1-4: effective only as to who consents
    [waiver] = record(book, WaiverEntry, type="waiver", effective_on="2025-03-05", provisions=["7.7"],
                      given_by=["Alpha Life", "Gamma Assurance"], defaults=[ref]).events
    refused(book, NoDefaultToActOn, "was waived on 2025-03-05", AccelerationEntry, type="acceleration",
            effective_on="2025-03-10", declared_by=["Alpha Life", "Beta Mutual"], treasury_curve=CURVE)
    [line] = Queries(book).status(KEY, date(2025, 3, 10)).events_of_default
    assert line.waived_by == f"{KEY}:{waiver.originator_version}"


def test_a_payment_unpaid_past_its_grace_says_the_event_of_default_on_it_was_waived(book):
    """Its row read 'unpaid: Event of Default' beside the line of that Event of Default, 'waived'."""
    from adapters.render import payment_status

    unpay_last_coupon(book)
    ref = default(book, "9.1(b)")  # 2025-03-03: the coupon of 2024-12-15 is unpaid past its grace

    def said(on: date) -> str:
        [row] = [p for p in Queries(book).status(KEY, on).overdue if p.due_on == date(2024, 12, 15)]
        return payment_status(row, marked=False)

    assert said(date(2025, 3, 4)) == "unpaid: Event of Default (Section 9.1(b); default from 2024-12-21)"
    [waiver] = record(book, WaiverEntry, type="waiver", effective_on="2025-03-05", provisions=["9.1(b)"],
                      given_by=["Alpha Life", "Beta Mutual", "Gamma Assurance"], defaults=[ref]).events
    assert said(date(2025, 3, 5)) == ("unpaid: Event of Default (Section 9.1(b); default from 2024-12-21; waived"
                                      f" 2025-03-05 by {KEY}:{waiver.originator_version})")
    assert said(date(2025, 3, 4)).endswith("default from 2024-12-21)"), "not before the waiver"


# -------------------------------------------------------------------- notices


def test_an_optional_prepayment_follows_a_notice_given_10_business_days_to_60_days_before(book):
    prepay = {"type": "prepayment", "kind": "optional", "effective_on": "2025-04-15", "amount": "1,000,000",
              "treasury_curve": CURVE}
    error = refused(book, NoticeRefused, "must follow a notice", PrepaymentEntry, **prepay)
    assert error.section == "5.3"
    # 2025-04-02 is 9 Business Days before 2025-04-15 (Good Friday, 2025-04-18, is not in between)
    error = refused(book, NoticeRefused, "at least 10 Business Days before, so 2025-04-16 at the earliest",
                    PrepaymentNoticeEntry, type="prepayment-notice", effective_on="2025-04-02", prepay_on="2025-04-15",
                    amount="1,000,000")
    assert error.section == "5.3"
    refused(book, NoticeRefused, "at most 60 days before", PrepaymentNoticeEntry, type="prepayment-notice",
            effective_on="2025-02-13", prepay_on="2025-04-15", amount="1,000,000")
    record(book, PrepaymentNoticeEntry, type="prepayment-notice", effective_on="2025-04-01", prepay_on="2025-04-15",
           amount="1,000,000")
    refused(book, NoticeRefused, r"notice given 2025-04-01 is of \$1,000,000.00 on 2025-04-15, not \$2,000,000.00",
            PrepaymentEntry, **{**prepay, "amount": "2,000,000"})
    [paid] = record(book, PrepaymentEntry, **prepay).events
    assert paid.amount == D("1000000.00")
    refused(book, RegistryError, "must follow a notice", PrepaymentEntry, **{**prepay, "effective_on": "2025-04-15"})


# ---------------------------------------------------------------- replacement


def test_a_lost_note_is_replaced_by_a_new_note_of_like_tenor(book):
    refused(book, Exception, "reason", NoteReplacementEntry, type="note-replacement", effective_on="2025-03-01",
            note=1, reason="misplaced")
    [event] = record(book, NoteReplacementEntry, type="note-replacement", effective_on="2025-03-01", note=1,
                     reason="lost").events
    register = Queries(book).register(KEY, date(2025, 3, 1))
    replacement = next(n for n in register.notes if n.number == event.issued.number)
    assert (replacement.holder, replacement.principal, replacement.dated) == ("Alpha Life", D("5090000.00"), date(2024, 12, 15))
    assert 1 not in [n.number for n in register.notes] and replacement.origin == "replacement of No. 1"
    refused(book, RegistryError, r"does not hold note No. 1 on 2025-03-02; its 6.00% notes are No. 4", TransferEntry, type="transfer", effective_on="2025-03-02",
            **{"from": "Alpha Life", "to": "Beta Mutual", "amount": "1,000,000", "note": 1})


def test_a_new_note_is_dated_to_the_interest_paid_on_the_one_it_replaces_not_to_the_last_interest_date(book):
    """6.2, 6.3: "dated and bear interest from the date to which interest has been paid on the surrendered Note"."""
    transfer = {"type": "transfer", "effective_on": "2025-07-01", "from": "Gamma Assurance", "to": "Beta Mutual",
                "amount": "900,000"}
    [event] = record(book, TransferEntry, **transfer).events  # the coupon of 2025-06-15 is not recorded paid
    dated = {n.number: n.dated for n in Queries(book).register(KEY, date(2025, 7, 1)).notes}
    assert {dated[c.number] for c in event.issued} == {date(2024, 12, 15)}
    [replaced] = record(book, NoteReplacementEntry, type="note-replacement", effective_on="2025-07-02",
                        note=event.issued[0].number, reason="lost").events
    dated = {n.number: n.dated for n in Queries(book).register(KEY, date(2025, 7, 2)).notes}
    assert dated[replaced.issued.number] == date(2024, 12, 15)
    record(book, InterestEntry, type="interest", effective_on="2025-06-15")  # paid before the transfer: replayed
    dated = {n.number: n.dated for n in Queries(book).register(KEY, date(2025, 7, 2)).notes}
    assert {dated[c.number] for c in event.issued[1:]} | {dated[replaced.issued.number]} == {date(2025, 6, 15)}


# ------------------------------------------------- notes the Company holds do not vote


def test_notes_the_company_holds_or_cancelled_do_not_vote_and_cancelled_ones_count_pro_rata(book):
    record(book, TransferEntry, type="transfer", effective_on="2025-01-10", new_holder=True,
           **{"from": "Gamma Assurance", "to": "Synthetic Corp.", "amount": "4,900,000"})
    default(book)
    # Alpha Life's $5,090,000 is 99.8% of the $5,100,000 that votes: the Company's $4,900,000 does not.
    [accelerated] = record(book, AccelerationEntry, type="acceleration", effective_on="2025-03-10",
                           declared_by=["Alpha Life"], treasury_curve=CURVE).events
    assert accelerated.principal == D("10000000.00")


def test_a_cancelled_note_is_out_of_every_vote_and_still_takes_its_share_of_a_prepayment(book):
    record(book, CancellationEntry, type="cancellation", effective_on="2025-01-10", note=3)
    record(book, PrepaymentNoticeEntry, type="prepayment-notice", effective_on="2025-01-15", prepay_on="2025-02-03",
           amount="1,000,000")
    [paid] = record(book, PrepaymentEntry, type="prepayment", kind="optional", effective_on="2025-02-03",
                    amount="1,000,000", treasury_curve=CURVE).events
    assert {(a.note, a.amount, a.deemed) for a in paid.allocations} == {
        (1, D("509000.00"), False), (2, D("1000.00"), False), (3, D("490000.00"), True)}
    # The Company pays itself nothing: interest (48 days, 30/360) and the make-whole are on the $510,000.00 paid.
    curve = [(Fraction(t), Fraction(y)) for t, y in ((1, "4.00"), (2, "4.20"), (3, "4.40"), (5, "4.60"), (7, "4.80"),
                                                      (10, "5.00"))]
    coupons = [date(y, m, 15) for y in range(2025, 2031) for m in (6, 12)][:-1]
    _, _, value, accrued = independent_makewhole(D(510000), date(2025, 2, 3), curve, [(date(2030, 6, 15), D(10000000))],
                                                 coupons, date(2024, 12, 15), D("6.00"))
    quote = paid.makewhole
    assert (paid.interest, paid.interest_on, quote.amount, quote.reacquired_share) == (
        D("4080.00"), D("510000.00"), D("510000.00"), D("490000.00"))
    assert (quote.makewhole_price, quote.accrued_interest, quote.premium) == (value, accrued, value - D(510000) - accrued)
    assert paid.headline().endswith("make-whole premium on the $510,000.00 paid to holders")
    notice = Queries(book).makewhole(KEY, date(2025, 2, 3), D(1000000), quote.curve)  # a quote says what it prices
    assert (notice.quote.amount, notice.quote.reacquired_share) == (D("510000.00"), D("490000.00"))
    assert makewhole_text(notice).splitlines()[:3] == [
        "synthetic-2020: optional prepayment of $1,000,000.00 on 2025-02-03 (Section 5.2)",
        "of which $490,000.00 is the share of notes the Company reacquired, paid to no one (Section 5.4): what follows"
        " is on the $510,000.00 paid to holders",
        f"principal outstanding ${format_amount(notice.quote.outstanding)}, with the notes the Company reacquired; prepaid"
        " portion allocated pro rata to the remaining scheduled payments"]  # (more than the register's total: so said)
    # One recorded before interest_on was kept charged the whole $1,000,000.00, and replays as recorded; now kept,
    # interest and make-whole on anything but the share paid are refused.
    prior = Timeline([e for e in book.agreement(KEY).events if e.originator_version < paid.originator_version])
    gross = quote_for(prior.state_as_of(date(2025, 2, 3)), "6.00%", date(2025, 2, 3), D(1000000), quote.curve)
    prior.extended((replace(paid, interest=D("8000.00"), makewhole=gross, interest_on=None),), KEY)
    with pytest.raises(RegistryError, match=r"holders are paid \$510,000.00"):
        prior.extended((replace(paid, interest=D("8000.00"), makewhole=gross, interest_on=D(1000000)),), KEY)
    with pytest.raises(RegistryError, match=r"interest on a prepayment of \$1,000,000.00 on 2025-02-03 is \$4,080.00"):
        prior.extended((replace(paid, interest=D("8000.00")),), KEY)
    default(book)
    [accelerated] = record(book, AccelerationEntry, type="acceleration", effective_on="2025-03-10",
                           declared_by=["Alpha Life"], treasury_curve=CURVE).events
    assert sorted(accelerated.notes) == [1, 2] and accelerated.principal == D("4590000.00")


def test_notes_issued_for_an_accelerated_note_stay_due(book):
    default(book)
    record(book, AccelerationEntry, type="acceleration", effective_on="2025-03-10",
           declared_by=["Alpha Life", "Beta Mutual"], treasury_curve=CURVE)
    record(book, TransferEntry, type="transfer", effective_on="2025-03-12", new_holder=True,
           **{"from": "Gamma Assurance", "to": "Delta Re", "amount": "900,000"})
    [line] = Queries(book).status(KEY, date(2025, 4, 1)).overdue
    assert (line.kind, line.principal) == ("accelerated", D("10000000.00"))
    record(book, MaturityEntry, type="maturity", effective_on="2025-04-01")
    [declared] = [e for e in book.agreement(KEY).events if type(e).__name__ == "NotesAccelerated"]
    [paid] = record(book, AccelerationPaymentEntry, type="acceleration-payment", effective_on="2025-04-01",
                    interest=str(declared.interest), premium=str(declared.makewhole[0].premium)).events
    register = {n.number: n.holder for n in Queries(book).register(KEY, date(2025, 3, 12)).notes}
    to = {register[a.note]: a.amount for a in paid.interest}
    assert (to["Delta Re"], to["Gamma Assurance"], sum(to.values())) == (D("12750.00"), D("56666.67"), declared.interest), (
        "the interest on the note surrendered goes to the holders of the notes issued for it, pro rata")
