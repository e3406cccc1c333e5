"""Page craft of the built-in library, measured from the outside of the PDF.

Every built-in worksheet is built once per combination (language, theme, paper size,
relationship, and a child who is a minor). The structure tree (pikepdf) says which marked content belongs to which
worksheet (Sect), heading (H1/H2), list (L) and item (LI); pdfium says where each piece of
marked content, and everything else drawn, sits on its page. The text frame is the page
less the theme's margins and the running header and footer. Then:

- a page after a worksheet's first, and not its last, is at least 30% full; its last page
  is at least 30% full too (a worksheet's tail is pulled back or given enough);
- a heading never ends its page: something of what follows is drawn below it;
- a list or checklist of four items or fewer is on one page; a longer one breaks only
  between items, with at least two on each page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pikepdf
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from pypdf import PdfReader

from conftest import manifest, worksheet, write_yaml
from workbook.build import build
from workbook.library import builtin_dir
from workbook.project import BuildOptions
from workbook.theme import A4, HEADER_LINES, LETTER, load_theme

LIBRARY = sorted(p.stem for p in (builtin_dir() / "en").glob("*.yaml"))
COMBINATIONS = [
    *[(lang, theme, "letter", "partner") for lang in ("en", "es")
      for theme in ("default", "large-print", "ink-saver")],
    *[(lang, "default", "a4", "partner") for lang in ("en", "es")],
    *[(lang, "default", "letter", who) for lang in ("en", "es")
      for who in ("sibling", "child", "child-minor")],
]  # fmt: skip
IDS = ["-".join(c) for c in COMBINATIONS]
MIN_FULL = 0.30  # of the text frame
Box = tuple[float, float, float, float]  # left, bottom, right, top


@dataclass
class Node:
    """A structure element: its role, kids, and own marks as (page index, MCID)."""

    role: str
    kids: list[Node] = field(default_factory=list)
    marks: list[tuple[int, int]] = field(default_factory=list)

    def all_marks(self) -> list[tuple[int, int]]:
        return [*self.marks, *(m for kid in self.kids for m in kid.all_marks())]

    def pages(self) -> list[int]:
        return sorted({page for page, _ in self.all_marks()})

    def walk(self) -> list[Node]:
        return [n for kid in self.kids for n in (kid, *kid.walk())]


@dataclass
class Built:
    """A built workbook as measured: its worksheets' Sects, per page the box of each MCID
    and of everything drawn in the text frame, and the frame's bottom and top."""

    name: str
    sheets: list[tuple[str, Node]]
    mcids: list[dict[int, Box]]
    drawn: list[list[Box]]
    frame: tuple[float, float]

    def fill(self, page: int) -> float:
        bottom, top = self.frame
        low = min((box[1] for box in self.drawn[page]), default=top)
        return (top - low) / (top - bottom)

    def box(self, node: Node) -> tuple[int, Box]:
        """The page of a node's last mark and the box of its marks on that page."""
        page = max(p for p, _ in node.all_marks())
        boxes = [self.mcids[page][m] for p, m in node.all_marks() if p == page]
        return page, (min(b[0] for b in boxes), min(b[1] for b in boxes),
                      max(b[2] for b in boxes), max(b[3] for b in boxes))  # fmt: skip


def read_tree(pdf: pikepdf.Pdf) -> Node:
    pages = {page.objgen: i for i, page in enumerate(pdf.pages)}

    def node(element: Any, page: Any) -> Node:
        page = element.get("/Pg", page)
        found = Node(str(element.get("/S", "/Document"))[1:])
        kids = element.get("/K")
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
            if isinstance(kid, int):
                found.marks.append((pages[page.objgen], kid))
            elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
                found.marks.append((pages[kid.get("/Pg", page).objgen], int(kid.MCID)))
            elif isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                found.kids.append(node(kid, page))
        return found

    return node(pdf.Root.StructTreeRoot.K, None)


