"""Stage 6, the PDF: the font of the fillable edition's text fields, embedded whole.

A viewer draws what a person types into a field (PDF.js in Firefox, PDFium in Chrome, poppler
in Evince, pypdf filling a form) in the one font the field's /DA names, found in the form's
/DR; it cannot switch fonts from character to character, and a font that is not embedded, or
is embedded as a subset, lacks what people type. So the field font is one TrueType font made
here: the theme's regular face and, for every character it lacks, the glyph body text falls
back to (Noto Sans, then the user's fonts), embedded whole as a Type0 font (Identity-H, one
glyph per character, CID = glyph id) whose ToUnicode map those viewers encode typed text with.
Hinting is left out: it cannot be shared between fonts.
"""

from __future__ import annotations

import struct
import unicodedata
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfdoc import PDFDictionary, PDFName, PDFStream
from reportlab.pdfbase.ttfonts import TTFontMaker

from ..fonts import FontSet
from .file import Packed
from .layout.recent import RecentCache

FONT_NAME = "WorkbookFields"  # its /BaseFont: made from several fonts, named for none of them
RESOURCE = "WbF"  # its name in the form's /DR and in every text field's /DA
MAX_ADDED = 3_000_000  # bytes of outlines one fallback font may add (a CJK font is left out)
MAX_GLYPHS = 65_535

_WORDS, _XY, _MORE, _INSTRUCTIONS = 0x1, 0x2, 0x20, 0x100  # composite glyph flags
_TRANSFORM_BYTES = ((0x8, 2), (0x40, 4), (0x80, 8))  # a scale, x and y scales, a 2x2 matrix
_SHORT_X, _SAME_X, _SHORT_Y, _SAME_Y = 0x02, 0x10, 0x04, 0x20  # simple glyph point flags


@dataclass
class _Glyphs:
    """The merged font as it is made: outlines, (advance, left side bearing), characters."""

    units: int  # per em: the main face's
    outlines: list[bytes] = field(default_factory=list)
    metrics: list[tuple[int, int]] = field(default_factory=list)
    chars: dict[int, int] = field(default_factory=dict)  # code point -> glyph id

    def add(self) -> int:
        self.outlines.append(b"")
        self.metrics.append((0, 0))
        return len(self.outlines) - 1


@dataclass(frozen=True)
class FieldFont:
    """The merged font, ready to embed: its program and ToUnicode map (both compressed), the
    width of every glyph in thousandths of an em, and the fonts it could not take in."""

    program: bytes
    length: int  # of the program, uncompressed
    to_unicode: bytes
    cids: dict[int, int]  # code point -> CID (the glyph id)
    widths: tuple[int, ...]
    descriptor: str  # the FontDescriptor's entries but the font file
    left_out: tuple[str, ...]

    def encode(self, text: str) -> bytes:
        """Text in this font's two-byte codes (for a Tj); characters it lacks are left out."""
        return b"".join(struct.pack(">H", self.cids[ord(c)]) for c in text if ord(c) in self.cids)

    def width(self, text: str, size: float) -> float:
        known = (self.widths[self.cids[ord(c)]] for c in text if ord(c) in self.cids)
        return sum(known) * size / 1000


_MADE: RecentCache[FieldFont] = RecentCache()


def field_font(fonts: FontSet) -> FieldFont:
    """The field font for a build's fonts: its main family, then the body text's fallbacks."""
    names = (fonts.main.regular, *(family.regular for family in fonts.fallbacks))
    made: FieldFont | None = _MADE.get(names)
    if made is None:
        made = _MADE[names] = _make([pdfmetrics.getFont(name).face for name in names])
    return made


def _make(faces: list[Any]) -> FieldFont:
    glyphs, left_out = _merge(faces)
    program = _program(glyphs, faces)
    widths = tuple(round(advance * 1000 / glyphs.units) for advance, _ in glyphs.metrics)
    return FieldFont(zlib.compress(program, 9), len(program),
                     zlib.compress(_to_unicode(glyphs.chars), 9), dict(glyphs.chars), widths,
                     _descriptor(faces[0], glyphs), tuple(left_out))  # fmt: skip


