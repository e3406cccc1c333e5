"""Rating scales as a reader sees them: every number inside its ring, with room to spare.

Measured in the PDF with PDFium: the rings are the page's circular paths (their geometry,
less half the line width, gives the inner edge) and each number's box is the tight box of
its glyphs' ink.
"""

from __future__ import annotations

import ctypes
import math
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from pypdf import PdfReader

from conftest import worksheet, write_yaml

RANGES = [(0, 10), (1, 5), (80, 100), (0, 20), (90, 100)]  # 21 points is the most allowed
ROOM = 0.65  # a number's ink reaches at most this share of the way to the ring's inner edge
# (a single digit at the theme's size reaches about 0.5; before the fix "10" reached 0.71
# and "100" went through the ring)


@dataclass(frozen=True)
class Ring:
    x: float
    y: float
    inner: float  # the radius of its inner edge
    outer: float  # and of its outer edge


@dataclass(frozen=True)
class Number:
    text: str
    box: tuple[float, float, float, float]  # left, bottom, right, top of the ink
    size: float  # the font size


def rings(page: Any) -> list[Ring]:
    """The circles drawn on a page: closed paths of Bézier arcs as wide as they are high."""
    found = []
    for obj in page.get_objects(max_depth=3):
        if obj.type != pdfium_c.FPDF_PAGEOBJ_PATH:
            continue
        matrix, points = obj.get_matrix(), []
        for i in range(pdfium_c.FPDFPath_CountSegments(obj.raw)):
            segment = pdfium_c.FPDFPath_GetPathSegment(obj.raw, i)
            x, y = ctypes.c_float(), ctypes.c_float()
            pdfium_c.FPDFPathSegment_GetPoint(segment, x, y)
            points.append(matrix.on_point(x.value, y.value))
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        if len(points) < 8 or abs((max(xs) - min(xs)) - (max(ys) - min(ys))) > 0.05:
            continue
        line = ctypes.c_float()
        pdfium_c.FPDFPageObj_GetStrokeWidth(obj.raw, line)
        radius = (max(xs) - min(xs)) / 2
        found.append(Ring((max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2,
                          radius - line.value / 2, radius + line.value / 2))  # fmt: skip
    return found


def numbers(page: Any) -> list[Number]:
    """Each run of digits on a page, with the tight box of its ink."""
    text = page.get_textpage()
    runs: list[list[int]] = [[]]
    for i in range(text.count_chars()):
        if text.get_text_range(i, 1).isdigit():
            runs[-1].append(i)
        elif runs[-1]:
            runs.append([])
    found = []
    for run in filter(None, runs):
        boxes = [text.get_charbox(i, loose=False) for i in run]
        box = (min(b[0] for b in boxes), min(b[1] for b in boxes),
               max(b[2] for b in boxes), max(b[3] for b in boxes))  # fmt: skip
        size = pdfium_c.FPDFText_GetFontSize(text.raw, run[0])
        found.append(Number("".join(text.get_text_range(i, 1) for i in run), box, size))
    return found


def ringed(pdf: Path) -> list[list[tuple[Number, Ring]]]:
    """Per page, each number that lies in a ring, with its ring, in reading order."""
    document = pdfium.PdfDocument(pdf)
    pages = []
    for page in document:
        circles, pairs = rings(page), []
        for number in numbers(page):
            left, bottom, right, top = number.box
            x, y = (left + right) / 2, (bottom + top) / 2
            around = [r for r in circles if math.hypot(r.x - x, r.y - y) < r.inner]
            if around:
                assert len(around) == 1, f"{number.text} lies in {len(around)} rings"
                pairs.append((number, around[0]))
        pages.append(pairs)
    document.close()
    return pages


def reach(number: Number, ring: Ring) -> float:
    """How far the number's farthest corner reaches, as a share of the ring's inner radius."""
    left, bottom, right, top = number.box
    far = max(math.hypot(x - ring.x, y - ring.y) for x in (left, right) for y in (bottom, top))
    return far / ring.inner


@pytest.fixture
def scales_pdf(tmp_path: Path) -> Any:
    blocks = [{"type": "scale", "label": f"From {low} to {high}", "min": low, "max": high,
               "anchors": {low: "Not at all", high: "Completely"}} for low, high in RANGES]  # fmt: skip
    write_yaml(tmp_path / "mine" / "mine.yaml", worksheet(blocks=blocks))

    def make(theme: str, paper: str, fillable: bool) -> Path:
        from workbook.build import build
        from workbook.project import BuildOptions

        data = {"workbook": 1, "title": "Scales", "recipient": {"name": "Sam"},
                "date": "2026-11-22", "crisis_page": False, "worksheets_dirs": ["mine"],
                "worksheets": ["mine"], "theme": theme, "page_size": paper,
                "fillable": fillable}  # fmt: skip
        path = write_yaml(tmp_path / "manifest.yaml", data)
        return build(BuildOptions(manifest=path, output=tmp_path / f"{theme}-{paper}.pdf")).path

    return make


EDITIONS = [("default", "letter", False), ("default", "a4", True),
            ("large-print", "letter", True), ("large-print", "a4", False),
            ("ink-saver", "letter", False), ("ink-saver", "a4", True)]  # fmt: skip


@pytest.mark.parametrize(("theme", "paper", "fillable"), EDITIONS)
def test_every_number_sits_inside_its_ring_with_room(
    scales_pdf: Any, theme: str, paper: str, fillable: bool
) -> None:
    pdf = scales_pdf(theme, paper, fillable)
    pages = ringed(pdf)
    found = [number.text for pairs in pages for number, _ in pairs]
    assert found == [str(n) for low, high in RANGES for n in range(low, high + 1)]
    for pairs in pages:
        for number, ring in pairs:
            left, bottom, right, top = number.box
            assert right - left < 2 * ring.inner * ROOM, (number.text, number.box, ring)
            assert reach(number, ring) <= ROOM, (number.text, reach(number, ring), ring)
            middle = ((left + right) / 2 - ring.x, (bottom + top) / 2 - ring.y)
            assert max(map(abs, middle)) < ring.inner * 0.1, (number.text, middle)  # centred
    for pairs in pages:  # neighbouring rings never touch
        row = sorted({(round(r.y, 1), r.x, r.outer) for _, r in pairs})
        for (y1, x1, r1), (y2, x2, r2) in pairwise(row):
            if y1 == y2:
                assert x2 - x1 > r1 + r2 + 1, (x1, x2, r1, r2)


@pytest.mark.parametrize(("theme", "paper", "fillable"), EDITIONS[:3])
def test_numbers_are_one_size_per_scale_and_single_digits_keep_the_themes(
    scales_pdf: Any, theme: str, paper: str, fillable: bool
) -> None:
    pairs = [pair for pairs in ringed(scales_pdf(theme, paper, fillable)) for pair in pairs]
    sizes: dict[float, set[float]] = {}
    for number, ring in pairs:
        sizes.setdefault(round(ring.y, 1), set()).add(round(number.size, 2))
    assert all(len(s) == 1 for s in sizes.values()), sizes
    theme_size = {"default": 10.0, "large-print": 15.0, "ink-saver": 10.0}[theme]  # box_size
    one_to_five = {round(n.size, 2) for n, _ in pairs if n.text in {"1", "2", "3", "4", "5"}}
    assert theme_size in one_to_five  # 1 to 5 as before: min(base size, box size)
    assert max(n.size for n, _ in pairs) <= theme_size + 0.01


@pytest.mark.parametrize(("theme", "paper"), [("default", "letter"), ("large-print", "a4")])
def test_radio_buttons_sit_on_their_rings_and_never_overlap(
    scales_pdf: Any, theme: str, paper: str
) -> None:
    pdf = scales_pdf(theme, paper, True)
    pages = ringed(pdf)
    reader = PdfReader(pdf)
    buttons = 0
    for page, pairs in zip(reader.pages, pages, strict=True):
        circles = [ring for _, ring in pairs]
        rects = []
        for annot in page.get("/Annots") or []:
            widget = annot.get_object()
            parent = widget.get("/Parent")
            if parent is None or parent.get_object().get("/FT") != "/Btn":
                continue
            left, bottom, right, top = (float(v) for v in widget["/Rect"])
            x, y = (left + right) / 2, (bottom + top) / 2
            ring = min(circles, key=lambda r: math.hypot(r.x - x, r.y - y))
            assert math.hypot(ring.x - x, ring.y - y) < 0.5, (x, y, ring)
            rects.append((left, bottom, right, top))
        rects.sort(key=lambda rect: (round(rect[1], 1), rect[0]))  # by row, then along it
        for a, b in pairwise(rects):
            if round(a[1], 1) == round(b[1], 1):
                assert a[2] <= b[0] + 0.01, (a, b)
        buttons += len(rects)
    assert buttons == sum(high - low + 1 for low, high in RANGES)