def read_boxes(
    path: Path, frame: tuple[float, float]
) -> tuple[list[dict[int, Box]], list[list[Box]]]:
    """Per page: the box of each MCID's content, and the boxes of everything drawn inside
    the text frame (not the running header, footer or care note)."""
    mcids, drawn = [], []
    document = pdfium.PdfDocument(path)
    try:
        for page in document:
            by_mcid: dict[int, Box] = {}
            inside = []
            for obj in page.get_objects(max_depth=3):
                if obj.type == pdfium_c.FPDF_PAGEOBJ_FORM:
                    continue  # the running header and footer (what is inside is looked at)
                box: Box = tuple(obj.get_bounds())  # type: ignore[assignment]
                if box[1] >= frame[0] - 2 and box[3] <= frame[1] + 2:
                    inside.append(box)
                mcid = pdfium_c.FPDFPageObj_GetMarkedContentID(obj.raw)
                if mcid >= 0:
                    old = by_mcid.get(mcid, box)
                    by_mcid[mcid] = (min(old[0], box[0]), min(old[1], box[1]),
                                     max(old[2], box[2]), max(old[3], box[3]))  # fmt: skip
            mcids.append(by_mcid)
            drawn.append(inside)
    finally:
        document.close()
    return mcids, drawn


def text_frame(theme_name: str, paper: str) -> tuple[float, float]:
    theme = load_theme(theme_name)
    header = theme.base_size * HEADER_LINES
    return theme.margins["bottom"] + header, {"a4": A4, "letter": LETTER}[paper][1] - theme.margins[
        "top"
    ] - header


@cache
def built(combination: tuple[str, str, str, str], folder: Path) -> Built:
    language, theme, paper, loved_one = combination
    relationship, _, age_group = loved_one.partition("-")
    overrides = {
        "title": "Opening the door",
        "recipient.name": "Sam Rivera",
        "loved_one.name": "Alex",
        "loved_one.relationship": relationship,
        "loved_one.age_group": age_group or "adult",
        "language": language,
        "theme": theme,
        "page_size": paper,
        "date": "2026-11-22",
        "worksheets": LIBRARY,
    }
    path = folder / f"{'-'.join(combination)}.pdf"
    build(BuildOptions(output=path, overrides=overrides, force=True))
    frame = text_frame(theme, paper)
    with pikepdf.open(path) as pdf:
        sects = read_tree(pdf).kids  # cover, how-to, contents, the worksheets, crisis page
    assert len(sects) == len(LIBRARY) + 4
    mcids, drawn = read_boxes(path, frame)
    return Built(path.stem, list(zip(LIBRARY, sects[3:-1], strict=True)), mcids, drawn, frame)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("page-craft")


def thin_pages(book: Built) -> list[str]:
    """Pages after a worksheet's first that are less than 30% full."""
    thin = []
    for sheet, sect in book.sheets:
        pages = sect.pages()
        for page in range(pages[0] + 1, pages[-1] + 1):  # the first page may be short
            if book.fill(page) < MIN_FULL:
                last = " (its last page)" if page == pages[-1] else ""
                thin.append(f"{sheet}: page {page + 1}{last} is {book.fill(page):.0%} full")
    return thin


def stranded_headings(book: Built) -> list[str]:
    """Headings with nothing drawn below them on their page (with more content to come)."""
    bottom, top = book.frame
    stranded = []
    for sheet, sect in book.sheets:
        content = [kid for kid in sect.kids if kid.all_marks()][:-1]  # not the care note
        for heading in content[:-1]:
            if heading.role not in ("H1", "H2"):
                continue
            page, box = book.box(heading)
            if not any(drawn[3] < box[1] - 1 for drawn in book.drawn[page]):
                where = (box[1] - bottom) / (top - bottom)
                stranded.append(f"{sheet}: heading on page {page + 1}, {where:.0%} up the frame")
    return stranded


def split_lists(book: Built) -> list[str]:
    """Lists of four items or fewer on more than one page; longer lists split inside an
    item or with fewer than two items on a page."""
    split = []
    for sheet, sect in book.sheets:
        for listed in (n for n in sect.walk() if n.role == "L"):
            items = [item.pages() for item in listed.kids if item.role == "LI"]
            pages = sorted({p for item in items for p in item})
            if len(pages) < 2:
                continue
            counts = [sum(1 for item in items if item[0] == p) for p in pages]
            across = sum(1 for item in items if len(item) > 1)
            if len(items) <= 4 or across or min(counts) < 2:
                split.append(f"{sheet}: a list of {len(items)} split {counts} over pages "
                             f"{[p + 1 for p in pages]}, {across} item(s) across a page break")  # fmt: skip
    return split


@pytest.mark.parametrize("combination", COMBINATIONS, ids=IDS)
def test_no_page_of_a_worksheet_is_nearly_empty(combination: Any, folder: Path) -> None:
    book = built(combination, folder)
    found = thin_pages(book)
    assert not found, f"{book.name}: {found}"


@pytest.mark.parametrize("combination", COMBINATIONS, ids=IDS)
def test_a_heading_never_ends_its_page(combination: Any, folder: Path) -> None:
    book = built(combination, folder)
    found = stranded_headings(book)
    assert not found, f"{book.name}: {found}"


