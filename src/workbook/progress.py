"""`workbook batch` output: a progress bar on a terminal, plain lines otherwise, the report."""

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
            from rich.progress import (
                MofNCompleteColumn,
                Progress,
                SpinnerColumn,
                TextColumn,
                TimeRemainingColumn,
            )

            self.bar = Progress(SpinnerColumn(), TextColumn("building"), MofNCompleteColumn(),
                                TextColumn("{task.fields[rate]}"), TimeRemainingColumn(),
                                transient=True)  # fmt: skip
            self.task = self.bar.add_task("batch", total=None, rate="")

    def __enter__(self) -> BatchProgress:
        if self.bar is not None:
            self.bar.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 trace: TracebackType | None) -> None:  # fmt: skip
        if self.bar is not None:
            self.bar.stop()

    def add(self, result: RowResult) -> None:
        self.done += 1
        self.seconds += result.seconds
        if result.status == "error":
            self.failed += 1
            typer.echo(result.error, err=True)
        for warning in result.warnings:
            if warning in self.repeats:  # the same for every row, say a base manifest's region
                self.repeats[warning] += 1
                continue
            if len(self.repeats) < MAX_DISTINCT_WARNINGS:
                self.repeats[warning] = 0
            typer.echo(f"row {result.row}: {warning}", err=True)
        if self.bar is not None:
            rate = f"{self.done / (self.seconds or 1.0):.1f}/s"
            self.bar.update(self.task, completed=self.done, rate=rate)
        elif not self.quiet and result.status == "ok":
            typer.echo(f"row {result.row}: ok {result.output} ({result.pages} pages)", err=True)

    def summary(self, ok: int, failed: int) -> None:
        for warning, more in self.repeats.items():
            if more:
                typer.echo(f"{more} more row(s) with the same warning: {warning}", err=True)
        note = " (interrupted)" if self.interrupted else ""
        typer.echo(f"built {ok} workbook(s), {failed} failed{note}", err=True)
