"""Stage 5, layout: one small render function per block of the document, registered by class.

Blocks come from `workbook.document`: every text and field name is decided there; this
module only turns them into flowables and structure elements.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, KeepTogether, TableStyle

from ... import document as d
from .blanks import BLANK_CALLBACK as BLANK_CALLBACK  # render.py's names for the blank marker
from .blanks import NBSP as NBSP
from .blanks import sentence as blank_sentence
from .context import LayoutContext, inline_markup
from .flowables import CheckItem, Gap, NewPage, QuoteBar, RatingScale, WritingLines
from .forms import FieldCell
from .pen import Chosen, Ticked, Written
from .styles import derive
from .tags import Element
from .text import TaggedParagraph, TaggedTable

B = TypeVar("B")
Renderer = Callable[[Any, "LayoutContext"], list[Flowable]]
RENDERERS: dict[type, Renderer] = {}
SHORT_TIP = 700  # characters; a longer tip may split across pages
BLANK_SPACES = 40  # the length of a blank whose field marker does not say (forms.py)


def renderer(
    block_type: type[B],
) -> Callable[[Callable[[B, LayoutContext], list[Flowable]]], Renderer]:
    def register(func: Callable[[B, LayoutContext], list[Flowable]]) -> Renderer:
        RENDERERS[block_type] = func
        return func

    return register


def render_block(block: d.Block, ctx: LayoutContext) -> list[Flowable]:
    return RENDERERS[type(block)](block, ctx)


@renderer(d.Heading)
def render_heading(block: d.Heading, ctx: LayoutContext) -> list[Flowable]:
    return [ctx.para(block.text, ctx.styles.heading, "H2")]


@renderer(d.Paragraphs)
def render_paragraph(block: d.Paragraphs, ctx: LayoutContext) -> list[Flowable]:
    return ctx.paragraphs(block.paragraphs, ctx.styles.body)


def boxed_note(
    label: d.Inline, text: d.Inline, style: ParagraphStyle, ctx: LayoutContext,
    more: tuple[d.Inline, ...] = (),
) -> TaggedParagraph:  # fmt: skip
    """A callout (a tip, facilitator notes): a Div block with a paragraph whose label, in
    bold with a full stop, comes first; `more` paragraphs follow in the same box, each after
    an empty line."""
    markup = f"<b>{inline_markup(label, ctx.fonts)}.</b> {inline_markup(text, ctx.fonts)}"
    markup += "".join(f"<br/><br/>{inline_markup(p, ctx.fonts)}" for p in more)
    return TaggedParagraph(markup, style, tag=ctx.element("Div").add("P"))


@renderer(d.Tip)
def render_tip(block: d.Tip, ctx: LayoutContext) -> list[Flowable]:
    """A shaded box; a short one never splits across pages."""
    para = boxed_note(block.title, block.text, ctx.styles.tip, ctx)
    return [KeepTogether([para])] if len(d.plain_text(block.text)) <= SHORT_TIP else [para]


@renderer(d.Script)
def render_script(block: d.Script, ctx: LayoutContext) -> list[Flowable]:
    para = ctx.para(block.text, ctx.styles.script, "BlockQuote")
    return [QuoteBar(para, ctx.ink["accent"])]


@renderer(d.ListItems)
def render_list(block: d.ListItems, ctx: LayoutContext) -> list[Flowable]:
    bullets = [f"{i}." if block.ordered else "\u2022" for i in range(1, len(block.items) + 1)]
    return [*ctx.items(block.items, ctx.styles.item, bullets), Gap(1, ctx.theme.spacing * 0.8)]


@renderer(d.Checklist)
def render_checklist(block: d.Checklist, ctx: LayoutContext) -> list[Flowable]:
    style = derive(ctx.styles.item, "check", leftIndent=0, spaceAfter=ctx.theme.spacing * 0.5)
    box, colour = ctx.theme.box_size, ctx.ink["accent"]
    paras = ctx.items(tuple(item.text for item in block.items), style)
    items = [
        CheckItem(
            para,
            box,
            colour,
            field=ctx.field(item.field),
            tooltip=item.field.spoken,
            ticked=_ticked(item.field, para, ctx),
        )
        for para, item in zip(paras, block.items, strict=True)
    ]
    return [*items, Gap(1, ctx.theme.spacing * 0.8)]


def _ticked(field: d.Field, para: TaggedParagraph, ctx: LayoutContext) -> Ticked | None:
    """A box the answers tick; printed, the tick is a Figure in the item's body."""
    if field.value is not True:
        return None
    tag = None if ctx.fillable or para.tag is None else para.tag.add("Figure", Alt="\u2713")
    return Ticked(tag)


def _label(text: d.Inline | None, ctx: LayoutContext) -> list[Flowable]:
    return [ctx.para(text, ctx.styles.label)] if text else []


