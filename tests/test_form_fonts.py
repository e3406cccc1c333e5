"""Answers in any script: the fillable edition's text fields draw what people type in one
embedded font (the theme's regular face with the body text's fallback glyphs), whoever fills
them in: pypdf, PDF.js (Firefox's viewer, through Node), PDFium (Chrome's, through pypdfium2)
and qpdf. Read back with poppler's pdffonts and rendered by poppler, PDFium and PDF.js."""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import fontpkg
import pytest
from PIL import Image, ImageChops
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ContentStream, DictionaryObject

from conftest import manifest, tool, write_yaml
from test_answers import fill_pdfium  # as Chrome's viewer types and saves
from workbook.build import build
from workbook.document import build_document
from workbook.project import BuildOptions, load_project

PDFJS = Path(__file__).parent / "pdfjs"
DPI = 110
LATIN = {"i-statements.fill_in.1.blank1": "é ñ", "i-statements.lines.1.2": "Zoë Muñoz"}
VALUES = {
    **LATIN,  # Latin-1: all PDFium draws in the form's font
    "i-statements.fill_in.1.blank3": "Дмитрий",
    "i-statements.lines.1.1": "Nguyễn Thị Ánh",
    "i-statements.lines.1.3": "Ελένη – “O’Brien”",  # noqa: RUF001
    "i-statements.table.1.r6c1": "Дмитрий\nNguyễn",  # a cell: several lines, sized to fit
}


def node_script(name: str) -> list[str]:
    node = tool("node")
    if not (PDFJS / "node_modules" / "pdfjs-dist" / "legacy" / "build" / "pdf.mjs").is_file():
        if os.environ.get("CI"):
            pytest.fail("pdfjs-dist is not installed in tests/pdfjs; .ci/run installs it")
        pytest.skip("pdfjs-dist is not installed: run `npm ci` in tests/pdfjs")
    return [node, str(PDFJS / name)]


def workbook(folder: Path, **fields: Any) -> Path:
    data = manifest(worksheets=["i-statements", "objection-handling"], fillable=True, **fields)
    path = write_yaml(folder / "wb.yaml", data)
    return build(BuildOptions(manifest=path, output=folder / "wb.pdf", force=True)).path


