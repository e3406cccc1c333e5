"""Rating scales as a reader sees them: every number inside its ring, with room to spare;
in the fillable edition, the number chosen ringed, still plain to read.

Measured in the PDF with PDFium: the rings are the page's circular paths (their geometry,
less half the line width, gives the inner edge) and each number's box is the tight box of
its glyphs' ink; the chosen number's mark is what choosing it changes in PDFium's render.
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
from PIL import ImageDraw
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject

from conftest import worksheet, write_yaml
from pdfium_support import PX, Render, changes, renders

THEMES = ["default", "large-print", "ink-saver"]
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
    return builder(tmp_path, "mine")


def builder(tmp_path: Path, sheet: str) -> Any:
    """make(theme, paper, fillable): the workbook of the worksheet `sheet` (in a folder of
    its name under `tmp_path`) built in that theme, paper and edition."""

    def make(theme: str, paper: str, fillable: bool) -> Path:
        from workbook.build import build
        from workbook.project import BuildOptions

        data = {"workbook": 1, "title": "Scales", "recipient": {"name": "Sam"},
                "date": "2026-11-22", "crisis_page": False, "worksheets_dirs": [sheet],
                "worksheets": [sheet], "theme": theme, "page_size": paper,
                "fillable": fillable}  # fmt: skip
        path = write_yaml(tmp_path / "manifest.yaml", data)
        output = tmp_path / f"{sheet}-{theme}-{paper}-{fillable}.pdf"
        return build(BuildOptions(manifest=path, output=output)).path

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


# The fillable edition's chosen number: a ring just inside the printed one, round the number.
# Measured on PDFium's renders (with its form layer, which draws the widgets' appearance
# streams) of the same PDF before and after a choice: what the choice changed is the mark.


@dataclass(frozen=True)
class Button:
    page: int
    x: float  # its middle
    y: float
    chosen: bool

    def off(self, ring: Ring) -> float:
        """How far its middle is from a ring's."""
        return math.hypot(ring.x - self.x, ring.y - self.y)


def on_state(widget: Any) -> str:
    """The name of a radio button's state when it is the one chosen."""
    return next(str(name) for name in widget["/AP"]["/N"] if name != "/Off")


