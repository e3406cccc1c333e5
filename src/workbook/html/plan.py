"""The web edition's plan: every field of the document, grouped as `workbook answers --json`
groups a filled PDF's (worksheets -> blocks -> fields, each with its question), so that the
page's script can download its answers in that shape and `build --answers` can take them."""

from __future__ import annotations

import hashlib
import re
from typing import Any

from .. import document as d
from ..locale import SUPPORTED_LANGUAGES, strings

CRISIS_SHEET = "_crisis"


def answers_plan(doc: d.Document) -> dict[str, Any]:
    """The plan the page's script reads: the workbook's name and its fields by block."""
    sheets = [_sheet(s) for s in doc.worksheets]
    crisis = next((s for s in doc.sections if isinstance(s, d.Crisis)), None)
    if crisis is not None and crisis.fields:
        block = _table(crisis.own_contacts, crisis.language, "_crisis.contacts")
        sheets.append({"id": CRISIS_SHEET, "title": d.plain_text(crisis.title), "blocks": [block]})
    return {
        "key": storage_key(doc),
        "title": doc.running.title,
        "recipient": doc.running.recipient or None,
        "language": doc.language,
        "worksheets": [s for s in sheets if s["blocks"]],
    }


def storage_key(doc: d.Document) -> str:
    """Where the browser keeps this workbook's answers: its title, recipient and a hash of
    its field names (another workbook, or this one with other worksheets, never shares it)."""
    names = "\n".join(f.name for f in doc.fields)
    digest = hashlib.sha256(names.encode()).hexdigest()[:16]
    return f"workbook:{doc.running.title}:{doc.running.recipient}:{digest}"


def _sheet(section: d.WorksheetSection) -> dict[str, Any]:
    blocks = [_block(b, section.language) for b in section.blocks]
    return {"id": section.id, "title": d.plain_text(section.title),
            "blocks": [b for b in blocks if b is not None]}  # fmt: skip


def _block(block: d.Block, language: str) -> dict[str, Any] | None:
    if isinstance(block, d.Lines):
        question = lines_question(block)
        return {"id": block.name, "type": "lines", "question": question, "lines": block.count,
                "fields": [_field(f, question) for f in block.fields]}  # fmt: skip
    if isinstance(block, d.Table):
        fields = d.block_fields(block)
        return _table(block, language, fields[0].name.rsplit(".", 1)[0]) if fields else None
    fields = d.block_fields(block)
    if not fields:
        return None
    if isinstance(block, d.Scale):
        question = d.plain_text(block.label)
        return {"id": block.field.name, "type": "scale", "question": question,
                "fields": [_field(block.field, question)]}  # fmt: skip
    if isinstance(block, d.Checklist):
        return {"id": fields[0].name.rsplit(".", 1)[0], "type": "checklist", "question": None,
                "fields": [_field(i.field, d.plain_text(i.text)) for i in block.items]}  # fmt: skip
    assert isinstance(block, d.FillIn)
    question = d.plain_text(block.sentence)
    return {"id": fields[0].name.rsplit(".", 1)[0], "type": "fill_in", "question": question,
            "fields": [_field(f, question) for f in fields]}  # fmt: skip


def _table(table: d.Table, language: str, block_id: str) -> dict[str, Any]:
    """A table's empty cells, each asked by its column and its row (counted under the
    header, as the field's name counts it)."""
    said = strings(language if language in SUPPORTED_LANGUAGES else "en")["spoken_cell"]
    columns = [d.plain_text(c) for c in table.columns]
    fields = []
    for field in d.block_fields(table):
        found = re.search(r"r(\d+)c(\d+)$", field.name)
        row, column = (int(found[1]), int(found[2])) if found else (0, 1)
        fields.append(_field(field, str(said).format(column=columns[column - 1], row=row)))
    asked = [columns[int(m[1]) - 1] for f in fields if (m := re.search(r"c(\d+)$", f["name"]))]
    return {"id": block_id, "type": "table", "question": " | ".join(dict.fromkeys(asked)) or None,
            "fields": fields}  # fmt: skip


def _field(field: d.Field, question: str) -> dict[str, Any]:
    return {"name": field.name, "kind": field.kind, "question": question}


def lines_question(block: d.Lines) -> str:
    """A lines block's question: its label, or the language's "Your thoughts"."""
    if block.label:
        return d.plain_text(block.label).rstrip(":")
    language = block.language if block.language in SUPPORTED_LANGUAGES else "en"
    return str(strings(language)["spoken_lines_default"])
