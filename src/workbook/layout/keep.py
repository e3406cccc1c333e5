"""Stage 5, layout: page craft between blocks — what must stay on the same page as what."""

from __future__ import annotations

from reportlab.platypus import CondPageBreak, Flowable, KeepTogether
from reportlab.platypus import Table as RLTable

from .. import models as m

INTRODUCTIONS = (m.Heading, m.Paragraph, m.Tip, m.Script)
SHORT_TEXT = 400  # characters; longer text may be taller than a page and must flow freely
SHORT_TABLE = 8  # rows; a table this short (and small) is never split
TALL = 1e6


def height(flowables: list[Flowable], width: float) -> float:
    """How tall these flowables stand, one after another, at this width."""
    total = 0.0
    for flowable in flowables:
        if isinstance(flowable, KeepTogether):
            total += height(flowable._content, width)
            continue
        total += (
            flowable.wrap(width, TALL)[1] + flowable.getSpaceBefore() + flowable.getSpaceAfter()
        )
    return total


def _opening(flowables: list[Flowable], width: float) -> float:
    """The start of a block that must not be left alone: a table's header and two rows."""
    first = flowables[0]
    if isinstance(first, RLTable):
        first.wrap(width, TALL)
        return float(sum(first._rowHeights[:3]))
    return height(flowables[:1], width)


def _flat(flowables: list[Flowable]) -> list[Flowable]:
    """The contents of nested keep-together groups (ReportLab would call such a group
    endlessly tall, and push it to a new page even when it fits)."""
    flat: list[Flowable] = []
    for flowable in flowables:
        flat += _flat(flowable._content) if isinstance(flowable, KeepTogether) else [flowable]
    return flat


def _kept(flowables: list[Flowable]) -> KeepTogether:
    group = KeepTogether(_flat(flowables))
    group._wb_origin = getattr(flowables[-1], "_wb_origin", None)
    return group


def _small_table(block: m.BlockBase, flowables: list[Flowable], width: float, page: float) -> bool:
    """A table too short to be worth splitting: a few rows, taking under a third of a page."""
    if not isinstance(block, (m.Table, m.Columns)):
        return False
    rows = len(block.rows) + block.blank_rows if isinstance(block, m.Table) else 0
    return rows <= SHORT_TABLE and height(flowables, width) < page / 3


def _place(block: m.BlockBase, intro: list[Flowable], flowables: list[Flowable], width: float,
           page_height: float) -> list[Flowable]:  # fmt: skip
    """A writing block with the introduction just before it (possibly empty)."""
    group = [*intro, *flowables]
    fits = height(group, width) < page_height * 0.8
    if isinstance(block, m.Lines) and block.fill:
        return group  # it takes whatever the page has left
    if isinstance(block, (m.Lines, m.FillIn, m.Scale)) or _small_table(
        block, flowables, width, page_height
    ):
        return [_kept(group)] if fits else group
    if isinstance(block, (m.Checklist, m.ListBlock)):
        items, rest = flowables[:-1], flowables[-1:]  # the list's items, then its spacer
        if len(items) <= 3:
            return [_kept(group)] if fits else group
        # never leave fewer than two items, or an introduction alone, on either page
        return [_kept([*intro, *items[:2]]), *items[2:-2], _kept([*items[-2:], *rest])]
    if isinstance(block, (m.Table, m.Columns)):
        needed = height(intro, width) + _opening(flowables, width)
        return [CondPageBreak(needed), *group]
    return group


def keep_rules(
    rendered: list[tuple[m.BlockBase, list[Flowable]]], width: float, page_height: float
) -> list[Flowable]:
    """Join the blocks' flowables so that a heading and the short text just before a writing
    block stay with its start, small writing blocks are never split, a long list leaves at
    least two items on each page, and a table starts only where its introduction, header
    and two rows fit. Only the last introduction is kept with a block, so sections still
    break across pages instead of leaving large gaps.
    """
    story: list[Flowable] = []
    intro: list[Flowable] = []  # an optional heading and the last short introduction
    intro_text = False  # whether `intro` holds more than a heading
    for block, flowables in rendered:
        if isinstance(block, INTRODUCTIONS) and len(getattr(block, "text", "")) <= SHORT_TEXT:
            is_heading = isinstance(block, m.Heading)
            if is_heading or intro_text:
                story += intro
                intro = []
            intro += flowables
            intro_text = not is_heading
            continue
        story += _place(block, intro, flowables, width, page_height)
        intro, intro_text = [], False
    story += intro
    if len(story) > 1 and height(story[-1:], width) < page_height * 0.2:
        # a short closing block takes the one before it along, rather than sit alone on a page
        pair = story[-2:]
        movable = not any(isinstance(f, CondPageBreak) for f in pair)
        if movable and height(pair, width) < page_height * 0.5:
            story[-2:] = [_kept(pair)]
    return story
