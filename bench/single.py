"""Benchmark (not a test): `workbook` against a lean hand-written platypus script.

    python bench/single.py [--runs 15]

Prints, on this machine:
- warm in-process build of the reference workbook (workbook: validation, templates,
  contents, outline, links, page X of Y; lean: bench/lean.py), alternating runs, medians
  and the ratio;
- cold start: a fresh `workbook build` process against a fresh lean process, and
  `workbook --help`, `list`, `validate` (which must not import ReportLab), with bytecode
  cached as an installed package's is (bench/cold.py);
- a scaling table for 1, 4, 16 and 64 worksheets (time per worksheet should stay flat).
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import lean  # noqa: E402
from cold import environment  # noqa: E402

from workbook.build import build  # noqa: E402
from workbook.project import BuildOptions  # noqa: E402


def timed(func: object, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return times


def warm(runs: int, folder: Path) -> tuple[float, float]:
    options = BuildOptions(manifest=HERE / "reference.yaml", output=folder / "w.pdf", force=True)
    build(options)
    lean.build()
    ours, theirs = [], []
    for _ in range(runs):  # alternate, so machine noise hits both alike
        ours += timed(lambda: build(options), 1)
        theirs += timed(lean.build, 1)
    return statistics.median(ours), statistics.median(theirs)


def cold(*commands: list[str], runs: int, cache: Path) -> list[float]:
    """Median seconds of a fresh process per command, the commands' runs alternating, with
    bytecode cached in `cache` as an installed package's is (bench/cold.py)."""
    env = environment(cache)
    for args in commands:  # the first run writes the bytecode
        subprocess.run(args, check=True, capture_output=True, env=env)
    times: list[list[float]] = [[] for _ in commands]
    for _ in range(runs):
        for args, measured in zip(commands, times, strict=True):
            start = time.perf_counter()
            subprocess.run(args, check=True, capture_output=True, env=env)
            measured.append(time.perf_counter() - start)
    return [statistics.median(t) for t in times]


def verdict(met: bool) -> str:
    return "met" if met else "MISSED"


def imports_reportlab(args: list[str]) -> bool:
    code = ("import sys; from workbook.cli import app\n"
            "try:\n    app(" + repr(args) + ")\nexcept SystemExit:\n    pass\n"
            "print('reportlab' in sys.modules)")  # fmt: skip
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    return result.stdout.strip().endswith("True")


def scaling(folder: Path) -> list[tuple[int, float]]:
    rows = []
    sheets = folder / "sheets"  # 64 distinct worksheets: copies of the eight reference ones
    sheets.mkdir()
    for i in range(64):
        sheet = yaml.safe_load((HERE / "reference" / f"reference-{1 + i % 8}.yaml").read_text())
        sheet["id"] = f"ref-{i}"
        (sheets / f"ref-{i}.yaml").write_text(yaml.safe_dump(sheet))
    for count in (1, 4, 16, 64):
        data = yaml.safe_load((HERE / "reference.yaml").read_text())
        data["worksheets"] = [f"ref-{i}" for i in range(count)]
        data["worksheets_dirs"] = [str(sheets)]
        manifest = folder / f"scale-{count}.yaml"
        manifest.write_text(yaml.safe_dump(data))
        options = BuildOptions(manifest=manifest, output=folder / f"s{count}.pdf", force=True)
        build(options)
        rows.append((count, statistics.median(timed(lambda o=options: build(o), 5))))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        ours, theirs = warm(args.runs, folder)
        print(f"warm build, median of {args.runs}: workbook {ours * 1000:.1f} ms, lean platypus "
              f"{theirs * 1000:.1f} ms, ratio {ours / theirs:.2f} (goal <= 0.85: {verdict(ours / theirs <= 0.85)})")  # fmt: skip
        workbook_cmd = [sys.executable, "-m", "workbook.cli"]
        ours_cold, lean_cold = cold(
            [*workbook_cmd, "build", str(HERE / "reference.yaml"), "-o", str(folder / "c.pdf"), "--force"],
            [sys.executable, str(HERE / "lean.py"), str(folder / "l.pdf")], runs=9,
            cache=folder / "pyc")  # fmt: skip
        ratio = ours_cold / lean_cold
        print(f"cold process, median of 9: workbook build {ours_cold:.2f} s, lean {lean_cold:.2f} s, "
              f"ratio {ratio:.2f} (goal <= 1.5: {verdict(ratio <= 1.5)})")  # fmt: skip
        for command in (["--help"], ["list"], ["validate"]):
            [seconds] = cold([*workbook_cmd, *command], runs=3, cache=folder / "pyc")
            loads = imports_reportlab(command)
            print(f"cold `workbook {' '.join(command)}`: {seconds:.2f} s, imports ReportLab: "
                  f"{loads} (goal False: {verdict(not loads)})")  # fmt: skip
        rows = scaling(folder)
        per_sheet = [seconds / count for count, seconds in rows]
        print("worksheets   ms/build   ms/worksheet")
        for count, seconds in rows:
            print(f"{count:>10} {seconds * 1000:>10.1f} {seconds * 1000 / count:>14.2f}")
        linear = all(b <= a * 1.1 for a, b in itertools.pairwise(per_sheet))  # never grows
        print(f"time per worksheet never grows with more worksheets: {verdict(linear)}")


if __name__ == "__main__":
    main()
