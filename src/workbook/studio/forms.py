"""The studio's form as `BuildOptions`: fields -> dotted manifest overrides, and every
diagnostic back to the field it concerns (each field is its own location)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import Diagnostic, Location
from ..project import BuildOptions

# form field name -> dotted manifest field (text fields; empty means "not given")
TEXT_FIELDS = {
    "title": "title", "recipient": "recipient.name", "loved_one": "loved_one.name",
    "relationship": "loved_one.relationship", "practice": "prepared_by.practice",
    "language": "language", "region": "region", "theme": "theme", "page_size": "page_size",
    "edition": "edition",
}  # fmt: skip
FIELD_OF = {dotted: name for name, dotted in TEXT_FIELDS.items()}
FIELD_OF.update(worksheets="worksheets", fillable="fillable", format="format")
STUDIO = "<studio>"  # the file part of a field's location: `<studio>/recipient.name`
MAX_WORKSHEETS = 100


@dataclass
class Choices:
    """What the user filled in: the form's values as they were typed."""

    values: dict[str, str] = field(default_factory=dict)
    worksheets: list[str] = field(default_factory=list)
    fillable: bool = False

    @classmethod
    def from_form(cls, form: Any) -> Choices:
        values = {name: str(form.get(name, "")).strip()[:200] for name in TEXT_FIELDS}
        sheets = [str(s) for s in form.getlist("worksheets")][:MAX_WORKSHEETS]
        return cls(values, sheets, form.get("fillable") == "on")

    def overrides(self) -> dict[str, Any]:
        """The manifest fields the user gave, dotted; worksheets always (it is required)."""
        result: dict[str, Any] = {"worksheets": list(self.worksheets)}
        result.update({TEXT_FIELDS[k]: v for k, v in self.values.items() if v})
        if self.fillable:
            result["fillable"] = True
        return result

    def options(self, **changes: Any) -> BuildOptions:
        """BuildOptions for one download: `changes` override the form (e.g. format=html)."""
        overrides = {**self.overrides(), **changes}
        if overrides.get("fillable") is False:
            del overrides["fillable"]
        where = {k: Location(Path(STUDIO) / k) for k in overrides}
        return BuildOptions(overrides=overrides, override_locations=where)

    def manifest_yaml(self) -> str:
        """The manifest these choices make: `workbook build` on it gives the same workbook."""
        data: dict[str, Any] = {"workbook": 1}
        for dotted, value in self.overrides().items():
            target = data
            *parents, last = dotted.split(".")
            for part in parents:
                target = target.setdefault(part, {})
            target[last] = value
        return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def by_field(diagnostics: list[Diagnostic]) -> tuple[dict[str, list[str]], list[str]]:
    """Messages next to their field (form name -> messages), and the rest for the page's top."""
    fields: dict[str, list[str]] = {}
    general: list[str] = []
    for diagnostic in diagnostics:
        name = _field(diagnostic.location)
        if name is None:
            general.append(str(diagnostic))
        else:
            fields.setdefault(name, []).append(diagnostic.message)
    return fields, general


def _field(location: Location) -> str | None:
    path = location.file
    if path is None or path.parent != Path(STUDIO):
        return None
    return FIELD_OF.get(path.name)
