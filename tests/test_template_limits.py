"""Template limits: a render is metered as a whole, so a worksheet's template that would run for
minutes or build gigabytes ends quickly in a located error, and ordinary templates still work."""

from __future__ import annotations

import resource
import sys
import tempfile
import threading
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from conftest import flat, manifest, page_texts, worksheet, write_yaml
from workbook.build import build
from workbook.errors import WorkbookError
from workbook.project import BuildOptions, load_project
from workbook.sandbox import environment as sandbox

SECONDS = 5.0  # a guard, not a benchmark: the limits stop these in well under a second
MEGABYTES = 300

SLOW = "the template takes too long"
LONG = "the template builds a text or list over 200,000 characters"
BIG = "the template builds a number over 16,384 bits"
REPEAT = "not allowed in a template: the repeated text or list would be too long"
BIG_TEXT = '{% set s = "x "*5000 %}{% set s = s~s~s~s~s~s~s~s~s~s~s~s~s~s~s %}'  # 150,000


def write_own(folder: Path, text: str) -> tuple[Path, str]:
    """A manifest using one worksheet whose only block is a paragraph `text`; returns the
    manifest and the location every error about that text starts with."""
    sheet = write_yaml(
        folder / "mine" / "mine.yaml", worksheet(blocks=[{"type": "paragraph", "text": text}])
    )
    data = manifest(worksheets=["mine"], worksheets_dirs=["mine"])
    line = sheet.read_text(encoding="utf-8").splitlines().index("- type: paragraph") + 2
    where = f"{sheet}:{line}:3: error: worksheet 'mine', block 1 (paragraph): "
    return write_yaml(folder / "manifest.yaml", data), where


def measured(run: Callable[[], Any]) -> tuple[Any, float, float]:
    """What `run` returned or raised as WorkbookError, its seconds, and its peak megabytes."""
    tracemalloc.start()
    start = time.perf_counter()
    try:
        result = run()
    except WorkbookError as exc:
        result = exc
    finally:
        seconds = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
    return result, seconds, peak


def refused(tmp_path: Path, text: str) -> str:
    """Build a workbook around `text`; return its one error, checked for time and memory."""
    path, where = write_own(tmp_path, text)
    options = BuildOptions(manifest=path, output=tmp_path / "wb.pdf")
    result, seconds, peak = measured(lambda: build(options))
    assert seconds < SECONDS and peak < MEGABYTES, (seconds, peak)
    assert isinstance(result, WorkbookError), "the template was not refused"
    [message] = [str(d) for d in result.diagnostics]
    assert message.startswith(where), message
    return message.removeprefix(where)


LOOPS = [
    '{% for a in range(99999) %}{% for b in range(99999) %}{% endfor %}{% endfor %}',
    '{% for a in "x"*9999 %}{% for b in "x"*9999 %}{% endfor %}{% endfor %}',
    '{% for a in ["x"]*9999 %}{% for b in ["x"]*9999 %}{% endfor %}{% endfor %}',
    "{% macro m() %}{% for a in range(99999) %}{% for b in range(99999) %}{% endfor %}"
    "{% endfor %}{% endmacro %}{{ m() }}",
    "{% macro m(n) %}{% for a in range(99999) %}{{ m(n - 1) if n }}{% endfor %}{% endmacro %}"
    "{{ m(3) }}",
    "{% for a in range(99999) recursive %}{{ loop(range(99999)) if loop.depth < 3 }}{% endfor %}",
    "{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(40) }}",
]  # fmt: skip


@pytest.mark.parametrize("text", LOOPS)
def test_loops_that_print_nothing_stop_on_the_step_budget(tmp_path: Path, text: str) -> None:
    assert refused(tmp_path, text).startswith(SLOW)


NUMBERS = [
    "{{ 2**64**64**64 }}",
    "{{ ((9**64)**64)**64 }}",
    "{% set a = 9**64 %}{% set a = a*a %}{% set a = a*a %}{% set a = a*a %}{% set a = a*a %}"
    "{% set a = a*a %}{% set a = a*a %}{% set a = a*a %}{{ a }}",
]  # fmt: skip


@pytest.mark.parametrize("text", NUMBERS)
def test_big_numbers_are_refused_by_their_size(tmp_path: Path, text: str) -> None:
    assert refused(tmp_path, text) == BIG


