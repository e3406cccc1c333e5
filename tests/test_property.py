"""Property: any worksheet or manifest gives a PDF or a clean message — never a traceback."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from workbook.cli import app

TYPES = [
    "heading",
    "paragraph",
    "tip",
    "script",
    "list",
    "checklist",
    "lines",
    "fill_in",
    "table",
    "scale",
    "columns",
    "page_break",
    "bogus",
]

text = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "{{ loved_one.name }}",
            "{{ nope }}",
            "{{ ''.__class__ }}",
            "{% if %}",
            "**bold** *it*",
            "<font size=40>x</font> & <3",
            "___ and ___",
            "Ωμέγα Жж ệ",
        ]
    ),
    st.text(min_size=2000, max_size=6000),
)
scalar = st.one_of(text, st.integers(-5, 300), st.booleans(), st.none(), st.floats(allow_nan=False))
value = st.one_of(
    scalar, st.lists(text, max_size=4), st.lists(st.lists(text, max_size=4), max_size=3)
)


@st.composite
def blocks(draw: Any) -> dict[str, Any]:
    block: dict[str, Any] = {"type": draw(st.sampled_from(TYPES))}
    keys = [
        "text",
        "items",
        "label",
        "count",
        "template",
        "columns",
        "rows",
        "blank_rows",
        "min",
        "max",
        "anchors",
        "left",
        "right",
        "ordered",
        "when",
        "title",
        "nonsense",
    ]
    for key in draw(st.lists(st.sampled_from(keys), max_size=5, unique=True)):
        block[key] = draw(value)
    if draw(st.booleans()):  # a well-formed block half of the time
        block = draw(st.sampled_from(VALID))
    return block


VALID: list[dict[str, Any]] = [
    {"type": "paragraph", "text": "Hi {{ recipient.name }}"},
    {"type": "table", "columns": ["a", "b"], "rows": [["x" * 3000, "y"]], "blank_rows": 1},
    {"type": "scale", "label": "s", "anchors": {0: "lo", 10: "hi"}},
    {"type": "fill_in", "template": "I ___ you ___"},
    {
        "type": "columns",
        "left": {"title": "l", "items": ["a"]},
        "right": {"title": "r", "items": ["b"]},
    },
    {"type": "checklist", "items": ["a", "b"]},
    {"type": "lines", "count": 150},
]


@st.composite
def manifests(draw: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"worksheets": ["mine"], "worksheets_dirs": ["ws"]}
    fields = {
        "recipient": st.one_of(st.fixed_dictionaries({"name": text}), value),
        "loved_one": st.one_of(
            st.fixed_dictionaries(
                {
                    "name": text,
                    "relationship": st.sampled_from(["partner", "parent", "friend", "cousin"]),
                }
            ),
            value,
        ),
        "title": value,
        "language": st.sampled_from(["en", "es", "fr", "EN", 3]),
        "region": st.sampled_from(["US", "GB", "ZZ", "USA", ""]),
        "page_size": st.sampled_from(["letter", "a4", "a5"]),
        "fillable": st.booleans(),
        "edition": st.sampled_from(["client", "facilitator", "x"]),
        "theme": st.sampled_from(["default", "large-print", "ink-saver", "nope", "t.yaml"]),
        "variables": st.dictionaries(st.text(min_size=1, max_size=8), scalar, max_size=3),
    }
    for key in draw(st.lists(st.sampled_from(sorted(fields)), max_size=6, unique=True)):
        data[key] = draw(fields[key])
    return data


def worksheet_doc(draw_blocks: list[dict[str, Any]], raw: str | None) -> str:
    if raw is not None:
        return raw
    data = {
        "worksheet": 1,
        "id": "mine",
        "title": "T {{ loved_one.name }}",
        "summary": "S",
        "facilitator_notes": "N",
        "blocks": draw_blocks,
    }
    return yaml.safe_dump(data, allow_unicode=True)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(blocks(), min_size=0, max_size=5),
    manifests(),
    st.one_of(st.none(), st.sampled_from(["blocks: [", "- a", "worksheet: 1\nid: mine\n", "\x00"])),
)
def test_build_ends_in_a_pdf_or_a_clean_error(
    block_list: list[dict[str, Any]], data: dict[str, Any], raw: str | None
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "ws").mkdir()
        (root / "ws" / "mine.yaml").write_text(worksheet_doc(block_list, raw), encoding="utf-8")
        (root / "t.yaml").write_text("colours: {text: '#FFFFFF'}\nbase_size: 'x'\n")
        (root / "m.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        out = root / "out.pdf"
        result = CliRunner().invoke(app, ["build", str(root / "m.yaml"), "-o", str(out)])
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            result.exception
        )
        assert "Traceback" not in result.output + result.stderr
        assert "internal error" not in result.stderr, result.stderr
        if result.exit_code == 0:
            assert out.read_bytes().startswith(b"%PDF")
        else:
            assert result.exit_code == 1, result.output + result.stderr
            assert ": error: " in result.stderr or result.stderr.startswith("error")
            assert not out.exists()
        checked = CliRunner().invoke(app, ["validate", str(root)])
        assert checked.exit_code in (0, 1) and "internal error" not in checked.stderr
