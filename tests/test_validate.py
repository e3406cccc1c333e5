"""Sources and validation: every user mistake gets `path:line:col: error: message`."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import manifest, worksheet, write_yaml
from workbook.content import MAX_GRADE, reading_grade
from workbook.errors import WorkbookError
from workbook.models import Manifest
from workbook.sources import parse_yaml, read_yaml
from workbook.validate import load_worksheet, validate_doc


def load_manifest(path: Path) -> Any:
    return validate_doc(read_yaml(path), Manifest)


def errors_of(path: Path, loader: Any = load_worksheet) -> list[str]:
    with pytest.raises(WorkbookError) as info:
        loader(path)
    return [str(d) for d in info.value.diagnostics]


def test_locations_of_keys_and_items_are_kept() -> None:
    doc = parse_yaml("a: 1\nblocks:\n  - type: x\n    text: hi\n")
    assert (doc.locate(("blocks", 0, "text")).line, doc.locate(("blocks", 0, "text")).column) == (
        4,
        5,
    )
    assert doc.locate(("blocks", 0, "missing")).line == 3


def test_yaml_syntax_error_has_line_and_column(tmp_path: Path) -> None:
    path = write_yaml(tmp_path / "mine.yaml", "worksheet: 1\nid: [a\n")
    assert errors_of(path) == [f"{path}:3:1: error: invalid YAML: did not find expected ',' or ']'"]


def test_every_error_in_a_file_is_reported_at_its_place(tmp_path: Path) -> None:
    text = """worksheet: 1
id: mine
title: Mine
summary: x
blocks:
  - type: paragraph
    txt: hello
  - type: paragrap
    text: hi
  - type: lines
    count: many
  - type: table
    columns: [a]
    rows: [[a, b]]
