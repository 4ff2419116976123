"""For auditors and administrators: check the log, keep its head, prove entries, manage identities.

Each stream of the registry is a Merkle tree whose heads are signed by the
identities that recorded them (``adapters.ledger``). ``verify`` checks all of it
in one snapshot; ``digest`` prints the registry head to keep; ``proof`` and
``consistency`` print what ``adapters/offline_verifier.py`` checks alone.
"""

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from adapters import descriptions
from adapters.cli.common import (
    EventArgument,
    Format2,
    StreamKey,
    TextOrJson,
    app,
    complain,
    emit,
    emit_json,
    guarded,
    lazy,
    out,
    progress_bar,
    querying,
    refuse,
    say,
    table,
)
from adapters.settings import DEFAULT_KEY_FILE, ROLES
from domain.errors import InvalidCommand, RegistryError

identities = lazy("adapters.identity")
identity_app = typer.Typer(help="Who may read, record, load journals and manage identities.",
                           no_args_is_help=True, rich_markup_mode=None)
app.add_typer(identity_app, name="identity")

Trust = Annotated[
    str | None,
    typer.Option("--trust", metavar="KEY", help="The administrator's public key you trust (64 hex digits, or a file)."),
]


def _kept(value: str | None) -> dict | Any | None:
    """A registry head kept earlier: a file, or the JSON itself; or a digest of the form debtreg:v1:... (kept of a
    store written before debtreg signed its log)."""
    if value is None:
        return None
    from adapters.audit import Digest, InvalidDigest

    if value.startswith("debtreg:v1:"):
        try:
            return Digest.parse(value)
        except InvalidDigest as error:
            raise InvalidCommand(f"--digest: {error}") from None
    text = value if value.lstrip().startswith("{") else _read(Path(value), "--digest")
    try:
        kept = json.loads(text)
    except ValueError:
        raise InvalidCommand("--digest: not a registry head (the JSON `debtreg digest` printed)") from None
    if not isinstance(kept, dict) or kept.get("format") != "debtreg-registry-head-v1":
        raise InvalidCommand("--digest: not a registry head (the JSON `debtreg digest` printed)")
    return kept


def _key(value: str | None) -> str | None:
    """The key ``--trust`` gives, read as the offline verifier reads it: 64 hex digits, or a file holding them."""
    if value is None:
        return None
    from adapters.offline_verifier import Untrusted, trusted_key

    try:
        return trusted_key(value)
    except Untrusted as problem:
        raise InvalidCommand(f"--trust: {problem}") from None


