"""The studio's /answers page: filled workbooks in, their answers shown, JSON and CSV out (as
`workbook answers --json` / `--csv` -o gives them), and a new edition with them.

    POST /answers            the files are kept in the scratch folder under a random ref, read
                             by the library, then deleted; the answers stay (JSON, CSV, one
                             JSON per workbook for a new edition) until the studio stops
    POST /answers/download   ref + json|csv: the answers of that batch's readable files (one
                             object for one file, as the CLI gives for one file)
    /?answers=<ref>          the workbook page, prefilled (it calls `given_ref`)

A file's own name (as the user gave it) stands in for its path in messages and downloads,
so nothing shows the scratch folder. Answers and names are never logged.
"""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..answers.formats import as_csv, as_json
from ..answers.model import BlockAnswers, WorkbookAnswers, read_answers
from ..errors import WorkbookError
from ..locale import SUPPORTED_LANGUAGES
from . import uploads
from .app import Studio, download, in_thread, ui_language
from .forms import EDITIONS, given_answers
from .interface import interface

BATCHES = "answers-read"  # scratch/answers-read/<ref>/: one upload's answers (JSON, CSV)
BATCH_REF = re.compile(r"[0-9a-f]{32}")
LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*")
MAX_FILES = 200
BOM = "\ufeff"  # as `workbook answers -o answers.csv` writes it: spreadsheets read UTF-8
DOWNLOADS = {  # format -> (file name, media type)
    "json": ("answers.json", "application/json; charset=utf-8"),
    "csv": ("answers.csv", "text/csv; charset=utf-8"),
}


@dataclass(frozen=True)
class Entry:
    """One question as printed and its answers as shown ("" for one not given)."""

    question: str
    answers: tuple[str, ...]


@dataclass(frozen=True)
class Shown:
    """One workbook as the page shows it."""

    name: str  # the file's name as the user gave it
    title: str | None
    recipient: str | None
    language: str | None  # a language tag for the questions' `lang`, or None
    sheets: tuple[tuple[str, tuple[Entry, ...]], ...]  # (worksheet title, its entries)
    answered: bool
    edition: str  # the ref of its answers for a new edition


def routes(studio: Studio) -> list[Route]:
    def show(request: Request) -> Response:
        return page(studio, ui_language(request.query_params.get("ui")))

    async def upload(request: Request) -> Response:
        form = await studio.form(request)
        if isinstance(form, Response):
            return form
        ui = ui_language(form.get("ui"))
        password = form.get("password")
        secret = password if isinstance(password, str) and password else None
        ref = secrets.token_hex(16)
        kept, problems = await keep_all(form, studio.scratch / BATCHES / ref, interface(ui))
        return await in_thread(lambda: answered(studio, ui, ref, kept, problems, secret))

    async def fetch(request: Request) -> Response:
        form = await studio.form(request)
        if isinstance(form, Response):
            return form
        ui, ref, kind = ui_language(form.get("ui")), form.get("ref"), form.get("format")
        folder = batch_folder(studio, ref)
        if folder is None or not isinstance(kind, str) or kind not in DOWNLOADS:
            return page(studio, ui, 404, problems=[interface(ui)["answers_gone"]])
        name, media = DOWNLOADS[kind]
        return download((folder / name).read_bytes(), name, media)

    return [Route("/answers", show, methods=["GET"]),
            Route("/answers", upload, methods=["POST"]),
            Route("/answers/download", fetch, methods=["POST"])]  # fmt: skip


def page(studio: Studio, ui: str, status: int = 200, **context: Any) -> Response:
    values: dict[str, Any] = {"books": [], "problems": [], "ref": "", **context}
    values["locked"] = any("password" in p for p in values["problems"])  # the CLI's words
    return studio.page("answers.html.j2", ui, status, current="/answers", **values)


async def keep_all(form: FormData, folder: Path,
                   words: dict[str, str]) -> tuple[list[tuple[str, Path]], list[str]]:  # fmt: skip
    """Each file sent, kept under a name of our own: (its own name, where it is); and why
    each refused one was refused."""
    files = [f for f in form.getlist("workbooks") if isinstance(f, UploadFile) and f.filename]
    kept: list[tuple[str, Path]] = []
    problems = [] if files else [words["answers_no_files"]]
    if len(files) > MAX_FILES:
        problems.append(words["answers_too_many"].format(count=MAX_FILES))
    for upload in files[:MAX_FILES]:
        try:
            kept.append(
                (own_name(upload.filename), await uploads.keep(upload, uploads.PDF, folder))
            )
        except uploads.UploadRefused as refused:
            problems.append(str(refused))
    return kept, problems


def own_name(filename: str | None) -> str:
    """A file's name as the user gave it (as uploads.keep names it in messages)."""
    return Path(filename or "the file").name[:120]


