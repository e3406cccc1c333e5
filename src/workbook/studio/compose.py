"""The studio's workbook page (/): choose worksheets (cards, packets, order), personalise,
preview (live, with a script; on request, without; any page opened large), download or save.
Form posts become `Choices` (forms.py) and `BuildOptions`; editions.py builds; cards.py
offers the library."""

from __future__ import annotations

import re
import secrets
from typing import Any, NamedTuple

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from ..build import slug
from ..errors import WorkbookError
from ..models.manifest import RELATIONSHIPS
from ..theme import BUILTIN_THEMES
from . import uploads
from .app import Studio, download, in_thread, ui_language
from .cards import Thumbnails, cards, crisis_hint, packets, topics
from .editions import DOWNLOADS, Outcome, Previews, failed, large_page, preview, render, save
from .forms import Choices
from .interface import interface

MOVES = ("up", "down", "remove")
KEPT = re.compile(r"[0-9a-f]{16}")  # a preview's name in `Previews`


class Posted(NamedTuple):
    form: FormData
    ui: str
    choices: Choices
    refused: Outcome | None  # a logo that was sent and refused


def routes(studio: Studio) -> list[Route]:
    thumbnails, kept = Thumbnails(), Previews()

    def page(ui: str, choices: Choices, outcome: Outcome, form: Any = None,
             status: int = 200, said: str = "") -> Response:  # fmt: skip
        parts = context(studio, ui, choices, outcome, form)
        return studio.page("workbook.html.j2", ui, status, said=said, **parts)

    def home(request: Request) -> Response:
        ui = ui_language(request.query_params.get("ui"))
        choices = Choices({"language": ui, "region": "US"}, scratch=studio.scratch,
                          dirs=studio.worksheet_dirs)  # fmt: skip
        with_answers(choices, request.query_params.get("answers", ""))
        return page(ui, choices, Outcome())

    async def posted(request: Request) -> Posted | Response:
        """The form as posted (its CSRF token checked), its choices, and a logo sent with it."""
        form = await studio.form(request)
        if isinstance(form, Response):
            return form
        choices = Choices.from_form(form, studio.scratch, studio.worksheet_dirs)
        refused = await keep_logo(studio, form, choices)
        return Posted(form, ui_language(form.get("ui")), choices, refused)

    async def submit(request: Request) -> Response:
        sent = await posted(request)
        if isinstance(sent, Response):
            return sent
        form, ui, choices, refused = sent
        action = str(form.get("action", ""))
        if refused:
            return page(ui, choices, refused, form, 422)
        if action == "manifest":
            return download(choices.manifest_yaml().encode(), "manifest.yaml",
                            "application/yaml; charset=utf-8")  # fmt: skip
        if action in DOWNLOADS:
            return await in_thread(lambda: deliver(ui, choices, action, form))
        if action == "preview":
            return await in_thread(lambda: page(ui, choices, preview(studio, choices, kept), form))
        if action == "save":
            return await in_thread(lambda: page(ui, choices, save(studio, choices), form))
        said = change(choices, action, ui)
        return page(ui, choices, Outcome(), form, said=said)

    async def live(request: Request) -> Response:
        """The preview as the page's script asks for it: JSON with the parts that change."""
        sent = await posted(request)
        if isinstance(sent, Response):
            return sent
        form, ui, choices, outcome = sent
        # no worksheets yet: no error while a person is still choosing, unless they pressed
        # the Preview button (the script says so)
        if outcome is None and (choices.worksheets or form.get("asked")):
            outcome = await in_thread(lambda: preview(studio, choices, kept))
        outcome = outcome or Outcome()
        language = choices.values.get("language") or ui  # only the parts that change: no cards
        parts = {"outcome": outcome, "choices": choices,
                 "crisis": crisis_hint(choices.values.get("region", ""), language)}  # fmt: skip
        return JSONResponse({
            "errors": outcome.errors, "logo": choices.logo,
            "result": studio.render("workbook_result.html.j2", ui, **parts),
            "crisis": studio.render("workbook_crisis.html.j2", ui, **parts),
        })  # fmt: skip

    def deliver(ui: str, choices: Choices, action: str, form: FormData) -> Response:
        changes, media, suffix = DOWNLOADS[action]
        try:
            data, project = render(studio, choices, changes)
        except WorkbookError as exc:
            return page(ui, choices, failed(exc.diagnostics), form, 422)
        name = slug(" ".join(p for p in (project.title, project.recipient or "") if p)) + suffix
        return download(data, name, media)

    def thumbnail(request: Request) -> Response:
        ident, language = request.path_params["ident"], request.path_params["language"]
        if language not in ("en", "es"):
            return PlainTextResponse("Not found", 404)
        try:
            with studio.building:
                png = thumbnails.get(ident, language, studio.worksheet_dirs)
        except WorkbookError:
            png = None
        if png is None:
            return PlainTextResponse("Not found", 404)
        return Response(
            png, media_type="image/png", headers={"cache-control": "private, max-age=600"}
        )

    async def thumb(request: Request) -> Response:
        return await in_thread(lambda: thumbnail(request))

    def large_png(request: Request) -> Response:
        """One page of a recent preview, large enough to read (the preview's pages link here)."""
        name, number = request.path_params["name"], request.path_params["number"]
        words = interface(ui_language(request.query_params.get("ui")))
        pdf = kept.get(name) if KEPT.fullmatch(name) else None
        if pdf is None:
            return PlainTextResponse(words["large_gone"], 404)
        with studio.building:  # PDFium: one caller at a time
            png = large_page(pdf, number)
        if png is None:
            return PlainTextResponse(words["large_missing"].format(n=number), 404)
        return Response(png, media_type="image/png")

    async def large(request: Request) -> Response:
        return await in_thread(lambda: large_png(request))

    return [
        Route("/", home, methods=["GET"]), Route("/", submit, methods=["POST"]),
        Route("/preview", live, methods=["POST"]),
        Route("/thumb/{language}/{ident:str}.png", thumb, methods=["GET"]),
        Route("/preview/{name:str}/{number:int}.png", large, methods=["GET"]),
    ]  # fmt: skip


