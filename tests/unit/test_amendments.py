"""Amendments of February 5, 2003: what they changed, on whose consent, and what they waited for."""

import re
from datetime import date
from decimal import Decimal
from decimal import Decimal as D
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters import render
from adapters.entries import AmendmentEntry, ConsentEntry, LapseEntry, TransferEntry
from adapters.journal import load
from adapters.registry import Registry
from conftest import FIXTURES
from domain.errors import (
    ConsentRefused,
    TextRefused,
    UnknownAmendment,
    UnknownHolder,
    UnknownSection,
)
from projections.amendments import amendment_status, amendments
from projections.guaranties import guaranties_as_of
from projections.text import redline, text_as_of

SOURCES = FIXTURES / "sources"


def collapsed(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def exhibit_a_quote(seed: str, starts: str) -> str:
    """A quoted passage of an amendment's Exhibit A, as the seed prints it."""
    text = collapsed(re.sub(r"(?m)<PAGE>|^\s*-\d+-\s*$", " ", (SOURCES / seed).read_text()))
    exhibit = text[text.index("EXHIBIT A AMENDMENT") :]
    start = exhibit.index(f'"{starts}') + 1
    return exhibit[start : exhibit.index('" ', start) if '" ' in exhibit[start:] else exhibit.rindex('"')]


def text_view(registry: Registry, key: str, day: date):
    streams = registry.streams()
    return text_as_of(key, streams[f"agreement/{key}"], day, amendments(key, streams))


def record(registry, key, model, **fields):
    entry = model.model_validate({"effective_on": "2003-06-02", "evidence": {"document": "test"}, **fields})
    return registry.record(key, entry)


def test_section_7_7_is_the_seeds_original_until_2003_02_04_and_exhibit_a_from_2003_02_05(loaded):
    raw = collapsed((SOURCES / "003_dd423827a16c28bb.txt").read_text())
    original = raw[raw.index("7.7 Indebtedness.") + len("7.7 Indebtedness.") : raw.index("7.8 Net Worth.")]
    original = collapsed(re.sub(r"PAGE \d+|-{3,}", " ", original))
    restated = exhibit_a_quote("000_317ef8812732a978.txt", "Section 7.7").removeprefix("Section 7.7 Indebtedness. ")
    assert text_view(loaded, "barnes-1995", date(2003, 2, 4)).section("7.7").text == original
    assert text_view(loaded, "barnes-1995", date(2003, 2, 5)).section("7.7").text == restated
    assert "(e) the Kar Guaranty; and (f) additional Indebtedness" in restated


def test_each_amended_provision_is_marked_with_its_amendment_and_date(loaded):
    view = text_view(loaded, "barnes-1995", date(2003, 6, 30))
    [mark] = view.marks_of(view.section("7.14(e)"))
    assert (mark.amendment, mark.effective_on) == ("Amendment No. 2 to Note Purchase Agreement", date(2003, 2, 5))
    assert mark.change == "Section 7.14(e) amended and restated in its entirety"
    assert view.marks_of(view.section("7.8")) == ()


def test_the_kar_guaranty_definition_sits_between_its_neighbours_from_2003_02_05_only(loaded):
    def terms(day):
        return [p.title for p in text_view(loaded, "barnes-1995", day).provisions if p.kind == "definition"]

    assert "Kar Guaranty" not in terms(date(2003, 2, 4))
    after = terms(date(2003, 2, 5))
    at = after.index("Kar Guaranty")
    assert after[at - 1 : at + 2] == ["Investment", "Kar Guaranty", "Lien"]
    definition = text_view(loaded, "barnes-1995", date(2003, 2, 5)).section("Kar Guaranty").text
    assert definition.startswith('"Kar Guaranty" means that certain Guaranty dated as of February 5, 2003')
    assert definition.endswith('(collectively, the "Nova Scotia Agreement")).')


def test_every_amended_text_is_word_for_word_the_seeds(loaded):
    for key, seed in [
        ("barnes-1995", "000_317ef8812732a978.txt"),
        ("novascotia-1999", "001_559a2a107d7f5378.txt"),
        ("barnes-2000", "002_b192e8b334191ee1.txt"),
    ]:
        exhibit = collapsed(re.sub(r"(?m)<PAGE>|^\s*-\d+-\s*$", " ", (SOURCES / seed).read_text()))
        exhibit = re.sub(r" -\d+- ", " ", exhibit[exhibit.index("EXHIBIT A AMENDMENT") :])
        [executed] = [e for e in loaded.agreement(key).events if type(e).__name__ == "AmendmentExecuted"]
        for change in executed.changes:
            assert change.text in exhibit, (key, change.target)


def test_the_nova_scotia_tally_is_56_of_70_million_without_state_farm_and_meets_two_thirds(loaded):
    state = amendment_status("novascotia-1999", 1, loaded.streams())
    [everything] = state.consents.classes
    assert (everything.consenting_principal, everything.voting_principal) == (D(56000000), D(70000000))
    assert everything.share == "80.00%"
    assert state.consents.threshold == "66-2/3%" and state.consents.met
    [state_farm] = [v for v in state.consents.holders if not v.consented]
    assert state_farm.holder == "State Farm Life Insurance Company"
    assert state.status == "effective"


def test_all_three_amendments_are_effective_as_of_2003_02_05(loaded):
    for key in ("barnes-1995", "novascotia-1999", "barnes-2000"):
        [state] = [s for s in amendments(key, loaded.streams()) if s.status != "not on file"]
        assert (state.status, state.as_of) == ("effective", date(2003, 2, 5)), state.reason


def test_without_the_kar_guarantys_delivery_none_of_the_three_amendments_is_effective(registry):
    load(registry, [p for p in sorted(FIXTURES.glob("*.toml")) if p.name != "kar-guaranty.toml"])
    for key in ("barnes-1995", "novascotia-1999", "barnes-2000"):
        [state] = [s for s in amendments(key, registry.streams()) if s.status != "not on file"]
        assert state.status == "pending"
        assert "5(b) not met: no delivery of guaranty/kar-2003 is on file" in state.reason
        why = render.amendment_why(state)  # the condition not met is said once, in the reason, not again beneath it
        assert [line for line in why if "guaranty/kar-2003" in line] == [why[0]], why
        assert any(line.startswith("5(c)(i) met: ") for line in why[1:]), "the conditions met are listed"
    assert "Kar Guaranty" not in [p.title for p in text_view(registry, "barnes-1995", date(2004, 1, 1)).provisions]


def test_an_amendment_changing_payments_is_said_beneath_the_payments_worked_out_from_the_terms_registered(loaded):
    """An amendment restating the interest rate changes the text, not the terms the schedule is worked out from: the
    coupons (and a make-whole quote) went on being shown at 7.13%, as if nothing had changed them."""
    from decimal import Decimal as D

    from adapters.queries import Queries
    from domain.makewhole import CurvePoint

    [executed] = record(loaded, "barnes-1995", AmendmentEntry, type="amendment", number=3, name="Amendment No. 3",
                        changes_payments=True).events
    said = (f"Amendment No. 3 (barnes-1995:{executed.originator_version}), executed as of 2003-06-02, changes payment"
            " amounts, times or rates: the figures shown are worked out from the terms as registered, which its words do"
            " not change (`debtreg amendments` says whether it is in force)")
    views = Queries(loaded)
    assert said in views.schedule("barnes-1995", date(2003, 7, 1)).caveats
    assert said in views.status("barnes-1995", date(2003, 7, 1)).caveats
    assert said in views.accrued("barnes-1995", date(2003, 7, 1)).caveats
    curve = [CurvePoint(D(1), D("1.25")), CurvePoint(D(2), D("1.60")), CurvePoint(D(3), D("2.10"))]
    quote = views.makewhole("barnes-1995", date(2003, 7, 1), D(3000000), curve)
    assert quote.caveats == (said,) and render.makewhole_text(quote).endswith(f"note: {said}")
    assert said not in views.schedule("barnes-1995", date(2003, 6, 1)).caveats, "not before its date"
    record(loaded, "barnes-1995", LapseEntry, type="amendment-lapsed", effective_on="2003-06-20", amendment=3,
           reason="withdrawn by the Company")
    assert said in views.schedule("barnes-1995", date(2003, 6, 10)).caveats
    assert said not in Queries(loaded).schedule("barnes-1995", date(2003, 7, 1)).caveats, "a lapsed one changes nothing"


def test_an_amendment_signed_below_the_threshold_never_changes_the_text(loaded):
    record(
        loaded, "barnes-1995", AmendmentEntry, type="amendment", number=3, name="Amendment No. 3", consents_section="5(a)",
        changes=[{"action": "restate", "target": "7.8", "title": "Net Worth", "text": "Hypothetical."}],
    )
    record(loaded, "barnes-1995", ConsentEntry, type="consent", amendment=3, holder="Lincoln")
    state = amendment_status("barnes-1995", 3, loaded.streams())
    assert state.status == "pending"
    assert state.reason == "Section 5(a) consents: all series: 32.80% consented, 66-2/3% needed, $6,350,000.00 more"
    view = text_view(loaded, "barnes-1995", date(2010, 1, 1))
    assert view.section("7.8").text.startswith("The Company will not permit Consolidated Net Worth")
    assert any("Amendment No. 3 (as of 2003-06-02) is pending" in caveat for caveat in view.caveats)


def test_changing_section_9_needs_every_holder_under_section_11_5(loaded):
    record(
        loaded, "barnes-1995", AmendmentEntry, type="amendment", number=3, name="Amendment No. 3",
        changes=[{"action": "restate", "target": "9.1(a)", "text": "(a) Principal Payments - hypothetical;"}],
    )
    for holder in ["Connecticut General", "North America", "ACE American", "Lincoln"]:
        record(loaded, "barnes-1995", ConsentEntry, type="consent", amendment=3, holder=holder)
    state = amendment_status("barnes-1995", 3, loaded.streams())
    assert state.consents.threshold == "all holders"
    assert state.status == "pending"
    assert "not consented: ACE Property & Casualty Insurance Company" in state.reason


def test_notes_held_by_the_company_do_not_vote(loaded):
    record(loaded, "barnes-1995", TransferEntry, type="transfer", **{"from": "Lincoln", "to": "Barnes Group Inc."}, new_holder=True, amount="6,150,000")
    record(
        loaded, "barnes-1995", AmendmentEntry, type="amendment", number=3, name="Amendment No. 3",
        changes=[{"action": "restate", "target": "7.8", "title": "Net Worth", "text": "Hypothetical."}],
    )
    state = amendment_status("barnes-1995", 3, loaded.streams())
    assert state.consents.classes[0].voting_principal == D("12600000")
    assert [v.excluded for v in state.consents.holders if v.holder == "Barnes Group Inc."] == [True]


def test_consents_come_once_from_holders_of_record_on_the_amendments_date(loaded):
    with pytest.raises(UnknownHolder, match="not a holder on 2003-02-05"):
        record(loaded, "novascotia-1999", ConsentEntry, type="consent", amendment=1, holder="Prudential")
    with pytest.raises(ConsentRefused, match="already consented") as twice:
        record(loaded, "novascotia-1999", ConsentEntry, type="consent", amendment=1, holder="Allstate Life")
    assert twice.value.rule == "a holder consents to an amendment once"  # the rule broken, not the one above
    with pytest.raises(TextRefused, match="Amendment No. 2 to Note Purchase Agreement is already recorded") as again:
        record(loaded, "barnes-1995", AmendmentEntry, type="amendment", number=2, name="Again")
    assert again.value.rule == "an agreement has one original text, changed only by amendments, each recorded once"
    # a consent dated before the amendment was refused as if no amendment were on file ("amendments on file then: none")
    with pytest.raises(UnknownAmendment, match=r"^Amendment No\. 1 to Note Agreement of novascotia-1999 is dated as of"
                                              r" 2003-02-05: an act on it \(a consent, a lapse\) is dated on or after that, not 2003-02-04$"):
        record(loaded, "novascotia-1999", ConsentEntry, type="consent", amendment=1, holder="State Farm", effective_on="2003-02-04")


def test_a_lapsed_amendment_has_failed_and_says_why(loaded):
    record(loaded, "barnes-1995", AmendmentEntry, type="amendment", number=3, name="Amendment No. 3")
    record(loaded, "barnes-1995", LapseEntry, type="amendment-lapsed", amendment=3, reason="withdrawn by the Company")
    state = amendment_status("barnes-1995", 3, loaded.streams())
    assert (state.status, state.reason) == ("failed", "withdrawn by the Company")


def test_amendments_not_on_file_are_listed_and_caveat_the_text(loaded):
    states = amendments("barnes-2000", loaded.streams())
    assert [(s.number, s.status) for s in states] == [(1, "not on file"), (2, "effective")]
    caveats = text_view(loaded, "barnes-2000", date(2003, 3, 1)).caveats
    assert caveats[0] == "the original text of barnes-2000 is not on file: shown are only the provisions amendments put in"
    assert caveats[1].startswith("Amendment No. 1 to Note Agreement (before 2003-02-05, date not on file) amends the agreement,"
                                 " but its content is not on file")


def test_agreements_without_their_text_show_only_what_amendments_put_in(loaded):
    view = text_view(loaded, "novascotia-1999", date(2003, 2, 5))
    assert [p.ref for p in view.provisions] == ["7.7", "7.14(d)", "7.14(e)", '10.1 "Kar Guaranty"']
    assert text_view(loaded, "novascotia-1999", date(2003, 2, 4)).provisions == ()


def test_a_day_before_the_agreement_is_dated_has_no_text_and_says_so(loaded):
    """It said "the original text of barnes-1995 is not on file" (it is, from 1995-12-01) with Amendment No. 1's caveat,
    and "there is no '7.7' in the text on file" for a section asked for."""
    view = text_view(loaded, "barnes-1995", date(1990, 1, 1))
    assert (view.provisions, view.caveats, view.on_file) == ((), ("barnes-1995 is dated as of 1995-12-01: it had no text on 1990-01-01",), True)
    with pytest.raises(UnknownSection, match=r"^barnes-1995 is dated as of 1995-12-01: it had no text on 1990-01-01; ask for a date on or after 1995-12-01$"):
        view.read("7.7")
    assert text_view(loaded, "barnes-1995", date(1995, 12, 1)).read("7.7").provisions[0].title == "Indebtedness"
    before, later = text_view(loaded, "barnes-1995", date(1991, 1, 1)), text_view(loaded, "barnes-1995", date(2003, 2, 5))
    with pytest.raises(UnknownSection, match="it had no text on 1991-01-01"):
        redline(view, before, "7.7")
    assert [w for w in redline(view, later, "7.7").differences[0].words] == [("insert", later.section("7.7").text)]


def test_a_section_not_in_the_text_or_none_at_all_is_refused_saying_what_there_is(loaded):
    """The redline refused "7.77" and "9" saying nothing of what there is, as the text view does; an empty --section
    printed the whole text in the text view and was "there is no ''" in the redline."""
    before, after = text_view(loaded, "barnes-1995", date(2003, 2, 4)), text_view(loaded, "barnes-1995", date(2003, 2, 5))
    for asked, said in (("7.77", "there is no '7.77' in the text on either date; did you mean 7.7?"),
                        ("9", "there is no '9' in the text on either date; under 9: 9.1, 9.2, 9.3")):
        with pytest.raises(UnknownSection) as refused:
            redline(before, after, asked)
        assert refused.value.message == said
    for blank in ("", " "):
        with pytest.raises(UnknownSection, match=r"^no provision was named: give its number \(7.7\), a clause"):
            after.read(blank)
        with pytest.raises(UnknownSection, match=r"^no provision was named: give its number \(7.7\), a clause"):
            redline(before, after, blank)


def test_the_redline_strikes_what_was_deleted_and_underlines_what_was_inserted(loaded):
    before = text_view(loaded, "barnes-1995", date(2003, 2, 4))
    after = text_view(loaded, "barnes-1995", date(2003, 2, 5))
    changed = redline(before, after)
    assert [d.ref for d in changed.differences] == ["7.7", "7.14", '10.1 "Kar Guaranty"']
    [section_7_7] = redline(before, after, "7.7").differences
    assert ("delete", "$50 million;") in section_7_7.words
    assert ("insert", "$100 million (excluding the Kar Guaranty);") in section_7_7.words
    html = render.redline_html(changed)
    assert "<del>$50 million;</del> <ins>$100 million (excluding the Kar Guaranty);</ins>" in html
    assert "del{text-decoration:line-through" in html and "ins{text-decoration:underline" in html


def test_the_1995_redline_says_it_is_not_a_conformed_copy_and_keeps_scanning_corrections_apart(loaded):
    changed = redline(text_view(loaded, "barnes-1995", date(2003, 2, 4)), text_view(loaded, "barnes-1995", date(2003, 2, 5)))
    assert any(c.startswith("Amendment No. 1 to Note Purchase Agreement (before 2003-02-05, date not on file)")
               and "not a conformed copy" in c for c in changed.caveats)
    words = [text for difference in changed.differences for op, text in difference.words if op != "equal"]
    assert not any("7,4" in text or "7.4(b)(4)" in text for text in words)  # "Section 7,4" read as meant, not a change
    assert [(c.ref, c.printed, c.reading) for c in changed.scanning_corrections] == [("7.7", "Section 7,4", "Section 7.4")]
    marks = {d.ref: [(m.amendment, m.where) for m in d.marks] for d in changed.differences}
    assert marks["7.7"] == [("Amendment No. 2 to Note Purchase Agreement", "Exhibit A, paragraph 1")]
    assert marks['10.1 "Kar Guaranty"'] == [("Amendment No. 2 to Note Purchase Agreement", "Exhibit A, paragraph 4")]


def test_only_the_provisions_an_amendment_changed_carry_its_mark(loaded):
    provisions = text_view(loaded, "barnes-1995", date(2003, 2, 5)).read().provisions
    definitions = [p for p in provisions if p.kind == "definition"]
    assert len(definitions) == 35
    assert [p.title for p in definitions if p.amended_by] == ["Kar Guaranty"]
    marked = {p.ref for p in provisions if p.amended_by}
    assert marked == {"7.7", "7.14", '10.1 "Kar Guaranty"'}


def test_a_restated_section_whose_earlier_text_is_not_on_file_says_so_in_the_redline(loaded):
    """Of the text on the earlier date: from 2001 to 2004 it said "before 2004-01-01", read as the later date's."""
    for since, until in ((date(2003, 2, 4), date(2003, 2, 5)), (date(2001, 1, 1), date(2004, 1, 1))):
        changed = redline(text_view(loaded, "novascotia-1999", since), text_view(loaded, "novascotia-1999", until))
        assert changed.differences and all(
            d.caveat == f"the text of {d.ref} as of {since} is not on file: it is shown as wholly inserted"
            for d in changed.differences)
        assert {op for d in changed.differences for op, _ in d.words} == {"insert"}


def test_every_scanning_error_of_the_1995_text_is_listed_as_printed(loaded):
    defects = text_view(loaded, "barnes-1995", date(1996, 1, 1)).defects
    printed = {d.printed: d.where for d in defects}
    assert printed["Section 302 Of ERISA"] == "7.9"
    assert printed["including attorneys, fees, relating"] == "1.5" and printed["reasonable attorneys, fees, incurred"] == "9.2"
    assert printed["or any Subsidiary, or (y) make loans"] == "7.15"
    assert {"$25,OOO,OOO", "5.l", "7.1O", "Section 7,4", "((z) transfer", "(i)in any Person"} <= set(printed)


def test_the_kar_guaranty_stands_behind_all_three_agreements_from_2003_02_05_and_none_before(loaded):
    streams = loaded.streams()
    for key in ("barnes-1995", "novascotia-1999", "barnes-2000"):
        assert "kar-2003" in [g.guaranty for g in guaranties_as_of(key, streams, date(2003, 2, 5)).guaranties]
        assert "kar-2003" not in [g.guaranty for g in guaranties_as_of(key, streams, date(2003, 2, 4)).guaranties]
    assert [g.guaranty for g in guaranties_as_of("novascotia-1999", streams, date(2000, 1, 1)).guaranties] == ["barnes-novascotia-1999"]


def test_a_released_guaranty_no_longer_stands_behind_the_released_agreement(loaded):
    from adapters.entries import GuarantyReleaseEntry

    entry = GuarantyReleaseEntry.model_validate(
        {"type": "guaranty-release", "effective_on": "2004-01-01", "evidence": {"document": "test"}, "agreements": ["barnes-2000"]}
    )
    loaded.record("kar-2003", entry)
    streams = loaded.streams()
    assert "kar-2003" not in [g.guaranty for g in guaranties_as_of("barnes-2000", streams, date(2004, 1, 1)).guaranties]
    assert "kar-2003" in [g.guaranty for g in guaranties_as_of("barnes-2000", streams, date(2003, 12, 31)).guaranties]
    assert "kar-2003" in [g.guaranty for g in guaranties_as_of("barnes-1995", streams, date(2004, 1, 1)).guaranties]


def test_voting_classes_are_a_term_all_series_together_or_each_on_its_own():
    from domain.consent import BY_SERIES, TOGETHER, tally

    holdings = {("A", "7.66%"): D(5000000), ("B", "7.66%"): D(19500000), ("B", "7.80%"): D(45500000)}
    together = tally(holdings, ["B"], [], threshold="66-2/3%", voting=TOGETHER)
    assert together.met and [c.name for c in together.classes] == ["all series"]
    by_series = tally(holdings, ["A"], [], threshold="51%", voting=BY_SERIES)
    assert [(c.name, c.consenting, c.voting) for c in by_series.classes] == [
        ("7.66%", D(5000000), D(24500000)),
        ("7.80%", D(0), D(45500000)),
    ]
    assert not by_series.met
    assert by_series.shortfall() == ("7.66%: 20.41% consented, 51% needed, $7,495,000.00 more;"
                                     " 7.80%: 0.00% consented, 51% needed, $23,205,000.00 more")


@given(voting=st.integers(1, 10**13), consenting=st.integers(0, 10**13), threshold=st.sampled_from(["51%", "66-2/3%", "50%", "all holders", "33-1/3%"]))
def test_the_principal_more_needed_is_the_least_that_reaches_the_threshold(voting, consenting, threshold):
    """Counsel asks how much more must consent: the least whole-cent amount, never a cent short, never a cent over."""
    from domain.consent import ClassTally, parse_threshold

    required, cents = parse_threshold(threshold), Decimal("0.01")
    counted = ClassTally("all series", Decimal(voting) * cents, Decimal(min(consenting, voting)) * cents)
    more = counted.wanting(required)
    assert more is not None and more >= 0 and more == more.quantize(cents)
    assert ClassTally(counted.name, counted.voting, counted.consenting + more).reaches(required)
    assert more == 0 or not ClassTally(counted.name, counted.voting, counted.consenting + more - cents).reaches(required)
    assert (more == 0) == counted.reaches(required)


def test_no_principal_more_can_reach_a_threshold_where_none_votes():
    from domain.consent import ClassTally, more_needed

    assert ClassTally("7.80%", Decimal(0), Decimal(0)).wanting(Fraction(51, 100)) is None
    assert more_needed(None) == "" and more_needed(Decimal("0.00")) == ""
    assert ClassTally("x", Decimal("10000000.01"), Decimal(0)).wanting(Fraction(2, 3)) == Decimal("6666666.68")


def test_the_1995_consents_show_lincolns_signatory_and_the_tally_without_it(loaded):
    from projections.amendments import consents

    view = consents("barnes-1995", 2, loaded.streams())
    lincoln = next(v for v in view.holders if v.holder == "Lincoln Investment Management, Inc.")
    assert lincoln.signed_as == "THE LINCOLN NATIONAL LIFE INSURANCE C0OMPANY" and lincoln.signed_by_another
    assert [v.holder for v in view.holders if v.signed_by_another] == ["Lincoln Investment Management, Inc."]
    [without] = view.without_other_signatories
    assert (without.consenting_principal, without.voting_principal, without.share) == (D("12600000"), D("18750000"), "67.20%")
    assert view.met_without_other_signatories is True  # $100,000 above the 66-2/3% line of $12,500,000
    facts = {a.id: a.fact for a in view.assumptions}
    assert "signed for the holder" in [facts[n] for n in lincoln.rests_on]


def test_a_nominee_on_the_signature_page_is_the_holder_itself(loaded):
    from projections.amendments import consents

    view = consents("novascotia-1999", 1, loaded.streams())
    canada = next(v for v in view.holders if v.holder == "The Canada Life Assurance Company")
    assert canada.signed_as and not canada.signed_by_another and view.without_other_signatories == ()
    assert [(c.name, c.share) for c in view.by_series] == [("7.66%", "71.43%"), ("7.80%", "84.62%")]


def test_the_amendments_view_marks_the_deliveries_it_assumes_and_dates_what_is_not_on_file(loaded):
    states = amendments("barnes-1995", loaded.streams())
    first, second = states
    assert (first.as_of, first.before, first.dated()) == (None, date(2003, 2, 5), "before 2003-02-05, date not on file")
    assumed = {a.id: (a.event, a.fact) for a in second.assumptions}
    by_section = {c.section: [assumed[n] for n in c.rests_on] for c in second.conditions}
    assert ("kar-2003:1", "delivered") in by_section["5(b)"]
    assert ("credit-agreement-amendment-2003:1", "delivered") in by_section["5(d)"]
    assert second.status == "effective" and "5(b), 5(d) are met only by assumption" in second.reason


def test_a_consent_tally_lists_the_holders_in_the_order_of_the_annex_1_of_its_date(loaded):
    """Counsel checks one against the other: the tally listed Lincoln (note No. 5) before the ACE companies (Nos. 7,
    9), where the Annex 1 of Amendment No. 2 lists it last."""
    from adapters.queries import Queries

    views = Queries(loaded)
    for key, number in (("barnes-1995", 2), ("novascotia-1999", 1), ("barnes-2000", 2)):
        annex = [h.holder for h in views.annex1(key, date(2003, 2, 5)).holders]
        assert [v.holder for v in views.consents(key, number).holders] == annex, key


def test_the_page_says_how_much_more_must_consent_beside_each_share_not_met():
    from adapters.page import tally
    from projections.amendments import ClassLine, ConsentTally

    short = ClassLine("all series", D("18750000.00"), D("6150000.00"), "32.80%", False, D("6350000.00"))
    assert tally(ConsentTally("66-2/3%", False, (short,), ())) == "66-2/3%: all series 32.80%, $6,350,000.00 more needed (not met)"
    met = ClassLine("all series", D("70000000.00"), D("56000000.00"), "80.00%", True)
    assert tally(ConsentTally("66-2/3%", True, (met,), ())) == "66-2/3%: all series 80.00% (met)"
