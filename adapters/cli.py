"""The ``debtreg`` command.

Views take ``--as-of`` and print text tables, JSON or CSV; recording commands
check the entry against the agreement's whole timeline and either record it or
refuse it with the rule and section it breaks, exit status 1, and nothing
recorded. The database is ``--db URL``, else ``$DEBTREG_DATABASE_URL``, else
the SQLite file ``debtreg.sqlite`` in the working directory.
"""

from __future__ import annotations

import getpass
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from enum import Enum
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Annotated, Any
from uuid import uuid4

import typer
from eventsourcing.persistence import PersistenceError
from pydantic import ValidationError
from rich.console import Console
from rich.progress import Progress
from rich.table import Table
from sqlalchemy.exc import SQLAlchemyError

from adapters import render
from adapters.audit import Digest
from adapters.calendar import BusinessCalendar
from adapters.entries import (
    CancellationEntry,
    ConsentEntry,
    EntryIn,
    EvidenceIn,
    InterestEntry,
    MaturityEntry,
    PrepaymentEntry,
    ReversalEntry,
    TransferEntry,
)
from adapters.journal import load as load_journals
from adapters.registry import Registry, Staged
from adapters.store import URL_VARIABLE, database_url
from domain.consent import format_share
from domain.errors import InvalidCommand, RegistryError
from domain.money import format_amount
from domain.values import TREASURY_ENTRY
from projections.amendments import amendment_state, amendments
from projections.guaranties import guaranties_as_of
from projections.history import history
from projections.payments import accrued_as_of, overdue, payments
from projections.register import outstanding_as_of, register_as_of
from projections.text import redline, text_as_of

app = typer.Typer(
    name="debtreg",
    help="An event-sourced registry of privately placed notes: registers, Annex 1 and history as of any date.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

out = Console(highlight=False, soft_wrap=False, width=None if sys.stdout.isatty() else 160)
err = Console(stderr=True, highlight=False)


class TextOrJson(str, Enum):
    text = "text"
    json = "json"


class TextJsonOrCsv(str, Enum):
    text = "text"
    json = "json"
    csv = "csv"


class By(str, Enum):
    note = "note"
    holder = "holder"


class Kind(str, Enum):
    required = "required"
    optional = "optional"


@dataclass(frozen=True)
class Settings:
    db: str | None


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date; write it as YYYY-MM-DD") from None


def _moment(value: str | None) -> datetime | None:
    """``--known-at``: an ISO time (UTC unless it says otherwise), or a date meaning the end of that day."""
    if value is None:
        return None
    try:
        if len(value.strip()) == 10:
            return datetime.combine(date.fromisoformat(value), time.max, tzinfo=timezone.utc)
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a time; write it as 2026-11-22T10:30:00Z or 2026-11-22") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _version(value: bool) -> None:
    if value:
        try:
            typer.echo(f"debtreg {version('debtreg')}")
        except PackageNotFoundError:
            typer.echo("debtreg (not installed)")
        raise typer.Exit()


Agreement = Annotated[
    str, typer.Argument(metavar="AGREEMENT", help="Agreement id, e.g. barnes-1995 (see `debtreg agreements`).")
]
AsOf = Annotated[str, typer.Option("--as-of", metavar="DATE", help="The business date to show, YYYY-MM-DD.")]
KnownAt = Annotated[
    str | None,
    typer.Option("--known-at", metavar="TIME", help="Show what the registry knew then: only entries recorded by this time (UTC)."),
]
Format3 = Annotated[TextJsonOrCsv, typer.Option("--format", help="text, json or csv.")]
Format2 = Annotated[TextOrJson, typer.Option("--format", help="text or json.")]
On = Annotated[str, typer.Option("--date", metavar="DATE", help="The date it takes effect, YYYY-MM-DD.")]
Series = Annotated[str | None, typer.Option("--series", metavar="SERIES", help="Series, e.g. 7.66% (not needed when there is one).")]
Evidence = Annotated[
    str, typer.Option("--evidence", metavar="DOCUMENT", help="The document that backs this entry.", show_default=True)
]
Section = Annotated[str | None, typer.Option("--section", metavar="SECTION", help="Section or page of that document.")]
RecordedBy = Annotated[
    str | None,
    typer.Option("--recorded-by", metavar="NAME", envvar="DEBTREG_ACTOR", help="Who records this (default: your user name)."),
]
RequestId = Annotated[
    str | None,
    typer.Option("--request-id", metavar="ID", help="An id for this request: repeating it records nothing twice."),
]


@app.callback()
def main(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option("--db", metavar="URL", envvar=URL_VARIABLE, help="Database URL (sqlite:///file or postgresql://...)."),
    ] = None,
    _: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")] = False,
) -> None:
    ctx.obj = Settings(db=db)


