"""Journals: human-readable TOML files of entries, loaded all or nothing.

A journal names the agreement its entries concern and the journals it depends
on. Loading reads and validates every file first, then checks every entry
against the registry as it would stand after the entries before it, and only
then records them, each entry in its own transaction. A malformed file or a
refused entry is reported with its file and line, and nothing is recorded.
Entries already on file (same journal id and entry id, same content) are
skipped, so loading twice records nothing new and an interrupted load can be
run again to completion.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from pydantic import Field, ValidationError, model_validator

from adapters.entries import Entry, Strict, Text
from adapters.entries.base import Key, Plain, closest, described, parse_toml, read_text
from adapters.reading import PartsProgress, Progress, advancing, in_part
from adapters.registry import Registry, Request, Staged, Workspace, provenance_of
from domain.errors import InvalidJournal, RegistryError


class JournalHeader(Strict):
    """A journal's ``[journal]`` table: its id and the one stream its entries concern."""

    id: Key = Field(description="The journal's id: with each entry's id, what makes loading twice record once.")
    title: Text = Field(description="What the journal is about.")
    agreement: Key | None = Field(None, description="The key of the agreement its entries concern, e.g. barnes-1995.")
    guaranty: Key | None = Field(None, description="Or the key of the guaranty.")
    instrument: Key | None = Field(None, description="Or the key of the instrument.")
    holders: bool = Field(False, description="Or: a journal of holders, each entry naming its holder.")
    depends_on: tuple[Key, ...] = Field((), description="Ids of journals to load first (those the entries refer to).")
    description: Plain | None = Field(None, description="Anything a reader should know.")
    sources: tuple[Plain, ...] = Field((), description="The source documents, beside the journal.")

    @property
    def kind(self) -> str:
        return "guaranty" if self.guaranty else "instrument" if self.instrument else "holder" if self.holders else "agreement"

    @property
    def key(self) -> str | None:
        return self.guaranty or self.instrument or self.agreement


class JournalFile(Strict):
    """A journal: its ``[journal]`` table and its ``[[entry]]`` tables, in order."""

    journal: JournalHeader = Field(description="The journal's id and the stream it concerns.")
    entry: tuple[Entry, ...] = Field((), description="The entries, recorded in this order.")

    @model_validator(mode="after")
    def _entries_are_named_once(self) -> JournalFile:
        seen: set[str] = set()
        for index, entry in enumerate(self.entry):
            if not entry.id:
                raise ValueError(f"entry {index + 1} has no id; every journal entry needs one")
            if entry.id in seen:
                raise ValueError(f"entry id {entry.id!r} is used twice")
            seen.add(entry.id)
        if sum(bool(k) for k in (self.journal.agreement, self.journal.guaranty, self.journal.instrument, self.journal.holders)) > 1:
            raise ValueError("a journal concerns one agreement, guaranty or instrument, or holders")
        if self.entry and self.journal.key is None and not self.journal.holders:
            raise ValueError("the [journal] table must name the agreement (or guaranty) its entries concern, or say"
                             " holders = true for a journal of holders")
        for entry in self.entry:
            if entry.stream_kind != self.journal.kind:
                raise ValueError(f"entry {entry.id!r} is a {entry.stream_kind} entry in a journal of {self.journal.kind} entries")
        return self


@dataclass(frozen=True)
class Journal:
    path: Path
    text: str
    content: JournalFile

    @property
    def id(self) -> str:
        return self.content.journal.id

    @cached_property
    def entry_lines(self) -> list[int]:
        return _entry_lines(self.text)

    def request_id(self, entry: Entry) -> str:
        """The request id an entry is recorded under, once across the registry: "journal/entry"."""
        return f"{self.id}/{entry.id}"

    def line_of(self, index: int) -> int:
        return self.entry_lines[index]

    def where(self, index: int, field: str | None = None) -> str:
        """The file and line of an entry, or of one of its fields ("series.0.maturity")."""
        if field is None:
            return f"{self.path}:{self.line_of(index)}"
        path = [int(part) if part.isdigit() else part for part in field.split(".")]
        return f"{self.path}:{locate(self.text, ['entry', index, *path]) or self.line_of(index)}"


