"""The template meter: one budget per render counts steps (loop turns, calls, operators,
filters) against MAX_STEPS and a wall clock, and characters built against MAX_BUILT; every
text, list or number a template builds is refused *before* it is built when it would pass
MAX_OUTPUT characters or MAX_INT_BITS."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from typing import Any, TypeVar

from jinja2.exceptions import SecurityError
from jinja2.sandbox import (
    SandboxedEscapeFormatter,
    SandboxedFormatter,
)
from markupsafe import Markup

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


def metered(render: Callable[[dict[str, Any]], T], context: dict[str, Any]) -> T:
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
