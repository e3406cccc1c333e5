"""Commands about the worksheet library: list, show, validate, schema, new."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from ..errors import WorkbookError
from .common import Dirs, Lang, Opt, app, emit, printing, reporting, status


@app.command("list")
def list_worksheets(
    lang: Lang = "en",
    as_json: Annotated[bool, Opt("--json", help="Print JSON.")] = False,
    dirs: Dirs = None,
) -> None:
    """List the worksheet library: id, title, audience, minutes.

    \b
    Examples:
      workbook list
      workbook list --lang es --json
    """
    from ..library import available, load, search_dirs
    from ..locale import strings

    with reporting():
        strings(lang)
        sheets = [load(p).sheet for p in available(lang, search_dirs(dirs or [])).values()]
    with printing():
        _print_library(sheets, as_json)


def _print_library(sheets: list[Any], as_json: bool) -> None:
    if as_json:
        rows = [{"id": s.id, "title": s.title, "audience": s.audience, "minutes": s.minutes,
                 "summary": s.summary.strip(), "language": s.language, "tags": s.tags}
                for s in sheets]  # fmt: skip
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    width = max((len(s.id) for s in sheets), default=2)
    typer.echo(f"{'ID':<{width}}  {'AUDIENCE':<9}  {'MIN':>3}  TITLE")
    for s in sheets:
        typer.echo(f"{s.id:<{width}}  {s.audience:<9}  {s.minutes:>3}  {s.title}")


@app.command()
def show(
    worksheet_id: Annotated[str, typer.Argument(metavar="ID", help="A worksheet id.")],
    lang: Lang = "en",
    dirs: Dirs = None,
) -> None:
    """Show one worksheet's summary and blocks.

    \b
    Example:
      workbook show i-statements
    """
    from ..library import available, load, search_dirs
    from ..validate import suggest

    with reporting():
        found = available(lang, search_dirs(dirs or []))
        if worksheet_id not in found:
            raise WorkbookError(
                f"unknown worksheet '{worksheet_id}'{suggest(worksheet_id, list(found))}"
            )
        sheet = load(found[worksheet_id]).sheet
    with printing():
        _print_worksheet(sheet, found[worksheet_id])


def _print_worksheet(sheet: Any, path: Path) -> None:
    typer.echo(
        f"{sheet.title}\n{sheet.id} · {sheet.audience} · about {sheet.minutes} minutes · {path}\n"
    )
    typer.echo(sheet.summary.strip() + "\n")
    for i, block in enumerate(sheet.blocks, start=1):
        typer.echo(f"{i:>3}. {_describe(block)}")


def _describe(block: Any) -> str:
    text = (
        getattr(block, "text", None)
        or getattr(block, "label", None)
        or getattr(block, "template", None)
    )
    if text is None and getattr(block, "items", None):
        text = f"{len(block.items)} items: {block.items[0]}"
    if text is None and getattr(block, "columns", None) and block.type == "table":
        text = " | ".join(block.columns)
    if text is None and block.type == "columns":
        text = f"{block.left.title} / {block.right.title}"
    line = " ".join(str(text or "").split())
    when = f"  [when {block.when}]" if block.when else ""
    return f"{block.type:<10} {line[:70]}{'…' if len(line) > 70 else ''}{when}"


@app.command()
def validate(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(metavar="PATH...", help="Files or folders (default: the library)."),
    ] = None,
    as_json: Annotated[bool, Opt("--json", help="Print diagnostics as JSON.")] = False,
    strict: Annotated[bool, Opt("--strict", help="Treat warnings as errors.")] = False,
    manifest: Annotated[
        Path | None,
        Opt("-m", "--manifest", metavar="MANIFEST", help="The base manifest a roster overrides."),
    ] = None,
) -> None:
    """Check worksheets, manifests, themes and rosters; exit 1 on any error.

    A roster is checked row by row as batch would take it, against its base manifest,
    without building anything.

    \b
    Examples:
      workbook validate
      workbook validate examples/partner.yaml --strict
      workbook validate examples/roster.csv -m examples/partner.yaml
    """
    from ..checks import check_paths, default_paths

    with reporting():
        diagnostics, count = check_paths(paths or default_paths(), manifest)
    if as_json:
        with printing():
            typer.echo(json.dumps([d.as_json() for d in diagnostics], indent=2))
    else:
        emit(diagnostics)
        errors = sum(d.severity == "error" for d in diagnostics)
        typer.echo(
            f"checked {count} file(s): {errors} error(s), {len(diagnostics) - errors} warning(s)",
            err=True,
        )
    if any(d.severity == "error" or strict for d in diagnostics):
        raise typer.Exit(1)


@app.command()
def schema(
    kind: Annotated[
        str, typer.Argument(metavar="KIND", help="worksheet, manifest or theme.")
    ] = "worksheet",
) -> None:
    """Print the JSON Schema of a file format, for editors' YAML language servers.

    \b
    Example:
      workbook schema manifest > manifest.schema.json
    """
    from ..authoring import json_schema

    with reporting(), printing():
        typer.echo(json.dumps(json_schema(kind), indent=2))


@app.command()
def new(
    worksheet_id: Annotated[str, typer.Argument(metavar="ID", help="The new worksheet's id.")],
    folder: Annotated[
        Path, Opt("--dir", metavar="DIR", help="Your worksheets' folder (not the library's).")
    ] = Path("my-worksheets"),
    lang: Lang = "en",
) -> None:
    """Write a new worksheet skeleton (every block type, commented) to ./my-worksheets/.

    \b
    Example:
      workbook new my-worksheet
    """
    from ..authoring import new_worksheet

    with reporting():
        path = new_worksheet(worksheet_id, folder, lang)
    status(f"wrote {path}")
    status(
        f"preview it: workbook build --worksheets {folder} -w {worksheet_id} -o output/{worksheet_id}.pdf"
    )
