"""Stage 5, layout: drawing once per process what looks the same in every workbook.

A batch draws the same worksheet text into hundreds of PDFs, and ReportLab spends a fifth of
a build turning paragraphs into PDF operators. Those operators depend on the document in
two ways only: the name each font has inside the PDF (`/F1`) and, for TrueType fonts, the
code each non-ASCII character got in the font's subset. So a drawing is recorded once, with
the names and codes it relied on, and later drawings append the recorded operators when the
document agrees on all of them. Anything else a drawing might do to the document (links,
form fields, forms, transparency) makes it unrecordable, and it is drawn normally each time.
A drawing that marks content for the structure tree (a table's cells, see tags.py) records
which of its flowable's elements each mark was for, and a replay makes new marks for the
replaying flowable's elements in their place. The PDF is byte-identical either way.

It is an optimisation for batches, kept per process: no build depends on it (with `enabled`
False every drawing is drawn, and the bytes are the same), a single build costs no more
with it, and every further build in the process takes about a quarter less time.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from reportlab.pdfbase.pdfmetrics import getFont

from .recent import RecentCache
from .tags import TaggingCanvas

_FONT_IN_CODE = re.compile(r"(/[^\s/()<>\[\]{}%]+?)(?:\+\d+)? \S+ Tf")
_MARK = re.compile(r"/\w+ <</MCID (\d+)>> BDC")

enabled = True  # False: every drawing is drawn (for comparing, see the module's docstring)


@dataclass(frozen=True)
class _Drawing:
    code: tuple[str, ...]  # the operators the drawing appended, relative to its origin
    fonts: tuple[tuple[str, str], ...]  # (ReportLab font name, its name in the PDF)
    codes: tuple[tuple[Any, int, int], ...]  # (TrueType font, non-ASCII code point, its code)
    marks: tuple[tuple[int, int], ...]  # (line of `code` that opens a mark, element index)

    def fits(self, doc: Any) -> bool:
        mapping = doc.fontMapping
        if any(mapping.get(name) != pdf_name for name, pdf_name in self.fonts):
            return False
        return all(font.state[doc].assignments.get(cp) == n for font, cp, n in self.codes)


_DRAWINGS: RecentCache[_Drawing | None] = RecentCache()  # key -> drawing; None: draw normally


Texts = Iterable[tuple[str, str]] | None
Elements = Callable[[], list[Any]]


def _no_elements() -> list[Any]:
    return []


def draw_recorded(canv: Any, key: Any, draw: Callable[[], None], texts: Callable[[], Texts],
                  elements: Elements = _no_elements) -> None:  # fmt: skip
    """Call `draw`, or append what it drew last time under `key` if this document allows.

    `key` is None for a drawing that is never recorded. `texts` lists the (font name, text)
    pairs the drawing writes, to learn the character codes it relies on; None if the drawing
    must not be recorded. `elements` lists, in a fixed order, the structure elements the
    drawing may mark content for.
    """
    if not enabled or key is None or not isinstance(canv, TaggingCanvas):  # only ours replays
        draw()
        return
    drawing = _DRAWINGS.get(key, ...)
    if drawing is None:  # it could not be recorded
        draw()
        return
    if drawing is not ... and drawing.fits(canv._doc):
        if not drawing.marks:
            canv.add_operators(drawing.code)
            return
        code, mine, tags = list(drawing.code), elements(), canv.tags
        for line, index in drawing.marks:
            code[line] = tags.open(mine[index])
        canv.add_operators(code)
        return
    start, before = canv.drawn(), canv.resources()
    draw()
    _DRAWINGS[key] = _record(canv, start, before, texts(), elements)


def _marks(
    canv: TaggingCanvas, code: tuple[str, ...], elements: Elements
) -> tuple[tuple[int, int], ...] | None:
    """Where the drawing opened marks, and for which of `elements`, in the order their MCIDs
    were given (a list item's label may be drawn before its text yet numbered after it);
    None if for others."""
    lines = [(i, int(m.group(1))) for i, x in enumerate(code) if (m := _MARK.fullmatch(x))]
    lines.sort(key=lambda found: found[1])
    if not lines:
        return ()
    owners = canv.tags.marks.get(canv.getPageNumber(), [])
    index = {id(e): i for i, e in enumerate(elements())}
    found = []
    for line, mcid in lines:
        if mcid >= len(owners) or id(owners[mcid]) not in index:
            return None
        found.append((line, index[id(owners[mcid])]))
    return tuple(found)


def _record(canv: TaggingCanvas, start: int, before: tuple[int, ...], texts: Texts,
            elements: Elements) -> _Drawing | None:  # fmt: skip
    doc = canv._doc
    code = tuple(canv.operators_since(start))
    marks = _marks(canv, code, elements)
    if texts is None or marks is None or canv.resources() != before:
        return None
    by_pdf_name = {pdf_name: name for name, pdf_name in doc.fontMapping.items()}
    used = {by_pdf_name.get(m) for m in _FONT_IN_CODE.findall("\n".join(code))}
    texts = list(texts)
    if not used <= {name for name, _ in texts}:
        return None  # a font we were not told about: its characters are unknown
    codes = set()
    for name, text in texts:
        font = getFont(name)
        if getattr(font, "_dynamicFont", False):
            assignments = font.state[doc].assignments
            fixed = 127 if font._asciiReadable else 0  # ASCII has fixed codes when readable
            codes |= {(font, ord(c), assignments.get(ord(c))) for c in set(text) if ord(c) >= fixed}
    fonts = tuple((name, doc.fontMapping[name]) for name in sorted(n for n in used if n))
    return _Drawing(code, fonts, tuple(codes), marks)
