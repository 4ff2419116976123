"""For counsel: the agreement's text as amended, redlines, amendments, consents and guaranties."""

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from adapters import descriptions
from adapters.cli.common import (
    AgreementKey,
    AsOf,
    Format2,
    KnownAt,
    TextOrJson,
    app,
    day,
    emit,
    emit_json,
    emit_lines,
    from_to,
    lazy,
    moment,
    out,
    querying,
    say,
    table,
    text_width,
    write_file,
)
from domain.money import format_amount

render, exports = lazy("adapters.render"), lazy("adapters.exports")

Section = Annotated[
    str | None,
    typer.Option("--section", metavar="REF", help=descriptions.SECTION),
]


class RedlineFormat(str, Enum):
    text = "text"
    json = "json"
    html = "html"
    docx = "docx"


@app.command("text")
def text_command(
    ctx: typer.Context,
    agreement: AgreementKey,
    as_of: AsOf,
    section: Section = None,
    fmt: Format2 = TextOrJson.text,
    known_at: KnownAt = None,
) -> None:
    """The agreement's text as of a date. Each amended provision is marked with its amendment."""
    then = moment(known_at)
    with querying(ctx, fmt.value, known_at=then) as queries:
        view = queries.text(agreement, day(as_of), section, then)
    if fmt is TextOrJson.json:
        emit_json(view)
    else:
        emit(render.text_text(view, min(text_width(), render.PAGE)))


@app.command("redline")
def redline_command(
    ctx: typer.Context,
    agreement: AgreementKey,
    start: Annotated[str, typer.Option("--from", metavar="DATE", help=descriptions.EARLIER)],
    end: Annotated[str, typer.Option("--to", metavar="DATE", help=descriptions.LATER)],
    section: Annotated[str | None, typer.Option("--section", metavar="REF", help=descriptions.ONE_PROVISION)] = None,
    given: Annotated[RedlineFormat | None, typer.Option("--format", help="text ([-deleted-] {+inserted+}), json, html, or docx"
                     " (with --output); with --output, the file's own (.docx, .html, .json, .txt) if not given.")] = None,
    known_at: KnownAt = None,
    output: Annotated[str | None, typer.Option("--output", "-o", metavar="FILE", help="Write the redline to FILE (docx needs it).")] = None,
) -> None:
    """Word-level changes to the text between two dates. As a conformed copy shows them."""
    fmt = _redline_format(given, output)
    if fmt is RedlineFormat.docx and not output:
        raise typer.BadParameter("a Word redline is written to a file: give --output FILE.docx", param_hint="--output")
    then = moment(known_at)
    with querying(ctx, "text" if fmt is RedlineFormat.docx else fmt.value, known_at=then) as queries:
        view = queries.redline(agreement, *from_to(start, end), section, then)
        known = render.known_at_said(queries, then, line=fmt is RedlineFormat.text)
        if output:
            return write_file(output, exports.redline_file(view, fmt.value, known))
    if fmt is RedlineFormat.json:
        emit_json(view)
    elif fmt is RedlineFormat.html:
        emit(render.redline_html(view, known))
    else:
        emit(render.redline_text(view, min(text_width(), render.PAGE)))  # piped, as its file has it


_NAMED = {".docx": RedlineFormat.docx, ".html": RedlineFormat.html, ".htm": RedlineFormat.html, ".json": RedlineFormat.json,
          ".txt": RedlineFormat.text}


def _redline_format(given: RedlineFormat | None, output: str | None) -> RedlineFormat:
    """The format asked for, else that of the file written (redline.docx: Word), else text. A file named for one
    format and asked for in another is refused: `-o redline.docx` wrote text that Word would not open."""
    named = _NAMED.get(Path(output).suffix.lower()) if output else None
    if given is not None and named is not None and given is not named:
        raise typer.BadParameter(f"{output!r} names a {named.value} file, but --format is {given.value}: leave --format out,"
                                 f" or name the file for {given.value}", param_hint="--output")
    return given or named or RedlineFormat.text