def choose_middle(pdf: Path, target: Path, look: str = "/N") -> list[Button]:
    """A copy of `pdf` with each scale's middle value chosen as a viewer chooses it (the
    group's /V, its buttons' /AS), the buttons showing their `look` (/D pressed, /R rollover)
    in place of their normal one (/N)."""
    writer = PdfWriter(clone_from=pdf)
    buttons = []
    for index, page in enumerate(writer.pages):
        for annot in page.get("/Annots") or []:
            widget = annot.get_object()
            group = widget["/Parent"].get_object() if "/Parent" in widget else {}
            if group.get("/FT") != "/Btn" or not group.get("/Ff", 0) & 1 << 15:  # a radio
                continue
            kids = group["/Kids"]
            middle, state = on_state(kids[len(kids) // 2].get_object()), on_state(widget)
            group[NameObject("/V")] = NameObject(middle)
            widget[NameObject("/AS")] = NameObject(state if state == middle else "/Off")
            widget["/AP"][NameObject("/N")] = widget["/AP"][look]
            left, bottom, right, top = (float(v) for v in widget["/Rect"])
            buttons.append(Button(index, (left + right) / 2, (bottom + top) / 2, state == middle))
    writer.write(target)
    return buttons


def mark(mask: Render, ring: Ring) -> list[tuple[float, float]]:
    """The changed points (page coordinates) in a square round a ring, a point wider."""
    reach = ring.outer + 1
    left, top = (int(v) for v in mask.pixel(ring.x - reach, ring.y + reach))
    right, bottom = (int(v) + 1 for v in mask.pixel(ring.x + reach, ring.y - reach))
    pixels = mask.image.load()
    return [mask.point(column, row) for row in range(top, bottom)
            for column in range(left, right) if pixels[column, row]]  # fmt: skip


def assert_ring_round_number(points: list[tuple[float, float]], ring: Ring, number: Number) -> None:
    """The mark: plain to see, centred on the ring, inside it, and clear of the number."""
    assert len(points) / PX**2 > 0.2 * math.pi * ring.inner**2, (number.text, len(points), ring)
    x = sum(p[0] for p in points) / len(points) - ring.x
    y = sum(p[1] for p in points) / len(points) - ring.y
    assert math.hypot(x, y) < 0.2, (number.text, "off-centre by", x, y, ring)
    far = max(math.hypot(p[0] - ring.x, p[1] - ring.y) for p in points)
    assert far <= ring.outer, (number.text, "outside its ring", far, ring)
    left, bottom, right, top = number.box
    over = [
        p for p in points if left - 0.5 < p[0] < right + 0.5 and bottom - 0.5 < p[1] < top + 0.5
    ]
    assert not over, (number.text, "covered", len(over), number.box)


def check_marks(pdf: Path, tmp_path: Path, look: str) -> int:
    """Chooses each scale's middle value showing `look`; asserts that every button showing a
    mark (every chosen one, and while pressed every one) has a ring round its number and
    that nothing else on the page changed. Returns how many marks it checked."""
    copy = tmp_path / f"{pdf.stem}-chosen{look[1:]}.pdf"
    buttons = choose_middle(pdf, copy, look)
    pages = ringed(copy)
    checked = 0
    for index, (before, after) in enumerate(zip(renders(pdf), renders(copy), strict=True)):
        mask = changes(before, after)
        rest = mask.image.copy()  # what changed away from the marks
        for button in (b for b in buttons if b.page == index and (b.chosen or look == "/D")):
            number, ring = min(pages[index], key=lambda pair: button.off(pair[1]))
            assert button.off(ring) < 0.5
            assert_ring_round_number(mark(mask, ring), ring, number)
            reach = ring.outer + 1
            box = (*mask.pixel(ring.x - reach, ring.y + reach),
                   *mask.pixel(ring.x + reach, ring.y - reach))  # fmt: skip
            ImageDraw.Draw(rest).ellipse(box, fill=0)
            checked += 1
        assert rest.getbbox() is None, (look, index, "changed outside the marks", rest.getbbox())
    return checked


@pytest.mark.parametrize(("theme", "paper"), [(theme, paper) for theme in THEMES
                                              for paper in ("letter", "a4")])  # fmt: skip
def test_a_chosen_number_gets_a_ring_round_it_centred_and_clear_of_the_number(
    scales_pdf: Any, tmp_path: Path, theme: str, paper: str
) -> None:
    # Before: a filled dot over the number; buttons that are not 20 points (large print's
    # 30, or 21.6 where rings shrink) had it off-centre and clipped.
    assert check_marks(scales_pdf(theme, paper, True), tmp_path, "/N") == len(RANGES)


@pytest.mark.parametrize("look", ["/D", "/R"])
def test_pressed_and_rollover_looks_are_the_ring_too(
    scales_pdf: Any, tmp_path: Path, look: str
) -> None:
    # Before: pressed or under the pointer, a button was a black disc over its number.
    pdf = scales_pdf("large-print", "a4", True)
    pressed = sum(high - low + 1 for low, high in RANGES)
    assert check_marks(pdf, tmp_path, look) == (pressed if look == "/D" else len(RANGES))


# Scales too wide for one row at the theme's size (21 points of two or three digits) wrap onto
# balanced rows rather than shrinking: before, large print's 0-20 had 8.6 pt numbers in rings
# 22 pt across (the theme's are 30), and 80-100 6.2-6.5 pt numbers in every theme.

WIDE = [(0, 20, {0: "Not at all", 15: "Mostly", 20: "Completely"}),
        (80, 100, {80: "Hardly", 100: "Fully"})]  # fmt: skip
THEME_SIZE = {
    "default": 20.0,
    "large-print": 30.0,
    "ink-saver": 20.0,
}  # a ring's cell: box_size * 2
SHRINK = 0.8  # the smallest numbers: this share of the theme's (half its ring's cell)
GAP = {"default": 8.0, "large-print": 11.0, "ink-saver": 8.0}  # the theme's spacing


def two_rows(low: int, high: int) -> list[list[int]]:
    return [list(range(low, low + 11)), list(range(low + 11, high + 1))]


def expected_rows(theme: str, low: int, high: int) -> list[list[int]]:
    """80-100 needs two rows in every theme; 0-20 only in large print: in the others one row
    holds its rings at their size (20.8 pt, as the numbers at 8 pt need) with room between."""
    if low == 0 and theme != "large-print":
        return [list(range(low, high + 1))]
    return two_rows(low, high)


@pytest.fixture
def wide_pdf(tmp_path: Path) -> Any:
    blocks: list[dict[str, Any]] = [{"type": "paragraph", "text": "Rate these."}]
    for low, high, anchors in WIDE:
        blocks += [{"type": "scale", "label": "How sure are you?", "min": low, "max": high,
                    "anchors": anchors}, {"type": "paragraph", "text": "Next one."}]  # fmt: skip
    write_yaml(tmp_path / "wide" / "wide.yaml", worksheet("wide", blocks=blocks))
    return builder(tmp_path, "wide")


def words(pdf: Path, word: str) -> list[tuple[int, tuple[float, float, float, float]]]:
    """The page and the ink box of each occurrence of `word`, in the text's order."""
    document, found = pdfium.PdfDocument(pdf), []
    for index, page in enumerate(document):
        text = page.get_textpage()
        whole = text.get_text_range(0, text.count_chars())
        start = whole.find(word)
        while start >= 0:
            boxes = [text.get_charbox(i, loose=False) for i in range(start, start + len(word))]
            boxes = [b for b in boxes if b[2] > b[0]]  # not the spaces
            found.append((index, (min(b[0] for b in boxes), min(b[1] for b in boxes),
                                  max(b[2] for b in boxes), max(b[3] for b in boxes))))  # fmt: skip
            start = whole.find(word, start + 1)
    document.close()
    return found


def scales_found(pdf: Path) -> list[tuple[int, list[tuple[Number, Ring]]]]:
    """Each wide scale's page and its (number, ring) pairs in the text's order; a scale is
    kept whole on one page."""
    pairs = [(page, pair) for page, found in enumerate(ringed(pdf)) for pair in found]
    scales, at = [], 0
    for low, high, _ in WIDE:
        mine = pairs[at : at + high - low + 1]
        at += len(mine)
        assert [number.text for _, (number, _) in mine] == [str(n) for n in range(low, high + 1)]
        assert len({page for page, _ in mine}) == 1, "a scale split across pages"
        scales.append((mine[0][0], [pair for _, pair in mine]))
    assert at == len(pairs)
    return scales


def rows_of(pairs: list[tuple[Number, Ring]]) -> list[list[tuple[Number, Ring]]]:
    """The pairs by row of rings (top first), each row left to right."""
    rows: dict[float, list[tuple[Number, Ring]]] = {}
    for pair in pairs:
        rows.setdefault(round(pair[1].y, 1), []).append(pair)
    return [sorted(rows[y], key=lambda pair: pair[1].x) for y in sorted(rows, reverse=True)]


WIDE_EDITIONS = [(theme, paper, fillable) for theme in THEMES for paper in ("letter", "a4")
                 for fillable in (False, True)]  # fmt: skip


@pytest.mark.parametrize(("theme", "paper", "fillable"), WIDE_EDITIONS)
def test_wide_scales_wrap_onto_rows_at_the_themes_size(
    wide_pdf: Any, theme: str, paper: str, fillable: bool
) -> None:
    pdf = wide_pdf(theme, paper, fillable)
    cell, smallest = THEME_SIZE[theme], SHRINK * THEME_SIZE[theme] / 2
    for (low, high, _), (_, pairs) in zip(WIDE, scales_found(pdf), strict=True):
        rows = rows_of(pairs)  # and the text reads them in order: 0 1 ... 10 11 ... 20
        assert [[int(n.text) for n, _ in row] for row in rows] == expected_rows(theme, low, high)
        for number, ring in pairs:
            assert number.size >= smallest - 0.01, (theme, number.text, number.size)
            assert (ring.inner + ring.outer) / 2 >= cell / 2 * 0.92 - 0.01, (number.text, ring)
            assert reach(number, ring) <= ROOM, (number.text, reach(number, ring), ring)
            left, bottom, right, top = number.box
            middle = ((left + right) / 2 - ring.x, (bottom + top) / 2 - ring.y)
            assert max(map(abs, middle)) < ring.inner * 0.1, (number.text, middle)  # centred
        assert len({round(n.size, 2) for n, _ in pairs}) == 1  # one size per scale
        for row in rows:  # neighbours never touch, and the rows start at the same place
            assert abs(row[0][1].x - rows[0][0][1].x) < 0.01
            for (_, a), (_, b) in pairwise(row):
                assert b.x - a.x > a.outer + b.outer + 1, (a, b)
        for upper, lower in pairwise(rows):  # each row below the last, columns lined up
            assert upper[0][1].y - lower[0][1].y > upper[0][1].outer + lower[0][1].outer + 4
            for (_, a), (_, b) in zip(upper, lower, strict=False):
                assert abs(a.x - b.x) < 0.01


@pytest.mark.parametrize(("theme", "paper"), [(theme, "a4") for theme in THEMES])
def test_wrapped_scales_keep_their_anchors_under_their_numbers(
    wide_pdf: Any, theme: str, paper: str
) -> None:
    pdf = wide_pdf(theme, paper, False)
    scales = scales_found(pdf)
    after = words(pdf, "Next one.")  # the paragraph after each scale
    for (low, high, anchors), (page, pairs), (next_page, below) in zip(
        WIDE, scales, after, strict=True
    ):
        rows = rows_of(pairs)
        rings = {int(number.text): ring for number, ring in pairs}
        for value, word in anchors.items():
            [(at, (left, bottom, right, top))] = words(pdf, word)
            assert at == page
            ring = rings[value]
            assert left - 0.5 <= ring.x <= right + 0.5, (word, ring, left, right)  # under it
            row = next(i for i, r in enumerate(rows) if any(int(n.text) == value for n, _ in r))
            assert top < ring.y - ring.outer, (word, top, ring)  # below its row
            if row + 1 < len(rows):  # and above the next one
                assert bottom > rows[row + 1][0][1].y + rows[row + 1][0][1].outer
            if value == low:
                assert left < ring.x - ring.outer + 1  # lined up with the scale's start
            if value == high:
                assert right > ring.x + ring.outer - 1.5  # and with its last ring
        lowest = min(box[1] for _, box in words(pdf, anchors[high]))
        assert next_page == page  # the scale's height counted it all: the next paragraph
        assert below[3] < lowest - GAP[theme], (below, lowest)  # starts a gap below


@pytest.mark.parametrize("theme", THEMES)
def test_wrapped_scales_radio_buttons_one_group_centred_in_number_order(
    wide_pdf: Any, theme: str
) -> None:
    pdf = wide_pdf(theme, "letter", True)
    scales = scales_found(pdf)
    reader = PdfReader(pdf)
    for (low, high, _), (page, pairs) in zip(WIDE, scales, strict=True):
        rings = {number.text: ring for number, ring in pairs}
        widgets = []
        for annot in reader.pages[page].get("/Annots") or []:
            widget = annot.get_object()
            group = widget.get("/Parent")
            if group is not None and group.get_object().get("/FT") == "/Btn":
                value = on_state(widget)[1:]
                if value in rings:
                    widgets.append((group.get_object(), value, widget))
        assert [value for _, value, _ in widgets] == [str(n) for n in range(low, high + 1)]
        assert len({id(group) for group, _, _ in widgets}) == 1  # one group per scale
        group = widgets[0][0]
        assert [on_state(kid.get_object())[1:] for kid in group["/Kids"]] == [
            str(n) for n in range(low, high + 1)
        ]  # the tab order: the page's annotations, and the group's kids, in number order
        rects = []
        for _, value, widget in widgets:
            left, bottom, right, top = (float(v) for v in widget["/Rect"])
            ring = rings[value]
            assert math.hypot((left + right) / 2 - ring.x, (bottom + top) / 2 - ring.y) < 0.05
            assert right - left >= THEME_SIZE[theme] - 0.01  # the theme's size at least
            rects.append((left, bottom, right, top))
        for i, a in enumerate(rects):  # and never over another
            for b in rects[i + 1 :]:
                assert a[2] <= b[0] + 0.01 or b[2] <= a[0] + 0.01 or a[3] <= b[1] or b[3] <= a[1]
