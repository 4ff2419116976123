"""Text fitted to the terminal (``adapters.render.hung``)."""

from hypothesis import given
from hypothesis import strategies as st

from adapters.render import hung

PAID = ("recorded barnes-2000:13: required prepayment of $1,000,000.00 of the 8.59% notes: No. 1 $583,333.33, No. 2"
        " $166,666.67, No. 3 $83,333.33, No. 4 $66,666.67, No. 5 $33,333.33, No. 6 $66,666.67")


def test_a_notes_number_is_never_parted_from_its_no():
    """A recording's line ran "..., No." over "5 $33,333.33" at 160 columns."""
    for width in range(40, 170):
        lines = hung(PAID, width).splitlines()
        assert not [line for line in lines if line.endswith("No.")], (width, lines)
        assert " ".join(line.strip() for line in lines) == PAID, "nothing but line breaks changes"


@given(st.lists(st.sampled_from(["No.", "5", "No. 7", "$1.00", "word", "\0", "a-b"]), max_size=40), st.integers(20, 90))
def test_fitting_changes_nothing_but_line_breaks(words, width):
    text = " ".join(words)
    assert " ".join(line.strip() for line in hung(text, width).split("\n")) == " ".join(text.split())
