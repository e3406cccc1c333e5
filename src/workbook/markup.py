"""Inline text: our small markup (**bold**, *italic*, \\-escapes) to ReportLab paragraph markup.

Every character of the input is escaped, so user text such as `<font size=40>` prints
literally; runs the main font cannot draw are wrapped in a fallback font; control and
invisible format characters (zero-width spaces, bidi controls), which would print as boxes,
are left out and noted.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable

from .fonts import FontSet

_TOKEN = re.compile(r"(\\.|\*\*|\*)", re.DOTALL)
_DRAWN = set(" \n\t")  # characters known to be none of the invisible kinds; grows as text is seen
_QUIET = frozenset("\r")  # left out without a word: a Windows line end


def _invisible(char: str) -> bool:
    """Control (Cc) and format (Cf) characters but tab and line feed, and noncharacters."""
    code = ord(char)
    noncharacter = 0xFDD0 <= code <= 0xFDEF or code & 0xFFFE == 0xFFFE
    return char not in "\n\t" and (unicodedata.category(char) in ("Cc", "Cf") or noncharacter)


def visible(text: str, found: set[str] | None = None) -> str:
    """`text` without the characters that print as boxes or nothing at all; those left out
    (but a carriage return) are added to `found`."""
    if _DRAWN.issuperset(text):  # the common case, checked in C
        return text
    chars = set(text)
    dropped = {c for c in chars - _DRAWN if _invisible(c)}
    _DRAWN.update(chars - dropped)
    if not dropped:
        return text
    if found is not None:
        found.update(dropped - _QUIET)
    return "".join(c for c in text if c not in dropped)


def metadata_text(text: str) -> str:
    """Inline text as one clean line for the PDF's title, author and subject."""
    return " ".join(plain(text).split())


def escape_markup(value: str) -> str:
    """Make a personal value inert inside our markup: backslash-escape * and \\."""
    return value.replace("\\", "\\\\").replace("*", "\\*")


def segments(text: str) -> list[tuple[str, bool, bool]]:
    """Split text into (chunk, bold, italic); unmatched markers stay literal."""
    if "*" not in text and "\\" not in text:  # most text: one plain chunk, checked in C
        return [(text, False, False)] if text else []
    tokens = [t for t in _TOKEN.split(text) if t]
    usable = {m: tokens.count(m) - tokens.count(m) % 2 for m in ("**", "*")}
    seen = {"**": 0, "*": 0}
    bold = italic = False
    out: list[tuple[str, bool, bool]] = []
    for token in tokens:
        if token in seen and seen[token] < usable[token]:
            seen[token] += 1
            if token == "**":
                bold = not bold
            else:
                italic = not italic
            continue
        chunk = token[1] if token.startswith("\\") and len(token) == 2 else token
        out.append((chunk, bold, italic))
    return out


def to_markup(text: str, fonts: FontSet) -> str:
    """Convert inline text to escaped ReportLab markup with font fallback per run."""
    return styled_markup(segments(visible(text, fonts.invisible)), fonts)


def styled_markup(chunks: Iterable[tuple[str, bool, bool]], fonts: FontSet) -> str:
    """(text, bold, italic) chunks as escaped ReportLab markup, runs the main font cannot
    draw in a fallback font."""
    parts = []
    for chunk, bold, italic in chunks:
        piece = ""
        for family, run in fonts.runs(chunk):
            safe = html.escape(run, quote=False)
            piece += (
                safe if family is fonts.main else f'<font face="{family.regular}">{safe}</font>'
            )
        if italic:
            piece = f"<i>{piece}</i>"
        if bold:
            piece = f"<b>{piece}</b>"
        parts.append(piece)
    return "".join(parts)


def plain(text: str) -> str:
    """Inline text with the markup removed (for outlines, metadata and file names)."""
    return "".join(chunk for chunk, _, _ in segments(visible(text)))
