"""`workbook studio`: a private web app on this machine, a front door like the CLI.

    security.py    the guard every request passes: token, Host header, CSRF, size, headers
    app.py         the shared context (templates, words, scratch folder) and the routes
    compose.py     /         one workbook: choose, personalise, preview, download
    batch.py       /batch    a roster: check every row, build with progress, a ZIP
    answers.py     /answers  filled workbooks: their answers, a new edition with them
    forms.py       the workbook form as BuildOptions, and diagnostics back to their fields
    uploads.py     files sent in: checked and kept in the scratch folder
    interface.py   the pages' own words (words/*.yaml), English and Spanish
    templates/     Jinja2 pages;  static/  CSS and scripts (served by the app itself)

Starlette and uvicorn are imported here only, never on the build path.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import tempfile
import threading
import webbrowser
from collections.abc import Callable
from pathlib import Path

from .security import new_token

__all__ = ["address", "free_port", "new_token", "serve"]


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
        return port


def address(host: str, port: int, token: str) -> str:
    """The address to open; listening on every interface, the machine's own name."""
    from .security import WILDCARDS, machine_names

    if host in WILDCARDS:
        host = machine_names()[0]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/?token={token}"


def serve(host: str, port: int, output: Path, open_browser: bool,
          announce: Callable[[str], None], worksheet_dirs: tuple[Path, ...] = ()) -> None:  # fmt: skip
    """Run the studio until Ctrl-C; `announce` is told the address (with its token). Uploads
    and batch outputs live in a scratch folder that goes when the server stops."""
    import uvicorn

    from .app import create_app

    token = new_token()
    port = port or free_port(host)
    url = address(host, port, token)
    scratch = Path(tempfile.mkdtemp(prefix="workbook-studio-"))
    try:
        app = create_app(token, host, port, output, scratch, worksheet_dirs)
        config = uvicorn.Config(app, host=host, port=port, access_log=False,
                                log_level="warning", server_header=False, lifespan="off")  # fmt: skip
        announce(url)
        if open_browser:
            threading.Timer(0.8, webbrowser.open, [url]).start()
        with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C is how a person stops it
            uvicorn.Server(config).run()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
