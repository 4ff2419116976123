"""Any note agreement, written as a journal by a treasurer: every entry type and term loads, and a bad
value of each is refused with the file and the line at fault, leaving the store exactly as it was."""

from __future__ import annotations

import re
from pathlib import Path
from textwrap import dedent

import pytest

from adapters.journal import load
from adapters.registry import Registry
from adapters.template import TEMPLATE
from domain.errors import HorizonRefused, IssueRefused, NameRefused, RegistryError, ReleaseRefused
from support import writer

ACME = TEMPLATE  # a fresh $10,000,000 6.00% agreement: notes 1 and 2, interest on March 15 and September 15

TEXT = '''\
[text]
agreement = "acme-2024"
source = "Note Purchase Agreement dated as of March 1, 2024"
source_sha256 = "not computed: a test text"

[[provision]]
ref = "10.4"
kind = "section"
title = "Indebtedness"
text = "The Company will not incur Indebtedness other than the Notes."

[[provision]]
ref = "22"
kind = "section"
title = "Definitions"
text = ""
'''

OPENED = '''\
[journal]
id = "bullet"
agreement = "bullet-2020"
title = "a bullet note taken on after issuance"

[[entry]]
id = "agreement"
type = "agreement"
effective_on = 2020-06-30
evidence = { document = "t" }
title = "Note Agreement"
issuer = "Bullet Co."
dated_as_of = 2020-06-30

[[entry.series]]
key = "5%"
title = "5.00% Notes due June 30, 2026"
label = "5% Notes"
principal = "3,000,000"
rate = "5%"
maturity = 2026-06-30
interest_dates = ["06-30", "12-31"]
end_of_month = true
day_count = "ACT/360"
required_prepayments = []

[[entry]]
id = "register"
type = "opening-register"
effective_on = 2024-04-10
evidence = { document = "t" }
notes = [ { holder = "Bullet Holder Life", principal = "3,000,000" } ]
'''


def entries(journal: str, body: str, *, depends: str = "acme-2024", kind: str = "agreement", key: str = "acme-2024") -> str:
    header = f'[journal]\nid = "{journal}"\n{kind} = "{key}"\ntitle = "a case"\ndepends_on = ["{depends}"]\n'
    if kind == "holders":
        header = f'[journal]\nid = "{journal}"\nholders = true\ntitle = "a case"\ndepends_on = ["{depends}"]\n'
    return header + "\n" + dedent(body)


def entry(type_: str, on: str, body: str, entry_id: str = "case") -> str:
    return f'[[entry]]\nid = "{entry_id}"\ntype = "{type_}"\neffective_on = {on}\nevidence = {{ document = "t" }}\n' + dedent(body)


