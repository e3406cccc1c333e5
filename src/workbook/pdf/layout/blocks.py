"""Stage 5, layout: one small render function per block type, registered by model class."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from typing import Any, NamedTuple, TypeVar

from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, KeepTogether, Spacer, TableStyle

from ... import models as m
from ...errors import Location
from ...fonts import FontSet
from ...markup import plain, to_markup
from ...theme import Theme
from .blanks import BLANK
from .blanks import BLANK_CALLBACK as BLANK_CALLBACK  # pdf.py's names for the blank marker
from .blanks import NBSP as NBSP
from .blanks import sentence as blank_sentence
from .flowables import CheckItem, NewPage, Paragraph, QuoteBar, RatingScale, Table, WritingLines
from .forms import FieldCell
from .styles import Styles, derive
from .tags import Element

B = TypeVar("B", bound=m.BlockBase)
Renderer = Callable[[Any, "LayoutContext"], list[Flowable]]
RENDERERS: dict[type[m.BlockBase], Renderer] = {}
KEEP_WITH_NEXT_LIMIT = 300
SHORT_TIP = 700  # characters; a longer tip may split across pages
BLANK_SPACES = 40  # the length of a blank whose field marker does not say (forms.py)
MIN_WRITING_LINES = 3  # the least a `lines` prompt gives: room to write a few sentences by hand


def renderer(
    block_type: type[B],
) -> Callable[[Callable[[B, LayoutContext], list[Flowable]]], Renderer]:
    def register(func: Callable[[B, LayoutContext], list[Flowable]]) -> Renderer:
        RENDERERS[block_type] = func
        return func

    return register


class Origin(NamedTuple):
    """Where a flowable comes from, for error messages and for finding a worksheet's end."""

    location: Location
    what: str  # "worksheet 'x', block 3 (table)"
    sheet: str


@dataclass
class LayoutContext:
    theme: Theme
    styles: Styles
    fonts: FontSet
    text: dict[str, Any]
    frame_height: float
    frame_width: float
    fillable: bool = False
    field_base: str | None = None  # set per block: "<worksheet>.<type>.<n>"
    # where new structure elements go: the Document, then a page's or worksheet's Sect
    section: Element = dataclasses.field(default_factory=lambda: Element("Document"))
    tooltips: dict[str, str] = dataclasses.field(default_factory=dict)  # blank -> spoken name

    def element(self, role: str, **attrs: Any) -> Element:
        """A new structure element at the end of the current section."""
        return self.section.add(role, **attrs)

    def field(self, part: str | None = None) -> str | None:
        """The form-field name for a part of the current block (None when not fillable)."""
        if not self.fillable or self.field_base is None:
            return None
        return f"{self.field_base}.{part}" if part else self.field_base

    @contextmanager
    def clear_digits(self) -> Iterator[None]:
        """Text made inside draws numbers in a font with a plain zero, if the theme's font
        has a slashed or dotted one: phone numbers and crisis lines (fonts.digits_family)."""
        fonts, self.fonts = self.fonts, self.fonts.clear_digits
        try:
            yield
        finally:
            self.fonts = fonts

    def para(self, text: str, style: ParagraphStyle, tag: Element | str = "P",
             **kw: Any) -> Paragraph:  # fmt: skip
        """A paragraph whose text is `tag`: an element, or a new one in the section."""
        if getattr(style, "keepWithNext", 0) and len(text) > KEEP_WITH_NEXT_LIMIT:
            # keep-with-next on text taller than a page would make ReportLab loop forever
            style = derive(style, f"{style.name}-long", keepWithNext=0)
        markup = to_markup(text, self.fonts)
        if self.fonts.digits is not None:
            markup = digit_faces(markup, self.fonts, style)
        para = Paragraph(markup, style, **kw)
        para.tag = self.element(tag) if isinstance(tag, str) else tag
        return para

    def paragraphs(self, text: str, style: ParagraphStyle) -> list[Flowable]:
        """Blank lines in the source separate paragraphs; single newlines are spaces."""
        chunks = [c for c in re.split(r"\n\s*\n", text.strip()) if c.strip()]
        return [self.para(c, style) for c in chunks]

    def items(self, texts: list[str], style: ParagraphStyle,
              bullets: list[str] | None = None) -> list[Paragraph]:  # fmt: skip
        """A list (L), one paragraph per item (LI: its bullet the Lbl, its text the LBody)."""
        listed = self.element("L")
        paras = []
        for i, text in enumerate(texts):
            item = listed.add("LI")
            label = item.add("Lbl") if bullets else None
            para = self.para(text, style, item.add("LBody"),
                             bulletText=bullets[i] if bullets else None)  # fmt: skip
            para.label_tag = label
            paras.append(para)
        return paras


