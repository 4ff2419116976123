"""Consent to an amendment: who may vote, with what principal, and the threshold.

Section 11.5 of the 1995 agreement: an amendment needs the written consent of
"the holders of at least 66-2/3% of the outstanding principal amount of the
Notes (exclusive of Notes owned by the Company, Subsidiaries and Affiliates)",
and of all holders for changes to payments, to Section 9 or to 11.5 itself.
The threshold and the voting classes (all series together, or each series on
its own) are terms of the agreement, not constants here. Shares are exact
fractions; nothing is rounded until it is printed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from math import ceil

from domain.errors import InvalidCommand
from domain.money import CENT, ZERO, format_amount

ALL_HOLDERS = "all holders"
TOGETHER = "together"
BY_SERIES = "by series"


def parse_threshold(text: str) -> Fraction:
    """ "66-2/3%" as 2/3, "51%" as 51/100, "all holders" as 1."""
    if text.strip().casefold() == ALL_HOLDERS:
        return Fraction(1)
    match = re.fullmatch(r"\s*(\d+)(?:[- ](\d+)/(\d+))?\s*%\s*", text)
    if not match or match[3] is not None and int(match[3]) == 0:
        raise InvalidCommand(f"{text!r} is not a threshold; write it as in the agreement, e.g. \"66-2/3%\"")
    whole, numerator, denominator = match.groups()
    percent = Fraction(int(whole)) + (Fraction(int(numerator), int(denominator)) if numerator else 0)
    return percent / 100


def require_share(text: str) -> str:
    """A threshold as terms given state it: one ``parse_threshold`` reads, more than 0% and at most 100% (151% could
    never be met, 0% is met by nobody's consent). Checked where terms are given, not on replay, so an agreement
    registered before this check still reads as it did."""
    if not 0 < parse_threshold(text) <= 1:
        raise InvalidCommand(f"{text!r} is not a share of the holders: a threshold is more than 0% and at most 100%"
                             f" (\"{ALL_HOLDERS}\")")
    return text


def format_share(share: Fraction, places: int = 2) -> str:
    """A share as a percentage, rounded half up to ``places`` decimals for printing only."""
    exact = Decimal(share.numerator) * 100 / Decimal(share.denominator)
    return f"{exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)}%"


@dataclass(frozen=True)
class Vote:
    holder: str
    principal: dict[str, Decimal]
    consented: bool
    excluded: bool


@dataclass(frozen=True)
class ClassTally:
    name: str
    voting: Decimal
    consenting: Decimal

    @property
    def share(self) -> Fraction:
        return Fraction(self.consenting) / Fraction(self.voting) if self.voting else Fraction(0)

    def reaches(self, required: Fraction) -> bool:
        """Whether the principal consenting is at least ``required`` of the principal that votes (none voting: never)."""
        return bool(self.voting) and self.share >= required

    def wanting(self, required: Fraction) -> Decimal | None:
        """The least principal more that must consent for the class to reach ``required``: counsel's next question.
        Exact: the cents of ``required`` of the voting principal, rounded up, less those consenting (nothing once it is
        reached; ``None`` where no principal votes, which no consent can mend)."""
        if not self.voting:
            return None
        least = Decimal(ceil(Fraction(self.voting) * required * 100)) / 100
        return max(least - self.consenting, ZERO).quantize(CENT)


@dataclass(frozen=True)
class Tally:
    votes: tuple[Vote, ...]
    classes: tuple[ClassTally, ...]
    threshold: str
    required: Fraction
    all_holders: bool

    @property
    def met(self) -> bool:
        if self.all_holders:
            return all(vote.consented for vote in self.votes if not vote.excluded) and any(
                not vote.excluded for vote in self.votes
            )
        return bool(self.classes) and all(c.reaches(self.required) for c in self.classes)

    def shortfall(self) -> str:
        if self.met:
            return ""
        if self.all_holders:
            missing = [v.holder for v in self.votes if not v.excluded and not v.consented]
            return f"needs every holder; not consented: {'; '.join(missing)}"
        return "; ".join(
            f"{c.name}: {format_share(c.share)} consented, {self.threshold} needed{more_needed(c.wanting(self.required), ', ', '')}"
            for c in self.classes if not c.reaches(self.required)
        )


def more_needed(wanting: Decimal | None, before: str = ", ", after: str = " needed") -> str:
    """The principal more a class needs, in words (``ClassTally.wanting``); nothing where none is or none can be."""
    return f"{before}${format_amount(wanting)} more{after}" if wanting else ""


def tally(
    holdings: Mapping[tuple[str, str], Decimal],
    consenting: Iterable[str],
    excluded: Iterable[str],
    *,
    threshold: str,
    voting: str = TOGETHER,
    all_holders: bool = False,
) -> Tally:
    """The consent tally from the register on the amendment's date."""
    consents, left_out = set(consenting), {name.casefold() for name in excluded}
    holders: dict[str, dict[str, Decimal]] = {}
    for (holder, series), amount in holdings.items():
        holders.setdefault(holder, {})[series] = amount
    votes = tuple(
        Vote(holder, principal, holder in consents, holder.casefold() in left_out)
        for holder, principal in holders.items()
    )
    series = sorted({s for _, s in holdings})
    groups = [("all series", series)] if voting == TOGETHER else [(s, [s]) for s in series]
    classes = tuple(
        ClassTally(
            name,
            sum((v.principal.get(s, ZERO) for v in votes if not v.excluded for s in members), ZERO),
            sum((v.principal.get(s, ZERO) for v in votes if not v.excluded and v.consented for s in members), ZERO),
        )
        for name, members in groups
    )
    needed = ALL_HOLDERS if all_holders else threshold
    return Tally(votes, classes, needed, parse_threshold(needed), all_holders)
