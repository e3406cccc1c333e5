"""What a command imports: a build loads only what building needs (a cold start a person does
not notice); help and usage errors load no renderer."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

# packages some other command needs, never a build of one PDF workbook (not urllib.request
# or http.client: ReportLab 4.4.9, the lowest we support, imports them itself)
NOT_FOR_A_BUILD = ("rich", "textstat", "pypdf", "pypdfium2", "pikepdf", "starlette", "uvicorn",
                   "workbook.studio", "workbook.html", "workbook.answers.model",
                   "workbook.answers.read", "workbook.answers.formats")  # fmt: skip
RENDERERS = ("reportlab", "jinja2", "rich", "workbook.pdf")


def loaded(*args: str) -> set[str]:
    """The modules `workbook ARGS` has imported when it ends (in a fresh interpreter)."""
    code = ("import sys\nfrom workbook.cli import app\ntry:\n    app(sys.argv[1:])\n"
            "except SystemExit:\n    pass\nprint(' '.join(sorted(sys.modules)))")  # fmt: skip
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          check=True)  # fmt: skip
    return set(done.stdout.splitlines()[-1].split())


def among(modules: set[str], names: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if any(m == n or m.startswith(n + ".") for n in names))


def test_a_build_imports_only_what_it_needs(tmp_path: Path) -> None:
    out = tmp_path / "a.pdf"
    modules = loaded("build", "-w", "i-statements", "-o", str(out))
    assert out.is_file()
    assert among(modules, NOT_FOR_A_BUILD) == []
    assert "reportlab" in modules  # the check sees a real build


@pytest.mark.parametrize("args", [("--help",), ("build", "--help"), ("build",)])
def test_help_and_usage_errors_load_no_renderer(args: tuple[str, ...]) -> None:
    assert among(loaded(*args), RENDERERS) == []


@pytest.mark.parametrize("args", [("build", "-w", "no-such-sheet"), ("build", "--no-such-option")])
def test_errors_are_printed_without_rich(args: tuple[str, ...]) -> None:
    """Typer's Rich is for pretty help and tracebacks: a plain error message needs neither."""
    assert among(loaded(*args), ("rich", "textstat", "pypdf")) == []
