"""Stage 5, layout: the pages around the worksheets (cover, how-to, contents, crisis page)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reportlab.platypus import Flowable, Spacer
from reportlab.platypus import PageBreak as RLPageBreak

from ... import models as m
from ...document.build import field_bases, in_language, sheet_key
from ...locale import crisis_contacts
from ...markup import escape_markup, plain, to_markup
from ...personalise import PersonalWorksheet
from ...project import Project
from .blocks import LayoutContext, Origin, render_block
from .cover import cover as cover  # pdf.py takes every page from here
from .flowables import Anchor, ContentsEntry, NewPage, Paragraph, WritingLines
from .keep import height, keep_rules
from .styles import derive

PageHook = Callable[[str, int], Any]


def literal(value: str) -> str:
    """Personal data as inline text that prints exactly as typed."""
    return escape_markup(value)


def how_to(project: Project, ctx: LayoutContext, on_page: PageHook) -> list[Flowable]:
    title = project.text["how_to_title"]
    self_help = project.manifest.loved_one is None and not any(
        w.sheet.audience == "supporter" for w in project.worksheets
    )
    body = project.text["how_to_self" if self_help else "how_to"]
    return [
        RLPageBreak(),
        Anchor("how-to", title, on_page),
        ctx.para(title, ctx.styles.title, "H1"),
        Spacer(1, ctx.theme.spacing),
        *ctx.paragraphs(body, ctx.styles.body),
    ]


def contents(
    entries: list[tuple[str, str, str]], project: Project, ctx: LayoutContext, on_page: PageHook
) -> list[Flowable]:
    """The contents page: (key, title, summary) per entry, each linked to its page."""
    title = project.text["contents"]
    story: list[Flowable] = [
        RLPageBreak(),
        Anchor("contents", title, on_page),
        ctx.para(title, ctx.styles.title, "H1"),
        Spacer(1, ctx.theme.spacing),
    ]
    number_width = ctx.theme.base_size * 4
    toc = ctx.element("TOC")
    for key, name, summary in entries:
        item = toc.add("TOCI")
        link = item.add("Link")  # the title, the page number and the link itself
        entry = ContentsEntry(
            ctx.para(name, ctx.styles.toc_entry, link),
            ctx.para(summary, ctx.styles.toc_summary, item.add("P"))
            if summary
            else Paragraph("", ctx.styles.toc_summary),  # the crisis page has none
            key,
            number_width,
        )
        entry.link_tag, entry.alt = link, plain(name)
        story.append(entry)
    return story


def worksheet(
    sheet: PersonalWorksheet, project: Project, ctx: LayoutContext, on_page: PageHook
) -> list[Flowable]:
    """One worksheet, starting on a new page; every flowable remembers its source block."""
    minutes = project.text["minutes"].format(n=sheet.sheet.minutes)
    story: list[Flowable] = [
        NewPage(),  # a page break ending the worksheet before has started a page
        Anchor(sheet_key(sheet.sheet.id), plain(sheet.title), on_page),
        ctx.para(sheet.title, ctx.styles.title, "H1"),
        ctx.para(minutes, ctx.styles.meta),
    ]
    if project.manifest.edition == "facilitator" and sheet.facilitator_notes:
        story += _facilitator_notes(sheet.facilitator_notes, project, ctx)
    rendered = []
    bases = field_bases(sheet)
    for key, block in sheet.blocks:
        ctx.field_base = bases[int(key[1])]
        flowables = render_block(block, ctx)
        what = (
            f"worksheet '{sheet.sheet.id}', block {int(key[1]) + 1} ({getattr(block, 'type', '?')})"
        )
        origin = Origin(sheet.source.doc.locate(key), what, sheet.sheet.id)
        for flowable in flowables:
            flowable._wb_origin = origin
        rendered.append((block, flowables))
    story += keep_rules(rendered, ctx.frame_width, ctx.frame_height)
    while story and isinstance(story[-1], Spacer):
        story.pop()
    return story


def _facilitator_notes(notes: str, project: Project, ctx: LayoutContext) -> list[Flowable]:
    """The therapist's notes in a box outlined in the accent colour, under a clear label."""
    pad, accent = ctx.theme.spacing, ctx.theme.colours["accent"]
    style = derive(ctx.styles.notes, "facilitator", borderColor=accent, borderWidth=1.2,
                   borderPadding=(pad, pad, pad, pad), leftIndent=pad, rightIndent=pad,
                   spaceBefore=pad, spaceAfter=pad * 2.5)  # fmt: skip
    label = f"**{project.text['facilitator_notes']}.**"
    body = " ".join(notes.split())
    para = Paragraph(f"{to_markup(label, ctx.fonts)} {to_markup(body, ctx.fonts)}", style)
    para.tag = ctx.element("Note")
    return [para]


