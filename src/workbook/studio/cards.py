"""What the workbook page offers to choose from: the worksheets as cards (built-in and the
user's own folders, with their topics, languages and a thumbnail of their first page), the
ready packets, and the crisis page a country will get."""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from ..errors import WorkbookError
from ..library import available, builtin_dir, load
from ..locale import crisis_contacts
from ..models.manifest import REGION_ALIASES
from ..project import BuildOptions, load_project

THUMB_DPI = 30
PACKETS = Path(__file__).parent / "packets.yaml"
LANGUAGES = ("en", "es")


@dataclass(frozen=True)
class Card:
    id: str
    title: str
    summary: str
    minutes: int
    audience: str
    tags: tuple[str, ...]
    languages: tuple[str, ...]  # the languages it is written in
    folder: str  # "" for the built-in library, else the user's folder


def cards(language: str, dirs: tuple[Path, ...]) -> tuple[list[Card], list[str]]:
    """Every worksheet visible in `language` (English where it lacks one), the user's folders
    first; and the problems of files that are not worksheets (shown, not fatal)."""
    search = [*dirs, builtin_dir()]
    found: list[Card] = []
    problems: list[str] = []
    others = {lang: available(lang, search) for lang in LANGUAGES}
    for ident, path in available(language, search).items():
        try:
            sheet = load(path).sheet
        except WorkbookError as exc:
            problems.extend(str(d) for d in exc.diagnostics)
            continue
        written = tuple(lang for lang in LANGUAGES if _written_in(others[lang].get(ident), lang))
        folder = next((str(d) for d in dirs if d in path.parents), "")
        found.append(Card(sheet.id, sheet.title, sheet.summary, sheet.minutes, sheet.audience,
                          tuple(sheet.tags), written or (sheet.language,), folder))  # fmt: skip
    found.sort(key=lambda c: (c.folder == "", c.title.lower()))
    return found, problems


def _written_in(path: Path | None, language: str) -> bool:
    """Whether the file the library finds for `language` is written in it (not a fallback)."""
    try:
        return path is not None and load(path).sheet.language == language
    except WorkbookError:
        return False


def topics(found: list[Card]) -> list[str]:
    return sorted({tag for card in found for tag in card.tags})


@cache
def packets() -> dict[str, dict[str, Any]]:
    data: dict[str, dict[str, Any]] = yaml.safe_load(PACKETS.read_text(encoding="utf-8"))
    return data


def crisis_hint(region: str, language: str) -> dict[str, Any]:
    """What the crisis page will list for `region`: its lines, or that it will be generic."""
    code = region.strip().upper()
    if not (len(code) == 2 and code.isalpha()):
        return {"region": "", "lines": [], "emergency": ""}  # the field's own error says why
    code = REGION_ALIASES.get(code, code)  # UK is GB
    contacts = crisis_contacts(code)
    if not contacts:
        return {"region": code, "lines": [], "emergency": ""}
    lines = [_in(line["name"], language) for line in contacts["lines"]]
    return {"region": code, "lines": lines, "emergency": _in(contacts["emergency"], language)}


def _in(text: Any, language: str) -> str:
    return str(text.get(language, text.get("en", ""))) if isinstance(text, dict) else str(text)


class Thumbnails:
    """The first page of each worksheet as a small PNG, made once per file version."""

    def __init__(self) -> None:
        self.made: dict[tuple[str, str, Path, int], bytes] = {}

    def get(self, ident: str, language: str, dirs: tuple[Path, ...]) -> bytes | None:
        path = available(language, [*dirs, builtin_dir()]).get(ident)
        if path is None:
            return None
        key = (ident, language, path, path.stat().st_mtime_ns)
        if key not in self.made:
            self.made[key] = first_page(ident, language, dirs)
        return self.made[key]


def first_page(ident: str, language: str, dirs: tuple[Path, ...]) -> bytes:
    """The worksheet's first page in a workbook of it alone: the last top-level bookmark."""
    import pypdfium2 as pdfium

    from ..pdf import render

    overrides = {"worksheets": [ident], "language": language, "crisis_page": False}
    project = load_project(BuildOptions(overrides=overrides, worksheet_dirs=dirs))
    document = pdfium.PdfDocument(render(project).pdf)
    try:
        marks = [m for m in document.get_toc() if m.level == 0]
        dest = marks[-1].get_dest() if marks else None
        index = dest.get_index() if dest is not None else None
        page = document[index if index is not None else len(document) - 1]
        image = page.render(scale=THUMB_DPI / 72).to_pil()
    finally:
        document.close()
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()
