"""What the terms do once on file: accrual, defaults under the agreement's own sections, holders as identities,
corrected and withdrawn registrations."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from functools import partial
from pathlib import Path

import pytest
from test_any_agreement import GOOD, OPENED, entries, entry

from adapters.journal import load
from adapters.queries import Queries
from adapters.registry import Registry
from adapters.template import TEMPLATE
from domain.errors import BackdatingConflict, UnknownAgreement, UnknownTransferee
from domain.events import AGREEMENT, stream_id
from support import writer


@pytest.fixture
def store(tmp_path: Path) -> Registry:
    registry = writer(f"sqlite:///{tmp_path / 'store.sqlite'}")
    yield registry
    registry.close()


def loaded(store: Registry, tmp_path: Path, *texts: str) -> Queries:
    for n, text in enumerate(texts):
        path = tmp_path / f"journal-{n}.toml"
        path.write_text(text)
        load(store, [path])
    return Queries(store)


def test_a_register_opened_mid_period_accrues_from_the_last_interest_date(store, tmp_path):
    """Opened on 2024-04-10; the June 30 coupon is for the whole period from December 31, 2023:
    182 actual days at 5% on $3,000,000 over 360 = 75,833.33 (not the 81 days since the opening)."""
    views = loaded(store, tmp_path, OPENED)
    [coupon] = [p for p in views.schedule("bullet-2020", date(2024, 5, 1)).payments if p.due_on == date(2024, 6, 30)]
    assert coupon.interest == D("75833.33")
    [accrual] = views.accrued("bullet-2020", date(2024, 4, 10)).notes
    assert (accrual.since, accrual.days) == (date(2023, 12, 31), 101)


def test_a_fresh_agreement_without_events_of_default_on_file_is_never_called_in_default(store, tmp_path):
    views = loaded(store, tmp_path, OPENED)
    status = views.status("bullet-2020", date(2025, 1, 20))
    assert [(p.due_on, p.status, p.section) for p in status.overdue] == [
        (date(2024, 6, 30), "unpaid", None),
        (date(2024, 12, 31), "unpaid", None),
    ]
    assert any("Events of Default for unpaid interest are not on file" in gap for gap in status.not_on_file)


def test_an_agreement_with_events_of_default_uses_its_own_grace_calendar_and_sections(store, tmp_path):
    """Acme: interest 5 Business Days (US and New York holidays) under Section 11(b), principal at once under 11(a).
    The September 15, 2025 coupon: the fifth Business Day after is September 22, the last day of grace."""
    views = loaded(store, tmp_path, TEMPLATE)
    late = {(p.due_on, p.kind): p for p in views.status("acme-2024", date(2027, 3, 16)).overdue}
    september = late[(date(2025, 9, 15), "interest")]
    assert (september.status, september.section, september.default_on) == ("unpaid: Event of Default", "11(b)", date(2025, 9, 23))
    march = late[(date(2027, 3, 15), "interest")]
    assert (march.status, march.default_on) == ("unpaid, within grace", date(2027, 3, 23))
    instalment = late[(date(2027, 3, 15), "required prepayment")]
    assert (instalment.status, instalment.section) == ("unpaid: Event of Default", "11(a)")


def coupon_said(views: Queries, due: date, on: date) -> str:
    """The status of acme-2024's coupon due ``due``, as the schedule (and status) print it on ``on``."""
    from adapters.render import payment_status

    [coupon] = [p for p in views.schedule("acme-2024", on).payments if p.due_on == due and p.kind == "interest"]
    return payment_status(coupon, marked=False)


def test_interest_paid_on_the_last_day_of_grace_is_not_in_default_and_the_status_says_so(store, tmp_path):
    """Acme's 11(b) gives 5 Business Days: the September 15, 2025 coupon may be paid to September 22; it is in
    default from September 23, and the status never says a default begins on a day it may still be paid."""
    said = partial(coupon_said, loaded(store, tmp_path, TEMPLATE), date(2025, 9, 15))

    assert said(date(2025, 9, 15)) == "due today (Section 11(b); grace ends 2025-09-22)"
    assert said(date(2025, 9, 22)) == "unpaid, within grace (Section 11(b); grace ends 2025-09-22)"
    assert said(date(2025, 9, 23)) == "unpaid: Event of Default (Section 11(b); default from 2025-09-23)"


