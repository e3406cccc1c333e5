"""Reading answers back: the form fields of a filled workbook PDF, as whatever program saved it.

The fields are walked from the form's root (hierarchical names joined with dots, values
and types inherited from parents, as the PDF standard has it), so a file that PDF.js,
PDFium, poppler, pypdf or qpdf saved — with incremental updates, regenerated appearances
or check boxes whose "on" state is `/Yes`, `/On` or anything but `/Off` — reads the same.
"""

from __future__ import annotations

import contextlib
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from ..errors import Location, WorkbookError
from ..locale import SUPPORTED_LANGUAGES, strings
from ..output import _quiet_pypdf

EOF_WINDOW = 1024  # a PDF's %%EOF is within its last 1024 bytes (as readers allow)
MAX_DEPTH = 32  # how deep a field tree may nest before it is called damaged
T = TypeVar("T")


@dataclass(frozen=True)
class RawField:
    """One terminal form field: its full name, type, value, spoken name and first page."""

    name: str
    kind: str  # text, check, radio, or another field type's name
    value: str | bool | None  # text, checked or not, the chosen state's name (or None)
    spoken: str
    page: int | None  # 0-based; None when no page shows it


@dataclass(frozen=True)
class RawWorkbook:
    """What a workbook PDF says about itself, and its fields in the form's order."""

    title: str | None
    recipient: str | None
    language: str | None
    creator: str
    fields: tuple[RawField, ...]
    outline: tuple[tuple[int, str], ...]  # (page, title) of each outline entry, by page


def fail(path: Path, message: str) -> WorkbookError:
    return WorkbookError.at(Location(path), message)


