"""Reading answers back: a workbook's fields grouped by worksheet and block, with questions.

    PDF ──read_pdf──▶ RawWorkbook (fields in the form's order) ──group──▶ WorkbookAnswers

Worksheets and blocks come in the order of their first field; a block's fields in their
numbered order (lines 1, 2, …; rows, then columns). The printed questions come from the
fields' spoken names (questions.py), the worksheets' titles from the outline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, cast

from ..locale import SUPPORTED_LANGUAGES, strings
from .questions import parse, sentence
from .read import FIELD_NAME, RawField, RawWorkbook, fail, read_pdf

Value = str | bool | int | None
Kind = Literal["text", "check", "radio"]


@dataclass(frozen=True)
class Answer:
    """One field: its name (the contract), its question as printed, and what was written:
    text ("" when empty), a check box's True/False, a scale's number (None when none)."""

    name: str
    kind: Kind
    question: str
    value: Value


@dataclass(frozen=True)
class BlockAnswers:
    id: str  # `<worksheet>.<type>.<n>`, or `_crisis.contacts`
    type: str
    question: str | None  # a lines block's label, a fill-in's sentence, a scale's label, …
    answers: tuple[Answer, ...]

    @property
    def text(self) -> str | None:
        """A `lines` block's lines, joined in order (blank lines at either end left out)."""
        if self.type != "lines":
            return None
        return "\n".join(str(a.value) for a in self.answers).strip("\n")


@dataclass(frozen=True)
class SheetAnswers:
    id: str
    title: str | None  # from the PDF's outline
    blocks: tuple[BlockAnswers, ...]


@dataclass(frozen=True)
class WorkbookAnswers:
    file: Path  # as the user named it
    title: str | None
    recipient: str | None
    language: str | None
    worksheets: tuple[SheetAnswers, ...]

    @property
    def answers(self) -> tuple[Answer, ...]:
        return tuple(a for s in self.worksheets for b in s.blocks for a in b.answers)


def read_answers(path: Path, password: str | None = None) -> WorkbookAnswers:
    """The answers in one filled workbook; a located error for any other file."""
    raw = read_pdf(path, password)
    found = {f.name: f for f in raw.fields if FIELD_NAME.fullmatch(f.name) and f.kind in KINDS}
    ours = list(found.values())  # a field listed twice is read once
    if not ours and raw.creator.startswith("workbook"):
        raise fail(path, "this workbook has no form fields: it is a print edition. Answers "
                         "are kept only in the fillable edition (build --fillable)")  # fmt: skip
    if not ours:
        raise fail(path, "this PDF was not written by workbook: it has none of a workbook's "
                         "form fields (a workbook printed to a new PDF loses them, and its "
                         "answers with them)")  # fmt: skip
    sheets: dict[str, dict[str, list[RawField]]] = {}
    for field in ours:
        sheet, block = _address(field.name)
        sheets.setdefault(sheet, {}).setdefault(block, []).append(field)
    return WorkbookAnswers(
        path, raw.title, raw.recipient, raw.language,
        tuple(SheetAnswers(sheet, _title(raw, blocks), tuple(
            _block(block, sorted(fields, key=_order), raw.language)
            for block, fields in blocks.items())) for sheet, blocks in sheets.items()),
    )  # fmt: skip


KINDS = ("text", "check", "radio")


def _address(name: str) -> tuple[str, str]:
    """A field's worksheet and block: `i-statements`, `i-statements.fill_in.2`."""
    found = FIELD_NAME.fullmatch(name)
    assert found is not None
    if found["crisis"]:
        return "_crisis", "_crisis.contacts"
    return found["sheet"], f"{found['sheet']}.{found['type']}.{found['n']}"


def _order(field: RawField) -> tuple[int, ...]:
    """Line 10 after line 9; r2c1 after r1c3."""
    part = field.name.rsplit(".", 1)[-1]
    return tuple(int(n) for n in re.findall(r"\d+", part))


def _title(raw: RawWorkbook, blocks: dict[str, list[RawField]]) -> str | None:
    """The outline entry of the page where a worksheet's first field is (each worksheet
    starts on a new page with an outline entry)."""
    pages = [f.page for fields in blocks.values() for f in fields if f.page is not None]
    if not pages:
        return None
    before = [title for page, title in raw.outline if page <= min(pages)]
    return before[-1] if before else None


def _block(block: str, fields: list[RawField], language: str | None) -> BlockAnswers:
    kind = "table" if block == "_crisis.contacts" else block.split(".")[1]
    question = _question(kind, fields, language)
    answers = tuple(Answer(f.name, cast(Kind, f.kind), _asked(f, kind, question, language),
                           _value(f)) for f in fields)  # fmt: skip
    return BlockAnswers(block, kind, question, answers)


def _question(kind: str, fields: list[RawField], language: str | None) -> str | None:
    """A block's question: a fill-in's sentence with its blanks, a lines block's or a
    scale's label, a table's column headers."""
    first = fields[0].spoken
    if kind == "fill_in":
        return sentence([f.spoken for f in fields], language) or first or None
    if kind in ("lines", "scale"):
        said = parse("spoken_line" if kind == "lines" else "spoken_scale", first, language)
        return said["label"] if said else first or None
    if kind == "table":
        said_all = [parse("spoken_cell", f.spoken, language) for f in fields]
        return " | ".join(dict.fromkeys(s["column"] for s in said_all if s)) or None
    return None


def _asked(field: RawField, kind: str, question: str | None, language: str | None) -> str:
    """A field's question: a checklist item's text, a table cell's column and row, or its
    block's question (each line of a lines block, each blank of a fill-in)."""
    if kind == "checklist" and (said := parse("spoken_check", field.spoken, language)):
        return said["item"]
    if kind == "table" and (said := parse("spoken_cell", field.spoken, language)):
        found = re.search(r"r(\d+)c\d+$", field.name)  # rows counted under the header, as named
        row = found[1] if found else said["row"]
        lang = language if language in SUPPORTED_LANGUAGES else "en"
        return str(strings(lang)["spoken_cell"]).format(column=said["column"], row=row)
    if kind in ("lines", "fill_in", "scale") and question:
        return question
    return field.spoken or field.name


def _value(field: RawField) -> Value:
    if field.kind == "radio" and isinstance(field.value, str):
        return int(field.value) if re.fullmatch(r"-?\d+", field.value) else field.value
    if field.kind == "text":
        return field.value or ""
    return field.value
