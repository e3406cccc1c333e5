"""`workbook validate`, content checks: translations, facilitator notes, reading level."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel

from .errors import Diagnostic
from .library import LoadedWorksheet
from .locale import SUPPORTED_LANGUAGES

MAX_GRADE = 8.0  # US school grade (Flesch-Kincaid) for English worksheets
LANGUAGE_NAMES = {"en": "English", "es": "Spanish"}


def plain_text(sheet_data: Any) -> str:
    """The words a reader sees, one sentence per field, with templates and markup removed."""
    parts: list[str] = [sheet_data.title, sheet_data.summary]

    def collect(value: Any) -> None:
        if isinstance(value, str):
            parts.append(value)
        elif isinstance(value, list):
            for item in value:
                collect(item)
        elif isinstance(value, BaseModel):
            for name in type(value).model_fields:
                if name not in {"type", "when", "widths"}:
                    collect(getattr(value, name))
        elif isinstance(value, dict):
            for item in value.values():
                collect(item)

    for block in sheet_data.blocks:
        collect(block)
    sentences = [p.strip() if p.rstrip().endswith((".", "?", "!", ":")) else p.strip() + "."
                 for p in parts if p and p.strip()]  # fmt: skip
    text = " ".join(sentences)
    text = re.sub(r"\{\{.*?\}\}|\{%.*?%\}", "Alex", text)
    return text.replace("*", "").replace("___", "blank")


def reading_grade(text: str) -> float:
    import textstat  # imported here: only `validate` needs it

    return float(textstat.flesch_kincaid_grade(text))


def content_warnings(item: LoadedWorksheet) -> list[Diagnostic]:
    """Warnings for a worksheet in a per-language library folder."""
    sheet, doc, path = item.sheet, item.doc, item.path
    top = doc.locate(("title",))
    warnings = []
    if not (sheet.facilitator_notes or "").strip():
        warnings.append(
            Diagnostic("no facilitator_notes: add a note for therapists", top, "warning")
        )
    if path.parent.name in SUPPORTED_LANGUAGES:
        for language in SUPPORTED_LANGUAGES:
            sibling = path.parent.parent / language / path.name
            if language != path.parent.name and not sibling.is_file():
                name = LANGUAGE_NAMES.get(language, language)
                warnings.append(
                    Diagnostic(f"no {name} translation yet ({sibling})", top, "warning")
                )
    if sheet.language == "en":
        grade = reading_grade(plain_text(sheet))
        if grade > MAX_GRADE:
            message = f"reads at US grade {grade:.1f}; aim for {MAX_GRADE:.0f} or below (shorter sentences and words)"
            warnings.append(Diagnostic(message, top, "warning"))
    return warnings
