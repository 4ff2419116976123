"""What the record says and what it does not, in every view: the second clock before anything was
recorded, the record horizon of the fixtures, and the assumptions under the figures."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from support import admin_key, command_line

BEFORE_ANYTHING = "2003-04-02T17:00:00Z"

def dated(on: str, *views: str) -> dict[str, list[str]]:
    """The arguments of each view of barnes-1995 as of ``on`` (holders reads every agreement)."""
    return {view: [view, *(() if view == "holders" else ("barnes-1995",)), "--as-of", on] for view in views}


# Every view that takes --known-at.
KNOWN_AT_VIEWS = {
    **dated("2003-03-31", "register", "annex1", "outstanding", "status", "schedule", "accrued"),
    "terms": ["terms", "barnes-1995"],
    "history": ["history", "barnes-1995"],
    "text": ["text", "barnes-1995", "--as-of", "2003-03-31", "--section", "7.7"],
    "redline": ["redline", "barnes-1995", "--from", "2003-02-04", "--to", "2003-02-05"],
    "amendments": ["amendments", "barnes-1995"],
    "consents": ["consents", "barnes-1995", "2"],
    **dated("2003-03-31", "guaranties", "holders"),
}

# The views of the register and of payments, as of the 1995 notes' maturity: past the record.
AT_MATURITY = dated("2005-12-05", "register", "annex1", "outstanding", "status", "schedule", "accrued", "holders")

# The views of the register, as of the day before the 1995 notes were issued (the agreement is dated 1995-12-01).
BEFORE_ISSUE = dated("1995-12-04", "register", "annex1", "outstanding", "accrued", "schedule", "status")


def run(db: str, *args: str):
    result = command_line(db, *args, identity=admin_key())
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), result.exception
    return result


@pytest.mark.parametrize("view", KNOWN_AT_VIEWS)
def test_a_view_known_at_a_time_before_anything_was_recorded_says_so_and_shows_nothing(loaded_url, view):
    result = run(loaded_url, *KNOWN_AT_VIEWS[view], "--known-at", BEFORE_ANYTHING)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "was recorded by 2003-04-02 17:00:00 UTC" in result.stderr
    assert "first" in result.stderr and "recorded at" in result.stderr
    assert "Traceback" not in result.stderr and "not in the text" not in result.stderr


def test_known_at_an_event_shows_the_register_as_it_was_known_then(loaded_url):
    transferred = run(loaded_url, "transfer", "barnes-1995", "--date", "2003-03-14", "--from", "Lincoln",
                      "--to", "Connecticut General Life Insurance Company", "--amount", "1,000,000")
    assert transferred.exit_code == 0, transferred.output
    now = json.loads(run(loaded_url, "annex1", "barnes-1995", "--as-of", "2003-03-31", "--format", "json").stdout)
    then = json.loads(run(loaded_url, "annex1", "barnes-1995", "--as-of", "2003-03-31", "--format", "json",
                          "--known-at", "barnes-1995:30").stdout)
    lincoln = "Lincoln Investment Management, Inc."
    assert {h["holder"]: h["principal"]["7.13%"] for h in now["holders"]}[lincoln] == "5150000.00"
    assert {h["holder"]: h["principal"]["7.13%"] for h in then["holders"]}[lincoln] == "6150000.00"
    unknown = run(loaded_url, "register", "barnes-1995", "--as-of", "2003-03-31", "--known-at", "barnes-1995:99")
    assert unknown.exit_code == 1 and "no event No. 99" in unknown.stderr


@pytest.mark.parametrize("view", AT_MATURITY)
def test_past_the_record_no_view_calls_the_1995_notes_in_default_and_every_view_says_where_the_record_ends(
    loaded_url, view
):
    text = run(loaded_url, *AT_MATURITY[view])
    assert text.exit_code == 0, text.output
    assert "the record on file ends" in text.stdout and "2003-02-05" in text.stdout
    lines: list[str] = []
    for line in text.stdout.splitlines():  # a note too long for the line runs on under itself
        lines += [line] if not line.startswith("      ") or not lines else [lines.pop() + " " + line.strip()]
    shown = [line for line in lines if not line.startswith("  A")]  # assumptions quote the documents
    assert not any("Event of Default" in line or "unpaid" in line for line in shown)
    data = json.loads(run(loaded_url, *AT_MATURITY[view], "--format", "json").stdout)
    ends = data["record_ends"]["barnes-1995"] if view == "holders" else data["record_ends"]
    assert "2003-02-05" in (ends["register"], ends["payments"]) and ends["event"] == "barnes-1995:30"


@pytest.mark.parametrize("view", BEFORE_ISSUE)
def test_a_view_of_a_day_before_the_notes_were_issued_says_when_they_were(loaded_url, view):
    """Between the agreement's date and the closing, the register was empty and said nothing more: read as notes
    paid off, or as a register not on file. Each view says when the first notes were issued; from then on, nothing."""
    text = run(loaded_url, *BEFORE_ISSUE[view])
    assert text.exit_code == 0, text.output
    assert "note: no 7.13% notes were issued by then: the first were issued on 1995-12-05" in text.stdout
    data = json.loads(run(loaded_url, *BEFORE_ISSUE[view], "--format", "json").stdout)
    assert data["issued_later"] == [{"series": "7.13%", "issued_on": "1995-12-05"}]
    assert not data.get("not_on_file"), "that no notes were issued by then is on file"
    issued = [arg if arg != "1995-12-04" else "1995-12-05" for arg in BEFORE_ISSUE[view]]
    assert "issued_later" not in json.loads(run(loaded_url, *issued, "--format", "json").stdout)
    assert "were issued by then" not in run(loaded_url, *issued).stdout


def test_before_the_register_on_file_begins_interest_accrued_is_not_on_file_not_nil(loaded_url):
    """barnes-2000's notes were issued in 2000, and are on the registry as the 2003 amendment's Annex 1 lists them:
    accrued interest on 2001-01-01 was a table with a total of 0.00, and the schedule said no notes were issued."""
    text = run(loaded_url, "accrued", "barnes-2000", "--as-of", "2001-01-01")
    assert text.stdout == "barnes-2000 accrued interest as of 2001-01-01: not on file: the earliest register on file is as of 2003-02-05\n"
    data = json.loads(run(loaded_url, "accrued", "barnes-2000", "--as-of", "2001-01-01", "--format", "json").stdout)
    assert data["not_on_file"] == "not on file: the earliest register on file is as of 2003-02-05" and data["notes"] == []
    assert data["total"] is None, "unknown, not nil"
    for view in ("register", "annex1"):
        shown = json.loads(run(loaded_url, view, "barnes-2000", "--as-of", "2001-01-01", "--format", "json").stdout)
        assert shown["totals"] == {"8.59%": None} and shown["not_on_file"], view
    assert "not_on_file" not in json.loads(run(loaded_url, "accrued", "barnes-2000", "--as-of", "2003-02-05", "--format", "json").stdout)
    schedule = json.loads(run(loaded_url, "schedule", "barnes-2000", "--as-of", "2001-01-01", "--format", "json").stdout)
    assert schedule["not_on_file"] == ["8.59%: the earliest register on file is as of 2003-02-05"] and "issued_later" not in schedule


def test_the_status_of_a_day_before_the_register_on_file_says_so_once_a_series(loaded_url):
    """It said it twice: on the series' line, and again among what is not on file to schedule."""
    shown = run(loaded_url, "status", "novascotia-1999", "--as-of", "2001-01-01").stdout
    for series in ("7.66%", "7.80%"):
        assert shown.count(f"{series}: not on file: the earliest register on file is as of 2003-02-05") == 1, shown
    assert shown.count("the earliest register on file") == 2, shown
    data = json.loads(run(loaded_url, "status", "novascotia-1999", "--as-of", "2001-01-01", "--format", "json").stdout)
    assert data["not_on_file"] == [f"{s}: the earliest register on file is as of 2003-02-05" for s in ("7.66%", "7.80%")]


