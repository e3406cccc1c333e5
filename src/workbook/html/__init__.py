"""The web edition: the project's `Document` as one self-contained, accessible HTML file.

    render.py      the Jinja2 environment, the theme as CSS values, the plan the page's
                   script saves and downloads answers by: `render(project) -> str`
    plan.py        every field of the document grouped as `workbook answers --json` groups
                   them (worksheets -> blocks -> fields), with their questions
    interface.py   the page's own words (buttons, status) in each language
    templates/     page.html.j2 (the page), blocks.html.j2 (one macro per block),
                   style.css and script.js (inlined; the Content-Security-Policy allows
                   them by hash and forbids every request)

Front doors use `workbook.build`, which dispatches on the manifest's `format`.
"""

from .render import GENERATOR, render

__all__ = ["GENERATOR", "render"]
