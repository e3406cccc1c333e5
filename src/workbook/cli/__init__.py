"""The command line: turns options into library calls, prints diagnostics, picks exit codes.

app.py      the Typer app, error reporting, signals, the console entry point
library.py  list, show, validate, schema, new
build.py    build, preview
batch.py    batch
answers.py  answers
wizard.py   init
studio.py   studio (the local web app)
"""

from . import answers, batch, build, library, studio, wizard  # noqa: F401 - each registers its commands
from .app import app, run

__all__ = ["app", "run"]
