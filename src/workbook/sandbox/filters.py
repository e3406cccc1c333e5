"""Jinja2's filters, metered: each call is a step; amplifying ones are checked first, every
result after."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from jinja2 import nodes
from jinja2.filters import do_urlize, do_wordwrap, make_attrgetter

from .meter import (
    _BUDGET,
    _admit,
    _fits,
    _int,
    _joinable,
    _need,
    _printf_size,
    _replaced_size,
    _size,
    _step,
    _text,
)

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
    shown = items if attribute is None else map(make_attrgetter(_env(), attribute), items)
    _joinable(shown, len(_text(d)))
    return items


@_checks("sum")
def _sum(iterable: Any, attribute: Any = None, start: Any = 0) -> Any:
    if isinstance(start, int | float):
        return iterable
    items = list(iterable)  # adding lists copies the total so far each time
    shown = items if attribute is None else map(make_attrgetter(_env(), attribute), items)
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
        plain = do_wordwrap(_env(), s, width, break_long_words, "\n", break_on_hyphens)
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
            nodes.EvalContext(_env()), value, trim_url_limit, nofollow, None, None, extra_schemes
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


def _env() -> Any:
    """The sandboxed environment, for filters that look up attributes through it."""
    from .environment import ENV

    return ENV
