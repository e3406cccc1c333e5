"""Benchmark (not a test): the memory of a long `workbook batch --report`.

    python bench/batch_memory.py [--rows 100000] [--jobs 2]

Builds a one-worksheet workbook (i-statements, no crisis page) per roster row with a
report, and samples the resident memory of the batch process (the parent, which reads the
roster, journals and writes the report) and of its workers every half second. Prints the
parent's memory after 1,000 rows and at its peak, the largest worker's peak, the report's
size and the rate. A flat parent is the goal: it keeps no per-row records in memory.
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml


def rss_mib(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        manifest = base / "m.yaml"
        manifest.write_text(yaml.safe_dump({"workbook": 1, "title": "Memory", "date": "2026-12-01",
                                            "crisis_page": False, "worksheets": ["i-statements"]}))  # fmt: skip
        roster = base / "roster.csv"
        with roster.open("w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["recipient.name", "loved_one.name"])
            writer.writerows([f"Person {i}", f"Kin {i}"] for i in range(args.rows))
        report = base / "report.json"
        command = [sys.executable, "-m", "workbook.cli", "batch", str(roster), "-m", str(manifest),
                   "-o", str(base / "out"), "-j", str(args.jobs), "-q", "--report", str(report)]  # fmt: skip
        start = time.perf_counter()
        process = subprocess.Popen(command)
        parent_peak = worker_peak = at_1000 = 0.0
        while process.poll() is None:
            parent_peak = max(parent_peak, rss_mib(process.pid))
            worker_peak = max([worker_peak, *(rss_mib(c) for c in children(process.pid))])
            done = len(list((base / "out").glob("*.pdf"))) if not at_1000 else 0
            if not at_1000 and done >= 1000:
                at_1000 = rss_mib(process.pid)
            time.sleep(0.5)
        seconds = time.perf_counter() - start
        data = json.loads(report.read_text())
        print(f"rows {args.rows}, jobs {args.jobs}: {data['ok']} ok, {data['failed']} failed, "
              f"{args.rows / seconds:.0f} workbooks/s")  # fmt: skip
        print(f"parent: {at_1000:.0f} MiB after 1,000 rows, peak {parent_peak:.0f} MiB")
        print(f"largest worker: peak {worker_peak:.0f} MiB")
        print(f"report: {report.stat().st_size / 2**20:.1f} MiB")


if __name__ == "__main__":
    main()
