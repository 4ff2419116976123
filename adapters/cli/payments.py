"""For treasury: the payment schedule, status and default watch, accrued interest, make-whole quotes."""

from datetime import date
from typing import Annotated

import typer

from adapters import descriptions
from adapters.cli.common import (
    AgreementKey,
    AsOf,
    By,
    ByOption,
    Format2,
    Format3,
    KnownAt,
    On,
    Series,
    TextJsonOrCsv,
    TextOrJson,
    app,
    day,
    emit,
    emit_json,
    emit_lines,
    for_machines,
    invalid,
    lazy,
    moment,
    out,
    progress_bar,
    querying,
    say,
    table,
    text_width,
    window,
)
from domain.money import ZERO, format_amount

render, entries, pydantic = lazy("adapters.render"), lazy("adapters.entries"), lazy("pydantic")


@app.command("schedule")
def schedule_command(
    ctx: typer.Context,
    agreement: AgreementKey,
    series: Series = None,
    as_of: Annotated[str | None, typer.Option("--as-of", metavar="DATE", help="Status as of this date (default today).")] = None,
    fmt: Format2 = TextOrJson.text,
    known_at: KnownAt = None,
) -> None:
    """Every scheduled payment, paid or not, from the terms. Interest, required prepayments and maturity."""
    on = day(as_of) if as_of else date.today()
    then = moment(known_at)
    with querying(ctx, fmt.value, known_at=then) as queries:
        view = queries.schedule(agreement, on, series, then)
    if fmt is TextOrJson.json:
        emit_json(view)
        return
    for gap in view.not_on_file:
        say(f"not on file: {gap}")
    if view.payments:
        out.print(table(f"{agreement} payment schedule, status as of {on}", *render.payment_rows(view.payments), numeric=[3, 4]))
        emit_lines(render.overdue_rate_lines(view.overdue_rates))  # of the payments above: none, none to say
    emit_lines(render.view_notes(view))


@app.command("due")
def due_command(
    ctx: typer.Context,
    since: Annotated[str, typer.Option("--from", metavar="DATE", help=descriptions.DUE_FROM)],
    until: Annotated[str, typer.Option("--to", metavar="DATE", help=descriptions.DUE_TO)],
    as_of: Annotated[str | None, typer.Option("--as-of", metavar="DATE", help=descriptions.STATUS_AS_OF)] = None,
    fmt: Format3 = TextJsonOrCsv.text,
    known_at: KnownAt = None,
) -> None:
    """Every payment due between two dates, across the registry. Each with its agreement and status, and their total."""
    from adapters import exports

    start, end = window(since, until)
    on = day(as_of) if as_of else date.today()
    then = moment(known_at)
    with querying(ctx, fmt.value, known_at=then) as queries, progress_bar("reading agreements") as progress:
        view = queries.due(start, end, on, then, progress)
        known = exports.known_suffix(queries, then) if fmt is TextJsonOrCsv.csv else ""
    if for_machines(fmt, view, lambda: exports.due_sheet(view), known):
        return
    if view.payments:
        rows, _ = render.due_table(view, str, str, lambda value, blank: "" if blank and not value else format_amount(value),
                                   lambda p: render.payment_status(p, marked=True))  # (its marks in the status)
        out.print(table(render.due_title(view), render.DUE_HEADER, rows, numeric=[4, 5]))
    else:
        say(f"no payment on file is due from {start} to {end}")
    emit_lines(render.due_notes(view))


