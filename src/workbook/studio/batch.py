"""The studio's /batch page: a roster against the current settings, every row checked before
anything is built, then a build with live progress and a ZIP of the PDFs and the report.

    POST /batch  action=settings   the workbook page's form: its manifest becomes the base
                 action=check      a roster (and maybe a saved manifest) sent: every row checked
                 action=language   the page in another language, still holding its settings and
                                   its roster (checked again), and any file chosen with it
                 action=build      the checked roster's good rows: a job, then the job's page
    GET  /batch/example.csv        a roster to start from
    GET  /batch/{job}              the job's figures (works without a script; Refresh)
    GET  /batch/{job}/progress     the same as JSON, polled by static/batch.js
    POST /batch/{job}              action=stop: stop after the current row;
                                   action=save: copy the files into the output folder
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
from .app import Studio, download, in_thread, ui_language
from .batch_check import Check, Names, check_roster
from .batch_jobs import ZIP_NAME, Job, save_job, start_job
from .compose import keep_logo
from .forms import Choices
from .interface import interface

BASE = re.compile(r"[0-9a-f]{32}")  # a base's folder
ROSTER_REF = re.compile(r"[0-9a-f]{16}\.(csv|yaml|yml|json)")  # a roster kept by uploads.keep
JOB = re.compile(r"[0-9a-f]{32}")
MANIFEST = uploads.Kind((".yaml", ".yml"), (), 1_000_000, "a manifest (.yaml)")
SETTINGS_NAME = "manifest.yaml"  # the settings as the workbook page's "Manifest" saves them
FROM_PAGE = "from-the-workbook-page"  # a marker beside base.yaml
EXAMPLE = ("recipient.name,loved_one.name,loved_one.relationship,language,region,output\n"
           "Sam Rivera,Alex,partner,en,US,\nMaría López,Carmen,friend,es,MX,maria-lopez\n")  # fmt: skip


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
    return BatchPage(studio).routes()


class BatchPage:
    """The page's routes, the bases and rosters sent to it, and its jobs (one server's)."""

    def __init__(self, studio: Studio) -> None:
        self.studio, self.home = studio, studio.scratch / "batch"
        self.jobs: dict[str, Job] = {}

    def routes(self) -> list[Route]:
        return [Route("/batch", self.show, methods=["GET"]),
                Route("/batch/example.csv", _example, methods=["GET"]),
                Route("/batch", self.submit, methods=["POST"]),
                Route("/batch/{job}", self.job_page, methods=["GET"]),
                Route("/batch/{job}", self.act, methods=["POST"]),
                Route("/batch/{job}/progress", self.progress, methods=["GET"]),
                Route("/batch/{job}/zip", self.archive, methods=["GET"])]  # fmt: skip

    def page(self, ui: str, view: View, status: int = 200) -> Response:
        return self.studio.page("batch.html.j2", ui, status, current="/batch", view=view, job=None)

    def show(self, request: Request) -> Response:
        return self.page(ui_language(request.query_params.get("ui")), View())

    async def submit(self, request: Request) -> Response:
        form = await self.studio.form(request)
        if isinstance(form, Response):
            return form
        ui, action = ui_language(form.get("ui")), form.get("action")
        view = View()
        try:
            if action == "settings":
                return await self.from_settings(ui, form)
            view = self.base_view(str(form.get("base", "")), ui)
            manifest = form.get("manifest")
            if action in ("check", "language") and uploads.is_upload(manifest):
                view = await self.keep_base(manifest, ui)  # a saved manifest, sent with them
            if action == "check":
                return await self.check(ui, form, view)
            if action == "language":
                return await self.in_language(ui, form, view)
            if action == "build":
                return await in_thread(lambda: self.build(ui, form, view))
        except Refused as refused:
            view.alert, view.alert_detail = refused.message, refused.detail
            return self.page(ui, view, refused.code)
        return self.page(ui, view)

    async def from_settings(self, ui: str, form: FormData) -> Response:
        """The workbook page's settings (with its logo, if any) as this page's base."""
        choices = Choices.from_form(form, self.studio.scratch, self.studio.worksheet_dirs)
        refused = await keep_logo(self.studio, form, choices)
        if refused is not None:
            detail = "\n".join(m for ms in refused.errors.values() for m in ms)
            raise Refused(interface(ui)["batch_refused"], detail=detail)
        if not choices.worksheets:
            return self.page(ui, View(no_sheets=True), 422)
        name = self.new_base(choices.manifest_yaml().encode(), SETTINGS_NAME)
        (self.home / name / FROM_PAGE).touch()
        logo = choices.logo_path
        if logo is not None and logo.is_file():  # the manifest names it beside itself
            shutil.copyfile(logo, self.home / name / logo.name)
        return self.page(ui, self.base_view(name, ui))

    async def check(self, ui: str, form: FormData, view: View) -> Response:
        """Keep the roster sent, then check every row of it."""
        t, roster = interface(ui), form.get("roster")
        if not view.base:
            raise Refused(t["batch_need_manifest"])
        if not isinstance(roster, UploadFile) or not uploads.is_upload(roster):
            raise Refused(t["batch_need_roster"])
        try:
            kept = await uploads.keep(roster, uploads.ROSTER, self.home / view.base)
        except uploads.UploadRefused as exc:
            raise Refused(t["batch_refused"], detail=str(exc)) from None
        view.roster, view.roster_shown = kept.name, _shown(roster)
        kept.with_name(f"{kept.name}.name").write_text(view.roster_shown, encoding="utf-8")
        return await in_thread(lambda: self.checked(ui, view))

    async def in_language(self, ui: str, form: FormData, view: View) -> Response:
        """The language switch, part of the page's form: the same page in `ui`, with what the
        person was doing. A roster they had checked is checked again (its findings are shown
        in words of this language); one chosen and not yet sent is kept and checked too, as
        their next step would; the settings stay. A page holding nothing is the plain page."""
        if uploads.is_upload(form.get("roster")):
            return await self.check(ui, form, view)
        kept = str(form.get("kept", ""))
        if kept:
            self.carry_roster(view, str(form.get("base", "")), kept, ui)
            return await in_thread(lambda: self.checked(ui, view))
        if not view.base:
            return RedirectResponse(f"/batch?ui={ui}", 303)
        return self.page(ui, view)

    def carry_roster(self, view: View, base: str, roster: str, ui: str) -> None:
        """The roster checked under the page's base, into `view` (whose base may be a manifest
        sent just now: then the roster is copied beside it)."""
        was = self.base_view(base, ui)
        self.roster_view(was, roster, ui)
        if was.base != view.base:
            for name in (roster, f"{roster}.name"):
                if (self.home / was.base / name).is_file():
                    shutil.copyfile(self.home / was.base / name, self.home / view.base / name)
        view.roster, view.roster_shown = was.roster, was.roster_shown

    def checked(self, ui: str, view: View) -> Response:
        found = check_roster(*self.batch(view), self.studio.building)
        if found.unreadable:
            shown = interface(ui)["batch_not_roster"].format(name=view.roster_shown)
            raise Refused(shown, detail=found.unreadable)
        view.check = found
        return self.page(ui, view)

    def build(self, ui: str, form: FormData, view: View) -> Response:
        """Check the roster again (the page is not trusted), then start a job of its good rows."""
        self.roster_view(view, str(form.get("roster", "")), ui)
        batch, names = self.batch(view)
        view.check = check_roster(batch, names, self.studio.building)
        if view.check.unreadable or not view.check.good:
            return self.page(ui, view, 422)
        name = secrets.token_hex(16)
        folder = self.studio.scratch / "batch-jobs" / name
        folder.mkdir(parents=True)
        self.jobs[name] = start_job(batch, names, view.check, folder, self.studio.building)
        return RedirectResponse(f"/batch/{name}?ui={ui}", 303)

    def find(self, request: Request) -> tuple[str, Job | None]:
        """The job the address names, if it is one of ours."""
        name = str(request.path_params["job"])
        return name, self.jobs.get(name) if JOB.fullmatch(name) else None

    def job_page(self, request: Request) -> Response:
        ui = ui_language(request.query_params.get("ui"))
        name, job = self.find(request)
        if job is None:
            return self.page(ui, View(alert=interface(ui)["batch_gone"]), 404)
        return self.studio.page("batch.html.j2", ui, current="/batch", view=View(), job=job,
                                name=name, figures=job.progress())  # fmt: skip

    def progress(self, request: Request) -> Response:
        job = self.find(request)[1]
        if job is None:
            return JSONResponse({"error": "no such batch"}, 404)
        return JSONResponse(job.progress())

    async def act(self, request: Request) -> Response:
        """The job page's buttons: stop after the current row; save the files in the output."""
        form = await self.studio.form(request)
        if isinstance(form, Response):
            return form
        name, job = self.find(request)
        ui = ui_language(form.get("ui"))
        if job is None:
            return self.page(ui, View(alert=interface(ui)["batch_gone"]), 404)
        if form.get("action") == "stop":
            job.stop.set()
        elif form.get("action") == "save" and job.ended is not None and job.report.is_file():
            await in_thread(lambda: _saved(job, self.studio.output))
        return RedirectResponse(f"/batch/{name}?ui={ui}", 303)

    def archive(self, request: Request) -> Response:
        job = self.find(request)[1]
        if job is None or job.ended is None or not job.archive.is_file():
            return JSONResponse({"error": "no finished batch"}, 404)
        return FileResponse(job.archive, media_type="application/zip", filename=ZIP_NAME)

    # -- the bases and rosters sent: kept in the scratch folder, known to the page by name --

    def new_base(self, manifest: bytes, shown: str) -> str:
        name = secrets.token_hex(16)
        folder = self.home / name
        folder.mkdir(parents=True)
        (folder / "base.yaml").write_bytes(manifest)
        (folder / "base.name").write_text(shown, encoding="utf-8")
        return name

    async def keep_base(self, upload: Any, ui: str) -> View:
        """A saved manifest sent with the roster: kept as a new base."""
        name = self.new_base(b"", _shown(upload))
        try:
            kept = await uploads.keep(upload, MANIFEST, self.home / name)
        except uploads.UploadRefused as exc:
            raise Refused(interface(ui)["batch_refused"], detail=str(exc)) from None
        kept.replace(self.home / name / "base.yaml")
        return self.base_view(name, ui)

    def base_view(self, name: str, ui: str) -> View:
        """The page's view of a base the page sent back: refused unless it is one of ours."""
        if not name:
            return View()
        folder = self.home / name
        if not BASE.fullmatch(name) or not (folder / "base.yaml").is_file():
            raise Refused(interface(ui)["batch_expired"], 400)
        shown = (folder / "base.name").read_text(encoding="utf-8")
        view = View(base=name, base_shown=shown, from_page=(folder / FROM_PAGE).is_file())
        try:
            sheets = read_manifest(folder / "base.yaml").data.get("worksheets")
        except (WorkbookError, AttributeError) as exc:
            detail = str(exc).replace(str(folder / "base.yaml"), shown)
            raise Refused(interface(ui)["batch_refused"], detail=detail) from None
        listed = sheets if isinstance(sheets, list) else []
        view.sheets = ", ".join(str(s.get("id") if isinstance(s, dict) else s) for s in listed)
        view.sheets = view.sheets[:400]
        return view

    def roster_view(self, view: View, name: str, ui: str) -> None:
        """The roster the page sent back by name: refused unless it is one of this base's."""
        folder = self.home / view.base
        if not view.base or not ROSTER_REF.fullmatch(name) or not (folder / name).is_file():
            raise Refused(interface(ui)["batch_expired"], 400)
        shown = folder / f"{name}.name"
        view.roster = name
        view.roster_shown = shown.read_text(encoding="utf-8") if shown.is_file() else "roster"

    def batch(self, view: View) -> tuple[Batch, Names]:
        """The library's batch for this base, and the names the user knows its files by."""
        folder = self.home / view.base
        names = Names(folder / view.roster, view.roster_shown, folder / "base.yaml",
                      view.base_shown)  # fmt: skip
        dirs = self.studio.worksheet_dirs
        return Batch.load(names.base, folder / "out", worksheet_dirs=dirs), names


def _example(request: Request) -> Response:
    """A roster to start from: the usual columns and two rows."""
    return download(EXAMPLE.encode(), "roster.csv", "text/csv; charset=utf-8")


def _saved(job: Job, output: Path) -> Response:
    save_job(job, output)
    return Response(status_code=204)


def _shown(upload: Any) -> str:
    """The file's own name, as messages show it (never a path)."""
    return Path(str(upload.filename or "roster")).name[:120]
