"""The fillable edition: every writing place is a form field with a stable name."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader, PdfWriter

from conftest import manifest, worksheet, write_yaml

BLOCKS: list[dict[str, Any]] = [
    {"type": "lines", "label": "Write", "count": 3},
    {"type": "fill_in", "template": "I feel ___ when ___."},
    {"type": "table", "columns": ["A", "B"], "rows": [["a1"]], "blank_rows": 2},
    {"type": "checklist", "items": ["one", "two"]},
    {"type": "scale", "label": "How much?", "min": 0, "max": 4},
    {"type": "lines", "count": 2, "when": "loved_one.relationship == 'parent'"},
    {"type": "lines", "count": 2},
]
EXPECTED = {
    "mine.lines.1.1": "/Tx",
    "mine.lines.1.3": "/Tx",
    "mine.fill_in.1.blank1": "/Tx",
    "mine.fill_in.1.blank2": "/Tx",
    "mine.table.1.r1c2": "/Tx",  # the missing cell of a short row
    "mine.table.1.r2c1": "/Tx",
    "mine.table.1.r3c2": "/Tx",
    "mine.checklist.1.item1": "/Btn",
    "mine.checklist.1.item2": "/Btn",
    "mine.scale.1": "/Btn",
    "mine.lines.3.2": "/Tx",  # lines.2 is left out for a partner, yet the numbering holds
    "_crisis.contacts.r1c1": "/Tx",
}


@pytest.fixture
def fillable(tmp_path: Path, make_pdf: Any) -> Path:
    write_yaml(tmp_path / "mine" / "mine.yaml", worksheet(blocks=BLOCKS))
    data = manifest(worksheets=["mine"], worksheets_dirs=["mine"], fillable=True)
    return make_pdf(data, "fill.pdf")[1].path


def test_every_writing_place_is_a_field(fillable: Path) -> None:
    fields = PdfReader(fillable).get_fields()
    for name, kind in EXPECTED.items():
        assert fields[name]["/FT"] == kind, name
    assert not [name for name in fields if name.startswith("mine.lines.2")]
    assert "mine.table.1.r1c1" not in fields  # a cell with text is not a field
    assert sorted(fields["mine.scale.1"]["/_States_"]) == ["/0", "/1", "/2", "/3", "/4"]


def test_print_edition_has_no_fields(tmp_path: Path, make_pdf: Any) -> None:
    write_yaml(tmp_path / "mine" / "mine.yaml", worksheet(blocks=BLOCKS))
    reader, _ = make_pdf(manifest(worksheets=["mine"], worksheets_dirs=["mine"]))
    assert not reader.get_fields()


def test_field_names_are_stable_across_builds(
    tmp_path: Path, make_pdf: Any, fillable: Path
) -> None:
    write_yaml(tmp_path / "mine" / "mine.yaml", worksheet(blocks=BLOCKS))
    data = manifest(worksheets=["mine"], worksheets_dirs=["mine"], fillable=True, page_size="a4")
    again = make_pdf(data, "again.pdf")[1].path
    assert list(PdfReader(fillable).get_fields()) == list(PdfReader(again).get_fields())


def fill(path: Path) -> None:
    writer = PdfWriter(clone_from=PdfReader(path))
    values = {
        "mine.lines.1.1": "first line",
        "mine.fill_in.1.blank1": "worried",
        "mine.table.1.r2c1": "cell",
        "mine.checklist.1.item2": "/Yes",
        "mine.scale.1": "/3",
    }
    for page in writer.pages:
        writer.update_page_form_field_values(page, values, auto_regenerate=False)
    writer.write(path)


def test_fields_can_be_filled_and_read_back(fillable: Path) -> None:
    fill(fillable)
    fields = PdfReader(fillable).get_fields()
    assert fields["mine.lines.1.1"]["/V"] == "first line"
    assert fields["mine.fill_in.1.blank1"]["/V"] == "worried"
    assert fields["mine.table.1.r2c1"]["/V"] == "cell"
    assert fields["mine.checklist.1.item2"]["/V"] == "/Yes"
    assert fields["mine.scale.1"]["/V"] == "/3"


def test_rebuild_refuses_to_overwrite_answers(fillable: Path, cli: Any, tmp_path: Path) -> None:
    fill(fillable)
    before = fillable.read_bytes()
    result = cli("build", tmp_path / "manifest.yaml", "-o", fillable)
    assert result.exit_code == 1
    assert f"{fillable}: error: this PDF holds answers in 5 form field(s)" in result.stderr
    assert "use --keep-answers" in result.stderr and "--force to replace it" in result.stderr
    assert fillable.read_bytes() == before
    forced = cli("build", tmp_path / "manifest.yaml", "-o", fillable, "--force")
    assert forced.exit_code == 0
    values = [f.get("/V") for f in PdfReader(fillable).get_fields().values()]
    assert set(values) <= {None, "", "/Off"}


def test_an_unanswered_workbook_is_simply_rebuilt(fillable: Path, cli: Any, tmp_path: Path) -> None:
    assert cli("build", tmp_path / "manifest.yaml", "-o", fillable).exit_code == 0


def test_refuses_to_overwrite_files_workbook_did_not_write(cli: Any, tmp_path: Path) -> None:
    path = write_yaml(tmp_path / "m.yaml", manifest(worksheets=["i-statements"]))
    other = tmp_path / "thesis.pdf"
    other.write_bytes(b"not really a pdf")
    result = cli("build", path, "-o", other)
    assert result.exit_code == 1 and "not a PDF that workbook wrote" in result.stderr
    assert other.read_bytes() == b"not really a pdf"
    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    writer.write(other)
    result = cli("build", path, "-o", other)
    assert result.exit_code == 1 and "was not written by workbook" in result.stderr


def test_password_protects_with_aes_256(cli: Any, tmp_path: Path, monkeypatch: Any) -> None:
    path = write_yaml(tmp_path / "m.yaml", manifest(worksheets=["i-statements"], fillable=True))
    out = tmp_path / "locked.pdf"
    monkeypatch.setenv("WORKBOOK_PASSWORD", "s3cret words")
    assert cli("build", path, "-o", out).exit_code == 0
    reader = PdfReader(out)
    assert reader.is_encrypted
    assert reader.decrypt("wrong") == 0
    assert reader.decrypt("s3cret words") != 0
    assert "Prepared for Sam Rivera" in reader.pages[0].extract_text()
    encryption = reader.trailer["/Encrypt"]
    assert encryption["/V"] == 5 and encryption["/R"] == 6  # AES-256
    permissions = int(encryption["/P"])
    assert (
        permissions & 4 and permissions & 256 and permissions & 2048
    )  # print, fill in, print well
    assert reader.get_fields()
    assert "s3cret" not in (cli("build", path, "-o", tmp_path / "x.pdf", "--password", "p").output)


def test_no_javascript_or_launch_actions(fillable: Path) -> None:
    reader = PdfReader(fillable)
    root = reader.trailer["/Root"]
    assert "/OpenAction" not in root and "/AA" not in root
    assert "/JavaScript" not in root.get("/Names", {})
    for page in reader.pages:
        for annot in page.get("/Annots", []):
            action = annot.get_object().get("/A", {})
            assert action.get("/S") not in ("/JavaScript", "/Launch")


@pytest.mark.parametrize("relationship", ["partner", "sibling", "child"])
def test_every_language_has_the_same_fields(make_pdf: Any, relationship: str) -> None:
    """Answers move between editions by field name: a table split at a page foot once lost a
    blank row's fields in Spanish only (the row was cut, and a field cannot be)."""
    from workbook.library import available, search_dirs

    names = {}
    for language in ("en", "es"):
        data = manifest(worksheets=sorted(available("en", search_dirs([]))), language=language,
                        fillable=True, loved_one={"name": "Alex", "relationship": relationship})  # fmt: skip
        names[language] = set(make_pdf(data, f"{language}.pdf")[0].get_fields())
    assert names["en"] == names["es"]
