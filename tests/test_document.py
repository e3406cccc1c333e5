"""The document stage: a format-neutral Document that names what the PDF draws."""

from __future__ import annotations

import pickle
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from conftest import body, flat, manifest, page_texts, worksheet, write_yaml
from workbook.build import build
from workbook.document import (
    Blank,
    Crisis,
    Document,
    FillIn,
    Lines,
    Paragraphs,
    Text,
    build_document,
    plain_text,
)
from workbook.library import builtin_dir
from workbook.project import BuildOptions, load_project

BUILT_IN = sorted(p.stem for p in (builtin_dir() / "en").glob("*.yaml"))
LOVED_ONES = {
    "partner": {"name": "Alex", "relationship": "partner"},
    "sibling": {"name": "Jo", "relationship": "sibling"},
    "child-minor": {"name": "Kim", "relationship": "child", "age_group": "minor"},
}


def document_and_pdf(tmp_path: Path, data: dict[str, Any]) -> tuple[Document, PdfReader]:
    path = write_yaml(tmp_path / "manifest.yaml", data)
    document = build_document(load_project(BuildOptions(manifest=path)))
    result = build(BuildOptions(manifest=path, output=tmp_path / "wb.pdf"))
    return document, PdfReader(result.path)


def spoken_names(reader: PdfReader) -> dict[str, str]:
    return {name: str(f.get("/TU")) for name, f in (reader.get_fields() or {}).items()}


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("loved_one", sorted(LOVED_ONES))
def test_fields_and_spoken_names_are_the_pdfs(
    tmp_path: Path, language: str, loved_one: str
) -> None:
    practitioner = {"name": "Jordan Lee", "contact": "555-0100"} if loved_one == "sibling" else None
    data = manifest(worksheets=BUILT_IN, language=language, fillable=True,
                    loved_one=LOVED_ONES[loved_one], prepared_by=practitioner)  # fmt: skip
    document, reader = document_and_pdf(tmp_path, data)
    assert {f.name: f.spoken for f in document.fields} == spoken_names(reader)
    assert len(document.fields) > 200
    assert all(f.language == language for f in document.fields)


@pytest.mark.parametrize("theme", ["default", "large-print", "ink-saver"])
@pytest.mark.parametrize("page_size", ["letter", "a4"])
def test_every_field_is_drawn_wherever_pages_break(
    tmp_path: Path, theme: str, page_size: str
) -> None:
    """However tables split across pages, no row to write in loses its fields (a repeated
    header alone at a page foot once took the next row's); the crisis page may leave out
    blank rows it has no room for, but keeps at least one."""
    data = manifest(worksheets=BUILT_IN, fillable=True, edition="facilitator", theme=theme,
                    page_size=page_size)  # fmt: skip
    document, reader = document_and_pdf(tmp_path, data)
    drawn = set(spoken_names(reader))
    sheets = {f.name for s in document.worksheets for f in s.fields}
    assert sheets <= drawn
    crisis = {f.name for f in crisis_of(document).fields} & drawn
    assert {"_crisis.contacts.r1c1", "_crisis.contacts.r1c2"} <= crisis
    assert drawn - sheets - crisis == set()


def test_own_worksheet_fields_follow_the_contract(tmp_path: Path) -> None:
    blocks = [
        {"type": "lines", "label": "Short", "count": 1},
        {"type": "table", "columns": ["A", "B"], "rows": [["x"], ["", "y"]], "blank_rows": 1},
        {"type": "fill_in", "when": "false", "template": "Left ___ out"},
        {"type": "fill_in", "template": "I **feel** ___ when ___"},
        {"type": "checklist", "items": ["one", "two"]},
        {"type": "scale", "label": "How much?", "min": 1, "max": 5},
    ]
    write_yaml(tmp_path / "own" / "mine.yaml", worksheet(blocks=blocks))
    data = manifest(worksheets=["mine"], worksheets_dirs=["own"], fillable=True)
    document, reader = document_and_pdf(tmp_path, data)
    names = [f.name for f in document.worksheets[0].fields]
    assert names == ["mine.lines.1.1", "mine.lines.1.2", "mine.lines.1.3",
                     "mine.table.1.r1c2", "mine.table.1.r2c1", "mine.table.1.r3c1",
                     "mine.table.1.r3c2", "mine.fill_in.2.blank1", "mine.fill_in.2.blank2",
                     "mine.checklist.1.item1", "mine.checklist.1.item2", "mine.scale.1"]  # fmt: skip
    assert {f.name: f.spoken for f in document.fields} == spoken_names(reader)
    scale = document.fields[names.index("mine.scale.1")]
    assert (scale.kind, scale.values) == ("radio", ("1", "2", "3", "4", "5"))
    fill_in = next(b for b in document.worksheets[0].blocks if isinstance(b, FillIn))
    assert fill_in.sentence == (
        Text("I "), Text("feel", bold=True), Text(" "), Blank(1, fill_in.sentence[3].field),  # type: ignore[union-attr]
        Text(" when "), Blank(2, fill_in.sentence[5].field),  # type: ignore[union-attr]
    )  # fmt: skip