def test_a_payment_due_on_a_saturday_is_made_the_next_business_day_and_its_grace_runs_from_then(store, tmp_path):
    """Acme's 8.8: the coupon of Saturday, March 15, 2025 is made on Monday the 17th; 11(b)'s 5 Business Days run
    from then, to the 24th (they ran from the Saturday, to the 21st, and a default was recorded from the 22nd).
    Paid on the 17th it is on time; an agreement silent on it is said to be, and grace runs from the day due."""
    from adapters.entries import EventOfDefaultEntry, InterestEntry
    from adapters.render import terms_text
    from domain.errors import NotYetInDefault

    views = loaded(store, tmp_path, TEMPLATE)
    said = partial(coupon_said, views, date(2025, 3, 15))

    assert said(date(2025, 3, 1)) == "scheduled, payable 2025-03-17"
    assert said(date(2025, 3, 15)) == "due today (payable 2025-03-17; Section 11(b); grace ends 2025-03-24)"
    assert said(date(2025, 3, 16)) == "unpaid, within grace (payable 2025-03-17; Section 11(b); grace ends 2025-03-24)"
    assert said(date(2025, 3, 17)) == "due today (payable 2025-03-17; Section 11(b); grace ends 2025-03-24)"
    assert said(date(2025, 3, 25)) == "unpaid: Event of Default (payable 2025-03-17; Section 11(b); default from 2025-03-25)"
    from adapters.exports import schedule_sheet  # a spreadsheet gives the days as the status does

    sheet = schedule_sheet(views.schedule("acme-2024", date(2025, 3, 25)))
    [row] = [dict(zip(sheet.header, r, strict=True)) for r in sheet.rows if r[1:3] == ("interest", date(2025, 3, 15))]
    assert (row["payable_on"], row["default_on"], row["status"]) == (date(2025, 3, 17), date(2025, 3, 25), "unpaid: Event of Default")
    assert "  other days           a payment due then is made the next Business Day, its grace counted from then" \
           " (Section 8.8)" in terms_text(views.terms("acme-2024"))
    paid = {"type": "interest", "evidence": {"document": "wire"}}
    store.record("acme-2024", InterestEntry.model_validate({**paid, "effective_on": "2024-09-16"}))
    with pytest.raises(NotYetInDefault, match=r"the interest due 2025-03-15 may be paid to 2025-03-24"):
        store.record("acme-2024", EventOfDefaultEntry.model_validate({
            "type": "event-of-default", "effective_on": "2025-03-24", "clause": "11(b)", "description": "coupon unpaid",
            "evidence": {"document": "notice of default"}}))
    store.record("acme-2024", InterestEntry.model_validate({**paid, "effective_on": "2025-03-17"}))
    assert said(date(2025, 3, 17)).startswith("paid 2025-03-17 (acme-2024:") and not said(date(2025, 3, 17)).endswith("late")
    silent = TEMPLATE.replace(', payments = "next business day"', "").replace('"acme-2024"', '"silent-2024"')
    views = loaded(store, tmp_path, silent)
    status = views.status("silent-2024", date(2025, 3, 22))
    assert [(p.due_on, p.status, p.default_on, p.payable_on) for p in status.overdue] == [
        (date(2024, 9, 15), "unpaid: Event of Default", date(2024, 9, 21), None),
        (date(2025, 3, 15), "unpaid: Event of Default", date(2025, 3, 22), None)]
    assert ("what the agreement does with a payment due on a day that is not a Business Day (2024-09-15, 2025-03-15) is"
            " not on file: its grace is counted from that day") in status.not_on_file
    assert "what is done with a payment due on a day that is not a Business Day" in views.terms("silent-2024").not_on_file


