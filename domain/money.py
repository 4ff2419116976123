"""Exact money in US dollars.

Amounts are ``Decimal`` values with at most two decimal places (whole cents).
They are made from strings or integers, never from floats, and arithmetic that
could produce fractions of a cent goes through the named functions below, which
work on integer cents or state their rounding mode. Nothing here depends on the
ambient ``decimal`` context.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal, localcontext
from functools import lru_cache

from domain.errors import InvalidAmount

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
LIMIT = Decimal("1000000000000000.00")  # a quadrillion dollars: far above any note, far below where the
# decimal context's 28 digits would round an amount, a product of one with a rate, or a sum of them

_AMOUNT = re.compile(r"^(?:US)?\$?\s*([0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.([0-9]+))?$", re.ASCII)  # cents checked apart


def parse_amount(value: object) -> Decimal:
    """A non-negative amount from text such as ``1,000,000`` or ``$1000000.00``.

    Integers and Decimals with whole cents are accepted as they are. Floats are
    refused: a binary fraction is not an amount of money. Anything finer than a
    cent is refused rather than rounded, and so is anything from ``LIMIT`` up,
    which arithmetic to 28 digits could no longer keep exact.
    """
    amount = _parsed(value)
    if amount >= LIMIT:
        raise InvalidAmount(f"{value!r} is not an amount of notes: amounts are less than ${LIMIT:,.0f}")
    return amount


def _parsed(value: object) -> Decimal:
    if isinstance(value, bool) or isinstance(value, float):
        raise InvalidAmount(
            f"{value!r} is a {type(value).__name__}; write money as a string such as \"1,000,000\""
        )
    if isinstance(value, int):
        if value < 0:
            raise InvalidAmount(f"{value} is negative; amounts of money are positive")
        return from_cents(value * 100)
    if isinstance(value, Decimal):
        if not value.is_finite() or value < 0:
            raise InvalidAmount(f"{value} is not a positive, finite amount")
        return from_cents(cents(value))
    if not isinstance(value, str):
        raise InvalidAmount(f"{value!r} is not an amount of money")
    unsigned = value.strip().removeprefix("-").strip()
    match = _AMOUNT.match(unsigned)
    if match is None:
        raise InvalidAmount(
            f"{value!r} is not an amount: write dollars with optional thousands commas "
            "and at most two decimals, e.g. 1,000,000 or 1000000.00"
        )
    whole, fraction = match.groups()
    if fraction is not None and len(fraction) > 2:
        raise InvalidAmount(f"{value!r} is not an amount: it has a fraction of a cent; give at most two decimals")
    if unsigned != value.strip():
        raise InvalidAmount(f"{value!r} is not an amount: it is negative; amounts of money are positive")
    return from_cents(int(whole.replace(",", "")) * 100 + int((fraction or "0").ljust(2, "0")))


def cents(amount: Decimal) -> int:
    """The amount as a whole number of cents; refuses fractions of a cent."""
    scaled = amount.scaleb(2)
    if scaled != scaled.to_integral_value():
        raise InvalidAmount(f"{amount} has a fraction of a cent")
    return int(scaled)


@lru_cache(maxsize=65536)
def from_cents(count: int) -> Decimal:
    """Dollars with exactly two decimal places, from whole cents."""
    return Decimal(count).scaleb(-2)


def format_amount(amount: Decimal, *, with_cents: bool = True) -> str:
    """``1234567.5`` as ``1,234,567.50``; without cents only when there are none."""
    if not with_cents and amount == amount.to_integral_value():
        return f"{int(amount):,}"
    return f"{from_cents(cents(amount)):,}"


def allocate(total: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """Split ``total`` in proportion to ``weights``, exactly to the cent.

    Each part starts as its proportional share rounded down to a cent; the
    cents left over go, one each, to the parts with the largest remainders
    (ties to the larger weight, then to the earlier part). The parts sum
    exactly to ``total``, and no part exceeds its weight when the total does
    not exceed the sum of the weights. This is the "as nearly as practicable"
    of Section 5.4 made precise.
    """
    total_cents = cents(total)
    weight_cents = [cents(weight) for weight in weights]
    whole = sum(weight_cents)
    if whole <= 0:
        raise InvalidAmount("nothing to allocate against: the weights sum to zero")
    shares = [total_cents * weight // whole for weight in weight_cents]
    remainders = [total_cents * weight % whole for weight in weight_cents]
    leftover = total_cents - sum(shares)
    by_claim = sorted(
        range(len(weight_cents)), key=lambda i: (-remainders[i], -weight_cents[i], i)
    )
    for i in by_claim[:leftover]:
        shares[i] += 1
    parts = [from_cents(share) for share in shares]
    assert sum(parts, ZERO) == from_cents(total_cents), "allocation must sum to the total"
    return parts


def round_cents(value: Decimal, rounding: str) -> Decimal:
    """``value`` to the cent with the rounding mode named by the caller.

    The quantization runs in a local context wide enough for any amount here,
    so neither the ambient precision nor its rounding mode can change the result.
    """
    with localcontext() as context:
        context.prec = 60
        return value.quantize(CENT, rounding=rounding)
