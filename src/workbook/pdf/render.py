"""Stage 6, the PDF: page templates, running header and footer, page numbers, outline, metadata.

One layout pass: page numbers that are not known when a page is drawn ("of Y", the contents'
page numbers) are forms the pages draw, defined once the build ends (layout/running.py).
"""

from __future__ import annotations

import copy
import io
import threading
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from reportlab import rl_config
from reportlab.pdfbase import pdfdoc
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
)
from reportlab.platypus.doctemplate import LayoutError

from .. import __version__
from ..document import Contents, Cover, Document, HowTo, Source, WorksheetSection, build_document
from ..errors import Diagnostic, WorkbookError
from ..fonts import font_set
from ..project import Project, build_date
from ..theme import Theme
from .file import FLATE, write_packed
from .layout.blocks import BLANK_CALLBACK, BLANK_SPACES, NBSP
from .layout.context import LayoutContext
from .layout.flowables import Anchor, NewPage
from .layout.forms import blank_callback, with_form_fonts
from .layout.pages import contents, cover, crisis, how_to, worksheet
from .layout.recent import new_build
from .layout.running import (
    PAGE_SIZES,
    Geometry,
    cover_band,
    finish_pages,
    on_page,
    with_care_notes,
)
from .layout.styles import ink, make_styles
from .layout.tags import Element, TaggingCanvas
from .layout.tail import TailBreak
from .structure import write_metadata, write_structure


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
        self.origin: Source | None = None  # the source block being laid out, if any
        self.origins: dict[Flowable, Source] = {}  # a worksheet's flowables' source blocks
        self.anchor_pages: dict[str, int] = {}
        self.blank_callback: Any = None
        self.geometry: Any = None
        self.sections: dict[str, Element] = {}  # worksheet id -> its Sect
        self.part = "cover"  # the anchor key of the part being laid out, for error messages

    def handle_flowable(self, flowables: list[Flowable]) -> None:
        first = flowables[0] if flowables else None
        origin = self.origin_of(first)
        if origin is not None:
            self.origin = origin
        elif isinstance(first, (Anchor, PageBreak)):
            self.origin = None  # a new section starts
        if isinstance(first, Anchor):
            self.part = first.key
        if isinstance(first, NewPage) and self._curPageFlowableCount == 0:
            del flowables[0]  # nothing is on this page yet: it is the new page
            return
        super().handle_flowable(flowables)

    def origin_of(self, flowable: Flowable | None) -> Source | None:
        """The source block of a flowable (of a group kept together: of its last one, the
        block its introduction is kept with)."""
        if isinstance(flowable, KeepTogether) and flowable._content:
            return self.origin_of(flowable._content[-1])
        return self.origins.get(flowable) if flowable is not None else None

    def sheet_of(self, flowable: Flowable) -> str | None:
        """The worksheet a flowable belongs to, if any."""
        origin = self.origin_of(flowable)
        return origin.sheet if origin else None

    def beforeDocument(self) -> None:
        self.canv.setNamedCB(BLANK_CALLBACK, self.blank_callback)

    def record_page(self, key: str, page: int) -> None:
        self.anchor_pages.setdefault(key, page)


class _Frame(Frame):  # type: ignore[misc]
    """Platypus deep-copies the frame to measure each KeepTogether; its state is flat numbers,
    so a shallow copy (and a copy of its background list) is the same and much cheaper."""

    def __deepcopy__(self, memo: dict[int, Any]) -> _Frame:
        clone = copy.copy(self)
        if "_frameBGs" in self.__dict__:
            clone._frameBGs = copy.deepcopy(self._frameBGs, memo)
        return clone


def _frame(ident: str, box: tuple[float, float, float, float]) -> Frame:
    x, y, w, h = box
    return _Frame(
        x, y, w, h, id=ident, leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0
    )


