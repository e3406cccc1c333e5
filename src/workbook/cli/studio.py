"""`workbook studio`: start the private local web app (its packages load only here)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .common import STATE, Dirs, Opt, app

LOCAL = {"127.0.0.1", "localhost", "::1"}


@app.command()
def studio(
    port: Annotated[int, Opt(metavar="N", help="Port to listen on (default: a free one).")] = 0,
    host: Annotated[
        str, Opt(metavar="HOST", help="Address to listen on; anything but this machine is shared.")
    ] = "127.0.0.1",
    no_open: Annotated[bool, Opt("--no-open", help="Do not open a browser.")] = False,
    output: Annotated[
        Path, Opt("--output", metavar="DIR", help="Folder the studio may write files to.")
    ] = Path("output"),
    dirs: Dirs = None,
) -> None:
    """Open the studio: choose worksheets, personalise, preview and download, in a browser.

    Everything stays on this computer. The address it prints holds a secret token: keep it
    to yourself.
    """
    if not 0 <= port <= 65535:
        typer.echo(f"error: --port {port}: choose 1 to 65535", err=True)
        raise typer.Exit(2)
    if host not in LOCAL:
        typer.echo(f"warning: listening on {host}: other machines on the network can reach the "
                   "studio (they still need its token)", err=True)  # fmt: skip
    from ..studio import serve

    def announce(url: str) -> None:
        typer.echo(f"workbook studio is running at\n\n    {url}\n\nPress Ctrl-C to stop it.")

    # The server stops itself on Ctrl-C, then passes the signal on: let it end the command
    # normally, so that the scratch folder is removed, instead of exiting at once.
    STATE["stop"] = lambda: None
    try:
        serve(host, port, output, not no_open, announce, tuple(dirs or ()))
    finally:
        STATE["stop"] = None
    typer.echo("The studio has stopped; the files it was sent are deleted.")
