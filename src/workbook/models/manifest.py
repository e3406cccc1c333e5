"""Stage 2, the formats: a manifest, one workbook (who it is for, which worksheets it holds)."""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    StringConstraints,
    WithJsonSchema,
    field_validator,
)
from pydantic_core import PydanticCustomError

from ..locale import SUPPORTED_LANGUAGES
from .base import ID_PATTERN, Line, Model, WorksheetId, describe


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
    format: Literal["pdf", "html"] = "pdf"
    """pdf, or html: the web edition, one self-contained page that saves answers on the device."""
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
    answers: dict[str, str | bool | int | float | None] = Field(default_factory=dict)
    """Answers the workbook starts with, by field name as `workbook answers` lists them (e.g. i-statements.fill_in.1.blank1: tired): text, true for a ticked box, a number for a scale; a lines block's name takes text for all its lines."""
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