def digit_faces(markup: str, fonts: FontSet, style: ParagraphStyle) -> str:
    """Numbers drawn in clear digits (fonts.digits_family) take the face of the text around
    them, bold or italic: a `<font>` tag's face sets the weight, whatever `<b>` or the
    style's font says. (Not smaller to match the theme's digits: large print stays large.)"""
    digits, main = fonts.digits, fonts.main
    if digits is None or digits.regular not in markup:
        return markup
    font = style.fontName
    bold_style = font in (main.bold, main.bold_italic)
    italic_style = font in (main.italic, main.bold_italic)
    bold, italic = bold_style, italic_style
    opener, parts = f'<font face="{digits.regular}">', []
    for part in re.split(r"(</?[bi]>)", markup):  # to_markup escapes the text's own < and >
        if part in ("<b>", "</b>"):
            bold = part == "<b>" or bold_style
        elif part in ("<i>", "</i>"):
            italic = part == "<i>" or italic_style
        elif bold or italic:
            face = (digits.bold_italic if italic else digits.bold) if bold else digits.italic
            part = part.replace(opener, f'<font face="{face}">')
        parts.append(part)
    return "".join(parts)


def render_block(block: m.BlockBase, ctx: LayoutContext) -> list[Flowable]:
    return RENDERERS[type(block)](block, ctx)


@renderer(m.Heading)
def render_heading(block: m.Heading, ctx: LayoutContext) -> list[Flowable]:
    return [ctx.para(block.text, ctx.styles.heading, "H2")]


@renderer(m.Paragraph)
def render_paragraph(block: m.Paragraph, ctx: LayoutContext) -> list[Flowable]:
    return ctx.paragraphs(block.text, ctx.styles.body)


@renderer(m.Tip)
def render_tip(block: m.Tip, ctx: LayoutContext) -> list[Flowable]:
    """A shaded box; a short one never splits across pages."""
    title = block.title or ctx.text["tip"]
    body = " ".join(block.text.split())
    para = Paragraph(
        f"<b>{to_markup(title, ctx.fonts)}.</b> {to_markup(body, ctx.fonts)}", ctx.styles.tip
    )
    para.tag = ctx.element("Note")
    return [KeepTogether([para])] if len(body) <= SHORT_TIP else [para]


@renderer(m.Script)
def render_script(block: m.Script, ctx: LayoutContext) -> list[Flowable]:
    quoted = f"\u201c{block.text.strip()}\u201d"
    return [
        QuoteBar(ctx.para(quoted, ctx.styles.script, "BlockQuote"), ctx.theme.colours["accent"])
    ]


@renderer(m.ListBlock)
def render_list(block: m.ListBlock, ctx: LayoutContext) -> list[Flowable]:
    style = ctx.styles.item
    bullets = [f"{i}." if block.ordered else "\u2022" for i in range(1, len(block.items) + 1)]
    return [*ctx.items(block.items, style, bullets), Spacer(1, ctx.theme.spacing * 0.8)]


@renderer(m.Checklist)
def render_checklist(block: m.Checklist, ctx: LayoutContext) -> list[Flowable]:
    style = derive(ctx.styles.item, "check", leftIndent=0, spaceAfter=ctx.theme.spacing * 0.5)
    box, colour = ctx.theme.box_size, ctx.theme.colours["accent"]
    items = []
    for i, para in enumerate(ctx.items(block.items, style), start=1):
        item = CheckItem(para, box, colour, field=ctx.field(f"item{i}"))
        item.tooltip = ctx.text["spoken_check"].format(item=plain(block.items[i - 1]))
        items.append(item)
    return [*items, Spacer(1, ctx.theme.spacing * 0.8)]


