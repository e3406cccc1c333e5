"""Stage 5a, the document: the typed, format-neutral objects a renderer draws (no ReportLab)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ..errors import Location

# -- inline text -------------------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    """A run of text printed exactly as it is here: nothing in it is markup."""

    text: str
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True)
class Blank:
    """A fill-in blank: a space to write in (its field, when it has one, is in `field`)."""

    number: int  # 1, 2, ... in its sentence
    field: Field


Run = Text | Blank
Inline = tuple[Run, ...]


@dataclass(frozen=True)
class Field:
    """A place to write or mark: its name (the contract in `workbook.document`), what a
    screen reader says for it and the language that is said in."""

    name: str
    spoken: str
    kind: Literal["text", "check", "radio"]
    language: str
    values: tuple[str, ...] = ()  # a radio group's choices
    choices: tuple[str, ...] = ()  # what a screen reader says for each choice's button
    value: str | bool | None = None  # the answer it starts with: text, ticked, the choice


# -- blocks ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """Where a block comes from, for messages: `worksheet 'x', block 3 (table)`."""

    location: Location
    what: str
    sheet: str


@dataclass(frozen=True)
class Heading:
    source: Source
    text: Inline


@dataclass(frozen=True)
class Paragraphs:
    """Body text: one Inline per paragraph (the source's blank lines)."""

    source: Source
    paragraphs: tuple[Inline, ...]


@dataclass(frozen=True)
class Tip:
    source: Source
    title: Inline  # the author's, or "Tip" in the workbook's language
    text: Inline


@dataclass(frozen=True)
class Script:
    source: Source
    text: Inline  # with its quotation marks


@dataclass(frozen=True)
class ListItems:
    source: Source
    items: tuple[Inline, ...]
    ordered: bool


@dataclass(frozen=True)
class CheckItem:
    text: Inline
    field: Field


@dataclass(frozen=True)
class Checklist:
    source: Source
    items: tuple[CheckItem, ...]


@dataclass(frozen=True)
class Lines:
    """Ruled lines: `count` (at least MIN_WRITING_LINES), or more to fill the page."""

    source: Source
    label: Inline | None
    count: int
    fill: bool
    name: str  # the lines' field names are `<name>.1`, `<name>.2`, ...
    spoken: str  # a line's spoken name, with {n} for its number
    language: str
    answer: str | None = None  # the text it starts with; layout wraps it onto the lines

    def field(self, n: int) -> Field:
        """Line n's field (a line beyond `count` exists only when the page is filled)."""
        return Field(f"{self.name}.{n}", self.spoken.format(n=n), "text", self.language)

    @property
    def fields(self) -> tuple[Field, ...]:
        return tuple(self.field(n) for n in range(1, self.count + 1))


@dataclass(frozen=True)
class FillIn:
    source: Source
    label: Inline | None
    sentence: Inline  # its blanks are Blank runs


@dataclass(frozen=True)
class Cell:
    """A table cell: text, or (empty) a field to write in."""

    text: Inline = ()
    field: Field | None = None


@dataclass(frozen=True)
class Table:
    source: Source | None  # None: the crisis page's own contacts
    columns: tuple[Inline, ...]
    rows: tuple[tuple[Cell, ...], ...]  # the given rows, padded, then the blank rows
    blank_rows: int  # the last rows, tall enough to write in
    row_lines: float  # how many lines of handwriting a blank row has room for
    widths: tuple[float, ...]  # relative


@dataclass(frozen=True)
class Scale:
    source: Source
    label: Inline
    low: int
    high: int
    anchors: tuple[tuple[int, Inline], ...]
    field: Field
    numbers: str  # how the printed row of numbers reads: "a number from 0 to 10"


@dataclass(frozen=True)
class Columns:
    source: Source
    left_title: Inline
    left: tuple[Inline, ...]
    right_title: Inline
    right: tuple[Inline, ...]


@dataclass(frozen=True)
class PageBreak:
    source: Source


Block = (
    Heading | Paragraphs | Tip | Script | ListItems | Checklist | Lines | FillIn | Table | Scale
    | Columns | PageBreak
)  # fmt: skip


# -- sections ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Branding:
    """The practice's details at the cover's foot, as typed."""

    prepared_by: str | None  # "Prepared by Jordan Lee"
    practice: str | None
    contact: str | None
    url: str | None  # also a QR code
    logo: str | None  # the image's path
    logo_alt: str
    qr_alt: str | None  # what the QR code is: "QR code: a link to …"


@dataclass(frozen=True)
class Cover:
    key: Literal["cover"]
    language: str
    title: Inline
    prepared_for: Inline | None
    date: Inline | None
    edition: Inline | None  # "Facilitator edition", or None
    branding: Branding | None

    outline = None  # the cover has no outline entry


@dataclass(frozen=True)
class HowTo:
    key: Literal["how-to"]
    language: str
    outline: str
    title: Inline
    self_help: bool  # no loved one and no worksheet for supporters: the text for oneself
    paragraphs: tuple[Inline, ...]


@dataclass(frozen=True)
class ContentsEntry:
    key: str  # the section it links to
    title: Inline
    summary: Inline | None
    language: str


@dataclass(frozen=True)
class Contents:
    key: Literal["contents"]
    language: str
    outline: str
    title: Inline
    entries: tuple[ContentsEntry, ...]


@dataclass(frozen=True)
class Notes:
    """Facilitator notes (the facilitator edition only): paragraphs, the label before the
    first."""

    label: str
    paragraphs: tuple[Inline, ...]


@dataclass(frozen=True)
class WorksheetSection:
    key: str  # ws-<id>
    language: str  # the worksheet's: `en` where it fell back to English
    outline: str
    id: str
    title: Inline
    minutes: Inline
    notes: Notes | None
    blocks: tuple[Block, ...]

    @property
    def fields(self) -> tuple[Field, ...]:
        return tuple(f for block in self.blocks for f in block_fields(block))


@dataclass(frozen=True)
class CrisisLine:
    name: str
    contact: str
    note: str | None


@dataclass(frozen=True)
class Crisis:
    """The crisis page. The own-contacts table has room for three blank rows; a page without
    room for them all may draw fewer (at least one), and the left-out rows' fields with them."""

    key: Literal["crisis"]
    language: str
    outline: str
    title: Inline
    intro: tuple[Inline, ...]
    emergency: str  # the region's emergency number, or "your local emergency number"
    steps: tuple[Inline, ...]
    lines_title: Inline
    lines_from: Literal["manifest", "region", "generic"]
    lines: tuple[CrisisLine, ...]
    generic: Inline | None  # with no lines: look one up and write it here (two ruled lines)
    own_title: Inline
    own_contacts: Table

    @property
    def fields(self) -> tuple[Field, ...]:
        return block_fields(self.own_contacts)


Section = Cover | HowTo | Contents | WorksheetSection | Crisis


@dataclass(frozen=True)
class Metadata:
    title: str
    author: str
    subject: str
    language: str


@dataclass(frozen=True)
class Running:
    """What repeats on every page but the cover, as typed: the header's title and recipient,
    the footer's practice and contact, and how "Page X of Y" reads."""

    title: str
    recipient: str
    practice: str
    contact: str
    page_of: str  # with {page} and {total}


@dataclass(frozen=True)
class Document:
    """A whole workbook, every content decision taken; renderers draw it and decide layout."""

    language: str
    region: str
    edition: Literal["client", "facilitator"]
    fillable: bool  # the PDF draws the fields; the names exist either way
    metadata: Metadata
    sections: tuple[Section, ...]
    running: Running
    care_note: Inline  # at the foot of each worksheet's last page
    invisible: frozenset[str]  # characters left out of the text (they print as boxes)

    @property
    def worksheets(self) -> tuple[WorksheetSection, ...]:
        return tuple(s for s in self.sections if isinstance(s, WorksheetSection))

    @property
    def outline(self) -> tuple[str, ...]:
        """The bookmarks, in order."""
        return tuple(s.outline for s in self.sections if s.outline is not None)

    @property
    def fields(self) -> tuple[Field, ...]:
        """Every field, in order (a `fill` lines block: its first `count` lines)."""
        return tuple(
            f for s in self.sections if isinstance(s, (WorksheetSection, Crisis)) for f in s.fields
        )


def block_fields(block: Block) -> tuple[Field, ...]:
    """A block's fields in reading order."""
    if isinstance(block, Checklist):
        return tuple(item.field for item in block.items)
    if isinstance(block, Lines):
        return block.fields
    if isinstance(block, FillIn):
        return tuple(run.field for run in block.sentence if isinstance(run, Blank))
    if isinstance(block, Table):
        return tuple(c.field for row in block.rows for c in row if c.field is not None)
    if isinstance(block, Scale):
        return (block.field,)
    return ()


def plain_text(runs: Inline) -> str:
    """The text of runs, blanks as ___."""
    return "".join(run.text if isinstance(run, Text) else "___" for run in runs)
