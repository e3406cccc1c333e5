"""Tagged PDF/UA-1: the structure tree read back with pikepdf, checked by the `pdfua`
validator and read aloud (structure order) by poppler's `pdfinfo -struct-text`."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from pdfua import validate

from conftest import CORE, manifest, tool, worksheet, write_yaml
from workbook.build import build
from workbook.library import builtin_dir
from workbook.project import BuildOptions

LIBRARY = sorted(p.stem for p in (builtin_dir() / "en").glob("*.yaml"))
# operators that put something on the page: text, pictures and forms, shadings, paths
SHOWING = {"Tj", "TJ", "'", '"', "Do", "sh", "BI", "S", "s", "f", "F", "f*", "B", "B*", "b", "b*"}


def built(tmp_path: Path, name: str = "wb", **fields: Any) -> Path:
    path = write_yaml(tmp_path / f"{name}.yaml", manifest(**fields))
    return build(BuildOptions(manifest=path, output=tmp_path / f"{name}.pdf", force=True)).path


def walk(element: Any, depth: int = 0) -> Iterator[tuple[int, Any]]:
    """Every structure element under `element`, depth first, with its depth."""
    kids = element.get("/K")
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            yield depth, kid
            yield from walk(kid, depth + 1)


def contents(element: Any) -> list[tuple[Any, Any]]:
    """An element's own content items: (page, MCID) for marks, (annotation, None) for OBJRs."""
    kids = element.get("/K")
    items = []
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, int):
            items.append((element.Pg.objgen, int(kid)))
        elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
            items.append((kid.Pg.objgen, int(kid.MCID)))
        elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/OBJR":
            items.append((kid.Obj.objgen, None))
    return items


def marked_content(page: Any) -> tuple[list[int], int]:
    """The MCIDs a page's content opens, in order, and how many painting operators stand
    outside any marked-content sequence. Fails on a mark inside an artifact or inside
    another mark."""
    stack: list[str] = []
    mcids, loose = [], 0
    for operands, operator in pikepdf.parse_content_stream(page):
        op = str(operator)
        if op in ("BDC", "BMC"):
            tag = str(operands[0])
            props = operands[1] if op == "BDC" else None
            mcid = props.get("/MCID") if isinstance(props, pikepdf.Dictionary) else None
            if mcid is not None:
                assert not stack, f"MCID {mcid} opened inside {stack}"
                mcids.append(int(mcid))
            stack.append("mark" if mcid is not None else tag)
        elif op == "EMC":
            stack.pop()
        elif op in SHOWING and not stack:
            loose += 1
    assert not stack, "a marked-content sequence is never closed"
    return mcids, loose


def check_tagged(path: Path, language: str) -> dict[str, Any]:
    """Everything a tagged PDF/UA-1 file needs, checked from the outside; returns facts
    for further checks."""
    pdf = pikepdf.open(path)
    root = pdf.Root
    assert root.MarkInfo.Marked is True
    assert str(root.Lang) == language
    assert root.ViewerPreferences.DisplayDocTitle is True
    xmp = pdf.open_metadata()
    assert xmp["pdfuaid:part"] == "1"
    assert xmp["dc:title"] == str(pdf.docinfo.Title)
    assert language in xmp["dc:language"]
    tree = root.StructTreeRoot
    nums = list(tree.ParentTree.Nums)
    parents = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
    assert int(tree.ParentTreeNextKey) == max(parents) + 1
    elements = [e for _, e in walk(tree)]
    assert str(elements[0].S) == "/Document"
    owner_of: dict[Any, Any] = {}  # (page, mcid) or annotation -> its element
    for element in elements:
        for item in contents(element):
            assert item not in owner_of, f"{item} belongs to two elements"
            owner_of[item] = element
    for number, page in enumerate(pdf.pages, start=1):
        mcids, loose = marked_content(page)
        assert loose == 0, (
            f"page {number}: {loose} painting operator(s) neither tagged nor artifact"
        )
        owners = parents[int(page.StructParents)]
        assert sorted(mcids) == list(range(len(owners))), f"page {number}: MCIDs"
        for mcid in mcids:
            assert owner_of[(page.objgen, mcid)].objgen == owners[mcid].objgen
        annots = list(page.get("/Annots", []))
        if annots:
            assert page.Tabs == "/S"
        for annot in annots:
            owner = parents[int(annot.StructParent)]
            assert owner_of[(annot.objgen, None)].objgen == owner.objgen
            assert str(owner.S) == ("/Form" if annot.Subtype == "/Widget" else "/Link")
    for element in elements:
        role = str(element.S)
        if role == "/Figure":
            assert str(element.get("/Alt", "")).strip()
        if re.fullmatch(r"/H\d|/P", role):
            assert contents(element), f"an empty {role}"
        if role == "/TH":  # a header row repeated on the next page is an artifact there
            assert len({page for page, _ in contents(element)}) == 1
    fields = list(pdf.Root.AcroForm.Fields) if "/AcroForm" in pdf.Root else []
    for field in fields:
        spoken = str(field.get("/TU", ""))
        assert spoken and spoken != str(field.T), f"{field.T}: no spoken name"
    report = validate(str(path))
    findings = [f"{f.rule_id} {f.message}" for f in report.findings]
    assert findings == [], findings
    return {"pdf": pdf, "elements": elements, "fields": fields}


