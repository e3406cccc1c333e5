"""The studio's own words, English and Spanish: `words/common.yaml` and one file per page
(the workbook's text comes from the locales)."""

from __future__ import annotations

import unicodedata
from functools import cache
from pathlib import Path

import yaml

LANGUAGES = {"en": "English", "es": "Español"}
WORDS = Path(__file__).parent / "words"


@cache
def interface(language: str) -> dict[str, str]:
    """Every word of every page in `language` (English if the studio lacks it)."""
    language = language if language in LANGUAGES else "en"
    merged: dict[str, str] = {}
    for path in sorted(WORDS.glob("*.yaml")):
        merged.update(yaml.safe_load(path.read_text(encoding="utf-8"))[language])
    return merged


@cache
def country_codes() -> dict[str, str]:
    """Every country name the pages know (country_XX in each language), folded, -> XX."""
    return {folded(text): key.removeprefix("country_")
            for language in LANGUAGES for key, text in interface(language).items()
            if key.startswith("country_")}  # fmt: skip


def folded(text: str) -> str:
    """Lower case without accents, for matching names as people type them."""
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))
