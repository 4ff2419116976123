"""Exports opened back with their own libraries: the figures are the JSON's, numbers are numbers, totals apart."""

import csv
import io
import json
import re
from decimal import Decimal

import pytest
from docx import Document
from openpyxl import load_workbook

from support import ADMIN, admin_key, command_line


def run(db: str, *args: str):
    result = command_line(db, *args)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


def annex_json(db: str, key: str) -> dict:
    return json.loads(run(db, "annex1", key, "--as-of", "2003-02-05", "--format", "json").stdout)


def rows_of(path) -> list[tuple]:
    return list(load_workbook(path).active.iter_rows(values_only=True))


@pytest.mark.parametrize("key", ["barnes-1995", "novascotia-1999"])
def test_annex_1_in_excel_has_the_json_figures_as_numbers_and_totals_apart(loaded_url, tmp_path, key):
    path = tmp_path / "annex1.xlsx"
    assert run(loaded_url, "export", "annex1", key, "--as-of", "2003-02-05", "-o", str(path)).exit_code == 0
    data = annex_json(loaded_url, key)
    rows = rows_of(path)
    assert rows[1] == ("holder", *data["series"])
    holders = rows[2:2 + len(data["holders"])]
    for row, line in zip(holders, data["holders"], strict=True):
        assert row[0] == line["holder"]
        assert [Decimal(str(v)) if v is not None else None for v in row[1:]] == \
               [Decimal(line["principal"][s]) if s in line["principal"] else None for s in data["series"]]
    assert rows[2 + len(data["holders"])] == (None,) * len(rows[1]), "a blank row before the totals"
    total = rows[3 + len(data["holders"])]
    assert total[0].startswith("TOTAL") and [Decimal(str(v)) for v in total[1:]] == [Decimal(v) for v in data["totals"].values()]
    assert all(isinstance(v, (int, float)) or v is None for row in holders for v in row[1:]), "never n/a in a number column"
    assert load_workbook(path).active.cell(3, 2).number_format == "#,##0.00"
    assert load_workbook(path).sheetnames == [f"{key} Annex 1"], "the tab names the view (it was 'debtreg')"


def test_a_worksheet_is_named_for_its_view_within_what_excel_allows(loaded_url, tmp_path):
    for view, name in (("schedule", "barnes-1995 payment schedule"), ("outstanding", "barnes-1995 principal outstanding"),
                       ("history", "barnes-1995 history")):
        path = tmp_path / f"{view}.xlsx"
        asked = () if view == "history" else ("--as-of", "2003-02-05")
        assert run(loaded_url, "export", view, "barnes-1995", *asked, "-o", str(path)).exit_code == 0
        assert load_workbook(path).sheetnames == [name[:31].rsplit(" ", 1)[0] if len(name) > 31 else name]


def test_annex_1_in_word_reads_as_the_seed_prints_it(loaded_url, tmp_path):
    path = tmp_path / "annex1.docx"
    run(loaded_url, "export", "annex1", "barnes-1995", "--as-of", "2003-02-05", "-o", str(path))
    document = Document(path)
    assert [p.text for p in document.paragraphs[:3]] == ["ANNEX 1", "CURRENT NOTEHOLDERS AND", "CURRENT OUTSTANDING PRINCIPAL AMOUNT"]
    cells = [[c.text for c in row.cells] for row in document.tables[0].rows]
    assert cells[0] == ["Current Noteholders:", "Outstanding Principal Amount of Notes"]
    assert cells[-1] == ["TOTAL", "$18,750,000"]
    assert ["Lincoln Investment Management, Inc.", "$6,150,000"] in cells
    data = annex_json(loaded_url, "barnes-1995")
    assert [row[0] for row in cells[1:-1]] == [h["holder"] for h in data["holders"]]
    made = document.core_properties  # python-docx's template said python-docx wrote it on 2013-12-23
    assert (made.author, made.title, made.comments) == ("debtreg", "barnes-1995 Annex 1 as of 2003-02-05", "")
    assert made.created.year >= 2026 and made.created == made.modified


