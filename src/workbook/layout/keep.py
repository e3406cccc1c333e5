"""Stage 5, layout: page craft between blocks — what must stay on the same page as what."""

from __future__ import annotations

from reportlab.platypus import CondPageBreak, Flowable, KeepTogether
from reportlab.platypus import Table as RLTable

from .. import models as m

INTRODUCTIONS = (m.Heading, m.Paragraph, m.Tip, m.Script)
SMALL = (m.Lines, m.FillIn, m.Scale)  # and lists or checklists of up to SHORT_LIST items
SHORT_TEXT = 400  # characters; longer text may be taller than a page and must flow freely
SHORT_LIST = 8  # items
TALL = 1e6


def _height(flowables: list[Flowable], width: float) -> float:
    total = 0.0
    for flowable in flowables:
        if isinstance(flowable, KeepTogether):
            total += _height(flowable._content, width)
            continue
        total += (
            flowable.wrap(width, TALL)[1] + flowable.getSpaceBefore() + flowable.getSpaceAfter()
        )
    return total


def _opening(flowables: list[Flowable], width: float) -> float:
    """The start of a block that must not be left alone: a table's header and first row."""
    first = flowables[0]
    if isinstance(first, RLTable):
        first.wrap(width, TALL)
        return float(sum(first._rowHeights[:2]))
    return _height(flowables[:1], width)


def _is_small(block: m.BlockBase) -> bool:
    if isinstance(block, m.Lines) and block.fill:
        return False  # it takes whatever the page has left
    items = getattr(block, "items", None)
    if isinstance(block, (m.Checklist, m.ListBlock)):
        return bool(items) and len(items or []) <= SHORT_LIST
    return isinstance(block, SMALL)


def _kept(flowables: list[Flowable]) -> KeepTogether:
    group = KeepTogether(flowables)
    group._wb_origin = getattr(flowables[-1], "_wb_origin", None)
    return group


def keep_rules(
    rendered: list[tuple[m.BlockBase, list[Flowable]]], width: float, page_height: float
) -> list[Flowable]:
    """Join the blocks' flowables so that headings and short introductions stay with what
    they introduce, small writing blocks (and runs of fill-in sentences) are never split,
    and a table starts only where its introduction, header and first row fit.
    """
    story: list[Flowable] = []
    intro: list[Flowable] = []  # the current run of short introductions, not yet placed
    for i, (block, flowables) in enumerate(rendered):
        next_block = rendered[i + 1][0] if i + 1 < len(rendered) else None
        if isinstance(block, INTRODUCTIONS) and len(getattr(block, "text", "")) <= SHORT_TEXT:
            if isinstance(block, m.Heading):
                story += intro  # a new heading starts a new run
                intro = []
            intro += flowables
            continue
        if isinstance(block, m.FillIn) and isinstance(next_block, m.FillIn):
            intro += flowables  # a run of fill-in sentences stays together, with its intro
            continue
        group = [*intro, *flowables]
        if _is_small(block) and _height(group, width) < page_height * 0.8:
            story.append(_kept(group))
        elif intro and isinstance(block, (m.Table, m.Columns, m.Checklist, m.ListBlock)):
            needed = _height(intro, width) + _opening(flowables, width)
            story += [CondPageBreak(needed), *group]
        else:
            story += group
        intro = []
    return story + intro
