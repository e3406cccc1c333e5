"""Stage 2, the formats: worksheets, manifests and themes as frozen pydantic models.

    base.py        what every model shares (frozen, no unknown keys); values in plain words
    blocks.py      the blocks a worksheet is made of, one model per `type:`
    worksheet.py   a worksheet file
    manifest.py    a manifest: who the workbook is for, which worksheets, which edition
    theme_file.py  a theme file: fonts, sizes, colours and lengths

Field docstrings become descriptions in the JSON Schema (authoring.json_schema).
"""

from .base import ID_PATTERN, Model, describe
from .blocks import (
    BLOCK_BY_TYPE,
    BLOCK_TYPES,
    Block,
    BlockBase,
    Checklist,
    Column,
    Columns,
    FillIn,
    Heading,
    Lines,
    ListBlock,
    PageBreak,
    Paragraph,
    Scale,
    Script,
    Table,
    Tip,
)
from .manifest import (
    REGION_ALIASES,
    RELATIONSHIP_WORDS,
    RELATIONSHIPS,
    CrisisLine,
    LovedOne,
    Manifest,
    Person,
    PreparedBy,
    WorksheetRef,
    cover_date,
    qr_bytes,
    relationship_for,
)
from .theme_file import COLOUR_PATTERN, ThemeColours, ThemeFile, ThemeFonts, ThemeMargins, to_points
from .worksheet import Worksheet

__all__ = [
    "BLOCK_BY_TYPE", "BLOCK_TYPES", "COLOUR_PATTERN", "ID_PATTERN", "REGION_ALIASES",
    "RELATIONSHIPS", "RELATIONSHIP_WORDS", "Block", "BlockBase", "Checklist", "Column", "Columns",
    "CrisisLine", "FillIn", "Heading", "Lines", "ListBlock", "LovedOne", "Manifest", "Model",
    "PageBreak", "Paragraph", "Person", "PreparedBy", "Scale", "Script", "Table", "ThemeColours",
    "ThemeFile", "ThemeFonts", "ThemeMargins", "Tip", "Worksheet", "WorksheetRef", "cover_date",
    "describe", "qr_bytes", "relationship_for", "to_points",
]  # fmt: skip