def test_a_payment_due_after_the_record_ends_is_not_recorded_not_unpaid(loaded_url):
    status = json.loads(run(loaded_url, "status", "barnes-1995", "--as-of", "2005-12-05", "--format", "json").stdout)
    assert status["overdue"] == []
    assert {(p["due_on"], p["kind"], p["status"]) for p in status["not_recorded"]} >= {
        ("2005-12-05", "maturity", "not recorded"), ("2003-12-05", "required prepayment", "not recorded")
    }
    nova = json.loads(run(loaded_url, "status", "novascotia-1999", "--as-of", "2012-01-01", "--format", "json").stdout)
    assert [(p["due_on"], p["status"]) for p in nova["not_recorded"]] == [("2007-11-12", "not recorded"), ("2010-11-12", "not recorded")]


def test_figures_resting_on_assumptions_are_marked_and_the_assumptions_listed(loaded_url):
    register = json.loads(run(loaded_url, "register", "barnes-1995", "--as-of", "2000-01-01", "--format", "json").stdout)
    assumed = {a["id"]: a for a in register["assumptions"]}
    lincoln = next(h for h in register["holders"] if h["holder"].startswith("Lincoln"))
    facts = {assumed[n]["fact"] for n in lincoln["rests_on"]}
    assert "effective date 1998-01-02" in facts
    life = next(h for h in register["holders"] if h["holder"].startswith("Life Insurance"))
    assert not any(assumed[n]["fact"].startswith("effective date") for n in life.get("rests_on", []))
    # Annex 1 of Amendment No. 2 is evidence of every holding on its date: nothing before it is assumed for them.
    annex = json.loads(run(loaded_url, "annex1", "barnes-1995", "--as-of", "2003-02-05", "--format", "json").stdout)
    assert "assumptions" not in annex and all("rests_on" not in h for h in annex["holders"])
    schedule = json.loads(run(loaded_url, "schedule", "barnes-1995", "--as-of", "2003-02-05", "--format", "json").stdout)
    paid = [p for p in schedule["payments"] if p["status"] == "paid" and p["kind"] == "interest"]
    assumed = {a["id"]: a["fact"] for a in schedule["assumptions"]}
    assert len(paid) == 14 and all(assumed[p["rests_on"][0]] == "paid on its due date" for p in paid)
    text = run(loaded_url, "schedule", "barnes-1995", "--as-of", "2003-02-05").stdout
    assert "paid 1996-06-05 (barnes-1995:4), assumed: A1" in text
    assert "A1-A14 (barnes-1995:4-7, 9-11, 14-20) assumed paid on its due date: interest payments are not on file" in text, \
        "one line for the fourteen coupons' one assumption, not fourteen"
    assert "\n  A15 (barnes-1995:21) assumed paid on its due date: the documents give the schedule" in text


