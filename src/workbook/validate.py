"""Stage 2, validation: turn a SourceDoc into a typed model, reporting every error with its place."""

from __future__ import annotations

import datetime as dt
import difflib
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from .errors import Diagnostic, WorkbookError
from .models import BLOCK_BY_TYPE, COLOUR_PATTERN, Worksheet, describe
from .sources import Key, SourceDoc, read_yaml

M = TypeVar("M", bound=BaseModel)


def suggest(word: str, choices: list[str]) -> str:
    """A ' (did you mean ...?)' hint, or ''."""
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _field_names(model: type[BaseModel], loc: Key) -> list[str]:
    """The keys allowed at `loc`'s parent, for 'unknown key' hints (best effort)."""
    current: Any = model
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        block = BLOCK_BY_TYPE.get(part)
        if block is not None:
            current = block
            continue
        field = getattr(current, "model_fields", {}).get(part)
        if field is None:
            return []
        annotation = field.annotation
        inner = [
            a for a in getattr(annotation, "__args__", (annotation,)) if hasattr(a, "model_fields")
        ]
        if inner:
            current = inner[0]
    return list(getattr(current, "model_fields", {}))


def _context(loc: tuple[Any, ...], data: Any) -> str:
    """'block 3 (table): ' for errors inside a worksheet block, else ''."""
    if len(loc) >= 2 and loc[0] == "blocks" and isinstance(loc[1], int):
        blocks = data.get("blocks") if isinstance(data, dict) else None
        block = blocks[loc[1]] if isinstance(blocks, list) and loc[1] < len(blocks) else None
        kind = block.get("type") if isinstance(block, dict) else None
        sheet = data.get("id") if isinstance(data.get("id"), str) else None
        prefix = f"worksheet '{sheet}', " if sheet else ""
        return (
            f"{prefix}block {loc[1] + 1}" + (f" ({kind})" if isinstance(kind, str) else "") + ": "
        )
    return ""


# pydantic's type errors name Python types and our classes ("instance of PreparedBy")
_TYPE_WORDS = {
    "model_type": "a mapping of keys and values (each on its own line under it)",
    "model_attributes_type": "a mapping of keys and values (each on its own line under it)",
    "dict_type": "a mapping of keys and values",
    "list_type": "a list, e.g. [first, second]",
    "string_type": "text",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "float_type": "a number",
    "float_parsing": "a number",
    "int_from_float": "a whole number",
}
_BOUNDS = {
    "less_than_equal": ("at most", "le"),
    "greater_than_equal": ("at least", "ge"),
    "less_than": ("less than", "lt"),
    "greater_than": ("more than", "gt"),
}


def friendly_message(error: Any, model: type[BaseModel]) -> str:
    """A pydantic error as a sentence a non-programmer can act on."""
    kind, loc = error["type"], error["loc"]
    name = str(loc[-1]) if loc else ""
    if name in BLOCK_BY_TYPE and len(loc) == 3:
        name = ""
    message = _structure_message(kind, name, loc, error, model) or _value_message(kind, name, error)
    if message is not None:
        return message
    message = str(error["msg"]).removeprefix("Value error, ")
    if kind == "value_error":
        return message  # our own validators write whole sentences
    return (
        f"'{name}': {message}" if name and not name.isdigit() else message[:1].lower() + message[1:]
    )


def _structure_message(
    kind: str, name: str, loc: tuple[Any, ...], error: Any, model: type[BaseModel]
) -> str | None:
    """Keys and block types: unknown, missing or of the wrong kind."""
    if kind == "extra_forbidden":
        allowed = _field_names(model, loc)
        hint = suggest(name, allowed) or (f"; allowed: {', '.join(allowed)}" if allowed else "")
        return f"unknown key '{name}'{hint}"
    if kind == "missing":
        return f"missing required key '{name}'"
    if kind == "union_tag_invalid":
        tag = error["ctx"]["tag"]
        expected = error["ctx"]["expected_tags"].replace("'", "")
        what = "an empty block type" if tag == "None" else f"unknown block type '{tag}'"
        return f"{what}{suggest(str(tag), expected.split(', '))}; expected one of: {expected}"
    if kind == "union_tag_not_found":
        return "every block needs a 'type' key, e.g. 'type: paragraph'"
    if name == "[key]":  # a mapping's key, e.g. a scale's anchor
        return f"the key {error['input']!r} must be a whole number"
    return None


def _value_message(kind: str, name: str, error: Any) -> str | None:
    """Values: of the wrong type, out of bounds, not one of the choices, not the pattern."""
    value, ctx = error["input"], error.get("ctx", {})
    named = bool(name) and not name.isdigit()
    if kind == "literal_error":
        return f"'{name}' must be {ctx['expected']}, not {describe(value)}"
    if kind == "string_pattern_mismatch" and ctx.get("pattern") == COLOUR_PATTERN:
        return f"'{name}' must be a colour written #RRGGBB, e.g. #1F4E5F, not {describe(value)}"
    if kind == "string_pattern_mismatch" and (name in {"id", "worksheets"} or not named):
        return f"{value!r} is not a valid id: use lower-case letters, digits and hyphens"
    if kind == "string_pattern_mismatch" and name == "region":
        return f"'region' must be a two-letter country code such as US or GB, not {value!r}"
    if kind in _BOUNDS and named:
        word, key = _BOUNDS[kind]
        bound = f"{ctx[key]:g}" if isinstance(ctx[key], float) else ctx[key]
        return f"'{name}' must be {word} {bound}, not {describe(value)}"
    if kind == "too_short" and name == "worksheets":
        return "'worksheets' is empty: list at least one worksheet id, e.g. [i-statements]"
    if kind in _TYPE_WORDS:
        quote = kind == "string_type" and isinstance(value, (int, float, dt.date))
        hint = " (put it in quotes to keep it as text)" if quote else ""
        if not named:
            return f"{describe(value)} is not {_TYPE_WORDS[kind]}{hint}"
        return f"'{name}' must be {_TYPE_WORDS[kind]}, not {describe(value)}{hint}"
    return None


def validate_doc(doc: SourceDoc, model: type[M]) -> M:
    """Validate parsed data against `model`, collecting every error before raising."""
    if not isinstance(doc.data, dict):
        raise WorkbookError.at(doc.locate(()), "expected a mapping of keys and values at the top")
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        diagnostics = []
        for error in exc.errors():
            loc = tuple(error["loc"])
            message = _context(loc, doc.data) + friendly_message(error, model)
            diagnostics.append(Diagnostic(message, doc.locate(loc)))
        raise WorkbookError(sorted_by_place(diagnostics)) from None


def sorted_by_place(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    return sorted(diagnostics, key=lambda d: (d.location.line or 0, d.location.column or 0))


def validate_worksheet(doc: SourceDoc, path: Path) -> Worksheet:
    """A worksheet file's model; its id must match its file name."""
    sheet = validate_doc(doc, Worksheet)
    if sheet.id != path.stem:
        raise WorkbookError.at(
            doc.locate(("id",)), f"id '{sheet.id}' must match the file name '{path.stem}.yaml'"
        )
    return sheet


def load_worksheet(path: Path) -> tuple[Worksheet, SourceDoc]:
    doc = read_yaml(path)
    return validate_worksheet(doc, path), doc


def kind_of(doc: SourceDoc) -> str:
    """Guess what a YAML file is from its first keys: worksheet, manifest or theme."""
    data = doc.data if isinstance(doc.data, dict) else {}
    if "worksheet" in data or "blocks" in data:
        return "worksheet"
    if "workbook" in data or "worksheets" in data:
        return "manifest"
    return "theme"
