"""Stage 6, the PDF: what makes it a tagged PDF/UA-1 file — the structure tree and its parent
tree, each page's and annotation's key into it, the catalog's flags and the XMP metadata.

The elements come from layout/tags.py. A workbook has hundreds, so each is formatted here
as text and goes into the file's object stream (file.py) rather than through
ReportLab's general dictionaries and one object per element.
"""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

from reportlab.pdfbase.pdfdoc import (
    XMP,
    Annotation,
    PDFDictionary,
    PDFName,
    PDFPage,
    PDFString,
)

from .file import Packed
from .layout.tags import Element, Mark, Tagger, Widget

_PAGE_KEYS = [*PDFPage.__NoDefault__, "StructParents", "Tabs"]
_TEXT_ATTRIBUTES = ("Lang", "Alt", "ActualText")


def _number(doc: Any, obj: Any) -> int:
    """The object number of something the document has registered (or registers now)."""
    return int(doc.idToObjectNumberAndVersion[doc.Reference(obj).name][0])


def _register(doc: Any, obj: Packed) -> str:
    """Register a new object, as `PDFDocument.Reference` does: a reference to it, as text."""
    number = doc.objectcounter = doc.objectcounter + 1
    name = obj.__InternalName__ = f"R{number}"
    doc.idToObjectNumberAndVersion[name] = (number, 0)
    doc.numberToId[number] = name
    doc.idToObject[name] = obj
    return f"{number} 0 R"


def write_structure(canv: Any, root: Element, tags: Tagger) -> None:
    """Add the structure tree under `root` to the document, with everything pointing at it."""
    doc = canv._doc
    tree = Packed()
    elements = root.elements()
    raw = [Packed() for _ in elements]
    refs = {id(e): _register(doc, r) for e, r in zip(elements, raw, strict=True)}
    refs[id(None)] = _register(doc, tree)  # the root element's parent
    pages = doc.Pages.pages
    page_refs = [f"{_number(doc, page)} 0 R" for page in pages]
    for element, obj in zip(elements, raw, strict=True):
        obj.data = _element(element, refs, page_refs, doc)
    nums = []
    for index, page in enumerate(pages):
        owners = tags.marks.get(index + 1)
        page.__NoDefault__ = _PAGE_KEYS
        if owners:
            page.StructParents = index
            nums.append(f"{index} [{' '.join([refs[id(e)] for e in owners])}]")
        if page.Annots:
            page.Tabs = PDFName("S")  # tab through fields in structure (reading) order
    for key, (annotation, owner) in enumerate(tags.widgets, start=len(pages)):
        _set_struct_parent(annotation, key)
        nums.append(f"{key} {refs[id(owner)]}")
    parent_tree = Packed()
    parent_tree.data = f"<< /Nums [{' '.join(nums)}] >>".encode()
    tree.data = (
        f"<< /Type /StructTreeRoot /K {refs[id(root)]} /ParentTree {_register(doc, parent_tree)} "
        f"/ParentTreeNextKey {len(pages) + len(tags.widgets)} >>"
    ).encode()
    catalog = doc.Catalog
    catalog.StructTreeRoot = tree
    catalog.MarkInfo = PDFDictionary({"Marked": "true"})
    canv.setViewerPreference("DisplayDocTitle", "true")


def _element(element: Element, refs: dict[int, str], pages: list[str], doc: Any) -> bytes:
    """A structure element's dictionary: its MCIDs on its first page are plain numbers."""
    text = f"<< /S /{element.role} /P {refs[id(element.parent)]}"
    only = element.kids[0] if len(element.kids) == 1 else None
    if isinstance(only, Mark) and not element.attrs:  # most elements: one mark, no attributes
        return f"{text} /Pg {pages[only.page - 1]} /K {only.mcid} >>".encode()
    kids, first = [], 0
    for kid in element.kids:
        if isinstance(kid, Mark):
            page, mcid = kid
            if not first:
                first = page
                text += f" /Pg {pages[first - 1]}"
            kids.append(
                str(mcid)
                if page == first
                else f"<< /Type /MCR /Pg {pages[page - 1]} /MCID {mcid} >>"
            )
        elif isinstance(kid, Widget):
            obj = _number(doc, kid.annotation)
            kids.append(f"<< /Type /OBJR /Obj {obj} 0 R /Pg {pages[kid.page - 1]} >>")
        else:
            kids.append(refs[id(kid)])
    if kids:
        text += f" /K [{' '.join(kids)}]" if len(kids) > 1 else f" /K {kids[0]}"
    if element.attrs:
        text += _attributes(element.attrs, doc)
    return (text + " >>").encode("latin-1")


def _attributes(attrs: dict[str, str], doc: Any) -> str:
    text = ""
    for name in _TEXT_ATTRIBUTES:
        if name in attrs:
            text += f" /{name} {PDFString(attrs[name]).format(doc).decode('latin-1')}"
    if "Scope" in attrs:
        text += f" /A << /O /Table /Scope /{attrs['Scope']} >>"
    if "ListNumbering" in attrs:
        text += f" /A << /O /List /ListNumbering /{attrs['ListNumbering']} >>"
    return text


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
