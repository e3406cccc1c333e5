"""Bad input from a red-team report: each ends in `path:line:col: error: <what to do>`, exit 1,
no traceback and no PDF at the output path."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import manifest, write_yaml


def failure(cli: Any, path: Path, *extra: str) -> str:
    """Build `path` through the CLI, expecting a clean failure; return stderr."""
    out = path.parent / "out.pdf"
    result = cli("build", path, "-o", out, *extra)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and "internal error" not in result.output
    assert not out.exists()
    return str(result.stderr)


def line_of(path: Path, start: str) -> int:
    """The 1-based number of the first line of `path` that starts with `start` (indent aside)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if line.strip().startswith(start))


# 4. dates


def test_an_impossible_date_in_the_manifest_is_named_at_its_line(cli: Any, tmp_path: Path) -> None:
    path = write_yaml(
        tmp_path / "m.yaml", "title: T\ndate: 2026-02-30\nworksheets: [i-statements]\n"
    )
    assert failure(cli, path).splitlines() == [
        f"{path}:2:1: error: date '2026-02-30' is not a real date (February 2026 has 28 days): "
        "write it as YYYY-MM-DD"
    ]


def test_an_impossible_date_on_the_command_line_is_named(cli: Any, tmp_path: Path) -> None:
    path = write_yaml(tmp_path / "m.yaml", manifest(worksheets=["i-statements"]))
    assert failure(cli, path, "--set", "date=2026-13-01").splitlines() == [
        "<command line>: error: date '2026-13-01' is not a real date (there is no month 13): "
        "write it as YYYY-MM-DD"
    ]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("20261122", "the number 20261122 is not a date: write it as YYYY-MM-DD, e.g. 2026-11-22"),
        ("next week", "'next week' is not a date: write it as YYYY-MM-DD, e.g. 2026-11-22"),
        ("0000-01-01", "date '0000-01-01' is not a real date (there is no year 0)"),
        ("2028-02-30", "date '2028-02-30' is not a real date (February 2028 has 29 days)"),
    ],
)
def test_other_dates_that_are_not_dates(cli: Any, tmp_path: Path, value: str, message: str) -> None:
    path = write_yaml(tmp_path / "m.yaml", f"date: {value}\nworksheets: [i-statements]\n")
    assert f"{path}:1:1: error: {message}" in failure(cli, path)


def test_a_date_with_a_time_and_a_repeated_bad_date_alias(cli: Any, tmp_path: Path) -> None:
    path = write_yaml(
        tmp_path / "m.yaml", "date: 2026-11-22T10:30:00\nworksheets: [i-statements]\n"
    )
    assert cli("build", path, "-o", tmp_path / "ok.pdf").exit_code == 0
    aliased = "date: &d 2026-02-30\nvariables: {when: *d}\nworksheets: [i-statements]\n"
    path = write_yaml(tmp_path / "m.yaml", aliased)
    assert f"{path}:1:1: error: date '2026-02-30' is not a real date" in failure(cli, path)


# 5. worksheet entries


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (
            "Not An Id!",
            "'Not An Id!' is not a valid id: use lower-case letters, digits and "
            "hyphens, e.g. i-statements",
        ),
        (5, "the number 5 is not a worksheet id: write e.g. i-statements or {id: i-statements}"),
        (
            {"idd": "i-statements"},
            "unknown key 'idd' in a worksheet entry: write e.g. i-statements or {id: i-statements}",
        ),
        ({}, "a worksheet entry needs an id: write e.g. i-statements or {id: i-statements}"),
        (
            None,
            "an empty value is not a worksheet id: write e.g. i-statements or {id: i-statements}",
        ),
        (["a"], "a list is not a worksheet id: write e.g. i-statements or {id: i-statements}"),
        ({"id": "Bad"}, "'Bad' is not a valid id: use lower-case letters, digits and hyphens"),
        ("a" * 90, "'" + "a" * 40 + "...' is too long for a worksheet id: use 80 characters"),
    ],
)
def test_a_bad_worksheet_entry_is_named_in_plain_words(
    cli: Any, tmp_path: Path, entry: Any, message: str
) -> None:
    path = write_yaml(tmp_path / "m.yaml", manifest(worksheets=["i-statements", entry]))
    [error] = failure(cli, path).splitlines()
    line = line_of(path, "worksheets:") + 2
    assert error.startswith(f"{path}:{line}:3: error: {message}")
    assert "constrained-str" not in error and "WorksheetRef" not in error