def read_journal(path: Path) -> Journal:
    text = read_text(path, "journal")
    data = parse_toml(text, path, "journal")
    try:
        content = JournalFile.model_validate(data)
    except ValidationError as error:
        loc, message = described(error)
        unknown = {tuple(e["loc"]) for e in error.errors() if e["type"] == "extra_forbidden"}
        if len(loc) == 2 and loc[0] == "journal" and loc in unknown:  # a field the header has not, not an entry's
            close = closest(str(loc[1]), JournalHeader.model_fields)
            message = "is not a field of the [journal] table; " + (
                f"did you mean {close!r}?" if close else f"its fields are {', '.join(JournalHeader.model_fields)}")
        elif len(loc) == 1 and loc in unknown:  # outside any table: a header's field, or a misnamed table
            message = _outside_tables(str(loc[0]))
        elif loc == ("journal",):  # an empty file, or entries with no header
            message = ("the [journal] table is missing: a journal starts with one giving its id, title and agreement"
                       " (`debtreg template` prints a journal to start from)")
        line = locate(text, loc or ("journal",)) or locate(text, loc[:-1])  # (no field: the whole journal's rule)
        where = f"{path}:{line}" if line else str(path)
        raise InvalidJournal(f"{where}: {'.'.join(map(str, loc)) or 'journal'}: {message}") from None
    journal = Journal(path, text, content)
    resolved = []
    for index, entry in enumerate(content.entry):
        try:
            resolved.append(entry.resolve(path.parent))
        except InvalidJournal as error:
            raise InvalidJournal(f"{journal.where(index)}: entry {entry.id!r}: {error.message}") from None
    return Journal(path, text, content.model_copy(update={"entry": tuple(resolved)}))


def _outside_tables(name: str) -> str:
    """Why ``name``, written before any table or as a table of its own, is not part of a journal."""
    if name in JournalHeader.model_fields:
        return "belongs to the [journal] table: write it on a line after [journal]"
    close = closest(name, JournalFile.model_fields)
    table = {"entry": "[[entry]]", "journal": "[journal]"}
    return "is not part of a journal, which holds a [journal] table and its entries, each under [[entry]]" + (
        f"; did you mean {table[close]}?" if close else "")


