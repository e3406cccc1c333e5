"""Not a test: a fingerprint (SHA-256) of every built-in workbook in every edition, theme and
language, to show that a refactoring changed no byte.

    python bench/fingerprints.py > before.json      # on the old commit
    python bench/fingerprints.py --compare before.json

The matrix: the three examples and one workbook of all ten worksheets, each in English and
Spanish, in each theme, client and facilitator edition, print and fillable; plus crisis pages
for other regions, a manifest's own crisis lines, none, a minor, duplex and A4.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import sys
from pathlib import Path
from typing import Any

from workbook.library import available, builtin_dir
from workbook.pdf import render
from workbook.project import BuildOptions, load_project

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
THEMES = ("default", "ink-saver", "large-print")


def _cases() -> dict[str, tuple[Path, dict[str, Any]]]:
    every = sorted(available("en", [builtin_dir()]))
    cases: dict[str, tuple[Path, dict[str, Any]]] = {}
    for name, language, theme, edition, fillable in itertools.product(
        ("partner", "parent", "self", "all"), ("en", "es"), THEMES,
        ("client", "facilitator"), (False, True),
    ):  # fmt: skip
        overrides: dict[str, Any] = {"language": language, "theme": theme,
                                     "edition": edition, "fillable": fillable}  # fmt: skip
        if name == "all":
            overrides["worksheets"] = every
        key = f"{name}/{language}/{theme}/{edition}/{'fillable' if fillable else 'print'}"
        cases[key] = (EXAMPLES / f"{'partner' if name == 'all' else name}.yaml", overrides)
    extras: dict[str, dict[str, Any]] = {
        "region-GB": {"region": "GB"},
        "region-ES": {"region": "ES", "language": "es"},
        "region-none": {"region": "ZZ"},
        "own-lines": {"crisis_lines": [{"name": "Line", "contact": "123", "note": "Any time"}]},
        "no-lines": {"crisis_lines": []},
        "minor": {"loved_one.age_group": "minor", "loved_one.relationship": "child"},
        "duplex-a4": {"duplex": True, "page_size": "a4", "fillable": True},
        "no-crisis-page": {"crisis_page": False},
    }
    for key, overrides in extras.items():
        cases[f"partner/{key}"] = (EXAMPLES / "partner.yaml", {"worksheets": every, **overrides})
    return cases


def fingerprints() -> dict[str, str]:
    out = {}
    for key, (manifest, overrides) in _cases().items():
        project = load_project(BuildOptions(manifest=manifest, overrides=overrides))
        out[key] = hashlib.sha256(render(project).pdf).hexdigest()[:16]
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--compare", type=Path, help="a JSON file written by this script")
    args = parser.parse_args()
    now = fingerprints()
    if not args.compare:
        json.dump(now, sys.stdout, indent=1)
        return
    before = json.loads(args.compare.read_text())
    changed = [k for k in before if before[k] != now.get(k)]
    for key in changed:
        print(f"changed: {key}")
    print(f"{len(before) - len(changed)} of {len(before)} workbooks byte-identical")
    sys.exit(1 if changed else 0)


if __name__ == "__main__":
    main()
