"""For treasury: recording transfers, payments, cancellations, consents and reversals.

Each recording command is validated as the journal entry it amounts to, turned
into the same command a journal would give, and recorded by the application,
or refused with the rule and section it breaks (exit status 1, nothing recorded).
"""

from enum import Enum
from typing import Annotated, Any
from uuid import uuid4

import typer

from adapters.cli.common import (
    AgreementKey,
    Format2,
    On,
    Series,
    TextOrJson,
    app,
    emit_json,
    emit_lines,
    event_of,
    invalid,
    lazy,
    recording,
    say,
)
from adapters.moments import event_ref, given_text
from adapters.settings import TREASURY_ENTRY
from domain.errors import InvalidCommand

entries, queries, pydantic = lazy("adapters.entries"), lazy("adapters.queries"), lazy("pydantic")
render = lazy("adapters.render")

EvidenceOption = Annotated[
    str, typer.Option("--evidence", metavar="DOCUMENT", help="The document that backs this entry.", show_default=True)
]
SectionOption = Annotated[str | None, typer.Option("--section", metavar="SECTION", help="Section or page of that document.")]
RequestId = Annotated[
    str | None,
    typer.Option("--request-id", metavar="ID", help="An id for this request: repeating it records nothing twice."),
]
DryRun = Annotated[
    bool, typer.Option("--dry-run", help="Check the entry and show what it would record; record nothing (as `check` does a journal).")
]


class Kind(str, Enum):
    required = "required"
    optional = "optional"


class Reason(str, Enum):
    lost = "lost"
    stolen = "stolen"
    destroyed = "destroyed"
    mutilated = "mutilated"


class PaymentKind(str, Enum):
    interest = "interest"
    required = "required"
    maturity = "maturity"
    accelerated = "accelerated"


def record(
    ctx: typer.Context,
    key: str,
    model_name: str,
    *,
    on: str | None,
    evidence: str,
    section: str | None,
    request_id: str | None,
    fmt: TextOrJson,
    dry_run: bool = False,
    **given: Any,
) -> None:
    """Validate a command as the journal entry it amounts to, record it (or, ``dry_run``, decide it alone), and say
    what was recorded (or would be).

    Without ``--request-id`` the command gets an id of its own, so that every
    entry's events can be named (and reversed) together.
    """
    model = getattr(entries, model_name)
    kind = model.model_fields["type"].annotation.__args__[0]
    fields = {"type": kind, "effective_on": on, "evidence": {"document": evidence, "section": section}, **given}
    with recording(ctx, fmt.value, dry_run=dry_run) as registry:
        try:
            entry = model.model_validate({k: v for k, v in fields.items() if v is not None})
        except pydantic.ValidationError as error:
            raise invalid(error) from None
        if request_id is not None:
            request_id = given_text(request_id, "--request-id", "give an id, or leave the option out")
        if dry_run:
            staged = registry.preview(key, entry, request_id=request_id)
        else:
            staged = registry.record(key, entry, request_id=request_id or f"cli/{uuid4().hex}")
        naming = queries.Queries(registry).named_on  # a payment's payees as the register names them on its date
        result = queries.Previewed.of(staged, naming) if dry_run else queries.Recorded.of(staged, naming)
    if fmt is TextOrJson.json:
        emit_json(result)
        return
    done = (f"already recorded (request {request_id!r}), nothing new:" if staged.earlier
            else "would record" if dry_run else "recorded")
    for line in (result.would_record if dry_run else result.recorded) or result.already_recorded:
        say(f"{done} {line.event}: {line.summary}")  # fitted as prose: a transfer's says every note, 200 wide
        emit_lines(render.payee_lines(line))
    if dry_run:
        say("dry run: nothing was recorded")


@app.command()
def transfer(
    ctx: typer.Context,
    agreement: AgreementKey,
    on: On,
    transferor: Annotated[str, typer.Option("--from", metavar="HOLDER", help="The holder giving notes (full name or a unique part).")],
    transferee: Annotated[str, typer.Option("--to", metavar="HOLDER", help="The holder receiving them (on the registry, or new with --new-holder).")],
    amount: Annotated[str, typer.Option("--amount", metavar="AMOUNT", help="Principal to transfer, e.g. 1,000,000.")],
    new_holder: Annotated[bool, typer.Option("--new-holder", help="The transferee is new to the registry.")] = False,
    series: Series = None,
    note: Annotated[int | None, typer.Option("--note", metavar="NUMBER", help="Surrender this note only.")] = None,
    registered_name: Annotated[str | None, typer.Option("--registered-name", metavar="NAME", help="Name to register the new note in.")] = None,
    evidence: EvidenceOption = TREASURY_ENTRY,
    section: SectionOption = None,
    request_id: RequestId = None,
    dry_run: DryRun = False,
    fmt: Format2 = TextOrJson.text,
) -> None:
    """Record a transfer of notes from one holder to another. Notes surrendered, new ones issued to the transferee (the
    agreement's exchange of notes)."""
    given = {"from": transferor, "to": transferee, "amount": amount, "series": series, "note": note, "new_holder": new_holder}
    record(ctx, agreement, "TransferEntry", on=on, evidence=evidence, section=section,
           request_id=request_id, fmt=fmt, dry_run=dry_run, registered_name=registered_name, **given)


