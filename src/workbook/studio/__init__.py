"""`workbook studio`: a private web app on this machine, a front door like the CLI.

    security.py    the guard every request passes: token, Host header, CSRF, size, headers
    forms.py       the form as BuildOptions, and diagnostics back to their fields
    app.py         the routes: the page, preview (pages as images), downloads
    interface.py   the page's own words, English and Spanish
    templates/     page.html.j2;  static/  studio.css (served by the app; no outside request)

Starlette and uvicorn are imported here only, never on the build path.
"""

from __future__ import annotations

import socket
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
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/?token={token}"


def serve(host: str, port: int, output: Path, open_browser: bool,
          announce: Callable[[str], None]) -> None:  # fmt: skip
    """Run the studio until Ctrl-C; `announce` is told the address (with its token)."""
    import uvicorn

    from .app import create_app

    token = new_token()
    port = port or free_port(host)
    url = address(host, port, token)
    app = create_app(token, host, port, output)
    config = uvicorn.Config(app, host=host, port=port, access_log=False, log_level="warning",
                            server_header=False, lifespan="off")  # fmt: skip
    announce(url)
    if open_browser:
        threading.Timer(0.8, webbrowser.open, [url]).start()
    uvicorn.Server(config).run()
