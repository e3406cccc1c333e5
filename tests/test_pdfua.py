"""PDF/UA-1 as an independent audit reads it (issue 22): metadata, figures' and tables'
bounding boxes, fill-in sentences read with their fields in place — read back with pikepdf,
PDF.js (tests/pdfjs/struct.mjs) and poppler over built-in worksheets in several editions."""

from __future__ import annotations

import ctypes
import dataclasses
import datetime as dt
import hashlib
import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pikepdf
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from pdfua import validate

from conftest import manifest, tool, write_yaml
from workbook import document as d
from workbook.build import build
from workbook.document import build_document
from workbook.library import builtin_dir
from workbook.project import BuildOptions, load_project

LIBRARY = sorted(p.stem for p in (builtin_dir() / "en").glob("*.yaml"))
PRACTICE = {"name": "Dana Ortiz", "practice": "Harbor Counseling", "url": "https://example.org/b"}
# every built-in worksheet, in a few editions: language, theme, page size, print or fillable
EDITIONS: dict[str, dict[str, Any]] = {
    "en-print-letter": {},
    "es-fillable-a4-large": {
        "language": "es",
        "fillable": True,
        "theme": "large-print",
        "page_size": "a4",
        "date": None,
    },
    "en-fillable-ink-saver-practice": {
        "theme": "ink-saver",
        "fillable": True,
        "edition": "facilitator",
        "prepared_by": {**PRACTICE, "logo": "logo.png"},
    },
    "es-print-a4-practice": {"language": "es", "page_size": "a4", "prepared_by": PRACTICE},
}


