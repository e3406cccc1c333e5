"""Benchmark (not a test): the reference content through workbook and its peers.

    python bench/peers.py [--rounds 5] [--docs 10] [--cold 5]

The same content (bench/reference.yaml: a cover, eight worksheets with paragraphs, a 5-row
table, an 8-item checklist, 6 writing lines and a 0-10 scale; crisis page off) made by
- workbook: `workbook.build.build`, in this process, warm (validation, templates, contents,
  tagging, "Page X of Y", the file written): 19 pages;
- lean platypus: bench/lean.py, hand-written ReportLab platypus (no contents, no tags);
- Typst: bench/reference.typ, the content at Typst's compact defaults (tight table cells, the
  checklist as one paragraph, no running header, no front pages): 9 pages;
- Typst (workbook's craft): bench/reference-craft.typ, the same content laid out as workbook
  lays it out (its margins, running header and footer, cover, "How to use" and contents
  pages, sizes, spacing and keep rules): the same 19 pages, drawn alike.
Both Typst references exist because they answer two questions: the compact one is what a
Typst user gets for the least effort (fewer pages, so more documents per second), the
craft-matched one is the same job at the same page craft, so its ratio compares the engines
and not the layouts. Both go through the `typst` package from PyPI (a bench-only dependency:
`pip install typst`; skipped when it is not installed), one warm compiler each, tagged PDF.

Each document gets other names (recipient, loved one), as a batch's rows do. The engines take
turns, `--docs` documents each per round, so machine noise hits them alike; printed are
documents and pages per second and workbook's ratio to each peer. `--jobs N` gives each
engine N warm processes, as a batch has (the issue measured 2). `--cold N` adds a fresh
process per engine (bytecode cached, see bench/cold.py), median of N alternating runs.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import fontpkg
from pypdf import PdfReader

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import lean  # noqa: E402

Engine = Callable[[int, Path], Path]  # (document number, folder) -> the PDF written


def workbook_engine(number: int, folder: Path) -> Path:
    # imported here, so that the other engines' processes never load workbook (which makes
    # ReportLab remember the encoding of short texts, and would speed up the lean script)
    from workbook.build import build
    from workbook.project import BuildOptions

    overrides = {"recipient.name": f"Person {number}", "loved_one.name": f"Kin {number}"}
    options = BuildOptions(HERE / "reference.yaml", folder / f"wb-{number}.pdf", overrides,
                           force=True)  # fmt: skip
    return build(options).path


def lean_engine(number: int, folder: Path) -> Path:
    path = folder / f"lean-{number}.pdf"
    path.write_bytes(lean.build(f"Person {number}", f"Kin {number}"))
    return path


TYPST = {"Typst": "reference.typ", "Typst (workbook's craft)": "reference-craft.typ"}


def typst_fonts() -> str:
    return str(fontpkg.path("Atkinson Hyperlegible", weight=400).parent)


def typst_engine(reference: str) -> Engine | None:
    """A warm Typst compiler for one of the .typ references, or None without typst."""
    try:
        import typst
    except ImportError:
        return None
    compiler = typst.Compiler(str(HERE / reference), font_paths=[typst_fonts()],
                              ignore_system_fonts=True)  # fmt: skip
    stem = Path(reference).stem

    def make(number: int, folder: Path) -> Path:
        path = folder / f"{stem}-{number}.pdf"
        names = {"name": f"Person {number}", "loved": f"Kin {number}"}
        path.write_bytes(compiler.compile(sys_inputs=names))
        return path

    return make


def throughput(
    engines: dict[str, Engine], rounds: int, docs: int, folder: Path
) -> dict[str, float]:
    """Documents per second of each engine, the engines taking turns each round."""
    seconds = dict.fromkeys(engines, 0.0)
    for make in engines.values():  # warm: imports, fonts, caches
        make(0, folder)
    number = 1
    for _ in range(rounds):
        for name, make in engines.items():
            start = time.perf_counter()
            for _ in range(docs):
                make(number, folder)
                number += 1
            seconds[name] += time.perf_counter() - start
    return {name: rounds * docs / total for name, total in seconds.items()}


_WORKER: dict[str, Any] = {}  # in a pool's process: its engine and folder


def _engine(name: str) -> Engine:
    made = {"workbook": workbook_engine, "lean platypus": lean_engine}.get(name)
    made = made or typst_engine(TYPST[name])
    assert made is not None
    return made


def _start_worker(name: str, folder: Path) -> None:
    """A pool's process: make its engine and warm it."""
    make = _engine(name)
    make(0, folder)
    _WORKER.update(make=make, folder=folder)


