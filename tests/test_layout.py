"""Layout: every block type has a renderer, and content of any length builds or fails cleanly."""

from __future__ import annotations

from pathlib import Path
from typing import Any, get_args

import pytest

from conftest import flat, manifest, page_texts, worksheet, write_yaml
from workbook.errors import WorkbookError
from workbook.models import BLOCK_TYPES

WORDS = "lorem ipsum dolor sit amet "


def build_blocks(tmp_path: Path, make_pdf: Any, blocks: list[Any], **fields: Any) -> Any:
    write_yaml(tmp_path / "mine" / "mine.yaml", worksheet(blocks=blocks))
    return make_pdf(manifest(worksheets=["mine"], worksheets_dirs=["mine"], **fields))


ALL_BLOCKS: list[dict[str, Any]] = [
    {"type": "heading", "text": "A heading"},
    {"type": "paragraph", "text": "First **bold** paragraph.\n\nSecond *italic* paragraph."},
    {"type": "tip", "title": "Remember", "text": "A tip."},
    {"type": "script", "text": "Something to say."},
    {"type": "list", "items": ["one", "two"], "ordered": True},
    {"type": "checklist", "items": ["tick me", "and me"]},
    {"type": "lines", "label": "Write here", "count": 3},
    {"type": "fill_in", "label": "Try it", "template": "I feel ___ when ___."},
    {"type": "table", "columns": ["A", "B"], "rows": [["a1", "b1"]], "blank_rows": 2},
    {"type": "scale", "label": "How sure?", "anchors": {0: "Not at all", 10: "Completely"}},
    {
        "type": "columns",
        "left": {"title": "Left", "items": ["l1"]},
        "right": {"title": "Right", "items": ["r1", "r2"]},
    },
    {"type": "page_break"},
    {"type": "paragraph", "text": "After the break."},
]


def test_every_block_type_has_a_document_block_and_a_renderer() -> None:
    from workbook import document
    from workbook.document.build import _BLOCKS
    from workbook.pdf.layout.blocks import RENDERERS

    assert set(_BLOCKS) == set(BLOCK_TYPES)  # YAML block -> document block
    assert set(RENDERERS) == set(get_args(document.Block))  # document block -> PDF


def test_the_whole_library_of_blocks_is_tried_below() -> None:
    """ALL_BLOCKS, which the tests below build and read back, has every block type."""
    kinds = {get_args(cls.model_fields["type"].annotation)[0] for cls in BLOCK_TYPES}
    assert {block["type"] for block in ALL_BLOCKS} == kinds


def test_every_block_type_renders_its_text(tmp_path: Path, make_pdf: Any) -> None:
    reader, _ = build_blocks(tmp_path, make_pdf, ALL_BLOCKS)
    texts = page_texts(reader)
    text = flat(" ".join(texts))
    for needle in [
        "A heading",
        "First bold paragraph.",
        "Second italic paragraph.",
        "Remember. A tip.",
        "\u201cSomething to say.\u201d",
        "1. one",
        "2. two",
        "tick me",
        "Write here",
        "I feel",
        "a1",
        "How sure?",
        "Not at all",
        "Completely",
        "Left",
        "r2",
    ]:
        assert needle in text, needle
    assert "After the break." in texts[-2] and "r2" in texts[-3]


@pytest.mark.parametrize(
    "block",
    [
        {"type": "paragraph", "text": WORDS * 1000},
        {"type": "table", "columns": ["Long", "Short"], "rows": [[WORDS * 400, "x"]]},
        {"type": "checklist", "items": [f"item {i}" for i in range(300)]},
        {"type": "paragraph", "text": "x" * 60 + " " + "y" * 400},
        {"type": "lines", "count": 120},
        {"type": "script", "text": WORDS * 300},
        {"type": "tip", "text": WORDS * 300},
        {
            "type": "columns",
            "left": {"title": "L", "items": [WORDS * 300]},
            "right": {"title": "R", "items": ["r"]},
        },
        {"type": "list", "items": [WORDS * 300]},
        {"type": "heading", "text": "h" * 1900},
    ],
    ids=[
        "paragraph",
        "table-cell",
        "checklist",
        "long-word",
        "lines",
        "script",
        "tip",
        "columns",
        "list",
        "heading",
    ],
)
def test_long_content_splits_across_pages(
    tmp_path: Path, make_pdf: Any, block: dict[str, Any]
) -> None:
    reader, result = build_blocks(tmp_path, make_pdf, [block, {"type": "paragraph", "text": "END"}])
    assert result.pages >= 5
    assert "END" in page_texts(reader)[-2]


def test_long_recipient_name_is_cut_in_the_header(tmp_path: Path, make_pdf: Any) -> None:
    reader, _ = build_blocks(tmp_path, make_pdf, ALL_BLOCKS[:2], recipient={"name": "N" * 200})
    header = page_texts(reader)[1].splitlines()[:2]
    assert any(line.strip().endswith("\u2026") and len(line) < 80 for line in header)
    assert "N" * 200 in flat(page_texts(reader)[0]).replace(" ", "")


def test_content_too_big_for_a_page_names_worksheet_and_block(
    tmp_path: Path, make_pdf: Any
) -> None:
    # An unsplittable scale with hundreds of anchor words cannot fit on any page.
    block = {"type": "scale", "label": "x", "min": 0, "max": 1, "anchors": {0: WORDS * 70, 1: "y"}}
    with pytest.raises(WorkbookError) as info:
        build_blocks(tmp_path, make_pdf, [{"type": "heading", "text": "Hi"}, block])
    message = str(info.value)
    assert message.startswith(f"{tmp_path / 'mine' / 'mine.yaml'}:")
    assert "worksheet 'mine', block 2 (scale): this content is too big to fit on a page" in message
