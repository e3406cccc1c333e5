"""Stage 5, layout: page geometry and what repeats on pages — header, footer, page numbers.

The header and footer are the same on every page, so each is drawn once as a form; "Page X
of Y" and the contents' page numbers are forms too, referenced while pages are drawn and
defined when the build ends and the numbers are known.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from ..markup import escape_markup, to_markup
from ..project import Project
from ..theme import Theme
from .blocks import LayoutContext
from .flowables import Paragraph, page_form

PAGE_SIZES = {"letter": LETTER, "a4": A4}
COVER_BAND = 16 * mm


@dataclass(frozen=True)
class Geometry:
    """Page size and margins in points; with duplex, even pages mirror the margins."""

    width: float
    height: float
    top: float
    bottom: float
    inner: float
    outer: float
    header: float  # room for the running header (and, below the frame, the footer)
    duplex: bool

    @classmethod
    def of(cls, project: Project) -> Geometry:
        width, height = PAGE_SIZES[project.manifest.page_size]
        m = project.theme.margins
        return cls(width, height, m["top"], m["bottom"], m["inner"], m["outer"],
                   project.theme.base_size * 2.2, project.manifest.duplex)  # fmt: skip

    def left(self, page: int) -> float:
        """The left margin of a page: the inner one, or the outer one on even duplex pages."""
        return self.outer if self.duplex and page % 2 == 0 else self.inner

    @property
    def frame_width(self) -> float:
        return self.width - self.inner - self.outer

    def frame(self, page: int) -> tuple[float, float, float, float]:
        """x, y, width, height of the text frame on a page."""
        height = self.height - self.top - self.bottom - 2 * self.header
        return self.left(page), self.bottom + self.header, self.frame_width, height


def one_line(value: str, width: float, style: ParagraphStyle, ctx: LayoutContext) -> Paragraph:
    """A paragraph of personal text cut with an ellipsis so it fits on one line."""

    def make(text: str) -> Paragraph:
        para = Paragraph(to_markup(escape_markup(text), ctx.fonts), style)
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


def draw_running(
    canv: Canvas, project: Project, ctx: LayoutContext, geo: Geometry, page: int
) -> None:
    """The running header (title, recipient) and footer (practice and contact)."""
    style = ctx.styles.running
    right = ParagraphStyle("running-right", parent=style, alignment=TA_RIGHT)
    prepared = project.manifest.prepared_by
    parts = (prepared.practice, prepared.contact) if prepared else ()
    footer = " \u00b7 ".join(x for x in parts if x)
    x, inner, top = geo.left(page), geo.frame_width, geo.height - geo.top
    one_line(project.title, inner * 0.58, style, ctx).drawOn(canv, x, top)
    one_line(project.recipient or "", inner * 0.4, right, ctx).drawOn(canv, x + inner * 0.6, top)
    canv.setStrokeColor(ctx.theme.colours["rule"])
    canv.setLineWidth(0.5)
    canv.line(x, top - style.leading * 0.4, x + inner, top - style.leading * 0.4)
    one_line(footer, inner * 0.7, style, ctx).drawOn(canv, x, geo.bottom - style.leading)


def running_form(page: int, geo: Geometry) -> str:
    return page_form("wb-running-even" if geo.duplex and page % 2 == 0 else "wb-running")


def define_forms(canv: Canvas, project: Project, ctx: LayoutContext, geo: Geometry,
                 anchor_pages: dict[str, int], care_pages: set[int]) -> None:  # fmt: skip
    """Define every form the pages referenced, now that the page count is known."""
    total = canv.getPageNumber() - 1
    style = ctx.styles.running
    for page in (1, 2) if geo.duplex else (1,):
        canv.beginForm(running_form(page, geo))
        draw_running(canv, project, ctx, geo, page)
        canv.endForm()
    note = one_line(project.text["care_note"], geo.frame_width, style, ctx)
    for page in range(2, total + 1):
        x = geo.left(page)
        canv.beginForm(page_form(f"wb-page-{page}"))
        if page in care_pages:
            note.drawOn(canv, x, geo.bottom + style.leading * 0.9)
        canv.setFillColor(style.textColor)
        canv.setFont(ctx.fonts.main.regular, style.fontSize)
        canv.drawRightString(x + geo.frame_width, geo.bottom - style.leading + style.fontSize * 0.25,
                             project.text["page_of"].format(page=page, total=total))  # fmt: skip
        canv.endForm()
    entry = ctx.styles.toc_entry
    for key, page in anchor_pages.items():
        canv.beginForm(page_form(key), lowerx=-200, lowery=-20, upperx=0, uppery=40)
        canv.setFont(ctx.fonts.main.bold, entry.fontSize)
        canv.drawRightString(0, 0, str(page))
        canv.endForm()


def on_page(canv: Canvas, doc: Any) -> None:
    """Every page but the cover: the running header and footer, and its page number."""
    page = canv.getPageNumber()
    canv.doForm(running_form(page, doc.geometry))
    canv.doForm(page_form(f"wb-page-{page}"))


def cover_band(theme: Theme, geo: Geometry) -> Any:
    """A band of the theme's heading colour across the top of the cover (a rule in ink-saver)."""

    def draw(canv: Canvas, doc: Any) -> None:
        canv.saveState()
        if theme.filled_backgrounds:
            canv.setFillColor(theme.colours["heading"])
            canv.rect(0, geo.height - COVER_BAND, geo.width, COVER_BAND, stroke=0, fill=1)
            canv.setFillColor(theme.colours["accent"])
            canv.rect(0, geo.height - COVER_BAND - 4, geo.width, 4, stroke=0, fill=1)
        else:
            canv.setStrokeColor(theme.colours["heading"])
            canv.setLineWidth(2)
            y = geo.height - geo.top
            canv.line(geo.inner, y, geo.width - geo.outer, y)
        canv.restoreState()

    return draw