@app.command("amendments")
def amendments_command(
    ctx: typer.Context, agreement: AgreementKey, fmt: Format2 = TextOrJson.text, known_at: KnownAt = None
) -> None:
    """Each amendment with its status and the reason. Pending, effective as of its date, failed, or not on file."""
    then = moment(known_at)
    with querying(ctx, fmt.value, known_at=then) as queries:
        found = queries.amendments(agreement, then)
    if fmt is TextOrJson.json:
        emit_json(found)
        return
    if not found:  # an empty table's headings read as a view that failed
        say(f"{agreement}: no amendment is on file")
        return
    rows = []
    for state in found:
        label = f"effective as of {state.as_of}" if state.status == "effective" else state.status
        dated = state.as_of.isoformat() if state.as_of else f"before {state.before}\n(date not on file)"
        rows.append([str(state.number), state.name, dated, label, "\n".join(render.amendment_why(state))])
    out.print(table(f"{agreement} amendments", ["No.", "Amendment", "As of", "Status", "Why"], rows))
    for state in found:
        if state.assumptions:
            say(f"{state.name} rests on facts the documents do not give:")
            emit_lines(render.assumption_lines(state.assumptions))


@app.command("consents")
def consents_command(
    ctx: typer.Context,
    agreement: AgreementKey,
    amendment: Annotated[int, typer.Argument(metavar="AMENDMENT", help=descriptions.AMENDMENT)],
    fmt: Format2 = TextOrJson.text,
    known_at: KnownAt = None,
) -> None:
    """Who consented to an amendment, against its threshold. Each consent with the principal it counts."""
    then = moment(known_at)
    with querying(ctx, fmt.value, known_at=then) as queries:
        view = queries.consents(agreement, amendment, then)
    if fmt is TextOrJson.json:
        emit_json(view)
        return
    series = sorted({k for v in view.holders for k in v.principal})
    rows = [
        [
            v.holder,
            *(format_amount(v.principal[k]) if k in v.principal else "n/a" for k in series),
            "excluded (Company or affiliate)" if v.excluded else "no" if not v.consented
            else "yes" + (f", signed by {v.signed_as}" if v.signed_by_another else ""),
        ]
        for v in view.holders
    ]
    header, rows = render.with_marks(["Holder", *series, "Consented"], rows, [v.rests_on for v in view.holders])
    title = f"{view.name} ({agreement}), register as of {view.as_of}"
    out.print(table(title, header, rows, list(range(1, len(series) + 1))))

    from domain.consent import more_needed

    def tally(classes: tuple, lead: str = "") -> None:
        for c in classes:
            say(f"{lead}{c.name}: ${format_amount(c.consenting_principal)} of ${format_amount(c.voting_principal)}"
                f" consented ({c.share}); threshold {view.threshold}: {'met' if c.met else 'NOT met'}"
                f"{more_needed(c.more_needed)}")

    tally(view.classes)
    if view.by_series:
        emit("each series (for information; all series vote together):")
        tally(view.by_series, "  ")
    if view.without_other_signatories:
        others = "; ".join(f"{v.holder} (signed by {v.signed_as})" for v in view.holders if v.signed_by_another)
        say(f"without the consents signed by someone other than the holder of record ({others}):")
        tally(view.without_other_signatories, "  ")
    emit_lines(render.record_notes(None, view.assumptions))


@app.command("guaranties")
def guaranties_command(
    ctx: typer.Context, agreement: AgreementKey, as_of: AsOf, fmt: Format2 = TextOrJson.text, known_at: KnownAt = None
) -> None:
    """The guaranties behind an agreement's notes on a date."""
    on = day(as_of)
    then = moment(known_at)
    with querying(ctx, fmt.value, known_at=then) as queries:
        view = queries.guaranties(agreement, on, then)
    if fmt is TextOrJson.json:
        emit_json(view)
        return
    if not view.guaranties:
        say(f"{agreement}: no guaranty on file stands behind the notes on {on}")
        return
    rows = [
        [g.guaranty, g.title, g.guarantor, g.delivered_on.isoformat(), "\n".join(g.covers), g.evidence]
        for g in view.guaranties
    ]
    header, rows = render.with_marks(["Guaranty", "Title", "Guarantor", "From", "Covers", "Evidence"], rows,
                                     [g.rests_on for g in view.guaranties])
    out.print(table(f"{agreement} guaranties as of {on}", header, rows))
    for g in view.guaranties:
        if len(g.descriptions) > 1:
            say(f"{g.guaranty}: the documents describe what it guaranties differently (both kept, neither chosen):")
        emit_lines([f"  {d.document} ({d.section}): {d.text}" for d in g.descriptions])
    emit_lines(render.record_notes(None, view.assumptions))