@contextmanager
def opened(ctx: typer.Context, fmt: str = "text") -> Iterator[Registry]:
    """The registry, closed afterwards; refusals and database faults become messages."""
    registry: Registry | None = None
    try:
        registry = Registry(ctx.obj.db)
        yield registry
    except RegistryError as error:
        _refuse(error, fmt)
    except (SQLAlchemyError, PersistenceError) as error:
        typer.echo(f"debtreg: cannot use the database {database_url(ctx.obj.db)}: {error}", err=True)
        raise typer.Exit(2) from None
    finally:
        if registry is not None:
            registry.close()


def _refuse(error: RegistryError, fmt: str) -> None:
    if fmt == "json":
        _print(
            render.to_json(
                {"error": {"type": type(error).__name__, "rule": error.rule, "message": error.message, "section": error.section}}
            )
        )
    typer.echo(f"debtreg: refused: {error}\nrule: {error.rule}", err=True)
    raise typer.Exit(1)


def _table(title: str, header: Sequence[str], rows: Sequence[Sequence[str]], numeric: Sequence[int] = ()) -> Table:
    table = Table(title=title, title_justify="left", show_lines=False)
    for index, name in enumerate(header):
        table.add_column(name, justify="right" if index in numeric else "left", overflow="fold")
    for row in rows:
        table.add_row(*row)
    return table


def _print(text: str) -> None:
    typer.echo(text)


# --------------------------------------------------------------------- views


@app.command()
def agreements(ctx: typer.Context, fmt: Format2 = TextOrJson.text) -> None:
    """List the agreements on the registry."""
    with opened(ctx, fmt.value) as registry:
        registered = registry.agreements()
    if fmt is TextOrJson.json:
        _print(
            render.to_json(
                [
                    {
                        "agreement": r.terms.key,
                        "title": r.terms.title,
                        "issuer": r.terms.issuer,
                        "guarantors": list(r.terms.guarantors),
                        "dated_as_of": r.terms.dated_as_of,
                        "series": [
                            {"series": s.key, "title": s.title, "principal": render.amount(s.principal),
                             "rate_percent": str(s.rate_percent), "maturity": s.maturity,
                             "overdue_rate": list(s.overdue_rate) or None}
                            for s in r.terms.series
                        ],
                    }
                    for r in registered
                ]
            )
        )
        return
    rows = [
        [
            r.terms.key,
            r.terms.issuer,
            r.terms.title,
            r.terms.dated_as_of.isoformat(),
            "\n".join(f"${format_amount(s.principal)} {s.title}" for s in r.terms.series),
        ]
        for r in registered
    ]
    out.print(_table("Agreements", ["Agreement", "Issuer", "Title", "Dated as of", "Series"], rows))


@app.command()
def register(
    ctx: typer.Context,
    agreement: Agreement,
    as_of: AsOf,
    by: Annotated[By, typer.Option("--by", help="One line per note or per holder.")] = By.note,
    fmt: Format3 = TextJsonOrCsv.text,
    known_at: KnownAt = None,
) -> None:
    """Who held which notes on a date."""
    day, moment = _day(as_of), _moment(known_at)
    with opened(ctx, fmt.value) as registry:
        view = register_as_of(agreement, registry.events_of(agreement), day, moment)
    if fmt is TextJsonOrCsv.json:
        _print(render.to_json(render.register_json(view, by.value)))
    elif fmt is TextJsonOrCsv.csv:
        _print(render.register_csv(view, by.value).rstrip("\n"))
    elif view.not_on_file:
        _print(f"{agreement} register as of {day}: {view.not_on_file}")
    else:
        header, rows = render.register_rows(view, by.value)
        numeric = [4] if by is By.note else list(range(1, len(view.series) + 1))
        out.print(_table(f"{agreement} register as of {day}, by {by.value}", header, rows, numeric))