GOOD: dict[str, str] = {
    "transfer": entries("c", entry("transfer", "2024-06-03", 'from = "Example Life"\nto = "New Life Co"\nnew_holder = true\namount = "1,000,000"\n')),
    "supplement and issue": entries("c", entry(
        "supplement", "2025-01-10",
        'name = "First Supplement"\n[[entry.series]]\nkey = "B"\ntitle = "5.50% Series B Notes due 2032"\nlabel = "Series B"\n'
        'principal = "5,000,000"\nrate = "5.50%"\nmaturity = 2032-01-15\nclosing_on = 2025-01-15\nrequired_prepayments = []\n',
        "supplement",
    ) + "\n" + entry("issue", "2025-01-15", 'notes = [ { holder = "Example Mutual", series = "B", principal = "5,000,000" } ]\n')),
    "opening-register": OPENED,
    "required prepayment": entries("c", entry("interest", "2024-09-15", "", "i1") + entry("interest", "2025-03-15", "", "i2")
                                   + entry("prepayment", "2027-03-15", 'kind = "required"\n')),
    "optional prepayment": entries("c", entry("prepayment-notice", "2024-12-13", 'prepay_on = 2025-01-10\namount = "1000000"\n', "n")
                                   + entry("prepayment", "2025-01-10",
                                           'kind = "optional"\namount = "1,000,000"\ntreasury_curve = "1y=4.00,2y=4.20,5y=4.50,10y=4.80"\n')),
    "prepayment-notice": entries("c", entry("prepayment-notice", "2024-12-13", 'prepay_on = 2025-01-10\namount = "1,000,000"\n')),
    "event-of-default": entries("c", entry("event-of-default", "2025-02-01", 'clause = "11(c)"\ndescription = "leverage covenant breached"\n')),
    "acceleration": entries("c", entry("event-of-default", "2025-02-01", 'clause = "11(c)"\ndescription = "covenant"\n', "d")
                            + entry("acceleration", "2025-02-10", 'declared_by = ["Example Life Insurance Company"]\n'
                                    'treasury_curve = "1y=4.00,2y=4.20,5y=4.50,10y=4.80"\n')),
    "acceleration-payment": entries("c", entry("event-of-default", "2025-02-01", 'clause = "11(c)"\ndescription = "covenant"\n', "d")
                                    + entry("acceleration", "2025-02-10", 'declared_by = ["Example Life Insurance Company"]\n'
                                            'treasury_curve = "1y=4.00,2y=4.20,5y=4.50,10y=4.80"\n', "a")
                                    + entry("acceleration-payment", "2025-02-12", 'interest = "245,000"\npremium = "395,890.95"\n')),
    "rescission": entries("c", entry("interest", "2024-09-15", "", "i") + entry("event-of-default", "2025-02-01", 'clause = "11(c)"\ndescription = "covenant"\n', "d")
                          + entry("acceleration", "2025-02-10", 'declared_by = ["Example Life Insurance Company"]\n'
                                  'treasury_curve = "1y=4.00,2y=4.20,5y=4.50,10y=4.80"\n', "a")
                          + entry("rescission", "2025-03-01", 'declared_by = ["Example Life Insurance Company"]\n')),
    "waiver": entries("c", entry("event-of-default", "2025-02-01", 'clause = "11(c)"\ndescription = "covenant"\n', "d")
                      + entry("waiver", "2025-02-10", 'provisions = ["10.4"]\ngiven_by = ["Example Life Insurance Company"]\ndefaults = [4]\n')),
    "note-replacement": entries("c", entry("note-replacement", "2024-06-01", 'note = 1\nreason = "lost"\n')),
    "interest": entries("c", entry("interest", "2024-09-15", "")),
    "maturity": OPENED + "\n" + entry("maturity", "2026-06-30", ""),
    "cancellation": entries("c", entry("cancellation", "2024-05-01", "note = 1\n")),
    "register": entries("c", entry("register", "2024-04-01", 'holders = [ { holder = "Example Life Insurance Company", principal = "6,000,000" }, '
                                   '{ holder = "Example Mutual Insurance Company", principal = "4,000,000" } ]\ntotal = "10,000,000"\n')),
    "text": entries("c", entry("text", "2024-03-01", 'file = "text.toml"\n')),
    "record-horizon": entries("c", entry("record-horizon", "2024-06-01", "register = 2024-06-01\npayments = 2024-06-01\n")),
    "amendment": entries("c", entry("text", "2024-03-01", 'file = "text.toml"\n', "text") + entry(
        "amendment", "2025-02-01",
        'number = 1\nname = "First Amendment"\nconsents_section = "3"\n'
        '[[entry.changes]]\naction = "restate"\ntarget = "10.4"\ntitle = "Indebtedness"\ntext = "None but the Notes and the Bank Facility."\n'
        '[[entry.changes]]\naction = "add-definition"\ntarget = "22"\nterm = "Bank Facility"\ntext = "\\"Bank Facility\\" means the credit agreement."\n',
    )),
    "amendment-not-on-file": entries("c", entry("amendment-not-on-file", "2025-02-01", 'number = 1\nname = "First Amendment"\n')),
    "consent": entries("c", entry("amendment", "2025-02-01", 'number = 1\nname = "First Amendment"\n', "amendment")
                       + entry("consent", "2025-02-03", 'amendment = 1\nholder = "Example Life"\n')),
    "amendment-lapsed": entries("c", entry("amendment", "2025-02-01", 'number = 1\nname = "First Amendment"\n', "amendment")
                                + entry("amendment-lapsed", "2025-03-01", 'amendment = 1\nreason = "withdrawn"\n')),
    "guaranty": entries("c", entry("guaranty", "2024-03-15", 'title = "Parent Guaranty"\nguarantor = "Acme Holdings"\n'
                                   'dated_as_of = 2024-03-15\ncovers = [ { name = "the Notes", agreement = "acme-2024" } ]\n'),
                        kind="guaranty", key="acme-guaranty"),
    "guaranty-release": entries("c", entry("guaranty", "2024-03-15", 'title = "Parent Guaranty"\nguarantor = "Acme Holdings"\n'
                                           'dated_as_of = 2024-03-15\ncovers = [ { name = "the Notes", agreement = "acme-2024" } ]\n', "g")
                                + entry("guaranty-release", "2026-01-01", 'agreements = ["acme-2024"]\n'), kind="guaranty", key="acme-guaranty"),
    "instrument": entries("c", entry("instrument", "2024-03-15", 'title = "Credit Agreement Amendment"\nparties = ["Acme", "Bank"]\n'),
                          kind="instrument", key="acme-credit"),
    "holder": entries("c", entry("holder", "2024-03-15", 'name = "Example Life Insurance Company"\n'
                                 'aliases = [ { name = "Example Life Investors LLC", role = "signatory" } ]\n'), kind="holders"),
    "holder-renamed": entries("c", entry("holder", "2024-03-15", 'name = "Example Life Insurance Company"\n', "h")
                              + entry("holder-renamed", "2025-07-01", 'holder = "Example Life Insurance Company"\nname = "Exemplar Life Insurance Company"\n'),
                              kind="holders"),
    "holder-alias": entries("c", entry("holder", "2024-03-15", 'name = "Example Life Insurance Company"\n', "h")
                            + entry("holder-alias", "2025-07-01", 'holder = "Example Life Insurance Company"\n'
                                    'alias = { name = "Example Life (London)", role = "other" }\n'), kind="holders"),
    "reversal": entries("c", entry("transfer", "2024-06-03", 'from = "Example Life"\nto = "New Life Co"\nnew_holder = true\namount = "1,000,000"\n', "t")
                        + entry("reversal", "2024-06-03", 'target = 4\nreason = "wrong transferee"\n').replace("effective_on = 2024-06-03\n", "")),
    "terms-corrected": entries("c", ACME.split("[[entry]]")[1].replace('id = "agreement"\ntype = "agreement"', 'id = "case"\ntype = "terms-corrected"\nreason = "threshold misread"')
                               .replace('amendment_threshold = "51%"', 'amendment_threshold = "66-2/3%"').join(["[[entry]]", ""])),
}