def test_lines_that_fill_the_page_continue_the_numbering(tmp_path: Path) -> None:
    blocks = [{"type": "lines", "label": "Notes:", "count": 2, "fill": True}]
    write_yaml(tmp_path / "own" / "mine.yaml", worksheet(blocks=blocks))
    data = manifest(worksheets=["mine"], worksheets_dirs=["own"], fillable=True, crisis_page=False)
    document, reader = document_and_pdf(tmp_path, data)
    lines = document.worksheets[0].blocks[0]
    assert isinstance(lines, Lines) and lines.fill and lines.count == 3
    pdf = spoken_names(reader)
    assert len(pdf) > 3
    assert {lines.field(n).name: lines.field(n).spoken for n in range(1, len(pdf) + 1)} == pdf


@pytest.mark.parametrize("language", ["en", "es"])
def test_sections_in_order_match_the_outline(tmp_path: Path, language: str) -> None:
    document, reader = document_and_pdf(tmp_path, manifest(worksheets=BUILT_IN, language=language))
    keys = [s.key for s in document.sections]
    assert keys == ["cover", "how-to", "contents", *[f"ws-{i}" for i in BUILT_IN], "crisis"]
    assert list(document.outline) == [item.title for item in reader.outline]
    assert {s.language for s in document.sections} == {language}
    no_crisis = build_document(load_project(BuildOptions(manifest=tmp_path / "manifest.yaml",
                                                         overrides={"crisis_page": False})))  # fmt: skip
    assert [s.key for s in no_crisis.sections][-1] == f"ws-{BUILT_IN[-1]}"


def test_a_worksheet_that_fell_back_to_english_says_en(tmp_path: Path) -> None:
    write_yaml(tmp_path / "own" / "en" / "mine.yaml", worksheet())
    data = manifest(worksheets=["mine", "i-statements"], worksheets_dirs=["own"], language="es")
    document = build_document(
        load_project(BuildOptions(manifest=write_yaml(tmp_path / "m.yaml", data)))
    )
    languages = {s.key: s.language for s in document.sections}
    assert languages["ws-mine"] == "en" and languages["ws-i-statements"] == "es"
    assert languages["cover"] == languages["crisis"] == "es"
    contents = document.sections[2]
    assert [e.language for e in contents.entries] == ["en", "es", "es"]  # type: ignore[union-attr]


@pytest.mark.parametrize("edition", ["client", "facilitator"])
def test_facilitator_notes_only_in_the_facilitator_edition(tmp_path: Path, edition: str) -> None:
    document, reader = document_and_pdf(tmp_path, manifest(worksheets=BUILT_IN, edition=edition))
    notes = [s.notes for s in document.worksheets]
    text = flat(" ".join(page_texts(reader)))
    if edition == "client":
        assert notes == [None] * len(BUILT_IN)
        assert "Notes for the facilitator" not in text
    else:
        assert all(notes)
        assert text.count("Notes for the facilitator") == len(BUILT_IN)
    assert document.edition == edition


def test_how_to_is_for_the_reader_alone_without_a_loved_one(tmp_path: Path) -> None:
    write_yaml(tmp_path / "own" / "mine.yaml", worksheet(audience="self"))
    data = manifest(worksheets=["mine"], worksheets_dirs=["own"])
    del data["loved_one"]
    alone, reader = document_and_pdf(tmp_path, data)
    supporter = build_document(
        load_project(BuildOptions(manifest=write_yaml(tmp_path / "s.yaml", manifest())))
    )
    how_to, other = alone.sections[1], supporter.sections[1]
    assert how_to.self_help and not other.self_help  # type: ignore[union-attr]
    assert how_to.paragraphs != other.paragraphs  # type: ignore[union-attr]
    page = flat(body(page_texts(reader)[1]))
    first = plain_text(how_to.paragraphs[0])  # type: ignore[union-attr]
    assert " ".join(first.split())[:60] in page


def crisis_of(document: Document) -> Crisis:
    section = document.sections[-1]
    assert isinstance(section, Crisis)
    return section


