"""Stage 5a, the document: build a `Document` from a personalised `Project` (no ReportLab)."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from typing import Any, Literal

from .. import models as m
from ..errors import block_label
from ..locale import crisis_contacts, strings
from ..markup import metadata_text, plain, segments, visible
from ..personalise import PersonalWorksheet
from ..project import Project
from . import model as d
from .answers import Answers

SPOKEN_WORDS = 4  # a blank is named by the words on either side of it, up to this many
MIN_WRITING_LINES = 3  # the least a `lines` prompt gives: room to write a few sentences
BLANK = re.compile(r"_{3,}")  # a fill-in blank: three or more underscores
CRISIS_FIELDS = "_crisis.contacts"  # "_" cannot start a worksheet id
CRISIS_BLANK_ROWS = 3
LinesFrom = Literal["manifest", "region", "generic"]


class _Build:
    """What one build needs at hand: the project, its interface text, and the invisible
    characters found so far."""

    def __init__(self, project: Project) -> None:
        self.project, self.text = project, project.text
        self.invisible: set[str] = set()
        self.answers = Answers(project)

    def inline(self, text: str) -> d.Inline:
        """Our inline markup (**bold**, *italic*, \\ escapes) as typed runs, each as long as
        its style lasts."""
        runs: list[d.Text] = []
        for chunk, bold, italic in segments(visible(text, self.invisible)):
            if runs and (runs[-1].bold, runs[-1].italic) == (bold, italic):
                runs[-1] = d.Text(runs[-1].text + chunk, bold, italic)
            elif chunk:
                runs.append(d.Text(chunk, bold, italic))
        return tuple(runs)

    def literal(self, text: str) -> d.Inline:
        """Personal data, as typed: one plain run."""
        shown = visible(text, self.invisible)
        return (d.Text(shown),) if shown else ()

    def paragraphs(self, text: str) -> tuple[d.Inline, ...]:
        """Blank lines separate paragraphs."""
        return tuple(self.inline(c) for c in re.split(r"\n\s*\n", text.strip()) if c.strip())


def build_document(project: Project) -> d.Document:
    """Every section of the workbook, in order, with every content decision taken."""
    b = _Build(project)
    man = project.manifest
    sections: list[d.Section] = [_cover(b), _how_to(b), _contents(b)]
    sections += [_worksheet(b, sheet) for sheet in project.worksheets]
    if man.crisis_page:
        sections.append(_crisis(b))
    prepared = man.prepared_by
    author = (prepared.practice or prepared.name or "") if prepared else ""
    metadata = d.Metadata(
        metadata_text(_escape(project.title)),
        metadata_text(_escape(author)),
        ", ".join(metadata_text(w.title) for w in project.worksheets),
        man.language,
    )
    care = b.inline(project.text["care_note"])
    b.answers.check()
    return d.Document(man.language, man.region, man.edition, man.fillable, metadata,
                      tuple(sections), _running(b), care, frozenset(b.invisible))  # fmt: skip


def _running(b: _Build) -> d.Running:
    prepared, shown = b.project.manifest.prepared_by, partial(visible, found=b.invisible)
    practice = (prepared.practice or "") if prepared else ""
    contact = (prepared.contact or "") if prepared else ""
    return d.Running(shown(b.project.title), shown(b.project.recipient or ""), shown(practice),
                     shown(contact), b.text["page_of"])  # fmt: skip


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("*", "\\*")


def _cover(b: _Build) -> d.Cover:
    project, text = b.project, b.text
    recipient = project.recipient
    prepared_for = b.literal(text["prepared_for"].format(name=recipient)) if recipient else None
    edition = None
    if project.manifest.edition == "facilitator":
        edition = b.inline(f"**{text['facilitator_edition']}**")
    date = b.inline(project.date) if project.date else None
    return d.Cover("cover", project.manifest.language, b.literal(project.title), prepared_for,
                   date, edition, _branding(b))  # fmt: skip


def _branding(b: _Build) -> d.Branding | None:
    project, shown = b.project, partial(visible, found=b.invisible)
    prepared = project.manifest.prepared_by
    if not prepared:
        return None
    who = prepared.practice or prepared.name or project.title
    by = project.text["prepared_by"].format(name=prepared.name) if prepared.name else None
    logo = str(project.logo.path) if project.logo else None
    by, practice, contact, url = (shown(x) if x else None for x in
                                  (by, prepared.practice, prepared.contact, prepared.url))  # fmt: skip
    alt = project.text["alt_logo"].format(practice=who)
    qr_alt = project.text["alt_qr"].format(url=url) if url else None
    return d.Branding(by, practice, contact, url, logo, alt, qr_alt)


def self_help(project: Project) -> bool:
    """A workbook for the reader alone: no loved one and no worksheet for supporters."""
    return project.manifest.loved_one is None and not any(
        w.sheet.audience == "supporter" for w in project.worksheets
    )


def _how_to(b: _Build) -> d.HowTo:
    title, alone = b.text["how_to_title"], self_help(b.project)
    body = b.paragraphs(b.text["how_to_self" if alone else "how_to"])
    return d.HowTo("how-to", b.project.manifest.language, title, b.inline(title), alone, body)


def sheet_key(worksheet_id: str) -> str:
    """A worksheet's bookmark and link name, apart from the built-in pages' names."""
    return f"ws-{worksheet_id}"


def _contents(b: _Build) -> d.Contents:
    language = b.project.manifest.language
    entries = [
        d.ContentsEntry(
            sheet_key(ws.sheet.id),
            b.inline(ws.title),
            b.inline(ws.summary) or None,
            ws.sheet.language,
        )
        for ws in b.project.worksheets
    ]
    if b.project.manifest.crisis_page:
        entries.append(d.ContentsEntry("crisis", b.literal(b.text["crisis_title"]), None, language))
    title = b.text["contents"]
    return d.Contents("contents", language, title, b.inline(title), tuple(entries))


def field_bases(sheet: PersonalWorksheet) -> list[str]:
    """`<worksheet>.<type>.<n>` per source block: n counts blocks of that type in the file, so
    a `when:` that leaves a block out never renumbers the others."""
    seen: dict[str, int] = {}
    bases = []
    for block in sheet.sheet.blocks:
        kind = getattr(block, "type", "block")
        seen[kind] = seen.get(kind, 0) + 1
        bases.append(f"{sheet.sheet.id}.{kind}.{seen[kind]}")
    return bases


def _worksheet(b: _Build, sheet: PersonalWorksheet) -> d.WorksheetSection:
    """A worksheet, its interface text ("about 20 minutes", "Tip", spoken names) in its own
    language: English in a Spanish workbook when the worksheet fell back to English."""
    language = sheet.sheet.language
    text = b.text if language == b.project.manifest.language else strings(language)
    notes = None
    if b.project.manifest.edition == "facilitator" and sheet.facilitator_notes:
        paragraphs = b.paragraphs(sheet.facilitator_notes)
        notes = d.Notes(text["facilitator_notes"], paragraphs) if paragraphs else None
    bases, blocks = field_bases(sheet), []
    for key, block in sheet.blocks:
        index = int(key[1])
        what = block_label(sheet.sheet.id, index, getattr(block, "type", None))
        source = d.Source(sheet.source.doc.locate(key), what, sheet.sheet.id)
        at = _Where(b, source, bases[index], language, text)
        blocks.append(_BLOCKS[type(block)](b, block, at))
    minutes = b.inline(text["minutes"].format(n=sheet.sheet.minutes))
    return d.WorksheetSection(sheet_key(sheet.sheet.id), sheet.sheet.language, plain(sheet.title),
                              sheet.sheet.id, b.inline(sheet.title), minutes, notes, tuple(blocks))  # fmt: skip


class _Where:
    """A block's source, field-name base, and its worksheet's language and interface text."""

    def __init__(self, b: _Build, source: d.Source, base: str, language: str,
                 text: dict[str, Any]) -> None:  # fmt: skip
        self.build, self.source, self.base, self.language, self.text = (
            b,
            source,
            base,
            language,
            text,
        )

    def field(self, part: str, spoken: str, kind: Any = "text", values: tuple[str, ...] = (),
              choices: tuple[str, ...] = ()) -> d.Field:  # fmt: skip
        name = f"{self.base}.{part}" if part else self.base
        value = self.build.answers.value(name, kind, values)
        return d.Field(name, spoken, kind, self.language, values, choices, value)


BlockBuilder = Callable[[_Build, Any, _Where], d.Block]
_BLOCKS: dict[type[m.BlockBase], BlockBuilder] = {}


def _builds(block_type: type[m.BlockBase]) -> Callable[[BlockBuilder], BlockBuilder]:
    def register(func: BlockBuilder) -> BlockBuilder:
        _BLOCKS[block_type] = func
        return func

    return register


def _label(b: _Build, text: str | None) -> d.Inline | None:
    return b.inline(text) if text else None


@_builds(m.Heading)
def _heading(b: _Build, block: m.Heading, at: _Where) -> d.Block:
    return d.Heading(at.source, b.inline(block.text))


@_builds(m.Paragraph)
def _paragraph(b: _Build, block: m.Paragraph, at: _Where) -> d.Block:
    return d.Paragraphs(at.source, b.paragraphs(block.text))


@_builds(m.Tip)
def _tip(b: _Build, block: m.Tip, at: _Where) -> d.Block:
    title = block.title or at.text["tip"]
    return d.Tip(at.source, b.inline(title), b.inline(" ".join(block.text.split())))


@_builds(m.Script)
def _script(b: _Build, block: m.Script, at: _Where) -> d.Block:
    return d.Script(at.source, b.inline(f"\u201c{block.text.strip()}\u201d"))


@_builds(m.ListBlock)
def _list(b: _Build, block: m.ListBlock, at: _Where) -> d.Block:
    return d.ListItems(at.source, tuple(b.inline(i) for i in block.items), block.ordered)


@_builds(m.Checklist)
def _checklist(b: _Build, block: m.Checklist, at: _Where) -> d.Block:
    spoken = at.text["spoken_check"]
    items = tuple(
        d.CheckItem(b.inline(item), at.field(f"item{i}", spoken.format(item=plain(item)), "check"))
        for i, item in enumerate(block.items, start=1)
    )
    return d.Checklist(at.source, items)


@_builds(m.Lines)
def _lines(b: _Build, block: m.Lines, at: _Where) -> d.Block:
    label = plain(block.label or at.text["spoken_lines_default"]).rstrip(":")
    spoken = at.text["spoken_line"].replace("{label}", label.replace("{", "{{").replace("}", "}}"))
    return d.Lines(at.source, _label(b, block.label), max(block.count, MIN_WRITING_LINES),
                   block.fill, at.base, spoken, at.language, b.answers.lines(at.base))  # fmt: skip


@_builds(m.FillIn)
def _fill_in(b: _Build, block: m.FillIn, at: _Where) -> d.Block:
    """The sentence's pieces between blanks are read separately (as the PDF draws them)."""
    pieces = BLANK.split(block.template)
    total = len(pieces) - 1
    runs: list[d.Run] = [*b.inline(pieces[0])]
    for n, piece in enumerate(pieces[1:], start=1):
        said = at.text["spoken_blank"].format(
            before=_words(pieces[n - 1], -SPOKEN_WORDS),
            after=_words(piece, SPOKEN_WORDS),
            n=n,
            total=total,
        )
        spoken = " ".join(said.split())  # (a blank that starts or ends the sentence)
        runs += [d.Blank(n, at.field(f"blank{n}", spoken)), *b.inline(piece)]
    return d.FillIn(at.source, _label(b, block.label), tuple(runs))


