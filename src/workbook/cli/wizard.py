"""`workbook init`: the wizard's command."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from .common import Opt, app, emit, reporting


@app.command()
def init(
    manifest: Annotated[
        Path, Opt("--manifest", metavar="FILE", help="Where to write the manifest.")
    ] = Path("my-workbook.yaml"),
    title: Annotated[str | None, Opt(metavar="TEXT", help="The workbook's title.")] = None,
    name: Annotated[str | None, Opt(metavar="NAME", help="Your name, for the cover.")] = None,
    loved_one: Annotated[str | None, Opt(metavar="NAME", help="Who you are worried about.")] = None,
    relationship: Annotated[
        str | None,
        Opt(
            metavar="WHO",
            help="partner, parent, friend, sibling, child or other, or a word "
            "such as mother, wife or hermana.",
        ),
    ] = None,
    topics: Annotated[
        str | None, Opt(metavar="IDS", help="Worksheet ids, separated by commas.")
    ] = None,
    lang: Annotated[str | None, Opt("--lang", metavar="LANG", help="en or es.")] = None,
    region: Annotated[
        str | None,
        Opt(metavar="CC", help="Your two-letter country code, for the crisis page (e.g. GB)."),
    ] = None,
    page_size: Annotated[str | None, Opt(metavar="SIZE", help="letter or a4.")] = None,
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

    Without --yes it asks for what the options leave open. With --yes it asks nothing: the
    language is en, the region US and the paper Letter unless you say otherwise.

    \b
    Examples:
      workbook init
      workbook init --lang es --region MX --manifest mi-cuaderno.yaml
      workbook init --yes --region GB --loved-one Mum --relationship mother
    """
    from ..wizard import Answers, run_wizard

    chosen = [t.strip() for t in (topics or "").split(",") if t.strip()]
    answers = Answers(title=title, name=name, loved_one=loved_one, relationship=relationship,
                      topics=chosen, language=lang, page_size=page_size,
                      large_print=large_print, region=region)  # fmt: skip
    with reporting():
        warnings = run_wizard(answers, manifest, interactive=not yes, build_now=build_now)
    emit(warnings)
