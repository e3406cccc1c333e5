"""Fonts: register TrueType fonts with ReportLab once, and pick a font for every character.

ReportLab's font registry is global; this module is the only place that touches it.
"""

from __future__ import annotations

import hashlib
import json
import re
import struct
import threading
import unicodedata
import zlib
from dataclasses import dataclass, field, replace
from functools import cache, cached_property
from importlib import resources
from pathlib import Path
from typing import Any

import fontpkg

from .errors import WorkbookError

SLOTS = {
    "regular": (400, "normal"),
    "bold": (700, "normal"),
    "italic": (400, "italic"),
    "bold_italic": (700, "italic"),
}
FALLBACK_FAMILY = "Noto Sans"
SUBSETS_KEPT = 16  # font subsets remembered per font file, and compressed ones in all


FONT_FILE_SUFFIXES = (".ttf", ".otf")
MAX_WIDTH = 10_000  # thousandths of an em: the widest real glyphs are about 3 em
_OTHER_FONT_SUFFIXES = (".ttc", ".otc", ".woff", ".woff2", ".pfb", ".pfa", ".afm", ".dfont")
# ReportLab's font registry and its bold/italic mappings are global, and projects load (which
# registers a theme's fonts) outside the render lock: one registration at a time, and a
# registered name is never registered again (a build may be drawing with that font object)
_REGISTRY = threading.RLock()


