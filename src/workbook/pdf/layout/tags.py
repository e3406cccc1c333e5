"""Stage 5, layout: the tagged-PDF structure — elements made with the story, content marked as drawn.

Elements are made when a block is rendered, in YAML order, so the structure tree's reading
order is the block order whatever the page breaks do. A flowable carries the element its
content belongs to (`tag`); when it is drawn, its operators are wrapped in a marked-content
sequence whose MCID the element records, and decoration (rules, boxes, bands, writing
lines) is wrapped as an artifact. Replayed drawings (replay.py) never hold an MCID: the
marks are put around the operators after they are drawn or replayed. Annotations made
while a flowable draws (links, form fields) are owned by its element. pdf_tags.py writes
the tree into the PDF.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, NamedTuple

ARTIFACT = "/Artifact BMC"
HEADER = "/Artifact <</Type /Pagination /Subtype /Header>> BDC"
FOOTER = "/Artifact <</Type /Pagination /Subtype /Footer>> BDC"
END = "EMC"


class Mark(NamedTuple):
    """A marked-content sequence on a page (1-based page number, MCID on that page)."""

    page: int
    mcid: int


class Widget(NamedTuple):
    """An annotation (link or form field) owned by an element."""

    annotation: Any
    page: int


class Element:
    """A structure element: a standard role (P, H1, TD, ...), attributes and kids in order."""

    __slots__ = ("attrs", "kids", "parent", "role")

    def __init__(self, role: str, parent: Element | None = None, **attrs: str) -> None:
        self.role, self.parent, self.attrs = role, parent, attrs
        self.kids: list[Element | Mark | Widget] = []

    def add(self, role: str, **attrs: str) -> Element:
        """A new last child."""
        child = Element(role, self, **attrs)
        self.kids.append(child)
        return child

    def elements(self, found: list[Element] | None = None) -> list[Element]:
        """This element and every element under it, depth first (reading order)."""
        found = [] if found is None else found
        found.append(self)
        for kid in self.kids:
            if type(kid) is Element:
                kid.elements(found)
        return found


class Tagger:
    """One document's marks: the element behind every MCID of every page, and the widgets.

    `quiet` counts open artifacts (and forms): content drawn inside them gets no marks.
    `owner` is the element that annotations made now belong to; with `as_form`, each
    gets a Form element of its own under it.
    """

    def __init__(self, canv: Any) -> None:
        self.canv = canv
        self.marks: dict[int, list[Element]] = {}  # page -> the element of each MCID
        self.widgets: list[tuple[Any, Element]] = []  # (annotation, owner) in creation order
        self.quiet = 0
        self.owner: Element | None = None
        self.as_form = False
        self.slots: dict[str, Element] = {}  # contents slot name -> element of the number
        canv._wb_tags = self
        add_annotation = canv._addAnnotation

        def on_annotation(annotation: Any, name: Any = None, addtopage: int = 1) -> None:
            add_annotation(annotation, name, addtopage)
            self._own(annotation)

        canv._addAnnotation = on_annotation

    def open(self, element: Element, page: int | None = None) -> str:
        """A new MCID for `element` on this page (or `page`): the operator that opens it."""
        page = page or self.canv._pageNumber
        owners = self.marks.get(page)
        if owners is None:
            owners = self.marks[page] = []
        mcid = len(owners)
        element.kids.append(Mark(page, mcid))
        owners.append(element)
        return f"/{element.role} <</MCID {mcid}>> BDC"

    def _own(self, annotation: Any) -> None:
        owner = self.owner
        if owner is None:
            return  # left for the tests to find: every annotation must have an owner
        if self.as_form:
            owner = owner.add("Form")
        owner.kids.append(Widget(annotation, self.canv.getPageNumber()))
        self.widgets.append((annotation, owner))


class owned_by:  # a context manager as a class: cheaper than @contextmanager
    """Annotations made inside belong to `element` (inside an artifact too: a check box
    that draws its own border is still a form field)."""

    def __init__(self, canv: Any, element: Element | None, as_form: bool = True) -> None:
        self.tags: Tagger | None = getattr(canv, "_wb_tags", None)
        self.owner = element, as_form

    def __enter__(self) -> None:
        if self.tags is not None:
            self.saved = self.tags.owner, self.tags.as_form
            self.tags.owner, self.tags.as_form = self.owner

    def __exit__(self, *exc: object) -> None:
        if self.tags is not None:
            self.tags.owner, self.tags.as_form = self.saved


def tagger(canv: Any) -> Tagger | None:
    """The canvas's tagger while it marks content, else None (inside artifacts and forms)."""
    tags: Tagger | None = getattr(canv, "_wb_tags", None)
    return tags if tags is not None and not tags.quiet else None


