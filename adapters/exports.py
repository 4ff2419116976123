"""Views as files for the tools counsel, treasury and auditors work in: CSV, Excel and Word.

Every export is first a ``Sheet``: a header, data rows whose amounts stay ``Decimal`` (a number in every
spreadsheet, "n/a" never in a number column: an empty cell where a holder has no notes of a series), totals
kept apart from the data (so summing a column never counts them twice) and the notes the view prints
beneath it (where the record ends, what is assumed). CSV carries the data rows only; Excel puts the
totals under a blank row and the notes below; Word lays Annex 1 out as the seeds' amendments print it.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NamedTuple

from adapters.encoding import to_json
from adapters.render import (
    carried_notes,
    due_notes,
    due_title,
    due_total,
    holders_notes,
    holders_total,
    known_at_said,
    marks,
    redline_html,
    redline_text,
    totals_cited,
    with_marks,
)
from domain.errors import NotOnFile
from domain.money import format_amount
from domain.values import NOT_ON_FILE
from projections.history import HistoryLine
from projections.holders import Holders
from projections.payments import Accrued, Due, Schedule
from projections.register import Annex1, Outstanding, Register
from projections.text import Redline

if TYPE_CHECKING:
    from adapters.queries import KnownAt, Queries

Cell = str | int | Decimal | date | datetime | None

VIEWS = ("annex1", "register", "outstanding", "schedule", "accrued", "history", "holders")  # holders: of every agreement
KINDS = {  # the files a view is exported to, by suffix, with what a server says they are
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "svg": "image/svg+xml",
    "png": "image/png",
}
REDLINE_FILES = {"docx": KINDS["docx"], "html": "text/html; charset=utf-8"}  # the redline as a file to download


def export_problem(view: str, kind: str, dated: bool, known_at: str) -> tuple[str, str] | None:
    """What is wrong with asking for ``view`` as a ``.kind`` file, with a business date or not (``dated``): the field
    at fault ("kind" or "as_of") and why, naming the second clock as the user calls it (``known_at``); ``None`` if
    nothing. The command line and the API ask the same, each in its own words for the fields."""
    if kind == "docx" and view != "annex1":
        return "kind", "Word exports are of Annex 1; use .xlsx or .csv for this view"
    if kind in ("svg", "png") and view != "outstanding":
        return "kind", f"the chart (.{kind}) is of principal outstanding: export outstanding"
    if view != "history" and not dated:
        return "as_of", "give the business date, YYYY-MM-DD"
    if view == "history" and dated:
        return "as_of", f"the history is every event, of no one date: leave it out ({known_at} shows what was recorded by a time)"
    return None


class Exported(NamedTuple):
    """A view's file, and what the view says that the file cannot hold (a CSV's title and notes), to be said beside it."""

    content: bytes
    left_out: tuple[str, ...] = ()


def exported(queries: Queries, view: str, key: str, kind: str, on: date | None, known_at: KnownAt, by: str = "holder") -> Exported:
    """The file of one view of an agreement, or of every agreement's holders (asked for as ``export_problem``
    allows): the query its command runs, as the file ``kind`` says; one as known at a moment says so in its title, as
    the command says so above the view."""
    known = known_suffix(queries, known_at)
    if view == "annex1":
        annex = queries.annex1(key, on, known_at)  # type: ignore[arg-type]
        if kind == "docx":
            return Exported(annex1_docx(annex, known))
        sheet = annex1_sheet(annex)
    elif view == "register":
        sheet = register_sheet(queries.register(key, on, known_at, by_note=by == "note"), by)  # type: ignore[arg-type]
    elif view == "outstanding":
        outstanding = queries.outstanding(key, on, known_at)  # type: ignore[arg-type]
        if kind in ("svg", "png"):
            from adapters import chart

            return Exported(chart.to_svg(outstanding) if kind == "svg" else chart.to_png(outstanding))
        sheet = outstanding_sheet(outstanding)
    elif view == "schedule":
        sheet = schedule_sheet(queries.schedule(key, on, known_at=known_at))  # type: ignore[arg-type]
    elif view == "accrued":
        sheet = accrued_sheet(queries.accrued(key, on, known_at))  # type: ignore[arg-type]
    elif view == "holders":
        sheet = holders_sheet(queries.holders(on, known_at))  # type: ignore[arg-type]
    else:
        sheet = history_sheet(key, queries.history(key, known_at))
    return as_file(sheet, kind, known)


def as_file(sheet: Sheet, kind: str, known: str = "") -> Exported:
    """A sheet as a CSV (``csv_file``) or an Excel file, its title saying the moment of a view as ``known`` at one."""
    return csv_file(sheet, known) if kind == "csv" else Exported(to_xlsx(replace(sheet, title=sheet.title + known)))


def known_suffix(queries: Queries, known_at: KnownAt) -> str:
    """What a file's title adds for a view as known at a moment (", as known at ..."), as the command says it above."""
    phrase = known_at_said(queries, known_at)
    return f", {phrase}" if phrase else ""


