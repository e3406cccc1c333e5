"""Stage 2, the formats: worksheets, manifests and themes as frozen pydantic models."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from .locale import SUPPORTED_LANGUAGES

Text = Annotated[str, StringConstraints(max_length=100_000)]
Line = Annotated[str, StringConstraints(max_length=2_000)]
WorksheetId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=80)]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class BlockBase(Model):
    when: Line | None = Field(
        None, description="Jinja2 expression; the block is left out when false."
    )


class Heading(BlockBase):
    type: Literal["heading"]
    text: Line


class Paragraph(BlockBase):
    type: Literal["paragraph"]
    text: Text = Field(description="Inline **bold** and *italic* allowed.")


class Tip(BlockBase):
    type: Literal["tip"]
    title: Line | None = Field(None, description="Defaults to 'Tip' in the workbook's language.")
    text: Text


class Script(BlockBase):
    type: Literal["script"]
    text: Text = Field(description="A phrase to try saying; printed as a quotation.")


class ListBlock(BlockBase):
    type: Literal["list"]
    items: list[Text] = Field(min_length=1)
    ordered: bool = False


class Checklist(BlockBase):
    type: Literal["checklist"]
    items: list[Text] = Field(min_length=1)


class Lines(BlockBase):
    type: Literal["lines"]
    label: Line | None = None
    count: int = Field(4, ge=1, le=200)


class FillIn(BlockBase):
    type: Literal["fill_in"]
    label: Line | None = None
    template: Text = Field(description="Each ___ (three or more underscores) is a writing blank.")

    @model_validator(mode="after")
    def has_blank(self) -> FillIn:
        if "___" not in self.template:
            raise ValueError("a fill_in template needs at least one blank written as ___")
        return self


class Table(BlockBase):
    type: Literal["table"]
    columns: list[Line] = Field(min_length=1, max_length=8)
    rows: list[list[Text]] = Field(default_factory=list)
    blank_rows: int = Field(0, ge=0, le=100)
    widths: list[float] | None = Field(None, description="Relative column widths.")

    @model_validator(mode="after")
    def rows_fit_columns(self) -> Table:
        for i, row in enumerate(self.rows, start=1):
            if len(row) > len(self.columns):
                raise ValueError(
                    f"row {i} has {len(row)} cells but the table has {len(self.columns)} columns"
                )
        if self.widths is not None and len(self.widths) != len(self.columns):
            raise ValueError("widths needs one number per column")
        if not self.rows and not self.blank_rows:
            raise ValueError("a table needs rows, blank_rows or both")
        return self


class Scale(BlockBase):
    type: Literal["scale"]
    label: Line
    min: int = Field(0, ge=0, le=100)
    max: int = Field(10, ge=1, le=100)
    anchors: dict[int, Line] = Field(default_factory=dict)

    @model_validator(mode="after")
    def sensible_range(self) -> Scale:
        if not 1 <= self.max - self.min <= 20:
            raise ValueError("a scale needs 2 to 21 points: max must be above min by 1 to 20")
        outside = [k for k in self.anchors if not self.min <= k <= self.max]
        if outside:
            raise ValueError(f"anchor {outside[0]} is outside {self.min}..{self.max}")
        return self


class Column(Model):
    title: Line
    items: list[Text] = Field(min_length=1)


class Columns(BlockBase):
    type: Literal["columns"]
    left: Column
    right: Column


class PageBreak(BlockBase):
    type: Literal["page_break"]


Block = Annotated[
    Heading
    | Paragraph
    | Tip
    | Script
    | ListBlock
    | Checklist
    | Lines
    | FillIn
    | Table
    | Scale
    | Columns
    | PageBreak,
    Field(discriminator="type"),
]
BLOCK_TYPES: tuple[type[BlockBase], ...] = (
    Heading,
    Paragraph,
    Tip,
    Script,
    ListBlock,
    Checklist,
    Lines,
    FillIn,
    Table,
    Scale,
    Columns,
    PageBreak,
)


class Worksheet(Model):
    """One worksheet file."""

    worksheet: Literal[1] = Field(description="Format version; always 1.")
    id: WorksheetId
    language: Line = "en"
    title: Line
    audience: Literal["supporter", "self", "any"] = "any"
    summary: Text
    minutes: int = Field(15, ge=1, le=600)
    tags: list[Line] = Field(default_factory=list)
    facilitator_notes: Text | None = None
    blocks: list[Block] = Field(min_length=1)


class Person(Model):
    name: Line


class LovedOne(Model):
    name: Line | None = None
    relationship: Literal["partner", "parent", "friend", "sibling", "child", "other"] = "other"


class PreparedBy(Model):
    name: Line | None = None
    practice: Line | None = None
    contact: Line | None = None
    logo: Line | None = Field(None, description="PNG or JPEG, relative to the manifest.")
    url: Line | None = None


class WorksheetRef(Model):
    id: WorksheetId


class CrisisLine(Model):
    name: Line
    contact: Line
    note: Line | None = None


class Manifest(Model):
    """One workbook: who it is for and which worksheets it holds."""

    workbook: Literal[1] = 1
    title: Line | None = None
    recipient: Person | None = None
    loved_one: LovedOne | None = None
    prepared_by: PreparedBy | None = None
    date: dt.date | None = None
    language: Line = "en"
    region: Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{2}$")] = "US"
    theme: Line = "default"
    page_size: Literal["letter", "a4"] = "letter"
    edition: Literal["client", "facilitator"] = "client"
    fillable: bool = False
    crisis_page: bool = Field(True, description="Add the crisis-and-safety page at the end.")
    crisis_lines: list[CrisisLine] | None = Field(None, description="Your own crisis contacts.")
    worksheets: list[WorksheetId | WorksheetRef] = Field(min_length=1)
    variables: dict[str, Any] = Field(default_factory=dict)
    worksheets_dirs: list[Line] = Field(default_factory=list)

    @field_validator("language")
    @classmethod
    def supported_language(cls, value: str) -> str:
        if value not in SUPPORTED_LANGUAGES:
            raise ValueError(
                f"unsupported language '{value}'; supported: {', '.join(SUPPORTED_LANGUAGES)}"
            )
        return value

    @property
    def worksheet_ids(self) -> list[str]:
        return [w if isinstance(w, str) else w.id for w in self.worksheets]


Colour = Annotated[str, StringConstraints(pattern=r"^#[0-9A-Fa-f]{6}$")]
Length = Annotated[str | float, Field(description="Points, or a string such as '18mm', '0.5in'.")]


class ThemeFonts(Model):
    regular: Line | None = None
    bold: Line | None = None
    italic: Line | None = None
    bold_italic: Line | None = None


class ThemeColours(Model):
    text: Colour | None = None
    heading: Colour | None = None
    accent: Colour | None = None
    muted: Colour | None = None
    background: Colour | None = None
    tip_background: Colour | None = None
    tip_text: Colour | None = None
    table_header_background: Colour | None = None
    table_header_text: Colour | None = None
    rule: Colour | None = None


class ThemeMargins(Model):
    top: Length | None = None
    bottom: Length | None = None
    inner: Length | None = None
    outer: Length | None = None


class ThemeFile(Model):
    """A theme YAML; every value is optional because `extends:` supplies the rest."""

    extends: Line | None = None
    fonts: ThemeFonts = ThemeFonts()
    base_size: float | None = Field(None, ge=6, le=40)
    leading: float | None = Field(None, ge=1.0, le=3.0, description="Line height / font size.")
    colours: ThemeColours = ThemeColours()
    margins: ThemeMargins = ThemeMargins()
    spacing: Length | None = None
    line_height: Length | None = Field(None, description="Distance between writing lines.")
    box_size: Length | None = None
    filled_backgrounds: bool | None = None


BLOCK_BY_TYPE: dict[str, type[BlockBase]] = {
    cls.model_fields["type"].annotation.__args__[0]: cls  # type: ignore[union-attr]
    for cls in BLOCK_TYPES
}