EDITIONS = {
    "print-en": {},
    "fillable-es": {"language": "es", "fillable": True},
    "facilitator-large-a4": {"edition": "facilitator", "theme": "large-print", "page_size": "a4"},
    "fillable-ink-saver-no-crisis": {"theme": "ink-saver", "fillable": True, "crisis_page": False},
    "print-es-ink-saver": {"language": "es", "theme": "ink-saver", "duplex": True},
    "fillable-large-en": {"theme": "large-print", "fillable": True, "region": "GB"},
}


@pytest.mark.parametrize("edition", EDITIONS)
def test_every_edition_of_the_whole_library_is_tagged(tmp_path: Path, edition: str) -> None:
    fields = EDITIONS[edition]
    logo = tmp_path / "logo.png"
    shutil.copy(Path(__file__).parent / "golden" / "default-001.png", logo)
    prepared = {"practice": "Harbor Counseling", "logo": "logo.png", "url": "https://example.org/b"}
    path = built(tmp_path, worksheets=LIBRARY, prepared_by=prepared, **fields)
    facts = check_tagged(path, fields.get("language", "en"))
    roles = [str(e.S) for e in facts["elements"]]
    expected_sects = 3 + len(LIBRARY) + (0 if fields.get("crisis_page") is False else 1)
    assert roles.count("/Sect") == expected_sects
    assert roles.count("/Figure") == 2  # the logo and the QR code
    qr = [e for e in facts["elements"] if str(e.S) == "/Figure"][1]
    said = "Código QR: un enlace a" if fields.get("language") == "es" else "QR code: a link to"
    assert str(qr.Alt) == f"{said} https://example.org/b"  # what it is, not only where
    assert bool(facts["fields"]) == bool(fields.get("fillable"))