@pytest.mark.parametrize(
    ("yaml_line", "message"),
    [
        (
            "recipient: Sam",
            "'recipient' must be a mapping of keys and values (each on its own "
            "line under it), not 'Sam'",
        ),
        ("prepared_by: [Jordan]", "'prepared_by' must be a mapping of keys and values"),
        (
            "title: 12",
            "'title' must be text, not the number 12 (put it in quotes to keep it as text)",
        ),
        ("fillable: 2", "'fillable' must be true or false, not the number 2"),
        ("variables: [a]", "'variables' must be a mapping of keys and values, not a list"),
        (
            "worksheets_dirs: mine",
            "'worksheets_dirs' must be a list, e.g. [first, second], not 'mine'",
        ),
        ("region: USA", "'region' must be a two-letter country code such as US or GB, not 'USA'"),
    ],
)
def test_values_of_the_wrong_kind_are_named_in_plain_words(
    cli: Any, tmp_path: Path, yaml_line: str, message: str
) -> None:
    path = write_yaml(tmp_path / "m.yaml", f"worksheets: [i-statements]\n{yaml_line}\n")
    error = failure(cli, path)
    assert error.startswith(f"{path}:2:1: error: {message}")
    assert "instance of" not in error and "Input should" not in error


def test_an_empty_worksheet_list(cli: Any, tmp_path: Path) -> None:
    path = write_yaml(tmp_path / "m.yaml", "worksheets: []\n")
    assert failure(cli, path).splitlines() == [
        f"{path}:1:1: error: 'worksheets' is empty: list at least one worksheet id, e.g. [i-statements]"
    ]


# 2. a web address too long for a QR code


def test_a_url_too_long_for_a_qr_code_is_named_at_its_line(cli: Any, tmp_path: Path) -> None:
    url = "https://example.org/" + "é" * 1400  # 2,820 bytes of UTF-8: under 2,000 characters
    path = write_yaml(tmp_path / "m.yaml", manifest(worksheets=["i-statements"],
                                                    prepared_by={"name": "J", "url": url}))  # fmt: skip
    assert failure(cli, path).splitlines() == [
        f"{path}:{line_of(path, 'url:')}:3: error: this web address is too long for a QR code: "
        "it needs 2,823 bytes and a QR code holds at most 2,812 (letters with accents take 2 "
        "bytes, many other characters 3): use a shorter address"
    ]


def test_the_longest_url_a_qr_code_holds_builds(cli: Any, tmp_path: Path) -> None:
    url = "https://example.org/" + "é" * 1394  # 2,808 bytes: the QR code's last few to spare
    path = write_yaml(tmp_path / "m.yaml", manifest(worksheets=["i-statements"],
                                                    prepared_by={"name": "J", "url": url}))  # fmt: skip
    assert cli("build", path, "-o", tmp_path / "ok.pdf").exit_code == 0


# 1. the logo


def logo_manifest(tmp_path: Path, name: str = "logo.png") -> Path:
    data = manifest(worksheets=["i-statements"], prepared_by={"practice": "P", "logo": name})
    return write_yaml(tmp_path / "m.yaml", data)