@pytest.mark.parametrize(("view", "extra"), [("register", ["--by", "note"]), ("outstanding", []), ("schedule", []),
                                             ("accrued", []), ("history", []), ("holders", [])])
def test_every_view_exports_to_excel_and_csv_with_numeric_amounts(loaded_url, tmp_path, view, extra):
    dated = [] if view == "history" else ["--as-of", "2003-02-05"]
    xlsx, text = tmp_path / f"{view}.xlsx", tmp_path / f"{view}.csv"
    of = [] if view == "holders" else ["barnes-1995"]  # (the holders are of every agreement)
    for path in (xlsx, text):
        result = run(loaded_url, "export", view, *of, *dated, *extra, "-o", str(path))
        assert result.exit_code == 0, result.output
    records = list(csv.reader(io.StringIO(text.read_text())))
    assert rows_of(xlsx)[1] == tuple(records[0]), "the same columns"
    assert len(records) > 1 and not any(r[0].startswith("TOTAL") for r in records), "CSV holds data rows only"
    for name in ("principal", "amount", "accrued", "interest"):
        if name in records[0]:
            column = records[0].index(name)
            assert all(r[column] == "" or Decimal(r[column]) >= 0 for r in records[1:])
            assert all(isinstance(row[column], (int, float)) for row in rows_of(xlsx)[2:2 + len(records) - 1])


def test_an_export_of_a_day_before_the_notes_were_issued_says_when_they_were(loaded_url, tmp_path):
    """The workbook carries the note the command prints beneath the view, as it carries where the record ends."""
    path = tmp_path / "register.xlsx"
    assert run(loaded_url, "export", "register", "barnes-1995", "--as-of", "1995-12-04", "-o", str(path)).exit_code == 0
    assert ("note: no 7.13% notes were issued by then: the first were issued on 1995-12-05",) in [row[:1] for row in rows_of(path)]


def test_annex_1_past_an_instalment_not_recorded_carries_what_its_figures_depend_on(loaded_url, tmp_path):
    """Annex 1 as of 2004-01-15, in Word and Excel, says what the command says beneath it: the total is the principal
    recorded, and the 2003-12-05 instalment, past the record, is not recorded."""
    said = ("note: 7.13%: the $18,750,000.00 outstanding is the principal recorded; the required prepayment of"
            " $6,250,000.00 due 2003-12-05 is past the record and not recorded: paid, $12,500,000.00 would be outstanding")
    assert said in " ".join(run(loaded_url, "annex1", "barnes-1995", "--as-of", "2004-01-15").stdout.split())
    for name in ("annex1.xlsx", "annex1.docx"):
        path = tmp_path / name
        assert run(loaded_url, "export", "annex1", "barnes-1995", "--as-of", "2004-01-15", "-o", str(path)).exit_code == 0
        lines = [p.text for p in Document(path).paragraphs] if name.endswith("docx") else [row[0] for row in rows_of(path)]
        assert any(said.removeprefix("note: ") in (line or "") for line in lines), lines


def test_an_export_as_known_at_a_moment_says_so_in_its_title(loaded_url, tmp_path):
    """A workbook or an Annex 1 in Word as known before an entry read as the register of now: nothing in it said which."""
    known = "as known at 2100-01-01 23:59:59 UTC"
    for name in ("register.xlsx", "annex1.docx"):
        path = tmp_path / name
        asked = ("export", name.split(".")[0], "barnes-1995", "--as-of", "2003-02-05", "-o", str(path))
        assert run(loaded_url, *asked, "--known-at", "2100-01-01").exit_code == 0
        if name.endswith("xlsx"):
            assert rows_of(path)[0][0] == f"barnes-1995 register as of 2003-02-05, by holder, {known}"
        else:
            assert f"as of 2003-02-05, {known}" in Document(path).paragraphs[3].text
            assert Document(path).core_properties.title == f"barnes-1995 Annex 1 as of 2003-02-05, {known}"
        assert run(loaded_url, *asked).exit_code == 0
        assert known not in str(rows_of(path) if name.endswith("xlsx") else Document(path).paragraphs[3].text)