def _manifest(**fields: Any) -> dict[str, Any]:
    data = manifest(**{"worksheets": LIBRARY, **fields})
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture(scope="module")
def editions(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every edition built once for the module's tests."""
    folder = tmp_path_factory.mktemp("pdfua")
    shutil.copy(Path(__file__).parent / "golden" / "default-001.png", folder / "logo.png")
    paths = {}
    with pytest.MonkeyPatch.context() as env:
        env.delenv("SOURCE_DATE_EPOCH", raising=False)  # an undated edition has no date at all
        for name, fields in EDITIONS.items():
            source = write_yaml(folder / f"{name}.yaml", _manifest(**fields))
            paths[name] = build(BuildOptions(manifest=source, output=folder / f"{name}.pdf")).path
    return paths


# --- language and metadata ------------------------------------------------------------------


XMP_KEYS = ("dc:title", "dc:creator", "dc:description", "xmp:CreateDate", "xmp:ModifyDate")


def _info_date(text: str) -> dt.datetime:
    """A PDF date string (D:YYYYMMDDHHmmSS+HH'mm') as an aware datetime."""
    found = re.fullmatch(r"D:(\d{14})([+-])(\d\d)'(\d\d)'?", text)
    assert found, text
    stamp, sign, hours, minutes = found.groups()
    offset = dt.timedelta(hours=int(hours), minutes=int(minutes)) * (1 if sign == "+" else -1)
    return dt.datetime.strptime(stamp, "%Y%m%d%H%M%S").replace(tzinfo=dt.timezone(offset))


def _metadata(path: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """The document information dictionary and the XMP packet's properties."""
    with pikepdf.open(path) as pdf:
        info = {str(k): str(v) for k, v in pdf.docinfo.items()}
        with pdf.open_metadata() as xmp:
            return info, {key: xmp.get(key) for key in XMP_KEYS}


def _check_metadata(path: Path, author: str | None, day: dt.date) -> None:
    info, xmp = _metadata(path)
    assert all(value.strip() for value in info.values()), info  # no empty entries
    assert "/Keywords" not in info
    assert info.get("/Author") == author
    assert xmp.get("dc:creator") == ([author] if author else None)
    assert xmp["dc:title"] == info["/Title"]
    assert xmp["dc:description"] == info["/Subject"]
    created = _info_date(info["/CreationDate"])
    assert _info_date(info["/ModDate"]) == created
    assert created.date() == day and created.utcoffset() == dt.timedelta(0)
    for key in ("xmp:CreateDate", "xmp:ModifyDate"):
        assert dt.datetime.fromisoformat(xmp[key]) == created, key


@pytest.mark.parametrize("edition", EDITIONS)
def test_metadata_has_no_empty_entries_and_the_workbooks_date(
    editions: dict[str, Path], edition: str
) -> None:
    fields = EDITIONS[edition]
    practice = fields.get("prepared_by", {}).get("practice")
    undated = "date" in fields  # left out: neither a date nor SOURCE_DATE_EPOCH
    _check_metadata(editions[edition], practice, dt.date(2000, 1, 1) if undated
                    else dt.date(2026, 11, 22))  # fmt: skip


def test_an_undated_workbook_takes_source_date_epoch_and_builds_the_same_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 14 November 2023, 22:13 UTC
    source = write_yaml(tmp_path / "wb.yaml", _manifest(date=None, worksheets=["i-statements"]))
    hashes = []
    for name in ("one.pdf", "two.pdf"):
        path = build(BuildOptions(manifest=source, output=tmp_path / name)).path
        _check_metadata(path, None, dt.date(2023, 11, 14))
        hashes.append(hashlib.sha256(path.read_bytes()).hexdigest())
    assert hashes[0] == hashes[1]


# --- figures and tables: where they are drawn -------------------------------------------


def elements(pdf: pikepdf.Pdf) -> Iterator[Any]:
    """Every structure element, depth first."""

    def under(element: Any) -> Iterator[Any]:
        kids = element.get("/K")
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                yield kid
                yield from under(kid)

    yield from under(pdf.Root.StructTreeRoot)


def content(element: Any) -> Iterator[tuple[Any, int | None, Any]]:
    """What an element and the elements under it own, in order: (page, MCID, None) for
    marked content, (page, None, annotation) for an annotation."""
    kids = element.get("/K")
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, int):
            yield element.Pg.objgen, int(kid), None
        elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
            yield kid.Pg.objgen, int(kid.MCID), None
        elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/OBJR":
            yield kid.Pg.objgen, None, kid.Obj
        elif isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            yield from content(kid)


def bbox(element: Any) -> list[float] | None:
    """The /BBox of an element's layout attributes, if it has one."""
    attributes = element.get("/A")
    for owned in attributes if isinstance(attributes, pikepdf.Array) else [attributes]:
        if isinstance(owned, pikepdf.Dictionary) and owned.get("/O") == "/Layout":
            return [float(x) for x in owned.BBox]
    return None


def _mcid(obj: Any) -> int | None:
    """The MCID of the marked-content sequence a page object is drawn in, if any (PDFium)."""
    for i in range(pdfium_c.FPDFPageObj_CountMarks(obj.raw)):
        value = ctypes.c_int()
        mark = pdfium_c.FPDFPageObj_GetMark(obj.raw, i)
        if pdfium_c.FPDFPageObjMark_GetParamIntValue(mark, b"MCID", ctypes.byref(value)):
            return value.value
    return None


def drawn_bounds(path: Path) -> dict[tuple[int, int], list[tuple[float, ...]]]:
    """Where PDFium finds each marked-content sequence's page objects (text, paths, images):
    (page index, MCID) -> their bounds (left, bottom, right, top)."""
    found: dict[tuple[int, int], list[tuple[float, ...]]] = {}
    document = pdfium.PdfDocument(path)
    try:
        for index in range(len(document)):
            for obj in document[index].get_objects(max_depth=4):
                mcid = _mcid(obj)
                if mcid is not None:
                    found.setdefault((index, mcid), []).append(tuple(obj.get_bounds()))
    finally:
        document.close()
    return found


def _inside(inner: Any, outer: list[float], slack: float = 0.5) -> bool:
    left, bottom, right, top = (float(x) for x in inner)
    return (left >= outer[0] - slack and bottom >= outer[1] - slack
            and right <= outer[2] + slack and top <= outer[3] + slack)  # fmt: skip


@pytest.mark.parametrize("edition", EDITIONS)
def test_figures_and_tables_on_one_page_have_a_bounding_box(
    editions: dict[str, Path], edition: str
) -> None:
    """A Figure or Table whose content lies on one page has a /BBox (a layout attribute, in
    default user space) on that page that holds everything drawn for it (PDFium's bounds of
    its text, paths and images, its fields' rectangles); one on two pages has none."""
    path = editions[edition]
    drawn = drawn_bounds(path)
    boxed = {"/Figure": 0, "/Table": 0}
    with pikepdf.open(path) as pdf:
        page_index = {page.objgen: i for i, page in enumerate(pdf.pages)}
        for element in elements(pdf):
            role = str(element.S)
            if role not in boxed:
                continue
            owned = list(content(element))
            pages = {page_index[page] for page, _, _ in owned}
            box = bbox(element)
            if len(pages) != 1:
                assert role == "/Table" and box is None, f"a {role} on pages {pages}: {box}"
                continue
            assert box is not None, f"a {role} on page {pages} without a /BBox"
            (page,) = pages
            assert _inside(box, [float(x) for x in pdf.pages[page].mediabox], 0)
            rects = [rect for _, mcid, annotation in owned
                     for rect in (drawn.get((page, mcid), []) if mcid is not None
                                  else [annotation.Rect])]  # fmt: skip
            assert rects and all(_inside(rect, box) for rect in rects), (role, box, rects)
            boxed[role] += 1
    assert boxed["/Table"] >= 3
    assert boxed["/Figure"] >= (2 if "logo" in str(EDITIONS[edition]) else
                                1 if "prepared_by" in EDITIONS[edition] else 0)  # fmt: skip


# --- fill-in sentences: each blank's field where the blank is ----------------------------


def _kinds(element: Any) -> str:
    """An element's kids as letters: M marked content, F a Form element, E another element."""
    kids = element.get("/K")
    letters = []
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, int) or (
            isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR"
        ):
            letters.append("M")
        elif isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            letters.append("F" if kid.S == "/Form" else "E")
        else:
            letters.append("O")
    return "".join(letters)


