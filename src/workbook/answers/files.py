"""The filled workbooks named on a command line or in a form: which files they are (a folder
counts as its PDFs), and the answers in every one of them."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..errors import Diagnostic, Location, WorkbookError
from .model import WorkbookAnswers, read_answers


def pdf_files(paths: Sequence[Path]) -> list[Path]:
    """The PDFs named, a folder's PDFs (not its subfolders') sorted by name; each file once.
    A missing path or a folder without PDFs is an error, every one of them at once."""
    found: list[Path] = []
    problems: list[Diagnostic] = []
    for path in paths:
        if path.is_dir():
            inside = sorted(p for p in path.iterdir() if p.suffix.lower() == ".pdf" and p.is_file())
            found += inside
            if not inside:
                problems.append(Diagnostic("this folder has no PDF files", Location(path)))
        elif path.exists():
            found.append(path)
        else:
            problems.append(Diagnostic("no such file or folder", Location(path)))
    if problems:
        raise WorkbookError(problems)
    return list(dict.fromkeys(found))


def read_all(paths: Sequence[Path], password: str | None = None) -> list[WorkbookAnswers]:
    """Every file's answers; an error for each file that cannot be read, all at once."""
    books: list[WorkbookAnswers] = []
    problems: list[Diagnostic] = []
    for path in pdf_files(paths):
        try:
            books.append(read_answers(path, password))
        except WorkbookError as exc:
            problems += exc.diagnostics
    if problems:
        raise WorkbookError(problems)
    return books
