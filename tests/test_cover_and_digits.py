"""The cover stays one page with full branding, and numbers people dial read right: the
cover's contact, the footer's and the crisis page's numbers are drawn with a plain zero."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pikepdf
import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageDraw
from pypdf import PdfReader

from conftest import manifest, write_yaml
from workbook.build import build
from workbook.errors import WorkbookError
from workbook.locale import strings
from workbook.project import BuildOptions

PRACTICE = "Harbor Counseling and Family Therapy Associates of the Greater Bay Area"
CONTACT = "(555) 010-0100, jordan@example.org"
URL = "https://example.org/book/with/a/longer/path?id=12345"
TITLE = {"en": "Opening the door: a workbook for the conversation you keep putting off",
         "es": "Abriendo la puerta: un cuaderno para la conversación que sigues posponiendo"}  # fmt: skip
LOGOS = {"wide": (900, 300), "tall": (300, 900), "square": (400, 400)}


def logo(folder: Path, shape: str) -> str:
    image = Image.new("RGB", LOGOS[shape], "#2F7A8C")
    ImageDraw.Draw(image).ellipse((20, 20, 280, 280), fill="white")
    image.save(folder / f"{shape}.png")
    return f"{shape}.png"


def branded(folder: Path, shape: str | None = "square", **fields: Any) -> dict[str, Any]:
    """A manifest with every prepared_by detail, a long practice name and a long title."""
    prepared = {"name": "Jordan Lee, LPC", "practice": PRACTICE, "contact": CONTACT, "url": URL}
    if shape:
        prepared["logo"] = logo(folder, shape)
    fields.setdefault("language", "en")
    data = manifest(title=TITLE[fields["language"]], worksheets=["i-statements"],
                    recipient={"name": "Samantha Alexandra Rivera-Gonzalez"},
                    prepared_by=prepared, edition="facilitator")  # fmt: skip
    data.update(fields)
    return data


def make(folder: Path, data: dict[str, Any], name: str = "wb") -> Path:
    path = write_yaml(folder / f"{name}.yaml", data)
    result = build(BuildOptions(manifest=path, output=folder / f"{name}.pdf", force=True))
    assert result.path is not None
    return result.path


def figure_pages(path: Path) -> dict[str, set[int]]:
    """The pages (1-based) each Figure's content is drawn on, by its alternative text."""
    pdf = pikepdf.open(path)
    number = {page.objgen: n for n, page in enumerate(pdf.pages, start=1)}
    found: dict[str, set[int]] = {}

    def visit(element: Any) -> None:
        kids = element.get("/K")
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
            if not isinstance(kid, pikepdf.Dictionary):
                if isinstance(kid, int) and str(element.get("/S")) == "/Figure":
                    alt = str(element.Alt)
                    found.setdefault(alt, set()).add(number[element.Pg.objgen])
                continue
            if kid.get("/Type") == "/MCR" and str(element.get("/S")) == "/Figure":
                found.setdefault(str(element.Alt), set()).add(number[kid.Pg.objgen])
            elif "/S" in kid:
                visit(kid)

    visit(pdf.Root.StructTreeRoot)
    return found


# 1. one cover page


@pytest.mark.parametrize("shape", sorted(LOGOS))
@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("page_size", ["a4", "letter"])
@pytest.mark.parametrize("theme", ["default", "large-print", "ink-saver"])
def test_the_cover_is_one_page_with_full_branding(
    tmp_path: Path, theme: str, page_size: str, language: str, shape: str
) -> None:
    data = branded(tmp_path, shape, theme=theme, page_size=page_size, language=language)
    path = make(tmp_path, data)
    reader = PdfReader(path)
    cover, second = (" ".join(reader.pages[n].extract_text().split()) for n in (0, 1))
    for text in ("Jordan Lee, LPC", "(555) 010-0100", URL, PRACTICE, TITLE[language]):
        assert text in cover, f"{text!r} is not on the cover"
    assert strings(language)["how_to_title"] in second  # page 2 is the how-to page
    assert "Jordan Lee, LPC" not in second and URL not in second  # no branding there
    assert len(reader.pages[0].images) == 1 and not reader.pages[1].images
    figures = figure_pages(path)
    [qr] = [a for a in figures if a.endswith(URL)]
    assert figures[qr] == {1} and qr.startswith(("QR code", "Código QR"))  # what it is
    [alt] = [a for a in figures if a != qr]
    assert alt.endswith(PRACTICE) and figures[alt] == {1}  # the logo


@pytest.mark.parametrize("page_size", ["a4", "letter"])
def test_a_28pt_theme_keeps_a_tall_logo_and_the_qr_code_on_the_cover(
    tmp_path: Path, page_size: str
) -> None:
    """Where the logo above the text leaves no room, it goes beside the text (it used to
    leave the logo, the names and the QR code alone on a second cover page)."""
    write_yaml(tmp_path / "t.yaml", {"extends": "large-print", "base_size": 28})
    data = branded(tmp_path, "tall", theme="t.yaml", page_size=page_size, language="es")
    data["prepared_by"]["practice"] = "Harbor Counseling and Family Therapy"
    data.update(title="Abriendo la puerta", edition="client", recipient={"name": "Sam Rivera"})
    path = make(tmp_path, data)
    reader = PdfReader(path)
    assert "Cómo usar este" in reader.pages[1].extract_text()
    assert len(reader.pages[0].images) == 1
    assert set().union(*figure_pages(path).values()) == {1}