def _sentences(pdf: pikepdf.Pdf) -> list[Any]:
    """The paragraphs with fields in them (fill-in sentences)."""
    return [e for e in elements(pdf) if e.S == "/P" and "F" in _kinds(e)]


@pytest.mark.parametrize("edition", [e for e in EDITIONS if EDITIONS[e].get("fillable")])
def test_a_fill_in_reads_its_fields_where_the_blanks_are(
    editions: dict[str, Path], edition: str
) -> None:
    """A fill-in's P reads text, Form, text, Form, ..., text: each blank's Form between the
    words either side of it, every Form holding one text field whose spoken name says which
    blank of how many it is."""
    with pikepdf.open(editions[edition]) as pdf:
        sentences = _sentences(pdf)
        assert len(sentences) >= 20
        for sentence in sentences:
            kinds = _kinds(sentence)
            assert re.fullmatch(r"M(FM)+", kinds), kinds
            forms = [k for k in sentence.K if isinstance(k, pikepdf.Dictionary) and "/S" in k]
            for number, form in enumerate(forms, start=1):
                assert form.K.Type == "/OBJR"  # its one kid: the widget (PDF/UA-1 7.18.4-2)
                widget = form.K.Obj
                spoken = str(widget.get("/TU", widget.get("/Parent", {}).get("/TU", "")))
                assert widget.FT == "/Tx" or widget.Parent.FT == "/Tx"
                assert re.search(rf"\b{number}\D+{len(forms)}\b", spoken), spoken


def _opened(operator: str, operands: list[Any]) -> str:
    """What an operator opens: a text object, an artifact, tagged content (an MCID), other."""
    if operator == "BT":
        return "text"
    properties = operands[1] if operator == "BDC" else None
    if str(operands[0]) == "/Artifact":
        return "artifact"
    if isinstance(properties, pikepdf.Dictionary) and "/MCID" in properties:
        return "tagged"
    return "other"


@pytest.mark.parametrize("edition", EDITIONS)
def test_marked_content_and_text_objects_nest(editions: dict[str, Path], edition: str) -> None:
    """BDC/BMC…EMC and BT…ET pairs nest properly (ISO 32000-1, 14.6.1): a sentence's marks
    broken by its fields stay inside its text object; no artifact inside tagged content and
    no tagged content inside an artifact or other tagged content (veraPDF PDF/UA-1 7.1-1,
    7.1-2). And the pdfua validator finds nothing."""
    path = editions[edition]
    with pikepdf.open(path) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            stack: list[str] = []
            for operands, operator in pikepdf.parse_content_stream(page):
                op = str(operator)
                if op in ("BT", "BDC", "BMC"):
                    opened = _opened(op, list(operands))
                    if opened in ("artifact", "tagged"):
                        assert "tagged" not in stack, f"page {number}: {opened} in tagged"
                    if opened == "tagged":
                        assert "artifact" not in stack, f"page {number}: tagged in an artifact"
                    stack.append(opened)
                elif op in ("ET", "EMC"):
                    assert stack, f"page {number}: {op} closes nothing"
                    closed = stack.pop()
                    assert (closed == "text") == (op == "ET"), f"page {number}: {op} ends {closed}"
            assert not stack, f"page {number}: {stack} left open"
    findings = [f"{f.rule_id} {f.message}" for f in validate(str(path)).findings]
    assert findings == []


def _struct_text(path: Path) -> str:
    done = subprocess.run([tool("pdfinfo"), "-struct-text", str(path)], capture_output=True,
                          text=True, check=True)  # fmt: skip
    return done.stdout


def test_poppler_reads_a_fill_in_with_its_fields_in_place(editions: dict[str, Path]) -> None:
    """poppler's structure text: 'I feel', its field, 'when', its field, 'because', ..."""
    text = _struct_text(editions["en-fillable-ink-saver-practice"])
    found = re.search(r'P \(block\)\n\s+"I feel\W+"\n\s+Form\n\s+Object \d+ 0\n\s+"\W+when\W+"\n'
                      r'\s+Form\n\s+Object \d+ 0\n\s+"\W+because\W+"\n\s+Form\n', text)  # fmt: skip
    assert found, text[:3000]


