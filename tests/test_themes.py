"""Themes and page craft as measured in the PDF: sizes, colours, margins, splits."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from conftest import manifest, page_texts, worksheet, write_yaml


def text_runs(reader: PdfReader, page: int) -> list[tuple[str, float, float]]:
    """(text, font size, x) for every text run drawn on a page."""
    runs: list[tuple[str, float, float]] = []

    def visit(text: str, cm: Any, tm: Any, font: Any, size: float) -> None:
        if text.strip():
            runs.append((text.strip(), size * tm[0] * cm[0], tm[4] * cm[0] + cm[4]))

    reader.pages[page].extract_text(visitor_text=visit)
    return runs


def body_size(make_pdf: Any, theme: str) -> float:
    reader, _ = make_pdf(manifest(worksheets=["i-statements"], theme=theme), f"{theme}.pdf")
    sizes = [size for text, size, _ in text_runs(reader, 3) if len(text) > 40]
    return min(sizes)


def test_large_print_body_text_is_at_least_16pt(make_pdf: Any) -> None:
    assert body_size(make_pdf, "default") == pytest.approx(11, abs=0.1)
    assert body_size(make_pdf, "large-print") >= 16


def test_large_print_secondary_text_stays_large(make_pdf: Any) -> None:
    reader, _ = make_pdf(manifest(worksheets=["objection-handling"], theme="large-print"))
    for page in range(1, len(reader.pages)):
        assert min(size for _, size, _ in text_runs(reader, page)) >= 14


def test_ink_saver_uses_greys_only(make_pdf: Any) -> None:
    reader, _ = make_pdf(manifest(worksheets=["objection-handling"], theme="ink-saver"))
    for page in reader.pages:
        content = page.get_contents().get_data().decode("latin-1")
        for line in content.splitlines():
            parts = line.split()
            if len(parts) >= 4 and parts[-1] in ("rg", "RG"):
                red, green, blue = (float(v) for v in parts[-4:-1])
                assert red == green == blue, line


def test_duplex_mirrors_the_margins(make_pdf: Any, tmp_path: Path) -> None:
    write_yaml(tmp_path / "wide.yaml", {"margins": {"inner": "40mm", "outer": "10mm"}})
    reader, _ = make_pdf(
        manifest(worksheets=["objection-handling"], theme="wide.yaml", duplex=True)
    )
    headers = [min(x for text, _, x in text_runs(reader, i) if "Opening" in text) for i in (1, 2)]
    mm = 72 / 25.4
    assert headers[0] == pytest.approx(10 * mm, abs=1)  # page 2 (even): the gutter is on the right
    assert headers[1] == pytest.approx(40 * mm, abs=1)  # page 3 (odd): the gutter is on the left


def test_split_table_repeats_its_header_row(tmp_path: Path, make_pdf: Any) -> None:
    rows = [[f"row {i} " + "words " * 30, "x"] for i in range(40)]
    block = {"type": "table", "columns": ["First column", "Second column"], "rows": rows}
    write_yaml(tmp_path / "mine" / "mine.yaml", worksheet(blocks=[block]))
    reader, _ = make_pdf(manifest(worksheets=["mine"], worksheets_dirs=["mine"]))
    table_pages = [t for t in page_texts(reader) if "row " in t]
    assert len(table_pages) >= 3
    assert all("First column" in t and "Second column" in t for t in table_pages)


def test_lines_can_fill_the_rest_of_the_page(tmp_path: Path, make_pdf: Any) -> None:
    blocks = [{"type": "paragraph", "text": "Before."}, {"type": "lines", "count": 2, "fill": True}]
    write_yaml(tmp_path / "mine" / "mine.yaml", worksheet(blocks=blocks))
    reader, _ = make_pdf(manifest(worksheets=["mine"], worksheets_dirs=["mine"], crisis_page=False))
    content = reader.pages[-1].get_contents().get_data().decode("latin-1")
    assert content.count(" l\n") + content.count(" l S") >= 20  # many more than the 2 asked for


def test_theme_validation(cli: Any, tmp_path: Path) -> None:
    bad = write_yaml(tmp_path / "bad.yaml", {"fonts": {"regular": "No Such Font"}, "colour": {}})
    result = cli("validate", bad)
    assert (
        result.exit_code == 1 and "unknown key 'colour' (did you mean 'colours'?)" in result.stderr
    )
    fonts = write_yaml(
        tmp_path / "fonts.yaml", {"fonts": {"regular": "No Such Font", "bold": "x.ttf"}}
    )
    result = cli("validate", fonts)
    assert "fonts.regular: font 'No Such Font' is not installed" in result.stderr
    assert "fonts.bold: font file not found" in result.stderr
    lengths = write_yaml(tmp_path / "len.yaml", {"line_height": "wide"})
    assert "'wide' is not a length" in cli("validate", lengths).stderr
    for name in ("default", "large-print", "ink-saver"):
        from workbook.theme import check_theme, load_theme

        assert check_theme(load_theme(name), tmp_path) == []


def test_cached_layout_never_borrows_another_styles_alignment(
    tmp_path: Path, make_pdf: Any
) -> None:
    """A centred scale label stays centred even after a left-aligned style with the same
    parent was used (the layout cache keys styles by all their attributes)."""
    block = {"type": "scale", "label": "How sure?", "anchors": {5: "Middle"}}
    write_yaml(tmp_path / "mine" / "mine.yaml", worksheet(blocks=[block]))
    data = manifest(worksheets=["mine"], worksheets_dirs=["mine"], prepared_by={"practice": "P"})
    reader, _ = make_pdf(data)
    [x] = [
        x
        for page in range(len(reader.pages))
        for text, _, x in text_runs(reader, page)
        if text == "Middle"
    ]
    assert x > float(reader.pages[0].mediabox.width) * 0.35


def test_the_same_words_in_another_alignment_keep_it(tmp_path: Path, make_pdf: Any) -> None:
    """Two scales whose end labels swap places: each label keeps its side. A style derived
    from another once passed for it in the layout caches, and the second scale got the first
    one's drawing. A theme no other build in this process used has its styles made afresh, as
    in a new process."""
    theme = write_yaml(tmp_path / f"{tmp_path.name}.yaml", {"extends": "default"})
    anchors = [{1: "Calm", 5: "Upset"}, {1: "Upset", 5: "Calm"}]
    scales = [{"type": "scale", "label": "How?", "min": 1, "max": 5, "anchors": a} for a in anchors]
    write_yaml(tmp_path / "mine" / "mine.yaml", worksheet(blocks=scales))
    data = {"workbook": 1, "title": "Scales", "prepared_by": {"practice": "Lee Counselling"},
            "worksheets_dirs": ["mine"], "worksheets": ["mine"], "theme": theme.name}  # fmt: skip
    reader, _ = make_pdf(data)
    xs: dict[str, list[float]] = {}
    for page in range(len(reader.pages)):
        for text, _, x in text_runs(reader, page):
            if text in {"Calm", "Upset"}:
                xs.setdefault(text, []).append(x)
    assert xs["Upset"][1] == pytest.approx(xs["Calm"][0], abs=0.5), xs  # both at the left end
    assert xs["Calm"][1] > xs["Upset"][0] + 1, xs  # right-aligned: the shorter word starts later


def test_themes_that_extend_each_other_in_a_loop(cli: Any, tmp_path: Path) -> None:
    write_yaml(tmp_path / "a.yaml", {"extends": "b.yaml"})
    write_yaml(tmp_path / "b.yaml", {"extends": "a.yaml"})
    result = cli("validate", tmp_path / "a.yaml")
    assert result.exit_code == 1 and "themes extend each other in a loop" in result.stderr


def bold_font(reader: PdfReader, words: str) -> str:
    """The font the first text run holding `words` is drawn in."""
    found: list[str] = []

    def visit(text: str, cm: Any, tm: Any, font: Any, size: float) -> None:
        if words in text and font is not None:
            found.append(str(font["/BaseFont"]))

    for page in reader.pages:
        page.extract_text(visitor_text=visit)
    return found[0]


def test_a_theme_that_mixes_fonts_leaves_other_themes_bold_alone(
    tmp_path: Path, make_pdf: Any
) -> None:
    """ReportLab finds <b> and <i> from the regular face's name, for the whole process: a theme
    whose bold comes from another family gets it, and a later workbook in the default theme,
    which shares the regular face, keeps its own bold."""
    import fontpkg

    bold = Path(fontpkg.path("Noto Sans", weight=700, style="normal", nearest=True))
    (tmp_path / "Mixed.ttf").write_bytes(bold.read_bytes())
    write_yaml(tmp_path / "mixed.yaml", {"fonts": {"bold": "Mixed.ttf"}})

    def build(name: str, **fields: Any) -> str:
        """The font of a bold phrase no earlier build has laid out."""
        words = f"bold words {name} {tmp_path.name}"
        block = {"type": "paragraph", "text": f"Plain words and **{words}**."}
        write_yaml(tmp_path / "mine" / "mine.yaml", worksheet(blocks=[block]))
        data = manifest(worksheets=["mine"], worksheets_dirs=["mine"], crisis_page=False)
        reader, _ = make_pdf({**data, **fields}, f"{name}.pdf")
        return bold_font(reader, words)

    assert "AtkinsonHyperlegible-Bold" in build("before")  # the default theme's fonts
    assert "NotoSans" in build("mixed", theme="mixed.yaml")
    assert "AtkinsonHyperlegible-Bold" in build("after")
