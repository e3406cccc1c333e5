"""Stage 3, themes: load a theme YAML, follow `extends:`, convert units to points once."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from .errors import Diagnostic, Location, WorkbookError
from .models import ThemeFile
from .sources import read_yaml
from .validate import validate_doc

BUILTIN_THEMES = ("default", "large-print", "ink-saver")


@dataclass(frozen=True)
class Theme:
    """A fully resolved theme: every length in points, every colour a ReportLab colour."""

    name: str
    fonts: dict[str, str]  # slot (regular/bold/italic/bold_italic) -> family name or .ttf path
    base_size: float
    leading: float
    colours: dict[str, Any]  # "#RRGGBB" strings; pdf.render hands layout ReportLab colours
    margins: dict[str, float]
    spacing: float
    line_height: float
    box_size: float
    filled_backgrounds: bool


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
def _theme_file(path: Path, mtime_ns: int) -> ThemeFile:
    """A validated theme file, read once per process while it is unchanged."""
    return validate_doc(read_yaml(path), ThemeFile)


def _load_chain(name: str, relative_to: Path | None, seen: tuple[Path, ...] = ()) -> dict[str, Any]:
    """Load a theme and its parents, merged, as a plain dict (font paths made absolute)."""
    path = _theme_path(name, relative_to).resolve()
    if path in seen:
        raise WorkbookError.at(Location(path), "themes extend each other in a loop")
    if not path.is_file():
        read_yaml(path)  # raises the right message: not found, or not a regular file
    theme = _theme_file(path, path.stat().st_mtime_ns)
    data = theme.model_dump(exclude_none=True)
    for slot, font in data.get("fonts", {}).items():
        if font.lower().endswith((".ttf", ".otf")):
            data["fonts"][slot] = str((path.parent / font).resolve())
    parent = theme.extends or ("default" if name != "default" else None)
    if parent is None:
        return data
    return _merge(_load_chain(parent, path.parent, (*seen, path)), data)


def load_theme(name: str, relative_to: Path | None = None) -> Theme:
    """Resolve a built-in theme name or a theme file path into a Theme."""
    data = _load_chain(name, relative_to)
    colours = {key: value.upper() for key, value in data["colours"].items()}
    return Theme(
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
    for fg, bg in TEXT_ON.items():
        ratio = contrast_ratio(theme.colours[fg], theme.colours[bg])
        if ratio < 4.5:
            problems.append(
                Diagnostic(
                    f"colour '{fg}' on '{bg}' has contrast {ratio:.2f}:1; WCAG AA needs 4.5:1",
                    where,
                )
            )
    return problems
