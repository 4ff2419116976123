"""The agreement's text as of a date, and a redline between two dates.

The text is the original on file with the changes of every amendment effective
by the date applied in order, each changed provision marked with the amendment
and its effective date. What the registry cannot know is said, not guessed: an
original not on file, an amendment referred to but not on file, an amendment
executed but not (yet) effective.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from domain.amendment import EFFECTIVE, NOT_ON_FILE
from domain.errors import UnknownSection
from domain.events import Agreement, Event
from domain.text import ADD_DEFINITION, Defect, Provision, apply_change, definition_ref, find
from domain.timeline import in_force
from domain.timeline import known_at as recorded_by_then
from domain.values import shown_if_any, shown_if_set, unshown
from projections.amendments import AmendmentStatus

_CLAUSE = re.compile(r"^(?P<section>\d+(?:\.\d+)*)\(")


@dataclass(frozen=True)
class Mark:
    """An amendment's change to a provision: which amendment, from when, what it did and where it says so."""

    amendment: str
    effective_on: date
    change: str
    where: str | None = shown_if_set()
    event: str | None = shown_if_set()

    def describe(self) -> str:
        where = f", {self.where}" if self.where else ""
        return f"{self.change} by {self.amendment}{where}, effective as of {self.effective_on}"


@dataclass(frozen=True)
class ProvisionLine:
    ref: str
    kind: str
    title: str
    text: str
    amended_by: tuple[Mark, ...]
    parent: str | None = unshown(default=None)


@dataclass(frozen=True)
class Text:
    """The text view: provisions as of a date, each with the amendments that changed it."""

    agreement: str
    as_of: date
    original_on_file: bool
    source: str | None
    caveats: tuple[str, ...]
    provisions: tuple[ProvisionLine, ...]
    defects_kept_as_printed: tuple[Defect, ...]
    known_at: datetime | None = shown_if_set()  # the moment of a view as known at one (``--known-at``)


@dataclass(frozen=True)
class TextView:
    agreement: str
    as_of: date
    on_file: bool
    provisions: tuple[Provision, ...]
    marks: dict[str, tuple[Mark, ...]]
    caveats: tuple[str, ...]
    defects: tuple[Defect, ...]
    source: str | None
    before_dated: date | None = None  # the agreement's date, when the view is of a day before it: it had no text

    def section(self, ref: str, where: str = "in the text on file") -> Provision:
        """The provision a reader names, or a refusal saying ``where`` it was looked for and what is near it."""
        if self.before_dated is not None:
            raise UnknownSection(f"{_no_text_yet(self.agreement, self.before_dated, self.as_of)}; ask for a date on or after"
                                 f" {self.before_dated}")
        return find(self.provisions, ref, where=where)

    def marks_of(self, provision: Provision) -> tuple[Mark, ...]:
        """The amendments that changed this provision itself (a section's mark covers its clauses' changes)."""
        return self.marks.get(provision.ref, ())

    def read(self, section: str | None = None) -> Text:
        """The view as read: every provision, or the one a reader names."""
        provisions = [self.section(section)] if section is not None else list(self.provisions)
        return Text(
            self.agreement,
            self.as_of,
            self.on_file,
            self.source,
            self.caveats,
            tuple(ProvisionLine(p.ref, p.kind, p.title, p.text, self.marks_of(p), p.parent) for p in provisions),
            tuple(d for d in self.defects if _still_printed(d, provisions)),
        )


def _still_printed(defect: Defect, provisions: Sequence[Provision]) -> bool:
    """Whether a scanning error is in the provisions shown (an amendment may have replaced its words)."""
    heading = defect.where.removesuffix(" (its heading)")
    return any(defect.printed in p.text or (p.ref == heading and heading != defect.where) for p in provisions)


def _no_text_yet(key: str, dated: date, as_of: date) -> str:
    return f"{key} is dated as of {dated}: it had no text on {as_of}"


