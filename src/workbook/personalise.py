"""Stage 4, personalisation: render every text field as a sandboxed Jinja2 template (see
`sandbox/` for how each render is metered)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from .errors import Location, WorkbookError, block_label
from .library import LoadedWorksheet
from .models import BlockBase, Worksheet
from .sandbox import (
    TEMPLATE_ERRORS,
    address_space_ceiling,
    compiled_expression,
    compiled_template,
    explain,
    metered,
)
from .sources import Key
from .validate import sorted_by_place


@dataclass(frozen=True)
class PersonalWorksheet:
    """A worksheet whose text is rendered and whose `when:`-false blocks are gone."""

    source: LoadedWorksheet
    title: str
    summary: str
    facilitator_notes: str | None
    blocks: list[tuple[Key, BlockBase]]  # (location key in the source, block)

    @property
    def sheet(self) -> Worksheet:
        return self.source.sheet


class Personaliser:
    """Renders templates over one workbook's variables; compiled templates are reused."""

    def __init__(self, context: dict[str, Any]) -> None:
        self.context = context

    def _fail(self, where: Location, what: str, exc: Exception) -> WorkbookError:
        return WorkbookError.at(where, f"{what}: {explain(exc)}")

    def text(self, source: str, where: Location, what: str) -> str:
        if "{" not in source:
            return source
        try:
            compiled = compiled_template(source)
            return metered(compiled.render, self.context)
        except TEMPLATE_ERRORS as exc:
            raise self._fail(where, what, exc) from None

    def condition(self, expression: str, where: Location, what: str) -> bool:
        try:
            test = compiled_expression(expression)
            return bool(metered(test, self.context))
        except TEMPLATE_ERRORS as exc:
            raise self._fail(where, f"{what}, 'when' condition", exc) from None

    def value(self, value: Any, item: LoadedWorksheet, key: Key, what: str) -> Any:
        """Render every string inside a block field (lists, dicts, nested models)."""
        if isinstance(value, str):
            if "{" not in value:  # no template: nothing to render, no location to look up
                return value
            return self.text(value, item.doc.locate(key), what)
        if isinstance(value, list):
            return [self.value(v, item, (*key, i), what) for i, v in enumerate(value)]
        if isinstance(value, dict):
            return {k: self.value(v, item, (*key, k), what) for k, v in value.items()}
        if isinstance(value, BaseModel):
            return value.model_copy(update=self.fields(value, item, key, what))
        return value

    def fields(
        self, model: BaseModel, item: LoadedWorksheet, key: Key, what: str
    ) -> dict[str, Any]:
        return {
            name: self.value(getattr(model, name), item, (*key, name), what)
            for name in type(model).model_fields
            if name not in {"type", "when"}
        }

    def block(self, item: LoadedWorksheet, index: int, block: BlockBase) -> BlockBase | None:
        """The block with its text rendered, or None when its `when:` is false."""
        key: Key = ("blocks", index)
        what = block_label(item.sheet.id, index, getattr(block, "type", None))
        where = item.doc.locate((*key, "when"))
        if block.when is not None and not self.condition(block.when, where, what):
            return None
        return block.model_copy(update=self.fields(block, item, key, what))

    def worksheet(self, item: LoadedWorksheet) -> PersonalWorksheet:
        """Render a whole worksheet, collecting every template error before raising."""
        with address_space_ceiling():
            return self._worksheet(item)

    def _worksheet(self, item: LoadedWorksheet) -> PersonalWorksheet:
        sheet, errors = item.sheet, []
        blocks: list[tuple[Key, BlockBase]] = []
        for index, block in enumerate(sheet.blocks):
            try:
                rendered = self.block(item, index, block)
            except WorkbookError as exc:
                errors += exc.diagnostics
                continue
            if rendered is not None:
                blocks.append((("blocks", index), rendered))
        texts: dict[str, str | None] = {}
        for name in ("title", "summary", "facilitator_notes"):
            value = getattr(sheet, name)
            try:
                where, what = item.doc.locate((name,)), f"worksheet '{sheet.id}', {name}"
                texts[name] = value and self.text(value, where, what)
            except WorkbookError as exc:
                errors += exc.diagnostics
        if errors:
            raise WorkbookError(sorted_by_place(errors))
        return PersonalWorksheet(
            item, texts["title"] or "", texts["summary"] or "", texts["facilitator_notes"], blocks
        )
