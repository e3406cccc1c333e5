"""Stage 5, layout: text and tables that carry their structure elements and reuse layout work.

A batch lays out the same worksheet text for every row, and keep rules measure the same
flowables several times: each distinct paragraph is parsed and broken into lines once per
process (recent.py forgets what recent builds stopped using), and drawings are replayed
(replay.py). The output is byte-identical either way.
"""

from __future__ import annotations

import copy
from typing import Any

from reportlab.platypus import Flowable
from reportlab.platypus import Paragraph as RLParagraph
from reportlab.platypus import Table as RLTable

from .forms import FieldCell
from .recent import RecentCache
from .replay import draw_recorded
from .tags import Element, begin_artifact, end_artifact, mark_drawn, place

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


class TaggedParagraph(RLParagraph):  # type: ignore[misc]
    """A ReportLab paragraph that reuses line breaks already worked out.

    Keep rules, tables and frames each measure a paragraph, usually at the same width, and a
    batch lays out the same worksheet text for every row: each distinct (text, style, width)
    is broken into lines once per process. The output is byte-identical either way.
    """

    _wrapped: tuple[float, float, float] | None = None
    frags: Any
    blPara: Any

    def __init__(self, text: Any, style: Any = None, *args: Any, tag: Element | None = None,
                 label_tag: Element | None = None, **kw: Any) -> None:  # fmt: skip
        self.tag = tag  # the structure element of its text (tags.py)
        self.label_tag = label_tag  # of its bullet, if it has one
        super().__init__(text, style, *args, **kw)

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
        draw_recorded(self.canv, self.draw_key(), self._draw_spaced, self._runs)

    def _draw_spaced(self) -> None:
        """Draw with a space at the end of every line but the last, where ReportLab leaves it
        out: text read without guessing spaces from glyph positions (a screen reader, the
        structure's text) would join the last word of a line to the first of the next. The
        space is drawn after the line's end, so nothing on the page moves."""
        laid_out = self.blPara
        self.blPara = _with_line_end_spaces(laid_out)
        try:
            super().draw()
        finally:
            self.blPara = laid_out

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
            runs = [(self.blPara.fontName, " ".join(words) + " ") for _, words in lines]
        else:
            frags = [f for line in lines for f in line.words]
            if any(getattr(f, n, None) for f in frags for n in ("cbDefn", "link", "us_lines")):
                return None
            runs = [(f.fontName, f.text + " ") for f in frags]  # (with the spaces at line ends)
        if self.bulletText:
            runs.append((self.style.bulletFontName, str(self.bulletText)))
        return runs


def _with_line_end_spaces(para: Any) -> Any:
    """A copy of laid-out lines whose every line but the last ends in a space (a line
    ending in a drawing, an underline or a link is left as it is)."""
    if len(para.lines) < 2:
        return para
    spaced = para.clone()
    if para.kind == 0:
        spaced.lines = [(extra, [*words[:-1], words[-1] + " "]) if words and i else (extra, words)
                        for i, (extra, words) in _all_but_last(para.lines)]  # fmt: skip
        return spaced
    spaced.lines = [_line_with_space(line) if i else line for i, line in _all_but_last(para.lines)]
    return spaced


def _all_but_last(lines: list[Any]) -> list[tuple[bool, Any]]:
    """(whether to add a space, line) for each line."""
    return [(i < len(lines) - 1, line) for i, line in enumerate(lines)]


def _line_with_space(line: Any) -> Any:
    words = line.words
    last = words[-1] if words else None
    if last is None or any(getattr(last, n, None) for n in ("cbDefn", "link", "us_lines")):
        return line
    if last.text.endswith(" "):
        return line
    spaced = line.clone()
    spaced.words = [*words[:-1], last.clone(text=last.text + " ")]
    return spaced


class TaggedTable(RLTable):  # type: ignore[misc]
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
        cells = [c.tag for c in self._cells() if getattr(c, "tag", None) is not None]
        if cells:  # a data table's (not a layout table's) box, where this part is drawn
            place(self.canv, cells[0].enclosing("Table"), (0, 0, self._width, self._height))
        draw_recorded(self.canv, self._draw_key(), super().draw, self._runs, self._elements)

    def _draw_key(self) -> tuple[Any, ...] | None:
        if not self._styled or self._spanCmds:
            return None
        cells: list[Any] = []
        for cell in self._cells():
            key = (
                cell.draw_key() if isinstance(cell, TaggedParagraph) else "" if cell == "" else None
            )
            if key is None:
                return None  # a form field, a picture, or a part of a split paragraph
            cells.append(key)
        geometry = (self._colWidths, self._rowHeights, self._colpositions, self._rowpositions)
        return (TaggedTable, self._styled, tuple(cells), repr(geometry), self._repeated_header,
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
        cells = [c for c in self._cells() if isinstance(c, TaggedParagraph)]
        return [e for c in cells for e in (c.tag, c.label_tag)]

    def _runs(self) -> list[tuple[str, str]] | None:
        runs = [(style.fontname, "") for row in self._cellStyles for style in row]
        for cell in self._cells():
            if isinstance(cell, TaggedParagraph):
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
    cells = [c[0] if isinstance(c, (list, tuple)) and len(c) == 1 else c for c in row]
    return all(c == "" or isinstance(c, FieldCell) for c in cells)


def _mark_table(table: TaggedTable, event: str, *args: Any) -> None:
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
