"""Stage 2, the formats: a theme file; lengths in points, colours as #RRGGBB."""

from __future__ import annotations

import math
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints

from .base import Line, Model

COLOUR_PATTERN = r"^#[0-9A-Fa-f]{6}$"
Colour = Annotated[str, StringConstraints(pattern=COLOUR_PATTERN)]
UNITS = {"pt": 1.0, "mm": 72 / 25.4, "cm": 72 / 2.54, "in": 72.0}


def to_points(value: str | float) -> float:
    """12, '12pt', '18mm', '1.5cm' or '0.5in' -> points; finite, from 0 to 300 points."""
    points: float | None = float(value) if isinstance(value, (int, float)) else None
    if isinstance(value, str):
        text = value.strip().lower()
        unit = next((u for u in UNITS if text.endswith(u)), None)
        try:
            points = float(text[: -len(unit)] if unit else text) * UNITS[unit or "pt"]
        except ValueError:
            points = None
    if points is None or not math.isfinite(points):
        raise ValueError(f"'{value}' is not a length; write e.g. 12pt, 18mm, 1.5cm or 0.5in")
    if not 0 <= points <= 300:
        raise ValueError(f"'{value}' is out of range: use 0 to 300 points (about 105mm)")
    return points


Length = Annotated[str | float, AfterValidator(to_points),
                   Field(description="Points, or a string such as 18mm, 1.5cm, 0.5in or 12pt.")]  # fmt: skip
PositiveLength = Annotated[Length, Field(gt=0.5)]


class ThemeFonts(Model):
    """A font-package family name (e.g. Atkinson Hyperlegible) or a .ttf path per style."""

    regular: Line | None = None
    """Body text."""
    bold: Line | None = None
    """Headings and **bold**."""
    italic: Line | None = None
    """Scripts and *italic*."""
    bold_italic: Line | None = None
    """***Bold italic***."""


class ThemeColours(Model):
    """Colours as #RRGGBB. Text colours need 4.5:1 contrast on their background."""

    text: Colour | None = None
    """Body text."""
    heading: Colour | None = None
    """Titles and headings; the cover band."""
    accent: Colour | None = None
    """Check boxes, scales, quotation bars."""
    muted: Colour | None = None
    """Secondary text: header, footer, notes."""
    background: Colour | None = None
    """The page."""
    tip_background: Colour | None = None
    """Behind tips."""
    tip_text: Colour | None = None
    """Text in tips."""
    table_header_background: Colour | None = None
    """Behind table header rows."""
    table_header_text: Colour | None = None
    """Text in table header rows."""
    rule: Colour | None = None
    """Writing lines and table grid."""


class ThemeMargins(Model):
    top: Length | None = None
    """Top margin."""
    bottom: Length | None = None
    """Bottom margin."""
    inner: Length | None = None
    """Margin on the binding side."""
    outer: Length | None = None
    """Margin on the outside edge."""


class ThemeFile(Model):
    """A theme YAML; every value is optional because `extends:` supplies the rest."""

    extends: Line | None = None
    """The theme this one builds on (default if not given)."""
    fonts: ThemeFonts = ThemeFonts()
    """The fonts."""
    base_size: float | None = Field(None, ge=6, le=28)
    """Body text size in points, 6 to 28 (the practitioner's details on the cover hold no more)."""
    leading: float | None = Field(None, ge=1.0, le=3.0)
    """Line height as a multiple of the text size."""
    colours: ThemeColours = ThemeColours()
    """The colours."""
    margins: ThemeMargins = ThemeMargins()
    """Page margins."""
    spacing: Length | None = None
    """The basic space between blocks."""
    line_height: PositiveLength | None = None
    """Distance between writing lines."""
    box_size: PositiveLength | None = None
    """Size of check boxes (scale circles are twice this)."""
    filled_backgrounds: bool | None = None
    """false prints no coloured backgrounds (saves ink)."""
