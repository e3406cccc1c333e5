"""The command line: turns options into library calls, prints diagnostics, picks exit codes."""

from __future__ import annotations

import errno
import gc
import json
import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any

import typer

from .errors import Diagnostic, WorkbookError

app = typer.Typer(
    help="Turn YAML worksheets into personalised, print-ready PDF workbooks.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
STATE = {"debug": False}


def _emit(diagnostics: list[Diagnostic]) -> None:
    for diagnostic in diagnostics:
        typer.echo(str(diagnostic), err=True)


@contextmanager
def reporting() -> Iterator[None]:
    """Bad input -> its diagnostics on stderr and exit 1; never a traceback unless --debug."""
    try:
        yield
    except WorkbookError as exc:
        if STATE["debug"]:
            raise
        _emit(exc.diagnostics)
        raise typer.Exit(1) from None
    except (typer.Exit, typer.Abort, KeyboardInterrupt):
        raise
    except Exception as exc:
        if STATE["debug"]:
            raise
        typer.echo(
            f"error: internal error ({type(exc).__name__}: {exc}); "
            "run again with --debug and report it",
            err=True,
        )
        raise typer.Exit(1) from None


@contextmanager
def printing() -> Iterator[None]:
    """For commands whose product is what they print: a full disk or a closed pipe on standard
    output is a clean error (exit 1), not a traceback."""
    try:
        yield
        sys.stdout.flush()
    except OSError as exc:
        _silence_stdout()
        if exc.errno != errno.EPIPE:  # a reader that stopped early wants no message
            typer.echo(f"error: cannot write to standard output: {exc.strerror}", err=True)
        raise typer.Exit(1) from None


def _silence_stdout() -> None:
    """Send what is still buffered for standard output nowhere, so exit stays quiet."""
    with suppress(OSError, ValueError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _status(text: str) -> None:
    """A line saying what was done: if it cannot be printed, the work is still done."""
    try:
        typer.echo(text)
    except OSError:
        _silence_stdout()


def _print_version(value: bool) -> None:
    if value:
        from . import __version__

        typer.echo(f"workbook {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    debug: Annotated[bool, typer.Option("--debug", help="Show Python tracebacks.")] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version."
        ),
    ] = False,
) -> None:
    STATE["debug"] = debug
    with suppress(ValueError):  # only the main thread may set handlers
        signal.signal(signal.SIGTERM, _stop)


def _stop(number: int, frame: Any) -> None:
    """SIGTERM stops a command the way Ctrl-C does: temporaries removed, finished work kept."""
    raise KeyboardInterrupt


Lang = Annotated[str, typer.Option("--lang", help="Language code, e.g. en or es.")]
Dirs = Annotated[
    list[Path] | None, typer.Option("--worksheets", help="Extra worksheet folder (repeatable).")
]


@app.command("list")
def list_worksheets(
    lang: Lang = "en",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    dirs: Dirs = None,
) -> None:
    """List the worksheet library: id, title, audience, minutes."""
    from .library import available, load, search_dirs
    from .locale import strings

    with reporting():
        strings(lang)
        sheets = [load(p).sheet for p in available(lang, search_dirs(dirs or [])).values()]
    with printing():
        _print_library(sheets, as_json)


def _print_library(sheets: list[Any], as_json: bool) -> None:
    if as_json:
        rows = [
            {
                "id": s.id,
                "title": s.title,
                "audience": s.audience,
                "minutes": s.minutes,
                "summary": s.summary.strip(),
                "language": s.language,
                "tags": s.tags,
            }
            for s in sheets
        ]
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    width = max((len(s.id) for s in sheets), default=2)
    typer.echo(f"{'ID':<{width}}  {'AUDIENCE':<9}  {'MIN':>3}  TITLE")
    for s in sheets:
        typer.echo(f"{s.id:<{width}}  {s.audience:<9}  {s.minutes:>3}  {s.title}")


@app.command()
def show(
    worksheet_id: Annotated[str, typer.Argument(metavar="ID")], lang: Lang = "en", dirs: Dirs = None
) -> None:
    """Show one worksheet's summary and blocks."""
    from .library import available, load, search_dirs
    from .validate import suggest

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
        list[Path] | None, typer.Argument(help="Files or folders (default: the library).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print diagnostics as JSON.")] = False,
    strict: Annotated[bool, typer.Option("--strict", help="Treat warnings as errors.")] = False,
) -> None:
    """Check worksheets, manifests and themes; exit 1 on any error."""
    from .checks import check_paths, default_paths

    with reporting():
        diagnostics, count = check_paths(paths or default_paths())
    if as_json:
        with printing():
            typer.echo(json.dumps([d.as_json() for d in diagnostics], indent=2))
    else:
        _emit(diagnostics)
        errors = sum(d.severity == "error" for d in diagnostics)
        typer.echo(
            f"checked {count} file(s): {errors} error(s), {len(diagnostics) - errors} warning(s)",
            err=True,
        )
    if any(d.severity == "error" or strict for d in diagnostics):
        raise typer.Exit(1)


