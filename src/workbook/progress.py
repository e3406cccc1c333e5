"""`workbook batch` on screen: a progress bar on a terminal, plain lines otherwise."""

from __future__ import annotations

import sys
import time
from types import TracebackType
from typing import Any

import typer

from .batch import RowResult

MAX_DISTINCT_WARNINGS = 1000  # kept to say each once; past that, rows' warnings just print


class BatchProgress:
    """Counts results and shows progress; keeps no rows (the journal has them)."""

    def __init__(self, quiet: bool = False) -> None:
        self.quiet = quiet
        self.done = self.failed = 0
        self.seconds = 0.0
        self.interrupted = False
        self.repeats: dict[str, int] = {}  # a warning -> how many more rows had it
        self.started = time.monotonic()
        self.bar: Any = None
        if not quiet and sys.stderr.isatty():
            self.bar = _bar()
            self.task = self.bar.add_task("batch", total=None, rate="")

    def __enter__(self) -> BatchProgress:
        return self  # the bar starts once the total is known

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 trace: TracebackType | None) -> None:  # fmt: skip
        if self.bar is not None:
            self.bar.stop()

    def set_total(self, total: int) -> None:
        """Every row is read and checked: the bar can show done/total and the time left."""
        if self.bar is not None:
            self.bar.update(self.task, total=total, completed=self.done)
            self.bar.start()

    def say(self, text: str) -> None:
        """A line above the bar (or a plain line): the bar is never written over."""
        if self.bar is not None and self.bar.live.is_started:
            self.bar.console.print(text, markup=False, highlight=False, soft_wrap=True)
        else:
            typer.echo(text, err=True)

    def add(self, result: RowResult) -> None:
        self.done += 1
        self.seconds += result.seconds
        if result.status == "error":
            self.failed += 1
            self.say(result.error or "")
        for warning in result.warnings:
            if warning in self.repeats:  # the same for every row, say a base manifest's region
                self.repeats[warning] += 1
                continue
            if len(self.repeats) < MAX_DISTINCT_WARNINGS:
                self.repeats[warning] = 0
            self.say(f"row {result.row}: {warning}")
        if self.bar is not None and self.bar.live.is_started:
            rate = f"{self.done / (self.seconds or 1.0):.1f}/s"
            self.bar.update(self.task, completed=self.done, rate=rate)
        elif not self.quiet and result.status == "ok":
            self.say(f"row {result.row}: ok {result.output} ({result.pages} pages)")

    def summary(self, ok: int, failed: int) -> None:
        for warning, more in self.repeats.items():
            if more:
                typer.echo(f"{more} more row(s) with the same warning: {warning}", err=True)
        note = " (interrupted)" if self.interrupted else ""
        typer.echo(f"built {ok} workbook(s), {failed} failed{note}", err=True)


def _bar() -> Any:
    """Rich's progress bar on standard error: done/total, rate, time left."""
    from rich.console import Console
    from rich.progress import (
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeRemainingColumn,
    )

    return Progress(SpinnerColumn(), TextColumn("building"), MofNCompleteColumn(),
                    TextColumn("{task.fields[rate]}"), TimeRemainingColumn(),
                    console=Console(stderr=True), transient=True)  # fmt: skip
