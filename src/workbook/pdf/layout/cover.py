"""Stage 5, layout: the cover — title above, the practice's branding at its foot, on one page.

The branding (logo, who prepared the workbook, practice, contact, URL and its QR code) is
laid out in the first arrangement that leaves room for the title block: the logo above the
text, beside it, or smaller; then, for themes near their limits, with less space in the
title block. A cover that fits on one page in no arrangement stops the build with a clear
message: it never goes on to a second page, where the logo or QR code would stand apart
from the names they belong to.
"""

from __future__ import annotations

from itertools import product
from typing import NamedTuple

from reportlab.graphics.shapes import Drawing
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, FrameBreak, HRFlowable, Image, TableStyle
from reportlab.platypus.doctemplate import LayoutError

from ... import document as d
from ...project import Logo
from ...theme import COVER_FOOT
from .context import LayoutContext
from .flowables import Gap, Tagged
from .measure import stacked
from .styles import derive
from .tags import Element
from .text import TaggedTable

QR_SIZE = 72  # 1 inch: scans from paper
SPACES = (1.0, 0.5, 0.0)  # the title block's spaces, as a share of the usual, tried in turn
LOGO_GAP = 12  # points between the logo and the text


class Arrangement(NamedTuple):
    """Where the logo goes and the largest box it is scaled into (points)."""

    beside: bool  # left of the text, else above it
    width: float
    height: float


ABOVE = Arrangement(False, 60 * mm, 28 * mm)  # the usual cover
ABOVE_SMALL = Arrangement(False, 48 * mm, 16 * mm)
BESIDE = Arrangement(True, 36 * mm, 28 * mm)
BESIDE_SMALL = Arrangement(True, 26 * mm, 18 * mm)


def arrangements(logo: Logo | None) -> list[Arrangement]:
    """The arrangements to try, best first: a wide logo stays above the text (beside it, it
    would take the text's width), a tall one goes beside it (above, it would be a sliver
    with a gap at its right), a square one tries both at full size before a smaller one."""
    if logo is None:
        return [ABOVE]
    if logo.width >= 2 * logo.height:
        return [ABOVE, ABOVE_SMALL, BESIDE, BESIDE_SMALL]
    if logo.height >= 1.5 * logo.width:
        return [BESIDE, ABOVE, BESIDE_SMALL, ABOVE_SMALL]
    return [ABOVE, BESIDE, BESIDE_SMALL, ABOVE_SMALL]


class CoverTooFull(Flowable):  # type: ignore[misc]
    """Stands for a cover that fits on no page: the build names the cover and the theme."""

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        raise LayoutError("the cover's title and branding do not fit on one page")


def cover(section: d.Cover, logo: Logo | None, ctx: LayoutContext) -> tuple[list[Flowable], float]:
    """Title block in the cover's upper frame; the practice's branding in its foot frame, and
    the height that foot needs: at least 62 mm, more for large print, always leaving the
    title block its room. Each arrangement is tried in a scratch section; the one that fits
    is made again in the cover's own."""
    width, page, trial = ctx.frame_width, ctx.frame_height, ctx.within(Element("Sect"))
    for spaces, arrangement in product(SPACES, arrangements(logo)):
        story = _title_block(section, trial, spaces)
        branding = _branding(section.branding, logo, trial, arrangement)
        top, need = stacked(story, width), (stacked(branding, width) + 1 if branding else 0.0)
        gap = ctx.theme.spacing * 2 * spaces if branding else 0.0  # above the branding's rule
        if top + gap + need <= page:
            break
    else:
        return [CoverTooFull()], COVER_FOOT
    story = _title_block(section, ctx, spaces)
    branding = _branding(section.branding, logo, ctx, arrangement)
    foot = max(need, min(COVER_FOOT, page - top - gap), 1.0)
    air = Gap(1, min(page * 0.2, max(page - foot - top - gap, 0)))  # less over a long title
    return [air, *story, FrameBreak(), *_bottom(branding, foot, ctx)], foot


