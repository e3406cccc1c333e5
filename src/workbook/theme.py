"""Stage 3, themes: load a theme YAML, follow `extends:`, convert units to points once."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from .errors import Diagnostic, Location, WorkbookError
from .models import ThemeFile
from .sources import SourceDoc, read_yaml
from .validate import validate_doc

inch, mm = 72.0, 72.0 / 25.4  # points, as ReportLab's units (no ReportLab import for validate)
BUILTIN_THEMES = ("default", "large-print", "ink-saver")
HEADER_LINES = 2.2  # the running header, and the footer, take this many times the base size
COVER_FOOT = 62 * mm  # the least height of the cover's bottom frame, for the practice's branding
A4, LETTER = (595.2755905511812, 841.8897637795277), (612.0, 792.0)  # points, as ReportLab's
# the least room a theme leaves for text, on the narrower (A4) and the shorter (Letter) paper
MIN_TEXT_WIDTH, EMS_PER_LINE = 3 * inch, 15  # and 15 times the base size
MIN_TEXT_HEIGHT, LINES_PER_PAGE = 4 * inch, 10  # and 10 lines of body text
COVER_LINES = 4 * 2.6 * 1.15  # and, above the cover's foot, 4 lines of its title (layout/styles)
MAX_GAP = 0.5 * inch  # spacing and box_size


@dataclass(frozen=True)
class Theme:
    """A fully resolved theme: every length in points, every colour a ReportLab colour."""

    name: str
    fonts: dict[str, str]  # slot (regular/bold/italic/bold_italic) -> family name or .ttf path
    base_size: float
    leading: float
    colours: dict[str, str]  # "#RRGGBB"; each renderer converts them (pdf/layout/styles.ink)
    margins: dict[str, float]
    spacing: float
    line_height: float
    box_size: float
    filled_backgrounds: bool
    # text colours short of WCAG AA contrast, at the theme file's own setting of the colour or
    # its background (a build warns and goes on; `validate` of the theme file refuses them)
    contrast: tuple[Diagnostic, ...] = field(default=(), compare=False)


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        elif value is not None:
            merged[key] = value
    return merged


def _theme_path(name: str, relative_to: Path | None) -> Path:
    if name in BUILTIN_THEMES:
        return Path(str(resources.files("workbook") / "themes" / f"{name}.yaml"))
    path = Path(name)
    if relative_to is not None and not path.is_absolute():
        path = relative_to / path
    if path.suffix not in {".yaml", ".yml"}:
        raise WorkbookError(
            f"unknown theme '{name}': use one of {', '.join(BUILTIN_THEMES)} or a path to a .yaml file"
        )
    return path


@cache
def _theme_file(path: Path, mtime_ns: int) -> tuple[ThemeFile, SourceDoc]:
    """A validated theme file and its source, read once per process while it is unchanged."""
    doc = read_yaml(path)
    return validate_doc(doc, ThemeFile), doc


Where = dict[tuple[str, ...], Location]  # a theme key -> where its value was set


def _load_chain(
    name: str, relative_to: Path | None, seen: tuple[Path, ...] = ()
) -> tuple[dict[str, Any], Where]:
    """Load a theme and its parents, merged, as a plain dict (font paths made absolute), and
    where each value was set: in the file itself if it sets it, else in the nearest parent."""
    path = _theme_path(name, relative_to).resolve()
    if not path.is_file():  # said where the theme is named: the manifest, or `extends:`
        problem = "is not a regular file" if path.exists() else "not found"
        raise WorkbookError(f"file {problem}: {path}")
    theme, doc = _theme_file(path, path.stat().st_mtime_ns)
    data = theme.model_dump(exclude_none=True)
    where: Where = {}
    for key, value in data.items():
        for part in value if isinstance(value, dict) else [None]:
            keys = (key,) if part is None else (key, part)
            where[keys] = doc.locate(keys)
    from .fonts import is_font_path

    for slot, font in data.get("fonts", {}).items():
        if is_font_path(font):  # not resolved: a symlink keeps the name the theme gave
            data["fonts"][slot] = os.path.abspath(path.parent / font)
    parent = theme.extends or ("default" if name != "default" else None)
    if parent is None:
        return data, where
    try:
        if _theme_path(parent, path.parent).resolve() in (*seen, path):
            raise WorkbookError("themes extend each other in a loop")
        parent_data, parent_where = _load_chain(parent, path.parent, (*seen, path))
    except WorkbookError as exc:
        here = doc.locate(("extends",))
        raise WorkbookError([Diagnostic(d.message, d.location if d.location.file else here)
                             for d in exc.diagnostics]) from None  # fmt: skip
    return _merge(parent_data, data), {**parent_where, **where}


def load_theme(name: str, relative_to: Path | None = None) -> Theme:
    """Resolve a built-in theme name or a theme file path into a Theme; its fonts must load
    and its sizes and margins must leave room on the page."""
    data, where = _load_chain(name, relative_to)
    top = _theme_path(name, relative_to).resolve()
    problems = _font_problems(data["fonts"], where) + page_problems(data, where, top)
    if problems:
        raise WorkbookError(problems)
    colours = {key: value.upper() for key, value in data["colours"].items()}
    contrast = [Diagnostic(problem, _set_here(where, top, ("colours", fg), ("colours", bg)))
                for fg, bg, problem in _contrast_problems(colours)]  # fmt: skip
    return Theme(
        contrast=tuple(contrast),
        name=name,
        fonts=data["fonts"],
        base_size=data["base_size"],
        leading=data["leading"],
        colours=colours,
        margins={k: float(v) for k, v in data["margins"].items()},
        spacing=float(data["spacing"]),
        line_height=float(data["line_height"]),
        box_size=float(data["box_size"]),
        filled_backgrounds=data["filled_backgrounds"],
    )


def _font_problems(fonts: dict[str, str], where: Where) -> list[Diagnostic]:
    """Every font that is missing or cannot be embedded (cut short, damaged, not a font)."""
    from .fonts import check_font

    problems = []
    for slot, spec in fonts.items():
        try:
            check_font(spec, slot)
        except WorkbookError as exc:
            message = f"fonts.{slot}: {exc.diagnostics[0].message}"
            problems.append(Diagnostic(message, where.get(("fonts", slot), Location())))
    return problems


def page_problems(data: dict[str, Any], where: Where, top: Path) -> list[Diagnostic]:
    """Sizes and margins that leave too little room for text on Letter or A4 paper, named at
    the setting in the theme file itself where it sets one (else in the theme it extends)."""
    found = _column_problems(data)
    found += [([(key,)], f"{_mm(data[key])} is too big; use at most {_mm(MAX_GAP)} (0.5in)")
              for key in ("spacing", "box_size") if data[key] > MAX_GAP]  # fmt: skip
    problems = []
    for keys, message in found:
        key = next((k for k in keys if k in where and where[k].file == top), keys[0])
        problems.append(Diagnostic(f"{'.'.join(key)}: {message}", where.get(key, Location(top))))
    return problems


def _column_problems(data: dict[str, Any]) -> list[tuple[list[tuple[str, ...]], str]]:
    """The text column must be 3in and 15 ems wide on A4; on Letter, 4in and 10 lines tall,
    with room for the cover's foot and four lines of its title."""
    size, lead, m = data["base_size"], data["leading"], data["margins"]
    width = min(A4[0], LETTER[0]) - m["inner"] - m["outer"]
    height = min(A4[1], LETTER[1]) - m["top"] - m["bottom"] - 2 * HEADER_LINES * size
    wide = max(MIN_TEXT_WIDTH, EMS_PER_LINE * size)
    tall = max(MIN_TEXT_HEIGHT, LINES_PER_PAGE * size * lead, COVER_FOOT + COVER_LINES * size)
    found = []
    if width < wide:
        sides = f"margins inner {_mm(m['inner'])} and outer {_mm(m['outer'])}"
        found.append(([("margins", "inner"), ("margins", "outer"), ("base_size",)],
                      f"the {sides} leave a text column {_mm(width)} wide on A4 paper; base size "
                      f"{size:g}pt needs {_mm(wide)}: make the margins or base_size smaller"))  # fmt: skip
    if height < tall:
        sides = f"margins top {_mm(m['top'])} and bottom {_mm(m['bottom'])}"
        found.append(([("margins", "top"), ("margins", "bottom"), ("base_size",), ("leading",)],
                      f"the {sides} (and the running header and footer) leave text {_mm(height)} "
                      f"tall on Letter paper; base size {size:g}pt at leading {lead:g} needs "
                      f"{_mm(tall)}: make the margins, base_size or leading smaller"))  # fmt: skip
    return found