def _overrides(**options: Any) -> dict[str, Any]:
    mapping = {
        "name": "recipient.name",
        "loved_one": "loved_one.name",
        "relationship": "loved_one.relationship",
        "age_group": "loved_one.age_group",
        "practice": "prepared_by.practice",
        "theme": "theme",
        "page_size": "page_size",
        "lang": "language",
        "region": "region",
        "edition": "edition",
        "title": "title",
        "date": "date",
    }
    result = {mapping[k]: v for k, v in options.items() if k in mapping and v is not None}
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


Opt = typer.Option


@app.command()
def build(
    manifest: Annotated[Path | None, typer.Argument(help="Manifest YAML (optional).")] = None,
    output: Annotated[Path | None, Opt("-o", "--output", help="Output PDF path.")] = None,
    worksheet: Annotated[
        list[str] | None, Opt("--worksheet", "-w", help="Worksheet id (repeatable).")
    ] = None,
    name: Annotated[str | None, Opt(help="Who the workbook is for.")] = None,
    loved_one: Annotated[str | None, Opt(help="The loved one's name.")] = None,
    relationship: Annotated[
        str | None, Opt(help="partner|parent|friend|sibling|child|other")
    ] = None,
    age_group: Annotated[str | None, Opt(help="adult, or minor for a loved one under 18.")] = None,
    practice: Annotated[str | None, Opt(help="Practice name for branding.")] = None,
    title: Annotated[str | None, Opt(help="Workbook title.")] = None,
    theme: Annotated[str | None, Opt(help="default|large-print|ink-saver or a theme file.")] = None,
    page_size: Annotated[str | None, Opt(help="letter or a4.")] = None,
    lang: Annotated[str | None, Opt("--lang", help="Language: en or es.")] = None,
    region: Annotated[str | None, Opt(help="Two-letter country code for the crisis page.")] = None,
    edition: Annotated[str | None, Opt(help="client or facilitator.")] = None,
    fillable: Annotated[bool, Opt("--fillable", help="Fillable form fields.")] = False,
    duplex: Annotated[
        bool, Opt("--duplex", help="Mirror margins for double-sided printing.")
    ] = False,
    no_crisis_page: Annotated[
        bool, Opt("--no-crisis-page", help="Leave out the crisis page.")
    ] = False,
    set_: Annotated[
        list[str] | None, Opt("--set", help="Set a manifest field: key=value, dotted.")
    ] = None,
    dirs: Dirs = None,
    force: Annotated[bool, Opt("--force", help="Overwrite a PDF that holds answers.")] = False,
    password: Annotated[
        str | None,
        Opt(
            envvar="WORKBOOK_PASSWORD",
            show_envvar=True,
            help="Protect the PDF with this password (AES-256); printing and filling stay allowed.",
        ),
    ] = None,
) -> None:
    """Build one workbook from a manifest and/or options."""
    with _collector_paused():
        _build(manifest, output, dirs, force, password, _overrides(
            worksheet=worksheet, name=name, loved_one=loved_one, relationship=relationship,
            age_group=age_group,
            practice=practice, title=title, theme=theme, page_size=page_size, lang=lang,
            region=region, edition=edition, fillable=fillable, duplex=duplex,
            no_crisis_page=no_crisis_page, set=set_,
        ))  # fmt: skip