def _title_block(section: d.Cover, ctx: LayoutContext, spaces: float) -> list[Flowable]:
    """Title, rule, who it is for, date and edition, with `spaces` of the usual space after
    each (less only when a theme at its limits leaves no room for the branding)."""
    s, theme = ctx.styles, ctx.theme

    def spaced(style: ParagraphStyle) -> ParagraphStyle:
        if spaces == 1:
            return style
        return derive(style, f"{style.name}-{spaces:g}", spaceAfter=style.spaceAfter * spaces)

    story: list[Flowable] = [ctx.para(section.title, spaced(s.cover_title), "H1")]
    rule = HRFlowable(width="22%", thickness=3, color=ctx.ink["accent"], hAlign="LEFT",
                      spaceBefore=0, spaceAfter=theme.spacing * 2 * spaces)  # fmt: skip
    story.append(Tagged(rule, None))
    if section.prepared_for:
        story.append(ctx.para(section.prepared_for, spaced(s.cover_line)))
    if section.date:
        story.append(ctx.para(section.date, spaced(s.meta)))
    if section.edition:
        story.append(ctx.para(section.edition, spaced(s.cover_line)))
    return story


def _bottom(branding: list[Flowable], foot: float, ctx: LayoutContext) -> list[Flowable]:
    """The branding pushed down to sit on the bottom of the cover."""
    if not branding:
        return []
    return [Gap(1, max(foot - stacked(branding, ctx.frame_width) - 1, 0)), *branding]


def _logo(logo: Logo | None, alt: str, ctx: LayoutContext, box: Arrangement) -> Flowable | None:
    """The logo scaled to fit the arrangement's box, keeping its proportions."""
    if logo is None:
        return None
    scale = min(box.width / logo.width, box.height / logo.height)
    image = Image(str(logo.path), logo.width * scale, logo.height * scale, hAlign="LEFT")
    return Tagged(image, ctx.element("Figure", Alt=alt))


def _typed(value: str) -> d.Inline:
    return (d.Text(value),)


def _qr(url: str, font: str, size: float = QR_SIZE) -> Drawing:
    from reportlab.graphics.barcode.qr import QrCodeWidget  # only with a url: slow to import

    widget = QrCodeWidget(url)
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(
        size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0], initialFontName=font
    )
    drawing.add(widget)
    drawing.hAlign = "RIGHT"
    return drawing


def _branding(branding: d.Branding | None, logo_file: Logo | None, ctx: LayoutContext,
              arrangement: Arrangement) -> list[Flowable]:  # fmt: skip
    """Logo, name, practice, contact and URL at the foot of the cover, QR code at the right;
    the logo above the text or at its left."""
    s = ctx.styles
    if not branding:
        return []
    logo = _logo(logo_file, branding.logo_alt, ctx, arrangement)
    lines: list[Flowable] = [logo, Gap(1, LOGO_GAP)] if logo and not arrangement.beside else []
    if branding.prepared_by:
        lines.append(ctx.para(_typed(branding.prepared_by), derive(s.body, "by", spaceAfter=2)))
    if branding.practice:
        lines.append(ctx.para(_typed(branding.practice), s.muted))
    if branding.contact:  # a phone number must read right
        lines.append(ctx.clear_digits().para(_typed(branding.contact), s.muted))
    if branding.url:
        lines.append(ctx.para(_typed(branding.url), s.muted))
    qr: Flowable | str = ""
    if branding.url:
        figure = ctx.element("Figure", Alt=branding.qr_alt or branding.url)
        qr = Tagged(_qr(branding.url, ctx.fonts.main.regular), figure)
    row: list[object] = [lines, qr]
    widths: list[float | str] = ["*", QR_SIZE + 4]
    if logo and arrangement.beside:
        row.insert(0, logo)
        widths.insert(0, logo.wrap(arrangement.width, arrangement.height)[0] + LOGO_GAP)
    return [_branding_table(row, widths, ctx)]


def _branding_table(
    row: list[object], widths: list[float | str], ctx: LayoutContext
) -> TaggedTable:
    table = TaggedTable([row], colWidths=widths, hAlign="LEFT")
    commands: list[tuple[object, ...]] = [
        ("FONT", (0, 0), (-1, -1), ctx.fonts.main.regular),
        ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("LINEABOVE", (0, 0), (-1, 0), 0.5, ctx.ink["rule"]),
        ("TOPPADDING", (0, 0), (-1, -1), ctx.theme.spacing),
    ]
    if len(row) == 3:  # a logo at the left: it and the text start at the rule, like a letterhead
        commands.append(("VALIGN", (0, 0), (1, 0), "TOP"))
    table.setStyle(TableStyle(commands))
    return table
