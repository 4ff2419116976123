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
from domain.values import unshown
from projections.amendments import AmendmentStatus


@dataclass(frozen=True)
class Mark:
    amendment: str
    effective_on: date
    change: str


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

    def section(self, ref: str) -> Provision:
        return find(self.provisions, ref)

    def marks_of(self, provision: Provision) -> tuple[Mark, ...]:
        return self.marks.get(provision.ref, ()) or self.marks.get(provision.parent or "", ())

    def read(self, section: str | None = None) -> Text:
        """The view as read: every provision, or the one a reader names."""
        provisions = [self.section(section)] if section else list(self.provisions)
        return Text(
            self.agreement,
            self.as_of,
            self.on_file,
            self.source,
            self.caveats,
            tuple(ProvisionLine(p.ref, p.kind, p.title, p.text, self.marks_of(p), p.parent) for p in provisions),
            self.defects,
        )


def text_as_of(
    key: str,
    events: Sequence[Event],
    as_of: date,
    states: Sequence[AmendmentStatus],
    known_at: datetime | None = None,
) -> TextView:
    events = in_force(recorded_by_then(events, known_at))
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
    for state in sorted(states, key=lambda s: (s.as_of, s.number)):
        if state.status == NOT_ON_FILE:
            when = (
                "is in force"
                if as_of >= state.as_of
                else f"was in force by {state.as_of} and may already have been on {as_of}"
            )
            caveats.append(f"{state.name} {when}; its content is not on file: provisions it changed are shown without it")
            continue
        if state.as_of > as_of:
            continue
        if state.status != EFFECTIVE:
            caveats.append(f"{state.name} (as of {state.as_of}) is {state.status}: {state.reason}; its changes are not shown")
            continue
        for change in executed[state.number].changes:
            provisions = apply_change(provisions, change, on_file=original is not None)
            ref = definition_ref(change.target, change.term or "") if change.action == ADD_DEFINITION else change.target
            marks.setdefault(ref, []).append(Mark(state.name, state.as_of, change.describe()))
            section = re.match(r"^[\d.]+", ref)
            if section and section.group() != ref and original is not None:
                marks.setdefault(section.group(), []).append(Mark(state.name, state.as_of, change.describe()))
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
    ref: str
    title: str
    words: tuple[tuple[str, str], ...]  # ("equal" | "delete" | "insert", text)
    marks: tuple[Mark, ...]


@dataclass(frozen=True)
class Redline:
    agreement: str
    start: date
    end: date
    differences: tuple[Difference, ...]


def redline(before: TextView, after: TextView, section: str | None = None) -> list[Difference]:
    """Word-level differences from ``before`` to ``after``: one provision, or every changed one."""
    if section is not None:
        old, new = _lookup(before, section), _lookup(after, section)
        if old is None and new is None:
            raise UnknownSection(f"there is no {section!r} in the text on either date")
        shown = new or old
        assert shown is not None
        marks = after.marks_of(new) if new else ()
        return [Difference(shown.ref, shown.title, _words(old.text if old else "", new.text if new else ""), marks)]
    old_by_ref = {p.ref: p for p in before.provisions}
    new_by_ref = {p.ref: p for p in after.provisions}
    refs = [p.ref for p in after.provisions] + [ref for ref in old_by_ref if ref not in new_by_ref]
    differences = []
    for ref in refs:
        old, new = old_by_ref.get(ref), new_by_ref.get(ref)
        if old is not None and new is not None and old.text == new.text:
            continue
        shown = new or old
        assert shown is not None
        marks = after.marks_of(new) if new else ()
        differences.append(Difference(ref, shown.title, _words(old.text if old else "", new.text if new else ""), marks))
    return differences


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
