"""Stage 6, the PDF file: ReportLab's objects in order, with the structure tree's many small
objects packed into one compressed object stream, and a cross-reference stream (PDF 1.5).

A tagged workbook has a structure element for every paragraph, list item and table cell:
written one by one they would double the file and its writing time. This replaces only
ReportLab's last step, `PDFDocument.format`, and formats every other object as it would.
"""

from __future__ import annotations

import struct
import zlib
from functools import lru_cache
from typing import Any

from reportlab.pdfbase import pdfdoc
from reportlab.pdfbase.pdfdoc import PDFFile, PDFIndirectObject, PDFObject

PDF_VERSION = (1, 5)  # object and cross-reference streams
SHORT = 64  # characters: names, numbers and references, which a file repeats many times


@lru_cache(maxsize=4096)
def _encoded(text: str) -> bytes:
    return text.encode("extpdfdoc")


def _pdfdoc_encoded(text: Any) -> Any:
    """ReportLab's `pdfdocEnc`, remembering short texts: encoding through its codec is most of
    the cost of writing a name, a number or a reference, and a workbook writes thousands."""
    if isinstance(text, str):
        return _encoded(text) if len(text) <= SHORT else text.encode("extpdfdoc")
    return text


_reportlab_name = pdfdoc.PDFName
_remembered_name = lru_cache(maxsize=4096)(_reportlab_name)


def _pdf_name(data: str, lo: str = chr(0x21), hi: str = chr(0x7E)) -> str:
    """ReportLab's `PDFName` (a name, escaped), remembering short ones as `pdfdocEnc` does."""
    return (_remembered_name if len(data) <= SHORT else _reportlab_name)(data, lo, hi)  # type: ignore[no-any-return]


_pdf_name.__wrapped__ = _reportlab_name  # type: ignore[attr-defined]
pdfdoc.pdfdocEnc = _pdfdoc_encoded
pdfdoc.PDFName = _pdf_name


class Flate:
    """ReportLab's Flate filter for page and form streams, at zlib's level 3 rather than its
    default 6: a third less time, for compressed streams about 1.5% bigger (whole files about
    0.6%, over the 104 built-in workbooks). Any level reads the same."""

    pdfname = "FlateDecode"

    def encode(self, data: str | bytes) -> bytes:
        return zlib.compress(data.encode("utf-8") if isinstance(data, str) else data, 3)

    def decode(self, encoded: bytes) -> bytes:
        return zlib.decompress(encoded)


FLATE = Flate()


class Packed(PDFObject):  # type: ignore[misc]
    """A small object (no stream) whose text is written beforehand, for the object stream."""

    __RefOnly__ = 1

    def __init__(self) -> None:
        self.data = b""

    def format(self, document: Any) -> bytes:
        return self.data


def write_packed(doc: Any) -> bytes:
    """The whole file, like `doc.format()`, with the Packed objects in one object stream."""
    doc.Reference(doc.Catalog)
    doc.Reference(doc.info)
    out = doc.__accum__ = PDFFile(max(doc._pdfVersion, PDF_VERSION))
    offsets: dict[int, int] = {}
    packed: list[tuple[int, bytes]] = []
    number = 0
    while (number := number + 1) in doc.numberToId:  # formatting may register more objects
        name = doc.numberToId[number]
        obj = doc.idToObject[name]
        if isinstance(obj, Packed):
            packed.append((number, obj.data))
        else:
            offsets[number] = out.add(PDFIndirectObject(name, obj).format(doc))
    del doc.__accum__
    stream_number, xref_number = number, number + 1
    offsets[stream_number] = out.add(_object_stream(stream_number, packed))
    places = {n: (2, stream_number, i) for i, (n, _) in enumerate(packed)}
    places.update({n: (1, offset, 0) for n, offset in offsets.items()})
    places[xref_number] = (1, out.offset, 0)
    rows = [struct.pack(">BIH", 0, 0, 65535)]  # object 0, the head of the free list
    rows += [struct.pack(">BIH", *places[n]) for n in range(1, xref_number + 1)]
    table = zlib.compress(b"".join(rows))
    ids = doc.ID().split(b"]")[0].strip() + b"]"  # ReportLab adds a comment after it
    root, info = (doc.Reference(x).format(doc) for x in (doc.Catalog, doc.info))
    head = (b"<< /Type /XRef /Size %d /W [1 4 2] /Root %s /Info %s /ID %s "
            b"/Filter /FlateDecode /Length %d >>") % (xref_number + 1, root, info, ids, len(table))  # fmt: skip
    start = out.offset
    out.add(b"%d 0 obj\n%s\nstream\n%s\nendstream\nendobj\n" % (xref_number, head, table))
    out.add(b"startxref\n%d\n%%%%EOF\n" % start)
    return bytes(out.format(doc))


def _object_stream(number: int, objects: list[tuple[int, bytes]]) -> bytes:
    index, body, at = [], [], 0
    for n, data in objects:
        index.append(b"%d %d" % (n, at))
        body.append(data)
        at += len(data) + 1
    first = b" ".join(index) + b"\n"
    data = zlib.compress(first + b"\n".join(body), 1)
    head = b"<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>" % (
        len(objects), len(first), len(data))  # fmt: skip
    return b"%d 0 obj\n%s\nstream\n%s\nendstream\nendobj\n" % (number, head, data)