def test_a_csv_is_the_rows_alone_and_the_command_says_beside_it_what_the_view_says_with_them(loaded_url, tmp_path):
    """A CSV of barnes-2000's schedule was a maturity line alone, the interest not on file unsaid; one of a register
    as known at a moment read as the register of now, its A1, A2 marks explained nowhere."""
    def stderr(result) -> str:
        return " ".join(result.stderr.split())

    csv_file = tmp_path / "schedule.csv"
    written = run(loaded_url, "export", "schedule", "barnes-2000", "--as-of", "2003-02-05", "-o", str(csv_file))
    assert csv_file.read_text().splitlines()[0] == "series,kind,due_on,payable_on,principal,interest,status,default_on,paid_on,event,section"
    assert stderr(written) == ("note: the CSV holds the rows alone, without the view's title and notes: barnes-2000 payment"
                               " schedule as of 2003-02-05 not on file: 8.59%: the schedule of required prepayments is not on"
                               " file; all principal is shown at maturity not on file: 8.59%: the day count of the 8.59%"
                               " notes is not on file; no interest is scheduled")
    piped = run(loaded_url, "export", "register", "barnes-1995", "--as-of", "2001-02-05", "-o", "-", "--known-at", "2100-01-01")
    assert piped.stdout.startswith("holder,7.13%,notes,assumed\n") and "the CSV holds" not in piped.stdout
    assert "barnes-1995 register as of 2001-02-05, by holder, as known at 2100-01-01 23:59:59 UTC" in stderr(piped)
    assert "A1 (barnes-1995:3) assumed note numbers 1-4:" in stderr(piped)
    workbook = run(loaded_url, "export", "schedule", "barnes-2000", "--as-of", "2003-02-05", "-o", str(tmp_path / "s.xlsx"))
    assert workbook.stderr == "", "a workbook holds its title and notes"
    plain = run(loaded_url, "export", "annex1", "barnes-1995", "--as-of", "2003-02-05", "-o", "-")
    assert plain.stderr == "", "with no notes and of now, its title says only what was asked: nothing is said"
    printed = run(loaded_url, "register", "barnes-1995", "--as-of", "2001-02-05", "--by", "holder", "--format", "csv",
                  "--known-at", "2100-01-01")
    assert printed.stdout == piped.stdout and printed.stderr == piped.stderr, "--format csv: the same CSV, the same note"


def test_an_export_of_a_day_before_the_register_on_file_says_so_in_place_of_figures(loaded_url, tmp_path):
    """An Annex 1 of barnes-2000 on 2001-01-01 (its notes are on the registry as of 2003) was a total of $0 in Word
    and in Excel, with nothing to say the register is not on file, as the command says."""
    for name in ("annex1.xlsx", "accrued.xlsx", "annex1.docx", "outstanding.xlsx"):
        path = tmp_path / name
        assert run(loaded_url, "export", name.split(".")[0], "barnes-2000", "--as-of", "2001-01-01", "-o", str(path)).exit_code == 0
        lines = [p.text for p in Document(path).paragraphs] if name.endswith("docx") else [row[0] for row in rows_of(path)]
        said = "8.59%: not on file: the earliest" if name == "outstanding.xlsx" else "not on file: the earliest"
        assert f"{said} register on file is as of 2003-02-05" in lines, lines
        cells = [c.text for t in Document(path).tables for r in t.rows for c in r.cells] if name.endswith("docx") else lines
        assert "TOTAL" not in cells, f"{name}: a total of a register not on file reads as nil"


