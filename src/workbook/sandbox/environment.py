"""The worksheet template environment: Jinja2's sandbox, read-only, with operators, calls
and filters checked through the sandbox's hooks and the parsed template rewritten so loops,
`~` and literals go through the meter too; on Linux an address-space ceiling is a backstop
under all of this, not a replacement for it."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import lru_cache, update_wrapper
from types import BuiltinMethodType, MethodType
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.exceptions import SecurityError
from jinja2.runtime import LoopContext
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.visitor import NodeTransformer
from markupsafe import Markup

from ..markup import escape_markup
from .filters import _FILTER_CHECKS, _metered_filter
from .meter import (
    _BINOP_CHECKS,
    _BUDGET,
    ADDRESS_SPACE_HEADROOM,
    MAX_OUTPUT,
    T,
    TemplateLimitError,
    _admit,
    _check_method,
    _fits,
    _MeteredEscapeFormatter,
    _MeteredFormatter,
    _need,
    _step,
    _text,
)

# -- the parsed template, rewritten so loops, `~` and literals pass the meter

_EACH, _JOIN, _LITERAL = "(each)", "(join)", "(literal)"  # filter names no template can spell


@jinja2.pass_context  # a context filter is never run at compile time, where nothing is counted
def _each(context: Any, items: Any) -> Any:
    """A loop's items, each turn a step."""
    budget = _BUDGET.get()
    return items if budget is None else budget.counted(items)


def _join_parts(parts: tuple[Any, ...]) -> str:
    """`a ~ b ~ c`, refused before the joined text would pass MAX_OUTPUT."""
    texts = [part if type(part) is str else _text(part) for part in parts]
    size = sum(map(len, texts))
    _need(size)
    budget = _BUDGET.get()
    if budget is not None:
        budget.spend(size)
    return "".join(texts)


def _literal(value: T) -> T:
    _fits(value)
    return value


def _through(name: str, node: nodes.Node) -> nodes.Filter:
    return nodes.Filter(node, name, [], [], None, None, lineno=node.lineno)


class _Metered(NodeTransformer):
    """Routes every loop's items, every `~` and every list, tuple or dict literal through an
    internal filter."""

    def visit_For(self, node: nodes.For) -> nodes.Node:
        self.generic_visit(node)
        node.iter = _through(_EACH, node.iter)
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:
        self.generic_visit(node)
        return _through(_JOIN, nodes.Tuple(node.nodes, "load", lineno=node.lineno))

    def visit_List(self, node: nodes.Expr) -> nodes.Node:
        return _through(_LITERAL, self.generic_visit(node))

    visit_Dict = visit_List

    def visit_Tuple(self, node: nodes.Tuple) -> nodes.Node:
        return self.visit_List(node) if node.ctx == "load" else node


class _MeteredCode(CodeGenerator):
    """Jinja's code generator, run on the rewritten template."""

    def visit_Template(self, node: nodes.Template, frame: Frame | None = None) -> None:
        _Metered().visit(node)
        node.set_environment(self.environment)
        super().visit_Template(node, frame)


def _finalize(value: Any) -> str:
    """Every value printed by {{ }} is made inert for our inline markup."""
    text = escape_markup(value if type(value) is str else "" if value is None else _text(value))
    budget = _BUDGET.get()
    if budget is not None:
        budget.spend(len(text))
    return text


