"""Stage 2, the formats: a worksheet file (worksheets/<language>/<id>.yaml)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from .base import Line, Model, Text, WorksheetId
from .blocks import Block


class Worksheet(Model):
    """One worksheet: worksheets/<language>/<id>.yaml."""

    worksheet: Literal[1]
    """Format version; always 1."""
    id: WorksheetId
    """Unique, kebab-case (lower-case letters, digits, hyphens); the file is named <id>.yaml."""
    language: Line = "en"
    """Language code of the text, e.g. en or es."""
    title: Line
    """The worksheet's title (a Jinja2 template)."""
    audience: Literal["supporter", "self", "any"] = "any"
    """supporter: for someone helping a loved one; self: for the person themselves; any."""
    summary: Text
    """One or two sentences for `workbook list` and the table of contents."""
    minutes: int = Field(15, ge=1, le=600)
    """Roughly how long it takes."""
    tags: list[Line] = Field(default_factory=list)
    """Topics, for finding worksheets."""
    facilitator_notes: Text | None = None
    """Notes for a therapist, printed only in the facilitator edition."""
    blocks: list[Block] = Field(min_length=1)
    """The content, in order; each block has a `type`."""