def text_as_of(
    key: str,
    events: Sequence[Event],
    as_of: date,
    states: Sequence[AmendmentStatus],
    known_at: datetime | None = None,
) -> TextView:
    events = in_force(recorded_by_then(events, known_at))
    dated = next((e.effective_on for e in events if isinstance(e, Agreement.Registered)), None)
    if dated is not None and as_of < dated:  # not "the original is not on file", nor amendments of what is not yet
        return TextView(key, as_of, any(isinstance(e, Agreement.TextRecorded) for e in events), (), {},
                        (_no_text_yet(key, dated, as_of),), (), None, dated)
    original = next((e for e in events if isinstance(e, Agreement.TextRecorded) and e.effective_on <= as_of), None)
    provisions: list[Provision] = list(original.provisions) if original else []
    marks: dict[str, list[Mark]] = {}
    caveats: list[str] = []
    if original is None:
        caveats.append(
            f"the original text of {key} is not on file: shown are only the provisions amendments put in"
        )
    elif original.not_on_file:
        caveats.append(f"not on file: {', '.join(original.not_on_file)}")
    executed = {e.number: e for e in events if isinstance(e, Agreement.AmendmentExecuted)}
    for state in sorted(states, key=lambda s: (s.in_force_by, s.number)):
        if state.status == NOT_ON_FILE:
            caveats.append(
                f"{state.name} ({state.dated()}) amends the agreement, but its content is not on file:"
                " the text is shown without its changes, so it is not a conformed copy"
            )
            continue
        if state.in_force_by > as_of:
            continue
        if state.status != EFFECTIVE:
            caveats.append(f"{state.name} ({state.dated()}) is {state.status}: {state.reason}; its changes are not shown")
            continue
        for change in executed[state.number].changes:
            provisions = apply_change(provisions, change, on_file=original is not None)
            mark = Mark(state.name, state.in_force_by, change.describe(), change.where, state.event)
            ref = definition_ref(change.target, change.term or "") if change.action == ADD_DEFINITION else change.target
            marks.setdefault(ref, []).append(mark)
            clause = _CLAUSE.match(ref) if change.action != ADD_DEFINITION else None
            if clause and original is not None:  # a clause changed changes its section's text
                marks.setdefault(clause["section"], []).append(mark)
    return TextView(
        key,
        as_of,
        original is not None,
        tuple(provisions),
        {ref: tuple(m) for ref, m in marks.items()},
        tuple(caveats),
        tuple(original.defects) if original else (),
        original.source if original else None,
    )


@dataclass(frozen=True)
class Difference:
    """One provision's words changed between the two dates, and what changed it.

    ``caveat`` says when the earlier words are not on file (a provision an amendment restated
    in an agreement whose original text is not on file is shown as wholly inserted).
    """

    ref: str
    title: str
    words: tuple[tuple[str, str], ...]  # ("equal" | "delete" | "insert", text)
    marks: tuple[Mark, ...]
    caveat: str | None = shown_if_set()


@dataclass(frozen=True)
class Correction:
    """A scanning error in the original, read as meant where an amendment's words replace it: not a change."""

    ref: str
    printed: str
    reading: str


@dataclass(frozen=True)
class Redline:
    """Word-level changes between two dates; ``caveats`` say what the comparison cannot show."""

    agreement: str
    start: date
    end: date
    differences: tuple[Difference, ...]
    caveats: tuple[str, ...] = shown_if_any()
    scanning_corrections: tuple[Correction, ...] = shown_if_any()
    known_at: datetime | None = shown_if_set()  # the moment of a view as known at one (``--known-at``)


def redline(before: TextView, after: TextView, section: str | None = None) -> Redline:
    """The changes from ``before`` to ``after``: one provision, or every changed one.

    A scanning error kept as printed in the original that an amendment's words read as meant is
    listed apart (``scanning_corrections``), not shown as the amendment's change.
    """
    if section is not None:
        old, new = _lookup(before, section), _lookup(after, section)
        if old is None and new is None:  # refused, saying what is near it (or that the later date has no text yet)
            after.section(section, where="in the text on either date")
        pairs = [(old, new)]
    else:
        old_by_ref = {p.ref: p for p in before.provisions}
        new_by_ref = {p.ref: p for p in after.provisions}
        refs = [p.ref for p in after.provisions] + [ref for ref in old_by_ref if ref not in new_by_ref]
        pairs = [(old_by_ref.get(ref), new_by_ref.get(ref)) for ref in refs]
    differences, corrections = [], []
    for old, new in pairs:
        shown = new or old
        assert shown is not None
        old_text, corrected = _read_as_meant(old.text if old else "", new.text if new else "", before.defects)
        corrections += [Correction(shown.ref, d.printed, d.reading) for d in corrected]
        if old is not None and new is not None and old_text == new.text and section is None:
            continue
        caveat = None
        if old is None and not before.on_file:
            caveat = f"the text of {shown.ref} as of {before.as_of} is not on file: it is shown as wholly inserted"
        marks = after.marks_of(new) if new else ()
        differences.append(Difference(shown.ref, shown.title, _words(old_text, new.text if new else ""), marks, caveat))
    caveats = tuple(dict.fromkeys((*before.caveats, *after.caveats)))
    return Redline(before.agreement, before.as_of, after.as_of, tuple(differences), caveats, tuple(corrections))


def _read_as_meant(old: str, new: str, defects: Sequence[Defect]) -> tuple[str, list[Defect]]:
    """``old`` with each scanning error the new words read as meant corrected, and those corrections."""
    corrected = [d for d in defects if d.printed in old and d.printed not in new and d.reading in new]
    for defect in corrected:
        old = old.replace(defect.printed, defect.reading)
    return old, corrected


def _lookup(view: TextView, ref: str) -> Provision | None:
    try:
        return view.section(ref)
    except UnknownSection:
        return None


def _words(before: str, after: str) -> tuple[tuple[str, str], ...]:
    a, b = before.split(), after.split()
    out: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(("equal", " ".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(("delete", " ".join(a[i1:i2])))
        if j2 > j1:
            out.append(("insert", " ".join(b[j1:j2])))
    return tuple(out)
