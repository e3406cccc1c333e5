"""Stage 5, layout: the end of a worksheet — never a last page with a line or two on it.

Between every two chunks of a worksheet (keep.py) stands a TailBreak. When a frame reaches
it, it knows the room left on the page. If the rest of the worksheet (up to its end or an
author's page break) would spill only a little onto a new page, it pulls the tail back by
tightening the space between the remaining blocks a little; failing that it ends the page
here, or lets a later break end it, so that the new page gets enough to be worth a page.
"""

from __future__ import annotations

from reportlab.platypus import CondPageBreak, Flowable, KeepTogether
from reportlab.platypus.doctemplate import FrameBreak

from .flowables import DrawsNothing, NewPage
from .measure import FUZZ, forget, opening, parts, stacked, transparent

MIN_TAIL = 1 / 3  # of a page: less alone on a last page is too little (a margin over 30%)
MIN_LEFT = 0.4  # of a page: a page ended early keeps at least this much
FACTORS = (0.9, 0.8, 0.7)  # how far the space between blocks may tighten, a step at a time


class Segment:
    """A run of a worksheet's story that ends at its end or at an author's page break, with
    the height of every part of it that starts at a given flowable, measured once."""

    def __init__(self, story: list[Flowable], stop: int, width: float, page: float) -> None:
        self.story, self.stop, self.width, self.page = story, stop, width, page
        self._heights: dict[int, float] = {}

    def forget(self) -> None:
        """Measure again (the spaces changed)."""
        self._heights.clear()

    def height_from(self, start: int, factor: float = 1.0) -> float:
        """The height of story[start:stop] on a page of its own."""
        if factor != 1.0:
            return stacked(self.story[start : self.stop], self.width, factor)
        if start not in self._heights:
            total, before = 0.0, None  # `before`: the space before the part measured so far
            for i in range(self.stop - 1, start - 1, -1):
                flowable = self.story[i]
                if not transparent(flowable):
                    space_before, tall, after = parts(flowable, self.width)
                    total = tall + (0.0 if before is None else max(after, before) + total)
                    before = space_before
                self._heights[i] = total
        return self._heights[start]

    def overflow(self, start: int, avail: float, after: float,
                 factor: float = 1.0) -> tuple[float, int]:  # fmt: skip
        """How much of story[start:stop] a page with `avail` points left (the space `after`
        the last flowable already taken) sends on to the next page, and the index of the
        first flowable that does not fit whole."""
        for i in range(start, self.stop):
            flowable = self.story[i]
            if isinstance(flowable, CondPageBreak) and avail < flowable.height:
                return self.height_from(i + 1, factor), i  # a heading goes on with its text
            if transparent(flowable):
                continue
            before, tall, next_after = parts(flowable, self.width, factor)
            space = max(before - after, 0.0)
            if space + tall <= avail + FUZZ:
                avail, after = avail - space - tall - next_after, next_after
                continue
            room = avail - space
            split = opening(flowable, self.width) <= room  # part of it stays on this page
            return self.height_from(i, factor) - (room if split else 0.0), i
        return 0.0, self.stop


def tighten(flowables: list[Flowable], factor: float) -> None:
    """Scale the spaces before and after these flowables (from their own, untightened)."""
    for flowable in flowables:
        forget(flowable)
        if isinstance(flowable, KeepTogether):
            tighten(flowable._content, factor)
            continue
        inner = getattr(flowable, "para", None) or getattr(flowable, "inner", None)
        target = flowable if inner is None else inner  # whose spaces a wrapper reports
        if "_wb_space" not in target.__dict__:
            target._wb_space = (target.getSpaceBefore(), target.getSpaceAfter())
        target.spaceBefore, target.spaceAfter = (s * factor for s in target._wb_space)
        forget(target)


class TailBreak(DrawsNothing, Flowable):  # type: ignore[misc]
    """A place where the page may end, deciding so when a frame reaches it (see above).
    Takes no space and passes the spaces around it through."""

    _SPACETRANSFER = True
    locChanger = 1  # never kept with a heading before it (keep.py keeps headings itself)

    def __init__(self, segment: Segment, start: int, strong: bool = True) -> None:
        super().__init__()
        self.segment, self.start = segment, start  # what follows: story[start:segment.stop]
        self.strong = strong  # between blocks; weak: inside one (a long list)

    @property
    def tall(self) -> float:
        """The height of what follows, on a page of its own."""
        return self.segment.height_from(self.start)

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        frame = getattr(self, "_frame", None)  # set while a frame places it, not when measured
        if (
            frame is not None
            and not frame._atTop
            and self._ends_page(ah, getattr(frame, "_prevASpace", 0.0))
        ):
            frame.add_generated_content(FrameBreak)
        return 0, 0

    def _ends_page(self, avail: float, after: float) -> bool:
        seg, page = self.segment, self.segment.page
        if self.tall > avail + page:
            return False  # the end is further than the next page
        spill, fitting = seg.overflow(self.start, avail, after)
        if spill <= FUZZ or spill >= MIN_TAIL * page:
            return False
        for factor in FACTORS:
            if seg.overflow(self.start, avail, after, factor)[0] <= FUZZ:
                tighten(seg.story[self.start : seg.stop], factor)
                seg.forget()
                return False
        later = (f for f in seg.story[self.start : fitting] if isinstance(f, TailBreak))
        if any(f.tall >= MIN_TAIL * page and (f.strong or not self.strong) for f in later):
            return False  # a later break on this page leaves the new page enough (a break
            # between blocks is not put off for one inside a list)
        return self.tall >= MIN_TAIL * page and page - avail >= MIN_LEFT * page


def with_tail_breaks(chunks: list[list[Flowable]], within: set[int], width: float,
                     page: float) -> list[Flowable]:  # fmt: skip
    """The chunks in order, a TailBreak between every two (but before a page break); the
    chunks `within` a block (a list's items) get a weak one."""
    story: list[Flowable] = []
    starts: list[tuple[int, bool]] = []
    for i, chunk in enumerate(chunks):
        if i and chunk and not isinstance(chunk[0], NewPage):
            starts.append((len(story), i not in within))
            story.append(None)  # the break, made once its segment is known
        story += chunk
    segment = Segment(story, len(story), width, page)
    for i in range(len(story) - 1, -1, -1):
        if isinstance(story[i], NewPage):
            segment = Segment(story, i, width, page)
        elif starts and i == starts[-1][0]:
            story[i] = TailBreak(segment, i + 1, starts.pop()[1])
    return story
