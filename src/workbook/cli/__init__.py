"""The command line: turns options into library calls, prints diagnostics, picks exit codes.

common.py   the Typer app, error reporting, signals, the console entry point
library.py  list, show, validate, schema, new
build.py    build, preview
batch.py    batch
answers.py  answers
wizard.py   init
studio.py   studio (the local web app)

Each module registers its commands when it is imported. `workbook build ...` imports only
build.py (`common.load_commands`); `workbook.cli.app` is the app with every command.
"""

from __future__ import annotations

import typer

from .common import load_commands, run

__all__ = ["app", "run"]


def __getattr__(name: str) -> typer.Typer:
    if name == "app":
        return load_commands()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