colour: red
"""
    path = write_yaml(tmp_path / "mine.yaml", text)
    assert errors_of(path) == [
        f"{path}:6:5: error: worksheet 'mine', block 1 (paragraph): missing required key 'text'",
        f"{path}:7:5: error: worksheet 'mine', block 1 (paragraph): unknown key 'txt' (did you mean 'text'?)",
        f"{path}:8:5: error: worksheet 'mine', block 2 (paragrap): unknown block type 'paragrap' "
        "(did you mean 'paragraph'?); expected one of: heading, paragraph, tip, script, list, "
        "checklist, lines, fill_in, table, scale, columns, page_break",
        f"{path}:11:5: error: worksheet 'mine', block 3 (lines): 'count': Input should be a valid "
        "integer, unable to parse string as an integer",
        f"{path}:12:5: error: worksheet 'mine', block 4 (table): row 1 has 2 cells but the table has 1 columns",
        f"{path}:15:1: error: unknown key 'colour'; allowed: worksheet, id, language, title, audience, "
        "summary, minutes, tags, facilitator_notes, blocks",
    ]


@pytest.mark.parametrize(
    ("block", "message"),
    [
        (
            {"type": "fill_in", "template": "no blanks"},
            "a fill_in template needs at least one blank",
        ),
        ({"type": "scale", "label": "x", "anchors": {11: "far"}}, "anchor 11 is outside 0..10"),
        ({"type": "scale", "label": "x", "min": 0, "max": 50}, "a scale needs 2 to 21 points"),
        ({"type": "table", "columns": ["a"]}, "a table needs rows, blank_rows or both"),
        ({"type": "list", "items": []}, "'items': List should have at least 1 item"),
        ({"text": "no type"}, "every block needs a 'type' key"),
    ],
)
def test_block_rules(tmp_path: Path, block: dict[str, Any], message: str) -> None:
    path = write_yaml(tmp_path / "mine.yaml", worksheet(blocks=[block]))
    [error] = errors_of(path)
    assert error.startswith((f"{path}:9:", f"{path}:10:")) and message in error


def test_id_must_match_file_name(tmp_path: Path) -> None:
    path = write_yaml(tmp_path / "other.yaml", worksheet("mine"))
    assert errors_of(path) == [
        f"{path}:2:1: error: id 'mine' must match the file name 'other.yaml'"
    ]


def test_bad_id_and_duplicate_key(tmp_path: Path) -> None:
    path = write_yaml(tmp_path / "Bad_Id.yaml", worksheet("Bad_Id"))
    assert "'Bad_Id' is not a valid id" in errors_of(path)[0]
    dup = write_yaml(tmp_path / "dup.yaml", "worksheet: 1\nid: dup\nid: dup\n")
    assert errors_of(dup) == [f"{dup}:3:1: error: duplicate key 'id'"]


def test_not_a_mapping_missing_file_and_folder(tmp_path: Path) -> None:
    path = write_yaml(tmp_path / "list.yaml", "- a\n- b\n")
    assert errors_of(path) == [
        f"{path}:1:1: error: expected a mapping of keys and values at the top"
    ]
    assert errors_of(tmp_path / "nope.yaml") == [f"{tmp_path / 'nope.yaml'}: error: file not found"]
    assert errors_of(tmp_path) == [f"{tmp_path}: error: not a regular file"]


def test_alias_bomb_fails_fast(tmp_path: Path) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    path = write_yaml(tmp_path / "bomb.yaml", "\n".join(lines) + "\n")
    [error] = errors_of(path, load_manifest)
    assert "expands to more than" in error


def test_oversized_and_binary_files(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_text("a: " + "x" * 2_100_000)
    assert "the limit is 2,000,000" in errors_of(big)[0]
    binary = tmp_path / "bin.yaml"
    binary.write_bytes(b"\xff\xfe\x00oops")
    assert "not UTF-8 text" in errors_of(binary)[0]


def test_manifest_errors(tmp_path: Path) -> None:
    path = write_yaml(
        tmp_path / "m.yaml", "worksheets: [i-statements]\nlangauge: en\npage_size: A5\n"
    )
    assert errors_of(path, load_manifest) == [
        f"{path}:2:1: error: unknown key 'langauge' (did you mean 'language'?)",
        f"{path}:3:1: error: 'page_size' must be 'letter' or 'a4', not 'A5'",
    ]


def test_manifest_needs_worksheets(tmp_path: Path) -> None:
    path = write_yaml(tmp_path / "m.yaml", {"title": "x"})
    assert errors_of(path, load_manifest) == [
        f"{path}:1:1: error: missing required key 'worksheets'"
    ]


def test_region_must_be_two_letters(tmp_path: Path) -> None:
    path = write_yaml(tmp_path / "m.yaml", manifest(region="USA"))
    [error] = errors_of(path, load_manifest)
    assert f"{path}:" in error and "'region'" in error


def test_control_characters_are_reported_at_their_place(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text("worksheet: 1\nid: a\x00b\n", encoding="utf-8")
    assert errors_of(path) == [
        f"{path}:2:6: error: invalid character U+0000; control characters are not allowed"
    ]
    # columns count characters, not bytes
    path.write_text("worksheet: 1\ntitle: Café «\x07»\n", encoding="utf-8")
    assert errors_of(path) == [
        f"{path}:2:14: error: invalid character U+0007; control characters are not allowed"
    ]


def test_pathological_yaml_gets_clean_errors(tmp_path: Path) -> None:
    huge = write_yaml(tmp_path / "huge.yaml", "minutes: " + "1" * 5000 + "\n")
    assert errors_of(huge) == [f"{huge}: error: a number is too long to read"]
    deep = write_yaml(tmp_path / "deep.yaml", "a: " + "[" * 20000 + "]" * 20000 + "\n")
    # PyYAML before 6.0.4 builds the nodes and we stop at depth 65; later ones stop at 1000
    assert errors_of(deep) in (
        [f"{deep}:1:68: error: nesting deeper than 64 levels"],
        [f"{deep}:1:1003: error: nesting deeper than 64 levels"],
    )
    norway = parse_yaml("region: NO\nfillable: yes\nok: true\n")
    assert norway.data == {"region": "NO", "fillable": "yes", "ok": True}


def test_table_widths_must_be_positive(tmp_path: Path) -> None:
    block = {"type": "table", "columns": ["a", "b"], "rows": [["x", "y"]], "widths": [0, 1]}
    path = write_yaml(tmp_path / "mine.yaml", worksheet(blocks=[block]))
    assert "block 1 (table): input should be greater than 0" in errors_of(path)[0]


def test_repeated_worksheets_are_refused(tmp_path: Path) -> None:
    path = write_yaml(tmp_path / "m.yaml", manifest(worksheets=["i-statements", "i-statements"]))
    [error] = errors_of(path, load_manifest)
    assert "worksheet 'i-statements' is listed twice" in error


HARD = ("Notwithstanding considerable psychological apprehension, individuals frequently "
        "demonstrate ambivalence regarding psychotherapeutic intervention, particularly when "
        "previous institutional experiences engendered mistrust.")  # fmt: skip


def test_reading_level_counts_as_textstat_did() -> None:
    """The Flesch-Kincaid grade, counted as textstat 0.7.3 counts (its values, so MAX_GRADE
    keeps its meaning): short sentences read low, long words high."""
    assert reading_grade("Ask what worries them. Listen to the answer. Say what you saw.") == 1.3
    assert reading_grade(HARD) == 33.9
    assert reading_grade("") == -15.7  # 0 - 15.59, rounded as textstat rounds negatives


def test_validate_warns_of_hard_english_no_notes_and_no_translation(cli: Any,
                                                                     tmp_path: Path) -> None:  # fmt: skip
    hard = write_yaml(tmp_path / "lib" / "en" / "hard.yaml",
                      worksheet("hard", [{"type": "paragraph", "text": HARD}]))  # fmt: skip
    done = cli("validate", hard)
    assert done.exit_code == 0, done.output
    grade = re.search(rf"{re.escape(str(hard))}:.*reads at US grade ([0-9.]+)", done.output)
    assert grade is not None and float(grade[1]) > MAX_GRADE, done.output
    assert "no facilitator_notes" in done.output and "no Spanish translation yet" in done.output
    assert cli("validate", hard, "--strict").exit_code == 1
    easy = write_yaml(tmp_path / "lib" / "en" / "easy.yaml",
                      worksheet("easy", facilitator_notes="Go slowly."))  # fmt: skip
    write_yaml(tmp_path / "lib" / "es" / "easy.yaml",
               worksheet("easy", language="es", facilitator_notes="Despacio."))  # fmt: skip
    done = cli("validate", easy)
    assert done.exit_code == 0 and "0 warning(s)" in done.output, done.output


def test_validate_needs_no_setuptools() -> None:
    """The reading level comes from pyphen's dictionaries: no pkg_resources (which Python
    3.12's virtual environments lack, and setuptools is retiring) and no network."""
    code = ("import sys\nsys.modules['pkg_resources'] = None\n"
            "from workbook.cli import run\nsys.argv[0] = 'workbook'\nrun()")  # fmt: skip
    sheet = Path(__file__).resolve().parent.parent / "worksheets" / "en" / "i-statements.yaml"
    done = subprocess.run([sys.executable, "-c", code, "validate", str(sheet)],
                          capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "checked 1 file(s): 0 error(s)" in done.stderr
