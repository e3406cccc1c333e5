"""Stage 5, layout: the tagged-PDF structure — elements made with the story, content marked as drawn.

Elements are made when a block is rendered, in YAML order, so the structure tree's reading
order is the block order whatever the page breaks do. A flowable carries the element its
content belongs to (`tag`); when it is drawn, its operators are wrapped in a marked-content
sequence whose MCID the element records, and decoration (rules, boxes, bands, writing
lines) is wrapped as an artifact. Replayed drawings (replay.py) never hold an MCID: the
marks are put around the operators after they are drawn or replayed. Annotations made
while a flowable draws (links, form fields) are owned by its element. structure.py writes
the tree into the PDF.

The drawing goes through `TaggingCanvas`, a canvas of our own that platypus makes
(`doc.build(story, canvasmaker=TaggingCanvas)`): it is the one place that touches
ReportLab's operator list and annotation hook. On any other canvas the helpers here draw
without marks.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any, NamedTuple

from reportlab.pdfgen.canvas import Canvas

ARTIFACT = "/Artifact BMC"
HEADER = "/Artifact <</Type /Pagination /Subtype /Header>> BDC"
FOOTER = "/Artifact <</Type /Pagination /Subtype /Footer>> BDC"
END = "EMC"


Box = tuple[int, float, float, float, float]


class Mark(NamedTuple):
    """A marked-content sequence on a page (1-based page number, MCID on that page)."""

    page: int
    mcid: int


class Widget(NamedTuple):
    """An annotation (link or form field) owned by an element."""

    annotation: Any
    page: int


class Element:
    """A structure element: a standard role (P, H1, TD, ...), attributes and kids in order;
    for a figure or a table, the box it is drawn in (`place`)."""

    __slots__ = ("__weakref__", "_parent", "attrs", "box", "kids", "role")

    def __init__(self, role: str, parent: Element | None = None, **attrs: str) -> None:
        self.role, self.attrs = role, attrs
        self._parent = None if parent is None else weakref.ref(parent)
        self.kids: list[Element | Mark | Widget] = []
        self.box: Box | None = None  # (page, left, bottom, right, top); page 0: on several

    @property
    def parent(self) -> Element | None:
        """The element it lies in, held weakly (its kids hold it up from the root): a tree
        with no cycles is freed as soon as it is dropped, not by the garbage collector."""
        return None if self._parent is None else self._parent()

    def place(self, page: int, left: float, bottom: float, right: float, top: float) -> None:
        """It is drawn within this rectangle (default user space) on `page` too: its box
        grows to hold it, and is no box at all once it lies on more than one page."""
        box = self.box
        if box is None:
            self.box = (page, left, bottom, right, top)
        elif box[0] != page:
            self.box = (0, 0, 0, 0, 0)
        else:
            self.box = (page, min(box[1], left), min(box[2], bottom),
                        max(box[3], right), max(box[4], top))  # fmt: skip

    def enclosing(self, role: str) -> Element | None:
        """This element or the nearest one it lies in with `role`."""
        element: Element | None = self
        while element is not None and element.role != role:
            element = element.parent
        return element

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
    gets a Form element of its own under it. `paragraph` is the element of the paragraph
    being drawn, and `broken` its text objects whose marks a field broke (`field_in_text`).
    """

    def __init__(self, canv: Canvas) -> None:
        self.canv = canv
        self.marks: dict[int, list[Element]] = {}  # page -> the element of each MCID
        self.widgets: list[tuple[Any, Element]] = []  # (annotation, owner) in creation order
        self.quiet = 0
        self.owner: Element | None = None
        self.as_form = False
        self.paragraph: Element | None = None
        self.broken: list[Any] = []

    def open(self, element: Element, page: int | None = None) -> str:
        """A new MCID for `element` on this page (or `page`): the operator that opens it."""
        page = page or self.canv.getPageNumber()
        owners = self.marks.get(page)
        if owners is None:
            owners = self.marks[page] = []
        mcid = len(owners)
        element.kids.append(Mark(page, mcid))
        owners.append(element)
        return f"/{element.role} <</MCID {mcid}>> BDC"

    def own(self, annotation: Any) -> None:
        """`annotation` was just made: it belongs to the current owner."""
        owner = self.owner
        if owner is None:
            return  # left for the tests to find: every annotation must have an owner
        if self.as_form:
            owner = owner.add("Form")
        owner.kids.append(Widget(annotation, self.canv.getPageNumber()))
        self.widgets.append((annotation, owner))