def crisis(project: Project, ctx: LayoutContext, on_page: PageHook) -> list[Flowable]:
    """What to do in an emergency, the region's (or the manifest's) crisis lines and a table
    for one's own contacts; numbers drawn with a plain zero (fonts.digits_family)."""
    with ctx.clear_digits():
        return _crisis(project, ctx, on_page)


def _crisis(project: Project, ctx: LayoutContext, on_page: PageHook) -> list[Flowable]:
    text, s, man = project.text, ctx.styles, project.manifest
    region = crisis_contacts(man.region)
    emergency = (
        in_language(region["emergency"], man.language) if region else text["local_emergency_number"]
    )
    anchor = Anchor("crisis", text["crisis_title"], on_page)
    story: list[Flowable] = [
        NewPage(),
        anchor,
        ctx.para(text["crisis_title"], s.title, "H1"),
        Spacer(1, ctx.theme.spacing),
    ]
    story += ctx.paragraphs(text["crisis_intro"], s.body)
    steps = [step.format(emergency=emergency) for step in text["crisis_steps"]]
    story += ctx.items(steps, s.item, ["\u2022"] * len(steps))
    story.append(ctx.para(text["crisis_lines_title"], s.heading, "H2"))
    lines = [(x.name, x.contact, x.note) for x in man.crisis_lines or []]
    if man.crisis_lines is None and region:
        language = man.language
        lines = [(in_language(x["name"], language), x["contact"][language], x["note"][language])
                 for x in region["lines"]]  # fmt: skip
    for name, contact, note in lines:
        story.append(ctx.para(f"**{literal(name)}** \u2014 {literal(contact)}", s.body))
        if note:
            story.append(ctx.para(literal(note), s.notes))
    if not lines:
        story += [ctx.para(text["crisis_generic"], s.body), _lines(2, ctx)]
    story.append(ctx.para(text["crisis_own"], s.heading, "H2"))
    page = story[story.index(anchor) + 1 :]
    tried = len(ctx.section.kids)
    for blank_rows in (3, 2, 1):  # as many rows to write in as the page has room for
        del ctx.section.kids[tried:]  # the elements of a table that did not fit
        contacts = _own_contacts(project, ctx, blank_rows)
        if height([*page, *contacts], ctx.frame_width) <= ctx.frame_height:
            break
    return [*story, *contacts]


def _own_contacts(project: Project, ctx: LayoutContext, blank_rows: int) -> list[Flowable]:
    """A table to write one's own emergency contacts in, starting with the practitioner."""
    prepared, rows = project.manifest.prepared_by, []
    who = prepared and (prepared.name or prepared.practice)
    if prepared and who and prepared.contact:
        rows.append([literal(who), literal(prepared.contact)])
    table = m.Table.model_validate(
        {
            "type": "table",
            "columns": project.text["crisis_own_columns"],
            "rows": rows,
            "blank_rows": blank_rows,
            "widths": [1.0, 1.4],
            "row_lines": 1.25,
        }
    )
    ctx.field_base = "_crisis.contacts"  # "_" cannot start a worksheet id
    return render_block(table, ctx)


def _lines(count: int, ctx: LayoutContext) -> Flowable:
    return WritingLines(count, ctx.theme.line_height, ctx.theme.colours["rule"], ctx.frame_height)
