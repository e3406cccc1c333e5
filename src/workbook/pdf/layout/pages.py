"""Stage 5, layout: each section of the document as flowables — how-to, contents, worksheets,
the crisis page (the cover is in cover.py). What they say was decided in `workbook.document`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reportlab.platypus import Flowable, Spacer
from reportlab.platypus import PageBreak as RLPageBreak

from ... import document as d
from .blocks import boxed_note, render_block, writing_lines
from .context import LayoutContext
from .cover import cover as cover  # render.py takes every page from here
from .flowables import Anchor, ContentsEntry, Gap, NewPage
from .keep import height, keep_rules
from .styles import derive
from .tags import Element
from .text import TaggedParagraph

PageHook = Callable[[str, int], Any]


def how_to(section: d.HowTo, ctx: LayoutContext, on_page: PageHook) -> list[Flowable]:
    return [
        RLPageBreak(),
        Anchor(section.key, section.outline, on_page),
        ctx.para(section.title, ctx.styles.title, "H1"),
        Gap(1, ctx.theme.spacing),
        *ctx.paragraphs(section.paragraphs, ctx.styles.body),
    ]


def contents(section: d.Contents, ctx: LayoutContext, on_page: PageHook) -> list[Flowable]:
    """The contents page: each entry linked to its page."""
    story: list[Flowable] = [
        RLPageBreak(),
        Anchor(section.key, section.outline, on_page),
        ctx.para(section.title, ctx.styles.title, "H1"),
        Gap(1, ctx.theme.spacing),
    ]
    number_width = ctx.theme.base_size * 4
    toc = ctx.element("TOC")
    for entry in section.entries:  # (a worksheet that fell back to English: its entry too)
        item = toc.add(
            "TOCI", **({} if entry.language == section.language else {"Lang": entry.language})
        )
        link = item.add("Link")  # the title, the page number and the link itself
        title = ctx.para(entry.title, ctx.styles.toc_entry, link)
        summary = (
            ctx.para(entry.summary, ctx.styles.toc_summary, item.add("P"))
            if entry.summary
            else TaggedParagraph("", ctx.styles.toc_summary)  # the crisis page has none
        )
        alt = d.plain_text(entry.title)
        story.append(ContentsEntry(title, summary, entry.key, number_width, link, alt))
    return story


def worksheet(section: d.WorksheetSection, ctx: LayoutContext, on_page: PageHook) -> list[Flowable]:
    """One worksheet, starting on a new page; the layout remembers each flowable's source
    block (`ctx.origins`) for messages and to find the worksheet's last page."""
    story: list[Flowable] = [
        NewPage(),  # a page break ending the worksheet before has started a page
        Anchor(section.key, section.outline, on_page),
        ctx.para(section.title, ctx.styles.title, "H1"),
        ctx.para(section.minutes, ctx.styles.meta),
    ]
    if section.notes:
        story.append(_facilitator_notes(section.notes, ctx))
    rendered = []
    for block in section.blocks:
        flowables = render_block(block, ctx)
        ctx.origins.update(dict.fromkeys(flowables, block.source))
        rendered.append((block, flowables))
    story += keep_rules(rendered, ctx.frame_width, ctx.frame_height)
    while story and isinstance(story[-1], Spacer):
        story.pop()
    return story


def _facilitator_notes(notes: d.Notes, ctx: LayoutContext) -> Flowable:
    """The therapist's notes in a box outlined in the accent colour, under a clear label."""
    pad, accent = ctx.theme.spacing, ctx.ink["accent"]
    style = derive(ctx.styles.notes, "facilitator", borderColor=accent, borderWidth=1.2,
                   borderPadding=(pad, pad, pad, pad), leftIndent=pad, rightIndent=pad,
                   spaceBefore=pad, spaceAfter=pad * 2.5)  # fmt: skip
    first, *more = notes.paragraphs
    return boxed_note((d.Text(notes.label),), first, style, ctx, tuple(more))


def crisis(section: d.Crisis, ctx: LayoutContext, on_page: PageHook) -> list[Flowable]:
    """What to do in an emergency, the crisis lines and a table for one's own contacts, with
    as many rows to write in as the page has room for; numbers drawn with a plain zero
    (fonts.digits_family)."""
    ctx, s = ctx.clear_digits(), ctx.styles
    anchor = Anchor(section.key, section.outline, on_page)
    story: list[Flowable] = [
        NewPage(),
        anchor,
        ctx.para(section.title, s.title, "H1"),
        Gap(1, ctx.theme.spacing),
        *ctx.paragraphs(section.intro, s.body),
        *ctx.items(section.steps, s.item, ["\u2022"] * len(section.steps)),
        ctx.para(section.lines_title, s.heading, "H2"),
    ]
    for line in section.lines:
        story.append(ctx.para((d.Text(line.name, bold=True),
                               d.Text(f" \u2014 {line.contact}")), s.body))  # fmt: skip
        if line.note:
            story.append(ctx.para((d.Text(line.note),), s.notes))
    if section.generic:
        story += [ctx.para(section.generic, s.body), writing_lines(2, ctx)]
    story.append(ctx.para(section.own_title, s.heading, "H2"))
    page = story[story.index(anchor) + 1 :]
    table = section.own_contacts
    for fewer in range(table.blank_rows):  # fit first (in a scratch section), then tag
        shorter = fewer_rows(table, fewer)
        trial = render_block(shorter, ctx.within(Element("Sect")))
        last = fewer == table.blank_rows - 1
        if last or height([*page, *trial], ctx.frame_width) <= ctx.frame_height:
            break
    return [*story, *render_block(shorter, ctx)]


def fewer_rows(table: d.Table, fewer: int) -> d.Table:
    """The table without its last `fewer` blank rows (and their fields)."""
    if not fewer:
        return table
    return d.Table(table.source, table.columns, table.rows[:-fewer], table.blank_rows - fewer,
                   table.row_lines, table.widths)  # fmt: skip