def begin_artifact(canv: Any, opener: str = ARTIFACT) -> None:
    """Start decoration: nothing drawn until `end_artifact` is marked as content."""
    tags = getattr(canv, "_wb_tags", None)
    if tags is not None:
        if not tags.quiet:
            canv._code.append(opener)
        tags.quiet += 1


def end_artifact(canv: Any) -> None:
    tags = getattr(canv, "_wb_tags", None)
    if tags is not None:
        tags.quiet -= 1
        if not tags.quiet:
            canv._code.append(END)


class artifact:  # a context manager as a class: cheaper than @contextmanager
    """Decoration: drawn inside an artifact sequence, nothing in it is marked as content."""

    def __init__(self, canv: Any, opener: str = ARTIFACT) -> None:
        self.canv, self.opener = canv, opener

    def __enter__(self) -> None:
        begin_artifact(self.canv, self.opener)

    def __exit__(self, *exc: object) -> None:
        end_artifact(self.canv)


@contextmanager
def quiet(canv: Any) -> Iterator[None]:
    """Drawing that is not page content of its own (a form XObject): no marks at all."""
    tags = getattr(canv, "_wb_tags", None)
    if tags is not None:
        tags.quiet += 1
    try:
        yield
    finally:
        if tags is not None:
            tags.quiet -= 1


@contextmanager
def marked(canv: Any, element: Element | None) -> Iterator[None]:
    """Content of `element` (an artifact when it has none)."""
    tags = tagger(canv)
    if tags is None or element is None:
        with artifact(canv):
            yield
        return
    canv._code.append(tags.open(element))
    tags.quiet += 1  # nothing inside may open a sequence of its own
    try:
        yield
    finally:
        tags.quiet -= 1
        canv._code.append(END)


def mark_drawn(canv: Any, draw: Callable[[], None], body: Element | None,
               label: Element | None = None, backdrop: bool = False) -> None:  # fmt: skip
    """Draw a paragraph, then mark what it drew: its background or border box (`backdrop`)
    as an artifact, its bullet as `label`, the rest as `body`.

    ReportLab draws a paragraph as an optional `q … Q` box, then `q`, an optional bullet
    text object, the text, `Q`; marks go between those lines so they nest properly.
    """
    tags = tagger(canv)
    if tags is None or body is None:
        with artifact(canv):
            draw()
        return
    code = canv._code
    start = len(code)
    opener = tags.open(body)  # before drawing: the fields it makes come after its text
    with owned_by(canv, body):
        draw()
    if not backdrop and label is None:  # the usual case, without copying the lines
        if len(code) - start >= 2 and code[start] == "q" and code[-1] == "Q":
            code.insert(start + 1, opener)
            code.insert(len(code) - 1, END)
        else:
            code.insert(start, opener)
            code.append(END)
        return
    lines = code[start:]
    marked_lines: list[str] = []
    if backdrop and "Q" in lines:
        end = lines.index("Q") + 1
        marked_lines += [ARTIFACT, *lines[:end], END]
        lines = lines[end:]
    inner = lines[1:-1] if len(lines) >= 2 and lines[0] == "q" and lines[-1] == "Q" else None
    if inner is None:
        marked_lines += [opener, *lines, END]
    else:
        bullet = next((i for i, x in enumerate(inner) if x.startswith("BT")), None)
        marked_lines.append("q")
        if label is not None and bullet is not None:
            marked_lines += [tags.open(label), *inner[: bullet + 1], END]
            inner = inner[bullet + 1 :]
        marked_lines += [opener, *inner, END, "Q"]
    code[start:] = marked_lines