def _words(text: str, count: int) -> str:
    """The first `count` words of inline text, or with a negative count the last ones."""
    words = plain(text).split()
    return " ".join(words[:count] if count > 0 else words[count:])


@_builds(m.Table)
def _table(b: _Build, block: m.Table, at: _Where) -> d.Block:
    return table(b, block, at.source, at.base, at.language, at.text)


def table(b: _Build, block: m.Table, source: d.Source | None, base: str, language: str,
          text: dict[str, Any]) -> d.Table:  # fmt: skip
    """Given rows padded with empty cells, then blank rows; every empty cell a field, spoken
    with its row counted as a screen reader counts it (the header row is row 1)."""
    cols = len(block.columns)
    given = [[*row, *[""] * (cols - len(row))] for row in block.rows]
    rows = [*given, *([""] * cols for _ in range(block.blank_rows))]
    spoken = text["spoken_cell"]

    def cell(text: str, r: int, c: int) -> d.Cell:
        if text:
            return d.Cell(b.inline(text))
        said = spoken.format(column=plain(block.columns[c]), row=r + 1)
        name = f"{base}.r{r}c{c + 1}"
        return d.Cell(
            (), d.Field(name, said, "text", language, value=b.answers.value(name, "text"))
        )

    cells = tuple(tuple(cell(t, r, c) for c, t in enumerate(row)) for r, row in enumerate(rows, 1))
    widths = tuple(block.widths or [1.0] * cols)
    return d.Table(source, tuple(b.inline(c) for c in block.columns), cells, block.blank_rows,
                   block.row_lines, widths)  # fmt: skip