def _read(path: Path, option: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidCommand(f"{option}: cannot read {path}: {getattr(error, 'strerror', None) or error}") from None


@app.command("verify")
def verify_command(
    ctx: typer.Context,
    digest: Annotated[str | None, typer.Option("--digest", metavar="FILE", help="A registry head kept earlier (`debtreg digest`): the log must extend it.")] = None,
    trust: Trust = None,
    fmt: Format2 = TextOrJson.text,
) -> None:
    """Check the whole log in one snapshot of the store. Every event under a signed tree head, every head signed by a
    registered recording identity, every identity registered by an administrator; report the first problem."""
    with querying(ctx, fmt.value, full=True) as queries, progress_bar("verifying") as progress:
        result = queries.verify(_kept(digest), _key(trust), progress)
    if fmt is TextOrJson.json:
        emit_json(result)
    elif result.intact:
        say(f"intact: {result.events} events" + (" under signed tree heads" if result.root else "")
             + (", extending the head given" if digest else "") + (f"; registry root {result.root}" if result.root else "")
             + (f"\nnote: {result.note}" if result.note else ""))
    else:
        complain(f"debtreg: NOT intact: {result.problem or ''}")  # (it quotes the store)
    if not result.intact:
        raise typer.Exit(1)


@app.command("snapshots")
def snapshots_command(ctx: typer.Context, fmt: Format2 = TextOrJson.text) -> None:
    """Write every agreement's snapshot again from its events. For recorders: after an upgrade whose code folds
    differently, views and commands read and fold each agreement's whole history until its next entry is recorded,
    and after verify names a snapshot edited outside debtreg. Each agreement's events are read and checked first;
    nothing is recorded."""
    with guarded(ctx, fmt.value, read_only=False) as registry, progress_bar("writing snapshots") as progress:
        written = registry.rewrite_snapshots(progress)
    if fmt is TextOrJson.json:
        emit_json({"written": written})
    else:
        shown = ", ".join(written[:LISTED]) + (f" and {len(written) - LISTED:,} more (--format json lists them all)"
                                               if len(written) > LISTED else "")
        emit(f"wrote the snapshots of {len(written):,} agreement{'s' if len(written) != 1 else ''}"
             + (f": {shown}" if written else ""))


LISTED = 10  # agreements a line names; a registry of a thousand is counted, not listed


@app.command("digest")
def digest_command(ctx: typer.Context) -> None:
    """Print the registry head as it stands. After verifying the log: keep it elsewhere; `verify --digest` checks a
    later log extends it."""
    with querying(ctx, full=True) as queries:
        result = queries.verify()
    if not result.intact:
        complain(f"debtreg: the log is not intact, no head to keep: {result.problem or ''}")
        raise typer.Exit(1)
    emit(json.dumps(result.head, indent=2) if result.head else "the log is empty")


@app.command("head")
def head_command(ctx: typer.Context, key: StreamKey) -> None:
    """An agreement's latest signed tree head (JSON). With the registration of who signed it."""
    with querying(ctx, "json", full=True) as queries:
        emit(json.dumps(queries.head(key), indent=2))


@app.command("proof")
def proof_command(
    ctx: typer.Context,
    event: EventArgument,
    size: Annotated[int | None, typer.Option("--size", metavar="N", help=descriptions.SIZE)] = None,
) -> None:
    """An inclusion proof of one event (JSON). For `python adapters/offline_verifier.py proof.json --trust KEY`."""
    with querying(ctx, "json", full=True) as queries:
        emit(json.dumps(queries.proof(event, size), indent=2))


@app.command("consistency")
def consistency_command(
    ctx: typer.Context,
    key: StreamKey,
    from_size: Annotated[int, typer.Option("--from-size", metavar="N", help=descriptions.FROM_SIZE)],
    to_size: Annotated[int | None, typer.Option("--to-size", metavar="N", help=descriptions.TO_SIZE)] = None,
) -> None:
    """A consistency proof between two signed heads (JSON). Both of one agreement; for the offline verifier."""
    with querying(ctx, "json", full=True) as queries:
        emit(json.dumps(queries.consistency(key, from_size, to_size), indent=2))


# ------------------------------------------------------------------ identities

KeyFile = Annotated[Path, typer.Option("--key-file", metavar="FILE", help="Where to write the new identity's private key, to hand to its holder (never overwritten).")]


@identity_app.command("init")
def identity_init(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(metavar="NAME", help="The first administrator's name.")],
    key_file: Annotated[Path, typer.Option("--key-file", metavar="FILE", help=f"The administrator's key file: written if it does not exist, else reused. Default {DEFAULT_KEY_FILE}, which commands use when no --identity is given.")] = DEFAULT_KEY_FILE,
) -> None:
    """Make a new registry's first identity, an administrator. It registers itself; run again, it changes nothing
    (the key file is reused, never overwritten)."""
    try:
        given = _name(name)  # before the store is opened: a name refused makes no store
    except RegistryError as error:
        refuse(error, "text", ctx)
    with guarded(ctx, "text", read_only=False, acting=False) as registry:
        signer = identities.Signer.load(key_file) if key_file.exists() else identities.Signer.generate(given)
        records = registry.ledger.identity_records()
        first = records[0] if records else None
        if first is not None and first.public_key == signer.public_key:
            emit(f"administrator {first.name} is this registry's first identity already (key file {key_file})")
            return
        if first is not None:
            raise InvalidCommand("this registry has identities already: an administrator adds more with"
                                 " `debtreg identity add`")
        if not key_file.exists():
            signer.save(key_file)
        registry.ledger.enrol_first(signer)
    say(f"administrator {signer.name} registered; key file {key_file} (keep it private); public key {signer.public_key}")