@app.command()
def outstanding(
    ctx: typer.Context, agreement: Agreement, as_of: AsOf, fmt: Format2 = TextOrJson.text, known_at: KnownAt = None
) -> None:
    """Principal outstanding per series on a date, with the events that make it up."""
    day, moment = _day(as_of), _moment(known_at)
    with opened(ctx, fmt.value) as registry:
        lines = outstanding_as_of(registry.events_of(agreement), day, moment)
    if fmt is TextOrJson.json:
        _print(render.to_json(render.outstanding_json(agreement, day, lines)))
        return
    rows = []
    for line in lines:
        if line.not_on_file:
            rows.append([line.series.key, line.not_on_file, "", "", ""])
            continue
        for m in line.movements:
            sign = "" if m.kind in ("issued", "opened") else "-"
            rows.append([line.series.key, m.kind, f"{agreement}:{m.ref}", m.on.isoformat(), sign + format_amount(m.amount)])
        paid = f" (paid off {line.paid_off_on})" if line.paid_off_on else ""
        rows.append([line.series.key, f"outstanding{paid}", "", day.isoformat(), format_amount(line.outstanding or 0)])
    out.print(_table(f"{agreement} principal outstanding as of {day}", ["Series", "Movement", "Event", "Date", "Amount"], rows, [4]))


@app.command()
def annex1(
    ctx: typer.Context, agreement: Agreement, as_of: AsOf, fmt: Format3 = TextJsonOrCsv.text, known_at: KnownAt = None
) -> None:
    """Annex 1, the schedule of current noteholders, as of a date."""
    day, moment = _day(as_of), _moment(known_at)
    with opened(ctx, fmt.value) as registry:
        view = register_as_of(agreement, registry.events_of(agreement), day, moment)
    if fmt is TextJsonOrCsv.json:
        _print(render.to_json(render.annex1_json(view)))
    elif fmt is TextJsonOrCsv.csv:
        _print(render.annex1_csv(view).rstrip("\n"))
    else:
        _print(render.annex1_text(view))


@app.command("history")
def history_command(
    ctx: typer.Context, agreement: Agreement, fmt: Format2 = TextOrJson.text, known_at: KnownAt = None
) -> None:
    """Every event of an agreement (or guaranty or instrument): when it took effect, when and by whom
    it was recorded, on what evidence."""
    with opened(ctx, fmt.value) as registry:
        lines = history(agreement, list(registry.stream(agreement).history), _moment(known_at))
    if fmt is TextOrJson.json:
        _print(render.to_json(render.history_json(lines)))
        return
    rows = [
        [
            line.ref,
            line.effective_on.isoformat()
            + ("\nbackdated" if line.backdated else "")
            + (f"\nREVERSED by {line.reversed_by}" if line.reversed_by else ""),
            line.recorded_at.strftime("%Y-%m-%d %H:%M:%S UTC") + f"\n{line.recorded_by}",
            line.summary,
            line.evidence + "".join(f"\nassumed {a.fact}: {a.reason}" for a in line.assumptions),
        ]
        for line in lines
    ]
    out.print(_table(f"{agreement} history", ["Event", "Effective", "Recorded", "What", "Evidence"], rows))


@app.command("text")
def text_command(
    ctx: typer.Context,
    agreement: Agreement,
    as_of: AsOf,
    section: Annotated[str | None, typer.Option("--section", metavar="REF", help='A section, clause or defined term: 7.7, 7.14(d), "Kar Guaranty", Exhibit A.')] = None,
    fmt: Format2 = TextOrJson.text,
    known_at: KnownAt = None,
) -> None:
    """The agreement's text as of a date, each amended provision marked with its amendment."""
    day, moment = _day(as_of), _moment(known_at)
    with opened(ctx, fmt.value) as registry:
        registry.agreement(agreement)
        streams = registry.streams()
        states = amendments(agreement, streams, moment)
        view = text_as_of(agreement, streams[f"agreement/{agreement}"], day, states, moment)
        provisions = [view.section(section)] if section else list(view.provisions)
    if fmt is TextOrJson.json:
        _print(render.to_json(render.text_json(view, provisions)))
    else:
        _print(render.text_text(view, provisions))


class RedlineFormat(str, Enum):
    text = "text"
    html = "html"


