"""The studio's /batch page: a roster against the current settings, every row checked before
anything is built, then a build with live progress and a ZIP of the PDFs and the report.

    POST /batch  action=settings   the workbook page's form: its manifest becomes the base
                 action=check      a roster (and maybe a saved manifest) sent: every row checked
                 action=build      the checked roster's good rows: a job, then the job's page
    GET  /batch/{job}              the job's figures (works without a script; Refresh)
    GET  /batch/{job}/progress     the same as JSON, polled by static/batch.js
    POST /batch/{job}              action=stop: stop after the current row
    GET  /batch/{job}/zip          the PDFs and report.json

Everything lives in the scratch folder: `batch/<base>/` (base.yaml and the rosters sent with
it) and `batch-jobs/<job>/`; the page carries only random names, checked on every return.
"""

from __future__ import annotations

import re
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from ..batch import Batch
from ..errors import WorkbookError
from ..project import read_manifest
from . import uploads
from .app import Studio, in_thread, ui_language
from .batch_check import Check, Names, check_roster
from .batch_jobs import ZIP_NAME, Job, start_job
from .compose import keep_logo
from .forms import Choices
from .interface import interface

BASE = re.compile(r"[0-9a-f]{32}")  # a base's folder
ROSTER_REF = re.compile(r"[0-9a-f]{16}\.(csv|yaml|yml|json)")  # a roster kept by uploads.keep
JOB = re.compile(r"[0-9a-f]{32}")
MANIFEST = uploads.Kind((".yaml", ".yml"), (), 1_000_000, "a manifest (.yaml)")
SETTINGS_NAME = "manifest.yaml"  # the settings as the workbook page's "Manifest" saves them


@dataclass
class View:
    """What the batch page shows: the base, an alert, the check's findings."""

    base: str = ""  # the base's random name, carried by the page
    base_shown: str = ""
    from_page: bool = False
    sheets: str = ""  # the base's worksheets, as their ids
    no_sheets: bool = False
    alert: str = ""
    alert_detail: str = ""
    roster: str = ""  # the checked roster's random name
    roster_shown: str = ""
    check: Check | None = None


class Refused(Exception):
    """A request the page answers with a message (and the status `code`)."""

    def __init__(self, message: str, code: int = 422, detail: str = "") -> None:
        super().__init__(message)
        self.message, self.code, self.detail = message, code, detail


def routes(studio: Studio) -> list[Route]:
    jobs: dict[str, Job] = {}
    home = studio.scratch / "batch"

    def page(ui: str, view: View, status: int = 200) -> Response:
        return studio.page("batch.html.j2", ui, status, current="/batch", view=view, job=None)

    def show(request: Request) -> Response:
        return page(ui_language(request.query_params.get("ui")), View())

    async def submit(request: Request) -> Response:
        form = await studio.form(request)
        if isinstance(form, Response):
            return form
        ui, action = ui_language(form.get("ui")), form.get("action")
        view = View()
        try:
            if action == "settings":
                return await from_settings(ui, form)
            view = _base_view(home, str(form.get("base", "")), ui)
            if action == "check":
                manifest = form.get("manifest")
                if uploads.is_upload(manifest):  # a saved manifest, sent with the roster
                    view = await _keep_base(home, manifest, ui)
                return await check(ui, form, view)
            if action == "build":
                return await in_thread(lambda: build(ui, form, view))
        except Refused as refused:
            view.alert, view.alert_detail = refused.message, refused.detail
            return page(ui, view, refused.code)
        return page(ui, view)

    async def from_settings(ui: str, form: FormData) -> Response:
        """The workbook page's settings (with its logo, if any) as this page's base."""
        choices = Choices.from_form(form, studio.scratch, studio.worksheet_dirs)
        refused = await keep_logo(studio, form, choices)
        if refused is not None:
            detail = "\n".join(m for ms in refused.errors.values() for m in ms)
            raise Refused(interface(ui)["batch_refused"], detail=detail)
        if not choices.worksheets:
            return page(ui, View(no_sheets=True), 422)
        name = _new_base(home, choices.manifest_yaml().encode(), SETTINGS_NAME)
        logo = choices.logo_path
        if logo is not None and logo.is_file():  # the manifest names it beside itself
            shutil.copyfile(logo, home / name / logo.name)
        return page(ui, _base_view(home, name, ui, from_page=True))

    async def check(ui: str, form: FormData, view: View) -> Response:
        t, roster = interface(ui), form.get("roster")
        if not view.base:
            raise Refused(t["batch_need_manifest"])
        if not isinstance(roster, UploadFile) or not uploads.is_upload(roster):
            raise Refused(t["batch_need_roster"])
        try:
            kept = await uploads.keep(roster, uploads.ROSTER, home / view.base)
        except uploads.UploadRefused as exc:
            raise Refused(t["batch_refused"], detail=str(exc)) from None
        view.roster, view.roster_shown = kept.name, _shown(roster)
        (home / view.base / f"{kept.name}.name").write_text(view.roster_shown, encoding="utf-8")
        return await in_thread(lambda: checked(ui, view))

    def checked(ui: str, view: View) -> Response:
        batch, names = _batch(studio, home, view)
        found = check_roster(batch, names, studio.building)
        if found.unreadable:
            shown = interface(ui)["batch_not_roster"].format(name=view.roster_shown)
            raise Refused(shown, detail=found.unreadable)
        view.check = found
        return page(ui, view)

    def build(ui: str, form: FormData, view: View) -> Response:
        view.roster = _roster_ref(home, view, str(form.get("roster", "")), ui)
        shown = home / view.base / f"{view.roster}.name"
        view.roster_shown = shown.read_text(encoding="utf-8") if shown.is_file() else "roster"
        batch, names = _batch(studio, home, view)
        view.check = check_roster(batch, names, studio.building)
        if view.check.unreadable or not view.check.good:
            return page(ui, view, 422)
        name = secrets.token_hex(16)
        folder = studio.scratch / "batch-jobs" / name
        folder.mkdir(parents=True)
        jobs[name] = start_job(batch, names, view.check, folder, studio.building)
        return RedirectResponse(f"/batch/{name}?ui={ui}", 303)

    def find(request: Request) -> tuple[str, Job | None]:
        name = str(request.path_params["job"])
        return name, jobs.get(name) if JOB.fullmatch(name) else None

    def job_page(request: Request) -> Response:
        ui = ui_language(request.query_params.get("ui"))
        name, job = find(request)
        if job is None:
            return page(ui, View(alert=interface(ui)["batch_gone"]), 404)
        return studio.page("batch.html.j2", ui, current="/batch", view=View(), job=job,
                           name=name, figures=job.progress())  # fmt: skip

    def progress(request: Request) -> Response:
        job = find(request)[1]
        if job is None:
            return JSONResponse({"error": "no such batch"}, 404)
        return JSONResponse(job.progress())

    async def stop(request: Request) -> Response:
        form = await studio.form(request)
        if isinstance(form, Response):
            return form
        name, job = find(request)
        ui = ui_language(form.get("ui"))
        if job is None:
            return page(ui, View(alert=interface(ui)["batch_gone"]), 404)
        job.stop.set()
        return RedirectResponse(f"/batch/{name}?ui={ui}", 303)

    def archive(request: Request) -> Response:
        job = find(request)[1]
        if job is None or job.ended is None or not job.archive.is_file():
            return JSONResponse({"error": "no finished batch"}, 404)
        return FileResponse(job.archive, media_type="application/zip", filename=ZIP_NAME)

    return [Route("/batch", show, methods=["GET"]), Route("/batch", submit, methods=["POST"]),
            Route("/batch/{job}", job_page, methods=["GET"]),
            Route("/batch/{job}", stop, methods=["POST"]),
            Route("/batch/{job}/progress", progress, methods=["GET"]),
            Route("/batch/{job}/zip", archive, methods=["GET"])]  # fmt: skip