def test_structure_follows_the_blocks(tmp_path: Path) -> None:
    blocks = [
        {"type": "heading", "text": "A heading"},
        {"type": "paragraph", "text": "A paragraph."},
        {"type": "tip", "text": "A tip."},
        {"type": "script", "text": "A line to say."},
        {"type": "list", "items": ["one", "two"]},
        {"type": "checklist", "items": ["tick me"]},
        {"type": "lines", "label": "Write here", "count": 2},
        {"type": "fill_in", "template": "I feel ___ when ___."},
        {"type": "table", "columns": ["A", "B"], "rows": [["a", "b"]], "blank_rows": 1},
        {"type": "scale", "label": "How ready?", "min": 0, "max": 4, "anchors": {0: "No"}},
        {"type": "columns", "left": {"title": "L", "items": ["x"]},
         "right": {"title": "R", "items": ["y"]}},
    ]  # fmt: skip
    write_yaml(tmp_path / "sheets" / "mine.yaml", worksheet("mine", blocks))
    path = built(tmp_path, worksheets_dirs=["sheets"], worksheets=["mine"], fillable=True)
    facts = check_tagged(path, "en")
    tree = facts["pdf"].Root.StructTreeRoot
    sect = [e for d, e in walk(tree) if d == 1][3]  # cover, how-to, contents, then the worksheet
    outline = [(d, str(e.S)) for d, e in walk(sect)]
    top = [role for d, role in outline if d == 0]
    assert top == ["/H1", "/P", "/H2", "/P", "/Div", "/BlockQuote", "/L", "/L", "/P", "/Div",
                   "/P", "/Table", "/Div", "/L", "/L", "/P"]  # fmt: skip
    assert "/Note" not in [r for _, r in outline]  # a tip is a block (Div), not a footnote
    assert [r for d, r in outline[8:11]] == ["/LI", "/Lbl", "/LBody"]
    roles = [r for _, r in outline]
    assert roles.count("/TH") == 2 and roles.count("/TD") == 2 + 2
    lists = [e for d, e in walk(sect) if d == 0 and str(e.S) == "/L"]
    numbering = [str(e.A.ListNumbering) for e in lists]
    assert numbering == ["/Disc", "/None", "/Disc", "/Disc"]  # list, checklist, the columns
    for column in lists[2:]:  # two lists, each with its title as its caption
        assert [str(k.S) for k in column.K] == ["/Caption", "/LI"]
    heads = [e for _, e in walk(sect) if str(e.S) == "/TH"]
    assert all(str(h.A.Scope) == "/Column" for h in heads)
    forms = roles.count("/Form")
    assert forms == 1 + 3 + 2 + 2 + 5  # check box, lines (at least 3), blanks, blank row, scale


def test_fields_say_what_they_are(tmp_path: Path) -> None:
    path = built(tmp_path, worksheets=["understanding-resistance", "i-statements"], fillable=True)
    facts = check_tagged(path, "en")
    spoken = {str(f.T): str(f.get("/TU", "")) for f in facts["fields"]}
    line = next(name for name in spoken if name.startswith("understanding-resistance.lines."))
    assert re.fullmatch(r".+, line \d+", spoken[line])
    check = "understanding-resistance.checklist.1.item1"
    assert (
        spoken[check] == "Check: They grew up believing you cope alone and keep feelings private."
    )
    blank = next(name for name in spoken if name.endswith(".blank1"))
    assert spoken[blank] == "I feel … when, blank 1 of 4"  # the words either side of it
    cell = next(name for name in spoken if ".table." in name)
    assert re.fullmatch(r".+, row \d+", spoken[cell])


def test_a_scale_reads_as_a_labelled_choice(tmp_path: Path) -> None:
    """The numbers read as "a number from 0 to 4", not "01234"; each anchor says its number;
    every button has a spoken name of its own (PDF.js reads the buttons, not the group), and
    the group starts with no choice (/V /Off)."""
    scale = {"type": "scale", "label": "How ready?", "min": 0, "max": 4,
             "anchors": {0: "No", 4: "Yes"}}  # fmt: skip
    write_yaml(tmp_path / "sheets" / "mine.yaml", worksheet("mine", [scale]))
    path = built(tmp_path, worksheets_dirs=["sheets"], worksheets=["mine"], fillable=True)
    facts = check_tagged(path, "en")
    group = next(e for e in facts["elements"] if str(e.S) == "/Div")
    texts = [str(k.get("/ActualText", "")) for k in group.K if str(k.S) == "/P"]
    assert texts == ["", "a number from 0 to 4", "0: No", "4: Yes"]  # the label, numbers, anchors
    radio = next(f for f in facts["fields"] if str(f.T) == "mine.scale.1")
    assert str(radio.V) == "/Off" and str(radio.TU) == "How ready? 0 to 4"
    assert [str(kid.TU) for kid in radio.Kids] == [f"How ready? {n} of 0 to 4" for n in range(5)]


