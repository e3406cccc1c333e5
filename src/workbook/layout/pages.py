"""Stage 5, layout: the pages around the worksheets (cover, how-to, contents, crisis page)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Flowable, HRFlowable, Image, KeepTogether, Paragraph, Spacer
from reportlab.platypus import PageBreak as RLPageBreak

from ..errors import WorkbookError
from ..locale import crisis_contacts
from ..markup import escape_markup, plain
from ..personalise import PersonalWorksheet
from ..project import Project
from .blocks import LayoutContext, render_block
from .flowables import Anchor, ContentsEntry, WritingLines

PageHook = Callable[[str, int], Any]
LOGO_BOX = (60 * 2.8346, 28 * 2.8346)  # 60 x 28 mm


def literal(value: str) -> str:
    """Personal data as inline text that prints exactly as typed."""
    return escape_markup(value)


def _logo(project: Project) -> list[Flowable]:
    prepared = project.manifest.prepared_by
    if not prepared or not prepared.logo:
        return []
    path = (project.base_dir / prepared.logo).resolve()
    if not path.is_file():
        raise WorkbookError(f"prepared_by.logo: image not found: {path}")
    try:
        width, height = ImageReader(str(path)).getSize()
    except Exception as exc:  # ReportLab/PIL raise many kinds for a broken image
        raise WorkbookError(f"prepared_by.logo: cannot read image {path}: {exc}") from None
    scale = min(LOGO_BOX[0] / width, LOGO_BOX[1] / height)
    return [Image(str(path), width * scale, height * scale, hAlign="LEFT"), Spacer(1, 12)]


def _qr(url: str, font: str, size: float = 72) -> Drawing:
    widget = QrCodeWidget(url)
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(
        size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0], initialFontName=font
    )
    drawing.add(widget)
    drawing.hAlign = "LEFT"
    return drawing


def cover(project: Project, ctx: LayoutContext) -> list[Flowable]:
    s, text, man = ctx.styles, project.text, project.manifest
    story: list[Flowable] = [Spacer(1, ctx.frame_height * 0.18)]
    story.append(ctx.para(literal(project.title), s.cover_title))
    if project.recipient:
        story.append(
            ctx.para(literal(text["prepared_for"].format(name=project.recipient)), s.cover_line)
        )
    if man.edition == "facilitator":
        story.append(ctx.para(text["facilitator_edition"], s.meta))
    if project.date:
        story.append(ctx.para(project.date, s.meta))
    story.append(Spacer(1, ctx.frame_height * 0.22))
    prepared = man.prepared_by
    if prepared:
        story += _logo(project)
        if prepared.name:
            story.append(ctx.para(literal(text["prepared_by"].format(name=prepared.name)), s.body))
        for line in (prepared.practice, prepared.contact, prepared.url):
            if line:
                story.append(ctx.para(literal(line), s.muted))
        if prepared.url:
            story += [Spacer(1, 6), _qr(prepared.url, ctx.fonts.main.regular)]
    return story


def how_to(project: Project, ctx: LayoutContext, on_page: PageHook) -> list[Flowable]:
    title = project.text["how_to_title"]
    return [
        RLPageBreak(),
        Anchor("how-to", title, on_page),
        ctx.para(title, ctx.styles.title),
        Spacer(1, ctx.theme.spacing),
        *ctx.paragraphs(project.text["how_to"], ctx.styles.body),
    ]


def contents(
    entries: list[tuple[str, str, str]], project: Project, ctx: LayoutContext, on_page: PageHook
) -> list[Flowable]:
    """The contents page: (key, title, summary) per entry, each linked to its page."""
    title = project.text["contents"]
    story: list[Flowable] = [
        RLPageBreak(),
        Anchor("contents", title, on_page),
        ctx.para(title, ctx.styles.title),
        Spacer(1, ctx.theme.spacing),
    ]
    number_width = ctx.theme.base_size * 4
    for key, name, summary in entries:
        story.append(
            ContentsEntry(
                ctx.para(name, ctx.styles.toc_entry),
                ctx.para(summary, ctx.styles.toc_summary),
                key,
                number_width,
            )
        )
    return story


def care_note(project: Project, ctx: LayoutContext) -> Flowable:
    rule = HRFlowable(
        width="100%",
        thickness=0.5,
        color=ctx.theme.colours["rule"],
        spaceBefore=ctx.theme.spacing * 2,
        spaceAfter=ctx.theme.spacing * 0.6,
    )
    return KeepTogether([rule, ctx.para(project.text["care_note"], ctx.styles.muted)])


def worksheet(
    sheet: PersonalWorksheet, project: Project, ctx: LayoutContext, on_page: PageHook
) -> list[Flowable]:
    """One worksheet, starting on a new page; every flowable remembers its source block."""
    minutes = project.text["minutes"].format(n=sheet.sheet.minutes)
    story: list[Flowable] = [
        RLPageBreak(),
        Anchor(sheet.sheet.id, plain(sheet.title), on_page),
        ctx.para(sheet.title, ctx.styles.title),
        ctx.para(minutes, ctx.styles.meta),
    ]
    if project.manifest.edition == "facilitator" and sheet.facilitator_notes:
        story += _facilitator_notes(sheet.facilitator_notes, project, ctx)
    for key, block in sheet.blocks:
        ctx.field_base = field_base(sheet, int(key[1]))
        flowables = render_block(block, ctx)
        origin = (
            sheet.source.doc.locate(key),
            f"worksheet '{sheet.sheet.id}', block "
            f"{int(key[1]) + 1} ({getattr(block, 'type', '?')})",
        )
        for flowable in flowables:
            flowable._wb_origin = origin
        story += flowables
    story.append(care_note(project, ctx))
    return story


def field_base(sheet: PersonalWorksheet, index: int) -> str:
    """`<worksheet>.<type>.<n>`: n counts this type in the source, so `when:` never renumbers."""
    kind = sheet.sheet.blocks[index].type
    n = sum(b.type == kind for b in sheet.sheet.blocks[: index + 1])
    return f"{sheet.sheet.id}.{kind}.{n}"


def _facilitator_notes(notes: str, project: Project, ctx: LayoutContext) -> list[Flowable]:
    from reportlab.lib.styles import ParagraphStyle

    style = ParagraphStyle(
        "fnotes",
        parent=ctx.styles.tip,
        fontSize=ctx.styles.notes.fontSize,
        leading=ctx.styles.notes.leading,
        spaceBefore=0,
    )
    body = " ".join(notes.split())
    return [
        Paragraph(
            f"<b>{project.text['facilitator_notes']}.</b> {ctx.para(body, style).text}", style
        )
    ]


def crisis(project: Project, ctx: LayoutContext, on_page: PageHook) -> list[Flowable]:
    text, s, man = project.text, ctx.styles, project.manifest
    region = crisis_contacts(man.region)
    emergency = region["emergency"] if region else text["local_emergency_number"]
    story: list[Flowable] = [
        RLPageBreak(),
        Anchor("crisis", text["crisis_title"], on_page),
        ctx.para(text["crisis_title"], s.title),
        Spacer(1, ctx.theme.spacing),
    ]
    story += ctx.paragraphs(text["crisis_intro"], s.body)
    story += [
        ctx.para(step.format(emergency=emergency), s.item, bulletText="\u2022")
        for step in text["crisis_steps"]
    ]
    story.append(ctx.para(text["crisis_lines_title"], s.heading))
    lines = [(x.name, x.contact, x.note) for x in man.crisis_lines or []]
    if man.crisis_lines is None and region:
        lines = [(x["name"], x["contact"], x.get("note")) for x in region["lines"]]
    for name, contact, note in lines:
        story.append(ctx.para(f"**{literal(name)}** \u2014 {literal(contact)}", s.body))
        if note:
            story.append(ctx.para(literal(note), s.muted))
    if not lines:
        story += [ctx.para(text["crisis_generic"], s.body), _lines(2, ctx)]
    story += [ctx.para(text["crisis_own"], s.heading), _lines(3, ctx)]
    return story


def _lines(count: int, ctx: LayoutContext) -> Flowable:
    return WritingLines(count, ctx.theme.line_height, ctx.theme.colours["rule"], ctx.frame_height)
