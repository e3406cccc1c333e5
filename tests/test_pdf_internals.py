"""The PDF renderer's guards around ReportLab's internals, checked on the files it writes.

The object-stream writer (pdf/file.py) must write every object ReportLab's own
`PDFDocument.format` would, and a smaller file. Drawing replay (layout/replay.py) must give
the same bytes as drawing, including for what it has to refuse: a paragraph with a link or
a fill-in field (they act on the document) and one that draws in a font its text does not
name (its character codes are unknown).
"""

from __future__ import annotations

import importlib
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from reportlab.lib.abag import ABag
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.pdfdoc import PDFDocument
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, KeepTogether, SimpleDocTemplate

from conftest import manifest, worksheet, write_yaml
from workbook.library import available, builtin_dir
from workbook.pdf import render
from workbook.pdf.layout import keep, replay
from workbook.pdf.layout.tags import TaggingCanvas
from workbook.pdf.layout.text import TaggedParagraph
from workbook.project import BuildOptions, load_project

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
render_module = importlib.import_module("workbook.pdf.render")  # `render` is also a function


def _build(manifest_path: Path, **overrides: Any) -> bytes:
    return render(load_project(BuildOptions(manifest=manifest_path, overrides=overrides))).pdf


@pytest.fixture(scope="module", params=[False, True], ids=["print", "fillable"])
def packed_and_plain(request: pytest.FixtureRequest) -> tuple[bytes, bytes]:
    """The partner example written by our writer, and by ReportLab's own `format`."""
    packed = _build(EXAMPLES / "partner.yaml", fillable=request.param)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(render_module, "write_packed", PDFDocument.format)
        plain = _build(EXAMPLES / "partner.yaml", fillable=request.param)
    return packed, plain


def _objects(pdf: pikepdf.Pdf) -> dict[tuple[int, int], Any]:
    return {obj.objgen: obj for obj in pdf.objects if obj.objgen != (0, 0)}


def _text(obj: Any) -> bytes:
    """An object as written: a stream's dictionary and its (compressed) data, or the object."""
    if isinstance(obj, pikepdf.Stream):
        return bytes(obj.stream_dict.unparse()) + obj.read_raw_bytes()
    return bytes(obj.unparse())


def test_the_packed_file_has_every_object_reportlab_writes(
    packed_and_plain: tuple[bytes, bytes],
) -> None:
    packed, plain = (pikepdf.open(io.BytesIO(pdf)) for pdf in packed_and_plain)
    ours, theirs = _objects(packed), _objects(plain)
    assert len(theirs) > 500  # pages, fonts, annotations, the structure tree
    assert theirs.keys() <= ours.keys()
    added = sorted(str(ours[key].get("/Type")) for key in ours.keys() - theirs.keys())
    assert added == ["/ObjStm", "/XRef"]  # the object stream and the cross-reference stream
    assert [key for key, obj in theirs.items() if _text(ours[key]) != _text(obj)] == []
    for key in ("/Root", "/Info", "/ID"):
        assert packed.trailer[key].unparse() == plain.trailer[key].unparse()


def test_the_packed_file_is_clearly_smaller(packed_and_plain: tuple[bytes, bytes]) -> None:
    packed, plain = packed_and_plain
    assert len(packed) < 0.9 * len(plain), (len(packed), len(plain))


def _without_and_with_replay(build: Callable[[], bytes], monkeypatch: pytest.MonkeyPatch,
                             before: Callable[[], bytes] | None = None) -> list[bytes]:  # fmt: skip
    """`build` with replay off, then (after `before`, or `build` itself, has recorded what
    it may) with replay on."""
    monkeypatch.setattr(replay, "enabled", False)
    drawn = build()
    monkeypatch.setattr(replay, "enabled", True)
    (before or build)()
    return [drawn, build()]


@pytest.mark.parametrize("fillable", [True, False], ids=["field", "print"])
def test_a_fill_in_blank_gives_the_same_bytes_with_replay(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fillable: bool
) -> None:
    """A fill-in sentence draws its field (or, in print, its underline) through a callback."""
    blocks = [{"type": "fill_in", "template": "I feel ___ when ___."}]
    write_yaml(tmp_path / "mine" / "mine.yaml", worksheet(blocks=blocks))
    data = manifest(worksheets=["mine"], worksheets_dirs=["mine"], fillable=fillable)
    path = write_yaml(tmp_path / "m.yaml", data)
    drawn, replayed = _without_and_with_replay(lambda: _build(path), monkeypatch)
    assert drawn == replayed
    with pikepdf.open(io.BytesIO(drawn)) as pdf:
        assert ("/AcroForm" in pdf.Root) == fillable  # the sentence's blanks are fields, or not


