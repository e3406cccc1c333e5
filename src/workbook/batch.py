"""Batch: one workbook per roster row, in parallel, keeping going past bad rows.

roster (CSV / YAML / JSON) --read_roster--> RosterRow (dotted overrides + where each is)
    --Batch.plan--> RowPlan (validated manifest data, output path) or an error
    --run_batch--> RowResult per row, as they finish, each in the report's journal first
"""

from __future__ import annotations

import contextlib
import copy
import gc
import os
import re
import signal
import sys
import threading
import time
from collections.abc import Callable, Generator, Iterable, Iterator
from concurrent.futures import ALL_COMPLETED, FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .build import build, slug
from .errors import Diagnostic, WorkbookError
from .models import Manifest
from .project import BuildOptions, read_manifest, set_dotted, title_in
from .report import Journal
from .roster import RosterRow, flatten, in_shard, parse_shard, read_roster
from .sources import SourceDoc
from .theme import BUILTIN_THEMES
from .validate import friendly_message

__all__ = ["STOP", "Batch", "RowResult", "in_shard", "parse_shard", "read_roster", "run_batch"]


@dataclass(frozen=True)
class RowPlan:
    row: RosterRow
    output: Path


@dataclass
class RowResult:
    row: int
    status: str  # "ok" or "error"
    output: str | None = None
    pages: int | None = None
    seconds: float = 0.0
    error: str | None = None
    warnings: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """The row as the report has it: its file name identifies it (no personal data beyond
        what the file name already holds); warnings as printed."""
        return {"row": self.row, "status": self.status, "output": self.output, "pages": self.pages,
                "seconds": round(self.seconds, 3), "error": self.error,
                "warnings": self.warnings}  # fmt: skip


# Manifest fields that name files: from a roster they must stay inside the manifest's folder.
ROSTER_PATHS = ("prepared_by.logo", "theme", "worksheets_dirs")


@dataclass(frozen=True)
class Batch:
    """Everything shared by the rows: the base manifest, how to name outputs, the journal."""

    manifest: Path
    base: SourceDoc
    out_dir: Path
    name_template: str | None = None
    worksheet_dirs: tuple[Path, ...] = ()
    force: bool = False
    password: str | None = field(default=None, repr=False)
    journal: Journal | None = None

    @classmethod
    def load(cls, manifest: Path, out_dir: Path, **kw: Any) -> Batch:
        return cls(manifest, read_manifest(manifest), out_dir, **kw)

    def row_manifest(self, row: RosterRow, validate: bool = True) -> dict[str, Any]:
        """The base manifest with the row applied, validated; errors point into the roster."""
        if row.problem is not None:
            raise WorkbookError(row.problem)
        data: dict[str, Any] = copy.deepcopy(self.base.data)
        for dotted, value in row.values.items():
            try:
                self._confine(dotted, value)
                set_dotted(data, dotted, value)
            except WorkbookError as exc:
                raise WorkbookError.at(
                    row.locations[dotted], f"row {row.number}: {exc.diagnostics[0].message}"
                ) from None
        if not validate:
            return data
        try:
            Manifest.model_validate(data)
        except ValidationError as exc:
            raise WorkbookError([self._diagnostic(row, e) for e in exc.errors()]) from None
        return data

    def _confine(self, dotted: str, value: Any) -> None:
        """A roster names files only inside the base manifest's folder (not another client's)."""
        if dotted not in ROSTER_PATHS:
            return
        folder = self.manifest.parent.resolve()
        for name in value if isinstance(value, list) else [value]:
            if not isinstance(name, str) or (dotted == "theme" and name in BUILTIN_THEMES):
                continue
            if not (folder / name).resolve().is_relative_to(folder):
                raise WorkbookError(f"'{dotted}' names '{name}', outside the manifest's folder "
                                    f"{folder}; a roster may only name files inside it")  # fmt: skip

    def _diagnostic(self, row: RosterRow, error: Any) -> Diagnostic:
        loc = [str(part) for part in error["loc"]]
        for end in range(len(loc), 0, -1):
            dotted = ".".join(loc[:end])
            if dotted in row.locations:
                message = (
                    f"row {row.number}, column '{dotted}': {friendly_message(error, Manifest)}"
                )
                return Diagnostic(message, row.locations[dotted])
        message = f"row {row.number}: {friendly_message(error, Manifest)}"
        return Diagnostic(message, self.base.locate(tuple(error["loc"])))

    def output_for(self, row: RosterRow, data: dict[str, Any]) -> Path:
        """A file name inside the output folder, whatever the roster says."""
        if row.output:
            name = slug(Path(row.output.replace("\\", "/")).stem, 100)
        elif self.name_template:
            fields = {**flatten(data), "row": row.number}
            filled = re.sub(
                r"\{([^{}]+)\}",
                lambda m: str(fields.get(m.group(1).strip(), "")),
                self.name_template,
            )
            name = slug(filled, 100)
        else:
            recipient = (data.get("recipient") or {}).get("name") or ""
            title = title_in(data.get("title"), data.get("language") or "en") or ""
            name = f"{slug(' '.join(x for x in (title, recipient) if x))}-{row.number}"
        return self.out_dir / f"{name}.{'html' if data.get('format') == 'html' else 'pdf'}"

    def plan(self, row: RosterRow, validate: bool = True) -> RowPlan:
        return RowPlan(row, self.output_for(row, self.row_manifest(row, validate)))