def csv_file(sheet: Sheet, known: str = "") -> Exported:
    """A sheet as CSV; where it has notes, or is of a view as ``known`` at a moment, its title and notes (which a CSV
    cannot hold) are left out, to be said beside it (its title alone says only what was asked)."""
    titled = replace(sheet, title=sheet.title + known)
    return Exported(to_csv(titled), (titled.title, *titled.notes) if titled.notes or known else ())


@dataclass(frozen=True)
class Sheet:
    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    totals: tuple[tuple[Cell, ...], ...] = ()
    notes: tuple[str, ...] = field(default=())
    unknown: str | None = None  # why none of its figures are known (its register is not on file then), if so


def _notes(view: object) -> tuple[str, ...]:
    return tuple(carried_notes(view))


def _totals(view: Annex1 | Register | Accrued, row: tuple[Cell, ...]) -> tuple[tuple[Cell, ...], ...]:
    """A view's totals row, or none where its register is not on file: a total there would be read as nil."""
    return () if view.not_on_file else (row,)


def _unknown(view: Annex1 | Register | Accrued | Outstanding | Schedule) -> str | None:
    """Why none of a view's figures are known, if so: its register's gap (every series' alike, of principal
    outstanding); of a schedule with no payment at all, what it says is not on file (the register, the notes)."""
    if isinstance(view, Outstanding):
        return next((s.not_on_file for s in view.series if s.not_on_file), None)
    if isinstance(view, Schedule):
        return None if view.payments else "; ".join(view.not_on_file) or None
    return view.not_on_file


def _marked(header: Sequence[str], rows: Sequence[Sequence[Cell]],
            rests_on: Sequence[Sequence[str]]) -> tuple[tuple[str, ...], tuple[tuple[Cell, ...], ...]]:
    """The rows with an "assumed" column of the marks the notes explain, when any row rests on an assumption."""
    header, rows = with_marks(header, rows, rests_on, column="assumed")
    return tuple(header), tuple(map(tuple, rows))


def annex1_sheet(view: Annex1) -> Sheet:
    header, rows = _marked(("holder", *view.series), [(line.holder, *(line.principal.get(k) for k in view.series))
                                                      for line in view.holders], [line.rests_on for line in view.holders])
    label = "TOTALS" if len(view.series) > 1 else "TOTAL"
    return Sheet(f"{view.agreement} Annex 1 as of {view.as_of}", header, rows,
                 _totals(view, (label, *(view.totals[k] for k in view.series))), _notes(view), _unknown(view))


def register_sheet(view: Register, by: str) -> Sheet:
    title = f"{view.agreement} register as of {view.as_of}, by {by}"
    if by == "note":
        header, rows = _marked(("number", "series", "registered_name", "holder", "account", "principal", "dated", "origin"),
                               [(n.number, n.series, n.registered_name or NOT_ON_FILE, n.holder, n.account, n.principal,
                                 n.dated or NOT_ON_FILE, n.origin) for n in view.notes], [n.rests_on for n in view.notes])
        total = sum(filter(None, view.totals.values()), Decimal(0))  # a register not on file has none (``_totals``)
        return Sheet(title, header, rows, _totals(view, ("TOTAL", None, None, None, None, total)), _notes(view), _unknown(view))
    header, rows = _marked(("holder", *view.series, "notes"), [(h.holder, *(h.principal.get(k) for k in view.series),
                                                                " ".join(map(str, h.notes))) for h in view.holders],
                           [h.rests_on for h in view.holders])
    return Sheet(title, header, rows, _totals(view, ("TOTAL", *(view.totals[k] for k in view.series))), _notes(view), _unknown(view))


