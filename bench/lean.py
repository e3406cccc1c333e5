"""The lean reference: the reference workbook content hand-written with ReportLab platypus.

What a developer would otherwise write: default ReportLab settings, embedded Atkinson
Hyperlegible, a cover, eight worksheets (heading, paragraphs, a 5-row table, an 8-item
checklist, 6 writing lines, a 0-10 scale) and "Page X of Y" via the usual numbered-canvas
recipe. No contents, no templates, no validation, no font fallback.
"""

from __future__ import annotations

import io
from typing import Any

import fontpkg
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table

PARAGRAPH = ("When you bring up therapy and Alex says no, it can feel like a door closing. "
             "A no rarely means they do not care. Much more often it protects something: pride, "
             "privacy, money, or the memory of an old hurt. If you can guess what the no is "
             "guarding, you can speak to that worry.")  # fmt: skip


def register_fonts() -> None:
    if "Atkinson" in pdfmetrics.getRegisteredFontNames():
        return
    for name, weight in (("Atkinson", 400), ("Atkinson-Bold", 700)):
        pdfmetrics.registerFont(
            TTFont(name, str(fontpkg.path("Atkinson Hyperlegible", weight=weight)))
        )


class NumberedCanvas(Canvas):  # type: ignore[misc]
    """The common recipe: keep every page's state, then write "Page X of Y" on save."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._saved: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._saved.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._saved)
        for state in self._saved:
            self.__dict__.update(state)
            self.setFont("Atkinson", 9)
            self.drawRightString(560, 30, f"Page {self._pageNumber} of {total}")
            super().showPage()
        super().save()


class Lines(Flowable):  # type: ignore[misc]
    def __init__(self, count: int) -> None:
        super().__init__()
        self.count = count

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        self.width = aw
        return aw, self.count * 24

    def draw(self) -> None:
        for i in range(self.count):
            self.canv.line(0, i * 24, self.width, i * 24)


def story(name: str = "Sam Rivera", loved: str = "Alex") -> list[Flowable]:
    styles = getSampleStyleSheet()
    body = styles["BodyText"].clone("body", fontName="Atkinson", fontSize=11, leading=15)
    head = styles["Heading2"].clone("head", fontName="Atkinson-Bold")
    title = styles["Title"].clone("title", fontName="Atkinson-Bold")
    items: list[Flowable] = [Spacer(1, 200), Paragraph("Reference workbook", title),
                             Paragraph(f"Prepared for {name}", body), PageBreak()]  # fmt: skip
    for n in range(1, 9):
        items += [Paragraph(f"Reference worksheet {n}", title), Paragraph("Why people push back", head),
                  Paragraph(PARAGRAPH.replace("Alex", loved), body),
                  Paragraph(PARAGRAPH.replace("Alex", loved), body)]  # fmt: skip
        rows = [[Paragraph(c, body) for c in ("They say", "Underneath", "You could say")]]
        rows += [[Paragraph(c, body) for c in (f"Objection {i}", "A worry about cost or pride.",
                                                "Could we look at it together?")] for i in range(1, 6)]  # fmt: skip
        items.append(Table(rows, repeatRows=1))
        items += [Paragraph(f"\u25a1 Something to check number {i}", body) for i in range(1, 9)]
        items += [
            Paragraph("Your thoughts", head),
            Lines(6),
            Paragraph("How ready do you feel?", head),
        ]
        items.append(
            Table(
                [
                    [str(i) for i in range(11)],
                    ["Not at all", "", "", "", "", "", "", "", "", "", "Completely"],
                ]
            )
        )
        items.append(PageBreak())
    return items


def build(name: str = "Sam Rivera", loved: str = "Alex") -> bytes:
    """The reference workbook's PDF, for these names (a batch's rows differ in them)."""
    register_fonts()
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=LETTER).build(story(name, loved), canvasmaker=NumberedCanvas)
    return buffer.getvalue()


if __name__ == "__main__":
    import sys

    data = build()
    if len(sys.argv) > 1:
        with open(sys.argv[1], "wb") as handle:
            handle.write(data)
