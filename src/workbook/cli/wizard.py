"""`workbook init`: the wizard's command."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from .app import Opt, app, emit, reporting


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
    """Answer a few questions; get a manifest you can keep, and your workbook.

    \b
    Examples:
      workbook init
      workbook init --lang es --manifest mi-cuaderno.yaml
    """
    from ..wizard import Answers, run_wizard

    chosen = [t.strip() for t in (topics or "").split(",") if t.strip()]
    answers = Answers(title, name, loved_one, relationship, chosen, lang, page_size, large_print)
    with reporting():
        warnings = run_wizard(answers, manifest, interactive=not yes, build_now=build_now)
    emit(warnings)
