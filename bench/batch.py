"""Benchmark (not a test): `workbook batch` throughput and peak worker memory.

    python bench/batch.py [--rows 10 100 200 1000] [--jobs 1 2]

Builds the reference workbook (bench/reference.yaml: cover, how-to, contents, eight
worksheets with paragraphs, a 5-row table, an 8-item checklist, 6 writing lines and a
0-10 scale) once per roster row, in a fresh process per run, and prints workbooks per
second and the peak resident memory of the largest process (the batch process with
--jobs 1, the largest worker with --jobs 2). Throughput counts the whole command, process
start included, as the issue's peers were measured (200 workbooks, 2 processes). Bytecode
is cached, as an installed package's is (see bench/cold.py).
"""

from __future__ import annotations

import argparse
import csv
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from cold import environment  # noqa: E402

CACHE = Path(tempfile.gettempdir()) / "workbook-bench-pyc"  # bytecode, as an installed package has
RELATIONSHIPS = ["partner", "parent", "friend", "sibling", "child", "other"]


def write_roster(path: Path, rows: int) -> None:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["recipient.name", "loved_one.name", "loved_one.relationship"])
        for i in range(rows):
            writer.writerow([f"Person {i}", f"Kin {i}", RELATIONSHIPS[i % 6]])


def run(rows: int, jobs: int) -> tuple[float, float]:
    """(workbooks per second, peak MiB of the largest process) for one batch run."""
    with tempfile.TemporaryDirectory() as folder:
        roster = Path(folder) / "roster.csv"
        write_roster(roster, rows)
        command = [sys.executable, "-m", "workbook.cli", "batch", str(roster), "-m",
                   str(HERE / "reference.yaml"), "-o", str(Path(folder) / "out"), "-j", str(jobs), "-q"]  # fmt: skip
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, env=environment(CACHE))
        seconds = time.perf_counter() - start
        # ru_maxrss of waited-for descendants: the largest of the batch process and its workers
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        return rows / seconds, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[10, 100, 200, 1000])
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    run(2, 1)  # writes the bytecode, which every measured run then finds
    print(f"{'rows':>6} {'jobs':>4} {'workbooks/s':>12} {'peak MiB':>9}")
    results = {}
    for rows in args.rows:
        for jobs in args.jobs:
            # a fresh interpreter per measurement, so peak memory is this run's own
            out = subprocess.run([sys.executable, __file__, "--one", str(rows), str(jobs)],
                                 check=True, capture_output=True, text=True).stdout.split()  # fmt: skip
            results[rows, jobs] = float(out[0]), float(out[1])
            print(f"{rows:>6} {jobs:>4} {float(out[0]):>12.1f} {float(out[1]):>9.0f}", flush=True)
    for rows in (200, 1000):
        if (rows, 2) in results:
            rate = results[rows, 2][0]
            print(
                f"{rows} rows, 2 jobs: {rate:.0f} workbooks/s (goal >= 80: {'met' if rate >= 80 else 'MISSED'})"
            )
    peaks = [peak for (_, jobs), (_, peak) in results.items() if jobs == 2]
    if peaks:
        print(f"peak MiB with 2 jobs, fewest to most rows: {peaks[0]:.0f} -> {peaks[-1]:.0f} "
              f"(goal < 80 and flat: {'met' if max(peaks) < 80 and peaks[-1] - peaks[0] <= 5 else 'MISSED'})")  # fmt: skip


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--one":
        rate, peak = run(int(sys.argv[2]), int(sys.argv[3]))
        print(rate, peak)
    else:
        main()
