"""Every `workbook` command in the README runs, as written, in a fresh copy of the project,
in the order the README gives them (the install commands and the developer tools aside)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[1]
SETUP = ("python3 -m venv", "source .venv/bin/activate", ".venv/bin/pip", ".venv/bin/python",
         ".venv/bin/ruff")  # fmt: skip


def readme_commands() -> list[str]:
    """Each shell line of the README's sh blocks, continuations joined, comments dropped."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", text, re.DOTALL):
        for line in block.replace("\\\n", " ").splitlines():
            line = re.sub(r"\s+#.*$", "", line).strip()
            if line and not line.startswith("#"):
                commands.append(line)
    return commands


def test_the_readme_names_only_commands_that_run(tmp_path: Path) -> None:
    commands = readme_commands()
    run = [c for c in commands if not c.startswith(SETUP)]
    assert len(run) >= 12 and all(c.startswith("workbook ") for c in run), run
    assert any(
        c.startswith("python3 -m venv .venv && .venv/bin/pip install . &&") for c in commands
    )
    for folder in ("examples", "worksheets"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
           "COLUMNS": "100"}  # fmt: skip
    env.pop("WORKBOOK_PASSWORD", None)
    for command in run:
        answers = "\n" * 40 if command.startswith("workbook init") else ""  # Enter for each default
        done = subprocess.run(["bash", "-c", command], cwd=tmp_path, env=env, input=answers,
                              capture_output=True, text=True, timeout=300)  # fmt: skip
        assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
        assert "Traceback" not in done.stderr, command
    assert (tmp_path / "output" / "opening-the-door-sam-rivera-fillable.pdf").is_file()
    assert (tmp_path / "output" / "report.json").is_file()
