"""Benchmark (not a test): where the time of a warm build goes, stage by stage.

    python bench/phases.py [--docs 60]

Builds the reference workbook (bench/reference.yaml) once per document in this process, as
a batch worker does (other names each time, after a few builds to warm up), with each stage
timed by a wrapper, and prints the milliseconds per document of each. The stages nest:
`render` holds the document, the flowables, ReportLab's layout and drawing and the file's
serialisation; `build` is the whole.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import reportlab.platypus.doctemplate as doctemplate

import workbook.build as pipeline
from workbook.project import BuildOptions

HERE = Path(__file__).resolve().parent
SPENT: dict[str, float] = defaultdict(float)


def timed(owner: Any, name: str, label: str) -> None:
    """Replace owner.name with a wrapper adding its time to SPENT[label]."""
    inner: Callable[..., Any] = getattr(owner, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return inner(*args, **kwargs)
        finally:
            SPENT[label] += time.perf_counter() - start

    setattr(owner, name, wrapper)


def instrument() -> list[str]:
    """Time each stage; their labels, outermost first."""
    render = sys.modules["workbook.pdf.render"]
    stages = [
        (pipeline, "load_project", "load the project (manifest, worksheets, templates)"),
        (pipeline, "render", "render (all below)"),
        (render, "build_document", "  the document (format-neutral)"),
        (render, "_story", "  the flowables, keep rules"),
        (render, "with_care_notes", "  care notes"),
        (doctemplate.BaseDocTemplate, "build", "  ReportLab layout and drawing"),
        (render, "finish_pages", "  page numbers, contents numbers"),
        (render, "write_structure", "  the structure tree (tags)"),
        (render, "write_packed", "  the PDF file's bytes"),
        (pipeline, "write_guarded", "write the file (atomic, fsync)"),
    ]
    for owner, name, label in stages:
        timed(owner, name, label)
    return [label for _, _, label in stages]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=60)
    args = parser.parse_args()
    labels = instrument()
    with tempfile.TemporaryDirectory() as name:

        def options(n: int) -> BuildOptions:
            names = {"recipient.name": f"Person {n}", "loved_one.name": f"Kin {n}"}
            return BuildOptions(HERE / "reference.yaml", Path(name) / f"{n % 3}.pdf", names,
                                force=True)  # fmt: skip

        for n in range(10):  # warm: imports, fonts, caches
            pipeline.build(options(n))
        SPENT.clear()
        start = time.perf_counter()
        for n in range(10, 10 + args.docs):
            pipeline.build(options(n))
        total = time.perf_counter() - start
    print(f"warm build of the reference workbook, ms per document (mean of {args.docs}):")
    print(f"  {'build (all)':<52} {total / args.docs * 1000:6.2f}")
    for label in labels:
        print(f"  {label:<52} {SPENT[label] / args.docs * 1000:6.2f}")


if __name__ == "__main__":
    main()