def test_a_truncated_logo_is_named_at_the_logo_line(cli: Any, tmp_path: Path) -> None:
    from PIL import Image

    Image.effect_noise((300, 300), 64).convert("RGB").save(tmp_path / "whole.png")
    whole = (tmp_path / "whole.png").read_bytes()
    (tmp_path / "logo.png").write_bytes(whole[: len(whole) // 2])
    path = logo_manifest(tmp_path)
    assert failure(cli, path).splitlines() == [
        f"{path}:{line_of(path, 'logo:')}:3: error: the logo image {tmp_path / 'logo.png'} is "
        "damaged or cut short (image file is truncated): save it again"
    ]


def test_a_truncated_jpeg_logo_is_refused_too(cli: Any, tmp_path: Path) -> None:
    from PIL import Image

    Image.effect_noise((300, 300), 64).convert("RGB").save(tmp_path / "whole.jpg")
    whole = (tmp_path / "whole.jpg").read_bytes()
    (tmp_path / "logo.jpg").write_bytes(whole[: len(whole) // 2])
    path = logo_manifest(tmp_path, "logo.jpg")
    assert "is damaged or cut short" in failure(cli, path)


@pytest.mark.parametrize(("mode", "size"), [("1", (9000, 9000)), ("P", (16001, 1000))])
def test_a_logo_over_4000_by_4000_pixels_is_refused_from_its_header(
    cli: Any, tmp_path: Path, mode: str, size: tuple[int, int]
) -> None:
    from PIL import Image

    Image.new(mode, size).save(tmp_path / "logo.png")  # a few kilobytes on disk
    assert (tmp_path / "logo.png").stat().st_size < 200_000
    path = logo_manifest(tmp_path)
    assert failure(cli, path).splitlines() == [
        f"{path}:{line_of(path, 'logo:')}:3: error: the logo image {tmp_path / 'logo.png'} has "
        f"too many pixels ({size[0]} by {size[1]}); the limit is 4000 by 4000 (16,000,000 "
        "pixels in any shape): save a smaller copy"
    ]


def test_a_logo_of_exactly_4000_by_4000_is_drawn_and_decoded_once(cli: Any, tmp_path: Path) -> None:
    from PIL import Image
    from pypdf import PdfReader

    from workbook.sources import _decode_problem

    Image.new("P", (4000, 4000)).save(tmp_path / "logo.png")
    path = logo_manifest(tmp_path)
    assert cli("build", path, "-o", tmp_path / "a.pdf").exit_code == 0
    decoded = _decode_problem.cache_info().misses
    assert cli("build", path, "-o", tmp_path / "b.pdf").exit_code == 0
    assert _decode_problem.cache_info().misses == decoded  # the second build did not decode it
    [image] = PdfReader(tmp_path / "b.pdf").pages[0].images
    assert image.image.size == (4000, 4000)


def save_image(path: Path, kind: str) -> None:
    from PIL import Image

    Image.new("RGB", (8, 8)).save(path, format=kind)


@pytest.mark.parametrize(
    ("make", "problem"),
    [
        (lambda p: p.write_bytes(b""), "cannot identify image file"),
        (lambda p: p.write_text("not an image"), "cannot identify image file"),
        (lambda p: p.symlink_to("/etc/hostname"), "cannot identify image file"),
        (lambda p: save_image(p, "GIF"), "GIF is not supported"),
        (lambda p: save_image(p, "WEBP"), "WEBP is not supported"),
    ],
)
def test_other_files_that_are_no_logo(cli: Any, tmp_path: Path, make: Any, problem: str) -> None:
    make(tmp_path / "logo.png")
    path = logo_manifest(tmp_path)
    [error] = failure(cli, path).splitlines()
    assert error.startswith(
        f"{path}:{line_of(path, 'logo:')}:3: error: cannot read the logo image "
        f"{tmp_path / 'logo.png'}: use a PNG or JPEG ("
    )
    assert problem in error


# 3. theme fonts


def theme_manifest(tmp_path: Path, theme: dict[str, Any]) -> tuple[Path, Path]:
    theme_path = write_yaml(tmp_path / "t.yaml", theme)
    return write_yaml(
        tmp_path / "m.yaml", manifest(worksheets=["i-statements"], theme="t.yaml")
    ), theme_path


def atkinson() -> Path:
    import fontpkg

    return Path(fontpkg.path("Atkinson Hyperlegible", weight=400, style="normal"))


def test_a_truncated_theme_font_names_the_theme_file_and_key(cli: Any, tmp_path: Path) -> None:
    whole = atkinson().read_bytes()
    (tmp_path / "Body.ttf").write_bytes(whole[: len(whole) // 2])
    path, theme = theme_manifest(tmp_path, {"fonts": {"regular": "Body.ttf"}})
    assert failure(cli, path).splitlines() == [
        f"{theme}:2:3: error: theme: fonts.regular: the font {tmp_path / 'Body.ttf'} is cut "
        f"short: it has {len(whole) // 2:,} bytes of the {len(whole):,} its tables need; copy "
        "or download it again"
    ]


def test_a_font_with_damaged_glyphs_is_refused_before_drawing(cli: Any, tmp_path: Path) -> None:
    import struct

    data = bytearray(atkinson().read_bytes())
    count = struct.unpack(">H", data[4:6])[0]
    tables = {bytes(data[12 + 16 * i : 16 + 16 * i]): 12 + 16 * i for i in range(count)}
    offset, _ = struct.unpack(">II", data[tables[b"loca"] + 8 : tables[b"loca"] + 16])
    data[offset : offset + 400] = b"\xff" * 400  # glyphs now point past the end of glyf
    (tmp_path / "Body.ttf").write_bytes(bytes(data))
    path, theme = theme_manifest(tmp_path, {"fonts": {"bold": "Body.ttf"}})
    [error] = failure(cli, path).splitlines()
    assert error.startswith(
        f"{theme}:2:3: error: theme: fonts.bold: the font {tmp_path / 'Body.ttf'} is damaged ("
    )
    assert error.endswith("): copy or download it again")


def test_a_font_with_damaged_widths_is_refused_before_drawing(cli: Any, tmp_path: Path) -> None:
    """Every advance width in the metrics table set to 65,535 units: no real font has a
    character that wide, so the table is damaged."""
    import struct

    data = bytearray(atkinson().read_bytes())
    count = struct.unpack(">H", data[4:6])[0]
    tables = {bytes(data[12 + 16 * i : 16 + 16 * i]): 12 + 16 * i for i in range(count)}
    hhea, _ = struct.unpack(">II", data[tables[b"hhea"] + 8 : tables[b"hhea"] + 16])
    hmtx, _ = struct.unpack(">II", data[tables[b"hmtx"] + 8 : tables[b"hmtx"] + 16])
    [metrics] = struct.unpack(">H", data[hhea + 34 : hhea + 36])  # numberOfHMetrics
    for glyph in range(metrics):
        data[hmtx + 4 * glyph : hmtx + 4 * glyph + 2] = b"\xff\xff"
    (tmp_path / "Body.ttf").write_bytes(bytes(data))
    path, theme = theme_manifest(tmp_path, {"fonts": {"regular": "Body.ttf"}})
    assert failure(cli, path).splitlines() == [
        f"{theme}:2:3: error: theme: fonts.regular: the font {tmp_path / 'Body.ttf'} is damaged "
        "(a character 65.535 em wide): copy or download it again"
    ]


def test_a_font_symlink_to_a_non_font_names_the_path(cli: Any, tmp_path: Path) -> None:
    (tmp_path / "Body.ttf").symlink_to("/etc/hostname")
    path, theme = theme_manifest(tmp_path, {"fonts": {"italic": "Body.ttf"}})
    assert failure(cli, path).splitlines() == [
        f"{theme}:2:3: error: theme: fonts.italic: {tmp_path / 'Body.ttf'} is not a TrueType "
        "or OpenType font: give a .ttf file"
    ]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "Body.woff2",
            b"wOF2" + bytes(40),
            "Body.woff2: only TrueType (.ttf) and OpenType (.otf) files work",
        ),
        ("fonts/Body", b"", "fonts/Body: only TrueType (.ttf) and OpenType (.otf) files work"),
        ("Body.ttf", b"wOFF" + bytes(40), "Body.ttf is a web font (WOFF): give a .ttf file"),
        ("Body.ttf", b"ttcf" + bytes(40), "Body.ttf is a font collection (.ttc): give a .ttf file"),
        ("Body.ttf", b"", "Body.ttf is not a TrueType or OpenType font: give a .ttf file"),
        ("Body.ttf", b"\x00\x01\x00\x00\x00", "Body.ttf is cut short: it has 5 bytes of the 12"),
    ],
)
def test_other_font_files_that_cannot_be_used(
    cli: Any, tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / name).write_bytes(content)
    path, theme = theme_manifest(tmp_path, {"fonts": {"regular": name}})
    [error] = failure(cli, path).splitlines()
    assert error.startswith(f"{theme}:2:3: error: theme: fonts.regular: ")
    assert message in error and "pip install" not in error


def test_every_font_problem_in_a_theme_is_reported_at_once(cli: Any, tmp_path: Path) -> None:
    (tmp_path / "Bad.ttf").write_bytes(b"nope")
    theme = {"fonts": {"regular": "Bad.ttf", "bold": "Missing.ttf", "italic": "No Such Font"}}
    path, theme_path = theme_manifest(tmp_path, theme)
    errors = failure(cli, path).splitlines()
    assert [e.split(": error: ")[0] for e in errors] == [f"{theme_path}:{n}:3" for n in (2, 3, 4)]
    assert f"fonts.bold: font file not found: {tmp_path / 'Missing.ttf'}" in errors[1]
    assert "fonts.italic: font 'No Such Font' is not installed" in errors[2]


# 7. theme sizes and margins


@pytest.mark.parametrize(
    ("theme", "line", "message"),
    [
        ({"base_size": 400}, "1:1", "'base_size' must be at most 28, not the number 400"),
        (
            {"margins": {"inner": "100mm", "outer": "100mm"}},
            "2:3",
            "margins.inner: the margins inner 100mm and outer 100mm leave a text column 10mm "
            "wide on A4 paper; base size 11pt needs 76mm: make the margins or base_size smaller",
        ),
        (
            {"margins": {"outer": "10cm"}, "base_size": 20},
            "2:3",
            "margins.outer: the margins inner 20mm and outer 100mm leave a text column 90mm "
            "wide on A4 paper; base size 20pt needs 106mm: make the margins or base_size smaller",
        ),
        (
            {"base_size": 28, "leading": 2.5},
            "1:1",
            "base_size: the margins top 20mm and bottom 20mm (and the running header and footer) "
            "leave text 196mm tall on Letter paper; base size 28pt at leading 2.5 needs 247mm: "
            "make the margins, base_size or leading smaller",
        ),
        ({"spacing": "2in"}, "1:1", "spacing: 51mm is too big; use at most 13mm (0.5in)"),
        ({"box_size": 100}, "1:1", "box_size: 35mm is too big; use at most 13mm (0.5in)"),
    ],
)
def test_theme_sizes_that_do_not_fit_the_page_name_the_setting(
    cli: Any, tmp_path: Path, theme: dict[str, Any], line: str, message: str
) -> None:
    path, theme_path = theme_manifest(tmp_path, theme)
    errors = failure(cli, path).splitlines()
    assert errors[0] == f"{theme_path}:{line}: error: theme: {message}"
    assert not any("Flowable" in e or "0x7f" in e for e in errors)


def test_a_theme_that_extends_a_bad_one_points_at_the_bad_setting(cli: Any, tmp_path: Path) -> None:
    parent = write_yaml(tmp_path / "parent.yaml", {"margins": {"top": "100mm", "bottom": "90mm"}})
    path, _ = theme_manifest(tmp_path, {"extends": "parent.yaml", "spacing": 6})
    [error] = failure(cli, path).splitlines()
    assert error.startswith(f"{parent}:2:3: error: theme: margins.top: the margins top 100mm")


def test_validate_reports_a_theme_that_does_not_fit(cli: Any, tmp_path: Path) -> None:
    theme = write_yaml(tmp_path / "t.yaml", {"margins": {"bottom": "100mm", "top": "100mm"}})
    result = cli("validate", theme)
    assert result.exit_code == 1 and f"{theme}:3:3: error: margins.top:" in result.stderr


EXTREMES = [  # the theme check's limits, together: each builds every worksheet
    {"base_size": 28, "leading": 1.98, "spacing": "0.5in", "box_size": "0.5in", "line_height": 72},
    {"base_size": 6, "leading": 1, "spacing": 36, "box_size": 36,
     "margins": {"inner": 189.5, "outer": 189.5, "top": 238, "bottom": 238}},
    {"base_size": 28, "leading": 1.5, "spacing": 0, "box_size": 1, "line_height": 1,
     "margins": {"inner": 0, "outer": 0, "top": 0, "bottom": 0}},
    {"base_size": 6, "leading": 1, "spacing": 0, "box_size": 1, "line_height": 1},
]  # fmt: skip


@pytest.mark.parametrize("theme", EXTREMES)
@pytest.mark.parametrize("page_size", ["a4", "letter"])
def test_themes_at_the_limits_build_every_worksheet(
    make_pdf: Any, tmp_path: Path, theme: dict[str, Any], page_size: str
) -> None:
    from workbook.library import available, search_dirs

    write_yaml(tmp_path / "t.yaml", theme)
    everything = sorted(available("en", search_dirs([])))
    data = manifest(worksheets=everything, theme="t.yaml", page_size=page_size,
                    edition="facilitator", fillable=True,
                    prepared_by={"name": "Jordan Lee, LPC", "practice": "Harbor Counseling"})  # fmt: skip
    reader, _ = make_pdf(data)
    assert len(reader.pages) > len(everything)


def test_a_cover_too_full_for_its_theme_says_what_to_change(cli: Any, tmp_path: Path) -> None:
    from PIL import Image

    Image.new("RGB", (300, 300)).save(tmp_path / "logo.png")
    write_yaml(tmp_path / "t.yaml", EXTREMES[0])
    prepared = {"name": "Jordan Lee, LPC", "practice": "Harbor Counseling and Family Therapy",
                "contact": "(555) 010-0100, jordan@example.org", "logo": "logo.png",
                "url": "https://example.org/book"}  # fmt: skip
    data = manifest(worksheets=["i-statements"], theme="t.yaml", prepared_by=prepared)
    assert failure(cli, write_yaml(tmp_path / "m.yaml", data)).splitlines() == [
        "error: the cover does not fit on a page with theme 't.yaml' (base size 28pt, leading "
        "1.98): use a shorter title or fewer prepared_by details, or a theme with a smaller "
        "base_size, leading or margins"
    ]


def test_large_print_keeps_full_branding_on_the_cover(make_pdf: Any, tmp_path: Path) -> None:
    from PIL import Image

    Image.new("RGB", (300, 300)).save(tmp_path / "logo.png")
    prepared = {"name": "Jordan Lee, LPC", "practice": "Harbor Counseling and Family Therapy",
                "contact": "(555) 010-0100, jordan@example.org", "logo": "logo.png",
                "url": "https://example.org/book"}  # fmt: skip
    reader, _ = make_pdf(manifest(worksheets=["i-statements"], theme="large-print",
                                  prepared_by=prepared))  # fmt: skip
    cover = reader.pages[0].extract_text()
    assert "Opening the door" in cover and "https://example.org/book" in cover


# 6. page breaks in a row


def page_break_workbook(tmp_path: Path, make_pdf: Any, blocks: list[Any]) -> list[str]:
    from conftest import flat, page_texts, worksheet

    write_yaml(tmp_path / "mine" / "mine.yaml", worksheet(blocks=blocks))
    data = manifest(worksheets=["mine", "i-statements"], worksheets_dirs=["mine"])
    reader, _ = make_pdf(data)
    return [flat(text) for text in page_texts(reader)]


def test_eleven_page_breaks_in_a_row_make_one_new_page(tmp_path: Path, make_pdf: Any) -> None:
    blocks = [{"type": "paragraph", "text": "Hi."}, *[{"type": "page_break"}] * 11,
              {"type": "paragraph", "text": "Bye."}]  # fmt: skip
    pages = page_break_workbook(tmp_path, make_pdf, blocks)
    hi = next(n for n, text in enumerate(pages) if text.endswith("Hi."))
    assert "Bye." in pages[hi + 1]  # the very next page: no blank ones between
    assert "supports, and does not replace" in pages[hi + 1]  # the worksheet's last page


def test_a_closing_page_break_leaves_no_blank_page(tmp_path: Path, make_pdf: Any) -> None:
    blocks = [{"type": "paragraph", "text": "Hi."}, {"type": "page_break"}, {"type": "page_break"}]
    pages = page_break_workbook(tmp_path, make_pdf, blocks)
    hi = next(n for n, text in enumerate(pages) if "minutes Hi." in text)
    assert "supports, and does not replace" in pages[hi]  # the care note is on its last page
    assert "Saying it with" in pages[hi + 1]  # the next worksheet follows at once
    assert "supports, and does not replace" not in pages[hi + 1]


# 8. invisible and control characters in personal values


def test_invisible_characters_are_left_out_with_a_warning(cli: Any, tmp_path: Path) -> None:
    from pypdf import PdfReader

    name = "Sa\u200bm \u202eRivera\u2066\u2069\ufeff\u2060\u200f"
    data = manifest(worksheets=["i-statements"], recipient={"name": name})
    path = write_yaml(tmp_path / "m.yaml", data)
    out = tmp_path / "out.pdf"
    result = cli("build", path, "-o", out, "--practice", "Harbor\x07 Coun\x00seling\x1b\x85\n")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        "warning: left out 11 invisible character(s) that would print as boxes: U+0000 control "
        "character, U+0007 control character, U+001B control character, U+0085 control "
        "character, U+200B ZERO WIDTH SPACE, U+200F RIGHT-TO-LEFT MARK, U+202E RIGHT-TO-LEFT "
        "OVERRIDE, U+2060 WORD JOINER, U+2066 LEFT-TO-RIGHT ISOLATE, U+2069 POP DIRECTIONAL "
        "ISOLATE, U+FEFF ZERO WIDTH NO-BREAK SPACE; check the names and text they came from"
    ]
    reader = PdfReader(out)
    cover = reader.pages[0].extract_text()
    assert "Prepared for Sam Rivera\n" in cover and "Harbor Counseling" in cover
    assert "\x00" not in "".join(page.extract_text() for page in reader.pages)
    assert reader.metadata is not None and reader.metadata.author == "Harbor Counseling"
    xmp = reader.xmp_metadata  # the XMP packet is well-formed XML again
    assert xmp is not None and xmp.dc_creator == ["Harbor Counseling"]


def test_control_characters_never_reach_the_metadata(cli: Any, tmp_path: Path) -> None:
    from pypdf import PdfReader

    path = write_yaml(tmp_path / "m.yaml", manifest(worksheets=["i-statements"]))
    out = tmp_path / "out.pdf"
    result = cli("build", path, "-o", out, "--title", "Our\tplan\x01\r\n\u200bfor\x7f May")
    assert result.exit_code == 0 and "U+0001 control character, U+007F" in result.stderr
    reader = PdfReader(out)
    assert reader.metadata is not None and reader.metadata.title == "Our plan for May"
    assert reader.xmp_metadata is not None and reader.xmp_metadata.dc_title == {
        "x-default": "Our plan for May"
    }


def test_text_without_invisible_characters_gives_no_warning(cli: Any, tmp_path: Path) -> None:
    data = manifest(worksheets=["i-statements"], recipient={"name": "Zoë Ångström-Nguyễn"})
    result = cli("build", write_yaml(tmp_path / "m.yaml", data), "-o", tmp_path / "out.pdf")
    assert result.exit_code == 0 and result.stderr == ""


# more of the same families


@pytest.mark.parametrize(
    ("theme", "where", "message"),
    [
        ("colours: {text: red}", "1:11", "'text' must be a colour written #RRGGBB, e.g. #1F4E5F, not 'red'"),
        ("leading: x", "1:1", "'leading' must be a number, not 'x'"),
        ("line_height: 0", "1:1", "'line_height' must be more than 0.5, not the number 0"),
        ("extends: nope.yaml", "1:1", "file not found: {dir}/nope.yaml"),
        ("extends: nope", "1:1", "unknown theme 'nope': use one of default, large-print, "
                                 "ink-saver or a path to a .yaml file"),
        ("extends: t.yaml", "1:1", "themes extend each other in a loop"),
    ],
)  # fmt: skip
def test_other_bad_theme_values(
    cli: Any, tmp_path: Path, theme: str, where: str, message: str
) -> None:
    path, theme_path = theme_manifest(tmp_path, {})
    theme_path.write_text(theme + "\n", encoding="utf-8")
    assert failure(cli, path).splitlines() == [
        f"{theme_path}:{where}: error: theme: {message.format(dir=tmp_path)}"
    ]


def test_a_missing_theme_file_is_named_at_the_manifest_line(cli: Any, tmp_path: Path) -> None:
    path = write_yaml(tmp_path / "m.yaml", "worksheets: [i-statements]\ntheme: gone.yaml\n")
    assert failure(cli, path).splitlines() == [
        f"{path}:2:1: error: theme: file not found: {tmp_path / 'gone.yaml'}"
    ]


@pytest.mark.parametrize(
    ("blocks", "where", "message"),
    [
        ("[5]", "5:10", "block 1: the number 5 is not a mapping of keys and values (each on its "
                        "own line under it)"),
        ("[{type: null}]", "5:10", "block 1: an empty block type; expected one of: heading,"),
        ("[{type: scale, label: x, anchors: {a: b}}]", "5:44", "block 1 (scale): the key 'a' "
                                                               "must be a whole number"),
        ("[{type: lines, count: 2.5}]", "5:24", "block 1 (lines): 'count' must be a whole number, "
                                                "not the number 2.5"),
        ("[{type: list, items: [5]}]", "5:31", "block 1 (list): the number 5 is not text (put it "
                                               "in quotes to keep it as text)"),
    ],
)  # fmt: skip
def test_other_bad_worksheet_values(
    cli: Any, tmp_path: Path, blocks: str, where: str, message: str
) -> None:
    sheet = write_yaml(tmp_path / "mine" / "mine.yaml",
                       f"worksheet: 1\nid: mine\ntitle: Mine\nsummary: s\nblocks: {blocks}\n")  # fmt: skip
    path = write_yaml(tmp_path / "m.yaml", manifest(worksheets=["mine"], worksheets_dirs=["mine"]))
    [error] = failure(cli, path).splitlines()
    assert error.startswith(f"{sheet}:{where}: error: worksheet 'mine', {message}")


@pytest.mark.parametrize(
    ("option", "message"),
    [
        ("prepared_by.logo=gone.png", "logo image not found: {dir}/gone.png"),
        ("edition=", "'edition' must be 'client' or 'facilitator', not ''"),
        ("date=2026-11-22 junk", "'2026-11-22 junk' is not a date: write it as YYYY-MM-DD, e.g. 2026-11-22"),
    ],
)  # fmt: skip
def test_options_are_named_at_the_command_line(
    cli: Any, tmp_path: Path, option: str, message: str
) -> None:
    path = write_yaml(tmp_path / "m.yaml", manifest(worksheets=["i-statements"]))
    assert failure(cli, path, "--set", option).splitlines() == [
        f"<command line>: error: {message.format(dir=tmp_path)}"
    ]


def test_a_null_where_a_choice_belongs(cli: Any, tmp_path: Path) -> None:
    path = write_yaml(tmp_path / "m.yaml", "worksheets: [i-statements]\nedition: null\n")
    assert failure(cli, path).splitlines() == [
        f"{path}:2:1: error: 'edition' must be 'client' or 'facilitator', not an empty value"
    ]
