"""Reading answers back: the answers of one or more workbooks as text, JSON or CSV.

JSON, one object per workbook (an array of them for several files or a folder):

    {"workbook_answers": 1, "file": "sam.pdf", "title": "…", "recipient": "Sam Rivera",
     "language": "en",
     "worksheets": [{"id": "i-statements", "title": "…",
       "blocks": [{"id": "i-statements.lines.1", "type": "lines", "question": "…",
                   "text": "the lines joined", (null for other blocks)
                   "fields": [{"name": "i-statements.lines.1.1", "kind": "text",
                               "question": "…", "value": "…"}]}]}]}

A value is text ("" when empty), true/false for a check box, a number for a scale (null
when none is chosen). CSV: one row per workbook: file, title, recipient, then one column
per field name, the union of every file's fields in document order.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any

from .model import Answer, BlockAnswers, Value, WorkbookAnswers

FORMAT_VERSION = 1
TEXT_START = "Answers read by workbook from "  # how a text listing starts (output.py knows it)
CSV_START = ("file", "title", "recipient")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet would take for a formula


def as_json(books: Sequence[WorkbookAnswers], single: bool) -> str:
    """One workbook's object, or (not `single`) an array of them."""
    items = [_workbook(book) for book in books]
    return json.dumps(items[0] if single else items, ensure_ascii=False, indent=2) + "\n"


def _workbook(book: WorkbookAnswers) -> dict[str, Any]:
    return {
        "workbook_answers": FORMAT_VERSION,
        "file": str(book.file),
        "title": book.title,
        "recipient": book.recipient,
        "language": book.language,
        "worksheets": [
            {"id": s.id, "title": s.title, "blocks": [_block(b) for b in s.blocks]}
            for s in book.worksheets
        ],
    }


def _block(block: BlockAnswers) -> dict[str, Any]:
    return {
        "id": block.id,
        "type": block.type,
        "question": block.question,
        "text": block.text,
        "fields": [
            {"name": a.name, "kind": a.kind, "question": a.question, "value": a.value}
            for a in block.answers
        ],
    }


def as_csv(books: Sequence[WorkbookAnswers]) -> str:
    """One row per workbook; a field a workbook lacks is empty, as is an unfilled one."""
    names = field_order([[a.name for a in book.answers] for book in books])
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([*CSV_START, *names])
    for book in books:
        values = {a.name: _cell(a) for a in book.answers}
        head = [str(book.file), book.title or "", book.recipient or ""]
        writer.writerow([_safe(v) for v in head] + [values.get(n, "") for n in names])
    return out.getvalue()


def field_order(orders: Sequence[Sequence[str]]) -> list[str]:
    """The union of several files' field names, each file's order kept: a name not seen yet
    goes right after the name it follows in its file."""
    merged: list[str] = []
    seen: set[str] = set()
    for names in orders:
        at = 0
        for name in names:
            if name in seen:
                at = at if merged[at : at + 1] == [name] else merged.index(name)
                at += 1
            else:
                merged.insert(at, name)
                seen.add(name)
                at += 1
    return merged


def _cell(answer: Answer) -> str:
    if answer.kind == "check":
        return "yes" if answer.value else ""
    if answer.value is None:
        return ""
    return _safe(str(answer.value)) if answer.kind == "text" else str(answer.value)


def _safe(text: str) -> str:
    """Text a spreadsheet would run as a formula (`=…`, `+…`, `-…`, `@…`) starts with '."""
    return f"'{text}" if text.startswith(FORMULA_START) else text


def as_text(books: Sequence[WorkbookAnswers]) -> str:
    """A listing to read: each worksheet, each block's question, then its answers."""
    return "\n".join(_listing(book) for book in books)


def _listing(book: WorkbookAnswers) -> str:
    lines = [f"{TEXT_START}{book.file}"]
    lines += [f"{what}: {value}" for what, value in (("Title", book.title),
              ("Recipient", book.recipient)) if value]  # fmt: skip
    for sheet in book.worksheets:
        lines += ["", f"== {sheet.title} ({sheet.id})" if sheet.title else f"== {sheet.id}"]
        for block in sheet.blocks:
            lines += _block_lines(block)
    return "\n".join(line.rstrip() for line in lines) + "\n"


def _block_lines(block: BlockAnswers) -> list[str]:
    name = block.id.split(".", 1)[1].replace(".", " ")  # "fill_in 2"
    head = [f"{name}: {block.question}" if block.question else name]
    if block.type == "lines":
        return head + [f"    {line}" for line in (block.text or "").split("\n")]
    if block.type == "fill_in":
        return head + [f"    blank {i}: {_shown(a.value)}" for i, a in enumerate(block.answers, 1)]
    if block.type == "scale":
        return head + [f"    {_shown(a.value)}" for a in block.answers]
    if block.type == "checklist":
        return head + [f"    [{'x' if a.value else ' '}] {a.question}" for a in block.answers]
    return head + [f"    {a.question}: {_shown(a.value)}" for a in block.answers]


def _shown(value: Value) -> str:
    """An answer in the listing: a value of several lines continues, indented."""
    return "" if value is None else str(value).replace("\n", "\n      ")
