"""Commands that make one workbook's files: build and preview."""

from __future__ import annotations

from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..errors import WorkbookError
from .common import STATE, Dirs, Opt, Password, app, emit, reporting, status

if TYPE_CHECKING:
    from ..project import BuildOptions


@app.command()
def build(
    manifest: Annotated[
        Path | None, typer.Argument(metavar="MANIFEST", help="Manifest YAML (optional).")
    ] = None,
    output: Annotated[
        Path | None, Opt("-o", "--output", metavar="FILE", help="The PDF to write.")
    ] = None,
    worksheet: Annotated[
        list[str] | None,
        Opt("--worksheet", "-w", metavar="ID", help="A worksheet id (repeatable)."),
    ] = None,
    name: Annotated[str | None, Opt(metavar="NAME", help="Who the workbook is for.")] = None,
    loved_one: Annotated[str | None, Opt(metavar="NAME", help="The loved one's name.")] = None,
    relationship: Annotated[
        str | None,
        Opt(metavar="WHO", help="partner, parent, friend, sibling, child or other."),
    ] = None,
    age_group: Annotated[
        str | None, Opt(metavar="AGE", help="adult, or minor for a loved one under 18.")
    ] = None,
    practice: Annotated[str | None, Opt(metavar="NAME", help="Practice name for branding.")] = None,
    title: Annotated[str | None, Opt(metavar="TEXT", help="The workbook's title.")] = None,
    theme: Annotated[
        str | None, Opt(metavar="THEME", help="default, large-print, ink-saver or a theme file.")
    ] = None,
    page_size: Annotated[str | None, Opt(metavar="SIZE", help="letter or a4.")] = None,
    lang: Annotated[str | None, Opt("--lang", metavar="LANG", help="Language: en or es.")] = None,
    region: Annotated[
        str | None, Opt(metavar="CC", help="Two-letter country code for the crisis page.")
    ] = None,
    edition: Annotated[str | None, Opt(metavar="EDITION", help="client or facilitator.")] = None,
    fillable: Annotated[
        bool, Opt("--fillable", help="Form fields to fill in on a screen.")
    ] = False,
    format_: Annotated[
        str | None,
        Opt("--format", metavar="FORMAT", help="pdf, or html: a web page that saves answers."),
    ] = None,
    duplex: Annotated[bool, Opt("--duplex", help="Margins for double-sided printing.")] = False,
    no_crisis_page: Annotated[
        bool, Opt("--no-crisis-page", help="Leave out the crisis page.")
    ] = False,
    set_: Annotated[
        list[str] | None,
        Opt("--set", metavar="KEY=VALUE", help="Set any manifest field, dotted (repeatable)."),
    ] = None,
    dirs: Dirs = None,
    force: Annotated[
        bool,
        Opt("--force", help="Replace a PDF that holds answers or that workbook did not write."),
    ] = False,
    answers: Annotated[
        Path | None,
        Opt(
            "--answers",
            metavar="FILE",
            help="Start with these answers: a filled workbook, or JSON/YAML from `workbook answers`.",
        ),
    ] = None,
    keep_answers: Annotated[
        bool,
        Opt(
            "--keep-answers",
            help="Carry the answers of the workbook being replaced into the new one; the old "
            "file is kept beside it.",
        ),
    ] = False,
    password: Password = None,
    watch: Annotated[
        bool,
        Opt(
            "--watch",
            help="Build again whenever the manifest, a worksheet or the theme "
            "changes; Ctrl-C stops.",
        ),
    ] = False,
) -> None:
    """Build one workbook from a manifest and/or options.

    \b
    Examples:
      workbook build examples/partner.yaml
      workbook build -w i-statements -w boundary-planning --name Sam \\
          --loved-one Alex --relationship partner -o output/sam.pdf
      workbook build examples/partner.yaml --lang es --keep-answers -o filled.pdf
      workbook build my-manifest.yaml --worksheets my-worksheets --watch
    """
    options = _options(manifest, output, dirs, force, password, (answers, keep_answers), _overrides(
        worksheet=worksheet, name=name, loved_one=loved_one, relationship=relationship,
        age_group=age_group, practice=practice, title=title, theme=theme,
        page_size=page_size, lang=lang, region=region, edition=edition, fillable=fillable,
        duplex=duplex, no_crisis_page=no_crisis_page, set=set_, format=format_,
    ))  # fmt: skip
    if watch:
        if keep_answers:  # every rebuild would keep one more copy of the answered workbook
            typer.echo("error: build once with --keep-answers, then --watch without it", err=True)
            raise typer.Exit(2)
        _watch(options)
        return
    _build(options)


