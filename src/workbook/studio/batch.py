"""The studio's /batch page (being built)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .app import Studio, ui_language


def routes(studio: Studio) -> list[Route]:
    def show(request: Request) -> Response:
        ui = ui_language(request.query_params.get("ui"))
        return studio.page("batch.html.j2", ui, current="/batch")

    return [Route("/batch", show, methods=["GET"])]