def test_principal_without_grace_is_in_default_from_the_day_after_it_is_due(store, tmp_path):
    from adapters.render import payment_status

    views = loaded(store, tmp_path, TEMPLATE)
    [instalment] = [p for p in views.status("acme-2024", date(2027, 3, 15)).overdue if p.kind == "required prepayment"]
    assert payment_status(instalment, marked=False) == "due today (Section 11(a); default from 2027-03-16)"


def test_a_principal_default_without_grace_is_recorded_from_the_day_after_the_instalment_is_due(store, tmp_path):
    from adapters.entries import EventOfDefaultEntry
    from domain.errors import NotYetInDefault

    loaded(store, tmp_path, TEMPLATE)

    def default(on: str):
        return store.record("acme-2024", EventOfDefaultEntry.model_validate(
            {"type": "event-of-default", "effective_on": on, "clause": "11(a)", "description": "instalment unpaid",
             "evidence": {"document": "notice of default"}}))

    with pytest.raises(NotYetInDefault, match=r"the principal due 2027-03-15 may still be paid that day, so none exists"
                                              r" before 2027-03-16 \(Section 11\(a\)\)"):
        default("2027-03-15")
    assert default("2027-03-16").events[0].clause == "11(a)"


def test_accrued_interest_says_when_interest_due_before_it_is_not_recorded_paid(store, tmp_path):
    """Accrued from 2024-09-15 read as all the interest owed while that coupon was unpaid: nothing said otherwise."""
    from adapters.entries import InterestEntry

    views = loaded(store, tmp_path, TEMPLATE)
    assert views.accrued("acme-2024", date(2024, 9, 20)).caveats == (
        "6.00%: the interest due 2024-09-15 (unpaid, within grace) is not recorded paid; the accrued interest shown runs"
        " from the last interest date and leaves it out (status lists what is overdue)",)
    assert "2024-09-15 (unpaid: Event of Default) and 2025-03-15 (unpaid: Event of Default)" in views.accrued(
        "acme-2024", date(2025, 4, 1)).caveats[0]
    store.record("acme-2024", InterestEntry.model_validate({"type": "interest", "effective_on": "2024-09-16",
                                                             "evidence": {"document": "wire"}}))
    assert Queries(store).accrued("acme-2024", date(2024, 9, 20)).caveats == ()


def test_an_empty_view_says_so_in_words_not_as_an_empty_table(store, tmp_path):
    """`amendments` of an agreement without any printed an empty table's headings, and `accrued` once every note was
    paid a table of a TOTAL row alone: each read as a view that failed, or as notes that accrued nothing."""
    from adapters.entries import MaturityEntry
    from support import command_line

    loaded(store, tmp_path, TEMPLATE)
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    assert command_line(url, "amendments", "acme-2024").stdout == "acme-2024: no amendment is on file\n"
    from adapters.page import agreement_page

    page = agreement_page(Queries(store), "acme-2024", date(2024, 6, 1), None, "", None)
    assert "<p>No amendment is on file.</p>" in page and "amendments-table" not in page, "nor the page an empty table"
    store.record("acme-2024", MaturityEntry.model_validate({"type": "maturity", "effective_on": "2031-03-17",
                                                            "evidence": {"document": "wire"}}))
    said = command_line(url, "accrued", "acme-2024", "--as-of", "2031-04-01").stdout
    assert said.startswith("acme-2024 accrued interest as of 2031-04-01: no note is outstanding and accruing, so none accrues\n")
    assert "TOTAL" not in said