def context(studio: Studio, ui: str, choices: Choices, outcome: Outcome,
            form: Any = None) -> dict[str, Any]:  # fmt: skip
    """What workbook.html.j2 and its parts show."""
    language = choices.values.get("language") or ui
    found, problems = cards(language if language in ("en", "es") else "en", studio.worksheet_dirs)
    by_id = {card.id: card for card in found}
    shown = {"topic": _get(form, "topic"), "written_in": _get(form, "written_in")}
    return {
        "current": "/", "choices": choices, "outcome": outcome, "cards": found,
        "library_problems": problems, "topics": topics(found), "shown": shown,
        "hidden": {c.id for c in found if not _matches(c, shown)},
        "order": [(i, by_id[i].title if i in by_id else i) for i in choices.worksheets],
        "packets": packets(), "relationships": RELATIONSHIPS, "themes": BUILTIN_THEMES,
        "crisis": crisis_hint(choices.values.get("region", ""), language),
        "language": language,
        "first_control": {"worksheets": f"ws-{found[0].id}" if found else "worksheets"},
    }  # fmt: skip


def _get(form: Any, name: str) -> str:
    return str(form.get(name, "")) if form is not None else ""


def _matches(card: Any, shown: dict[str, str]) -> bool:
    topic, written = shown["topic"], shown["written_in"]
    return (not topic or topic in card.tags) and (not written or written in card.languages)


def change(choices: Choices, action: str, ui: str) -> str:
    """A button that changes the form itself: a packet, a move in the order, the logo.
    What it did, in words for the page (a person without the script sees the page reload)."""
    words = interface(ui)
    verb, _, subject = action.partition(":")
    if verb == "packet" and subject in packets():
        packet = packets()[subject]
        choices.worksheets = list(packet["worksheets"])
        choices.values["relationship"] = packet["relationship"]
        choices.values["age_group"] = packet["age_group"]
        name = packet["name"].get(ui, packet["name"]["en"])
        return words["packet_applied"].format(name=name, count=len(choices.worksheets))
    if verb in MOVES and subject in choices.worksheets:
        at, sheets = choices.worksheets.index(subject), choices.worksheets
        sheets.pop(at)
        if verb != "remove":
            sheets.insert(max(0, min(len(sheets), at + (-1 if verb == "up" else 1))), subject)
    elif verb == "remove_logo":
        choices.logo = ""
    return ""


async def keep_logo(studio: Studio, form: FormData, choices: Choices) -> Outcome | None:
    """A logo sent with the form, kept in the scratch folder; or the outcome that refuses it."""
    upload = form.get("logo_file")
    if not uploads.is_upload(upload):
        return None
    assert not isinstance(upload, str) and upload is not None
    folder = studio.scratch / "logos" / secrets.token_hex(8)
    try:
        path = await uploads.keep(upload, uploads.LOGO, folder, keep_name=True)
    except uploads.UploadRefused as exc:
        return Outcome(errors={"logo_file": [str(exc)]})
    choices.logo = f"{folder.name}/{path.name}"
    return None


def with_answers(choices: Choices, ref: str) -> None:
    """Start from answers read on the answers page: their worksheets, language, title and
    recipient."""
    from .answers import edition_start

    choices.answers = ref
    path = choices.answers_path  # None for a ref that is not ours, or not there
    if path is None:
        choices.answers = ""
        return
    start = edition_start(path)
    choices.worksheets = start.worksheets
    for name, value in (("language", start.language), ("title", start.title),
                        ("recipient", start.recipient)):  # fmt: skip
        if value:
            choices.values[name] = value