TEXTS = [
    '{{ "%0999999999d"|format(1) }}',
    '{{ "%0999999999d" % 1 }}',
    '{{ "%*d" % (999999999, 1) }}',
    '{{ "%.999999999f" % 1 }}',
    "{{ '{:>999999999}'.format(1) }}",
    "{{ '{:>{w}}'.format(1, w=999999999) }}",
    '{{ "x".ljust(10**9) }}',
    '{{ "x".rjust(10**9) }}',
    '{{ "x".center(10**9) }}',
    '{{ "x".zfill(10**9) }}',
    '{{ "\t".expandtabs(10**9) }}',
    '{{ ("\t"*9999).expandtabs(9999) }}',
    '{{ "x"|center(999999999) }}',
    '{{ "x"|indent(999999999) }}',
    '{{ ("x\n"*4999)|indent(99) }}',
    '{{ ("x"*9999).replace("x", "x"*9999) }}',
    '{{ ("x"*9999)|replace("x", "x"*9999) }}',
    '{{ (["x"]*9999)|join("y"*9999) }}',
    '{{ range(99999)|join }}',
    '{% macro d(s, n) %}{{ d(s ~ s, n - 1) if n else s|length }}{% endmacro %}{{ d("x", 60) }}',
    '{% macro d(s, n) %}{{ d(s + s, n - 1) if n else s|length }}{% endmacro %}{{ d("x", 60) }}',
    BIG_TEXT + '{{ s|wordwrap(1, wrapstring="y"*99) }}',
    BIG_TEXT + "{{ s|truncate(150000, end=s) }}",
    BIG_TEXT + '{{ "%(s)s%(s)s" % {"s": s} }}',
    BIG_TEXT + '{{ "{0}{0}".format(s) }}',
    '{% set s = "x"*9999 %}{% set b = [s,s,s,s,s,s,s,s,s,s] %}{{ [b,b,b,b,b,b,b,b,b,b] }}',
    '{{ (1).to_bytes(999999999, "big") }}',
]  # fmt: skip


@pytest.mark.parametrize("text", TEXTS)
def test_texts_are_refused_before_they_are_built(tmp_path: Path, text: str) -> None:
    assert refused(tmp_path, text) == LONG


@pytest.mark.parametrize(
    "text", ['{{ [("x"*9999)]*9999 }}', '{{ ([("x"*9999)]*9999)|join }}', '{{ "x"*99999 }}']
)
def test_repetition_counts_what_a_list_holds(tmp_path: Path, text: str) -> None:
    assert refused(tmp_path, text) == REPEAT


POWERS = ["{{ 2**65 }}", "{{ 2**-65 }}", "{{ 2**64.5 }}", "{{ 1.5**99 }}", "{{ (2**2)**65 }}"]


@pytest.mark.parametrize("text", POWERS)
def test_a_power_beyond_64_is_refused(tmp_path: Path, text: str) -> None:
    power = text.rsplit("**", 1)[1].removesuffix(" }}")
    assert refused(tmp_path, text) == f"not allowed in a template: the power {power} is too large"


REPEATS = ['{{ "x"*10001 }}', '{{ 10001*"x" }}', '{{ "ab"*5001 }}', "{{ [0]*10001 }}",
           "{{ (1, 2)*5001 }}", "{% set n = 10001 %}{{ '-'*n }}"]  # fmt: skip


@pytest.mark.parametrize("text", REPEATS)
def test_repetition_beyond_10000_items_is_refused(tmp_path: Path, text: str) -> None:
    assert refused(tmp_path, text) == REPEAT


def test_format_map_is_metered_as_format_is(tmp_path: Path) -> None:
    text = BIG_TEXT + '{{ "{s}{s}".format_map({"s": s}) }}'
    assert refused(tmp_path, text) == LONG
    assert refused(tmp_path, '{{ "{s}".format_map({}, {}) }}') == (
        "template error: format_map() takes exactly one argument"
    )


def test_many_small_texts_add_up_to_a_refusal(tmp_path: Path) -> None:
    text = (
        BIG_TEXT + '{% macro m() %}{% for i in range(99) %}{{ s ~ "!" }}{% endfor %}{% endmacro %}'
    )
    assert refused(tmp_path, text + "{{ m()|length }}") == (
        "the template builds over 10,000,000 characters in all"
    )
    assert refused(tmp_path, "{% for i in range(9999) %}xxxxxxxxxxxxxxxxxxxxxxxxx{% endfor %}") == (
        "the text expands to over 200,000 characters"
    )


ORDINARY = [
    ("Dear {{ loved_one.name }}.", "Dear Alex."),
    ("{% if loved_one.relationship == 'partner' %}Partner{% else %}Other{% endif %}", "Partner"),
    ("{% for i in range(3) %}{{ loop.index }}{% endfor %} {{ 'abc'|upper }}", "123 ABC"),
    ("{{ ['tea', 'toast']|join(', ') }} and {{ loved_one.name ~ '!' }}", "tea, toast and Alex!"),
    ("{{ '%s is %d' % ('Alex', 2**5) }} {{ '{:0>4}'.format(7) }}", "Alex is 32 0007"),
    ("{{ 'a-b'|replace('-', '+') }} {{ 'x'.ljust(3, '.') }} {{ [1, 2, 3]|sum }}", "a+b x.. 6"),
    # the limits' own edges: a power of 64, 10,000 repeated items
    ("{{ 2**64 }} {{ 2**-64 }} {{ (-2)**63 }}", "18446744073709551616 5.421010862427522e-20 "
     "-9223372036854775808"),
    ("{{ ('x'*10000)|length }} {{ (10000*[0])|length }} {{ ('ab'*5000)|length }}",
     "10000 10000 10000"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), ORDINARY)
