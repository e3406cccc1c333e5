"""Answers a workbook starts with: from a file (`build --answers`) or a filled workbook.

    answers.json / .yaml  ── `workbook answers --json` output, or a mapping {field: value}
    filled.pdf            ── a filled fillable workbook, read as `workbook answers` reads it

Each answer keeps where it came from, so a wrong one is reported at its file and line.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import Location, WorkbookError
from ..sources import SourceDoc, read_yaml

Value = str | bool | int | float | None


@dataclass(frozen=True)
class Given:
    """An answer for a field, and where it was given."""

    value: Value
    where: Location
    strict: bool = True  # False: carried over from an old edition, where a field may be gone


def load_given(path: Path, password: str | None = None) -> dict[str, Given]:
    """The answers in a file, by field name; blank ones (empty text, unticked, no choice)
    are left out."""
    if path.suffix.lower() == ".pdf":
        from .model import read_answers  # pypdf: only for a PDF

        book = read_answers(path, password)
        found = {a.name: Given(a.value, Location(path)) for s in book.worksheets
                 for b in s.blocks for a in b.answers}  # fmt: skip
    else:
        found = _from_data(read_yaml(path))
    return {name: given for name, given in found.items() if given.value not in (None, "", False)}


def _from_data(doc: SourceDoc) -> dict[str, Given]:
    data: Any = doc.data
    at: tuple[Any, ...] = ()
    if isinstance(data, list) and len(data) == 1:  # `workbook answers --json` of one file
        data, at = data[0], (0,)
    if isinstance(data, dict) and "workbook_answers" in data:
        return _from_listing(doc, data, at)
    if not isinstance(data, dict) or not all(isinstance(k, str) for k in data):
        raise WorkbookError.at(
            doc.locate(at),
            "answers must be a mapping of field names to values (e.g. "
            "i-statements.fill_in.1.blank1: tired), or the output of `workbook answers --json` "
            "for one workbook",
        )
    return {name: Given(value, doc.locate((*at, name))) for name, value in data.items()}


def _from_listing(doc: SourceDoc, data: dict[str, Any], at: tuple[Any, ...]) -> dict[str, Given]:
    """`workbook answers --json`: worksheets -> blocks -> fields {name, value}."""
    found: dict[str, Given] = {}
    for i, sheet in enumerate(_items(data, "worksheets")):
        for j, block in enumerate(_items(sheet, "blocks")):
            for k, item in enumerate(_items(block, "fields")):
                place = (*at, "worksheets", i, "blocks", j, "fields", k)
                if not isinstance(item, dict) or not isinstance(item.get("name"), str):
                    raise WorkbookError.at(doc.locate(place), "each field needs a name and a value")
                found[item["name"]] = Given(item.get("value"), doc.locate((*place, "value")))
    return found


def _items(data: Any, key: str) -> list[Any]:
    items = data.get(key) if isinstance(data, dict) else None
    return items if isinstance(items, list) else []