# Each bad case: the good case with one value spoiled, the line that holds it, and the words of the refusal.
BAD: dict[str, tuple[str, str, str, str]] = {
    "transfer": ("transfer", 'amount = "1,000,000"', 'amount = "6,500,000"', "cannot transfer"),
    "transfer to a look-alike": ("transfer", 'to = "New Life Co"', 'to = "Example Life Insurance Co."', "looks like"),
    "supplement and issue": ("supplement and issue", 'principal = "5,000,000" } ]', 'principal = "4,000,000" } ]', "unissued"),
    "supplement": ("supplement and issue", 'key = "B"', 'key = "6.00%"', "two series are called '6.00%'"),
    "opening-register": ("opening-register", 'principal = "3,000,000" } ]', 'principal = "3,000,000.005" } ]', "is not an amount"),
    "required prepayment": ("required prepayment", 'kind = "required"\n', 'kind = "required"\namount = "1,000,000"\n', "is $2,000,000.00, not $1,000,000.00"),
    "optional prepayment": ("optional prepayment", 'amount = "1,000,000"', 'amount = "1,050,000"', "multiple of $100,000.00"),
    "optional prepayment without notice": ("optional prepayment", 'type = "prepayment"\neffective_on = 2025-01-10',
                                           'type = "prepayment"\neffective_on = 2025-01-17', "must follow a notice of it"),
    "prepayment-notice": ("prepayment-notice", 'type = "prepayment-notice"\neffective_on = 2024-12-13',
                          'type = "prepayment-notice"\neffective_on = 2025-01-03', "at least 10 Business Days before"),
    "event-of-default": ("event-of-default", 'clause = "11(c)"', 'clause = "11(z)"', "not an Event of Default"),
    "acceleration": ("acceleration", 'declared_by = ["Example Life Insurance Company"]', 'declared_by = ["Example Mutual Insurance Company"]',
                     "needs holders of at least 51%"),
    "acceleration-payment": ("acceleration-payment", 'interest = "245,000"', 'interest = "241,666.66"',
                             "made $241,666.67 of interest due, accrued to 2025-02-10"),
    "rescission": ("rescission", 'type = "rescission"\neffective_on = 2025-03-01\nevidence = { document = "t" }\ndeclared_by = ["Example Life Insurance Company"]',
                   'type = "rescission"\neffective_on = 2025-03-01\nevidence = { document = "t" }\ndeclared_by = ["Example Mutual Insurance Company"]',
                   "needs holders of at least 51%"),
    "waiver": ("waiver", 'given_by = ["Example Life Insurance Company"]', 'given_by = ["Example Mutual Insurance Company"]',
               "needs holders of at least 51%"),
    "note-replacement": ("note-replacement", 'reason = "lost"', 'reason = "misplaced"', "reason"),
    "interest": ("interest", 'type = "interest"\neffective_on = 2024-09-15', 'type = "interest"\neffective_on = 2024-09-14', "no interest on the 6.00% notes is due by 2024-09-14"),
    "maturity": ("maturity", 'type = "maturity"\neffective_on = 2026-06-30', 'type = "maturity"\neffective_on = 2026-06-29', "mature on 2026-06-30"),
    "cancellation": ("cancellation", "note = 1", "note = 99", "no note No. 99"),
    "register": ("register", 'principal = "4,000,000" } ]\ntotal', 'principal = "4,000,001" } ]\ntotal', "TOTAL is $10,000,000.00, but its lines add up to $10,000,001.00"),
    "text": ("text", 'file = "text.toml"', 'file = "missing.toml"', "missing.toml"),
    "record-horizon": ("record-horizon", "register = 2024-06-01", "register = 2023-06-01", "before the agreement's date"),
    "record-horizon not a date": ("record-horizon", "payments = 2024-06-01", 'payments = "soon"', "is not a date"),
    "amendment": ("amendment", 'target = "10.4"', 'target = "10.5"', "no Section 10.5 in the text"),
    "amendment-not-on-file": ("amendment-not-on-file", "number = 1", "number = 0", "0 is not above 0: give a number above it"),
    "consent": ("consent", 'type = "consent"\neffective_on = 2025-02-03', 'type = "consent"\neffective_on = 2025-01-31', "First Amendment of acme-2024 is dated as of 2025-02-01: an act on it (a consent, a lapse) is dated on or after that, not 2025-01-31"),
    "amendment-lapsed": ("amendment-lapsed", "amendment = 1\nreason", "amendment = 9\nreason", "no Amendment No. 9"),
    "guaranty": ("guaranty", 'agreement = "acme-2024" } ]', 'agreement = "acme-2099" } ]', "no agreement 'acme-2099'"),
    "guaranty-release": ("guaranty-release", 'type = "guaranty-release"\neffective_on = 2026-01-01', 'type = "guaranty-release"\neffective_on = 2024-01-01', "the guaranty is not yet in force"),
    "instrument": ("instrument", 'title = "Credit Agreement Amendment"\n', "", "title: is required"),
    "holder": ("holder", 'name = "Example Life Insurance Company"', 'name = "Example Life Insurance Co."', "looks like"),
    "holder-renamed": ("holder-renamed", 'name = "Exemplar Life Insurance Company"', 'name = "Example Life Insurance Company"', "already known as"),
    "holder-alias": ("holder-alias", 'role = "other"', 'role = "friend"', "role"),
    "reversal": ("reversal", "target = 4", "target = 99", "no event No. 99"),
    "terms-corrected": ("terms-corrected", "closing_on = 2024-03-15", "closing_on = 2024-02-15", "before the agreement's date"),
}

