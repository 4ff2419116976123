"""Beyond the terminal: the HTTP API on the same store (see ``adapters.api``)."""

import gc
from pathlib import Path
from typing import Annotated

import typer

from adapters.cli.common import NoStore, app, cannot_use, complain, refuse, store_errors
from domain.errors import RegistryError


def _port(value: int) -> int:
    """A port number, refused in words (typer's own range check answers in pydantic's)."""
    if not 0 <= value <= 65535:
        raise typer.BadParameter(f"{value} is not a port: give 1 to 65535, or 0 for any free one")
    return value


@app.command("serve")
def serve_command(
    ctx: typer.Context,
    key_files: Annotated[list[Path], typer.Option("--key-file", metavar="FILE", help="An identity the API acts for (repeat for each); its callers use `debtreg identity token`'s token.")],
    host: Annotated[str, typer.Option("--host", metavar="HOST", help="The address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", metavar="PORT", callback=_port, help="The port to listen on (0: any free one).")] = 8000,
    read_url: Annotated[str | None, typer.Option("--read-url", metavar="URL", help="The store as read (on PostgreSQL a role granted SELECT only); default --db, read-only.")] = None,
) -> None:
    """Serve the HTTP API and the auditor's page. OpenAPI at /docs: every view as a GET, every entry as a POST, roles
    by bearer token."""
    url = ctx.obj.db or ""
    try:
        import uvicorn

        from adapters.api import create_app
        from adapters.identity import Signer
        from adapters.store import database_url, missing_sqlite_file

        signers = [Signer.load(path) for path in key_files]
        url = database_url(ctx.obj.db, kept=True)
        read = database_url(read_url, kept=True) if read_url else None
        for given in (url, read):  # a server reads the store as a view does: never an empty one where a typo points
            if given is not None and (missing := missing_sqlite_file(given)) is not None:
                raise NoStore.at(missing)
        application = create_app(url, signers, read_url=read)
    except RegistryError as error:
        refuse(error, "text")
        return
    except store_errors() as error:  # a file that is no database: said as every command says it
        cannot_use(url, error)
    import socket  # here: `debtreg --help` imports every command's module, and needs none of this

    try:
        listening = socket.create_server((host, port), family=socket.AF_INET6 if ":" in host else socket.AF_INET)
    except OSError as error:
        reason = (error.strerror or str(error)).partition(" (while attempting to bind")[0]  # the address, said once
        complain(f"debtreg: cannot listen on {host}:{port}: {reason}; give another --host or --port")
        raise typer.Exit(2) from None
    gc.enable()  # a server's garbage is collected (one command runs without the collector: see ``adapters.cli.run``)
    uvicorn.Server(uvicorn.Config(application, log_level="warning")).run(sockets=[listening])
