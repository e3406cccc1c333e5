"""The studio's routes: the form posts become `BuildOptions`, the library builds, the page
shows the result. A front door like the CLI: it calls `load_project`, the renderers and
`workbook.preview`'s reader, never the layout."""

from __future__ import annotations

import base64
import hmac
import io
import threading
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import jinja2
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, PlainTextResponse, Response
from starlette.routing import Route

from ..build import build, default_output, missing_glyph_warnings, slug
from ..errors import Diagnostic, WorkbookError
from ..library import available, load, search_dirs
from ..models.manifest import RELATIONSHIPS
from ..project import Project, load_project
from .forms import Choices, by_field
from .interface import LANGUAGES, interface
from .security import BodyTooLarge, Guard, allowed_hosts, csrf_token

HERE = Path(__file__).parent
PREVIEW_DPI = 40
PREVIEW_PAGES = 40
THEMES = ("default", "large-print", "ink-saver")
DOWNLOADS: dict[
    str, tuple[dict[str, Any], str, str]
] = {  # button -> (changes to the form's choices, media type, file suffix)
    "print": ({"fillable": False, "format": "pdf"}, "application/pdf", ".pdf"),
    "fillable": ({"fillable": True, "format": "pdf"}, "application/pdf", "-fillable.pdf"),
    "html": ({"format": "html"}, "text/html; charset=utf-8", ".html"),
}
RENDERING = threading.Lock()  # one build at a time: ReportLab keeps global state


@dataclass
class Outcome:
    """What one press of a button gave: errors by field, pages as images, warnings."""

    errors: dict[str, list[str]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    images: list[str] = field(default_factory=list)  # data: URIs
    pages: int = 0
    saved: str = ""  # the file written to the output folder


def create_app(token: str, host: str, port: int, output: Path) -> Guard:
    """The studio, behind its guard; `output` is where files may be written (later slices)."""
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True,
        undefined=jinja2.StrictUndefined)  # fmt: skip
    csrf = csrf_token(token)

    def page(request: Request, ui: str, choices: Choices, outcome: Outcome, status: int = 200) -> Response:  # fmt: skip
        language = choices.values.get("language") or ui
        html = environment.get_template("page.html.j2").render(
            t=interface(ui), ui=ui, languages=LANGUAGES, csrf=csrf, choices=choices,
            outcome=outcome, library=library(language), relationships=RELATIONSHIPS,
            themes=THEMES)  # fmt: skip
        return HTMLResponse(html, status)

    def home(request: Request) -> Response:
        ui = _ui(request.query_params.get("ui"))
        return page(request, ui, Choices({"language": ui, "region": "US"}), Outcome())

    async def submit(request: Request) -> Response:
        try:
            form = await request.form()
        except BodyTooLarge:
            return PlainTextResponse("This request is too large.", 413)
        if not hmac.compare_digest(str(form.get("csrf", "")).encode(), csrf.encode()):
            return PlainTextResponse("This form is out of date: reload the studio.", 403)
        ui, choices, action = _ui(form.get("ui")), Choices.from_form(form), form.get("action")
        if action == "manifest":
            return _download(choices.manifest_yaml().encode(), "manifest.yaml",
                             "application/yaml; charset=utf-8")  # fmt: skip
        if action in DOWNLOADS:
            return await _run(lambda: deliver(request, ui, choices, str(action)))
        if action == "preview":
            return await _run(lambda: page(request, ui, choices, preview(choices)))
        if action == "save":
            return await _run(lambda: page(request, ui, choices, save(choices, output)))
        return page(request, ui, choices, Outcome())

    def deliver(request: Request, ui: str, choices: Choices, action: str) -> Response:
        changes, media, suffix = DOWNLOADS[action]
        try:
            data, project = render(choices, changes)
        except WorkbookError as exc:
            return page(request, ui, choices, _failed(exc.diagnostics), 422)
        name = slug(" ".join(p for p in (project.title, project.recipient or "") if p)) + suffix
        return _download(data, name, media)

    return Guard(Starlette(routes=[
        Route("/", home, methods=["GET"]), Route("/", submit, methods=["POST"]),
        Route("/static/{name}", static, methods=["GET"]),
    ]), token, allowed_hosts(host, port))  # fmt: skip


async def _run(work: Any) -> Response:
    from starlette.concurrency import run_in_threadpool

    response: Response = await run_in_threadpool(work)
    return response


def static(request: Request) -> Response:
    name = request.path_params["name"]
    if name not in {"studio.css"}:
        return PlainTextResponse("Not found", 404)
    return FileResponse(HERE / "static" / name, media_type="text/css")


def _ui(value: object) -> str:
    return value if isinstance(value, str) and value in LANGUAGES else "en"


def _download(data: bytes, name: str, media: str) -> Response:
    return Response(data, media_type=media,
                    headers={"content-disposition": f'attachment; filename="{name}"'})  # fmt: skip


def library(language: str) -> list[dict[str, Any]]:
    """The built-in worksheets in `language` (English where it lacks one), as `list` shows them."""
    lang = language if language in LANGUAGES else "en"
    sheets = [load(p).sheet for p in available(lang, search_dirs([])).values()]
    return [{"id": s.id, "title": s.title, "minutes": s.minutes, "audience": s.audience,
             "summary": s.summary} for s in sheets]  # fmt: skip


def render(choices: Choices, changes: dict[str, Any]) -> tuple[bytes, Project]:
    """One edition's bytes, as `workbook build` would write them."""
    options = choices.options(**changes)
    with RENDERING:
        project = load_project(options)
        if project.manifest.format == "html":
            from ..html import render as render_html

            return render_html(project).encode("utf-8"), project
        from ..pdf import render as render_pdf

        rendered = render_pdf(project)
    project.warnings.extend(missing_glyph_warnings(rendered.missing))
    return rendered.pdf, project


def preview(choices: Choices) -> Outcome:
    """The workbook's pages as small PNG images, with its page count and warnings."""
    try:
        data, project = render(choices, {"format": "pdf"})
    except WorkbookError as exc:
        return _failed(exc.diagnostics)
    images = page_images(data)
    warnings = [d.message for d in project.warnings]
    return Outcome(warnings=warnings, images=images, pages=_count(data))


def save(choices: Choices, output: Path) -> Outcome:
    """Write the print (or fillable) PDF into the output folder, as `workbook build` would."""
    options = choices.options()
    try:
        with RENDERING:
            name = default_output(load_project(options)).name
            result = build(replace(options, output=output / name))
    except WorkbookError as exc:
        return _failed(exc.diagnostics)
    return Outcome(warnings=[d.message for d in result.warnings], saved=str(result.path))


def _failed(diagnostics: list[Diagnostic]) -> Outcome:
    errors, problems = by_field([d for d in diagnostics if d.severity == "error"])
    warnings = [d.message for d in diagnostics if d.severity == "warning"]
    return Outcome(errors=errors, problems=problems, warnings=warnings)


def _count(pdf: bytes) -> int:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        return len(document)
    finally:
        document.close()


def page_images(pdf: bytes) -> list[str]:
    """The first PREVIEW_PAGES pages as PNG data URIs (the page's policy allows data: images)."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        document.init_forms()
        images = [document[n].render(scale=PREVIEW_DPI / 72, may_draw_forms=True).to_pil()
                  for n in range(min(len(document), PREVIEW_PAGES))]  # fmt: skip
    finally:
        document.close()
    uris = []
    for image in images:
        buffer = io.BytesIO()
        image.save(buffer, "PNG")
        uris.append("data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode())
    return uris
