"""Interface text and crisis contacts per language and region (packaged YAML data)."""

from __future__ import annotations

import datetime as dt
from functools import cache
from importlib import resources
from typing import Any

import yaml

from .errors import WorkbookError

SUPPORTED_LANGUAGES = ("en", "es")


_SafeLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: 10 times faster


def _data(name: str) -> Any:
    text = (resources.files("workbook") / "locales" / name).read_text(encoding="utf-8")
    return yaml.load(text, Loader=_SafeLoader)  # a safe loader, as yaml.safe_load


@cache
def strings(language: str) -> dict[str, Any]:
    """The interface text for a language; an unsupported language is an error."""
    if language not in SUPPORTED_LANGUAGES:
        raise WorkbookError(
            f"unsupported language '{language}'; supported: {', '.join(SUPPORTED_LANGUAGES)}"
        )
    return dict(_data(f"{language}.yaml"))


@cache
def crisis_contacts(region: str) -> dict[str, Any] | None:
    """The region's emergency number and crisis lines, or None for the generic page."""
    table: dict[str, Any] = _data("crisis.yaml")
    return table.get(region.upper())


def format_date(date: dt.date, language: str, region: str = "US") -> str:
    """A date as people of the language and region write it (US English: month first)."""
    text = strings(language)
    month = text["months"][date.month - 1]
    pattern = text["date_format"]
    if language == "en" and region.upper() != "US":
        pattern = text["date_format_day_first"]
    return str(pattern).format(day=date.day, month=month, year=date.year)
