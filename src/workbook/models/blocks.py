"""Stage 2, the formats: the blocks a worksheet is made of, one model per `type:`."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from .base import Line, Model, Text


class BlockBase(Model):
    when: Line | None = None
    """Optional Jinja2 expression over the personalisation variables; the block is left out
    when it is false, e.g. loved_one.relationship == "parent"."""


class Heading(BlockBase):
    """A section heading inside a worksheet; kept with what follows it."""

    type: Literal["heading"]
    """The block type: heading."""
    text: Line
    """The heading text (a Jinja2 template)."""


class Paragraph(BlockBase):
    """Body text; a blank line starts a new paragraph."""

    type: Literal["paragraph"]
    """The block type: paragraph."""
    text: Text
    """The text (a Jinja2 template); inline **bold** and *italic* allowed."""


class Tip(BlockBase):
    """A shaded callout."""

    type: Literal["tip"]
    """The block type: tip."""
    title: Line | None = None
    """A short bold lead-in; defaults to "Tip" in the workbook's language."""
    text: Text
    """The tip's text (a Jinja2 template)."""


class Script(BlockBase):
    """A phrase to try saying, set apart as a quotation."""

    type: Literal["script"]
    """The block type: script."""
    text: Text
    """The phrase, without quotation marks (they are added)."""


class ListBlock(BlockBase):
    """A bulleted or numbered list."""

    type: Literal["list"]
    """The block type: list."""
    items: list[Text] = Field(min_length=1)
    """The items, each a Jinja2 template."""
    ordered: bool = False
    """true for a numbered list."""


class Checklist(BlockBase):
    """Items with empty boxes to tick (check boxes in the fillable edition)."""

    type: Literal["checklist"]
    """The block type: checklist."""
    items: list[Text] = Field(min_length=1)
    """The items, each a Jinja2 template."""


class Lines(BlockBase):
    """Ruled lines to write on (a multi-line text field in the fillable edition)."""

    type: Literal["lines"]
    """The block type: lines."""
    label: Line | None = None
    """A prompt printed above the lines."""
    count: int = Field(4, ge=1, le=200)
    """How many lines."""
    fill: bool = False
    """true: add lines to fill the rest of the page (at least `count`)."""


class FillIn(BlockBase):
    """A sentence with blanks to complete."""

    type: Literal["fill_in"]
    """The block type: fill_in."""
    label: Line | None = None
    """A prompt printed above the sentence."""
    template: Text
    """The sentence; each ___ (three or more underscores) is a writing blank."""

    @model_validator(mode="after")
    def has_blank(self) -> FillIn:
        if "___" not in self.template:
            raise ValueError("a fill_in template needs at least one blank written as ___")
        return self


class Table(BlockBase):
    """A table with a header row; its header repeats when it splits across pages."""

    type: Literal["table"]
    """The block type: table."""
    columns: list[Line] = Field(min_length=1, max_length=8)
    """The header cells."""
    rows: list[list[Text]] = Field(default_factory=list)
    """Rows of cells; a short row is padded with blank cells to write in."""
    blank_rows: int = Field(0, ge=0, le=100)
    """Empty rows, tall enough to write in, after the rows."""
    row_lines: float = Field(2, ge=1, le=10)
    """How many lines of handwriting each blank row has room for."""
    widths: list[Annotated[float, Field(gt=0, le=100)]] | None = None
    """Relative column widths, one number per column, e.g. [1, 2, 2]."""

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
    """A row of numbers to circle (a radio group in the fillable edition)."""

    type: Literal["scale"]
    """The block type: scale."""
    label: Line
    """The question above the scale."""
    min: int = Field(0, ge=0, le=100)
    """The lowest number."""
    max: int = Field(10, ge=1, le=100)
    """The highest number (at most 20 above min)."""
    anchors: dict[int, Line] = Field(default_factory=dict)
    """Words under some numbers, e.g. {0: Not at all, 10: Completely}."""

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
    """The column's heading."""
    items: list[Text] = Field(min_length=1)
    """The column's bullet points."""


class Columns(BlockBase):
    """Two lists side by side, e.g. supporting versus enabling."""

    type: Literal["columns"]
    """The block type: columns."""
    left: Column
    """The left column: title and items."""
    right: Column
    """The right column: title and items."""


class PageBreak(BlockBase):
    """Start a new page."""

    type: Literal["page_break"]
    """The block type: page_break."""


Block = Annotated[
    Heading | Paragraph | Tip | Script | ListBlock | Checklist | Lines | FillIn | Table | Scale
    | Columns | PageBreak,
    Field(discriminator="type"),
]  # fmt: skip
BLOCK_TYPES: tuple[type[BlockBase], ...] = (
    Heading, Paragraph, Tip, Script, ListBlock, Checklist, Lines, FillIn, Table, Scale, Columns,
    PageBreak,
)  # fmt: skip


BLOCK_BY_TYPE: dict[str, type[BlockBase]] = {
    cls.model_fields["type"].annotation.__args__[0]: cls  # type: ignore[union-attr]
    for cls in BLOCK_TYPES
}
