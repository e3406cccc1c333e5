"""Stage 3, the worksheet library: find worksheets by id and language across folders."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path

from .errors import Diagnostic, Location, WorkbookError
from .models import Worksheet
from .sources import SourceDoc
from .validate import load_worksheet, suggest

DEFAULT_LANGUAGE = "en"
SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class LoadedWorksheet:
    sheet: Worksheet
    doc: SourceDoc

    @property
    def path(self) -> Path:
        assert self.doc.path is not None
        return self.doc.path


@cache
def builtin_dir() -> Path:
    """The built-in library: packaged in the wheel, or the checkout's worksheets/ folder."""
    packaged = Path(str(resources.files("workbook"))) / "worksheets"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "worksheets"


def search_dirs(user_dirs: list[Path]) -> list[Path]:
    return [*user_dirs, builtin_dir()]


def find_path(worksheet_id: str, language: str, dirs: list[Path],
              listed: dict[Path, frozenset[str]] | None = None) -> Path | None:  # fmt: skip
    """The first file for this id in the search order, in `language` if any folder has it.
    `listed` keeps the folders' names for the next call (the worksheets of one manifest)."""
    listed = {} if listed is None else listed
    for folder in dirs:
        for sub in (folder / language, folder):
            names = listed.get(sub)
            if names is None:
                names = listed[sub] = _names(sub)
            for name in (f"{worksheet_id}{suffix}" for suffix in SUFFIXES):
                if name.lower() in names and (sub / name).is_file():  # the file system decides case
                    return sub / name
    return None


def _names(folder: Path) -> frozenset[str]:
    """The names in a folder, lower-cased, listed again only when the folder changes. A folder
    changed in the last two seconds is listed every time: on file systems with coarse times,
    a second change could keep the same time."""
    try:
        changed = folder.stat().st_mtime_ns
        if time.time_ns() - changed < 2_000_000_000:
            return _listing.__wrapped__(folder, changed)
        return _listing(folder, changed)
    except OSError:
        return frozenset()


@lru_cache(maxsize=256)
def _listing(folder: Path, changed: int) -> frozenset[str]:
    return frozenset(name.lower() for name in os.listdir(folder))


@cache
def _load_cached(path: Path, mtime_ns: int) -> LoadedWorksheet:
    sheet, doc = load_worksheet(path)
    return LoadedWorksheet(sheet, doc)


def load(path: Path) -> LoadedWorksheet:
    """Load and validate a worksheet file, once per process while it is unchanged."""
    return _load_cached(path.absolute(), path.stat().st_mtime_ns)


def available(language: str, dirs: list[Path]) -> dict[str, Path]:
    """Every worksheet id visible in `language` (falling back to English), first folder wins."""
    found: dict[str, Path] = {}
    for lang in dict.fromkeys([DEFAULT_LANGUAGE, language]):
        for folder in reversed(dirs):
            for sub in (folder, folder / lang):
                if sub.is_dir():
                    found.update({p.stem: p for p in sorted(sub.iterdir()) if p.suffix in SUFFIXES})
    return dict(sorted(found.items()))


def resolve_worksheets(
    ids: list[str], language: str, dirs: list[Path], where: list[Location]
) -> tuple[list[LoadedWorksheet], list[Diagnostic]]:
    """Load the worksheets a manifest names, collecting every unknown id before raising."""
    loaded, errors, warnings = [], [], []
    listed: dict[Path, frozenset[str]] = {}  # each folder listed once for all the ids
    for worksheet_id, location in zip(ids, where, strict=True):
        path = find_path(worksheet_id, language, dirs, listed)
        if path is None and language != DEFAULT_LANGUAGE:
            path = find_path(worksheet_id, DEFAULT_LANGUAGE, dirs, listed)
        if path is None:
            hint = suggest(worksheet_id, list(available(language, dirs)))
            errors.append(
                Diagnostic(
                    f"unknown worksheet '{worksheet_id}'{hint}; "
                    "run 'workbook list' to see them all",
                    location,
                )
            )
            continue
        item = load(path)
        builtin = builtin_dir()
        if builtin not in path.parents and find_path(worksheet_id, language, [builtin], listed):
            warnings.append(Diagnostic(f"worksheet '{worksheet_id}' from {path} replaces the built-in one",
                                       location, "warning"))  # fmt: skip
        if item.sheet.language != language:
            warnings.append(
                Diagnostic(
                    f"worksheet '{worksheet_id}' has no '{language}' version; using "
                    f"'{item.sheet.language}'",
                    location,
                    "warning",
                )
            )
        loaded.append(item)
    if errors:
        raise WorkbookError(errors)
    return loaded, warnings