# Bad terms in the agreement entry itself: the value at fault, and the words of the refusal.
BAD_TERMS = {
    "interest dates not month-days": ('interest_dates = ["03-15", "09-15"]', 'interest_dates = ["Mar 15", "Sep 15"]', "is not a month-day"),
    "a day no year has": ('interest_dates = ["03-15", "09-15"]', 'interest_dates = ["02-30", "08-30"]', "is not a day of the year"),
    "February 29": ('interest_dates = ["03-15", "09-15"]', 'interest_dates = ["02-29", "08-29"]', "02-28"),
    "interest dates not evenly spaced": ('interest_dates = ["03-15", "09-15"]', 'interest_dates = ["03-15", "10-15"]', "not evenly spaced"),
    "a day count not computed": ('day_count = "30/360"', 'day_count = "ACT/999"', "day_count"),
    "maturity before the agreement": ([("instalments = { count = 5, first_due = 2027-03-15, every_months = 12 }", "required_prepayments = []")],
                                      "maturity = 2031-03-15", "maturity = 2023-03-15", "mature on 2023-03-15"),
    "closing before the agreement": ("closing_on = 2024-03-15", "closing_on = 2024-02-15", "before the agreement's date"),
    "notes issued before the agreement": ('id = "closing"\ntype = "issue"\neffective_on = 2024-03-15',
                                          'id = "closing"\ntype = "issue"\neffective_on = 2024-02-15',
                                          "nothing can happen on 2024-02-15: the agreement is not yet in force then;"
                                          " it is dated as of 2024-03-01"),
    "a rule that does not exist": ('sections = { transfer = "13.2"', 'sections = { tranfer = "13.2"', "tranfer: not a rule"),
    "a make-whole compounding not computed": ('compounding = "semi-annual"', 'compounding = "daily"', "compounding"),
    "a holiday calendar that does not exist": ('calendars = ["US", "US-NY"]', 'calendars = ["US", "US-QQ"]', "no subdivision"),
    "instalments that do not divide evenly": ('principal = "10,000,000"', 'principal = "10,000,000.03"', "does not divide evenly"),
    "instalments not ending at maturity": ("every_months = 12", "every_months = 6", "not at maturity"),
    "a threshold that is not one": ('amendment_threshold = "51%"', 'amendment_threshold = "most"', "not a threshold"),
    "a threshold of a fraction over nothing": ('amendment_threshold = "51%"', 'amendment_threshold = "66-2/0%"', "not a threshold"),
    "a threshold no consent could reach": ('amendment_threshold = "51%"', 'amendment_threshold = "151%"',
                                           "'151%' is not a share of the holders: a threshold is more than 0% and at most 100%"),
    "a threshold met by no consent": ('acceleration_threshold = "51%"', 'acceleration_threshold = "0%"',
                                      "'0%' is not a share of the holders"),
    "a principal of nothing": ('principal = "10,000,000"', 'principal = "0"', "principal must be positive"),
    "a rate that is not a percentage": ('rate = "6.00%"', "rate = 6.0", "not a percentage"),
    "a denomination of nothing": ('min_denomination = "100,000"', 'min_denomination = "0"', "min_denomination must be positive"),
}