def test_a_schedule_of_holders_on_file_attests_the_holdings_not_the_notes(loaded_url):
    """Annex 1 of Amendment No. 2 gives each holder's holding: from 2003-02-05 the register by note showed its notes
    with no mark, though their numbers, and how Connecticut General's $5,100,000 splits into No. 2 and No. 6, still rest
    on what the documents do not give (note numbers assumed, which certificate Lincoln's purchase surrendered)."""
    register = json.loads(run(loaded_url, "register", "barnes-1995", "--as-of", "2003-02-05", "--format", "json").stdout)
    facts = {a["id"]: a["fact"] for a in register["assumptions"]}
    by_note = {n["number"]: {facts[m] for m in n["rests_on"]} for n in register["notes"]}
    assert "note numbers 1-4" in by_note[2] and "certificate surrendered" in by_note[6], by_note
    assert all("rests_on" not in h for h in register["holders"]), "each holding rests on the schedule on file"
    by_holder = run(loaded_url, "register", "barnes-1995", "--as-of", "2003-02-05", "--by", "holder").stdout
    assert "Assumed" not in by_holder and "figures marked" not in by_holder, "it lists nothing it does not cite"
    holders = json.loads(run(loaded_url, "holders", "--as-of", "2003-02-05", "--format", "json").stdout)
    positions = [p for h in holders["holders"] for p in h["positions"] if p["agreement"] == "barnes-1995"]
    assert positions and all("rests_on" not in p for p in positions)
    accrued = run(loaded_url, "accrued", "barnes-1995", "--as-of", "2003-02-28", "--by", "holder").stdout
    assert "note numbers" not in accrued and "paid on its due date" in accrued
    assert "note numbers 1-4" in run(loaded_url, "accrued", "barnes-1995", "--as-of", "2003-02-28").stdout


