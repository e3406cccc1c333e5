"""Stage 4, personalisation: render every text field as a sandboxed Jinja2 template.

Worksheet authors write the templates, so each render is metered as a whole. One budget per
render counts steps (loop turns, calls, operators, filters) against MAX_STEPS and a wall clock,
and characters built against MAX_BUILT. Every text, list or number a template builds is refused
*before* it is built when it would pass MAX_OUTPUT characters or MAX_INT_BITS: operators, calls
and filters are checked through the sandbox's own hooks, and the parsed template is rewritten
(`_Metered`) so loops, `~` and literals go through the meter too. On Linux an address-space
ceiling is a backstop under all of this, not a replacement for it.
"""

from __future__ import annotations

import re
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache, update_wrapper, wraps
from types import BuiltinMethodType, MethodType
from typing import Any, TypeVar

import jinja2
from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.exceptions import SecurityError
from jinja2.filters import do_urlize, do_wordwrap, make_attrgetter
from jinja2.runtime import LoopContext
from jinja2.sandbox import (
    ImmutableSandboxedEnvironment,
    SandboxedEscapeFormatter,
    SandboxedFormatter,
)
from jinja2.visitor import NodeTransformer
from markupsafe import Markup
from pydantic import BaseModel

from .errors import Location, WorkbookError
from .library import LoadedWorksheet
from .markup import escape_markup
from .models import BlockBase, Worksheet
from .sources import Key
from .validate import sorted_by_place

T = TypeVar("T")

MAX_OUTPUT = 200_000  # characters in a rendered text, and in any text or list a template builds
MAX_REPEAT = 10_000  # longest string or list a template may build with * (items)
MAX_POWER = 64
MAX_INT_BITS = 16_384  # about 4,900 digits: more than Python will print anyway
MAX_STEPS = 100_000  # loop turns, calls, operators and filters in one render
MAX_SECONDS = 1.0  # wall clock for one render
MAX_BUILT = 50 * MAX_OUTPUT  # characters built in all during one render
ADDRESS_SPACE_HEADROOM = 1 << 30  # the Linux backstop's room for one worksheet; 0 turns it off


class TemplateLimitError(SecurityError):
    """A template went over one of the limits above; the message says which."""


def _too_long() -> TemplateLimitError:
    return TemplateLimitError(f"the template builds a text or list over {MAX_OUTPUT:,} characters")


class _Budget:
    """What one render has spent: steps and characters built; the clock is read every 16 steps."""

    __slots__ = ("built", "deadline", "steps")

    def __init__(self) -> None:
        self.steps = self.built = 0
        self.deadline = time.perf_counter() + MAX_SECONDS

    def step(self) -> None:
        self.steps += 1
        if not self.steps & 15:
            self.check()

    def check(self) -> None:
        if self.steps > MAX_STEPS:
            raise TemplateLimitError(f"the template takes too long (over {MAX_STEPS:,} steps)")
        if time.perf_counter() > self.deadline:
            raise TemplateLimitError(f"the template takes too long (over {MAX_SECONDS:g} s)")

    def spend(self, chars: int) -> None:
        self.built += chars
        if self.built > MAX_BUILT:
            raise TemplateLimitError(f"the template builds over {MAX_BUILT:,} characters in all")
        if chars > 4096:  # a big operation: look at the clock now
            self.check()

    def counted(self, items: Iterable[T]) -> Iterator[T]:
        for item in items:
            self.steps += 1
            if not self.steps & 15:
                self.check()
            yield item


_BUDGET: ContextVar[_Budget | None] = ContextVar("template_budget", default=None)


def _metered(render: Callable[[dict[str, Any]], T], context: dict[str, Any]) -> T:
    """Run one render with a fresh budget."""
    token = _BUDGET.set(_Budget())
    try:
        return render(context)
    finally:
        _BUDGET.reset(token)


def _step() -> _Budget | None:
    budget = _BUDGET.get()
    if budget is not None:
        budget.step()
    return budget


# -- sizes: how long a value's text is, without spelling it out


_TEXTS = (str, bytes)
_CONTAINERS = (list, tuple, dict, set, frozenset)
_SEQUENCES = (str, bytes, list, tuple)