@app.command()
def prepay(
    ctx: typer.Context,
    agreement: AgreementKey,
    on: On,
    amount: Annotated[str, typer.Option("--amount", metavar="AMOUNT", help="Principal prepaid, e.g. 6,250,000.")],
    kind: Annotated[Kind, typer.Option("--kind", help="required (on the schedule) or optional.")],
    series: Series = None,
    curve: Annotated[str | None, typer.Option("--treasury-curve", metavar="CURVE", help='For an optional prepayment with a make-whole: "1y=1.25,2y=1.60,...".')] = None,
    evidence: EvidenceOption = TREASURY_ENTRY,
    section: SectionOption = None,
    request_id: RequestId = None,
    dry_run: DryRun = False,
    fmt: Format2 = TextOrJson.text,
) -> None:
    """Record a prepayment, allocated pro rata. To each note in proportion to its unpaid principal."""
    record(ctx, agreement, "PrepaymentEntry", on=on, evidence=evidence, section=section,
           request_id=request_id, fmt=fmt, dry_run=dry_run, amount=amount, kind=kind.value, series=series, treasury_curve=curve)


@app.command()
def pay(
    ctx: typer.Context,
    agreement: AgreementKey,
    on: On,
    kind: Annotated[PaymentKind, typer.Option("--kind", help="interest, a required prepayment, payment in full (maturity: every note at maturity, or before it the notes declared due), or the interest and premium an acceleration made due beside the principal (accelerated).")],
    amount: Annotated[str | None, typer.Option("--amount", metavar="AMOUNT", help="Checked against what is due; computed if left out.")] = None,
    due: Annotated[str | None, typer.Option("--due", metavar="DATE", help="For interest: the coupon date paid (default: the earliest unpaid).")] = None,
    series: Series = None,
    interest: Annotated[str | None, typer.Option("--interest", metavar="AMOUNT", help="For accelerated: the interest paid, at least what the acceleration made due.")] = None,
    premium: Annotated[str | None, typer.Option("--premium", metavar="AMOUNT", help="For accelerated: the make-whole premium it made due, if any.")] = None,
    acceleration: Annotated[str | None, typer.Option("--acceleration", metavar="EVENT", help="For accelerated: the acceleration, as history shows it or by its number (default: the latest in force not paid).")] = None,
    evidence: EvidenceOption = TREASURY_ENTRY,
    section: SectionOption = None,
    request_id: RequestId = None,
    dry_run: DryRun = False,
    fmt: Format2 = TextOrJson.text,
) -> None:
    """Record a scheduled payment of interest or principal. Allocated to the holders of record pro rata."""
    taken = {"--amount": amount, "--series": series, "--due": due, "--interest": interest, "--premium": premium,
             "--acceleration": acceleration}
    for option in [o for o, given in taken.items() if given is not None and o not in PAYMENT_OPTIONS[kind]]:
        raise typer.BadParameter(f"--kind {kind.value} does not take it; it takes {', '.join(PAYMENT_OPTIONS[kind])}",
                                 param_hint=option)
    if kind is PaymentKind.accelerated and interest is None:
        raise typer.BadParameter("--kind accelerated needs it: the interest paid, at least what the acceleration made due",
                                 param_hint="--interest")
    common = {"on": on, "evidence": evidence, "section": section, "request_id": request_id, "fmt": fmt, "dry_run": dry_run}
    if kind is PaymentKind.interest:
        record(ctx, agreement, "InterestEntry", due_on=due, amount=amount, series=series, **common)
    elif kind is PaymentKind.required:
        record(ctx, agreement, "PrepaymentEntry", kind="required", amount=amount, series=series, **common)
    elif kind is PaymentKind.maturity:
        record(ctx, agreement, "MaturityEntry", amount=amount, series=series, **common)
    else:
        record(ctx, agreement, "AccelerationPaymentEntry", interest=interest, premium=premium,
               acceleration=None if acceleration is None else event_of(agreement, acceleration, "--acceleration"), **common)


PAYMENT_OPTIONS = {
    PaymentKind.interest: ("--amount", "--due", "--series"),
    PaymentKind.required: ("--amount", "--series"),
    PaymentKind.maturity: ("--amount", "--series"),
    PaymentKind.accelerated: ("--interest", "--premium", "--acceleration"),
}


@app.command()
def notice(
    ctx: typer.Context,
    agreement: AgreementKey,
    on: On,
    prepay_on: Annotated[str, typer.Option("--prepay-on", metavar="DATE", help="The date fixed for the prepayment.")],
    amount: Annotated[str, typer.Option("--amount", metavar="AMOUNT", help="Principal to be prepaid.")],
    series: Series = None,
    evidence: EvidenceOption = TREASURY_ENTRY,
    section: SectionOption = None,
    request_id: RequestId = None,
    dry_run: DryRun = False,
    fmt: Format2 = TextOrJson.text,
) -> None:
    """Record notice of an optional prepayment to the holders. --date is the day it is given; the prepayment must
    follow it on the date and for the amount given."""
    record(ctx, agreement, "PrepaymentNoticeEntry", on=on, evidence=evidence, section=section,
           request_id=request_id, fmt=fmt, dry_run=dry_run, prepay_on=prepay_on, amount=amount, series=series)


