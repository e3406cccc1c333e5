"""Benchmark (not a test): a rebuild in the warm process of `workbook build --watch`.

    python bench/watch.py [--runs 15]

Prints, on this machine, medians over alternating rounds:
- the rebuild itself: after an edit to a worksheet, what the watch does once it has seen the
  change (look at the files again, read the edited worksheet, build and write the PDF), for one
  small workbook (one reference worksheet, crisis page off) and for the reference workbook
  (eight worksheets); the goal for the small one is under 50 ms;
- one poll of the files when nothing changed (what watching costs while you type);
- from saving the file to the "wrote" line of a real `workbook build --watch` process, which
  adds the wait for the next poll (0.3 s) and for the files to hold still (0.1 s).
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from workbook.build import build
from workbook.project import BuildOptions
from workbook.watch import snapshot, sources

HERE = Path(__file__).resolve().parent


def setup(folder: Path, count: int) -> tuple[BuildOptions, Path]:
    """A manifest of `count` reference worksheets in a folder of the user's own."""
    sheets = folder / f"sheets{count}"
    sheets.mkdir()
    for n in range(1, count + 1):
        shutil.copy(HERE / "reference" / f"reference-{n}.yaml", sheets)
    data = yaml.safe_load((HERE / "reference.yaml").read_text())
    data.update(worksheets=data["worksheets"][:count], worksheets_dirs=[sheets.name])
    manifest = folder / f"m{count}.yaml"
    manifest.write_text(yaml.safe_dump(data))
    options = BuildOptions(manifest=manifest, output=folder / f"w{count}.pdf", force=True)
    return options, sheets / "reference-1.yaml"


def edit(path: Path, round_: int) -> None:
    """A new heading: the PDF changes each round."""
    text = re.sub(
        r"Why people push back( \d+)?", f"Why people push back {round_}", path.read_text()
    )
    path.write_text(text)


def rebuild(options: BuildOptions) -> None:
    """What the watch does for one change: look at the files again, then build."""
    snapshot(sources(options))
    build(options)


def in_process(runs: int, folder: Path) -> dict[str, list[float]]:
    cases = {"small: 1 worksheet": setup(folder, 1), "reference: 8 worksheets": setup(folder, 8)}
    for options, _ in cases.values():
        build(options)  # warm: imports, fonts, templates
    times: dict[str, list[float]] = {name: [] for name in [*cases, "one poll, no change"]}
    for round_ in range(1, runs + 1):
        for name, (options, sheet) in cases.items():
            edit(sheet, round_)
            start = time.perf_counter()
            rebuild(options)
            times[name].append(time.perf_counter() - start)
        options = cases["small: 1 worksheet"][0]
        start = time.perf_counter()
        snapshot(sources(options))
        times["one poll, no change"].append(time.perf_counter() - start)
    return times


def end_to_end(runs: int, folder: Path) -> list[float]:
    """Seconds from saving a worksheet to the "wrote" line of a watching process."""
    work = folder / "e2e"
    work.mkdir()
    options, sheet = setup(work, 1)
    assert options.manifest is not None
    command = [sys.executable, "-m", "workbook.cli", "build", str(options.manifest), "-o",
               str(work / "w.pdf"), "--watch"]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    seconds = []
    try:
        _wait_for_wrote(process)
        for round_ in range(1, runs + 1):
            time.sleep(0.5)
            start = time.perf_counter()
            edit(sheet, round_)
            _wait_for_wrote(process)
            seconds.append(time.perf_counter() - start)
    finally:
        process.terminate()
        process.wait()
        process.stdout.close()
    return seconds


def _wait_for_wrote(process: subprocess.Popen[str]) -> None:
    assert process.stdout is not None
    for line in process.stdout:
        if line.startswith("wrote "):
            return
    raise RuntimeError("the watch ended")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        times = in_process(args.runs, Path(name))
        print(f"warm rebuild after an edit, median of {args.runs} alternating rounds:")
        for case, seconds in times.items():
            print(f"  {case:<24} {statistics.median(seconds) * 1000:6.1f} ms")
        small = statistics.median(times["small: 1 worksheet"]) * 1000
        print(f"  one small workbook under 50 ms: {'met' if small < 50 else 'MISSED'}")
        latency = statistics.median(end_to_end(max(3, args.runs // 3), Path(name)))
        print(f"save to 'wrote' in a watching process (poll 0.3 s + settle 0.1 s included): "
              f"median {latency * 1000:.0f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