@app.command("redline")
def redline_command(
    ctx: typer.Context,
    agreement: Agreement,
    start: Annotated[str, typer.Option("--from", metavar="DATE", help="The earlier date.")],
    end: Annotated[str, typer.Option("--to", metavar="DATE", help="The later date.")],
    section: Annotated[str | None, typer.Option("--section", metavar="REF", help="Compare one provision only.")] = None,
    fmt: Annotated[RedlineFormat, typer.Option("--format", help="text ([-deleted-] {+inserted+}) or html.")] = RedlineFormat.text,
    known_at: KnownAt = None,
) -> None:
    """Word-level changes to the text between two dates, as a conformed copy shows them."""
    first, second, moment = _day(start), _day(end), _moment(known_at)
    with opened(ctx) as registry:
        registry.agreement(agreement)
        streams = registry.streams()
        states = amendments(agreement, streams, moment)
        events = streams[f"agreement/{agreement}"]
        differences = redline(
            text_as_of(agreement, events, first, states, moment),
            text_as_of(agreement, events, second, states, moment),
            section,
        )
    if fmt is RedlineFormat.html:
        _print(render.redline_html(agreement, first, second, differences))
    else:
        _print(render.redline_text(agreement, first, second, differences))


@app.command("amendments")
def amendments_command(
    ctx: typer.Context, agreement: Agreement, fmt: Format2 = TextOrJson.text, known_at: KnownAt = None
) -> None:
    """Each amendment with its status (pending, effective as of, failed) and the reason."""
    with opened(ctx, fmt.value) as registry:
        registry.agreement(agreement)
        states = amendments(agreement, registry.streams(), _moment(known_at))
    if fmt is TextOrJson.json:
        _print(render.to_json(render.amendments_json(states)))
        return
    rows = []
    for state in states:
        label = f"effective as of {state.as_of}" if state.status == "effective" else state.status
        detail = [state.reason]
        detail += [f"{'met' if c.met else 'NOT met'} {c.condition.section}: {c.how}" for c in state.conditions]
        rows.append([str(state.number), state.name, state.as_of.isoformat(), label, "\n".join(detail)])
    out.print(_table(f"{agreement} amendments", ["No.", "Amendment", "As of", "Status", "Why"], rows))


@app.command("consents")
def consents_command(
    ctx: typer.Context,
    agreement: Agreement,
    amendment: Annotated[int, typer.Argument(metavar="AMENDMENT", help="The amendment's number.")],
    fmt: Format2 = TextOrJson.text,
    known_at: KnownAt = None,
) -> None:
    """Who consented to an amendment, with what principal, against which threshold."""
    with opened(ctx, fmt.value) as registry:
        registry.agreement(agreement).amendment(amendment)
        state = amendment_state(agreement, amendment, registry.streams(), _moment(known_at))
    assert state.tally is not None
    tally = state.tally
    if fmt is TextOrJson.json:
        _print(render.to_json({"agreement": agreement, "amendment": amendment, "name": state.name,
                               "as_of": state.as_of.isoformat(), **render.tally_json(tally)}))
        return
    series = sorted({k for v in tally.votes for k in v.principal})
    rows = [
        [
            v.holder,
            *(format_amount(v.principal[k]) if k in v.principal else "n/a" for k in series),
            "excluded (Company or affiliate)" if v.excluded else "yes" if v.consented else "no",
        ]
        for v in tally.votes
    ]
    out.print(_table(f"{state.name} ({agreement}), register as of {state.as_of}", ["Holder", *series, "Consented"], rows, list(range(1, len(series) + 1))))
    for c in tally.classes:
        verdict = "met" if c.voting and c.share >= tally.required else "NOT met"
        _print(
            f"{c.name}: ${format_amount(c.consenting)} of ${format_amount(c.voting)} consented"
            f" ({format_share(c.share)}); threshold {tally.threshold}: {verdict}"
        )


@app.command("guaranties")
def guaranties_command(
    ctx: typer.Context, agreement: Agreement, as_of: AsOf, fmt: Format2 = TextOrJson.text, known_at: KnownAt = None
) -> None:
    """The guaranties standing behind an agreement's notes on a date."""
    day, moment = _day(as_of), _moment(known_at)
    with opened(ctx, fmt.value) as registry:
        registry.agreement(agreement)
        lines = guaranties_as_of(agreement, registry.streams(), day, moment)
    if fmt is TextOrJson.json:
        _print(render.to_json(render.guaranties_json(agreement, day, lines)))
        return
    if not lines:
        _print(f"{agreement}: no guaranty on file stands behind the notes on {day}")
        return
    rows = [
        [g.key, g.title, g.guarantor, g.delivered_on.isoformat(), "\n".join(g.covers), g.evidence]
        for g in lines
    ]
    out.print(_table(f"{agreement} guaranties as of {day}", ["Guaranty", "Title", "Guarantor", "From", "Covers", "Evidence"], rows))


