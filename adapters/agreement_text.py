"""Import an agreement's text from an EDGAR full-text copy into a structured fixture.

The copy is one collapsed line. Its table of contents (at the end, after the
exhibits) lists every section number and title; the importer finds each
heading in that order, so a cross-reference ("Section 7.7") is never taken for
the heading ("7.7 Indebtedness."). Section 10.1's definitions are found by the
scan's underlines: each defined term was underlined, and the underline
survives as a run of exactly as many dashes a few words later.

Cleaning removes page markers ("PAGE 12"), running headers ("EXHIBIT C
(CONTINUED)") and dashed underlines, and nothing else: scanning errors such as
"$25,OOO,OOO" stay as printed and are listed.

What the copy cannot show by itself comes from a file a reader keeps beside the
text (``--noted``): the section of defined terms, and the defects found by eye.

    python -m adapters.agreement_text SOURCE OUTPUT.toml --agreement barnes-1995 --noted NOTED.toml
"""

from __future__ import annotations

import argparse
import hashlib
import re
import textwrap
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from domain.text import Defect, Provision, definition_ref

_TOC_ENTRY = re.compile(r"(SECTION (\d+)\. ([A-Z][A-Z ;,]+?)|(\d+\.\d+) ([A-Z][^0-9]*?)) \d+(?= |$)")
_EXHIBIT_ENTRY = re.compile(r"(Exhibit [A-Z]|Schedule [A-Z0-9]+) - (.+?)(?= Exhibit [A-Z] - | Schedule [A-Z0-9]+ - |$)")
_PAGE_MARKER = re.compile(r"\bPAGE \d+\b(?! of)")
_UNDERLINE = re.compile(r"-{3,}")
_RUNNING_HEADER = re.compile(r"\b(EXHIBIT [A-Z] \(CONTINUED\)|TABLE OF CONTENTS \(CONTINUED\) PAGE)")
CLEANING = (
    "page markers (\"PAGE 12\") removed",
    "running headers (\"EXHIBIT C (CONTINUED)\", \"TABLE OF CONTENTS (CONTINUED)\") removed",
    "dashed underlines (runs of three or more dashes) removed",
    "section headings moved into the provision's number and title",
    "white space collapsed",
)

@dataclass(frozen=True)
class Noted:
    """What an agreement's copy cannot show the importer by itself, noted by a reader: its section of defined
    terms, if it has one, and the scanning defects no pattern catches (each must occur in the source)."""

    definitions: str | None = None
    defects: tuple[Defect, ...] = ()

    @classmethod
    def read(cls, path: Path) -> Noted:
        """A noted file: ``[text] definitions = "10.1"`` and ``[[defect]]`` tables (printed, reading, where, note)."""
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        return cls(data.get("text", {}).get("definitions"), tuple(Defect(**d) for d in data.get("defect", ())))


@dataclass(frozen=True)
class ImportedText:
    source: str
    sha256: str
    provisions: tuple[Provision, ...]
    defects: tuple[Defect, ...]
    not_on_file: tuple[str, ...]


def clean(text: str) -> str:
    text = _RUNNING_HEADER.sub(" ", text)
    text = _PAGE_MARKER.sub(" ", text)
    text = _UNDERLINE.sub(" ", text)
    return re.sub(r"\s+", " ", text).strip()


def import_text(raw: str, source: str, noted: Noted = Noted()) -> ImportedText:
    contents_at = raw.index("CONFORMED COPY")
    body, contents = raw[:contents_at], raw[contents_at:]
    boundaries: list[tuple[int, int, Provision]] = []  # (start, text start, provision without text)
    at = 0
    article = None
    for match in _TOC_ENTRY.finditer(contents):
        if match[2]:
            article = match[2]
            pattern = rf"SECTION\s+{match[2]}\.?\s+{_words(match[3])}\.?"
            provision = Provision(f"Section {match[2]}", "article", match[3].strip(), "")
        else:
            number, title = match[4], match[5].strip()
            major, minor = number.split(".")
            pattern = rf"(?<![\w.,]){major}\.{minor.replace('0', '[0O]')}\s+{_words(title)}\.?"
            provision = Provision(number, "section", title, "", f"Section {article}")
        found = re.compile(pattern).search(body, at)
        if found is None:
            raise ValueError(f"heading {match[0]!r} of the table of contents is not in the text")
        boundaries.append((found.start(), found.end(), provision))
        at = found.end()
    signatures = body.index("If this Agreement is satisfactory to you", at)
    boundaries.append((signatures, signatures, Provision("Signatures", "signatures", "Closing and signatures", "")))
    at = signatures
    not_on_file = []
    for match in _EXHIBIT_ENTRY.finditer(contents):
        name, title = match[1], match[2].strip()
        found = re.compile(rf"\b{name.upper()}\b").search(body, at)
        if found is None:
            not_on_file.append(f"{name} - {title}")
            continue
        boundaries.append((found.start(), found.end(), Provision(name, "exhibit", title, "")))
        at = found.end()
    boundaries.append((contents_at, contents_at, Provision("Table of Contents", "contents", "Table of Contents", "")))
    text = body + contents
    provisions = [Provision("Preamble", "preamble", "Heading and addressees", clean(text[: boundaries[0][0]]))]
    for index, (_, text_start, provision) in enumerate(boundaries):
        end = boundaries[index + 1][0] if index + 1 < len(boundaries) else len(text)
        if provision.ref == noted.definitions:
            provisions.extend(_definitions(provision, text[text_start:end]))
        else:
            provisions.append(_with_text(provision, clean(text[text_start:end])))
    return ImportedText(
        source=source,
        sha256=hashlib.sha256(raw.encode()).hexdigest(),
        provisions=tuple(provisions),
        defects=tuple(_defects(raw, provisions, noted.defects)),
        not_on_file=tuple(not_on_file),
    )