def _size(value: object, limit: int = MAX_OUTPUT) -> int:
    """About how many characters `str(value)` has; a list holding one text many times counts it
    each time. Counting stops once past `limit`."""
    if isinstance(value, _TEXTS):
        return len(value)
    if isinstance(value, int):
        return value.bit_length() // 3 + 2
    if not isinstance(value, _CONTAINERS):
        return 16
    total, stack = 0, list[object]([value])
    while stack and total <= limit:
        item = stack.pop()
        if type(item) is str:
            total += len(item) + 2
        elif isinstance(item, dict):
            total += 2 + 4 * len(item)
            if total <= limit:
                stack += [*item.keys(), *item.values()]
        elif isinstance(item, _CONTAINERS):  # not a dict
            total += 2 + 2 * len(item)
            if total <= limit:
                stack.extend(item)
        else:
            total += _size(item) + 2
    return total


def _need(size: int) -> None:
    if size > MAX_OUTPUT:
        raise _too_long()


def _fits(value: object) -> None:
    _need(_size(value))


def _text(value: object) -> str:
    """`str(value)`, refused before a list holding a long text many times is spelled out."""
    if isinstance(value, str):
        return value
    _fits(value)
    return str(value)


def _int(value: object) -> int:
    return value if isinstance(value, int) else 0


def _admit(value: Any, budget: _Budget | None) -> Any:
    """Count a value an operation built; refuse it when it is over the limits."""
    if type(value) is str:
        size = len(value)
    elif isinstance(value, int):
        if value.bit_length() > MAX_INT_BITS:
            raise TemplateLimitError(f"the template builds a number over {MAX_INT_BITS:,} bits")
        return value
    else:
        size = _size(value)
    if size > MAX_OUTPUT:
        raise _too_long()
    if budget is not None:
        budget.spend(size)
    return value


def _joinable(items: Iterable[Any], separator: int, escape: int = 1) -> list[Any]:
    """`items` as a list, refused before joining them would pass MAX_OUTPUT."""
    kept, total = [], -separator
    for item in items:
        total += (len(item) if type(item) is str else _size(item)) * escape + separator
        if total > MAX_OUTPUT:
            raise _too_long()
        kept.append(item)
    return kept


def _replaced_size(text: str | bytes, old: Any, new: Any, count: Any, escape: int = 1) -> int:
    try:
        times = text.count(old)
    except TypeError:  # Markup escapes `old` first; anything else the method refuses itself
        times = len(text) + 1
    if isinstance(count, int) and count >= 0:
        times = min(times, count)
    shrink = len(old) if isinstance(old, _TEXTS) else 0
    return len(text) + times * max(0, _size(new) * escape - shrink)


_PRINTF_SPEC = re.compile(r"[-#0 +]*(\*|\d*)(?:\.(\*|\d*))?[hlL]?(.?)", re.S)
_DIGITS = re.compile(r"\d+")


def _spec_number(part: str | None, args: Iterator[Any]) -> int:
    if part == "*":
        return abs(_int(next(args, 0)))
    return (int(part) if len(part) < 10 else MAX_OUTPUT + 1) if part else 0


def _printf_size(form: str | bytes, values: Any) -> int:
    """An upper bound on the length of `form % values`, found without formatting."""
    text = form.decode("latin-1") if isinstance(form, bytes) else form
    escape = 6 if isinstance(form, Markup) else 1  # Markup escapes what it formats
    args = iter(values if isinstance(values, tuple) else (values,))
    total, at = len(text), text.find("%")
    while at != -1:
        key, at = None, at + 1
        if text.startswith("(", at):  # %(name)s: the name may hold balanced brackets
            depth, end = 1, at + 1
            while end < len(text) and depth:
                depth += {"(": 1, ")": -1}.get(text[end], 0)
                end += 1
            key, at = text[at + 1 : end - 1], end
        spec = _PRINTF_SPEC.match(text, at)
        assert spec is not None  # every part of the pattern is optional
        width, precision, kind = spec.groups()
        total += _spec_number(width, args) + _spec_number(precision, args)
        if kind != "%":
            by_name = values.get(key) if isinstance(values, dict) else values
            arg = next(args, None) if key is None else by_name
            total += _size(arg) * escape * (10 if kind in ("r", "a") else 1) + 32
        at = text.find("%", spec.end())
    return total


def _spec_width(spec: str) -> int:
    """Widths and precisions in a format spec, added up: an upper bound on what they pad to."""
    numbers = _DIGITS.findall(spec) if spec else ()
    return sum(int(d) if len(d) < 10 else MAX_OUTPUT + 1 for d in numbers)


# -- operators, method calls and str.format


def _check_power(left: Any, right: Any) -> None:
    if isinstance(right, int | float) and abs(right) > MAX_POWER:
        raise SecurityError(f"the power {right} is too large")
    if (
        isinstance(left, int)
        and isinstance(right, int)
        and left.bit_length() * right > MAX_INT_BITS
    ):
        raise TemplateLimitError(f"the template builds a number over {MAX_INT_BITS:,} bits")