def outstanding_sheet(view: Outstanding) -> Sheet:
    header, rows = _marked(("series", "event", "on", "kind", "amount"),
                           [(s.series, m.event, m.on, m.kind, m.amount) for s in view.series for m in s.movements],
                           [m.rests_on for s in view.series for m in s.movements])
    totals = tuple((f"outstanding {s.series}", None, view.as_of, None, s.outstanding) for s in view.series)
    return Sheet(f"{view.agreement} principal outstanding as of {view.as_of}", header, rows, totals, _notes(view), _unknown(view))


def schedule_sheet(view: Schedule) -> Sheet:
    header, rows = _marked(("series", "kind", "due_on", "payable_on", "principal", "interest", "status", "default_on",
                            "paid_on", "event", "section"),
                           [(p.series, p.kind, p.due_on, p.payable_on, p.principal, p.interest, p.status, p.default_on,
                             p.paid_on, p.event, p.section) for p in view.payments], [p.rests_on for p in view.payments])
    return Sheet(f"{view.agreement} payment schedule as of {view.as_of}", header, rows, notes=_notes(view), unknown=_unknown(view))


def accrued_sheet(view: Accrued) -> Sheet:
    header, rows = _marked(("number", "series", "holder", "principal", "since", "days", "accrued"),
                           [(a.number, a.series, a.holder, a.principal, a.since, a.days, a.accrued) for a in view.notes],
                           [a.rests_on for a in view.notes])
    return Sheet(f"{view.agreement} interest accrued as of {view.as_of}", header, rows,
                 _totals(view, ("TOTAL", None, None, None, None, None, view.total)), _notes(view), _unknown(view))


def holders_sheet(view: Holders) -> Sheet:
    """Every holder's positions, one a row with the holder on each (a row is a record), each holder's total and the
    total of all apart from the data: a register not on file then is named beneath, its positions not counted."""
    positions = [(h, p) for h in view.holders for p in h.positions]
    header, rows = _marked(("holder", "agreement", "series", "principal", "notes"),
                           [(h.name, p.agreement, p.series, p.principal, " ".join(map(str, p.notes))) for h, p in positions],
                           [p.rests_on for _, p in positions])
    totals = (*((f"total {h.name}", None, None, h.total, None) for h in view.holders if len(h.positions) > 1),
              (holders_total(view), None, None, view.total, None))
    return Sheet(f"Holders as of {view.as_of}", header, rows, totals, tuple(holders_notes(view)))


def due_sheet(view: Due) -> Sheet:
    """Every payment due in the window, a row each with its agreement, their total apart from the data, and what the
    agreements' schedules lack beneath (``due_notes``)."""
    header, rows = _marked(("agreement", "series", "kind", "due_on", "payable_on", "principal", "interest", "status",
                            "default_on", "paid_on", "event", "section"),
                           [(d.agreement, p.series, p.kind, p.due_on, p.payable_on, p.principal, p.interest, p.status,
                             p.default_on, p.paid_on, p.event, p.section) for d in view.payments for p in [d.payment]],
                           [d.payment.rests_on for d in view.payments])
    total = (due_total(view), None, None, None, None, view.principal, view.interest, None, None, None, None, None)
    return Sheet(due_title(view), header, rows,
                 (total,) if view.payments else (), tuple(due_notes(view)))


