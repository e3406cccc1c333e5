"""Stage 5, layout: the small custom flowables (check boxes, writing lines, scales, quotes, anchors).

Each has only wrap/split/draw; all decisions about content are made in blocks.py.
"""

from __future__ import annotations

from collections.abc import Callable
from math import hypot
from typing import Any

from reportlab.lib.colors import Color
from reportlab.pdfbase.pdfmetrics import getFont, stringWidth
from reportlab.platypus import Flowable, PageBreak, Spacer

from .forms import check_box, radio, text_field
from .pen import Chosen, Ticked, Written
from .replay import draw_recorded
from .tags import Element, artifact, marked, owned_by
from .text import TaggedParagraph


class CheckItem(Flowable):  # type: ignore[misc]
    """A drawn, empty check box beside a wrapped paragraph."""

    def __init__(
        self,
        para: TaggedParagraph,
        box: float,
        colour: Color,
        show_box: bool = True,
        field: str | None = None,
        tooltip: str = "",
        ticked: Ticked | None = None,
    ) -> None:
        super().__init__()
        self.para, self.box, self.colour, self.show_box = para, box, colour, show_box
        self.field, self.tooltip = field, tooltip  # its check box; what a screen reader says
        self.ticked = ticked  # an answer: ticked (the print edition draws the tick)
        self.indent = box * 1.8

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        _, h = self.para.wrap(aw - self.indent, ah)
        self.width, self.height = aw, max(h, self.box + 2)
        return self.width, self.height

    def split(self, aw: float, ah: float) -> list[Flowable]:
        parts = self.para.split(aw - self.indent, ah)
        if len(parts) < 2:
            return []
        first = CheckItem(parts[0], self.box, self.colour, self.show_box, self.field, self.tooltip,
                          self.ticked)  # fmt: skip
        return [first, *(CheckItem(p, self.box, self.colour, False) for p in parts[1:])]

    def draw(self) -> None:
        leading = self.para.style.leading
        if self.show_box:
            canv = self.canv
            y = self.height - leading + (leading - self.box) / 2 + self.para.style.fontSize * 0.04
            with artifact(canv):  # the box, drawn here or (fillable) by the check box field
                canv.setStrokeColor(self.colour)
                canv.setLineWidth(0.9)
                if not self.field:
                    canv.rect(1, y, self.box, self.box, stroke=1, fill=0)
                with owned_by(canv, self.para.tag):
                    if self.field:
                        check_box(canv, self.field, 1, y, self.box, self.colour, self.tooltip,
                                  checked=self.ticked is not None)  # fmt: skip
            if self.ticked and not self.field:
                with marked(canv, self.ticked.tag, (1, y, self.box, self.box)):
                    self.ticked.draw(canv, 1, y, self.box)
        self.para.drawOn(self.canv, self.indent, self.height - self.para.height)

    def getSpaceAfter(self) -> float:
        return float(self.para.getSpaceAfter())


