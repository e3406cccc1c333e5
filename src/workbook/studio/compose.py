"""The studio's workbook page (/): choose worksheets, personalise, preview, download.
Form posts become `BuildOptions` (forms.py); the library builds; the page shows the result."""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass, field, replace
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..build import build, default_output, missing_glyph_warnings, slug
from ..errors import Diagnostic, WorkbookError
from ..library import available, load, search_dirs
from ..models.manifest import RELATIONSHIPS
from ..project import Project, load_project
from ..theme import BUILTIN_THEMES
from .app import Studio, download, in_thread, ui_language
from .forms import Choices, by_field

PREVIEW_DPI = 40
PREVIEW_PAGES = 40
DOWNLOADS: dict[
    str, tuple[dict[str, Any], str, str]
] = {  # button -> (changes to the form's choices, media type, file suffix)
    "print": ({"fillable": False, "format": "pdf"}, "application/pdf", ".pdf"),
    "fillable": ({"fillable": True, "format": "pdf"}, "application/pdf", "-fillable.pdf"),
    "html": ({"format": "html"}, "text/html; charset=utf-8", ".html"),
}


@dataclass
class Outcome:
    """What one press of a button gave: errors by field, pages as images, warnings."""

    errors: dict[str, list[str]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    images: list[str] = field(default_factory=list)  # data: URIs
    pages: int = 0
    saved: str = ""  # the file written to the output folder


def routes(studio: Studio) -> list[Route]:
    def page(ui: str, choices: Choices, outcome: Outcome, status: int = 200) -> Response:
        language = choices.values.get("language") or ui
        return studio.page("workbook.html.j2", ui, status, current="/", choices=choices,
                           outcome=outcome, library=library(language),
                           relationships=RELATIONSHIPS, themes=BUILTIN_THEMES)  # fmt: skip

    def home(request: Request) -> Response:
        ui = ui_language(request.query_params.get("ui"))
        return page(ui, Choices({"language": ui, "region": "US"}), Outcome())

    async def submit(request: Request) -> Response:
        form = await studio.form(request)
        if isinstance(form, Response):
            return form
        ui, choices, action = (
            ui_language(form.get("ui")),
            Choices.from_form(form),
            form.get("action"),
        )
        if action == "manifest":
            return download(choices.manifest_yaml().encode(), "manifest.yaml",
                            "application/yaml; charset=utf-8")  # fmt: skip
        if action in DOWNLOADS:
            return await in_thread(lambda: deliver(ui, choices, str(action)))
        if action == "preview":
            return await in_thread(lambda: page(ui, choices, preview(studio, choices)))
        if action == "save":
            return await in_thread(lambda: page(ui, choices, save(studio, choices)))
        return page(ui, choices, Outcome())

    def deliver(ui: str, choices: Choices, action: str) -> Response:
        changes, media, suffix = DOWNLOADS[action]
        try:
            data, project = render(studio, choices, changes)
        except WorkbookError as exc:
            return page(ui, choices, _failed(exc.diagnostics), 422)
        name = slug(" ".join(p for p in (project.title, project.recipient or "") if p)) + suffix
        return download(data, name, media)

    return [Route("/", home, methods=["GET"]), Route("/", submit, methods=["POST"])]


def library(language: str) -> list[dict[str, Any]]:
    """The built-in worksheets in `language` (English where it lacks one), as `list` shows them."""
    sheets = [load(p).sheet for p in available(language, search_dirs([])).values()]
    return [{"id": s.id, "title": s.title, "minutes": s.minutes, "audience": s.audience,
             "summary": s.summary} for s in sheets]  # fmt: skip


def render(studio: Studio, choices: Choices, changes: dict[str, Any]) -> tuple[bytes, Project]:
    """One edition's bytes, as `workbook build` would write them."""
    options = choices.options(**changes)
    with studio.building:
        project = load_project(options)
        if project.manifest.format == "html":
            from ..html import render as render_html

            return render_html(project).encode("utf-8"), project
        from ..pdf import render as render_pdf

        rendered = render_pdf(project)
    project.warnings.extend(missing_glyph_warnings(rendered.missing))
    return rendered.pdf, project


def preview(studio: Studio, choices: Choices) -> Outcome:
    """The workbook's pages as small PNG images, with its page count and warnings."""
    try:
        data, project = render(studio, choices, {"format": "pdf"})
    except WorkbookError as exc:
        return _failed(exc.diagnostics)
    images, pages = page_images(data)
    return Outcome(warnings=[d.message for d in project.warnings], images=images, pages=pages)


def save(studio: Studio, choices: Choices) -> Outcome:
    """Write the print (or fillable) PDF into the output folder, as `workbook build` would."""
    options = choices.options()
    try:
        with studio.building:
            name = default_output(load_project(options)).name
            result = build(replace(options, output=studio.output / name))
    except WorkbookError as exc:
        return _failed(exc.diagnostics)
    return Outcome(warnings=[d.message for d in result.warnings], saved=str(result.path))


def _failed(diagnostics: list[Diagnostic]) -> Outcome:
    errors, problems = by_field([d for d in diagnostics if d.severity == "error"])
    warnings = [d.message for d in diagnostics if d.severity == "warning"]
    return Outcome(errors=errors, problems=problems, warnings=warnings)


def page_images(pdf: bytes, first: int = 0, count: int = PREVIEW_PAGES,
                dpi: int = PREVIEW_DPI) -> tuple[list[str], int]:  # fmt: skip
    """Pages `first`.. as PNG data URIs (the page's policy allows data: images), and the count."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        document.init_forms()
        total = len(document)
        images = [document[n].render(scale=dpi / 72, may_draw_forms=True).to_pil()
                  for n in range(first, min(total, first + count))]  # fmt: skip
    finally:
        document.close()
    uris = []
    for image in images:
        buffer = io.BytesIO()
        image.save(buffer, "PNG")
        uris.append("data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode())
    return uris, total