@app.command("schedule")
def schedule_command(
    ctx: typer.Context,
    agreement: Agreement,
    series: Series = None,
    as_of: Annotated[str | None, typer.Option("--as-of", metavar="DATE", help="Status as of this date (default today).")] = None,
    fmt: Format2 = TextOrJson.text,
    known_at: KnownAt = None,
) -> None:
    """Every scheduled payment (interest, required prepayments, maturity), paid or not, from the terms."""
    day = _day(as_of) if as_of else date.today()
    with opened(ctx, fmt.value) as registry:
        stream = registry.agreement(agreement)
        key = stream.series_key(series) if series else None
        lines, gaps = payments(
            agreement, list(stream.history), as_of=day, calendar=BusinessCalendar(), series=key, known_at=_moment(known_at)
        )
    if fmt is TextOrJson.json:
        _print(render.to_json(render.payments_json(agreement, day, lines, gaps)))
        return
    for gap in gaps:
        _print(f"not on file: {gap}")
    if lines:
        out.print(_table(f"{agreement} payment schedule, status as of {day}", *render.payment_rows(lines), numeric=[3, 4]))
    for terms in stream.terms.series:
        if len(terms.overdue_rate) > 1:
            _print(f"overdue amounts ({terms.key}): the documents disagree, and debtreg computes no overdue interest:")
            for reading in terms.overdue_rate:
                _print(f"  - {reading}")


@app.command()
def accrued(
    ctx: typer.Context,
    agreement: Agreement,
    as_of: AsOf,
    by: Annotated[By, typer.Option("--by", help="One line per note or per holder.")] = By.note,
    fmt: Format2 = TextOrJson.text,
    known_at: KnownAt = None,
) -> None:
    """Interest accrued since the last interest date, per note or per holder (30/360)."""
    day = _day(as_of)
    with opened(ctx, fmt.value) as registry:
        lines = accrued_as_of(registry.events_of(agreement), day, _moment(known_at))
    if fmt is TextOrJson.json:
        _print(render.to_json(render.accrued_json(agreement, day, lines, by.value)))
        return
    header, rows = render.accrued_rows(lines, by.value)
    out.print(_table(f"{agreement} accrued interest as of {day}, by {by.value}", header, rows, numeric=[len(header) - 1, len(header) - 3]))


@app.command()
def status(
    ctx: typer.Context, agreement: Agreement, as_of: AsOf, fmt: Format2 = TextOrJson.text, known_at: KnownAt = None
) -> None:
    """Outstanding principal, the next payments and anything overdue, as of a date."""
    day, moment = _day(as_of), _moment(known_at)
    with opened(ctx, fmt.value) as registry:
        events = registry.events_of(agreement)
        owed = outstanding_as_of(events, day, moment)
        lines, gaps = payments(agreement, events, as_of=day, calendar=BusinessCalendar(), known_at=moment)
    late = overdue(lines)
    upcoming = [p for p in lines if p.status == "scheduled"][:3]
    if fmt is TextOrJson.json:
        _print(render.to_json(render.status_json(agreement, day, owed, upcoming, late, gaps)))
        return
    for line in owed:
        shown = line.not_on_file or f"${format_amount(line.outstanding or 0)} outstanding"
        _print(f"{agreement} {line.series.key}: {shown}" + (f" (paid off {line.paid_off_on})" if line.paid_off_on else ""))
    for gap in gaps:
        _print(f"not on file: {gap}")
    if late:
        out.print(_table(f"Overdue as of {day}", *render.payment_rows(late), numeric=[3, 4]))
    else:
        _print(f"nothing overdue as of {day}" + (" (for the series whose schedule is on file)" if gaps else ""))
    if upcoming:
        out.print(_table("Next payments", *render.payment_rows(upcoming), numeric=[3, 4]))