@contextmanager
def _collector_paused() -> Iterator[None]:
    """One build allocates much and frees nearly all of it by reference counting; the garbage
    collector's passes over every loaded module only cost time (about 10 ms of a cold start)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _build(manifest: Path | None, output: Path | None, dirs: list[Path] | None, force: bool,
           password: str | None, overrides: dict[str, Any]) -> None:  # fmt: skip
    from .build import build as build_workbook
    from .project import BuildOptions

    if manifest is None and "worksheets" not in overrides:
        typer.echo("error: give a manifest file or at least one --worksheet ID", err=True)
        raise typer.Exit(2)
    options = BuildOptions(manifest, output, overrides, tuple(dirs or ()), force, password)
    with reporting():
        result = build_workbook(options)
    _emit(result.warnings)
    _status(f"wrote {result.path} ({result.pages} pages)")


@app.command()
def batch(
    roster: Annotated[
        list[Path],
        typer.Argument(
            metavar="ROSTER | REPORT...",
            help="Roster: .csv (dotted headers), .yaml or .json; with --merge-reports, "
            "the shards' reports.",
        ),
    ],
    manifest: Annotated[
        Path | None, Opt("-m", "--manifest", help="The base manifest each row overrides.")
    ] = None,
    out_dir: Annotated[Path, Opt("-o", "--output-dir", help="Folder for the PDFs.")] = Path(
        "output"
    ),
    jobs: Annotated[
        int | None, Opt("--jobs", "-j", min=1, help="Worker processes (default: all cores).")
    ] = None,
    shard: Annotated[
        str | None,
        Opt(
            help="Build only shard I of N, e.g. 2/3: rows with index % N == I-1; "
            "auto (or auto/N) reads it from GitLab CI, Buildkite or a Kubernetes indexed Job."
        ),
    ] = None,
    report: Annotated[Path | None, Opt(help="Write a JSON report of every row here.")] = None,
    merge_reports: Annotated[
        bool, Opt("--merge-reports", help="Join the shards' reports (the arguments) into --report.")
    ] = False,
    name_template: Annotated[
        str | None, Opt(help="File name from fields, e.g. '{recipient.name}-{row}'.")
    ] = None,
    fail_fast: Annotated[bool, Opt("--fail-fast", help="Stop at the first failed row.")] = False,
    quiet: Annotated[bool, Opt("--quiet", "-q", help="Only the summary and errors.")] = False,
    dirs: Dirs = None,
    force: Annotated[bool, Opt("--force", help="Overwrite PDFs that hold answers.")] = False,
    password: Annotated[
        str | None,
        Opt(
            envvar="WORKBOOK_PASSWORD",
            show_envvar=True,
            help="Protect every PDF with this password (AES-256).",
        ),
    ] = None,
) -> None:
    """Build one workbook per roster row, in parallel; exit 1 if any row failed."""
    if merge_reports:
        _merge_reports(roster, report, force)
        return
    if len(roster) != 1 or manifest is None:
        typer.echo(
            "error: give one roster and -m MANIFEST (or --merge-reports REPORT...)", err=True
        )
        raise typer.Exit(2)
    _batch(roster[0], manifest, out_dir, jobs, shard, report, name_template, fail_fast, quiet,
           tuple(dirs or ()), force, password)  # fmt: skip


def _merge_reports(reports: list[Path], into: Path | None, force: bool) -> None:
    from .output import guard
    from .report import merge_reports

    if into is None:
        typer.echo(
            "error: --merge-reports needs --report FILE to write the joined report", err=True
        )
        raise typer.Exit(2)
    with reporting():
        ok, failed = merge_reports(
            reports, guard(into, "report", force=force, inputs=reports), force
        )
    typer.echo(f"joined {len(reports)} report(s): {ok} built, {failed} failed", err=True)
    if failed:
        raise typer.Exit(1)


def _batch(roster: Path, manifest: Path, out_dir: Path, jobs: int | None, shard: str | None,
           report: Path | None, name_template: str | None, fail_fast: bool, quiet: bool,
           dirs: tuple[Path, ...], force: bool, password: str | None) -> None:  # fmt: skip
    import os

    from .batch import Batch, in_shard, parse_shard, read_roster, run_batch
    from .report import finish_report, start_report

    with reporting():
        selected = parse_shard(shard) if shard else None
        if password == "":
            raise WorkbookError("the password is empty; give one, or leave --password out")
        plan = Batch.load(manifest, out_dir, name_template=name_template, force=force,
                          worksheet_dirs=dirs, password=password)  # fmt: skip
        shard_text = f"{selected[0]}/{selected[1]}" if selected else None
        journal, target = start_report(report, out_dir, [roster, manifest], force, shard_text)

        def rows() -> Iterator[Any]:
            return (row for row in read_roster(roster) if in_shard(row, selected))

        status: dict[str, Any] = {"complete": False, "interrupted": False, "error": None,
                                  "shard": shard_text}  # fmt: skip
        try:
            progress = _run_rows(run_batch(replace(plan, journal=journal), rows, jobs or os.cpu_count() or 1),
                                 quiet, fail_fast, status)  # fmt: skip
        except WorkbookError as exc:
            status["error"] = "\n".join(str(d) for d in exc.diagnostics)
            raise
        finally:
            ok, failed = finish_report(journal, target, force, **status)
    progress.summary(ok, failed)
    if status["interrupted"]:
        raise typer.Exit(130)
    if failed:
        raise typer.Exit(1)


def _run_rows(results: Any, quiet: bool, fail_fast: bool, status: dict[str, Any]) -> Any:
    """Show each result as it comes; Ctrl-C (or SIGTERM) stops the batch, keeping what is done."""
    from .progress import BatchProgress

    with BatchProgress(quiet=quiet) as progress:
        try:
            for result in results:
                progress.add(result)
                if fail_fast and result.status == "error":
                    return progress
            status["complete"] = True
        except KeyboardInterrupt:
            progress.interrupted = status["interrupted"] = True
        finally:
            results.close()
    return progress


@app.command()
def preview(
    source: Annotated[Path, typer.Argument(help="A PDF, or a manifest to build first.")],
    out_dir: Annotated[Path, Opt("-o", "--output-dir", help="Folder for the PNG files.")] = Path(
        "output/preview"
    ),
    pages: Annotated[str | None, Opt(help="Pages to render, e.g. 1-3,5 (default: all).")] = None,
    dpi: Annotated[int, Opt(help="Resolution: 60 for a quick look, 150 for detail.")] = 60,
    sheet: Annotated[bool, Opt("--sheet", help="One contact sheet of all chosen pages.")] = False,
    password: Annotated[
        str | None, Opt(envvar="WORKBOOK_PASSWORD", help="For a protected PDF.")
    ] = None,
    force: Annotated[
        bool, Opt("--force", help="Replace PNG files workbook did not write.")
    ] = False,
) -> None:
    """Render pages of a PDF (or a manifest's workbook) to PNG images."""
    from .preview import preview_manifest, render_pages

    with reporting():
        if source.suffix.lower() in {".yaml", ".yml"}:
            written = preview_manifest(source, out_dir, pages=pages, dpi=dpi, sheet=sheet,
                                       force=force)  # fmt: skip
        else:
            if not source.is_file():
                raise WorkbookError(f"{source}: file not found")
            written = render_pages(source, out_dir, pages, dpi, sheet, password, force)
    for path in written:
        _status(f"wrote {path}")


@app.command()
def schema(
    kind: Annotated[str, typer.Argument(help="worksheet, manifest or theme.")] = "worksheet",
) -> None:
    """Print the JSON Schema of a file format, for editors' YAML language servers."""
    from .authoring import json_schema

    with reporting(), printing():
        typer.echo(json.dumps(json_schema(kind), indent=2))


@app.command()
def new(
    worksheet_id: Annotated[str, typer.Argument(metavar="ID", help="The new worksheet's id.")],
    folder: Annotated[Path, Opt("--dir", help="Where to write it.")] = Path("worksheets"),
    lang: Lang = "en",
) -> None:
    """Write a new worksheet skeleton (every block type, commented) to ./worksheets/."""
    from .authoring import new_worksheet

    with reporting():
        path = new_worksheet(worksheet_id, folder, lang)
    _status(f"wrote {path}")
    _status(
        f"preview it: workbook build --worksheets {folder} -w {worksheet_id} -o output/{worksheet_id}.pdf"
    )


@app.command()
def init(
    manifest: Annotated[Path, Opt("--manifest", help="Where to write the manifest.")] = Path(
        "my-workbook.yaml"
    ),
    title: Annotated[str | None, Opt(help="The workbook's title.")] = None,
    name: Annotated[str | None, Opt(help="Your name, for the cover.")] = None,
    loved_one: Annotated[str | None, Opt(help="Who you are worried about.")] = None,
    relationship: Annotated[
        str | None, Opt(help="partner|parent|friend|sibling|child|other")
    ] = None,
    topics: Annotated[str | None, Opt(help="Worksheet ids, separated by commas.")] = None,
    lang: Annotated[str, Opt("--lang", help="en or es.")] = "en",
    page_size: Annotated[str, Opt(help="letter or a4.")] = "letter",
    large_print: Annotated[
        bool, Opt("--large-print", help="Bigger text and writing space.")
    ] = False,
    build_now: Annotated[
        bool, Opt("--build/--no-build", help="Build the PDF straight away.")
    ] = True,
    yes: Annotated[
        bool, Opt("--yes", "-y", help="Ask nothing: use the options and suggestions.")
    ] = False,
) -> None:
    """Answer a few questions; get a manifest you can keep, and your workbook."""
    from .wizard import Answers, run_wizard

    chosen = [t.strip() for t in (topics or "").split(",") if t.strip()]
    answers = Answers(title, name, loved_one, relationship, chosen, lang, page_size, large_print)
    with reporting():
        warnings = run_wizard(answers, manifest, interactive=not yes, build_now=build_now)
    _emit(warnings)


def run() -> None:
    """The console entry point. A status line that cannot be printed after the work is done
    (standard output full or closed) does not turn a success into a failure."""
    try:
        app()
    finally:
        try:
            sys.stdout.flush()
        except OSError:
            _silence_stdout()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