def _make_in_worker(number: int) -> None:
    _WORKER["make"](number, _WORKER["folder"])


def pooled(names: list[str], jobs: int, rounds: int, docs: int, folder: Path) -> dict[str, float]:
    """Documents per second of each engine with `jobs` warm processes, as a batch has, the
    engines taking turns each round (fresh interpreters, not forks of this one)."""
    spawn = multiprocessing.get_context("spawn")
    pools = {name: ProcessPoolExecutor(jobs, spawn, _start_worker, (name, folder))
             for name in names}  # fmt: skip
    seconds = dict.fromkeys(names, 0.0)
    number = 1
    try:
        for pool in pools.values():  # start and warm every process
            list(pool.map(_make_in_worker, range(-jobs, 0)))
        for _ in range(rounds):
            for name, pool in pools.items():
                start = time.perf_counter()
                list(pool.map(_make_in_worker, range(number, number + docs)))
                seconds[name] += time.perf_counter() - start
                number += docs
    finally:
        for pool in pools.values():
            pool.shutdown()
    return {name: rounds * docs / total for name, total in seconds.items()}


def cold(runs: int, folder: Path, with_typst: bool) -> dict[str, float]:
    """Median seconds of a fresh process per engine, the engines alternating."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(folder / "pyc")
    commands = {
        "workbook": [sys.executable, "-m", "workbook.cli", "build", str(HERE / "reference.yaml"),
                     "-o", str(folder / "cold-wb.pdf"), "--force"],
        "lean platypus": [sys.executable, str(HERE / "lean.py"), str(folder / "cold-lean.pdf")],
    }  # fmt: skip
    for name, reference in TYPST.items():
        output = folder / f"cold-{Path(reference).stem}.pdf"
        code = (f"import typst; typst.compile({str(HERE / reference)!r}, output={str(output)!r}, "
                f"font_paths=[{typst_fonts()!r}], ignore_system_fonts=True)")  # fmt: skip
        if with_typst:
            commands[name] = [sys.executable, "-c", code]
    times: dict[str, list[float]] = {name: [] for name in commands}
    for args in commands.values():  # the first run writes the bytecode
        subprocess.run(args, check=True, capture_output=True, env=env)
    for _ in range(runs):
        for name, args in commands.items():
            start = time.perf_counter()
            subprocess.run(args, check=True, capture_output=True, env=env)
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(t) for name, t in times.items()}


def report(rates: dict[str, float], pages: dict[str, int]) -> None:
    print(f"{'engine':<25} {'docs/s':>8} {'pages/doc':>10} {'pages/s':>9}")
    for name, rate in rates.items():
        print(f"{name:<25} {rate:>8.1f} {pages[name]:>10} {rate * pages[name]:>9.0f}")
    ours = rates["workbook"]
    for name in rates:
        if name != "workbook":
            per_page = ours * pages["workbook"] / (rates[name] * pages[name])
            print(f"workbook / {name}: {ours / rates[name]:.2f}x per document, "
                  f"{per_page:.2f}x per page")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--docs", type=int, default=10, help="documents per engine per round")
    parser.add_argument("--cold", type=int, default=5, help="fresh-process runs (0: none)")
    parser.add_argument("--jobs", type=int, default=1, help="warm processes per engine")
    args = parser.parse_args()
    engines: dict[str, Engine] = {"workbook": workbook_engine, "lean platypus": lean_engine}
    for name, reference in TYPST.items():
        made = typst_engine(reference)
        if made is None:
            print(f"{name}: not installed (pip install typst), left out")
        else:
            engines[name] = made
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        if args.jobs > 1:
            rates = pooled(list(engines), args.jobs, args.rounds, args.docs, folder)
            where = f"in {args.jobs} processes per engine"
        else:
            rates, where = throughput(engines, args.rounds, args.docs, folder), "in one process"
        pages = {n: len(PdfReader(make(0, folder)).pages) for n, make in engines.items()}
        print(f"warm, {where}, {args.rounds} rounds of {args.docs} documents per engine:")
        report(rates, pages)
        if args.cold:
            medians = cold(args.cold, folder, "Typst" in engines)
            print(f"cold process, one document, median of {args.cold}:")
            for engine, seconds in medians.items():
                print(f"  {engine:<25} {seconds * 1000:6.0f} ms "
                      f"{seconds / medians['lean platypus']:5.2f}x lean")  # fmt: skip


if __name__ == "__main__":
    main()
