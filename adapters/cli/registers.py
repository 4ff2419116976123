"""For auditors and counsel: the agreements, the register, Annex 1, principal outstanding, history."""

from typing import Annotated

import typer

from adapters import descriptions
from adapters.cli.common import (
    AgreementKey,
    AsOf,
    By,
    ByOption,
    EventArgument,
    Format2,
    Format3,
    KnownAt,
    StreamKey,
    TextJsonOrCsv,
    TextOrJson,
    app,
    day,
    emit,
    emit_json,
    emit_lines,
    for_machines,
    from_to,
    holder_named,
    lazy,
    moment,
    out,
    progress_bar,
    querying,
    say,
    table,
    text_width,
)
from domain.money import ZERO, format_amount

exports, render = lazy("adapters.exports"), lazy("adapters.render")


@app.command()
def agreements(ctx: typer.Context, fmt: Format2 = TextOrJson.text) -> None:
    """List the agreements on the registry."""
    with querying(ctx, fmt.value) as queries:
        found = queries.agreements()
    if fmt is TextOrJson.json:
        emit_json(found)
        return
    if not found:
        say("no agreement is on the registry yet: load one's journal (debtreg load FILE; debtreg template prints one)")
        return
    rows = [
        [a.agreement, a.issuer, a.title, a.dated_as_of.isoformat(),
         "\n".join(f"${format_amount(s.principal)} {s.title}" for s in a.series)]
        for a in found
    ]
    out.print(table("Agreements", ["Agreement", "Issuer", "Title", "Dated as of", "Series"], rows))


@app.command()
def terms(ctx: typer.Context, agreement: AgreementKey, fmt: Format2 = TextOrJson.text, known_at: KnownAt = None) -> None:
    """The agreement's terms on file, and what is not on file. Corrections and supplements are applied."""
    then = moment(known_at)
    with querying(ctx, fmt.value, known_at=then) as queries:
        view = queries.terms(agreement, then)
    if fmt is TextOrJson.json:
        emit_json(view)
    else:
        say(render.terms_text(view))


@app.command()
def register(
    ctx: typer.Context,
    agreement: AgreementKey,
    as_of: AsOf,
    by: ByOption = By.note,
    fmt: Format3 = TextJsonOrCsv.text,
    known_at: KnownAt = None,
) -> None:
    """Who held which notes on a date."""
    on, then = day(as_of), moment(known_at)
    with querying(ctx, fmt.value, known_at=then) as queries:
        view = queries.register(agreement, on, then, by_note=by is By.note or fmt is TextJsonOrCsv.json)
        known = exports.known_suffix(queries, then) if fmt is TextJsonOrCsv.csv else ""  # a CSV's title, said beside it
    if for_machines(fmt, view, lambda: exports.register_sheet(view, by.value), known):
        return
    if view.not_on_file:
        say(f"{agreement} register as of {on}: {view.not_on_file}")
    else:
        header, rows = render.register_rows(view, by.value)
        numeric = [4] if by is By.note else list(range(1, len(view.series) + 1))
        out.print(table(f"{agreement} register as of {on}, by {by.value}", header, rows, numeric))
        emit_lines(render.view_notes(view))


@app.command()
def outstanding(
    ctx: typer.Context, agreement: AgreementKey, as_of: AsOf, fmt: Format2 = TextOrJson.text, known_at: KnownAt = None
) -> None:
    """Principal outstanding per series on a date. Each figure with the events that make it up."""
    on, then = day(as_of), moment(known_at)
    with querying(ctx, fmt.value, known_at=then) as queries:
        view = queries.outstanding(agreement, on, then)
    if fmt is TextOrJson.json:
        emit_json(view)
        return
    rows, cited = [], []
    for line in view.series:
        if line.not_on_file:
            rows.append([line.series, line.not_on_file, "", "", ""])
            cited.append(())
            continue
        for m in line.movements:
            sign = "" if m.kind in ("issued", "opened") else "-"
            rows.append([line.series, m.kind, m.event, m.on.isoformat(), sign + format_amount(m.amount)])
            cited.append(m.rests_on)
        paid = f" (paid off {line.paid_off_on})" if line.paid_off_on else ""
        rows.append([line.series, f"outstanding{paid}", "", on.isoformat(), format_amount(line.outstanding if line.outstanding is not None else ZERO)])
        cited.append(line.rests_on)
    header, rows = render.with_marks(["Series", "Movement", "Event", "Date", "Amount"], rows, cited)
    out.print(table(f"{agreement} principal outstanding as of {on}", header, rows, [4]))
    emit_lines(render.view_notes(view))