@app.command("makewhole")
def makewhole_command(
    ctx: typer.Context,
    agreement: Agreement,
    on: On,
    amount: Annotated[str, typer.Option("--amount", metavar="AMOUNT", help="Principal to prepay, in multiples of $1,000,000.")],
    curve: Annotated[str, typer.Option("--treasury-curve", metavar="CURVE", help='Treasury yields by remaining life, e.g. "1y=1.25,2y=1.60,3y=2.10".')],
    series: Series = None,
    fmt: Format2 = TextOrJson.text,
) -> None:
    """Quote an optional prepayment at the Makewhole Price (Sections 5.2, 10.1), step by step; records nothing."""
    with opened(ctx, fmt.value) as registry:
        try:
            quote_input = PrepaymentEntry.model_validate(
                {"type": "prepayment", "kind": "optional", "effective_on": on, "evidence": {"document": "quote"},
                 "amount": amount, "series": series, "treasury_curve": curve}
            )
        except ValidationError as error:
            raise _invalid(error) from None
        quote = registry.agreement(agreement).makewhole(
            on=quote_input.effective_on, amount=quote_input.amount, curve=quote_input.treasury_curve, series=series
        )
    if fmt is TextOrJson.json:
        _print(render.to_json(render.makewhole_json(agreement, quote)))
    else:
        _print(render.makewhole_text(agreement, quote))


# ----------------------------------------------------------------- recording


def _record(
    ctx: typer.Context,
    key: str,
    build: Any,
    *,
    on: str | None,
    evidence: str,
    section: str | None,
    recorded_by: str | None,
    request_id: str | None,
    fmt: TextOrJson,
    **given: Any,
) -> None:
    """Validate a command as the journal entry it amounts to, record it, and say what was recorded.

    Without ``--request-id`` the command gets an id of its own, so that every
    entry's events can be named (and reversed) together.
    """
    kind = build.model_fields["type"].annotation.__args__[0]
    fields = {"type": kind, "effective_on": on, "evidence": _evidence(evidence, section), **given}
    with opened(ctx, fmt.value) as registry:
        try:
            entry: EntryIn = build.model_validate({k: v for k, v in fields.items() if v is not None})
        except ValidationError as error:
            raise _invalid(error) from None
        staged = registry.execute(
            key, entry, recorded_by=recorded_by or _actor(), entry_key=request_id or f"cli/{uuid4().hex}"
        )
    events = staged.events or staged.earlier
    lines = [(f"{key}:{e.originator_version}", e.summary()) for e in events]
    if fmt is TextOrJson.json:
        data = {"recorded": [] if staged.earlier else [{"event": r, "summary": s} for r, s in lines]}
        data["already_recorded"] = [{"event": r, "summary": s} for r, s in lines] if staged.earlier else []
        _print(render.to_json(data))
        return
    for ref, summary in lines:
        _print(f"already recorded (request {request_id!r}), nothing new: {ref}: {summary}" if staged.earlier else f"recorded {ref}: {summary}")


def _invalid(error: ValidationError) -> InvalidCommand:
    first = error.errors()[0]
    name = str(first["loc"][-1]) if first["loc"] else "input"
    return InvalidCommand(f"{name}: {str(first['msg']).removeprefix('Value error, ')}")


def _actor() -> str:
    return os.environ.get("DEBTREG_ACTOR") or getpass.getuser()


def _evidence(document: str, section: str | None) -> dict[str, Any]:
    return EvidenceIn(document=document, section=section).model_dump()


@app.command()
def transfer(
    ctx: typer.Context,
    agreement: Agreement,
    on: On,
    transferor: Annotated[str, typer.Option("--from", metavar="HOLDER", help="The holder giving notes (full name or a unique part).")],
    transferee: Annotated[str, typer.Option("--to", metavar="HOLDER", help="The holder receiving them.")],
    amount: Annotated[str, typer.Option("--amount", metavar="AMOUNT", help="Principal to transfer, e.g. 1,000,000.")],
    series: Series = None,
    note: Annotated[int | None, typer.Option("--note", metavar="NUMBER", help="Surrender this note only.")] = None,
    registered_name: Annotated[str | None, typer.Option("--registered-name", metavar="NAME", help="Name to register the new note in.")] = None,
    evidence: Evidence = TREASURY_ENTRY,
    section: Section = None,
    recorded_by: RecordedBy = None,
    request_id: RequestId = None,
    fmt: Format2 = TextOrJson.text,
) -> None:
    """Record a transfer: notes surrendered, new ones issued to the transferee (Section 6.2)."""
    given = {"from": transferor, "to": transferee, "amount": amount, "series": series, "note": note}
    _record(ctx, agreement, TransferEntry, on=on, evidence=evidence, section=section, recorded_by=recorded_by,
            request_id=request_id, fmt=fmt, registered_name=registered_name, **given)


