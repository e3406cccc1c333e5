"""Stage 6, the PDF: page templates, running header and footer, page numbers, outline, metadata.

One layout pass: page numbers that are not known when a page is drawn ("of Y", the contents'
page numbers) are form XObjects referenced on the page and defined once the build ends.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    NextPageTemplate,
    PageTemplate,
    Paragraph,
)
from reportlab.platypus.doctemplate import LayoutError

from . import __version__
from .errors import Diagnostic, WorkbookError
from .layout.blocks import BLANK_CALLBACK, BLANK_SPACES, NBSP, LayoutContext
from .layout.flowables import page_form
from .layout.forms import blank_callback
from .layout.pages import COVER_FOOT, contents, cover, crisis, how_to, literal, worksheet
from .layout.styles import make_styles
from .markup import plain, to_markup
from .project import Project

PAGE_SIZES = {"letter": LETTER, "a4": A4}
COVER_BAND = 16 * mm


@dataclass
class BuildResult:
    path: Path | None
    pages: int
    warnings: list[Diagnostic] = field(default_factory=list)
    pdf: bytes = field(default=b"", repr=False)


class WorkbookDoc(BaseDocTemplate):  # type: ignore[misc]
    """The document template: remembers which source block is being laid out."""

    def __init__(self, buffer: io.BytesIO, project: Project, **kw: Any) -> None:
        super().__init__(buffer, **kw)
        self.project = project
        self.origin: tuple[Any, str] | None = None
        self.anchor_pages: dict[str, int] = {}
        self.blank_callback: Any = None

    def handle_flowable(self, flowables: list[Flowable]) -> None:
        origin = getattr(flowables[0], "_wb_origin", None) if flowables else None
        if origin is not None:
            self.origin = origin
        super().handle_flowable(flowables)

    def beforeDocument(self) -> None:
        self.canv.setNamedCB(BLANK_CALLBACK, self.blank_callback)

    def record_page(self, key: str, page: int) -> None:
        self.anchor_pages.setdefault(key, page)


def _frame_box(project: Project) -> tuple[float, float, float, float]:
    width, height = PAGE_SIZES[project.manifest.page_size]
    m = project.theme.margins
    header = project.theme.base_size * 2.2
    return (
        m["inner"],
        m["bottom"] + header,
        width - m["inner"] - m["outer"],
        height - m["top"] - m["bottom"] - 2 * header,
    )


def _one_line(value: str, width: float, style: ParagraphStyle, ctx: LayoutContext) -> Paragraph:
    """A paragraph of personal text cut with an ellipsis so it fits on one line."""

    def make(text: str) -> Paragraph:
        para = Paragraph(to_markup(literal(text), ctx.fonts), style)
        para.wrap(width, style.leading * 100)
        return para

    para = make(value)
    if para.height <= style.leading * 1.01:
        return para
    low, high = 0, len(value)  # value[:low] + "…" fits on one line; value[:high] does not
    while high - low > 1:
        middle = (low + high) // 2
        if make(value[:middle] + "\u2026").height <= style.leading * 1.01:
            low = middle
        else:
            high = middle
    return make(value[:low].rstrip() + "\u2026")


def _draw_running(canv: Canvas, project: Project, ctx: LayoutContext) -> None:
    """The running header and footer, the same on every page (drawn once, as a form)."""
    width, height = PAGE_SIZES[project.manifest.page_size]
    m, style = project.theme.margins, ctx.styles.running
    right = ParagraphStyle("running-right", parent=style, alignment=TA_RIGHT)
    prepared = project.manifest.prepared_by
    footer = (
        " \u00b7 ".join(x for x in (prepared.practice, prepared.contact) if x) if prepared else ""
    )
    inner = width - m["inner"] - m["outer"]
    top = height - m["top"]
    _one_line(project.title, inner * 0.58, style, ctx).drawOn(canv, m["inner"], top)
    _one_line(project.recipient or "", inner * 0.4, right, ctx).drawOn(
        canv, m["inner"] + inner * 0.6, top
    )
    canv.setStrokeColor(project.theme.colours["rule"])
    canv.setLineWidth(0.5)
    canv.line(m["inner"], top - style.leading * 0.4, width - m["outer"], top - style.leading * 0.4)
    _one_line(footer, inner * 0.7, style, ctx).drawOn(canv, m["inner"], m["bottom"] - style.leading)


def _on_page(canv: Canvas, doc: WorkbookDoc) -> None:
    canv.doForm(page_form("running"))
    canv.doForm(page_form(f"page-{canv.getPageNumber()}"))


def _templates(project: Project, ctx: LayoutContext) -> list[PageTemplate]:
    x, y, w, h = _frame_box(project)
    frame = Frame(
        x, y, w, h, id="body", leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0
    )
    foot = COVER_FOOT
    cover_frames = [
        Frame(
            x,
            y + foot,
            w,
            h - foot,
            id="cover",
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        ),
        Frame(
            x,
            y,
            w,
            foot,
            id="cover-foot",
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        ),
    ]
    return [
        PageTemplate("cover", cover_frames, onPage=_cover_band(project)),
        PageTemplate("body", [frame], onPage=_on_page),
    ]


def _cover_band(project: Project) -> Any:
    """A band of the theme's heading colour across the top of the cover (a rule in ink-saver)."""
    width, height = PAGE_SIZES[project.manifest.page_size]
    theme = project.theme

    def draw(canv: Canvas, doc: WorkbookDoc) -> None:
        canv.saveState()
        if theme.filled_backgrounds:
            canv.setFillColor(theme.colours["heading"])
            canv.rect(0, height - COVER_BAND, width, COVER_BAND, stroke=0, fill=1)
            canv.setFillColor(theme.colours["accent"])
            canv.rect(0, height - COVER_BAND - 4, width, 4, stroke=0, fill=1)
        else:
            canv.setStrokeColor(theme.colours["heading"])
            canv.setLineWidth(2)
            canv.line(
                theme.margins["inner"],
                height - theme.margins["top"],
                width - theme.margins["outer"],
                height - theme.margins["top"],
            )
        canv.restoreState()

    return draw