def _templates(theme: Theme, geo: Geometry, foot: float) -> list[PageTemplate]:
    """The cover (title above, branding in its foot) and body pages, odd and even."""
    x, y, w, h = geo.frame(1)
    cover_frames = [_frame("cover", (x, y + foot, w, h - foot)),
                    _frame("cover-foot", (x, y, w, foot))]  # fmt: skip
    return [
        PageTemplate("cover", cover_frames, onPage=cover_band(theme, geo)),
        PageTemplate("body", [_frame("body", geo.frame(1))], onPage=on_page),
        PageTemplate("body-even", [_frame("body", geo.frame(2))], onPage=on_page),
    ]


def _story(document: Document, project: Project, ctx: LayoutContext,
           doc: WorkbookDoc) -> tuple[list[Flowable], float]:  # fmt: skip
    """The flowables of every section, and the height of the cover's foot; each section is
    a Sect of the structure (a worksheet that fell back to another language says so)."""
    on_page, root = doc.record_page, ctx.section
    body = ["body-even", "body"] if project.manifest.duplex else "body"  # page 2 is even
    story: list[Flowable] = []
    foot = 0.0
    for section in document.sections:
        lang = {} if section.language == document.language else {"Lang": section.language}
        within = ctx.within(root.add("Sect", **lang))
        if isinstance(section, Cover):
            cover_story, foot = cover(section, project.logo, within)
            story += [*cover_story, NextPageTemplate(body)]
        elif isinstance(section, HowTo):
            story += how_to(section, within, on_page)
        elif isinstance(section, Contents):
            story += contents(section, within, on_page)
        elif isinstance(section, WorksheetSection):
            doc.sections[section.id] = within.section
            story += worksheet(section, within, on_page)
        else:
            story += crisis(section, within, on_page)
    return story, foot


@dataclass
class Rendered:
    pdf: bytes
    pages: int
    missing: set[str]  # characters no installed font can draw


_ONE_AT_A_TIME = threading.Lock()


def render(project: Project) -> Rendered:
    """Lay out and draw the whole workbook. Safe to call from threads: ReportLab keeps state
    in globals (its settings, font registry, our caches of laid-out text), so builds in one
    process take turns; run processes to build in parallel, as `batch` does."""
    with _ONE_AT_A_TIME:
        return _render(project)


def _render(project: Project) -> Rendered:
    new_build()
    fonts = font_set(project.theme.fonts, project.font_folders)
    theme = project.theme
    document = build_document(project)
    buffer, about = io.BytesIO(), document.metadata
    doc = WorkbookDoc(
        buffer,
        project,
        pagesize=PAGE_SIZES[project.manifest.page_size],
        title=about.title,
        author=about.author,
        subject=about.subject,
        creator=f"workbook {__version__}",
        lang=about.language,
        invariant=1,
        pageCompression=1,
        initialFontName=fonts.main.regular,
    )
    styles = make_styles(theme, fonts)
    geo = doc.geometry = Geometry.of(project)
    _, _, frame_width, frame_height = geo.frame(1)
    root = Element("Document")
    ctx = LayoutContext(theme, ink(theme), styles, fonts, frame_height, frame_width,
                        document.fillable, root, doc.origins, [])  # fmt: skip
    font, size = styles.body.fontName, styles.body.fontSize
    spoken = {f.name: f.spoken for f in document.fields}
    values = {f.name: f.value for f in document.fields if isinstance(f.value, str)}
    doc.blank_callback = blank_callback(size, stringWidth(NBSP * BLANK_SPACES, font, size),
                                        stringWidth(NBSP, font, size), ctx.ink["text"],
                                        spoken, values)  # fmt: skip
    story, foot = _story(document, project, ctx, doc)
    story = with_care_notes(story, doc.sheet_of, doc.sections, document, ctx, geo)
    doc.addPageTemplates(_templates(theme, geo, foot))
    doc._doSave = 0
    breaks = [flowable for flowable in story if isinstance(flowable, TailBreak)]
    with _stream_settings():
        try:
            # it tags what it draws, and its form fields are set in the build's fonts
            doc.build(story, canvasmaker=with_form_fonts(TaggingCanvas, fonts, project.warnings))
        except (LayoutError, ValueError) as exc:
            if isinstance(exc, ValueError) and "negative availWidth" not in str(exc):
                raise
            raise _layout_error(doc, exc) from None
        canv = doc.canv
        keys = [e.key for s in document.sections if isinstance(s, Contents) for e in s.entries]
        finish_pages(
            canv, document.running, ctx, geo, {key: doc.anchor_pages.get(key) for key in keys}
        )
        canv.showOutline()
        write_structure(canv, root, canv.tags)
        write_metadata(canv, project.manifest.language, build_date(project.manifest))
        canv._doc.format = partial(write_packed, canv._doc)  # the structure, compressed
        canv.save()
    _release(doc, canv, breaks)
    _note_invisible(project, fonts.invisible | document.invisible)
    project.warnings.extend(w for w in ctx.warnings if w not in project.warnings)
    return Rendered(buffer.getvalue(), canv.getPageNumber() - 1, fonts.missing)