# -- merging glyphs ---------------------------------------------------------------------


def _merge(faces: list[Any]) -> tuple[_Glyphs, list[str]]:
    """The main face's characters, then each fallback's characters still missing."""
    glyphs, left_out = _Glyphs(faces[0].unitsPerEm), []
    for index, face in enumerate(faces):
        codes = [c for c in sorted(face.charToGlyph)
                 if c not in glyphs.chars and face.charToGlyph[c] and _typeable(c)]  # fmt: skip
        codes = codes[: MAX_GLYPHS // 2]  # room for the glyphs they are built from
        size = sum(_length(face, face.charToGlyph[c]) for c in codes)
        if index and (size > MAX_ADDED or len(glyphs.outlines) + 2 * len(codes) > MAX_GLYPHS):
            left_out.append(Path(face.filename).name)
            continue
        _take(glyphs, face, codes, notdef=not index)
    return glyphs, left_out


def _typeable(code: int) -> bool:
    return code >= 0x20 and unicodedata.category(chr(code)) not in ("Cc", "Cs", "Co", "Cn")


def _length(face: Any, glyph: int) -> int:
    return int(face.glyphPos[glyph + 1] - face.glyphPos[glyph])


def _outline(face: Any, glyph: int) -> bytes:
    start = face.get_table_pos("glyf")[0] + face.glyphPos[glyph]
    return bytes(face._ttf_data[start : start + _length(face, glyph)])


def _take(glyphs: _Glyphs, face: Any, codes: list[int], notdef: bool) -> None:
    """Copy the glyphs of `codes`, and the glyphs they are built from, out of `face`: each
    character its own glyph id, so that codes and characters map one to one."""
    scale = glyphs.units / face.unitsPerEm
    placed: dict[int, int] = {}  # glyph in face -> glyph id here
    queue: list[tuple[int, int]] = []

    def place(old: int, new: int | None = None) -> int:
        if new is None and old in placed:
            return placed[old]
        new = glyphs.add() if new is None else new
        placed.setdefault(old, new)
        queue.append((new, old))
        return new

    if notdef:
        place(0)
    for code in codes:
        glyphs.chars[code] = place(face.charToGlyph[code], glyphs.add())
    while queue:
        new, old = queue.pop()
        glyphs.outlines[new] = _rewrite(_outline(face, old), scale, place)
        advance, bearing = face.hmetrics[old]  # ReportLab reads the bearing unsigned
        bearing -= 0x10000 if bearing >= 0x8000 else 0
        glyphs.metrics[new] = (round(advance * scale), round(bearing * scale))


def _rewrite(raw: bytes, scale: float, place: Callable[[int], int]) -> bytes:
    """A glyph without hinting instructions or padding, in the merged font's units, its
    components renumbered."""
    if not raw:
        return raw
    contours = struct.unpack_from(">h", raw)[0]
    data = _composite(raw, scale, place) if contours < 0 else _simple_glyph(raw, contours, scale)
    return data + b"\0" * (-len(data) % 4)


def _composite(raw: bytes, scale: float, place: Callable[[int], int]) -> bytes:
    box = struct.unpack_from(">4h", raw, 2)
    parts = [struct.pack(">5h", -1, *(round(v * scale) for v in box))]
    at, more = 10, True
    while more:
        flags, glyph = struct.unpack_from(">HH", raw, at)
        size = 4 if flags & _WORDS else 2
        args, at = raw[at + 4 : at + 4 + size], at + 4 + size
        extra = next((n for bit, n in _TRANSFORM_BYTES if flags & bit), 0)
        transform, at, more = raw[at : at + extra], at + extra, bool(flags & _MORE)
        flags &= ~_INSTRUCTIONS
        if flags & _XY and scale != 1:
            dx, dy = struct.unpack(">hh" if size == 4 else ">bb", args)
            args, flags = struct.pack(">hh", round(dx * scale), round(dy * scale)), flags | _WORDS
        parts.append(struct.pack(">HH", flags, place(glyph)) + args + transform)
    return b"".join(parts)


def _simple_glyph(raw: bytes, contours: int, scale: float) -> bytes:
    """A simple glyph's points (scaled, for a fallback font with other units per em)."""
    ends = struct.unpack_from(f">{contours}H", raw, 10)
    count = ends[-1] + 1 if contours else 0
    start = 10 + 2 * contours
    at = begin = start + 2 + struct.unpack_from(">H", raw, start)[0]
    flags: list[int] = []
    while len(flags) < count:
        flag, at = raw[at], at + 1
        repeat = 0
        if flag & 8:
            repeat, at = raw[at], at + 1
        flags += [flag] * (1 + repeat)
    xs, at = _coordinates(raw, at, flags, _SHORT_X, _SAME_X)
    ys, at = _coordinates(raw, at, flags, _SHORT_Y, _SAME_Y)
    if scale == 1:  # the same bytes without the instructions
        return raw[:start] + b"\0\0" + raw[begin:at]
    return _simple(ends, [(f & 1, round(x * scale), round(y * scale))
                          for f, x, y in zip(flags, xs, ys, strict=True)])  # fmt: skip


def _coordinates(raw: bytes, at: int, flags: list[int], short: int, same: int
                 ) -> tuple[list[int], int]:  # fmt: skip
    value, values = 0, []
    for flag in flags:
        if flag & short:
            value, at = value + (raw[at] if flag & same else -raw[at]), at + 1
        elif not flag & same:
            value, at = value + struct.unpack_from(">h", raw, at)[0], at + 2
        values.append(value)
    return values, at


def _simple(ends: tuple[int, ...], points: list[tuple[int, int, int]]) -> bytes:
    flags, xs, ys = bytearray(), bytearray(), bytearray()
    last_x = last_y = 0
    for on_curve, x, y in points:
        flag = on_curve
        for delta, out, short, same in ((x - last_x, xs, _SHORT_X, _SAME_X),
                                        (y - last_y, ys, _SHORT_Y, _SAME_Y)):  # fmt: skip
            if delta == 0:
                flag |= same
            elif -255 <= delta <= 255:
                flag |= short | (same if delta > 0 else 0)
                out.append(abs(delta))
            else:
                out += struct.pack(">h", delta)
        flags.append(flag)
        last_x, last_y = x, y
    xs_, ys_ = [p[1] for p in points] or [0], [p[2] for p in points] or [0]
    box = (min(xs_), min(ys_), max(xs_), max(ys_))
    head = struct.pack(f">5h{len(ends)}HH", len(ends), *box, *ends, 0)
    return head + bytes(flags) + bytes(xs) + bytes(ys)


# -- the TrueType file ------------------------------------------------------------------


def _program(glyphs: _Glyphs, faces: list[Any]) -> bytes:
    main, maker = faces[0], TTFontMaker()
    offsets, at = [], 0
    for outline in glyphs.outlines:
        offsets.append(at)
        at += len(outline)
    maker.add("glyf", b"".join(glyphs.outlines))
    maker.add("loca", struct.pack(f">{len(offsets) + 1}I", *offsets, at))
    maker.add("hmtx", b"".join(struct.pack(">Hh", *m) for m in glyphs.metrics))
    box = _box(glyphs.outlines)
    maker.add("head", _head(main.get_table("head"), box))
    maker.add("hhea", _hhea(main.get_table("hhea"), glyphs))
    maker.add("maxp", _maxp([face.get_table("maxp") for face in faces], len(glyphs.outlines)))
    maker.add("OS/2", main.get_table("OS/2"))
    maker.add("post", struct.pack(">I", 0x30000) + main.get_table("post")[4:16] + bytes(16))
    maker.add("cmap", _cmap(glyphs.chars))
    maker.add("name", _names([_copyright(face) for face in faces]))
    return bytes(maker.makeStream())


def _box(outlines: list[bytes]) -> tuple[int, int, int, int]:
    boxes = [struct.unpack_from(">4h", o, 2) for o in outlines if o]
    return (min(b[0] for b in boxes), min(b[1] for b in boxes),
            max(b[2] for b in boxes), max(b[3] for b in boxes))  # fmt: skip


def _head(head: bytes, box: tuple[int, int, int, int]) -> bytes:
    return head[:36] + struct.pack(">4h", *box) + head[44:50] + struct.pack(">h", 1) + head[52:]


def _hhea(hhea: bytes, glyphs: _Glyphs) -> bytes:
    drawn = [(m, struct.unpack_from(">4h", o, 2)) for m, o in
             zip(glyphs.metrics, glyphs.outlines, strict=True) if o]  # fmt: skip
    widest = max(advance for advance, _ in glyphs.metrics)
    left = min(bearing for (_, bearing), _ in drawn)
    right = min(advance - bearing - (x1 - x0) for (advance, bearing), (x0, _, x1, _) in drawn)
    extent = max(bearing + x1 - x0 for (_, bearing), (x0, _, x1, _) in drawn)
    numbers = struct.pack(">Hhhh", widest, left, right, extent)
    return hhea[:10] + numbers + hhea[18:34] + struct.pack(">H", len(glyphs.metrics))


def _maxp(tables: list[bytes], count: int) -> bytes:
    limits = [struct.unpack_from(">13H", table, 6) for table in tables if len(table) >= 32]
    most = [max(values) for values in zip(*limits, strict=True)]
    return struct.pack(">IH13H", 0x10000, count, *most[:4], 1, *[0] * 6, *most[11:])


def _cmap(chars: dict[int, int]) -> bytes:
    """Format 4 for the basic plane (and format 12 if any character lies beyond it)."""
    runs = _runs(sorted(chars.items()), lambda *_: False)
    bmp = [r for r in runs if r[0] <= 0xFFFF] + [(0xFFFF, 0xFFFF, 0)]
    count = len(bmp)
    power = 1 << (count.bit_length() - 1)
    ends = [end for _, end, _ in bmp]
    starts = [start for start, _, _ in bmp]
    deltas = [(glyph - start) & 0xFFFF if start != 0xFFFF else 1 for start, _, glyph in bmp]
    four = struct.pack(f">7H{count}HH{count}H{count}H{count}H", 4, 16 + 8 * count, 0, 2 * count,
                       2 * power, power.bit_length() - 1, 2 * (count - power), *ends, 0,
                       *starts, *deltas, *[0] * count)  # fmt: skip
    subtables = [(1, four)]
    if runs[-1][1] > 0xFFFF:  # all characters, in format 12
        body = b"".join(struct.pack(">3I", *run) for run in runs)
        subtables.append((10, struct.pack(">HHIII", 12, 0, 16 + len(body), 0, len(runs)) + body))
    head, at = struct.pack(">HH", 0, len(subtables)), 4 + 8 * len(subtables)
    for encoding, table in subtables:
        head, at = head + struct.pack(">HHI", 3, encoding, at), at + len(table)
    return head + b"".join(table for _, table in subtables)


def _runs(pairs: list[tuple[int, int]], apart: Callable[[int, int], bool]
          ) -> list[tuple[int, int, int]]:  # fmt: skip
    """(first code, last code, first glyph) of each run of consecutive codes and glyphs."""
    runs: list[tuple[int, int, int]] = []
    for code, glyph in pairs:
        if runs and code == runs[-1][1] + 1 and glyph - code == runs[-1][2] - runs[-1][0] \
                and not apart(code, glyph):  # fmt: skip
            runs[-1] = (runs[-1][0], code, runs[-1][2])
        else:
            runs.append((code, code, glyph))
    return runs


def _copyright(face: Any) -> str:
    """The font's copyright notice (name 0, Windows Unicode), or its name."""
    table = face.get_table("name")
    count, strings = struct.unpack_from(">HH", table, 2)
    for i in range(count):
        platform, encoding, _, name, length, at = struct.unpack_from(">6H", table, 6 + 12 * i)
        if (platform, encoding, name) == (3, 1, 0):
            return str(table[strings + at : strings + at + length].decode("utf-16-be", "replace"))
    return Path(face.filename).stem


def _names(copyrights: list[str]) -> bytes:
    texts = {0: "; ".join(dict.fromkeys(copyrights)), 1: "Workbook Fields", 2: "Regular",
             3: FONT_NAME, 4: "Workbook Fields", 6: FONT_NAME}  # fmt: skip
    records, data = b"", b""
    for name, text in texts.items():
        value = text.encode("utf-16-be")[:0xFFF0]
        records += struct.pack(">6H", 3, 1, 0x409, name, len(value), len(data))
        data += value
    return struct.pack(">3H", 0, len(texts), 6 + len(records)) + records + data


# -- the PDF objects --------------------------------------------------------------------


def _to_unicode(chars: dict[int, int]) -> bytes:
    """The ToUnicode CMap: CID -> character, in ranges that stay within one low byte."""
    pairs = sorted((glyph, code) for code, glyph in chars.items())
    runs = _runs(pairs, lambda glyph, code: glyph % 256 == 0 or code % 256 == 0 or code > 0xFFFF)
    lines = [f"<{first:04X}> <{last:04X}> <{code:04X}>" if code <= 0xFFFF else
             f"<{first:04X}> <{chr(code).encode('utf-16-be').hex().upper()}>"
             for first, last, code in runs]  # fmt: skip
    body = []
    for start in range(0, len(lines), 100):
        group = lines[start : start + 100]
        ranges = [line for line in group if line.count("<") == 3]
        singles = [line for line in group if line.count("<") == 2]
        body += [f"{len(ranges)} beginbfrange", *ranges, "endbfrange"] if ranges else []
        body += [f"{len(singles)} beginbfchar", *singles, "endbfchar"] if singles else []
    return "\n".join([
        "/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        "/CMapName /Adobe-Identity-UCS def", "/CMapType 2 def",
        "1 begincodespacerange", "<0000> <FFFF>", "endcodespacerange", *body,
        "endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end", "",
    ]).encode("ascii")  # fmt: skip


def _descriptor(main: Any, glyphs: _Glyphs) -> str:
    scale = 1000 / glyphs.units
    box = " ".join(str(round(v * scale)) for v in _box(glyphs.outlines))
    flags = (main.flags & ~4) | 32  # nonsymbolic: every glyph is a Unicode character's
    return (f"/Type /FontDescriptor /FontName /{FONT_NAME} /Flags {flags} /FontBBox [{box}] "
            f"/ItalicAngle {main.italicAngle:g} /Ascent {main.ascent} /Descent {main.descent} "
            f"/CapHeight {main.capHeight} /StemV {main.stemV}")  # fmt: skip


def _widths(widths: tuple[int, ...]) -> str:
    return f"[0 [{' '.join(map(str, widths))}]]"


def add_font(doc: Any, font: FieldFont) -> str:
    """Add the font's objects to a ReportLab document; a reference to its Type0 font."""

    def ref(obj: Any) -> str:
        return str(doc.Reference(obj).format(doc).decode("ascii"))

    def packed(text: str) -> Packed:
        obj = Packed()
        obj.data = f"<< {text} >>".encode("ascii")
        return obj

    flate = PDFName("FlateDecode")
    program = PDFStream(PDFDictionary({"Filter": flate, "Length1": font.length}), font.program)
    to_unicode = PDFStream(PDFDictionary({"Filter": flate}), font.to_unicode)
    descriptor = packed(f"{font.descriptor} /FontFile2 {ref(program)}")
    cid_font = packed(
        f"/Type /Font /Subtype /CIDFontType2 /BaseFont /{FONT_NAME} /CIDSystemInfo << "
        f"/Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor "
        f"{ref(descriptor)} /DW {font.widths[0]} /W {_widths(font.widths)} /CIDToGIDMap /Identity"
    )
    return ref(packed(f"/Type /Font /Subtype /Type0 /BaseFont /{FONT_NAME} /Encoding /Identity-H "
                      f"/DescendantFonts [{ref(cid_font)}] /ToUnicode {ref(to_unicode)}"))  # fmt: skip
