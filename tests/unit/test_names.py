"""Names are data: anything in a name or in output that is not text is found, whatever script the text is in."""

import unicodedata
from unittest import mock

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from adapters.cli.common import emit
from domain.decide import _holder_named
from domain.errors import UnknownHolder
from domain.holders import Alias, Directory, Identity
from domain.names import clean, holder_among, printable, unprintable


@given(st.text(), st.booleans())
def test_what_is_not_text_is_each_character_in_a_control_format_unassigned_or_private_category(text, lines):
    by_category = [c for c in text if unicodedata.category(c).startswith("C") and not (lines and c in "\n\t")]
    assert unprintable(text, lines=lines) == by_category


def test_output_with_a_terminal_escape_or_a_direction_mark_among_names_in_any_script_shows_them_escaped():
    text = 'Zürich Versicherung, 東京海上, "Ωmega"\x1b[2J\u202e\u200b\nnext line\tcell'
    assert printable(text, lines=True) == 'Zürich Versicherung, 東京海上, "Ωmega"\\u001b[2J\\u202e\\u200b\nnext line\tcell'
    assert printable(text) == 'Zürich Versicherung, 東京海上, "Ωmega"\\u001b[2J\\u202e\\u200b\\u000anext line\\u0009cell'


@given(st.text() | st.text(st.characters(max_codepoint=0x7f)), st.booleans())
def test_printable_escapes_each_character_that_is_not_text_plain_ascii_included(text, lines):
    """(Plain ASCII is returned as it is, without looking at each character: the same answer.)"""
    escaped = "".join(f"\\u{ord(c):04x}" if unicodedata.category(c)[0] == "C" and not (lines and c in "\n\t") else c
                      for c in text)
    assert printable(text, lines=lines) == escaped


@given(st.text() | st.text(st.characters(max_codepoint=0x7f)))
def test_output_is_escaped_as_printable_escapes_it_plain_ascii_included(text):
    with mock.patch("adapters.cli.common.typer.echo") as echo:
        emit(text)
    assert echo.call_args.args == (printable(text, lines=True),)


@given(st.text() | st.text(st.characters(max_codepoint=0x7f)), st.booleans())
@example("Evil Co\nTOTAL $ 99,000,000", False)
@example("  Acme Life  ", False)
@example("line one\n\tline two", True)
def test_a_name_is_kept_in_nfc_stripped_and_refused_for_anything_not_text_plain_ascii_included(text, lines):
    """(Plain ASCII is stripped without normalising it or looking at each character: the same answer.)"""
    normal = unicodedata.normalize("NFC", text).strip()
    if unprintable(normal, lines=lines):
        with pytest.raises(ValueError):
            clean(text, lines=lines)
    else:
        assert clean(text, lines=lines) == normal


IDENTITIES = [
    Identity("acme", [(None, "Acme Life Insurance Co"), (None, "Acme Mutual")], [Alias("ACME NOMINEES", "signatory")]),
    Identity("acme-re", [(None, "Acme Re")]),
    Identity("baltic", [(None, "Baltic Trust")], [Alias("acme mutual", "other")]),
    Identity("zeta", [(None, "Zeta Fund")]),
]
NAMES = [name for identity in IDENTITIES for name in identity.known_as()]


def as_found(find, *args):
    try:
        return find(*args)
    except UnknownHolder as error:
        return error.message


@given(st.lists(st.tuples(st.sets(st.sampled_from([i.names[0][1] for i in IDENTITIES])),
                          st.sampled_from(NAMES + ["acme", "ACME", "mutual", "re", "Trust", "nobody", ""])
                          .flatmap(lambda n: st.sampled_from([n, n.upper(), n.casefold(), f" {n} "]))), max_size=8))
def test_a_holder_is_named_by_any_of_its_names_in_any_case_whichever_holders_were_named_before(asked):
    """One directory asked in turn about other holders, as a load's entries ask it: each answer (or refusal) is
    the holder named exactly or by a unique part, among that entry's holders and their other names."""
    directory = Directory(IDENTITIES)
    for holders, name in asked:
        holders = sorted(holders)
        aliases = {known: holder for holder in holders for known in directory.find(holder).known_as()}
        assert as_found(_holder_named, directory, holders, name, "then", None) == \
            as_found(holder_among, holders, name, "then", None, aliases)


def test_a_name_not_a_holders_asks_first_which_it_might_be_then_lists_them():
    """The suggestion came after every holder's name, sixteen of them across the registry: it comes first."""
    holders = ["ACE American Insurance Co.", "Allstate Insurance Company", "Lincoln Investment Management, Inc.",
               "The Prudential Insurance Company of America"]
    assert as_found(holder_among, holders, "Lincoln Investment Mgmt", "on the registry", None) == (
        "'Lincoln Investment Mgmt' is not a holder on the registry (did you mean 'Lincoln Investment Management,"
        " Inc.'?); the holders then are: " + "; ".join(holders))
    assert as_found(holder_among, holders, "Zeta", "then", None) == f"'Zeta' is not a holder then; the holders then are: {'; '.join(holders)}"


def test_a_holder_is_named_in_its_own_words_but_for_punctuation_accents_and_suffixes():
    """"Lincoln Investment Management Inc" was refused for "..., Inc." (did you mean it?); it names it now, as do
    "Acme Co." and "Acme Company" for "Acme Co". A part several names share still asks which, and names in other
    scripts are compared by their own letters, not reduced to their digits."""
    holders = ["Acme Co", "Acme Co Re", "Lincoln Investment Management, Inc.", "Société Générale", "Банк 1"]
    assert holder_among(holders, "Lincoln Investment Management Inc", "then", None) == "Lincoln Investment Management, Inc."
    assert holder_among(holders, "Acme Co.", "then", None) == "Acme Co"
    assert holder_among(holders, "Acme Company", "then", None) == "Acme Co"
    assert holder_among(holders, "ACME co re.", "then", None) == "Acme Co Re"
    assert holder_among(holders, "societe generale", "then", None) == "Société Générale"
    assert as_found(holder_among, holders, "acme", "then", None).startswith("'acme' could be any of: Acme Co; Acme Co Re;")
    assert as_found(holder_among, holders, "Фонд 1", "then", None).startswith("'Фонд 1' is not a holder then")