class TaggingCanvas(Canvas):  # type: ignore[misc]
    """A canvas that tags what it draws: its `tags` record the marks and annotations.

    ReportLab keeps the page (or form) being drawn as a list of operator lines and makes
    every annotation through `_addAnnotation`; these methods are the only code that
    relies on either.
    """

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.tags = Tagger(self)

    def _addAnnotation(self, annotation: Any, name: Any = None, addtopage: int = 1) -> None:
        super()._addAnnotation(annotation, name, addtopage)
        self.tags.own(annotation)

    def drawText(self, aTextObject: Any) -> None:
        super().drawText(aTextObject)
        # a paragraph gives its text object a method bound to itself (`_do_line`): a cycle
        # that would keep the whole build (canvas, document) for the garbage collector
        aTextObject.__dict__.pop("_do_line", None)

    def mark(self, operator: str) -> None:
        """Put a marked-content operator (BDC, BMC, EMC) where drawing goes on."""
        self._code.append(operator)

    def page_box(self, left: float, bottom: float, right: float, top: float) -> Box:
        """A rectangle of the current user space in default user space, on this page: the
        smallest that holds it (ReportLab tracks the transformation it has applied)."""
        a, b, c, d, e, f = self._currentMatrix
        corners = [(left, bottom), (left, top), (right, bottom), (right, top)]
        xs = [a * x + c * y + e for x, y in corners]
        ys = [b * x + d * y + f for x, y in corners]
        return (self.getPageNumber(), min(xs), min(ys), max(xs), max(ys))

    def mark_text(self, text: Any, operator: str) -> None:
        """Put a marked-content operator where the text object `text` being drawn is."""
        text._code.append(operator)

    def text_line(self, text: Any) -> str:
        """The operator line of a text object once drawn (`drawText` joins its code)."""
        return " ".join(text._code)

    def drawn(self) -> int:
        """How many operator lines the page or form being drawn has so far."""
        return len(self._code)

    def operators_since(self, start: int) -> list[str]:
        """The operator lines drawn since `drawn()` was `start`."""
        return list(self._code[start:])

    def replace_operators(self, start: int, lines: list[str]) -> None:
        """Put `lines` in place of the operator lines drawn since `start`."""
        self._code[start:] = lines

    def add_operators(self, lines: Iterable[str]) -> None:
        """Append operator lines drawn before (replay.py)."""
        self._code.extend(lines)

    def resources(self) -> tuple[int, ...]:
        """Counts of what drawing may add besides operators and fonts: objects, annotations,
        forms used, graphics states, colours and shadings (replay.py)."""
        return (len(self._doc.idToObject), len(self._annotationrefs), len(self._formsinuse),
                len(self._extgstate._c), len(self._colorsUsed), len(self._shadingUsed))  # fmt: skip


def _tags(canv: Any) -> Tagger | None:
    """The tags of a tagging canvas, else None."""
    return canv.tags if isinstance(canv, TaggingCanvas) else None


class owned_by:  # a context manager as a class: cheaper than @contextmanager
    """Annotations made inside belong to `element` (inside an artifact too: a check box
    that draws its own border is still a form field)."""

    def __init__(self, canv: Any, element: Element | None, as_form: bool = True) -> None:
        self.tags = _tags(canv)
        self.owner = element, as_form

    def __enter__(self) -> None:
        if self.tags is not None:
            self.saved = self.tags.owner, self.tags.as_form
            self.tags.owner, self.tags.as_form = self.owner

    def __exit__(self, *exc: object) -> None:
        if self.tags is not None:
            self.tags.owner, self.tags.as_form = self.saved


def tagger(canv: Any) -> Tagger | None:
    """The canvas's tagger while it marks content, else None (inside artifacts and forms,
    and on a canvas that does not tag)."""
    tags = _tags(canv)
    return tags if tags is not None and not tags.quiet else None


def begin_artifact(canv: Any, opener: str = ARTIFACT) -> None:
    """Start decoration: nothing drawn until `end_artifact` is marked as content."""
    tags = _tags(canv)
    if tags is not None:
        if not tags.quiet:
            canv.mark(opener)
        tags.quiet += 1


def end_artifact(canv: Any) -> None:
    tags = _tags(canv)
    if tags is not None:
        tags.quiet -= 1
        if not tags.quiet:
            canv.mark(END)


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
    tags = _tags(canv)
    if tags is not None:
        tags.quiet += 1
    try:
        yield
    finally:
        if tags is not None:
            tags.quiet -= 1


def place(canv: Any, element: Element | None, box: tuple[float, float, float, float]) -> None:
    """`element` (a figure, a table) is drawn within `box`, a rectangle (left, bottom, right,
    top) of the current user space: its bounding box takes it in."""
    if element is not None and tagger(canv) is not None:
        element.place(*canv.page_box(*box))


