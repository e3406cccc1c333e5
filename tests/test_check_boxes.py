"""Checklists' check boxes in the fillable edition as a reader sees them: ticked, the tick
centred inside the printed box; pressed (/D) or under the pointer (/R), a tick or the box
alone, never a dark square over it; unticked, nothing over the printed box.

Measured on PDFium's renders with its form layer (which draws the widgets' appearance
streams) of the same PDF before and after a box is ticked, or made to show its pressed or
rollover look as its normal one: what that changes is the look.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from PIL import ImageDraw
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, NameObject

from conftest import worksheet, write_yaml
from pdfium_support import PX, changes, inside, renders

THEMES = ["default", "large-print", "ink-saver"]
DARK = 0.5  # a pixel darker than this share of white is dark
ITEMS = ["I have picked a calm time to talk.", "I know what I will say first.",
         "I have a plan for looking after myself afterwards, whatever the answer is, "
         "and someone to call."]  # fmt: skip


@dataclass(frozen=True)
class Box:
    page: int
    rect: tuple[float, float, float, float]  # left, bottom, right, top: the widget's
    border: float  # the printed box's line width, centred half of it inside the rect

    @property
    def inside(self) -> tuple[float, float, float, float]:
        """The printed box's inside: the rect less its line."""
        left, bottom, right, top = self.rect
        return left + self.border, bottom + self.border, right - self.border, top - self.border

    @property
    def inner(self) -> tuple[float, float, float, float]:
        """The inside, half a point clear of the line (and the pixels it shades)."""
        left, bottom, right, top = self.inside
        return left + 0.5, bottom + 0.5, right - 0.5, top - 0.5