@pytest.mark.parametrize("combination", COMBINATIONS, ids=IDS)
def test_lists_split_only_between_items_and_never_short_ones(
    combination: Any, folder: Path
) -> None:
    book = built(combination, folder)
    found = split_lists(book)
    assert not found, f"{book.name}: {found}"


def one_worksheet(tmp_path: Path, blocks: list[dict[str, Any]], **fields: Any) -> Built:
    """A workbook of one worksheet made of `blocks`, measured."""
    write_yaml(tmp_path / "mine" / "mine.yaml", worksheet("mine", blocks))
    data = manifest(worksheets=["mine"], worksheets_dirs=["mine"], **fields)
    pdf = build(BuildOptions(manifest=write_yaml(tmp_path / "m.yaml", data),
                             output=tmp_path / "mine.pdf", force=True)).path  # fmt: skip
    frame = text_frame("default", "letter")
    with pikepdf.open(pdf) as opened:
        sect = read_tree(opened).kids[3]
    return Built("mine", [("mine", sect)], *read_boxes(pdf, frame), frame)


def test_the_measures_notice_bad_pages(tmp_path: Path) -> None:
    """An author's page breaks can strand a heading and leave a page nearly empty; the
    measures find both, and a list of four split two and two."""
    words = "Some words to fill the page with, again and again. " * 60
    book = one_worksheet(tmp_path, [
        {"type": "paragraph", "text": words}, {"type": "heading", "text": "Alone"},
        {"type": "page_break"}, {"type": "paragraph", "text": "Short."},
        {"type": "page_break"}, {"type": "paragraph", "text": words},
    ])  # fmt: skip
    assert stranded_headings(book) and thin_pages(book)
    items = [Node("LI", marks=[(page, 0)]) for page in (0, 0, 1, 1)]
    book.sheets = [("mine", Node("Sect", [Node("L", items)]))]
    assert split_lists(book)


def test_a_long_table_splits_under_its_heading_instead_of_moving(tmp_path: Path) -> None:
    """Half a page of text, then a heading and a table of 24 rows: the heading and the
    table's first rows stay on the first page; the table goes on, header repeated."""
    words = "Some words to fill the page with, again and again. " * 25
    rows = [[f"row {i}", "a cell"] for i in range(24)]
    book = one_worksheet(tmp_path, [
        {"type": "paragraph", "text": words}, {"type": "heading", "text": "The table"},
        {"type": "table", "columns": ["Left", "Right"], "rows": rows},
    ])  # fmt: skip
    sect = book.sheets[0][1]
    heading, table = (next(k for k in sect.kids if k.role == role) for role in ("H2", "Table"))
    assert heading.pages() == [table.pages()[0]] == [sect.pages()[0]]
    assert len(table.pages()) == 2 and book.fill(sect.pages()[0]) > 0.9
    assert not thin_pages(book) and not stranded_headings(book)


def test_writing_space_is_enough_to_write_by_hand(tmp_path: Path) -> None:
    """A `lines` prompt gives at least three lines; a blank that ends a sentence runs to the
    end of its line, a blank inside one is at least 12 ems, and each fillable field covers
    exactly its printed blank."""
    blocks = [
        {"type": "lines", "label": "Two asked for", "count": 2},
        {"type": "fill_in", "template": "I recharge by ___. Next I feel ___ when it rains."},
    ]
    book = one_worksheet(tmp_path, blocks, fillable=True)
    reader = PdfReader(tmp_path / "mine.pdf")
    annotations = [a.get_object() for page in reader.pages for a in page.get("/Annots", [])]
    fields = {str(a["/T"]): [float(x) for x in a["/Rect"]] for a in annotations if "/T" in a}
    assert {"mine.lines.1.1", "mine.lines.1.2", "mine.lines.1.3"} <= set(fields)
    right = LETTER[0] - load_theme("default").margins["outer"]
    end, inside = fields["mine.fill_in.1.blank1"], fields["mine.fill_in.1.blank2"]
    assert right - 6 < end[2] <= right
    assert inside[2] - inside[0] >= 12 * load_theme("default").base_size
    page = book.sheets[0][1].pages()[0]
    underlines = [b for b in book.drawn[page] if b[3] - b[1] < 3 and b[2] - b[0] > 100]
    for rect in (end, inside):
        assert any(abs(u[0] - rect[0]) < 2 and abs(u[2] - rect[2]) < 2 for u in underlines)
