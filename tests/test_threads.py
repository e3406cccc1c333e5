"""Builds in threads give the same bytes as builds alone: the studio will build in a server.

Rendering takes turns (`workbook.pdf.render` holds a lock); loading a project does not, so
these tests switch threads as often as Python allows while projects load and render.
"""

from __future__ import annotations

import gc
import logging
import random
import shutil
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import fontpkg
import pytest

from conftest import write_yaml
from workbook.build import build
from workbook.library import available, builtin_dir
from workbook.pdf import render
from workbook.project import BuildOptions, load_project

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
THREADS = 4
T = TypeVar("T")
Case = tuple[Path, str, bool]  # manifest, language, fillable
CASES: list[Case] = [
    (EXAMPLES / f"{name}.yaml", language, fillable)
    for name in ("partner", "parent", "self")
    for language in ("en", "es")
    for fillable in (False, True)
]


def _options(case: Case, **more: Any) -> BuildOptions:
    manifest, language, fillable = case
    overrides = {"language": language, "fillable": fillable, **more.pop("overrides", {})}
    return BuildOptions(manifest=manifest, overrides=overrides, **more)


def _rendered(options: BuildOptions) -> bytes:
    return render(load_project(options)).pdf


def _written(options: BuildOptions) -> bytes:
    result = build(options)
    assert result.path is not None
    return result.path.read_bytes()


@contextmanager
def _switching_often() -> Iterator[None]:
    """Let Python switch threads every microsecond, to show races a normal run would hide."""
    previous = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        yield
    finally:
        sys.setswitchinterval(previous)


def _in_threads(jobs: Sequence[Callable[[], T]]) -> list[T | BaseException]:
    """Run the jobs over THREADS threads that start together; each job's result or exception."""
    results: dict[int, T | BaseException] = {}
    start = threading.Barrier(THREADS)

    def work(first: int) -> None:
        start.wait()
        for index in range(first, len(jobs), THREADS):
            try:
                results[index] = jobs[index]()
            except BaseException as exc:  # reported by the test, not lost
                results[index] = exc

    threads = [threading.Thread(target=work, args=(i,)) for i in range(THREADS)]
    with _switching_often():
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a job never finished"
    return [results[index] for index in range(len(jobs))]


def _differences(names: list[str], results: list[bytes | BaseException],
                 expected: list[bytes]) -> list[str]:  # fmt: skip
    return [f"{name}: {result!r}" if isinstance(result, BaseException) else f"{name}: other bytes"
            for name, result, alone in zip(names, results, expected, strict=True)
            if isinstance(result, BaseException) or result != alone]  # fmt: skip


def test_builds_in_threads_give_the_bytes_of_builds_alone(tmp_path: Path) -> None:
    """36 builds of the examples (English and Spanish, print and fillable) over 4 threads, a
    third of them written to a file by `build`, each the same as that build done alone."""
    alone = {case: _rendered(_options(case)) for case in CASES}
    jobs: list[tuple[str, Callable[[], bytes], bytes]] = []
    for number, case in enumerate(CASES * 3):
        name = f"{case[0].stem}/{case[1]}/{'fillable' if case[2] else 'print'} #{number}"
        if number < 2 * len(CASES):
            jobs.append((name, partial(_rendered, _options(case)), alone[case]))
        else:
            options = _options(case, output=tmp_path / f"{number}.pdf")
            jobs.append((f"{name} (build)", partial(_written, options), alone[case]))
    random.Random(26).shuffle(jobs)
    names, calls, expected = (list(column) for column in zip(*jobs, strict=True))
    assert _differences(names, _in_threads(calls), expected) == []


def _own_font_theme(folder: Path) -> dict[str, str]:
    """Overrides for a theme whose regular face is its own copy of the default theme's."""
    regular = fontpkg.path("Atkinson Hyperlegible", weight=400, style="normal", nearest=True)
    folder.mkdir()
    font = shutil.copy(regular, folder / Path(regular).name)  # the same name and bytes
    fonts = {"regular": str(font)}
    return {"theme": str(write_yaml(folder / "own.yaml", {"extends": "default", "fonts": fonts}))}


def test_a_theme_font_loads_while_other_threads_build(tmp_path: Path) -> None:
    """Themes naming their own copies of a font file, loaded for the first time (which
    registers the font) while other threads lay out with that font, change no byte."""
    cases = [case for case in CASES if not case[2]]  # the print editions
    themes = [_own_font_theme(tmp_path / f"theme-{i}") for i in range(len(cases))]
    jobs = [partial(_rendered, _options(case)) for case in cases]
    jobs += [partial(_rendered, _options(case, overrides=own))
             for case, own in zip(cases, themes, strict=True)]  # fmt: skip
    expected = [_rendered(_options(case)) for case in cases]
    results = _in_threads(jobs)
    expected += [_rendered(_options(case, overrides=own))
                 for case, own in zip(cases, themes, strict=True)]  # fmt: skip
    names = [f"{case[0].stem}/{case[1]}" for case in cases]
    names += [f"{name} (own font)" for name in names]
    assert _differences(names, results, expected) == []


def test_checking_workbooks_in_threads_leaves_pypdf_logging_as_it_was(tmp_path: Path) -> None:
    """Before a build replaces a workbook it reads it with pypdf (for answers), whose logger,
    the whole process's, is quiet meanwhile: threads doing that at once leave it as it was,
    not silenced for good."""
    from workbook.output import guard

    logger = logging.getLogger("pypdf")
    before = logger.level
    pdf = _written(_options(CASES[4], output=tmp_path / "0.pdf"))
    for i in range(1, THREADS):
        (tmp_path / f"{i}.pdf").write_bytes(pdf)
    jobs = [partial(guard, tmp_path / f"{i % THREADS}.pdf", "pdf") for i in range(40 * THREADS)]
    assert not any(isinstance(result, BaseException) for result in _in_threads(jobs))
    assert logger.level == before


def test_a_build_pauses_the_collector_and_frees_its_cycles_after_it(tmp_path: Path) -> None:
    """The garbage collector waits while a build runs (it makes hundreds of thousands of
    objects), then one pass over the build's own objects frees the cycles it left; a build
    while the collector is off (another thread's build is under way) leaves it off."""
    options = BuildOptions(EXAMPLES / "partner.yaml", tmp_path / "a.pdf", force=True)
    passes: list[int] = []

    def seen(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            passes.append(info["generation"])

    gc.callbacks.append(seen)
    try:
        build(options)
    finally:
        gc.callbacks.remove(seen)
    assert passes == [0]
    assert gc.isenabled()
    assert len(gc.get_objects(generation=0)) < 1000  # what the build left: freed or older
    gc.disable()
    try:
        build(options)
        assert not gc.isenabled()
    finally:
        gc.enable()


@pytest.mark.parametrize("fillable", [False, True], ids=["print", "fillable"])
def test_a_build_leaves_no_reference_cycles(tmp_path: Path, fillable: bool) -> None:
    """Reference counting frees everything a build made as it ends: the layout and ReportLab's
    cycles are broken (render._release, the tagging canvas's drawText, structure elements
    holding their parents weakly), so the collector's pass after a build finds nothing."""
    every = sorted(available("en", [builtin_dir()]))
    overrides = {"worksheets": every, "fillable": fillable, "edition": "facilitator"}
    options = BuildOptions(EXAMPLES / "partner.yaml", tmp_path / "a.pdf", overrides, force=True)
    build(options)  # the first build fills the process's caches
    gc.disable()
    try:
        gc.collect()
        build(options)
        assert gc.collect() == 0
    finally:
        gc.enable()
