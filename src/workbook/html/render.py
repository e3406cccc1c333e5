"""Stage 5b, the web edition: the `Document` through Jinja2 templates into one HTML file.

Everything the page needs is inside it: the style sheet and script inline (allowed by their
hashes in a Content-Security-Policy that forbids every request), the logo as a data: URI,
a system font stack. The document's runs are plain text and the templates escape them
(autoescape); only our own style sheet, script and JSON plan go in unescaped.
"""

from __future__ import annotations

import base64
import hashlib
import re
from functools import cache
from importlib import resources
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from .. import __version__
from .. import document as d
from ..project import Logo, Project
from ..theme import Theme
from .interface import words
from .plan import answers_plan, lines_question

GENERATOR = f"workbook {__version__}"  # `<meta name="generator">`: how output.py knows the file
DEFAULT_BASE_SIZE = 11.0  # points: the default theme's body text, shown at the browser's size
COLOUR = re.compile(r"#[0-9A-Fa-f]{6}")
MIME = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}


@cache
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("workbook.html", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.tests["text"] = lambda run: isinstance(run, d.Text)
    env.tests["blank"] = lambda run: isinstance(run, d.Blank)
    env.filters["kind"] = lambda obj: type(obj).__name__
    env.filters["plain"] = d.plain_text
    env.globals["words"] = words
    env.filters["anchors"] = lambda scale: {str(k): d.plain_text(v) for k, v in scale.anchors}
    env.filters["lines_name"] = lines_name
    return env


def lines_name(block: d.Lines) -> str:
    """A lines block's accessible name: its label, or the language's "Your thoughts"."""
    return lines_question(block)


def _asset(name: str) -> str:
    return (resources.files("workbook.html") / "templates" / name).read_text(encoding="utf-8")


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def theme_css(theme: Theme) -> str:
    """The theme as CSS custom properties: its colours, and its size relative to the default
    theme's (large print is bigger; never smaller than the browser's own size)."""
    lines = []
    for name, value in sorted(theme.colours.items()):
        if not COLOUR.fullmatch(value):  # validated as #RRGGBB; never anything else in CSS
            raise ValueError(f"theme colour {name} is not #RRGGBB: {value!r}")
        lines.append(f"  --{name.replace('_', '-')}: {value};")
    scale = max(theme.base_size / DEFAULT_BASE_SIZE, 1.0)
    lines.append(f"  --scale: {scale:.3f};")
    lines.append(f"  --leading: {max(theme.leading, 1.5):.2f};")
    lines.append(f"  --filled: {1 if theme.filled_backgrounds else 0};")
    tip = "var(--tip-background)" if theme.filled_backgrounds else "transparent"
    lines.append(f"  --tip-fill: {tip};")
    return ":root {\n" + "\n".join(lines) + "\n}\n"


def _logo_uri(logo: Logo | None) -> str | None:
    if logo is None:
        return None
    mime = MIME.get(logo.path.suffix.lower(), "image/png")
    return f"data:{mime};base64," + base64.b64encode(logo.path.read_bytes()).decode()


def render(project: Project) -> str:
    """The web edition of a project: one HTML page."""
    doc = d.build_document(project)
    css = theme_css(project.theme) + _asset("style.css")
    script = _asset("script.js")
    for inline in (css, script):
        assert "</" not in inline, "an inline style sheet or script must not close its element"
    csp = (
        "default-src 'none'; "
        f"style-src {_hash(css)}; script-src {_hash(script)}; img-src data:; "
        "base-uri 'none'; form-action 'none'"
    )
    context: dict[str, Any] = {
        "doc": doc,
        "generator": GENERATOR,
        "csp": csp,
        "css": Markup(css),
        "script": Markup(script),
        "plan": {**answers_plan(doc), "ui": words(doc.language)},
        "ui": words(doc.language),
        "logo": _logo_uri(project.logo),
        "logo_size": (project.logo.width, project.logo.height) if project.logo else None,
    }
    return _environment().get_template("page.html.j2").render(context)
