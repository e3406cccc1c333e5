"""The PDF as a reader sees it: text, pages, links, outline, fonts, sizes, metadata, bytes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from pypdf.generic import IndirectObject

from conftest import CORE, body, manifest, page_texts, starts_page, worksheet, write_yaml

TITLES = {
    "objection-handling": "When they say no: answering objections",
    "i-statements": "Saying it with \u201cI\u201d: talking without blame",
    "boundary-planning": "Caring without carrying it all: planning your boundaries",
    "therapist-matching": "Finding the right fit: choosing a therapist",
}


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> PdfReader:
    from workbook.build import build
    from workbook.project import BuildOptions

    out = tmp_path_factory.mktemp("example") / "example.pdf"
    example = Path(__file__).parents[1] / "examples" / "partner.yaml"
    return PdfReader(build(BuildOptions(manifest=example, output=out)).path)


def page_of(reader: PdfReader, ref: Any) -> int:
    """1-based page number of a page reference."""
    target = ref.get_object() if isinstance(ref, IndirectObject) else ref
    return next(i for i, p in enumerate(reader.pages, 1) if p.get_object() == target)


def test_cover_names_recipient_practice_and_date(example: PdfReader) -> None:
    cover = page_texts(example)[0]
    assert "Opening the door" in cover
    assert "Prepared for Sam Rivera" in cover
    assert "Harbor Counseling" in cover
    assert "November 22, 2026" in cover


def test_contents_lists_each_worksheet_with_its_real_page(example: PdfReader) -> None:
    texts = page_texts(example)
    contents = next(i for i, t in enumerate(texts) if starts_page(t, "Contents"))
    numbers = [int(line) for line in body(texts[contents]).splitlines() if line.strip().isdigit()]
    assert len(numbers) == len(TITLES) + 1  # the worksheets, then the crisis page
    for title, page in zip(TITLES.values(), numbers, strict=False):
        assert title in " ".join(texts[contents].split())
        assert starts_page(texts[page - 1], title), (title, page)
    assert "worried about safety" in texts[numbers[-1] - 1]


def test_contents_entries_are_links_to_the_worksheets(example: PdfReader) -> None:
    texts = page_texts(example)
    contents = next(i for i, t in enumerate(texts) if starts_page(t, "Contents"))
    annots = [a.get_object() for a in example.pages[contents].get("/Annots", [])]
    links = [a for a in annots if a["/Subtype"] == "/Link"]
    assert len(links) == len(TITLES) + 1  # worksheets and the crisis page
    targets = sorted(page_of(example, link["/Dest"][0]) for link in links)
    starts = sorted(
        i for i, t in enumerate(texts, 1) for title in TITLES.values() if starts_page(t, title)
    )
    assert set(starts) <= set(targets)


def test_outline_has_an_entry_per_worksheet(example: PdfReader) -> None:
    titles = [item.title for item in example.outline if not isinstance(item, list)]
    for title in TITLES.values():
        assert title in titles
    for item in example.outline:
        if not isinstance(item, list) and item.title in TITLES.values():
            page = example.get_destination_page_number(item)
            assert starts_page(page_texts(example)[page], item.title)


def test_every_page_but_the_cover_says_page_x_of_y(example: PdfReader) -> None:
    texts = page_texts(example)
    total = len(texts)
    for number, text in enumerate(texts[1:], start=2):
        assert f"Page {number} of {total}" in text


def test_running_header_has_title_and_recipient(example: PdfReader) -> None:
    for text in page_texts(example)[1:]:
        assert "Opening the door" in text and "Sam Rivera" in text


def test_each_worksheet_ends_with_the_care_note(example: PdfReader) -> None:
    texts = page_texts(example)
    starts = [i for i, t in enumerate(texts) for title in TITLES.values() if starts_page(t, title)]
    ends = [s - 1 for s in starts[1:]] + [len(texts) - 2]
    for end in ends:
        assert "does not replace" in texts[end]


def test_crisis_page_is_last_with_988(example: PdfReader) -> None:
    last = page_texts(example)[-1]
    assert "If you are worried about safety" in last
    assert "988" in last and "911" in last


def test_all_fonts_are_embedded(example: PdfReader) -> None:
    fonts = {}
    for page in example.pages:
        for font in page["/Resources"].get("/Font", {}).values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            descriptor = (descendants[0].get_object() if descendants else font).get(
                "/FontDescriptor"
            )
            fonts[font["/BaseFont"]] = descriptor is not None and any(
                k in descriptor.get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3")
            )
    assert fonts and all(fonts.values()), fonts
    assert not any("Helvetica" in name for name in fonts)


def test_metadata(example: PdfReader) -> None:
    meta = example.metadata
    assert meta.title == "Opening the door"
    assert meta.author == "Harbor Counseling"
    assert meta.creator.startswith("workbook ")
    assert "answering objections" in meta.subject
    assert example.trailer["/Root"]["/Lang"] == "en"


@pytest.mark.parametrize(("size", "box"), [("letter", (612, 792)), ("a4", (595.28, 841.89))])
def test_page_size(make_pdf: Any, size: str, box: tuple[float, float]) -> None:
    reader, _ = make_pdf(manifest(page_size=size, worksheets=["i-statements"]))
    for page in reader.pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(
            box, abs=0.01
        )


def test_rebuild_is_byte_identical(make_pdf: Any) -> None:
    _, first = make_pdf(manifest(), "a.pdf")
    _, second = make_pdf(manifest(), "b.pdf")
    assert first.path.read_bytes() == second.path.read_bytes()


def test_a_warm_process_builds_the_same_bytes_as_a_fresh_one(tmp_path: Path) -> None:
    """Parsed text, line breaks and drawn operators are reused from build to build in one
    process (a batch); a PDF must not depend on what the process built before it, nor on
    whether drawings were replayed."""
    from workbook.build import build
    from workbook.project import BuildOptions

    spanish = manifest(
        language="es", region="MX", fillable=True, worksheets=[*CORE, "self-care-and-hope"]
    )
    table = {"type": "table", "columns": ["When", "What"], "rows": [["Monday", "A walk"]]}
    for sheet, lines in (("short-rows", 1), ("tall-rows", 3)):  # the same cells, other heights
        blocks = [{**table, "blank_rows": 2, "row_lines": lines}]
        write_yaml(tmp_path / "sheets" / f"{sheet}.yaml", worksheet(sheet, blocks))
    long = " ".join(f"Part {i} has **bold ΑΒΓ** and *italic ΔΕΖ* words." for i in range(90))
    write_yaml(
        tmp_path / "sheets" / "long.yaml", worksheet("long", [{"type": "paragraph", "text": long}])
    )
    sheets = ["short-rows", "tall-rows", "long", *CORE]  # "long" splits across pages
    tables = manifest(worksheets_dirs=["sheets"], worksheets=sheets)
    variants = {"es": spanish, "en": tables, "large": manifest(theme="large-print")}
    warm = {}
    for name in ["en", "es", "large", "es", "en"]:
        path = write_yaml(tmp_path / f"{name}.yaml", variants[name])
        warm[name] = build(
            BuildOptions(manifest=path, output=tmp_path / "warm.pdf", force=True)
        ).pdf
    for name in variants:  # a fresh process that draws everything itself, replaying nothing
        out = tmp_path / f"{name}-fresh.pdf"
        code = (
            "import sys; from workbook.pdf.layout import replay\n"
            "replay.enabled = False\n"
            "from workbook.cli import app; app(sys.argv[1:])"
        )
        command = ["-c", code, "build", str(tmp_path / f"{name}.yaml"), "-o", str(out)]
        subprocess.run([sys.executable, *command], check=True, capture_output=True)
        assert out.read_bytes() == warm[name], name


def test_source_date_epoch_sets_the_date(make_pdf: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    data = manifest(worksheets=["i-statements"])
    del data["date"]
    reader, first = make_pdf(data, "a.pdf")
    assert "November 14, 2023" in page_texts(reader)[0]
    _, second = make_pdf(data, "b.pdf")
    assert first.path.read_bytes() == second.path.read_bytes()


def test_no_date_and_no_epoch_prints_no_date(
    make_pdf: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    data = manifest(worksheets=["i-statements"])
    del data["date"]
    reader, _ = make_pdf(data)
    assert "2026" not in page_texts(reader)[0]


def test_crisis_page_can_be_turned_off_or_replaced(make_pdf: Any) -> None:
    reader, _ = make_pdf(manifest(worksheets=["i-statements"], crisis_page=False))
    assert "worried about safety" not in page_texts(reader)[-1]
    own = [{"name": "Clinic on-call line", "contact": "Call 555-0199"}]
    reader, _ = make_pdf(manifest(worksheets=["i-statements"], crisis_lines=own))
    last = page_texts(reader)[-1]
    assert "Clinic on-call line" in last and "988" not in last.replace("Page", "")


def test_other_region_gets_its_numbers_or_the_generic_page(make_pdf: Any) -> None:
    reader, _ = make_pdf(manifest(worksheets=["i-statements"], region="GB"))
    assert "999" in page_texts(reader)[-1] and "116 123" in page_texts(reader)[-1]
    reader, _ = make_pdf(manifest(worksheets=["i-statements"], region="ZZ"))
    last = page_texts(reader)[-1]
    assert "local emergency number" in last and "988" not in last


def test_facilitator_edition_adds_notes(make_pdf: Any) -> None:
    client, _ = make_pdf(manifest(worksheets=["i-statements"]), "c.pdf")
    facilitator, _ = make_pdf(manifest(worksheets=["i-statements"], edition="facilitator"), "f.pdf")
    assert "Notes for the facilitator" not in "".join(page_texts(client))
    assert "Notes for the facilitator" in "".join(page_texts(facilitator))
    assert "Facilitator edition" in page_texts(facilitator)[0]


def test_core_worksheets_are_one_to_three_pages(example: PdfReader) -> None:
    texts = page_texts(example)
    starts = [i for i, t in enumerate(texts) for title in TITLES.values() if starts_page(t, title)]
    ends = [*starts[1:], len(texts) - 1]
    for start, end in zip(starts, ends, strict=True):
        assert 1 <= end - start <= 3, texts[start][:60]


def test_a4_without_a_region_warns_about_us_numbers(make_pdf: Any) -> None:
    _, result = make_pdf(manifest(worksheets=["i-statements"], page_size="a4"))
    [warning] = result.warnings
    assert "no region given, so the crisis page shows US numbers" in str(warning)
    _, result = make_pdf(manifest(worksheets=["i-statements"], page_size="a4", region="US"))
    assert result.warnings == []


def test_a_malformed_source_date_epoch_is_a_clean_error(
    cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    result = cli("build", "-w", "i-statements", "-o", "/tmp/never-written.pdf")
    assert result.exit_code == 1
    assert (
        "error: SOURCE_DATE_EPOCH is 'yesterday': it must be whole seconds since 1970"
        in result.stderr
    )
