"""Stage 5, layout: paragraph styles derived from a theme, in points."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reportlab.lib.colors import Color, HexColor
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.styles import ParagraphStyle

from ...fonts import FontSet
from ...theme import Theme
from .recent import RecentCache


@dataclass(frozen=True)
class Styles:
    body: ParagraphStyle
    title: ParagraphStyle  # worksheet title
    heading: ParagraphStyle
    meta: ParagraphStyle  # "about 20 minutes" under a title
    muted: ParagraphStyle
    tip: ParagraphStyle
    script: ParagraphStyle
    item: ParagraphStyle
    cell: ParagraphStyle
    header_cell: ParagraphStyle
    label: ParagraphStyle
    cover_title: ParagraphStyle
    cover_line: ParagraphStyle
    toc_entry: ParagraphStyle
    toc_summary: ParagraphStyle
    running: ParagraphStyle  # header and footer
    notes: ParagraphStyle


LARGE_PRINT_STEP = 2.0  # points: secondary text is at most this much smaller in large print
# styles made once per process keep their layout-cache keys (flowables.py)
_made: RecentCache[Styles] = RecentCache()
_derived: RecentCache[ParagraphStyle] = RecentCache()


def ink(theme: Theme) -> dict[str, Color]:
    """The theme's colours as ReportLab colours."""
    return {name: HexColor(value) for name, value in theme.colours.items()}


def make_styles(theme: Theme, fonts: FontSet) -> Styles:
    """The styles for a theme and font family, made once per process."""
    main = fonts.main
    key = repr((theme, main.regular, main.bold, main.italic, main.bold_italic))
    styles: Styles | None = _made.get(key)
    if styles is None:
        styles = _made[key] = _make_styles(theme, fonts)
    return styles


def derive(parent: ParagraphStyle, name: str, **changes: Any) -> ParagraphStyle:
    """`parent` with some attributes changed, made once per process."""
    key = (parent, name, tuple(sorted(changes.items())))
    style: ParagraphStyle | None = _derived.get(key)
    if style is None:
        style = _derived[key] = ParagraphStyle(name, parent=parent, **changes)
    return style


def _make_styles(theme: Theme, fonts: FontSet) -> Styles:
    size, lead = theme.base_size, theme.leading
    c = ink(theme)
    regular = fonts.main.regular
    body = ParagraphStyle(
        "body",
        fontName=regular,
        fontSize=size,
        leading=size * lead,
        textColor=c["text"],
        spaceAfter=theme.spacing,
        alignment=TA_LEFT,
        bulletFontName=regular,
        bulletFontSize=size,
        allowWidows=0,
        allowOrphans=0,
    )

    def like(name: str, scale: float = 1.0, **kw: object) -> ParagraphStyle:
        """A style `scale` times the base size; smaller text never goes below the large-print
        floor, so a 16 pt theme keeps its notes and tables at 14 pt or more."""
        font_size = size * scale if scale >= 1 else max(size * scale, size - LARGE_PRINT_STEP)
        kw.setdefault("leading", font_size * lead)
        return ParagraphStyle(name, parent=body, fontSize=font_size, bulletFontSize=font_size, **kw)

    pad = theme.spacing
    return Styles(
        body=body,
        title=like(
            "title",
            1.9,
            fontName=fonts.main.bold,
            textColor=c["heading"],
            leading=size * 1.9 * 1.15,
            spaceAfter=pad * 0.4,
        ),
        heading=like(
            "heading",
            1.3,
            fontName=fonts.main.bold,
            textColor=c["heading"],
            spaceBefore=pad * 1.2,
            spaceAfter=pad * 0.5,
            keepWithNext=1,
        ),
        meta=like("meta", 0.9, textColor=c["muted"], spaceAfter=pad * 1.5),
        muted=like("muted", 0.85, textColor=c["muted"]),
        tip=like(
            "tip",
            1.0,
            textColor=c["tip_text"],
            backColor=c["tip_background"] if theme.filled_backgrounds else None,
            borderColor=None if theme.filled_backgrounds else c["rule"],
            borderWidth=0 if theme.filled_backgrounds else 0.75,
            borderPadding=(pad, pad, pad, pad),
            leftIndent=pad,
            rightIndent=pad,
            spaceBefore=pad * 2.2,  # the shading reaches `pad` beyond the text
            spaceAfter=pad * 2.2,
        ),
        script=like(
            "script",
            1.05,
            fontName=fonts.main.italic,
            textColor=c["text"],
            leftIndent=pad * 2.2,
            spaceBefore=pad * 0.9,
            spaceAfter=pad * 1.2,
        ),
        item=like(
            "item", 1.0, leftIndent=size * 1.6, bulletIndent=size * 0.3, spaceAfter=pad * 0.4
        ),
        cell=like("cell", 0.9, spaceAfter=0),
        header_cell=like(
            "header_cell",
            0.9,
            fontName=fonts.main.bold,
            spaceAfter=0,
            textColor=c["table_header_text"] if theme.filled_backgrounds else c["heading"],
        ),
        label=like("label", 1.0, fontName=fonts.main.bold, spaceAfter=pad * 0.3, keepWithNext=1),
        cover_title=like(
            "cover_title",
            2.6,
            fontName=fonts.main.bold,
            textColor=c["heading"],
            leading=size * 2.6 * 1.15,
            alignment=TA_LEFT,
            spaceAfter=pad * 2,
        ),
        cover_line=like("cover_line", 1.25, spaceAfter=pad * 0.6),
        toc_entry=like("toc_entry", 1.1, fontName=fonts.main.bold, spaceAfter=0),
        toc_summary=like("toc_summary", 0.88, textColor=c["muted"], spaceAfter=pad * 1.1),
        running=like(
            "running", 0.75, textColor=c["muted"], leading=size * 0.75 * 1.2, spaceAfter=0
        ),
        notes=like("notes", 0.92, spaceAfter=pad * 0.6),
    )
