"""Reading answers back: `workbook answers` on fillable workbooks filled and saved by pypdf,
PDF.js (Firefox's viewer, through Node), PDFium (Chrome's, through pypdfium2) and qpdf."""

from __future__ import annotations

import csv
import ctypes
import io
import json
import logging
import os
import re
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

from conftest import manifest, tool, write_yaml
from workbook.answers.formats import field_order
from workbook.answers.model import read_answers
from workbook.build import build
from workbook.document import Checklist, FillIn, Lines, Scale, Table, build_document, plain_text
from workbook.project import BuildOptions, load_project

PDFJS = Path(__file__).parent / "pdfjs"
SHEETS = ["i-statements", "boundary-planning"]  # tables, fill-ins, lines, a scale, a checklist
# text -> str, check box -> bool, scale -> int: what each program is asked to fill in
VALUES: dict[str, Any] = {
    "i-statements.fill_in.1.blank1": "hurt é ñ",
    "i-statements.fill_in.1.blank3": "Дмитрий",
    "i-statements.lines.1.1": "Nguyễn called,",
    "i-statements.lines.1.3": "and we talked.",
    "i-statements.table.1.r6c1": "first line\nsecond line",
    "boundary-planning.checklist.1.item2": True,
    "boundary-planning.scale.1": 7,
    "_crisis.contacts.r1c1": "Ana Muñoz",
}


def workbook(folder: Path, name: str = "wb", **fields: Any) -> Path:
    data = manifest(worksheets=fields.pop("worksheets", SHEETS), fillable=True, **fields)
    path = write_yaml(folder / f"{name}.yaml", data)
    return build(BuildOptions(manifest=path, output=folder / f"{name}.pdf", force=True)).path


@pytest.fixture(scope="module")
def blank(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return workbook(tmp_path_factory.mktemp("answers"))


def values(path: Path, password: str | None = None) -> dict[str, Any]:
    return {a.name: a.value for a in read_answers(path, password).answers}


def assert_filled(path: Path, expected: dict[str, Any] = VALUES) -> None:
    """The values asked for, and every other field empty (text "", unticked, no number)."""
    got = values(path)
    for name, value in got.items():
        empty = False if name.split(".")[1] == "checklist" else None if ".scale." in name else ""
        assert value == expected.get(name, empty), name


def fill_pypdf(source: Path, target: Path, fill: dict[str, Any], *, regenerate: bool = False,
               incremental: bool = False) -> Path:  # fmt: skip
    """As a program using pypdf would: check boxes to /Yes, scales to the number's state."""
    writer = PdfWriter(source, incremental=True) if incremental else PdfWriter(clone_from=source)
    said = {k: f"/{v}" if isinstance(v, int) and not isinstance(v, bool)
            else ("/Yes" if v else "/Off") if isinstance(v, bool) else v for k, v in fill.items()}  # fmt: skip
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.CRITICAL)  # its warnings may quote the values filled in
    try:
        writer.update_page_form_field_values(None, said, auto_regenerate=regenerate)
    finally:
        logger.setLevel(level)
    writer.write(target)
    return target


# -- questions and names come from the document ------------------------------------------