_worker_batch: Batch | None = None  # in a worker process: the batch it builds rows of
STOP = threading.Event()  # set by a signal handler: the batch stops at the next row


def checkpoint() -> None:
    """Where a batch may stop: between rows, never in the middle of one."""
    if STOP.is_set():
        raise KeyboardInterrupt


def _start_worker(batch: Batch) -> None:
    """A worker process receives the batch once, leaves Ctrl-C to the parent (which keeps
    finished files), ends cleanly on SIGTERM (no temporary left), and gets SIGTERM when the
    parent dies, however it dies."""
    global _worker_batch
    _worker_batch = batch
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _exit_on_signal)
    _die_with_parent()


def _exit_on_signal(number: int, frame: Any) -> None:
    """End now: SIGTERM is held back while a row is built, so no row is half done and no
    temporary exists; unwinding instead could wait on the pool's queues of a dead parent."""
    os._exit(128 + number)


def _die_with_parent() -> None:
    """Linux's PR_SET_PDEATHSIG: this process gets SIGTERM when its parent ends."""
    if sys.platform != "linux":  # pragma: no cover
        return
    import ctypes

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG
        if os.getppid() == 1:  # the parent died before the call
            raise SystemExit(1)


def _build_in_worker(plan: RowPlan) -> RowResult:
    """A row is built and journaled whole, or not started: SIGTERM waits for the row."""
    assert _worker_batch is not None
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
    try:
        return build_row(_worker_batch, plan)
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})  # one that came ends it here


def build_row(batch: Batch, plan: RowPlan) -> RowResult:
    """Build one row's workbook (in a worker process) and journal it; never raises for bad
    input."""
    result = _build_row(batch, plan)
    if batch.journal is not None:
        batch.journal.add(result.as_json())
    return result


def _build_row(batch: Batch, plan: RowPlan) -> RowResult:
    start = time.perf_counter()
    options = BuildOptions(batch.manifest, plan.output, plan.row.values, batch.worksheet_dirs,
                           batch.force, batch.password, plan.row.locations)  # fmt: skip
    try:
        result = build(options)
    except WorkbookError as exc:
        error = "\n".join(f"row {plan.row.number}: {d}" for d in exc.diagnostics)
        return RowResult(
            plan.row.number, "error", str(plan.output), None, time.perf_counter() - start, error
        )
    except Exception as exc:  # a bug must cost one row, not the batch
        error = f"row {plan.row.number}: internal error ({type(exc).__name__}: {exc})"
        return RowResult(
            plan.row.number, "error", str(plan.output), None, time.perf_counter() - start, error
        )
    warnings = [str(w) for w in result.warnings]
    return RowResult(plan.row.number, "ok", str(plan.output), result.pages, time.perf_counter() - start,
                     warnings=warnings)  # fmt: skip