def test_counsel_sees_what_the_amendments_rest_on(loaded_url):
    amendments = run(loaded_url, "amendments", "barnes-1995").stdout
    assert "before 2003-02-05" in amendments and "(date not on file)" in amendments
    assert "5(b) met: Kar Guaranty" in amendments and "[assumed: A1 A2]" in amendments and "[assumed: A3 A4]" in amendments
    assert "A1 (kar-2003:1) assumed delivered: the guaranty itself is not on file" in amendments
    second = json.loads(run(loaded_url, "amendments", "barnes-1995", "--format", "json").stdout)[1]
    assumed = {a["id"]: a["fact"] for a in second["assumptions"]}
    assert {c["section"]: [assumed[n] for n in c.get("rests_on", [])] for c in second["conditions"]}["5(d)"] == [
        "delivered", "delivered on 2003-02-05"]
    consents = run(loaded_url, "consents", "barnes-1995", "2").stdout
    assert "yes, signed by THE LINCOLN NATIONAL LIFE INSURANCE C0OMPANY" in consents
    assert "  all series: $12,600,000.00 of $18,750,000.00 consented (67.20%); threshold 66-2/3%: met" in consents
    redline = run(loaded_url, "redline", "barnes-1995", "--from", "2003-02-04", "--to", "2003-02-05").stdout
    assert "so it is not a conformed copy" in " ".join(redline.split())  # (a note runs on at 100 columns)
    assert '  7.7: "Section 7,4" read as "Section 7.4"' in redline
    guaranties = run(loaded_url, "guaranties", "novascotia-1999", "--as-of", "2003-02-05").stdout
    assert "the documents describe what it guaranties differently" in guaranties


def test_history_reads_back_every_field_with_structured_evidence_and_filters(loaded_url):
    lines = json.loads(run(loaded_url, "history", "barnes-1995", "--format", "json").stdout)
    prepayment = next(line for line in lines if line["kind"] == "PrepaymentMade")
    assert prepayment["evidence"] == {
        "document": "003_dd423827a16c28bb.txt", "section": "5.1(a); 5.4",
        "note": "Annex 1 of Amendment No. 2 (000_317ef8812732a978.txt) shows $18,750,000 outstanding on February 5, 2003",
    }
    assert prepayment["fields"]["amount"] == "6250000.00" and prepayment["fields"]["kind"] == "required"
    assert sum(float(a["amount"]) for a in prepayment["fields"]["allocations"]) == 6250000
    text = next(line for line in lines if line["kind"] == "TextRecorded")
    assert text["fields"]["provisions"].startswith("123 ")
    window = json.loads(run(loaded_url, "history", "barnes-1995", "--from", "1999-01-01", "--to", "1999-12-31",
                            "--kind", "NoteTransferred", "--format", "json").stdout)
    assert [line["event"] for line in window] == ["barnes-1995:12", "barnes-1995:13"]
    lincoln = json.loads(run(loaded_url, "history", "barnes-1995", "--holder", "The Lincoln National Life Insurance Company",
                             "--format", "json").stdout)
    assert lincoln[0]["kind"] == "NoteTransferred" and {line["kind"] for line in lincoln} == {
        "NoteTransferred", "InterestPaid", "PrepaymentMade", "RegisterAttested", "ConsentGiven"}
    part = run(loaded_url, "history", "barnes-1995", "--holder", "lincoln", "--format", "json")  # as a command names one
    assert json.loads(part.stdout) == lincoln, part.output
    several = run(loaded_url, "history", "barnes-1995", "--holder", "Allstate")
    assert several.exit_code == 1 and "'Allstate' could be any of: Allstate Insurance Company; Allstate Life" in several.stderr
    positions = run(loaded_url, "holders", "--as-of", "2003-02-05", "--holder", "connecticut general", "--format", "json")
    assert [h["name"] for h in json.loads(positions.stdout)["holders"]] == ["Connecticut General Life Insurance Company"]
    unknown = run(loaded_url, "history", "barnes-1995", "--kind", "Transfer")
    assert unknown.exit_code == 1 and "there is no kind of event 'Transfer' (did you mean NoteTransferred?)" in unknown.stderr
    prepay = run(loaded_url, "history", "barnes-1995", "--kind", "prepay").stderr  # as the command is named
    assert "'prepay' (did you mean PrepaymentMade or PrepaymentNoticed?); the kinds are AccelerationPaid, AccelerationRescinded," in prepay


