"""Visual regression: low-resolution page images of the example workbook in each theme.

Refresh the golden images on purpose, after a change you have looked at:

    WORKBOOK_UPDATE_GOLDEN=1 python -m pytest tests/test_visual.py
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageChops, ImageStat

from workbook.build import build
from workbook.preview import render_pages
from workbook.project import BuildOptions

GOLDEN = Path(__file__).parent / "golden"
EXAMPLE = Path(__file__).parents[1] / "examples" / "partner.yaml"
PAGES = "1,4,5,16"  # cover, a worksheet opening with a table, its continuation, the crisis page
DPI = 30
MEAN_TOLERANCE = 1.5  # average difference per pixel, out of 255
CHANGED_TOLERANCE = 0.01  # share of pixels that may differ noticeably


def difference(actual: Path, expected: Path) -> tuple[float, float]:
    with Image.open(actual) as a, Image.open(expected) as b:
        if a.size != b.size:
            return 255.0, 1.0
        diff = ImageChops.difference(a.convert("L"), b.convert("L"))
        changed = sum(diff.histogram()[32:]) / (diff.width * diff.height)
        return ImageStat.Stat(diff).mean[0], changed


@pytest.mark.parametrize("theme", ["default", "large-print", "ink-saver"])
def test_pages_look_as_they_did(theme: str, tmp_path: Path) -> None:
    pdf = tmp_path / f"{theme}.pdf"
    build(BuildOptions(manifest=EXAMPLE, output=pdf, overrides={"theme": theme}))
    images = render_pages(pdf, tmp_path / "png", pages=PAGES, dpi=DPI)
    if os.environ.get("WORKBOOK_UPDATE_GOLDEN"):
        GOLDEN.mkdir(exist_ok=True)
        for image in images:
            image.replace(GOLDEN / image.name)
        pytest.skip("golden images refreshed")
    for image in images:
        expected = GOLDEN / image.name
        assert expected.exists(), (
            f"no golden image {expected.name}: refresh with WORKBOOK_UPDATE_GOLDEN=1"
        )
        mean, changed = difference(image, expected)
        assert mean <= MEAN_TOLERANCE and changed <= CHANGED_TOLERANCE, (
            f"{image.name} differs from its golden image (mean {mean:.2f}, {changed:.1%} of pixels); "
            "look at both, then refresh with WORKBOOK_UPDATE_GOLDEN=1 if the change is intended"
        )


def test_the_comparison_notices_a_change(tmp_path: Path) -> None:
    blank, marked = tmp_path / "a.png", tmp_path / "b.png"
    Image.new("L", (100, 100), 255).save(blank)
    image: Any = Image.new("L", (100, 100), 255)
    image.paste(0, (10, 10, 40, 40))
    image.save(marked)
    assert difference(blank, blank) == (0.0, 0.0)
    mean, changed = difference(blank, marked)
    assert mean > MEAN_TOLERANCE and changed > CHANGED_TOLERANCE