def _planned(
    batch: Batch, rows: Iterable[RosterRow], bad: set[int] | None = None
) -> Iterator[RowPlan | RowResult]:
    """Validate each row; a bad row becomes an error result and is skipped. With `bad` (the
    rows found bad before), those are left out and the others are not validated again."""
    seen: dict[str, int] = {}
    validate = bad is None
    for row in rows:
        checkpoint()
        if bad is not None and row.number in bad:
            continue
        try:
            plan = batch.plan(row, validate)
        except WorkbookError as exc:
            yield RowResult(row.number, "error", error="\n".join(str(d) for d in exc.diagnostics))
            continue
        if str(plan.output) in seen:
            message = (
                f"row {row.number}: output {plan.output} is also row {seen[str(plan.output)]}'s"
            )
            yield RowResult(row.number, "error", str(plan.output), error=message)
            continue
        seen[str(plan.output)] = row.number
        yield plan


def _journaled(batch: Batch, result: RowResult) -> RowResult:
    if batch.journal is not None:
        batch.journal.add(result.as_json())
    return result


def run_batch(
    batch: Batch,
    rows: Callable[[], Iterable[RosterRow]],
    jobs: int,
    on_total: Callable[[int], None] | None = None,
) -> Generator[RowResult, None, None]:
    """Validate every row first (reporting bad ones, and saying how many rows there are to
    `on_total`), then build the good ones, `jobs` at a time, yielding results as they finish.
    `rows` is called once per pass, so the roster is streamed, never held in memory; at most
    two rows per worker are in flight. Every result is in the journal by the time it is
    yielded."""
    bad: set[int] = set()
    total = 0
    for item in _planned(batch, rows()):
        total += 1
        if isinstance(item, RowResult):
            bad.add(item.row)
            yield _journaled(batch, item)
    if on_total is not None:
        on_total(total)
    plans = (p for p in _planned(batch, rows(), bad) if isinstance(p, RowPlan))
    # what is loaded by now (modules, the library) lives as long as the batch: keep it out of
    # the garbage collector's full passes, here and in the workers forked from here
    gc.collect()
    gc.freeze()
    try:
        if jobs <= 1:
            for plan in plans:
                checkpoint()
                yield build_row(batch, plan)
        else:
            yield from _Pool(batch, jobs).run(plans)
    finally:
        gc.unfreeze()


class _Pool:
    """Worker processes that build rows; a worker that dies (as under the OOM killer) costs
    only the row that killed it: the rows it took down with it are built again, one at a
    time, and a row that kills its worker twice is reported as failed."""

    def __init__(self, batch: Batch, jobs: int) -> None:
        self.batch, self.jobs = batch, jobs

    def _executor(self, workers: int) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(workers, initializer=_start_worker, initargs=(self.batch,))

    def run(self, plans: Iterable[RowPlan]) -> Iterator[RowResult]:
        pool = self._executor(self.jobs)
        pending: dict[Future[RowResult], RowPlan] = {}
        try:
            for plan in plans:
                checkpoint()
                pending[pool.submit(_build_in_worker, plan)] = plan
                while len(pending) >= self.jobs * 2:
                    pool = yield from self._collect(pool, pending, FIRST_COMPLETED)
            while pending:
                pool = yield from self._collect(pool, pending, ALL_COMPLETED)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    def _collect(self, pool: ProcessPoolExecutor, pending: dict[Future[RowResult], RowPlan],
                 when: str) -> Generator[RowResult, None, ProcessPoolExecutor]:  # fmt: skip
        done, _ = wait(pending, return_when=when, timeout=0.5)
        checkpoint()
        lost = []
        for future in done:
            plan = pending.pop(future)
            if isinstance(future.exception(), BrokenProcessPool):
                lost.append(plan)
            else:
                yield future.result()
        if not lost:
            return pool
        lost += pending.values()  # a broken pool fails every row it holds
        pending.clear()
        pool.shutdown(wait=True)
        for plan in sorted(lost, key=lambda p: p.row.number):
            yield self._alone(plan)
        return self._executor(self.jobs)

    def _alone(self, plan: RowPlan) -> RowResult:
        """Build a row in a worker of its own: if that worker dies too, the row is the cause."""
        with self._executor(1) as single:
            try:
                return single.submit(_build_in_worker, plan).result()
            except BrokenProcessPool:
                message = (f"row {plan.row.number}: the process building this row stopped "
                           "without finishing (killed, perhaps for lack of memory)")  # fmt: skip
                result = RowResult(plan.row.number, "error", str(plan.output), error=message)
                return _journaled(self.batch, result)