@pytest.fixture(scope="module")
def boxes_pdf(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Builds a fillable workbook with a checklist (one item long enough to wrap) in a theme."""
    folder = tmp_path_factory.mktemp("boxes")
    blocks = [{"type": "heading", "text": "Before we talk"},
              {"type": "checklist", "items": ITEMS},
              {"type": "paragraph", "text": "And after:"},
              {"type": "checklist", "items": ITEMS[:2]}]  # fmt: skip
    write_yaml(folder / "mine" / "mine.yaml", worksheet(blocks=blocks))
    built: dict[str, Path] = {}

    def make(theme: str) -> Path:
        from workbook.build import build
        from workbook.project import BuildOptions

        if theme not in built:
            data = {"workbook": 1, "title": "Boxes", "recipient": {"name": "Sam"},
                    "date": "2026-11-22", "crisis_page": False, "worksheets_dirs": ["mine"],
                    "worksheets": ["mine"], "theme": theme, "fillable": True}  # fmt: skip
            path = write_yaml(folder / f"{theme}.yaml", data)
            built[theme] = build(BuildOptions(manifest=path, output=folder / f"{theme}.pdf")).path
        return built[theme]

    return make


def is_check_box(widget: Any) -> bool:
    """A check box's widget: a button field of its own, not a radio button nor a push button."""
    flags = int(widget.get("/Ff", 0))
    return widget.get("/FT") == "/Btn" and "/Parent" not in widget and not flags & (3 << 15)


def showing(pdf: Path, target: Path, look: str, state: str) -> list[Box]:
    """A copy of `pdf` with every check box in `state` (/Yes ticked, /Off not) as a viewer
    sets it (the field's /V and its /AS), showing its `look` (/N normal, /D pressed,
    /R rollover) as its normal one. Returns the boxes."""
    writer = PdfWriter(clone_from=pdf)
    boxes = []
    for index, page in enumerate(writer.pages):
        for annot in page.get("/Annots") or []:
            widget = annot.get_object()
            if not is_check_box(widget):
                continue
            widget[NameObject("/V")] = widget[NameObject("/AS")] = NameObject(state)
            widget["/AP"][NameObject("/N")] = widget["/AP"][look]
            rect = tuple(float(v) for v in widget["/Rect"])
            boxes.append(Box(index, rect, float(widget["/BS"]["/W"])))  # type: ignore[arg-type]
    writer.write(target)
    return boxes


@dataclass(frozen=True)
class Look:
    """What a look changed in one box: the changed points, and the share of the box's
    inner part that is dark in it."""

    points: list[tuple[float, float]]
    dark: float


def looks(pdf: Path, tmp_path: Path, look: str, state: str) -> list[tuple[Box, Look]]:
    """Every check box showing `look` in `state`, with what that changed in it, compared
    with the unticked boxes of `pdf`; asserts that nothing else on the page changed."""
    copy = tmp_path / f"{pdf.stem}-{look[1:]}{state[1:]}.pdf"
    boxes, found = showing(pdf, copy, look, state), []
    assert boxes
    for index, (before, after) in enumerate(zip(renders(pdf), renders(copy), strict=True)):
        mask, grey = changes(before, after), after.image.convert("L")
        rest = mask.image.copy()  # what changed away from the boxes
        changed, shade = mask.image.load(), grey.load()
        for box in (b for b in boxes if b.page == index):
            points = [mask.point(*p) for p in mask.within(box.rect) if changed[p]]
            inner = after.within(box.inner)
            dark = sum(shade[p] < 255 * DARK for p in inner) / len(inner)
            found.append((box, Look(points, dark)))
            left, top = mask.pixel(box.rect[0] - 1, box.rect[3] + 1)
            right, bottom = mask.pixel(box.rect[2] + 1, box.rect[1] - 1)
            ImageDraw.Draw(rest).rectangle((left, top, right, bottom), fill=0)
        assert rest.getbbox() is None, (look, state, index, "changed away from the boxes")
    assert len(found) == len(boxes)
    return found


def assert_tick_centredinside(box: Box, look: Look) -> None:
    """A tick: plain to see, inside the printed box, centred on it."""
    left, bottom, right, top = box.inside
    area = (right - left) * (top - bottom)
    assert len(look.points) / PX**2 > 0.12 * area, (box, "too little tick", len(look.points))
    assert all(inside(p, box.inside) for p in look.points), (box, "tick outside the box")
    xs, ys = [p[0] for p in look.points], [p[1] for p in look.points]
    off_x = (min(xs) + max(xs)) / 2 - (box.rect[0] + box.rect[2]) / 2
    off_y = (min(ys) + max(ys)) / 2 - (box.rect[1] + box.rect[3]) / 2
    assert abs(off_x) < 0.4 and abs(off_y) < 0.4, (box, "tick off-centre by", off_x, off_y)


@pytest.mark.parametrize("theme", THEMES)
def test_a_ticked_box_shows_its_tick_centred_inside_the_printed_box(
    boxes_pdf: Any, tmp_path: Path, theme: str
) -> None:
    for box, look in looks(boxes_pdf(theme), tmp_path, "/N", "/Yes"):
        assert_tick_centredinside(box, look)
        assert look.dark < DARK, (box, "dark", look.dark)


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize(("look", "state"), [("/D", "/Off"), ("/D", "/Yes"), ("/R", "/Yes"),
                                             ("/R", "/Off")])  # fmt: skip
def test_pressed_and_rollover_looks_are_a_tick_never_a_dark_square(
    boxes_pdf: Any, tmp_path: Path, theme: str, look: str, state: str
) -> None:
    # Before: pressed or under the pointer, a box was a black (or near-black) square, ticked
    # or not (ReportLab darkened or lightened its transparent fill into opaque black).
    for box, found in looks(boxes_pdf(theme), tmp_path, look, state):
        assert found.dark < DARK, (box, look, state, "dark", found.dark)
        if look == "/R" and state == "/Off":
            assert not found.points, (box, "an unticked box under the pointer changed")
        else:  # pressed, a box shows a tick (a light one when unticked); ticked, its tick
            assert_tick_centredinside(box, found)


def test_a_pressed_unticked_box_shows_a_light_tick(boxes_pdf: Any, tmp_path: Path) -> None:
    """Gentle feedback: lighter than the tick a ticked box shows."""
    pdf = boxes_pdf("ink-saver")
    ticked, pressed = looks(pdf, tmp_path, "/N", "/Yes"), looks(pdf, tmp_path, "/D", "/Off")
    for (box, tick), (_, light) in zip(ticked, pressed, strict=True):
        assert light.dark == 0 < tick.dark, (box, light.dark, tick.dark)


@pytest.mark.parametrize("theme", THEMES)
def test_an_unticked_box_draws_nothing_but_the_printed_box(
    boxes_pdf: Any, tmp_path: Path, theme: str
) -> None:
    """With the form layer or without the check boxes at all, an unfilled page looks the
    same but for the box's own line (drawn on the page, and again by the widget)."""
    pdf = boxes_pdf(theme)
    bare, boxes = tmp_path / "bare.pdf", showing(pdf, tmp_path / "unticked.pdf", "/N", "/Off")
    writer = PdfWriter(clone_from=pdf)
    for page in writer.pages:
        kept = [a for a in page.get("/Annots") or [] if not is_check_box(a.get_object())]
        page[NameObject("/Annots")] = ArrayObject(kept)
    writer.write(bare)
    for index, (before, after) in enumerate(zip(renders(bare), renders(pdf), strict=True)):
        mask = changes(before, after)
        changed = mask.image.load()
        for box in (b for b in boxes if b.page == index):
            assert not any(changed[p] for p in mask.within(box.inner)), (box, "drawn inside")
            left, top = mask.pixel(box.rect[0] - 1, box.rect[3] + 1)
            right, bottom = mask.pixel(box.rect[2] + 1, box.rect[1] - 1)
            ImageDraw.Draw(mask.image).rectangle((left, top, right, bottom), fill=0)
        assert mask.image.getbbox() is None, (theme, index, "changed away from the boxes")