@pytest.mark.parametrize("view", ["annex1", "register", "accrued", "outstanding", "schedule"])
def test_a_csv_of_a_day_before_the_register_on_file_is_refused_not_empty(loaded_url, tmp_path, view):
    """A CSV holds rows alone: barnes-2000's register on 2001-01-01 was a header and no rows, read by a program as a
    register with no notes. It is refused, saying why and what to ask for, and writes nothing."""
    path = tmp_path / f"{view}.csv"
    written = run(loaded_url, "export", view, "barnes-2000", "--as-of", "2001-01-01", "-o", str(path))
    assert written.exit_code == 1 and not path.exists()
    assert "the earliest register on file is as of 2003-02-05; a CSV holds rows alone" in written.stderr
    assert "ask for a date from then on, or for the view as JSON or .xlsx" in written.stderr
    if view in ("annex1", "register"):
        shown = run(loaded_url, view, "barnes-2000", "--as-of", "2001-01-01", "--format", "csv")
        assert (shown.exit_code, shown.stdout) == (1, "") and written.stderr.split(":")[-1] in shown.stderr
    if view != "accrued":  # its interest dates are not on file: refused then too, for that reason
        assert run(loaded_url, "export", view, "barnes-2000", "--as-of", "2003-02-05", "-o", "-").stdout.count("\n") > 1


@pytest.mark.parametrize(("view", "key"), [("register", "number"), ("schedule", "due_on"), ("outstanding", "event"), ("accrued", "number")])
def test_each_row_that_rests_on_an_assumption_carries_its_marks_in_csv_and_excel(loaded_url, tmp_path, view, key):
    """Only Annex 1 had the column; the others listed "figures marked A1, A2, ..." in Excel's notes with no row marked."""
    on = "2003-03-01" if view == "accrued" else "2001-02-05"
    by = ("--by", "note") if view == "register" else ()
    rows = list(csv.DictReader(io.StringIO(run(loaded_url, "export", view, "barnes-1995", "--as-of", on, *by, "-o", "-").stdout)))
    shown = json.loads(run(loaded_url, view, "barnes-1995", "--as-of", on, "--format", "json").stdout)
    lines = [m for s in shown["series"] for m in s["movements"]] if view == "outstanding" else shown.get("notes", shown.get("payments"))
    assert [r["assumed"] for r in rows] == [" ".join(line.get("rests_on", ())) for line in lines] and any(r["assumed"] for r in rows)
    path = tmp_path / f"{view}.xlsx"
    run(loaded_url, "export", view, "barnes-1995", "--as-of", on, "-o", str(path))
    header = rows_of(path)[1]
    assert header[-1] == "assumed" and "figures marked A1, A2, ... rest on facts the documents do not give:" in [r[0] for r in rows_of(path)]


def test_annex_1_in_word_marks_what_rests_on_an_assumption_and_on_the_annex_on_file_nothing(loaded_url, tmp_path):
    """Its notes said "figures marked A1, A2, ..." under a table that marked none; Annex 1 as the 2003 amendments print
    it rests on the register on file and stays as they print it."""
    def rows(on: str) -> list[list[str]]:
        path = tmp_path / f"annex1-{on}.docx"
        assert run(loaded_url, "export", "annex1", "barnes-1995", "--as-of", on, "-o", str(path)).exit_code == 0
        return [[c.text for c in row.cells] for table in Document(path).tables for row in table.rows]

    assert ["Lincoln Investment Management, Inc.", "$8,200,000  [A1 A2 A3]"] in rows("2001-02-05")
    assert ["TOTAL", "$25,000,000  [A1]"] in rows("2001-02-05")
    assert not any("[" in cell for row in rows("2003-02-05") for cell in row)


FORMULAS = ['=HYPERLINK("http://example.com","click")', "@SUM(1+1)", "+1 Capital LLC", "-2 Capital LLC"]