def _check_times(left: Any, right: Any) -> None:
    for seq, count in ((left, right), (right, left)):
        sized = isinstance(seq, _SEQUENCES) and isinstance(count, int)
        if sized and (len(seq) * count > MAX_REPEAT or _size(seq) * count > MAX_OUTPUT):
            raise SecurityError("the repeated text or list would be too long")
    numbers = isinstance(left, int) and isinstance(right, int)
    if numbers and left.bit_length() + right.bit_length() > MAX_INT_BITS:
        raise TemplateLimitError(f"the template builds a number over {MAX_INT_BITS:,} bits")


def _check_plus(left: Any, right: Any) -> None:
    if isinstance(left, _SEQUENCES) and isinstance(right, _SEQUENCES):
        _need(_size(left) + _size(right))


def _check_modulo(left: Any, right: Any) -> None:
    if isinstance(left, _TEXTS):
        _need(_printf_size(left, right))


_BINOP_CHECKS = {"+": _check_plus, "*": _check_times, "**": _check_power, "%": _check_modulo}
_GROWING_METHODS = frozenset(
    {"center", "ljust", "rjust", "zfill", "expandtabs", "replace", "join", "translate", "to_bytes"}
)


def _check_text_method(
    text: str | bytes, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> tuple[Any, ...]:
    escape = 6 if isinstance(text, Markup) else 1  # Markup escapes what is passed in
    if name == "join" and args:
        return (_joinable(args[0], len(text), escape), *args[1:])
    if name in ("center", "ljust", "rjust", "zfill") and args:
        _need(max(len(text), _int(args[0])))
    elif name == "expandtabs":
        tabs = text.count("\t") if isinstance(text, str) else text.count(b"\t")
        _need(len(text) + tabs * max(0, _int(args[0] if args else kwargs.get("tabsize", 8))))
    elif name == "replace" and len(args) >= 2:
        count = args[2] if len(args) > 2 else kwargs.get("count", -1)
        _need(_replaced_size(text, args[0], args[1], count, escape))
    elif name == "translate" and args and isinstance(text, str):
        table = args[0]  # what each character becomes
        values = table.values() if isinstance(table, dict) else table
        values = values if isinstance(table, dict | list | tuple) else ()
        _need(len(text) * max([1, *(len(v) for v in values if isinstance(v, str))]))
    return args


def _check_method(method: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
    """The arguments of a call, refused before a str/bytes/int method would build too much."""
    name = getattr(method, "__name__", None)
    if name not in _GROWING_METHODS:
        return args
    owner = getattr(method, "__self__", None)
    if isinstance(owner, _TEXTS):
        return _check_text_method(owner, name, args, kwargs)
    if isinstance(owner, int) and name == "to_bytes":
        _need(_int(args[0] if args else kwargs.get("length", 1)))
    return args


class _MeteredFormatter(SandboxedFormatter):
    """str.format in the sandbox, refused before a field or the whole would pass MAX_OUTPUT."""

    growth = 1  # how much escaping may lengthen a field
    room = MAX_OUTPUT

    def convert_field(self, value: Any, conversion: str | None) -> Any:
        self._take(_size(value) * (10 if conversion in ("r", "a") else 1))
        return super().convert_field(value, conversion)

    def format_field(self, value: Any, format_spec: str) -> Any:
        self._take(_spec_width(format_spec) + 8)
        return super().format_field(value, format_spec)

    def _take(self, size: int) -> None:
        self.room -= size * self.growth
        if self.room < 0:
            raise _too_long()


class _MeteredEscapeFormatter(_MeteredFormatter, SandboxedEscapeFormatter):
    growth = 6


# -- filters: each call is a step; amplifying ones are checked first, every result after

_FILTER_CHECKS: dict[str, Callable[..., Any]] = {}


def _checks(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a check taking a filter's arguments (after any context) and returning the value
    to filter, so wrong arguments read as the filter's own error."""

    def register(check: Callable[..., Any]) -> Callable[..., Any]:
        check.__qualname__ = name
        _FILTER_CHECKS[name] = check
        return check

    return register


@_checks("center")
def _center(value: Any, width: Any = 80) -> Any:
    _need(max(_size(value), _int(width)))
    return value


@_checks("indent")
def _indent(s: Any, width: Any = 4, first: Any = False, blank: Any = False) -> Any:
    step = len(width) if isinstance(width, str) else _int(width)
    _need(step)
    _need(_size(s) + (_text(s).count("\n") + 1) * step)
    return s


@_checks("replace")
def _replace(s: Any, old: Any, new: Any, count: Any = None) -> Any:
    _need(_replaced_size(_text(s), _text(old), _text(new), -1 if count is None else count))
    return s


@_checks("format")
def _format(value: Any, *args: Any, **kwargs: Any) -> Any:
    _need(_printf_size(_text(value), kwargs or args))
    return value


@_checks("join")
def _join(value: Any, d: Any = "", attribute: Any = None) -> Any:
    items = list(value)  # `value` may be a generator, readable once
    shown = items if attribute is None else map(make_attrgetter(ENV, attribute), items)
    _joinable(shown, len(_text(d)))
    return items


@_checks("sum")
def _sum(iterable: Any, attribute: Any = None, start: Any = 0) -> Any:
    if isinstance(start, int | float):
        return iterable
    items = list(iterable)  # adding lists copies the total so far each time
    shown = items if attribute is None else map(make_attrgetter(ENV, attribute), items)
    total = _size(start) + sum(_size(item) for item in shown)
    _need(total)
    budget = _BUDGET.get()
    if budget is not None:
        budget.spend(len(items) * total // 2)
    return items


@_checks("wordwrap")
def _wordwrap(
    s: Any, width: Any = 79, break_long_words: Any = True, wrapstring: Any = None,
    break_on_hyphens: Any = True,
) -> Any:  # fmt: skip
    _fits(s)
    if wrapstring is not None and len(_text(wrapstring)) > 1:
        plain = do_wordwrap(ENV, s, width, break_long_words, "\n", break_on_hyphens)
        _need(len(plain) + plain.count("\n") * (len(_text(wrapstring)) - 1))
    return s


@_checks("truncate")
def _truncate(
    s: Any, length: Any = 255, killwords: Any = False, end: Any = "...", leeway: Any = None
) -> Any:
    _need(_size(s) + _size(end))
    return s


@_checks("urlize")
def _urlize(
    value: Any, trim_url_limit: Any = None, nofollow: Any = False, target: Any = None,
    rel: Any = None, extra_schemes: Any = None,
) -> Any:  # fmt: skip
    _fits(value)
    extra = len(_text(target or "")) + len(_text(rel or ""))
    if extra:  # each link repeats target and rel, escaped
        plain = do_urlize(
            nodes.EvalContext(ENV), value, trim_url_limit, nofollow, None, None, extra_schemes
        )
        _need(len(plain) + plain.count("<a ") * 6 * (extra + 16))
    return value


@_checks("batch")
def _batch(value: Any, linecount: Any, fill_with: Any = None) -> Any:
    _fits(value)
    if fill_with is not None:
        _need(_int(linecount))
    return value


@_checks("slice")
def _slice(value: Any, slices: Any, fill_with: Any = None) -> Any:
    _fits(value)
    _need(_int(slices))  # one list per slice
    return value


@_checks("tojson")
def _tojson(value: Any, indent: Any = None) -> Any:
    step = len(indent) if isinstance(indent, str) else _int(indent)
    _need(_size(value) * 6 * (1 + step))
    return value


def _metered_filter(
    func: Callable[..., Any], check: Callable[..., Any] | None
) -> Callable[..., Any]:
    skip = 0 if getattr(func, "jinja_pass_arg", None) is None else 1  # context, eval_ctx or env

    @wraps(func)  # keeps jinja_pass_arg
    def metered(*args: Any, **kwargs: Any) -> Any:
        budget = _step()
        if len(args) > skip:
            value = args[skip]
            if check is None:
                if type(value) is not str:
                    _fits(value)
            elif (new := check(*args[skip:], **kwargs)) is not value:  # checks size `value` too
                args = (*args[:skip], new, *args[skip + 1 :])
        return _admit(func(*args, **kwargs), budget)

    return metered


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
def _address_space_ceiling() -> Iterator[None]:
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
def _template(source: str) -> jinja2.Template:
    """Compile a template once per process (batches render the same texts many times)."""
    return ENV.from_string(source)


@lru_cache(maxsize=1024)
def _expression(source: str) -> Any:
    return ENV.compile_expression(source, undefined_to_none=False)


def _explain(exc: Exception) -> str:
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
            template = _template(source)
            return _metered(template.render, self.context)
        except TEMPLATE_ERRORS as exc:
            raise self._fail(where, what, exc) from None

    def condition(self, expression: str, where: Location, what: str) -> bool:
        try:
            test = _expression(expression)
            return bool(_metered(test, self.context))
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
        with _address_space_ceiling():
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