# --- PDF.js: what Firefox's viewer gives assistive technology -----------------------------

PDFJS = Path(__file__).parent / "pdfjs"


def pdfjs_struct(path: Path) -> list[dict[str, Any]]:
    """tests/pdfjs/struct.mjs: per page, the structure tree, marked text and annotations."""
    node = tool("node")
    if not (PDFJS / "node_modules" / "pdfjs-dist" / "legacy" / "build" / "pdf.mjs").is_file():
        if os.environ.get("CI"):
            pytest.fail("pdfjs-dist is not installed in tests/pdfjs; .ci/run installs it")
        pytest.skip("pdfjs-dist is not installed: run `npm ci` in tests/pdfjs")
    done = subprocess.run([node, str(PDFJS / "struct.mjs"), str(path)], capture_output=True,
                          text=True, timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr
    pages: list[dict[str, Any]] = json.loads(done.stdout)["pages"]
    return pages


def _nodes(node: dict[str, Any] | None) -> Iterator[dict[str, Any]]:
    """A PDF.js structure tree's nodes, depth first (content and annotations included)."""
    if node is None:
        return
    yield node
    for kid in node.get("children", []):
        yield from _nodes(kid)


@pytest.mark.parametrize("edition", EDITIONS)
def test_pdfjs_finds_alternative_text_for_every_annotation(
    editions: dict[str, Path], edition: str
) -> None:
    """Every annotation (link or field) has alternative text in PDF.js (a widget's /TU, a
    link's /Contents), and sits in the page's structure tree."""
    pages = pdfjs_struct(editions[edition])
    annotations = 0
    for number, page in enumerate(pages, start=1):
        in_tree = {str(n["id"]).removeprefix("pdfjs_internal_id_") for n in _nodes(page["tree"])
                   if n.get("type") in ("annotation", "object")}  # fmt: skip
        for annotation in page["annotations"]:
            annotations += 1
            assert annotation["alternativeText"].strip(), f"page {number}: {annotation}"
            assert annotation["id"] in in_tree, f"page {number}: {annotation} not in the tree"
    assert annotations >= (50 if EDITIONS[edition].get("fillable") else 5)


def _block_texts(block: Any) -> list[str]:
    """The text runs of a block of the Document, in order."""
    if isinstance(block, d.Text):
        return [block.text]
    if isinstance(block, (d.Source, d.Field, str, int, float, bool)) or block is None:
        return []
    if isinstance(block, tuple):
        return [t for item in block for t in _block_texts(item)]
    return [t for f in dataclasses.fields(block) for t in _block_texts(getattr(block, f.name))]


def _squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("fillable", [False, True], ids=["print", "fillable"])
def test_pdfjs_reads_a_worksheet_in_block_order(tmp_path: Path, fillable: bool) -> None:
    """The text of PDF.js's structure tree, page by page, holds every text run of a
    worksheet's blocks (every block type: headings, paragraphs, tips, scripts, a list, a
    checklist, fill-ins, ruled lines, a scale, two columns) in block order; in the fillable
    edition a fill-in's children are text and Form in turn."""
    sheet = "boundary-planning"
    source = write_yaml(tmp_path / "wb.yaml", _manifest(worksheets=[sheet], fillable=fillable))
    path = build(BuildOptions(manifest=source, output=tmp_path / "wb.pdf")).path
    read, fill_ins = [], 0
    for page in pdfjs_struct(path):
        for node in _nodes(page["tree"]):
            if node.get("type") == "content":
                read.append(page["text"].get(node["id"], ""))
            if node.get("role") == "P" and any(k.get("role") == "Form" for k in node["children"]):
                kinds = "".join("F" if k.get("role") == "Form" else "M" if k.get("type") ==
                                "content" else "?" for k in node["children"])  # fmt: skip
                assert re.fullmatch(r"M(FM)+", kinds), kinds
                fill_ins += 1
    assert fill_ins == (4 if fillable else 0)
    heard = _squeezed("".join(read))
    project = load_project(BuildOptions(manifest=source))
    (section,) = [s for s in build_document(project).sections if isinstance(s, d.WorksheetSection)]
    at = 0
    for block in section.blocks:
        for run in _block_texts(block):
            found = heard.find(_squeezed(run), at)
            assert found >= 0, (
                f"{type(block).__name__}: {run!r} not read after {heard[at - 80 : at]!r}"
            )
            at = found + len(_squeezed(run))
