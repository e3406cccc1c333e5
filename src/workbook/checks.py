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


def check_roster(path: Path, manifest: Path | None) -> list[Diagnostic]:
    """Every row as `batch` would take it, without building: fields, worksheets, theme, logo,
    templates, output names; each row's warnings too."""
    from .batch import Batch
    from .roster import read_roster

    if manifest is None:
        return [Diagnostic("this is a roster: check it against its base manifest, e.g. "
                           f"workbook validate {path} -m base.yaml", Location(path))]  # fmt: skip
    batch, seen = Batch.load(manifest, Path("output")), dict[Path, int]()
    diagnostics: list[Diagnostic] = []
    for row in read_roster(path):
        try:
            plan = batch.plan(row)
            if plan.output in seen:
                raise WorkbookError.at(row.locations.get("output", Location(path, row.number + 1)),
                                       f"row {row.number}: output {plan.output.name} is also "
                                       f"row {seen[plan.output]}'s")  # fmt: skip
            seen[plan.output] = row.number
            options = BuildOptions(
                manifest, plan.output, row.values, override_locations=row.locations
            )
            diagnostics += load_project(options).warnings
        except WorkbookError as exc:
            diagnostics += exc.diagnostics
    return diagnostics


def check_file(path: Path, manifest: Path | None = None) -> list[Diagnostic]:
    if path.suffix.lower() == ".csv":
        return check_roster(path, manifest)
    doc = read_yaml(path)
    if isinstance(doc.data, list):  # a YAML or JSON roster
        return check_roster(path, manifest)
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


def check_paths(paths: list[Path], manifest: Path | None = None) -> tuple[list[Diagnostic], int]:
    """Every diagnostic for every YAML file (or roster) under `paths`, and how many files
    were checked; rosters are checked against `manifest`."""
    diagnostics: list[Diagnostic] = []
    files = yaml_files(paths)
    for path in files:
        try:
            diagnostics += check_file(path, manifest)
        except WorkbookError as exc:
            diagnostics += exc.diagnostics
    if not files:
        diagnostics.append(Diagnostic("no YAML files found", Location(paths[0] if paths else None)))
    return diagnostics, len(files)
