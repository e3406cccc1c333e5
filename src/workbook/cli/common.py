"""The Typer app and what every command shares: error reporting, printing, signals, the
console entry point."""

from __future__ import annotations

import errno
import gc
import importlib
import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Annotated, Any

import typer

from ..errors import Diagnostic, WorkbookError
from ..output import remove_active_temporaries

app = typer.Typer(
    help="Turn YAML worksheets into personalised, print-ready PDF workbooks.\n\n"
    "\b\nStart with:\n  workbook list\n  workbook init\n  workbook build examples/partner.yaml",
    no_args_is_help=True,
    rich_markup_mode=None,  # plain help: no <bool> placeholders, nothing cut short
    pretty_exceptions_enable=False,
)
STATE: dict[str, Any] = {"debug": False, "stop": None}


def emit(diagnostics: list[Diagnostic]) -> None:
    for diagnostic in diagnostics:
        typer.echo(str(diagnostic), err=True)


@contextmanager
def reporting() -> Iterator[None]:
    """Bad input -> its diagnostics on stderr and exit 1; never a traceback unless --debug."""
    try:
        yield
    except WorkbookError as exc:
        if STATE["debug"]:
            raise
        emit(exc.diagnostics)
        raise typer.Exit(1) from None
    except (typer.Exit, typer.Abort, KeyboardInterrupt):
        raise
    except Exception as exc:
        if STATE["debug"]:
            raise
        typer.echo(
            f"error: internal error ({type(exc).__name__}: {exc}); "
            "run again with --debug and report it",
            err=True,
        )
        raise typer.Exit(1) from None


@contextmanager
def printing() -> Iterator[None]:
    """For commands whose product is what they print: a full disk or a closed pipe on standard
    output is a clean error (exit 1), not a traceback."""
    try:
        yield
        sys.stdout.flush()
    except OSError as exc:
        silence_stdout()
        if exc.errno != errno.EPIPE:  # a reader that stopped early wants no message
            typer.echo(f"error: cannot write to standard output: {exc.strerror}", err=True)
        raise typer.Exit(1) from None


def silence_stdout() -> None:
    """Send what is still buffered for standard output nowhere, so exit stays quiet."""
    with suppress(OSError, ValueError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def status(text: str) -> None:
    """A line saying what was done: if it cannot be printed, the work is still done."""
    try:
        typer.echo(text)
    except OSError:
        silence_stdout()


def _print_version(value: bool) -> None:
    if value:
        from .. import __version__

        typer.echo(f"workbook {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    debug: Annotated[bool, typer.Option("--debug", help="Show Python tracebacks.")] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version."
        ),
    ] = False,
) -> None:
    STATE["debug"] = debug


def _on_signal(number: int, frame: Any) -> None:
    """Ctrl-C or SIGTERM. A batch is asked to stop between rows (its handler is set while it
    runs); anything else ends at once, its temporaries removed: raising KeyboardInterrupt
    instead could land inside a library's callback and print a traceback."""
    stop = STATE.get("stop")
    if callable(stop):
        stop()
        return
    remove_active_temporaries()
    os.write(2, b"interrupted\n")
    os._exit(128 + number)


Opt = typer.Option
Lang = Annotated[str, Opt("--lang", metavar="LANG", help="Language: en or es.")]
Password = Annotated[
    str | None,
    Opt(envvar="WORKBOOK_PASSWORD", show_envvar=True, metavar="PASSWORD",
        help="Protect the PDF(s) with this password (AES-256); printing and filling stay allowed."),
]  # fmt: skip
Dirs = Annotated[
    list[Path] | None,
    Opt("--worksheets", metavar="DIR", help="A folder of your own worksheets (repeatable)."),
]


# the module that registers each command: a command line loads only its command's module
COMMANDS = {"answers": "answers", "batch": "batch", "build": "build", "preview": "build",
            "list": "library", "show": "library", "validate": "library", "schema": "library",
            "new": "library", "studio": "studio", "init": "wizard"}  # fmt: skip


def load_commands(args: list[str] | None = None) -> typer.Typer:
    """The app, with the command `args` names registered (its module imported), or every
    command when `args` names none it knows (help, a mistyped command) or is None."""
    named = next((arg for arg in args or () if not arg.startswith("-")), None)
    module = COMMANDS.get(named or "")
    for name in [module] if module else sorted(set(COMMANDS.values())):
        importlib.import_module(f"{__package__}.{name}")
    return app


def run() -> None:
    """The console entry point. Ctrl-C before a command has begun ends quietly (130); a status
    line that cannot be printed after the work is done (standard output full or closed) does
    not turn a success into a failure."""
    # pydantic looks for plugins by reading every installed package's entry points when the
    # first model is made (about 10 ms of each start); none is meant for workbook's models
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    # what is loaded by now (Typer, the command line) lives as long as the process: out of the
    # garbage collector's passes, each of which would go over all of it (about 25 ms of a
    # cold start); what commands load and make later is collected as usual
    gc.freeze()
    with suppress(ValueError):  # only the main thread may set handlers
        signal.signal(signal.SIGINT, _on_signal)
        signal.signal(signal.SIGTERM, _on_signal)
    try:
        load_commands(sys.argv[1:])()
    except KeyboardInterrupt:
        raise SystemExit(130) from None
    finally:
        try:
            sys.stdout.flush()
        except OSError:
            silence_stdout()
