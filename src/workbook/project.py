"""Stage 3, the project: manifest + options + resolved worksheets, theme, fonts and text."""

from __future__ import annotations

import copy
import datetime as dt
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from .answers.given import Given, load_given
from .errors import Diagnostic, Location, WorkbookError
from .library import LoadedWorksheet, resolve_worksheets, search_dirs
from .locale import crisis_contacts, format_date, strings
from .models import Manifest
from .personalise import Personaliser, PersonalWorksheet
from .sources import SourceDoc, image_size, parse_yaml, read_yaml
from .theme import Theme, load_theme
from .validate import suggest, validate_doc

T = TypeVar("T")


COMMAND_LINE = Location(Path("<command line>"))


@dataclass(frozen=True)
class BuildOptions:
    """What the user asked for: a manifest (or none) and overrides of its fields."""

    manifest: Path | None = None
    output: Path | None = None
    overrides: dict[str, Any] = field(default_factory=dict)  # dotted manifest path -> value
    worksheet_dirs: tuple[Path, ...] = ()
    force: bool = False
    password: str | None = field(default=None, repr=False)
    # where each override came from (a roster's cell); the command line when not given
    override_locations: dict[str, Location] = field(default_factory=dict)
    answers: Path | None = None  # a file of answers to start with (`build --answers`)
    keep_answers: bool = False  # carry the answers of the workbook being replaced over


@dataclass(frozen=True)
class Project:
    manifest: Manifest
    base_dir: Path
    theme: Theme
    font_folders: list[Path]  # where users drop extra fonts
    text: dict[str, Any]
    worksheets: list[PersonalWorksheet]
    title: str
    recipient: str | None
    date: str | None
    warnings: list[Diagnostic]
    logo: Logo | None = None
    answers: dict[str, Given] = field(default_factory=dict)  # by field name


@dataclass(frozen=True)
class Logo:
    path: Path
    width: int
    height: int


def load_logo(manifest: Manifest, base_dir: Path, doc: SourceDoc) -> Logo | None:
    """The practice logo (PNG or JPEG): a regular file, at most 4000 by 4000 pixels (read from
    its header, before any decoding) that decodes to the end."""
    name = manifest.prepared_by.logo if manifest.prepared_by else None
    if not name:
        return None
    where = doc.locate(("prepared_by", "logo"))
    path = base_dir / name  # as the user wrote it, in messages; a symlink is followed
    if not path.is_file():
        problem = "is not a regular file" if path.exists() else "not found"
        raise WorkbookError.at(where, f"logo image {problem}: {path}")
    width, height = image_size(path, where, "logo image")
    return Logo(path.resolve(), width, height)


def set_dotted(data: dict[str, Any], dotted: str, value: Any) -> None:
    """Set `a.b.c` in nested dicts; the first part must be a manifest field."""
    parts = dotted.split(".")
    if parts[0] not in Manifest.model_fields:
        hint = suggest(parts[0], list(Manifest.model_fields))
        raise WorkbookError(
            f"unknown manifest field '{dotted}'{hint}; "
            f"use variables.{dotted} for a template variable"
        )
    if parts[0] == "answers" and len(parts) > 1:  # a field name has dots of its own
        if not isinstance(data.get("answers"), dict):
            data["answers"] = {}
        data["answers"][".".join(parts[1:])] = value
        return
    target = data
    for part in parts[:-1]:
        if not isinstance(target.get(part), dict):
            target[part] = {}
        target = target[part]
    target[parts[-1]] = value


def _key(dotted: str) -> tuple[str, ...]:
    """Where a dotted option lands in the manifest's data."""
    head, _, rest = dotted.partition(".")
    return (head, rest) if head == "answers" and rest else tuple(dotted.split("."))


def read_manifest(path: Path) -> SourceDoc:
    """Read a manifest, once per process while it is unchanged (a batch reads it per row)."""
    if not path.is_file():
        return read_yaml(path)  # raises the right message
    doc = _read_cached(path.resolve(), path.stat().st_mtime_ns, str(path))
    if not isinstance(doc.data, dict):
        raise WorkbookError.at(doc.locate(()), "a manifest must be a mapping of keys and values")
    return doc