def test_a_note_s_history_goes_back_through_the_notes_it_was_issued_for_to_the_closing(loaded_url):
    """ACE Property & Casualty's No. 9 was issued for No. 8, itself issued for CIGNA P&C's No. 3 at the closing: an
    auditor asking what its $1,155,375 rests on reads the closing, the two transfers, every coupon paid on the three
    and the 2002 prepayment, and nothing of the other notes."""
    lines = json.loads(run(loaded_url, "history", "barnes-1995", "--note", "9", "--format", "json").stdout)
    kinds = [line["kind"] for line in lines]
    assert kinds[0] == "NotesIssued" and kinds.count("NoteTransferred") == 2 and kinds[-1] == "PrepaymentMade"
    assert [line["event"] for line in lines if line["kind"] == "NoteTransferred"] == ["barnes-1995:12", "barnes-1995:13"]
    assert kinds.count("InterestPaid") == 14, "every coupon from 1996 to 2002, on No. 3 then No. 9"
    assert "barnes-1995:8" not in [line["event"] for line in lines], "Connecticut General's transfer to Lincoln is not No. 9's"
    text = run(loaded_url, "history", "barnes-1995", "--note", "9", "--kind", "NoteTransferred").stdout
    assert "barnes-1995 history, note No. 9 and the notes it was issued for" in text
    missing = run(loaded_url, "history", "barnes-1995", "--note", "99")
    assert missing.exit_code == 1 and "there is no note No. 99 in the history of barnes-1995; its notes are numbered 1, 2," in missing.stderr
    assert "rule: a note asked about is one the agreement has issued" in missing.stderr


def test_an_event_reads_as_fields_a_person_reads_not_as_json(loaded_url):
    """It was the fields' JSON: 40 lines of braces for six allocations, amounts without separators."""
    shown = run(loaded_url, "event", "barnes-1995:21").stdout
    assert shown.endswith("""\
  fields
    series       7.13%
    kind         required
    amount       6,250,000.00
    allocations
      - note 2, amount 1,250,000.00, deemed no
      - note 4, amount 1,250,000.00, deemed no
      - note 5, amount 2,050,000.00, deemed no
      - note 6, amount 450,000.00, deemed no
      - note 7, amount 864,875.00, deemed no
      - note 9, amount 385,125.00, deemed no
    interest     0.00
    makewhole    (not given)
  paid
    to Connecticut General Life Insurance Company (No. 2, No. 6): $1,700,000.00
    to Life Insurance Company of North America (No. 4): $1,250,000.00
    to Lincoln Investment Management, Inc. (No. 5): $2,050,000.00
    to ACE American Insurance Co. (No. 7): $864,875.00
    to ACE Property & Casualty Insurance Company (No. 9): $385,125.00
"""), shown
    paid = json.loads(run(loaded_url, "event", "barnes-1995:21", "--format", "json").stdout)["payees"]
    assert sum(Decimal(p["amount"]) for p in paid) == Decimal("6250000.00") and paid[0]["notes"] == [2, 6]
    transfer = run(loaded_url, "event", "barnes-1995:8").stdout  # records too long for a line are blocks, all alike
    assert """\
    issued
      - number           5
        series           7.13%
        holder           Lincoln Investment Management, Inc.
        principal        8,200,000.00
        registered_name  (not given)
        account          (not given)
      - number           6
""" in transfer


