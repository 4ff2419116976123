"""An agreement's text as data: provisions addressable by number, and how amendments change them.

A provision is a section ("7.7"), a definition in the agreement's definitions
section (``10.1 "Affiliate"`` in the 1995 agreement),
an exhibit ("Exhibit A") or a part such as the preamble. Clauses are addressed
inside their section ("7.14(d)", "7.6(a)(vii)"): they are found in the
section's text, lettered clauses in sequence and, within one, roman-numbered
ones, so a cross-reference such as "Section 9.1(g)" is never taken for a clause.

Amendments change the text with a few operations, each as the amendments word
them: restate a section or clause "in its entirety", add a definition "in the
appropriate alphabetical order", delete a provision, insert a new one.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from domain.errors import UnknownSection
from domain.values import Value

RESTATE = "restate"
ADD_DEFINITION = "add-definition"
DELETE = "delete"
INSERT = "insert"
_DEFINITION_REF = re.compile(r'^[\w.()]+\s+"(?P<term>.+)"$')

_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_ROMANS = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii", "xiii", "xiv", "xv"]
_CLAUSE_REF = re.compile(r"^(?P<section>\d+(?:\.\d+)?)(?P<clauses>(?:\([a-z]+\))+)$")


@dataclass(frozen=True)
class Provision(Value):
    ref: str
    kind: str
    title: str
    text: str
    parent: str | None = None


@dataclass(frozen=True)
class TextChange(Value):
    """One operation of an amendment on the text."""

    action: str
    target: str
    text: str = ""
    title: str | None = None
    term: str | None = None
    after: str | None = None
    where: str | None = None  # where the amendment makes it ("Exhibit A, paragraph 1")

    def describe(self) -> str:
        if self.action == ADD_DEFINITION:
            return f'definition of "{self.term}" added to Section {self.target}'
        if self.action == RESTATE:
            return f"Section {self.target} amended and restated in its entirety"
        if self.action == DELETE:
            return f"Section {self.target} deleted"
        return f"Section {self.target} inserted after {self.after}"


@dataclass(frozen=True)
class Defect(Value):
    """A scanning error kept as printed: what the source shows and what it evidently means."""

    printed: str
    reading: str
    where: str
    note: str = ""


def definition_ref(section: str, term: str) -> str:
    """How a defined term is addressed: its section and the term in quotes."""
    return f'{section} "{term}"'


def sort_key(term: str) -> str:
    return term.strip('"').casefold()


def clauses(text: str) -> list[tuple[str, int, int]]:
    """Lettered clauses of a section's text as (label, start, end); romans within each.

    Labels are "(a)", "(b)", ... and "(a)(i)", "(a)(ii)", ...; a clause runs to
    the start of the next one at its level.
    """
    found: list[tuple[str, int, int]] = []
    letters = _sequence(text, 0, len(text), [f"({c})" for c in _LETTERS])
    for label, start, end in letters:
        found.append((label, start, end))
        found.extend((label + roman, s, e) for roman, s, e in _sequence(text, start + len(label), end, [f"({r})" for r in _ROMANS]))
    return found


def _sequence(text: str, start: int, end: int, labels: Sequence[str]) -> list[tuple[str, int, int]]:
    """Markers found in order, each where a clause can begin: after a space or at the start."""
    positions: list[tuple[str, int]] = []
    at = start
    for label in labels:
        found = _marker(text, label, at, end)
        if found < 0:
            break
        positions.append((label, found))
        at = found + len(label)
    return [
        (label, position, positions[i + 1][1] if i + 1 < len(positions) else end)
        for i, (label, position) in enumerate(positions)
    ]


def _marker(text: str, label: str, start: int, end: int) -> int:
    at = text.find(label, start, end)
    while at >= 0 and at > 0 and not text[at - 1].isspace():
        at = text.find(label, at + 1, end)
    return at


def find(provisions: Sequence[Provision], ref: str, *, asked: str | None = None, where: str = "in the text on file") -> Provision:
    """The provision a reader means: by number ("7.7", or "Section 7.7"), clause, exhibit name or defined term;
    a refusal quotes it as ``asked``, as the reader wrote it, says ``where`` it was looked for and what is near it."""
    wanted = ref.strip()
    if not wanted:
        raise UnknownSection("no provision was named: give its number (7.7), a clause (7.14(d)), a defined term or an"
                             " exhibit's name, or leave the section out for the whole text")
    for provision in provisions:
        if provision.ref.casefold() == wanted.casefold():
            return provision
    if (bare := _SECTION_WORD.sub("", wanted)) != wanted and bare:  # a heading ("Section 9") is matched above
        return find(provisions, bare, asked=asked or ref, where=where)
    named = _DEFINITION_REF.match(wanted)
    term = named["term"] if named else wanted.strip('"')
    for provision in provisions:
        if provision.kind == "definition" and provision.title.strip('"').casefold() == term.casefold():
            return provision
    match = _CLAUSE_REF.match(wanted.replace(" ", ""))
    if match:
        section = find(provisions, match["section"])
        for label, start, end in clauses(section.text):
            if label == match["clauses"]:
                return Provision(wanted, "clause", "", section.text[start:end].strip(), section.ref)
        raise UnknownSection(f"Section {section.ref} has no clause {match['clauses']}")
    raise UnknownSection(f"there is no {asked or ref!r} {where}{_nearby(provisions, wanted)}")


_SECTION_WORD = re.compile(r"^(?:sections?|sec\.|§)\s*", re.IGNORECASE)


def _nearby(provisions: Sequence[Provision], wanted: str) -> str:
    """What there is near a reference that is not in the text: the provisions under it ("9": 9.1, 9.2, ...), or
    those it looks like a slip for ("7.77": 7.7)."""
    refs = [p.ref for p in provisions if p.kind != "definition"]
    under = [r for r in refs if r.startswith(f"{wanted}.")]
    if under:
        return f"; under {wanted}: {', '.join(under[:12])}{', ...' if len(under) > 12 else ''}"
    close = difflib.get_close_matches(wanted, refs, n=3, cutoff=0.75)
    return f"; did you mean {' or '.join(close)}?" if close else ""


def apply_change(provisions: Sequence[Provision], change: TextChange, *, on_file: bool = True) -> list[Provision]:
    """The provisions after one operation.

    With the original text on file, a target that is not there is refused.
    Without it, the amendment's words are all the registry knows: a restated
    section or clause, or an added definition, stands on its own, in number order.
    """
    result = list(provisions)
    if change.action == ADD_DEFINITION:
        term = change.term or ""
        new = Provision(definition_ref(change.target, term), "definition", term, change.text, change.target)
        definitions = [i for i, p in enumerate(result) if p.kind == "definition" and p.parent == change.target]
        later = [i for i in definitions if sort_key(result[i].title) > sort_key(term)]
        if later:
            result.insert(later[0], new)
        elif definitions:
            result.insert(definitions[-1] + 1, new)
        elif on_file:
            result.insert(_index(result, change.target) + 1, new)
        else:
            result.append(new)
        return result if on_file else sorted(result, key=_number_order)
    if change.action == INSERT:
        result.insert(_index(result, change.after or "") + 1, Provision(change.target, "section", change.title or "", change.text))
        return result
    match = _CLAUSE_REF.match(change.target.replace(" ", ""))
    section_ref = match["section"] if match else change.target
    index = _position(result, section_ref)
    if index is None:
        if on_file:
            raise UnknownSection(f"there is no Section {section_ref} in the text to amend")
        kind = "clause" if match else "section"
        result = [p for p in result if p.ref != change.target]
        if change.action != DELETE:
            result.append(Provision(change.target, kind, change.title or "", change.text.strip(), section_ref if match else None))
        return sorted(result, key=_number_order)
    if match:
        section = result[index]
        spans = [(s, e) for label, s, e in clauses(section.text) if label == match["clauses"]]
        if not spans:
            raise UnknownSection(f"Section {section_ref} has no clause {match['clauses']} to amend")
        start, end = spans[0]
        tail = section.text[end:]
        middle = "" if change.action == DELETE else change.text.strip() + (" " if tail.strip() else "")
        result[index] = replace(section, text=section.text[:start] + middle + tail.lstrip())
    elif change.action == DELETE:
        del result[index]
    else:
        result[index] = replace(result[index], text=change.text.strip(), title=change.title or result[index].title)
    return result


def _position(provisions: Sequence[Provision], ref: str) -> int | None:
    return next((i for i, p in enumerate(provisions) if p.ref == ref), None)


def _index(provisions: Sequence[Provision], ref: str) -> int:
    index = _position(provisions, ref)
    if index is None:
        raise UnknownSection(f"there is no {ref!r} in the text")
    return index


def _number_order(provision: Provision) -> tuple:
    """Section numbers in numeric order ("7.16" after "7.7"), definitions by term."""
    parts = re.findall(r"\d+|[a-z]+", provision.ref.split('"')[0].lower())
    numbers = tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts)
    return numbers + ((2, 0, sort_key(provision.title)),) if provision.kind == "definition" else numbers