def writing_lines(count: int, ctx: LayoutContext, block: d.Lines | None = None) -> WritingLines:
    """Ruled lines; a `lines` block's are fields in the fillable edition, in a group (Div)."""
    theme = ctx.theme
    lines = partial(WritingLines, count, theme.line_height, ctx.ink["rule"],
                    ctx.frame_height, text=ctx.ink["text"])  # fmt: skip
    if block is None:
        return lines()
    written = _written_lines(block, ctx)
    if not ctx.fillable:
        return lines(fill=block.fill, written=written)
    return lines(field=block.name, fill=block.fill, tag=ctx.element("Div"),
                 spoken=lambda n: block.field(n).spoken, written=written)  # fmt: skip


def _written_lines(block: d.Lines, ctx: LayoutContext) -> Written | None:
    """A lines block's answer broken onto its lines (in the fillable edition, one line's
    text per field, at the fields' size); one longer than its lines is reported."""
    if not block.answer:
        return None
    pen = ctx.pen(None if not ctx.fillable else min(ctx.theme.line_height * 0.5, 13))
    lines = pen.lines(block.answer, ctx.frame_width - 4)
    if len(lines) > block.count and not block.fill:
        ctx.warn(block.source, f"{block.source.what}: the answer takes {len(lines)} lines and "
                 f"there are {block.count}; it is cut short: shorten it or give count: {len(lines)}")  # fmt: skip
        lines = lines[: block.count]
    tag = None if ctx.fillable else ctx.element("P")
    return Written(tuple(lines), pen, tag)


@renderer(d.Lines)
def render_lines(block: d.Lines, ctx: LayoutContext) -> list[Flowable]:
    label = _label(block.label, ctx)  # (before the lines' group in the structure)
    lines = writing_lines(block.count, ctx, block)
    if not block.fill:  # (one that fills the page has nothing after it on the page)
        lines.spaceAfter = ctx.theme.spacing * 1.5  # space, unlike a Spacer, vanishes at a page end
    return [*label, lines]


@renderer(d.FillIn)
def render_fill_in(block: d.FillIn, ctx: LayoutContext) -> list[Flowable]:
    """A sentence whose blanks are underlined writing spaces (blanks.py sizes them for
    handwriting); its lines are spaced for handwriting too."""
    style = derive(
        ctx.styles.body,
        "fill",
        leading=max(ctx.theme.line_height, ctx.styles.body.leading * 1.6),
        spaceAfter=ctx.theme.spacing * 1.2,
    )
    label = _label(block.label, ctx)
    colour = "#" + ctx.ink["text"].hexval()[2:]
    para = blank_sentence(block.sentence, ctx.fillable, style, ctx.fonts, ctx.frame_width, colour,
                          ctx.element("P"))  # its blanks' fields belong to it  # fmt: skip
    return [*label, para]


@renderer(d.Table)
def render_table(block: d.Table, ctx: LayoutContext) -> list[Flowable]:
    """A header row and the rows; an empty cell is a field in the fillable edition, and the
    blank rows at the end are tall enough to write in."""
    cols, given = len(block.columns), len(block.rows) - block.blank_rows
    cells = _table_tags(ctx, cols, len(block.rows))
    header = [ctx.para(c, ctx.styles.header_cell, th)
              for c, th in zip(block.columns, cells[0], strict=True)]  # fmt: skip
    blank_height = ctx.theme.line_height * block.row_lines
    size, colour = ctx.styles.cell.fontSize, ctx.ink["text"]

    def cell(item: d.Cell, r: int, c: int, td: Element) -> Any:
        if item.field is None:
            return ctx.para(item.text, ctx.styles.cell, td)
        height = blank_height - 2 * ctx.theme.spacing * 0.6 if r > given else size * 1.5
        written = _written_cell(item.field, block, c, height if r > given else None, ctx)
        if written and r <= given:  # a given row grows with its answer
            height = max(height, len(written.lines) * written.pen.size * 1.2 + 2)
        if not ctx.fillable:
            return FieldCell(None, height, size, colour, td, written=written) if written else ""
        return FieldCell(item.field.name, height, size, colour, td, item.field.spoken, written)

    rows = [[cell(item, r, c, td) for c, (item, td) in enumerate(zip(row, tags, strict=True))]
            for r, (row, tags) in enumerate(zip(block.rows, cells[1:], strict=True), start=1)]  # fmt: skip
    weights = block.widths
    table = TaggedTable(
        [header, *rows],
        colWidths=[f"{100 * w / sum(weights):.4f}%" for w in weights],
        rowHeights=[None] * (1 + given) + [blank_height] * block.blank_rows,
        repeatRows=1,
        splitInRow=1,
        hAlign="LEFT",
    )
    table.setStyle(_table_style(ctx))
    table.spaceAfter = ctx.theme.spacing * 1.5
    return [table]


