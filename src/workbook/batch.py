"""Batch: one workbook per roster row, in parallel, keeping going past bad rows.

roster (CSV / YAML / JSON) --read_roster--> RosterRow (dotted overrides + where each is)
    --plan_rows--> RowPlan (validated manifest data, output path) or an error
    --run_batch--> RowResult per row, as they finish
"""

from __future__ import annotations

import copy
import csv
import gc
import re
import signal
import time
from collections.abc import Callable, Generator, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .build import build, slug
from .errors import Diagnostic, Location, WorkbookError
from .models import Manifest
from .project import BuildOptions, read_manifest, set_dotted
from .sources import SourceDoc, read_yaml
from .validate import friendly_message

OUTPUT_COLUMN = "output"
LIST_FIELDS = {"worksheets", "worksheets_dirs"}  # in CSV cells: separated by ; or ,


@dataclass(frozen=True)
class RosterRow:
    number: int  # 1-based data row
    values: dict[str, Any]  # dotted manifest path -> value
    locations: dict[str, Location]  # dotted path -> where it is in the roster
    output: str | None = None


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
        return {"row": self.row, "status": self.status, "output": self.output, "pages": self.pages,
                "seconds": round(self.seconds, 3), "error": self.error}  # fmt: skip


def _flatten(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in data.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            flat.update(_flatten(value, dotted + "."))
        else:
            flat[dotted] = value
    return flat


def _csv_rows(path: Path) -> Iterator[RosterRow]:
    try:
        yield from _csv_rows_unchecked(path)
    except UnicodeDecodeError as exc:
        raise WorkbookError.at(
            Location(path), f"not UTF-8 text ({exc.reason}); save the roster as UTF-8 CSV"
        ) from None
    except csv.Error as exc:
        raise WorkbookError.at(Location(path), f"not a readable CSV file: {exc}") from None


def _csv_rows_unchecked(path: Path) -> Iterator[RosterRow]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if not header:
            raise WorkbookError.at(
                Location(path, 1, 1), "the roster is empty; the first line names the columns"
            )
        columns = [h.strip() for h in header]
        for number, cells in enumerate(reader, start=1):
            line = reader.line_num
            if len(cells) > len(columns):
                raise WorkbookError.at(Location(path, line, len(columns) + 1),
                                       f"row {number} has more cells than the header has columns")  # fmt: skip
            values: dict[str, Any] = {}
            locations: dict[str, Location] = {}
            for index, (column, cell) in enumerate(zip(columns, cells, strict=False)):
                if cell.strip() == "":
                    continue  # an empty cell keeps the base manifest's value
                value: Any = cell.strip()
                if column in LIST_FIELDS:
                    value = [v.strip() for v in value.replace(",", ";").split(";") if v.strip()]
                values[column] = value
                locations[column] = Location(path, line, index + 1)
            output = values.pop(OUTPUT_COLUMN, None)
            yield RosterRow(number, values, locations, output)


def _document_rows(path: Path) -> Iterator[RosterRow]:
    doc = read_yaml(path)  # JSON is read by the same safe YAML loader, with positions
    if not isinstance(doc.data, list):
        raise WorkbookError.at(
            doc.locate(()), "a YAML or JSON roster is a list of objects, one per workbook"
        )
    for index, item in enumerate(doc.data):
        if not isinstance(item, dict):
            raise WorkbookError.at(
                doc.locate((index,)), f"row {index + 1} is not an object of fields"
            )
        values = _flatten(item)
        locations = {k: doc.locate((index, *k.split("."))) for k in values}
        output = values.pop(OUTPUT_COLUMN, None)
        yield RosterRow(index + 1, values, locations, None if output is None else str(output))


def read_roster(path: Path) -> Iterator[RosterRow]:
    """Stream the rows of a CSV, YAML or JSON roster."""
    if not path.is_file():
        raise WorkbookError.at(
            Location(path), "roster not found" if not path.exists() else "not a regular file"
        )
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _csv_rows(path)
    if suffix in {".yaml", ".yml", ".json"}:
        return _document_rows(path)
    raise WorkbookError.at(Location(path), "a roster is a .csv, .yaml, .yml or .json file")


def parse_shard(text: str) -> tuple[int, int]:
    """'2/3' -> (2, 3): the second of three shards."""
    index, _, count = text.partition("/")
    if not (index.isdigit() and count.isdigit()) or not 1 <= int(index) <= int(count):
        raise WorkbookError(f"--shard '{text}': write I/N with 1 <= I <= N, e.g. --shard 2/3")
    return int(index), int(count)


def in_shard(row: RosterRow, shard: tuple[int, int] | None) -> bool:
    return shard is None or (row.number - 1) % shard[1] == shard[0] - 1


@dataclass(frozen=True)
class Batch:
    """Everything shared by the rows: the base manifest and how to name outputs."""

    manifest: Path
    base: SourceDoc
    out_dir: Path
    name_template: str | None = None
    worksheet_dirs: tuple[Path, ...] = ()
    force: bool = False

    @classmethod
    def load(cls, manifest: Path, out_dir: Path, **kw: Any) -> Batch:
        return cls(manifest, read_manifest(manifest), out_dir, **kw)

    def row_manifest(self, row: RosterRow, validate: bool = True) -> dict[str, Any]:
        """The base manifest with the row applied, validated; errors point into the roster."""
        data: dict[str, Any] = copy.deepcopy(self.base.data)
        for dotted, value in row.values.items():
            try:
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
            fields = {**_flatten(data), "row": row.number}
            filled = re.sub(
                r"\{([^{}]+)\}",
                lambda m: str(fields.get(m.group(1).strip(), "")),
                self.name_template,
            )
            name = slug(filled, 100)
        else:
            recipient = (data.get("recipient") or {}).get("name") or ""
            name = f"{slug(' '.join(x for x in (data.get('title') or '', recipient) if x))}-{row.number}"
        return self.out_dir / f"{name}.pdf"

    def plan(self, row: RosterRow, validate: bool = True) -> RowPlan:
        return RowPlan(row, self.output_for(row, self.row_manifest(row, validate)))


_worker_batch: Batch | None = None  # in a worker process: the batch it builds rows of


def _start_worker(batch: Batch) -> None:
    """A worker process receives the batch once, and leaves Ctrl-C to the parent (which
    keeps finished files)."""
    global _worker_batch
    _worker_batch = batch
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _build_in_worker(plan: RowPlan) -> RowResult:
    assert _worker_batch is not None
    return build_row(_worker_batch, plan)


def build_row(batch: Batch, plan: RowPlan) -> RowResult:
    """Build one row's workbook (in a worker process); never raises for bad input."""
    start = time.perf_counter()
    options = BuildOptions(
        batch.manifest, plan.output, plan.row.values, batch.worksheet_dirs, batch.force
    )
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
    seen: dict[Path, int] = {}
    validate = bad is None
    for row in rows:
        if bad is not None and row.number in bad:
            continue
        try:
            plan = batch.plan(row, validate)
        except WorkbookError as exc:
            yield RowResult(row.number, "error", error="\n".join(str(d) for d in exc.diagnostics))
            continue
        if plan.output in seen:
            message = f"row {row.number}: output {plan.output} is also row {seen[plan.output]}'s"
            yield RowResult(row.number, "error", str(plan.output), error=message)
            continue
        seen[plan.output] = row.number
        yield plan


def run_batch(
    batch: Batch, rows: Callable[[], Iterable[RosterRow]], jobs: int
) -> Generator[RowResult, None, None]:
    """Validate every row first (reporting bad ones), then build the good ones, `jobs` at a
    time, yielding results as they finish. `rows` is called once per pass, so the roster is
    streamed, never held in memory; at most two rows per worker are in flight."""
    bad: set[int] = set()
    for item in _planned(batch, rows()):
        if isinstance(item, RowResult):
            bad.add(item.row)
            yield item
    plans = (p for p in _planned(batch, rows(), bad) if isinstance(p, RowPlan))
    # what is loaded by now (modules, the library) lives as long as the batch: keep it out of
    # the garbage collector's full passes, here and in the workers forked from here
    gc.collect()
    gc.freeze()
    try:
        yield from _build_all(batch, plans, jobs)
    finally:
        gc.unfreeze()


def _build_all(batch: Batch, plans: Iterable[RowPlan], jobs: int) -> Iterator[RowResult]:
    if jobs <= 1:
        for plan in plans:
            yield build_row(batch, plan)
        return
    pool = ProcessPoolExecutor(max_workers=jobs, initializer=_start_worker, initargs=(batch,))
    with pool:
        pending: set[Future[RowResult]] = set()
        try:
            for plan in plans:
                pending.add(pool.submit(_build_in_worker, plan))
                if len(pending) >= jobs * 2:
                    done, pending = wait(pending, return_when=FIRST_COMPLETED)
                    yield from (f.result() for f in done)
            for future in pending:
                yield future.result()
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise
