"""Holders as identities: one holder, its names over time and its aliases, across every agreement.

A holder is identified by a stable key made from the name it was first
recorded under ("lincoln-investment-management-inc"). Every name on a note of
any agreement is a holder; a holder's own stream adds what the notes cannot
say: a change of name from a date, and aliases (a signatory acting for the
holder of record, a former name). The directory finds a holder by any of its
names or aliases, and tells a new name that is only a look-alike of one known
("Lincoln Investment Management Inc" for "Lincoln Investment Management,
Inc.") from a genuinely new holder.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from domain.names import normalised
from domain.values import Value


def holder_key(name: str) -> str:
    """The stable key of a holder first recorded as ``name``."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.casefold()).strip("-")


def look_alike(name: str, other: str) -> bool:
    """Whether ``name`` reads as ``other`` written differently, or cut short: the same words but for
    case, punctuation and suffixes, nearly the same letters, or ``other``'s first words alone."""
    mine, theirs = normalised(name), normalised(other)
    if not mine or not theirs:
        return False
    if mine == theirs or theirs[: len(mine)] == mine:
        return True
    return difflib.SequenceMatcher(a=" ".join(mine), b=" ".join(theirs)).ratio() >= 0.92


def signed_by_another(holder: str, signed_as: str | None) -> bool:
    """Whether a signature page names someone other than the holder of record (a nominee in
    parentheses, or the holder's name written differently, is the holder itself)."""
    if not signed_as:
        return False
    return not look_alike(re.sub(r"\([^)]*\)", " ", signed_as), holder)


@dataclass(frozen=True)
class Alias(Value):
    """Another name the holder is known by: ``role`` says how ("signatory" for a party signing for
    the holder of record, "former name", "other")."""

    name: str
    role: str
    note: str | None = None


@dataclass(frozen=True)
class HolderTerms(Value):
    key: str
    name: str
    aliases: tuple[Alias, ...] = ()


@dataclass
class Identity:
    """One holder: its key, its names (the first with no date, later ones from their dates) and aliases."""

    key: str
    names: list[tuple[date | None, str]] = field(default_factory=list)
    aliases: list[Alias] = field(default_factory=list)

    def name_on(self, day: date | None) -> str:
        """The holder's name on ``day`` (its latest name without one)."""
        named = [name for since, name in self.names if since is None or day is None or since <= day]
        return named[-1] if named else self.names[0][1]

    def known_as(self) -> list[str]:
        return [name for _, name in self.names] + [alias.name for alias in self.aliases]


class Directory:
    """Every holder on the registry, found by any name it is known by."""

    def __init__(self, identities: Iterable[Identity]) -> None:
        self.identities = {identity.key: identity for identity in identities}
        self._by_name = {
            name.casefold(): identity for identity in self.identities.values() for name in identity.known_as()
        }
        self._aliases: dict[str, dict[str, str]] = {}  # each holder's other names, as ``among`` gives them

    @classmethod
    def of(cls, recorded: Iterable[str], declared: Mapping[str, Identity]) -> Directory:
        """The directory from every name recorded on a note and the holders' own streams."""
        identities = dict(declared)
        known = {name.casefold() for identity in identities.values() for name in identity.known_as()}
        for name in recorded:
            if name.casefold() not in known:
                identities.setdefault(holder_key(name), Identity(holder_key(name), [(None, name)]))
                known.add(name.casefold())
        return cls(identities.values())

    def find(self, name: str) -> Identity | None:
        """The holder ``name`` names exactly (any case), by a name, an alias or its key."""
        wanted = name.strip()
        return self._by_name.get(wanted.casefold()) or self.identities.get(wanted)

    def among(self, holders: Sequence[str]) -> dict[str, str]:
        """The other names and aliases ``holders`` are known by (-> the holder as on the notes; see
        ``names.holder_among``), each holder's looked up once for all the entries that name it (a load's transfers
        name the same holders entry after entry)."""
        aliases: dict[str, str] = {}
        for holder in holders:
            aliases.update(self._aliases_of(holder))
        return aliases

    def _aliases_of(self, holder: str) -> dict[str, str]:
        if holder not in self._aliases:
            identity = self.find(holder)
            self._aliases[holder] = {known: holder for known in (identity.known_as() if identity else ())}
        return self._aliases[holder]

    def look_alikes(self, name: str) -> list[str]:
        """Names of holders that ``name`` only looks like: the candidates a new name is refused for."""
        return sorted(
            {identity.name_on(None) for identity in self.identities.values()
             for known in identity.known_as() if look_alike(name, known)}
        )
