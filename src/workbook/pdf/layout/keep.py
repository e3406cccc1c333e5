"""Stage 5, layout: page craft between blocks — what must stay on the same page as what.

A worksheet's blocks become runs of flowables (chunks); a page may end only between two
runs, or inside a run that is long text, a long table or a long list. tail.py decides,
between runs, whether the worksheet's last page would be nearly empty.
"""

from __future__ import annotations

from reportlab.platypus import CondPageBreak, Flowable, KeepTogether
from reportlab.platypus.doctemplate import FrameBreak

from ... import document as d
from .flowables import DrawsNothing
from .measure import height, opening, parts, stacked
from .tail import with_tail_breaks

__all__ = ["Room", "height", "keep_rules"]

INTRODUCTIONS = (d.Heading, d.Paragraphs, d.Tip, d.Script)
SHORT_TEXT = 400  # characters; longer text may be taller than a page and must flow freely
SHORT_TABLE = 8  # rows; a table this short (and small) is never split
SHORT_LIST = 4  # items; a list or checklist this short is never split
KEPT = 0.7  # of a page: a group kept whole is shorter, so moving it on leaves 30% behind
Chunk = list[Flowable]


class Room(DrawsNothing, CondPageBreak):  # type: ignore[misc]
    """Go on to a new page unless `height` points are left here: room for a heading and the
    start of what follows it. Takes no space and passes the spaces around it through."""

    _SPACETRANSFER = True

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        frame = getattr(self, "_frame", None)  # set while a frame places it, not when measured
        if frame is not None and not frame._atTop and ah < self.height:
            frame.add_generated_content(FrameBreak)
        return 0, 0


def _flat(flowables: list[Flowable]) -> list[Flowable]:
    """The contents of nested keep-together groups (ReportLab would call such a group
    endlessly tall, and push it to a new page even when it fits)."""
    flat: list[Flowable] = []
    for flowable in flowables:
        flat += _flat(flowable._content) if isinstance(flowable, KeepTogether) else [flowable]
    return flat


class Kept(KeepTogether):  # type: ignore[misc]
    """ReportLab's KeepTogether, measured without copying the page's frame. ReportLab copies
    it in case what is measured adds content to the frame; nothing kept together here does
    (Room and TailBreak act only while a frame places them)."""

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        template = getattr(self.canv, "_doctemplate", None)
        if template is None:
            return super().wrap(aw, ah)  # type: ignore[no-any-return]
        frame, template.frame = template.frame, None
        try:
            return super().wrap(aw, ah)  # type: ignore[no-any-return]
        finally:
            template.frame = frame


def _kept(flowables: list[Flowable]) -> KeepTogether:
    return Kept(_flat(flowables))


def _lead(group: list[Flowable], keep: int, width: float) -> Chunk:
    """A group not kept whole: its first `keep` flowables (a heading, a short introduction)
    stay with the start of the next one, so a long table or text after a heading splits
    instead of taking the heading to a new page and leaving a gap behind it."""
    if keep <= 0 or keep >= len(group):
        return group
    for flowable in group[:keep]:
        flowable.keepWithNext = 0  # ReportLab's own rule would push all of the next one
    gap = max(parts(group[keep - 1], width)[2], parts(group[keep], width)[0])
    need = stacked(group[:keep], width) + gap + opening(group[keep], width)
    return [Room(need), *group]


def _small_table(block: d.Block, flowables: list[Flowable], width: float, page: float) -> bool:
    """A table too short to be worth splitting: a few rows, taking under a third of a page."""
    if not isinstance(block, (d.Table, d.Columns)):
        return False
    rows = len(block.rows) if isinstance(block, d.Table) else 0
    return rows <= SHORT_TABLE and stacked(flowables, width) < page / 3


def _list(intro: list[Flowable], flowables: list[Flowable], width: float,
          page: float) -> list[Chunk]:  # fmt: skip
    """A list of four items or fewer is never split; a longer one breaks only between items,
    leaving at least two items (and the introduction with the first) on each page."""
    items, end = flowables[:-1], flowables[-1:]  # the list's items, then its spacer
    group = [*intro, *flowables]
    if len(items) <= SHORT_LIST:
        return [
            [_kept(group)]
            if stacked(group, width) < page * KEPT
            else _lead(group, len(intro), width)
        ]
    middle = [[_kept([item])] for item in items[2:-2]]  # an item never splits either
    return [[_kept([*intro, *items[:2]])], *middle, [_kept([*items[-2:], *end])]]


def _place(block: d.Block, intro: list[Flowable], flowables: list[Flowable], width: float,
           page: float) -> list[Chunk]:  # fmt: skip
    """A block with the introduction just before it (possibly empty), as chunks."""
    if isinstance(block, d.PageBreak):  # what comes before it stays on this page
        return [_lead(intro, len(intro) - 1, width), flowables] if intro else [flowables]
    group = [*intro, *flowables]
    fits = stacked(group, width) < page * KEPT
    if isinstance(block, d.Lines) and block.fill:
        return [_lead(group, len(group) - 1, width)]  # it takes whatever the page has left
    if isinstance(block, (d.Checklist, d.ListItems)):
        return _list(intro, flowables, width, page)
    writing = isinstance(block, (d.Lines, d.FillIn, d.Scale))
    if fits and (writing or _small_table(block, flowables, width, page)):
        return [[_kept(group)]]
    if writing:  # its label and the first lines go together
        return [_lead(group, len(group) - 1, width)]
    if not intro and isinstance(block, (d.Table, d.Columns)):  # its header and two rows
        return [[Room(opening(flowables[0], width)), *flowables]]
    return [_lead(group, len(intro), width)]


def _length(block: d.Heading | d.Paragraphs | d.Tip | d.Script) -> int:
    """How many characters of text an introduction has (a tip's title not counted)."""
    if isinstance(block, d.Paragraphs):
        return sum(len(d.plain_text(p)) for p in block.paragraphs)
    return len(d.plain_text(block.text))


def keep_rules(
    rendered: list[tuple[d.Block, list[Flowable]]], width: float, page_height: float
) -> list[Flowable]:
    """Join the blocks' flowables so that headings and the short text just before a block
    stay with its start, small writing blocks and short lists are never split, a long list
    leaves at least two items on each page, and a table starts only where its introduction,
    header and two rows fit. Only the last introduction is kept with a block, so sections
    still break across pages instead of leaving large gaps.
    """
    chunks: list[Chunk] = []
    within: set[int] = set()  # the chunks that go on with a block (a long list's items)
    intro: list[Flowable] = []  # headings and the last short introduction
    intro_text = False  # whether `intro` ends with text (not a heading)
    for block, flowables in rendered:
        if isinstance(block, INTRODUCTIONS) and _length(block) <= SHORT_TEXT:
            if intro_text:  # a new heading or text: the text before keeps its heading only
                chunks.append(_lead(intro, len(intro) - 1, width))
                intro = []
            intro += flowables
            intro_text = not isinstance(block, d.Heading)
            continue
        placed = _place(block, intro, flowables, width, page_height)
        within.update(range(len(chunks) + 1, len(chunks) + len(placed)))
        chunks += placed
        intro, intro_text = [], False
    if intro:
        chunks.append(_lead(intro, len(intro) - 1, width))
    return with_tail_breaks(chunks, within, width, page_height)
