"""For auditors: check the log's hash chain, and take a digest to keep elsewhere."""

from __future__ import annotations

from typing import Annotated

import typer

from adapters.audit import Digest
from adapters.cli.common import Format2, TextOrJson, app, emit, emit_json, querying


@app.command("verify")
def verify_command(
    ctx: typer.Context,
    digest: Annotated[str | None, typer.Option("--digest", metavar="DIGEST", help="A digest kept earlier: the log must extend it.")] = None,
    fmt: Format2 = TextOrJson.text,
) -> None:
    """Recompute the hash chain of the whole log; report the first event that does not match."""
    with querying(ctx, fmt.value) as queries:
        result = queries.verify(Digest.parse(digest) if digest else None)
    if fmt is TextOrJson.json:
        emit_json(result)
    elif result.intact:
        emit(f"intact: {result.events} events chained" + (", extending the digest given" if digest else "")
             + (f"; digest now {result.digest}" if result.digest else ""))
    else:
        typer.echo(f"debtreg: NOT intact after {result.events} events: {result.problem}", err=True)
    if not result.intact:
        raise typer.Exit(1)


@app.command("digest")
def digest_command(ctx: typer.Context) -> None:
    """Print the digest of the log as it stands, for an auditor to keep (after verifying it)."""
    with querying(ctx) as queries:
        result = queries.verify()
    if not result.intact:
        typer.echo(f"debtreg: the log is not intact, no digest: {result.problem}", err=True)
        raise typer.Exit(1)
    emit(result.digest or "the log is empty")