@app.command()
def prepay(
    ctx: typer.Context,
    agreement: Agreement,
    on: On,
    amount: Annotated[str, typer.Option("--amount", metavar="AMOUNT", help="Principal prepaid, e.g. 6,250,000.")],
    kind: Annotated[Kind, typer.Option("--kind", help="required (Section 5.1) or optional (5.2).")],
    series: Series = None,
    curve: Annotated[str | None, typer.Option("--treasury-curve", metavar="CURVE", help='For an optional prepayment with a make-whole: "1y=1.25,2y=1.60,...".')] = None,
    evidence: Evidence = TREASURY_ENTRY,
    section: Section = None,
    recorded_by: RecordedBy = None,
    request_id: RequestId = None,
    fmt: Format2 = TextOrJson.text,
) -> None:
    """Record a prepayment, allocated pro rata to the notes' unpaid principal (Section 5.4)."""
    _record(ctx, agreement, PrepaymentEntry, on=on, evidence=evidence, section=section, recorded_by=recorded_by,
            request_id=request_id, fmt=fmt, amount=amount, kind=kind.value, series=series, treasury_curve=curve)


class PaymentKind(str, Enum):
    interest = "interest"
    required = "required"
    maturity = "maturity"


@app.command()
def pay(
    ctx: typer.Context,
    agreement: Agreement,
    on: On,
    kind: Annotated[PaymentKind, typer.Option("--kind", help="interest (1.1), required prepayment (5.1) or maturity.")],
    amount: Annotated[str | None, typer.Option("--amount", metavar="AMOUNT", help="Checked against what is due; computed if left out.")] = None,
    due: Annotated[str | None, typer.Option("--due", metavar="DATE", help="For interest: the coupon date paid (default: the earliest unpaid).")] = None,
    series: Series = None,
    evidence: Evidence = TREASURY_ENTRY,
    section: Section = None,
    recorded_by: RecordedBy = None,
    request_id: RequestId = None,
    fmt: Format2 = TextOrJson.text,
) -> None:
    """Record a scheduled payment, allocated to the holders of record pro rata (Section 5.4)."""
    common = {"on": on, "evidence": evidence, "section": section, "recorded_by": recorded_by,
              "request_id": request_id, "fmt": fmt, "amount": amount, "series": series}
    if kind is PaymentKind.interest:
        _record(ctx, agreement, InterestEntry, due_on=due, **common)
    elif kind is PaymentKind.required:
        _record(ctx, agreement, PrepaymentEntry, kind="required", **common)
    else:
        _record(ctx, agreement, MaturityEntry, **common)


@app.command()
def cancel(
    ctx: typer.Context,
    agreement: Agreement,
    on: On,
    note: Annotated[int, typer.Option("--note", metavar="NUMBER", help="The note the Company acquired.")],
    evidence: Evidence = TREASURY_ENTRY,
    section: Section = None,
    recorded_by: RecordedBy = None,
    request_id: RequestId = None,
    fmt: Format2 = TextOrJson.text,
) -> None:
    """Record a note the Company acquired, cancelled and not reissued (Section 7.12)."""
    _record(ctx, agreement, CancellationEntry, on=on, evidence=evidence, section=section, recorded_by=recorded_by,
            request_id=request_id, fmt=fmt, note=note)


@app.command()
def consent(
    ctx: typer.Context,
    agreement: Agreement,
    amendment: Annotated[int, typer.Argument(metavar="AMENDMENT", help="The amendment's number.")],
    holder: Annotated[str, typer.Option("--holder", metavar="HOLDER", help="The consenting holder (full name or a unique part).")],
    on: On,
    signed_as: Annotated[str | None, typer.Option("--signed-as", metavar="NAME", help="The name on the signature page, if different.")] = None,
    evidence: Evidence = TREASURY_ENTRY,
    section: Section = None,
    recorded_by: RecordedBy = None,
    request_id: RequestId = None,
    fmt: Format2 = TextOrJson.text,
) -> None:
    """Record a holder's written consent to an amendment (Section 11.5)."""
    _record(ctx, agreement, ConsentEntry, on=on, evidence=evidence, section=section, recorded_by=recorded_by,
            request_id=request_id, fmt=fmt, amendment=amendment, holder=holder, signed_as=signed_as)