def test_once_the_company_cancels_a_note_its_share_of_the_schedule_moves_no_cash_and_earns_no_interest(store, tmp_path):
    """Acme's notes count reacquired notes pro rata (8.4). With No. 2 ($4,000,000) cancelled, the schedule forecast
    interest on the $10,000,000 schedule less the live $6,000,000, down to -$60,000.00 a coupon, and outstanding showed
    a $2,000,000 instalment as -2,000,000 where $1,200,000 of it moved (No. 2's $800,000 is without cash): its
    movements did not sum to the figure beneath them."""
    from adapters.entries import CancellationEntry, InterestEntry, PrepaymentEntry

    views = loaded(store, tmp_path, TEMPLATE)

    def record(model, **fields):
        store.record("acme-2024", model.model_validate({"evidence": {"document": "test"}, **fields}))

    record(CancellationEntry, type="cancellation", effective_on="2024-06-01", note=2)
    schedule = views.schedule("acme-2024", date(2024, 6, 2))
    coupons = [p.interest for p in schedule.payments if p.kind == "interest"]
    assert coupons == [D("180000.00")] * 6 + [D("144000.00")] * 2 + [D("108000.00")] * 2 + [D("72000.00")] * 2 + [D("36000.00")] * 2
    assert schedule.caveats == ("6.00%: each payment of principal shown is the schedule's, of which the share of notes the"
                                " Company reacquired (No. 2: $4,000,000.00 of $10,000,000.00) is paid without cash (Section"
                                " 8.4); the interest shown is on the other notes alone",)
    for due in ("2024-09-16", "2025-03-17", "2025-09-15", "2026-03-16", "2026-09-15", "2027-03-15"):
        record(InterestEntry, type="interest", effective_on=due)
    record(PrepaymentEntry, type="prepayment", kind="required", effective_on="2027-03-15")
    [series] = Queries(store).outstanding("acme-2024", date(2027, 3, 16)).series
    assert [(m.kind, m.amount) for m in series.movements] == [
        ("issued", D("10000000.00")), ("cancelled", D("4000000.00")), ("required prepayment", D("1200000.00"))]
    assert series.outstanding == D("4800000.00") == D("10000000.00") - D("4000000.00") - D("1200000.00")


def test_once_the_company_cancels_a_note_that_takes_no_share_the_schedule_falls_on_the_others_until_they_are_paid(
        store, tmp_path):
    """Reacquired notes not counting pro rata, $3,000,000 of $10,000,000 cancelled: the schedule still showed five
    $2,000,000 payments on the $7,000,000 left, its coupons forecast down to -$90,000.00, and the last instalment it
    asked for could not be paid (more than was outstanding). Each falls wholly on the other notes: $2,000,000 in
    2027, 2028 and 2029, the $1,000,000 left in 2030, paid off then; no coupon after."""
    from adapters.entries import CancellationEntry, InterestEntry, PrepaymentEntry, TransferEntry

    views = loaded(store, tmp_path, TEMPLATE.replace("reacquired_notes_count_pro_rata = true ", "reacquired_notes_count_pro_rata = false"))

    def record(model, **fields):
        return store.record("acme-2024", model.model_validate({"evidence": {"document": "test"}, **fields}))

    [moved] = record(TransferEntry, type="transfer", effective_on="2024-05-01", new_holder=True, amount="1,000,000",
                     **{"from": "Example Mutual", "to": "Example Re"}).events
    record(CancellationEntry, type="cancellation", effective_on="2024-06-01", note=moved.issued[-1].number)  # $3,000,000
    schedule = views.schedule("acme-2024", date(2024, 6, 2))
    assert [(p.due_on.year, p.principal) for p in schedule.payments if p.principal] == [
        (2027, D("2000000.00")), (2028, D("2000000.00")), (2029, D("2000000.00")), (2030, D("1000000.00"))]
    coupons = [(p.due_on, p.interest) for p in schedule.payments if p.kind == "interest"]
    assert coupons[-1] == (date(2030, 3, 15), D("30000.00")) and min(i for _, i in coupons) > 0
    assert schedule.caveats == ("6.00%: the notes the Company cancelled ($3,000,000.00, acme-2024:5) take no share of"
                                " payments of principal (Section 8.4): each scheduled payment is made in full on the other"
                                " notes until they are paid",)
    for due in sorted({p.due_on for p in schedule.payments if p.status == "scheduled"}):
        if any(p.due_on == due and p.kind == "interest" for p in schedule.payments):
            record(InterestEntry, type="interest", effective_on=str(due))
        if any(p.due_on == due and p.principal for p in schedule.payments):
            record(PrepaymentEntry, type="prepayment", kind="required", effective_on=str(due))
    status = views.status("acme-2024", date(2031, 6, 1))
    assert (status.outstanding, status.overdue, status.next) == ({"6.00%": D("0.00")}, (), ())