@identity_app.command("add")
def identity_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(metavar="NAME", help="The new identity's name, as its entries will be recorded by.")],
    role: Annotated[str, typer.Option("--role", metavar="ROLE", help=f"One of {', '.join(ROLES)}.")],
    key_file: KeyFile,
) -> None:
    """Add an identity (administrators only). Its private key is written to FILE, to hand to its holder."""
    if role not in ROLES:
        raise typer.BadParameter(f"{role!r} is not a role; the roles are {', '.join(ROLES)}", param_hint="--role")
    with guarded(ctx, "text", read_only=False) as registry:
        signer = identities.Signer.generate(_name(name))
        admin = ctx.obj.signer
        registry.ledger.require(admin, ("administrator",), "manage identities")
        if registry.ledger.current(signer.name) is not None:
            raise InvalidCommand(f"{signer.name} is an identity already; revoke it first to give it a new key")
        signer.save(key_file)
        registry.ledger.register(signer.name, role, signer.public_key, admin)
    say(f"{role} {signer.name} registered by {admin.name}; key written to {key_file}; public key {signer.public_key}")


@identity_app.command("revoke")
def identity_revoke(
    ctx: typer.Context, name: Annotated[str, typer.Argument(metavar="NAME", help="The identity's name, as `debtreg identity list` shows it.")]
) -> None:
    """Revoke an identity (administrators only). What it signed before stays valid, nothing after."""
    with guarded(ctx, "text", read_only=False) as registry:
        admin = ctx.obj.signer
        registry.ledger.require(admin, ("administrator",), "manage identities")
        found = registry.ledger.current(name)
        if found is None:
            known = sorted({r.name for r in registry.ledger.identity_records()}, key=str.casefold)
            raise InvalidCommand(f"{name!r} is not an identity of this registry; its identities: {', '.join(known)}")
        if found.role == "revoked":  # a second revocation would say it again, as if it were news
            raise InvalidCommand(f"{found.name} was revoked already, by {found.added_by} at {_when(found.added_at)}:"
                                 " nothing to do")
        registry.ledger.register(found.name, "revoked", found.public_key, admin)
    emit(f"{found.name} revoked by {admin.name}")


@identity_app.command("token")
def identity_token(ctx: typer.Context) -> None:
    """Print the bearer token of the identity this command acts as. The API server given its key file (`debtreg serve
    --key-file`) accepts it."""
    try:
        signer = ctx.obj.signer
    except RegistryError as error:  # a key file that cannot be read, or is not one
        refuse(error, "text")
    if signer is None:
        raise typer.BadParameter("give the identity's key file", param_hint="--identity")
    emit(identities.token_of(signer))


@identity_app.command("list")
def identity_list(ctx: typer.Context, fmt: Format2 = TextOrJson.text) -> None:
    """Every identity: its role now, its key, who registered it."""
    with querying(ctx, fmt.value, full=True) as queries:
        records = queries.registry.ledger.identity_records()
    current = {r.name: r for r in records}
    if fmt is TextOrJson.json:
        emit_json([r.as_dict() for r in current.values()])
        return
    rows = [[r.name, r.role, r.public_key, r.added_by, _when(r.added_at)] for r in current.values()]
    out.print(table("Identities", ["Name", "Role", "Public key", "Registered by", "At"], rows))


def _when(added_at: str) -> str:
    """When an identity's row was added, as the registry shows a time (the row keeps it in ISO 8601)."""
    from datetime import datetime

    from adapters.moments import utc_text

    return utc_text(datetime.fromisoformat(added_at))


def _name(name: str) -> str:
    from adapters.moments import given_text

    return given_text(name, "NAME", "give the identity's name, as its signatures will show it")
