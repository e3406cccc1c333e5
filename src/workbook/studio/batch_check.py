"""The batch page's check: every row of a roster against the base manifest, before anything
is built, with the batch library's own validation (`Batch.plan`) and the build's first step
(`load_project`, which finds unknown worksheets); each problem as a row, a column, a place in
the user's file and the CLI's message."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

from ..batch import Batch, RowPlan, read_roster
from ..errors import Diagnostic, Location, WorkbookError
from ..project import BuildOptions, load_project
from ..roster import RosterRow

SHOWN_PROBLEMS = 200  # the page lists this many; the report has them all
MAX_ROWS = 2000  # a roster the studio builds in one go; larger ones are for `workbook batch`
PREFIX = re.compile(r"^row \d+(, column '[^']*')?: ")
COLUMN = re.compile(r"^row \d+, column '([^']*)'")


@dataclass(frozen=True)
class Names:
    """The scratch files and the names the user knows them by (messages use these)."""

    roster: Path
    roster_shown: str
    base: Path
    base_shown: str

    def tidy(self, text: str) -> str:
        """A message without the scratch folder's paths: the user's own file names instead."""
        for path, shown in ((self.roster, self.roster_shown), (self.base, self.base_shown)):
            text = text.replace(str(path), shown)
        return text.replace(str(self.base.parent), "the studio's folder")

    def where(self, location: Location) -> str:
        """`roster.csv:11:3`, with the user's file name; a library file by its own name."""
        if location.file is None:
            return ""
        shown = {self.roster: self.roster_shown, self.base: self.base_shown}
        name = shown.get(location.file, location.file.name)
        return str(Location(Path(name), location.line, location.column))


@dataclass(frozen=True)
class Problem:
    """One problem of one row (row 0: the roster itself), as the table shows it."""

    row: int
    column: str  # the dotted field / CSV header; "" for the whole row
    where: str  # the user's file:line:column
    message: str  # the CLI's message, without the "row N, column 'x':" the table shows
    text: str  # the whole diagnostic as the CLI prints it (for the report)


@dataclass
class Check:
    """What checking a roster found: its rows, the bad ones' problems, or why it is no roster."""

    total: int = 0
    bad: dict[int, list[Problem]] = field(default_factory=dict)
    unreadable: str = ""  # the roster (or the settings) could not be read at all
    in_settings: list[str] = field(default_factory=list)  # problems of the base, not the rows

    @property
    def good(self) -> int:
        return self.total - len(self.bad)

    def problems(self, limit: int = SHOWN_PROBLEMS) -> list[Problem]:
        return [p for row in sorted(self.bad) for p in self.bad[row]][:limit]

    @property
    def count(self) -> int:
        return sum(len(problems) for problems in self.bad.values())


def check_roster(batch: Batch, names: Names, building: threading.Lock) -> Check:
    """Every row of the roster, checked; never raises for bad input."""
    check = Check()
    outputs: dict[Path, int] = {}
    try:
        for row in read_roster(names.roster):
            check.total += 1
            if check.total > MAX_ROWS:
                raise WorkbookError(f"{names.roster_shown}: more than {MAX_ROWS} rows; the studio "
                                    f"builds up to {MAX_ROWS} at a time: split the roster, or "
                                    "use `workbook batch`")  # fmt: skip
            problems = _row_problems(batch, row, names, building, outputs)
            if problems:
                check.bad[row.number] = problems
            for problem in problems:
                shown = f"{problem.where}: {problem.message}"
                if problem.where.startswith(f"{names.base_shown}:") and (
                    shown not in check.in_settings
                ):
                    check.in_settings.append(shown)
    except WorkbookError as exc:
        check.unreadable = "\n".join(names.tidy(str(d)) for d in exc.diagnostics)
    return check


def _row_problems(batch: Batch, row: RosterRow, names: Names, building: threading.Lock,
                  outputs: dict[Path, int]) -> list[Problem]:  # fmt: skip
    try:
        plan = batch.plan(row)
        with building:
            load_project(_options(batch, plan))
    except WorkbookError as exc:
        errors = [d for d in exc.diagnostics if d.severity == "error"] or exc.diagnostics
        return [_problem(row, d, names) for d in errors]
    except Exception as exc:  # a bug must cost one row, as in `workbook batch`
        message = f"row {row.number}: internal error ({type(exc).__name__})"
        return [_problem(row, Diagnostic(message), names)]
    if plan.output in outputs:
        message = (
            f"row {row.number}: output {plan.output.name} is also row {outputs[plan.output]}'s"
        )
        return [_problem(row, Diagnostic(message), names)]
    outputs[plan.output] = row.number
    return []


def _options(batch: Batch, plan: RowPlan) -> BuildOptions:
    """The options `build_row` gives the build for this row."""
    return BuildOptions(batch.manifest, plan.output, plan.row.values, batch.worksheet_dirs,
                        batch.force, batch.password, plan.row.locations)  # fmt: skip


def _problem(row: RosterRow, diagnostic: Diagnostic, names: Names) -> Problem:
    message = names.tidy(diagnostic.message)
    column = next((k for k, v in row.locations.items() if v == diagnostic.location), "")
    found = COLUMN.match(message)
    text = names.tidy(str(diagnostic))
    if not message.startswith(f"row {row.number}"):
        text = text.replace(message, f"row {row.number}: {message}")
    return Problem(row.number, column or (found.group(1) if found else ""),
                   names.where(diagnostic.location), PREFIX.sub("", message), text)  # fmt: skip