def test_a_cover_that_fits_no_page_is_a_clear_error_not_a_second_page(tmp_path: Path) -> None:
    theme = {"base_size": 28, "leading": 1.98, "spacing": "0.5in", "box_size": "0.5in"}
    write_yaml(tmp_path / "t.yaml", theme)
    with pytest.raises(WorkbookError, match="the cover does not fit on a page with theme"):
        make(tmp_path, branded(tmp_path, "wide", theme="t.yaml", page_size="letter"))


# 2. numbers people dial


def fonts_of_numbers(page: Any) -> dict[str, set[str]]:
    """Each run of drawn text that holds a digit -> the fonts it is drawn in."""
    found: dict[str, set[str]] = {}

    def visit(text: str, cm: Any, tm: Any, font: Any, size: Any) -> None:
        if font is not None and any(c.isdigit() for c in text):
            found.setdefault(text.strip(), set()).add(str(font["/BaseFont"]).split("+")[-1])

    page.extract_text(visitor_text=visit)
    return found


def test_contact_and_crisis_numbers_are_drawn_with_a_plain_zero(tmp_path: Path) -> None:
    lines = [{"name": "Línea 024", "contact": "Call 0800 111 0 111", "note": "Open 24 hours."}]
    path = make(tmp_path, branded(tmp_path, None, crisis_lines=lines))
    reader = PdfReader(path)
    cover, middle, last = (fonts_of_numbers(reader.pages[n]) for n in (0, 1, -1))
    assert cover["(555) 010-0100"] == {"NotoSans-Regular"}  # the cover's contact line
    assert cover["November 22, 2026"] == {"AtkinsonHyperlegible-Regular"}  # not a number to dial
    assert middle["(555) 010-0100"] == {"NotoSans-Regular"}  # the footer's
    [page_of] = [text for text in middle if text.startswith("Page 2 of")]
    assert middle[page_of] == {"AtkinsonHyperlegible-Regular"}
    assert last["0800 111 0 111"] == {"NotoSans-Regular"}  # the manifest's crisis line
    assert last["024"] == {"BitstreamVeraSans-Bold"}  # in its bold name: bold digits
    assert last["24"] == {"NotoSans-Regular"}
    text = reader.pages[-1].extract_text()
    for line in ("Línea 024 — Call 0800 111 0 111", "Open 24 hours.", "(555) 010-0100"):
        assert line in text  # the same characters as typed
    for page in reader.pages:
        assert "Ø" not in page.extract_text()


@pytest.mark.parametrize(("region", "language", "number"), [("US", "en", "911"),
                         ("AU", "es", "000"), ("GB", "en", "999")])  # fmt: skip
def test_the_emergency_number_is_bold_with_a_plain_zero(
    tmp_path: Path, region: str, language: str, number: str
) -> None:
    path = make(tmp_path, manifest(worksheets=["i-statements"], region=region, language=language))
    last = fonts_of_numbers(PdfReader(path).pages[-1])
    assert last[number] == {"BitstreamVeraSans-Bold"}


def test_a_font_with_a_plain_zero_keeps_its_own_digits(tmp_path: Path) -> None:
    write_yaml(tmp_path / "t.yaml", {"fonts": {"regular": "Noto Sans", "bold": "Noto Sans",
                                               "italic": "Noto Sans", "bold_italic": "Noto Sans"}})  # fmt: skip
    path = make(tmp_path, branded(tmp_path, None, theme="t.yaml"))
    reader = PdfReader(path)
    fonts = {f for page in reader.pages for found in fonts_of_numbers(page).values() for f in found}
    assert fonts == {"NotoSans-Regular"}


def test_numbers_rebuild_byte_for_byte(tmp_path: Path) -> None:
    data = branded(tmp_path, "square", theme="large-print", language="es")
    first = make(tmp_path, data, "one").read_bytes()
    assert make(tmp_path, data, "two").read_bytes() == first


# 3. the footer


def test_the_footer_contact_never_runs_into_the_page_number(tmp_path: Path) -> None:
    write_yaml(tmp_path / "t.yaml", {"extends": "large-print", "base_size": 28})
    data = branded(tmp_path, None, theme="t.yaml", language="es", title="Abriendo la puerta")
    data["prepared_by"]["practice"] = "Harbor Counseling and Family Therapy"
    page = pdfium.PdfDocument(make(tmp_path, data))[1]
    text = page.get_textpage()
    drawn = text.get_text_range()
    footer, page_of = drawn.index("Harbor"), drawn.index("Página 2 de")
    ends = [text.get_charbox(i)[2] for i in range(footer, page_of) if not drawn[i].isspace()]
    # the practice cut short with an ellipsis, never the phone number
    assert drawn[footer:page_of].strip() == "Harbor\u2026 \u00b7 (555) 010-0100"
    assert max(ends) < text.get_charbox(page_of)[0]


def test_a_long_practice_name_is_cut_before_the_contact_is(tmp_path: Path) -> None:
    text = PdfReader(make(tmp_path, branded(tmp_path, None))).pages[1].extract_text()
    [footer] = [line for line in text.splitlines() if "\u00b7" in line]
    assert footer.startswith("Harbor Counseling and") and "\u2026 \u00b7 " in footer
    assert footer.endswith(" \u00b7 (555) 010-0100, jordan@example.org")
