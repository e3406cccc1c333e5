"""Writing your own worksheets: `workbook new` skeletons and `workbook schema` JSON Schema."""

from __future__ import annotations

import ast
import importlib
import inspect
import itertools
import json
import pkgutil
import re
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from pydantic import BaseModel

from . import models
from .errors import Location, WorkbookError
from .library import builtin_dir
from .models import ID_PATTERN, Manifest, ThemeFile, Worksheet

SCHEMAS: dict[str, type[BaseModel]] = {
    "worksheet": Worksheet,
    "manifest": Manifest,
    "theme": ThemeFile,
}
ID_RE = re.compile(ID_PATTERN)


def json_schema(kind: str) -> dict[str, Any]:
    """JSON Schema (draft 2020-12) for a worksheet, manifest or theme file."""
    if kind not in SCHEMAS:
        raise WorkbookError(f"unknown schema '{kind}'; choose one of: {', '.join(SCHEMAS)}")
    schema = SCHEMAS[kind].model_json_schema()
    docs = _field_docs()
    _describe(schema, SCHEMAS[kind], docs)
    for name, definition in schema.get("$defs", {}).items():
        _describe(definition, getattr(models, name), docs)
    return {
        **schema,
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"workbook {kind}",
    }


def _field_docs() -> dict[str, dict[str, str]]:
    """The docstring under each model field in the models package, by class and field name.

    Read here rather than by pydantic's use_attribute_docstrings, which would parse the source
    of every model at import time and slow down every command's start.
    """
    docs: dict[str, dict[str, str]] = {}
    modules = [importlib.import_module(f"{models.__name__}.{m.name}")
               for m in pkgutil.iter_modules(models.__path__)]  # fmt: skip
    for node in (n for module in modules for n in ast.parse(inspect.getsource(module)).body):
        if isinstance(node, ast.ClassDef):
            docs[node.name] = {
                field.target.id: inspect.cleandoc(doc.value.value)
                for field, doc in itertools.pairwise(node.body)
                if isinstance(field, ast.AnnAssign) and isinstance(field.target, ast.Name)
                and isinstance(doc, ast.Expr) and isinstance(doc.value, ast.Constant)
                and isinstance(doc.value.value, str)
            }  # fmt: skip
    return docs


def _describe(definition: dict[str, Any], model: type, docs: dict[str, dict[str, str]]) -> None:
    """Give each property its field docstring (keys kept sorted, as pydantic writes them)."""
    properties = definition.get("properties", {})
    for name, prop in properties.items():
        found = (docs.get(cls.__name__, {}).get(name) for cls in model.__mro__)
        doc = next((d for d in found if d), None)
        if doc and "description" not in prop:
            properties[name] = dict(sorted({**prop, "description": doc}.items()))


def new_worksheet(worksheet_id: str, folder: Path, language: str = "en") -> Path:
    """Write a skeleton worksheet (every block type, commented) and its schema for editors."""
    if not ID_RE.match(worksheet_id):
        raise WorkbookError(
            f"'{worksheet_id}' is not a valid id: use lower-case letters, digits and hyphens, e.g. my-worksheet"
        )
    library = builtin_dir().resolve()
    if folder.resolve() == library or folder.resolve().is_relative_to(library):
        raise WorkbookError.at(Location(folder), "this is the built-in library; keep your own "
                               "worksheets apart, e.g. in my-worksheets/ (the default)")  # fmt: skip
    path = folder / f"{worksheet_id}.yaml"
    if path.exists():
        raise WorkbookError.at(
            Location(path), "already exists; choose another id or edit this file"
        )
    template = (resources.files("workbook") / "templates" / "worksheet.yaml.j2").read_text(
        encoding="utf-8"
    )
    title = worksheet_id.replace("-", " ").capitalize()
    text = jinja2.Template(template, keep_trailing_newline=True).render(
        id=worksheet_id, language=language, title=title, path=path
    )
    folder.mkdir(parents=True, exist_ok=True)
    schema_dir = folder / ".schema"
    schema_dir.mkdir(exist_ok=True)
    (schema_dir / "worksheet.schema.json").write_text(
        json.dumps(json_schema("worksheet"), indent=2), encoding="utf-8"
    )
    path.write_text(text, encoding="utf-8")
    return path