@pytest.fixture(scope="module")
def blank(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return workbook(tmp_path_factory.mktemp("form-fonts"))


# -- what the file says -----------------------------------------------------------------


def pdffonts(path: Path) -> dict[str, bool]:
    """Every font poppler finds (pages and appearance streams): name -> embedded."""
    done = subprocess.run([tool("pdffonts"), path], capture_output=True, text=True, check=True)
    rows = done.stdout.splitlines()[2:]
    return {row.split()[0]: row.split()[-5] == "yes" for row in rows}


def assert_all_embedded(path: Path) -> None:
    fonts = pdffonts(path)
    assert fonts and all(fonts.values()), fonts


def widgets(path: Path) -> dict[str, tuple[int, list[float], DictionaryObject]]:
    """Text field name -> (page index, /Rect, widget dictionary)."""
    found = {}
    for index, page in enumerate(PdfReader(path).pages):
        for ref in page.get("/Annots", []):
            widget = ref.get_object()
            if widget.get("/FT") == "/Tx":
                found[str(widget["/T"])] = (index, [float(v) for v in widget["/Rect"]], widget)
    return found


def to_unicode(font: DictionaryObject) -> dict[bytes, str]:
    """A font's ToUnicode map: character code -> text."""
    cmap, codes = font["/ToUnicode"].get_object().get_data().decode("latin-1"), {}
    for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.S):
        for first, last, text in re.findall(r"<(\w+)>\s*<(\w+)>\s*<(\w+)>", block):
            for n in range(int(last, 16) - int(first, 16) + 1):
                code = (int(first, 16) + n).to_bytes(len(first) // 2, "big")
                codes[code] = chr(int(text, 16) + n)
    for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
        for code, text in re.findall(r"<(\w+)>\s*<(\w+)>", block):
            codes[bytes.fromhex(code)] = bytes.fromhex(text).decode("utf-16-be")
    return codes


def shown(widget: DictionaryObject) -> str:
    """The text a field's appearance draws, read through its font's ToUnicode map (a code the
    font does not have reads as U+FFFD)."""
    stream = widget["/AP"]["/N"].get_object()
    fonts = stream["/Resources"]["/Font"]
    text, codes = [], {}
    for operands, operator in ContentStream(stream, None).operations:
        if operator == b"Tf":
            codes = to_unicode(fonts[operands[0]].get_object())
        strings = operands[0] if operator == b"TJ" else operands if operator == b"Tj" else []
        for string in strings:
            if isinstance(string, (str, bytes)):
                raw = string.original_bytes if isinstance(string, str) else bytes(string)
                text += [codes.get(raw[i : i + 2], "\ufffd") for i in range(0, len(raw), 2)]
        if operator == b"T*" or (operator == b"Td" and text and text[-1] != "\n"):
            text.append("\n")
    return "".join(text).strip("\n")


# -- how it looks -----------------------------------------------------------------------


def poppler(path: Path, page: int) -> Image.Image:
    out = path.with_name(f"{path.stem}-poppler-{page}")
    subprocess.run([tool("pdftoppm"), "-r", str(DPI), "-f", str(page + 1), "-l", str(page + 1),
                    "-png", "-singlefile", path, out], check=True)  # fmt: skip
    return Image.open(out.with_suffix(".png")).convert("L")


def pdfium(path: Path, page: int) -> Image.Image:
    import pypdfium2

    doc = pypdfium2.PdfDocument(path)
    doc.init_forms()
    image = doc[page].render(scale=DPI / 72, may_draw_forms=True).to_pil().convert("L")
    doc.close()
    return image


def pdfjs(path: Path, page: int) -> Image.Image:
    out = path.with_name(f"{path.stem}-pdfjs-{page}.png")
    done = subprocess.run([*node_script("render.mjs"), path, str(page + 1), out, str(DPI / 72)],
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    return Image.open(out).convert("L")


RENDERERS: dict[str, Callable[[Path, int], Image.Image]] = {
    "poppler": poppler, "pdfium": pdfium, "pdfjs": pdfjs,
}  # fmt: skip


def inked(filled: Path, blank: Path, renderer: str, names: list[str]) -> dict[str, int]:
    """For each field, how many of its pixels the filled file draws darker than the blank one
    (the same renderer, so lines and borders the page draws cancel out)."""
    render, places = RENDERERS[renderer], widgets(filled)
    images: dict[tuple[Path, int], Image.Image] = {}
    counts = {}
    for name in names:
        page, (x0, y0, x1, y1), _ = places[name]
        height = float(PdfReader(filled).pages[page].mediabox.height)
        box = [round(v * DPI / 72) for v in (x0, height - y1, x1, height - y0)]
        before, after = (images.setdefault((p, page), render(p, page)).crop(box)
                         for p in (blank, filled))  # fmt: skip
        darker = ImageChops.subtract(before, after)  # where the filled one is darker
        counts[name] = sum(darker.histogram()[81:])
    return counts


def assert_inked(filled: Path, blank: Path, renderer: str, values: dict[str, str]) -> None:
    counts = inked(filled, blank, renderer, list(values))
    assert all(count > 20 for count in counts.values()), counts


# -- fillers ----------------------------------------------------------------------------


def fill_pypdf(source: Path, target: Path, values: dict[str, str], regenerate: bool) -> Path:
    writer = PdfWriter(clone_from=source)
    writer.update_page_form_field_values(None, values, auto_regenerate=regenerate)
    writer.write(target)
    return target


def fill_pdfjs(source: Path, target: Path, values: dict[str, str]) -> Path:
    """As Firefox's viewer does: values into annotationStorage, then saveDocument()."""
    spec = target.with_suffix(".json")
    spec.write_text(json.dumps(values), encoding="utf-8")
    done = subprocess.run([*node_script("fill.mjs"), source, target, spec], capture_output=True,
                          text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    return target


def qpdf(source: Path, target: Path) -> Path:
    done = subprocess.run([tool("qpdf"), "--generate-appearances", source, target],
                          capture_output=True, text=True)  # fmt: skip
    assert done.returncode in (0, 3), done.stderr  # 3: warnings only
    return target


# -- the blank form ---------------------------------------------------------------------


def test_the_form_font_is_embedded_whole_and_has_every_character(blank: Path) -> None:
    form = PdfReader(blank).trailer["/Root"]["/AcroForm"]
    name = str(form["/DA"]).split()[0]
    font = form["/DR"]["/Font"][name].get_object()
    cid_font = font["/DescendantFonts"][0].get_object()
    assert (font["/Subtype"], font["/Encoding"], cid_font["/Subtype"]) == (
        "/Type0",
        "/Identity-H",
        "/CIDFontType2",
    )
    assert "+" not in font["/BaseFont"]  # no subset: people type what the workbook never used
    assert "/FontFile2" in cid_font["/FontDescriptor"]
    typeable = set(to_unicode(font).values())
    assert set("".join(VALUES.values())) - {"\n"} <= typeable
    assert set("ÀÿĀſΑωАяẠỹ–—‘’“”€") <= typeable  # noqa: RUF001 (Latin, Greek, Cyrillic, Vietnamese)
    assert_all_embedded(blank)
    assert b"Helvetica" not in blank.read_bytes()


def test_every_text_field_uses_it_and_keeps_its_name_spoken_name_and_flags(blank: Path) -> None:
    document = build_document(load_project(BuildOptions(manifest=blank.with_suffix(".yaml"))))
    spoken = {f.name: f.spoken for f in document.fields}
    form = PdfReader(blank).trailer["/Root"]["/AcroForm"]
    appearances = set()
    for name, (_, rect, widget) in widgets(blank).items():
        assert str(widget["/TU"]) == spoken[name]
        assert str(widget["/DA"]).split()[0] == str(form["/DA"]).split()[0]
        assert rect[2] > rect[0] and rect[3] > rect[1] and widget["/F"] == 4  # printed
        multiline = bool(widget["/Ff"] & 4096)
        assert multiline == (".table." in name), name  # a table cell has room for lines
        appearance = widget["/AP"].raw_get("/N")
        assert b"Tj" not in appearance.get_object().get_data()  # empty: draws nothing
        appearances.add(appearance.idnum)  # its own: pypdf writes a value into it
    assert len(appearances) == len(widgets(blank))


def test_empty_fields_draw_nothing(blank: Path) -> None:
    places = widgets(blank)
    for page in sorted({page for page, _, _ in places.values()}):
        out = blank.with_name(f"hidden-{page}")
        subprocess.run([tool("pdftoppm"), "-r", str(DPI), "-f", str(page + 1), "-l",
                        str(page + 1), "-png", "-singlefile", "-hide-annotations", blank, out],
                       check=True)  # fmt: skip
        hidden, shown_ = Image.open(out.with_suffix(".png")).convert("L"), poppler(blank, page)
        height = float(PdfReader(blank).pages[page].mediabox.height)
        for _, (x0, y0, x1, y1), _ in (v for v in places.values() if v[0] == page):
            box = [round(v * DPI / 72) for v in (x0, height - y1, x1, height - y0)]
            assert not ImageChops.difference(hidden.crop(box), shown_.crop(box)).getbbox()


# -- filled in --------------------------------------------------------------------------


@pytest.mark.parametrize("renderer", RENDERERS)
def test_filled_by_pypdf(blank: Path, tmp_path: Path, renderer: str) -> None:
    """pypdf draws the values in the form's font; every viewer shows them."""
    filled = fill_pypdf(blank, tmp_path / "pypdf.pdf", VALUES, regenerate=False)
    assert_all_embedded(filled)
    assert {name: shown(widgets(filled)[name][2]) for name in VALUES} == VALUES
    assert_inked(filled, blank, renderer, VALUES)


@pytest.mark.parametrize("renderer", RENDERERS)
def test_filled_and_saved_by_pdfjs(blank: Path, tmp_path: Path, renderer: str) -> None:
    filled = fill_pdfjs(blank, tmp_path / "pdfjs.pdf", VALUES)
    assert_all_embedded(filled)
    assert "/NeedAppearances" not in PdfReader(filled).trailer["/Root"]["/AcroForm"]
    assert {name: shown(widgets(filled)[name][2]) for name in VALUES} == VALUES
    assert_inked(filled, blank, renderer, VALUES)


@pytest.mark.parametrize("renderer", ["poppler", "pdfjs"])
def test_regenerated_by_the_viewer(blank: Path, tmp_path: Path, renderer: str) -> None:
    """pypdf asks viewers to draw the fields again (/NeedAppearances): poppler and PDF.js
    draw them from /DA and /DR, in the form's font."""
    filled = fill_pypdf(blank, tmp_path / "regen.pdf", VALUES, regenerate=True)
    assert PdfReader(filled).trailer["/Root"]["/AcroForm"]["/NeedAppearances"]
    assert_all_embedded(filled)
    assert_inked(filled, blank, renderer, VALUES)


def test_regenerated_by_pdfium_latin(blank: Path, tmp_path: Path) -> None:
    filled = fill_pypdf(blank, tmp_path / "regen.pdf", VALUES, regenerate=True)
    assert_inked(filled, blank, "pdfium", LATIN)


def test_typed_into_pdfium_latin(blank: Path, tmp_path: Path) -> None:
    """Chrome's viewer draws typed Latin text in the form's font, and saves no other font."""
    filled = fill_pdfium(blank, tmp_path / "chrome.pdf", LATIN)
    assert_all_embedded(filled)
    assert {name: shown(widgets(filled)[name][2]) for name in LATIN} == LATIN
    assert_inked(filled, blank, "poppler", LATIN)


@pytest.mark.xfail(strict=True, reason="PDFium picks a font by the character's Windows "
                   "charset: only ANSI (Latin-1) text uses the form's font; Cyrillic, Greek, "
                   "Vietnamese, even curly quotes go to a system font it adds to the file, "
                   "not embedded")  # fmt: skip
def test_typed_into_pdfium_other_scripts(blank: Path, tmp_path: Path) -> None:
    other = {k: v for k, v in VALUES.items() if k not in LATIN}
    assert_all_embedded(fill_pdfium(blank, tmp_path / "chrome.pdf", other))


def test_qpdf_leaves_a_filled_form_alone(blank: Path, tmp_path: Path) -> None:
    """qpdf draws appearances only when a form asks for them (/NeedAppearances)."""
    filled = qpdf(fill_pypdf(blank, tmp_path / "f.pdf", VALUES, False), tmp_path / "q.pdf")
    assert_all_embedded(filled)
    assert {name: shown(widgets(filled)[name][2]) for name in VALUES} == VALUES
    assert_inked(filled, blank, "pdfium", VALUES)


def test_qpdf_regenerating_keeps_fonts_embedded(blank: Path, tmp_path: Path) -> None:
    filled = qpdf(fill_pypdf(blank, tmp_path / "f.pdf", VALUES, True), tmp_path / "q.pdf")
    assert_all_embedded(filled)


@pytest.mark.xfail(strict=True, reason="qpdf writes one byte a character (ASCII, or "
                   "WinAnsi for a simple font), never a Type0 font's two-byte codes")  # fmt: skip
def test_qpdf_regenerating_shows_the_text(blank: Path, tmp_path: Path) -> None:
    filled = qpdf(fill_pypdf(blank, tmp_path / "f.pdf", LATIN, True), tmp_path / "q.pdf")
    assert {name: shown(widgets(filled)[name][2]) for name in LATIN} == LATIN


# -- fallback fonts ---------------------------------------------------------------------


def test_a_users_font_for_another_script_is_in_the_form_font(tmp_path: Path) -> None:
    """The body text's fallbacks include the fonts users drop into fonts/: so do fields."""
    (tmp_path / "fonts").mkdir()
    (tmp_path / "fonts" / "Thai.ttf").write_bytes(Path(fontpkg.path("Noto Sans Thai")).read_bytes())
    path = workbook(tmp_path)
    thai = {"i-statements.lines.1.1": "\u0e2a\u0e21\u0e0a\u0e32\u0e22"}
    filled = fill_pdfjs(path, tmp_path / "thai.pdf", thai)
    assert_all_embedded(filled)
    assert shown(widgets(filled)["i-statements.lines.1.1"][2]) == thai["i-statements.lines.1.1"]
    assert_inked(filled, path, "poppler", thai)


def test_a_font_too_big_to_embed_whole_is_left_out_with_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fallback font whose glyphs would make every fillable workbook megabytes bigger (a
    CJK font) stays out of the form's font, and the build says so."""
    import workbook.pdf.form_fonts

    monkeypatch.setattr(workbook.pdf.form_fonts, "MAX_ADDED", 1000)  # Thai stands in for CJK
    (tmp_path / "fonts").mkdir()
    thai = Path(fontpkg.path("Noto Sans Thai")).read_bytes() + b"another copy"
    (tmp_path / "fonts" / "Thai.ttf").write_bytes(thai)
    write_yaml(tmp_path / "noto.yaml", {"fonts": {"regular": "Noto Sans"}})  # Noto adds nothing
    data = manifest(worksheets=["i-statements"], fillable=True, theme="noto.yaml")
    path = write_yaml(tmp_path / "wb.yaml", data)
    result = build(BuildOptions(manifest=path, output=tmp_path / "wb.pdf"))
    [warning] = [str(w) for w in result.warnings]
    assert "fillable edition's fields leave out the characters of the font Thai.ttf" in warning
    form = PdfReader(result.path).trailer["/Root"]["/AcroForm"]
    font = form["/DR"]["/Font"][str(form["/DA"]).split()[0]].get_object()
    assert "\u0e2a" not in set(to_unicode(font).values())
    assert "Д" in set(to_unicode(font).values())


def test_a_theme_font_with_other_units_per_em(tmp_path: Path) -> None:
    """A theme font drawn on a grid of 2048 units per em (Vera), without Cyrillic or
    Vietnamese: the fallback glyphs (Noto Sans, 1000) are scaled to it."""
    import reportlab

    vera = Path(reportlab.__file__).parent / "fonts" / "Vera.ttf"
    (tmp_path / "Vera.ttf").write_bytes(vera.read_bytes())
    write_yaml(tmp_path / "vera.yaml", {"fonts": {"regular": "Vera.ttf"}})
    path = workbook(tmp_path, theme="vera.yaml")
    filled = fill_pdfjs(path, tmp_path / "vera-filled.pdf", VALUES)
    assert_all_embedded(filled)
    assert {name: shown(widgets(filled)[name][2]) for name in VALUES} == VALUES
    assert_inked(filled, path, "poppler", VALUES)


def test_a_value_a_field_starts_with_is_drawn_in_the_form_font(tmp_path: Path) -> None:
    """A field made with a value (a pre-filled answer) shows it in the form's font: one line
    at the field's size, or several lines fitted to a multiline field."""
    from reportlab.lib.colors import black, transparent
    from reportlab.pdfgen.canvas import Canvas

    from workbook.fonts import font_set
    from workbook.pdf.layout.forms import form_of, with_form_fonts

    path, fonts = tmp_path / "prefilled.pdf", font_set({"regular": "Atkinson Hyperlegible"}, [])
    canv = with_form_fonts(Canvas, fonts, [])(str(path), initialFontName=fonts.main.regular)
    values = {"one": "Дмитрий Nguyễn", "many": "Ελένη\n" + "é ñ " * 30}
    for (name, value), (y, height), size in zip(values.items(), ((700, 20), (500, 60)), (11, 0),
                                                strict=True):  # fmt: skip
        form_of(canv).textfield(name=name, value=value, x=50, y=y, width=200, height=height,
                                fontSize=size, textColor=black, borderWidth=0,
                                fillColor=transparent, fieldFlags="" if size else "multiline")  # fmt: skip
    canv.showPage()
    canv.save()
    assert_all_embedded(path)
    drawn = {name: shown(widget) for name, (_, _, widget) in widgets(path).items()}
    assert drawn["one"] == values["one"]
    assert drawn["many"].startswith("Ελένη\né ñ é ñ") and drawn["many"].count("\n") >= 3
    assert {str(w["/V"]) for _, _, w in widgets(path).values()} == set(values.values())
