"""Views as files: CSV and Excel for spreadsheets, Word for the Annex 1 an amendment carries."""

from datetime import date
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from adapters import descriptions
from adapters.cli.common import (
    By,
    ByOption,
    KnownAt,
    app,
    day,
    lazy,
    moment,
    querying,
    say_left_out,
    window,
    write_file,
)

exports = lazy("adapters.exports")


class View(str, Enum):
    annex1 = "annex1"
    register = "register"
    outstanding = "outstanding"
    schedule = "schedule"
    accrued = "accrued"
    history = "history"
    holders = "holders"
    due = "due"


@app.command("export")
def export_command(
    ctx: typer.Context,
    view: Annotated[View, typer.Argument(help="annex1, register, outstanding, schedule, accrued, history, or holders or due (of every agreement).")],
    output: Annotated[str, typer.Option("--output", "-o", metavar="FILE", help="FILE.csv, FILE.xlsx, FILE.docx (annex1), FILE.svg or FILE.png (outstanding's chart); - for CSV on standard output.")],
    agreement: Annotated[str | None, typer.Argument(metavar="AGREEMENT", help="Agreement id, e.g. barnes-1995 (see `debtreg agreements`); not for holders or due.", show_default=False)] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", metavar="DATE", help="The business date, YYYY-MM-DD (all views but history; for due, the status's, default today).")] = None,
    since: Annotated[str | None, typer.Option("--from", metavar="DATE", help=f"For due: {descriptions.DUE_FROM.lower()}")] = None,
    until: Annotated[str | None, typer.Option("--to", metavar="DATE", help=f"For due: {descriptions.DUE_TO.lower()}")] = None,
    by: ByOption = By.holder,
    known_at: KnownAt = None,
) -> None:
    """Write a view to a file. Numbers as numbers, totals apart from the data, the view's notes beneath it."""
    across = view in (View.holders, View.due)
    if (agreement is None) != across:
        raise typer.BadParameter(f"the {'holders' if view is View.holders else 'payments due'} are of every agreement:"
                                 " leave it out" if agreement else
                                 f"name the agreement whose {view.value} to write, e.g. barnes-1995", param_hint="AGREEMENT")
    for option, given in (("--from", since), ("--to", until)):
        if (given is None) == (view is View.due):
            raise typer.BadParameter("give the payments' first and last due dates, YYYY-MM-DD" if given is None
                                     else "only due takes it: the payments due from and to two dates", param_hint=option)
    kind = "csv" if output == "-" else Path(output).suffix.lower().lstrip(".")
    if kind not in exports.KINDS or view is View.due and kind not in ("csv", "xlsx"):
        raise typer.BadParameter(f"{output!r}: name a .csv, .xlsx, .docx (annex1), .svg or .png (outstanding) file, or -"
                                 " for CSV", param_hint="--output")
    problem = None if view is View.due else exports.export_problem(view.value, kind, as_of is not None, "--known-at")
    if problem:
        raise typer.BadParameter(problem[1], param_hint={"kind": "--output", "as_of": "--as-of"}[problem[0]])
    then = moment(known_at)
    dates = window(since, until) if view is View.due else None  # refused before the store is opened
    with querying(ctx, "text") as queries:
        if dates is not None:
            calendar = queries.due(*dates, day(as_of) if as_of else date.today(), then)
            found = exports.as_file(exports.due_sheet(calendar), kind, exports.known_suffix(queries, then))
        else:
            found = exports.exported(queries, view.value, agreement or "", kind, day(as_of) if as_of else None, then, by.value)
    write_file(output, found.content)
    say_left_out(found)
