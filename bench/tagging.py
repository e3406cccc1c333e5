"""Benchmark (not a test): what tagging (the structure tree, PDF/UA-1) costs a batch.

    python bench/tagging.py [--rounds 8] [--docs 10] [--jobs 1]

Builds the reference workbook (bench/reference.yaml, other names for each document, as a
batch's rows are) warm, tagged as every workbook is and untagged, the two taking turns each
round so that machine noise hits both alike, and prints documents per second of each and
what tagging costs (the issue's goal: at most 15% of batch throughput). `--jobs N` gives
each N warm processes, as `workbook batch --jobs N` has.

Untagged means no marked-content operator on any page (the canvas's marks are off from the
start, as inside an artifact; it still replays drawings, as workbook's canvas does) and no
structure tree written; the structure elements are still made with the story (a small part
of tagging's work), so the cost shown is slightly less than all of it. A PDF of each kind
is checked: the tagged one has a structure tree and marked content, the untagged one neither.
"""

from __future__ import annotations

import argparse
import importlib
import multiprocessing
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from pypdf import PdfReader

from workbook.build import build
from workbook.pdf.layout.tags import TaggingCanvas
from workbook.project import BuildOptions

HERE = Path(__file__).resolve().parent
render = importlib.import_module("workbook.pdf.render")  # the package's `render` is a function
KINDS = ("tagged", "untagged")


class QuietCanvas(TaggingCanvas):
    """Workbook's canvas (it replays recorded drawings) with its marks off from the start,
    as inside an artifact: layout/tags.py puts no marked-content operator on its pages."""

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.tags.quiet = 1


def untag() -> None:
    """From now on, this process builds untagged PDFs."""
    render.TaggingCanvas = QuietCanvas
    render.write_structure = lambda canv, root, tags: None


def make(number: int, folder: Path) -> Path:
    names = {"recipient.name": f"Person {number}", "loved_one.name": f"Kin {number}"}
    options = BuildOptions(HERE / "reference.yaml", folder / f"{number}.pdf", names, force=True)
    return build(options).path


_FOLDER: list[Path] = []  # in a pool's process: where it writes


def _worker(kind: str, folder: Path) -> None:
    """A pool's process: tagged or untagged from the start."""
    _FOLDER.append(folder)
    if kind == "untagged":
        untag()


def _make(number: int) -> Path:
    return make(number, _FOLDER[0])


def check(tagged: Path, untagged: Path) -> None:
    """The tagged build has a structure tree and marked content; the untagged one neither.
    (Each from a process of its own kind: replayed drawings keep the marks they were
    recorded with.)"""
    with_tags, without = PdfReader(tagged), PdfReader(untagged)
    assert "/StructTreeRoot" in with_tags.trailer["/Root"], "the tagged build has no structure"
    assert any(b" BDC" in page.get_contents().get_data() for page in with_tags.pages)
    assert "/StructTreeRoot" not in without.trailer["/Root"], "the untagged build is tagged"
    for page in without.pages:
        data = page.get_contents().get_data()
        assert b" BDC" not in data and b" BMC" not in data, "the untagged build marks content"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--docs", type=int, default=10, help="documents per kind per round")
    parser.add_argument("--jobs", type=int, default=1, help="warm processes per kind")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        spawn = multiprocessing.get_context("spawn")
        pools = {kind: ProcessPoolExecutor(args.jobs, spawn, _worker, (kind, folder / kind))
                 for kind in KINDS}  # fmt: skip
        for kind in KINDS:
            (folder / kind).mkdir()
        seconds = dict.fromkeys(KINDS, 0.0)
        number = 10
        try:
            warm = range(3, 3 + 4 * args.jobs)  # start and warm every process
            check(*(list(pools[kind].map(_make, warm))[-1] for kind in KINDS))
            for _ in range(args.rounds):
                for kind, pool in pools.items():
                    start = time.perf_counter()
                    list(pool.map(_make, range(number, number + args.docs)))
                    seconds[kind] += time.perf_counter() - start
                    number += args.docs
        finally:
            for pool in pools.values():
                pool.shutdown()
    rates = {kind: args.rounds * args.docs / seconds[kind] for kind in KINDS}
    print(f"warm, {args.jobs} process(es) per kind, {args.rounds} rounds of {args.docs}:")
    for kind, rate in rates.items():
        print(f"  {kind:<9} {rate:6.1f} documents/s")
    cost = 1 - rates["tagged"] / rates["untagged"]
    print(f"tagging costs {cost:.1%} of throughput (goal: at most 15%)")


if __name__ == "__main__":
    main()