@pytest.mark.parametrize("language", ["en", "es"])
def test_an_unfilled_workbook_gives_every_field_empty_with_its_printed_question(
    tmp_path: Path, language: str
) -> None:
    path = workbook(tmp_path, language=language)
    book = read_answers(path)
    document = build_document(load_project(BuildOptions(manifest=tmp_path / "wb.yaml")))
    assert [a.name for a in book.answers] == [f.name for f in document.fields]
    assert_filled(path, {})
    assert (book.title, book.recipient, book.language) == ("Opening the door", "Sam Rivera",
                                                           language)  # fmt: skip
    assert [s.id for s in book.worksheets] == [*SHEETS, "_crisis"]
    assert [s.title for s in book.worksheets[:2]] == [
        plain_text(s.title) for s in document.worksheets
    ]
    blocks = {b.id: b for s in book.worksheets for b in s.blocks}
    for section in document.worksheets:
        for block in section.blocks:
            if isinstance(block, Checklist):
                read = [a.question for a in blocks[_block_id(block.items[0].field.name)].answers]
                assert read == [plain_text(item.text) for item in block.items]
            elif isinstance(block, Lines):
                label = plain_text(block.label or ()).rstrip(":")
                assert blocks[block.name].question == label
            elif isinstance(block, FillIn):
                first = next(r for r in block.sentence if not hasattr(r, "text"))
                said = blocks[_block_id(first.field.name)].question  # type: ignore[union-attr]
                printed = " ".join(re.sub(r"_{3,}", "___", plain_text(block.sentence)).split())
                assert _fits(said, printed), (said, printed)
            elif isinstance(block, Scale):
                assert blocks[block.field.name].question == plain_text(block.label)
            elif isinstance(block, Table):
                field = next(c.field for row in block.rows for c in row if c.field)
                table = blocks[_block_id(field.name)]
                assert table.question == " | ".join(plain_text(c) for c in block.columns)
                assert table.answers[0].question.startswith(plain_text(block.columns[0]))


def _fits(said: str | None, printed: str) -> bool:
    """The sentence as read back is the printed one, or (where a blank's spoken name gives
    only the words either side of it) its pieces in order with … for what was left out."""
    pattern = r"\s*.*?\s*".join(re.escape(p.strip()) for p in (said or "").split("…"))
    return re.fullmatch(pattern, printed) is not None


def _block_id(field: str) -> str:
    return field.rsplit(".", 1)[0]


# -- filled and saved by other programs -------------------------------------------------


@pytest.mark.parametrize("regenerate", [False, True], ids=["as-is", "auto_regenerate"])
def test_filled_by_pypdf(blank: Path, tmp_path: Path, regenerate: bool) -> None:
    assert_filled(fill_pypdf(blank, tmp_path / "f.pdf", VALUES, regenerate=regenerate))


def test_incremental_updates_read_as_the_last_one_left_them(blank: Path, tmp_path: Path) -> None:
    first = fill_pypdf(blank, tmp_path / "1.pdf", VALUES, incremental=True)
    again = {"i-statements.lines.1.1": "changed my mind", "boundary-planning.checklist.1.item2":
             False, "boundary-planning.scale.1": 3}  # fmt: skip
    second = fill_pypdf(first, tmp_path / "2.pdf", again, incremental=True)
    assert second.read_bytes().startswith(blank.read_bytes())  # two updates appended
    assert second.read_bytes().count(b"%%EOF") == 3
    assert_filled(second, {**VALUES, **again})


def test_appearances_regenerated_by_qpdf(blank: Path, tmp_path: Path) -> None:
    filled = fill_pypdf(blank, tmp_path / "f.pdf", VALUES)
    out = tmp_path / "qpdf.pdf"
    done = subprocess.run([tool("qpdf"), "--generate-appearances", filled, out],
                          capture_output=True, text=True)  # fmt: skip
    assert done.returncode in (0, 3), done.stderr  # 3: warnings only
    assert_filled(out)


def pdfjs() -> list[str]:
    node = tool("node")
    if not (PDFJS / "node_modules" / "pdfjs-dist" / "legacy" / "build" / "pdf.mjs").is_file():
        if os.environ.get("CI"):
            pytest.fail("pdfjs-dist is not installed in tests/pdfjs; .ci/run installs it")
        pytest.skip("pdfjs-dist is not installed: run `npm ci` in tests/pdfjs")
    return [node, str(PDFJS / "fill.mjs")]


def fill_pdfjs(source: Path, target: Path, fill: dict[str, Any], password: str = "") -> Path:
    """As Firefox's viewer does: values into annotationStorage, then saveDocument()."""
    said = {k: str(v) if isinstance(v, int) and not isinstance(v, bool) else v
            for k, v in fill.items()}  # fmt: skip
    spec = target.with_suffix(".json")
    spec.write_text(json.dumps(said), encoding="utf-8")
    done = subprocess.run([*pdfjs(), source, target, spec], capture_output=True, text=True,
                          timeout=120, env={**os.environ, "PDFJS_PASSWORD": password})  # fmt: skip
    assert done.returncode == 0, done.stderr
    return target


