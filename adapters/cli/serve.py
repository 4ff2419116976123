"""Beyond the terminal: the HTTP API on the same store (see ``adapters.api``)."""

import gc
from pathlib import Path
from typing import Annotated

import typer

from adapters.cli.common import app, refuse
from domain.errors import RegistryError


@app.command("serve")
def serve_command(
    ctx: typer.Context,
    key_files: Annotated[list[Path], typer.Option("--key-file", metavar="FILE", help="An identity the API acts for (repeat for each); its callers use `debtreg identity token`'s token.")],
    host: Annotated[str, typer.Option("--host", help="The address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="The port to listen on.")] = 8000,
    read_url: Annotated[str | None, typer.Option("--read-url", metavar="URL", help="The store as read (on PostgreSQL a role granted SELECT only); default --db, read-only.")] = None,
) -> None:
    """Serve the HTTP API (OpenAPI at /docs): every view as a GET, every entry as a POST, roles by bearer token."""
    try:
        import uvicorn

        from adapters.api import create_app
        from adapters.identity import Signer
        from adapters.store import database_url

        signers = [Signer.load(path) for path in key_files]
        url = database_url(ctx.obj.db)

        application = create_app(url, signers, read_url=database_url(read_url) if read_url else None)
    except RegistryError as error:
        refuse(error, "text")
        return
    gc.enable()  # a server's garbage is collected (one command runs without the collector: see ``adapters.cli.run``)
    uvicorn.run(application, host=host, port=port, log_level="warning")
