"""What the workbook page makes: each download's bytes, the preview's pages as images (small
at once, one page large on request), the file saved in the output folder; and what went
wrong, by field."""

from __future__ import annotations

import base64
import io
import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from typing import Any

from ..build import build, collector_paused, default_output, missing_glyph_warnings
from ..errors import Diagnostic, WorkbookError
from ..project import Project, load_project
from .app import Studio
from .forms import Choices, by_field

PREVIEW_DPI = 40
PREVIEW_PAGES = 40
LARGE_DPI = 150  # one page, opened from the preview: 11 pt text is about 23 px high
PREVIEWS_KEPT = 12  # the last previews' PDFs, so their pages can still be opened large
PREVIEWS_BYTES = 64_000_000  # and at most this much of them (a logo can make PDFs large)
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
    kept: str = ""  # the preview's name in `Previews`, for its pages opened large
    saved: str = ""  # the file written to the output folder


class Previews:
    """The last few previews' PDFs, in memory (never on disk), by a random name: a page of one
    is drawn large only when a person opens it, so the preview itself stays quick."""

    def __init__(self, keep: int = PREVIEWS_KEPT, most: int = PREVIEWS_BYTES) -> None:
        self.keep, self.most = keep, most
        self.pdfs: OrderedDict[str, bytes] = OrderedDict()
        self.lock = threading.Lock()

    def add(self, pdf: bytes) -> str:
        """Keep `pdf` under a new name, forgetting the oldest beyond `keep` PDFs or `most`
        bytes (the newest is always kept)."""
        name = secrets.token_hex(8)
        with self.lock:
            self.pdfs[name] = pdf
            while len(self.pdfs) > 1 and (
                len(self.pdfs) > self.keep or sum(map(len, self.pdfs.values())) > self.most
            ):
                self.pdfs.popitem(last=False)
        return name

    def get(self, name: str) -> bytes | None:
        with self.lock:
            return self.pdfs.get(name)


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


def preview(studio: Studio, choices: Choices, kept: Previews) -> Outcome:
    """The workbook's pages as small PNG images, with its page count and warnings; its PDF is
    kept a while, for a page opened large."""
    try:
        data, project = render(studio, choices, {"format": "pdf"})
    except WorkbookError as exc:
        return failed(exc.diagnostics)
    with studio.building:  # PDFium is not thread-safe: one caller at a time, as the thumbnails
        images, pages = page_images(data)
    return Outcome(warnings=[d.message for d in project.warnings], images=images, pages=pages,
                   kept=kept.add(data))  # fmt: skip


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


def large_page(pdf: bytes, number: int, dpi: int = LARGE_DPI) -> bytes | None:
    """Page `number` (from 1) as a PNG large enough to read; None if there is no such page."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        if not 1 <= number <= len(document):
            return None
        document.init_forms()
        image = document[number - 1].render(scale=dpi / 72, may_draw_forms=True).to_pil()
    finally:
        document.close()
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()
