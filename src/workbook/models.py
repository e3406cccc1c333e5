"""Stage 2, the formats: worksheets, manifests and themes as frozen pydantic models."""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from .locale import SUPPORTED_LANGUAGES

Text = Annotated[str, StringConstraints(max_length=100_000)]
Line = Annotated[str, StringConstraints(max_length=2_000)]
ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"  # kebab-case
WorksheetId = Annotated[str, StringConstraints(pattern=ID_PATTERN, max_length=80)]


class Model(BaseModel):
    # Field docstrings become descriptions in the JSON Schema (authoring.json_schema).
    model_config = ConfigDict(extra="forbid", frozen=True)


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


class Person(Model):
    name: Line
    """The person's name as it should be printed."""


Relationship = Literal["partner", "parent", "friend", "sibling", "child", "other"]
RELATIONSHIPS: tuple[str, ...] = get_args(Relationship)
# Everyday words for a relationship, in English and Spanish, and the one the worksheets know.
RELATIONSHIP_WORDS: dict[str, str] = {
    "mother": "parent", "father": "parent", "mom": "parent", "mum": "parent", "dad": "parent",
    "husband": "partner", "wife": "partner", "spouse": "partner", "boyfriend": "partner",
    "girlfriend": "partner", "brother": "sibling", "sister": "sibling", "son": "child",
    "daughter": "child",
    "madre": "parent", "padre": "parent", "mamá": "parent", "mama": "parent", "papá": "parent",
    "papa": "parent", "pareja": "partner", "esposo": "partner", "esposa": "partner",
    "marido": "partner", "novio": "partner", "novia": "partner", "hermano": "sibling",
    "hermana": "sibling", "hijo": "child", "hija": "child", "amigo": "friend", "amiga": "friend",
    "otro": "other", "otra": "other",
}  # fmt: skip


def relationship_for(word: str) -> str | None:
    """The relationship a word names (parent, Mother, madre...), or None if it names none."""
    word = word.strip().lower()
    return word if word in RELATIONSHIPS else RELATIONSHIP_WORDS.get(word)


def _relationship_word(value: object) -> object:
    """An everyday word becomes its relationship; anything else is left for the error."""
    return (isinstance(value, str) and relationship_for(value)) or value


RelationshipWord = Annotated[
    Relationship,
    BeforeValidator(_relationship_word),
    WithJsonSchema(
        {"type": "string", "enum": [*RELATIONSHIPS, *RELATIONSHIP_WORDS]}, mode="validation"
    ),
]
AgeGroup = Literal["adult", "minor"]
def _text_or_languages(value: Any) -> Any:
    """Text, or one text per language: one clear error for anything else, not one per form."""
    if isinstance(value, dict):
        wrong = [key for key in value if key not in ("en", "es")]
        if wrong:
            raise PydanticCustomError("value_error", f"one title per language takes the keys "
                                      f"en and es, not {wrong[0]!r}")  # fmt: skip
    elif value is not None and not isinstance(value, str):
        raise PydanticCustomError("string_type", "Input should be a valid string")
    return value


Title = Annotated[
    Line | dict[Literal["en", "es"], Line] | None, BeforeValidator(_text_or_languages)
]
REGION_ALIASES = {"UK": "GB", "EL": "GR"}  # how people often write them -> ISO 3166-1


def _region_code(code: str) -> str:
    return REGION_ALIASES.get(code.upper(), code.upper())


Region = Annotated[
    str,
    StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z]{2}$"),
    AfterValidator(_region_code),
]


class LovedOne(Model):
    name: Line | None = None
    """Their name or what the reader calls them (e.g. Mum); "your loved one" if not given."""
    relationship: RelationshipWord = "other"
    """How they are related to the reader; tailors the advice. Everyday words in English or
    Spanish work too, in any case: mother, Madre and papá mean parent; wife, esposo and pareja
    mean partner; sister and hermano mean sibling; daughter and hijo mean child."""
    age_group: AgeGroup = "adult"
    """minor for someone under 18 (a parent's child, a younger sibling): the advice on consent,
    school counsellors, paediatricians and family therapy fits them; adult otherwise."""