def test_a_transferee_is_a_holder_or_declared_new_and_never_a_look_alike(store, tmp_path):
    loaded(store, tmp_path, TEMPLATE)
    transfer = 'from = "Example Life"\nto = "{to}"\namount = "1,000,000"\n{new}'
    with pytest.raises(UnknownTransferee, match="'Example' is not a holder on the registry .did you mean 'Example Life"):
        loaded(store, tmp_path, entries("t1", entry("transfer", "2024-06-03", transfer.format(to="Example", new=""))))
    with pytest.raises(UnknownTransferee, match="looks like 'Example Mutual Insurance Company'"):
        loaded(store, tmp_path, entries("t2", entry("transfer", "2024-06-03",
                                                    transfer.format(to="Example Mutual Insurance Co", new="new_holder = true\n"))))
    views = loaded(store, tmp_path, entries("t3", entry("transfer", "2024-06-03", transfer.format(to="example mutual insurance company", new=""))))
    assert [h.holder for h in views.annex1("acme-2024", date(2024, 6, 3)).holders] == [
        "Example Life Insurance Company", "Example Mutual Insurance Company"]


def test_a_holder_the_notes_name_is_renamed_once_it_has_its_own_entry_and_is_told_so(store, tmp_path):
    """It was refused as 'no holder ... is on the registry; load its journal first', under the rule of an agreement."""
    from domain.errors import HolderNotOnRegistry

    loaded(store, tmp_path, TEMPLATE)
    renamed = entry("holder-renamed", "2025-07-01", 'holder = "Example Life Insurance Company"\nname = "Exemplar Life"\n')
    with pytest.raises(HolderNotOnRegistry, match=r"holder 'example-life-insurance-company' has no entry of its own on"
                                                  r" the registry .*: record its `holder` entry first") as refused:
        loaded(store, tmp_path, entries("rename", renamed, kind="holders"))
    assert refused.value.rule == "a holder's renaming or alias follows the holder's own entry on the registry"


def test_a_holder_is_one_identity_across_agreements_with_its_names_over_time_and_aliases(store, tmp_path):
    views = loaded(store, tmp_path, TEMPLATE, GOOD["holder-renamed"].replace('depends_on = ["acme-2024"]', 'depends_on = []'))
    loaded(store, tmp_path, entries("alias", entry("holder-alias", "2025-07-01",
                                                   'holder = "Example Life Insurance Company"\nalias = { name = "Example Life (London)", role = "signatory" }\n'),
                                    kind="holders"))
    before, after = views.annex1("acme-2024", date(2025, 6, 30)), views.annex1("acme-2024", date(2025, 7, 1))
    assert before.holders[0].holder == "Example Life Insurance Company"
    assert after.holders[0].holder == "Exemplar Life Insurance Company"
    [life] = [h for h in views.holders(date(2025, 7, 1)).holders if h.holder == "example-life-insurance-company"]
    assert life.name == "Exemplar Life Insurance Company"
    assert life.also_known_as == ("Example Life Insurance Company", "Example Life (London)")
    assert [(p.agreement, p.principal) for p in life.positions] == [("acme-2024", D(6000000))]
    loaded(store, tmp_path, entries("by-alias", entry("transfer", "2025-07-02",
                                                      'from = "London"\nto = "Example Mutual Insurance Company"\namount = "1,000,000"\n')))
    assert views.register("acme-2024", date(2025, 7, 2)).holders[0].principal == {"6.00%": D(5000000)}


