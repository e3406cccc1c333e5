"""Stage 2, the formats: what every model shares (frozen, no unknown keys) and the plain
words messages use for a value."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

Text = Annotated[str, StringConstraints(max_length=100_000)]
Line = Annotated[str, StringConstraints(max_length=2_000)]
ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"  # kebab-case
WorksheetId = Annotated[str, StringConstraints(pattern=ID_PATTERN, max_length=80)]


class Model(BaseModel):
    # Field docstrings become descriptions in the JSON Schema (authoring.json_schema).
    model_config = ConfigDict(extra="forbid", frozen=True)


def describe(value: object) -> str:
    """A YAML value in a user's words, for messages: 'the number 5', 'a list', 'nothing'."""
    if value is None:
        return "an empty value"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, dict):
        return "a mapping of keys and values"
    if isinstance(value, (dt.date, dt.datetime)):
        return f"the date {value}"
    return repr(str(value)[:80])
