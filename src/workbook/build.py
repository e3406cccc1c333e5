"""The pipeline in one place: options -> project -> PDF file."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

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
    if options.password == "":
        raise WorkbookError("the password is empty; give one, or leave --password out")
    project = load_project(options)
    output = options.output or default_output(project)
    inputs = [options.manifest, project.logo.path if project.logo else None]
    target = guard(output, "pdf", force=options.force, inputs=inputs)
    rendered = render(project)
    data = encrypt(rendered.pdf, options.password) if options.password else rendered.pdf
    write_guarded(data, target, options.force)
    warnings = [*project.warnings, *missing_glyph_warnings(rendered.missing)]
    return BuildResult(output, rendered.pages, warnings, data)
