"""The fixtures replay to the registers the seeds print, to the dollar."""

import re
from datetime import date
from decimal import Decimal as D

import pytest

from adapters import exports, render
from adapters.encoding import plain
from conftest import FIXTURES

pytestmark = pytest.mark.usefixtures("checkpoint_spacing")  # every test twice: checkpoints as kept, and after every event

SEEDS = FIXTURES / "sources"

# Each seed's Annex 1, transcribed: (holder, {series: amount}), then the totals.
ANNEX_1 = {
    "barnes-1995": (
        "000_317ef8812732a978.txt",
        [
            ("Connecticut General Life Insurance Company", {"7.13%": "5,100,000"}),
            ("Life Insurance Company of North America", {"7.13%": "3,750,000"}),
            ("ACE American Insurance Co.", {"7.13%": "2,594,625"}),
            ("ACE Property & Casualty Insurance Company", {"7.13%": "1,155,375"}),
            ("Lincoln Investment Management, Inc.", {"7.13%": "6,150,000"}),
        ],
        {"7.13%": "18,750,000"},
    ),
    "novascotia-1999": (
        "001_559a2a107d7f5378.txt",
        [
            ("Allstate Insurance Company", {"7.66%": "5,000,000"}),
            ("Allstate Life Insurance Company", {"7.66%": "12,500,000"}),
            ("State Farm Life Insurance Company", {"7.66%": "7,000,000", "7.80%": "7,000,000"}),
            ("Massachusetts Mutual Life Insurance Company", {"7.80%": "14,000,000"}),
            ("Connecticut General Life Insurance Company", {"7.80%": "10,500,000"}),
            ("Nationwide Life Insurance Company", {"7.80%": "7,000,000"}),
            ("The Canada Life Assurance Company", {"7.80%": "3,500,000"}),
            ("Pan-American Life Insurance Company", {"7.80%": "3,500,000"}),
        ],
        {"7.66%": "24,500,000", "7.80%": "45,500,000"},
    ),
    "barnes-2000": (
        "002_b192e8b334191ee1.txt",
        [
            ("The Prudential Insurance Company of America", {"8.59%": "35,000,000"}),
            ("Allstate Life Insurance Company", {"8.59%": "10,000,000"}),
            ("American Heritage Life Insurance Company", {"8.59%": "5,000,000"}),
            ("Nationwide Life Insurance Company", {"8.59%": "4,000,000"}),
            ("Nationwide Life and Annuity Insurance Company", {"8.59%": "2,000,000"}),
            ("Nationwide Indemnity Company", {"8.59%": "4,000,000"}),
        ],
        {"8.59%": "60,000,000"},
    ),
}


def dollars(text: str) -> D:
    return D(text.replace(",", ""))


@pytest.mark.parametrize("key", ANNEX_1)
def test_the_transcribed_annex_1_figures_are_those_printed_in_the_seed(key):
    seed, holders, totals = ANNEX_1[key]
    annex = re.sub(r"\s+", " ", (SEEDS / seed).read_text()).split("ANNEX 1", 1)[1]
    for amount in [a for _, amounts in holders for a in amounts.values()] + list(totals.values()):
        assert re.search(rf"\$ {re.escape(amount)}\b", annex), amount


@pytest.mark.parametrize("key", ANNEX_1)
def test_the_register_as_of_2003_02_05_is_the_seeds_annex_1(views, key):
    _, holders, totals = ANNEX_1[key]
    view = views.register(key, date(2003, 2, 5))
    assert [(h.holder, h.principal) for h in view.holders] == [
        (holder, {series: dollars(a) for series, a in amounts.items()}) for holder, amounts in holders
    ]
    assert view.totals == {series: dollars(a) for series, a in totals.items()}


def test_the_1995_purchasers_hold_their_exhibit_a_amounts_on_the_closing_date(views):
    view = views.register("barnes-1995", date(1995, 12, 5))
    assert [(n.registered_name, n.holder, n.account, n.principal) for n in view.notes] == [
        ("CIG & Co.", "Connecticut General Life Insurance Company", None, D(10000000)),
        ("CIG & Co.", "Connecticut General Life Insurance Company", "on behalf of one or more separate accounts", D(5000000)),
        ("CIG & Co.", "CIGNA Property and Casualty Insurance Company", None, D(5000000)),
        ("CIG & Co.", "Life Insurance Company of North America", None, D(5000000)),
    ]
    assert views.register("barnes-1995", date(1995, 12, 4)).notes == ()