def stored(registry: Registry) -> list:
    return registry.recorder.select_notifications(start=None, limit=100_000)


@pytest.fixture
def acme(tmp_path: Path) -> Registry:
    (tmp_path / "acme.toml").write_text(ACME)
    (tmp_path / "text.toml").write_text(TEXT)
    registry = writer(f"sqlite:///{tmp_path / 'store.sqlite'}")
    load(registry, [tmp_path / "acme.toml"])
    yield registry
    registry.close()


def test_whether_reacquired_notes_count_pro_rata_is_not_on_file_unless_given_and_a_cancellation_needs_it(tmp_path):
    """Left out, it read "do not count pro rata" (a default, shown as the agreement's rule), and a cancellation
    decided every later partial payment by it. Now it is not on file, and a cancellation is refused until given."""
    from adapters.queries import Queries

    silent = ACME.replace("reacquired_notes_count_pro_rata = true", "", 1)
    (tmp_path / "acme.toml").write_text(silent)
    (tmp_path / "c.toml").write_text(GOOD["cancellation"])
    registry = writer(f"sqlite:///{tmp_path / 'store.sqlite'}")
    try:
        load(registry, [tmp_path / "acme.toml"])
        terms = Queries(registry).terms("acme-2024")
        assert terms.terms.reacquired_notes_count_pro_rata is None
        assert "whether reacquired notes count pro rata" in terms.not_on_file
        before = stored(registry)
        with pytest.raises(RegistryError, match=r"whether a note the Company reacquires still counts pro rata in partial"
                                                r" payments is not on file in the agreement's terms: give"
                                                r" reacquired_notes_count_pro_rata \(by a terms-corrected entry\)") as refused:
            load(registry, [tmp_path / "c.toml"])
        assert refused.value.section == "8.4" and stored(registry) == before
    finally:
        registry.close()