def _shown(upload: Any) -> str:
    """The file's own name, as messages show it (never a path)."""
    return Path(str(upload.filename or "roster")).name[:120]


def _new_base(home: Path, manifest: bytes, shown: str) -> str:
    name = secrets.token_hex(16)
    folder = home / name
    folder.mkdir(parents=True)
    (folder / "base.yaml").write_bytes(manifest)
    (folder / "base.name").write_text(shown, encoding="utf-8")
    return name


async def _keep_base(home: Path, upload: Any, ui: str) -> View:
    """A saved manifest sent with the roster: kept as a new base."""
    name = _new_base(home, b"", _shown(upload))
    try:
        kept = await uploads.keep(upload, MANIFEST, home / name)
    except uploads.UploadRefused as exc:
        raise Refused(interface(ui)["batch_refused"], detail=str(exc)) from None
    kept.replace(home / name / "base.yaml")
    return _base_view(home, name, ui)


def _base_view(home: Path, name: str, ui: str, from_page: bool = False) -> View:
    """The page's view of a base the page sent back: refused unless it is one of ours."""
    if not name:
        return View()
    if not BASE.fullmatch(name) or not (home / name / "base.yaml").is_file():
        raise Refused(interface(ui)["batch_expired"], 400)
    shown = (home / name / "base.name").read_text(encoding="utf-8")
    view = View(base=name, base_shown=shown, from_page=from_page or shown == SETTINGS_NAME)
    try:
        sheets = read_manifest(home / name / "base.yaml").data.get("worksheets")
    except (WorkbookError, AttributeError) as exc:
        detail = str(exc).replace(str(home / name / "base.yaml"), shown)
        raise Refused(interface(ui)["batch_refused"], detail=detail) from None
    listed = sheets if isinstance(sheets, list) else []
    view.sheets = ", ".join(str(s.get("id") if isinstance(s, dict) else s) for s in listed)[:400]
    return view


def _roster_ref(home: Path, view: View, name: str, ui: str) -> str:
    if not view.base or not ROSTER_REF.fullmatch(name) or not (home / view.base / name).is_file():
        raise Refused(interface(ui)["batch_expired"], 400)
    return name


def _batch(studio: Studio, home: Path, view: View) -> tuple[Batch, Names]:
    folder = home / view.base
    names = Names(folder / view.roster, view.roster_shown, folder / "base.yaml", view.base_shown)
    return Batch.load(names.base, folder / "out", worksheet_dirs=studio.worksheet_dirs), names