def _release(doc: WorkbookDoc, canv: Any, breaks: list[TailBreak]) -> None:
    """Break the reference cycles a build leaves, so that reference counting frees its
    objects as it ends, rather than the garbage collector's pass over all of them after
    (see build.collector_paused; about 1.5 ms a workbook): ReportLab's document and its
    namespace, the file writer set on its PDF document, the canvas and its tagger, and the
    page breaks and their runs of the story. (Structure elements hold their parents weakly.)"""
    doc._nameSpace.clear()
    del canv._doc.format
    canv.tags.canv = None
    for flowable in breaks:
        del flowable.segment


def _char_name(char: str) -> str:
    kinds = {"Cc": "control character", "Cf": "format character"}
    return unicodedata.name(char, "") or kinds.get(unicodedata.category(char), "noncharacter")


def _note_invisible(project: Project, chars: set[str]) -> None:
    """A warning naming the invisible characters left out of the text (zero-width spaces, bidi
    controls, control characters), which would have printed as boxes; the build reports the
    project's warnings."""
    if not chars:
        return
    names = ", ".join(f"U+{ord(c):04X} {_char_name(c)}" for c in sorted(chars)[:20])
    message = (f"left out {len(chars)} invisible character(s) that would print as boxes: "
               f"{names}; check the names and text they came from")  # fmt: skip
    if all(w.message != message for w in project.warnings):
        project.warnings.append(Diagnostic(message, severity="warning"))


@contextmanager
def _stream_settings() -> Iterator[None]:
    """Compressed streams without ReportLab's default ASCII85 layer on top, which only serves
    7-bit transports and makes files 10-25% bigger and slower to write, and compressed at a
    faster level (file.FLATE)."""
    previous = rl_config.useA85, pdfdoc.PDFZCompress
    rl_config.useA85, pdfdoc.PDFZCompress = 0, FLATE
    try:
        yield
    finally:
        rl_config.useA85, pdfdoc.PDFZCompress = previous


def _layout_error(doc: WorkbookDoc, exc: Exception) -> WorkbookError:
    if doc.origin is None:
        return _part_error(doc)
    return WorkbookError.at(
        doc.origin.location,
        f"{doc.origin.what}: this content is too big to fit on a page; "
        "split it into smaller blocks or shorter table rows",
    )


_PARTS = {
    "cover": ("the cover", "a shorter title or fewer prepared_by details"),
    "how-to": ("the 'how to use this workbook' page", None),
    "contents": ("the contents", None),
    "crisis": ("the crisis page", "fewer or shorter crisis_lines"),
}


def _part_error(doc: WorkbookDoc) -> WorkbookError:
    """Text outside the worksheets' blocks that cannot fit on a page: sizes the theme allows
    but the page cannot hold together with this text (the theme check takes the rest)."""
    project = doc.project
    sheet = doc.part.removeprefix("ws-") if doc.part.startswith("ws-") else None
    part, fix = _PARTS.get(doc.part, (f"worksheet '{sheet}'", "a shorter title or notes"))
    theme = project.theme
    size = f"base size {theme.base_size:g}pt, leading {theme.leading:g}"
    remedy = f"{fix}, or " if fix else ""
    return WorkbookError(
        f"{part} does not fit on a page with theme '{theme.name}' ({size}): use "
        f"{remedy}a theme with a smaller base_size, leading or margins"
    )
