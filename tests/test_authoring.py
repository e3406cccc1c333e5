"""Writing your own worksheets: `new` skeletons and the JSON Schema for editors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from pypdf import PdfReader

from workbook.library import builtin_dir


def as_json(path: Path) -> Any:
    """YAML as a JSON document would carry it (keys as strings)."""
    return json.loads(json.dumps(yaml.safe_load(path.read_text(encoding="utf-8")), default=str))


def test_new_skeleton_validates_builds_and_uses_every_block(
    cli: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    monkeypatch.chdir(tmp_path)
    result = cli("new", "my-sheet")
    assert result.exit_code == 0
    assert "preview it: workbook build --worksheets my-worksheets -w my-sheet" in result.output
    path = tmp_path / "my-worksheets" / "my-sheet.yaml"
    text = path.read_text()
    assert text.startswith("# yaml-language-server: $schema=.schema/worksheet.schema.json")
    assert (tmp_path / "my-worksheets" / ".schema" / "worksheet.schema.json").is_file()
    types = {b["type"] for b in yaml.safe_load(text)["blocks"]}
    from workbook.models import BLOCK_BY_TYPE

    assert types == set(BLOCK_BY_TYPE)
    assert cli("validate", "--strict", "my-worksheets").exit_code == 0
    built = cli("build", "--worksheets", "my-worksheets", "-w", "my-sheet", "-o", "out.pdf")
    assert built.exit_code == 0, built.stderr
    assert "The end of the worksheet." in "".join(
        p.extract_text() for p in PdfReader("out.pdf").pages
    )
    again = cli("new", "my-sheet")
    assert again.exit_code == 1 and "already exists" in again.stderr
    bad = cli("new", "My Sheet")
    assert bad.exit_code == 1 and "not a valid id" in bad.stderr


def test_new_never_writes_into_the_built_in_library(cli: Any) -> None:
    from workbook.library import builtin_dir

    for folder in (builtin_dir(), builtin_dir() / "en"):
        result = cli("new", "mine", "--dir", folder)
        assert result.exit_code == 1 and "this is the built-in library" in result.stderr
    assert not (builtin_dir() / "mine.yaml").exists()


def test_schema_accepts_every_built_in_worksheet_and_rejects_a_broken_one(cli: Any) -> None:
    schema = json.loads(cli("schema", "worksheet").output)
    validator = jsonschema.Draft202012Validator(schema)
    files = sorted(builtin_dir().rglob("*.yaml"))
    assert len(files) >= 10
    for path in files:
        errors = list(validator.iter_errors(as_json(path)))
        assert not errors, (path, errors[0].message)
    broken = as_json(files[0])
    broken["blocks"][0] = {"type": "paragraph", "txt": "typo"}
    assert list(validator.iter_errors(broken))


@pytest.mark.parametrize("kind", ["manifest", "theme"])
def test_schemas_describe_every_field(cli: Any, kind: str) -> None:
    schema = json.loads(cli("schema", kind).output)
    for definition in [schema, *schema.get("$defs", {}).values()]:
        for name, prop in definition.get("properties", {}).items():
            assert prop.get("description"), (kind, name)


def test_schema_accepts_the_examples(cli: Any) -> None:
    validator = jsonschema.Draft202012Validator(json.loads(cli("schema", "manifest").output))
    for path in sorted((Path(__file__).parents[1] / "examples").glob("*.yaml")):
        assert not list(validator.iter_errors(as_json(path))), path
    assert cli("schema", "nonsense").exit_code == 1
