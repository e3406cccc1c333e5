"""Stage 4, personalisation: render every text field as a sandboxed Jinja2 template."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from pydantic import BaseModel

from .errors import Location, WorkbookError
from .library import LoadedWorksheet
from .markup import escape_markup
from .models import BlockBase, Worksheet
from .sources import Key
from .validate import sorted_by_place

MAX_OUTPUT = 200_000


def _finalize(value: Any) -> str:
    """Every value printed by {{ }} is made inert for our inline markup."""
    return escape_markup("" if value is None else str(value))


MAX_REPEAT = 10_000  # longest string or list a template may build with * (items)
MAX_POWER = 64


class WorksheetEnvironment(ImmutableSandboxedEnvironment):
    """Jinja2's sandbox, read-only (a template cannot change the variables), with limits on
    `*` and `**` so a template cannot exhaust memory or time."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(right, (int, float)) and abs(right) > MAX_POWER:
            raise SecurityError(f"the power {right} is too large")
        if operator == "*":
            for seq, count in ((left, right), (right, left)):
                sized = isinstance(seq, (str, list, tuple)) and isinstance(count, int)
                if sized and len(seq) * count > MAX_REPEAT:
                    raise SecurityError("the repeated text or list would be too long")
        return super().call_binop(context, operator, left, right)


ENV = WorksheetEnvironment(
    undefined=jinja2.StrictUndefined, finalize=_finalize, autoescape=False,
    keep_trailing_newline=False,
)  # fmt: skip
for _name in ("lipsum", "cycler", "joiner", "namespace"):
    ENV.globals.pop(_name, None)
TEMPLATE_ERRORS = (jinja2.TemplateError, TypeError, ValueError, ArithmeticError, RecursionError,
                   MemoryError, LookupError)  # fmt: skip


@lru_cache(maxsize=4096)
def _template(source: str) -> jinja2.Template:
    """Compile a template once per process (batches render the same texts many times)."""
    return ENV.from_string(source)


@lru_cache(maxsize=1024)
def _expression(source: str) -> Any:
    return ENV.compile_expression(source, undefined_to_none=False)


def _explain(exc: Exception) -> str:
    if isinstance(exc, RecursionError):
        return "the template calls itself too deeply"
    if isinstance(exc, MemoryError):
        return "the template would need too much memory"
    if isinstance(exc, SecurityError):
        return f"not allowed in a template: {exc}"
    if isinstance(exc, jinja2.UndefinedError):
        return f"{exc.message}; available names: recipient, loved_one, prepared_by, date, language, crisis_page, variables"
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return f"template syntax error on line {exc.lineno} of the text: {exc.message}"
    return f"template error: {exc}"


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
        return WorkbookError.at(where, f"{what}: {_explain(exc)}")

    def text(self, source: str, where: Location, what: str) -> str:
        if "{" not in source:
            return source
        try:
            result = _template(source).render(self.context)
        except TEMPLATE_ERRORS as exc:
            raise self._fail(where, what, exc) from None
        if len(result) > MAX_OUTPUT:
            raise WorkbookError.at(
                where, f"{what}: the text expands to over {MAX_OUTPUT:,} characters"
            )
        return result

    def condition(self, expression: str, where: Location, what: str) -> bool:
        try:
            return bool(_expression(expression)(self.context))
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
        what = f"worksheet '{item.sheet.id}', block {index + 1} ({getattr(block, 'type', '')})"
        where = item.doc.locate((*key, "when"))
        if block.when is not None and not self.condition(block.when, where, what):
            return None
        return block.model_copy(update=self.fields(block, item, key, what))

    def worksheet(self, item: LoadedWorksheet) -> PersonalWorksheet:
        """Render a whole worksheet, collecting every template error before raising."""
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
