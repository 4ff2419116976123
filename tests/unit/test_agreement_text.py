"""The 1995 agreement's text as data: imported faithfully, cleaned of scan artefacts only."""

import hashlib
import re
import tomllib

import pytest

from adapters.agreement_text import Noted, import_text, to_toml
from conftest import FIXTURES
from domain.errors import UnknownSection
from domain.text import Defect, Provision, TextChange, apply_change, clauses, find

SEED = FIXTURES / "sources" / "003_dd423827a16c28bb.txt"
STRUCTURED = FIXTURES / "text" / "barnes-1995.toml"
NOTED = FIXTURES / "text" / "barnes-1995.noted.toml"


@pytest.fixture(scope="module")
def fixture():
    return tomllib.loads(STRUCTURED.read_text())


@pytest.fixture(scope="module")
def provisions(fixture):
    return [Provision(**p) for p in fixture["provision"]]


def test_the_structured_text_is_exactly_what_the_importer_makes_of_the_seed():
    imported = import_text(SEED.read_text(), SEED.name, Noted.read(NOTED))
    assert to_toml(imported, "barnes-1995", NOTED.name) == STRUCTURED.read_text()


def test_the_importer_knows_no_agreement_what_a_reader_noted_comes_from_the_noted_file():
    """Without the noted file: no section is split into definitions, no defect found by eye is listed."""
    imported = import_text(SEED.read_text(), SEED.name)
    assert not [p for p in imported.provisions if p.kind == "definition"]
    assert "Business Day - any day other than" in find(list(imported.provisions), "10.1").text, "its terms left in it"
    assert "CIGN PROPERTY AND CASUALTY INSURANCE" not in {d.printed for d in imported.defects}
    noted = Noted.read(NOTED)
    with pytest.raises(ValueError, match="is not in the source"):
        import_text(SEED.read_text(), SEED.name, Noted(noted.definitions, (*noted.defects, Defect("nowhere", "x", "1.1"))))


def test_the_raw_source_kept_beside_it_is_the_one_imported(fixture):
    assert fixture["text"]["source_sha256"] == hashlib.sha256(SEED.read_bytes()).hexdigest()


def test_every_section_of_the_table_of_contents_is_addressable_by_number(provisions):
    contents = SEED.read_text().split("TABLE OF CONTENTS", 1)[1]
    numbers = re.findall(r"(?<= )(\d+\.\d+) [A-Z]", contents)
    assert len(numbers) == 69
    assert [p.ref for p in provisions if p.kind == "section"] == numbers


def test_sections_clauses_definitions_and_exhibits_are_addressable(provisions):
    assert find(provisions, "7.7").title == "Indebtedness"
    assert find(provisions, "7.14(d)").text == (
        "(d) loans or advances of the Company to any of its Subsidiaries and loans or advances of any"
        " Subsidiary of the Company to the Company or another such Subsidiary,"
    )
    assert find(provisions, "9.1(a)").text.startswith("(a) Principal Payments - failure to pay principal")
    assert find(provisions, "7.6(a)(vii)").text.startswith("(vii) other liens")
    assert find(provisions, 'Business Day').text == (
        "Business Day - any day other than a Saturday, Sunday or a national, Connecticut or New York holiday."
    )
    assert find(provisions, "Exhibit B").title == "Form of Note"
    with pytest.raises(UnknownSection):
        find(provisions, "7.14(g)")


def test_a_section_is_found_as_a_reader_writes_it_and_one_that_is_not_there_is_refused_saying_what_is(provisions):
    """"Section 7.7" was refused as not in the text; "9" and "7.77" were refused with nothing of what there is."""
    assert find(provisions, "Section 7.7") == find(provisions, "7.7") == find(provisions, "§ 7.7")
    assert find(provisions, "section 7.14(d)").text == find(provisions, "7.14(d)").text
    assert find(provisions, "Section 9").title == "EVENTS OF DEFAULT", "a heading is still found by its own name"
    for asked, said in (("9", "there is no '9' in the text on file; under 9: 9.1, 9.2, 9.3"),
                        ("7.77", "there is no '7.77' in the text on file; did you mean 7.7?"),
                        ("Section 9.9", "there is no 'Section 9.9' in the text on file")):
        with pytest.raises(UnknownSection) as refused:
            find(provisions, asked)
        assert refused.value.message.startswith(said), refused.value.message


def test_cross_references_are_not_taken_for_clauses():
    text = "(a) If an Event of Default described in Section 9.1(g) occurs, (b) any holder may act under clauses (d) and (e), (c) otherwise."
    assert [label for label, _, _ in clauses(text)] == ["(a)", "(b)", "(c)"]


def test_the_definitions_of_10_1_are_the_34_printed_in_alphabetical_order(provisions):
    terms = [p.title for p in provisions if p.kind == "definition"]
    assert len(terms) == 34
    assert terms[:3] == ["Affiliate", "Business Day", "Capitalized Lease"]
    assert terms == sorted(terms, key=str.casefold)


def test_page_markers_running_headers_and_underlines_are_cleaned_out(provisions):
    for provision in provisions:
        assert not re.search(r"PAGE \d+(?! of)", provision.text), provision.ref
        assert "---" not in provision.text, provision.ref
        assert "(CONTINUED)" not in provision.text, provision.ref
    assert "Property -- maintain its Property" in find(provisions, "7.2").text


def test_scanning_errors_are_kept_as_printed_and_listed(fixture, provisions):
    assert "$25,OOO,OOO" in find(provisions, "Preamble").text
    assert "Section 7,4(b)(4)" in find(provisions, "7.7").text
    listed = {(d["printed"], d["where"]) for d in fixture["defect"]}
    assert {("$25,OOO,OOO", "Preamble"), ("7.1O", "7.10 (its heading)"), ("Section 7,4", "7.7"), ("5.l", "5.1")} <= listed
    raw = SEED.read_text()
    assert all(d["printed"] in raw for d in fixture["defect"])


def test_what_the_table_of_contents_lists_but_the_file_lacks_is_not_on_file(fixture):
    assert fixture["text"]["not_on_file"] == ["Schedule I - List of Leases"]


def test_a_clause_is_restated_in_place_and_a_definition_added_in_alphabetical_order(provisions):
    changed = apply_change(provisions, TextChange("restate", "7.14(d)", "(d) new words,"))
    text = find(changed, "7.14").text
    assert "another such Subsidiary, (e)" not in text and "(d) new words, (e) purchases" in text
    added = apply_change(provisions, TextChange("add-definition", "10.1", '"Kar Guaranty" means ...', term="Kar Guaranty"))
    terms = [p.title for p in added if p.kind == "definition"]
    assert terms[terms.index("Kar Guaranty") - 1 : terms.index("Kar Guaranty") + 2] == ["Investment", "Kar Guaranty", "Lien"]


def test_an_amendment_of_a_provision_not_in_the_text_is_refused(provisions):
    with pytest.raises(UnknownSection, match="no Section 7.16"):
        apply_change(provisions, TextChange("restate", "7.16(d)", "(d) words"))