@app.command()
def accrued(
    ctx: typer.Context,
    agreement: AgreementKey,
    as_of: AsOf,
    by: ByOption = By.note,
    fmt: Format2 = TextOrJson.text,
    known_at: KnownAt = None,
) -> None:
    """Interest accrued since the last interest date. Per note or per holder, by the series' day count."""
    on = day(as_of)
    then = moment(known_at)
    with querying(ctx, fmt.value, known_at=then) as queries:
        view = queries.accrued(agreement, on, then, by_note=by is By.note or fmt is TextOrJson.json)
    if fmt is TextOrJson.json:
        emit_json(view)
        return
    if view.not_on_file:
        say(f"{agreement} accrued interest as of {on}: {view.not_on_file}")
        return
    if view.notes:
        header, rows = render.accrued_rows(view, by.value)
        numeric = [3, 6] if by is By.note else [1, 3]
        out.print(table(f"{agreement} accrued interest as of {on}, by {by.value}", header, rows, numeric=numeric))
    else:  # a table of a TOTAL row alone read as notes outstanding that accrued nothing
        say(f"{agreement} accrued interest as of {on}: no note is outstanding and accruing, so none accrues")
    for due in view.fell_due:
        say(f"note: No. {', '.join(map(str, due.notes))} fell due on {due.on} ({due.why}): no interest accrues on them"
            " after; what fell due, and whether it is recorded paid, `debtreg status` shows")
    emit_lines(render.view_notes(view))


@app.command()
def status(
    ctx: typer.Context, agreement: AgreementKey, as_of: AsOf, fmt: Format2 = TextOrJson.text, known_at: KnownAt = None
) -> None:
    """What is outstanding, due next and overdue on a date. With the Events of Default and accelerations on file, and
    what each made due."""
    on = day(as_of)
    then = moment(known_at)
    with querying(ctx, fmt.value, known_at=then) as queries:
        view = queries.status(agreement, on, then)
    if fmt is TextOrJson.json:
        emit_json(view)
        return
    for line in view.series:
        shown = line.not_on_file or f"${format_amount(line.outstanding if line.outstanding is not None else ZERO)} outstanding"
        say(f"{agreement} {line.series}: {shown}" + (f" (paid off {line.paid_off_on})" if line.paid_off_on else "")
            + (f" [assumed: {render.marks(line.rests_on)}]" if line.rests_on else ""))
    from projections.register import NOT_ON_FILE  # here: --help imports no projection

    said = {f"{line.series}: {line.not_on_file.removeprefix(NOT_ON_FILE)}" for line in view.series if line.not_on_file}
    for gap in view.not_on_file:
        if gap not in said:  # a series' register not on file is said once, on its line above
            say(f"not on file: {gap}")
    if view.overdue:
        out.print(table(f"Overdue as of {on}", *render.payment_rows(view.overdue), numeric=[3, 4]))
    else:
        within = " within the record" if view.not_recorded else ""
        say(f"nothing overdue{within} as of {on}" + (" among the payments on file; whether a payment not on file (above) is"
                                                     " overdue is not known" if view.not_on_file else ""))
    if view.not_recorded:
        out.print(table(f"Due after the record ends, not recorded (paid or not: not on file) as of {on}",
                        *render.payment_rows(view.not_recorded), numeric=[3, 4]))
    if view.next:
        out.print(table("Next payments", *render.payment_rows(view.next), numeric=[3, 4]))
    emit_lines(render.remedy_lines(view))
    emit_lines(render.overdue_rate_lines(view.overdue_rates))
    emit_lines(render.view_notes(view))


@app.command("makewhole")
def makewhole_command(
    ctx: typer.Context,
    agreement: AgreementKey,
    on: On,
    amount: Annotated[str, typer.Option("--amount", metavar="AMOUNT", help=descriptions.PREPAID)],
    curve: Annotated[str, typer.Option("--treasury-curve", metavar="CURVE", help=descriptions.CURVE)],
    series: Series = None,
    fmt: Format2 = TextOrJson.text,
) -> None:
    """Quote an optional prepayment with its make-whole amount. As the agreement defines it, step by step; records nothing."""
    with querying(ctx, fmt.value) as queries:
        try:
            given = entries.PrepaymentEntry.model_validate(
                {"type": "prepayment", "kind": "optional", "effective_on": on, "evidence": {"document": "quote"},
                 "amount": amount, "series": series, "treasury_curve": curve}
            )
        except pydantic.ValidationError as error:
            raise invalid(error) from None
        assert given.amount is not None and given.treasury_curve is not None
        notice = queries.makewhole(agreement, given.effective_on, given.amount, given.treasury_curve, series)
    if fmt is TextOrJson.json:
        emit_json(notice)
    else:
        emit(render.makewhole_text(notice, text_width()))