@_builds(m.Scale)
def _scale(b: _Build, block: m.Scale, at: _Where) -> d.Block:
    """A row of numbers to circle: a radio group whose every button says its number."""
    said = {"label": plain(block.label), "low": block.min, "high": block.max}
    values = tuple(str(v) for v in range(block.min, block.max + 1))
    choices = tuple(at.text["spoken_scale_value"].format(value=v, **said) for v in values)
    field = at.field("", at.text["spoken_scale"].format(**said), "radio", values, choices)
    anchors = tuple((k, b.inline(v)) for k, v in sorted(block.anchors.items()))
    numbers = at.text["scale_numbers"].format(**said)
    return d.Scale(at.source, b.inline(block.label), block.min, block.max, anchors, field, numbers)


@_builds(m.Columns)
def _columns(b: _Build, block: m.Columns, at: _Where) -> d.Block:
    left, right = block.left, block.right
    return d.Columns(at.source, b.inline(left.title), tuple(b.inline(i) for i in left.items),
                     b.inline(right.title), tuple(b.inline(i) for i in right.items))  # fmt: skip


@_builds(m.PageBreak)
def _page_break(b: _Build, block: m.PageBreak, at: _Where) -> d.Block:
    return d.PageBreak(at.source)


def in_language(value: str | dict[str, str], language: str) -> str:
    """A crisis line's text: the same in every language, or one per language."""
    return value if isinstance(value, str) else value[language]


