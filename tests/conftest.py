"""Shared helpers: write manifests and worksheets to tmp folders, build, read PDFs back."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from pypdf import PdfReader
from typer.testing import CliRunner

from workbook.build import build
from workbook.cli import app
from workbook.project import BuildOptions

pytest_plugins = ["studio_support"]  # the studio's server and browser fixtures

CORE = ["objection-handling", "i-statements", "boundary-planning", "therapist-matching"]


def tool(name: str) -> str:
    """A program CI installs (.ci/run); without CI, a missing one skips the test."""
    path = shutil.which(name)
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is not installed; .ci/run installs it")
        pytest.skip(f"{name} is not installed")
    return path


def write_yaml(path: Path, data: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        data if isinstance(data, str) else yaml.safe_dump(data, sort_keys=False), encoding="utf-8"
    )
    return path


def manifest(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "workbook": 1,
        "title": "Opening the door",
        "recipient": {"name": "Sam Rivera"},
        "loved_one": {"name": "Alex", "relationship": "partner"},
        "date": "2026-11-22",
        "worksheets": list(CORE),
    }
    base.update(fields)
    return base


def worksheet(
    sheet_id: str = "mine", blocks: list[Any] | None = None, **fields: Any
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "worksheet": 1,
        "id": sheet_id,
        "language": "en",
        "title": "My worksheet",
        "audience": "any",
        "summary": "A test worksheet.",
        "minutes": 5,
        "blocks": blocks or [{"type": "paragraph", "text": "Hello."}],
    }
    data.update(fields)
    return data


@pytest.fixture
def make_pdf(tmp_path: Path) -> Any:
    """Build a workbook from a manifest dict; return (reader, result)."""

    def make(data: dict[str, Any], name: str = "wb.pdf", **options: Any) -> tuple[PdfReader, Any]:
        path = write_yaml(tmp_path / "manifest.yaml", data)
        result = build(BuildOptions(manifest=path, output=tmp_path / name, **options))
        return PdfReader(result.path), result

    return make


@pytest.fixture
def cli() -> Any:
    runner = CliRunner()

    def run(*args: str, **kw: Any) -> Any:
        return runner.invoke(app, [str(a) for a in args], **kw)

    return run


def page_texts(reader: PdfReader) -> list[str]:
    return [page.extract_text() or "" for page in reader.pages]


def body(text: str) -> str:
    """A page's text without its running header and footer."""
    head, sep, rest = text.partition(" of ")
    return rest.split("\n", 1)[1] if sep and "Page " in head else text


def flat(text: str) -> str:
    return " ".join(text.split())


def starts_page(text: str, title: str) -> bool:
    return flat(body(text)).startswith(title)