@app.command("replace-note")
def replace_note(
    ctx: typer.Context,
    agreement: AgreementKey,
    on: On,
    note: Annotated[int, typer.Option("--note", metavar="NUMBER", help="The note replaced.")],
    reason: Annotated[Reason, typer.Option("--reason", help="lost, stolen, destroyed or mutilated.")],
    evidence: EvidenceOption = TREASURY_ENTRY,
    section: SectionOption = None,
    request_id: RequestId = None,
    dry_run: DryRun = False,
    fmt: Format2 = TextOrJson.text,
) -> None:
    """Record a new note of like tenor in place of another. For a note lost, stolen, destroyed or mutilated."""
    record(ctx, agreement, "NoteReplacementEntry", on=on, evidence=evidence, section=section,
           request_id=request_id, fmt=fmt, dry_run=dry_run, note=note, reason=reason.value)


@app.command()
def cancel(
    ctx: typer.Context,
    agreement: AgreementKey,
    on: On,
    note: Annotated[int, typer.Option("--note", metavar="NUMBER", help="The note the Company acquired.")],
    evidence: EvidenceOption = TREASURY_ENTRY,
    section: SectionOption = None,
    request_id: RequestId = None,
    dry_run: DryRun = False,
    fmt: Format2 = TextOrJson.text,
) -> None:
    """Record a note the Company acquired and cancelled. It is not reissued."""
    record(ctx, agreement, "CancellationEntry", on=on, evidence=evidence, section=section,
           request_id=request_id, fmt=fmt, dry_run=dry_run, note=note)


@app.command()
def consent(
    ctx: typer.Context,
    agreement: AgreementKey,
    amendment: Annotated[int, typer.Argument(metavar="AMENDMENT", help="The amendment's number.")],
    holder: Annotated[str, typer.Option("--holder", metavar="HOLDER", help="The consenting holder (full name or a unique part).")],
    on: On,
    signed_as: Annotated[str | None, typer.Option("--signed-as", metavar="NAME", help="The name on the signature page, if different.")] = None,
    evidence: EvidenceOption = TREASURY_ENTRY,
    section: SectionOption = None,
    request_id: RequestId = None,
    dry_run: DryRun = False,
    fmt: Format2 = TextOrJson.text,
) -> None:
    """Record a holder's written consent to an amendment."""
    record(ctx, agreement, "ConsentEntry", on=on, evidence=evidence, section=section,
           request_id=request_id, fmt=fmt, dry_run=dry_run, amendment=amendment, holder=holder, signed_as=signed_as)


@app.command("record-horizon")
def record_horizon(
    ctx: typer.Context,
    agreement: AgreementKey,
    on: On,
    register: Annotated[str, typer.Option("--register", metavar="DATE|current",
                                          help="The last date the register is evidenced, or current.")] = "current",
    payments: Annotated[str, typer.Option("--payments", metavar="DATE|current",
                                          help="The last date payments are evidenced, or current.")] = "current",
    evidence: EvidenceOption = TREASURY_ENTRY,
    section: SectionOption = None,
    request_id: RequestId = None,
    dry_run: DryRun = False,
    fmt: Format2 = TextOrJson.text,
) -> None:
    """Record how far the evidence on file runs. Beyond it views say so and payments are "not recorded", not unpaid.

    "current" vouches that the registry is kept current for that kind of fact: every transfer (or payment)
    since the last horizon is recorded. The latest horizon recorded wins.
    """
    def until(value: str) -> str | None:
        return None if value.strip().casefold() == "current" else value

    record(ctx, agreement, "RecordHorizonEntry", on=on, evidence=evidence, section=section,
           request_id=request_id, fmt=fmt, dry_run=dry_run, register=until(register), payments=until(payments))


@app.command()
def reverse(
    ctx: typer.Context,
    event: Annotated[str, typer.Argument(metavar="EVENT_ID", help="An event, as history shows it: barnes-1995:12.")],
    reason: Annotated[str, typer.Option("--reason", metavar="TEXT", help="Why the entry was wrong.")],
    evidence: EvidenceOption = TREASURY_ENTRY,
    section: SectionOption = None,
    request_id: RequestId = None,
    dry_run: DryRun = False,
    fmt: Format2 = TextOrJson.text,
) -> None:
    """Reverse an entry recorded in error. It stays in the history, and views from now on leave it out.

    All events of the entry go together. Refused if what was recorded after it depends on it.
    """
    try:
        key, position = event_ref(event)
    except InvalidCommand as error:
        raise typer.BadParameter(error.message, param_hint="EVENT_ID") from None
    with recording(ctx, fmt.value, dry_run=dry_run) as registry:
        kind = registry.kind_of(key)
    record(ctx, key, "ReversalEntry", on=None, evidence=evidence, section=section,
           request_id=request_id, fmt=fmt, dry_run=dry_run, target=position, reason=reason, of=kind)