def _story(project: Project, ctx: LayoutContext, doc: WorkbookDoc) -> list[Flowable]:
    on_page = doc.record_page
    entries = [(ws.sheet.id, ws.title, ws.summary) for ws in project.worksheets]
    if project.manifest.crisis_page:
        entries.append(("crisis", literal(project.text["crisis_title"]), ""))
    story = [*cover(project, ctx), NextPageTemplate("body"), *how_to(project, ctx, on_page)]
    story += contents(entries, project, ctx, on_page)
    for sheet in project.worksheets:
        story += worksheet(sheet, project, ctx, on_page)
    if project.manifest.crisis_page:
        story += crisis(project, ctx, on_page)
    return story


def _define_page_forms(
    canv: Canvas, project: Project, ctx: LayoutContext, doc: WorkbookDoc
) -> None:
    """Fill in the forward-referenced page numbers once the page count is known."""
    total = canv.getPageNumber() - 1
    width, _ = PAGE_SIZES[project.manifest.page_size]
    m, style = project.theme.margins, ctx.styles.running
    canv.beginForm(page_form("running"))
    _draw_running(canv, project, ctx)
    canv.endForm()
    care_pages = {page for key, page in doc.anchor_pages.items() if key.startswith("end:")}
    for page in range(2, total + 1):
        canv.beginForm(page_form(f"page-{page}"))
        if page in care_pages:
            note = _one_line(project.text["care_note"], width - m["inner"] - m["outer"], style, ctx)
            note.drawOn(canv, m["inner"], m["bottom"] + style.leading * 0.9)
        canv.setFillColor(style.textColor)
        canv.setFont(ctx.fonts.main.regular, style.fontSize)
        canv.drawRightString(
            width - m["outer"],
            m["bottom"] - style.leading + style.fontSize * 0.25,
            project.text["page_of"].format(page=page, total=total),
        )
        canv.endForm()
    entry = ctx.styles.toc_entry
    for key, page in doc.anchor_pages.items():
        canv.beginForm(page_form(key), lowerx=-200, lowery=-20, upperx=0, uppery=40)
        canv.setFont(ctx.fonts.main.bold, entry.fontSize)
        canv.drawRightString(0, 0, str(page))
        canv.endForm()


def render(project: Project) -> tuple[bytes, int]:
    """Lay out and draw the whole workbook; return the PDF bytes and the page count."""
    buffer = io.BytesIO()
    width, height = PAGE_SIZES[project.manifest.page_size]
    prepared = project.manifest.prepared_by
    author = (prepared.practice or prepared.name or "") if prepared else ""
    doc = WorkbookDoc(
        buffer,
        project,
        pagesize=(width, height),
        title=plain(literal(project.title)),
        author=author,
        subject=", ".join(plain(w.title) for w in project.worksheets),
        creator=f"workbook {__version__}",
        lang=project.manifest.language,
        invariant=1,
        pageCompression=1,
        initialFontName=project.fonts.main.regular,
    )
    styles = make_styles(project.theme, project.fonts)
    _, _, frame_width, frame_height = _frame_box(project)
    ctx = LayoutContext(
        project.theme,
        styles,
        project.fonts,
        project.text,
        frame_height,
        frame_width,
        fillable=project.manifest.fillable,
    )
    doc.blank_callback = blank_callback(
        styles.body.fontSize,
        stringWidth(NBSP * BLANK_SPACES, styles.body.fontName, styles.body.fontSize),
        project.theme.colours["text"],
    )
    doc.addPageTemplates(_templates(project, ctx))
    doc._doSave = 0
    try:
        doc.build(_story(project, ctx, doc))
    except LayoutError as exc:
        raise _layout_error(doc, exc) from None
    canv = doc.canv
    _define_page_forms(canv, project, ctx, doc)
    canv.showOutline()
    canv.save()
    return buffer.getvalue(), canv.getPageNumber() - 1


def _layout_error(doc: WorkbookDoc, exc: LayoutError) -> WorkbookError:
    if doc.origin is None:
        return WorkbookError(f"layout failed: {exc}")
    where, what = doc.origin
    return WorkbookError.at(
        where,
        f"{what}: this content is too big to fit on a page; "
        "split it into smaller blocks or shorter table rows",
    )