def history_sheet(key: str, lines: Sequence[HistoryLine]) -> Sheet:
    rows = tuple((h.event, h.kind, h.effective_on, h.recorded_at, h.recorded_by, h.summary, h.evidence.document,
                  h.evidence.section, "; ".join(f"{a.fact}: {a.reason}" for a in h.assumptions), h.reversed_by)
                 for h in lines)
    return Sheet(f"{key} history", ("event", "kind", "effective_on", "recorded_at", "recorded_by", "summary",
                                    "document", "section", "assumed", "reversed_by"), rows)


# ---------------------------------------------------------------------- writers


# what a spreadsheet opening a CSV file reads as the start of a formula (OWASP's list for CSV injection)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, Decimal):
        return str(cell.quantize(Decimal("0.01")))
    if isinstance(cell, (date, datetime)):
        return cell.isoformat()
    text = str(cell)
    return "'" + text if isinstance(cell, str) and text.startswith(FORMULA_STARTS) else text


def to_csv(sheet: Sheet) -> bytes:
    """The data rows under their header: every row a record, amounts plain decimals, nothing else. Text a
    spreadsheet would take for a formula (a holder named "=HYPERLINK(...)") starts with an apostrophe, which
    spreadsheets read as "this cell is text"; amounts, negative ones too, are written as they are. A sheet none of
    whose figures are known is refused: with no place to say why, its empty rows would read as nothing there."""
    if sheet.unknown:
        raise NotOnFile(f"{sheet.title}: {sheet.unknown}; a CSV holds rows alone, and an empty one would read as nothing there:"
                        " ask for a date from then on, or for the view as JSON or .xlsx, which say why")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerows([_text(c) for c in row] for row in (sheet.header, *sheet.rows))
    return out.getvalue().encode()


def to_xlsx(sheet: Sheet) -> bytes:
    """One worksheet: title, header, data, a blank row, totals, a blank row, notes. Amounts are numeric cells
    holding the exact decimal, shown to the cent; dates are dates; recorded times are UTC."""
    from openpyxl import Workbook

    book = Workbook()
    book.properties.creator, book.properties.title = "debtreg", sheet.title  # (openpyxl's name, else)
    page = book.active
    page.title = _tab(sheet.title)
    _append(page, (sheet.title,), bold=True)
    _append(page, sheet.header, bold=True)
    for row in sheet.rows:
        _append(page, row)
    if sheet.totals:
        page.append([])
        for row in sheet.totals:
            _append(page, row, bold=True)
    if sheet.notes:
        page.append([])
        for note in sheet.notes:
            _append(page, (note,))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _tab(title: str) -> str:
    """A worksheet's name from its title, as Excel allows one (31 characters, none of []:*?/\\): the view and its
    agreement, "barnes-1995 payment schedule", the date being in the title row."""
    name = re.sub(r"[][:*?/\\]", " ", title.split(" as of ")[0].split(",")[0]).strip() or "debtreg"
    return name if len(name) <= 31 else (name[:32].rsplit(" ", 1)[0] if " " in name[:32] else name[:31])


XLSX_FORMATS = ((Decimal, "#,##0.00"), (datetime, "yyyy-mm-dd hh:mm:ss"), (date, "yyyy-mm-dd"))


def _append(page, cells: Sequence[Cell], *, bold: bool = False) -> None:  # noqa: ANN001 - an openpyxl worksheet
    from openpyxl.styles import Font

    page.append([c.replace(tzinfo=None) if isinstance(c, datetime) else c for c in cells])
    for cell, given in zip(page[page.max_row], cells, strict=False):
        found = next((f for kind, f in XLSX_FORMATS if isinstance(given, kind)), None)
        if found:
            cell.number_format = found
        if isinstance(given, str):
            cell.data_type = "s"  # text is text: openpyxl takes any string starting "=" for a formula
        if bold:
            cell.font = Font(bold=True)


