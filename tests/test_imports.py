"""What a command imports: a build loads only what building needs (a cold start a person does
not notice); help and usage errors load no renderer."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

# packages some other command needs, never a build of one PDF workbook (not urllib.request
# or http.client: ReportLab 4.4.9, the lowest we support, imports them itself)
NOT_FOR_A_BUILD = ("rich", "workbook.content", "pypdf", "pypdfium2", "pikepdf", "starlette", "uvicorn",
                   "workbook.studio", "workbook.html", "workbook.answers.model",
                   "workbook.answers.read", "workbook.answers.formats")  # fmt: skip
RENDERERS = ("reportlab", "jinja2", "rich", "workbook.pdf")


def loaded(*args: str) -> set[str]:
    """The modules `workbook ARGS` has imported when it ends (in a fresh interpreter, through
    the console entry point)."""
    code = ("import sys\nfrom workbook.cli import run\nsys.argv[0] = 'workbook'\ntry:\n    run()\n"
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
    # only the build command's module registers its commands with Typer
    assert sorted(m for m in modules if m.startswith("workbook.cli.")) == [
        "workbook.cli.build", "workbook.cli.common"]  # fmt: skip


def test_each_command_is_registered_by_the_module_named_for_it() -> None:
    """`load_commands` imports one module for a command line: the table it goes by must name
    every command, and the module that registers it."""
    from workbook.cli import app
    from workbook.cli.common import COMMANDS

    registered = {(c.name or c.callback.__name__): c.callback.__module__
                  for c in app.registered_commands if c.callback}  # fmt: skip
    assert registered == {name: f"workbook.cli.{module}" for name, module in COMMANDS.items()}


@pytest.mark.parametrize("args", [("--help",), ("biuld",), ("--debug", "--help")])
def test_help_and_a_mistyped_command_see_every_command(args: tuple[str, ...]) -> None:
    done = subprocess.run([sys.executable, "-c", "from workbook.cli import run; run()", *args],
                          capture_output=True, text=True)  # fmt: skip
    if args == ("biuld",):
        assert done.returncode == 2 and "Did you mean 'build'?" in done.stderr
    else:
        assert done.returncode == 0
        for name in ("answers", "batch", "build", "init", "list", "preview", "studio"):
            assert f"\n  {name} " in done.stdout


@pytest.mark.parametrize("args", [("--help",), ("build", "--help"), ("build",)])
def test_help_and_usage_errors_load_no_renderer(args: tuple[str, ...]) -> None:
    assert among(loaded(*args), RENDERERS) == []


@pytest.mark.parametrize("args", [("build", "-w", "no-such-sheet"), ("build", "--no-such-option")])
def test_errors_are_printed_without_rich(args: tuple[str, ...]) -> None:
    """Typer's Rich is for pretty help and tracebacks: a plain error message needs neither."""
    assert among(loaded(*args), ("rich", "workbook.content", "pypdf")) == []


def test_a_build_lists_no_installed_package(tmp_path: Path) -> None:
    """Listing every installed distribution's entry points costs a cold start about 10 ms
    (more with many packages): neither the fonts nor pydantic's plugins need it."""
    out = tmp_path / "a.pdf"
    code = ("import importlib.metadata, sys\n"
            "def refuse(*args, **kw):\n    raise SystemExit('entry points listed')\n"
            "importlib.metadata.entry_points = refuse\n"
            "from workbook.cli import run\nsys.argv[0] = 'workbook'\nrun()")  # fmt: skip
    done = subprocess.run([sys.executable, "-c", code, "build", "-w", "i-statements", "-o",
                           str(out)], capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert out.is_file()