def _mm(points: float) -> str:
    return f"{max(points, 0) / mm:.0f}mm"


def contrast_ratio(fg: str, bg: str) -> float:
    """WCAG 2 contrast ratio between two "#RRGGBB" colours."""

    def luminance(colour: str) -> float:
        def channel(v: float) -> float:
            return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

        red, green, blue = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
        return 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)

    lighter, darker = sorted((luminance(fg), luminance(bg)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


TEXT_ON = {
    "text": "background",
    "heading": "background",
    "accent": "background",
    "muted": "background",
    "tip_text": "tip_background",
    "table_header_text": "table_header_background",
}


def check_theme(theme: Theme, where: Location) -> list[Diagnostic]:
    """Fonts that can be found and WCAG AA (4.5:1) contrast for every text colour."""
    from .fonts import font_file

    problems = []
    for slot, font in theme.fonts.items():
        try:
            font_file(font, slot)
        except WorkbookError as exc:
            problems.append(Diagnostic(f"fonts.{slot}: {exc.diagnostics[0].message}", where))
    problems += theme.contrast
    return problems


def _set_here(where: Where, top: Path, *keys: tuple[str, ...]) -> Location:
    """Where the theme file itself sets the first of these keys it sets, else its `extends:`
    or its top: never a line of the theme it extends (a built-in one, perhaps)."""
    for key in (*keys, ("extends",)):
        if key in where and where[key].file == top:
            return where[key]
    return Location(top)


def _contrast_problems(colours: dict[str, str]) -> list[tuple[str, str, str]]:
    """(text colour, its background, what is wrong) for each text colour under WCAG AA's
    4.5:1 contrast."""
    problems = []
    for fg, bg in TEXT_ON.items():
        ratio = contrast_ratio(colours[fg], colours[bg])
        if ratio < 4.5:
            problems.append((fg, bg, f"colour '{fg}' on '{bg}' has contrast {ratio:.2f}:1; WCAG AA "
                                 "needs 4.5:1 for everyone to read it: make one darker or lighter"))  # fmt: skip
    return problems