def test_a_journal_that_leaves_out_a_term_now_not_on_file_is_still_the_journal_on_file():
    """Entries are recognised by a digest of their content, defaults included: barnes-2000 and novascotia-1999 leave
    out whether reacquired notes count pro rata, which was read as false. Their digests are as the last release's,
    so a store loaded by it finds them on file (not "changed since", refused)."""
    from adapters.journal import read_journal

    fixtures = Path(__file__).parents[2] / "fixtures"
    digests = {journal: next(e for e in read_journal(fixtures / f"{journal}.toml").content.entry if e.id == "agreement")
               .fingerprint() for journal in ("barnes-2000", "novascotia-1999")}
    assert digests == {"barnes-2000": "30764f645e8d9a75550a2c9210c02d3c", "novascotia-1999": "3f594b6f77a33ee3af6eb1f6d93b4664"}


def test_a_threshold_out_of_range_is_refused_where_terms_are_given_not_on_replay(acme):
    """A store whose agreement was registered with "151%" before the check still folds (a replay that refused it would
    leave the agreement unreadable, and no correction recordable); the check is the journal's."""
    from dataclasses import replace

    from adapters.queries import Queries
    from domain.consent import require_share
    from domain.errors import InvalidCommand
    from domain.rules import check_terms

    terms = Queries(acme).terms("acme-2024").terms
    check_terms(replace(terms, amendment_threshold="151%"))
    with pytest.raises(InvalidCommand, match="is not a share of the holders"):
        require_share("151%")
    assert require_share("all holders") == "all holders" and require_share("66-2/3%") == "66-2/3%"


@pytest.mark.parametrize("case", GOOD)
def test_every_entry_type_loads_from_a_journal(acme, tmp_path, case):
    path = tmp_path / "case.toml"
    path.write_text(GOOD[case])
    before = len(stored(acme))
    staged = load(acme, [path])
    assert all(item.events for item in staged) and len(stored(acme)) > before


