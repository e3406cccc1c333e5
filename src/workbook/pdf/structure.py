"""Stage 6, the PDF: what makes it a tagged PDF/UA-1 file — the structure tree and its parent
tree, each page's and annotation's key into it, the catalog's flags and the XMP metadata.

The elements come from layout/tags.py. A workbook has hundreds, so each is formatted here
as text and goes into the file's object stream (file.py) rather than through
ReportLab's general dictionaries and one object per element.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase.pdfdoc import (
    XMP,
    Annotation,
    PDFDictionary,
    PDFInfo,
    PDFName,
    PDFPage,
    PDFString,
)

from .file import Packed
from .layout.tags import Element, Mark, Tagger, Widget

_PAGE_KEYS = [*PDFPage.__NoDefault__, "StructParents", "Tabs"]
_TEXT_ATTRIBUTES = ("Lang", "Alt", "ActualText")
_ALT = '<rdf:Alt><rdf:li xml:lang="x-default">{}</rdf:li></rdf:Alt>'
_UNDATED = dt.date(2000, 1, 1)  # ReportLab's fixed date, for a workbook with none


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
    boxed = element.box is not None and element.box[0] > 0  # lies on one page
    if isinstance(only, Mark) and not element.attrs and not boxed:  # most: one mark, no more
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
    if element.attrs or boxed:
        text += _attributes(element, doc)
    return (text + " >>").encode("latin-1")


def _attributes(element: Element, doc: Any) -> str:
    """Its text attributes (Lang, Alt, ActualText) and attribute objects: a table header's
    scope, a list's numbering, and the bounding box of a figure or table on one page."""
    attrs, text, owned = element.attrs, "", []
    for name in _TEXT_ATTRIBUTES:
        if name in attrs:
            text += f" /{name} {PDFString(attrs[name]).format(doc).decode('latin-1')}"
    if "Scope" in attrs:
        owned.append(f"<< /O /Table /Scope /{attrs['Scope']} >>")
    if "ListNumbering" in attrs:
        owned.append(f"<< /O /List /ListNumbering /{attrs['ListNumbering']} >>")
    if element.box is not None and element.box[0] > 0:
        owned.append(f"<< /O /Layout /BBox [{fp_str(*element.box[1:])}] >>")
    if owned:
        text += f" /A {owned[0]}" if len(owned) == 1 else f" /A [{' '.join(owned)}]"
    return text


def _set_struct_parent(annotation: Any, key: int) -> None:
    if isinstance(annotation, PDFDictionary):
        annotation.dict["StructParent"] = key
    elif isinstance(annotation, Annotation):  # a link: its keys are checked against a list
        annotation.permitted = (*annotation.permitted, "StructParent")
        annotation.otherkw["StructParent"] = key
    else:
        raise TypeError(f"cannot tag an annotation of type {type(annotation).__name__}")


class _Info(PDFInfo):  # type: ignore[misc]
    """The document information dictionary as ReportLab fills it, without its empty entries
    (no `/Author ()` when there is no practice, no `/Keywords ()`) and dated `date`."""

    def __init__(self, info: PDFInfo, date: str) -> None:
        self.__dict__.update(info.__dict__)
        self.date = date

    def format(self, document: Any) -> bytes:
        texts = {"Title": self.title, "Author": self.author, "Subject": self.subject,
                 "Keywords": self.keywords, "Creator": self.creator, "Producer": self.producer}  # fmt: skip
        entries: dict[str, Any] = {k: PDFString(v) for k, v in texts.items() if v}
        entries["CreationDate"] = entries["ModDate"] = PDFString(self.date)
        entries["Trapped"] = PDFName(self.trapped)
        return bytes(PDFDictionary(entries).format(document))


def escape(text: str) -> str:
    """&, < and > as XML entities (what xml.sax.saxutils.escape does, without importing
    urllib.request and http.client into every build)."""
    return text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")


def write_metadata(canv: Any, language: str, date: dt.date | None) -> None:
    """The document information and XMP metadata, declaring PDF/UA-1: the same title, author,
    subject and dates in both. The dates are the workbook's (its manifest's `date:`, else
    SOURCE_DATE_EPOCH), never the clock, so builds stay byte-identical; an undated workbook
    keeps a fixed date, 1 January 2000."""
    doc = canv._doc
    day = date or _UNDATED
    info = doc.info = _Info(doc.info, f"D:{day:%Y%m%d}000000+00'00'")
    stamp = f"{day:%Y-%m-%d}T00:00:00+00:00"
    described = {"dc:creator": (info.author, "<rdf:Seq><rdf:li>{}</rdf:li></rdf:Seq>"),
                 "dc:description": (info.subject, _ALT)}  # left out when empty  # fmt: skip
    optional = "".join(f"\n<{key}>{form.format(escape(text))}</{key}>"
                       for key, (text, form) in described.items() if text)  # fmt: skip
    packet = f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:pdf="http://ns.adobe.com/pdf/1.3/" xmlns:xmp="http://ns.adobe.com/xap/1.0/"
 xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">
<dc:format>application/pdf</dc:format>
<dc:title>{_ALT.format(escape(info.title or ""))}</dc:title>{optional}
<dc:language><rdf:Bag><rdf:li>{escape(language)}</rdf:li></rdf:Bag></dc:language>
<pdf:Producer>{escape(info.producer or "")}</pdf:Producer>
<xmp:CreatorTool>{escape(info.creator or "")}</xmp:CreatorTool>
<xmp:CreateDate>{stamp}</xmp:CreateDate>
<xmp:ModifyDate>{stamp}</xmp:ModifyDate>
<pdfuaid:part>1</pdfuaid:part>
</rdf:Description>
</rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""
    data = packet.encode("utf-8")
    doc.Catalog.Metadata = XMP(creator=lambda doc: data)
