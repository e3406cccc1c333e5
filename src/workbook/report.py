"""The batch report: a journal that gets a line as each row's file is written, and the JSON
report made from it at the end, so the report always matches the files on disk.

    start_report   replaces an old report at once with one that says it is not complete
                   (an old report never looks current) and opens the journal
    Journal.add    appends one row (the worker that wrote the PDF does it, right after the
                   rename; the parent does it for rows that never reached a worker)
    finish_report  streams the journal, in row order, into the report; removes the journal

A batch killed outright (SIGKILL) leaves the "not complete" report, which names the journal:
one JSON object per line, one line per row finished.
"""

from __future__ import annotations

import json
import os
import tempfile
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import __version__
from .errors import Location, WorkbookError
from .output import Target, guard, make_folder, write_guarded

GENERATOR = f"workbook {__version__}"


@dataclass(frozen=True)
class Journal:
    """An append-only file of finished rows; safe to append to from several processes."""

    path: Path

    def add(self, row: dict[str, Any]) -> None:
        line = (json.dumps(row, ensure_ascii=False) + "\n").encode()
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND)
        try:
            os.write(fd, line)  # one write of one line: lines of different processes never mix
        finally:
            os.close(fd)

    def rows(self) -> Iterator[dict[str, Any]]:
        with self.path.open("rb") as handle:
            for line in handle:
                if line.endswith(b"\n"):  # a line cut short by a kill is not a finished row
                    yield json.loads(line)


def _open_journal(folder: Path, name: str) -> Journal:
    fd, path = tempfile.mkstemp(prefix=f".{name[:100]}.", suffix=".rows.jsonl", dir=folder)
    os.close(fd)
    return Journal(Path(path))


def _document(rows: Iterable[bytes], ok: int, failed: int, **status: Any) -> Iterator[bytes]:
    head = {"generator": GENERATOR, **status, "ok": ok, "failed": failed}
    yield json.dumps(head, ensure_ascii=False)[:-1].encode() + b', "rows": ['
    for index, row in enumerate(rows):
        yield (b",\n  " if index else b"\n  ") + row
    yield b"\n]}\n"


def start_report(
    path: Path | None,
    out_dir: Path,
    inputs: Iterable[Path | None],
    force: bool,
    shard: str | None = None,
) -> tuple[Journal, Target | None]:
    """Check the report path, mark any old report there as superseded, open the journal."""
    make_folder(out_dir)
    if path is None:
        return _open_journal(out_dir, "batch"), None
    target = guard(path, "report", force=force, inputs=inputs)
    journal = _open_journal(make_folder(target.path.parent), target.path.name)
    status = {"complete": False, "interrupted": False, "shard": shard, "journal": str(journal.path)}
    write_guarded(_document([], 0, 0, **status), target, force)
    return journal, target


def finish_report(
    journal: Journal, target: Target | None, force: bool = False, **status: Any
) -> tuple[int, int]:
    """Write the report from the journal (rows in roster order), with `status` (complete,
    interrupted, error), and remove the journal; return the numbers of rows built and failed.
    Memory stays small for any number of rows."""
    rows, offsets, good, warned = array("q"), array("q"), array("b"), array("q")
    with journal.path.open("rb") as handle:
        offset = 0
        for line in handle:
            if line.endswith(b"\n"):
                row = json.loads(line)
                rows.append(row["row"])
                offsets.append(offset)
                good.append(row["status"] == "ok")
                warned.append(len(row.get("warnings") or ()))
            offset += len(line)
    # a row built again (after its worker died) has a later line: the later one counts
    order = sorted(range(len(rows)), key=lambda i: (rows[i], i))
    order = [i for n, i in enumerate(order) if n + 1 == len(order) or rows[order[n + 1]] != rows[i]]
    ok = sum(good[i] for i in order)
    failed = len(order) - ok
    status["warnings"] = sum(warned[i] for i in order)
    if target is not None:
        with journal.path.open("rb") as handle:
            lines = (_line_at(handle, offsets[i]) for i in order)
            write_guarded(_document(lines, ok, failed, **status), target, force)
    journal.path.unlink(missing_ok=True)
    return ok, failed


def _line_at(handle: Any, offset: int) -> bytes:
    handle.seek(offset)
    return bytes(handle.readline().rstrip(b"\n"))


def _read_report(path: Path) -> dict[str, Any]:
    """A batch report, read back for merging; a located error for anything else."""
    if not path.is_file():
        problem = "not a regular file" if path.exists() else "file not found"
        raise WorkbookError.at(Location(path), problem)
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError) as exc:
        raise WorkbookError.at(Location(path), f"not a readable batch report ({exc})") from None
    if not (isinstance(data, dict) and isinstance(data.get("rows"), list)):
        raise WorkbookError.at(Location(path), "not a batch report: it has no list of rows")
    return data


def merge_reports(paths: list[Path], target: Target, force: bool = False) -> tuple[int, int]:
    """Join the reports of a batch's shards into one; a row in two reports, or a shard of
    N that is missing, is an error (the shards were not one batch)."""
    rows: dict[int, tuple[Path, dict[str, Any]]] = {}
    shards: dict[str, Path] = {}
    status: dict[str, Any] = {"complete": True, "interrupted": False, "error": None}
    for path in paths:
        data = _read_report(path)
        for row in data["rows"]:
            if row["row"] in rows:
                other = rows[row["row"]][0]
                raise WorkbookError.at(Location(path), f"row {row['row']} is also in {other}: "
                                       "these reports are not shards of one batch")  # fmt: skip
            rows[row["row"]] = (path, row)
        status["complete"] &= data.get("complete", True) is True
        status["interrupted"] |= data.get("interrupted", False) is True
        status["error"] = status["error"] or data.get("error")
        if data.get("shard"):
            shards[data["shard"]] = path
    _check_shards(shards, paths)
    ordered = [json.dumps(rows[n][1], ensure_ascii=False).encode() for n in sorted(rows)]
    ok = sum(rows[n][1]["status"] == "ok" for n in rows)
    status["warnings"] = sum(len(rows[n][1].get("warnings") or ()) for n in rows)
    write_guarded(_document(ordered, ok, len(rows) - ok, **status, shard=None), target, force)
    return ok, len(rows) - ok


def _check_shards(shards: dict[str, Path], paths: list[Path]) -> None:
    counts = {shard.split("/")[1] for shard in shards}
    if len(counts) > 1:
        raise WorkbookError(
            f"the reports are shards of different splits ({', '.join(sorted(shards))})"
        )
    if counts and len(shards) != len(paths):
        raise WorkbookError("some reports say which shard they are and some do not")
    if counts:
        total = int(counts.pop())
        missing = [str(i) for i in range(1, total + 1) if f"{i}/{total}" not in shards]
        if missing:
            raise WorkbookError(
                f"shard {', '.join(missing)} of {total} is missing from the reports"
            )