def _written_cell(
    field: d.Field, block: d.Table, column: int, height: float | None, ctx: LayoutContext
) -> Written | None:
    """An empty cell's answer broken into lines at the cell's width; in a blank row (of
    `height`, which the page's craft set) a longer one than the cell holds is reported."""
    if not isinstance(field.value, str) or not field.value:
        return None
    pen = ctx.pen(ctx.styles.cell.fontSize)
    if ctx.fillable:  # the field wraps its own text
        return Written((field.value,), pen)
    share = block.widths[column] / sum(block.widths)
    lines = pen.lines(field.value, ctx.frame_width * share - 2 * ctx.theme.spacing * 0.6 - 2)
    room = len(lines) if height is None else max(int(height // (pen.size * 1.2)), 1)
    if len(lines) > room:
        where = block.source.what if block.source else "the crisis page's contacts"
        ctx.warn(block.source, f"{where}: the answer for {field.name} takes {len(lines)} lines "
                 f"and its cell holds {room}; it is cut short")  # fmt: skip
        lines = lines[:room]
    return Written(tuple(lines), pen)


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
    c, pad = ctx.ink, ctx.theme.spacing * 0.6
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


@renderer(d.Scale)
def render_scale(block: d.Scale, ctx: LayoutContext) -> list[Flowable]:
    def anchor_style(value: int) -> ParagraphStyle:
        align = TA_LEFT if value == block.low else TA_RIGHT if value == block.high else TA_CENTER
        return derive(ctx.styles.muted, "anchor", alignment=align, spaceAfter=0)

    group = ctx.element("Div")  # the label, the numbers, the anchors and the fields
    label = ctx.para(block.label, ctx.styles.label, group.add("P"))
    digits = group.add("P", ActualText=block.numbers)  # not "012345678910"
    anchors = {k: ctx.para(v, anchor_style(k), group.add("P", ActualText=f"{k}: {d.plain_text(v)}"))
               for k, v in block.anchors}  # "0: Not at all"  # fmt: skip
    scale = RatingScale(
        block.low,
        block.high,
        anchors,
        ctx.theme.box_size * 2,
        ctx.fonts.main.regular,
        ctx.theme.base_size,
        ctx.ink["accent"],
        ctx.ink["text"],
        ctx.field(block.field),
        tags=(group, digits),
        tooltip=block.field.spoken,
        choices=block.field.choices,
        chosen=_chosen(block, group, ctx),
    )
    scale.spaceAfter = ctx.theme.spacing * 2
    return [label, scale]


def _chosen(block: d.Scale, group: Element, ctx: LayoutContext) -> Chosen | None:
    """The number the answers chose; printed, its ring is a Figure saying which."""
    if not isinstance(block.field.value, str):
        return None
    value = int(block.field.value)
    alt = block.field.choices[value - block.low] if block.field.choices else str(value)
    return Chosen(value, None if ctx.fillable else group.add("Figure", Alt=alt))


@renderer(d.Columns)
def render_columns(block: d.Columns, ctx: LayoutContext) -> list[Flowable]:
    """Two lists side by side, drawn as a table of two columns; read as two lists, each
    with its title as its caption (not as rows of unrelated pairs)."""
    depth = max(len(block.left), len(block.right))
    style = derive(ctx.styles.cell, "colitem", leftIndent=ctx.theme.base_size, bulletIndent=0)
    columns = []
    for title, items in ((block.left_title, block.left), (block.right_title, block.right)):
        listed = ctx.element("L", ListNumbering="Disc")
        head = ctx.para(title, ctx.styles.header_cell, listed.add("Caption"))
        paras = ctx.items(items, style, ["\u2022"] * len(items), listed)
        columns.append([head, *paras, *[""] * (depth - len(items))])
    rows = [list(row) for row in zip(*columns, strict=True)]
    table = TaggedTable(rows, colWidths=["50%", "50%"], repeatRows=1, splitInRow=1)
    style_cmds = _table_style(ctx)
    style_cmds.add("LINEBELOW", (0, 1), (-1, -2), 0.3, ctx.ink["rule"])
    table.setStyle(style_cmds)
    table.spaceAfter = ctx.theme.spacing * 1.5
    return [table]


@renderer(d.PageBreak)
def render_page_break(block: d.PageBreak, ctx: LayoutContext) -> list[Flowable]:
    # "Go on on a new page": on a page that nothing has been drawn on yet (after another page
    # break, or at a worksheet's end, where the next one starts a page anyway) it does
    # nothing, so page breaks in a row never leave a blank page. A reader expects a blank page
    # to be for writing; `lines` with `fill: true` makes one with ruled lines.
    return [NewPage()]
