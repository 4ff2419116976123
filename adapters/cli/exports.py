"""Views as files: CSV and Excel for spreadsheets, Word for the Annex 1 an amendment carries."""

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from adapters.cli.common import (
    AgreementKey,
    By,
    ByOption,
    KnownAt,
    app,
    day,
    lazy,
    moment,
    querying,
    write_file,
)

exports = lazy("adapters.exports")
chart = lazy("adapters.chart")


class View(str, Enum):
    annex1 = "annex1"
    register = "register"
    outstanding = "outstanding"
    schedule = "schedule"
    accrued = "accrued"
    history = "history"


@app.command("export")
def export_command(
    ctx: typer.Context,
    view: Annotated[View, typer.Argument(help="annex1, register, outstanding, schedule, accrued or history.")],
    agreement: AgreementKey,
    output: Annotated[str, typer.Option("--output", "-o", metavar="FILE", help="FILE.csv, FILE.xlsx, FILE.docx (annex1), FILE.svg or FILE.png (outstanding's chart); - for CSV on standard output.")],
    as_of: Annotated[str | None, typer.Option("--as-of", metavar="DATE", help="The business date, YYYY-MM-DD (all views but history).")] = None,
    by: ByOption = By.holder,
    known_at: KnownAt = None,
) -> None:
    """Write a view to a file: numbers as numbers, totals apart from the data, the view's notes beneath it."""
    kind = "csv" if output == "-" else Path(output).suffix.lower().lstrip(".")
    if kind not in ("csv", "xlsx", "docx", "svg", "png"):
        raise typer.BadParameter(f"{output!r}: name a .csv, .xlsx, .docx (annex1), .svg or .png (outstanding) file, or -"
                                 " for CSV", param_hint="--output")
    if kind == "docx" and view is not View.annex1:
        raise typer.BadParameter("Word exports are of Annex 1; use .xlsx or .csv for this view", param_hint="--output")
    if kind in ("svg", "png") and view is not View.outstanding:
        raise typer.BadParameter(f"the chart (.{kind}) is of principal outstanding: export outstanding", param_hint="--output")
    if view is not View.history and as_of is None:
        raise typer.BadParameter("give the business date, YYYY-MM-DD", param_hint="--as-of")
    if view is View.history and as_of is not None:
        raise typer.BadParameter("the history is every event, of no one date: leave it out (--known-at shows what was"
                                 " recorded by a time)", param_hint="--as-of")
    then = moment(known_at)
    with querying(ctx, "text") as queries:
        on = day(as_of) if as_of else None
        if view is View.annex1:
            found = queries.annex1(agreement, on, then)
            if kind == "docx":
                return write_file(output, exports.annex1_docx(found))
            sheet = exports.annex1_sheet(found)
        elif view is View.register:
            sheet = exports.register_sheet(queries.register(agreement, on, then), by.value)
        elif view is View.outstanding:
            found = queries.outstanding(agreement, on, then)
            if kind in ("svg", "png"):
                return write_file(output, chart.to_svg(found) if kind == "svg" else chart.to_png(found))
            sheet = exports.outstanding_sheet(found)
        elif view is View.schedule:
            sheet = exports.schedule_sheet(queries.schedule(agreement, on, known_at=then))
        elif view is View.accrued:
            sheet = exports.accrued_sheet(queries.accrued(agreement, on, then))
        else:
            sheet = exports.history_sheet(agreement, queries.history(agreement, then))
        write_file(output, exports.to_csv(sheet) if kind == "csv" else exports.to_xlsx(sheet))
