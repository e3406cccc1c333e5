"""The batch page's builds: a job per "Build" press, run in a thread of the server, one row
at a time under the studio's build lock; its progress, its report (the CLI's `--report`), and
a ZIP of the PDFs and the report.

One row at a time, in the server's process (`run_batch` with jobs=1): worker processes do
work from inside uvicorn (Python 3.11 forks; 40 rows of four worksheets took 1.5 s with two
workers against 2.8 s with one), but forking a server full of threads is deprecated from
Python 3.12, the studio shares the machine with its user, and one lock already keeps
ReportLab's globals to one build at a time; 7 to 14 rows a second (as the machine is busy or
not) is enough for a clinic.
"""

from __future__ import annotations

import json
import shutil
import threading
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..batch import Batch, RowResult, read_roster, run_batch
from ..errors import WorkbookError
from ..report import Journal, finish_report, start_report
from ..roster import RosterRow
from .batch_check import Check, Names, check_roster

ZIP_NAME = "workbooks.zip"


@dataclass
class Job:
    """One batch being built: its folder in the scratch space and its figures so far."""

    folder: Path
    total: int  # the good rows, to build
    skipped: int  # the bad rows, reported and not built
    done: int = 0
    failed: list[str] = field(default_factory=list)  # the messages of rows that failed
    started: float = field(default_factory=time.monotonic)
    ended: float | None = None
    error: str = ""  # the batch itself stopped (not one row)
    stop: threading.Event = field(default_factory=threading.Event)
    saved: str = ""  # the folder in the output folder the files were copied to

    @property
    def report(self) -> Path:
        return self.folder / "report.json"

    @property
    def archive(self) -> Path:
        return self.folder / ZIP_NAME

    def progress(self) -> dict[str, Any]:
        """What the progress bar shows: done/total, rows a second, seconds left, finished."""
        seconds = (self.ended or time.monotonic()) - self.started
        rate = self.done / seconds if self.done and seconds > 0 else 0.0
        left = (self.total - self.done) / rate if rate else None
        return {"done": self.done, "total": self.total, "failed": len(self.failed),
                "skipped": self.skipped, "rate": round(rate, 2),
                "seconds_left": None if left is None else round(left),
                "finished": self.ended is not None, "stopped": self.stop.is_set(),
                "error": bool(self.error)}  # fmt: skip


def start_job(batch: Batch, names: Names, check: Check, folder: Path,
              building: threading.Lock) -> Job:  # fmt: skip
    """A job for the good rows of `check`, started in a thread of its own."""
    job = Job(folder, check.good, len(check.bad))
    thread = threading.Thread(target=run_job, args=(job, batch, names, building),
                              name="workbook-batch", daemon=True)  # fmt: skip
    thread.start()
    return job


def run_job(job: Job, batch: Batch, names: Names, building: threading.Lock) -> None:
    """Check the roster again (it is never trusted from the page), journal the bad rows as the
    report's errors, build the good ones; write the report and the ZIP; never raises."""
    out = job.folder / "workbooks"
    status: dict[str, Any] = {"complete": False, "interrupted": False, "error": None, "shard": None}
    try:
        journal, target = start_report(job.report, out, [names.roster, names.base], False)
    except WorkbookError as exc:
        job.error, job.ended = names.tidy(str(exc)), time.monotonic()
        return
    try:
        check = check_roster(batch, names, building)
        if check.unreadable:
            raise WorkbookError(check.unreadable)
        job.skipped, job.total = len(check.bad), check.good
        _journal_bad(journal, check)
        _build(job, replace(batch, out_dir=out, journal=journal), names, set(check.bad), building)
        status["complete"] = not job.stop.is_set()
        status["interrupted"] = job.stop.is_set()
    except WorkbookError as exc:
        job.error = status["error"] = "\n".join(names.tidy(str(d)) for d in exc.diagnostics)
    except Exception as exc:  # a bug must end the job with a message, not leave it running
        job.error = status["error"] = f"internal error ({type(exc).__name__})"
    finally:
        _finish(job, journal, target, names, status)


def _finish(job: Job, journal: Journal, target: Any, names: Names, status: dict[str, Any]) -> None:
    """The report and the ZIP, whatever happened; the job ends even if they cannot be made."""
    try:
        finish_report(journal, target, False, **status)
        _tidy_report(job.report, names)
        _zip(job, job.folder / "workbooks")
    except Exception as exc:  # never a traceback in the server's log (it may name files)
        job.error = job.error or f"the report could not be written ({type(exc).__name__})"
    job.ended = time.monotonic()


def _journal_bad(journal: Journal, check: Check) -> None:
    for row, problems in check.bad.items():
        error = "\n".join(p.text for p in problems)
        journal.add(RowResult(row, "error", error=error).as_json())


def _build(job: Job, batch: Batch, names: Names, bad: set[int],
           building: threading.Lock) -> None:  # fmt: skip
    """The good rows, one at a time (a step of `run_batch` builds one row) under the lock."""

    def rows() -> Iterator[RosterRow]:
        return (row for row in read_roster(names.roster) if row.number not in bad)

    results = run_batch(batch, rows, 1)
    try:
        while not job.stop.is_set():
            with building:
                result = next(results, None)
            if result is None:
                return
            job.done += 1
            if result.status != "ok":
                job.failed.append(names.tidy(result.error or ""))
    finally:
        results.close()


def _tidy_report(report: Path, names: Names) -> None:
    """The report as the ZIP has it: outputs by their names in the ZIP, no scratch paths."""
    data = json.loads(report.read_text(encoding="utf-8"))
    data.pop("journal", None)
    for row in data.get("rows", []):
        if row.get("output"):
            row["output"] = Path(row["output"]).name
        if row.get("error"):
            row["error"] = names.tidy(row["error"])
        row["warnings"] = [names.tidy(w) for w in row.get("warnings") or []]
    if data.get("error"):
        data["error"] = names.tidy(data["error"])
    report.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def save_job(job: Job, output: Path) -> Path:
    """Copy the PDFs and report.json into a new folder of `output` (never over a file)."""
    stamp = time.strftime("%Y-%m-%d-%H%M%S")
    for attempt in range(1, 100):
        folder = output / (f"workbooks-{stamp}" + (f"-{attempt}" if attempt > 1 else ""))
        try:
            folder.mkdir(parents=True)
            break
        except FileExistsError:
            continue
    else:
        raise FileExistsError(f"workbooks-{stamp}")
    for path in sorted((job.folder / "workbooks").glob("*")):
        if path.is_file() and path.suffix in (".pdf", ".html"):
            shutil.copyfile(path, folder / path.name)
    shutil.copyfile(job.report, folder / "report.json")
    job.saved = str(folder)
    return folder


def _zip(job: Job, out: Path) -> None:
    """The PDFs and report.json, deflated, in one flat ZIP beside them."""
    partial = job.archive.with_suffix(".part")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(out.glob("*")):
            if path.is_file() and path.suffix in (".pdf", ".html"):
                archive.write(path, path.name)
        if job.report.is_file():
            archive.write(job.report, "report.json")
    partial.replace(job.archive)