def test_filled_and_saved_by_pdfjs_twice(blank: Path, tmp_path: Path) -> None:
    first = fill_pdfjs(blank, tmp_path / "1.pdf", VALUES)
    assert first.read_bytes().startswith(blank.read_bytes())  # PDF.js appends an update
    assert_filled(first)
    again = {"i-statements.fill_in.1.blank1": "Ñandú", "boundary-planning.checklist.1.item2":
             False, "boundary-planning.checklist.1.item5": True, "boundary-planning.scale.1": 10}  # fmt: skip
    assert_filled(fill_pdfjs(first, tmp_path / "2.pdf", again), {**VALUES, **again})


def fill_pdfium(source: Path, target: Path, fill: dict[str, Any]) -> Path:
    """As Chrome's viewer does: typed into the focused field, boxes and buttons clicked, the
    whole file saved (PDFiumEngine::GetSaveData: FPDF_SaveAsCopy with flags 0)."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    def text_of(getter: Any, form: Any, annot: Any) -> str:
        size = getter(form, annot, None, 0)
        buffer = ctypes.create_string_buffer(size)
        getter(form, annot, ctypes.cast(buffer, ctypes.POINTER(raw.FPDF_WCHAR)), size)
        return buffer.raw[: size - 2].decode("utf-16-le")

    doc = pdfium.PdfDocument(source)
    doc.init_forms()
    form = doc.formenv.raw
    for page in doc:
        for index in range(raw.FPDFPage_GetAnnotCount(page.raw)):
            annot = raw.FPDFPage_GetAnnot(page.raw, index)
            name = text_of(raw.FPDFAnnot_GetFormFieldName, form, annot)
            value = fill.get(name)
            kind = raw.FPDFAnnot_GetFormFieldType(form, annot)
            if kind == raw.FPDF_FORMFIELD_TEXTFIELD and isinstance(value, str):
                typed = ctypes.create_string_buffer((value + "\0").encode("utf-16-le"))
                raw.FORM_SetFocusedAnnot(form, annot)
                raw.FORM_SelectAllText(form, page.raw)
                raw.FORM_ReplaceSelection(form, page.raw, ctypes.cast(
                    typed, ctypes.POINTER(raw.FPDF_WCHAR)))  # fmt: skip
            elif value is True or (kind == raw.FPDF_FORMFIELD_RADIOBUTTON and value is not None
                                   and text_of(raw.FPDFAnnot_GetFormFieldExportValue, form,
                                               annot) == str(value)):  # fmt: skip
                rect = raw.FS_RECTF()
                raw.FPDFAnnot_GetRect(annot, rect)
                x, y = (rect.left + rect.right) / 2, (rect.top + rect.bottom) / 2
                raw.FORM_OnLButtonDown(form, page.raw, 0, x, y)
                raw.FORM_OnLButtonUp(form, page.raw, 0, x, y)
            raw.FORM_ForceToKillFocus(form)
            raw.FPDFPage_CloseAnnot(annot)
        page.close()
    doc.save(target, flags=0)
    doc.close()
    return target


def test_filled_and_saved_by_pdfium(blank: Path, tmp_path: Path) -> None:
    assert_filled(fill_pdfium(blank, tmp_path / "chrome.pdf", VALUES))


def test_check_boxes_and_scales_whatever_their_on_state_is_called(
    blank: Path, tmp_path: Path
) -> None:
    """/Yes, /On, /1 …: anything but /Off is ticked; with no value, what the widget shows."""
    writer = PdfWriter(clone_from=blank)
    fields = {str(f.get("/T")): f for f in (r.get_object() for r in writer._root_object["/AcroForm"]["/Fields"])}  # fmt: skip
    first, second, third = (fields[f"boundary-planning.checklist.1.item{n}"] for n in (1, 2, 3))
    first[NameObject("/V")] = first[NameObject("/AS")] = NameObject("/On")
    second[NameObject("/AS")] = NameObject("/1")  # no /V at all: as the widget shows it
    del second["/V"]
    third[NameObject("/V")] = NameObject("/Off")
    scale = fields["boundary-planning.scale.1"]
    scale.pop("/V", None)
    for kid in scale["/Kids"]:  # no /V: the button that shows as on
        states = [s for s in kid.get_object()["/AP"]["/N"] if s != "/Off"]
        kid.get_object()[NameObject("/AS")] = NameObject("/4" if states == ["/4"] else "/Off")
    writer.write(tmp_path / "states.pdf")
    got = values(tmp_path / "states.pdf")
    assert [got[f"boundary-planning.checklist.1.item{n}"] for n in (1, 2, 3, 4)] == [
        True, True, False, False]  # fmt: skip
    assert got["boundary-planning.scale.1"] == 4


def test_names_split_into_a_field_hierarchy_read_the_same(blank: Path, tmp_path: Path) -> None:
    """As an editor that restructures `a.b.c` into parent fields saves it: the full name is
    the names joined with dots, the type and value inherited from the parent."""
    filled = fill_pypdf(blank, tmp_path / "f.pdf", VALUES)
    writer = PdfWriter(clone_from=filled)
    form = writer._root_object["/AcroForm"]["/Fields"]
    index, ref = next(
        (i, r) for i, r in enumerate(form) if r.get_object()["/T"] == "i-statements.lines.1.1"
    )
    field = ref.get_object()
    parent = DictionaryObject({NameObject("/T"): TextStringObject("i-statements.lines.1"),
                               NameObject("/FT"): field.pop("/FT"),
                               NameObject("/V"): field.pop("/V"),
                               NameObject("/Kids"): ArrayObject([ref])})  # fmt: skip
    field[NameObject("/T")] = TextStringObject("1")
    field[NameObject("/Parent")] = form[index] = writer._add_object(parent)
    form.append(writer._add_object(DictionaryObject({
        NameObject("/T"): TextStringObject("Signature1"), NameObject("/FT"): NameObject("/Sig")})))  # fmt: skip
    writer.write(tmp_path / "tree.pdf")
    assert_filled(tmp_path / "tree.pdf")  # and a field not named as workbook names them is left out


def test_a_password_protected_workbook(tmp_path: Path, cli: Any) -> None:
    path = tmp_path / "locked.pdf"
    built = cli("build", write_yaml(tmp_path / "m.yaml", manifest(worksheets=["i-statements"])),
                "--fillable", "--password", "s3cret", "-o", path)  # fmt: skip
    assert built.exit_code == 0, built.output
    done = cli("answers", path, env={"WORKBOOK_PASSWORD": ""})
    assert done.exit_code == 1 and "password-protected" in done.output and str(path) in done.output
    assert "does not open" in cli("answers", path, "--password", "nope").output
    assert cli("answers", path, "--password", "s3cret").exit_code == 0
    opened = cli("answers", path, "--json", env={"WORKBOOK_PASSWORD": "s3cret"})
    assert json.loads(opened.stdout)["worksheets"][0]["id"] == "i-statements"
    filled = fill_pdfjs(
        path, tmp_path / "filled.pdf", {"i-statements.lines.1.1": "Ñandú"}, "s3cret"
    )
    assert values(filled, "s3cret")["i-statements.lines.1.1"] == "Ñandú"


# -- output ------------------------------------------------------------------------------


def test_json_text_and_a_lines_block_joined(blank: Path, tmp_path: Path, cli: Any) -> None:
    filled = fill_pypdf(blank, tmp_path / "f.pdf", VALUES)
    data = json.loads(cli("answers", filled, "--json").stdout)
    assert list(data) == ["workbook_answers", "file", "title", "recipient", "language",
                          "worksheets"]  # fmt: skip
    assert data["file"] == str(filled) and data["recipient"] == "Sam Rivera"
    sheet = data["worksheets"][0]
    assert (sheet["id"], list(sheet["blocks"][0])) == (
        "i-statements",
        ["id", "type", "question", "text", "fields"],
    )
    lines = next(b for b in sheet["blocks"] if b["type"] == "lines")
    assert lines["text"] == "Nguyễn called,\n\nand we talked."
    assert lines["fields"][1] == {"name": "i-statements.lines.1.2", "kind": "text",
                                  "question": lines["question"], "value": ""}  # fmt: skip
    several = json.loads(cli("answers", filled, blank, "--json").stdout)
    assert [d["file"] for d in several] == [str(filled), str(blank)]
    listing = cli("answers", filled).stdout
    assert listing.startswith(f"Answers read by workbook from {filled}\n")
    for shown in ("    blank 1: hurt é ñ", "    blank 3: Дмитрий", "    [x] ", "scale 1: ",
                  "    7\n", "    Nguyễn called,\n\n    and we talked.\n", "second line"):  # fmt: skip
        assert shown in listing, shown


def test_csv_of_workbooks_with_different_worksheets(tmp_path: Path, cli: Any) -> None:
    one = fill_pypdf(workbook(tmp_path, "one", worksheets=["i-statements"]), tmp_path / "a.pdf",
                     {"i-statements.lines.1.1": "=HYPERLINK(1)", "i-statements.fill_in.1.blank1": "x"})  # fmt: skip
    two = fill_pypdf(workbook(tmp_path, "two", worksheets=["boundary-planning", "i-statements"]),
                     tmp_path / "b.pdf", {"i-statements.fill_in.1.blank1": "y",
                                          "boundary-planning.scale.1": 2})  # fmt: skip
    done = cli("answers", one, two, "--csv", "-o", tmp_path / "out.csv")
    assert done.exit_code == 0, done.output
    data = (tmp_path / "out.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbffile,title,recipient,")  # a BOM: spreadsheets read UTF-8
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    names = [f.name for f in read_answers(two).answers]
    header = list(rows[0])
    assert header[:3] == ["file", "title", "recipient"] and sorted(header[3:]) == sorted(names)
    assert header.index("boundary-planning.scale.1") < header.index("i-statements.table.1.r6c1")
    assert [r["i-statements.fill_in.1.blank1"] for r in rows] == ["x", "y"]
    assert rows[0]["i-statements.lines.1.1"] == "'=HYPERLINK(1)"  # never run as a formula
    assert (rows[0]["boundary-planning.scale.1"], rows[1]["boundary-planning.scale.1"]) == ("", "2")
    assert rows[1]["boundary-planning.checklist.1.item1"] == ""
    again = cli("answers", one, "-o", tmp_path / "out.csv")  # our own file: replaced
    assert again.exit_code == 0 and (tmp_path / "out.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_field_order_is_the_union_in_document_order() -> None:
    assert field_order([["a", "c"], ["a", "b", "c", "d"], ["x", "c"]]) == ["x", "a", "b", "c", "d"]


def test_output_goes_only_where_told_and_never_over_another_file(blank: Path, tmp_path: Path,
                                                                 cli: Any) -> None:  # fmt: skip
    notes = tmp_path / "notes.txt"
    notes.write_text("mine", encoding="utf-8")
    refused = cli("answers", blank, "-o", notes)
    assert refused.exit_code == 1 and "not an answers file" in refused.output
    assert notes.read_text(encoding="utf-8") == "mine"
    assert cli("answers", blank, "-o", notes, "--force").exit_code == 0
    assert "is one of this command's own input" in cli("answers", blank, "-o", blank).output
    for suffix, start in ((".json", "{"), (".txt", "Answers read by workbook")):
        out = tmp_path / f"a{suffix}"
        assert cli("answers", blank, "-o", out).exit_code == 0
        assert out.read_text(encoding="utf-8").startswith(start)
        assert cli("answers", blank, "-o", out).exit_code == 0  # its own file: replaced
    assert cli("answers", blank, "--json", "--csv").exit_code == 2


def test_answers_never_reach_the_logs(blank: Path, tmp_path: Path, cli: Any,
                                      caplog: pytest.LogCaptureFixture) -> None:  # fmt: skip
    filled = fill_pypdf(blank, tmp_path / "f.pdf", VALUES)
    caplog.clear()
    with caplog.at_level(logging.DEBUG):
        cli("answers", filled, "-o", tmp_path / "out.json")
        cli("answers", filled, "--csv")
    assert "Дмитрий" not in caplog.text and "Muñoz" not in caplog.text


# -- errors ------------------------------------------------------------------------------


def test_files_that_are_not_filled_workbooks_are_clean_errors(blank: Path, tmp_path: Path,
                                                              cli: Any) -> None:  # fmt: skip
    (tmp_path / "notes.pdf").write_text("hello", encoding="utf-8")
    data = blank.read_bytes()
    (tmp_path / "cut.pdf").write_bytes(data[: len(data) // 2])
    at = data.rindex(b"/AcroForm")  # the form's root and the catalog around it overwritten
    (tmp_path / "broken.pdf").write_bytes(data[: at - 1500] + b"x" * 3000 + data[at + 1500 :])
    other = PdfWriter()
    other.add_blank_page(200, 200)
    other.write(tmp_path / "other.pdf")
    printed = tmp_path / "print.pdf"
    assert cli("build", write_yaml(tmp_path / "m.yaml", manifest(worksheets=["i-statements"])),
               "-o", printed).exit_code == 0  # fmt: skip
    (tmp_path / "empty").mkdir()
    cases = {
        "notes.pdf": "is not a PDF file",
        "cut.pdf": "damaged or incomplete",
        "broken.pdf": "damaged",
        "other.pdf": "was not written by workbook",
        "print.pdf": "it is a print edition",
        "empty": "this folder has no PDF files",
        "missing.pdf": "no such file or folder",
    }
    for name, message in cases.items():
        done = cli("answers", tmp_path / name)
        assert done.exit_code == 1, name
        assert f"{tmp_path / name}: error: " in done.output and message in done.output, done.output
        assert "Traceback" not in done.output
    every = cli("answers", *(tmp_path / n for n in ("notes.pdf", "other.pdf")), blank)
    assert every.exit_code == 1 and every.stdout == ""
    assert every.output.count("error:") == 2  # every bad file named, nothing half printed


# -- a clinic's folder -------------------------------------------------------------------


def test_a_folder_of_200_workbooks_gives_one_csv_row_each(tmp_path: Path, cli: Any) -> None:
    start = time.perf_counter()
    source = workbook(tmp_path, "one", worksheets=["i-statements"])
    folder = tmp_path / "returned"
    folder.mkdir()
    writer = PdfWriter(clone_from=source)
    for n in range(200):
        writer.update_page_form_field_values(
            None, {"i-statements.fill_in.1.blank1": f"answer {n}",
                   "i-statements.lines.1.2": f"línea {n}"}, auto_regenerate=False)  # fmt: skip
        writer.write(folder / f"client-{n:03}.pdf")
    (folder / "notes.txt").write_text("not a workbook", encoding="utf-8")
    done = cli("answers", folder, "--csv")
    assert done.exit_code == 0, done.output
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert [r["file"] for r in rows] == [str(folder / f"client-{n:03}.pdf") for n in range(200)]
    assert [r["i-statements.fill_in.1.blank1"] for r in rows] == [f"answer {n}" for n in range(200)]
    assert {r["i-statements.lines.1.2"] for r in rows} == {f"línea {n}" for n in range(200)}
    assert all(r["i-statements.lines.1.1"] == "" for r in rows)
    assert time.perf_counter() - start < 40  # about 8 s on the project's 2-core machine