def _words(title: str) -> str:
    return r"\s+".join(re.escape(word) for word in title.split())


def _with_text(provision: Provision, text: str) -> Provision:
    return Provision(provision.ref, provision.kind, provision.title, text, provision.parent)


def _definitions(section: Provision, raw: str) -> list[Provision]:
    """The definitions section's lead-in and one provision per defined term, in the printed order."""
    starts: list[tuple[int, str]] = []
    for underline in _UNDERLINE.finditer(raw):
        length = len(underline.group())
        window = raw[max(0, underline.start() - 90) : underline.start()]
        dash = window.rfind(" - ")
        if dash < length:
            continue
        term = window[dash - length : dash]
        before = window[dash - length - 1 : dash - length]
        if term[:1].isupper() and before in (" ", ""):
            starts.append((underline.start() - len(window) + dash - length, term))
    lead_in = _with_text(section, clean(raw[: starts[0][0]]))
    terms = []
    for index, (start, term) in enumerate(starts):
        end = starts[index + 1][0] if index + 1 < len(starts) else len(raw)
        terms.append(Provision(definition_ref(section.ref, term), "definition", term, clean(raw[start:end]), section.ref))
    return [lead_in, *terms]


def _defects(raw: str, provisions: list[Provision], noted: Sequence[Defect]) -> list[Defect]:
    """Scanning errors: letters for digits in numbers, commas in section numbers, and those ``noted``."""
    found = []
    for match in re.finditer(r"\$?\d[\d,.]*[Ol][\dOl,.]*", raw):
        printed = match.group().rstrip(".,")
        reading = printed.replace("O", "0").replace("l", "1")
        found.append(Defect(printed, reading, _where(printed, provisions), "letter for digit"))
    for match in re.finditer(r"Section (\d+),(\d+)", raw):
        found.append(
            Defect(match.group(), f"Section {match[1]}.{match[2]}", _where(match.group(), provisions), "comma for period")
        )
    for defect in noted:
        if defect.printed not in raw:
            raise ValueError(f"noted defect {defect.printed!r} is not in the source")
        found.append(defect)
    return found


def _where(printed: str, provisions: list[Provision]) -> str:
    for provision in provisions:
        if printed in provision.text:
            return provision.ref
    reading = printed.replace("O", "0").replace("l", "1")
    if any(provision.ref == reading for provision in provisions):
        return f"{reading} (its heading)"
    return "headings"


# ------------------------------------------------------------------ the fixture


def to_toml(imported: ImportedText, agreement: str, noted: str | None = None) -> str:
    """The structured text fixture; ``noted``, the name of the noted file beside it, if one was read."""
    lines = [
        f"# The text of {agreement}, imported from {imported.source} by adapters/agreement_text.py.",
        "# Regenerate with: python -m adapters.agreement_text fixtures/sources/<source> <this file>"
        f" --agreement {agreement}" + (f" --noted fixtures/text/{noted}" if noted else ""),
        "",
        "[text]",
        f"agreement = {_string(agreement)}",
        f"source = {_string(imported.source)}",
        f"source_sha256 = {_string(imported.sha256)}",
        "cleaning = [" + ", ".join(_string(c) for c in CLEANING) + "]",
        "not_on_file = [" + ", ".join(_string(n) for n in imported.not_on_file) + "]",
    ]
    for defect in imported.defects:
        lines += ["", "[[defect]]"]
        lines += [f"{name} = {_string(getattr(defect, name))}" for name in ("printed", "reading", "where", "note")]
    for provision in imported.provisions:
        lines += ["", "[[provision]]", f"ref = {_string(provision.ref)}", f"kind = {_string(provision.kind)}"]
        lines.append(f"title = {_string(provision.title)}")
        if provision.parent:
            lines.append(f"parent = {_string(provision.parent)}")
        lines.append(f"text = {_long_string(provision.text)}")
    return "\n".join(lines) + "\n"


def _string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _long_string(value: str) -> str:
    """A TOML multi-line string wrapped for reading; the line-ending backslashes join it back exactly."""
    if len(value) < 80:
        return _string(value)
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    wrapped = textwrap.wrap(escaped, width=96, break_long_words=False, break_on_hyphens=False)
    return '"""\\\n' + " \\\n".join(wrapped) + '"""'


def main() -> None:
    parser = argparse.ArgumentParser(description="Import an agreement's text from an EDGAR copy.")
    parser.add_argument("source", type=Path)
    parser.add_argument("output", type=Path)
    parser.add_argument("--agreement", required=True)
    parser.add_argument("--noted", type=Path, help="What a reader noted that the copy cannot show (see Noted.read).")
    args = parser.parse_args()
    noted = Noted.read(args.noted) if args.noted else Noted()
    imported = import_text(args.source.read_text(encoding="utf-8"), args.source.name, noted)
    args.output.write_text(to_toml(imported, args.agreement, args.noted.name if args.noted else None), encoding="utf-8")
    print(f"{args.output}: {len(imported.provisions)} provisions, {len(imported.defects)} defects listed")


if __name__ == "__main__":
    main()