def journal_paths(paths: Sequence[Path]) -> list[Path]:
    """Files as given; directories give every ``*.toml`` directly inside them."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            inside = sorted(path.glob("*.toml"))
            if not inside:  # else a load of the wrong directory says "Journals loaded", with none
                raise InvalidJournal(f"{path}: no journal in this directory (a journal is a .toml file directly inside it)")
            found.extend(inside)
        elif path.exists():
            found.append(path)
        else:
            raise InvalidJournal(f"{path}: no such file or directory")
    return found


def in_dependency_order(journals: Sequence[Journal]) -> list[Journal]:
    """Journals after those they depend on; otherwise in the order given (a file given twice, once)."""
    by_id = {journal.id: journal for journal in journals}
    ordered: dict[tuple[Path, str], Journal] = {}
    for journal in journals:
        _visit(journal, by_id, ordered, set())
    return list(ordered.values())


def _visit(journal: Journal, by_id: dict[str, Journal], ordered: dict[tuple[Path, str], Journal], visiting: set[str]) -> None:
    """``journal`` put in ``ordered`` after the journals it depends on. (Not a function nested in the caller: one that
    calls itself is a reference cycle, which held every journal of a load to the end of the command, whose
    collector of cycles is off.)"""
    if (journal.path, journal.text) in ordered:
        return
    if journal.id in visiting:
        raise InvalidJournal(f"{journal.path}: journals depend on each other in a circle through {journal.id!r}")
    visiting.add(journal.id)
    for dependency in journal.content.journal.depends_on:
        if dependency in by_id:
            _visit(by_id[dependency], by_id, ordered, visiting)
    visiting.discard(journal.id)
    ordered[journal.path, journal.text] = journal


def stage_journals(registry: Registry, journals: Sequence[Journal], progress: Progress | None = None) -> list[Staged]:
    """Check every entry of every journal, in order, without recording anything; ``progress`` told after each."""
    ordered = in_dependency_order(journals)
    workspace = Workspace(requests=registry.ledger.request_streams([j.request_id(e) for j in ordered for e in j.content.entry]))
    staged: list[Staged] = []
    latest: dict[object, int] = {}  # each stream's latest staged command, by the stream's id
    entries = [(journal, index, entry) for journal in ordered for index, entry in enumerate(journal.content.entry)]
    for journal, index, entry in advancing(entries, progress):
        request = Request(journal.request_id(entry), entry.fingerprint(), journal.where(index))
        key = entry.stream_key(journal.content.journal.key)
        assert key is not None
        try:
            command = entry.command(key)
            item = registry.stage(command, provenance_of(command, registry.recorder_name, request), workspace)
            if (earlier := latest.get(item.stream.id)) is not None:
                staged[earlier] = staged[earlier].superseded()
            latest[item.stream.id] = len(staged)
            staged.append(item)
        except RegistryError as error:
            raise type(error)(
                f"{journal.where(index, error.field)}: entry {entry.id!r}: {error.message}", section=error.section
            ) from error
    return staged


def check(registry: Registry, paths: Sequence[Path], progress: PartsProgress | None = None) -> list[Staged]:
    """Read journals and check every entry against the registry as it would stand; record nothing. ``progress``
    is told of the parts "reading" each file and "checking" each entry."""
    journals = [read_journal(path) for path in advancing(journal_paths(paths), in_part(progress, "reading"))]
    return stage_journals(registry, journals, in_part(progress, "checking"))


def load(registry: Registry, paths: Sequence[Path], progress: PartsProgress | None = None) -> list[Staged]:
    """Read, check and record journals as the registry's identity (an administrator); ``progress`` is told of
    each part: "reading" the files, "checking" every entry, then "recording" them."""
    registry.authorise_load()  # an identity that may not load is refused before the entries are checked
    staged = check(registry, paths, progress)
    recording = in_part(progress, "recording")
    registry.record_all(staged, recording(len(staged)) if recording else None)
    return staged


# ------------------------------------------------------------ finding the line

_ENTRY_HEADER = re.compile(r"^[ \t]*\[\[[ \t]*entry[ \t]*\]\]", re.MULTILINE)


def _entry_lines(text: str) -> list[int]:
    """The line of each ``[[entry]]`` header, counting from 1."""
    lines, line, at = [], 1, 0
    for match in _ENTRY_HEADER.finditer(text):
        line += text.count("\n", at, match.start())
        at = match.start()
        lines.append(line)
    return lines


def locate(text: str, loc: Sequence[object]) -> int | None:
    """The line a validation error points at, found by walking its path in the text.

    TOML parsers give no positions for values, so this follows the error's path
    (``entry``, index, key, ...) through the entry headers and ``key =`` lines;
    it is a guide for the reader, and falls back to the entry's own line.
    """
    lines = text.splitlines()
    if loc and loc[0] != "entry" and isinstance(loc[0], str):
        return _in_table(lines, loc[0], loc[1:])
    if len(loc) < 2 or not isinstance(loc[1], int):
        return None
    starts = _entry_lines(text)
    if loc[1] >= len(starts):
        return None
    start = starts[loc[1]] - 1
    end = starts[loc[1] + 1] - 1 if loc[1] + 1 < len(starts) else len(lines)
    found = start
    for part in loc[2:]:
        if isinstance(part, int):
            found = _nth_item(lines, found, end, part)
        else:
            hit = _find_key(lines, found, end, part)
            if hit is not None:
                found = hit - 1
    return found + 1


def _in_table(lines: list[str], table: str, path: Sequence[object]) -> int | None:
    """The line of ``path``'s first key inside the table ``[table]``, or of the table's header when the key is
    missing (a field required but not given); a key outside any table when there is no such table."""
    header = re.compile(rf"^\s*\[\s*\"?{re.escape(table)}\"?\s*\]")
    start = next((n for n, line in enumerate(lines) if header.match(line)), None)
    if start is None:
        return _find_key(lines, 0, len(lines), table)
    end = next((n for n in range(start + 1, len(lines)) if lines[n].lstrip().startswith("[")), len(lines))
    key = next((part for part in path if isinstance(part, str)), None)
    return (_find_key(lines, start + 1, end, key) if key else None) or start + 1


def _find_key(lines: list[str], start: int, end: int, key: str) -> int | None:
    pattern = re.compile(rf"^\s*(\[\[?\s*(entry\.)?)?\"?{re.escape(key)}\"?\s*(=|\]\]?)|[{{,]\s*\"?{re.escape(key)}\"?\s*=")
    for number in range(start, end):
        if pattern.search(lines[number]):
            return number + 1
    return None


def _nth_item(lines: list[str], start: int, end: int, index: int) -> int:
    """The line of an array's index-th element, the array starting on line ``start``.

    An array of tables repeats its ``[[header]]``; an inline array has one
    ``{ ... }`` table per element.
    """
    header = lines[start].strip()
    if header.startswith("[["):
        items = [n for n in range(start, end) if lines[n].strip() == header]
    else:
        items = [n for n in range(start, end) if "{" in lines[n]]
    return items[index] if index < len(items) else start