def test_a_holder_renamed_is_so_named_in_the_register_as_in_annex_1_from_the_moment_it_was_recorded(store, tmp_path):
    """The register went on naming Example Life by its old name beside Annex 1's new one; and a view as known at a
    moment before the renaming was recorded showed the new name."""
    views = loaded(store, tmp_path, TEMPLATE)
    before = store.agreement("acme-2024").events[-1].timestamp
    new, old = "Exemplar Life Insurance Company", "Example Life Insurance Company"
    assert views.register("acme-2024", date(2025, 7, 1)).notes[0].holder == old  # (what it keeps is made again)
    loaded(store, tmp_path, GOOD["holder-renamed"].replace('depends_on = ["acme-2024"]', 'depends_on = []'))
    by_note, by_holder = (views.register("acme-2024", date(2025, 7, 1), by_note=b) for b in (True, False))
    assert ([n.holder for n in by_note.notes][:1], [h.holder for h in by_holder.holders][:1]) == ([new], [new])
    assert views.register("acme-2024", date(2025, 6, 30)).notes[0].holder == old
    assert views.annex1("acme-2024", date(2025, 7, 1), known_at=before).holders[0].holder == old
    assert views.register("acme-2024", date(2025, 7, 1), known_at=before).notes[0].holder == old
    assert [h.name for h in views.holders(date(2025, 7, 1), known_at=before).holders][:1] == [old]
    assert [h.name for h in views.holders(date(2025, 7, 1)).holders][:1] == [new]
    loaded(store, tmp_path, GOOD["consent"].replace("2025-02-0", "2025-08-0").replace('id = "c"', 'id = "later"', 1))
    consented = [v.holder for v in views.consents("acme-2024", 1).holders if v.consented]
    assert consented == [v.holder for v in views.amendments("acme-2024")[0].consents.holders if v.consented] == [new]


def test_annex_1_keeps_its_holder_order_between_dates(store, tmp_path):
    """The first holder passes part of its note to a newcomer: the remainder has a higher number than
    the second holder's note, but the first holder stays first."""
    views = loaded(store, tmp_path, TEMPLATE, GOOD["transfer"])
    order = [h.holder for h in views.annex1("acme-2024", date(2024, 6, 3)).holders]
    assert order == ["Example Life Insurance Company", "Example Mutual Insurance Company", "New Life Co"]


def test_corrected_terms_supersede_the_registration_and_every_entry_is_checked_again(store, tmp_path):
    views = loaded(store, tmp_path, TEMPLATE, GOOD["terms-corrected"])
    assert views.terms("acme-2024").terms.amendment_threshold == "66-2/3%"
    wrong = GOOD["terms-corrected"].replace('principal = "10,000,000"', 'principal = "12,000,000"').replace('id = "c"', 'id = "c2"')
    with pytest.raises(BackdatingConflict, match="unissued"):
        loaded(store, tmp_path, wrong)


def test_a_registration_made_in_error_is_reversed_while_nothing_rests_on_it_then_registered_again(store, tmp_path):
    agreement_only = TEMPLATE.split('[[entry]]\nid = "closing"')[0]
    views = loaded(store, tmp_path, agreement_only)
    loaded(store, tmp_path, entries("withdraw", '[[entry]]\nid = "r"\ntype = "reversal"\nevidence = { document = "t" }\n'
                                                'target = 1\nreason = "registered under the wrong key"\n'))
    with pytest.raises(UnknownAgreement, match="taken off the registry"):
        views.register("acme-2024", date(2024, 3, 15))
    assert store.ledger.kept_names()[stream_id(AGREEMENT, "acme-2024").hex].names == (), "it names no holder now"
    assert views.verify().intact, "the names kept for it (none) hold against its events, reversal and all"
    loaded(store, tmp_path, TEMPLATE.replace('id = "acme-2024"', 'id = "acme-2024-again"', 1))
    assert views.register("acme-2024", date(2024, 3, 15)).totals == {"6.00%": D(10000000)}
