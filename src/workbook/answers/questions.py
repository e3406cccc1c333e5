"""Reading answers back: each field's question, as printed, from its spoken name (`/TU`).

A fillable workbook names every field twice: its name (the contract in `workbook.document`)
and its spoken name, said with the interface text of its worksheet's language
(`spoken_check`, `spoken_line`, `spoken_blank`, `spoken_cell`, `spoken_scale`). Each template
is turned back into a pattern here, for every supported language, so the printed question
(the item, the label, the sentence, the column, the scale's label) comes out of the spoken
name. A spoken name no pattern fits is its own question.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from ..locale import SUPPORTED_LANGUAGES, strings

NUMBERS = {"n", "total", "row", "low", "high"}  # placeholders that are always whole numbers
BLANK = re.compile(r"_{3,}")
WORDS_AROUND = 4  # a blank's spoken name has at most this many words either side of it
# Spoken names of blanks that workbooks built before 0.2 carry: the whole sentence.
EARLIER = {"spoken_blank": ("{sentence} Blank {n} of {total}", "{sentence} Espacio {n} de {total}")}


def _pattern(template: str) -> re.Pattern[str]:
    """`{label}, line {n}` as a pattern with a group per placeholder; spaces match loosely
    (a blank that starts a sentence has nothing before it)."""
    out = ""
    for literal, name in re.findall(r"([^{]*)(?:\{(\w+)\}|$)", template):
        words = literal.split()
        loose = [r"\s*"] if literal[:1].isspace() else []
        loose += [r"\s*".join(re.escape(w) for w in words)] if words else []
        out += "".join(loose) + (r"\s*" if words and literal[-1:].isspace() else "")
        if name:
            out += rf"(?P<{name}>-?\d+)" if name in NUMBERS else rf"(?P<{name}>.*?)"
    return re.compile(out, re.DOTALL)


@cache
def _patterns(key: str, first: str | None) -> tuple[re.Pattern[str], ...]:
    order = [first] if first in SUPPORTED_LANGUAGES else []
    order += [lang for lang in SUPPORTED_LANGUAGES if lang != first]
    templates = [str(strings(lang)[key]) for lang in order] + list(EARLIER.get(key, ()))
    return tuple(_pattern(t) for t in dict.fromkeys(templates))


def parse(key: str, spoken: str, language: str | None) -> dict[str, str] | None:
    """The placeholders' values in a spoken name made from interface text `key`, or None."""
    for pattern in _patterns(key, language):
        found = pattern.fullmatch(spoken.strip())
        if found:
            return {k: v.strip() for k, v in found.groupdict().items()}
    return None


def sentence(spoken: Iterable[str], language: str | None) -> str | None:
    """A fill-in's sentence with its blanks as ___, from its blanks' spoken names (in order):
    the sentence itself, or the words either side of each blank put back together."""
    parts = [parse("spoken_blank", s, language) for s in spoken]
    if not parts or any(p is None for p in parts):
        return None
    found = [p for p in parts if p is not None]
    if "sentence" in found[0]:
        return BLANK.sub("___", found[0]["sentence"])
    pieces = [_cut(found[0].get("before", ""), "… {}")]
    for this, following in zip(found, [*found[1:], None], strict=True):
        after = this.get("after", "")
        pieces.append(_cut(after, "{} …") if following is None
                      else _join(after, following.get("before", "")))  # fmt: skip
    text = " ___ ".join(pieces).strip()
    return re.sub(r"___ (?=[.,;:!?…)])", "___", text)


def _cut(words: str, shown: str) -> str:
    """The words before the first blank or after the last, marked … where more may be cut."""
    return shown.format(words) if len(words.split()) >= WORDS_AROUND else words


def _join(after: str, before: str) -> str:
    """The text between two blanks, from the first words after one and the last words before
    the next: merged where they overlap, else with … for what neither names."""
    first, last = after.split(), before.split()
    for size in range(min(len(first), len(last)), 0, -1):
        if first[-size:] == last[:size]:
            return " ".join(first + last[size:])
    return " … ".join(p for p in (after, before) if p)
