"""Stage 5, layout: how tall flowables stand, and how much of a block must start on a page.

keep.py and tail.py decide page breaks from these numbers before ReportLab's frames place
anything, so they measure as a frame stacks: the space between two flowables is the larger
of the space after one and the space before the next, and a zero-size mark (a break
decision) passes the space through.
"""

from __future__ import annotations

from typing import Any

from reportlab.platypus import Flowable, KeepTogether
from reportlab.platypus import Table as RLTable

from .flowables import WritingLines

TALL = 1e6
FUZZ = 1e-6  # ReportLab's own tolerance when it checks that a flowable fits
SPLIT_LINES = 4  # a paragraph needs this many lines to split (no widow or orphan lines)


def height(flowables: list[Flowable], width: float) -> float:
    """How tall these flowables stand, one after another, at this width, every space
    counted in full (an upper bound)."""
    total = 0.0
    for flowable in flowables:
        if isinstance(flowable, KeepTogether):
            total += height(flowable._content, width)
            continue
        total += (
            flowable.wrap(width, TALL)[1] + flowable.getSpaceBefore() + flowable.getSpaceAfter()
        )
    return total


def transparent(flowable: Flowable) -> bool:
    """A zero-size mark that takes no room and passes the spaces around it through."""
    return bool(getattr(flowable, "_SPACETRANSFER", False))


def parts(flowable: Flowable, width: float, factor: float = 1.0) -> tuple[float, float, float]:
    """(space before, height, space after); spaces scaled by `factor`. Remembered for the
    width (tail.tighten forgets it when it changes the spaces)."""
    memo = flowable.__dict__.get("_wb_parts")
    if factor == 1.0 and memo is not None and memo[0] == width:
        return memo[1]  # type: ignore[no-any-return]
    found = _parts(flowable, width, factor)
    if factor == 1.0:
        flowable._wb_parts = (width, found)
    return found


def forget(flowable: Flowable) -> None:
    """Measure this flowable again next time (its spaces changed)."""
    flowable.__dict__.pop("_wb_parts", None)


def _parts(flowable: Flowable, width: float, factor: float) -> tuple[float, float, float]:
    if isinstance(flowable, KeepTogether):
        content = [f for f in flowable._content if not transparent(f)]
        if not content:
            return 0.0, 0.0, 0.0
        first, last = parts(content[0], width, factor), parts(content[-1], width, factor)
        return first[0], stacked(content, width, factor), last[2]
    before = flowable.getSpaceBefore() * factor
    after = flowable.getSpaceAfter() * factor
    return before, float(flowable.wrap(width, TALL)[1]), after


def stacked(flowables: list[Flowable], width: float, factor: float = 1.0) -> float:
    """Their height stacked at the top of a page: from the top of the first to the bottom
    of the last, spaces collapsing as a frame collapses them."""
    total, after, top = 0.0, 0.0, True
    for flowable in flowables:
        if transparent(flowable):
            continue
        before, tall, next_after = parts(flowable, width, factor)
        total += (0.0 if top else max(before, after)) + tall
        after, top = next_after, False
    return total


def _text(flowable: Flowable) -> Any:
    """The paragraph that decides where a text flowable can split (a check item's or a
    quotation's own paragraph), or None."""
    para = getattr(flowable, "para", flowable)
    return para if hasattr(para, "blPara") else None


def opening(flowable: Flowable, width: float) -> float:
    """The least of a flowable that must fit for it to start on a page: a table's header and
    two rows, two lines of a text long enough to split, else all of it."""
    _, tall, _ = parts(flowable, width)
    if isinstance(flowable, RLTable):
        return float(sum(flowable._rowHeights[:3]))
    para = _text(flowable)
    if para is not None and len(para.blPara.lines) >= SPLIT_LINES:
        return float(para.style.leading * 2)
    if isinstance(flowable, WritingLines) and tall > flowable.page_height:
        return float(flowable.spacing)  # lines taller than a page split anywhere
    return tall