@cache
def _read_cached(path: Path, mtime_ns: int, shown: str) -> SourceDoc:
    return read_yaml(Path(shown))


def manifest_source(options: BuildOptions) -> SourceDoc:
    """The manifest's data with command-line overrides applied (or overrides alone)."""
    doc = read_manifest(options.manifest) if options.manifest is not None else parse_yaml("{}")
    data = copy.deepcopy(doc.data)
    locations = dict(doc.locations)
    for dotted, value in options.overrides.items():
        set_dotted(data, dotted, value)
        # an error in an option points at the option, not at the manifest line it replaced
        key = _key(dotted)
        for known in [k for k in locations if k[: len(key)] == key]:
            del locations[known]
        locations[key] = options.override_locations.get(dotted, COMMAND_LINE)
    return SourceDoc(doc.path, data, locations)


def build_date(manifest: Manifest) -> dt.date | None:
    """The manifest's date, else SOURCE_DATE_EPOCH; never the clock (builds are reproducible)."""
    if manifest.date is not None:
        return manifest.date
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch:
        return None
    if not epoch.isdigit() or len(epoch) > 12:
        raise WorkbookError(f"SOURCE_DATE_EPOCH is '{epoch}': it must be whole seconds since 1970")
    return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()


def template_context(manifest: Manifest, text: dict[str, Any], date: str | None) -> dict[str, Any]:
    loved = manifest.loved_one
    prepared = manifest.prepared_by.model_dump() if manifest.prepared_by else {}
    context: dict[str, Any] = dict(manifest.variables)
    context.update(
        recipient={
            "name": manifest.recipient.name if manifest.recipient else text["default_recipient"]
        },
        loved_one={
            "name": (loved and loved.name) or text["default_loved_one"],
            "relationship": loved.relationship if loved else "other",
            "age_group": loved.age_group if loved else "adult",
            "minor": loved is not None and loved.age_group == "minor",
            "given": loved is not None,  # false in a workbook just for the reader
            # for sentences the reader says about them: "What I want my loved one to know"
            "mine": (loved and loved.name) or text["default_loved_one_mine"],
        },
        prepared_by={k: prepared.get(k) or "" for k in ("name", "practice", "contact", "url")},
        date=date or "",
        language=manifest.language,
        crisis_page=manifest.crisis_page,
        variables=dict(manifest.variables),
    )
    return context


def _collect(errors: list[Diagnostic], step: Callable[[], T], fallback: T) -> T:
    """Run one step of loading; on bad input note its errors and go on with `fallback`."""
    try:
        return step()
    except WorkbookError as exc:
        errors.extend(exc.diagnostics)
        return fallback


def _theme(manifest: Manifest, base_dir: Path, doc: SourceDoc) -> Theme:
    try:
        return load_theme(manifest.theme, base_dir)
    except WorkbookError as exc:
        here = doc.locate(("theme",))
        raise WorkbookError([Diagnostic(f"theme: {d.message}", d.location if d.location.file else here)
                             for d in exc.diagnostics]) from None  # fmt: skip


def _folders(manifest: Manifest, base_dir: Path, doc: SourceDoc) -> list[Path]:
    missing = [Diagnostic(f"folder not found: {folder}", doc.locate(("worksheets_dirs", i)))
               for i, folder in enumerate(manifest.worksheets_dirs) if not (base_dir / folder).is_dir()]  # fmt: skip
    if missing:
        raise WorkbookError(missing)
    return [base_dir / d for d in manifest.worksheets_dirs]


def title_in(title: str | Mapping[Any, str] | None, language: str) -> str | None:
    """The title in the workbook's language (one given per language), else as given."""
    if isinstance(title, Mapping):
        return title.get(language) or next(iter(title.values()), None)
    return title


