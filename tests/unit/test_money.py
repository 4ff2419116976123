from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import InvalidAmount
from domain.money import allocate, format_amount, parse_amount


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1,000,000", "1000000.00"),
        ("1000000.00", "1000000.00"),
        ("$25,000,000", "25000000.00"),
        ("US$24,500,000", "24500000.00"),
        ("3,459,500", "3459500.00"),
        ("0.5", "0.50"),
        (7, "7.00"),
        (Decimal("2594625"), "2594625.00"),
    ],
)
def test_amounts_are_read_exactly_from_text_and_integers(text, expected):
    assert parse_amount(text) == Decimal(expected)
    assert str(parse_amount(text)) == expected


@pytest.mark.parametrize(
    "bad",
    [1000000.0, 0.1, True, "1,00,000", "1.005", "-5", "$25,OOO,OOO", "one million", "", -1, Decimal("0.001")],
)
def test_floats_fractions_of_a_cent_and_malformed_amounts_are_refused(bad):
    with pytest.raises(InvalidAmount):
        parse_amount(bad)


@pytest.mark.parametrize(("text", "said"), [
    ("-5", "'-5' is not an amount: it is negative; amounts of money are positive"),
    ("-$1,000.00", "'-$1,000.00' is not an amount: it is negative; amounts of money are positive"),
    ("100000.001", "'100000.001' is not an amount: it has a fraction of a cent; give at most two decimals"),
    ("1e5", "'1e5' is not an amount: write dollars with optional thousands commas and at most two decimals, e.g. 1,000,000"
            " or 1000000.00"),
])
def test_a_negative_amount_or_one_finer_than_a_cent_is_refused_saying_which(text, said):
    """Each was refused with the general wording, which did not say what was wrong with it."""
    with pytest.raises(InvalidAmount) as refused:
        parse_amount(text)
    assert refused.value.message == said


@pytest.mark.parametrize("huge", ["99999999999999999999999999999999", "1,000,000,000,000,000", 10**15, Decimal("1E+40")])
def test_an_amount_too_large_to_keep_exact_is_refused_not_rounded(huge):
    """Thirty-two nines were read as 1E+32 (the decimal context keeps 28 digits) and printed "$1.0000...E+32"."""
    with pytest.raises(InvalidAmount, match=r"is not an amount of notes: amounts are less than \$1,000,000,000,000,000$"):
        parse_amount(huge)
    assert parse_amount("999,999,999,999,999.99") == Decimal("999999999999999.99")


def test_a_float_is_refused_with_a_hint_to_write_a_string():
    with pytest.raises(InvalidAmount, match="write money as a string"):
        parse_amount(6250000.0)


def test_amounts_print_with_thousands_separators_and_cents_only_when_wanted():
    assert format_amount(Decimal("2594625")) == "2,594,625.00"
    assert format_amount(Decimal("2594625"), with_cents=False) == "2,594,625"
    assert format_amount(Decimal("5916666.67"), with_cents=False) == "5,916,666.67"


def test_the_2002_prepayment_takes_every_1995_note_to_75_percent():
    notes = [Decimal(x) for x in ("1800000", "5000000", "5000000", "8200000", "3459500", "1540500")]
    shares = allocate(Decimal("6250000"), notes)
    assert shares == [Decimal(x) for x in ("450000", "1250000", "1250000", "2050000", "864875", "385125")]


def test_leftover_cents_go_to_the_largest_remainders_and_the_parts_sum_to_the_whole():
    assert allocate(Decimal("100.00"), [Decimal(1), Decimal(1), Decimal(1)]) == [
        Decimal("33.34"),
        Decimal("33.33"),
        Decimal("33.33"),
    ]
    assert allocate(Decimal("0.05"), [Decimal(3), Decimal(1)]) == [Decimal("0.04"), Decimal("0.01")]


amounts = st.integers(min_value=1, max_value=10**11).map(lambda c: Decimal(c).scaleb(-2))


@given(total=st.integers(min_value=0, max_value=10**11), weights=st.lists(amounts, min_size=1, max_size=30))
def test_an_allocation_sums_exactly_and_never_gives_a_note_more_than_its_principal(total, weights):
    whole = sum(weights)
    total_amount = min(Decimal(total).scaleb(-2), whole)
    parts = allocate(total_amount, weights)
    assert sum(parts) == total_amount
    assert all(Decimal(0) <= part <= weight for part, weight in zip(parts, weights, strict=True))
    assert all(part == part.quantize(Decimal("0.01")) for part in parts)


@given(st.integers(min_value=1, max_value=10**6), st.integers(min_value=-10**12, max_value=10**12),
       st.integers(min_value=-4, max_value=0), st.booleans())
def test_an_allocation_made_again_is_the_same_object_with_its_amount_as_written(note, units, places, deemed):
    """Coupons pay the same notes the same shares again and again: one allocation object each (a load's memory),
    but never one whose amount is written otherwise (``Decimal("5.0") == Decimal("5.00")``: a figure is shown,
    and stored, as written)."""
    from domain.money import from_cents
    from domain.values import Allocation

    amount = Decimal(units).scaleb(places)
    other = Decimal(units).scaleb(places - 1) * 10  # equal, one more place written
    first = Allocation.of(note, amount, deemed)
    assert Allocation.of(note, Decimal(str(amount)), deemed) is first
    assert str(Allocation.of(note, other, deemed).amount) == str(other) and (first.note, first.deemed) == (note, deemed)
    assert str(first.amount) == str(amount) and from_cents(units) is from_cents(units)
