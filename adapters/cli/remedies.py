"""For counsel and treasury: Events of Default and their remedies (acceleration, annulment, waivers).

Each is recorded like any entry: checked against the register of its date and the
agreement's terms (who may act, with what share of the principal), or refused
with the rule and section it breaks, nothing recorded.
"""

from typing import Annotated

import typer

from adapters.cli.common import AgreementKey, Format2, On, TextOrJson, app, event_of
from adapters.cli.recording import DryRun, EvidenceOption, RequestId, SectionOption, record
from adapters.settings import TREASURY_ENTRY

Holders = Annotated[list[str], typer.Option("--by", metavar="HOLDER", help="A holder acting (repeatable; full name or a unique part).")]
Curve = Annotated[str | None, typer.Option("--treasury-curve", metavar="CURVE", help='For a make-whole: "1y=1.25,2y=1.60,...".')]


@app.command("default")
def default_command(
    ctx: typer.Context,
    agreement: AgreementKey,
    on: On,
    clause: Annotated[str, typer.Option("--clause", metavar="CLAUSE", help='The clause defining it, e.g. "9.1(c)".')],
    description: Annotated[str, typer.Option("--description", metavar="TEXT", help="What happened.")],
    curve: Curve = None,
    evidence: EvidenceOption = TREASURY_ENTRY,
    section: SectionOption = None,
    request_id: RequestId = None,
    dry_run: DryRun = False,
    fmt: Format2 = TextOrJson.text,
) -> None:
    """Record an Event of Default. On a clause that accelerates automatically, the notes become due with it."""
    record(ctx, agreement, "EventOfDefaultEntry", on=on, evidence=evidence, section=section,
           request_id=request_id, fmt=fmt, dry_run=dry_run, clause=clause, description=description, treasury_curve=curve)


@app.command()
def accelerate(
    ctx: typer.Context,
    agreement: AgreementKey,
    on: On,
    by: Holders,
    default: Annotated[str | None, typer.Option("--default", metavar="EVENT", help="The Event of Default, as history shows it (barnes-1995:12) or by its number (default: the latest).")] = None,
    curve: Curve = None,
    evidence: EvidenceOption = TREASURY_ENTRY,
    section: SectionOption = None,
    request_id: RequestId = None,
    dry_run: DryRun = False,
    fmt: Format2 = TextOrJson.text,
) -> None:
    """Record holders declaring the notes due on a default. On a continuing Event of Default, tallied against the
    agreement's share."""
    record(ctx, agreement, "AccelerationEntry", on=on, evidence=evidence, section=section,
           request_id=request_id, fmt=fmt, dry_run=dry_run, declared_by=by, treasury_curve=curve,
           default=None if default is None else event_of(agreement, default, "--default"))


@app.command()
def rescind(
    ctx: typer.Context,
    agreement: AgreementKey,
    on: On,
    by: Holders,
    acceleration: Annotated[str | None, typer.Option("--acceleration", metavar="EVENT", help="The acceleration, as history shows it (barnes-1995:13) or by its number (default: the latest).")] = None,
    evidence: EvidenceOption = TREASURY_ENTRY,
    section: SectionOption = None,
    request_id: RequestId = None,
    dry_run: DryRun = False,
    fmt: Format2 = TextOrJson.text,
) -> None:
    """Record holders annulling a declaration of acceleration."""
    record(ctx, agreement, "RescissionEntry", on=on, evidence=evidence, section=section,
           request_id=request_id, fmt=fmt, dry_run=dry_run, declared_by=by,
           acceleration=None if acceleration is None else event_of(agreement, acceleration, "--acceleration"))


@app.command()
def waive(
    ctx: typer.Context,
    agreement: AgreementKey,
    on: On,
    provision: Annotated[list[str], typer.Option("--provision", metavar="SECTION", help="A section waived (repeatable).")],
    by: Holders,
    default: Annotated[list[str] | None, typer.Option("--default", metavar="EVENT", help="An Event of Default it ends, as history shows it or by its number (repeatable).")] = None,
    payment_terms: Annotated[bool, typer.Option("--payment-terms", help="It changes the amount or time of a payment, or a rate.")] = False,
    evidence: EvidenceOption = TREASURY_ENTRY,
    section: SectionOption = None,
    request_id: RequestId = None,
    dry_run: DryRun = False,
    fmt: Format2 = TextOrJson.text,
) -> None:
    """Record a waiver by holders. Checked against the consent the provisions waived need."""
    record(ctx, agreement, "WaiverEntry", on=on, evidence=evidence, section=section,
           request_id=request_id, fmt=fmt, dry_run=dry_run, provisions=provision, given_by=by,
           defaults=[event_of(agreement, given, "--default") for given in default or ()],
           payment_terms=payment_terms)
