"""Stage 5a, the document: a personalised `Project` as one format-neutral `Document`.

    Project ──build_document──▶ Document ──▶ pdf/ (layout/, render.py) · html (to come)

A `Document` holds the workbook's sections in order — cover, how to use, contents, each
worksheet, the crisis page — each with its language (a worksheet that fell back to English
says `en`); every block's text as typed runs (`Text` with bold/italic, `Blank`), so nothing
is markup any more and no renderer has to escape; and every content decision: the edition
(facilitator notes or none), the self-help or supporter how-to text, the crisis lines (the
manifest's, the region's, or the generic page) and emergency number, the care note.
It imports no ReportLab and no HTML.

Field names: the contract
-------------------------
Answers, the fillable PDF and the web edition all use these names; this is their one owner.

A worksheet's field is `<worksheet-id>.<block type>.<n>[.<part>]`. `n` counts the blocks of
that type in the worksheet's *source file*, from 1, so a `when:` that leaves a block out never
renumbers the others. The part depends on the block type:

- `fill_in`:   `blankK`, the K-th `___` (three or more underscores) of the sentence,
               e.g. `i-statements.fill_in.2.blank1`.
- `table`:     `rRcC`, one per empty cell, R counting every row under the header from 1 (the
               given rows, padded with empty cells to the columns, then `blank_rows`), C the
               column from 1, e.g. `objection-handling.table.1.r10c2`.
- `checklist`: `itemK`, one check box per item, e.g. `therapist-matching.checklist.1.item4`.
- `lines`:     `K`, one text field per ruled line; a prompt gets at least 3 lines
               (MIN_WRITING_LINES), and `fill: true` continues the numbering down the page,
               e.g. `mine.lines.1.3`.
- `scale`:     no part: one radio group whose values are the numbers min..max, e.g.
               `boundary-planning.scale.1`.

The crisis page's own-contacts table is `_crisis.contacts.rRcC` (a worksheet id cannot start
with `_`); its first row is the practitioner when `prepared_by` has a name and contact.

A field's spoken name (a PDF's `/TU`, an input's label) is said in its worksheet's language
(English for a worksheet that fell back to English), with that language's interface text:
`spoken_check`, `spoken_line`, `spoken_blank` (the words either side of the blank),
`spoken_cell` (rows counted as a screen reader counts them: the header is row 1),
`spoken_scale`. The names themselves are the same in every language, so answers move
between editions.
"""

from __future__ import annotations

from .build import build_document, field_bases, self_help, sheet_key
from .model import (
    Blank,
    Block,
    Branding,
    Cell,
    CheckItem,
    Checklist,
    Columns,
    Contents,
    ContentsEntry,
    Cover,
    Crisis,
    CrisisLine,
    Document,
    Field,
    FillIn,
    Heading,
    HowTo,
    Inline,
    Lines,
    ListItems,
    Metadata,
    Notes,
    PageBreak,
    Paragraphs,
    Run,
    Running,
    Scale,
    Script,
    Section,
    Source,
    Table,
    Text,
    Tip,
    WorksheetSection,
    block_fields,
    plain_text,
)

__all__ = [
    "Blank", "Block", "Branding", "Cell", "CheckItem", "Checklist", "Columns", "Contents", "ContentsEntry",
    "Cover", "Crisis", "CrisisLine", "Document", "Field", "FillIn", "Heading", "HowTo", "Inline",
    "Lines", "ListItems", "Metadata", "Notes", "PageBreak", "Paragraphs", "Run", "Running", "Scale", "Script", "Section", "Source",
    "Table", "Text", "Tip", "WorksheetSection", "block_fields", "build_document", "field_bases",
    "plain_text", "self_help", "sheet_key",
]  # fmt: skip
