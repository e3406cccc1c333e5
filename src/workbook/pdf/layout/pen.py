"""Stage 5, layout: answers written into the print edition, in an ink of their own.

A workbook built with answers (`build --answers`, `--keep-answers`, a manifest's `answers:`)
prints them where a person would have written: on the ruled lines, in the blanks and empty
table cells, a tick in a box, a ring round the chosen number. They are set in the body font
(with its fallbacks, so any script prints) in a ballpoint blue, apart from the printed text.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.colors import Color, HexColor
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from ...fonts import FontSet
from .tags import Element

INK = HexColor("#1F4E9A")  # a ballpoint blue, 7.9:1 on white


@dataclass(frozen=True)
class Written:
    """An answer broken into lines, the pen it is written with, and (print edition) the
    structure element of its text."""

    lines: tuple[str, ...]
    pen: Pen
    tag: Element | None = None


@dataclass(frozen=True)
class Pen:
    """How answers are written: the body fonts, a size and the ink."""

    fonts: FontSet
    size: float
    ink: Color = INK

    def lines(self, text: str, width: float) -> list[str]:
        """`text` broken into lines `width` wide (a new line where the answer has one)."""
        font = self.fonts.main.regular
        return [line for part in text.split("\n")
                for line in (simpleSplit(part, font, self.size, width) or [""])]  # fmt: skip

    def width(self, text: str) -> float:
        runs = self.fonts.runs(text)
        return float(sum(stringWidth(run, family.regular, self.size) for family, run in runs))

    def write_lines(self, canv: Canvas, lines: list[tuple[float, float, str]]) -> None:
        """An answer's lines, each at its (x, y) baseline; each but the last ends in a space,
        so text read without guessing spaces from positions keeps its words apart."""
        for k, (x, y, text) in enumerate(lines):
            self.write(canv, x, y, text + (" " if k < len(lines) - 1 else ""))

    def write(self, canv: Canvas, x: float, y: float, text: str) -> None:
        """One line of an answer with its baseline at (x, y), each run in a font that has it."""
        canv.saveState()
        canv.setFillColor(self.ink)
        for family, run in self.fonts.runs(text):
            canv.setFont(family.regular, self.size)
            canv.drawString(x, y, run)
            x += stringWidth(run, family.regular, self.size)
        canv.restoreState()


@dataclass(frozen=True)
class Ticked:
    """A box ticked in the print edition: the tick, drawn in ink, is the content of `tag`
    (a Figure whose alternative text says so)."""

    tag: Element | None
    ink: Color = INK

    def draw(self, canv: Canvas, x: float, y: float, size: float) -> None:
        canv.saveState()
        canv.setStrokeColor(self.ink)
        canv.setLineWidth(max(size * 0.14, 1.2))
        canv.setLineCap(1)
        canv.setLineJoin(1)
        path = canv.beginPath()
        path.moveTo(x + size * 0.18, y + size * 0.52)
        path.lineTo(x + size * 0.42, y + size * 0.22)
        path.lineTo(x + size * 0.86, y + size * 0.86)
        canv.drawPath(path, stroke=1, fill=0)
        canv.restoreState()


@dataclass(frozen=True)
class Chosen:
    """A scale's chosen number: a ring round it in ink (print edition), the content of
    `tag`, a Figure that says which number."""

    value: int
    tag: Element | None
    ink: Color = INK

    def draw(self, canv: Canvas, x: float, y: float, radius: float) -> None:
        canv.saveState()
        canv.setStrokeColor(self.ink)
        canv.setLineWidth(max(radius * 0.16, 1.5))
        canv.circle(x, y, radius * 1.08, stroke=1, fill=0)
        canv.restoreState()
