"""What the workbook page makes: each download's bytes, the preview's pages as images, the
file saved in the output folder; and what went wrong, by field."""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass, field, replace
from typing import Any

from ..build import build, collector_paused, default_output, missing_glyph_warnings
from ..errors import Diagnostic, WorkbookError
from ..project import Project, load_project
from .app import Studio
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


def render(studio: Studio, choices: Choices, changes: dict[str, Any]) -> tuple[bytes, Project]:
    """One edition's bytes, as `workbook build` would write them."""
    options = choices.options(**changes)
    with studio.building, collector_paused():
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
        return failed(exc.diagnostics)
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
        return failed(exc.diagnostics)
    return Outcome(warnings=[d.message for d in result.warnings], saved=str(result.path))


def failed(diagnostics: list[Diagnostic]) -> Outcome:
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