class WritingLines(Flowable):  # type: ignore[misc]
    """Ruled lines to write on. Moves to the next page whole unless taller than a page.

    In the fillable edition each line is a one-line text field, `<field>.1`, `<field>.2`, …,
    so typed answers sit on the printed lines.
    """

    def __init__(self, count: int, spacing: float, colour: Color, page_height: float,
                 field: str | None = None, text: Color | None = None, fill: bool = False,
                 first: int = 1, tag: Element | None = None,
                 spoken: Callable[[int], str] | None = None,
                 written: Written | None = None) -> None:  # fmt: skip
        super().__init__()
        self.count, self.spacing, self.colour = count, spacing, colour
        self.page_height, self.field, self.text = page_height, field, text or colour
        self.fill, self.first = fill, first
        self.shown = count  # the lines drawn: `count`, or more when filling the page
        self.tag = tag  # the element its fields belong to
        self.spoken = spoken or str  # line n's spoken name
        self.written = written  # an answer, line by line from line 1 (pen.py)

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        self.shown = self.count
        if self.fill and ah < self.page_height * 2:  # placing, not measuring: fill the space left
            self.shown = max(self.count, int(ah // self.spacing))
        self.width, self.height = aw, self.shown * self.spacing
        return self.width, self.height

    def _part(self, count: int, first: int) -> WritingLines:
        return WritingLines(count, self.spacing, self.colour, self.page_height, self.field,
                            self.text, first=first, tag=self.tag, spoken=self.spoken,
                            written=self.written)  # fmt: skip

    def split(self, aw: float, ah: float) -> list[Flowable]:
        fits = int(ah // self.spacing)
        if self.height <= self.page_height or fits < 1:
            return []
        return [self._part(fits, self.first), self._part(self.count - fits, self.first + fits)]

    def draw(self) -> None:
        canv = self.canv
        with artifact(canv):
            canv.setStrokeColor(self.colour)
            canv.setLineWidth(0.6)
            for i in range(self.shown):
                canv.line(0, i * self.spacing, self.width, i * self.spacing)
        lines = self._answer()
        if not self.field:
            if self.written and any(lines):  # the print edition: the answer on the lines
                rows = reversed(range(self.shown))  # top line first
                placed = [(2.0, i * self.spacing + self.spacing * 0.18, text)
                          for text, i in zip(lines, rows, strict=False)]  # fmt: skip
                with marked(canv, self.written.tag):
                    self.written.pen.write_lines(canv, placed)
            return
        size = min(self.spacing * 0.5, 13)
        with owned_by(canv, self.tag):
            # top line first, so the tab order runs down the page
            for n, i in enumerate(reversed(range(self.shown)), start=self.first):
                box = (0, i * self.spacing + 1, self.width, self.spacing * 0.8)
                value = lines[n - self.first] if n - self.first < len(lines) else ""
                text_field(canv, f"{self.field}.{n}", box, size, self.text, tooltip=self.spoken(n),
                           value=value)  # fmt: skip

    def _answer(self) -> list[str]:
        """The answer's lines that fall on these lines."""
        if not self.written:
            return []
        return list(self.written.lines[self.first - 1 : self.first - 1 + self.shown])


class RatingScale(Flowable):  # type: ignore[misc]
    """A row of numbered circles to mark, with anchor labels beneath; wrapped onto balanced
    rows (0-10 above 11-20) when one row cannot hold the circles at their size.

    Every number fits its ring with room to spare: the widest number's box (its advance
    width by the font's cap height) reaches at most ROOM of the way from the ring's centre to
    its inner edge. The numbers take the theme's size where they fit; wider ones (10, 100)
    shrink, all alike, down to SHRINK of it; past that the rings grow. Rings never grow so
    far that neighbours crowd (a ring's cell is at most CROWD of the distance between
    centres): where one row cannot hold them so, the scale takes the fewest rows that can,
    read left to right and then the next row, each row's anchors beneath it. Rings and
    numbers shrink further only where MOST_ROWS rows cannot hold them (a frame far narrower
    than a page, or boxes far bigger than large print's).
    """

    ROOM = 0.6  # a single digit at the theme's size reaches about 0.52
    SHRINK = 0.8  # of the theme's size, before the rings grow instead
    CROWD = 0.9  # the widest a ring's cell gets, as a share of the distance between centres
    RING = 0.92  # the ring's radius, as a share of half its cell
    LINE = 0.9  # the ring's line width
    ROW_GAP = 0.5  # between one row (and its anchors) and the next, of the theme's size
    MOST_ROWS = 2  # enough for 21 points in every built-in theme on Letter or A4; more
    # would not read as one scale, nor fit a page in a frame far narrower than a page

    def __init__(
        self,
        low: int,
        high: int,
        anchors: dict[int, TaggedParagraph],
        size: float,
        font: str,
        font_size: float,
        colour: Color,
        text: Color,
        field: str | None = None,
        tags: tuple[Element | None, Element | None] = (None, None),
        tooltip: str = "",
        choices: tuple[str, ...] = (),
        chosen: Chosen | None = None,
    ) -> None:
        super().__init__()
        self.low, self.high, self.anchors, self.field = low, high, anchors, field
        self.size, self.font, self.font_size = size, font, font_size
        self.colour, self.text = colour, text
        # the scale's group (its fields belong to it) and the element of the printed numbers
        self.tag, self.digits_tag = tags
        self.tooltip = tooltip  # the radio group's spoken name
        self.choices = choices  # each button's
        self.chosen = chosen  # an answer: the number chosen
        self.cell, self.digit_size = size, min(font_size, size * 0.5)  # until wrapped
        self.rows: tuple[int, ...] = (high - low + 1,)  # how many numbers each row holds
        self.tops: tuple[float, ...] = (0.0,)  # each row's distance below the scale's top

    def _place(self, value: int) -> tuple[int, int]:
        """The row and the column of a number."""
        index, row = value - self.low, 0
        while index >= self.rows[row]:
            index, row = index - self.rows[row], row + 1
        return row, index

    def _centre(self, value: int) -> float:
        column, steps = self._place(value)[1], self.rows[0] - 1
        if not steps:
            return self.cell / 2
        return self.cell / 2 + (self.width - self.cell) * column / steps

    def _top(self, value: int) -> float:
        """The top of the number's row (its rings' cells)."""
        return self.height - self.tops[self._place(value)[0]]

    def _inner(self, cell: float) -> float:
        """The radius of a ring's inner edge, in a cell of `cell`."""
        return cell / 2 * self.RING - self.LINE / 2

    def _cap(self) -> float:
        """The height of the font's digits (its capitals'), per point of size."""
        return (getattr(getFont(self.font).face, "capHeight", 0) or 700) / 1000

    def _most(self, width: float, columns: int) -> float:
        """The widest cell of `columns` rings along `width` (cell = CROWD * distance)."""
        return self.CROWD * width / (columns - 1 + self.CROWD)

    def _fit(self, aw: float) -> tuple[float, float]:
        """Lays the numbers out in rows for the available width `aw` (see the class); the
        rings' cell and the numbers' size."""
        points = self.high - self.low + 1
        widest = max(stringWidth(str(n), self.font, 1) for n in range(self.low, self.high + 1))
        reach = hypot(widest / 2, self._cap() / 2)  # half its box's diagonal, per point
        digits = min(self.font_size, self.size * 0.5)
        needed = (reach * digits * self.SHRINK / self.ROOM + self.LINE / 2) * 2 / self.RING
        cell = max(self.size, needed)
        for count in range(1, min(points, self.MOST_ROWS) + 1):
            columns = -(-points // count)
            self.width = min(aw, columns * self.size * 2.1)
            if cell <= self._most(self.width, columns):
                break
        self.rows = tuple(points // count + (row < points % count) for row in range(count))
        cell = min(cell, self._most(self.width, columns))
        return cell, min(digits, self.ROOM * self._inner(cell) / reach)

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        self.cell, self.digit_size = self._fit(aw)
        label_w = max(self.width / max(len(self.anchors), 1) * 0.9, self.size * 3)
        labels = {value: p.wrap(label_w, ah)[1] for value, p in self.anchors.items()}
        self.label_width = label_w
        tops, height = [], 0.0
        for row in range(len(self.rows)):
            tops.append(height)
            under = [h for value, h in labels.items() if self._place(value)[0] == row]
            height += self.cell + (max(under) + self.size * 0.3 if under else 0)
            if row < len(self.rows) - 1:
                height += self.size * self.ROW_GAP
        self.tops, self.height = tuple(tops), height
        return self.width, self.height

    def _rings(self) -> None:
        canv, r = self.canv, self.cell / 2
        canv.saveState()
        canv.setLineWidth(self.LINE)
        canv.setStrokeColor(self.colour)
        for value in range(self.low, self.high + 1):
            y = self._top(value) - r
            canv.circle(self._centre(value), y, r * self.RING, stroke=1, fill=0)
        canv.restoreState()

    def _digits(self) -> None:
        canv, r, size = self.canv, self.cell / 2, self.digit_size
        canv.saveState()
        canv.setFillColor(self.text)
        canv.setFont(self.font, size)
        for value in range(self.low, self.high + 1):  # centred, each followed by a space,
            y = self._top(value) - r - self._cap() * size / 2  # middle on the ring's
            x = self._centre(value) - stringWidth(str(value), self.font, size) / 2
            canv.drawString(x, y, f"{value} ")  # so the numbers read apart
        canv.restoreState()

    def _radios(self, field: str) -> None:
        """A radio button over each circle, owned by the scale's element (a Form each): as
        big as the ring's cell (buttons never overlap), so that the chosen one's thick ring
        lies just inside the printed one, clear of its number. Made in the numbers' order,
        which is their tab order."""
        canv, button, ring = self.canv, self.cell, self.cell / 2 * self.RING
        with owned_by(canv, self.tag):
            for i, value in enumerate(range(self.low, self.high + 1)):
                x = self._centre(value) - button / 2
                base = self._top(value) - self.cell / 2 - button / 2
                spoken = self.choices[i] if self.choices else self.tooltip
                selected = self.chosen is not None and self.chosen.value == value
                radio(canv, field, str(value), (x, base, button), self.colour,
                      (self.tooltip, spoken), selected, ring)  # fmt: skip

    def _label_x(self, value: int) -> float:
        """Where an anchor's label starts: under its number, the end labels lined up with
        the ends of their rings (the first with the scale's start)."""
        if value == self.low:
            return 0.0
        if value == self.high:
            last = self._place(value)[1] == self.rows[0] - 1
            end = self.width if last else self._centre(value) + self.cell / 2
            return end - self.label_width
        return min(
            max(self._centre(value) - self.label_width / 2, 0), self.width - self.label_width
        )

    def draw(self) -> None:
        """Circles (decoration), their numbers (text), the fields, then the anchor labels."""
        key = (RatingScale, self.low, self.high, self.width, self.height, self.size,
               self.font, self.font_size, self.colour.rgb(), self.text.rgb(), self.rows)  # fmt: skip
        digits = "".join(f"{n} " for n in range(self.low, self.high + 1))
        with artifact(self.canv):
            draw_recorded(self.canv, (*key, "rings"), self._rings, lambda: [])
        with marked(self.canv, self.digits_tag):
            draw_recorded(self.canv, (*key, "digits"), self._digits, lambda: [(self.font, digits)])
        if self.field:
            self._radios(self.field)
        elif self.chosen is not None:  # the print edition: a ring round the chosen number
            r, value = self.cell / 2, self.chosen.value
            centre, top = self._centre(value), self._top(value)
            ring = (centre - r * 1.2, top - r * 2.2, r * 2.4, r * 2.4)
            with marked(self.canv, self.chosen.tag, ring):
                self.chosen.draw(self.canv, centre, top - r, r)
        for value, para in self.anchors.items():
            para.wrap(self.label_width, self.height)
            base = self._top(value) - self.cell
            para.drawOn(self.canv, self._label_x(value), base - self.size * 0.3 - para.height)


class QuoteBar(Flowable):  # type: ignore[misc]
    """A paragraph set apart by a coloured bar on its left, as a quotation."""

    def __init__(self, para: TaggedParagraph, colour: Color, bar: float = 3) -> None:
        super().__init__()
        self.para, self.colour, self.bar = para, colour, bar

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        self.width, self.height = self.para.wrap(aw, ah)
        return self.width, self.height

    def split(self, aw: float, ah: float) -> list[Flowable]:
        return [QuoteBar(p, self.colour, self.bar) for p in self.para.split(aw, ah)]

    def draw(self) -> None:
        x = self.para.style.leftIndent - self.bar * 3
        with artifact(self.canv):
            self.canv.setFillColor(self.colour)
            self.canv.rect(x, 0, self.bar, self.height, stroke=0, fill=1)
        self.para.drawOn(self.canv, 0, 0)

    def getSpaceBefore(self) -> float:
        return float(self.para.getSpaceBefore())

    def getSpaceAfter(self) -> float:
        return float(self.para.getSpaceAfter())


class DrawsNothing:
    """For a flowable with nothing to draw (a space, a page break): not even the graphics
    state that ReportLab saves, moves and restores around every drawing."""

    def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:
        pass


class Gap(DrawsNothing, Spacer):  # type: ignore[misc]
    """Space between flowables, as ReportLab's Spacer."""


class NewPage(PageBreak):  # type: ignore[misc]
    """Go on on a new page, unless nothing has been drawn on this page yet (pdf.WorkbookDoc
    drops it there), so that page breaks in a row never leave blank pages. ReportLab's own
    PageBreakIfNotEmpty drops only the second of several."""


class Anchor(Flowable):  # type: ignore[misc]
    """An invisible mark: a link destination, an outline entry and a page-number record."""

    def __init__(self, key: str, title: str, on_page: Callable[[str, int], Any]) -> None:
        super().__init__()
        self.key, self.title, self.on_page = key, title, on_page
        self.width = self.height = 0

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        return 0, 0

    def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:
        self._drawOn(canvas)  # it marks the page, drawing nothing: no state saved, no move

    def draw(self) -> None:
        canv = self.canv
        canv.bookmarkPage(self.key, fit="XYZ", top=canv._pagesize[1])
        canv.addOutlineEntry(self.title, self.key, level=0, closed=False)
        self.on_page(self.key, canv.getPageNumber())


class ContentsEntry(Flowable):  # type: ignore[misc]
    """A table-of-contents line: linked title and summary, and the page number.

    The number is a form defined once the worksheet's page is known (running.py), so the
    contents need only one layout pass. The title, the link and the number belong to the
    `link` element; `alt` describes the link.
    """

    def __init__(self, title: TaggedParagraph, summary: TaggedParagraph, key: str,
                 number_width: float, link: Element | None, alt: str) -> None:  # fmt: skip
        super().__init__()
        self.title, self.summary, self.key, self.number_width = title, summary, key, number_width
        self.link_tag, self.alt = link, alt

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        inner = aw - self.number_width
        _, th = self.title.wrap(inner, ah)
        _, sh = self.summary.wrap(inner, ah)
        self.width, self.height = aw, th + sh
        return self.width, self.height

    def draw(self) -> None:
        canv = self.canv
        self.title.drawOn(canv, 0, self.height - self.title.height)
        self.summary.drawOn(canv, 0, self.height - self.title.height - self.summary.height)
        with owned_by(canv, self.link_tag, as_form=False):
            canv.linkRect(
                self.alt,
                self.key,
                (0, self.height - self.title.height, self.width, self.height),
                relative=1,
                thickness=0,
            )
        canv.saveState()
        canv.translate(self.width, self.height - self.title.style.fontSize)  # the title's baseline
        with marked(canv, self.link_tag):  # the number is the link's text too
            canv.doForm(number_form(self.key))
        canv.restoreState()

    def getSpaceAfter(self) -> float:
        return float(self.summary.getSpaceAfter())


def number_form(key: str) -> str:
    """The form that draws the page number of the section `key`, right-aligned at 0, 0."""
    return f"wb-number-{key}"


class Tagged(Flowable):  # type: ignore[misc]
    """Another flowable (a picture, a rule) drawn as the content of an element, such as a
    Figure with its /Alt, or as decoration when the element is None."""

    def __init__(self, inner: Flowable, tag: Element | None) -> None:
        super().__init__()
        self.inner, self.tag = inner, tag
        self.hAlign = getattr(inner, "hAlign", "LEFT")

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        self.width, self.height = self.inner.wrap(aw, ah)
        return self.width, self.height

    def draw(self) -> None:
        with marked(self.canv, self.tag, (0, 0, self.width, self.height)):
            self.inner.drawOn(self.canv, 0, 0)

    def getSpaceBefore(self) -> float:
        return float(self.inner.getSpaceBefore())

    def getSpaceAfter(self) -> float:
        return float(self.inner.getSpaceAfter())
