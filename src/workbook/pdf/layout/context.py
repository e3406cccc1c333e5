"""Stage 5, layout: what drawing a part of the workbook needs (`LayoutContext`), and the
document's typed runs as ReportLab paragraph markup."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Any

from reportlab.lib.colors import Color
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable

from ... import document as d
from ...errors import Diagnostic, Location
from ...fonts import FontSet
from ...markup import styled_markup
from ...theme import Theme
from .pen import Pen
from .styles import Styles, derive
from .tags import Element
from .text import TaggedParagraph

KEEP_WITH_NEXT_LIMIT = 300  # characters


def inline_markup(runs: d.Inline, fonts: FontSet) -> str:
    """Typed runs as ReportLab markup: every character escaped, fallback fonts per run."""
    return styled_markup(((r.text, r.bold, r.italic) for r in runs if isinstance(r, d.Text)), fonts)


@dataclass(frozen=True)
class LayoutContext:
    """What drawing a part of the workbook needs: a new one for each section (`within`)."""

    theme: Theme
    ink: dict[str, Color]  # the theme's colours (styles.ink)
    styles: Styles
    fonts: FontSet
    frame_height: float
    frame_width: float
    fillable: bool
    section: Element  # where new structure elements go: a page's or worksheet's Sect
    origins: dict[Flowable, d.Source]  # the source block of a worksheet's flowables
    warnings: list[Diagnostic]  # what the build reports: answers that do not fit

    def pen(self, size: float | None = None) -> Pen:
        """How answers are written: in the body font (or `size`), in ink."""
        return Pen(self.fonts, size or self.styles.body.fontSize)

    def warn(self, source: d.Source | None, message: str) -> None:
        where = source.location if source else Location()
        self.warnings.append(Diagnostic(message, where, "warning"))

    def within(self, section: Element) -> LayoutContext:
        return dataclasses.replace(self, section=section)

    def clear_digits(self) -> LayoutContext:
        """Text made with this context draws numbers in a font with a plain zero, if the
        theme's font has a slashed or dotted one: phone numbers (fonts.digits_family)."""
        return dataclasses.replace(self, fonts=self.fonts.clear_digits)

    def element(self, role: str, **attrs: Any) -> Element:
        """A new structure element at the end of the current section."""
        return self.section.add(role, **attrs)

    def field(self, field: d.Field) -> str | None:
        """A field's name in the fillable edition, else None (nothing is drawn for it)."""
        return field.name if self.fillable else None

    def para(self, runs: d.Inline, style: ParagraphStyle, tag: Element | str = "P",
             **kw: Any) -> TaggedParagraph:  # fmt: skip
        """A paragraph whose text is `tag`: an element, or a new one in the section."""
        if getattr(style, "keepWithNext", 0) and len(d.plain_text(runs)) > KEEP_WITH_NEXT_LIMIT:
            # keep-with-next on text taller than a page would make ReportLab loop forever
            style = derive(style, f"{style.name}-long", keepWithNext=0)
        markup = inline_markup(runs, self.fonts)
        if self.fonts.digits is not None:
            markup = digit_faces(markup, self.fonts, style)
        element = self.element(tag) if isinstance(tag, str) else tag
        return TaggedParagraph(markup, style, tag=element, **kw)

    def paragraphs(self, paragraphs: tuple[d.Inline, ...], style: ParagraphStyle) -> list[Flowable]:
        return [self.para(p, style) for p in paragraphs]

    def items(self, texts: tuple[d.Inline, ...], style: ParagraphStyle,
              bullets: list[str] | None = None, listed: Element | None = None,
              ) -> list[TaggedParagraph]:  # fmt: skip
        """A list (L, or `listed`), one paragraph per item (LI: its bullet the Lbl, its text
        the LBody); the L says how its items are numbered (ListNumbering)."""
        if listed is None:
            listed = self.element("L", ListNumbering=_numbering(bullets))
        paras = []
        for i, text in enumerate(texts):
            item = listed.add("LI")
            label = item.add("Lbl") if bullets else None
            paras.append(self.para(text, style, item.add("LBody"), label_tag=label,
                                   bulletText=bullets[i] if bullets else None))  # fmt: skip
        return paras


def _numbering(bullets: list[str] | None) -> str:
    if not bullets:
        return "None"
    return "Decimal" if bullets[0][:1].isdigit() else "Disc"


def digit_faces(markup: str, fonts: FontSet, style: ParagraphStyle) -> str:
    """Numbers drawn in clear digits (fonts.digits_family) take the face of the text around
    them, bold or italic: a `<font>` tag's face sets the weight, whatever `<b>` or the
    style's font says. (Not smaller to match the theme's digits: large print stays large.)"""
    digits, main = fonts.digits, fonts.main
    if digits is None or digits.regular not in markup:
        return markup
    font = style.fontName
    bold_style = font in (main.bold, main.bold_italic)
    italic_style = font in (main.italic, main.bold_italic)
    bold, italic = bold_style, italic_style
    opener, parts = f'<font face="{digits.regular}">', []
    for part in re.split(r"(</?[bi]>)", markup):  # to_markup escapes the text's own < and >
        if part in ("<b>", "</b>"):
            bold = part == "<b>" or bold_style
        elif part in ("<i>", "</i>"):
            italic = part == "<i>" or italic_style
        elif bold or italic:
            face = (digits.bold_italic if italic else digits.bold) if bold else digits.italic
            part = part.replace(opener, f'<font face="{face}">')
        parts.append(part)
    return "".join(parts)
