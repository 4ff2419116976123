"""Names are data: anything in a name or in output that is not text is found, whatever script the text is in."""

import unicodedata
from unittest import mock

from hypothesis import given
from hypothesis import strategies as st

from adapters.cli.common import emit
from domain.names import printable, unprintable


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
