"""Stage 5, layout: page geometry and what repeats on pages — header, footer, page numbers,
the care note.

The header and footer are the same on every page, so each is drawn once as a form. "Page X
of Y" and the contents' page numbers are not known while pages are drawn: a page draws a
form for each (ReportLab lets a page use a form defined later), and the forms are defined
when the build ends. The marks that tag them go around the form on the page.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, PageBreak
from reportlab.platypus.doctemplate import ActionFlowable, FrameActionFlowable

from ... import document as d
from ...fonts import FontSet
from ...markup import escape_markup, to_markup
from ...project import Project
from ...theme import HEADER_LINES, Theme
from .context import LayoutContext, digit_faces
from .flowables import number_form
from .styles import derive, ink
from .tags import FOOTER, HEADER, Element, artifact, marked, quiet
from .text import TaggedParagraph

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
                   project.theme.base_size * HEADER_LINES, project.manifest.duplex)  # fmt: skip

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


def _line(text: str, width: float, style: ParagraphStyle, fonts: FontSet) -> TaggedParagraph:
    """A paragraph of personal text, wrapped at `width`."""
    para = TaggedParagraph(digit_faces(to_markup(escape_markup(text), fonts), fonts, style), style)
    para.wrap(width, style.leading * 100)
    return para


def _fits(para: TaggedParagraph) -> bool:
    return bool(para.height <= para.style.leading * 1.01)


def one_line(value: str, width: float, style: ParagraphStyle, ctx: LayoutContext,
             fonts: FontSet | None = None, tail: str = "") -> TaggedParagraph:  # fmt: skip
    """A paragraph of personal text cut with an ellipsis so it fits on one line, and `tail`
    after it whole (unless not even the ellipsis and the tail fit: then all is cut)."""
    fonts = fonts or ctx.fonts
    para = _line(value + tail, width, style, fonts)
    if _fits(para):
        return para
    if tail and not _fits(_line("\u2026" + tail, width, style, fonts)):
        value, tail = value + tail, ""
    low, high = 0, len(value)  # value[:low] + "…" fits on one line; value[:high] does not
    while high - low > 1:
        middle = (low + high) // 2
        if _fits(_line(value[:middle] + "\u2026" + tail, width, style, fonts)):
            low = middle
        else:
            high = middle
    return _line(value[:low].rstrip() + "\u2026" + tail, width, style, fonts)


def footer_line(running: d.Running, width: float, ctx: LayoutContext) -> TaggedParagraph:
    """The practice and its contact on one line, numbers in clear digits. A phone number cut
    short reads as a wrong one: the contact keeps the parts (between commas or semicolons)
    that fit whole, and the practice is shortened to leave them room."""
    style, fonts = ctx.styles.running, ctx.fonts.clear_digits
    practice, contact = running.practice, running.contact
    whole = " \u00b7 ".join(x for x in (practice, contact) if x)
    if _fits(_line(whole, width, style, fonts)):
        return _line(whole, width, style, fonts)
    parts = re.split(r"(?<=[,;])\s+", contact.strip()) if contact.strip() else []
    room = width * 0.6 if practice else width  # the practice keeps at least its start
    for count in range(len(parts), 0, -1):
        kept = " ".join(parts[:count]).rstrip(",;")
        if _fits(_line(kept, room, style, fonts)):
            tail = f" \u00b7 {kept}" if practice else kept
            return one_line(practice, width, style, ctx, fonts, tail)
    return one_line(whole, width, style, ctx, fonts)


def draw_running(canv: Canvas, running: d.Running, ctx: LayoutContext, geo: Geometry, page: int,
                 total: int) -> None:  # fmt: skip
    """The running header (title, recipient) and footer (practice and contact, clear of the
    widest "Page X of Y")."""
    style = ctx.styles.running
    right = derive(style, "running-right", alignment=TA_RIGHT)
    x, inner, top = geo.left(page), geo.frame_width, geo.height - geo.top
    one_line(running.title, inner * 0.58, style, ctx).drawOn(canv, x, top)
    one_line(running.recipient, inner * 0.4, right, ctx).drawOn(canv, x + inner * 0.6, top)
    canv.setStrokeColor(ctx.ink["rule"])
    canv.setLineWidth(0.5)
    canv.line(x, top - style.leading * 0.4, x + inner, top - style.leading * 0.4)
    page_of = running.page_of.format(page=total, total=total)
    room = inner - stringWidth(page_of, ctx.fonts.main.regular, style.fontSize) - style.fontSize
    width = max(min(inner * 0.7, room), inner * 0.3)
    footer_line(running, width, ctx).drawOn(canv, x, geo.bottom - style.leading)


def running_form(page: int, geo: Geometry) -> str:
    return "wb-running-even" if geo.duplex and page % 2 == 0 else "wb-running"


def page_form(page: int) -> str:
    """The form that draws "Page X of Y" on page X."""
    return f"wb-page-{page}"


def finish_pages(canv: Canvas, running: d.Running, ctx: LayoutContext, geo: Geometry,
                 numbers: dict[str, int | None]) -> None:  # fmt: skip
    """Once the page count is known, define the forms the pages used: the running header
    and footer, each page's "Page X of Y", and the contents' page numbers (`numbers`, by
    the key of the section each entry links to)."""
    total = canv.getPageNumber() - 1
    with quiet(canv):  # a form's content is marked where the form is used
        for page in (1, 2) if geo.duplex else (1,):
            _form(canv, running_form(page, geo), partial(draw_running, canv, running, ctx, geo,
                                                         page, total))  # fmt: skip
        for page in range(2, total + 1):
            _form(canv, page_form(page), partial(_page_of, canv, running, ctx, geo, page, total))
        for key, number in numbers.items():
            _form(canv, number_form(key), partial(_number, canv, ctx, number), geo)


def _form(
    canv: Canvas, name: str, draw: Callable[[], None], around: Geometry | None = None
) -> None:
    """Define a form; drawn `around` its origin (a page's size each way), or on the page."""
    if around is None:
        canv.beginForm(name)
    else:
        canv.beginForm(name, -around.width, -around.height, around.width, around.height)
    draw()
    canv.endForm()


def _page_of(canv: Canvas, running: d.Running, ctx: LayoutContext, geo: Geometry, page: int,
             total: int) -> None:  # fmt: skip
    """ "Page X of Y", right-aligned in the footer."""
    style = ctx.styles.running
    canv.setFillColor(style.textColor)
    canv.setFont(ctx.fonts.main.regular, style.fontSize)
    canv.drawRightString(geo.left(page) + geo.frame_width,
                         geo.bottom - style.leading + style.fontSize * 0.25,
                         running.page_of.format(page=page, total=total))  # fmt: skip


def _number(canv: Canvas, ctx: LayoutContext, page: int | None) -> None:
    """A contents entry's page number, right-aligned on its title's baseline."""
    if page is not None:
        canv.setFont(ctx.fonts.main.bold, ctx.styles.toc_entry.fontSize)
        canv.drawRightString(0, 0, str(page))


def on_page(canv: Canvas, doc: Any) -> None:
    """Every page but the cover: the running header and footer, and the page number."""
    page = canv.getPageNumber()
    with artifact(canv, HEADER):
        canv.doForm(running_form(page, doc.geometry))
    with artifact(canv, FOOTER):
        canv.doForm(page_form(page))


class CareNote(FrameActionFlowable):  # type: ignore[misc]
    """The care note at the foot of the page a worksheet ends on, a paragraph of the
    worksheet's Sect. Like ReportLab's other frame actions it takes no room and never starts
    a page: it is drawn on the page of the flowable before it."""

    def __init__(self, note: Flowable, section: Element, x: Callable[[int], float],
                 y: float, lang: str | None = None) -> None:  # fmt: skip
        self.note, self.section, self.x, self.y = note, section, x, y
        self.lang = {"Lang": lang} if lang else {}  # the note's, in a worksheet of another

    def frameAction(self, frame: Any) -> None:
        canv = self.canv
        with marked(canv, self.section.add("P", **self.lang)):
            canv.saveState()
            self.note.drawOn(canv, self.x(canv.getPageNumber()), self.y)
            canv.restoreState()


def with_care_notes(story: list[Flowable], sheet_of: Callable[[Flowable], str | None],
                    sections: dict[str, Element], document: d.Document, ctx: LayoutContext,
                    geo: Geometry) -> list[Flowable]:  # fmt: skip
    """`story` with a care note after each worksheet's last flowable that takes room (a page
    break ending a worksheet leaves the note on the page before it). `sheet_of` tells the
    worksheet a flowable belongs to; `sections` holds each worksheet's Sect (whose Lang, in
    a worksheet that fell back to English, the note in the workbook's language does not
    share)."""
    style = ctx.styles.running
    note = one_line(d.plain_text(document.care_note), geo.frame_width, style, ctx)
    last = {}
    for i, flowable in enumerate(story):
        sheet = sheet_of(flowable)
        if sheet in sections and not isinstance(flowable, (ActionFlowable, PageBreak)):
            last[sheet] = i
    ends = {i: sheet for sheet, i in last.items()}
    noted: list[Flowable] = []
    for i, flowable in enumerate(story):
        noted.append(flowable)
        if i in ends:
            noted.append(
                CareNote(
                    note,
                    sections[ends[i]],
                    geo.left,
                    geo.bottom + style.leading * 0.9,
                    document.language if "Lang" in sections[ends[i]].attrs else None,
                )
            )
    return noted


def cover_band(theme: Theme, geo: Geometry) -> Any:
    """A band of the theme's heading colour across the top of the cover (a rule in ink-saver)."""

    def draw(canv: Canvas, doc: Any) -> None:
        with artifact(canv):
            _band(canv)

    colours = ink(theme)

    def _band(canv: Canvas) -> None:
        canv.saveState()
        if theme.filled_backgrounds:
            canv.setFillColor(colours["heading"])
            canv.rect(0, geo.height - COVER_BAND, geo.width, COVER_BAND, stroke=0, fill=1)
            canv.setFillColor(colours["accent"])
            canv.rect(0, geo.height - COVER_BAND - 4, geo.width, 4, stroke=0, fill=1)
        else:
            canv.setStrokeColor(colours["heading"])
            canv.setLineWidth(2)
            y = geo.height - geo.top
            canv.line(geo.inner, y, geo.width - geo.outer, y)
        canv.restoreState()

    return draw