def test_a_name_a_spreadsheet_would_read_as_a_formula_stays_text(loaded_url, tmp_path):
    """Names are data: a holder named like a formula is text in Excel (never a formula cell), and in CSV it
    starts with an apostrophe, as spreadsheets read a cell meant as text (OWASP's escape for CSV injection)."""
    for name in FORMULAS:
        recorded = command_line(loaded_url, "transfer", "barnes-1995", "--date", "2003-03-03", "--from", "Lincoln", "--to",
                                name, "--new-holder", "--amount", "100,000", identity=admin_key())
        assert recorded.exit_code == 0, recorded.output
    xlsx, text = tmp_path / "annex1.xlsx", tmp_path / "annex1.csv"
    for path in (xlsx, text):
        run(loaded_url, "export", "annex1", "barnes-1995", "--as-of", "2003-03-03", "-o", str(path))
    cells = {c.value: c.data_type for row in load_workbook(xlsx).active.iter_rows() for c in row if c.value in FORMULAS}
    assert cells == dict.fromkeys(FORMULAS, "s")
    holders = [record[0] for record in csv.reader(io.StringIO(text.read_text()))]
    assert [h for h in holders if h.lstrip("'") in FORMULAS] == ["'" + name for name in FORMULAS]
    assert "Lincoln Investment Management, Inc." in holders, "any other name as it is"


def test_an_export_is_refused_in_words_for_a_wrong_file_or_view(loaded_url, tmp_path):
    assert "--output" in run(loaded_url, "export", "annex1", "barnes-1995", "--as-of", "2003-02-05", "-o", "x.pdf").output
    assert "Word exports are of Annex 1" in run(loaded_url, "export", "history", "barnes-1995", "-o", str(tmp_path / "h.docx")).output
    assert "--as-of" in run(loaded_url, "export", "register", "barnes-1995", "-o", str(tmp_path / "r.csv")).output
    # the history is every event, of no one date: a date given is refused, not ignored, and nothing is written
    dated = run(loaded_url, "export", "history", "barnes-1995", "--as-of", "2003-02-05", "-o", str(tmp_path / "h.csv"))
    assert dated.exit_code == 2 and "--as-of" in dated.output and "--known-at" in dated.output
    assert not (tmp_path / "h.csv").exists()
    # the holders are of every agreement; every other view is of one
    of_one = run(loaded_url, "export", "holders", "barnes-1995", "--as-of", "2003-02-05", "-o", str(tmp_path / "h.xlsx"))
    assert of_one.exit_code == 2 and "holders are of every agreement: leave it out" in of_one.output
    of_none = run(loaded_url, "export", "annex1", "--as-of", "2003-02-05", "-o", str(tmp_path / "a.xlsx"))
    assert of_none.exit_code == 2 and "name the agreement whose annex1 to write, e.g. barnes-1995" in of_none.output
    assert not (tmp_path / "h.xlsx").exists() and not (tmp_path / "a.xlsx").exists()
    unwritable = run(loaded_url, "export", "annex1", "barnes-1995", "--as-of", "2003-02-05", "-o", "/nonexistent/a.xlsx")
    assert unwritable.exit_code == 1 and unwritable.stderr == (
        "debtreg: cannot write /nonexistent/a.xlsx: No such file or directory; "
        "give --output a path in a folder that exists and that you may write to\n"), "the file system's answer, not a rule's"