def test_the_december_2002_required_prepayment_takes_the_1995_notes_from_25_to_18_75_million(loaded, views):
    events = loaded.agreement("barnes-1995").events
    [before] = views.outstanding("barnes-1995", date(2002, 12, 4)).series
    [after] = views.outstanding("barnes-1995", date(2002, 12, 5)).series
    assert (before.outstanding, after.outstanding) == (D(25000000), D(18750000))
    assert [(m.kind, m.amount) for m in after.movements] == [
        ("issued", D(25000000)),
        ("required prepayment", D(6250000)),
    ]
    prepayment = next(e for e in events if type(e).__name__ == "PrepaymentMade")
    assert prepayment.effective_on == date(2002, 12, 5)
    assert sum(a.amount for a in prepayment.allocations) == D(6250000)


def test_registers_before_the_first_schedule_on_file_are_not_on_file(views):
    for key in ("novascotia-1999", "barnes-2000"):
        view = views.register(key, date(2002, 12, 31))
        assert view.not_on_file == "not on file: the earliest register on file is as of 2003-02-05"
        assert view.holders == ()
        assert all(line.outstanding is None for line in views.outstanding(key, date(2002, 12, 31)).series)


def test_annex_1_renders_as_the_seed_prints_it(views):
    view = views.annex1("novascotia-1999", date(2003, 2, 5))
    text = render.annex1_text(view)
    assert "State Farm Life Insurance Company                $  7,000,000      $  7,000,000" in text
    assert "Massachusetts Mutual Life Insurance Company               n/a      $ 14,000,000" in text
    assert text.rstrip().endswith("TOTALS                                           $ 24,500,000      $ 45,500,000")


def test_annex_1_json_has_the_agreed_shape(views):
    data = plain(views.annex1("novascotia-1999", date(2003, 2, 5)))
    assert data["agreement"] == "novascotia-1999"
    assert data["as_of"] == "2003-02-05"
    assert data["series"] == ["7.66%", "7.80%"]
    assert data["holders"][2] == {
        "holder": "State Farm Life Insurance Company",
        "principal": {"7.66%": "7000000.00", "7.80%": "7000000.00"},
    }
    assert data["holders"][0] == {"holder": "Allstate Insurance Company", "principal": {"7.66%": "5000000.00"}}
    assert data["totals"] == {"7.66%": "24500000.00", "7.80%": "45500000.00"}


def test_annex_1_csv_is_data_only_an_empty_cell_where_a_series_is_not_held(views):
    view = views.annex1("novascotia-1999", date(2003, 2, 5))
    lines = exports.to_csv(exports.annex1_sheet(view)).decode().splitlines()
    assert lines[0] == "holder,7.66%,7.80%"
    assert lines[1] == "Allstate Insurance Company,5000000.00,"
    assert len(lines) == 1 + len(view.holders), "no TOTALS row to be summed twice"
    columns = list(zip(*[line.split(",")[1:] for line in lines[1:]], strict=True))
    assert [sum(D(c) for c in column if c) for column in columns] == [D("24500000"), D("45500000")]


def test_history_lists_every_event_with_both_clocks_actor_and_evidence(views):
    lines = views.history("barnes-1995")
    kinds = [line.kind for line in lines if line.kind != "InterestPaid"]
    assert kinds == [
        "Registered",
        "TextRecorded",
        "NotesIssued",
        "NoteTransferred",
        "NoteTransferred",
        "NoteTransferred",
        "PrepaymentMade",
        "RegisterAttested",
        "AmendmentNotOnFile",
        "AmendmentExecuted",
        *["ConsentGiven"] * 5,
        "RecordHorizonSet",
    ]
    assert [line.effective_on for line in lines if line.kind == "InterestPaid"] == [
        date(y, m, 5) for y in range(1996, 2003) for m in (6, 12)
    ]
    assert all(line.recorded_by == "tests" and line.recorded_at.tzinfo is not None for line in lines)
    lincoln = next(line for line in lines if line.kind == "NoteTransferred")
    assert lincoln.effective_on == date(1998, 1, 2)
    assert (lincoln.evidence.document, lincoln.evidence.section) == ("000_317ef8812732a978.txt", "Annex 1")
    assert [a.fact for a in lincoln.assumptions] == ["effective date 1998-01-02", "certificate surrendered"]
    assert lincoln.entry == "barnes-1995/transfer-to-lincoln"
    journal = (FIXTURES / "barnes-1995.toml").read_text().splitlines()
    header_line = journal.index('id = "transfer-to-lincoln"')  # the [[entry]] line above it, counting from 1
    assert lincoln.source == f"{FIXTURES / 'barnes-1995.toml'}:{header_line}"
    assert not any(line.backdated for line in lines)
