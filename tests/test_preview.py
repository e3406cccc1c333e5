"""`workbook preview`: PNG pages and contact sheets from a PDF or a manifest."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PIL import Image

from conftest import manifest, write_yaml


def test_preview_pages_of_a_pdf(cli: Any, tmp_path: Path) -> None:
    path = write_yaml(tmp_path / "m.yaml", manifest(worksheets=["i-statements"]))
    pdf = tmp_path / "wb.pdf"
    assert cli("build", path, "-o", pdf).exit_code == 0
    result = cli("preview", pdf, "-o", tmp_path / "png", "--pages", "1-2,4", "--dpi", "36")
    assert result.exit_code == 0, result.stderr
    files = sorted((tmp_path / "png").glob("*.png"))
    assert [f.name for f in files] == ["wb-001.png", "wb-002.png", "wb-004.png"]
    with Image.open(files[0]) as image:
        assert image.size == (306, 396)  # Letter at 36 dpi
        assert image.convert("L").getextrema()[0] < 100  # something dark is drawn on the cover


def test_preview_contact_sheet_of_a_manifest(cli: Any, tmp_path: Path) -> None:
    path = write_yaml(tmp_path / "m.yaml", manifest(worksheets=["i-statements"]))
    result = cli("preview", path, "-o", tmp_path / "png", "--sheet", "--dpi", "20")
    assert result.exit_code == 0, result.stderr
    [sheet] = (tmp_path / "png").glob("*.png")
    with Image.open(sheet) as image:
        width, height = image.size
    assert width > 6 * 170 and height > 220  # one row of at least six Letter pages at 20 dpi


def test_preview_errors(cli: Any, tmp_path: Path) -> None:
    assert "file not found" in cli("preview", tmp_path / "x.pdf").stderr
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"not a pdf")
    assert "cannot open this PDF" in cli("preview", bad, "-o", tmp_path).stderr
    path = write_yaml(tmp_path / "m.yaml", manifest(worksheets=["i-statements"]))
    pdf = tmp_path / "wb.pdf"
    cli("build", path, "-o", pdf)
    assert cli("preview", pdf, "--pages", "0-2").exit_code == 1
    assert cli("preview", pdf, "--pages", "a").exit_code == 1
    assert cli("preview", pdf, "--dpi", "5000").exit_code == 1