def test_the_redline_in_word_strikes_what_is_deleted_and_underlines_what_is_inserted(loaded_url, tmp_path):
    path = tmp_path / "redline.docx"
    dates = ["--from", "2003-02-04", "--to", "2003-02-05"]
    assert run(loaded_url, "redline", "barnes-1995", *dates, "--format", "docx", "-o", str(path)).exit_code == 0
    data = json.loads(run(loaded_url, "redline", "barnes-1995", *dates, "--format", "json").stdout)
    runs = [r for p in Document(path).paragraphs for r in p.runs]
    struck = [r.text.strip() for r in runs if r.font.strike]
    underlined = [r.text.strip() for r in runs if r.underline]
    words = [w for d in data["differences"] for w in d["words"]]
    assert struck == [text for op, text in words if op == "delete"] and struck
    assert underlined == [text for op, text in words if op == "insert"] and underlined
    assert "a Word redline is written to a file" in run(loaded_url, "redline", "barnes-1995", *dates, "--format", "docx").output


def test_the_redline_is_written_in_the_format_its_file_is_named_for(loaded_url, tmp_path):
    """`redline -o redline.docx` wrote the text view into a file named .docx, which Word would not open."""
    dates = ["barnes-1995", "--from", "2003-02-04", "--to", "2003-02-05"]
    assert run(loaded_url, "redline", *dates, "-o", str(tmp_path / "redline.docx")).exit_code == 0
    assert any(r.font.strike for p in Document(tmp_path / "redline.docx").paragraphs for r in p.runs)
    assert run(loaded_url, "redline", *dates, "-o", str(tmp_path / "redline.html")).exit_code == 0
    assert (tmp_path / "redline.html").read_text() == run(loaded_url, "redline", *dates, "--format", "html").stdout.rstrip("\n")
    refused = run(loaded_url, "redline", *dates, "--format", "text", "-o", str(tmp_path / "other.docx"))
    assert refused.exit_code == 2 and "names a docx file, but --format is text" in refused.output
    assert not (tmp_path / "other.docx").exists()


@pytest.mark.parametrize("fmt", ["text", "json", "html"])
def test_the_redline_written_to_a_file_is_what_the_command_prints(loaded_url, tmp_path, fmt):
    """`redline -o` writes the view the command prints in the same format, whole, and says where."""
    dates = ["barnes-1995", "--from", "2003-02-04", "--to", "2003-02-05", "--format", fmt]
    path = tmp_path / f"redline.{fmt}"
    written = run(loaded_url, "redline", *dates, "-o", str(path))
    assert written.exit_code == 0 and written.stdout == f"wrote {path}\n"
    printed = run(loaded_url, "redline", *dates).stdout
    assert path.read_text() + "\n" == printed and "2003-02-05" in printed


def test_the_outstanding_chart_is_an_svg_and_a_png_file_labelled_with_the_json_figures(loaded_url, tmp_path):
    import xml.etree.ElementTree as ElementTree

    from PIL import Image

    from adapters.chart import png_font

    data = json.loads(run(loaded_url, "outstanding", "barnes-1995", "--as-of", "2003-02-05", "--format", "json").stdout)
    series = data["series"][0]
    figures = [f"{Decimal(series['movements'][0]['amount']):,.2f}", f"{Decimal(series['outstanding']):,.2f}"]
    path = tmp_path / "chart.svg"
    assert run(loaded_url, "export", "outstanding", "barnes-1995", "--as-of", "2003-02-05", "-o", str(path)).exit_code == 0
    svg = ElementTree.parse(path).getroot()
    assert svg.tag.endswith("svg") and next(svg.iter("{http://www.w3.org/2000/svg}path"), None) is not None
    labels = [t.text for t in svg.iter("{http://www.w3.org/2000/svg}text")]
    assert figures == ["25,000,000.00", "18,750,000.00"]
    assert set(figures) <= set(labels) and "2003-02-05" in labels
    png = tmp_path / "chart.png"
    assert run(loaded_url, "export", "outstanding", "barnes-1995", "--as-of", "2003-02-05", "-o", str(png)).exit_code == 0
    with Image.open(png) as image:
        assert image.format == "PNG" and image.size == (640, 220)
        assert (31, 95, 168) in {colour for _, colour in image.convert("RGB").getcolors(1 << 16)}  # the line is drawn
        title = f"{data['series'][0]['title']}: principal outstanding"
        band = image.convert("L").crop((0, 0, 640, 20))
        inked = [x for x in range(640) if any(band.getpixel((x, y)) < 128 for y in range(20))]
        assert abs((inked[-1] - inked[0]) - png_font().getlength(title)) <= 3, "the title drawn in the font measured"
    assert png_font().getlength(" ") >= 3, "a space wider than the gap between letters (2 px)"
    refused = run(loaded_url, "export", "annex1", "barnes-1995", "--as-of", "2003-02-05", "-o", str(tmp_path / "a.png"))
    assert refused.exit_code == 2 and "the chart (.png) is of principal outstanding" in refused.output