def test_a_worksheet_that_fell_back_to_english_says_so(tmp_path: Path) -> None:
    write_yaml(tmp_path / "sheets" / "en" / "only-english.yaml", worksheet("only-english"))
    path = built(
        tmp_path, language="es", worksheets_dirs=["sheets"], worksheets=["only-english", CORE[0]]
    )
    facts = check_tagged(path, "es")
    sects = [e for e in facts["elements"] if str(e.S) == "/Sect"]
    assert [str(s.get("/Lang", "")) for s in sects[3:5]] == ["en", ""]
    care = sects[3].K[len(sects[3].K) - 1]  # the care note, in the workbook's language
    assert str(care.S) == "/P" and str(care.Lang) == "es"
    entries = [e for e in facts["elements"] if str(e.S) == "/TOCI"]
    assert [str(e.get("/Lang", "")) for e in entries[:2]] == ["en", ""]


def test_a_screen_reader_hears_the_worksheets_in_block_order(tmp_path: Path) -> None:
    """Structure order, read by poppler: the blocks as written, no header, footer or page
    number among them, the contents' entries with their page numbers."""
    pdfinfo = tool("pdfinfo")
    path = built(tmp_path, worksheets=CORE)
    heard = subprocess.run(
        [pdfinfo, "-struct-text", str(path)], capture_output=True, text=True, check=True
    ).stdout
    spoken = [m.group(1) for m in re.finditer(r'^\s*"(.*)"$', heard, re.MULTILINE)]
    text = "\n".join(spoken)
    assert text.count("Opening the door") == 1  # on the cover; never the running header
    assert text.count("Sam Rivera") == 1  # "Prepared for Sam Rivera"
    assert not re.search(r"Page \d+ of \d+", text)
    sheet = (builtin_dir() / "en" / "boundary-planning.yaml").read_text(encoding="utf-8")
    headings = re.findall(r"- type: heading\n\s+text: (.+)", sheet)
    positions = [text.find(h.strip().strip('"')) for h in headings]
    assert -1 not in positions and positions == sorted(positions)
    care = "This workbook supports, and does not replace"
    assert text.count(care) == len(CORE)


def test_qpdf_finds_no_damage(tmp_path: Path) -> None:
    qpdf = tool("qpdf")
    path = built(tmp_path, worksheets=LIBRARY, fillable=True, language="es")
    checked = subprocess.run([qpdf, "--check", str(path)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "No syntax or stream encoding errors" in checked.stdout


def test_a_label_with_braces_is_spoken_as_written(tmp_path: Path) -> None:
    blocks = [{"type": "lines", "label": "My {odd} label:", "count": 2}]
    write_yaml(tmp_path / "sheets" / "mine.yaml", worksheet("mine", blocks))
    path = built(tmp_path, worksheets_dirs=["sheets"], worksheets=["mine"], fillable=True)
    facts = check_tagged(path, "en")
    spoken = {str(f.T): str(f.TU) for f in facts["fields"] if str(f.T).startswith("mine.")}
    assert spoken == {
        "mine.lines.1.1": "My {odd} label, line 1",
        "mine.lines.1.2": "My {odd} label, line 2",
        "mine.lines.1.3": "My {odd} label, line 3",  # every prompt gets at least 3 lines
    }


@pytest.mark.parametrize("language", ["en", "es"])
def test_words_at_line_ends_are_not_joined(tmp_path: Path, language: str) -> None:
    """Read without guessing spaces from where glyphs stand (poppler's structure text), every
    word is one that pdftotext, which does guess, also finds: no "aconsiderar"."""
    path = built(tmp_path, language=language, worksheets=CORE)
    read = subprocess.run([tool("pdfinfo"), "-struct-text", str(path)], capture_output=True,
                          text=True, check=True).stdout  # fmt: skip
    seen = subprocess.run([tool("pdftotext"), str(path), "-"], capture_output=True, text=True,
                          check=True).stdout  # fmt: skip
    words = set(re.findall(r"\w+", seen))
    spoken = re.findall(r"\w+", " ".join(re.findall(r'"(.*)"', read)))
    assert len(spoken) > 1000
    joined = sorted({w for w in spoken if w not in words})
    assert not joined
