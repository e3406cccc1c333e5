"""The command that reads filled workbooks back: answers."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .common import Opt, app, printing, reporting, status

BOM = "\ufeff"  # so that a spreadsheet opens a CSV file as UTF-8 (Дмитрий, Nguyễn)


@app.command()
def answers(
    files: Annotated[
        list[Path],
        typer.Argument(metavar="PDF", help="Filled workbooks (PDF files), or folders of them."),
    ],
    as_json: Annotated[bool, Opt("--json", help="Print JSON.")] = False,
    as_csv: Annotated[bool, Opt("--csv", help="Print CSV: one row per workbook.")] = False,
    output: Annotated[
        Path | None,
        Opt(
            "-o",
            "--output",
            metavar="FILE",
            help="Write here instead of printing (.json or .csv picks the format).",
        ),
    ] = None,
    password: Annotated[
        str | None,
        Opt(
            envvar="WORKBOOK_PASSWORD",
            show_envvar=True,
            metavar="PASSWORD",
            help="The password of password-protected workbooks.",
        ),
    ] = None,
    force: Annotated[
        bool, Opt("--force", help="Replace a file that is not an answers file workbook wrote.")
    ] = False,
) -> None:
    """Print the answers in filled workbooks (the fillable edition), keyed by field.

    Each answer comes with its worksheet, block and question as printed. A folder gives
    all its PDFs; --csv gives one row per workbook, one column per field.

    \b
    Examples:
      workbook answers output/sam.pdf
      workbook answers returned/ --csv -o answers.csv
    """
    from ..answers.files import pdf_files, read_all
    from ..answers.formats import as_csv as csv_text
    from ..answers.formats import as_json as json_text
    from ..answers.formats import as_text
    from ..output import guard, write_guarded

    if as_json and as_csv:
        typer.echo("error: give --json or --csv, not both", err=True)
        raise typer.Exit(2)
    suffix = output.suffix.lower() if output else ""
    as_json = as_json or (not as_csv and suffix == ".json")
    as_csv = as_csv or (not as_json and suffix == ".csv")
    with reporting():
        found = pdf_files(files)
        target = guard(output, "answers", force=force, inputs=found) if output else None
        books = read_all(found, password)
        single = len(files) == 1 and files[0].is_file()
        text = (
            json_text(books, single) if as_json else csv_text(books) if as_csv else as_text(books)
        )
        if target is not None:
            write_guarded(((BOM if as_csv else "") + text).encode("utf-8"), target, force)
    if target is not None:
        status(f"wrote {output} (answers from {len(books)} workbook(s))")
        return
    with printing():
        typer.echo(text, nl=False)
