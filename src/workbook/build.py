"""The pipeline in one place: options -> project -> PDF file."""

from __future__ import annotations

import datetime as dt
import gc
import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from .answers.given import Given, load_given
from .errors import Diagnostic, WorkbookError
from .output import encrypt, guard, write_guarded
from .pdf import BuildResult, render
from .project import BuildOptions, Project, load_project

DEFAULT_OUTPUT_DIR = Path("output")


def slug(text: str, limit: int = 60) -> str:
    """A safe file-name part: ASCII letters, digits and hyphens only."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    cleaned = re.sub(r"[^a-zA-Z0-9]+", "-", ascii_text).strip("-").lower()
    return cleaned[:limit].strip("-") or "workbook"


def default_output(project: Project) -> Path:
    """output/<title and recipient>.pdf; the fillable edition's name says so, so the print and
    fillable editions of one manifest never replace each other."""
    parts = [project.title, project.recipient or ""]
    edition = "-fillable" if project.manifest.fillable else ""
    return DEFAULT_OUTPUT_DIR / (slug(" ".join(p for p in parts if p)) + edition + ".pdf")


def missing_glyph_warnings(chars: set[str]) -> list[Diagnostic]:
    missing = sorted(chars)
    if not missing:
        return []
    names = ", ".join(f"U+{ord(c):04X} {unicodedata.name(c, '?')}" for c in missing[:20])
    return [
        Diagnostic(
            f"no installed font can draw {len(missing)} character(s): {names}; "
            "add a .ttf that covers them to the fonts/ folder",
            severity="warning",
        )
    ]


def build(options: BuildOptions) -> BuildResult:
    """Build one workbook and write it atomically; raise WorkbookError on bad input."""
    with collector_paused():
        return _build(options)


@contextmanager
def collector_paused() -> Iterator[None]:
    """A build makes hundreds of thousands of objects and frees nearly all of them by
    reference counting as it goes: the garbage collector's passes over them (a tenth of a
    warm build's time, as a batch's rows are) wait until it ends, and one pass over the
    youngest generation then frees any reference cycles left (a PDF build leaves none:
    render._release). Nested, or with the collector off, it leaves the collector as it was."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
            gc.collect(0)


def _build(options: BuildOptions) -> BuildResult:
    if options.password == "":
        raise WorkbookError("the password is empty; give one, or leave --password out")
    project = load_project(options)
    if project.manifest.format == "html":
        return _build_html(project, options)
    output = options.output or default_output(project)
    inputs = [options.manifest, project.logo.path if project.logo else None, options.answers]
    kept = _kept_answers(output, options) if options.keep_answers else None
    if kept is not None:
        project = replace(project, answers={**kept, **project.answers})
    force = options.force or bool(kept)  # the answers are in the copy kept beside it
    target = guard(output, "pdf", force=force, inputs=inputs)
    rendered = render(project)
    data = encrypt(rendered.pdf, options.password) if options.password else rendered.pdf
    if kept:
        copy = _keep_copy(output)
        project.warnings.append(
            Diagnostic(f"kept the answered workbook as {copy}", severity="warning")
        )
    write_guarded(data, target, force)
    warnings = [*project.warnings, *missing_glyph_warnings(rendered.missing)]
    return BuildResult(output, rendered.pages, warnings, data)


def _build_html(project: Project, options: BuildOptions) -> BuildResult:
    """The web edition: one HTML file (`format: html`); its answers live in the browser."""
    if options.password:
        raise WorkbookError("a password protects a PDF; the web edition (format: html) takes none")
    if options.keep_answers:
        raise WorkbookError("--keep-answers reads a filled PDF; the web edition keeps answers in "
                            "the browser: download them there and build with --answers FILE")  # fmt: skip
    from .html import render as render_html

    output = options.output or DEFAULT_OUTPUT_DIR / (slug(" ".join(
        p for p in (project.title, project.recipient or "") if p)) + ".html")  # fmt: skip
    inputs = [options.manifest, project.logo.path if project.logo else None, options.answers]
    target = guard(output, "html", force=options.force, inputs=inputs)
    data = render_html(project).encode("utf-8")
    write_guarded(data, target, options.force)
    return BuildResult(output, 0, list(project.warnings), data)


def _kept_answers(output: Path, options: BuildOptions) -> dict[str, Given] | None:
    """The answers of the workbook about to be replaced (`--keep-answers`): carried over,
    where a field has gone, reported rather than refused."""
    if not output.is_file():
        return None
    found = load_given(output, options.password)
    return {name: replace(given, strict=False) for name, given in found.items()}


def _keep_copy(output: Path) -> Path:
    """Copy the answered workbook beside the new one, under a name never used before:
    `name.answers-YYYYMMDD.pdf`, then `-2`, `-3`, ..."""
    stamp = dt.date.today().strftime("%Y%m%d")
    for n in range(1, 1000):
        copy = output.with_name(f"{output.stem}.answers-{stamp}{f'-{n}' if n > 1 else ''}.pdf")
        try:
            with copy.open("xb") as out:  # never over another file
                out.write(output.read_bytes())
            return copy
        except FileExistsError:
            continue
    raise WorkbookError(f"{output}: too many kept copies beside it; move some away")