@pytest.mark.parametrize(
    ("fields", "source", "names", "emergency"),
    [
        ({"region": "US"}, "region", ["988 Suicide & Crisis Lifeline"], "911"),
        ({"region": "GB", "page_size": "a4"}, "region", ["Samaritans"], "999"),
        ({"region": "ZZ"}, "generic", [], "your local emergency number"),
        ({"region": "ZZ", "crisis_lines": [{"name": "Line *A*", "contact": "Call 555-0199",
                                            "note": "Nights"}, {"name": "B", "contact": "b@x"}]},
         "manifest", ["Line *A*", "B"], "your local emergency number"),
    ],
)  # fmt: skip
def test_crisis_contacts_match_the_crisis_page(
    tmp_path: Path, fields: dict[str, Any], source: str, names: list[str], emergency: str
) -> None:
    document, reader = document_and_pdf(tmp_path, manifest(worksheets=["i-statements"], **fields))
    crisis = crisis_of(document)
    page = flat(page_texts(reader)[-1])
    assert (crisis.lines_from, [x.name for x in crisis.lines]) == (source, names)
    assert crisis.emergency.lower() == emergency and emergency in page.lower()
    for line in crisis.lines:
        assert f"{line.name} \u2014 {line.contact}" in page
        assert line.note is None or line.note in page
    assert (crisis.generic is None) == bool(names)
    if crisis.generic:
        assert flat(plain_text(crisis.generic)) in page
    for step in crisis.steps:
        assert flat(plain_text(step))[:40] in page


def test_personal_text_is_one_plain_run(tmp_path: Path) -> None:
    data = manifest(recipient={"name": "**x** <b>"}, title="A \\*title*", edition="facilitator")
    document = build_document(
        load_project(BuildOptions(manifest=write_yaml(tmp_path / "m.yaml", data)))
    )
    cover = document.sections[0]
    assert cover.prepared_for == (Text("Prepared for **x** <b>"),)  # type: ignore[union-attr]
    assert cover.title == (Text("A \\*title*"),)  # type: ignore[union-attr]
    assert cover.edition == (Text("Facilitator edition", bold=True),)  # type: ignore[union-attr]
    assert document.metadata.title == "A \\*title*"


def test_inline_markup_becomes_typed_runs(tmp_path: Path) -> None:
    blocks = [{"type": "paragraph", "text": "a **b** *c* \\*d* **unclosed\n\nsecond"}]
    write_yaml(tmp_path / "own" / "mine.yaml", worksheet(blocks=blocks))
    data = manifest(worksheets=["mine"], worksheets_dirs=["own"], recipient={"name": "*Zoë*"})
    document = build_document(
        load_project(BuildOptions(manifest=write_yaml(tmp_path / "m.yaml", data)))
    )
    para = document.worksheets[0].blocks[0]
    assert isinstance(para, Paragraphs)
    assert para.paragraphs == (
        (Text("a "), Text("b", bold=True), Text(" "), Text("c", italic=True),
         Text(" *d* **unclosed")),
        (Text("second"),),
    )  # fmt: skip
    assert para.source.what == "worksheet 'mine', block 1 (paragraph)"
    assert str(para.source.location).endswith("mine.yaml:9:3")


def test_building_a_document_does_not_import_reportlab(tmp_path: Path) -> None:
    """Loading a project checks the theme's fonts with ReportLab (theme.load_theme), so the
    project is loaded here and handed, pickled, to a fresh interpreter that builds the
    document from it."""
    path = write_yaml(tmp_path / "m.yaml", manifest(worksheets=BUILT_IN, fillable=True))
    project = tmp_path / "project.pickle"
    project.write_bytes(pickle.dumps(load_project(BuildOptions(manifest=path))))
    code = (
        "import pickle, sys\n"
        "from pathlib import Path\n"
        "from workbook.document import build_document\n"
        f"doc = build_document(pickle.loads(Path({str(project)!r}).read_bytes()))\n"
        "assert doc.fields, 'no fields'\n"
        "assert 'reportlab' not in sys.modules, 'reportlab imported'\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_facilitator_notes_keep_their_paragraphs(tmp_path: Path) -> None:
    """Notes written as paragraphs (a blank line between) stay paragraphs: in the document,
    in the PDF (an empty line between them in the box) and in the web edition (one <p> each).
    They used to run together into one paragraph."""
    notes = "First thought, at the end of a line.\n\nSecond thought.\n  Same paragraph.\n"
    write_yaml(tmp_path / "mine" / "mine.yaml", worksheet(facilitator_notes=notes))
    data = manifest(worksheets=["mine"], worksheets_dirs=["mine"], edition="facilitator")
    document, reader = document_and_pdf(tmp_path, data)
    paragraphs = document.worksheets[0].notes.paragraphs  # type: ignore[union-attr]
    assert [flat(plain_text(p)) for p in paragraphs] == [
        "First thought, at the end of a line.",
        "Second thought. Same paragraph.",
    ]
    text = "\n".join(page_texts(reader))
    assert re.search(r"end of a line\.\s*\n\s*Second thought\. Same paragraph\.", text), text
    html = build(BuildOptions(write_yaml(tmp_path / "web.yaml", {**data, "format": "html"}),
                              tmp_path / "web.html")).path  # fmt: skip
    assert html is not None
    box = re.search(r'<div class="notes" role="note">(.*?)</div>', html.read_text("utf-8"), re.S)
    assert box is not None and box.group(1).count("<p>") == 2