def _label(text: str | None, ctx: LayoutContext) -> list[Flowable]:
    return [ctx.para(text, ctx.styles.label)] if text else []


@renderer(m.Lines)
def render_lines(block: m.Lines, ctx: LayoutContext) -> list[Flowable]:
    theme = ctx.theme
    lines = WritingLines(
        max(block.count, MIN_WRITING_LINES),
        theme.line_height,
        theme.colours["rule"],
        ctx.frame_height,
        ctx.field(),
        theme.colours["text"],
        fill=block.fill,
    )
    label = _label(block.label, ctx)
    if ctx.fillable:  # the fields, one per line, in a group after the label
        lines.tag = ctx.element("Div")
        spoken = plain(block.label or ctx.text["spoken_lines_default"]).rstrip(":")
        lines.tooltip = partial(ctx.text["spoken_line"].format, label=spoken)
    if not block.fill:  # (one that fills the page has nothing after it on the page)
        lines.spaceAfter = ctx.theme.spacing * 1.5  # space, unlike a Spacer, vanishes at a page end
    return [*label, lines]


@renderer(m.FillIn)
def render_fill_in(block: m.FillIn, ctx: LayoutContext) -> list[Flowable]:
    """A sentence whose ___ are underlined writing spaces (blanks.py sizes them for
    handwriting); its lines are spaced for handwriting too."""
    style = derive(
        ctx.styles.body,
        "fill",
        leading=max(ctx.theme.line_height, ctx.styles.body.leading * 1.6),
        spaceAfter=ctx.theme.spacing * 1.2,
    )
    total = len(BLANK.findall(block.template))
    sentence = " ".join(plain(block.template).split())
    names = [ctx.field(f"blank{n}") for n in range(1, total + 1)]
    for number, name in enumerate(names, start=1):
        if name:  # the field is drawn where the blank is (forms.blank_callback)
            ctx.tooltips[name] = ctx.text["spoken_blank"].format(
                sentence=sentence, n=number, total=total)  # fmt: skip
    colour = "#" + ctx.theme.colours["text"].hexval()[2:]
    para = blank_sentence(block.template, names, style, ctx.fonts, ctx.frame_width, colour)
    para.tag = ctx.element("P")  # its blanks' fields belong to it
    return [*_label(block.label, ctx), para]


@renderer(m.Table)
def render_table(block: m.Table, ctx: LayoutContext) -> list[Flowable]:
    cols = len(block.columns)
    cells = _table_tags(ctx, cols, len(block.rows) + block.blank_rows)
    header = [
        ctx.para(c, ctx.styles.header_cell, th)
        for c, th in zip(block.columns, cells[0], strict=True)
    ]
    rows: list[list[Any]] = [
        [
            ctx.para(cell, ctx.styles.cell, td) if cell else ""
            for cell, td in zip([*row, *[""] * (cols - len(row))], tags, strict=True)
        ]
        for row, tags in zip(block.rows, cells[1:], strict=False)
    ]
    blank_height = ctx.theme.line_height * block.row_lines
    rows += [[""] * cols for _ in range(block.blank_rows)]
    size, colour = ctx.styles.cell.fontSize, ctx.theme.colours["text"]
    for r, row in enumerate(rows, start=1):
        for c, cell in enumerate(row):
            if cell == "" and ctx.fillable:
                height = (
                    blank_height - 2 * ctx.theme.spacing * 0.6
                    if r > len(block.rows)
                    else size * 1.5
                )
                spoken = ctx.text["spoken_cell"].format(column=plain(block.columns[c]), row=r)
                row[c] = FieldCell(ctx.field(f"r{r}c{c + 1}"), height, size, colour,
                                   cells[r][c], spoken)  # fmt: skip
    weights = block.widths or [1.0] * cols
    heights = [None] * (1 + len(block.rows)) + [blank_height] * block.blank_rows
    table = Table(
        [header, *rows],
        colWidths=[f"{100 * w / sum(weights):.4f}%" for w in weights],
        rowHeights=heights,
        repeatRows=1,
        splitInRow=1,
        hAlign="LEFT",
    )
    table.setStyle(_table_style(ctx))
    table.spaceAfter = ctx.theme.spacing * 1.5
    return [table]


