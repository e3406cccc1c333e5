"""`workbook validate`: check worksheets, manifests and themes, collecting every diagnostic."""

from __future__ import annotations

from pathlib import Path

from .content import content_warnings
from .errors import Diagnostic, Location, WorkbookError
from .library import LoadedWorksheet, builtin_dir
from .locale import SUPPORTED_LANGUAGES, strings
from .models import RELATIONSHIPS, Manifest
from .personalise import Personaliser
from .project import BuildOptions, load_project, template_context
from .sources import read_yaml
from .theme import check_theme, load_theme
from .validate import kind_of, validate_worksheet


def default_paths() -> list[Path]:
    local = Path("worksheets")
    return [local, builtin_dir()] if local.is_dir() else [builtin_dir()]


def yaml_files(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.suffix in {".yaml", ".yml"})
        else:
            files.append(path)
    return list(dict.fromkeys(p.resolve() if p.exists() else p for p in files))


def check_worksheet_templates(item: LoadedWorksheet) -> None:
    """Render a worksheet for every relationship, so template errors surface here."""
    language = item.sheet.language if item.sheet.language in SUPPORTED_LANGUAGES else "en"
    text = strings(language)
    for relationship in RELATIONSHIPS:
        loved_one = {"name": "Alex", "relationship": relationship}
        manifest = Manifest.model_validate(
            {"worksheets": [item.sheet.id], "loved_one": loved_one, "language": language}
        )
        Personaliser(template_context(manifest, text, "1 January 2026")).worksheet(item)


def check_file(path: Path) -> list[Diagnostic]:
    doc = read_yaml(path)
    kind = kind_of(doc)
    if kind == "worksheet":
        item = LoadedWorksheet(validate_worksheet(doc, path), doc)
        check_worksheet_templates(item)
        return content_warnings(item)
    if kind == "manifest":
        project = load_project(BuildOptions(manifest=path))
        return project.warnings
    theme_name = str(path.resolve())
    return check_theme(load_theme(theme_name), Location(path))


def check_paths(paths: list[Path]) -> tuple[list[Diagnostic], int]:
    """Every diagnostic for every YAML file under `paths`, and how many files were checked."""
    diagnostics: list[Diagnostic] = []
    files = yaml_files(paths)
    for path in files:
        try:
            diagnostics += check_file(path)
        except WorkbookError as exc:
            diagnostics += exc.diagnostics
    if not files:
        diagnostics.append(Diagnostic("no YAML files found", Location(paths[0] if paths else None)))
    return diagnostics, len(files)