def test_a_chart_of_notes_opened_on_the_registry_rises_to_what_was_opened(loaded_url, tmp_path):
    """barnes-2000's notes were opened on the registry as Annex 1 lists them, not issued: the line rises to them."""
    import xml.etree.ElementTree as ElementTree

    path = tmp_path / "chart.svg"
    assert run(loaded_url, "export", "outstanding", "barnes-2000", "--as-of", "2003-02-05", "-o", str(path)).exit_code == 0
    labels = [t.text for t in ElementTree.parse(path).getroot().iter("{http://www.w3.org/2000/svg}text")]
    assert "60,000,000.00" in labels and not any(label.startswith("-") for label in labels)


def test_a_chart_past_the_record_on_file_draws_the_principal_recorded_dashed_and_says_where_the_record_ends(
        loaded_url, tmp_path):
    """barnes-1995's record ends on 2003-02-05; as of 2004-02-05 the chart drew the $18,750,000 recorded as a solid
    line a year on, past a prepayment due 2003-12-05 that is not on file (the view's notes say so; a chart on a
    slide carries none). Past the record it is dashed, from the record's end, which a label gives."""
    import xml.etree.ElementTree as ElementTree

    from PIL import Image

    svg_name = "{http://www.w3.org/2000/svg}"

    def chart(as_of: str) -> tuple[list, list]:
        path = tmp_path / f"{as_of}.svg"
        assert run(loaded_url, "export", "outstanding", "barnes-1995", "--as-of", as_of, "-o", str(path)).exit_code == 0
        root = ElementTree.parse(path).getroot()
        return ([p.attrib for p in root.iter(f"{svg_name}path")], [t.text for t in root.iter(f"{svg_name}text")])

    paths, labels = chart("2004-02-05")
    solid, dashed = paths
    assert "stroke-dasharray" not in solid and "stroke-dasharray" in dashed
    start, end = (tuple(map(float, point.split(","))) for point in dashed["d"].removeprefix("M").split(" L"))
    assert solid["d"].endswith(f"L{start[0]:.1f},{start[1]:.1f}"), "the solid line stops where the dashes start"
    assert end[0] == 620.0 and start[1] == end[1] and "record ends 2003-02-05" in labels and "18,750,000.00" in labels
    within = chart("2003-02-05")
    assert len(within[0]) == 1 and not any(label.startswith("record ends") for label in within[1])
    png = tmp_path / "chart.png"
    assert run(loaded_url, "export", "outstanding", "barnes-1995", "--as-of", "2004-02-05", "-o", str(png)).exit_code == 0
    with Image.open(png) as image:
        row = [image.convert("RGB").getpixel((x, 20 + round(start[1]))) for x in range(640)]
    step = float(solid["d"].split(" L")[-3].split(",")[0])  # where the prepayment of 2002-12-05 brings it down
    assert all(row[x] == (31, 95, 168) for x in range(round(step) + 2, round(start[0]) - 1)), "solid to the record's end"
    gaps = [x for x in range(round(start[0]), 618) if row[x] == (255, 255, 255)]
    assert len(gaps) >= (620 - start[0]) / 4, "dashed: a gap every few pixels, not a solid line"