def answered(studio: Studio, ui: str, ref: str, kept: list[tuple[str, Path]],
             problems: list[str], password: str | None) -> Response:  # fmt: skip
    """Read every kept file (then delete it), keep the batch's answers, show them."""
    books = read_each(kept, password, problems)
    if not books:
        return page(studio, ui, 422, problems=problems)
    folder = studio.scratch / BATCHES / ref
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "answers.json").write_text(as_json(books, len(books) == 1), encoding="utf-8")
    (folder / "answers.csv").write_text(BOM + as_csv(books), encoding="utf-8", newline="")
    words = interface(ui)
    shown = [shown_book(book, new_edition(studio, book), words) for book in books]
    return page(studio, ui, books=shown, problems=problems, ref=ref)


def read_each(kept: list[tuple[str, Path]], password: str | None,
              problems: list[str]) -> list[WorkbookAnswers]:  # fmt: skip
    """The answers of each file that reads, named by its own name; a message for each other."""
    books: list[WorkbookAnswers] = []
    for name, path in kept:
        try:
            books.append(replace(read_answers(path, password), file=Path(name)))
        except WorkbookError as exc:
            problems += [f"{name}: {d.message}" for d in exc.diagnostics]
        finally:
            path.unlink(missing_ok=True)
    return books


def new_edition(studio: Studio, book: WorkbookAnswers) -> str:
    """Write one workbook's answers (`load_given` reads them) for the workbook page; its ref."""
    ref = secrets.token_hex(8)
    folder = studio.scratch / EDITIONS
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{ref}.json").write_text(as_json([book], single=True), encoding="utf-8")
    return ref


def batch_folder(studio: Studio, ref: object) -> Path | None:
    """The folder of an upload's answers, for a ref that is one of ours (never a path)."""
    if not isinstance(ref, str) or not BATCH_REF.fullmatch(ref):
        return None
    folder = studio.scratch / BATCHES / ref
    return folder if (folder / "answers.json").is_file() else None


def given_ref(studio: Studio, ref: str | None) -> Path | None:
    """The answers file of a new edition's ref (`/?answers=<ref>`), if it is valid and there."""
    return given_answers(studio.scratch, ref) if isinstance(ref, str) else None


@dataclass(frozen=True)
class EditionStart:
    """What a new edition takes from a workbook's answers file, besides the answers."""

    worksheets: list[str]  # in order; not the crisis page
    language: str | None
    title: str | None = None
    recipient: str | None = None


def edition_start(path: Path) -> EditionStart:
    """The answers file (as `given_ref` finds it) read once; nothing for a file not ours."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = None
    if not isinstance(data, dict):
        return EditionStart([], None)
    sheets = data.get("worksheets")
    ids = [s.get("id") for s in sheets if isinstance(s, dict)] if isinstance(sheets, list) else []
    tag = data.get("language")
    language = tag.split("-")[0].lower() if isinstance(tag, str) else None  # es-MX: es
    return EditionStart(
        [i for i in ids if isinstance(i, str) and i and not i.startswith("_")],
        language if language in SUPPORTED_LANGUAGES else None,
        *(data[k][:300] if isinstance(data.get(k), str) else None for k in ("title", "recipient")),
    )


def sheets_and_language(path: Path) -> tuple[list[str], str | None]:
    """The worksheets and the language of a workbook's answers file ([], None if not ours)."""
    start = edition_start(path)
    return start.worksheets, start.language


# -- what the page shows -------------------------------------------------------------------


def shown_book(book: WorkbookAnswers, edition: str, words: dict[str, str]) -> Shown:
    language = book.language if book.language and LANGUAGE_TAG.fullmatch(book.language) else None
    sheets = tuple((s.title or s.id, tuple(e for b in s.blocks for e in entries(b, words)))
                   for s in book.worksheets)  # fmt: skip
    given = any(a.value not in (None, "", False) for a in book.answers)
    return Shown(str(book.file), book.title, book.recipient, language, sheets, given, edition)


def entries(block: BlockAnswers, words: dict[str, str]) -> list[Entry]:
    """A block as questions and answers: a lines block's text, a fill-in's blanks, a scale's
    number, each checklist item ticked or not, a table's filled cells (or its columns once)."""
    question = block.question or block.id.split(".", 1)[-1].replace(".", " ")  # "lines 2"
    if block.type == "lines":
        return [Entry(question, (block.text or "",))]
    if block.type in ("fill_in", "scale"):
        return [Entry(question, tuple(shown_value(a.value, words) for a in block.answers))]
    if block.type == "table":
        filled = [Entry(a.question, (str(a.value),)) for a in block.answers if a.value]
        return filled or [Entry(question, ("",))]
    return [Entry(a.question, (shown_value(a.value, words),)) for a in block.answers]


def shown_value(value: object, words: dict[str, str]) -> str:
    """An answer as the page shows it: Yes/No for a tick, a number, text ("" for none)."""
    if isinstance(value, bool):
        return words["answers_yes"] if value else words["answers_no"]
    return "" if value is None else str(value)
