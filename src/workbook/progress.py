"""`workbook batch` output: a progress bar on a terminal, plain lines otherwise, the report."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from types import TracebackType
from typing import Any

import typer

from .batch import RowResult
from .output import write_atomic


class BatchProgress:
    """Counts results, shows progress, and keeps the small per-row records for the report."""

    def __init__(self, quiet: bool = False) -> None:
        self.quiet = quiet
        self.rows: list[RowResult] = []
        self.interrupted = False
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

    @property
    def failed(self) -> int:
        return sum(r.status == "error" for r in self.rows)

    def add(self, result: RowResult) -> None:
        self.rows.append(result)
        if result.status == "error":
            typer.echo(result.error, err=True)
        for warning in result.warnings:
            typer.echo(f"row {result.row}: {warning}", err=True)
        if self.bar is not None:
            seconds = sum(r.seconds for r in self.rows) or 1.0
            self.bar.update(
                self.task, completed=len(self.rows), rate=f"{len(self.rows) / seconds:.1f}/s"
            )
        elif not self.quiet and result.status == "ok":
            typer.echo(f"row {result.row}: ok {result.output} ({result.pages} pages)", err=True)

    def report(self) -> dict[str, Any]:
        rows = sorted(self.rows, key=lambda r: r.row)
        ok = len(rows) - self.failed
        return {"rows": [r.as_json() for r in rows], "ok": ok, "failed": self.failed,
                "interrupted": self.interrupted}  # fmt: skip

    def write_report(self, path: Path) -> None:
        write_atomic(json.dumps(self.report(), indent=2).encode(), path)

    def summary(self) -> None:
        ok = len(self.rows) - self.failed
        note = " (interrupted)" if self.interrupted else ""
        typer.echo(f"built {ok} workbook(s), {self.failed} failed{note}", err=True)
