"""Stage 6, the PDF: what makes it a tagged PDF/UA-1 file — the structure tree and its parent
tree, each page's and annotation's key into it, the catalog's flags and the XMP metadata.

The elements come from layout/tags.py. Each is written as one pre-formatted object: a
workbook has hundreds, and ReportLab's general dictionaries would cost a tenth of a build.
"""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

from reportlab.pdfbase.pdfdoc import (
    XMP,
    Annotation,
    PDFDictionary,
    PDFName,
    PDFObject,
    PDFPage,
    PDFString,
)

from .layout.tags import Element, Mark, Tagger, Widget

_PAGE_KEYS = [*PDFPage.__NoDefault__, "StructParents", "Tabs"]
_TEXT_ATTRIBUTES = ("T", "Lang", "Alt", "ActualText", "E")


class _Raw(PDFObject):  # type: ignore[misc]
    """A PDF object whose text is written beforehand."""

    __RefOnly__ = 1

    def __init__(self) -> None:
        self.data = b""

    def format(self, document: Any) -> bytes:
        return self.data


def _number(doc: Any, obj: Any) -> int:
    """The object number of something the document has registered (or registers now)."""
    return int(doc.idToObjectNumberAndVersion[doc.Reference(obj).name][0])


def write_structure(canv: Any, root: Element, tags: Tagger) -> None:
    """Add the structure tree under `root` to the document, with everything pointing at it."""
    doc = canv._doc
    tree = _Raw()
    elements = list(root.elements())
    raw = [_Raw() for _ in elements]
    numbers = {id(e): _number(doc, r) for e, r in zip(elements, raw, strict=True)}
    numbers[id(None)] = _number(doc, tree)  # the root element's parent
    pages = doc.Pages.pages
    page_numbers = [_number(doc, page) for page in pages]
    for element, obj in zip(elements, raw, strict=True):
        obj.data = _element(element, numbers, page_numbers, doc)
    nums = []
    for index, page in enumerate(pages):
        owners = tags.marks.get(index + 1)
        page.__NoDefault__ = _PAGE_KEYS
        if owners:
            page.StructParents = index
            nums.append(f"{index} [{' '.join(f'{numbers[id(e)]} 0 R' for e in owners)}]")
        if page.Annots:
            page.Tabs = PDFName("S")  # tab through fields in structure (reading) order
    for key, (annotation, owner) in enumerate(tags.widgets, start=len(pages)):
        _set_struct_parent(annotation, key)
        nums.append(f"{key} {numbers[id(owner)]} 0 R")
    parent_tree = _Raw()
    parent_tree.data = f"<< /Nums [{' '.join(nums)}] >>".encode()
    tree.data = (
        f"<< /Type /StructTreeRoot /K {numbers[id(root)]} 0 R "
        f"/ParentTree {_number(doc, parent_tree)} 0 R "
        f"/ParentTreeNextKey {len(pages) + len(tags.widgets)} >>"
    ).encode()
    catalog = doc.Catalog
    catalog.StructTreeRoot = tree
    catalog.MarkInfo = PDFDictionary({"Marked": "true"})
    canv.setViewerPreference("DisplayDocTitle", "true")


def _element(element: Element, numbers: dict[int, int], pages: list[int], doc: Any) -> bytes:
    parent = numbers[id(element.parent)]
    first = next((k.page for k in element.kids if not isinstance(k, Element)), None)
    parts = [f"<< /Type /StructElem /S /{element.role} /P {parent} 0 R"]
    if first is not None:
        parts.append(f"/Pg {pages[first - 1]} 0 R")
    kids = []
    for kid in element.kids:
        if isinstance(kid, Element):
            kids.append(f"{numbers[id(kid)]} 0 R")
        elif isinstance(kid, Mark):
            kids.append(
                str(kid.mcid)
                if kid.page == first
                else f"<< /Type /MCR /Pg {pages[kid.page - 1]} 0 R /MCID {kid.mcid} >>"
            )
        elif isinstance(kid, Widget):
            obj = _number(doc, kid.annotation)
            kids.append(f"<< /Type /OBJR /Obj {obj} 0 R /Pg {pages[kid.page - 1]} 0 R >>")
    if kids:
        parts.append(f"/K [{' '.join(kids)}]")
    for name in _TEXT_ATTRIBUTES:
        if name in element.attrs:
            parts.append(f"/{name} {PDFString(element.attrs[name]).format(doc).decode('latin-1')}")
    if "Scope" in element.attrs:
        parts.append(f"/A << /O /Table /Scope /{element.attrs['Scope']} >>")
    return (" ".join(parts) + " >>").encode("latin-1")


def _set_struct_parent(annotation: Any, key: int) -> None:
    if isinstance(annotation, PDFDictionary):
        annotation.dict["StructParent"] = key
    elif isinstance(annotation, Annotation):  # a link: its keys are checked against a list
        annotation.permitted = (*annotation.permitted, "StructParent")
        annotation.otherkw["StructParent"] = key
    else:
        raise TypeError(f"cannot tag an annotation of type {type(annotation).__name__}")


def write_metadata(canv: Any, language: str) -> None:
    """XMP metadata matching the document information, declaring PDF/UA-1."""
    info = canv._doc.info
    title, author = escape(info.title or ""), escape(info.author or "")
    subject, producer = escape(info.subject or ""), escape(info.producer or "")
    packet = f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:pdf="http://ns.adobe.com/pdf/1.3/" xmlns:xmp="http://ns.adobe.com/xap/1.0/"
 xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">
<dc:format>application/pdf</dc:format>
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>
<dc:creator><rdf:Seq><rdf:li>{author}</rdf:li></rdf:Seq></dc:creator>
<dc:description><rdf:Alt><rdf:li xml:lang="x-default">{subject}</rdf:li></rdf:Alt></dc:description>
<dc:language><rdf:Bag><rdf:li>{escape(language)}</rdf:li></rdf:Bag></dc:language>
<pdf:Producer>{producer}</pdf:Producer>
<xmp:CreatorTool>{escape(info.creator or "")}</xmp:CreatorTool>
<pdfuaid:part>1</pdfuaid:part>
</rdf:Description>
</rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""
    data = packet.encode("utf-8")
    canv._doc.Catalog.Metadata = XMP(creator=lambda doc: data)
