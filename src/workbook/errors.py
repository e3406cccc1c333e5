"""Errors and diagnostics: one family, each carrying the user's file, line and column.

    WorkbookError                 anything the user can fix; has .diagnostics
    └── (raised by every stage)   sources, validate, library, personalise, layout, pdf

The library raises; only the CLI prints and picks exit codes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Location:
    """Where something is in a user's file (line and column are 1-based)."""

    file: Path | None = None
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        parts = [str(self.file) if self.file else "<input>"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)


@dataclass(frozen=True)
class Diagnostic:
    """One message for the user, in the form `path:line:col: severity: message`."""

    message: str
    location: Location = Location()
    severity: Severity = "error"

    def __str__(self) -> str:
        if self.location.file is None:
            return f"{self.severity}: {self.message}"
        return f"{self.location}: {self.severity}: {self.message}"

    def as_json(self) -> dict[str, object]:
        return {
            "file": str(self.location.file) if self.location.file else None,
            "line": self.location.line,
            "column": self.location.column,
            "severity": self.severity,
            "message": self.message,
        }


class WorkbookError(Exception):
    """A problem with the user's input; carries one or more diagnostics."""

    def __init__(self, diagnostics: Diagnostic | list[Diagnostic] | str) -> None:
        if isinstance(diagnostics, str):
            diagnostics = Diagnostic(diagnostics)
        if isinstance(diagnostics, Diagnostic):
            diagnostics = [diagnostics]
        self.diagnostics = diagnostics
        super().__init__("\n".join(str(d) for d in diagnostics))

    @classmethod
    def at(cls, location: Location, message: str) -> WorkbookError:
        return cls(Diagnostic(message, location))


def block_label(sheet: str | None, index: int, kind: object) -> str:
    """How messages name a worksheet's block: "worksheet 'x', block 3 (table)" (index from 0;
    the sheet and the type only when known)."""
    prefix = f"worksheet '{sheet}', " if sheet else ""
    return f"{prefix}block {index + 1}" + (f" ({kind})" if isinstance(kind, str) and kind else "")