def test_ordinary_templates_still_render(tmp_path: Path, text: str, expected: str) -> None:
    path, _ = write_own(tmp_path, text)
    result, seconds, peak = measured(
        lambda: build(BuildOptions(manifest=path, output=tmp_path / "wb.pdf"))
    )
    assert not isinstance(result, WorkbookError), result
    assert seconds < SECONDS and peak < MEGABYTES, (seconds, peak)
    assert expected in flat(" ".join(page_texts(PdfReader(result.path))))


@pytest.mark.skipif(sys.platform != "linux", reason="the backstop is Linux only")
def test_the_backstop_ceiling_stops_an_allocation_and_is_restored() -> None:
    if threading.active_count() > 1:
        pytest.skip("the backstop stays off while other threads run")
    before = resource.getrlimit(resource.RLIMIT_AS)
    with sandbox.address_space_ceiling():
        assert resource.getrlimit(resource.RLIMIT_AS)[0] != resource.RLIM_INFINITY
        with pytest.raises(MemoryError):
            bytearray(2 * sandbox.ADDRESS_SPACE_HEADROOM)
    assert resource.getrlimit(resource.RLIMIT_AS) == before


# -- any template built from these constructs ends in time, in memory, and cleanly

size = st.sampled_from(["3", "64", "9999", "99999", "999999999", "10**9"])
small = st.sampled_from(["2", "9", "64"])
atom = st.one_of(
    size.map(lambda n: f"range({n})"),
    size.map(lambda n: f'"x"*{n}'),
    size.map(lambda n: f'["x"]*{n}'),
    st.lists(small, min_size=2, max_size=5).map(lambda ns: "**".join(ns)),
    st.lists(small, min_size=2, max_size=5).map(lambda ns: "(" + ")**(".join(ns) + ")"),
    size.map(lambda w: f'"%0{w}d" % 1'),
    size.map(lambda w: f'"%*d" % ({w}, 1)'),
    size.map(lambda w: f'"%0{w}d"|format(1)'),
    size.map(lambda w: "'{:>" + w + "}'.format(1)"),
    size.map(lambda w: "'{:>{w}}'.format(1, w=" + w + ")"),
    st.tuples(st.sampled_from(["ljust", "rjust", "center", "zfill", "expandtabs"]), size).map(
        lambda m: f'"x\t".{m[0]}({m[1]})'
    ),
    st.tuples(st.sampled_from(["center", "indent"]), size).map(lambda f: f'"x"|{f[0]}({f[1]})'),
    st.tuples(size, size).map(lambda n: f'("x"*{n[0]}).replace("x", "x"*{n[1]})'),
    st.tuples(size, size).map(lambda n: f'("x"*{n[0]})|replace("x", "x"*{n[1]})'),
    st.tuples(size, size).map(lambda n: f'(["x"*{n[0]}]*{n[1]})|join'),
    st.just("loved_one.name"),
)
expression = st.recursive(
    atom,
    lambda inner: st.one_of(
        st.tuples(inner, inner).map(lambda p: f"({p[0]}) ~ ({p[1]})"),
        st.tuples(inner, inner).map(lambda p: f"({p[0]}) + ({p[1]})"),
        inner.map(lambda e: f"({e})|join"),
        inner.map(lambda e: f"({e})|length"),
    ),
    max_leaves=4,
)
body = st.recursive(
    expression.map(lambda e: "{{ " + e + " }}"),
    lambda inner: st.one_of(
        st.tuples(atom, inner).map(lambda p: "{% for v in " + p[0] + " %}" + p[1] + "{% endfor %}"),
        inner.map(lambda b: "{% macro m() %}" + b + "{% endmacro %}{{ m() }}{{ m() }}"),
        st.lists(inner, min_size=2, max_size=3).map("".join),
    ),
    max_leaves=5,
)
doubling = st.tuples(st.sampled_from(["~", "+"]), st.integers(0, 40)).map(
    lambda p: (
        "{% macro d(s, n) %}{{ d(s "
        + p[0]
        + " s, n - 1) if n else s|length }}"
        + "{% endmacro %}{{ d('x', "
        + str(p[1])
        + ") }}"
    )
)


@settings(max_examples=60, deadline=None)
@given(st.one_of(body, doubling))
def test_any_template_ends_in_time_and_memory_with_text_or_a_located_error(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path, where = write_own(Path(folder), text)
        grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        start = time.perf_counter()
        try:
            load_project(BuildOptions(manifest=path))
        except WorkbookError as exc:
            [message] = [str(d) for d in exc.diagnostics]
            assert message.startswith(where), message
            assert "too much memory" not in message  # the limits, not the backstop, stopped it
        seconds = time.perf_counter() - start
        grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - grown) / 1024
        assert seconds < SECONDS and grown < MEGABYTES, (seconds, grown)