def read_pdf(path: Path, password: str | None = None) -> RawWorkbook:
    """A PDF's form fields and metadata; a located error for anything that is not a readable
    PDF (the password is tried only on an encrypted file)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise fail(path, f"cannot read this file: {exc.strerror}") from None
    if b"%PDF-" not in data[:1024]:
        raise fail(path, "is not a PDF file")
    if b"%%EOF" not in data[-EOF_WINDOW:]:
        raise fail(path, "this PDF is damaged or incomplete (its end is missing; was it cut "
                         "short while being copied or downloaded?)")  # fmt: skip
    from pypdf import PdfReader

    with _quiet_pypdf():  # pypdf's log quotes a file's bytes: they may be someone's answers
        try:
            reader = PdfReader(io.BytesIO(data))
            _unlock(reader, path, password)
            return _read(reader)
        except WorkbookError:
            raise
        except Exception:  # pypdf raises many kinds (and RecursionError) for a damaged file
            raise fail(path, "this PDF is damaged: its form cannot be read") from None


def _unlock(reader: Any, path: Path, password: str | None) -> None:
    from pypdf import PasswordType

    if not reader.is_encrypted:
        return
    if reader.decrypt(password or "") != PasswordType.NOT_DECRYPTED:
        return
    if password is None:
        raise fail(path, "this PDF is password-protected; give its password with --password "
                         "(or the WORKBOOK_PASSWORD environment variable)")  # fmt: skip
    raise fail(path, "the password does not open this PDF")


def _read(reader: Any) -> RawWorkbook:
    info = reader.metadata or {}
    root = reader.trailer["/Root"]
    language = _text(root.get("/Lang")) or None
    pages = _widget_pages(reader)
    form = root.get("/AcroForm")
    fields = (
        [] if form is None else list(_walk(_resolved(_resolved(form).get("/Fields", [])), pages))
    )
    return RawWorkbook(
        title=_text(info.get("/Title")) or None,
        recipient=_extra(lambda: _recipient(reader, language), None),
        language=language,
        creator=_text(info.get("/Creator")) or _xmp_creator(reader),
        fields=tuple(fields),
        outline=_extra(lambda: tuple(sorted(_outline(reader, reader.outline))), ()),
    )


def _extra(read: Callable[[], T], otherwise: T) -> T:
    """Something besides the answers (the recipient on the cover, the outline's titles): a
    damaged page or outline costs only that, not the answers."""
    try:
        return read()
    except Exception:
        return otherwise


def _resolved(value: Any) -> Any:
    """An object, not a reference to it."""
    return value.get_object() if hasattr(value, "get_object") else value


def _text(value: Any) -> str:
    return "" if value is None else str(_resolved(value))


def _xmp_creator(reader: Any) -> str:
    with contextlib.suppress(Exception):
        xmp = reader.xmp_metadata
        return str(xmp.xmp_creator_tool or "") if xmp is not None else ""
    return ""


def _widget_pages(reader: Any) -> dict[int, int]:
    """The page (0-based) of every annotation, by its object number."""
    pages: dict[int, int] = {}
    for index, page in enumerate(reader.pages):
        for ref in page.get("/Annots") or []:
            if hasattr(ref, "idnum"):
                pages.setdefault(ref.idnum, index)
    return pages


def _walk(kids: Any, pages: dict[int, int], prefix: str = "", inherited: dict[str, Any] | None = None,
          depth: int = 0) -> Iterator[RawField]:  # fmt: skip
    """The terminal fields under `kids`: a field whose kids have no names is terminal, and
    those kids are its widgets."""
    if depth > MAX_DEPTH:
        raise ValueError("the form's fields nest too deeply")
    for ref in kids:
        node = ref.get_object()
        own = _text(node.get("/T"))
        name = f"{prefix}.{own}" if prefix and own else own or prefix
        keys = {**(inherited or {}), **{k: node[k] for k in ("/FT", "/V", "/Ff") if k in node}}
        kids_of = _resolved(node.get("/Kids", []))
        children = [k for k in kids_of if "/T" in k.get_object()]
        if children:
            yield from _walk(children, pages, name, keys, depth + 1)
            continue
        widgets = list(kids_of) or [ref]
        on = [p for w in widgets if (p := pages.get(getattr(w, "idnum", -1))) is not None]
        kind, value = _value(keys, widgets)
        yield RawField(name, kind, value, _text(node.get("/TU")), min(on, default=None))


def _value(keys: dict[str, Any], widgets: list[Any]) -> tuple[str, str | bool | None]:
    """A field's kind and value: text as written (line breaks as \\n), a check box as
    checked or not, a radio group as its chosen state's name."""
    kind, raw = str(keys.get("/FT", "")), keys.get("/V")
    if kind == "/Tx":
        text = "" if raw is None else _text(raw)
        return "text", text.replace("\r\n", "\n").replace("\r", "\n")
    if kind != "/Btn":
        return kind.lstrip("/") or "unknown", None if raw is None else _text(raw)
    if raw is None or not str(raw).strip("/"):  # no value: what the widgets show
        raw = next((w.get_object().get("/AS") for w in widgets
                    if str(w.get_object().get("/AS", "/Off")) != "/Off"), None)  # fmt: skip
    state = None if raw is None or str(raw) in ("/Off", "Off") else str(raw).lstrip("/")
    if int(keys.get("/Ff", 0)) & (1 << 15):  # a radio group
        return "radio", state
    return "check", state is not None


def _outline(reader: Any, items: Any) -> Iterator[tuple[int, str]]:
    for item in items:
        if isinstance(item, list):
            yield from _outline(reader, item)
            continue
        page = reader.get_destination_page_number(item)
        if page is not None and page >= 0:
            yield page, str(item.title)


def _recipient(reader: Any, language: str | None) -> str | None:
    """Who the workbook is for, from the cover's "Prepared for …" line (in any language)."""
    if len(reader.pages) == 0:
        return None
    lines: list[str] = reader.pages[0].extract_text().splitlines()
    order = [language] if language in SUPPORTED_LANGUAGES else []
    for lang in [*order, *(x for x in SUPPORTED_LANGUAGES if x != language)]:
        before, _, after = str(strings(lang)["prepared_for"]).partition("{name}")
        for line in lines:
            line = line.strip()
            if line.startswith(before) and line.endswith(after) and len(line) > len(before + after):
                return line[len(before) : len(line) - len(after)].strip()
    return None


def is_field_name(name: str) -> bool:
    """A name that follows workbook's field-naming contract (see `workbook.document`)."""
    return bool(FIELD_NAME.fullmatch(name))


FIELD_NAME = re.compile(r"(?P<sheet>[a-z0-9][^.]*)\.(?P<type>[a-z_]+)\.(?P<n>\d+)(?:\.(?P<part>[^.]+))?"
                        r"|(?P<crisis>_crisis)\.contacts\.(?P<cell>r\d+c\d+)")  # fmt: skip