class WorksheetEnvironment(ImmutableSandboxedEnvironment):
    """Jinja2's sandbox, read-only (a template cannot change the variables) and metered as a
    whole (see the module docstring)."""

    intercepted_binops = frozenset(_BINOP_CHECKS)
    code_generator_class = _MeteredCode

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.filters = {
            n: _metered_filter(f, _FILTER_CHECKS.get(n)) for n, f in self.filters.items()
        }
        self.filters.update({_EACH: _each, _JOIN: _join_parts, _LITERAL: _literal})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        budget = _step()
        _BINOP_CHECKS[operator](left, right)
        return _admit(super().call_binop(context, operator, left, right), budget)

    def call(self, context: Any, obj: Any, /, *args: Any, **kwargs: Any) -> Any:
        budget = _step()
        if isinstance(obj, LoopContext):  # `loop(children)` in a recursive loop: count its turns
            args = (_each(context, args[0]), *args[1:]) if args else args
        else:
            args = _check_method(obj, args, kwargs)
        return _admit(super().call(context, obj, *args, **kwargs), budget)

    def concat(self, parts: Iterable[str]) -> str:
        """Join output: a macro's, a block's, or the whole render's."""
        pieces = parts if isinstance(parts, list) else list(parts)
        if sum(map(len, pieces)) > MAX_OUTPUT:
            raise TemplateLimitError(f"the text expands to over {MAX_OUTPUT:,} characters")
        return "".join(pieces)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        """`text.format` and `format_map`, through a formatter that meters every field."""
        method_types = (MethodType, BuiltinMethodType)
        if not isinstance(value, method_types) or value.__name__ not in ("format", "format_map"):
            return None
        text = value.__self__
        if not isinstance(text, str):
            return None
        by_map = value.__name__ == "format_map"

        def metered(*args: Any, **kwargs: Any) -> str:
            if by_map:
                if kwargs or len(args) != 1:
                    raise TypeError("format_map() takes exactly one argument")
                mapping = args[0]
                args, kwargs = (), mapping
            formatter = (_MeteredEscapeFormatter(self, escape=text.escape)
                         if isinstance(text, Markup) else _MeteredFormatter(self))  # fmt: skip
            formatter.room = MAX_OUTPUT - len(text)
            return type(text)(formatter.vformat(text, args, kwargs))

        return update_wrapper(metered, value)


ENV = WorksheetEnvironment(
    undefined=jinja2.StrictUndefined, finalize=_finalize, autoescape=False,
    keep_trailing_newline=False,
)  # fmt: skip
for _name in ("lipsum", "cycler", "joiner", "namespace"):
    ENV.globals.pop(_name, None)
TEMPLATE_ERRORS = (jinja2.TemplateError, TypeError, ValueError, ArithmeticError, RecursionError,
                   MemoryError, LookupError, AttributeError)  # fmt: skip


@contextmanager
def address_space_ceiling() -> Iterator[None]:
    """The backstop: on Linux, while a single-threaded process renders a worksheet, its address
    space may grow by ADDRESS_SPACE_HEADROOM at most, so anything the limits above miss ends in
    MemoryError (a clean template error) rather than in a machine out of memory."""
    old = _lower_address_space()
    try:
        yield
    finally:
        if old is not None:
            import resource

            resource.setrlimit(resource.RLIMIT_AS, old)


def _lower_address_space() -> tuple[int, int] | None:
    if sys.platform != "linux" or not ADDRESS_SPACE_HEADROOM or threading.active_count() > 1:
        return None
    import resource

    try:
        with open("/proc/self/statm", "rb") as statm:
            ceiling = int(statm.read().split()[0]) * resource.getpagesize() + ADDRESS_SPACE_HEADROOM
        old = resource.getrlimit(resource.RLIMIT_AS)
        if any(0 <= limit <= ceiling for limit in old):  # already as tight (RLIM_INFINITY is -1)
            return None
        resource.setrlimit(resource.RLIMIT_AS, (ceiling, old[1]))
    except (OSError, ValueError):
        return None
    return old


@lru_cache(maxsize=4096)
def compiled_template(source: str) -> jinja2.Template:
    """Compile a template once per process (batches render the same texts many times)."""
    return ENV.from_string(source)


@lru_cache(maxsize=1024)
def compiled_expression(source: str) -> Any:
    return ENV.compile_expression(source, undefined_to_none=False)


def explain(exc: Exception) -> str:
    if isinstance(exc, TemplateLimitError):
        return str(exc)
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