def crisis_lines(project: Project) -> tuple[LinesFrom, list[d.CrisisLine]]:
    """Where the crisis lines come from (the manifest's, the region's, none) and the lines."""
    man, language = project.manifest, project.manifest.language
    if man.crisis_lines is not None:
        lines = [d.CrisisLine(x.name, x.contact, x.note or None) for x in man.crisis_lines]
        return ("manifest" if lines else "generic"), lines
    region = crisis_contacts(man.region)
    if not region:
        return "generic", []
    return "region", [d.CrisisLine(in_language(x["name"], language), x["contact"][language],
                                   x["note"][language] or None) for x in region["lines"]]  # fmt: skip


def _crisis(b: _Build) -> d.Crisis:
    text, man = b.text, b.project.manifest
    region = crisis_contacts(man.region)
    emergency = (
        in_language(region["emergency"], man.language) if region else text["local_emergency_number"]
    )
    steps = tuple(b.inline(step.format(emergency=emergency)) for step in text["crisis_steps"])
    source, given = crisis_lines(b.project)
    shown = partial(visible, found=b.invisible)
    lines = [d.CrisisLine(shown(x.name), shown(x.contact), x.note and shown(x.note)) for x in given]
    generic = None if lines else b.inline(text["crisis_generic"])
    return d.Crisis("crisis", man.language, text["crisis_title"], b.inline(text["crisis_title"]),
                    b.paragraphs(text["crisis_intro"]), emergency, steps,
                    b.inline(text["crisis_lines_title"]), source, tuple(lines), generic,
                    b.inline(text["crisis_own"]), _own_contacts(b))  # fmt: skip


def _own_contacts(b: _Build) -> d.Table:
    """A table to write one's own emergency contacts in, starting with the practitioner."""
    prepared, rows = b.project.manifest.prepared_by, []
    who = prepared and (prepared.name or prepared.practice)
    if prepared and who and prepared.contact:
        rows.append([_escape(who), _escape(prepared.contact)])
    block = m.Table.model_validate({"type": "table", "columns": b.text["crisis_own_columns"],
                                    "rows": rows, "blank_rows": CRISIS_BLANK_ROWS,
                                    "widths": [1.0, 1.4], "row_lines": 1.25})  # fmt: skip
    return table(b, block, None, CRISIS_FIELDS, b.project.manifest.language, b.text)
