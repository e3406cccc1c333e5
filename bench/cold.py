"""Benchmark (not a test): the cold start of `workbook build`, and where its imports go.

    python bench/cold.py [--runs 11] [--against SRC]

Prints, on this machine, medians of fresh processes run in alternating rounds (so machine
noise hits every command alike), and ratios to the lean platypus script (bench/lean.py):
- `python -c pass`, the lean script, `workbook build -w i-statements` and a build of the
  reference workbook (bench/reference.yaml);
- with `--against SRC` (another version's src/ folder, e.g. from
  `git archive HEAD src | tar -x -C /tmp/before`), the same builds from that version too;
- the import time of `workbook build`, by top-level package (`python -X importtime`, each
  module's own time summed per package), and the packages a build should never import.

Bytecode is cached in a temporary folder (PYTHONPYCACHEPREFIX), as an installed package's
is: a checkout run with PYTHONDONTWRITEBYTECODE would compile every module on every start.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
NEVER = ("rich", "workbook.content", "pypdf", "pypdfium2", "pikepdf", "workbook.studio", "xml.sax")


def environment(cache: Path, src: Path | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(cache)
    if src is not None:
        env["PYTHONPATH"] = str(src)
    return env


def commands(folder: Path, against: Path | None) -> dict[str, tuple[list[str], dict[str, str]]]:
    here = environment(folder / "pyc")
    build = [sys.executable, "-m", "workbook.cli", "build", "--force"]
    one = [*build, "-w", "i-statements", "-o", str(folder / "one.pdf")]
    reference = [*build, str(HERE / "reference.yaml"), "-o", str(folder / "ref.pdf")]
    found = {
        "python -c pass": ([sys.executable, "-c", "pass"], here),
        "lean platypus": ([sys.executable, str(HERE / "lean.py"), str(folder / "l.pdf")], here),
        "workbook build one": (one, here),
        "workbook build reference": (reference, here),
    }
    if against is not None:
        there = environment(folder / "pyc-against", against)
        found["against: build one"] = (one, there)
        found["against: build reference"] = (reference, there)
    return found


def cold(runs: int, folder: Path, against: Path | None) -> dict[str, list[float]]:
    """Seconds of a fresh process per command and run, the commands alternating."""
    todo = commands(folder, against)
    for args, env in todo.values():  # the first run writes the bytecode
        subprocess.run(args, check=True, capture_output=True, env=env)
    times: dict[str, list[float]] = defaultdict(list)
    for _ in range(runs):
        for name, (args, env) in todo.items():
            start = time.perf_counter()
            subprocess.run(args, check=True, capture_output=True, env=env)
            times[name].append(time.perf_counter() - start)
    return times


def import_times(
    runs: int, folder: Path, src: Path | None = None
) -> tuple[dict[str, float], set[str]]:
    """Median ms of each top-level package's own import time in `workbook build` (of the
    version in `src`, else this one), and the modules it loaded."""
    code = ("import sys; from workbook.cli import run\ntry:\n    run()\n"  # the console entry
            "except SystemExit:\n    pass\nprint(' '.join(sys.modules))")  # fmt: skip
    args = [sys.executable, "-X", "importtime", "-c", code, "build", "-w", "i-statements",
            "-o", str(folder / "imp.pdf"), "--force"]  # fmt: skip
    per_run: list[dict[str, float]] = []
    loaded: set[str] = set()
    for _ in range(runs):
        cache = folder / ("pyc" if src is None else "pyc-against")
        done = subprocess.run(args, check=True, capture_output=True, text=True,
                              env=environment(cache, src))  # fmt: skip
        loaded = set(done.stdout.split("\n")[-2].split())
        totals: dict[str, float] = defaultdict(float)
        for line in done.stderr.splitlines():
            parts = line.removeprefix("import time:").split("|")
            if len(parts) == 3 and parts[0].strip().isdigit():
                totals[_group(parts[2].strip().split(".")[0])] += int(parts[0]) / 1000
        per_run.append(totals)
    names = {name for totals in per_run for name in totals}
    return {n: statistics.median(t.get(n, 0.0) for t in per_run) for n in names}, loaded


def _group(top: str) -> str:
    known = ("workbook", "typer", "pydantic", "pydantic_core", "reportlab", "jinja2", "yaml",
             "PIL", "fontpkg", "markupsafe", "pyphen", "annotated_types")  # fmt: skip
    return top if top in known else "(standard library and others)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--against", type=Path, help="another version's src/ folder")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        times = cold(args.runs, folder, args.against)
        medians = {name: statistics.median(seconds) for name, seconds in times.items()}
        best = {name: min(seconds) for name, seconds in times.items()}
        lean, lean_best = medians["lean platypus"], best["lean platypus"]
        print(f"cold processes, {args.runs} alternating rounds (best of them: the least disturbed "
              "by other work on the machine):")  # fmt: skip
        print(f"  {'':<28} {'median':>9} {'x lean':>7} {'best':>9} {'x lean':>7}")
        for name in times:
            print(f"  {name:<28} {medians[name] * 1000:6.0f} ms {medians[name] / lean:7.2f} "
                  f"{best[name] * 1000:6.0f} ms {best[name] / lean_best:7.2f}")  # fmt: skip
        ratio = medians["workbook build reference"] / lean
        print(f"  reference build / lean (medians): {ratio:.2f} (goal <= 1.3: "
              f"{'met' if ratio <= 1.3 else 'MISSED'})")  # fmt: skip
        table, loaded = import_times(5, folder)
        other = import_times(5, folder, args.against)[0] if args.against else {}
        print("import time of `workbook build -w i-statements`, ms (own time per package, median "
              f"of 5){': this version, against' if other else ''}")  # fmt: skip
        for package, ms in sorted(table.items(), key=lambda kv: -kv[1]):
            against = f" {other.get(package, 0.0):8.1f}" if other else ""
            print(f"  {package:<32} {ms:6.1f}{against}")
        against = f" {sum(other.values()):8.1f}" if other else ""
        print(f"  {'total':<32} {sum(table.values()):6.1f}{against}")
        unwanted = sorted(m for m in loaded if m.split(".")[0] in NEVER or m.startswith(NEVER))
        print(f"never needed by a build, yet imported: {', '.join(unwanted) or 'none'}")


if __name__ == "__main__":
    main()