@pytest.mark.parametrize("case", BAD)
def test_every_entry_type_refuses_a_bad_value_at_its_line_and_records_nothing(acme, tmp_path, case):
    good, value, spoiled, words = BAD[case]
    text = GOOD[good]
    assert value in text, "the case must spoil a value its good journal has"
    path = tmp_path / "case.toml"
    path.write_text(text.replace(value, spoiled, 1))
    before = stored(acme)
    with pytest.raises(RegistryError) as refused:
        load(acme, [path])
    assert words in str(refused.value)
    assert _refused_at(path, refused.value) in _lines_of(text, value), str(refused.value)
    assert stored(acme) == before


# Refusals that name a rule of their own: the bad case, the rule's error and words of the rule it states.
NAMED: dict[str, tuple[type[RegistryError], str]] = {
    "supplement and issue": (IssueRefused, "each series in full"),
    "record-horizon": (HorizonRefused, "the record cannot end before the agreement's date"),
    "holder-renamed": (NameRefused, "a holder's new name or alias is one it is not known by already"),
    "guaranty-release not covered": (ReleaseRefused, "a guaranty is released after its delivery, as to agreements it covers"),
}
BAD["guaranty-release not covered"] = ("guaranty-release", 'agreements = ["acme-2024"]', 'agreements = ["acme-2024", "acme-2030"]',
                                       "does not cover acme-2030")


@pytest.mark.parametrize("case", NAMED)
def test_a_refusal_names_the_rule_it_breaks_not_a_contradiction_in_the_command(acme, tmp_path, case):
    """Each said "rule: the command is incomplete or contradicts itself"."""
    good, value, spoiled, _ = BAD[case]
    path = tmp_path / "case.toml"
    path.write_text(GOOD[good].replace(value, spoiled, 1))
    kind, words = NAMED[case]
    with pytest.raises(kind) as refused:
        load(acme, [path])
    assert words in refused.value.rule


@pytest.mark.parametrize("case", BAD_TERMS)
def test_every_term_refuses_a_bad_value_at_its_line_and_records_nothing(tmp_path, case):
    *first, value, spoiled, words = BAD_TERMS[case]
    text = ACME
    for old, new in first[0] if first else ():
        text = text.replace(old, new, 1)
    assert value in text
    path = tmp_path / "acme.toml"
    path.write_text(text.replace(value, spoiled, 1))
    registry = writer(f"sqlite:///{tmp_path / 'store.sqlite'}")
    try:
        with pytest.raises(RegistryError) as refused:
            load(registry, [path])
        assert words in str(refused.value)
        assert _refused_at(path, refused.value) in _lines_of(text, value), str(refused.value)
        assert stored(registry) == []
    finally:
        registry.close()


def _refused_at(path: Path, error: Exception) -> int:
    found = re.match(rf"{re.escape(str(path))}:(\d+): ", str(error))
    assert found, f"the refusal does not name the file and line: {error}"
    return int(found[1])


def _lines_of(text: str, value: str) -> set[int]:
    """Where a refusal of ``value`` may point: its own line, or the header of the table or entry holding it."""
    start = text.index(value)
    line = text[:start].count("\n") + 1 + value.rstrip("\n").count("\n")
    lines = text.splitlines()
    headers = [n for n, text_line in enumerate(lines[:line], 1) if text_line.strip().startswith("[[")]
    entries = [n for n in headers if lines[n - 1].strip() == "[[entry]]"]
    return {line, headers[-1], entries[-1]}


def test_the_cases_cover_every_entry_type():
    from typing import get_args

    from adapters.entries import Entry

    types = {model.model_fields["type"].annotation.__args__[0] for model in get_args(get_args(Entry)[0])}
    covered = {found for text in GOOD.values() for found in re.findall(r'^type = "([\w-]+)"', text, re.M)}
    assert types - covered == set()
