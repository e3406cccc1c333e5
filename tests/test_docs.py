"""Every `yaml` example in docs/ works as written, so the docs cannot rot."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import manifest, worksheet, write_yaml
from workbook.checks import check_file
from workbook.theme import check_theme, load_theme

DOCS = Path(__file__).parents[1] / "docs"


def examples(name: str) -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", (DOCS / name).read_text(encoding="utf-8"), re.DOTALL)


def test_docs_have_examples() -> None:
    assert len(examples("authoring.md")) >= 3 and examples("themes.md")


@pytest.mark.parametrize("index", range(len(examples("authoring.md"))))
def test_authoring_example_validates_and_builds(index: int, tmp_path: Path, make_pdf: Any) -> None:
    text = examples("authoring.md")[index]
    data = yaml.safe_load(text)
    if isinstance(data, list):  # a list of blocks: put it in a worksheet
        data = worksheet("example", blocks=data, facilitator_notes="Notes.")
    sheet_id = data["id"]
    path = write_yaml(tmp_path / "ws" / f"{sheet_id}.yaml", text if "worksheet:" in text else data)
    assert check_file(path) == []
    for relationship in ("parent", "partner"):
        reader, _ = make_pdf(manifest(worksheets=[sheet_id], worksheets_dirs=["ws"],
                                      loved_one={"name": "Alex", "relationship": relationship}))  # fmt: skip
        assert len(reader.pages) >= 5


def test_theme_example_loads_and_passes_the_contrast_check(tmp_path: Path) -> None:
    [text] = examples("themes.md")
    path = tmp_path / "my-theme.yaml"
    path.write_text(text, encoding="utf-8")
    theme = load_theme(str(path))
    assert theme.base_size == 12 and round(theme.line_height) == round(10 * 72 / 25.4)
    assert check_theme(theme, path) == []
