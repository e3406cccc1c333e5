"""The studio as one ASGI app: its shared context (templates, words, the scratch folder, the
one build at a time) and its pages' routes, behind the guard. A front door like the CLI:
pages turn form posts into `BuildOptions` and call the library, never the layout.

    compose.py   /           choose, personalise, preview, download one workbook
    batch.py     /batch      a roster against the current settings: check, build, ZIP
    answers.py   /answers    filled workbooks: their answers, and a new edition with them
"""

from __future__ import annotations

import hmac
import inspect
import re
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

import jinja2
from starlette.applications import Starlette
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, PlainTextResponse, Response
from starlette.routing import Route

from .interface import LANGUAGES, interface
from .security import BodyTooLarge, Guard, allowed_hosts, csrf_token

HERE = Path(__file__).parent
STATIC = {".css": "text/css", ".js": "text/javascript", ".png": "image/png"}
STATIC_NAME = re.compile(r"[a-z0-9-]+\.[a-z]+")
T = TypeVar("T")
MAX_FIELDS = 2000  # a form's fields: the worksheets ticked, the settings


@dataclass
class Studio:
    """What every page shares: one per server."""

    token: str
    output: Path  # where files may be written
    scratch: Path  # uploads and batch outputs; removed when the server stops
    worksheet_dirs: tuple[Path, ...] = ()  # the user's own worksheet folders
    building: threading.Lock = field(default_factory=threading.Lock)  # ReportLab's globals
    environment: jinja2.Environment = field(init=False)

    def __post_init__(self) -> None:
        self.environment = jinja2.Environment(
            loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True,
            undefined=jinja2.StrictUndefined)  # fmt: skip

    @property
    def csrf(self) -> str:
        return csrf_token(self.token)

    def render(self, template: str, ui: str, **context: Any) -> str:
        return self.environment.get_template(template).render(
            t=interface(ui), ui=ui, languages=LANGUAGES, csrf=self.csrf, **context)  # fmt: skip

    def page(self, template: str, ui: str, status: int = 200, **context: Any) -> Response:
        return HTMLResponse(self.render(template, ui, **context), status)

    async def form(self, request: Request) -> FormData | Response:
        """The posted form, once its CSRF token is checked; or the response that refuses it."""
        try:
            form = await request.form(max_fields=MAX_FIELDS)
        except BodyTooLarge:
            return PlainTextResponse("This request is too large.", 413)
        except (MultiPartException, HTTPException):  # Starlette wraps the first in the second
            return PlainTextResponse("This form could not be read: reload the studio.", 400)
        if not hmac.compare_digest(str(form.get("csrf", "")).encode(), self.csrf.encode()):
            return PlainTextResponse("This form is out of date: reload the studio.", 403)
        return form


def create_app(token: str, host: str, port: int, output: Path, scratch: Path,
               worksheet_dirs: tuple[Path, ...] = ()) -> Guard:  # fmt: skip
    """The studio, behind its guard."""
    from . import answers, batch, compose

    studio = Studio(token, output, scratch, worksheet_dirs)
    routes = [Route("/static/{name}", static, methods=["GET"])]
    for page in (compose, batch, answers):
        routes += [
            Route(r.path, _closing(r.endpoint), methods=r.methods) for r in page.routes(studio)
        ]
    return Guard(Starlette(routes=routes), token, allowed_hosts(host, port))


def _closing(endpoint: Callable[[Request], Any]) -> Callable[[Request], Awaitable[Response]]:
    """The endpoint, then the request's uploads closed (their spooled files removed)."""

    async def handle(request: Request) -> Response:
        try:
            response = endpoint(request)
            done: Response = await response if inspect.isawaitable(response) else response
            return done
        finally:
            await request.close()

    return handle


async def in_thread(work: Callable[[], T]) -> T:
    """Run blocking work (a build, reading PDFs) off the event loop."""
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(work)


def static(request: Request) -> Response:
    name = request.path_params["name"]
    if name == "theme.css":
        return Response(theme_css(), media_type="text/css")
    kind = STATIC.get(Path(name).suffix)
    if not STATIC_NAME.fullmatch(name) or kind is None or not (HERE / "static" / name).is_file():
        return PlainTextResponse("Not found", 404)
    return FileResponse(HERE / "static" / name, media_type=kind)


@cache
def theme_css() -> str:
    """The default theme's colours as CSS custom properties, as the web edition writes them."""
    from ..html.render import theme_css as css
    from ..theme import load_theme

    return css(load_theme("default"))


def ui_language(value: object) -> str:
    """The page's language from a form or query value: en unless it names another we have."""
    return value if isinstance(value, str) and value in LANGUAGES else "en"


def download(data: bytes, name: str, media: str) -> Response:
    return Response(data, media_type=media,
                    headers={"content-disposition": f'attachment; filename="{name}"'})  # fmt: skip