class PreparedBy(Model):
    name: Line | None = None
    """The practitioner's name, e.g. "Jordan Lee, LPC"."""
    practice: Line | None = None
    """The practice's name; also the PDF's author."""
    contact: Line | None = None
    """A phone number or email, printed in the footer and on the crisis page."""
    logo: Line | None = None
    """A PNG or JPEG, relative to the manifest; scaled to fit on the cover."""
    url: Line | None = None
    """A web address, printed with a QR code on the cover."""

    @field_validator("url")
    @classmethod
    def fits_a_qr_code(cls, value: str | None) -> str | None:
        if value:
            needed, room = qr_bytes(value)
            if needed > room:
                raise ValueError(
                    f"this web address is too long for a QR code: it needs {needed:,} bytes and "
                    f"a QR code holds at most {room:,} (letters with accents take 2 bytes, "
                    "many other characters 3): use a shorter address"
                )
        return value


def qr_bytes(text: str) -> tuple[int, int]:
    """The bytes a QR code of `text` needs, and the most it can hold, as ReportLab's encoder
    (the one layout uses, at its level L) counts them: it tries versions up to 39."""
    from reportlab.graphics.barcode import qrencoder

    code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.L)
    code.addData(text)
    version = code.calculate_version()
    blocks = qrencoder.QRRSBlock.getRSBlocks(version, code.errorCorrectLevel)
    bits = sum(4 + data.getLengthBits(version) + data.bitlength for data in code.dataList)
    return math.ceil(bits / 8), sum(block.dataCount for block in blocks)


class WorksheetRef(Model):
    id: WorksheetId
    """The worksheet's id."""


def describe(value: object) -> str:
    """A YAML value in a user's words, for messages: 'the number 5', 'a list', 'nothing'."""
    if value is None:
        return "an empty value"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, dict):
        return "a mapping of keys and values"
    if isinstance(value, (dt.date, dt.datetime)):
        return f"the date {value}"
    return repr(str(value)[:80])


def _worksheet_entry(value: object) -> object:
    """One entry of a manifest's `worksheets:` list, checked with a message in plain words
    (pydantic would report both sides of the id-or-{id: ...} choice, in its own terms)."""
    example = "e.g. i-statements or {id: i-statements}"
    ident = value
    if isinstance(value, dict):
        extra = [str(k) for k in value if k != "id"]
        if extra:
            raise ValueError(f"unknown key '{extra[0]}' in a worksheet entry: write {example}")
        if "id" not in value:
            raise ValueError(f"a worksheet entry needs an id: write {example}")
        ident = value["id"]
    if not isinstance(ident, str):
        raise ValueError(f"{describe(ident)} is not a worksheet id: write {example}")
    if len(ident) > 80:
        raise ValueError(
            f"'{ident[:40]}...' is too long for a worksheet id: use 80 characters at most"
        )
    if not re.fullmatch(ID_PATTERN, ident):
        raise ValueError(
            f"{ident!r} is not a valid id: use lower-case letters, digits and hyphens, "
            "e.g. i-statements"
        )
    return value


WorksheetEntry = Annotated[WorksheetId | WorksheetRef, BeforeValidator(_worksheet_entry)]
DATE_TEXT = re.compile(  # YYYY-MM-DD, maybe with a time (as YAML allows), which is ignored
    r"(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:(?:[Tt]|[ \t]+)\d{1,2}:\d{2}(?::\d{2}(?:\.\d*)?)?[ \t]*(?:Z|[+-]\d{1,2}(?::?\d{2})?)?)?"
)