def annex1_docx(view: Annex1, known: str = "") -> bytes:
    """Annex 1 as the amendments print it: the headings, then holders and amounts in a two-or-more-column table."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    document = Document()
    for text in ("ANNEX 1", "CURRENT NOTEHOLDERS AND", "CURRENT OUTSTANDING PRINCIPAL AMOUNT"):
        heading = document.add_paragraph()
        heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
        heading.add_run(text).bold = True
    notes = " and ".join(s.title for s in view.series_terms)
    document.add_paragraph(f"{view.issuer} {notes}, as of {view.as_of}{known}").runs[0].font.size = Pt(9)
    several = len(view.series) > 1
    table = document.add_table(rows=1, cols=1 + len(view.series))
    table.rows[0].cells[0].text = "Current Noteholders:"
    for index, s in enumerate(view.series_terms, start=1):
        table.rows[0].cells[index].text = s.label if several else "Outstanding Principal Amount of Notes"

    def add(name: str, amounts: dict[str, Decimal | None], cited: Sequence[str]) -> None:
        """A row, marked (after its last amount) with the assumptions it rests on, as the CLI's Annex 1 marks it."""
        cells = table.add_row().cells
        cells[0].text = name
        for index, key in enumerate(view.series, start=1):
            cells[index].text = _money(amounts.get(key))
        if cited:
            cells[-1].text += f"  [{marks(cited)}]"

    for line in view.holders:
        add(line.holder, line.principal, line.rests_on)
    if not view.not_on_file:  # a total of a register not on file would be read as nil (``_totals``)
        add("TOTALS" if several else "TOTAL", view.totals, totals_cited(view))
    for row in table.rows:
        for cell in row.cells[1:]:
            for paragraph in cell.paragraphs:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for note in _notes(view):
        document.add_paragraph(note).runs[0].font.size = Pt(8)
    return _docx(document, f"{view.agreement} Annex 1 as of {view.as_of}{known}")


def _money(value: Decimal | None) -> str:
    if value is None:
        return "n/a"
    return "$" + format_amount(value, with_cents=value != value.to_integral_value())


def redline_file(view: Redline, kind: str, known: str = "") -> bytes:
    """The redline as a file of ``kind`` (docx, html, json or text): what ``redline --output`` writes and the API's
    ``redline.docx`` and ``redline.html`` serve. One as known at a moment says so (``known``, a line
    for text: ``render.known_at_said``), as the command does above it; JSON by the view's own ``known_at``."""
    if kind == "docx":
        return redline_docx(view, known)
    if kind == "json":
        return to_json(view).encode()
    return (redline_html(view, known) if kind == "html" else (f"{known}\n" if known else "") + redline_text(view)).encode()


def redline_docx(view: Redline, known: str = "") -> bytes:
    """The redline as counsel marks one up: deletions struck through, insertions underlined, each provision under
    its heading with what changed it; the caveats and scanning corrections as the text view gives them."""
    from docx import Document

    document = Document()
    title = f"{view.agreement}: changes from {view.start} to {view.end}" + (f", {known}" if known else "")
    document.add_heading(title, level=1)
    for caveat in view.caveats:
        document.add_paragraph(f"Note: {caveat}").runs[0].italic = True
    if not view.differences:
        document.add_paragraph("No changes.")
    for difference in view.differences:
        document.add_heading(f"{difference.ref} {difference.title}", level=2)
        for mark in difference.marks:
            document.add_paragraph(mark.describe()).runs[0].italic = True
        if difference.caveat:
            document.add_paragraph(f"Note: {difference.caveat}").runs[0].italic = True
        paragraph = document.add_paragraph()
        for index, (op, text) in enumerate(difference.words):
            run = paragraph.add_run(("" if index == 0 else " ") + text)
            run.font.strike = op == "delete"
            run.underline = op == "insert"
    if view.scanning_corrections:
        document.add_heading("Scanning errors read as meant (corrections, not changes by any amendment)", level=2)
        for c in view.scanning_corrections:
            document.add_paragraph(f"{c.ref}: \u201c{c.printed}\u201d read as \u201c{c.reading}\u201d", style="List Bullet")
    return _docx(document, title)


def _docx(document: Any, title: str) -> bytes:
    """A Word file saying what it is and who made it when: python-docx's template says python-docx wrote it in 2013."""
    properties = document.core_properties
    properties.title, properties.comments = title, ""
    properties.author = properties.last_modified_by = "debtreg"
    properties.created = properties.modified = datetime.now(UTC).replace(microsecond=0)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
