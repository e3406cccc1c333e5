"""`workbook validate`, content checks: translations, facilitator notes, reading level."""

from __future__ import annotations

import math
import re
from functools import cache
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


_SENTENCE = re.compile(r"\b[^.!?]+[.!?]*")
_PUNCTUATION = re.compile(r"[^\w\s]")


@cache
def _hyphenation() -> Any:
    from pyphen import Pyphen  # imported here: only `validate` needs it

    return Pyphen(lang="en_US")


def _words(text: str) -> list[str]:
    return _PUNCTUATION.sub("", text).split()


def _tenths(number: float) -> float:
    """To one decimal as textstat rounds: the nearest tenth, halves up, for the averages and
    any real grade (a negative grade, from next to no text, comes out a tenth lower)."""
    return math.floor(number * 10 + math.copysign(0.5, number)) / 10


def reading_grade(text: str) -> float:
    """The Flesch-Kincaid grade level of English text: 0.39 x words per sentence + 11.8 x
    syllables per word - 15.59. Counted as textstat 0.7 counts, so that MAX_GRADE keeps its
    meaning: a "sentence" of two words or fewer (a label, a heading) is not one; a word's
    syllables are the places pyphen would hyphenate it, plus one; both averages are rounded
    to one decimal before they are combined."""
    words = _words(text)
    sentences = [s for s in _SENTENCE.findall(text) if len(_words(s)) > 2]
    syllables = sum(len(_hyphenation().positions(w)) + 1 for w in _words(text.lower()))
    per_sentence = _tenths(len(words) / max(1, len(sentences)))
    per_word = _tenths(syllables / len(words)) if words else 0.0
    return _tenths(0.39 * per_sentence + 11.8 * per_word - 15.59)


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