def _table_tags(ctx: LayoutContext, cols: int, rows: int) -> list[list[Element]]:
    """A Table element with a header row (TH, scope column) and `rows` body rows of TD:
    the cell elements, row by row."""
    table = ctx.element("Table")
    head = table.add("THead").add("TR")
    cells = [[head.add("TH", Scope="Column") for _ in range(cols)]]
    body = table.add("TBody") if rows else table
    for _ in range(rows):
        row = body.add("TR")
        cells.append([row.add("TD") for _ in range(cols)])
    return cells


def _table_style(ctx: LayoutContext) -> TableStyle:
    c, pad = ctx.theme.colours, ctx.theme.spacing * 0.6
    commands: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), ctx.fonts.main.regular, ctx.styles.cell.fontSize),
        ("GRID", (0, 0), (-1, -1), 0.6, c["rule"]),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), pad),
        ("BOTTOMPADDING", (0, 0), (-1, -1), pad),
        ("LEFTPADDING", (0, 0), (-1, -1), pad),
        ("RIGHTPADDING", (0, 0), (-1, -1), pad),
    ]
    if ctx.theme.filled_backgrounds:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), c["table_header_background"]))
    else:
        commands.append(("LINEBELOW", (0, 0), (-1, 0), 1.5, c["heading"]))
    return TableStyle(commands)


@renderer(m.Scale)
def render_scale(block: m.Scale, ctx: LayoutContext) -> list[Flowable]:
    def anchor_style(value: int) -> ParagraphStyle:
        align = TA_LEFT if value == block.min else TA_RIGHT if value == block.max else TA_CENTER
        return derive(ctx.styles.muted, "anchor", alignment=align, spaceAfter=0)

    group = ctx.element("Div")  # the label, the numbers, the anchors and the fields
    label = ctx.para(block.label, ctx.styles.label, group.add("P"))
    digits = group.add("P")
    anchors = {k: ctx.para(v, anchor_style(k), group.add("P"))
               for k, v in sorted(block.anchors.items())}  # fmt: skip
    size = ctx.theme.box_size * 2
    scale = RatingScale(
        block.min,
        block.max,
        anchors,
        size,
        ctx.fonts.main.regular,
        ctx.theme.base_size,
        ctx.theme.colours["accent"],
        ctx.theme.colours["text"],
        ctx.field(),
    )
    scale.tag, scale.digits_tag = group, digits
    scale.tooltip = ctx.text["spoken_scale"].format(
        label=plain(block.label), low=block.min, high=block.max)  # fmt: skip
    scale.spaceAfter = ctx.theme.spacing * 2
    return [label, scale]


@renderer(m.Columns)
def render_columns(block: m.Columns, ctx: LayoutContext) -> list[Flowable]:
    left, right = block.left.items, block.right.items
    depth = max(len(left), len(right))
    style = derive(ctx.styles.cell, "colitem", leftIndent=ctx.theme.base_size, bulletIndent=0)

    cells = _table_tags(ctx, 2, depth)

    def cell(items: list[str], i: int, td: Element) -> Any:
        return ctx.para(items[i], style, td, bulletText="\u2022") if i < len(items) else ""

    header = [
        ctx.para(block.left.title, ctx.styles.header_cell, cells[0][0]),
        ctx.para(block.right.title, ctx.styles.header_cell, cells[0][1]),
    ]
    rows = [[cell(left, i, cells[i + 1][0]), cell(right, i, cells[i + 1][1])] for i in range(depth)]
    table = Table([header, *rows], colWidths=["50%", "50%"], repeatRows=1, splitInRow=1)
    style_cmds = _table_style(ctx)
    style_cmds.add("LINEBELOW", (0, 1), (-1, -2), 0.3, ctx.theme.colours["rule"])
    table.setStyle(style_cmds)
    table.spaceAfter = ctx.theme.spacing * 1.5
    return [table]


@renderer(m.PageBreak)
def render_page_break(block: m.PageBreak, ctx: LayoutContext) -> list[Flowable]:
    # "Go on on a new page": on a page that nothing has been drawn on yet (after another page
    # break, or at a worksheet's end, where the next one starts a page anyway) it does
    # nothing, so page breaks in a row never leave a blank page. A reader expects a blank page
    # to be for writing; `lines` with `fill: true` makes one with ruled lines.
    return [NewPage()]