def test_a_field_of_several_lines_is_shown_escaped_on_one():
    """Names and texts are data: a value (or a key) running over lines cannot pass for a line of the view."""
    from adapters.render import fields_text

    shown = fields_text({"text": "a\n  recorded  2020-01-01", "by\nseries": {"7.13%": "x"}, "notes": ["one", "two\rthree"],
                         "a\nkey": "y"}, 1)
    assert shown == ['  text          "a\\n  recorded  2020-01-01"', '  "by\\nseries"', "    7.13%  x",
                     '  notes         one; "two\\rthree"', '  "a\\nkey"      y'], "the values in one column, as keys are shown"


def test_the_make_whole_calculation_stored_with_a_prepayment_is_shown(loaded_url):
    noticed = run(loaded_url, "notice", "barnes-1995", "--date", "2003-03-03", "--prepay-on", "2003-03-20", "--amount", "3,000,000")
    assert noticed.exit_code == 0, noticed.output
    paid = run(loaded_url, "prepay", "barnes-1995", "--date", "2003-03-20", "--amount", "3,000,000", "--kind", "optional",
               "--treasury-curve", "1y=1.25,2y=1.60,3y=2.10,5y=2.90")
    assert paid.exit_code == 0, paid.output
    ref = paid.stdout.split()[1].rstrip(":")
    shown = run(loaded_url, "event", ref).stdout
    assert "make-whole calculation recorded with it:" in shown
    assert "make-whole premium                               $255,432.51" in shown
    fitted = command_line(loaded_url, "event", ref, columns=80).stdout
    assert max(map(len, fitted.splitlines())) <= 80 < max(map(len, shown.splitlines())), "at 80 columns, as makewhole is"
    assert "2003-06-05: principal 0.00, interest 106,950.00, 3 months," in fitted
    data = json.loads(run(loaded_url, "event", ref, "--format", "json").stdout)
    assert data["fields"]["makewhole"]["premium"] == "255432.51"
    assert data["fields"]["makewhole"]["weighted_average_life_years"].startswith("1.75")


def test_counsel_records_a_default_and_an_acceleration_from_the_command_line(loaded_url):
    recorded = run(loaded_url, "default", "barnes-1995", "--date", "2003-03-03", "--clause", "9.1(c)",
                   "--description", "Consolidated Net Worth below 7.7's floor", "--evidence", "compliance certificate")
    assert recorded.exit_code == 0 and "Event of Default under 9.1(c)" in recorded.stdout
    short = run(loaded_url, "accelerate", "barnes-1995", "--date", "2003-03-10", "--by", "Lincoln",
                "--treasury-curve", "1y=1.25,2y=1.60,3y=2.10,5y=2.90")
    assert short.exit_code == 1 and short.stdout == ""
    assert "needs holders of at least 51% of the $18,750,000.00 that counts" in short.stderr and "(Section 9.2)" in short.stderr
    assert "; Lincoln Investment Management, Inc. holds $6,150,000.00 (32.80%)" in short.stderr, "one holder holds"
    declared = run(loaded_url, "accelerate", "barnes-1995", "--date", "2003-03-10", "--by", "Lincoln",  # as history shows it
                   "--by", "Life Insurance Company of North America", "--treasury-curve", "1y=1.25,2y=1.60,3y=2.10,5y=2.90",
                   "--default", "barnes-1995:31")
    assert declared.exit_code == 0, declared.output
    status = run(loaded_url, "status", "barnes-1995", "--as-of", "2003-03-31").stdout
    assert "Event of Default barnes-1995:31 under 9.1(c) (Financial Covenant Defaults) on 2003-03-03" in status
    assert "acceleration barnes-1995:32 on 2003-03-10" in status and "make-whole premium" in status
    annulled = run(loaded_url, "rescind", "barnes-1995", "--date", "2003-03-11", "--by", "Lincoln",
                   "--by", "Life Insurance Company of North America", "--acceleration", "32")  # by its number alone
    assert annulled.exit_code == 0 and "acceleration No. 32 annulled" in annulled.stdout, annulled.output
    terms = run(loaded_url, "terms", "barnes-1995").stdout
    assert "acceleration         automatic on 9.1(g), 9.1(h), 9.1(i)" in terms