@pytest.fixture(scope="module")
def vera() -> str:
    """A TrueType font: its non-ASCII characters get codes in the order a document uses them."""
    pdfmetrics.registerFont(TTFont("ReplayVera", "Vera.ttf"))
    return "ReplayVera"


def _drawn(*paragraphs: tuple[str, ParagraphStyle]) -> bytes:
    buffer = io.BytesIO()
    story: list[Flowable] = [TaggedParagraph(text, style) for text, style in paragraphs]
    SimpleDocTemplate(buffer, invariant=1).build(story, canvasmaker=TaggingCanvas)
    return buffer.getvalue()


def _dotted(font: str) -> ParagraphStyle:
    """Leader dots after the text, in `font`: a font the paragraph's text does not use."""
    dots = ABag(text="\u00b7", fontName=font)  # a middle dot, not ASCII
    return ParagraphStyle("dotted", fontName="Helvetica", fontSize=10, endDots=dots)


@pytest.mark.parametrize("case", ["link", "font"])
def test_a_paragraph_replay_refuses_gives_the_same_bytes(
    vera: str, monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    """The same paragraph after others in two documents: a link must be made again in the
    second, and the dots' character has another code in the font's subset there."""
    body = ParagraphStyle("body", fontName=vera, fontSize=10)
    paragraph = {
        "link": ('See <a href="https://example.org/" color="blue">the site</a>', body),
        "font": ("Chapter one", _dotted(vera)),
    }[case]
    first = lambda: _drawn(("\u00e9t\u00e9", body), paragraph)  # noqa: E731
    second = lambda: _drawn(("\u00e0 \u00f4 \u00b7", body), paragraph)  # noqa: E731
    drawn, replayed = _without_and_with_replay(second, monkeypatch, before=first)
    assert drawn == replayed
    assert (b"/URI" in drawn) == (case == "link")


def test_a_kept_group_measures_as_reportlabs_keep_together(monkeypatch: pytest.MonkeyPatch) -> None:
    """Kept skips the copy of the frame ReportLab makes to measure a KeepTogether: the pages
    come out the same, byte for byte (every worksheet: tables, lists, writing blocks)."""
    every = sorted(available("en", [builtin_dir()]))
    kept = _build(EXAMPLES / "partner.yaml", worksheets=every)
    monkeypatch.setattr(keep, "Kept", KeepTogether)
    assert _build(EXAMPLES / "partner.yaml", worksheets=every) == kept


def test_page_breaks_draw_nothing() -> None:
    """No page has an empty drawing (`q`, a move, `Q`): a break between blocks (TailBreak,
    Room) used to leave one wherever it stood, some eighty per workbook."""
    with pikepdf.open(io.BytesIO(_build(EXAMPLES / "partner.yaml"))) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            ops = [str(op) for _, op in pikepdf.parse_content_stream(page)]
            empty = sum(ops[i : i + 3] == ["q", "cm", "Q"] for i in range(len(ops)))
            assert empty == 0, f"page {number}: {empty} empty drawings"


@pytest.mark.parametrize(
    "text", ["Type", "Font", "12 0 R", "0.5", "caf\u00e9", "\u2018\u2022\u2019", "x" * 65, ""]
)
def test_remembered_encodings_are_reportlabs(text: str) -> None:
    """pdf/file.py remembers ReportLab's encoding of short texts and names: the same bytes as
    its codec and its PDFName, for texts short and long, ASCII or not, and names to escape."""
    assert pdfdoc.pdfdocEnc(text) == text.encode("extpdfdoc")
    assert pdfdoc.pdfdocEnc(text) == pdfdoc.pdfdocEnc(text)  # a second time, remembered
    assert pdfdoc.pdfdocEnc(text.encode()) == text.encode()  # bytes pass through
    name = f"{text} #(x)"
    assert pdfdoc.PDFName(name) == pdfdoc.PDFName.__wrapped__(name)