OPTION_FIELDS = {
    "name": "recipient.name", "loved_one": "loved_one.name",
    "relationship": "loved_one.relationship", "age_group": "loved_one.age_group",
    "practice": "prepared_by.practice", "theme": "theme", "page_size": "page_size",
    "lang": "language", "region": "region", "edition": "edition", "title": "title",
    "date": "date", "format": "format",
}  # fmt: skip


def _overrides(**options: Any) -> dict[str, Any]:
    """Options as dotted manifest fields."""
    result = {
        OPTION_FIELDS[k]: v for k, v in options.items() if k in OPTION_FIELDS and v is not None
    }
    if options.get("fillable"):
        result["fillable"] = True
    if options.get("duplex"):
        result["duplex"] = True
    if options.get("no_crisis_page"):
        result["crisis_page"] = False
    if options.get("worksheet"):
        result["worksheets"] = list(options["worksheet"])
    for item in options.get("set") or []:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise typer.BadParameter(f"'{item}': write --set key=value", param_hint="--set")
        result[key.strip()] = value
    return result


def _options(manifest: Path | None, output: Path | None, dirs: list[Path] | None, force: bool,
             password: str | None, answers: tuple[Path | None, bool],
             overrides: dict[str, Any]) -> BuildOptions:  # fmt: skip
    if manifest is None and "worksheets" not in overrides:
        typer.echo("error: give a manifest file or at least one --worksheet ID", err=True)
        raise typer.Exit(2)
    from ..project import BuildOptions

    return BuildOptions(manifest, output, overrides, tuple(dirs or ()), force, password,
                        answers=answers[0], keep_answers=answers[1])  # fmt: skip


def _build(options: BuildOptions) -> None:
    from ..build import build as build_workbook

    with reporting():
        result = build_workbook(options)
    emit(result.warnings)
    pages = f"{result.pages} pages" if result.pages else "a web page"
    status(f"wrote {result.path} ({pages})")


def _watch(options: BuildOptions) -> None:
    """`--watch`: build now and after every change, in this process. A build's errors print as
    they would without --watch and the watch goes on; Ctrl-C ends it (exit 0)."""
    from ..watch import Stop, watch

    stop = Stop()
    STATE["stop"] = stop.set  # Ctrl-C asks the loop to end (a build under way finishes)
    status("watching the manifest, worksheets and theme for changes (Ctrl-C stops)")
    try:
        watch(options, lambda: _build_or_report(options), stop, _say_changed)
    except KeyboardInterrupt:  # no handler was installed (e.g. called from Python)
        pass
    finally:
        STATE["stop"] = None
    status("stopped watching")


def _build_or_report(options: BuildOptions) -> None:
    with suppress(typer.Exit):  # its message is printed already
        _build(options)


def _say_changed(paths: list[Path]) -> None:
    more = f" and {len(paths) - 3} more" if len(paths) > 3 else ""
    status(f"changed: {', '.join(str(p) for p in paths[:3])}{more}")


@app.command()
def preview(
    source: Annotated[
        Path, typer.Argument(metavar="FILE", help="A PDF, or a manifest to build first.")
    ],
    out_dir: Annotated[
        Path, Opt("-o", "--output-dir", metavar="DIR", help="Folder for the PNG files.")
    ] = Path("output/preview"),
    pages: Annotated[
        str | None, Opt(metavar="PAGES", help="Pages to render, e.g. 1-3,5 (default: all).")
    ] = None,
    dpi: Annotated[int, Opt(metavar="DPI", help="60 for a quick look, 150 for detail.")] = 60,
    sheet: Annotated[bool, Opt("--sheet", help="One contact sheet of all chosen pages.")] = False,
    password: Annotated[
        str | None, Opt(envvar="WORKBOOK_PASSWORD", metavar="PASSWORD", help="For a protected PDF.")
    ] = None,
    force: Annotated[
        bool, Opt("--force", help="Replace PNG files workbook did not write.")
    ] = False,
) -> None:
    """Render pages of a PDF (or a manifest's workbook) to PNG images.

    \b
    Examples:
      workbook preview examples/partner.yaml --pages 1-3
      workbook preview output/book.pdf --sheet
    """
    from ..preview import preview_manifest, render_pages

    with reporting():
        if source.suffix.lower() in {".yaml", ".yml"}:
            written = preview_manifest(source, out_dir, pages=pages, dpi=dpi, sheet=sheet,
                                       force=force)  # fmt: skip
        else:
            if not source.is_file():
                raise WorkbookError(f"{source}: file not found")
            written = render_pages(source, out_dir, pages, dpi, sheet, password, force)
    for path in written:
        status(f"wrote {path}")
