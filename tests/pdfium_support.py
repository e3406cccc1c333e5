"""Pages drawn by PDFium with their form fields, as pixels with the page's own points, and
what changed between two drawings (tests of the fillable edition's looks)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image, ImageChops

PX = 4  # pixels per point in the renders compared (near enough: see Render)
INK = 40  # a pixel changed by more than this (of 255) is part of a mark


@dataclass(frozen=True)
class Render:
    """A page drawn in pixels. PDFium fits the page to whole pixels, so its scale is a
    little more than PX (a quarter point across an A4 page)."""

    image: Image.Image
    size: tuple[float, float]  # the page's width and height, in points

    def pixel(self, x: float, y: float) -> tuple[float, float]:
        """Where the point (x, y) of the page falls in the image."""
        width, height = self.size
        return x * self.image.width / width, (height - y) * self.image.height / height

    def point(self, column: int, row: int) -> tuple[float, float]:
        """The point of the page in the middle of a pixel."""
        width, height = self.size
        return ((column + 0.5) * width / self.image.width,
                height - (row + 0.5) * height / self.image.height)  # fmt: skip

    def within(self, box: tuple[float, float, float, float]) -> list[tuple[int, int]]:
        """The pixels whose middles lie in a box (left, bottom, right, top) of the page."""
        left, top = (int(v) for v in self.pixel(box[0], box[3]))
        right, bottom = (int(v) + 1 for v in self.pixel(box[2], box[1]))
        return [(column, row) for row in range(top, bottom) for column in range(left, right)
                if inside(self.point(column, row), box)]  # fmt: skip


def inside(point: tuple[float, float], box: tuple[float, float, float, float]) -> bool:
    return box[0] <= point[0] <= box[2] and box[1] <= point[1] <= box[3]


def renders(pdf: Path) -> list[Render]:
    """Each page as PDFium draws it with its form fields."""
    document = pdfium.PdfDocument(pdf)
    document.init_forms()
    pages = [Render(page.render(scale=PX, may_draw_forms=True).to_pil().convert("RGB"),
                    page.get_size()) for page in document]  # fmt: skip
    document.close()
    return pages


def changes(before: Render, after: Render) -> Render:
    """A mask of the pixels that changed."""
    diff = ImageChops.difference(before.image.convert("RGB"), after.image.convert("RGB"))
    return Render(diff.convert("L").point(lambda v: 255 if v > INK else 0), before.size)