@cache
def _register_file(path: str, alias: str = "") -> tuple[str, frozenset[int]]:
    """Register one .ttf with ReportLab; return its name and the code points it covers. An
    `alias` registers the file once more under a name of its own (a family of its own)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise WorkbookError(f"cannot read the font {path}: {exc.strerror}") from None
    _check_tables(path, data)
    # a name per font (two different files called Body.ttf must not share one), safe inside
    # markup, and the same on every machine so that PDFs are byte-identical
    stem = re.sub(r"[^A-Za-z0-9-]", "", Path(path).stem)[:40]
    name = f"wb-{alias}{stem}-{hashlib.sha1(data).hexdigest()[:8]}"
    with _REGISTRY:
        if name in pdfmetrics.getRegisteredFontNames():  # the same file, from another path
            return name, frozenset(pdfmetrics.getFont(name).face.charToGlyph)
        try:
            font = TTFont(name, path)
            if not _shipped(path):
                _read_every_glyph(font.face)
        except Exception as exc:  # a damaged font fails in many ways: TTFError, struct.error, ...
            raise WorkbookError(_unusable(path, exc)) from None
        _subset_once(font.face)
        pdfmetrics.registerFont(font)
    return name, frozenset(font.face.charToGlyph)


def _check_tables(path: str, data: bytes) -> None:
    """A file that is no single TrueType/OpenType font, or one cut short: its table
    directory points past the end of the file."""
    kind = _NOT_ONE_FONT.get(data[:4])
    if kind is None and data[:4] not in (b"\x00\x01\x00\x00", b"true", b"OTTO"):
        kind = "is not a TrueType or OpenType font"
    if kind is not None:
        raise WorkbookError(f"{path} {kind}: give a .ttf file")
    count = struct.unpack(">H", data[4:6])[0] if len(data) >= 12 else 0
    records = data[12 : 12 + 16 * count]
    ends = [offset + length for _, _, offset, length in struct.iter_unpack(">4sIII", records)]
    needed = max([12, 12 + 16 * count, *ends])
    if needed > len(data):
        raise WorkbookError(
            f"the font {path} is cut short: it has {len(data):,} bytes of the {needed:,} its "
            "tables need; copy or download it again"
        )


_NOT_ONE_FONT = {
    b"ttcf": "is a font collection (.ttc)",
    b"wOFF": "is a web font (WOFF)",
    b"wOF2": "is a web font (WOFF2)",
}


def _read_every_glyph(face: Any) -> None:
    """Cut every glyph out of the font once, as embedding it will (a few milliseconds even for
    Noto Sans), so that a damaged glyph table fails here rather than while the PDF is saved;
    and refuse widths no real font has (a damaged metrics table)."""
    codes = sorted(face.charToGlyph)
    for start in range(0, len(codes), 256):
        face.makeSubset(codes[start : start + 256])
    widest = max(face.charWidths.values(), default=0)
    if widest > MAX_WIDTH:
        raise ValueError(f"a character {widest / 1000:g} em wide")


_SITE = Path(fontpkg.__file__).resolve().parent.parent  # where the font packages are installed


def _shipped(path: str) -> bool:
    """A font file installed with a package (a fontpkg font, ReportLab's own): checked by the
    package's makers, so the glyph check (8 ms of a cold start for Noto Sans) is left out."""
    try:
        parts = Path(path).resolve().relative_to(_SITE).parts
    except ValueError:
        return False
    return parts[0].startswith("fontpkg_") or parts[:2] == ("reportlab", "fonts")


def _unusable(path: str, exc: Exception) -> str:
    text = str(exc) or type(exc).__name__
    if "postscript outlines" in text.lower():
        return (
            f"the font {path} has PostScript (CFF) outlines, which cannot be embedded: use a .ttf"
        )
    return f"the font {path} is damaged ({text}): copy or download it again"


def _subset_once(face: Any) -> None:
    """Remember the font subsets made for earlier PDFs: ReportLab cuts the glyphs a PDF uses
    out of the font file, and compresses them, for every PDF, and a batch embeds the same few
    subsets each time."""
    from reportlab.pdfbase import pdfdoc

    make, add = face.makeSubset, face.addSubsetObjects
    made: dict[tuple[int, ...], bytes] = {}

    def make_subset(subset: list[int]) -> bytes:
        key = tuple(subset)
        if key not in made:
            if len(made) >= SUBSETS_KEPT:
                made.clear()
            made[key] = make(subset)
        return made[key]

    def add_subset_objects(doc: Any, name: str, subset: list[int]) -> Any:
        reference = add(doc, name, subset)
        stream = doc.idToObject.get(f"fontFile:{face.filename}({name})")
        if stream is not None and stream.filters == [pdfdoc.PDFZCompress]:
            stream.filters = [_FLATE_KEPT]
        return reference

    face.makeSubset, face.addSubsetObjects = make_subset, add_subset_objects


class _FlateKept:
    """ReportLab's Flate filter, remembering what it compressed (for font subsets)."""

    pdfname = "FlateDecode"

    def __init__(self) -> None:
        self.done: dict[bytes, bytes] = {}

    def encode(self, data: bytes) -> bytes:
        if data not in self.done:
            if len(self.done) >= SUBSETS_KEPT:
                self.done.clear()
            self.done[data] = zlib.compress(data)
        return self.done[data]


_FLATE_KEPT = _FlateKept()


def is_font_path(spec: str) -> bool:
    """Whether a theme's font value names a file (else it is a font-package family name)."""
    return (
        "/" in spec
        or "\\" in spec
        or spec.lower().endswith(FONT_FILE_SUFFIXES + _OTHER_FONT_SUFFIXES)
    )


def font_file(spec: str, slot: str) -> str:
    """A theme's font value -> a file path: a .ttf path, or a font-package family name."""
    if is_font_path(spec):
        if not spec.lower().endswith(FONT_FILE_SUFFIXES):
            raise WorkbookError(f"{spec}: only TrueType (.ttf) and OpenType (.otf) files work")
        if not Path(spec).is_file():
            problem = "is not a file" if Path(spec).exists() else "not found"
            raise WorkbookError(f"font file {problem}: {spec}")
        return spec
    weight, style = SLOTS[slot]
    try:
        chosen = fontpkg.select_file(_package(spec), weight, style, nearest=True)
    except fontpkg.FontpkgError as exc:
        raise WorkbookError(
            f"font '{spec}' is not installed: pip install fontpkg-{fontpkg.slugify(spec)} ({exc})"
        ) from None
    return str(chosen.path)


@cache
def _package(name: str) -> fontpkg.Family:
    """A font package's family, read from the package itself (`fontpkg_<name>`, as font
    packages are named) without fontpkg listing every installed distribution's entry points
    first (8 ms of a cold start); from fontpkg's registry when it is named otherwise."""
    slug = fontpkg.slugify(name)
    try:
        root = resources.files(f"fontpkg_{slug.replace('-', '_')}")
        meta = json.loads((root / "metadata.json").read_text(encoding="utf-8"))
        family = fontpkg.family_from_metadata(meta, root)
    except (ImportError, OSError, ValueError, TypeError, KeyError):
        family = None
    return family if family is not None and family.slug == slug else fontpkg.family(name)


def check_font(spec: str, slot: str) -> None:
    """Raise WorkbookError unless the font is found and can be embedded (it is registered)."""
    _register_file(font_file(spec, slot))


@dataclass(frozen=True)
class Family:
    """A registered font family: a ReportLab font name per slot, and the characters it covers."""

    regular: str
    bold: str
    italic: str
    bold_italic: str
    coverage: frozenset[int]

    @cached_property
    def chars(self) -> frozenset[str]:
        """The covered characters as strings, plus spaces and line breaks."""
        return frozenset(map(chr, self.coverage)) | frozenset(" \n\t\u00a0")


@cache
def register_family(fonts: tuple[tuple[str, str], ...]) -> Family:
    """Register the four slots of a family (idempotent) so <b> and <i> find their faces."""
    from reportlab.lib.fonts import addMapping

    spec = dict(fonts)
    specs = {slot: spec.get(slot) or spec["regular"] for slot in SLOTS}
    registered = {slot: _register_file(font_file(specs[slot], slot)) for slot in SLOTS}
    names = {slot: name for slot, (name, _) in registered.items()}
    # what the family covers: the regular face's characters (another's if it has none)
    coverage = next((cover for _, cover in registered.values() if cover), frozenset())
    if len(set(specs.values())) > 1 or is_font_path(specs["regular"]):
        # <b> and <i> are looked up from the regular face's name, once per process: a family
        # that is not one font package's own four faces registers its regular face under a
        # name of its own, so that no family changes another's bold or italic
        others = "/".join(names[slot] for slot in SLOTS if slot != "regular")
        alias = hashlib.sha1(others.encode()).hexdigest()[:6] + "-"
        names["regular"] = _register_file(font_file(specs["regular"], "regular"), alias)[0]
    family = Family(**names, coverage=coverage)
    with _REGISTRY:
        addMapping(family.regular, 0, 0, family.regular)
        addMapping(family.regular, 1, 0, family.bold)
        addMapping(family.regular, 0, 1, family.italic)
        addMapping(family.regular, 1, 1, family.bold_italic)
    return family


def family_from_file(path: Path) -> Family:
    return register_family((("regular", str(path)),))


def family_from_package(name: str) -> Family:
    return register_family(tuple((slot, name) for slot in SLOTS))


# Numbers people dial: digits with a plain zero, for fonts whose zero is slashed or dotted
# (Atkinson Hyperlegible's reads as 8 or Ø at small sizes). Noto Sans matches Atkinson's
# digits in size and weight, but its package holds one variable font, drawn at its default
# weight only; ReportLab's own Bitstream Vera Sans gives bold and italic digits.
NUMBER = re.compile(r"[+(]?[0-9](?:[0-9 \u00a0().\-\u2010-\u2013/]*[0-9])?\)?")
DIGIT_FACES = {"bold": "VeraBd.ttf", "italic": "VeraIt.ttf", "bold_italic": "VeraBI.ttf"}


@cache
def digits_family() -> Family:
    """Noto Sans under a name of its own (so that its bold is not Noto's fallback bold), with
    Vera's bold and italic faces; `coverage` is what every face can draw."""
    import reportlab
    from reportlab.lib.fonts import addMapping

    regular, coverage = _register_file(font_file(FALLBACK_FAMILY, "regular"), "digits-")
    names = {"regular": regular}
    for slot, file in DIGIT_FACES.items():
        path = Path(reportlab.__file__).parent / "fonts" / file
        names[slot], cover = _register_file(str(path)) if path.is_file() else (regular, coverage)
        coverage &= cover
    family = Family(**names, coverage=coverage)
    with _REGISTRY:
        for bold, italic, slot in ((0, 0, "regular"), (1, 0, "bold"), (0, 1, "italic"),
                                   (1, 1, "bold_italic")):  # fmt: skip
            addMapping(regular, bold, italic, names[slot])
    return family


@cache
def marked_zero(font_name: str) -> bool:
    """Whether a registered font's zero has a slash or a dot: more outlines than the two of a
    plain 0 (a zero made of other glyphs counts as plain)."""
    from reportlab.pdfbase import pdfmetrics

    face = pdfmetrics.getFont(font_name).face
    glyph = face.charToGlyph.get(ord("0"))
    if glyph is None or face.glyphPos[glyph + 1] == face.glyphPos[glyph]:
        return False
    face.seek(face.get_table_pos("glyf")[0] + face.glyphPos[glyph])
    return bool(face.read_short() > 2)


@dataclass
class FontSet:
    """The main family plus fallbacks; splits text into runs that each font can draw."""

    main: Family
    extra_folders: list[Path] = field(default_factory=list)
    missing: set[str] = field(default_factory=set)
    invisible: set[str] = field(default_factory=set)  # left out of drawn text (markup.py)
    _choice: dict[str, Family | None] = field(default_factory=dict)
    digits: Family | None = None  # the family for numbers people dial, when it is not main

    @cached_property
    def fallbacks(self) -> list[Family]:
        """Noto Sans, then the user's fonts; registered only once a character needs them."""
        families = [family_from_package(FALLBACK_FAMILY)]
        return families + [family_from_file(path) for path in extra_font_files(self.extra_folders)]

    def family_for(self, char: str) -> Family | None:
        """The first family that has a glyph for `char` (None if none does)."""
        if char in self._choice:
            return self._choice[char]
        code = ord(char)
        chosen: Family | None = self.main
        if code in self.main.coverage or unicodedata.category(char)[0] in "CZ":
            chosen = self.main
        else:
            chosen = next((f for f in self.fallbacks if code in f.coverage), None)
            if chosen is None:
                self.missing.add(char)
        self._choice[char] = chosen
        return chosen

    @cached_property
    def clear_digits(self) -> FontSet:
        """These fonts, drawing numbers (a phone number with its brackets, dashes and spaces)
        in `digits_family` when the main font's zero is slashed or dotted. Shares what this
        set notes (missing and invisible characters)."""
        if not marked_zero(self.main.regular):
            return self
        return replace(self, digits=digits_family())

    def runs(self, text: str) -> list[tuple[Family, str]]:
        """Split text into maximal runs drawable by one family (uncovered chars stay in main)."""
        if self.digits is None or not NUMBER.search(text):
            return self._runs(text)
        result: list[tuple[Family, str]] = []
        start = 0
        for number in NUMBER.finditer(text):
            result += self._runs(text[start : number.start()])
            run = number.group()
            covered = self.digits.chars.issuperset(run)
            result += [(self.digits, run)] if covered else self._runs(run)
            start = number.end()
        return result + self._runs(text[start:])

    def _runs(self, text: str) -> list[tuple[Family, str]]:
        if self.main.chars.issuperset(text):  # the common case, checked in C
            return [(self.main, text)] if text else []
        result: list[tuple[Family, str]] = []
        for char in text:
            family = self.family_for(char) or self.main
            if result and result[-1][0] is family:
                result[-1] = (family, result[-1][1] + char)
            else:
                result.append((family, char))
        return result


def extra_font_files(folders: list[Path]) -> list[Path]:
    """The .ttf/.otf files users dropped into `fonts/` folders, in a stable order."""
    files: list[Path] = []
    for folder in folders:
        if folder.is_dir():
            files += sorted(p for p in folder.iterdir() if p.suffix.lower() in {".ttf", ".otf"})
    return files


def font_set(theme_fonts: dict[str, str], extra_folders: list[Path]) -> FontSet:
    """The fonts for one build: the theme's family, then Noto Sans, then the user's extras."""
    return FontSet(register_family(tuple(sorted(theme_fonts.items()))), extra_folders)
