"""The workbook page's form as `BuildOptions`: fields -> dotted manifest overrides, and every
diagnostic back to the field it concerns (each field is its own location)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import Diagnostic, Location
from ..project import BuildOptions
from .interface import country_codes, folded

# form field name -> dotted manifest field (text fields; empty means "not given")
TEXT_FIELDS = {
    "title": "title", "recipient": "recipient.name", "loved_one": "loved_one.name",
    "relationship": "loved_one.relationship", "age_group": "loved_one.age_group",
    "practitioner": "prepared_by.name", "practice": "prepared_by.practice",
    "contact": "prepared_by.contact", "url": "prepared_by.url", "date": "date",
    "language": "language", "region": "region", "theme": "theme", "page_size": "page_size",
    "edition": "edition",
}  # fmt: skip
SWITCHES = {"fillable": False, "duplex": False, "crisis_page": True}  # check boxes: default
FIELD_OF = {dotted: name for name, dotted in TEXT_FIELDS.items()}
FIELD_OF.update({name: name for name in ("worksheets", "format", *SWITCHES)})
FIELD_OF["prepared_by.logo"] = "logo_file"
STUDIO = "<studio>"  # the file part of a field's location: `<studio>/recipient.name`
MAX_WORKSHEETS = 100
LOGO_REF = re.compile(r"[0-9a-f]{16}/[A-Za-z0-9][A-Za-z0-9._-]{0,79}\.(png|jpe?g)")
ANSWERS_REF = re.compile(r"[0-9a-f]{16}")
EDITIONS = "answers"  # scratch/answers/<ref>.json: a filled workbook's answers, for a new edition


@dataclass
class Choices:
    """What the user filled in: the form's values as they were typed, the worksheets in their
    order, and files kept in the scratch folder (by reference)."""

    values: dict[str, str] = field(default_factory=dict)
    worksheets: list[str] = field(default_factory=list)
    switches: dict[str, bool] = field(default_factory=lambda: dict(SWITCHES))
    logo: str = ""  # LOGO_REF under scratch/logos
    answers: str = ""  # ANSWERS_REF: scratch/answers/<ref>.json
    scratch: Path | None = None
    dirs: tuple[Path, ...] = ()  # the user's own worksheet folders

    @classmethod
    def from_form(cls, form: Any, scratch: Path | None = None,
                  dirs: tuple[Path, ...] = ()) -> Choices:  # fmt: skip
        """The form as posted: ticked worksheets in the order list's order, then the rest."""
        values = {name: str(form.get(name, "")).strip()[:300] for name in TEXT_FIELDS}
        values["region"] = region_code(values["region"])
        ticked = list(dict.fromkeys(str(s) for s in form.getlist("worksheets")))
        order = [str(s) for s in form.getlist("order")]
        sheets = [s for s in order if s in ticked] + [s for s in ticked if s not in order]
        switches = {name: form.get(name) == "on" for name in SWITCHES}
        logo, answers = str(form.get("logo", "")), str(form.get("answers", ""))
        return cls(values, sheets[:MAX_WORKSHEETS], switches,
                   logo if LOGO_REF.fullmatch(logo) else "",
                   answers if ANSWERS_REF.fullmatch(answers) else "", scratch, dirs)  # fmt: skip

    @property
    def logo_path(self) -> Path | None:
        return self.scratch / "logos" / self.logo if self.logo and self.scratch else None

    @property
    def answers_path(self) -> Path | None:
        return given_answers(self.scratch, self.answers) if self.scratch else None

    def overrides(self, logo: str | None = None) -> dict[str, Any]:
        """The manifest fields the user gave, dotted; worksheets always (it is required)."""
        result: dict[str, Any] = {"worksheets": list(self.worksheets)}
        result.update({TEXT_FIELDS[k]: v for k, v in self.values.items() if v})
        result.update({k: v for k, v in self.switches.items() if v != SWITCHES[k]})
        if self.logo_path:
            result["prepared_by.logo"] = logo or str(self.logo_path)
        if self.dirs:
            result["worksheets_dirs"] = [str(d.absolute()) for d in self.dirs]
        return result

    def options(self, **changes: Any) -> BuildOptions:
        """BuildOptions for one download: `changes` override the form (e.g. format=html)."""
        overrides = {**self.overrides(), **changes}
        for name, default in SWITCHES.items():
            if overrides.get(name) == default:
                del overrides[name]
        where = {k: Location(Path(STUDIO) / k) for k in overrides}
        return BuildOptions(overrides=overrides, override_locations=where,
                            answers=self.answers_path)  # fmt: skip

    def manifest_data(self) -> dict[str, Any]:
        """The manifest these choices make, as nested data (a logo by its file name)."""
        logo = self.logo_path.name if self.logo_path else None
        data: dict[str, Any] = {"workbook": 1}
        for dotted, value in self.overrides(logo).items():
            target = data
            *parents, last = dotted.split(".")
            for part in parents:
                target = target.setdefault(part, {})
            target[last] = value
        return data

    def manifest_yaml(self) -> str:
        """The manifest text: `workbook build` on it gives the same workbook."""
        head = ""
        if self.logo_path:
            head = f"# Put the logo, {self.logo_path.name}, in the same folder as this file.\n"
        return head + yaml.safe_dump(self.manifest_data(), sort_keys=False, allow_unicode=True)


def given_answers(scratch: Path, ref: str) -> Path | None:
    """The answers file a new edition starts from, for a ref of ours that is there."""
    if not ANSWERS_REF.fullmatch(ref):
        return None
    path = scratch / EDITIONS / f"{ref}.json"
    return path if path.is_file() else None


def region_code(typed: str) -> str:
    """A country as typed: its two-letter code, or a name the studio knows in English or
    Spanish (Mexico, México, Reino Unido) turned into its code; anything else unchanged."""
    if len(typed) == 2 and typed.isalpha():
        return typed.upper()
    return country_codes().get(folded(typed), typed)


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