@pytest.mark.parametrize("fmt", ["text", "html", "docx"])
def test_a_redline_as_known_at_a_moment_says_so_in_its_file(loaded_url, tmp_path, fmt):
    """`redline --known-at barnes-1995:20 -o FILE` printed which moment after `wrote`, and the file, passed to
    counsel, read as the redline of now: it says so as the command does (text: the line above it; HTML and Word: in
    the title and beneath the heading), and so does the API's file."""
    from fastapi.testclient import TestClient

    from adapters.api import create_app
    from adapters.identity import token_of

    dates = ["barnes-1995", "--from", "1995-12-01", "--to", "2003-02-05"]
    path = tmp_path / f"redline.{'txt' if fmt == 'text' else fmt}"
    assert run(loaded_url, "redline", *dates, "--known-at", "barnes-1995:20", "-o", str(path)).exit_code == 0
    known = re.compile(r"as known at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(when barnes-1995:20 was recorded\)")
    if fmt == "docx":
        said = [Document(path).paragraphs[0].text, Document(path).core_properties.title]
        with TestClient(create_app(loaded_url, [ADMIN])) as api:
            served = api.get("/agreements/barnes-1995/redline.docx", headers={"Authorization": f"Bearer {token_of(ADMIN)}"},
                             params={"from": "1995-12-01", "to": "2003-02-05", "known_at": "barnes-1995:20"})
        assert served.status_code == 200, served.text
        said.append(Document(io.BytesIO(served.content)).paragraphs[0].text)
        assert all(line.startswith("barnes-1995: changes from 1995-12-01 to 2003-02-05, as known at") for line in said)
        assert all(known.search(line) for line in said), said
        return
    printed = run(loaded_url, "redline", *dates, "--known-at", "barnes-1995:20", *(["--format", "html"] if fmt == "html" else []))
    assert path.read_text() + "\n" == printed.stdout, "the file is what the command prints"
    assert known.search(path.read_text().splitlines()[0] if fmt == "text" else re.search("<title>(.*)</title>", path.read_text())[1])
    now = run(loaded_url, "redline", *dates, *(["--format", "html"] if fmt == "html" else [])).stdout
    assert "as known at" not in now.lower()


def test_the_payments_due_across_the_registry_in_excel_have_the_json_figures_and_their_total_apart(loaded_url, tmp_path):
    window = ("--from", "2001-01-01", "--to", "2003-12-31", "--as-of", "2003-12-10")
    data = json.loads(run(loaded_url, "due", *window, "--format", "json").stdout)
    written = run(loaded_url, "export", "due", *window, "-o", str(tmp_path / "due.xlsx"))
    assert written.exit_code == 0, written.output
    rows = rows_of(tmp_path / "due.xlsx")
    assert rows[0][0] == "Payments due 2001-01-01 to 2003-12-31, status as of 2003-12-10"
    assert [(r[0], r[2], r[6]) for r in rows[2:2 + len(data["payments"])]] == [
        (p["agreement"], p["kind"], Decimal(p["interest"])) for p in data["payments"]]
    assert ("TOTAL on file", Decimal(data["principal"]), Decimal(data["interest"])) in [
        tuple(c for c in r if c is not None) for r in rows]
    assert any("barnes-2000: 8.59%: the day count of the 8.59% notes is not on file" in str(r[0]) for r in rows)
    missing = run(loaded_url, "export", "due", "--from", "2001-01-01", "-o", str(tmp_path / "d.xlsx"))
    assert missing.exit_code == 2 and "--to" in missing.output and not (tmp_path / "d.xlsx").exists()
    stray = run(loaded_url, "export", "register", "barnes-1995", "--as-of", "2003-02-05", "--from", "2001-01-01", "-o",
                str(tmp_path / "r.xlsx"))
    assert stray.exit_code == 2 and "only due takes it" in stray.output and not (tmp_path / "r.xlsx").exists()
