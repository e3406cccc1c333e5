"""Stage 5, layout: fill-in sentences, with blanks wide enough to write an answer by hand.

A blank is an underlined run of no-break spaces; in the fillable edition a marker one space
into the run places a text field exactly as wide as the run (forms.blank_callback). Every
blank is at least MIN_BLANK_EMS wide. A blank that ends a sentence, or ends a line, runs on
to the end of its line, and the sentence after it starts a new line, so the answer at the
end of a sentence gets the rest of the line. The word before a blank wraps with it, and a
line never holds one word alone after the last blank.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any, NamedTuple

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth

from ... import document as d
from ...fonts import FontSet
from ...markup import styled_markup
from .measure import TALL
from .pen import INK, Pen
from .tags import Element
from .text import TaggedParagraph

NBSP = "\u00a0"
ONE_LETTER = re.compile(r"(?<!\S)(\w) ")
SENTENCE_END = re.compile(r"([.!?\u2026:;]+[\u201d\u2019\"')\]]*)[ \t\n]+(?=\S)")
LINE_END = re.compile(r"[^\s]*\s*")  # what may follow a blank at a line's end: punctuation
MIN_BLANK_EMS = 12  # the shortest blank, in multiples of the text size: a few words by hand
BLANK_CALLBACK = "wbBlank"


def _pieces(sentence: d.Inline, fonts: FontSet) -> list[str]:
    """The markup between the blanks: the word before a blank wraps with it, a line never
    ends on a one-letter word, a sentence ended by a blank goes on on a new line, and the
    last words never stand alone on a line."""
    pieces = _between_blanks(sentence)
    last = len(pieces) - 1
    out = []
    for number, runs in enumerate(pieces):
        text = "".join(r.text for r in runs)
        if number < last and text.endswith(" "):
            text = text[:-1] + NBSP
        if number == last:
            text = _last_words(text)
        text = ONE_LETTER.sub(lambda m: m.group(1) + NBSP, text)  # (each keeps its length)
        after_blank = SENTENCE_END.match(text) if number else None
        if after_blank:  # "I recharge by ___. This week ..." starts a new line after "."
            head = _restyled(runs, text, 0, after_blank.end(1))
            tail = _restyled(runs, text, after_blank.end(), len(text))
            out.append(f"{styled_markup(head, fonts)}<br/>{styled_markup(tail, fonts)}")
        else:
            out.append(styled_markup(_restyled(runs, text, 0, len(text)), fonts))
    return out


def _between_blanks(sentence: d.Inline) -> list[list[d.Text]]:
    """The text runs before, between and after the blanks."""
    pieces: list[list[d.Text]] = [[]]
    for run in sentence:
        if isinstance(run, d.Blank):
            pieces.append([])
        else:
            pieces[-1].append(run)
    return pieces


def _restyled(runs: list[d.Text], text: str, start: int, end: int) -> list[tuple[str, bool, bool]]:
    """text[start:end] (runs' text with spaces changed) in the styles of the runs it came
    from, as (chunk, bold, italic)."""
    chunks, at = [], 0
    for run in runs:
        low, high = max(at, start), min(at + len(run.text), end)
        if low < high:
            chunks.append((text[low:high], run.bold, run.italic))
        at += len(run.text)
    return chunks


def _last_words(text: str) -> str:
    """The text after the last blank: one word is joined to the blank, more words keep the
    last two together."""
    words = text.split(" ")
    if len([w for w in words if w]) == 1 and text.startswith(" "):
        return NBSP + text[1:]
    head, space, tail = text.rstrip().rpartition(" ")
    return f"{head}{NBSP}{tail}{text[len(text.rstrip()) :]}" if space and head.strip() else text


class _Slot(NamedTuple):
    """What goes in a blank: its field (fillable), or its answer written in (print)."""

    name: str | None
    written: str = ""  # markup, in ink
    spaces: int = 0  # how many spaces wide the answer is


def _markup(pieces: list[str], counts: Sequence[int], slots: Sequence[_Slot],
            colour: str) -> str:  # fmt: skip
    """The sentence with blanks of `counts` spaces; a named blank carries its field marker,
    labelled with the field name and the blank's length in spaces; an answered one (print)
    has the answer written on it, the underline going on a little past it."""
    markup = pieces[0]
    for piece, count, slot in zip(pieces[1:], counts, slots, strict=True):
        marker = (
            f'<onDraw name="{BLANK_CALLBACK}" label="{slot.name}|{count}"/>' if slot.name else ""
        )
        rest = max(count - 1 - slot.spaces, 2) if slot.written else count - 1
        markup += f'<font color="{colour}"><u>{NBSP}{marker}{slot.written}{NBSP * rest}</u></font>'
        markup += piece
    return markup


def _room_after(para: TaggedParagraph, blanks: int) -> list[float]:
    """For each blank, the room left on its line when it is the last thing on it (nothing
    but punctuation after it), else 0."""
    room = [0.0] * blanks
    seen = 0  # the blanks found so far
    for line in para.blPara.lines:
        words = list(line.words)
        runs = [i for i, f in enumerate(words) if _underlined(f)
                and (i == 0 or not _underlined(words[i - 1]))]  # fmt: skip
        seen += len(runs)
        if runs:
            end = max(i for i, f in enumerate(words) if _underlined(f))
            rest = "".join(str(f.text) for f in words[end + 1 :])
            if LINE_END.fullmatch(rest):
                room[seen - 1] = float(line.extraSpace)
    return room


def _underlined(frag: Any) -> bool:
    return bool(getattr(frag, "us_lines", None))


def sentence(runs: d.Inline, fillable: bool, style: ParagraphStyle, fonts: FontSet,
             width: float, colour: str, tag: Element) -> TaggedParagraph:  # fmt: skip
    """A fill-in sentence as a paragraph `width` wide, its blanks sized for handwriting and,
    when `fillable`, carrying their fields (else any answers written in)."""
    pieces = _pieces(runs, fonts)
    space = stringWidth(NBSP, style.fontName, style.fontSize)
    blanks = [r for r in runs if isinstance(r, d.Blank)]
    slots = [_slot(b.field, fillable, fonts, style, space) for b in blanks]
    least = math.ceil(MIN_BLANK_EMS * style.fontSize / space)
    counts = [min(least, int(width * 0.6 // space))] * (len(pieces) - 1)
    para = TaggedParagraph(_markup(pieces, counts, slots, colour), style)
    para.wrap(width, TALL)
    rooms = _room_after(para, len(counts))
    counts = [c + max(int(r // space) - 1, 0) for c, r in zip(counts, rooms, strict=True)]
    return TaggedParagraph(_markup(pieces, counts, slots, colour), style, tag=tag)


def _slot(field: d.Field, fillable: bool, fonts: FontSet, style: ParagraphStyle,
          space: float) -> _Slot:  # fmt: skip
    if fillable:
        return _Slot(field.name)
    if not isinstance(field.value, str) or not field.value:
        return _Slot(None)
    text = " ".join(field.value.split()).replace(" ", NBSP)  # the answer stays on its blank
    written = styled_markup([(text, False, False)], fonts)
    spaces = math.ceil(Pen(fonts, style.fontSize).width(text) / space)
    return _Slot(None, f'<font color="{INK.hexval().replace("0x", "#")}">{written}</font>', spaces)
