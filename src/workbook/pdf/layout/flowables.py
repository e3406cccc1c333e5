"""Stage 5, layout: the small custom flowables (check boxes, writing lines, scales, quotes, anchors).

Each has only wrap/split/draw; all decisions about content are made in blocks.py.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from typing import Any

from reportlab.lib.colors import Color
from reportlab.platypus import Flowable, PageBreak
from reportlab.platypus import Paragraph as RLParagraph
from reportlab.platypus import Table as RLTable

from .forms import check_box, radio, text_field
from .recent import RecentCache
from .replay import draw_recorded
from .tags import (
    Element,
    artifact,
    begin_artifact,
    end_artifact,
    mark_drawn,
    marked,
    owned_by,
    tagger,
)

_LINE_BREAKS: RecentCache[Any] = RecentCache()  # (text, style, widths) -> ReportLab's lines
_PARSED: RecentCache[Any] = RecentCache()  # (markup, style) -> parsed fragments


def _style_key(style: Any) -> str:
    """Everything about a style that changes how its text is laid out or drawn, as a string.

    Memoised on the style with the style's identity: ReportLab copies every attribute of a
    parent style into a style derived from it, the memo included, and a derived style (say,
    right-aligned) must not pass for its parent.
    """
    memo = style.__dict__.get("_wb_key")
    if memo is None or memo[0] != id(style):
        items = sorted(
            (k, repr(v))
            for k, v in style.__dict__.items()
            if k not in {"name", "parent", "_wb_key"}
        )
        memo = style.__dict__["_wb_key"] = (id(style), repr(items))
    return str(memo[1])


class Paragraph(RLParagraph):  # type: ignore[misc]
    """A ReportLab paragraph that reuses line breaks already worked out.

    Keep rules, tables and frames each measure a paragraph, usually at the same width, and a
    batch lays out the same worksheet text for every row: each distinct (text, style, width)
    is broken into lines once per process. The output is byte-identical either way.
    """

    _wrapped: tuple[float, float, float] | None = None
    frags: Any
    blPara: Any
    tag: Element | None = None  # the structure element of its text (tags.py)
    label_tag: Element | None = None  # of its bullet, if it has one

    def _setup(self, text: Any, style: Any, bulletText: Any, frags: Any, cleaner: Any) -> None:
        """Parse each distinct markup once per process: the fragments are shared read-only."""
        if frags is not None or not isinstance(text, str):
            super()._setup(text, style, bulletText, frags, cleaner)
            return
        key = (text, _style_key(style), repr(bulletText))
        parsed = _PARSED.get(key)
        if parsed is None:
            super()._setup(text, style, bulletText, frags, cleaner)
            _PARSED[key] = (
                self.__dict__["text"],
                self.__dict__["frags"],
                self.__dict__["bulletText"],
            )
            return
        self.__dict__.update(zip(("text", "frags", "bulletText"), parsed, strict=True))
        self.style = style  # equal to the cached one in every attribute, but this block's own
        self.debug = 0

    def breakLines(self, width: Any) -> Any:
        if self.text is None:  # a part of a split paragraph: rare, and never shared
            return super().breakLines(width)
        widths = tuple(width) if isinstance(width, list) else width
        key = (self.text, _style_key(self.style), repr(self.bulletText), widths)
        broken = _LINE_BREAKS.get(key)
        if broken is None:
            # ReportLab also leaves the words it broke in self.frags, and splitting reads them
            lines = super().breakLines(width)
            broken = _LINE_BREAKS[key] = (lines, self.frags)
        lines, self.frags = broken
        return lines

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        """Split a copy of the lines and words: ReportLab's split edits what it splits, and
        both are shared through the line-break cache."""
        if not hasattr(self, "blPara"):
            self.wrap(availWidth, availHeight)
        if hasattr(self, "blPara"):
            self.blPara, self.frags = copy.deepcopy((self.blPara, self.frags))
        parts: list[Flowable] = super().split(availWidth, availHeight)
        for part in parts:  # every part's text belongs to the same element
            part.tag = self.tag
        if parts:
            parts[0].label_tag = self.label_tag
        return parts

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        if self._wrapped is not None and self._wrapped[0] == availWidth and hasattr(self, "blPara"):
            return self._wrapped[1], self._wrapped[2]
        width, height = super().wrap(availWidth, availHeight)
        self._wrapped = (availWidth, width, height)
        return width, height

    def draw(self) -> None:
        """Draw, or replay the operators this text drew before (see replay.py), marked as
        the content of its element."""
        style = self.style
        boxed = bool(style.backColor or (style.borderColor and style.borderWidth))
        label = self.label_tag if self.bulletText else None
        mark_drawn(self.canv, self._draw_replayed, self.tag, label, boxed)

    def _draw_replayed(self) -> None:
        draw_recorded(self.canv, self.draw_key(), super().draw, self._runs)

    def draw_key(self) -> tuple[Any, ...] | None:
        """Everything the drawing depends on; None for a part of a split paragraph."""
        if self.text is None or self._wrapped is None:
            return None
        return (self.text, _style_key(self.style), repr(self.bulletText), self._wrapped)

    def _runs(self) -> list[tuple[str, str]] | None:
        """(font, text) of every run drawn; None if a run has a link or a callback, which act
        on the document, or lines under or through it, which ReportLab draws differently
        depending on the line width and colour already set."""
        lines = self.blPara.lines
        if self.blPara.kind == 0:
            if any(getattr(self.blPara, name, None) for name in ("link", "us_lines")):
                return None
            runs = [(self.blPara.fontName, " ".join(words)) for _, words in lines]
        else:
            frags = [f for line in lines for f in line.words]
            if any(getattr(f, n, None) for f in frags for n in ("cbDefn", "link", "us_lines")):
                return None
            runs = [(f.fontName, f.text) for f in frags]
        if self.bulletText:
            runs.append((self.style.bulletFontName, str(self.bulletText)))
        return runs


class Table(RLTable):  # type: ignore[misc]
    """A ReportLab table that does not measure itself again for the same question, marks
    its backgrounds, rules and empty cells as artifacts (its cells' text is tagged by the
    cells' own paragraphs), and replays its drawing (see replay.py) when its cells are text.

    Keep rules measure a table up to three times before a frame places it, and ReportLab
    works out every row each time. The answer only changes with the width, or with the
    height when the table does not fit in it (ReportLab then stops measuring early).
    """

    _measured: tuple[float, float] | None = None  # (width, height) offered at the last measure
    _styled: tuple[str, ...] = ()  # the style commands given, which set every cell's style
    _repeated_header = False  # a later part of a split table: its first row repeats the header

    def setStyle(self, tblstyle: Any) -> None:
        super().setStyle(tblstyle)
        commands = tblstyle.getCommands() if hasattr(tblstyle, "getCommands") else tblstyle
        self._styled = (*self._styled, repr(commands))

    def draw(self) -> None:
        self._renderCB = _mark_table  # ReportLab calls it at each stage of drawing
        draw_recorded(self.canv, self._draw_key(), super().draw, self._runs, self._elements)

    def _draw_key(self) -> tuple[Any, ...] | None:
        if not self._styled or self._spanCmds:
            return None
        cells: list[Any] = []
        for cell in self._cells():
            key = cell.draw_key() if isinstance(cell, Paragraph) else "" if cell == "" else None
            if key is None:
                return None  # a form field, a picture, or a part of a split paragraph
            cells.append(key)
        geometry = (self._colWidths, self._rowHeights, self._colpositions, self._rowpositions)
        return (Table, self._styled, tuple(cells), repr(geometry), self._repeated_header,
                repr(self._bkgrndcmds), repr(self._linecmds))  # fmt: skip

    def _cells(self) -> list[Any]:
        """Every cell's content, row by row (ReportLab keeps a flowable as a list of one)."""
        cells: list[Any] = []
        for row in self._cellvalues:
            for cell in row:
                cells += cell if isinstance(cell, (list, tuple)) else [cell]
        return cells

    def _elements(self) -> list[Element | None]:
        """The structure elements of the cells' text and bullets, in cell order."""
        cells = [c for c in self._cells() if isinstance(c, Paragraph)]
        return [e for c in cells for e in (c.tag, c.label_tag)]

    def _runs(self) -> list[tuple[str, str]] | None:
        runs = [(style.fontname, "") for row in self._cellStyles for style in row]
        for cell in self._cells():
            if isinstance(cell, Paragraph):
                cell_runs = cell._runs()
                if cell_runs is None:
                    return None
                runs += cell_runs
        return runs

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        width, height = self._measured or (None, 0.0)
        if width == availWidth and (
            height == availHeight or min(height, availHeight) >= self._height
        ):
            self.availWidth = availWidth
            return self._width, self._height
        self._measured = (availWidth, availHeight)
        return super().wrap(availWidth, availHeight)  # type: ignore[no-any-return]

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        """Split between rows, never leaving one row alone under a repeated header."""
        parts = self._split_between_rows(availWidth, availHeight)
        body = [len(part._cellvalues) - self.repeatRows for part in parts]
        if len(parts) == 2 and body[1] < 2 and body[0] > 2:
            rows = len(parts[0]._cellvalues) - (2 - body[1])  # move rows over to the next page
            parts = self._split_between_rows(availWidth, sum(self._rowHeights[:rows]) + 0.01)
        for i, part in enumerate(parts):  # the parts share this table's cell styles
            part._styled = self._styled
            part._repeated_header = self._repeated_header or (i > 0 and bool(self.repeatRows))
        return parts

    def _split_between_rows(self, availWidth: float, availHeight: float) -> list[Flowable]:
        """ReportLab's split, which may cut a row of text in two; but a blank row is moved
        whole to the next page, since its form fields cannot be cut (they were lost, and a
        header was left over a sliver of the row at the page foot)."""
        self._measured = None  # splitting measures again, at another height
        parts: list[Flowable] = super().split(availWidth, availHeight)
        cut = len(parts) == 2 and (
            len(parts[0]._cellvalues) + len(parts[1]._cellvalues) - self.repeatRows
            > len(self._cellvalues)
        )
        if cut and _is_blank_row(self._cellvalues[len(parts[0]._cellvalues) - 1]):
            in_row = int(getattr(self, "splitInRow", 0))
            self.splitInRow, self._measured = 0, None
            try:
                parts = super().split(availWidth, availHeight)
            finally:
                self.splitInRow = in_row
        return parts


def _is_blank_row(row: list[Any]) -> bool:
    """A row to write in: every cell empty or a form field."""
    from .forms import FieldCell

    cells = [c[0] if isinstance(c, (list, tuple)) and len(c) == 1 else c for c in row]
    return all(c == "" or isinstance(c, FieldCell) for c in cells)


def _mark_table(table: Table, event: str, *args: Any) -> None:
    """Backgrounds, rules, empty cells and a repeated header row are decoration."""
    canv = table.canv
    if event in ("startBG", "startLines"):
        begin_artifact(canv)
    elif event in ("endBG", "endLines"):
        end_artifact(canv)
    elif event == "startRow":
        table._wb_row = args[0]
        if args[0] == 0 and table._repeated_header:
            begin_artifact(canv)
    elif event == "endRow" and table._wb_row == 0 and table._repeated_header:
        end_artifact(canv)
    elif event == "startCell" and isinstance(args[2], str):
        begin_artifact(canv)  # ReportLab draws an empty text object for an empty cell
        table._wb_empty_cell = True
    elif event == "endCell" and table.__dict__.pop("_wb_empty_cell", False):
        end_artifact(canv)


class CheckItem(Flowable):  # type: ignore[misc]
    """A drawn, empty check box beside a wrapped paragraph."""

    def __init__(
        self,
        para: Paragraph,
        box: float,
        colour: Color,
        show_box: bool = True,
        field: str | None = None,
    ) -> None:
        super().__init__()
        self.para, self.box, self.colour, self.show_box = para, box, colour, show_box
        self.field = field
        self.indent = box * 1.8
        self.tooltip = ""  # what a screen reader says for its check box

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        _, h = self.para.wrap(aw - self.indent, ah)
        self.width, self.height = aw, max(h, self.box + 2)
        return self.width, self.height

    def split(self, aw: float, ah: float) -> list[Flowable]:
        parts = self.para.split(aw - self.indent, ah)
        if len(parts) < 2:
            return []
        first = CheckItem(parts[0], self.box, self.colour, self.show_box, self.field)
        first.tooltip = self.tooltip
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
                        check_box(canv, self.field, 1, y, self.box, self.colour, self.tooltip)
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
                 first: int = 1) -> None:  # fmt: skip
        super().__init__()
        self.count, self.spacing, self.colour = count, spacing, colour
        self.page_height, self.field, self.text = page_height, field, text or colour
        self.fill, self.first = fill, first
        self.shown = count  # the lines drawn: `count`, or more when filling the page
        self.tag: Element | None = None  # the element its fields belong to
        self.tooltip: Callable[..., str] = "{n}".format  # a line's spoken name, from n=number

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        self.shown = self.count
        if self.fill and ah < self.page_height * 2:  # placing, not measuring: fill the space left
            self.shown = max(self.count, int(ah // self.spacing))
        self.width, self.height = aw, self.shown * self.spacing
        return self.width, self.height

    def _part(self, count: int, first: int) -> WritingLines:
        part = WritingLines(count, self.spacing, self.colour, self.page_height, self.field,
                            self.text, first=first)  # fmt: skip
        part.tag, part.tooltip = self.tag, self.tooltip
        return part

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
        if not self.field:
            return
        size = min(self.spacing * 0.5, 13)
        with owned_by(canv, self.tag):
            # top line first, so the tab order runs down the page
            for n, i in enumerate(reversed(range(self.shown)), start=self.first):
                box = (0, i * self.spacing + 1, self.width, self.spacing * 0.8)
                tooltip = self.tooltip(n=n)
                text_field(canv, f"{self.field}.{n}", box, size, self.text, tooltip=tooltip)


class RatingScale(Flowable):  # type: ignore[misc]
    """A row of numbered circles to mark, with anchor labels beneath."""

    def __init__(
        self,
        low: int,
        high: int,
        anchors: dict[int, Paragraph],
        size: float,
        font: str,
        font_size: float,
        colour: Color,
        text: Color,
        field: str | None = None,
    ) -> None:
        super().__init__()
        self.low, self.high, self.anchors, self.field = low, high, anchors, field
        self.size, self.font, self.font_size = size, font, font_size
        self.colour, self.text = colour, text
        self.tag: Element | None = None  # the scale's group: its fields belong to it
        self.digits_tag: Element | None = None  # the element of the printed numbers
        self.tooltip = ""  # the radio group's spoken name

    def _centre(self, value: int) -> float:
        steps = self.high - self.low
        return self.size / 2 + (self.width - self.size) * (value - self.low) / steps

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        self.width = min(aw, (self.high - self.low + 1) * self.size * 2.1)
        label_w = max(self.width / max(len(self.anchors), 1) * 0.9, self.size * 3)
        label_h = max((p.wrap(label_w, ah)[1] for p in self.anchors.values()), default=0)
        self.label_width = label_w
        self.height = self.size + (label_h + self.size * 0.3 if self.anchors else 0)
        return self.width, self.height

    def _rings(self) -> None:
        canv, r = self.canv, self.size / 2
        canv.saveState()
        canv.setLineWidth(0.9)
        canv.setStrokeColor(self.colour)
        for value in range(self.low, self.high + 1):
            canv.circle(self._centre(value), self.height - r, r * 0.92, stroke=1, fill=0)
        canv.restoreState()

    def _digits(self) -> None:
        canv, r = self.canv, self.size / 2
        canv.saveState()
        canv.setFillColor(self.text)
        canv.setFont(self.font, min(self.font_size, self.size * 0.5))
        for value in range(self.low, self.high + 1):
            y = self.height - r - self.font_size * 0.35
            canv.drawCentredString(self._centre(value), y, str(value))
        canv.restoreState()

    def _radios(self, field: str) -> None:
        """A radio button over each circle, owned by the scale's element (a Form each)."""
        canv, base = self.canv, self.height - self.size
        with owned_by(canv, self.tag):
            for value in range(self.low, self.high + 1):
                x = self._centre(value) - self.size / 2
                radio(canv, field, str(value), x, base, self.size, self.colour, self.tooltip)

    def draw(self) -> None:
        """Circles (decoration), their numbers (text), the fields, then the anchor labels."""
        key = (RatingScale, self.low, self.high, self.width, self.height, self.size,
               self.font, self.font_size, self.colour.rgb(), self.text.rgb())  # fmt: skip
        digits = "".join(map(str, range(self.low, self.high + 1)))
        with artifact(self.canv):
            draw_recorded(self.canv, (*key, "rings"), self._rings, lambda: [])
        with marked(self.canv, self.digits_tag):
            draw_recorded(self.canv, (*key, "digits"), self._digits, lambda: [(self.font, digits)])
        if self.field:
            self._radios(self.field)
        base = self.height - self.size
        for value, para in self.anchors.items():
            para.wrap(self.label_width, self.height)
            if value == self.low:
                x = 0.0  # the end labels line up with the ends of the row
            elif value == self.high:
                x = self.width - self.label_width
            else:
                x = min(
                    max(self._centre(value) - self.label_width / 2, 0),
                    self.width - self.label_width,
                )
            para.drawOn(self.canv, x, base - self.size * 0.3 - para.height)


class QuoteBar(Flowable):  # type: ignore[misc]
    """A paragraph set apart by a coloured bar on its left, as a quotation."""

    def __init__(self, para: Paragraph, colour: Color, bar: float = 3) -> None:
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

    def draw(self) -> None:
        canv = self.canv
        canv.bookmarkPage(self.key, fit="XYZ", top=canv._pagesize[1])
        canv.addOutlineEntry(self.title, self.key, level=0, closed=False)
        self.on_page(self.key, canv.getPageNumber())


class ContentsEntry(Flowable):  # type: ignore[misc]
    """A table-of-contents line: linked title and summary, and a slot for the page number.

    The number is written into the slot once the worksheet's page is known, so the contents
    need only one layout pass.
    """

    def __init__(self, title: Paragraph, summary: Paragraph, key: str, number_width: float) -> None:
        super().__init__()
        self.title, self.summary, self.key, self.number_width = title, summary, key, number_width
        self.link_tag: Element | None = None  # the Link element that owns the link
        self.alt = ""  # the link's description

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
        canv.saveState()
        baseline = self.height - self.title.style.fontSize
        canv.translate(self.width, baseline)
        mark_slot(canv, self.key)
        canv.restoreState()
        tags = tagger(canv)
        if tags is not None and self.link_tag is not None:
            tags.slots[self.key] = self.link_tag  # the page number, once known, is its text
        with owned_by(canv, self.link_tag, as_form=False):
            canv.linkRect(
                self.alt,
                self.key,
                (0, self.height - self.title.height, self.width, self.height),
                relative=1,
                thickness=0,
            )

    def getSpaceAfter(self) -> float:
        return float(self.summary.getSpaceAfter())


# a comment line of its own among a page's operators (text strings never hold a raw newline)
SLOT = re.compile(r"^%workbook-slot (\S+)$", re.MULTILINE)


def mark_slot(canv: Any, name: str) -> None:
    """Leave a slot in the page for what is drawn once the build ends (see running.py)."""
    canv.addLiteral(f"%workbook-slot {name}")


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
        with marked(self.canv, self.tag):
            self.inner.drawOn(self.canv, 0, 0)

    def getSpaceBefore(self) -> float:
        return float(self.inner.getSpaceBefore())

    def getSpaceAfter(self) -> float:
        return float(self.inner.getSpaceAfter())