@contextmanager
def marked(canv: Any, element: Element | None,
           box: tuple[float, float, float, float] | None = None) -> Iterator[None]:  # fmt: skip
    """Content of `element` (an artifact when it has none), drawn within `box` if given."""
    tags = tagger(canv)
    if tags is None or element is None:
        with artifact(canv):
            yield
        return
    if box is not None:
        place(canv, element, box)
    canv.mark(tags.open(element))
    tags.quiet += 1  # nothing inside may open a sequence of its own
    try:
        yield
    finally:
        tags.quiet -= 1
        canv.mark(END)


def mark_drawn(canv: Any, draw: Callable[[], None], body: Element | None,
               label: Element | None = None, backdrop: bool = False) -> None:  # fmt: skip
    """Draw a paragraph, then mark what it drew: its background or border box (`backdrop`)
    as an artifact, its bullet as `label`, the rest as `body`."""
    tags = tagger(canv)
    if tags is None or body is None:
        with artifact(canv):
            draw()
        return
    start = canv.drawn()
    opener = tags.open(body)  # before drawing: the fields it makes come after its text...
    outer, tags.paragraph, tags.broken = (tags.paragraph, tags.broken), body, []
    try:
        with owned_by(canv, body):
            draw()  # ...unless they are made inside it (field_in_text)
        broken = {canv.text_line(text) for text in tags.broken}
    finally:
        tags.paragraph, tags.broken = outer
    lines = _marked_lines(canv.operators_since(start), tags, opener, label, backdrop, broken)
    canv.replace_operators(start, lines)


class field_in_text:  # a context manager as a class: cheaper than @contextmanager
    """A field made while a paragraph's line is drawn (a blank in a sentence): the
    paragraph's marked-content sequence ends where the field is, inside the text object
    `text`, and a new one for the same element starts after it, so that the field's Form
    element comes between the words either side of it. Marked content and text objects
    must nest (ISO 32000-1, 14.6.1): `mark_drawn` then opens the paragraph's first sequence
    just after the text object's BT and closes its last just before ET."""

    def __init__(self, canv: Any, text: Any) -> None:
        self.canv, self.text = canv, text
        tags = tagger(canv)
        self.tags = tags if tags is not None and tags.paragraph is not None else None

    def __enter__(self) -> None:
        if self.tags is not None:
            self.canv.mark_text(self.text, END)

    def __exit__(self, *exc: object) -> None:
        tags = self.tags
        if tags is not None and tags.paragraph is not None:
            if self.text not in tags.broken:
                tags.broken.append(self.text)
            self.canv.mark_text(self.text, tags.open(tags.paragraph))


def _marked_lines(lines: list[str], tags: Tagger, opener: str, label: Element | None,
                  backdrop: bool, broken: set[str]) -> list[str]:  # fmt: skip
    """A paragraph's operators with marks between them, so that they nest properly:
    ReportLab draws a paragraph as an optional `q … Q` box, then `q`, an optional bullet
    text object, the text, `Q`. A text object whose marks fields broke holds its own."""
    marked_lines: list[str] = []
    if backdrop and "Q" in lines:
        end = lines.index("Q") + 1
        marked_lines += [ARTIFACT, *lines[:end], END]
        lines = lines[end:]
    inner = lines[1:-1] if len(lines) >= 2 and lines[0] == "q" and lines[-1] == "Q" else None
    if inner is None:
        inside = _marks_inside_text(lines, opener, broken) if broken else None
        return [*marked_lines, *(inside or [opener, *lines, END])]
    bullet = next((i for i, x in enumerate(inner) if x.startswith("BT")), None)
    marked_lines.append("q")
    if label is not None and bullet is not None:
        marked_lines += [tags.open(label), *inner[: bullet + 1], END]
        inner = inner[bullet + 1 :]
    if broken:
        return [*marked_lines, *_marks_inside_text(inner, opener, broken), "Q"]
    return [*marked_lines, opener, *inner, END, "Q"]


def _marks_inside_text(lines: list[str], opener: str, broken: set[str]) -> list[str]:
    """The paragraph's text object with its first mark opened after BT and its last closed
    before ET; what is drawn outside it (the blanks' underlines) is decoration."""
    marked_lines: list[str] = []
    loose: list[str] = []
    for line in lines:
        if line in broken or line in ("q", "Q"):
            marked_lines += [ARTIFACT, *loose, END] if loose else []
            loose = []
            text = line.removeprefix("BT ").removesuffix(" ET")
            marked_lines.append(f"BT {opener} {text} {END} ET" if line in broken else line)
        else:
            loose.append(line)
    return marked_lines + ([ARTIFACT, *loose, END] if loose else [])
