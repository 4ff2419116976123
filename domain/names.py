"""How users name things: a series by key, rate or label; a holder by any unique part of its name.

Resolution happens when a command is decided; the events then carry the
names as recorded, so replaying them never depends on how someone typed them.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from domain.errors import UnknownHolder, UnknownSeries

if TYPE_CHECKING:
    from domain.values import AgreementTerms

IDENTIFIER = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*", re.ASCII)
# Printable ASCII (and line breaks): nothing in it to escape, known without looking up each character's category
# (a registry-wide view's JSON is millions of characters: 0.48 s of holders across 1,000 agreements)
PLAIN, PLAIN_LINES = re.compile(r"[\x20-\x7e]*"), re.compile(r"[\x20-\x7e\n\t]*")


def unprintable(text: str, *, lines: bool) -> list[str]:
    """The characters of ``text`` that are not text: controls, format marks (zero-width, bidirectional),
    unassigned or private code points; a line break too unless ``lines`` may span several."""
    return [c for c in text if unicodedata.category(c)[0] == "C" and not (lines and c in "\n\t")]


def clean(text: str, *, lines: bool = False) -> str:
    """A name or text as the registry keeps it: Unicode NFC, stripped; anything that could forge or
    hide a line of output refused (a ``ValueError`` naming the characters)."""
    if (PLAIN_LINES if lines else PLAIN).fullmatch(text):  # printable ASCII: NFC leaves it be, nothing to refuse
        return text.strip()
    normal = unicodedata.normalize("NFC", text).strip()
    bad = unprintable(normal, lines=lines)
    if bad:
        shown = ", ".join(sorted({f"U+{ord(c):04X} {unicodedata.name(c, 'control')}" for c in bad}))
        raise ValueError(f"{text!r} holds characters that are not text ({shown}); names are plain text on one line"
                         if not lines else f"{text!r} holds characters that are not text ({shown})")
    return normal


def identifier(text: str) -> str:
    """An id or key (journal, entry, agreement): ASCII letters, digits, ".", "_" and "-", so two never collide."""
    if not IDENTIFIER.fullmatch(text):
        raise ValueError(f"{text!r} is not an id: use letters, digits, '.', '_' and '-', starting with a letter or digit")
    return text


SUFFIXES = {"inc", "incorporated", "co", "company", "corp", "corporation", "llc", "ltd", "limited", "lp", "plc", "the"}


def normalised(name: str) -> tuple[str, ...]:
    """The words that identify a name: case, accents, punctuation, "&" and corporate suffixes set aside."""
    unaccented = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    words = re.findall(r"[^\W_]+", unaccented.casefold().replace("&", " and "))  # letters of any script, not only a-z
    return tuple(w for w in words if w not in SUFFIXES)


def series_key(terms: AgreementTerms, given: str | None) -> str:
    """The series a user means: its key, its rate with or without %, or its label or title."""
    series = terms.series
    if given is None:
        if len(series) == 1:
            return series[0].key
        raise UnknownSeries(f"{terms.key} has several series ({', '.join(s.key for s in series)}); name one")
    wanted = given.strip().casefold()
    for s in series:
        if wanted in {s.key.casefold(), s.key.rstrip("%").casefold(), s.label.casefold(), s.title.casefold()}:
            return s.key
    raise UnknownSeries(f"{terms.key} has no series {given!r}; its series are {', '.join(s.key for s in series)}")


def holder_among(
    holders: Sequence[str], name: str, when: str, section: str | None, aliases: Mapping[str, str] | None = None
) -> str:
    """The holder a user names: exactly, ignoring case; by a unique part of the name or of one of its
    ``aliases`` (other name -> holder); else in the same words but for punctuation, accents and corporate
    suffixes ("..., Inc." as "... Inc"), asked last so that a part several names share stays a question."""
    wanted = name.strip().casefold()
    known = [(n.casefold(), n, holder) for n, holder in ({holder: holder for holder in holders} | dict(aliases or {})).items()]
    words = normalised(name) if not any(wanted in folded for folded, _, _ in known) else ()  # (asked only if no part)
    for matches in (lambda folded, _: folded == wanted, lambda folded, _: bool(wanted) and wanted in folded,
                    lambda _, n: bool(words) and normalised(n) == words):
        candidates = sorted({holder for folded, n, holder in known if matches(folded, n)})
        if len(candidates) == 1:
            return candidates[0]
        if len(candidates) > 1:
            raise UnknownHolder(f"{name!r} could be any of: {'; '.join(candidates)}; give the full name")
    close = difflib.get_close_matches(name, holders, n=3, cutoff=0.5)
    hint = f" (did you mean {' or '.join(repr(c) for c in close)}?)" if close else ""  # first: the list may be long
    raise UnknownHolder(
        f"{name!r} is not a holder {when}{hint}; the holders then are: {'; '.join(holders) or 'none'}",
        section=section,
    )


def canonical_holder(known: Iterable[str], name: str) -> str:
    """A known holder's name as first recorded, if ``name`` differs from it only in case."""
    wanted = name.strip()
    return next((holder for holder in known if holder.casefold() == wanted.casefold()), wanted)


def printable(text: str, *, lines: bool = False) -> str:
    """``text`` with anything that is not text (controls, terminal escapes, zero-width and bidirectional
    marks; line breaks too unless ``lines``) shown as an escape, so no name can forge or hide output."""
    if (PLAIN_LINES if lines else PLAIN).fullmatch(text):
        return text
    bad = set(unprintable(text, lines=lines))
    return "".join(f"\\u{ord(c):04x}" if c in bad else c for c in text) if bad else text
