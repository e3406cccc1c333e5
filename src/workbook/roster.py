"""Rosters: the rows of a CSV, YAML or JSON roster as manifest overrides, streamed, each
with where its values are; a row the file cannot give is kept, with its problem, for the
batch to report."""

from __future__ import annotations

import csv
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import Diagnostic, Location, WorkbookError
from .sources import read_yaml

OUTPUT_COLUMN = "output"
LIST_FIELDS = {"worksheets", "worksheets_dirs"}  # in CSV cells: separated by ; or ,


@dataclass(frozen=True)
class RosterRow:
    number: int  # 1-based data row
    values: dict[str, Any]  # dotted manifest path -> value
    locations: dict[str, Location]  # dotted path -> where it is in the roster
    output: str | None = None
    problem: Diagnostic | None = None  # a row the roster cannot give: reported, not built


def flatten(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in data.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            flat.update(flatten(value, dotted + "."))
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
        _check_header(path, columns)
        for number, cells in enumerate(reader, start=1):
            line = reader.line_num
            if len(cells) > len(columns):
                problem = Diagnostic(f"row {number} has more cells than the header has columns",
                                     Location(path, line, len(columns) + 1))  # fmt: skip
                yield RosterRow(number, {}, {}, problem=problem)
                continue
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


def _check_header(path: Path, columns: list[str]) -> None:
    first: dict[str, int] = {}
    for index, column in enumerate(columns, start=1):
        if column in first:
            raise WorkbookError.at(Location(path, 1, index), f"column '{column}' appears twice "
                                   f"(columns {first[column]} and {index}); keep one")  # fmt: skip
        first[column] = index


def _document_rows(path: Path) -> Iterator[RosterRow]:
    doc = read_yaml(path)  # JSON is read by the same safe YAML loader, with positions
    if not isinstance(doc.data, list):
        raise WorkbookError.at(
            doc.locate(()), "a YAML or JSON roster is a list of objects, one per workbook"
        )
    for index, item in enumerate(doc.data):
        if not isinstance(item, dict):
            problem = Diagnostic(
                f"row {index + 1} is not an object of fields", doc.locate((index,))
            )
            yield RosterRow(index + 1, {}, {}, problem=problem)
            continue
        values = flatten(item)
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


# Where batch engines say which of N parallel jobs this is: (index, total, first index).
SHARD_VARIABLES = (
    ("CI_NODE_INDEX", "CI_NODE_TOTAL", 1, "GitLab CI parallel jobs"),
    ("BUILDKITE_PARALLEL_JOB", "BUILDKITE_PARALLEL_JOB_COUNT", 0, "Buildkite parallel jobs"),
    ("JOB_COMPLETION_INDEX", None, 0, "a Kubernetes indexed Job, with --shard auto/N"),
)


def parse_shard(text: str, environ: Mapping[str, str] | None = None) -> tuple[int, int]:
    """'2/3' -> (2, 3): the second of three shards; 'auto' or 'auto/N' read it from the
    batch engine's environment."""
    index, _, count = text.partition("/")
    if index == "auto":
        return _shard_from(os.environ if environ is None else environ, count, text)
    if not (index.isdigit() and count.isdigit()) or not 1 <= int(index) <= int(count):
        raise WorkbookError(f"--shard '{text}': write I/N with 1 <= I <= N, e.g. --shard 2/3, "
                            "or auto")  # fmt: skip
    return int(index), int(count)


def _shard_from(environ: Mapping[str, str], count: str, text: str) -> tuple[int, int]:
    if count and not count.isdigit():
        raise WorkbookError(f"--shard '{text}': write auto or auto/N, e.g. auto/4")
    for index_name, total_name, first, _ in SHARD_VARIABLES:
        index, total = environ.get(index_name, ""), environ.get(total_name or "", count)
        if not index:
            continue
        if not (index.isdigit() and total.isdigit()) or (count and total != count):
            raise WorkbookError(f"--shard {text}: {index_name}={index!r} and a total of "
                                f"{total!r} do not make a shard")  # fmt: skip
        return parse_shard(f"{int(index) - first + 1}/{total}")
    looked = "; ".join(
        f"{i}{' and ' + t if t else ''} ({what})" for i, t, _, what in SHARD_VARIABLES
    )
    raise WorkbookError(f"--shard {text}: no shard in the environment; looked for {looked}")


def in_shard(row: RosterRow, shard: tuple[int, int] | None) -> bool:
    return shard is None or (row.number - 1) % shard[1] == shard[0] - 1