@app.command()
def annex1(
    ctx: typer.Context, agreement: AgreementKey, as_of: AsOf, fmt: Format3 = TextJsonOrCsv.text, known_at: KnownAt = None
) -> None:
    """Annex 1, the schedule of current noteholders, on a date."""
    then = moment(known_at)
    with querying(ctx, fmt.value, known_at=then) as queries:
        view = queries.annex1(agreement, day(as_of), then)
        known = exports.known_suffix(queries, then) if fmt is TextJsonOrCsv.csv else ""
    if not for_machines(fmt, view, lambda: exports.annex1_sheet(view), known):
        emit(render.annex1_text(view, text_width()))


@app.command("holders")
def holders_command(
    ctx: typer.Context,
    as_of: AsOf,
    holder: Annotated[str | None, typer.Option("--holder", metavar="NAME", help=descriptions.HOLDER)] = None,
    fmt: Format3 = TextJsonOrCsv.text,
    known_at: KnownAt = None,
) -> None:
    """Every holder's positions across agreements on a date. Each holder once, however many agreements hold it."""
    then = moment(known_at)
    with querying(ctx, fmt.value, known_at=then) as queries, progress_bar("reading agreements") as progress:
        view = queries.holders(day(as_of), then, progress, holder=holder_named(holder))
        known = exports.known_suffix(queries, then) if fmt is TextJsonOrCsv.csv else ""
    if for_machines(fmt, view, lambda: exports.holders_sheet(view), known):
        return
    rows, cited = render.holders_table(view, lambda h: h.name + "".join(f"\naka {other}" for other in h.also_known_as),
                                       str, str, format_amount)
    header, rows = render.with_marks(["Holder", "Agreement", "Series", "Principal", "Notes"], rows, cited)
    if rows:
        out.print(table(f"Holders as of {view.as_of}", header, rows, [3]))
    else:
        say(f"no notes on file held by {holder_named(holder)} as of {view.as_of}" if holder
            else f"no notes on file held by anyone as of {view.as_of}")
    emit_lines(render.holders_notes(view))


@app.command("history")
def history_command(
    ctx: typer.Context,
    agreement: StreamKey,
    since: Annotated[str | None, typer.Option("--from", metavar="DATE", help=descriptions.EVENTS_FROM)] = None,
    until: Annotated[str | None, typer.Option("--to", metavar="DATE", help=descriptions.EVENTS_TO)] = None,
    kind: Annotated[list[str] | None, typer.Option("--kind", metavar="KIND", help=descriptions.KIND)] = None,
    holder: Annotated[str | None, typer.Option("--holder", metavar="NAME", help=descriptions.EVENTS_HOLDER)] = None,
    note: Annotated[int | None, typer.Option("--note", metavar="NUMBER", help=descriptions.EVENTS_NOTE)] = None,
    fmt: Format2 = TextOrJson.text,
    known_at: KnownAt = None,
) -> None:
    """Events of an agreement, guaranty, instrument or holder. Each with when it took effect, when and by whom it
    was recorded, on what evidence and assumptions; `debtreg event REF` shows one in full."""
    start, end = from_to(since, until)
    then = moment(known_at)
    with querying(ctx, fmt.value, known_at=then) as queries:
        lines = queries.history(agreement, then, since=start, until=end, kinds=kind or (), holder=holder_named(holder),
                                note=note)
    if fmt is TextOrJson.json:
        emit_json(lines)
        return
    rows = [
        [
            line.event,
            line.effective_on.isoformat()
            + ("\nbackdated" if line.backdated else "")
            + (f"\nREVERSED by {line.reversed_by}" if line.reversed_by else ""),
            line.recorded_at.strftime("%Y-%m-%d %H:%M:%S UTC") + f"\n{line.recorded_by}",
            line.summary,
            str(line.evidence) + "".join(f"\nassumed {a.fact}: {a.reason}" for a in line.assumptions),
        ]
        for line in lines
    ]
    if rows:
        of = f", note No. {note} and the notes it was issued for" if note is not None else ""
        out.print(table(f"{agreement} history{of}", ["Event", "Effective", "Recorded", "What", "Evidence"], rows))
    else:
        given = [f"{option} {value}" for option, values in (("--from", [since]), ("--to", [until]), ("--kind", kind or []),
                                                             ("--holder", [holder_named(holder)]),
                                                             ("--note", [note])) for value in values if value]
        say(f"no event of {agreement} matches {' '.join(given)}" if given else f"no event of {agreement} is on file")


@app.command("event")
def event_command(
    ctx: typer.Context,
    ref: EventArgument,
    fmt: Format2 = TextOrJson.text,
) -> None:
    """One event in full, with its evidence and assumptions. Every field it holds, and the make-whole calculation
    recorded with an optional prepayment, step by step."""
    with querying(ctx, fmt.value) as queries:
        detail = queries.event(ref)
    if fmt is TextOrJson.json:
        emit_json(detail)
        return
    emit(render.event_text(detail, text_width()))
