"""`workbook batch`: one workbook per roster row, and joining the reports of shards."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Annotated, Any

import typer

from ..errors import WorkbookError
from .common import STATE, Dirs, Opt, Password, app, reporting


@app.command()
def batch(
    roster: Annotated[
        list[Path],
        typer.Argument(
            metavar="ROSTER",
            help="Roster: .csv (dotted headers), .yaml or .json; with --merge-reports, "
            "the shards' reports.",
        ),
    ],
    manifest: Annotated[
        Path | None,
        Opt("-m", "--manifest", metavar="MANIFEST", help="The base manifest each row overrides."),
    ] = None,
    out_dir: Annotated[
        Path, Opt("-o", "--output-dir", metavar="DIR", help="Folder for the PDFs.")
    ] = Path("output"),
    jobs: Annotated[
        int | None,
        Opt("--jobs", "-j", min=1, metavar="N", help="Worker processes (default: all cores)."),
    ] = None,
    shard: Annotated[
        str | None,
        Opt(
            metavar="I/N",
            help="Build only shard I of N, e.g. 2/3: rows with index % N == I-1; "
            "auto (or auto/N) reads it from GitLab CI, Buildkite or a Kubernetes indexed Job.",
        ),
    ] = None,
    report: Annotated[
        Path | None, Opt(metavar="FILE", help="Write a JSON report of every row here.")
    ] = None,
    merge_reports: Annotated[
        bool, Opt("--merge-reports", help="Join the shards' reports (the arguments) into --report.")
    ] = False,
    name_template: Annotated[
        str | None,
        Opt(metavar="TEMPLATE", help="File name from fields, e.g. '{recipient.name}-{row}'."),
    ] = None,
    fail_fast: Annotated[bool, Opt("--fail-fast", help="Stop at the first failed row.")] = False,
    quiet: Annotated[bool, Opt("--quiet", "-q", help="Only the summary and errors.")] = False,
    dirs: Dirs = None,
    force: Annotated[bool, Opt("--force", help="Overwrite PDFs that hold answers.")] = False,
    password: Password = None,
) -> None:
    """Build one workbook per roster row, in parallel; exit 1 if any row failed.

    \b
    Examples:
      workbook batch examples/roster.csv -m examples/partner.yaml -o output/batch --report output/report.json
      workbook batch roster.csv -m base.yaml --shard auto
      workbook batch --merge-reports report-1.json report-2.json --report all.json
    """
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
    from ..output import guard
    from ..report import merge_reports

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

    from ..batch import STOP, Batch, in_shard, parse_shard, read_roster, run_batch
    from ..report import finish_report, start_report

    with reporting():
        selected = parse_shard(shard) if shard else None
        if password == "":
            raise WorkbookError("the password is empty; give one, or leave --password out")
        plan = Batch.load(manifest, out_dir, name_template=name_template, force=force,
                          worksheet_dirs=dirs, password=password)  # fmt: skip
        shard_text = f"{selected[0]}/{selected[1]}" if selected else None
        STOP.clear()
        STATE["stop"] = STOP.set  # Ctrl-C and SIGTERM stop the batch between rows
        try:
            journal, target = start_report(report, out_dir, [roster, manifest], force, shard_text)
        except BaseException:
            STATE["stop"] = None
            raise

        def rows() -> Iterator[Any]:
            return (row for row in read_roster(roster) if in_shard(row, selected))

        status: dict[str, Any] = {"complete": False, "interrupted": False, "error": None,
                                  "shard": shard_text}  # fmt: skip
        try:
            start = partial(
                run_batch, replace(plan, journal=journal), rows, jobs or os.cpu_count() or 1
            )
            progress = _run_rows(start, quiet, fail_fast, status)
        except WorkbookError as exc:
            status["error"] = "\n".join(str(d) for d in exc.diagnostics)
            raise
        finally:
            STATE["stop"] = None
            ok, failed = finish_report(journal, target, force, **status)
    progress.summary(ok, failed)
    if status["interrupted"]:
        raise typer.Exit(130)
    if failed:
        raise typer.Exit(1)


def _run_rows(start: Any, quiet: bool, fail_fast: bool, status: dict[str, Any]) -> Any:
    """Show each result as it comes; Ctrl-C (or SIGTERM) stops the batch, keeping what is done."""
    from ..progress import BatchProgress

    with BatchProgress(quiet=quiet) as progress:
        results = start(on_total=progress.set_total)
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