@app.command()
def load(
    ctx: typer.Context,
    paths: Annotated[list[Path], typer.Argument(metavar="PATH...", help="Journal files, or directories of them.")],
    recorded_by: RecordedBy = None,
    fmt: Format2 = TextOrJson.text,
) -> None:
    """Load journals: every entry is checked before any is recorded; entries on file already are skipped."""
    with opened(ctx, fmt.value) as registry, Progress(console=err, transient=True, disable=not sys.stderr.isatty()) as bar:

        def progress(total: int) -> Callable[[Staged], None]:
            task = bar.add_task("recording", total=total)
            return lambda _: bar.advance(task)

        staged = load_journals(registry, paths, recorded_by or _actor(), progress)
    summary = _load_summary(staged)
    if fmt is TextOrJson.json:
        _print(render.to_json(summary))
        return
    rows = [
        [s["journal"], s["agreement"], str(s["entries"]), str(s["recorded"]), str(s["on_file"]), str(s["events"])]
        for s in summary
    ]
    out.print(_table("Journals loaded", ["Journal", "Key", "Entries", "Recorded", "Already on file", "Events"], rows, [2, 3, 4, 5]))


def _load_summary(staged: Sequence[Staged]) -> list[dict[str, Any]]:
    by_source: dict[str, dict[str, Any]] = {}
    for item in staged:
        journal = (item.provenance.source or "").rsplit(":", 1)[0]
        line = by_source.setdefault(
            journal, {"journal": journal, "agreement": item.key, "entries": 0, "recorded": 0, "on_file": 0, "events": 0}
        )
        line["entries"] += 1
        line["recorded" if item.events else "on_file"] += 1
        line["events"] += len(item.events)
    return list(by_source.values())


@app.command()
def reverse(
    ctx: typer.Context,
    event: Annotated[str, typer.Argument(metavar="EVENT_ID", help="An event, as history shows it: barnes-1995:12.")],
    reason: Annotated[str, typer.Option("--reason", metavar="TEXT", help="Why the entry was wrong.")],
    evidence: Evidence = TREASURY_ENTRY,
    section: Section = None,
    recorded_by: RecordedBy = None,
    request_id: RequestId = None,
    fmt: Format2 = TextOrJson.text,
) -> None:
    """Reverse an entry recorded in error: it stays in the history, and views from now on leave it out.

    All events of the entry go together. Refused if what was recorded after it depends on it.
    """
    key, _, position = event.rpartition(":")
    if not key or not position.isdigit():
        raise typer.BadParameter(f"{event!r} is not an event id; history shows them as barnes-1995:12")
    with opened(ctx, fmt.value) as registry:
        kind = registry.kind_of(key)
    _record(ctx, key, ReversalEntry, on=None, evidence=evidence, section=section, recorded_by=recorded_by,
            request_id=request_id, fmt=fmt, target=int(position), reason=reason, of=kind)


@app.command("verify")
def verify_command(
    ctx: typer.Context,
    digest: Annotated[str | None, typer.Option("--digest", metavar="DIGEST", help="A digest kept earlier: the log must extend it.")] = None,
    fmt: Format2 = TextOrJson.text,
) -> None:
    """Recompute the hash chain of the whole log; report the first event that does not match."""
    with opened(ctx, fmt.value) as registry:
        result = registry.verify(Digest.parse(digest) if digest else None)
    if fmt is TextOrJson.json:
        _print(render.to_json({"intact": result.intact, "events": result.events, "problem": result.problem,
                               "digest": str(result.digest) if result.digest else None}))
    elif result.intact:
        _print(f"intact: {result.events} events chained" + (", extending the digest given" if digest else "")
               + (f"; digest now {result.digest}" if result.digest else ""))
    else:
        typer.echo(f"debtreg: NOT intact after {result.events} events: {result.problem}", err=True)
    if not result.intact:
        raise typer.Exit(1)


@app.command("digest")
def digest_command(ctx: typer.Context) -> None:
    """Print the digest of the log as it stands, for an auditor to keep (after verifying it)."""
    with opened(ctx) as registry:
        result = registry.verify()
    if not result.intact:
        typer.echo(f"debtreg: the log is not intact, no digest: {result.problem}", err=True)
        raise typer.Exit(1)
    _print(str(result.digest) if result.digest else "the log is empty")


def run() -> None:
    app()