def _title_warnings(manifest: Manifest, options: BuildOptions, doc: SourceDoc) -> list[Diagnostic]:
    """A row or option that changes the language under a title written in one language."""
    written_in = options.manifest and read_manifest(options.manifest).data.get("language", "en")
    title = manifest.title
    if isinstance(title, dict) and manifest.language not in title:
        message = (f"the title has no {manifest.language} version, so the "
                   f"{next(iter(title))} one is used: add {manifest.language}: to title:")  # fmt: skip
        return [Diagnostic(message, doc.locate(("title",)), "warning")]
    changed = "language" in options.overrides and "title" not in options.overrides
    if isinstance(title, str) and changed and written_in and written_in != manifest.language:
        message = (f"the title is written for {written_in} but this workbook is in "
                   f"{manifest.language}: give title: {{{written_in}: ..., {manifest.language}: ...}}")  # fmt: skip
        return [Diagnostic(message, doc.locate(("language",)), "warning")]
    return []


def crisis_warnings(manifest: Manifest, doc: SourceDoc) -> list[Diagnostic]:
    """The crisis page is never generic, or American, without the person being told."""
    if not manifest.crisis_page or manifest.crisis_lines is not None:
        return []
    if crisis_contacts(manifest.region) is None:
        message = (f"no crisis list for {manifest.region}; the crisis page is generic (the local "
                   "emergency number and space to write a line): add crisis_lines: to the manifest")  # fmt: skip
        return [Diagnostic(message, doc.locate(("region",)), "warning")]
    if "region" not in manifest.model_fields_set and manifest.page_size == "a4":
        message = ("no region given, so the crisis page shows US numbers (988, 911); "
                   "set region: to the reader's two-letter country code, e.g. GB")  # fmt: skip
        return [Diagnostic(message, doc.locate(("page_size",)), "warning")]
    return []


def load_project(options: BuildOptions) -> Project:
    """Validate the manifest and everything it names; raise one error listing every problem."""
    doc = manifest_source(options)
    manifest = validate_doc(doc, Manifest)
    base_dir = doc.path.parent if doc.path else Path.cwd()
    text = strings(manifest.language)
    errors: list[Diagnostic] = []
    no_folders: list[Path] = []
    own = _collect(errors, lambda: _folders(manifest, base_dir, doc), no_folders)
    dirs = [*options.worksheet_dirs, *own]
    where = [doc.locate(("worksheets", i)) for i in range(len(manifest.worksheets))]
    nothing: tuple[list[LoadedWorksheet], list[Diagnostic]] = ([], [])
    loaded, warnings = _collect(errors, lambda: resolve_worksheets(
        manifest.worksheet_ids, manifest.language, search_dirs(dirs), where), nothing)  # fmt: skip
    theme = _collect(errors, lambda: _theme(manifest, base_dir, doc), None)
    logo = _collect(errors, lambda: load_logo(manifest, base_dir, doc), None)
    date = _collect(errors, lambda: build_date(manifest), None)
    date_text = format_date(date, manifest.language, manifest.region) if date else None
    personaliser = Personaliser(template_context(manifest, text, date_text))
    worksheets: list[PersonalWorksheet] = []
    for item in loaded:
        try:
            worksheets.append(personaliser.worksheet(item))
        except WorkbookError as exc:
            errors.extend(exc.diagnostics)
    if errors or theme is None:
        raise WorkbookError(errors)
    fonts = [base_dir / "fonts", Path.cwd() / "fonts"]
    title = title_in(manifest.title, manifest.language) or text["default_title"]
    warnings += _title_warnings(manifest, options, doc)
    warnings += [Diagnostic(f"theme: {d.message}", d.location, "warning") for d in theme.contrast]
    recipient = manifest.recipient.name if manifest.recipient else None
    warnings += crisis_warnings(manifest, doc)
    answers = {name: Given(value, doc.locate(("answers", name)))
               for name, value in manifest.answers.items() if value not in (None, "", False)}  # fmt: skip
    if options.answers is not None:
        answers.update(load_given(options.answers, options.password))
    return Project(
        manifest,
        base_dir,
        theme,
        fonts,
        text,
        worksheets,
        title,
        recipient,
        date_text,
        warnings,
        logo,
        answers,
    )