def cover_date(value: object) -> object:
    """A date given as YAML (2026-11-22) or as text from --set or a roster, checked to be a
    real date; a time after it is ignored."""
    if isinstance(value, dt.datetime):
        return value.date()
    if value is None or isinstance(value, dt.date):
        return value
    text = value.strip() if isinstance(value, str) else ""
    match = DATE_TEXT.fullmatch(text)
    if match is None:
        raise ValueError(
            f"{describe(value)} is not a date: write it as YYYY-MM-DD, e.g. 2026-11-22"
        )
    year, month, day = (int(part) for part in match.groups())
    problem = f"there is no month {month}"
    if 1 <= month <= 12 and year >= 1:
        days = calendar.monthrange(year, month)[1]
        if 1 <= day <= days:
            return dt.date(year, month, day)
        problem = f"{calendar.month_name[month]} {year} has {days} days"
    elif year < 1:
        problem = "there is no year 0"
    raise ValueError(f"date '{text}' is not a real date ({problem}): write it as YYYY-MM-DD")


class CrisisLine(Model):
    name: Line
    """The service's name."""
    contact: Line
    """How to reach it, e.g. "Call 555-0199"."""
    note: Line | None = None
    """A short note, e.g. opening hours."""


class Manifest(Model):
    """One workbook: who it is for and which worksheets it holds. Only `worksheets` is required."""

    workbook: Literal[1] = 1
    """Format version; always 1."""
    title: Title = None
    """The workbook's title, on the cover and in the running header; or one per language,
    {en: ..., es: ...}, for a roster whose rows differ in language."""
    recipient: Person | None = None
    """Who the workbook is for."""
    loved_one: LovedOne | None = None
    """Who the reader is worried about, if anyone."""
    prepared_by: PreparedBy | None = None
    """The therapist or practice, for branding."""
    date: dt.date | None = None
    """The date on the cover (YYYY-MM-DD); otherwise SOURCE_DATE_EPOCH; never today's clock."""
    language: Line = "en"
    """The workbook's language: en or es."""
    region: Region = "US"
    """Two-letter country code (upper or lower case; UK and EL also work); picks the numbers on
    the crisis page."""
    theme: Line = "default"
    """default, large-print, ink-saver, or a path to a theme YAML (relative to the manifest)."""
    page_size: Literal["letter", "a4"] = "letter"
    """Paper size."""
    edition: Literal["client", "facilitator"] = "client"
    """facilitator adds each worksheet's notes for the therapist."""
    fillable: bool = False
    """true: form fields where people write, to fill in on a screen."""
    duplex: bool = False
    """true: for double-sided printing, the wider inner margin alternates sides (a gutter)."""
    crisis_page: bool = True
    """Add the crisis-and-safety page at the end."""
    crisis_lines: list[CrisisLine] | None = None
    """Your own crisis contacts, instead of the region's."""
    worksheets: list[WorksheetEntry] = Field(min_length=1)
    """The worksheets, in order, by id."""
    variables: dict[str, Any] = Field(default_factory=dict)
    """Extra names for templates: {{ variables.clinic }} or {{ clinic }}."""
    worksheets_dirs: list[Line] = Field(default_factory=list)
    """Folders of your own worksheets, relative to the manifest; searched before the built-in ones."""

    @field_validator("date", mode="before")
    @classmethod
    def real_date(cls, value: object) -> object:
        return cover_date(value)

    @field_validator("language")
    @classmethod
    def supported_language(cls, value: str) -> str:
        if value not in SUPPORTED_LANGUAGES:
            raise ValueError(
                f"unsupported language '{value}'; supported: {', '.join(SUPPORTED_LANGUAGES)}"
            )
        return value

    @field_validator("worksheets")
    @classmethod
    def no_repeats(cls, value: list[str | WorksheetRef]) -> list[str | WorksheetRef]:
        ids = [w if isinstance(w, str) else w.id for w in value]
        repeated = next((i for n, i in enumerate(ids) if i in ids[:n]), None)
        if repeated:
            raise ValueError(f"worksheet '{repeated}' is listed twice; list each worksheet once")
        return value

    @property
    def worksheet_ids(self) -> list[str]:
        return [w if isinstance(w, str) else w.id for w in self.worksheets]


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


BLOCK_BY_TYPE: dict[str, type[BlockBase]] = {
    cls.model_fields["type"].annotation.__args__[0]: cls  # type: ignore[union-attr]
    for cls in BLOCK_TYPES
}
